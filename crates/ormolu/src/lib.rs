//! # ormolu — Django's ORM, made native to async Rust
//!
//! Models, immutable lazy QuerySets, `__` lookups, Q and F, writes, transactions,
//! on SQLite (embedded, the default), PostgreSQL and MySQL/MariaDB.
//!
//! ```ignore
//! use ormolu::prelude::*;
//!
//! let db = Db::connect("sqlite::memory:").await?;
//! let admins = User::objects().filter(q!(username__startswith = "adm")).all(&db).await?;
//! ```
//!
//! Where things are:
//! - [`Db`] (`db.rs`): connecting by URL, the pool, [`Db::atomic`] transactions (`transaction.rs`).
//! - [`Executor`] (`executor.rs`): what every database call takes — a `Db`, a [`Transaction`]
//!   or a held connection ([`DbConn`], `connection.rs`).
//! - [`Model`] (`model.rs`), [`FieldValue`] and [`Auto`] (`field.rs`): models and fields; the
//!   derive is in the `ormolu-macros` crate. Array fields (`Vec<T>` of an
//!   [`ArrayElement`], PostgreSQL only) in `field_array.rs`.
//! - [`QuerySet`] (`queryset/`): reading, counting, slicing, values, writes.
//! - Relations (`relations/`): [`ForeignKey`] and [`OneToOne`] (`foreign_key.rs`),
//!   [`ManyToMany`] (`many_to_many.rs`), [`RelatedSet`] (`related_set.rs`), what the
//!   last two share — loaded objects, binding, manager methods (`bound.rs`).
//! - Related managers ([`managers`]): [`RelatedManager`] (`related_manager.rs`), the
//!   shared core (`manager_core.rs`), writes (`writes.rs`, `reverse_fk.rs`,
//!   `many_to_many.rs`), keys and links (`keys.rs`, `link.rs`).
//! - Eager loading: `select_related` / `prefetch_related` on the QuerySet
//!   (`queryset/related.rs`), the prefetcher ([`prefetch`]: lookup tree, relations,
//!   one query per level, the cache), models with their type erased ([`erased`]). See
//!   "Relations" below.
//! - Deleting with `on_delete` (cascade, protect, restrict, set null…): [`deletion`]
//!   (the incoming keys, the collector, running the statements).
//! - Test helpers ([`testing`]): counting the queries a block sends.
//! - [`Q`], [`F`], [`IntoQ`] (`q.rs`): conditions; typed paths and the `q!` macro (`typed/`).
//! - Expressions ([`expr`], a file per Django module: `aggregates`, `comparison`, `text`,
//!   `math`, `dates`, `case`, `windows`, `subquery`, `lookups`, `search`): aggregates,
//!   functions, Case/When, windows, Subquery/Exists/OuterRef;
//!   `annotate` / `alias` / `aggregate` / `all_annotated` / set operations / `dates()`
//!   on the QuerySet (`queryset/aggregate.rs`). See "Expressions and reports" below.
//! - The SQL compiler, dialects and schema editor live in `ormolu-core`, re-exported as [`core`].
//! - Backends: `ormolu-sqlite`, `ormolu-postgres`, `ormolu-mysql` (features `sqlite`, `postgres`, `mysql`).
//!
//! # Relations
//!
//! A relation is a field, and every database hit is an `.await` with an executor:
//! reading a relation field never queries.
//!
//! | field | holds | loaded by | manager on the field |
//! |---|---|---|---|
//! | `ForeignKey<T>`, `Option<ForeignKey<T>>`, `OneToOne<T>` | the key (`.id()`), the object when loaded (`.get()`) | `select_related`, `prefetch_related`; `.fetch(&db)` is one explicit query | — |
//! | `ManyToMany<T>` | the related objects when loaded (`.get()` → `Option<&[T]>`) | `prefetch_related` | `all`, `filter`, `count`, `exists`, `add`, `remove`, `clear`, `set`, `create` (+ `_with` for `through_defaults`) |
//! | `RelatedSet<T>` (not a column): the reverse side of a foreign key or many-to-many field of `T` | the same | `prefetch_related`, `Prefetch(…).to_attr(field)` | the same (Django's `blog.entry_set`) |
//!
//! ```ignore
//! #[derive(Model, Debug, Clone, Default)]
//! pub struct User {
//!     pub id: Auto<i64>,
//!     pub orders: RelatedSet<Order>,              // Order.user has related_name = "orders"
//!     #[ormolu(reverse = "orders")]
//!     pub big_orders: RelatedSet<Order>,          // where Prefetch(…).to_attr("big_orders") goes
//! }
//!
//! let items = Item::objects().select_related(["order__user"]).all(&db).await?;     // 1 query
//! let name = &items[0].order.get().unwrap().user.get().unwrap().username;           // no query
//! let users = User::objects().prefetch_related(["orders__items__product"]).all(&db).await?; // 4 queries
//! let orders: &[Order] = users[0].orders.get().unwrap();                            // no query
//! entry.authors.add(&db, &[&joe, &ann]).await?;       // one transaction: the missing links, one INSERT
//! ```
//!
//! How it fits together:
//!
//! - `select_related(paths)` puts the paths in the query; the compiler joins each
//!   forward key (INNER when required, LEFT OUTER when nullable or under a LEFT OUTER
//!   join), selects the related columns after the model's (honouring
//!   `only("blog__name")` / `defer`), and describes them in `SelectPlan::related`. Each
//!   row is decoded into the model, then each related model is decoded and stored —
//!   deepest first — through [`Model::relation_slot`], the derive-written, object-safe
//!   hook that returns a relation field by name as a [`erased::RelationSlot`].
//! - `prefetch_related(lookups)` (and [`Prefetch`]) run after the main query
//!   ([`prefetch`]): a tree of levels, each one `IN` query over the keys of the level
//!   above (batched by the backend's parameter limit, or
//!   [`QuerySet::prefetch_batch_size`]); rows of a model known only by its metadata are
//!   built through the registry of derived types ([`erased::ModelType`]). Rows go to the
//!   relation's field, or the `RelatedSet` declaring it (`#[ormolu(reverse = "…")]`), or
//!   the `to_attr` field. A parent that declares no field for them (a model of another
//!   crate) keeps them in a [`PrefetchCache`] returned by [`QuerySet::all_prefetched`]:
//!   `cache.get::<Order, _>(&user, "orders")`; plain `all()` refuses such a lookup,
//!   naming the field to declare.
//! - Managers: [`Model::bind_relations`] (called by the derived `from_values` and by
//!   `set_field_value` of the primary key, so on every load, insert and save) binds
//!   `ManyToMany` and `RelatedSet` fields to the owner's model and key; their methods
//!   build the related manager from that binding. An instance never saved has no key:
//!   its manager is Django's error ("needs to have a value for field 'id' before this
//!   many-to-many relationship can be used"). [`Instance::related`] is the same manager
//!   by name, for any relation (also the reverse side of one declared in another crate).

