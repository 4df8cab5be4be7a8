//! The self-assessment and the e-learning, shipped as `data/readiness/*.toml` and embedded.

use baken_domain::readiness::{Course, CourseError, ReadinessError, Scan};

pub const SHIPPED_SCAN: &str = include_str!("../../../data/readiness/zelfscan.toml");
pub const SHIPPED_COURSE: &str = include_str!("../../../data/readiness/elearning.toml");

pub fn parse_scan(text: &str) -> Result<Scan, ReadinessError> {
    toml::from_str::<Scan>(text)
        .map_err(|e| ReadinessError::Syntax(e.to_string()))?
        .check()
}

pub fn parse_course(text: &str) -> Result<Course, CourseError> {
    toml::from_str::<Course>(text)
        .map_err(|e| CourseError::Syntax(e.to_string()))?
        .check()
}

pub fn shipped_scan() -> Result<Scan, ReadinessError> {
    parse_scan(SHIPPED_SCAN)
}

pub fn shipped_course() -> Result<Course, CourseError> {
    parse_course(SHIPPED_COURSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_self_assessment_and_course_are_complete() {
        let scan = shipped_scan().unwrap();
        assert_eq!(scan.dimensies.len(), 7);
        assert!(scan.question_count() >= 35);
        let course = shipped_course().unwrap();
        assert!(course.modules.len() >= 6);
        for m in &course.modules {
            assert!(!m.vragen.is_empty(), "{} has a quiz", m.id);
        }
    }
}
