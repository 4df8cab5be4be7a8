//! The catalogue: phenomena with their indicators, and the sources they are found in. Shipped
//! as data (`data/matrices/*.toml`) and checked once: unique ids, scores on the scale, every
//! reference to a source or a combined indicator resolvable.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::dashboard::indicator::Text;

/// The five kinds of indicator of the CCV matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// the crime itself
    Criminaliteit,
    /// measures taken
    Maatregelen,
    /// residents
    Bewoners,
    /// physical layout
    FysiekeInrichting,
    /// activities and developments
    Activiteiten,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Self::Criminaliteit,
        Self::Maatregelen,
        Self::Bewoners,
        Self::FysiekeInrichting,
        Self::Activiteiten,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Criminaliteit => "criminaliteit",
            Self::Maatregelen => "maatregelen",
            Self::Bewoners => "bewoners",
            Self::FysiekeInrichting => "fysieke-inrichting",
            Self::Activiteiten => "activiteiten",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code.trim())
    }
}

/// The six criteria of an indicator, each scored 1 (poor) to 5 (good).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Criteria {
    pub uitlegbaar: u8,
    pub landelijk_beschikbaar: u8,
    pub laag_schaalniveau: u8,
    pub tijdreeks: u8,
    pub betrouwbaar: u8,
    pub stuurinformatie: u8,
}

impl Criteria {
    pub const NAMES: [&'static str; 6] = [
        "uitlegbaar",
        "landelijk-beschikbaar",
        "laag-schaalniveau",
        "tijdreeks",
        "betrouwbaar",
        "stuurinformatie",
    ];

    pub fn scores(&self) -> [u8; 6] {
        [
            self.uitlegbaar,
            self.landelijk_beschikbaar,
            self.laag_schaalniveau,
            self.tijdreeks,
            self.betrouwbaar,
            self.stuurinformatie,
        ]
    }

    pub fn from_scores(s: [u8; 6]) -> Self {
        Self {
            uitlegbaar: s[0],
            landelijk_beschikbaar: s[1],
            laag_schaalniveau: s[2],
            tijdreeks: s[3],
            betrouwbaar: s[4],
            stuurinformatie: s[5],
        }
    }

    pub fn total(&self) -> u32 {
        self.scores().iter().map(|s| u32::from(*s)).sum()
    }

    pub fn valid(&self) -> bool {
        self.scores().iter().all(|s| (1..=5).contains(s))
    }
}

/// One indicator of a phenomenon's matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MatrixIndicator {
    pub id: String,
    pub naam: Text,
    pub toelichting: Text,
    pub categorie: Category,
    pub criteria: Criteria,
    pub zwaarwegend: bool,
    #[serde(default)]
    pub combineren_met: Vec<String>,
    pub bronnen: Vec<String>,
    /// A dashboard indicator that measures it, when there is one.
    #[serde(default)]
    pub dashboard: String,
}

impl MatrixIndicator {
    /// How much a gap here matters: weighty indicators first, then by their criteria.
    pub fn weight(&self) -> u32 {
        (if self.zwaarwegend { 100 } else { 0 }) + self.criteria.total()
    }
}

/// A phenomenon with its indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phenomenon {
    pub id: String,
    pub naam: Text,
    pub omschrijving: Text,
    #[serde(rename = "indicator")]
    pub indicatoren: Vec<MatrixIndicator>,
}

/// How a municipality usually gets at a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    Direct,
    OpVerzoek,
    ViaPartner,
}

/// A source (vindplaats): a register or file where data for indicators lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Source {
    pub id: String,
    pub naam: Text,
    pub omschrijving: Text,
    pub houder: String,
    pub gebiedsniveau: String,
    pub actualisatie: String,
    pub persoonsgegevens: bool,
    #[serde(default)]
    pub bijzondere_persoonsgegevens: bool,
    pub grondslag: Text,
    pub doelen: Vec<String>,
    pub toegang: Access,
    pub eigenaar: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MatrixError {
    #[error("the matrices cannot be read: {0}")]
    Syntax(String),
    #[error("{what} {id:?}: {reason}")]
    Invalid {
        what: &'static str,
        id: String,
        reason: String,
    },
}

/// The phenomena and the sources, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrices {
    pub version: u32,
    pub phenomena: Vec<Phenomenon>,
    pub sources: Vec<Source>,
}

fn valid_id(id: &str) -> bool {
    (2..=80).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Matrices {
    /// Checks ids, scores and references; every problem names its phenomenon, indicator or
    /// source.
    pub fn check(self) -> Result<Self, MatrixError> {
        let bad = |what: &'static str, id: &str, reason: &str| MatrixError::Invalid {
            what,
            id: id.to_owned(),
            reason: reason.to_owned(),
        };
        let mut source_ids = BTreeSet::new();
        for s in &self.sources {
            if !valid_id(&s.id) || !source_ids.insert(s.id.as_str()) {
                return Err(bad(
                    "source",
                    &s.id,
                    "a unique id of lowercase letters, digits and hyphens",
                ));
            }
        }
        let mut phenomenon_ids = BTreeSet::new();
        let mut indicator_ids = BTreeSet::new();
        for p in &self.phenomena {
            if !valid_id(&p.id) || !phenomenon_ids.insert(p.id.as_str()) {
                return Err(bad(
                    "phenomenon",
                    &p.id,
                    "a unique id of lowercase letters, digits and hyphens",
                ));
            }
            let own: BTreeSet<&str> = p.indicatoren.iter().map(|i| i.id.as_str()).collect();
            for i in &p.indicatoren {
                if !valid_id(&i.id) || !indicator_ids.insert(i.id.as_str()) {
                    return Err(bad(
                        "indicator",
                        &i.id,
                        "a unique id of lowercase letters, digits and hyphens",
                    ));
                }
                if !i.criteria.valid() {
                    return Err(bad("indicator", &i.id, "every criterion is scored 1 to 5"));
                }
                if i.bronnen.is_empty() {
                    return Err(bad("indicator", &i.id, "names at least one source"));
                }
                if let Some(s) = i.bronnen.iter().find(|s| !source_ids.contains(s.as_str())) {
                    return Err(bad("indicator", &i.id, &format!("unknown source {s:?}")));
                }
                if let Some(c) = i.combineren_met.iter().find(|c| !own.contains(c.as_str())) {
                    return Err(bad(
                        "indicator",
                        &i.id,
                        &format!("combines with {c:?}, which is not an indicator of {}", p.id),
                    ));
                }
            }
        }
        Ok(self)
    }

    pub fn phenomenon(&self, id: &str) -> Option<&Phenomenon> {
        self.phenomena.iter().find(|p| p.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}
