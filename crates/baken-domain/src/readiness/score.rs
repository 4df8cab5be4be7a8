//! Scoring: one person's answers give a score of 1–5 per dimension (the mean of the levels
//! chosen); a team's answers combine into the mean and the spread per dimension, with the
//! questions where the team disagrees most; other organisations are compared only when enough
//! took part that none can be recognised.

use std::collections::BTreeMap;

use serde::Serialize;

use super::scan::Scan;

/// One person's answers: question id → level 1–5.
pub type Answers = BTreeMap<String, u8>;

/// At least this many other organisations must have results before their average is shown.
pub const MIN_ORGANISATIONS_FOR_COMPARISON: usize = 5;

/// What is wrong with an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerProblem {
    pub question: String,
    pub reason: &'static str,
}

/// Every answer must be to a question of the scan, on its scale.
pub fn validate_answers(scan: &Scan, answers: &Answers) -> Result<(), Vec<AnswerProblem>> {
    let problems: Vec<AnswerProblem> = answers
        .iter()
        .filter_map(|(q, level)| {
            if scan.question(q).is_none() {
                Some(AnswerProblem {
                    question: q.clone(),
                    reason: "not a question of this self-assessment",
                })
            } else if !(1..=5).contains(level) {
                Some(AnswerProblem {
                    question: q.clone(),
                    reason: "the answer is a level from 1 to 5",
                })
            } else {
                None
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The score per dimension (in the scan's order): the mean level over its answered questions,
/// `None` when none was answered.
pub fn dimension_scores(scan: &Scan, answers: &Answers) -> Vec<(String, Option<f64>)> {
    scan.dimensies
        .iter()
        .map(|d| {
            let levels: Vec<f64> = d
                .vragen
                .iter()
                .filter_map(|q| answers.get(&q.id))
                .map(|l| f64::from(*l))
                .collect();
            (d.id.clone(), mean(&levels))
        })
        .collect()
}

/// The strongest and the weakest dimension (ties go to the earlier one).
pub fn strongest_and_weakest(scores: &[(String, Option<f64>)]) -> Option<(String, String)> {
    let scored: Vec<(&String, f64)> = scores
        .iter()
        .filter_map(|(d, s)| s.map(|s| (d, s)))
        .collect();
    let strongest = scored
        .iter()
        .fold(None::<(&String, f64)>, |best, (d, s)| match best {
            Some((_, b)) if b >= *s => best,
            _ => Some((d, *s)),
        })?;
    let weakest = scored
        .iter()
        .fold(None::<(&String, f64)>, |worst, (d, s)| match worst {
            Some((_, w)) if w <= *s => worst,
            _ => Some((d, *s)),
        })?;
    Some((strongest.0.clone(), weakest.0.clone()))
}

/// A team's combined result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamResult {
    pub respondents: usize,
    /// Per dimension: the mean of the members' scores and their spread (standard deviation).
    pub dimensions: Vec<(String, Option<f64>, Option<f64>)>,
    /// Questions by disagreement (standard deviation of the levels), largest first.
    pub disagreements: Vec<(String, f64)>,
}

fn spread(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    (values.len() > 1)
        .then(|| (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64).sqrt())
}

/// Combines the members' answers.
pub fn team_result(scan: &Scan, responses: &[Answers]) -> TeamResult {
    let per_member: Vec<Vec<(String, Option<f64>)>> = responses
        .iter()
        .map(|a| dimension_scores(scan, a))
        .collect();
    let dimensions = scan
        .dimensies
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let scores: Vec<f64> = per_member.iter().filter_map(|m| m[i].1).collect();
            (d.id.clone(), mean(&scores), spread(&scores))
        })
        .collect();
    let mut disagreements: Vec<(String, f64)> = scan
        .dimensies
        .iter()
        .flat_map(|d| &d.vragen)
        .filter_map(|q| {
            let levels: Vec<f64> = responses
                .iter()
                .filter_map(|a| a.get(&q.id))
                .map(|l| f64::from(*l))
                .collect();
            spread(&levels).map(|s| (q.id.clone(), s))
        })
        .filter(|(_, s)| *s > 0.0)
        .collect();
    disagreements.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    TeamResult {
        respondents: responses.len(),
        dimensions,
        disagreements,
    }
}

/// The average score per dimension over other organisations' latest results, only when at
/// least [`MIN_ORGANISATIONS_FOR_COMPARISON`] took part.
pub fn comparison(others: &[Vec<(String, Option<f64>)>]) -> Option<Vec<(String, Option<f64>)>> {
    if others.len() < MIN_ORGANISATIONS_FOR_COMPARISON {
        return None;
    }
    let first = others.first()?;
    Some(
        first
            .iter()
            .enumerate()
            .map(|(i, (d, _))| {
                let scores: Vec<f64> = others.iter().filter_map(|o| o.get(i)?.1).collect();
                (d.clone(), mean(&scores))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::indicator::Text;
    use crate::readiness::scan::{DIMENSIONS, Dimension, Link, Question};

    fn text(s: &str) -> Text {
        Text {
            nl: s.into(),
            en: s.into(),
        }
    }

    fn scan() -> Scan {
        Scan {
            version: 1,
            dimensies: DIMENSIONS
                .iter()
                .map(|d| Dimension {
                    id: (*d).into(),
                    naam: text(d),
                    omschrijving: text(d),
                    advies: text(d),
                    links: vec![Link {
                        pad: "/matrices".into(),
                        label: text("x"),
                    }],
                    vragen: (1..=5)
                        .map(|n| Question {
                            id: format!("{d}-{n}"),
                            tekst: text("q"),
                            niveaus: vec![text("l"); 5],
                        })
                        .collect(),
                })
                .collect(),
        }
        .check()
        .unwrap()
    }

    fn answers(pairs: &[(&str, u8)]) -> Answers {
        pairs.iter().map(|(q, l)| ((*q).to_owned(), *l)).collect()
    }

    #[test]
    fn scores_are_the_mean_level_per_dimension() {
        let s = scan();
        let a = answers(&[("bestuur-1", 2), ("bestuur-2", 4), ("data-1", 5)]);
        let scores = dimension_scores(&s, &a);
        assert_eq!(scores[0], ("bestuur".into(), Some(3.0)));
        assert_eq!(scores[2], ("data".into(), Some(5.0)));
        assert_eq!(scores[1], ("rechtmatigheid".into(), None));
        assert_eq!(
            strongest_and_weakest(&scores),
            Some(("data".to_owned(), "bestuur".to_owned()))
        );
    }

    #[test]
    fn answers_off_the_scale_or_to_unknown_questions_are_refused() {
        let s = scan();
        let err = validate_answers(&s, &answers(&[("bestuur-1", 6), ("elders-1", 3)])).unwrap_err();
        assert_eq!(err.len(), 2);
        assert!(validate_answers(&s, &answers(&[("bestuur-1", 0)])).is_err());
        assert!(validate_answers(&s, &answers(&[("bestuur-1", 5)])).is_ok());
    }

    #[test]
    fn a_team_result_has_mean_spread_and_the_questions_it_disagrees_on() {
        let s = scan();
        let team = [
            answers(&[("bestuur-1", 1), ("bestuur-2", 3), ("kennis-1", 4)]),
            answers(&[("bestuur-1", 5), ("bestuur-2", 3), ("kennis-1", 4)]),
        ];
        let r = team_result(&s, &team);
        assert_eq!(r.respondents, 2);
        // Member scores for bestuur: 2 and 4 → mean 3, spread 1.
        assert_eq!(r.dimensions[0], ("bestuur".into(), Some(3.0), Some(1.0)));
        assert_eq!(r.dimensions[6], ("kennis".into(), Some(4.0), Some(0.0)));
        // Only bestuur-1 divides them (levels 1 and 5: spread 2).
        assert_eq!(r.disagreements, vec![("bestuur-1".to_owned(), 2.0)]);
    }

    #[test]
    fn others_are_compared_only_when_five_or_more_took_part() {
        let one = vec![("bestuur".to_owned(), Some(2.0)), ("data".to_owned(), None)];
        assert!(comparison(&vec![one.clone(); 4]).is_none());
        let five = comparison(&vec![one; 5]).unwrap();
        assert_eq!(five[0], ("bestuur".into(), Some(2.0)));
        assert_eq!(five[1], ("data".into(), None));
    }
}
