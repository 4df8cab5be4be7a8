//! Filling a request letter's template and laying it out as a PDF.
//!
//! Templates are user-editable (administrators adapt them), so they run sandboxed: a fresh
//! template engine per letter with no loader (no `include`, `import` or `extends`, so no file and
//! no other template), no access to the environment or the database (only the letter's own
//! values are in scope), undefined names are errors rather than blanks, and a fuel limit stops
//! runaway loops.

use baken_domain::crossborder::LetterInput;
use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::pdf::{Block, Report};

/// Why a letter cannot be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("the template cannot be used: {0}")]
    Template(String),
    #[error("the letter cannot be laid out: {0}")]
    Layout(String),
}

/// Instructions a template may spend; a normal letter needs a few thousand.
const FUEL: u64 = 200_000;
/// The longest letter produced.
const MAX_OUTPUT: usize = 100_000;

/// The letter's values as template values: strings, grouped (`afzender.organisatie`).
fn context(input: &LetterInput) -> Value {
    fn convert(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Object(map) => Value::from(
                map.iter()
                    .map(|(k, v)| (k.clone(), convert(v)))
                    .collect::<BTreeMap<String, Value>>(),
            ),
            serde_json::Value::String(s) => Value::from(s.clone()),
            other => Value::from(other.to_string()),
        }
    }
    Value::from(
        input
            .context()
            .iter()
            .map(|(k, v)| (k.clone(), convert(v)))
            .collect::<BTreeMap<String, Value>>(),
    )
}

/// Fills `template` with `input`'s values.
pub fn fill(template: &str, input: &LetterInput) -> Result<String, LetterError> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(16);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let text = env
        .render_str(template, context(input))
        .map_err(|e| LetterError::Template(e.to_string()))?;
    if text.len() > MAX_OUTPUT {
        return Err(LetterError::Template(format!(
            "the letter is longer than {MAX_OUTPUT} characters"
        )));
    }
    Ok(text)
}

fn paragraphs(text: &str) -> impl Iterator<Item = Block> + '_ {
    text.split("\n\n")
        .map(str::trim_end)
        .filter(|p| !p.trim().is_empty())
        .map(|p| Block::Paragraph(p.to_owned()))
}

/// A filled letter as an A4 PDF: the text in paragraphs, with a footer naming the reference;
/// with `copy` (a heading and the text in the sender's language) the sender's own copy follows.
pub fn pdf(
    title: &str,
    language: &str,
    text: &str,
    footer: &str,
    copy: Option<(&str, &str)>,
) -> Result<Vec<u8>, LetterError> {
    let mut blocks: Vec<Block> = paragraphs(text).collect();
    if let Some((heading, copy)) = copy {
        blocks.push(Block::Heading(heading.to_owned()));
        blocks.extend(paragraphs(copy));
    }
    crate::pdf::report(&Report {
        title: title.to_owned(),
        language: language.to_owned(),
        footer: footer.to_owned(),
        blocks,
    })
    .map_err(|e| LetterError::Layout(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> LetterInput {
        let mut i = LetterInput::default();
        i.set("afzender.organisatie", "Gemeente Breda");
        i.set("kenmerk", "GB-2026-1");
        i
    }

    #[test]
    fn a_template_is_filled_with_its_own_values_only() {
        let text = fill(
            "{{ afzender.organisatie }} — {{ kenmerk }}{% if betreft.naam %} x{% endif %}",
            &input(),
        )
        .unwrap();
        assert_eq!(text, "Gemeente Breda — GB-2026-1");
    }

    #[test]
    fn a_template_cannot_reach_files_the_environment_or_other_templates() {
        for evil in [
            "{% include '/etc/passwd' %}",
            "{% import 'andere-brief' as x %}",
            "{% extends 'basis' %}",
            "{{ env.HOME }}",
            "{{ environ }}",
            "{{ self }}",
            "{{ afzender.__class__ }}",
            "{% for i in range(1000000) %}{% for j in range(1000000) %}x{% endfor %}{% endfor %}",
        ] {
            assert!(fill(evil, &input()).is_err(), "{evil} must fail");
        }
    }

    #[test]
    fn a_letter_becomes_a_pdf() {
        let pdf = pdf(
            "Brief",
            "de",
            "Sehr geehrte Damen und Herren,\n\nText.",
            "GB-2026-1",
            Some(("Kopie", "Geachte heer, mevrouw,")),
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
