//! Indicators are data: each says what it measures, from which observations, in which unit,
//! at which levels, and with which caveat. The catalogue is loaded from a file and checked
//! once; adding an indicator needs no code.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::AreaLevel;

/// The themes of the dashboards, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// misbruik van vastgoed
    Vastgoed,
    /// drugsproblematiek
    Drugs,
    /// ongebruikelijke en verdachte transacties
    Transacties,
    /// brancheanalyse
    Branches,
    /// general context (registered crime)
    Context,
}

impl Theme {
    pub const ALL: [Theme; 5] = [
        Self::Vastgoed,
        Self::Drugs,
        Self::Transacties,
        Self::Branches,
        Self::Context,
    ];

    /// The code in paths and the API (`/zicht/GM0855/drugs`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Vastgoed => "vastgoed",
            Self::Drugs => "drugs",
            Self::Transacties => "transacties",
            Self::Branches => "branches",
            Self::Context => "context",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// The unit of an indicator, which also fixes its arithmetic (see [`Catalogue::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Procent,
    #[serde(rename = "per-1000-inwoners")]
    Per1000Inwoners,
    #[serde(rename = "per-10000-inwoners")]
    Per10000Inwoners,
    Aantal,
    Euro,
    Index,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Self::Procent => "procent",
            Self::Per1000Inwoners => "per-1000-inwoners",
            Self::Per10000Inwoners => "per-10000-inwoners",
            Self::Aantal => "aantal",
            Self::Euro => "euro",
            Self::Index => "index",
        }
    }
}

/// Where the figures come from: real published statistics or Baken's synthetic demo data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Cbs,
    Synthetisch,
    /// An organisation's own imported data.
    Eigen,
}

/// Which direction of the value deserves attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Concern {
    Hoog,
    Laag,
    Neutraal,
}

/// Text in both interface languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub nl: String,
    pub en: String,
}

impl Text {
    /// The text in `lang`: Dutch for `nl`, English for every other interface language (German
    /// and French readers of the cross-border pages get English where no text of theirs exists).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "nl" || lang.is_empty() {
            &self.nl
        } else {
            &self.en
        }
    }
}

/// One series of observations: a measure, with a category (empty for the total), of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    pub dataset: String,
    pub measure: String,
    #[serde(default)]
    pub category: String,
}

impl Input {
    /// Counts (`aantal`, and the published counts of the reference tables) are subject to
    /// disclosure control; sums and published rates are protected through their count.
    pub fn is_count(&self) -> bool {
        matches!(
            self.measure.as_str(),
            "aantal"
                | "actief"
                | "opgericht"
                | "opgeheven"
                | "adressen met veel vestigingen"
                | "geregistreerde_misdrijven"
                | "ongebruikelijke_transacties_gemeld"
                | "verdacht_verklaarde_transacties"
        )
    }
}

/// What the numerator is divided by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Denominator {
    /// Inhabitants (1 January of the division year).
    #[serde(default)]
    pub population: bool,
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub measure: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
}

impl Denominator {
    /// The observations divided by, unless it is the population.
    pub fn input(&self) -> Option<Input> {
        match (&self.dataset, &self.measure) {
            (Some(dataset), Some(measure)) if !self.population => Some(Input {
                dataset: dataset.clone(),
                measure: measure.clone(),
                category: self.category.clone().unwrap_or_default(),
            }),
            _ => None,
        }
    }
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub theme: Theme,
    pub name: Text,
    pub definition: Text,
    pub caveat: Text,
    pub unit: Unit,
    pub scale: f64,
    pub decimals: usize,
    pub origin: Origin,
    pub source: String,
    pub licence: String,
    pub levels: Vec<String>,
    pub concern: Concern,
    #[serde(default = "default_threshold")]
    pub threshold: u32,
    pub numerator: Input,
    #[serde(default)]
    pub denominator: Option<Denominator>,
}

fn default_threshold() -> u32 {
    10
}

impl Indicator {
    /// The area levels it is shown at, finest last.
    pub fn area_levels(&self) -> Vec<AreaLevel> {
        let mut levels: Vec<AreaLevel> = AreaLevel::ALL
            .into_iter()
            .filter(|l| self.levels.iter().any(|c| c == l.code()))
            .collect();
        levels.sort_by_key(|l| level_rank(*l));
        levels
    }

    pub fn has_level(&self, level: AreaLevel) -> bool {
        self.levels.iter().any(|c| c == level.code())
    }

