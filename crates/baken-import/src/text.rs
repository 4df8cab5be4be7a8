//! Turning a file's bytes into text: UTF-8 with or without a byte-order mark, or
//! Windows-1252 (what Dutch Excel writes), detected, never guessed silently.

use std::borrow::Cow;

/// The encoding a file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 (BOM)",
            Self::Windows1252 => "Windows-1252",
        }
    }
}

/// Decodes `bytes`: valid UTF-8 is UTF-8; anything else is read as Windows-1252, the encoding
/// of spreadsheets saved as CSV on Dutch Windows machines.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf")
        && let Ok(text) = std::str::from_utf8(rest)
    {
        return (Cow::Borrowed(text), Encoding::Utf8Bom);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), Encoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text, Encoding::Windows1252)
        }
    }
}

/// The field delimiter of a delimited text: the one of `;`, `,` and tab that splits the first
/// lines most consistently (outside quotes).
pub fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let count = |line: &str, d: char| {
        let mut inside = false;
        line.chars()
            .filter(|c| {
                if *c == '"' {
                    inside = !inside;
                }
                !inside && *c == d
            })
            .count()
    };
    let mut best = (b';', 0usize);
    for d in [';', ',', '\t'] {
        let counts: Vec<usize> = lines.iter().map(|l| count(l, d)).collect();
        let max = counts.iter().copied().max().unwrap_or(0);
        // Score: how many lines share the most common non-zero count.
        let mut freq = std::collections::HashMap::new();
        for c in counts.iter().filter(|c| **c > 0) {
            *freq.entry(*c).or_insert(0usize) += 1;
        }
        let score = freq.values().copied().max().unwrap_or(0) * 1000 + max;
        if score > best.1 {
            best = (d as u8, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_is_recognised_and_decoded() {
        let bytes = b"gemeente;bedrag\r\nRoermond;\xe9\xe9n,5\r\nEindhoven;co\xf6rdinatie\r\n";
        let (text, enc) = decode(bytes);
        assert_eq!(enc, Encoding::Windows1252);
        assert!(text.contains("één,5") && text.contains("coördinatie"));
    }

    #[test]
    fn a_bom_is_noted_and_dropped() {
        let (text, enc) = decode(b"\xef\xbb\xbfa;b");
        assert_eq!((text.as_ref(), enc), ("a;b", Encoding::Utf8Bom));
    }

    #[test]
    fn delimiters_are_detected_outside_quotes() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(detect_delimiter("a,b,c\n\"1;2\",2,3\n"), b',');
        assert_eq!(detect_delimiter("a\tb\n1,5\t2,5\n"), b'\t');
        assert_eq!(detect_delimiter("\"x\";\"1,5\"\n\"y\";\"2,5\"\n"), b';');
    }
}
