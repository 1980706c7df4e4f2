//! The SQL compiler: [`Query`] → [`Sql`] for one [`Dialect`], with no I/O.
//!
//! - [`sql`]: the finished statement and the parameter collector.
//! - [`resolve`]: `__` paths → columns, adding JOINs.
//! - `lookups`: the WHERE clause (lookups, transforms, Q trees), join promotion and
//!   Django's multi-valued rule (`exclude()` over a reverse or many-to-many relation
//!   becomes `pk IN (subquery)`).
//! - `exprs`: expressions (functions, aggregates, windows, casts, truncation) and ORDER BY.
//! - `array`: PostgreSQL array fields (Django's `ArrayField`: `contains`, `overlap`,
//!   `len`, index and slice transforms).
//! - `json`: JSON key paths and lookups (Django's `KeyTransform`, `has_key`, `contains`…).
//! - `subquery`: `Subquery`, `Exists`, `OuterRef`, `field__in = qs`.
//! - `group`: GROUP BY as Django's `get_group_by`, HAVING, `aggregate()`.
//! - `cache`: compiled SELECTs and UPDATEs by statement shape ([`select_plan`],
//!   [`select_plan_and`], [`update_sql`]); `cache/shape.rs` writes the shape keys.
//! - `statements/`: whole statements — `select` (also DISTINCT ON and FOR UPDATE),
//!   `combined` (UNION/INTERSECT/EXCEPT), `related` (`only()`/`defer()` and
//!   `select_related()` columns), `count` (COUNT, EXISTS), `writes` (INSERT, UPDATE,
//!   DELETE, bulk UPDATE).

pub mod resolve;
pub mod sql;

mod array;
mod cache;
mod exprs;
mod group;
mod insert_cache;
mod json;
mod lookup_ops;
mod lookups;
mod path;
mod statements;
mod subquery;

pub use cache::{
    cached_shapes, select_plan, select_plan_and, update_sql, MAX_ENTRIES as SHAPE_CACHE_ENTRIES, MAX_LIST_LEN,
};
pub use insert_cache::{insert_rows_shared, SharedInsert};
pub use path::split_path;
pub use sql::{Params, Sql};
pub use statements::{
    bulk_update_sql, insert_rows_sql, insert_rows_text, insert_sql, insert_unnest_text, pk_ordering, Assignment,
    RelatedSelect, SelectPlan,
};

use std::collections::{HashMap, HashSet};

use crate::dialect::Dialect;
use crate::meta::FieldType;
use crate::query::{Expr, Query};

/// A compiled annotation: its SQL (parameters already collected) and type.
#[derive(Debug, Clone)]
pub(crate) struct CompiledAnnotation {
    pub sql: String,
    pub ty: Option<FieldType>,
}

/// An enclosing query while a subquery is compiled: its tables, its filter call's
/// reusable joins, its annotations, and whether an `F()` on a lookup's right-hand side
/// means its row (true for Django's `split_exclude`; a `Subquery` needs `OuterRef`).
pub(crate) struct Scope {
    pub from: resolve::From,
    pub reuse: Option<HashSet<String>>,
    pub annotations: Vec<(String, Expr)>,
    pub compiled: HashMap<String, CompiledAnnotation>,
    pub rhs_outer: bool,
}

/// Compiles one query for one dialect. Cheap to make; use once.
pub struct Compiler<'q> {
    d: &'static dyn Dialect,
    q: &'q Query,
    from: resolve::From,
    params: Params,
    /// While compiling a `filter()` call: the aliases its conditions may share
    /// (multi-valued joins are reused only from here). `None` outside filters.
    reuse: Option<HashSet<String>>,
    /// While compiling a subquery: the enclosing queries, innermost last.
    outer: Vec<Scope>,
    /// The tables read by subqueries of the WHERE (for MySQL's UPDATE/DELETE rule).
    subquery_tables: Vec<&'static str>,
    /// Annotations compiled so far (each once, where Django resolves it).
    compiled: HashMap<String, CompiledAnnotation>,
    /// While compiling in an enclosing query's scope: its annotations.
    scope_annotations: Option<Vec<(String, Expr)>>,
    /// While compiling the function of a window: an aggregate may aggregate an
    /// aggregate there (`SUM(SUM(total)) OVER (…)`, a running total over groups).
    in_window: bool,
}

impl<'q> Compiler<'q> {
    /// A compiler for `q` in dialect `d`.
    pub fn new(d: &'static dyn Dialect, q: &'q Query) -> Self {
        Compiler {
            d,
            q,
            from: resolve::From::new(q.model),
            params: Params::default(),
            reuse: None,
            outer: Vec::new(),
            subquery_tables: Vec::new(),
            compiled: HashMap::new(),
            scope_annotations: None,
            in_window: false,
        }
    }

    /// The expression of the annotation `name` in the current scope.
    pub(crate) fn annotation_expr(&self, name: &str) -> Option<Expr> {
        match &self.scope_annotations {
            Some(anns) => anns.iter().find(|(n, _)| n == name).map(|(_, e)| e.clone()),
            None => self.q.annotation(name).cloned(),
        }
    }

    /// Whether `name` is an annotation of the current scope.
    pub(crate) fn is_annotation(&self, name: &str) -> bool {
        match &self.scope_annotations {
            Some(anns) => anns.iter().any(|(n, _)| n == name),
            None => self.q.annotation(name).is_some(),
        }
    }

    /// The annotations of the current scope.
    pub(crate) fn scope_annotation_list(&self) -> Vec<(String, Expr)> {
        match &self.scope_annotations {
            Some(anns) => anns.clone(),
            None => self.q.annotations.clone(),
        }
    }
}
