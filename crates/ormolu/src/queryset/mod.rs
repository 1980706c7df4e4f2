//! [`QuerySet`]: an immutable, lazy, cheap-to-clone query on model `M`.
//!
//! Building methods (this file) return a new QuerySet and run nothing; the methods
//! that take an executor run SQL: reading in `read.rs`, `values()` in `values.rs`,
//! writes in `write.rs`, get_or_create/update_or_create in `upsert.rs`.

mod aggregate;
mod read;
mod related;
mod upsert;
mod values;
pub(crate) mod write;

pub use values::{Flat, FromRow, ValuesQuerySet, ValuesRow};
pub use write::BulkOptions;

use std::marker::PhantomData;
use std::num::NonZeroUsize;
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

use ormolu_core::compiler::{select_plan, select_plan_and, SelectPlan, Sql};
use ormolu_core::dialect::Dialect;
use ormolu_core::query::{Combinator, ForUpdate, Loading, OrderBy, QNode, Query, Rhs, SetOp};
use ormolu_core::{Error, Result, Value};

use crate::model::Model;
use crate::q::IntoQ;

/// A lazy query on `M`. Cloning is cheap (the query tree is shared until changed).
pub struct QuerySet<M> {
    query: Arc<Query>,
    /// `prefetch_related()` lookups, in order (not part of the SQL query).
    prefetch: Option<Arc<[crate::Prefetch]>>,
    /// `prefetch_batch_size()`.
    batch: Option<NonZeroUsize>,
    /// Whether `query` is the model's shared unfiltered query ([`QuerySet::new`]).
    shared: bool,
    _m: PhantomData<fn() -> M>,
}

impl<M> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            query: self.query.clone(),
            prefetch: self.prefetch.clone(),
            batch: self.batch,
            shared: self.shared,
            _m: PhantomData,
        }
    }
}

impl<M: Model> std::fmt::Debug for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<QuerySet {}: {}>", M::meta().name, self)
    }
}

