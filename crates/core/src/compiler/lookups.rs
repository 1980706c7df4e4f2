//! Lookups (`exact`, `icontains`, `in`, `range`, `isnull`, …) and transforms
//! (`date`, `year`, `hour`, …): the WHERE clause. This module builds the conditions
//! (joins, negation, promotion); the SQL of each lookup is in `lookup_ops.rs`.
//!
//! Conditions are compiled as Django's `Query._add_q` / `build_filter` do:
//!
//! - each `filter()` call ([`QNode::Call`]) has its own set of reusable joins, so a
//!   multi-valued relation (reverse foreign key, many-to-many) is joined once per call;
//! - every AND / OR / XOR / NOT group is a `JoinPromoter`: a condition that cannot hold
//!   when the related row is missing votes its joins INNER; under AND one vote is
//!   enough, under OR every branch must vote (else the joins become LEFT OUTER); NOT
//!   swaps AND and OR; `isnull=True` and negated conditions vote nothing;
//! - under a NOT, a condition across a multi-valued relation becomes
//!   `key IN (SELECT … FROM related WHERE condition)` (Django's `split_exclude`), so
//!   `exclude(entries__rating__gte=9)` excludes the parents with ANY such row.

use std::collections::HashSet;

use super::lookup_ops::ty_name;
use super::resolve::{self, Plan};
use super::sql::Transform;
use super::Compiler;
use crate::dialect::DatePart;
use crate::error::{Error, Result};
use crate::meta::FieldType;
use crate::query::{Expr, Lookup, QNode, Rhs};
use crate::value::Value;

use super::resolve::{LOOKUPS, TRANSFORMS};

/// A compiled left-hand side: SQL, its type, and whether it may be NULL.
pub(crate) struct Lhs {
    pub sql: String,
    pub ty: Option<FieldType>,
    pub nullable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Connector {
    And,
    Or,
    Xor,
}

/// Where a condition sits: Django's `branch_negated` (a NOT somewhere above),
/// `current_negated` (an odd number of NOTs above) and `split_subq` (multi-valued
/// conditions under a NOT become subqueries).
#[derive(Debug, Clone, Copy)]
struct Negation {
    branch: bool,
    current: bool,
    split: bool,
}

impl Default for Negation {
    fn default() -> Self {
        Negation { branch: false, current: false, split: true }
    }
}

/// A compiled condition and the joins it needs INNER (its votes).
type Clause = (Option<String>, Vec<String>);

impl Compiler<'_> {
    /// The WHERE condition of the query (`None`: no condition).
    pub(crate) fn filter_sql(&mut self, q: &QNode) -> Result<Option<String>> {
        Ok(self.call_sql(q, Negation::default())?.0)
    }

    /// A condition inside an expression (`CASE WHEN`): no subqueries, and the joins it
    /// needs are LEFT OUTER (Django's `Q.resolve_expression`).
    pub(crate) fn condition_sql(&mut self, q: &QNode) -> Result<Option<String>> {
        let (sql, needed) = self.group_of(q, Negation { split: false, ..Negation::default() })?;
        self.from.promote(&needed);
        Ok(sql)
    }

    /// One `filter()` call (Django's `add_q`): its own reusable joins; joins that were
    /// INNER before stay INNER.
    fn call_sql(&mut self, q: &QNode, neg: Negation) -> Result<Clause> {
        let saved = self.reuse.replace(HashSet::new());
        let existing_inner = self.from.inner_aliases();
        let out = self.group_of(q, neg);
        self.from.demote(&existing_inner);
        self.reuse = saved;
        Ok((out?.0, Vec::new()))
    }

    /// `q` as a group (a lone condition is an AND of one, as Django's `Q(a=1)`).
    fn group_of(&mut self, q: &QNode, neg: Negation) -> Result<Clause> {
        match q {
            QNode::Leaf(_) | QNode::Call(_) => self.group_sql(Connector::And, std::slice::from_ref(q), false, neg),
            q => self.node_sql(q, neg),
        }
    }

