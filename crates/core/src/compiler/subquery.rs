//! Subqueries: `Subquery(qs)` (a scalar), `Exists(qs)`, `field__in = qs`, and
//! `OuterRef(…)` inside them (Django's `Subquery`, `Exists`, `OuterRef`).
//!
//! A subquery is compiled by a compiler of its own that shares the parameter list; the
//! enclosing query is pushed as a [`Scope`] (its tables, joins and annotations), which
//! `OuterRef` compiles against. Aliases of a subquery are `U0`, `U1`… (a subquery of a
//! subquery: `V0`…), so the enclosing query's names stay visible.

use super::{resolve, Compiler, Scope};
use crate::error::{Error, Result};
use crate::meta::FieldType;
use crate::query::{Expr, Query, Select};

const PREFIXES: [char; 6] = ['U', 'V', 'W', 'X', 'Y', 'Z'];

impl Compiler<'_> {
    /// The alias letter of a subquery made at the current depth.
    pub(crate) fn subquery_prefix(&self) -> char {
        PREFIXES[self.outer.len().min(PREFIXES.len() - 1)]
    }

    /// Runs `f` on a compiler of `q` nested in this one (correlated: `OuterRef` sees
    /// this query), sharing the parameters.
    fn nested<T>(&mut self, q: &Query, f: impl FnOnce(&mut Compiler<'_>) -> Result<T>) -> Result<T> {
        let prefix = self.subquery_prefix();
        let mut sub = Compiler::new(self.d, q);
        sub.from = resolve::From::subquery_with(q.model, prefix);
        sub.params = std::mem::take(&mut self.params);
        let scope = Scope {
            from: std::mem::replace(&mut self.from, resolve::From::new(self.q.model)),
            reuse: self.reuse.take(),
            annotations: self.scope_annotation_list(),
            compiled: std::mem::take(&mut self.compiled),
            rhs_outer: false,
        };
        sub.outer = std::mem::take(&mut self.outer);
        sub.outer.push(scope);
        let out = f(&mut sub);
        let scope = sub.outer.pop().expect("pushed above");
        self.from = scope.from;
        self.reuse = scope.reuse;
        self.compiled = scope.compiled;
        self.outer = std::mem::take(&mut sub.outer);
        self.params = std::mem::take(&mut sub.params);
        self.subquery_tables.push(q.model.table);
        self.subquery_tables.extend(sub.from.joins.iter().map(|j| j.table));
        self.subquery_tables.extend(sub.subquery_tables);
        out
    }

    /// Runs `f` on a compiler of `q` that is not correlated (a derived table, a member of
    /// a UNION), sharing the parameters.
    pub(crate) fn detached<T>(&mut self, q: &Query, f: impl FnOnce(&mut Compiler<'_>) -> Result<T>) -> Result<T> {
        let mut sub = Compiler::new(self.d, q);
        sub.params = std::mem::take(&mut self.params);
        let out = f(&mut sub);
        self.params = std::mem::take(&mut sub.params);
        out
    }

    /// `(SELECT …)`: a scalar subquery (one `values()` column; its first row).
    pub(crate) fn subquery_sql(&mut self, q: &Query) -> Result<(String, Option<FieldType>)> {
        match &q.select {
            Select::Values(v) if v.len() == 1 => {}
            _ => {
                return Err(Error::Usage(format!(
                    "Subquery::new() needs a query of one column: {}.objects().values([\"field\"])…",
                    q.model.name
                )))
            }
        }
        let body = self.nested(q, |c| c.select_body())?;
        Ok((format!("({})", body.sql), body.col_types.first().copied().flatten()))
    }

    /// `EXISTS(SELECT 1 AS "a" … LIMIT 1)`.
    pub(crate) fn exists_sql(&mut self, q: &Query) -> Result<String> {
        let d = self.d;
        let grouped =
            q.group_by.is_some() || q.combinator.is_some() || !q.distinct_on.is_empty() || q.has_aggregate_annotation();
        let sql = if grouped || q.is_sliced() {
            let mut q2 = q.clone();
            if !q2.is_sliced() {
                q2.limit = Some(1);
            }
            self.nested(&q2, |c| Ok(c.select_body()?.sql))?
        } else {
            self.nested(q, |c| {
                let (where_, _) = c.where_and_having()?;
                let mut s = format!("SELECT 1 AS {}", d.quote("a"));
                c.from.write(d, &mut s);
                s.push_str(&where_);
                s.push_str(&d.limit_offset_sql(Some(1), 0));
                Ok(s)
            })?
        };
        Ok(format!("EXISTS({sql})"))
    }

    /// The `SELECT` of `field__in = qs`: its `values()` column, or its primary key;
    /// unordered unless sliced (Django clears the ordering).
    pub(crate) fn in_subquery_sql(&mut self, q: &Query) -> Result<String> {
        let mut q2 = q.clone();
        match &q2.select {
            Select::Model => q2.select = Select::Values(vec!["pk".into()]),
            Select::Values(v) if v.len() == 1 => {}
            Select::Values(v) => {
                return Err(Error::Usage(format!(
                    "a query used with `in` must select one column, not {} ({})",
                    v.len(),
                    v.join(", ")
                )))
            }
        }
        if !q2.is_sliced() {
            q2.order_by = Some(Query::no_ordering());
            q2.reversed = false;
        }
        Ok(self.nested(&q2, |c| c.select_body())?.sql)
    }

    /// `OuterRef(…)`: the expression in the enclosing query, in parentheses.
    pub(crate) fn outer_ref_sql(&mut self, inner: &Expr) -> Result<(String, Option<FieldType>)> {
        if self.outer.is_empty() {
            return Err(Error::Usage(
                "This queryset contains a reference to an outer query (OuterRef) and may only be used in a subquery."
                    .into(),
            ));
        }
        let (sql, ty) = self.in_outer(|c| c.expr_sql(inner))?;
        Ok((format!("({sql})"), ty))
    }
}