//!
//! # Expressions and reports
//!
//! Django's `annotate()`, `aggregate()` and expressions, with the same GROUP BY rules:
//!
//! | Django | ormolu |
//! |---|---|
//! | `aggregate(total=Count("id"), avg=Avg("rating"))` | `.aggregate(&db, [("total", Count::new("id")), ("avg", Avg::new("rating"))])` → [`Row`] (`.get_as::<i64>("total")`), or `.aggregate_as::<(i64, f64)>(…)` |
//! | `annotate(n=Count("orders"))` | `.annotate("n", Count::new("orders"))`; read with `.all_annotated::<(i64,)>(&db)` → `Vec<(User, (i64,))>` or `values(["username", "n"])` |
//! | `Count("orders", distinct=True, filter=Q(…))`, `Sum(…, default=0)` | `Count::new("orders").distinct().filter::<User>(q!(…))`, `Sum::new(…).default(0)` |
//! | `filter(n__gt=5)` on an aggregate (HAVING) | `.filter(Q::annotation("n__gt", 5))` |
//! | `values("blog").annotate(n=Count("id"))` (GROUP BY the values) | `.values(["blog"]).annotate("n", Count::new("id"))` |
//! | `alias(n=…)` | `.alias("n", …)` |
//! | `F("x").desc(nulls_last=True)` | `F("x").desc().nulls_last()` (any expression) |
//! | `Case(When(rating__gte=8, then=Value("high")), default=Value("low"))` | `Case::new([When::lookup("rating__gte", 8, Value("high"))]).default(Value("low"))` |
//! | `Coalesce`, `Lower`, `Substr`, `ExtractYear`, `TruncMonth`, `Cast`, … | the same names: `Coalesce::new([F("a"), Value(0)])`, `TruncMonth::new("created_at")` |
//! | `2 * F("x") + 1` | `2 * F("x") + 1` |
//! | `Subquery(qs.filter(user=OuterRef("pk")).values("total")[:1])` | `Subquery::new(qs.filter(q!(user = OuterRef("pk"))).values(["total"]).limit(1))` |
//! | `filter(Exists(qs))`, `filter(~Exists(qs))` | `.filter(Exists::new(qs))`, `.filter(!Exists::new(qs))` |
//! | `filter(blog__in=qs)` | `.filter(Q::lookup("blog__in", qs)?)` |
//! | `Window(RowNumber(), partition_by=…, order_by=…)` | `Window::new(RowNumber::new()).partition_by(["user"]).order_by(["created_at"])` |
//! | `qs1.union(qs2, all=True)`, `intersection`, `difference` | `qs1.union(&qs2, true)`, `.intersection(&qs2)`, `.difference(&qs2)` |
//! | `dates("pub_date", "month")`, `datetimes(…)` | `.dates("pub_date", "month", "ASC")?`, `.datetimes(…)?` |
//! | `filter(metadata__rating__gte=4)`, `values("metadata__source__lang")` | `Q::lookup("metadata__rating__gte", 4)?`, `.values(["metadata__source__lang"])` |
//! | `distinct("user")` (PostgreSQL) | `.distinct_on(["user"])` |
//!
//! A string argument of an expression constructor is a field path (or an annotation
//! name), as in Django; values are numbers, `Value(…)`, or any `Expr`. Each backend
//! spells functions its own way (the dialects; differences in `docs/backends.md`).
//! The cells of an expression are converted to its type (Django's converters), so an
//! average is an `f64` and a `Sum` of decimals a `Decimal` on every backend.

