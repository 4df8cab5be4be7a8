//! What dashboards read: the observations of public datasets (never records), the facts of
//! municipalities that comparisons need, and the boundaries maps are drawn from.

use std::collections::{BTreeMap, BTreeSet};

use baken_domain::area::{AreaCode, AreaLevel};
use baken_domain::auth::Permission;
use baken_domain::dashboard::{Indicator, Inputs, MunicipalityFacts};
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::{Actor, Store, StoreError, now_ms};

/// Observations of public datasets only: those of an organisation stay with it.
const PUBLIC: &str = "dataset IN (SELECT code FROM datasets WHERE org_id IS NULL)";

impl Store {
    /// The latest year of the municipal division that is loaded.
    pub async fn division_year(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COALESCE(MAX(year), 0) AS y FROM areas WHERE level = 'gemeente'")
                .fetch_one(&self.db.pool)
                .await?
                .try_get("y")?,
        )
    }

    /// Every municipality of the latest division with its regions, population and urbanity.
    pub async fn municipality_facts(&self) -> Result<Vec<MunicipalityFacts>, StoreError> {
        let year = self.division_year().await?;
        let rows = sqlx::query(
            "SELECT code, name, province_code, police_unit_code, population, urbanity \
             FROM areas WHERE level = 'gemeente' AND year = $1 ORDER BY code",
        )
        .bind(year)
        .fetch_all(&self.db.pool)
        .await?;
        let code = |s: Option<String>| s.and_then(|s| AreaCode::parse(&s).ok());
        rows.iter()
            .map(|r| {
                Ok(MunicipalityFacts {
                    code: AreaCode::parse(&r.try_get::<String, _>("code")?)
                        .map_err(|e| StoreError::Internal(e.to_string()))?,
                    name: r.try_get("name")?,
                    province: code(r.try_get("province_code")?),
                    police_unit: code(r.try_get("police_unit_code")?),
                    population: r.try_get("population")?,
                    urbanity: r
                        .try_get::<Option<i64>, _>("urbanity")?
                        .and_then(|u| u8::try_from(u).ok()),
                })
            })
            .collect()
    }

    /// The years in which the indicator's numerator has figures, oldest first.
    pub async fn indicator_years(&self, indicator: &Indicator) -> Result<Vec<String>, StoreError> {
        let n = &indicator.numerator;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT period FROM observations WHERE {PUBLIC} \
             AND dataset = $1 AND measure = $2 AND category = $3 AND value IS NOT NULL ORDER BY period"
        )))
        .bind(&n.dataset)
        .bind(&n.measure)
        .bind(&n.category)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("period").map_err(Into::into))
            .collect()
    }

    /// The observations of one year that `indicator` reads, by area, and the areas the
    /// numerator's dataset covers in any year (where a count it lacks is zero). Public
    /// datasets only.
    pub async fn indicator_inputs(
        &self,
        indicator: &Indicator,
        year: &str,
    ) -> Result<Inputs, StoreError> {
        self.inputs(indicator, year, true).await
    }

    async fn inputs(
        &self,
        indicator: &Indicator,
        year: &str,
        public_only: bool,
    ) -> Result<Inputs, StoreError> {
        let scope = if public_only { PUBLIC } else { "1 = 1" };
        let series = |dataset: String, measure: String, category: String| async move {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT area_code, value FROM observations WHERE {scope} \
                 AND dataset = $1 AND measure = $2 AND category = $3 AND period = $4 AND value IS NOT NULL"
            )))
            .bind(dataset)
            .bind(measure)
            .bind(category)
            .bind(year)
            .fetch_all(&self.db.pool)
            .await?;
            let mut out = BTreeMap::new();
            for r in rows {
                if let Ok(code) = AreaCode::parse(&r.try_get::<String, _>("area_code")?) {
                    out.insert(code, r.try_get::<f64, _>("value")?);
                }
            }
            Ok::<_, StoreError>(out)
        };
        let n = &indicator.numerator;
        let numerator = series(n.dataset.clone(), n.measure.clone(), n.category.clone()).await?;
        let denominator = match indicator.denominator.as_ref().and_then(|d| d.input()) {
            Some(d) => series(d.dataset, d.measure, d.category).await?,
            None => BTreeMap::new(),
        };
        let covered: BTreeSet<AreaCode> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT area_code FROM observations WHERE {scope} AND dataset = $1"
        )))
        .bind(&n.dataset)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("area_code").ok())
        .filter_map(|c| AreaCode::parse(&c).ok())
        .collect();
        Ok(Inputs {
            numerator,
            denominator,
            covered,
        })
    }

    /// A number that changes whenever observations may have changed (an import finished), so
    /// that computed figures can be cached until then.
    pub async fn observations_generation(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COALESCE(MAX(id), 0) AS g FROM imports")
            .fetch_one(&self.db.pool)
            .await?
            .try_get("g")?)
    }

    /// Boundaries of every area of `level` in the latest division: (code, name, GeoJSON).
    pub async fn boundaries(
        &self,
        level: AreaLevel,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT b.code, a.name, b.geometry FROM area_boundaries b \
             JOIN areas a ON a.code = b.code AND a.year = b.year \
             WHERE a.level = $1 AND b.year = (SELECT MAX(year) FROM area_boundaries) ORDER BY b.code",
        )
        .bind(level.code())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("code")?,
                    r.try_get("name")?,
                    r.try_get("geometry")?,
                ))
            })
            .collect()
    }
}