/// The SQL this QuerySet would send to SQLite (Django's `str(qs.query)`).
impl<M: Model> std::fmt::Display for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.sql_for(&ormolu_core::dialect::Sqlite) {
            Ok(sql) => sql.fmt(f),
            Err(e) => write!(f, "<invalid query: {e}>"),
        }
    }
}

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> QuerySet<M> {
    /// Every row of `M` (what `M::objects()` returns). The unfiltered query of a model
    /// is made once per thread and shared (no allocation): the first change copies
    /// it, as any QuerySet call does.
    pub fn new() -> Self {
        QuerySet { query: all_of(M::meta()), prefetch: None, batch: None, shared: true, _m: PhantomData }
    }

    /// This QuerySet's lookups and options on another query.
    fn on(&self, query: Arc<Query>) -> Self {
        QuerySet { query, prefetch: self.prefetch.clone(), batch: self.batch, shared: false, _m: PhantomData }
    }

    fn with(&self, f: impl FnOnce(&mut Query)) -> Self {
        // `make_mut` on a shared `Arc` clones the query straight into the new
        // allocation (no copy of the whole `Query` through the stack).
        let mut query = self.query.clone();
        f(Arc::make_mut(&mut query));
        self.on(query)
    }

    /// A copy with `node` ANDed to its condition (`filter()`, `exclude()`): the query is
    /// copied without its old condition, which is copied once into the new one.
    fn with_condition(&self, node: QNode) -> Self {
        self.on(Arc::new(self.query.with_filter(self.query.filter.and_cloned(node))))
    }

    /// [`QuerySet::with`] on an owned QuerySet: the query is changed in place when no
    /// other QuerySet shares it (internal chains such as `get_pk` → `get` copy the
    /// query once, not at every step).
    pub(crate) fn map(mut self, f: impl FnOnce(&mut Query)) -> Self {
        f(Arc::make_mut(&mut self.query));
        self.shared = false;
        self
    }

    /// The query tree.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Rows matching the condition (ANDed with earlier filters).
    ///
    /// Across a multi-valued relation (reverse foreign key, many-to-many) the conditions
    /// of ONE call must hold for the same related row, while each further call may match
    /// a different one, as in Django: `filter(q!(a, b))` ≠ `filter(q!(a)).filter(q!(b))`.
    pub fn filter(&self, q: impl IntoQ<M>) -> Self {
        self.with_condition(q.into_q().into_node().call())
    }

    /// Rows NOT matching the condition (NULL-safe, as Django: `exclude(age__gt=30)` keeps NULL ages).
    /// Across a multi-valued relation it excludes the rows with ANY related row matching.
    pub fn exclude(&self, q: impl IntoQ<M>) -> Self {
        self.with_condition(q.into_q().into_node().negate().call())
    }

    /// Orders by these keys (`"-pub_date"`, `"pk"`, `"blog__name"`, or [`OrderBy`] values),
    /// replacing any earlier ordering. An empty list clears the ordering, default included.
    pub fn order_by<O: Into<OrderBy>>(&self, keys: impl IntoIterator<Item = O>) -> Self {
        let keys: Arc<[OrderBy]> = keys.into_iter().map(Into::into).collect();
        self.with(|q| {
            q.order_by = Some(keys);
            q.reversed = false;
        })
    }

    /// Random order (`ORDER BY RANDOM()`).
    pub fn order_by_random(&self) -> Self {
        self.order_by(["?"])
    }

    /// The current ordering reversed.
    pub fn reverse(&self) -> Self {
        self.with(|q| q.reversed = !q.reversed)
    }

    /// `SELECT DISTINCT`.
    pub fn distinct(&self) -> Self {
        self.with(|q| q.distinct = true)
    }

    /// At most `n` rows (Django's `[:n]`).
    pub fn limit(&self, n: u64) -> Self {
        self.with(|q| q.slice(0, Some(n)))
    }

    /// Skips `n` rows (Django's `[n:]`).
    pub fn offset(&self, n: u64) -> Self {
        self.with(|q| q.slice(n, None))
    }

    /// Django's `qs[a:b]`: `slice(5..10)`, `slice(..10)`, `slice(5..)`.
    pub fn slice(&self, range: impl RangeBounds<u64>) -> Self {
        let start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s + 1,
            Bound::Unbounded => 0,
        };
        let stop = match range.end_bound() {
            Bound::Included(&e) => Some(e + 1),
            Bound::Excluded(&e) => Some(e),
            Bound::Unbounded => None,
        };
        self.with(|q| q.slice(start, stop))
    }

    /// Loads only these fields (and the primary key); the rest take default values.
    pub fn only<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> Self {
        let names = fields.into_iter().map(|s| s.as_ref().to_string()).collect();
        self.with(|q| q.loading = Loading::Only(names))
    }

    /// Loads every field but these (added to earlier deferrals).
    pub fn defer<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> Self {
        let mut names: Vec<String> = fields.into_iter().map(|s| s.as_ref().to_string()).collect();
        self.with(|q| {
            if let Loading::Defer(old) = &q.loading {
                names.splice(0..0, old.iter().cloned());
            }
            q.loading = Loading::Defer(names);
        })
    }

    /// Clears only()/defer(): every field is loaded (Django's `defer(None)`).
    pub fn undefer(&self) -> Self {
        self.with(|q| q.loading = Loading::All)
    }

    /// Adds a named expression to each row (Django's `annotate()`): selected, usable in
    /// `filter(Q::annotation(…))`, `order_by()`, `values()` and other expressions; read
    /// it with [`QuerySet::all_annotated`] or `values()`. An aggregate groups the rows,
    /// as Django does: `annotate("n", Count::new("orders"))` counts each user's orders
    /// (GROUP BY the user's columns); after `values([…])` it groups by those values.
    /// A string is a field path: `annotate("blog_name", "blog__name")`.
    pub fn annotate(&self, name: &str, expr: impl crate::expr::IntoExpr) -> Self {
        let e = expr.into_expr();
        self.with(|q| q.add_annotation(name.to_string(), e, true))
    }

    /// Defines a named expression for filtering and ordering only, not selected
    /// (Django's `alias()`).
    pub fn alias(&self, name: &str, expr: impl crate::expr::IntoExpr) -> Self {
        let e = expr.into_expr();
        self.with(|q| q.add_annotation(name.to_string(), e, false))
    }

    /// `SELECT DISTINCT ON (fields)` (PostgreSQL only: NotSupported elsewhere). As
    /// PostgreSQL requires, `order_by()` must start with the same fields.
    pub fn distinct_on<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> Self {
        let names: Vec<String> = fields.into_iter().map(|s| s.as_ref().to_string()).collect();
        self.with(|q| q.distinct_on = names)
    }

    fn combine(&self, other: &Query, op: SetOp, all: bool) -> Self {
        self.with(|q| {
            let first = q.clone();
            let mut members = match &first.combinator {
                Some(c) if c.op == op && c.all == all && first.order_by.is_none() && !first.is_sliced() => {
                    c.queries.clone()
                }
                _ => vec![first],
            };
            members.push(other.clone());
            q.combinator = Some(Box::new(Combinator { op, all, queries: members }));
            q.filter = Default::default();
            q.order_by = None;
            q.reversed = false;
            q.limit = None;
            q.offset = 0;
        })
    }

    /// `self UNION other` (`all`: `UNION ALL`, duplicates kept). Order and slice the
    /// result with `order_by()` (by field or `values()` names) and `limit()`.
    pub fn union(&self, other: &QuerySet<M>, all: bool) -> Self {
        self.combine(&other.query, SetOp::Union, all)
    }

    /// `self INTERSECT other`.
    pub fn intersection(&self, other: &QuerySet<M>) -> Self {
        self.combine(&other.query, SetOp::Intersection, false)
    }

    /// `self EXCEPT other` (Django's `difference`).
    pub fn difference(&self, other: &QuerySet<M>) -> Self {
        self.combine(&other.query, SetOp::Difference, false)
    }

    /// A QuerySet that matches nothing and sends no SQL.
    pub fn none(&self) -> Self {
        self.with(|q| q.empty = true)
    }

    /// `SELECT … FOR UPDATE` (locks rows until the transaction ends). Ignored on SQLite,
    /// which locks the whole database for writes; outside a transaction it is an error
    /// on PostgreSQL and MySQL, as in Django.
    pub fn select_for_update(&self) -> Self {
        self.select_for_update_with(ForUpdate::default())
    }

    /// `FOR UPDATE` with options (`nowait`, `skip_locked`, `of`).
    pub fn select_for_update_with(&self, opts: ForUpdate) -> Self {
        self.with(|q| q.for_update = Some(opts))
    }

    /// The SELECT this QuerySet sends on a dialect.
    pub fn sql_for(&self, d: &'static dyn Dialect) -> Result<Sql> {
        Ok(self.plan(d)?.sql)
    }

    /// The SELECT this QuerySet would send through `exec` (SQL text and parameters).
    pub fn sql(&self, exec: &(impl crate::Executor + ?Sized)) -> Result<Sql> {
        self.sql_for(exec.dialect())
    }

    pub(crate) fn plan(&self, d: &'static dyn Dialect) -> Result<SelectPlan> {
        select_plan(d, &self.query)
    }

    pub(crate) fn check_for_update(&self, exec: &(impl crate::Executor + ?Sized)) -> Result<()> {
        if self.query.for_update.is_some() && exec.dialect().features().has_select_for_update && !exec.in_transaction()
        {
            return Err(Error::TransactionManagement(
                "select_for_update cannot be used outside of a transaction.".into(),
            ));
        }
        Ok(())
    }
}

