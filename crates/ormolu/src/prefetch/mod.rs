//! `prefetch_related`: the related rows of many objects in one extra query per
//! relation level (Django's `prefetch_related_objects` and `Prefetch`).
//!
//! A lookup is a `__` path of relations (`"orders"`, `"orders__items__product"`,
//! `"authors"`): forward foreign keys, reverse foreign keys, many-to-many fields in
//! both directions (through the join table), one-to-one. For each level the keys of
//! the objects loaded so far are collected and one `SELECT … WHERE key IN (…)` is
//! sent (more when the keys exceed the backend's parameter limit, or
//! [`QuerySet::prefetch_batch_size`]); many-to-many rows come with the join table's
//! key to their owner (`_prefetch_related_val`), as Django sends them. Levels shared by
//! several lookups (`orders` in `orders` and `orders__items`) are fetched once.
//!
//! Where the loaded objects go, reachable in a typed way and without a query:
//!
//! | relation | field on the parent | read with |
//! |---|---|---|
//! | forward foreign key / one-to-one | `ForeignKey<T>` (`Option<…>`) | `entry.blog.get()` → `Option<&Blog>` |
//! | many-to-many (declared here) | `ManyToMany<T>` | `entry.authors.get()` → `Option<&[Author]>` |
//! | reverse foreign key / reverse many-to-many | `RelatedSet<T>` named like the relation, or `#[ormolu(reverse = "…")]` | `user.orders.get()` → `Option<&[Order]>` |
//! | `Prefetch(…).to_attr("big_orders")` | a `RelatedSet<T>` (or `ManyToMany<T>`, `ForeignKey<T>`) field of that name | `user.big_orders.get()` |
//! | none declared (a parent from another crate, an undeclared `to_attr`) | — | [`PrefetchCache::get`] from [`QuerySet::all_prefetched`]: `cache.get::<Order, _>(&user, "orders")` |
//!
//! [`QuerySet::all`] stores into fields only and refuses a lookup with nowhere to go
//! (naming the field to declare); [`QuerySet::all_prefetched`] (and
//! [`prefetch_related_objects`]) put those in a [`PrefetchCache`] returned with the
//! objects.
//!
//! ```ignore
//! let users = User::objects()
//!     .prefetch_related(["orders__items__product"])
//!     .prefetch_related([Prefetch::new("orders", Order::objects().filter(q!(total__gte = 100)).order_by(["-total"]))
//!         .to_attr("big_orders")])
//!     .all(&db).await?;                                  // 1 + 3 + 1 queries, whatever the number of users
//! for u in &users {
//!     for o in u.orders.get().unwrap() {
//!         for it in o.items.get().unwrap() { println!("{}", it.product.get().unwrap().name); }
//!     }
//! }
//! ```
//!
//! A prefetched relation is a snapshot: reading it again through its manager
//! (`user.orders.all()?`, `.filter(…)`) is a new query, as in Django.
//!
//! Where things are: this file ([`Prefetch`], [`prefetch_related_objects`]); `cache`
//! ([`PrefetchCache`]); `tree` (lookups merged into a tree of levels); `relation` (how
//! a level's relation is reached and where its rows go); `level` (one `IN` query per
//! level, then storing the rows); `decode` (rows with their `select_related()` objects).

mod cache;
mod decode;
mod key_index;
mod level;
mod relation;
mod tree;

pub use cache::PrefetchCache;

pub(crate) use decode::{attach_related, related_types};

use std::borrow::Cow;
use std::sync::Arc;

use ormolu_core::query::Query;
use ormolu_core::Result;

use crate::erased::AnyModel;
use crate::executor::Executor;
use crate::model::Model;
use crate::queryset::QuerySet;
use level::{process, Ctx};
use tree::build_tree;

/// One prefetch lookup (Django's `Prefetch(lookup, queryset=None, to_attr=None)`):
/// a `__` path of relations, optionally with the QuerySet that loads its last level
/// (filtered, ordered, with its own `select_related` / `prefetch_related`) and the
/// field it goes to.
///
/// A plain string is a lookup too: `prefetch_related(["orders", "orders__items"])`.
#[derive(Debug, Clone)]
pub struct Prefetch {
    path: Cow<'static, str>,
    query: Option<Arc<Query>>,
    /// The queryset's own `prefetch_related()` lookups.
    nested: Option<Arc<[Prefetch]>>,
    to_attr: Option<String>,
}

impl Prefetch {
    /// The relation path `path` (`"orders"`, `"orders__items"`), its last level loaded
    /// by `queryset` (which must be of the related model, checked when run):
    /// `Prefetch::new("orders", Order::objects().filter(q!(total__gte = 100)).order_by(["-total"]))`.
    pub fn new<T: Model>(path: impl Into<Cow<'static, str>>, queryset: QuerySet<T>) -> Self {
        let (query, nested) = queryset.into_prefetch_parts();
        Prefetch { path: path.into(), query: Some(query), nested, to_attr: None }
    }

    /// The relation path alone (what a string converts to).
    pub fn path(path: impl Into<Cow<'static, str>>) -> Self {
        Prefetch { path: path.into(), query: None, nested: None, to_attr: None }
    }

    /// Stores the result in the field named `name` instead of the relation's own
    /// (Django's `to_attr`): a `RelatedSet<T>` (or `ManyToMany<T>`, for a foreign key a
    /// `ForeignKey<T>`) field of the parent; without such a field the result is in the
    /// [`PrefetchCache`] of [`QuerySet::all_prefetched`] under that name. Later lookups
    /// continue through it (`"big_orders__items"`).
    pub fn to_attr(mut self, name: impl Into<String>) -> Self {
        self.to_attr = Some(name.into());
        self
    }

    /// The lookup's path.
    pub fn lookup(&self) -> &str {
        &self.path
    }
}

impl From<&str> for Prefetch {
    fn from(path: &str) -> Self {
        Prefetch::path(path.to_string())
    }
}

impl From<String> for Prefetch {
    fn from(path: String) -> Self {
        Prefetch::path(path)
    }
}

impl From<&String> for Prefetch {
    fn from(path: &String) -> Self {
        Prefetch::path(path.clone())
    }
}

/// Prefetches `lookups` for objects already loaded (Django's
/// `prefetch_related_objects`): one query per relation level, results stored in the
/// objects' relation fields, or in the returned cache when they have none.
pub async fn prefetch_related_objects<M: Model, P: Into<Prefetch>>(
    exec: &(impl Executor + ?Sized),
    objs: &mut [M],
    lookups: impl IntoIterator<Item = P>,
) -> Result<PrefetchCache> {
    let lookups: Vec<Prefetch> = lookups.into_iter().map(Into::into).collect();
    run(exec, objs, &lookups, None, false).await
}

/// Runs the lookups on loaded objects of `M`. `strict`: a level with no field to go to
/// is an error (plain `all()`), else it goes to the returned cache.
pub(crate) async fn run<M: Model>(
    exec: &(impl Executor + ?Sized),
    objs: &mut [M],
    lookups: &[Prefetch],
    batch: Option<usize>,
    strict: bool,
) -> Result<PrefetchCache> {
    let mut cache = PrefetchCache::default();
    if objs.is_empty() || lookups.is_empty() {
        return Ok(cache);
    }
    let tree = build_tree(M::meta(), lookups)?;
    let mut parents: Vec<&mut dyn AnyModel> = objs.iter_mut().map(|o| o as &mut dyn AnyModel).collect();
    let ctx = Ctx { exec, batch, strict };
    for node in &tree {
        process(&ctx, M::meta(), &mut parents, node, &mut cache).await?;
    }
    Ok(cache)
}
