//! Areas, boundaries, the SBI tree and public statistics: reference data every organisation
//! reads, loaded from the files Baken ships (all or nothing, once per version of the files).

use baken_domain::area::AreaLevel;
use baken_domain::audit::Outcome;
use baken_domain::dataset::ReferenceBundle;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Entry, append};
use crate::sql::{Bind, SqlBuilder, insert_batched, insert_boundaries, upsert_observations};
use crate::{Operator, Page, Paged, Store, StoreError, now_ms};

/// An area as the API shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AreaView {
    pub code: String,
    pub year: i32,
    pub level: AreaLevel,
    pub name: String,
    pub province_code: Option<String>,
    pub police_unit_code: Option<String>,
    pub riec_region: Option<String>,
    pub safety_region_code: Option<String>,
    pub population: Option<i64>,
    pub urbanity: Option<i64>,
}

/// An area with the areas it lies in.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaDetail {
    pub area: AreaView,
    pub parents: Vec<AreaView>,
    pub has_boundary: bool,
}

/// What loading the reference data did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceLoad {
    /// False when this exact version was loaded before (nothing changed).
    pub loaded: bool,
    pub areas: u64,
    pub boundaries: u64,
    pub sbi_codes: u64,
    pub observations: u64,
}

const AREA_COLUMNS: &str = "code, year, level, name, province_code, police_unit_code, riec_region, \
     safety_region_code, population, urbanity";

fn area_from_row(row: &AnyRow) -> Result<AreaView, StoreError> {
    let level: String = row.try_get("level")?;
    Ok(AreaView {
        code: row.try_get("code")?,
        year: i32::try_from(row.try_get::<i64, _>("year")?).unwrap_or_default(),
        level: AreaLevel::from_code(&level).unwrap_or(AreaLevel::Other),
        name: row.try_get("name")?,
        province_code: row.try_get("province_code")?,
        police_unit_code: row.try_get("police_unit_code")?,
        riec_region: row.try_get("riec_region")?,
        safety_region_code: row.try_get("safety_region_code")?,
        population: row.try_get("population")?,
        urbanity: row.try_get("urbanity")?,
    })
}

impl Store {
    /// True once any version of the reference data is in the database.
    pub async fn reference_loaded(&self) -> Result<bool, StoreError> {
        let n: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM imports WHERE kind = 'reference-bundle'")
                .fetch_one(&self.db.pool)
                .await?
                .try_get("n")?;
        Ok(n > 0)
    }

