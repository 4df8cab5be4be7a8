//! Readiness (gereedheid): the self-assessment (zelfscan) of how ready an organisation is for a
//! data-driven approach, scored per dimension and combined over a team; and the e-learning that
//! teaches what the weak dimensions lack.
//!
//! Read in this order: [`scan`] (the questions and their levels), [`score`] (one person's and a
//! team's results, the comparison with others), [`course`] (the e-learning modules).

pub mod course;
pub mod scan;
pub mod score;

pub use course::{Course, CourseError, Module, Quiz};
pub use scan::{Dimension, Question, ReadinessError, Scan};
pub use score::{
    AnswerProblem, Answers, MIN_ORGANISATIONS_FOR_COMPARISON, TeamResult, comparison,
    dimension_scores, strongest_and_weakest, team_result, validate_answers,
};
