//! The cross-border content shipped in `data/crossborder/` and embedded: the glossary (in
//! parts by topic), the open-source guides, the practical guides with documents, and the letter
//! templates. Everything is checked at load, across files.

use std::collections::BTreeSet;

use baken_domain::crossborder::glossary::GlossaryFile;
use baken_domain::crossborder::guide::{self, GuidesFile, SourcesFile};
use baken_domain::crossborder::letter::{self, LettersFile};
use baken_domain::crossborder::{
    ContentProblem, Document, Glossary, Guide, LetterTemplate, OpenSourceGuide,
};

const GLOSSARY_PARTS: [(&str, &str); 3] = [
    (
        "begrippen/bestuur.toml",
        include_str!("../../../data/crossborder/begrippen/bestuur.toml"),
    ),
    (
        "begrippen/registers.toml",
        include_str!("../../../data/crossborder/begrippen/registers.toml"),
    ),
    (
        "begrippen/strafrecht.toml",
        include_str!("../../../data/crossborder/begrippen/strafrecht.toml"),
    ),
];
const SOURCES: &str = include_str!("../../../data/crossborder/bronnen.toml");
const GUIDES: &str = include_str!("../../../data/crossborder/handleidingen.toml");
pub const LETTERS: &str = include_str!("../../../data/crossborder/brieven.toml");

/// All the cross-border content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossBorder {
    pub glossary: Glossary,
    pub sources: Vec<OpenSourceGuide>,
    pub guides: Vec<Guide>,
    pub documents: Vec<Document>,
    pub letters: Vec<LetterTemplate>,
}

fn syntax(file: &str, e: toml::de::Error) -> Vec<ContentProblem> {
    vec![ContentProblem {
        at: file.to_owned(),
        reason: e.to_string(),
    }]
}

/// Parses letter templates (the shipped file, or an edited one) and checks them.
pub fn parse_letters(text: &str) -> Result<Vec<LetterTemplate>, Vec<ContentProblem>> {
    let file: LettersFile = toml::from_str(text).map_err(|e| syntax("brieven.toml", e))?;
    let problems = letter::check(&file.brief);
    if problems.is_empty() {
        Ok(file.brief)
    } else {
        Err(problems)
    }
}

/// The shipped content, checked.
pub fn shipped() -> Result<CrossBorder, Vec<ContentProblem>> {
    let mut parts = Vec::new();
    for (name, text) in GLOSSARY_PARTS {
        parts.push(toml::from_str::<GlossaryFile>(text).map_err(|e| syntax(name, e))?);
    }
    let glossary = Glossary::from_parts(parts)?;
    let sources: SourcesFile = toml::from_str(SOURCES).map_err(|e| syntax("bronnen.toml", e))?;
    let guides: GuidesFile = toml::from_str(GUIDES).map_err(|e| syntax("handleidingen.toml", e))?;
    let letters = parse_letters(LETTERS)?;
    let term_ids: BTreeSet<&str> = glossary.terms.iter().map(|t| t.id.as_str()).collect();
    let letter_ids: BTreeSet<&str> = letters.iter().map(|l| l.id.as_str()).collect();
    let problems = guide::check(&sources.bron, &guides, &term_ids, &letter_ids);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CrossBorder {
        glossary,
        sources: sources.bron,
        guides: guides.handleiding,
        documents: guides.document,
        letters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_content_is_complete_and_consistent() {
        let c = shipped().unwrap_or_else(|p| {
            panic!(
                "{}",
                p.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(
            c.glossary.terms.len() >= 80,
            "{} terms",
            c.glossary.terms.len()
        );
        for country in baken_domain::crossborder::Country::ALL {
            assert!(
                c.sources.iter().filter(|s| s.land == country).count() >= 8,
                "{country:?}"
            );
        }
        assert!(c.guides.len() >= 4);
        assert!(c.letters.len() >= 4);
        let found = c.glossary.search("burgermeister", None);
        assert_eq!(found.first().map(|t| t.id.as_str()), Some("burgemeester"));
    }
}