    fn node_sql(&mut self, q: &QNode, neg: Negation) -> Result<Clause> {
        match q {
            QNode::Leaf(l) => self.leaf_sql(l, neg),
            QNode::And(v) => self.group_sql(Connector::And, v, false, neg),
            QNode::Or(v) => self.group_sql(Connector::Or, v, false, neg),
            QNode::Xor(v) => self.group_sql(Connector::Xor, v, false, neg),
            QNode::Not(inner) => match &**inner {
                QNode::And(v) => self.group_sql(Connector::And, v, true, neg),
                QNode::Or(v) => self.group_sql(Connector::Or, v, true, neg),
                QNode::Xor(v) => self.group_sql(Connector::Xor, v, true, neg),
                other => self.group_sql(Connector::And, std::slice::from_ref(other), true, neg),
            },
            QNode::Call(inner) => self.call_sql(inner, neg),
            QNode::Expr(e) => {
                let (sql, _) = self.expr_sql(e)?;
                Ok((Some(sql), Vec::new()))
            }
            QNode::ExprLookup(el) => {
                let (sql, ty) = self.expr_sql(&el.lhs)?;
                let lhs = Lhs { sql, ty, nullable: true };
                let parts: Vec<&str> = if el.lookup.is_empty() { Vec::new() } else { el.lookup.split("__").collect() };
                let l = Lookup { path: format!("<expression>__{}", el.lookup).into(), rhs: el.rhs.clone() };
                let cond = self.finish_lookup(lhs, &parts, &l, neg)?;
                Ok((Some(cond), Vec::new()))
            }
        }
    }

    /// A group of conditions (Django's `_add_q` with its `JoinPromoter`).
    fn group_sql(&mut self, conn: Connector, children: &[QNode], negated: bool, neg: Negation) -> Result<Clause> {
        let inner = Negation { branch: neg.branch || negated, current: neg.current ^ negated, split: neg.split };
        let effective = match (inner.current, conn) {
            (false, c) => c,
            (true, Connector::And) => Connector::Or,
            (true, _) => Connector::And,
        };
        let mut votes: Vec<(String, usize)> = Vec::new();
        let mut xor_parts: Vec<Option<String>> = Vec::new();
        // AND / OR: the conditions joined as they come (one alone is not wrapped).
        let joiner = if conn == Connector::And { " AND " } else { " OR " };
        let mut joined: Option<String> = None;
        let mut count = 0;
        for c in children {
            let (sql, needed) = self.node_sql(c, inner)?;
            for (i, a) in needed.iter().enumerate() {
                if needed[..i].contains(a) {
                    continue;
                }
                match votes.iter_mut().find(|(v, _)| v == a) {
                    Some((_, n)) => *n += 1,
                    None => votes.push((a.clone(), 1)),
                }
            }
            if conn == Connector::Xor {
                xor_parts.push(sql);
                continue;
            }
            let Some(sql) = sql else { continue };
            count += 1;
            joined = Some(match joined {
                None => sql,
                Some(mut acc) => {
                    if count == 2 {
                        acc.insert(0, '(');
                    }
                    acc.push_str(joiner);
                    acc.push_str(&sql);
                    acc
                }
            });
        }
        let n = children.len();
        let promote: Vec<String> =
            votes.iter().filter(|(_, v)| effective == Connector::Or && *v < n).map(|(a, _)| a.clone()).collect();
        let demote: Vec<String> = votes
            .iter()
            .filter(|(_, v)| effective == Connector::And || (effective == Connector::Or && *v == n))
            .map(|(a, _)| a.clone())
            .collect();
        self.from.promote(&promote);
        self.from.demote(&demote);
        let sql = match conn {
            Connector::Xor => {
                let terms: Vec<String> = xor_parts
                    .into_iter()
                    .map(|s| format!("CASE WHEN {} THEN 1 ELSE 0 END", s.unwrap_or_else(|| "1 = 1".into())))
                    .collect();
                Some(format!("(({}) % 2) = 1", terms.join(" + ")))
            }
            _ => match joined {
                None if conn == Connector::Or => Some("1 = 0".into()),
                Some(mut s) if count > 1 => {
                    s.push(')');
                    Some(s)
                }
                other => other,
            },
        };
        let sql = if negated { sql.map(|s| format!("NOT ({s})")) } else { sql };
        Ok((sql, demote))
    }

