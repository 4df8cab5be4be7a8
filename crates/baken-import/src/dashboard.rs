//! The indicator catalogue of the dashboards, shipped as `data/indicators/zicht.toml` and
//! embedded in the binary; an installation may load its own file instead.

use baken_domain::dashboard::{Catalogue, CatalogueError};

/// The shipped catalogue, as written.
pub const SHIPPED: &str = include_str!("../../../data/indicators/zicht.toml");

/// Parses and checks a catalogue.
pub fn parse_catalogue(text: &str) -> Result<Catalogue, CatalogueError> {
    toml::from_str::<Catalogue>(text)
        .map_err(|e| CatalogueError::Syntax(e.to_string()))?
        .check()
}

/// The shipped catalogue, checked.
pub fn shipped_catalogue() -> Result<Catalogue, CatalogueError> {
    parse_catalogue(SHIPPED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use baken_domain::dashboard::{Origin, Theme};

    #[test]
    fn the_shipped_catalogue_has_enough_indicators_per_theme() {
        let catalogue = shipped_catalogue().unwrap();
        for theme in [
            Theme::Vastgoed,
            Theme::Drugs,
            Theme::Transacties,
            Theme::Branches,
        ] {
            assert!(
                catalogue.of_theme(theme).count() >= 6,
                "{theme:?} has too few indicators"
            );
        }
        assert!(catalogue.indicators.len() >= 24);
        assert!(catalogue.indicators.iter().any(|i| i.origin == Origin::Cbs));
    }

    #[test]
    fn unknown_keys_and_bad_units_are_named() {
        let err = parse_catalogue("version = 1\n[[indicator]]\nid = \"x\"\ncolour = \"red\"\n")
            .unwrap_err();
        assert!(err.to_string().contains("colour") || err.to_string().contains("unknown"));
    }
}
