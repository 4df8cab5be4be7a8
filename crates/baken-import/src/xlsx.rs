//! A guard for XLSX files before they are opened: an XLSX is a zip archive, and a small file
//! can claim to unpack to gigabytes. The sizes its directory declares are added up and a file
//! that would unpack to more than [`MAX_UNPACKED_BYTES`] is refused before anything is
//! decompressed. (Reading an entry stops at its declared size, so a lying directory cannot
//! unpack more than it declares.)

use std::io::{Read, Seek};

/// The most an XLSX may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// Checks the archive's declared unpacked size; the reason when it is refused.
pub fn check_unpacked_size<R: Read + Seek>(reader: R) -> Result<u64, String> {
    check_unpacked_size_under(reader, MAX_UNPACKED_BYTES)
}

/// [`check_unpacked_size`] with another limit.
pub fn check_unpacked_size_under<R: Read + Seek>(reader: R, max: u64) -> Result<u64, String> {
    let mut archive =
        zip::ZipArchive::new(reader).map_err(|e| format!("not a readable XLSX: {e}"))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| format!("not a readable XLSX: {e}"))?;
        total = total.saturating_add(entry.size());
        if total > max {
            return Err(format!(
                "the workbook unpacks to more than {} MB",
                max / (1024 * 1024)
            ));
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    #[test]
    fn a_workbook_that_would_unpack_too_far_is_refused_before_it_is_read() {
        // A real small workbook passes.
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "gemeente").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(check_unpacked_size(Cursor::new(&bytes)).unwrap() < 1024 * 1024);
        // A "bomb": one entry of zeros that compresses to almost nothing.
        let mut out = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
            let chunk = vec![0u8; 1 << 20];
            // 17 MB against a limit of 16 MB (the real limit works the same, only slower to
            // build a bomb for).
            for _ in 0..17 {
                zip.write_all(&chunk).unwrap();
            }
            zip.finish().unwrap();
        }
        let small = out.into_inner();
        assert!(small.len() < 256 * 1024, "compressed to {}", small.len());
        let err = check_unpacked_size_under(Cursor::new(&small), 16 << 20).unwrap_err();
        assert!(err.contains("unpacks to more than"));
    }
}
