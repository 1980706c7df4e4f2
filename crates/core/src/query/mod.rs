//! The backend-neutral query tree the QuerySet builds and the compiler reads.
//!
//! - this file: [`Query`] (one query on one model) and its parts (`Select`, `Loading`,
//!   `GroupBy`, set operations, `FOR UPDATE`).
//! - `q`: conditions ([`QNode`], lookups, right-hand sides).
//! - `expr`: the expression node [`Expr`], its walk and its operators.
//! - `functions`: [`Func`], aggregates ([`AggFunc`], [`Aggregate`]), [`TruncKind`].
//! - `window`: [`Window`] and [`Frame`].
//! - `search`: full-text [`Search`] (PostgreSQL).
//! - `order`: [`OrderBy`] keys.

mod expr;
mod functions;
mod order;
mod q;
mod search;
mod window;

pub use expr::{ArithOp, Expr};
pub use functions::{AggFunc, Aggregate, Func, TruncKind};
pub use order::{Nulls, OrderBy, OrderTarget};
pub use q::{ExprLookup, Lookup, QNode, Rhs};
pub use search::{Search, SearchKind};
pub use window::{Frame, FrameKind, Window};

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use crate::meta::ModelMeta;

/// What a SELECT returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Select {
    /// Model rows: every field, minus the deferred ones.
    #[default]
    Model,
    /// `values()` / `values_list()`: these paths or annotation names, in order.
    Values(Vec<String>),
}

/// `select_for_update()` options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForUpdate {
    /// `NOWAIT`.
    pub nowait: bool,
    /// `SKIP LOCKED`.
    pub skip_locked: bool,
    /// `OF (…)` by field path (`"self"` for the model's own table).
    pub of: Vec<String>,
}

/// Which fields a model SELECT loads (Django's `only()` / `defer()`).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loading {
    /// Everything.
    #[default]
    All,
    /// Only these fields (plus the primary key).
    Only(Vec<String>),
    /// All but these fields.
    Defer(Vec<String>),
}

/// What a grouped query groups by (Django's `Query.group_by`).
#[derive(Debug, Clone, PartialEq)]
pub enum GroupBy {
    /// `annotate()` with an aggregate on model rows: every column of the model (and
    /// whatever else is selected), Django's `group_by = True`.
    Model,
    /// `values(…).annotate(…)`: these `values()` paths and annotation names.
    Values(Vec<String>),
}

/// A set operation (Django's `union`, `intersection`, `difference`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// `UNION`
    Union,
    /// `INTERSECT`
    Intersection,
    /// `EXCEPT`
    Difference,
}

/// The queries a combined query is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Combinator {
    /// The operation.
    pub op: SetOp,
    /// `UNION ALL` (keeps duplicates).
    pub all: bool,
    /// The queries, the first one included.
    pub queries: Vec<Query>,
}

/// One query on one model.
#[derive(Debug)]
pub struct Query {
    /// The model queried.
    pub model: &'static ModelMeta,
    /// The WHERE condition: one [`QNode::Call`] per `filter()` / `exclude()` call, ANDed
    /// (a tree without `Call` nodes is one call). The calls matter for multi-valued
    /// relations: each call joins them anew.
    pub filter: QNode,
    /// Explicit ordering; `None` means the model's default ordering. Shared: a copy of
    /// the query (every chained `QuerySet` call makes one) shares the keys.
    pub order_by: Option<Arc<[OrderBy]>>,
    /// Whether the ordering is reversed (`reverse()`).
    pub reversed: bool,
    /// `LIMIT`.
    pub limit: Option<u64>,
    /// `OFFSET`.
    pub offset: u64,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// What the SELECT returns.
    pub select: Select,
    /// Which model fields are loaded.
    pub loading: Loading,
    /// Named expressions (`annotate()`), in order.
    pub annotations: Vec<(String, Expr)>,
    /// `FOR UPDATE`.
    pub for_update: Option<ForUpdate>,
    /// `none()`: the query matches nothing and runs no SQL.
    pub empty: bool,
    /// `select_related()`: forward foreign-key paths (`user`, `order__user`) whose rows
    /// are loaded by the same SELECT through JOINs (model SELECTs only).
    pub select_related: Vec<String>,
    /// Annotations made by `alias()`: usable in filters and orderings, not selected.
    pub aliases: Vec<String>,
    /// For each annotation: how many `filter()`/`exclude()` calls came before it. Its
    /// joins are made at that point, as Django makes them when `annotate()` is called
    /// (so `filter(entries…).annotate(Count("entries"))` counts the filtered rows, and
    /// the other order does not). An annotation not listed comes after every filter.
    pub annotation_calls: Vec<(String, usize)>,
    /// GROUP BY, set when an aggregate is annotated.
    pub group_by: Option<GroupBy>,
    /// A set operation: this query is `queries[0] op queries[1] …`, ordered and
    /// sliced by its own `order_by` and limits.
    pub combinator: Option<Box<Combinator>>,
    /// `DISTINCT ON (paths)` (PostgreSQL).
    pub distinct_on: Vec<String>,
}