    /// One lookup (Django's `build_filter`).
    fn leaf_sql(&mut self, l: &Lookup, neg: Negation) -> Result<Clause> {
        let parts = resolve::Parts::new(&l.path);
        // A search vector annotation compared with a query: `vector @@ query`.
        if let Some(Expr::Search(sv)) = self.annotation_expr(parts[0]) {
            if matches!(*sv, crate::query::Search::Vector { .. })
                && (parts.len() == 1 || (parts.len() == 2 && matches!(parts[1], "exact" | "search")))
            {
                let c = self.annotation_sql(parts[0])?.expect("an annotation");
                let cond = self.search_match_sql(Some(&c.sql), &Expr::Col(parts[0].into()), &l.rhs)?;
                return Ok((Some(cond), Vec::new()));
            }
        }
        // An annotation name, then transforms and a lookup.
        if let Some(c) = self.annotation_sql(parts[0])? {
            let lhs = Lhs { sql: c.sql, ty: c.ty, nullable: true };
            let cond = self.finish_lookup(lhs, &parts[1..], l, neg)?;
            return Ok((Some(cond), Vec::new()));
        }
        let plan = resolve::plan(self.from.model, &parts)?;
        if neg.branch && neg.split && plan.first_multi().is_some() {
            return Ok((Some(self.split_exclude(l, plan)?), Vec::new()));
        }
        self.planned_leaf_sql(l, plan, neg)
    }

    /// A lookup on a planned path: joins, the condition, and its votes.
    fn planned_leaf_sql(&mut self, l: &Lookup, plan: Plan<'_>, neg: Negation) -> Result<Clause> {
        let start = self.from.log.len();
        let r = self.from.setup(plan, self.reuse.as_mut());
        let lhs = Lhs { sql: r.column_sql(self.d), ty: Some(r.ty()), nullable: r.nullable };
        let cond = self.finish_lookup(lhs, r.rest, l, neg)?;
        let lookup = r.rest.last().copied().filter(|p| LOOKUPS.contains(p)).unwrap_or("exact");
        let is_none = matches!(l.rhs, Rhs::Value(Value::Null));
        let isnull_true = (lookup == "isnull" && l.rhs == Rhs::Value(Value::Bool(true)))
            || (matches!(lookup, "exact" | "iexact") && is_none);
        let require_outer = (isnull_true && !neg.current) || (neg.current && !isnull_true && !is_none);
        let votes = if require_outer { Vec::new() } else { self.from.log[start..].to_vec() };
        Ok((Some(cond), votes))
    }

    /// Transforms and the lookup on a compiled left-hand side; under an odd number of
    /// NOTs a nullable column keeps its NULL rows out of the negation, as in Django.
    fn finish_lookup(&mut self, lhs: Lhs, rest: &[&str], l: &Lookup, neg: Negation) -> Result<String> {
        let model = self.q.model.name;
        let (lookup, transforms) = match rest.split_last() {
            Some((last, init)) if LOOKUPS.contains(last) => (*last, init),
            _ => ("exact", rest),
        };
        let mut lhs = lhs;
        for (i, t) in transforms.iter().enumerate() {
            if lhs.ty == Some(FieldType::Json) {
                // The rest are keys of the document (Django's KeyTransform).
                let cond = self.json_key_lookup(&lhs, &transforms[i..], lookup, &l.rhs, &l.path)?;
                return Ok(cond);
            }
            lhs = self.transform(lhs, t, model)?;
        }
        if lhs.ty == Some(FieldType::Json) {
            if let Some(cond) = self.json_field_lookup(&lhs, lookup, &l.rhs, &l.path)? {
                return Ok(cond);
            }
        }
        let array_cond = if lhs.ty.is_some_and(FieldType::is_array) {
            self.array_lookup(&lhs, lookup, &l.rhs, &l.path)?
        } else {
            None
        };
        let cond = match array_cond {
            Some(cond) => cond,
            None => self.apply_lookup(&lhs, lookup, &l.rhs, model, &l.path)?,
        };
        // Django: a negated condition on a nullable column must still keep NULL rows.
        if neg.current && lhs.nullable && lookup != "isnull" && !matches!(l.rhs, Rhs::Value(Value::Null)) {
            return Ok(format!("({cond} AND {} IS NOT NULL)", lhs.sql));
        }
        Ok(cond)
    }

