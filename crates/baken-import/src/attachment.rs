//! A signal's attachments: only PDF, JPEG, PNG and plain text, recognised by their bytes (not
//! by their name), under a size limit; images lose every metadata segment (EXIF with its GPS
//! position and camera serial, XMP, comments, ICC profiles, text chunks) before they are
//! stored. A file that cannot be parsed is refused, never stored as it came.

use bytes::Bytes;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;

/// Why an attachment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("the file is empty")]
    Empty,
    #[error("only PDF, JPEG, PNG and plain text files are accepted")]
    ForbiddenType,
    #[error("the image cannot be read, so its metadata cannot be removed: {0}")]
    BrokenImage(String),
}

/// An accepted attachment, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanAttachment {
    pub name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Checks type and size and strips image metadata.
pub fn check(name: &str, bytes: &[u8], max: usize) -> Result<CleanAttachment, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > max {
        return Err(AttachmentError::TooLarge { max });
    }
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("bijlage")
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let (media_type, bytes) = if bytes.starts_with(b"%PDF-") {
        ("application/pdf", bytes.to_vec())
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let mut jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(bytes))
            .map_err(|e| AttachmentError::BrokenImage(e.to_string()))?;
        // APP1–APP15 (EXIF, XMP, ICC, maker notes …) and comments go; APP0 (JFIF) stays.
        jpeg.segments_mut()
            .retain(|s| !matches!(s.marker(), 0xE1..=0xEF | 0xFE));
        ("image/jpeg", jpeg.encoder().bytes().to_vec())
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut png = Png::from_bytes(Bytes::copy_from_slice(bytes))
            .map_err(|e| AttachmentError::BrokenImage(e.to_string()))?;
        const KEEP: [&[u8; 4]; 7] = [
            b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"sRGB",
        ];
        png.chunks_mut().retain(|c| KEEP.contains(&&c.kind()));
        ("image/png", png.encoder().bytes().to_vec())
    } else if std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')) {
        ("text/plain; charset=utf-8", bytes.to_vec())
    } else {
        return Err(AttachmentError::ForbiddenType);
    };
    Ok(CleanAttachment {
        name,
        media_type,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal JPEG: SOI, APP0 (JFIF), APP1 (EXIF with a fake GPS tag), COM, SOS, EOI.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend([0xFF, 0xE0, 0x00, 0x10]);
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let exif = b"Exif\0\0GPS 51.5555N 5.0913E serial 12345";
        b.extend([0xFF, 0xE1, 0x00, (exif.len() + 2) as u8]);
        b.extend(exif);
        let comment = b"made by Jan";
        b.extend([0xFF, 0xFE, 0x00, (comment.len() + 2) as u8]);
        b.extend(comment);
        b.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
        b
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn image_metadata_is_stripped() {
        let original = jpeg_with_exif();
        assert!(contains(&original, b"GPS"));
        let clean = check("foto.jpg", &original, 1 << 20).unwrap();
        assert_eq!(clean.media_type, "image/jpeg");
        assert!(!contains(&clean.bytes, b"GPS"), "EXIF is gone");
        assert!(!contains(&clean.bytes, b"made by Jan"), "comments are gone");
        assert!(contains(&clean.bytes, b"JFIF"), "the image itself stays");
    }

    #[test]
    fn types_are_recognised_by_content_and_sizes_limited() {
        assert_eq!(
            check("a.pdf", b"%PDF-1.7 ...", 100).unwrap().media_type,
            "application/pdf"
        );
        assert_eq!(
            check("x.pdf", b"MZ\x90\0 windows program", 100),
            Err(AttachmentError::ForbiddenType),
            "a name does not make a type"
        );
        assert_eq!(
            check("a.txt", b"notitie", 3),
            Err(AttachmentError::TooLarge { max: 3 })
        );
        assert_eq!(check("a.txt", b"", 3), Err(AttachmentError::Empty));
        assert!(matches!(
            check("kapot.jpg", &[0xFF, 0xD8, 0xFF, 0x00], 100),
            Err(AttachmentError::BrokenImage(_))
        ));
        assert_eq!(
            check("../../etc/passwd.txt", b"x", 10).unwrap().name,
            "passwd.txt"
        );
    }
}