impl<M: Model> crate::expr::IntoQuery for QuerySet<M> {
    fn into_query(self) -> Query {
        (*self.query).clone()
    }
}

impl<M: Model> crate::expr::IntoQuery for &QuerySet<M> {
    fn into_query(self) -> Query {
        (*self.query).clone()
    }
}

/// The shared unfiltered query of `meta` (see [`QuerySet::new`]).
fn all_of(meta: &'static ormolu_core::meta::ModelMeta) -> Arc<Query> {
    with_shared(meta, |s| Arc::clone(&s.all))
}

/// When `q` is [`QuerySet::new`]'s shared query, the statement of `get_pk(pk)` on it
/// (`Ok(plan)`); otherwise `pk` is given back (`Err`).
///
/// The statement is the one `filter(pk).get()` sends: `pk` ANDed to the model's
/// shared get() query (rows unordered, at most 21 of them) when it is compiled, or
/// its cached shape replayed (`select_plan_and`, no query copied). An integer or
/// text key's statement is also kept with the model's shared queries, for each
/// dialect, once it is known to take the key as its one parameter unchanged: the
/// next `get_pk()` only puts its key in (no shape to write out and look up).
pub(crate) fn get_pk_plan(
    q: &Arc<Query>,
    d: &'static dyn Dialect,
    pk: Value,
) -> Result<std::result::Result<SelectPlan, Value>> {
    with_shared(q.model, |s| {
        if !Arc::ptr_eq(q, &s.all) {
            return Ok(Err(pk));
        }
        let kind = std::mem::discriminant(&pk);
        let keepable = matches!(pk, Value::I64(_) | Value::Text(_));
        if keepable {
            if let Some((_, _, kept)) = s.get_plans.iter().find(|(n, k, _)| *n == d.name() && *k == kind) {
                return Ok(Ok(SelectPlan {
                    sql: Sql { sql: kept.sql.sql.clone(), params: vec![pk] },
                    fields: kept.fields.clone(),
                    names: kept.names.clone(),
                    related: Vec::new(),
                    types: kept.types.clone(),
                }));
            }
        }
        let cond = QNode::lookup_static("pk", Rhs::Value(pk));
        let plan = select_plan_and(d, &s.get_base, &cond)?;
        // Kept only when the statement's one parameter is the key as given.
        let as_given = match (&cond, &plan.sql.params[..]) {
            (QNode::Leaf(l), [p]) => matches!(&l.rhs, Rhs::Value(v) if v == p),
            _ => false,
        };
        if keepable && as_given && plan.related.is_empty() && s.get_plans.len() < 8 {
            s.get_plans.push((d.name(), kind, plan.clone()));
        }
        Ok(Ok(plan))
    })
}

