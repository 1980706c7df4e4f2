//! Set operations: `a UNION [ALL] b …`, INTERSECT and EXCEPT, ordered and sliced as a
//! whole.

use super::SelectBody;
use crate::compiler::Compiler;
use crate::error::{Error, Result};
use crate::query::{Combinator, Expr, OrderBy, OrderTarget, Select, SetOp};

impl Compiler<'_> {
    /// `a UNION [ALL] b …` (or INTERSECT / EXCEPT), ordered and sliced as a whole.
    pub(super) fn combined_body(&mut self, c: &Combinator) -> Result<SelectBody> {
        let q = self.q;
        let d = self.d;
        let compound_ok = d.features().supports_slicing_ordering_in_compound;
        let mut parts = Vec::with_capacity(c.queries.len());
        let mut first: Option<SelectBody> = None;
        if !q.filter.is_empty() {
            return Err(Error::Usage(
                "filter() after union(), intersection() or difference() is not supported: filter the queries first"
                    .into(),
            ));
        }
        for member in &c.queries {
            let mut m = member.clone();
            // values() on the combined query applies to the queries that select model rows.
            if matches!(q.select, Select::Values(_)) && m.select == Select::Model {
                m.select = q.select.clone();
            }
            if m.order_by.is_none() {
                // The model's default ordering does not apply to a member.
                m.order_by = Some(crate::query::Query::no_ordering());
            }
            let ordered = m.order_by.as_ref().is_some_and(|v| !v.is_empty());
            if !compound_ok && (ordered || m.is_sliced()) {
                return Err(Error::not_supported(
                    "ORDER BY / LIMIT in the queries of a UNION, INTERSECT or EXCEPT (order and slice the combined query)",
                    d.name(),
                ));
            }
            let body = self.detached(&m, |sub| sub.select_body())?;
            parts.push(if compound_ok { format!("({})", body.sql) } else { body.sql.clone() });
            first.get_or_insert(body);
        }
        let first = first.ok_or_else(|| Error::Usage("a set operation needs queries".into()))?;
        let op = match (c.op, c.all) {
            (SetOp::Union, true) => " UNION ALL ",
            (SetOp::Union, false) => " UNION ",
            (SetOp::Intersection, _) => " INTERSECT ",
            (SetOp::Difference, _) => " EXCEPT ",
        };
        let mut sql = parts.join(op);
        // ORDER BY names a column of the result by position.
        let ordering = q.order_by.as_deref().map(<[OrderBy]>::to_vec).unwrap_or_default();
        let ordering: Vec<OrderBy> =
            if q.reversed { ordering.iter().map(OrderBy::reversed).collect() } else { ordering };
        let mut keys = Vec::new();
        for o in &ordering {
            let OrderTarget::Expr(Expr::Col(name)) = &o.expr else {
                return Err(Error::Usage("a combined query orders by the names of its columns".into()));
            };
            let pos = match &q.select {
                Select::Values(v) => v.iter().position(|p| p == name || (name == "pk" && p == q.model.pk_field().name)),
                Select::Model => {
                    let idx = first.fields.iter().position(|&f| {
                        let fm = &q.model.fields[f];
                        fm.name == name || fm.attname == name || (name == "pk" && f == q.model.pk)
                    });
                    idx.or_else(|| first.names.iter().position(|n| n == name).map(|i| i + first.fields.len()))
                }
            };
            let Some(pos) = pos else {
                return Err(Error::field(
                    q.model.name,
                    name,
                    format!("ORDER BY term '{name}' does not match any column in the result set"),
                    first.names.clone(),
                ));
            };
            let dir = if o.descending { "DESC" } else { "ASC" };
            keys.push(format!("{} {dir}", pos + 1));
        }
        if !keys.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(&keys.join(", "));
        }
        sql.push_str(&d.limit_offset_sql(q.limit, q.offset));
        Ok(SelectBody { sql, ..first })
    }
}
