//! The SELECT of model rows or `values()`: columns, WHERE, GROUP BY, HAVING, ORDER BY,
//! slicing, DISTINCT (ON) and FOR UPDATE.

use std::borrow::Cow;

use super::related::{qualified_column, RelatedSelect};
use crate::compiler::exprs::OrderItem;
use crate::compiler::group::SelCol;
use crate::compiler::sql::Origin;
use crate::compiler::{resolve, Compiler, Sql};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::FieldType;
use crate::query::{Expr, OrderBy, Query, Select};

/// A compiled SELECT and what its columns are.
#[derive(Debug, Clone)]
pub struct SelectPlan {
    /// The statement.
    pub sql: Sql,
    /// For model rows: the indexes (into `ModelMeta::fields`) of the loaded fields,
    /// in column order. Empty for `values()`. Shared, as the SQL text is, by the
    /// plans replayed from the shape cache.
    pub fields: std::sync::Arc<[usize]>,
    /// Names of the columns after the model fields (annotations, or the values() names).
    /// Shared by the replayed plans.
    pub names: std::sync::Arc<[String]>,
    /// The models loaded by `select_related()`, in tree order (parents first); their
    /// cells follow the annotations'.
    pub related: Vec<RelatedSelect>,
    /// For each column of `names`: the type its cells are converted to (Django's
    /// converters: a float average read as a decimal, a date read as text, a JSON key
    /// read as JSON text…); `None` for plain columns, which need none. Shared by the
    /// replayed plans.
    pub types: std::sync::Arc<[Option<FieldType>]>,
}

/// A SELECT before its parameters are numbered (also used inside other statements).
#[derive(Debug, Clone)]
pub(crate) struct SelectBody {
    pub sql: String,
    pub fields: Vec<usize>,
    pub names: Vec<String>,
    pub related: Vec<RelatedSelect>,
    pub types: Vec<Option<FieldType>>,
    /// The type of every named column (plain ones included).
    pub col_types: Vec<Option<FieldType>>,
}

