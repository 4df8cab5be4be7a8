//! Number formatting for people, in Dutch or English.

/// Language of the formatted output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    fn separators(self) -> (char, char) {
        match self {
            Lang::Nl => ('.', ','),
            Lang::En => (',', '.'),
        }
    }
}

/// Shown instead of a number that is NaN or infinite.
pub const NOT_A_NUMBER: &str = "–";

/// Most decimals honoured; more would exceed what an `f64` can say anyway.
const MAX_DECIMALS: usize = 12;

/// Formats `value` with `decimals` decimals and thousands separators.
///
/// Dutch: `"1.234,5"`; English: `"1,234.5"`. Rounds half away from zero on the decimal value
/// as written (12,25 → 12,3). Negative numbers get a `-`; a value that rounds to zero gets no
/// sign. NaN and infinities become `"–"` (an en dash). `decimals` is capped at 12.
pub fn number(value: f64, decimals: usize, lang: Lang) -> String {
    if !value.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    let decimals = decimals.min(MAX_DECIMALS);
    let (thousands, decimal_mark) = lang.separators();
    let (int_digits, frac_digits) = digits(value.abs(), decimals);

    let mut out = String::with_capacity(int_digits.len() + int_digits.len() / 3 + decimals + 2);
    let is_zero = int_digits.bytes().all(|b| b == b'0') && frac_digits.bytes().all(|b| b == b'0');
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    let len = int_digits.len();
    for (i, c) in int_digits.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(c);
    }
    if decimals > 0 {
        out.push(decimal_mark);
        out.push_str(&frac_digits);
    }
    out
}

/// Integer and fraction digits of the non-negative `value` rounded to `decimals`.
fn digits(value: f64, decimals: usize) -> (String, String) {
    // Go through the shortest decimal representation that round-trips, so that 1.005 (stored
    // as 1.00499999…) still rounds the way people read it, then round that decimal string.
    // `{:e}` gives "d.ddde±x": digit i has place value 10^(x - i).
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let mantissa_digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // Keep digits down to place 10^(-decimals): indices 0..keep.
    let keep = exponent + 1 + decimals as i64;
    let mut kept: Vec<u8> = (0..keep.max(0))
        .map(|i| mantissa_digits.get(i as usize).copied().unwrap_or(0))
        .collect();
    let round_digit = usize::try_from(keep)
        .ok()
        .and_then(|i| mantissa_digits.get(i).copied())
        .unwrap_or(0);
    if round_digit >= 5 {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    // `kept` is now the integer round(value × 10^decimals); its last digit has place
    // 10^(-decimals). Pad so there is at least one integer digit.
    while kept.len() < decimals + 1 {
        kept.insert(0, 0);
    }
    let split = kept.len() - decimals;
    let to_text = |ds: &[u8]| ds.iter().map(|d| char::from(b'0' + d)).collect::<String>();
    let int_digits = to_text(&kept[..split]);
    let int_digits = int_digits.trim_start_matches('0');
    let int_digits = if int_digits.is_empty() {
        "0"
    } else {
        int_digits
    };
    (int_digits.to_owned(), to_text(&kept[split..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dutch() {
        assert_eq!(number(1234.5, 1, Lang::Nl), "1.234,5");
        assert_eq!(number(12.34, 1, Lang::Nl), "12,3");
        assert_eq!(number(12.25, 1, Lang::Nl), "12,3");
        assert_eq!(number(1_234_567.891, 2, Lang::Nl), "1.234.567,89");
        assert_eq!(number(999.96, 1, Lang::Nl), "1.000,0");
        assert_eq!(number(0.0, 0, Lang::Nl), "0");
        assert_eq!(number(0.5, 0, Lang::Nl), "1");
        assert_eq!(number(100.0, 0, Lang::Nl), "100");
        assert_eq!(number(1000.0, 0, Lang::Nl), "1.000");
        assert_eq!(number(0.04, 1, Lang::Nl), "0,0");
        assert_eq!(number(0.05, 1, Lang::Nl), "0,1");
        assert_eq!(number(0.001234, 4, Lang::Nl), "0,0012");
        assert_eq!(number(1.005, 2, Lang::Nl), "1,01");
    }

    #[test]
    fn english() {
        assert_eq!(number(1234.5, 1, Lang::En), "1,234.5");
        assert_eq!(number(1_000_000.0, 0, Lang::En), "1,000,000");
        assert_eq!(number(12.345, 2, Lang::En), "12.35");
        assert_eq!(number(7.0, 3, Lang::En), "7.000");
    }

    #[test]
    fn negatives_and_non_finite() {
        assert_eq!(number(-1234.5, 1, Lang::Nl), "-1.234,5");
        assert_eq!(number(-1234.5, 0, Lang::En), "-1,235");
        assert_eq!(number(-0.04, 1, Lang::Nl), "0,0");
        assert_eq!(number(-0.0, 0, Lang::En), "0");
        assert_eq!(number(f64::NAN, 1, Lang::Nl), "–");
        assert_eq!(number(f64::INFINITY, 1, Lang::En), "–");
        assert_eq!(number(f64::NEG_INFINITY, 0, Lang::Nl), "–");
    }

    #[test]
    fn large_and_small() {
        assert_eq!(number(1e20, 0, Lang::En), "100,000,000,000,000,000,000");
        assert_eq!(number(1e-20, 2, Lang::En), "0.00");
        assert_eq!(number(f64::MAX, 0, Lang::En).len(), 309 + 102);
        assert_eq!(number(0.3, 40, Lang::En), "0.300000000000");
    }

    proptest! {
        #[test]
        fn agrees_with_std_formatting(value in -1e9f64..1e9, decimals in 0usize..5) {
            // Parse our English output back and compare with the value: within half a unit in
            // the last place shown.
            let text = number(value, decimals, Lang::En).replace(',', "");
            let parsed: f64 = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            let unit = 10f64.powi(-(decimals as i32));
            prop_assert!((parsed - value).abs() <= unit / 2.0 + value.abs() * 1e-12, "{value} -> {text}");
            let nl = number(value, decimals, Lang::Nl);
            prop_assert_eq!(nl.replace('.', "").replace(',', "."), text);
        }
    }
}