/// An empty list without a call into `Vec::clone` (most of a query's lists are empty,
/// and every chained `QuerySet` call copies the query).
#[inline]
fn clone_list<T: Clone>(v: &[T]) -> Vec<T> {
    if v.is_empty() {
        Vec::new()
    } else {
        cold_to_vec(v)
    }
}

/// A copy of a part a query rarely has, out of line: copying a query then runs a
/// few compact instructions per part, not the inlined copy code of each type, which
/// would spread it over many more lines of the instruction cache (docs/benchmarks.md,
/// item 64).
#[cold]
#[inline(never)]
fn cold_clone<T: Clone>(v: &T) -> T {
    v.clone()
}

/// [`cold_clone`] of a list.
#[cold]
#[inline(never)]
fn cold_to_vec<T: Clone>(v: &[T]) -> Vec<T> {
    v.to_vec()
}

/// `None`, or a copy of `Some` out of line ([`cold_clone`]).
#[inline]
fn clone_rare<T: Clone>(v: &Option<T>) -> Option<T> {
    match v {
        None => None,
        Some(x) => Some(cold_clone(x)),
    }
}

impl Clone for Query {
    fn clone(&self) -> Self {
        let filter = match &self.filter {
            QNode::And(v) if v.is_empty() => QNode::And(Vec::new()),
            f => f.clone(),
        };
        self.with_filter(filter)
    }
}

impl Query {
    /// A copy of this query with `filter` as its condition (the old one is not copied:
    /// `filter()` builds the new condition at its final size, instead of copying the
    /// old list and growing it).
    pub fn with_filter(&self, filter: QNode) -> Query {
        Query {
            model: self.model,
            filter,
            order_by: self.order_by.clone(),
            reversed: self.reversed,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            select: match &self.select {
                Select::Model => Select::Model,
                other => cold_clone(other),
            },
            loading: match &self.loading {
                Loading::All => Loading::All,
                other => cold_clone(other),
            },
            annotations: clone_list(&self.annotations),
            for_update: clone_rare(&self.for_update),
            empty: self.empty,
            select_related: clone_list(&self.select_related),
            aliases: clone_list(&self.aliases),
            annotation_calls: clone_list(&self.annotation_calls),
            group_by: clone_rare(&self.group_by),
            combinator: clone_rare(&self.combinator),
            distinct_on: clone_list(&self.distinct_on),
        }
    }
}

impl PartialEq for Query {
    fn eq(&self, o: &Self) -> bool {
        std::ptr::eq(self.model, o.model)
            && self.filter == o.filter
            && self.order_by == o.order_by
            && self.reversed == o.reversed
            && self.limit == o.limit
            && self.offset == o.offset
            && self.distinct == o.distinct
            && self.select == o.select
            && self.loading == o.loading
            && self.annotations == o.annotations
            && self.for_update == o.for_update
            && self.empty == o.empty
            && self.select_related == o.select_related
            && self.aliases == o.aliases
            && self.annotation_calls == o.annotation_calls
            && self.group_by == o.group_by
            && self.combinator == o.combinator
            && self.distinct_on == o.distinct_on
    }
}

impl Query {
    /// A query of every row of a model.
    pub fn new(model: &'static ModelMeta) -> Query {
        Query {
            model,
            filter: QNode::default(),
            order_by: None,
            reversed: false,
            limit: None,
            offset: 0,
            distinct: false,
            select: Select::Model,
            loading: Loading::All,
            annotations: Vec::new(),
            for_update: None,
            empty: false,
            select_related: Vec::new(),
            aliases: Vec::new(),
            annotation_calls: Vec::new(),
            group_by: None,
            combinator: None,
            distinct_on: Vec::new(),
        }
    }

