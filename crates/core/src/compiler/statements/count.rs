//! `SELECT COUNT(*)` and the EXISTS probe (`SELECT 1 … LIMIT 1`).

use crate::compiler::{Compiler, Sql};
use crate::error::Result;

impl Compiler<'_> {
    /// `SELECT COUNT(*)`; over a subquery when sliced, distinct, grouped or combined.
    pub fn count(self) -> Result<Sql> {
        let d = self.d;
        let q = self.q;
        if q.is_sliced()
            || q.distinct
            || q.group_by.is_some()
            || q.combinator.is_some()
            || !q.distinct_on.is_empty()
            || q.has_aggregate_annotation()
        {
            let inner = Compiler::new(d, q).select()?.sql;
            return Ok(Sql {
                sql: format!("SELECT COUNT(*) FROM ({}) subquery", inner.sql).into(),
                params: inner.params,
            });
        }
        let mut c = self;
        let where_ = c.where_clause()?;
        let mut sql = String::from("SELECT COUNT(*)");
        c.from.write(d, &mut sql);
        sql.push_str(&where_);
        Ok(c.params.finish(sql, d))
    }

    /// `SELECT 1 … LIMIT 1` (the whole SELECT when grouped or combined).
    pub fn exists(self) -> Result<Sql> {
        let d = self.d;
        let q = self.q;
        if q.group_by.is_some() || q.combinator.is_some() || !q.distinct_on.is_empty() {
            let mut q2 = q.clone();
            if q2.limit.is_none_or(|l| l > 1) {
                q2.limit = Some(if q2.limit == Some(0) { 0 } else { 1 });
            }
            return Ok(Compiler::new(d, &q2).select()?.sql);
        }
        let mut c = self;
        let where_ = c.where_clause()?;
        let mut sql = String::from("SELECT 1 AS a");
        c.from.write(d, &mut sql);
        sql.push_str(&where_);
        let (limit, offset) = match c.q.limit {
            Some(0) => (Some(0), c.q.offset),
            _ => (Some(1), c.q.offset),
        };
        sql.push_str(&d.limit_offset_sql(limit, offset));
        Ok(c.params.finish(sql, d))
    }
}
