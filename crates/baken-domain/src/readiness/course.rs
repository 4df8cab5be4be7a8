//! The e-learning: modules with sections to read and quizzes with feedback on every answer,
//! each module linked to the part of Baken it teaches. Shipped as data and checked once.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::dashboard::indicator::Text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub titel: Text,
    pub tekst: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub tekst: Text,
    pub juist: bool,
    pub feedback: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub id: String,
    pub vraag: Text,
    #[serde(rename = "antwoord")]
    pub antwoorden: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub id: String,
    pub titel: Text,
    pub samenvatting: Text,
    pub link: String,
    pub minuten: u32,
    #[serde(rename = "sectie")]
    pub secties: Vec<Section>,
    #[serde(rename = "vraag")]
    pub vragen: Vec<Quiz>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CourseError {
    #[error("the e-learning cannot be read: {0}")]
    Syntax(String),
    #[error("{id:?}: {reason}")]
    Invalid { id: String, reason: String },
}

/// The e-learning, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub version: u32,
    #[serde(rename = "module")]
    pub modules: Vec<Module>,
}

impl Course {
    /// At least six modules; every quiz question has one right answer among three or more;
    /// unique ids; links into Baken.
    pub fn check(self) -> Result<Self, CourseError> {
        let bad = |id: &str, reason: &str| CourseError::Invalid {
            id: id.to_owned(),
            reason: reason.to_owned(),
        };
        if self.modules.len() < 6 {
            return Err(bad("", "at least six modules"));
        }
        let mut ids = BTreeSet::new();
        for m in &self.modules {
            if !ids.insert(m.id.as_str()) || !m.link.starts_with('/') {
                return Err(bad(&m.id, "a unique id and a link into Baken"));
            }
            if m.secties.is_empty() || m.vragen.is_empty() {
                return Err(bad(&m.id, "has sections and questions"));
            }
            for q in &m.vragen {
                if !ids.insert(q.id.as_str()) {
                    return Err(bad(&q.id, "the id is used twice"));
                }
                if q.antwoorden.len() < 3 || q.antwoorden.iter().filter(|a| a.juist).count() != 1 {
                    return Err(bad(&q.id, "three or more answers, exactly one right"));
                }
            }
        }
        Ok(self)
    }

    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }
}
