//! [`PrefetchCache`]: prefetched rows with no field to go to on their parent.

use std::collections::HashMap;

use ormolu_core::Value;

use crate::erased::{key_of, AnyList, Key};
use crate::model::Model;

/// Prefetched rows that have no field to go to on their parent (a parent model that
/// cannot declare a [`RelatedSet`](crate::RelatedSet), such as a model from another
/// crate, or a `to_attr` naming no field), by parent and name. Returned by
/// [`QuerySet::all_prefetched`](crate::QuerySet::all_prefetched) and [`prefetch_related_objects`](super::prefetch_related_objects).
///
/// ```ignore
/// let (users, cache) = auth::User::objects().prefetch_related(["orders"]).all_prefetched(&db).await?;
/// let orders: &[Order] = cache.get(&users[0], "orders").unwrap_or_default();
/// ```
#[derive(Default)]
pub struct PrefetchCache {
    map: HashMap<(&'static str, String), HashMap<Key, AnyList>>,
}

impl std::fmt::Debug for PrefetchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<String> =
            self.map.iter().map(|((t, n), v)| format!("{t}.{n} ({} parents)", v.len())).collect();
        keys.sort();
        f.debug_struct("PrefetchCache").field("relations", &keys).finish()
    }
}

impl PrefetchCache {
    /// The `C` rows prefetched into `name` (the relation's name, or the `to_attr`) for
    /// `parent`, in the order they were loaded; `None` when nothing was prefetched there
    /// for this parent, or the rows are not `C`s. No query.
    pub fn get<C: Model, P: Model>(&self, parent: &P, name: &str) -> Option<&[C]> {
        let per_parent = self.map.get(&(P::meta().table, name.to_string()))?;
        let v = per_parent.get(&key_of(&parent.pk_value()))?;
        v.downcast_ref::<Vec<C>>().map(Vec::as_slice)
    }

    /// Whether nothing is in the cache.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(super) fn insert(&mut self, table: &'static str, name: &str, parent: &Value, rows: AnyList) {
        self.map.entry((table, name.to_string())).or_default().insert(key_of(parent), rows);
    }
}