    /// Loads the shipped reference data in one transaction, replacing an older version. A
    /// bundle that was loaded before (same checksum) changes nothing.
    pub async fn load_reference_data(
        &self,
        operator: &Operator,
        bundle: &ReferenceBundle,
    ) -> Result<ReferenceLoad, StoreError> {
        let mut tx = self.db.begin().await?;
        let seen: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM imports WHERE kind = 'reference-bundle' AND checksum = $1",
        )
        .bind(&bundle.checksum)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if seen > 0 {
            return Ok(ReferenceLoad {
                loaded: false,
                areas: 0,
                boundaries: 0,
                sbi_codes: 0,
                observations: 0,
            });
        }
        let now = now_ms();
        let mut years: Vec<i32> = bundle.areas.iter().map(|a| a.year).collect();
        years.sort_unstable();
        years.dedup();
        for year in &years {
            for table in ["areas", "area_boundaries"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE year = $1"
                )))
                .bind(i64::from(*year))
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query("DELETE FROM sbi_codes")
            .execute(&mut *tx)
            .await?;
        for (dataset, _) in &bundle.datasets {
            sqlx::query("DELETE FROM observations WHERE dataset = $1")
                .bind(&dataset.code)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM datasets WHERE code = $1 AND org_id IS NULL")
                .bind(&dataset.code)
                .execute(&mut *tx)
                .await?;
        }

        let areas = insert_batched(
            &mut tx,
            &format!("areas ({AREA_COLUMNS})"),
            10,
            bundle
                .areas
                .iter()
                .map(|a| {
                    vec![
                        Bind::Text(a.code.to_string()),
                        Bind::Int(i64::from(a.year)),
                        Bind::Text(a.code.level().code().to_owned()),
                        Bind::Text(a.name.clone()),
                        Bind::OptText(a.province.as_ref().map(ToString::to_string)),
                        Bind::OptText(a.police_unit.as_ref().map(ToString::to_string)),
                        Bind::OptText(a.riec_region.clone()),
                        Bind::OptText(a.safety_region.as_ref().map(ToString::to_string)),
                        Bind::OptInt(a.population),
                        Bind::OptInt(a.urbanity.map(i64::from)),
                    ]
                })
                .collect(),
        )
        .await?;
        let boundaries = insert_boundaries(&mut tx, &bundle.boundaries).await?;
        let sbi_codes = insert_batched(
            &mut tx,
            "sbi_codes (code, section, description, parent_code, level, has_children)",
            6,
            bundle
                .sbi
                .iter()
                .map(|s| {
                    vec![
                        Bind::Text(s.code.clone()),
                        Bind::Text(s.section.clone()),
                        Bind::Text(s.description.clone()),
                        Bind::OptText(s.parent.clone()),
                        Bind::Int(i64::from(s.level)),
                        Bind::Int(i64::from(s.has_children)),
                    ]
                })
                .collect(),
        )
        .await?;
        let mut observations = 0;
        for (dataset, rows) in &bundle.datasets {
            sqlx::query(
                "INSERT INTO datasets (code, title, source, licence, org_id, created_at) \
                 VALUES ($1, $2, $3, $4, NULL, $5)",
            )
            .bind(&dataset.code)
            .bind(&dataset.title)
            .bind(&dataset.source)
            .bind(&dataset.licence)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            observations += upsert_observations(&mut tx, &dataset.code, rows).await?;
        }
        let label = operator.who().label;
        for file in &bundle.files {
            sqlx::query(
                "INSERT INTO imports (kind, dataset, file_name, checksum, source, licence, actor_label, \
                 org_id, rows_read, rows_stored, imported_at) \
                 VALUES ('reference', $1, $2, $3, $4, $5, $6, NULL, $7, $7, $8)",
            )
            .bind(&file.dataset)
            .bind(&file.file_name)
            .bind(&file.checksum)
            .bind(&file.source)
            .bind(&file.licence)
            .bind(&label)
            .bind(i64::try_from(file.rows_read).unwrap_or(i64::MAX))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let stored =
            i64::try_from(areas + boundaries + sbi_codes + observations).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO imports (kind, dataset, file_name, checksum, source, licence, actor_label, \
             org_id, rows_read, rows_stored, imported_at) \
             VALUES ('reference-bundle', NULL, 'reference data', $1, 'Baken', 'see data/SOURCES.md', $2, NULL, $3, $3, $4)",
        )
        .bind(&bundle.checksum)
        .bind(&label)
        .bind(stored)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(operator.who(), "import.reference")
                .object("reference", &bundle.checksum[..16])
                .outcome(Outcome::Ok)
                .detail(json!({
                    "areas": areas,
                    "boundaries": boundaries,
                    "sbi_codes": sbi_codes,
                    "observations": observations,
                    "files": bundle.files.len(),
                })),
        )
        .await?;
        tx.commit().await?;
        Ok(ReferenceLoad {
            loaded: true,
            areas,
            boundaries,
            sbi_codes,
            observations,
        })
    }

    /// Areas of a level (all levels when `None`) in the division of `year` (the latest when
    /// `None`), ordered by name.
    pub async fn areas(
        &self,
        level: Option<AreaLevel>,
        year: Option<i32>,
        page: Page,
    ) -> Result<Paged<AreaView>, StoreError> {
        let year = match year {
            Some(y) => i64::from(y),
            None => sqlx::query("SELECT COALESCE(MAX(year), 0) AS y FROM areas")
                .fetch_one(&self.db.pool)
                .await?
                .try_get("y")?,
        };
        let mut sql = SqlBuilder::default();
        sql.push(" FROM areas WHERE year = ").bind(Bind::Int(year));
        if let Some(level) = level {
            sql.push(" AND level = ")
                .bind(Bind::Text(level.code().to_owned()));
        }
        let total: i64 = sql
            .query("SELECT COUNT(*) AS n")
            .fetch_one(&self.db.pool)
            .await?
            .try_get("n")?;
        let mut page_sql = sql.clone();
        page_sql
            .push(" ORDER BY name, code LIMIT ")
            .bind(Bind::Int(page.limit()))
            .push(" OFFSET ")
            .bind(Bind::Int(page.offset()));
        let rows = page_sql
            .query(&format!("SELECT {AREA_COLUMNS}"))
            .fetch_all(&self.db.pool)
            .await?;
        let items = rows.iter().map(area_from_row).collect::<Result<_, _>>()?;
        Ok(Paged { items, page, total })
    }

    /// One area with the areas it lies in (province, police unit, safety region, country).
    pub async fn area(
        &self,
        code: &str,
        year: Option<i32>,
    ) -> Result<Option<AreaDetail>, StoreError> {
        let code = code.trim().to_ascii_uppercase();
        let row =
            match year {
                Some(y) => {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {AREA_COLUMNS} FROM areas WHERE code = $1 AND year = $2"
                    )))
                    .bind(&code)
                    .bind(i64::from(y))
                    .fetch_optional(&self.db.pool)
                    .await?
                }
                None => sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {AREA_COLUMNS} FROM areas WHERE code = $1 ORDER BY year DESC LIMIT 1"
                )))
                .bind(&code)
                .fetch_optional(&self.db.pool)
                .await?,
            };
        let Some(row) = row else { return Ok(None) };
        let area = area_from_row(&row)?;
        let mut parents = Vec::new();
        let parent_codes = [
            area.province_code.clone(),
            area.police_unit_code.clone(),
            area.safety_region_code.clone(),
            (area.level != AreaLevel::Country).then(|| "NL01".to_owned()),
        ];
        for parent in parent_codes.into_iter().flatten() {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {AREA_COLUMNS} FROM areas WHERE code = $1 AND year = $2"
            )))
            .bind(&parent)
            .bind(i64::from(area.year))
            .fetch_optional(&self.db.pool)
            .await?;
            if let Some(row) = row {
                parents.push(area_from_row(&row)?);
            }
        }
        let has_boundary: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM area_boundaries WHERE code = $1 AND year = $2")
                .bind(&area.code)
                .bind(i64::from(area.year))
                .fetch_one(&self.db.pool)
                .await?
                .try_get("n")?;
        Ok(Some(AreaDetail {
            area,
            parents,
            has_boundary: has_boundary > 0,
        }))
    }
}