    /// Django's `split_exclude`: under a NOT, a condition across a multi-valued
    /// relation holds when ANY related row matches, so it becomes
    /// `outer_key IN (SELECT key FROM related … WHERE condition)`.
    fn split_exclude(&mut self, l: &Lookup, plan: Plan<'_>) -> Result<String> {
        let d = self.d;
        let k = plan.first_multi().expect("a multi-valued path");
        let multi = plan.joins[k];
        // The outer column the relation hangs off; a forward key pointing at it is used
        // directly (`blog__entries__…` compares `blog_id`).
        let prev = k.checked_sub(1).map(|p| plan.joins[p]);
        let (outer_path, outer_column) = match prev {
            Some(p) if p.direct && p.column == multi.parent_column => (&plan.joins[..k - 1], p.parent_column),
            _ => (&plan.joins[..k], multi.parent_column),
        };
        let outer_null = plan.joins[..k].iter().any(|j| j.nullable);
        let parent = prev.map_or(self.from.model, |p| p.model);
        let (outer_alias, aliases) = self.from.setup_joins(outer_path, self.reuse.as_ref());
        if let Some(r) = self.reuse.as_mut() {
            r.extend(aliases);
        }
        // The inner query: from the parent model, through the rest of the path.
        let inner_plan = Plan { joins: plan.joins[k..].to_vec(), ..plan };
        let prefix = self.subquery_prefix();
        let outer_from = std::mem::replace(&mut self.from, resolve::From::subquery_with(parent, prefix));
        let outer_reuse = self.reuse.replace(HashSet::new());
        self.outer.push(super::Scope {
            from: outer_from,
            reuse: outer_reuse,
            annotations: Vec::new(),
            compiled: std::collections::HashMap::new(),
            rhs_outer: true,
        });
        let inner = self.planned_leaf_sql(l, inner_plan, Negation::default());
        if let Ok((_, votes)) = &inner {
            let votes = votes.clone();
            self.from.demote(&votes);
        }
        let scope = self.outer.pop().expect("pushed above");
        let inner_from = std::mem::replace(&mut self.from, scope.from);
        self.reuse = scope.reuse;
        let cond = inner?.0.unwrap_or_else(|| "1 = 1".into());
        self.subquery_tables.push(inner_from.model.table);
        self.subquery_tables.extend(inner_from.joins.iter().map(|j| j.table));
        // Without a row on the parent side nothing matches, so the subquery can start at
        // the related table when its join is INNER (Django's `trim_start`).
        let first = &inner_from.joins[0];
        let (select, select_null) = if first.left {
            (format!("{}.{}", d.quote(inner_from.base_alias()), d.quote(multi.parent_column)), false)
        } else {
            (format!("{}.{}", d.quote(&first.alias), d.quote(multi.column)), multi.column_null)
        };
        let mut sub = format!("SELECT {select}");
        if first.left {
            inner_from.write(d, &mut sub);
        } else {
            inner_from.write_from_first_join(d, &mut sub);
        }
        sub.push_str(" WHERE ");
        if select_null {
            sub.push_str(&format!("({cond} AND {select} IS NOT NULL)"));
        } else {
            sub.push_str(&cond);
        }
        let outer = format!("{}.{}", d.quote(&outer_alias), d.quote(outer_column));
        Ok(if outer_null {
            format!("({outer} IN ({sub}) AND {outer} IS NOT NULL)")
        } else {
            format!("{outer} IN ({sub})")
        })
    }

