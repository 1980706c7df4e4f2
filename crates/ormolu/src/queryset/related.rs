//! Eager loading on a QuerySet: `select_related()` (JOINs in the same query) and
//! `prefetch_related()` (one more query per relation level).

use std::num::NonZeroUsize;
use std::sync::Arc;

use ormolu_core::Result;

use super::QuerySet;
use crate::executor::Executor;
use crate::managers::ForeignKeyField;
use crate::model::Model;
use crate::prefetch::{Prefetch, PrefetchCache};
use crate::typed::{Col, Related};

impl<M: Model> QuerySet<M> {
    /// Loads the rows of these forward foreign keys (and one-to-one fields) in the same
    /// query, through JOINs (Django's `select_related("user", "order__user")`): INNER for
    /// a required key, LEFT OUTER for a nullable one and anything under it. Each related
    /// object is stored in its `ForeignKey` field, so `order.user.get()` is
    /// `Some(&User)` with no query; a NULL key gives no object. Nested paths load every
    /// level (`order__user` loads `order` and its `user`). Calls add up.
    ///
    /// `only()` / `defer()` reach the related fields by path (`only(["headline",
    /// "blog__name"])`); a followed key cannot be deferred. A path that is not a
    /// forward relation is an error naming the choices (use `prefetch_related()` for
    /// reverse and many-to-many relations).
    pub fn select_related<S: AsRef<str>>(&self, paths: impl IntoIterator<Item = S>) -> Self {
        let paths: Vec<String> = paths.into_iter().map(|p| p.as_ref().to_string()).collect();
        self.with(|q| {
            for p in paths {
                if !q.select_related.contains(&p) {
                    q.select_related.push(p);
                }
            }
        })
    }

    /// [`select_related`](Self::select_related) from a typed path, checked by the
    /// compiler: `Item::objects().select_related_by(Item::order().then(Order::user()))`
    /// (the path must end at a foreign key or one-to-one field of a model on the way).
    pub fn select_related_by<T: ForeignKeyField, K>(&self, path: Col<M, T, K>) -> Self {
        self.select_related([path.path()])
    }

    /// Loads the related rows of these relation paths after the main query, one query
    /// per relation level with `IN` batches (Django's `prefetch_related`): forward and
    /// reverse foreign keys, many-to-many fields in both directions, nested paths
    /// (`"orders__items__product"`), and [`Prefetch`] for a filtered or ordered level,
    /// or one stored elsewhere (`to_attr`). The rows are stored in the objects'
    /// relation fields (`ManyToMany`, `RelatedSet`, `ForeignKey`): see
    /// [`crate::prefetch`] for where each goes. Calls add up.
    ///
    /// ```ignore
    /// let users = User::objects().prefetch_related(["orders__items"]).all(&db).await?;
    /// let big = Prefetch::new("orders", Order::objects().filter(q!(total__gte = 100))).to_attr("big_orders");
    /// let users = User::objects().prefetch_related([big]).all(&db).await?;
    /// ```
    pub fn prefetch_related<P: Into<Prefetch>>(&self, lookups: impl IntoIterator<Item = P>) -> Self {
        let mut qs = self.clone();
        // One list for the earlier lookups and these (sized up front for an array).
        let all: Arc<[Prefetch]> =
            self.prefetch_lookups().iter().cloned().chain(lookups.into_iter().map(Into::into)).collect();
        qs.prefetch = Some(all);
        qs
    }

    /// [`prefetch_related`](Self::prefetch_related) from a typed path, checked by the
    /// compiler: `Blog::objects().prefetch_related_by(Entry::blog().reverse())`,
    /// `Entry::objects().prefetch_related_by(Entry::authors())`.
    pub fn prefetch_related_by<T: Related, K>(&self, path: Col<M, T, K>) -> Self {
        self.prefetch_related([path.path()])
    }

    /// At most `n` keys per prefetch query (the backend's parameter limit always
    /// applies): more parents than that take several `IN` queries per level.
    pub fn prefetch_batch_size(&self, n: usize) -> Self {
        let mut qs = self.clone();
        qs.batch = NonZeroUsize::new(n.max(1));
        qs
    }

    /// The query and the `prefetch_related()` lookups, taken without copying what no
    /// other QuerySet shares (for [`Prefetch::new`]).
    ///
    /// The unfiltered query `M::objects()` shares is copied: a `Prefetch` is told
    /// apart from another by its query's identity (the same lookup given two
    /// querysets is an error, as in Django), and two `M::objects()` are two querysets.
    pub(crate) fn into_prefetch_parts(self) -> (Arc<ormolu_core::query::Query>, Option<Arc<[Prefetch]>>) {
        let query = if self.shared { Arc::new((*self.query).clone()) } else { self.query };
        (query, self.prefetch)
    }

    /// The `prefetch_related()` lookups, in order.
    pub fn prefetch_lookups(&self) -> &[Prefetch] {
        self.prefetch.as_deref().unwrap_or_default()
    }

    /// Every matching row, with the prefetched rows that have no field to go to on
    /// their parent (a parent from another crate, which cannot declare a `RelatedSet`;
    /// a `to_attr` naming no field) in the returned [`PrefetchCache`]:
    ///
    /// ```ignore
    /// let (users, cache) = User::objects().prefetch_related(["orders"]).all_prefetched(&db).await?;
    /// let orders: &[Order] = cache.get(&users[0], "orders").unwrap_or_default();
    /// ```
    pub async fn all_prefetched(&self, exec: &(impl Executor + ?Sized)) -> Result<(Vec<M>, PrefetchCache)> {
        let mut objs = self.fetch_objects(exec).await?;
        let cache = match &self.prefetch {
            Some(p) => crate::prefetch::run(exec, &mut objs, p, self.batch.map(NonZeroUsize::get), false).await?,
            None => PrefetchCache::default(),
        };
        Ok((objs, cache))
    }
}
