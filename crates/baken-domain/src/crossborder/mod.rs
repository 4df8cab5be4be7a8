//! Across the border: the NL–BE–DE glossary of the administrative approach, open-source guides
//! per country, practical guides, request letters in the receiver's language, and the register
//! of cross-border cases. The content is data (`data/crossborder/`); this module holds its types,
//! its checks, the search and the rules a letter must meet.

pub mod case;
pub mod glossary;
pub mod guide;
pub mod letter;

pub use glossary::{Glossary, Term};
pub use guide::{Document, Guide, OpenSourceGuide};
pub use letter::{LetterInput, LetterTemplate};

use serde::{Deserialize, Serialize};

/// A country of the Euregion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Country {
    #[serde(rename = "NL")]
    Netherlands,
    #[serde(rename = "BE")]
    Belgium,
    #[serde(rename = "DE")]
    Germany,
}

impl Country {
    pub const ALL: [Country; 3] = [Self::Netherlands, Self::Belgium, Self::Germany];

    pub fn code(self) -> &'static str {
        match self {
            Self::Netherlands => "NL",
            Self::Belgium => "BE",
            Self::Germany => "DE",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// Folds text for search: lowercase, accents removed, ß as ss, umlauts as the bare vowel, so
/// "burgermeister" finds "Bürgermeister" and "reglement" finds "règlement".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ÿ' | 'ý' => out.push('y'),
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '’' | '\'' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

/// A problem in the shipped or an edited content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentProblem {
    pub at: String,
    pub reason: String,
}

impl std::fmt::Display for ContentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.reason)
    }
}

pub(crate) fn valid_id(id: &str) -> bool {
    (2..=80).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_accents_case_and_sharp_s() {
        assert_eq!(fold("Bürgermeister"), "burgermeister");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("RÈGLEMENT Général"), "reglement general");
        assert_eq!(Country::from_code("be"), Some(Country::Belgium));
    }
}
