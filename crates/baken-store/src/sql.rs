//! Building SQL with a variable number of conditions, with `$n` placeholders that both
//! SQLite and PostgreSQL accept (sqlx's `QueryBuilder` on the `Any` driver writes `?`, which
//! PostgreSQL refuses).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

/// A value to bind.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
    OptInt(Option<i64>),
    OptText(Option<String>),
    OptReal(Option<f64>),
}

/// SQL text with numbered placeholders and the values that go with them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SqlBuilder {
    sql: String,
    binds: Vec<Bind>,
    /// Write `?` instead of `$n`: SQLite binds anonymous parameters in order without looking
    /// each one up by name (a lookup that grows with the number of parameters).
    anonymous: bool,
}

impl SqlBuilder {
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub(crate) fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        if self.anonymous {
            self.sql.push('?');
        } else {
            self.sql.push('$');
            self.sql.push_str(&self.binds.len().to_string());
        }
        self
    }

    /// As [`SqlBuilder::query`], moving the values instead of copying them.
    pub(crate) fn into_query(self, prefix: &str) -> Query<'static, Any, AnyArguments> {
        let mut query = sqlx::query(AssertSqlSafe(format!("{prefix}{}", self.sql)));
        for bind in self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
                Bind::OptInt(v) => query.bind(v),
                Bind::OptText(v) => query.bind(v),
                Bind::OptReal(Some(v)) => query.bind(v),
                Bind::OptReal(None) => query.bind(None::<f32>),
            };
        }
        query
    }

    /// The query `prefix` + the built text, with every value bound.
    pub(crate) fn query(&self, prefix: &str) -> Query<'static, Any, AnyArguments> {
        let mut query = sqlx::query(AssertSqlSafe(format!("{prefix}{}", self.sql)));
        for bind in &self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
                Bind::OptInt(v) => query.bind(*v),
                Bind::OptText(v) => query.bind(v.clone()),
                Bind::OptReal(Some(v)) => query.bind(*v),
                // sqlx 0.9's Any-to-PostgreSQL mapping swaps the float kinds of NULL: an f64
                // NULL goes out as a float4 NULL, which breaks a cached statement whose
                // parameter is float8. An f32 NULL goes out as the float8 NULL the columns
                // have. On SQLite a NULL is a NULL.
                Bind::OptReal(None) => query.bind(None::<f32>),
            };
        }
        query
    }
}

/// Inserts `rows` into `table (columns)` with multi-row `VALUES`, a few hundred rows per
/// statement: one round trip per batch instead of per row.
pub(crate) async fn insert_batched(
    conn: &mut sqlx::AnyConnection,
    table_and_columns: &str,
    width: usize,
    rows: Vec<Vec<Bind>>,
) -> Result<u64, sqlx::Error> {
    upsert_batched(conn, table_and_columns, width, rows, "").await
}

/// As [`insert_batched`], with `suffix` after the values (an `ON CONFLICT …` clause).
pub(crate) async fn upsert_batched(
    conn: &mut sqlx::AnyConnection,
    table_and_columns: &str,
    width: usize,
    rows: Vec<Vec<Bind>>,
    suffix: &str,
) -> Result<u64, sqlx::Error> {
    const MAX_PARAMS: usize = 3000;
    let per_batch = (MAX_PARAMS / width.max(1)).max(1);
    // On SQLite, numbered parameters are looked up by name one by one, which grows with the
    // square of their number; anonymous `?` parameters bind in order.
    let anonymous = conn.backend_name().eq_ignore_ascii_case("sqlite");
    let mut inserted = 0;
    let mut batch: Vec<Vec<Bind>> = Vec::with_capacity(per_batch);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        batch.clear();
        batch.extend(rows.by_ref().take(per_batch));
        let mut sql = SqlBuilder {
            anonymous,
            ..SqlBuilder::default()
        };
        for (i, row) in batch.drain(..).enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            for (j, value) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push(", ");
                }
                sql.bind(value);
            }
            sql.push(")");
        }
        sql.push(suffix);
        inserted += sql
            .into_query(&format!("INSERT INTO {table_and_columns} VALUES "))
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(inserted)
}

/// Writes figures of `dataset`, replacing any with the same area, period, measure and
/// category. Returns how many rows were written.
pub(crate) async fn upsert_observations(
    conn: &mut sqlx::AnyConnection,
    dataset: &str,
    observations: &[baken_domain::area::Observation],
) -> Result<u64, sqlx::Error> {
    let rows = observations
        .iter()
        .map(|o| {
            vec![
                Bind::Text(dataset.to_owned()),
                Bind::Text(o.area.to_string()),
                Bind::Text(o.period.clone()),
                Bind::Text(o.measure.clone()),
                Bind::Text(o.category.clone()),
                Bind::OptReal(o.value),
                Bind::OptText(o.symbol.map(|s| s.code().to_owned())),
            ]
        })
        .collect();
    upsert_batched(
        conn,
        "observations (dataset, area_code, period, measure, category, value, symbol)",
        7,
        rows,
        " ON CONFLICT (dataset, area_code, period, measure, category) \
         DO UPDATE SET value = excluded.value, symbol = excluded.symbol",
    )
    .await
}

/// Writes area boundaries. Returns how many rows were written.
pub(crate) async fn insert_boundaries(
    conn: &mut sqlx::AnyConnection,
    boundaries: &[baken_domain::dataset::Boundary],
) -> Result<u64, sqlx::Error> {
    let rows = boundaries
        .iter()
        .map(|b| {
            vec![
                Bind::Text(b.code.to_string()),
                Bind::Int(i64::from(b.year)),
                Bind::Text(b.geometry.clone()),
            ]
        })
        .collect();
    insert_batched(conn, "area_boundaries (code, year, geometry)", 3, rows).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut b = SqlBuilder::default();
        b.push(" WHERE a = ")
            .bind(Bind::Int(1))
            .push(" AND b = ")
            .bind(Bind::Text("x".into()));
        assert_eq!(b.sql, " WHERE a = $1 AND b = $2");
        assert_eq!(b.binds.len(), 2);
        let mut a = SqlBuilder {
            anonymous: true,
            ..SqlBuilder::default()
        };
        a.push("(")
            .bind(Bind::Int(1))
            .push(", ")
            .bind(Bind::Int(2))
            .push(")");
        assert_eq!(a.sql, "(?, ?)");
    }
}
