//! The self-assessment: seven dimensions, each with questions answered on a scale of five
//! described levels, advice for when the dimension is weak, and links to the parts of Baken that
//! help. Shipped as data and checked once.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::dashboard::indicator::Text;

/// The dimensions, in the order they are shown.
pub const DIMENSIONS: [&str; 7] = [
    "bestuur",
    "rechtmatigheid",
    "data",
    "mensen",
    "technologie",
    "samenwerking",
    "kennis",
];

/// A link to a part of Baken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub pad: String,
    pub label: Text,
}

/// A question, with a description of each of its five levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub tekst: Text,
    pub niveaus: Vec<Text>,
}

/// A dimension of readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub id: String,
    pub naam: Text,
    pub omschrijving: Text,
    pub advies: Text,
    pub links: Vec<Link>,
    #[serde(rename(deserialize = "vraag"))]
    pub vragen: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReadinessError {
    #[error("the self-assessment cannot be read: {0}")]
    Syntax(String),
    #[error("{what} {id:?}: {reason}")]
    Invalid {
        what: &'static str,
        id: String,
        reason: String,
    },
}

/// The self-assessment, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scan {
    pub version: u32,
    #[serde(rename(deserialize = "dimensie"))]
    pub dimensies: Vec<Dimension>,
}

impl Scan {
    /// Checks the seven dimensions in order, at least five questions each with five levels,
    /// unique ids prefixed by their dimension, text in both languages, links into Baken.
    pub fn check(self) -> Result<Self, ReadinessError> {
        let bad = |what: &'static str, id: &str, reason: &str| ReadinessError::Invalid {
            what,
            id: id.to_owned(),
            reason: reason.to_owned(),
        };
        let ids: Vec<&str> = self.dimensies.iter().map(|d| d.id.as_str()).collect();
        if ids != DIMENSIONS {
            return Err(bad(
                "self-assessment",
                "",
                &format!("the dimensions are {DIMENSIONS:?}"),
            ));
        }
        let mut seen = BTreeSet::new();
        for d in &self.dimensies {
            if d.vragen.len() < 5 {
                return Err(bad("dimension", &d.id, "has at least five questions"));
            }
            if d.links.is_empty() || d.links.iter().any(|l| !l.pad.starts_with('/')) {
                return Err(bad(
                    "dimension",
                    &d.id,
                    "links to at least one part of Baken",
                ));
            }
            for q in &d.vragen {
                if !q.id.starts_with(&d.id) || !seen.insert(q.id.as_str()) {
                    return Err(bad(
                        "question",
                        &q.id,
                        "a unique id that starts with its dimension",
                    ));
                }
                if q.niveaus.len() != 5 {
                    return Err(bad("question", &q.id, "has exactly five levels"));
                }
                let texts = std::iter::once(&q.tekst).chain(&q.niveaus);
                if texts
                    .clone()
                    .any(|t| t.nl.trim().is_empty() || t.en.trim().is_empty())
                {
                    return Err(bad("question", &q.id, "needs Dutch and English text"));
                }
            }
        }
        Ok(self)
    }

    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensies.iter().find(|d| d.id == id)
    }

    /// The question and its dimension.
    pub fn question(&self, id: &str) -> Option<(&Dimension, &Question)> {
        self.dimensies
            .iter()
            .find_map(|d| d.vragen.iter().find(|q| q.id == id).map(|q| (d, q)))
    }

    pub fn question_count(&self) -> usize {
        self.dimensies.iter().map(|d| d.vragen.len()).sum()
    }
}
