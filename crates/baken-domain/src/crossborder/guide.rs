//! Open-source guides per country (what each register holds, who may consult it and how) and
//! practical guides for the situations that recur across the border, with the documents
//! residents can request about themselves.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{ContentProblem, Country, valid_id};
use crate::dashboard::indicator::Text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenSourceGuide {
    pub id: String,
    pub land: Country,
    pub naam: String,
    pub houder: String,
    pub inhoud: Text,
    pub toegang: Text,
    pub kosten: Text,
    pub taal: String,
    pub aanvragen: Text,
    pub url: String,
    #[serde(default)]
    pub begrippen: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    pub version: u32,
    pub bron: Vec<OpenSourceGuide>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub id: String,
    pub titel: Text,
    pub situatie: Text,
    pub stappen: Vec<Text>,
    #[serde(default)]
    pub begrippen: Vec<String>,
    #[serde(default)]
    pub bronnen: Vec<String>,
    #[serde(default)]
    pub brieven: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub land: Country,
    pub naam: String,
    pub uitleg: Text,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuidesFile {
    pub version: u32,
    pub handleiding: Vec<Guide>,
    pub document: Vec<Document>,
}

fn empty(t: &Text) -> bool {
    t.nl.trim().is_empty() || t.en.trim().is_empty()
}

/// Checks the sources and guides against each other and against the glossary's and letters'
/// ids.
pub fn check(
    sources: &[OpenSourceGuide],
    guides: &GuidesFile,
    terms: &BTreeSet<&str>,
    letters: &BTreeSet<&str>,
) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    let mut push = |at: String, reason: String| problems.push(ContentProblem { at, reason });
    let mut ids = BTreeSet::new();
    for s in sources {
        let at = format!("bron {}", s.id);
        if !valid_id(&s.id) || !ids.insert(s.id.as_str()) {
            push(at.clone(), "the id is not a unique lowercase id".into());
        }
        if [&s.inhoud, &s.toegang, &s.kosten, &s.aanvragen]
            .iter()
            .any(|t| empty(t))
            || s.naam.trim().is_empty()
        {
            push(at.clone(), "every text needs Dutch and English".into());
        }
        if !s.url.starts_with("https://") {
            push(at.clone(), "the address must be https".into());
        }
        for t in s.begrippen.iter().filter(|t| !terms.contains(t.as_str())) {
            push(at.clone(), format!("unknown glossary term {t:?}"));
        }
    }
    let mut guide_ids = BTreeSet::new();
    for g in &guides.handleiding {
        let at = format!("handleiding {}", g.id);
        if !valid_id(&g.id) || !guide_ids.insert(g.id.as_str()) {
            push(at.clone(), "the id is not a unique lowercase id".into());
        }
        if empty(&g.titel)
            || empty(&g.situatie)
            || g.stappen.is_empty()
            || g.stappen.iter().any(empty)
        {
            push(
                at.clone(),
                "a guide needs a title, a situation and steps in both languages".into(),
            );
        }
        for t in g.begrippen.iter().filter(|t| !terms.contains(t.as_str())) {
            push(at.clone(), format!("unknown glossary term {t:?}"));
        }
        for b in g.bronnen.iter().filter(|b| !ids.contains(b.as_str())) {
            push(at.clone(), format!("unknown source {b:?}"));
        }
        for l in g.brieven.iter().filter(|l| !letters.contains(l.as_str())) {
            push(at.clone(), format!("unknown letter {l:?}"));
        }
    }
    for d in &guides.document {
        if !valid_id(&d.id) || empty(&d.uitleg) || !d.url.starts_with("https://") {
            push(
                format!("document {}", d.id),
                "needs an id, both texts and an https address".into(),
            );
        }
    }
    problems
}
