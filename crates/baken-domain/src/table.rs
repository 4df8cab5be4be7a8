//! An organisation's own tables: typed columns and typed cells, whatever file they came from.

use std::fmt;

/// The type of a column, as users choose it (Dutch codes) and as it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnType {
    Integer,
    Decimal,
    Date,
    Boolean,
    /// A CBS municipality code (`GM0855`).
    AreaCode,
    Text,
}

impl ColumnType {
    pub const ALL: [ColumnType; 6] = [
        Self::Integer,
        Self::Decimal,
        Self::Date,
        Self::Boolean,
        Self::AreaCode,
        Self::Text,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Integer => "geheel-getal",
            Self::Decimal => "decimaal",
            Self::Date => "datum",
            Self::Boolean => "ja-nee",
            Self::AreaCode => "gemeentecode",
            Self::Text => "tekst",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A validated cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Decimal(f64),
    /// ISO date, `YYYY-MM-DD`.
    Date(String),
    Boolean(bool),
    Text(String),
}

/// A column of an organisation's table: the header as written, a safe storage key, its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub key: String,
    pub kind: ColumnType,
}

/// A storage key for a header: `c_` and lowercase letters, digits and underscores, unique
/// within the table (`Omzet (€)` → `c_omzet`).
pub fn column_key(header: &str, taken: &[String]) -> String {
    let mut key = String::from("c_");
    for c in header.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ï' | 'î' => 'i',
            'ó' | 'ö' | 'ô' => 'o',
            'ú' | 'ü' | 'û' => 'u',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    let mut key: String = key.trim_end_matches('_').chars().take(48).collect();
    if key == "c" {
        key = "c_kolom".to_owned();
    }
    let base = key.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_safe_and_unique() {
        let mut taken = Vec::new();
        for header in [
            "Omzet (€)",
            "omzet",
            "Coördinatie",
            "",
            "'; DROP TABLE users; --",
        ] {
            let key = column_key(header, &taken);
            assert!(
                key.starts_with("c_")
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{key}"
            );
            taken.push(key);
        }
        assert_eq!(
            taken,
            vec![
                "c_omzet",
                "c_omzet_2",
                "c_coordinatie",
                "c_kolom",
                "c_drop_table_users"
            ]
        );
    }

    #[test]
    fn type_codes_round_trip() {
        for t in ColumnType::ALL {
            assert_eq!(ColumnType::from_code(t.code()), Some(t));
        }
    }
}
