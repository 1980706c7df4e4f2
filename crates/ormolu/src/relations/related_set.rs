//! [`RelatedSet`]: the reverse side of a relation, declared on the model it points at
//! (not a column); its loaded objects and manager methods are the shared ones of
//! `bound`.

use std::sync::Arc;

use crate::managers::Binding;
use crate::model::Model;

/// The reverse side of a relation, declared on the model it points at: the rows of `T`
/// whose foreign key (or many-to-many field) points at this instance — Django's
/// `user.orders` / `blog.entry_set` / `tag.articles`. Not a column.
///
/// ```ignore
/// #[derive(Model, Debug, Clone, Default)]
/// pub struct User {
///     pub id: Auto<i64>,
///     pub orders: RelatedSet<Order>,            // Order.user has related_name = "orders"
///     #[ormolu(reverse = "orders")]
///     pub big_orders: RelatedSet<Order>,        // a second holder, for Prefetch(…).to_attr("big_orders")
/// }
/// let users = User::objects().prefetch_related(["orders"]).all(&db).await?;
/// let orders: &[Order] = users[0].orders.get().unwrap();   // no query
/// users[0].orders.create(&db, Order { total, ..Default::default() }).await?;
/// ```
///
/// The relation it holds is named by `#[ormolu(reverse = "…")]`, else by the field's
/// name: the accessor (`related_name`, or `<model>_set`) or query name of a foreign key
/// or many-to-many field of `T` pointing at this model, checked at run time. A field
/// whose name is no relation only holds `Prefetch(…).to_attr(name)` results.
///
/// - Loaded objects: [`get`](Self::get), filled by `prefetch_related` (or `to_attr`).
/// - Manager: bound to its instance when it is loaded, created or saved; the same
///   methods as [`ManyToMany`](super::ManyToMany) (for a reverse foreign key, `remove` and `clear` only
///   when the key is nullable, and no `through_defaults`). For a parent that cannot
///   declare the field (a model of another crate), use
///   [`Instance::related`](crate::Instance::related) and
///   [`PrefetchCache`](crate::PrefetchCache).
pub struct RelatedSet<T: Model> {
    pub(super) loaded: Option<Arc<[T]>>,
    pub(super) binding: Option<Binding>,
}