/// A node of the SBI tree as the sector analysis shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbiNode {
    pub code: String,
    pub section: String,
    pub description: String,
    pub parent: Option<String>,
    pub has_children: bool,
}

impl Store {
    /// One SBI code, or `None` when it does not exist.
    pub async fn sbi_code(&self, code: &str) -> Result<Option<SbiNode>, StoreError> {
        let row = sqlx::query(
            "SELECT code, section, description, parent_code, has_children FROM sbi_codes WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(&self.db.pool)
        .await?;
        row.map(|r| sbi_node(&r)).transpose()
    }

    /// The children of an SBI code (the sections when `None`), by code.
    pub async fn sbi_children(&self, parent: Option<&str>) -> Result<Vec<SbiNode>, StoreError> {
        let rows =
            match parent {
                Some(p) => sqlx::query(
                    "SELECT code, section, description, parent_code, has_children FROM sbi_codes \
                     WHERE parent_code = $1 ORDER BY code",
                )
                .bind(p)
                .fetch_all(&self.db.pool)
                .await?,
                None => sqlx::query(
                    "SELECT code, section, description, parent_code, has_children FROM sbi_codes \
                     WHERE parent_code IS NULL ORDER BY code",
                )
                .fetch_all(&self.db.pool)
                .await?,
            };
        rows.iter().map(sbi_node).collect()
    }

    /// The SBI codes a public dataset has figures for under `measure` (categories `sbi: …`).
    pub async fn sbi_codes_with_data(
        &self,
        dataset: &str,
        measure: &str,
    ) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT category FROM observations WHERE {PUBLIC} AND dataset = $1 AND measure = $2"
        )))
        .bind(dataset)
        .bind(measure)
        .fetch_all(&self.db.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>("category").ok())
            .filter_map(|c| c.strip_prefix("sbi: ").map(str::to_owned))
            .collect())
    }
}

fn sbi_node(r: &sqlx::any::AnyRow) -> Result<SbiNode, StoreError> {
    Ok(SbiNode {
        code: r.try_get("code")?,
        section: r.try_get("section")?,
        description: r.try_get("description")?,
        parent: r.try_get("parent_code")?,
        has_children: r.try_get::<i64, _>("has_children")? != 0,
    })
}

