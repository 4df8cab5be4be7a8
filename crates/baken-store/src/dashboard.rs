//! What dashboards read: the observations of public datasets (never records), the facts of
//! municipalities that comparisons need, and the boundaries maps are drawn from.

use std::collections::{BTreeMap, BTreeSet};

use baken_domain::area::{AreaCode, AreaLevel};
use baken_domain::dashboard::{Indicator, Inputs, MunicipalityFacts};
use sqlx::Row;

use crate::{Store, StoreError};

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
    /// numerator's dataset covers in any year (where a count it lacks is zero).
    pub async fn indicator_inputs(
        &self,
        indicator: &Indicator,
        year: &str,
    ) -> Result<Inputs, StoreError> {
        let series = |dataset: String, measure: String, category: String| async move {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT area_code, value FROM observations WHERE {PUBLIC} \
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
            "SELECT DISTINCT area_code FROM observations WHERE {PUBLIC} AND dataset = $1"
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