    /// The annotation named `name`, if any.
    pub fn annotation(&self, name: &str) -> Option<&Expr> {
        self.annotations.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    /// The number of top-level `filter()`/`exclude()` calls so far.
    pub fn filter_calls(&self) -> usize {
        match &self.filter {
            QNode::And(v) => v.len(),
            q if q.is_empty() => 0,
            _ => 1,
        }
    }

    /// Adds a named expression (Django's `annotate()`, or `alias()` when not `select`),
    /// grouping the query as Django does when the expression holds an aggregate.
    pub fn add_annotation(&mut self, name: String, e: Expr, select: bool) {
        let calls = self.filter_calls();
        let aggregate = {
            let anns = &self.annotations;
            e.contains_aggregate(&|n| anns.iter().find(|(a, _)| a == n).map(|(_, e)| e.clone()))
        };
        self.annotations.retain(|(n, _)| *n != name);
        self.annotation_calls.retain(|(n, _)| *n != name);
        self.aliases.retain(|n| *n != name);
        self.annotations.push((name.clone(), e));
        self.annotation_calls.push((name.clone(), calls));
        if !select {
            self.aliases.push(name.clone());
        }
        if let Select::Values(paths) = &mut self.select {
            if select && !paths.contains(&name) {
                paths.push(name);
            }
        }
        if aggregate {
            self.set_group_by();
        }
    }

    /// Groups by what is selected now (Django's `set_group_by` after an aggregate
    /// annotation): model rows by the model, `values()` rows by the values.
    fn set_group_by(&mut self) {
        let anns = self.annotations.clone();
        let is_agg = |name: &str| {
            anns.iter().any(|(n, e)| {
                n == name && e.contains_aggregate(&|x| anns.iter().find(|(a, _)| a == x).map(|(_, e)| e.clone()))
            })
        };
        match &self.select {
            Select::Model => self.group_by = Some(GroupBy::Model),
            Select::Values(paths) => {
                let keep: Vec<String> = paths.iter().filter(|p| !is_agg(p)).cloned().collect();
                self.group_by = Some(GroupBy::Values(keep));
            }
        }
    }

    /// Whether any annotation holds an aggregate.
    pub fn has_aggregate_annotation(&self) -> bool {
        let anns = &self.annotations;
        anns.iter().any(|(_, e)| e.contains_aggregate(&|x| anns.iter().find(|(a, _)| a == x).map(|(_, e)| e.clone())))
    }

    /// Whether a slice was taken.
    pub fn is_sliced(&self) -> bool {
        self.limit.is_some() || self.offset > 0
    }

    /// Applies Django's slice `[start:stop]` on top of the current one.
    pub fn slice(&mut self, start: u64, stop: Option<u64>) {
        let new_offset = self.offset + start;
        let new_limit = match (stop, self.limit) {
            (Some(stop), Some(l)) => Some(stop.min(l).saturating_sub(start)),
            (Some(stop), None) => Some(stop.saturating_sub(start)),
            (None, Some(l)) => Some(l.saturating_sub(start)),
            (None, None) => None,
        };
        self.offset = new_offset;
        self.limit = new_limit;
    }

    /// An explicit empty ordering (no `ORDER BY`, not even the model's default), shared:
    /// setting it allocates nothing.
    pub fn no_ordering() -> Arc<[OrderBy]> {
        static EMPTY: LazyLock<Arc<[OrderBy]>> = LazyLock::new(|| Arc::from([]));
        Arc::clone(&EMPTY)
    }

    /// Whether the query has an ordering (explicit or the model's default).
    pub fn is_ordered(&self) -> bool {
        match &self.order_by {
            Some(v) => !v.is_empty(),
            None => !self.model.ordering.is_empty(),
        }
    }

    /// The ordering in force, as [`Query::effective_ordering`], borrowed when it can be.
    pub fn ordering(&self) -> Cow<'_, [OrderBy]> {
        match &self.order_by {
            Some(v) if !self.reversed => Cow::Borrowed(v),
            _ => Cow::Owned(self.effective_ordering()),
        }
    }

    /// The ordering in force (explicit, else the model default), reversal applied.
    pub fn effective_ordering(&self) -> Vec<OrderBy> {
        let base: Vec<OrderBy> = match &self.order_by {
            Some(v) => v.to_vec(),
            None => self.model.ordering.iter().map(|s| OrderBy::parse(s)).collect(),
        };
        if self.reversed {
            base.iter().map(OrderBy::reversed).collect()
        } else {
            base
        }
    }
}