    /// Runs `f` against the enclosing query while compiling a subquery (Django's
    /// `OuterRef`; in `split_exclude`'s subquery an `F()` on a lookup's right-hand side
    /// names a field of the outer row too). Without an enclosing query, `f` runs here.
    pub(crate) fn in_outer<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let Some(mut scope) = self.outer.pop() else { return f(self) };
        let inner_from = std::mem::replace(&mut self.from, scope.from);
        let inner_reuse = std::mem::replace(&mut self.reuse, scope.reuse);
        // split_exclude's subquery is the same query: same annotations, same cache.
        let swap = !scope.rhs_outer;
        let mut inner_anns = None;
        if swap {
            std::mem::swap(&mut self.compiled, &mut scope.compiled);
            inner_anns = Some(self.scope_annotations.replace(scope.annotations));
        }
        let out = f(self);
        let from = std::mem::replace(&mut self.from, inner_from);
        let reuse = std::mem::replace(&mut self.reuse, inner_reuse);
        let mut annotations = Vec::new();
        if let Some(inner) = inner_anns {
            std::mem::swap(&mut self.compiled, &mut scope.compiled);
            annotations = std::mem::replace(&mut self.scope_annotations, inner).unwrap_or_default();
        }
        self.outer.push(super::Scope {
            from,
            reuse,
            annotations,
            compiled: scope.compiled,
            rhs_outer: scope.rhs_outer,
        });
        out
    }

    pub(crate) fn transform(&mut self, lhs: Lhs, name: &str, model: &str) -> Result<Lhs> {
        let ty = lhs.ty;
        if let Some(elem) = ty.and_then(FieldType::array_element) {
            return self.array_transform(lhs, name, elem, model);
        }
        let bad = || {
            let mut choices: Vec<String> = LOOKUPS.iter().map(|s| s.to_string()).collect();
            if ty.is_some_and(FieldType::has_date) || ty == Some(FieldType::Time) {
                choices.extend(TRANSFORMS.iter().map(|s| s.to_string()));
            }
            Error::field(
                model,
                name,
                format!("Unsupported lookup '{name}' for {} or join on the field not permitted", ty_name(ty)),
                choices,
            )
        };
        let out = match name {
            "date" if ty == Some(FieldType::DateTime) => {
                Lhs { sql: self.d.datetime_cast_date_sql(&lhs.sql), ty: Some(FieldType::Date), ..lhs }
            }
            "time" if ty == Some(FieldType::DateTime) => {
                Lhs { sql: self.d.datetime_cast_time_sql(&lhs.sql), ty: Some(FieldType::Time), ..lhs }
            }
            _ => {
                let part = DatePart::from_name(name).ok_or_else(bad)?;
                let ok = match ty {
                    Some(FieldType::DateTime) => true,
                    Some(FieldType::Date) => !part.is_time(),
                    Some(FieldType::Time) => part.is_time(),
                    _ => false,
                };
                if !ok {
                    return Err(bad());
                }
                Lhs { sql: self.d.date_extract_sql(part, &lhs.sql), ty: Some(FieldType::Int), ..lhs }
            }
        };
        Ok(out)
    }

    /// Appends the right-hand side to `out`.
    pub(crate) fn rhs_into(&mut self, out: &mut String, rhs: &Rhs) -> Result<()> {
        match rhs {
            Rhs::Value(v) => self.params.push_from(out, v.clone(), rhs, Transform::Value),
            other => out.push_str(&self.rhs_sql(other)?),
        }
        Ok(())
    }

    pub(crate) fn rhs_sql(&mut self, rhs: &Rhs) -> Result<String> {
        match rhs {
            Rhs::Value(v) => Ok(self.params.push(v.clone())),
            Rhs::Expr(e) if self.outer.last().is_some_and(|s| s.rhs_outer) => self.in_outer(|c| Ok(c.expr_sql(e)?.0)),
            Rhs::Expr(e) => Ok(self.expr_sql(e)?.0),
            Rhs::Query(q) => Ok(format!("({})", self.in_subquery_sql(q)?)),
            Rhs::List(_) | Rhs::Range(..) => Err(Error::Usage("a list is only valid with `in` and `range`".into())),
        }
    }
}