/// The queries made once per model and thread, and the `get_pk()` statements kept
/// (by dialect and key type).
struct Shared {
    all: Arc<Query>,
    get_base: Arc<Query>,
    get_plans: Vec<(&'static str, std::mem::Discriminant<Value>, SelectPlan)>,
}

impl Shared {
    fn new(meta: &'static ormolu_core::meta::ModelMeta) -> Self {
        let all = Query::new(meta);
        let mut get_base = all.clone();
        get_base.order_by = Some(Query::no_ordering());
        get_base.slice(0, Some(read::MAX_GET_RESULTS));
        Shared { all: Arc::new(all), get_base: Arc::new(get_base), get_plans: Vec::new() }
    }
}

/// `f` on the shared queries of `meta` (by the address of the model's metadata).
fn with_shared<T>(meta: &'static ormolu_core::meta::ModelMeta, f: impl FnOnce(&mut Shared) -> T) -> T {
    type ByModel = std::collections::HashMap<usize, Shared, ormolu_core::hash::TextBuildHasher>;
    thread_local! {
        static SHARED: std::cell::RefCell<ByModel> = std::cell::RefCell::new(ByModel::default());
    }
    let addr = std::ptr::from_ref(meta) as usize;
    let mut f = Some(f);
    let found = SHARED.try_with(|all| {
        let mut all = all.borrow_mut();
        let s = all.entry(addr).or_insert_with(|| Shared::new(meta));
        (f.take().expect("called once"))(s)
    });
    // While the thread's storage is being torn down: queries of its own.
    found.unwrap_or_else(|_| (f.take().expect("not called"))(&mut Shared::new(meta)))
}
