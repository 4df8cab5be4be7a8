//! Small helpers shared by the SVG writers.

use std::fmt::Write as _;

/// Escapes text for XML content and attribute values (`&`, `<`, `>`, `"`, `'`).
/// Control characters that XML 1.0 does not allow are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Makes `prefix` safe to use inside an id and a `url(#…)` reference: letters, digits, `-` and
/// `_` are kept, anything else becomes `-`; an empty prefix or one not starting with a letter
/// gets an `svg-` in front.
pub(crate) fn id_prefix(prefix: &str) -> String {
    let mut out: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "svg-");
    }
    out
}

/// Formats a coordinate with at most one decimal, without a trailing `.0`.
pub(crate) fn coord(value: f64) -> String {
    let tenths = (value * 10.0).round();
    if !tenths.is_finite() {
        return "0".to_owned();
    }
    let mut out = String::new();
    let _ = write!(out, "{}", tenths / 10.0);
    if out == "-0" {
        out = "0".to_owned();
    }
    out
}

/// Opening `<svg>` element plus `<title>` and `<desc>`.
pub(crate) fn open(
    out: &mut String,
    prefix: &str,
    class: &str,
    role: &str,
    (width, height): (f64, f64),
    title: &str,
    description: &str,
) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="{class}" viewBox="0 0 {w} {h}" role="{role}" aria-labelledby="{prefix}-title {prefix}-desc" font-family="sans-serif"><title id="{prefix}-title">{title}</title><desc id="{prefix}-desc">{desc}</desc>"#,
        w = coord(width),
        h = coord(height),
        title = escape(title),
        desc = escape(description),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml_specials() {
        assert_eq!(
            escape(r#"'s-Gravenhage & <x> "y""#),
            "&apos;s-Gravenhage &amp; &lt;x&gt; &quot;y&quot;"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }

    #[test]
    fn id_prefixes_are_safe() {
        assert_eq!(id_prefix("trend-GM0855"), "trend-GM0855");
        assert_eq!(id_prefix("a b\"<"), "a-b--");
        assert_eq!(id_prefix(""), "svg-");
        assert_eq!(id_prefix("1x"), "svg-1x");
    }

    #[test]
    fn coordinates_have_one_decimal() {
        assert_eq!(coord(12.34), "12.3");
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(-0.01), "0");
        assert_eq!(coord(f64::NAN), "0");
    }
}
