//! Grouping: the WHERE / HAVING split, GROUP BY (Django's `get_group_by`), and
//! `aggregate()` (Django's `get_aggregation`).
//!
//! - A condition on an aggregate annotation goes to HAVING (the parts of a `filter()`
//!   call that are not stay in WHERE), as Django's `split_having_qualify`.
//! - GROUP BY holds what `values()` grouped by (or every column of the model for
//!   `annotate()` on model rows), every selected non-aggregate expression, and the
//!   ordering's expressions (the documented caveat: ordering by a field groups by it
//!   too). The model's default ordering does not apply to grouped queries. Where the
//!   backend groups by primary key (PostgreSQL, MySQL), the other columns of that
//!   table are left out, as Django's `collapse_group_by`.
//! - `aggregate()` over a query that is grouped, sliced, distinct or already holds
//!   aggregates aggregates a derived table: `SELECT AVG("n") FROM (…) subquery`.

use std::borrow::Cow;

use super::exprs::OrderItem;
use super::{Compiler, Params, SelectPlan};
use crate::error::{Error, Result};
use crate::meta::FieldType;
use crate::query::{Aggregate, Expr, GroupBy, OrderTarget, QNode, Select, Window};

/// One column of a SELECT, for GROUP BY.
#[derive(Debug, Clone)]
pub(crate) struct SelCol {
    /// Its SQL (for plain columns: the column, e.g. `"shop_blog"."id"`).
    pub sql: String,
    /// A plain column of the base table (or a join), not an expression.
    pub plain: bool,
    /// For expressions: the expression (grouped by its non-aggregate parts).
    pub expr: Option<Expr>,
}

enum GroupItem {
    Position(usize),
    Sql(String),
}