    /// The finest level it is shown at: the level of its map.
    pub fn map_level(&self) -> Option<AreaLevel> {
        self.area_levels().last().copied()
    }

    pub fn per_population(&self) -> bool {
        self.denominator.as_ref().is_some_and(|d| d.population)
    }

    /// Every series of observations it reads.
    pub fn inputs(&self) -> Vec<Input> {
        let mut inputs = vec![self.numerator.clone()];
        inputs.extend(self.denominator.as_ref().and_then(Denominator::input));
        inputs
    }
}

/// Coarse to fine: land, provincie, politie-eenheid, veiligheidsregio, gemeente.
pub fn level_rank(level: AreaLevel) -> u8 {
    match level {
        AreaLevel::Country => 0,
        AreaLevel::Province => 1,
        AreaLevel::PoliceUnit => 2,
        AreaLevel::SafetyRegion => 3,
        AreaLevel::Municipality => 4,
        AreaLevel::Other => 5,
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum CatalogueError {
    #[error("the indicator catalogue cannot be read: {0}")]
    Syntax(String),
    #[error("indicator {id:?}: {reason}")]
    Invalid { id: String, reason: String },
}

/// The indicators, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub version: u32,
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

impl Catalogue {
    /// Checks every indicator: a unique, well-formed id that starts with its theme; known
    /// levels; a unit whose arithmetic matches the scale and the denominator; a threshold of
    /// at least 1; text in both languages.
    pub fn check(self) -> Result<Self, CatalogueError> {
        let mut ids = BTreeSet::new();
        for ind in &self.indicators {
            let bad = |reason: &str| CatalogueError::Invalid {
                id: ind.id.clone(),
                reason: reason.to_owned(),
            };
            if !(3..=80).contains(&ind.id.len())
                || !ind
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(bad(
                    "an id is 3 to 80 lowercase letters, digits and hyphens",
                ));
            }
            if !ind.id.starts_with(ind.theme.code()) {
                return Err(bad("the id starts with the theme"));
            }
            if !ids.insert(ind.id.clone()) {
                return Err(bad("the id is used twice"));
            }
            if ind.levels.is_empty()
                || ind.levels.iter().any(|l| {
                    !matches!(
                        l.as_str(),
                        "gemeente" | "politie-eenheid" | "provincie" | "land"
                    )
                })
            {
                return Err(bad(
                    "levels are some of gemeente, politie-eenheid, provincie and land",
                ));
            }
            for text in [&ind.name, &ind.definition, &ind.caveat] {
                if text.nl.trim().is_empty() || text.en.trim().is_empty() {
                    return Err(bad("name, definition and caveat need Dutch and English"));
                }
            }
            if ind.threshold == 0 {
                return Err(bad("the disclosure threshold is at least 1"));
            }
            if ind.decimals > 4 {
                return Err(bad("at most 4 decimals"));
            }
            let den = ind.denominator.as_ref();
            let population = ind.per_population();
            let ratio = den.and_then(Denominator::input).is_some();
            if let Some(d) = den
                && d.population == (d.dataset.is_some() || d.measure.is_some())
            {
                return Err(bad(
                    "a denominator is either the population or a dataset with a measure",
                ));
            }
            let fits = match ind.unit {
                Unit::Procent => ratio && ind.scale == 100.0,
                Unit::Per1000Inwoners => population && ind.scale == 1000.0,
                Unit::Per10000Inwoners => population && ind.scale == 10_000.0,
                Unit::Aantal => den.is_none() && ind.scale == 1.0,
                Unit::Euro => !population && ind.scale == 1.0,
                Unit::Index => ratio && ind.scale == 100.0,
            };
            if !fits {
                return Err(bad(&format!(
                    "unit {} does not fit scale {} and its denominator",
                    ind.unit.code(),
                    ind.scale
                )));
            }
        }
        if self.indicators.is_empty() {
            return Err(CatalogueError::Syntax("no indicators".into()));
        }
        Ok(self)
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    pub fn of_theme(&self, theme: Theme) -> impl Iterator<Item = &Indicator> {
        self.indicators.iter().filter(move |i| i.theme == theme)
    }

    /// Themes that have indicators, in order.
    pub fn themes(&self) -> Vec<Theme> {
        Theme::ALL
            .into_iter()
            .filter(|t| self.of_theme(*t).next().is_some())
            .collect()
    }
}