/// The code prefix of a level, for replacing one level's boundaries.
fn level_prefix(level: AreaLevel) -> &'static str {
    match level {
        AreaLevel::Country => "NL",
        AreaLevel::Province => "PV",
        AreaLevel::PoliceUnit => "RE",
        AreaLevel::SafetyRegion => "VR",
        AreaLevel::Municipality => "GM",
        AreaLevel::Other => "OV-",
    }
}

impl Store {
    /// Replaces the boundaries of one level in the division of `year` (all or nothing), and
    /// adds areas the file names that the database does not know in that year yet. A file
    /// imported before (same checksum) changes nothing; returns `None` then.
    pub async fn import_boundaries(
        &self,
        operator: &Operator,
        level: AreaLevel,
        year: i32,
        boundaries: &[baken_domain::dataset::Boundary],
        names: &[(baken_domain::area::AreaCode, String)],
        provenance: &baken_domain::dataset::Provenance,
    ) -> Result<Option<(u64, u64)>, StoreError> {
        let dataset = format!("grenzen-{}-{year}", level.code());
        let mut tx = self.db.begin().await?;
        let seen: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM imports WHERE kind = 'boundaries' AND dataset = $1 AND checksum = $2",
        )
        .bind(&dataset)
        .bind(&provenance.checksum)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if seen > 0 {
            return Ok(None);
        }
        sqlx::query("DELETE FROM area_boundaries WHERE year = $1 AND code LIKE $2")
            .bind(i64::from(year))
            .bind(format!("{}%", level_prefix(level)))
            .execute(&mut *tx)
            .await?;
        let stored = insert_boundaries(&mut tx, boundaries).await?;
        let mut added = 0;
        for (code, name) in names {
            added += sqlx::query(
                "INSERT INTO areas (code, year, level, name) VALUES ($1, $2, $3, $4) ON CONFLICT (code, year) DO NOTHING",
            )
            .bind(code.as_str())
            .bind(i64::from(year))
            .bind(code.level().code())
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        let label = operator.who().label;
        sqlx::query(
            "INSERT INTO imports (kind, dataset, file_name, checksum, source, licence, actor_label, org_id, \
             rows_read, rows_stored, imported_at) VALUES ('boundaries', $1, $2, $3, $4, $5, $6, NULL, $7, $8, $9)",
        )
        .bind(&dataset)
        .bind(&provenance.file_name)
        .bind(&provenance.checksum)
        .bind(&provenance.source)
        .bind(&provenance.licence)
        .bind(&label)
        .bind(i64::try_from(provenance.rows_read).unwrap_or(i64::MAX))
        .bind(i64::try_from(stored).unwrap_or(i64::MAX))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(operator.who(), "import.boundaries")
                .object("dataset", &dataset)
                .detail(json!({ "file": provenance.file_name, "boundaries": stored, "areas_added": added })),
        )
        .await?;
        tx.commit().await?;
        Ok(Some((stored, added)))
    }
}