impl Compiler<'_> {
    /// Whether an annotation (by name) holds an aggregate.
    fn is_aggregate_annotation(&self, name: &str) -> bool {
        self.annotation_expr(name).is_some_and(|e| e.contains_aggregate(&|n| self.annotation_expr(n)))
    }

    /// Whether a condition refers to an aggregate (so belongs to HAVING).
    fn refers_to_aggregate(&self, q: &QNode) -> bool {
        match q {
            QNode::Leaf(l) => self.is_aggregate_annotation(super::resolve::head(&l.path)),
            QNode::And(v) | QNode::Or(v) | QNode::Xor(v) => v.iter().any(|c| self.refers_to_aggregate(c)),
            QNode::Not(c) => self.refers_to_aggregate(c),
            QNode::Call(c) => self.refers_to_aggregate(c),
            QNode::Expr(e) => e.contains_aggregate(&|n| self.annotation_expr(n)),
            QNode::ExprLookup(el) => el.lhs.contains_aggregate(&|n| self.annotation_expr(n)),
        }
    }

    fn refers_to_window(&self, q: &QNode) -> bool {
        self.has_scope_annotations()
            && q.paths()
                .iter()
                .any(|p| self.annotation_expr(p.split("__").next().unwrap_or(p)).is_some_and(|e| e.contains_window()))
    }

    /// `(where part, having part)` of one `filter()` call.
    fn split_having<'c>(&self, call: &'c QNode) -> (Option<Cow<'c, QNode>>, Option<Cow<'c, QNode>>) {
        if !self.refers_to_aggregate(call) {
            return (Some(Cow::Borrowed(call)), None);
        }
        let (inner, wrap): (&QNode, fn(QNode) -> QNode) = match call {
            QNode::Call(inner) => (inner, QNode::call),
            other => (other, |q| q),
        };
        match inner {
            QNode::And(children) => {
                let (h, w): (Vec<QNode>, Vec<QNode>) =
                    children.iter().cloned().partition(|c| self.refers_to_aggregate(c));
                let w = (!w.is_empty()).then(|| Cow::Owned(wrap(QNode::And(w))));
                let h = (!h.is_empty()).then(|| Cow::Owned(wrap(QNode::And(h))));
                (w, h)
            }
            _ => (None, Some(Cow::Borrowed(call))),
        }
    }

    /// Whether the current scope has any annotation (most queries have none, and then
    /// no condition can refer to one).
    fn has_scope_annotations(&self) -> bool {
        match &self.scope_annotations {
            Some(anns) => !anns.is_empty(),
            None => !self.q.annotations.is_empty(),
        }
    }

    /// Compiles the annotations made before `calls` filter() calls (each once).
    fn compile_annotations_before(&mut self, calls: usize) -> Result<()> {
        let q = self.q;
        for (name, _) in &q.annotations {
            if self.compiled.contains_key(name) {
                continue;
            }
            let at = q.annotation_calls.iter().find(|(n, _)| n == name).map_or(usize::MAX, |(_, c)| *c);
            if at <= calls || calls == usize::MAX {
                self.annotation_sql(name)?;
            }
        }
        Ok(())
    }

    /// An annotation may not take the name of a field or relation (Django's "The
    /// annotation … conflicts with a field on the model"), nor refer to itself.
    pub(crate) fn check_annotation_names(&self) -> Result<()> {
        if self.q.annotations.is_empty() {
            return Ok(());
        }
        let m = self.q.model;
        let names = super::resolve::choices(m);
        for (i, (name, e)) in self.q.annotations.iter().enumerate() {
            if names.iter().any(|n| n == name) {
                return Err(Error::field(
                    m.name,
                    name,
                    format!("The annotation '{name}' conflicts with a field on the model."),
                    names.clone(),
                ));
            }
            // Only annotations made before this one are visible to it.
            let later: Vec<&str> = self.q.annotations[i..].iter().map(|(n, _)| n.as_str()).collect();
            let mut bad = None;
            e.walk(&mut |x| {
                if let Expr::Col(p) = x {
                    let head = p.split("__").next().unwrap_or(p);
                    if later.contains(&head) {
                        bad = Some(head.to_string());
                    }
                }
                !matches!(x, Expr::OuterRef(_))
            });
            if let Some(b) = bad {
                return Err(Error::field(
                    m.name,
                    &b,
                    format!(
                        "Cannot resolve keyword '{b}' into field (annotation '{name}' refers to it before it is made)"
                    ),
                    names,
                ));
            }
        }
        Ok(())
    }

    /// ` WHERE …` and ` HAVING …` of the query (either may be empty). Annotations are
    /// compiled between the filter() calls they came between, so their joins are made
    /// where Django makes them.
    pub(crate) fn where_and_having(&mut self) -> Result<(String, String)> {
        self.check_annotation_names()?;
        let q = self.q;
        let calls: &[QNode] = match &q.filter {
            QNode::And(v) if !v.is_empty() && v.iter().all(|c| matches!(c, QNode::Call(_))) => v,
            f if f.is_empty() => &[],
            f => std::slice::from_ref(f),
        };
        let mut wheres = Vec::new();
        let mut havings = Vec::new();
        for (i, call) in calls.iter().enumerate() {
            self.compile_annotations_before(i)?;
            if self.refers_to_window(call) {
                return Err(Error::not_supported("filtering on a window function annotation", self.d.name()));
            }
            let (w, h) = self.split_having(call);
            if let Some(w) = w {
                if let Some(sql) = self.filter_sql(&w)? {
                    wheres.push(sql);
                }
            }
            if let Some(h) = h {
                if let Some(sql) = self.filter_sql(&h)? {
                    havings.push(sql);
                }
            }
        }
        self.compile_annotations_before(usize::MAX)?;
        let join = |kw: &str, parts: Vec<String>| {
            let mut out = String::new();
            if parts.is_empty() {
                return out;
            }
            out.reserve(kw.len() + 4 + parts.iter().map(|p| p.len() + 5).sum::<usize>());
            out.push(' ');
            out.push_str(kw);
            out.push(' ');
            if parts.len() > 1 {
                out.push('(');
            }
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(" AND ");
                }
                out.push_str(p);
            }
            if parts.len() > 1 {
                out.push(')');
            }
            out
        };
        Ok((join("WHERE", wheres), join("HAVING", havings)))
    }

    /// The expressions an expression is grouped by: `None` for itself (no aggregate or
    /// window inside), else its non-aggregate parts (Django's `get_group_by_cols`).
    fn group_cols(&self, e: &Expr) -> Option<Vec<Expr>> {
        let children = |parts: &[&Expr]| -> Vec<Expr> {
            let mut out = Vec::new();
            for p in parts {
                match self.group_cols(p) {
                    None => out.push((*p).clone()),
                    Some(v) => out.extend(v),
                }
            }
            out
        };
        match e {
            Expr::Aggregate(_) | Expr::Value(_) | Expr::Star | Expr::OuterRef(_) | Expr::Ref(_) => Some(Vec::new()),
            Expr::Window(w) => {
                let Window { partition_by, order_by, .. } = &**w;
                let mut parts: Vec<&Expr> = partition_by.iter().collect();
                for o in order_by {
                    if let OrderTarget::Expr(x) = &o.expr {
                        parts.push(x);
                    }
                }
                Some(children(&parts))
            }
            Expr::Col(name) => match self.annotation_expr(name) {
                Some(a) => self.group_cols(&a),
                None => None,
            },
            Expr::Subquery(_) | Expr::Exists(_) | Expr::Condition(_) | Expr::Search(_) => None,
            _ if !e.contains_aggregate(&|n| self.annotation_expr(n)) && !e.contains_window() => None,
            Expr::Arith(l, _, r) => Some(children(&[l, r])),
            Expr::Func(_, args) => Some(children(&args.iter().collect::<Vec<_>>())),
            Expr::Case(whens, d) => {
                let mut parts: Vec<&Expr> = whens.iter().map(|(_, x)| x).collect();
                parts.push(d);
                Some(children(&parts))
            }
            Expr::Typed(x, _) | Expr::Cast(x, _) | Expr::Extract(x, _) | Expr::Trunc(x, _, _) => Some(children(&[x])),
        }
    }

    /// GROUP BY items: positions of selected expressions, else SQL.
    pub(crate) fn group_by_sql(
        &mut self,
        sel: &[SelCol],
        order: &[OrderItem],
        meta_ordering: bool,
        positions: &[(String, usize)],
    ) -> Result<Vec<String>> {
        let q = self.q;
        let d = self.d;
        let mut items: Vec<GroupItem> = Vec::new();
        let position_of_sql = |s: &str| sel.iter().position(|c| c.plain && c.sql == s).map(|i| i + 1);
        let push_expr = |c: &mut Self, e: &Expr, items: &mut Vec<GroupItem>| -> Result<()> {
            // A selected expression column: by position.
            if let Expr::Col(name) = e {
                if let Some((_, p)) = positions.iter().find(|(n, _)| n == name) {
                    items.push(GroupItem::Position(*p));
                    return Ok(());
                }
            }
            let (sql, _) = c.expr_sql(e)?;
            match position_of_sql(&sql) {
                Some(p) if matches!(q.select, Select::Values(_)) => items.push(GroupItem::Position(p)),
                _ => items.push(GroupItem::Sql(sql)),
            }
            Ok(())
        };
        // values(…).annotate(…): the values, also those no longer selected.
        if let Some(GroupBy::Values(names)) = &q.group_by {
            for n in names {
                let selected = matches!(&q.select, Select::Values(p) if p.contains(n));
                if !selected {
                    push_expr(self, &Expr::Col(n.clone()), &mut items)?;
                }
            }
        }
        // annotate() on model rows: every column of the model.
        if matches!(q.group_by, Some(GroupBy::Model)) && !matches!(q.select, Select::Model) {
            let base = self.from.base_alias().to_string();
            for f in &q.model.fields {
                let s = format!("{}.{}", d.quote(&base), d.quote(f.column));
                items.push(GroupItem::Sql(s));
            }
        }
        for (i, c) in sel.iter().enumerate() {
            if c.plain {
                if matches!(q.select, Select::Values(_)) {
                    items.push(GroupItem::Position(i + 1));
                } else {
                    items.push(GroupItem::Sql(c.sql.clone()));
                }
                continue;
            }
            let Some(e) = &c.expr else { continue };
            match self.group_cols(e) {
                None => items.push(GroupItem::Position(i + 1)),
                Some(parts) => {
                    for p in parts {
                        push_expr(self, &p, &mut items)?;
                    }
                }
            }
        }
        if !meta_ordering {
            for o in order {
                if o.positional {
                    continue;
                }
                let Some(e) = &o.expr else { continue };
                match self.group_cols(e) {
                    None => match position_of_sql(&o.expr_sql) {
                        Some(p) if matches!(q.select, Select::Values(_)) => items.push(GroupItem::Position(p)),
                        _ => items.push(GroupItem::Sql(o.expr_sql.clone())),
                    },
                    Some(parts) => {
                        for p in parts {
                            push_expr(self, &p, &mut items)?;
                        }
                    }
                }
            }
        }
        // Collapse to the primary key where the backend allows it.
        let base_pk = format!("{}.{}", d.quote(self.from.base_alias()), d.quote(q.model.pk_field().column));
        let base_prefix = format!("{}.", d.quote(self.from.base_alias()));
        let sql_of = |it: &GroupItem| match it {
            GroupItem::Sql(s) => Some(s.clone()),
            GroupItem::Position(p) => sel.get(p - 1).filter(|c| c.plain).map(|c| c.sql.clone()),
        };
        let collapse = d.features().allows_group_by_selected_pks
            && items.iter().any(|it| sql_of(it).as_deref() == Some(base_pk.as_str()));
        let mut out: Vec<String> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for it in &items {
            let plain = sql_of(it);
            if collapse {
                if let Some(s) = &plain {
                    if s != &base_pk && s.starts_with(&base_prefix) && !s[base_prefix.len()..].contains(' ') {
                        continue;
                    }
                }
            }
            let key = match it {
                GroupItem::Position(p) => plain.clone().unwrap_or_else(|| format!("#{p}")),
                GroupItem::Sql(s) => self.params.canonical(s),
            };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            out.push(match it {
                GroupItem::Position(p) => p.to_string(),
                GroupItem::Sql(s) => s.clone(),
            });
        }
        Ok(out)
    }

    /// `aggregate()`: one row of aggregates (Django's `get_aggregation`).
    pub fn aggregate(mut self, aggs: &[(String, Expr)]) -> Result<SelectPlan> {
        self.check_annotation_names()?;
        let q = self.q;
        let d = self.d;
        for (name, e) in aggs {
            if !e.contains_aggregate(&|n| q.annotation(n).cloned()) {
                return Err(Error::Usage(format!("aggregate(): '{name}' is not an aggregate expression")));
            }
        }
        let needs_subquery = matches!(q.group_by, Some(GroupBy::Values(_)))
            || q.is_sliced()
            || q.has_aggregate_annotation()
            || q.distinct
            || q.combinator.is_some()
            || !q.distinct_on.is_empty();
        let mut cols = Vec::with_capacity(aggs.len());
        let mut types = Vec::with_capacity(aggs.len());
        let sql = if !needs_subquery {
            let (where_, _) = self.where_and_having()?;
            for (name, e) in aggs {
                let (s, ty) = self.expr_sql(e)?;
                cols.push(format!("{s} AS {}", d.quote(name)));
                types.push(ty);
            }
            let mut sql = format!("SELECT {}", cols.join(", "));
            self.from.write(d, &mut sql);
            sql.push_str(&where_);
            sql
        } else {
            let mut inner = q.clone();
            if !inner.is_sliced() {
                inner.order_by = Some(crate::query::Query::no_ordering());
                inner.reversed = false;
            }
            inner.for_update = None;
            inner.select_related.clear();
            let mut selected: Vec<String> = Vec::new();
            let mut extra: Vec<(String, Expr)> = Vec::new();
            let mut rewritten = Vec::with_capacity(aggs.len());
            for (name, e) in aggs {
                let r = rewrite_cols(e, &mut |path: &str| {
                    if q.annotation(path).is_some() {
                        if !selected.iter().any(|s| s == path) {
                            selected.push(path.to_string());
                        }
                        return Expr::Ref(path.to_string());
                    }
                    if let Some((n, _)) = extra.iter().find(|(_, x)| *x == Expr::Col(path.to_string())) {
                        return Expr::Ref(n.clone());
                    }
                    let n = format!("_col{}", extra.len() + 1);
                    extra.push((n.clone(), Expr::Col(path.to_string())));
                    Expr::Ref(n)
                });
                rewritten.push((name.clone(), r));
            }
            for (n, e) in &extra {
                inner.annotations.push((n.clone(), e.clone()));
                selected.push(n.clone());
            }
            if selected.is_empty() {
                selected.push("pk".into());
            }
            inner.select = Select::Values(selected);
            let body = self.detached(&inner, |c| c.select_body())?;
            for (name, e) in &rewritten {
                let (s, ty) = self.expr_sql(e)?;
                cols.push(format!("{s} AS {}", d.quote(name)));
                types.push(ty.or_else(|| output_guess(e)));
            }
            format!("SELECT {} FROM ({}) subquery", cols.join(", "), body.sql)
        };
        let names: Vec<String> = aggs.iter().map(|(n, _)| n.clone()).collect();
        let params = std::mem::take(&mut self.params);
        Ok(SelectPlan {
            sql: params.finish(sql, d),
            fields: Default::default(),
            names: names.into(),
            related: Vec::new(),
            types: types.into(),
        })
    }
}

