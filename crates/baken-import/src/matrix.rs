//! The indicator matrices and the sources catalogue, shipped as `data/matrices/*.toml` and
//! embedded in the binary.

use baken_domain::matrix::{Matrices, MatrixError, Phenomenon, Source};
use serde::Deserialize;

pub const SHIPPED_PHENOMENA: &str = include_str!("../../../data/matrices/fenomenen.toml");
pub const SHIPPED_SOURCES: &str = include_str!("../../../data/matrices/bronnen.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhenomenaFile {
    version: u32,
    #[serde(rename = "fenomeen")]
    phenomena: Vec<Phenomenon>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    version: u32,
    #[serde(rename = "bron")]
    sources: Vec<Source>,
}

/// Parses and checks the two files.
pub fn parse_matrices(phenomena: &str, sources: &str) -> Result<Matrices, MatrixError> {
    let p: PhenomenaFile =
        toml::from_str(phenomena).map_err(|e| MatrixError::Syntax(format!("fenomenen: {e}")))?;
    let s: SourcesFile =
        toml::from_str(sources).map_err(|e| MatrixError::Syntax(format!("bronnen: {e}")))?;
    Matrices {
        version: p.version.max(s.version),
        phenomena: p.phenomena,
        sources: s.sources,
    }
    .check()
}

/// The shipped matrices, checked.
pub fn shipped_matrices() -> Result<Matrices, MatrixError> {
    parse_matrices(SHIPPED_PHENOMENA, SHIPPED_SOURCES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use baken_domain::matrix::Category;

    #[test]
    fn the_shipped_matrices_cover_nine_phenomena_and_thirty_sources() {
        let m = shipped_matrices().unwrap();
        assert!(m.phenomena.len() >= 9);
        assert!(m.sources.len() >= 30);
        for p in &m.phenomena {
            assert!(p.indicatoren.len() >= 12, "{} has too few indicators", p.id);
            for c in Category::ALL {
                assert!(
                    p.indicatoren.iter().any(|i| i.categorie == c),
                    "{} has no indicator of {c:?}",
                    p.id
                );
            }
            assert!(p.indicatoren.iter().filter(|i| i.zwaarwegend).count() >= 3);
        }
        let dashboard = crate::dashboard::shipped_catalogue().unwrap();
        for i in m.phenomena.iter().flat_map(|p| &p.indicatoren) {
            assert!(
                i.dashboard.is_empty() || dashboard.get(&i.dashboard).is_some(),
                "{} links to an unknown dashboard indicator {}",
                i.id,
                i.dashboard
            );
        }
    }

    #[test]
    fn a_score_out_of_range_or_an_unknown_source_is_named() {
        let sources = "version = 1\n[[bron]]\nid = \"brp\"\nnaam.nl = \"BRP\"\nnaam.en = \"BRP\"\nomschrijving.nl = \"x\"\nomschrijving.en = \"x\"\nhouder = \"x\"\ngebiedsniveau = \"adres\"\nactualisatie = \"dagelijks\"\npersoonsgegevens = true\ngrondslag.nl = \"x\"\ngrondslag.en = \"x\"\ndoelen = []\ntoegang = \"direct\"\neigenaar = \"gemeente\"\n";
        let phenomena = |score: u8, source: &str| {
            format!(
                "version = 1\n[[fenomeen]]\nid = \"drugs\"\nnaam.nl = \"D\"\nnaam.en = \"D\"\nomschrijving.nl = \"x\"\nomschrijving.en = \"x\"\n[[fenomeen.indicator]]\nid = \"dr-a\"\nnaam.nl = \"a\"\nnaam.en = \"a\"\ntoelichting.nl = \"x\"\ntoelichting.en = \"x\"\ncategorie = \"criminaliteit\"\ncriteria = {{ uitlegbaar = {score}, landelijk-beschikbaar = 2, laag-schaalniveau = 3, tijdreeks = 2, betrouwbaar = 3, stuurinformatie = 3 }}\nzwaarwegend = true\nbronnen = [\"{source}\"]\n"
            )
        };
        assert!(parse_matrices(&phenomena(3, "brp"), sources).is_ok());
        let err = parse_matrices(&phenomena(7, "brp"), sources).unwrap_err();
        assert!(err.to_string().contains("dr-a") && err.to_string().contains("1 to 5"));
        let err = parse_matrices(&phenomena(3, "kadaster"), sources).unwrap_err();
        assert!(err.to_string().contains("kadaster"));
    }
}
