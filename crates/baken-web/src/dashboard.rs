//! The dashboards' service: the indicator catalogue, figures computed per indicator and year
//! (cached until the next import), the map shapes, and the checks that turn a bad area, level
//! or year into an error that says what is available.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use baken_domain::area::{AreaCode, AreaLevel};
use baken_domain::dashboard::{Catalogue, Indicator, IndicatorYear, MunicipalityFacts};
use baken_render::map::MapShapes;
use baken_store::Store;

use crate::error::AppError;

/// What the dashboards share across requests. Everything cached here is derived from the
/// database and checked against its import generation, so several processes stay correct.
pub struct Dashboards {
    pub catalogue: Catalogue,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    generation: i64,
    /// When the generation was last read: it is read at most once a second.
    checked: Option<std::time::Instant>,
    municipalities: Option<Arc<Vec<MunicipalityFacts>>>,
    names: Option<Arc<HashMap<String, String>>>,
    /// Rendered parts of pages that are the same for every user, by key.
    fragments: HashMap<String, Arc<String>>,
    years: HashMap<String, Arc<Vec<String>>>,
    figures: HashMap<(String, String), Arc<IndicatorYear>>,
    shapes: HashMap<&'static str, Arc<MapShapes>>,
}

/// Where an indicator's figures come from: the public catalogue, or an organisation's own
/// definitions, read with the actor's rights (never cached, so every read is checked).
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Public,
    Own(&'a baken_store::Actor),
}

/// An area as dashboards name it.
#[derive(Debug, Clone)]
pub struct AreaName {
    pub code: AreaCode,
    pub name: String,
}

