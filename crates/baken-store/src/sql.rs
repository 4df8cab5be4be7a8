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
}

/// SQL text with numbered placeholders and the values that go with them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SqlBuilder {
    sql: String,
    binds: Vec<Bind>,
}

impl SqlBuilder {
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub(crate) fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.sql.push('$');
        self.sql.push_str(&self.binds.len().to_string());
        self
    }

    /// The query `prefix` + the built text, with every value bound.
    pub(crate) fn query(&self, prefix: &str) -> Query<'static, Any, AnyArguments> {
        let mut query = sqlx::query(AssertSqlSafe(format!("{prefix}{}", self.sql)));
        for bind in &self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
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
    }
}