pub use ormolu_core as core;

mod connection;
mod db;
pub mod deletion;
pub mod erased;
mod executor;
pub mod expr;
mod field;
mod field_array;
mod instance;
pub mod managers;
mod model;
pub mod prefetch;
mod q;
pub mod queryset;
mod relations;
mod rows_hint;
pub mod schema;
pub mod testing;
mod transaction;
pub mod typed;

pub use connection::DbConn;
pub use db::Db;
pub use deletion::DeleteResult;
pub use executor::Executor;
pub use expr::ExpressionWrapper;
pub use field::{Auto, FieldValue};
#[doc(hidden)]
pub use field_array::char_elements;
pub use field_array::ArrayElement;
pub use instance::Instance;
pub use managers::{ForeignKeyField, RelatedKey, RelatedManager};
pub use model::Model;
pub use ormolu_core::dialect::DatePart;
pub use ormolu_core::driver::Row;
pub use ormolu_core::error::{BlockingObjects, DeleteRefused, FieldError, IntegrityKind, ValidationError};
pub use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
pub use ormolu_core::query::{Expr, OrderBy};
pub use ormolu_core::{Error, FromValue, Result, ToValue, Value};
pub use ormolu_macros::{q, Choices, Model};
pub use prefetch::{prefetch_related_objects, Prefetch, PrefetchCache};
pub use q::{Assignments, IntoAssignments, IntoQ, IntoRhs, F, Q};
pub use queryset::QuerySet;
pub use relations::{ForeignKey, ManyToMany, OneToOne, RelatedSet};
pub use transaction::Transaction;

/// Everything a user needs in scope: `use ormolu::prelude::*;`.
pub mod prelude {
    pub use crate::expr::{
        Abs, Agg, Avg, Case, Cast, Ceil, Coalesce, Concat, Count, CumeDist, DenseRank, Exists, ExprExt, Extract,
        ExtractDay, ExtractHour, ExtractIsoWeekDay, ExtractIsoYear, ExtractMinute, ExtractMonth, ExtractQuarter,
        ExtractSecond, ExtractWeek, ExtractWeekDay, ExtractYear, FirstValue, Floor, Frame, Greatest, IntoExpr, LTrim,
        Lag, LastValue, Lead, Least, Left, Length, Lower, Max, Min, Mod, Now, NthValue, Ntile, NullIf, OuterRef,
        PercentRank, Power, RTrim, Rank, Repeat, Replace, Reverse, Right, Round, RowNumber, SearchQuery, SearchRank,
        SearchVector, Sign, Sqrt, StdDev, StrIndex, Subquery, Substr, Sum, Trim, Trunc, TruncDate, TruncDay, TruncHour,
        TruncKind, TruncMinute, TruncMonth, TruncQuarter, TruncSecond, TruncWeek, TruncYear, Upper, Value, Variance,
        When, Window,
    };
    pub use crate::typed::{Col, Param};
    pub use crate::{Assignments, DatePart, ExpressionWrapper, FieldType, Row};
    pub use crate::{
        Auto, Choices, Db, DeleteResult, Executor, Expr, FieldValue, ForeignKey, Instance, IntoQ, ManyToMany, Model,
        OneToOne, OrderBy, Prefetch, QuerySet, RelatedManager, RelatedSet, F, Q,
    };
    pub use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
    pub use ormolu_macros::q;
    pub use rust_decimal::Decimal;
}

#[doc(hidden)]
pub mod __private {
    pub use crate::erased::ModelType;
    pub use crate::managers::{BindKey, BindSite};
    pub use crate::relations::Bindable;
    pub use ormolu_core;
    pub use ormolu_core::registry::inventory;
    pub use std::sync::OnceLock;
}