/// An indicator an organisation defined on its own data.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnIndicator {
    pub indicator: Indicator,
    pub org_id: i64,
    pub org_name: String,
    pub shared: bool,
    /// True when it is the actor's own organisation's.
    pub own: bool,
}

/// A series an organisation's own dataset has, to define an indicator on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnSeries {
    pub dataset: String,
    pub title: String,
    pub measure: String,
    pub category: String,
}

impl Store {
    /// The series of the actor's organisation's datasets (rollups of its imported tables).
    pub async fn own_series(&self, actor: &Actor) -> Result<Vec<OwnSeries>, StoreError> {
        self.require(actor, Permission::ViewDashboards, "dashboard.series")
            .await?;
        let rows = sqlx::query(
            "SELECT DISTINCT o.dataset, d.title, o.measure, o.category FROM observations o \
             JOIN datasets d ON d.code = o.dataset WHERE d.org_id = $1 \
             ORDER BY o.dataset, o.measure, o.category",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OwnSeries {
                    dataset: r.try_get("dataset")?,
                    title: r.try_get("title")?,
                    measure: r.try_get("measure")?,
                    category: r.try_get("category")?,
                })
            })
            .collect()
    }

    /// Defines an indicator on the actor's organisation's own data. The numerator (and a
    /// dataset denominator) must be series of its own datasets; the id is made from the
    /// theme, the organisation and `slug`. Audited in the same transaction.
    pub async fn define_indicator(
        &self,
        actor: &Actor,
        mut indicator: Indicator,
        slug: &str,
        shared: bool,
    ) -> Result<String, StoreError> {
        self.require(
            actor,
            Permission::DefineIndicators,
            "dashboard.indicator.define",
        )
        .await?;
        let invalid = |field: &'static str, reason: &str| StoreError::Invalid {
            field,
            reason: reason.to_owned(),
        };
        if !(2..=40).contains(&slug.len())
            || !slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(invalid(
                "code",
                "2 to 40 lowercase letters, digits and hyphens",
            ));
        }
        indicator.id = format!(
            "{}-eigen-{}-{slug}",
            indicator.theme.code(),
            actor.org_code().as_str()
        );
        indicator.origin = baken_domain::dashboard::Origin::Eigen;
        let series = self.own_series(actor).await?;
        let has = |input: &baken_domain::dashboard::Input| {
            series.iter().any(|s| {
                s.dataset == input.dataset
                    && s.measure == input.measure
                    && s.category == input.category
            })
        };
        if !has(&indicator.numerator) {
            return Err(invalid(
                "teller",
                "not a series of one of your organisation's datasets",
            ));
        }
        if let Some(d) = indicator.denominator.as_ref().and_then(|d| d.input())
            && !has(&d)
        {
            return Err(invalid(
                "noemer",
                "not a series of one of your organisation's datasets",
            ));
        }
        let indicator = baken_domain::dashboard::Catalogue {
            version: 1,
            indicators: vec![indicator],
        }
        .check()
        .map_err(|e| invalid("indicator", &e.to_string()))?
        .indicators
        .remove(0);
        let definition =
            serde_json::to_string(&indicator).map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let taken = sqlx::query("SELECT id FROM own_indicators WHERE id = $1")
            .bind(&indicator.id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if taken {
            return Err(StoreError::Conflict { field: "code" });
        }
        sqlx::query(
            "INSERT INTO own_indicators (id, org_id, dataset, definition, shared, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&indicator.id)
        .bind(actor.org_id())
        .bind(&indicator.numerator.dataset)
        .bind(&definition)
        .bind(i64::from(shared))
        .bind(actor.email())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "dashboard.indicator.define")
                .object("indicator", &indicator.id)
                .subject_org(actor.org_id())
                .detail(json!({ "dataset": indicator.numerator.dataset, "shared": shared })),
        )
        .await?;
        tx.commit().await?;
        Ok(indicator.id)
    }

    /// Shares (or stops sharing) one of the organisation's own indicators.
    pub async fn share_indicator(
        &self,
        actor: &Actor,
        id: &str,
        shared: bool,
    ) -> Result<(), StoreError> {
        self.require(
            actor,
            Permission::DefineIndicators,
            "dashboard.indicator.share",
        )
        .await?;
        self.require_owned(actor, Owned::OwnIndicator, OwnedId::Text(id))
            .await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE own_indicators SET shared = $1 WHERE id = $2")
            .bind(i64::from(shared))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "dashboard.indicator.share")
                .object("indicator", id)
                .subject_org(actor.org_id())
                .detail(json!({ "shared": shared })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The own indicators the actor may see: its organisation's and those others share.
    pub async fn own_indicators(&self, actor: &Actor) -> Result<Vec<OwnIndicator>, StoreError> {
        self.require(actor, Permission::ViewDashboards, "dashboard.indicators")
            .await?;
        let rows = sqlx::query(
            "SELECT i.org_id, o.name, i.definition, i.shared FROM own_indicators i \
             JOIN organisations o ON o.id = i.org_id WHERE i.org_id = $1 OR i.shared = 1 ORDER BY i.id",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let org_id: i64 = r.try_get("org_id")?;
                let definition: String = r.try_get("definition")?;
                Ok(OwnIndicator {
                    indicator: serde_json::from_str(&definition)
                        .map_err(|e| StoreError::Internal(format!("own indicator: {e}")))?,
                    org_id,
                    org_name: r.try_get("name")?,
                    shared: r.try_get::<i64, _>("shared")? != 0,
                    own: org_id == actor.org_id(),
                })
            })
            .collect()
    }

    /// The inputs of an own indicator the actor may see; another organisation's unshared
    /// one is not found (and the attempt audited).
    pub async fn own_indicator_inputs(
        &self,
        actor: &Actor,
        id: &str,
        year: &str,
    ) -> Result<(Indicator, Inputs), StoreError> {
        let visible = self
            .own_indicators(actor)
            .await?
            .into_iter()
            .find(|o| o.indicator.id == id);
        let Some(own) = visible else {
            let owner = self
                .owner_of(Owned::OwnIndicator, OwnedId::Text(id))
                .await?;
            return Err(self.not_found(actor, "indicator", id, owner).await);
        };
        let inputs = self.inputs(&own.indicator, year, false).await?;
        Ok((own.indicator, inputs))
    }

    /// The years of an own indicator's numerator (no access check: call after
    /// [`Store::own_indicators`] gave it).
    pub async fn own_indicator_years(
        &self,
        indicator: &Indicator,
    ) -> Result<Vec<String>, StoreError> {
        let n = &indicator.numerator;
        let rows = sqlx::query(
            "SELECT DISTINCT period FROM observations WHERE dataset = $1 AND measure = $2 \
             AND category = $3 AND value IS NOT NULL ORDER BY period",
        )
        .bind(&n.dataset)
        .bind(&n.measure)
        .bind(&n.category)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("period").map_err(Into::into))
            .collect()
    }
}

impl Store {
    /// Every area of the latest division by code, with its name: what labels need.
    pub async fn area_names(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name FROM areas WHERE year = (SELECT MAX(year) FROM areas) ORDER BY code",
        )
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("name")?)))
            .collect()
    }
}

impl Store {
    /// When the data of a dataset was last loaded (milliseconds since the epoch): its own
    /// latest import, or the loading of the shipped reference data for the datasets in it.
    pub async fn data_date(&self, dataset: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT MAX(imported_at) AS at FROM imports WHERE dataset = $1 \
             OR (kind = 'reference-bundle' AND $1 IN (SELECT code FROM datasets WHERE org_id IS NULL) \
                 AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.dataset = $1))",
        )
        .bind(dataset)
        .fetch_one(&self.db.pool)
        .await?;
        Ok(row.try_get::<Option<i64>, _>("at")?)
    }
}