/// An aggregate's output type where its argument's type is unknown (a derived table
/// column): Count is an integer, the statistics are floats.
fn output_guess(e: &Expr) -> Option<FieldType> {
    match e {
        Expr::Aggregate(a) => match a.func {
            crate::query::AggFunc::Count => Some(FieldType::BigInt),
            crate::query::AggFunc::Avg
            | crate::query::AggFunc::StdDev { .. }
            | crate::query::AggFunc::Variance { .. } => Some(FieldType::Double),
            _ => None,
        },
        _ => None,
    }
}

/// `e` with every field reference replaced by `f(path)`.
pub(crate) fn rewrite_cols(e: &Expr, f: &mut dyn FnMut(&str) -> Expr) -> Expr {
    let mut r = |x: &Expr| rewrite_cols(x, f);
    match e {
        Expr::Col(p) => f(p),
        Expr::Arith(l, op, rr) => Expr::Arith(Box::new(r(l)), *op, Box::new(r(rr))),
        Expr::Func(func, args) => Expr::Func(*func, args.iter().map(&mut r).collect()),
        Expr::Case(whens, d) => Expr::Case(whens.iter().map(|(c, x)| (c.clone(), r(x))).collect(), Box::new(r(d))),
        Expr::Typed(x, t) => Expr::Typed(Box::new(r(x)), *t),
        Expr::Cast(x, t) => Expr::Cast(Box::new(r(x)), *t),
        Expr::Extract(x, p) => Expr::Extract(Box::new(r(x)), *p),
        Expr::Trunc(x, k, o) => Expr::Trunc(Box::new(r(x)), *k, *o),
        Expr::Aggregate(a) => Expr::Aggregate(Box::new(Aggregate {
            arg: r(&a.arg),
            default: a.default.as_ref().map(&mut r),
            ..(**a).clone()
        })),
        Expr::Window(w) => Expr::Window(Box::new(Window {
            expr: r(&w.expr),
            partition_by: w.partition_by.iter().map(&mut r).collect(),
            ..(**w).clone()
        })),
        other => other.clone(),
    }
}

impl Params {
    /// `sql` with each parameter marker replaced by its value's text, to compare
    /// fragments compiled twice (GROUP BY deduplication).
    pub(crate) fn canonical(&self, sql: &str) -> String {
        self.render(sql)
    }
}