impl Compiler<'_> {
    /// `SELECT … FROM … WHERE … GROUP BY … HAVING … ORDER BY … LIMIT … OFFSET … [FOR UPDATE]`.
    pub fn select(self) -> Result<SelectPlan> {
        Ok(self.select_traced()?.0)
    }

    /// [`Compiler::select`], with the origin of each parameter when known (for the
    /// shape cache).
    pub(crate) fn select_traced(mut self) -> Result<(SelectPlan, Option<Vec<Option<Origin>>>)> {
        let body = self.select_body()?;
        let params = std::mem::take(&mut self.params);
        let (sql, origins) = params.finish_traced(body.sql, self.d);
        let plan = SelectPlan {
            sql,
            fields: body.fields.into(),
            names: body.names.into(),
            related: body.related,
            types: body.types.into(),
        };
        Ok((plan, origins))
    }

    /// The SELECT as marked SQL (parameters in `self.params`), for statements and
    /// subqueries.
    pub(crate) fn select_body(&mut self) -> Result<SelectBody> {
        let q = self.q;
        let d = self.d;
        if let Some(c) = &q.combinator {
            return self.combined_body(c);
        }
        if !q.distinct_on.is_empty() && !d.features().supports_distinct_on {
            return Err(Error::not_supported("DISTINCT ON fields", d.name()));
        }
        // The WHERE first: its joins are made per filter() call (Django builds them when
        // filter() is called), annotations between the calls they came between; values
        // and ordering then reuse them.
        let (where_, having) = self.where_and_having()?;
        let grouped = q.group_by.is_some();
        let mut cols: Vec<String> = Vec::new();
        let mut sel: Vec<SelCol> = Vec::new();
        let mut fields = Vec::new();
        let mut names = Vec::new();
        let mut types = Vec::new();
        let mut col_types = Vec::new();
        let mut related = Vec::new();
        // Expression columns by name and 1-based position (ORDER BY refers to them).
        let mut positions: Vec<(String, usize)> = Vec::new();
        match &q.select {
            Select::Model => {
                fields = Self::loaded_fields(q)?;
                let base = q.model.table;
                cols.reserve(fields.len() + q.annotations.len());
                for &i in &fields {
                    let s = qualified_column(d, base, q.model.fields[i].column);
                    if grouped {
                        sel.push(SelCol { sql: s.clone(), plain: true, expr: None });
                    }
                    cols.push(s);
                }
                for (name, _) in &q.annotations {
                    if q.aliases.contains(name) {
                        continue;
                    }
                    let c = self.annotation_sql(name)?.expect("an annotation of this query");
                    cols.push(format!("{} AS {}", c.sql, d.quote(name)));
                    sel.push(SelCol { sql: c.sql, plain: false, expr: Some(Expr::Col(name.clone())) });
                    positions.push((name.clone(), cols.len()));
                    names.push(name.clone());
                    types.push(c.ty);
                    col_types.push(c.ty);
                }
                if !q.select_related.is_empty() {
                    let before = cols.len();
                    related = self.related_select(cols.len(), &mut cols)?;
                    for c in &cols[before..] {
                        sel.push(SelCol { sql: c.clone(), plain: true, expr: None });
                    }
                }
            }
            Select::Values(paths) => {
                for p in paths {
                    let head = p.split("__").next().unwrap_or(p);
                    let is_annotation = self.is_annotation(head);
                    let lhs = self.path_sql(p)?;
                    cols.push(format!("{} AS {}", lhs.sql, d.quote(p)));
                    names.push(p.clone());
                    col_types.push(lhs.ty);
                    // A plain column needs no conversion; an expression (annotation,
                    // transform, JSON key) is converted to its type, as Django's converters.
                    let plain = !is_annotation && !p.contains("__") || self.is_plain_column(p);
                    if plain {
                        types.push(None);
                        sel.push(SelCol { sql: lhs.sql, plain: true, expr: None });
                    } else {
                        types.push(lhs.ty);
                        sel.push(SelCol { sql: lhs.sql, plain: false, expr: Some(Expr::Col(p.clone())) });
                        positions.push((p.clone(), cols.len()));
                    }
                }
            }
        }
        let meta_ordering = q.order_by.is_none();
        let ordering = if grouped && meta_ordering { Cow::Borrowed(&[][..]) } else { q.ordering() };
        let order = self.order_items(&ordering, Some(&positions))?;
        let mut distinct_on = Vec::with_capacity(q.distinct_on.len());
        for p in &q.distinct_on {
            distinct_on.push(self.path_sql(p)?.sql);
        }
        if !distinct_on.is_empty() {
            self.check_distinct_on(&distinct_on, &order)?;
        }
        if q.distinct && distinct_on.is_empty() {
            // Ordering keys must be selected for DISTINCT (PostgreSQL insists).
            for o in &order {
                if o.positional || o.expr.is_none() {
                    continue;
                }
                if !cols.iter().any(|c| c == &o.expr_sql || c.starts_with(&format!("{} AS ", o.expr_sql))) {
                    cols.push(o.expr_sql.clone());
                }
            }
        }
        let group = if grouped { self.group_by_sql(&sel, &order, meta_ordering, &positions)? } else { Vec::new() };
        let estimate = 64
            + cols.iter().map(|c| c.len() + 2).sum::<usize>()
            + where_.len()
            + having.len()
            + order.iter().map(|o| o.sql.len() + 2).sum::<usize>()
            + self.from.joins.len() * 64;
        let mut sql = String::with_capacity(estimate);
        sql.push_str("SELECT ");
        if !distinct_on.is_empty() {
            sql.push_str("DISTINCT ON (");
            sql.push_str(&distinct_on.join(", "));
            sql.push_str(") ");
        } else if q.distinct {
            sql.push_str("DISTINCT ");
        }
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(c);
        }
        self.from.write(d, &mut sql);
        sql.push_str(&where_);
        if !group.is_empty() {
            sql.push_str(" GROUP BY ");
            sql.push_str(&group.join(", "));
        }
        sql.push_str(&having);
        for (i, o) in order.iter().enumerate() {
            sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
            sql.push_str(&o.sql);
        }
        d.limit_offset_into(&mut sql, q.limit, q.offset);
        if q.for_update.is_some() {
            sql.push_str(&for_update_sql(d, q)?);
        }
        Ok(SelectBody { sql, fields, names, related, types, col_types })
    }

    /// Whether a `values()` path is a plain column (a field, across relations), not a
    /// transform or a JSON key.
    fn is_plain_column(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split("__").collect();
        resolve::plan(self.q.model, &parts).is_ok_and(|p| p.rest.is_empty())
    }

    /// PostgreSQL requires the ORDER BY to start with the DISTINCT ON expressions (after
    /// expansion: `order_by("user")` orders by the user model's default ordering, so
    /// order by `user_id` there).
    fn check_distinct_on(&self, on: &[String], order: &[OrderItem]) -> Result<()> {
        let q = self.q;
        if order.is_empty() {
            return Ok(());
        }
        let lead: Vec<String> = order.iter().take(on.len()).map(|o| self.params.canonical(&o.expr_sql)).collect();
        let on_c: Vec<String> = on.iter().map(|s| self.params.canonical(s)).collect();
        if lead.len() == on_c.len() && on_c.iter().all(|d| lead.contains(d)) {
            return Ok(());
        }
        let wanted: Vec<&str> = q.distinct_on.iter().map(String::as_str).collect();
        Err(Error::Usage(format!(
            "distinct_on({wanted:?}) needs order_by() to start with the same fields ({}), as PostgreSQL requires \
             (SELECT DISTINCT ON expressions must match initial ORDER BY expressions); a relation orders by its \
             model's default ordering, so order by its key (`user_id`) instead",
            wanted.join(", ")
        )))
    }
}

/// ` FOR UPDATE [OF …] [NOWAIT | SKIP LOCKED]` where the backend has it (nothing
/// where it has no row locks); options it lacks are NotSupported.
fn for_update_sql(d: &'static dyn Dialect, q: &Query) -> Result<String> {
    let mut sql = String::new();
    if let Some(fu) = &q.for_update {
        let f = d.features();
        if f.has_select_for_update {
            if !fu.of.is_empty() && !f.has_select_for_update_of {
                return Err(Error::not_supported("FOR UPDATE OF", d.name()));
            }
            if (fu.nowait || fu.skip_locked) && !f.has_select_for_update_skip_locked {
                return Err(Error::not_supported("FOR UPDATE NOWAIT / SKIP LOCKED", d.name()));
            }
            sql.push_str(" FOR UPDATE");
            if !fu.of.is_empty() {
                let of: Vec<String> =
                    fu.of.iter().map(|o| if o == "self" { d.quote(q.model.table) } else { d.quote(o) }).collect();
                sql.push_str(&format!(" OF {}", of.join(", ")));
            }
            if fu.nowait {
                sql.push_str(" NOWAIT");
            } else if fu.skip_locked {
                sql.push_str(" SKIP LOCKED");
            }
        }
    }
    Ok(sql)
}

/// The default ordering for `first()`/`last()` on an unordered query: the pk.
pub fn pk_ordering() -> Vec<OrderBy> {
    vec![OrderBy::parse("pk")]
}