impl Dashboards {
    pub fn new(catalogue: Catalogue) -> Self {
        Self {
            catalogue,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The shipped catalogue; it is checked by a test, so failing here is a build defect.
    pub fn shipped() -> Result<Self, baken_domain::dashboard::CatalogueError> {
        Ok(Self::new(baken_import::dashboard::shipped_catalogue()?))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Empties the cache when an import has happened since it was filled. The database is
    /// asked at most once a second, so a finished import shows within a second, in every
    /// process, while a page that reads fifty indicators does not ask fifty times.
    async fn refresh(&self, store: &Store) -> Result<(), AppError> {
        if self
            .lock()
            .checked
            .is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(1))
        {
            return Ok(());
        }
        let generation = store.observations_generation().await?;
        let mut cache = self.lock();
        if cache.generation != generation {
            let shapes = std::mem::take(&mut cache.shapes);
            *cache = Cache {
                generation,
                shapes,
                ..Cache::default()
            };
        }
        cache.checked = Some(std::time::Instant::now());
        Ok(())
    }

    pub fn indicator(&self, id: &str) -> Result<&Indicator, AppError> {
        self.catalogue.get(id).ok_or_else(|| AppError::Absent {
            detail: format!("unknown indicator {id:?}; see /api/v1/indicatoren for the list"),
        })
    }

    pub async fn municipalities(
        &self,
        store: &Store,
    ) -> Result<Arc<Vec<MunicipalityFacts>>, AppError> {
        self.refresh(store).await?;
        if let Some(m) = self.lock().municipalities.clone() {
            return Ok(m);
        }
        let facts = Arc::new(store.municipality_facts().await?);
        self.lock().municipalities = Some(facts.clone());
        Ok(facts)
    }

    /// A rendered fragment kept under `key`, if it is still current.
    pub async fn fragment(
        &self,
        store: &Store,
        key: &str,
    ) -> Result<Option<Arc<String>>, AppError> {
        self.refresh(store).await?;
        Ok(self.lock().fragments.get(key).cloned())
    }

    /// Keeps a rendered fragment; the store of them is emptied when it grows past a few
    /// hundred (a few tens of megabytes), and with every import.
    pub fn keep_fragment(&self, key: String, html: Arc<String>) {
        const MAX_FRAGMENTS: usize = 300;
        let mut cache = self.lock();
        if cache.fragments.len() >= MAX_FRAGMENTS {
            cache.fragments.clear();
        }
        cache.fragments.insert(key, html);
    }

    /// The names of the areas dashboards show (the Netherlands, provinces, police units,
    /// municipalities), by code.
    pub async fn area_names(
        &self,
        store: &Store,
    ) -> Result<Arc<HashMap<String, String>>, AppError> {
        self.refresh(store).await?;
        if let Some(n) = self.lock().names.clone() {
            return Ok(n);
        }
        let names: HashMap<String, String> = store.area_names().await?.into_iter().collect();
        let names = Arc::new(names);
        self.lock().names = Some(names.clone());
        Ok(names)
    }

    /// The years with data of an indicator, oldest first.
    pub async fn years(
        &self,
        store: &Store,
        indicator: &Indicator,
    ) -> Result<Arc<Vec<String>>, AppError> {
        self.refresh(store).await?;
        if let Some(y) = self.lock().years.get(&indicator.id).cloned() {
            return Ok(y);
        }
        let years = Arc::new(store.indicator_years(indicator).await?);
        self.lock()
            .years
            .insert(indicator.id.clone(), years.clone());
        Ok(years)
    }

    /// The indicator's figures in `year`.
    pub async fn figures(
        &self,
        store: &Store,
        indicator: &Indicator,
        year: &str,
    ) -> Result<Arc<IndicatorYear>, AppError> {
        let municipalities = self.municipalities(store).await?;
        let key = (indicator.id.clone(), year.to_owned());
        if let Some(f) = self.lock().figures.get(&key).cloned() {
            return Ok(f);
        }
        let inputs = store.indicator_inputs(indicator, year).await?;
        let computed = Arc::new(IndicatorYear::compute(
            indicator,
            year,
            &municipalities,
            &inputs,
        ));
        self.lock().figures.insert(key, computed.clone());
        Ok(computed)
    }

    /// Computes every indicator's figures for every year, so that the first visitors do not
    /// wait; returns how many were computed.
    pub async fn warm(&self, store: &Store) -> Result<usize, AppError> {
        let mut computed = 0;
        for indicator in &self.catalogue.indicators {
            for year in self.years(store, indicator).await?.iter() {
                self.figures(store, indicator, year).await?;
                computed += 1;
            }
        }
        Ok(computed)
    }

    /// The years of an indicator in `scope`.
    pub async fn years_in(
        &self,
        store: &Store,
        scope: Scope<'_>,
        indicator: &Indicator,
    ) -> Result<Arc<Vec<String>>, AppError> {
        match scope {
            Scope::Public => self.years(store, indicator).await,
            Scope::Own(_) => Ok(Arc::new(store.own_indicator_years(indicator).await?)),
        }
    }

    /// The figures of an indicator in `scope` and `year`.
    pub async fn figures_in(
        &self,
        store: &Store,
        scope: Scope<'_>,
        indicator: &Indicator,
        year: &str,
    ) -> Result<Arc<IndicatorYear>, AppError> {
        match scope {
            Scope::Public => self.figures(store, indicator, year).await,
            Scope::Own(actor) => {
                let municipalities = self.municipalities(store).await?;
                let (checked, inputs) = store
                    .own_indicator_inputs(actor, &indicator.id, year)
                    .await?;
                Ok(Arc::new(IndicatorYear::compute(
                    &checked,
                    year,
                    &municipalities,
                    &inputs,
                )))
            }
        }
    }

    /// The indicator's figures in its latest year with data, with that year.
    pub async fn latest(
        &self,
        store: &Store,
        indicator: &Indicator,
    ) -> Result<Option<(String, Arc<IndicatorYear>)>, AppError> {
        let Some(year) = self.years(store, indicator).await?.last().cloned() else {
            return Ok(None);
        };
        let figures = self.figures(store, indicator, &year).await?;
        Ok(Some((year, figures)))
    }

    /// The year asked for, or the latest with data; an error naming the years there are.
    pub async fn year(
        &self,
        store: &Store,
        indicator: &Indicator,
        asked: Option<&str>,
    ) -> Result<Option<String>, AppError> {
        let years = self.years(store, indicator).await?;
        match asked.map(str::trim).filter(|y| !y.is_empty()) {
            None => Ok(years.last().cloned()),
            Some(y) if years.iter().any(|have| have == y) => Ok(Some(y.to_owned())),
            Some(y) => Err(AppError::Absent {
                detail: format!(
                    "{}: no data for {y}; years with data: {}",
                    indicator.id,
                    if years.is_empty() {
                        "none".to_owned()
                    } else {
                        years.join(", ")
                    }
                ),
            }),
        }
    }

    /// Map shapes of a level, prepared once per process.
    pub async fn shapes(
        &self,
        store: &Store,
        level: AreaLevel,
    ) -> Result<Option<Arc<MapShapes>>, AppError> {
        let key = level.code();
        if let Some(s) = self.lock().shapes.get(key).cloned() {
            return Ok(Some(s));
        }
        let features = store.boundaries(level).await?;
        if features.is_empty() {
            return Ok(None);
        }
        let shapes = tokio::task::spawn_blocking(move || MapShapes::from_geojson(&features))
            .await
            .map_err(|e| AppError::Internal(format!("map shapes: {e}")))?
            .map_err(|e| AppError::Internal(format!("map shapes: {e}")))?;
        let shapes = Arc::new(shapes);
        self.lock().shapes.insert(key, shapes.clone());
        Ok(Some(shapes))
    }
}

/// Checks that `indicator` is shown at the level of `area`, or says at which levels it is.
pub fn check_level(indicator: &Indicator, area: &AreaCode) -> Result<(), AppError> {
    if indicator.has_level(area.level()) {
        Ok(())
    } else {
        Err(AppError::BadRequest {
            detail: format!(
                "{} has no figures at the level {} of {area}; levels: {}",
                indicator.id,
                area.level().code(),
                indicator.levels.join(", ")
            ),
            params: vec![crate::error::InvalidParam {
                name: "gebied".into(),
                reason: format!("levels: {}", indicator.levels.join(", ")),
            }],
        })
    }
}

/// Parses an area code and finds its name, or says it is unknown.
pub async fn known_area(
    store: &Store,
    code: &str,
) -> Result<baken_store::area::AreaDetail, AppError> {
    let parsed = AreaCode::parse(code).map_err(|e| AppError::Absent {
        detail: e.to_string(),
    })?;
    store
        .area(parsed.as_str(), None)
        .await?
        .ok_or_else(|| AppError::Absent {
            detail: format!("unknown area {parsed}; see /api/v1/gebieden for the areas there are"),
        })
}
