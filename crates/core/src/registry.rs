//! The model registry: every `#[derive(Model)]` registers its metadata at link time
//! (the `inventory` crate), so a model can find the relations that point AT it —
//! reverse foreign keys for `__` lookups, related managers, eager loading and the
//! deletion collector — even when the models live in different crates.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::hash::TextBuildHasher;
use crate::meta::{FieldMeta, ModelMeta};

/// One registered model (written by the derive; not for hand use).
pub struct ModelEntry(pub fn() -> &'static ModelMeta);

inventory::collect!(ModelEntry);

#[doc(hidden)]
pub use inventory;

/// Every registered model.
pub fn all_models() -> impl Iterator<Item = &'static ModelMeta> {
    inventory::iter::<ModelEntry>.into_iter().map(|e| (e.0)())
}

/// A relation seen from its target: `Blog` ← `Entry.blog`.
#[derive(Debug, Clone)]
pub struct RelatedObject {
    /// The model holding the foreign key (`Entry`).
    pub model: &'static ModelMeta,
    /// The foreign key field on it (`blog`).
    pub field: &'static FieldMeta,
    /// The name used in `__` lookups from the target (`entries`, or `entry` by default).
    pub query_name: String,
    /// The accessor name on instances (`entries`, or `entry_set` by default).
    pub accessor: String,
    /// Whether many rows can point at one target row (false for one-to-one).
    pub multiple: bool,
}

fn lower(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The relations pointing at `target` (by table), computed once from the registry.
pub fn related_objects(target: &ModelMeta) -> &'static [RelatedObject] {
    static MAP: OnceLock<HashMap<&'static str, Vec<RelatedObject>, TextBuildHasher>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<RelatedObject>, TextBuildHasher> = HashMap::default();
        let mut seen = std::collections::HashSet::new();
        for m in all_models() {
            if !seen.insert(m.table) {
                continue;
            }
            for f in &m.fields {
                let Some(rel) = &f.relation else { continue };
                if rel.related_name.is_some_and(|n| n.ends_with('+')) {
                    continue;
                }
                let to = (rel.to)();
                let query_name = rel.related_name.map(str::to_string).unwrap_or_else(|| lower(m.name));
                let accessor = rel.related_name.map(str::to_string).unwrap_or_else(|| {
                    if rel.one_to_one {
                        lower(m.name)
                    } else {
                        format!("{}_set", lower(m.name))
                    }
                });
                map.entry(to.table).or_default().push(RelatedObject {
                    model: m,
                    field: f,
                    query_name,
                    accessor,
                    multiple: !rel.one_to_one,
                });
            }
        }
        map
    });
    map.get(target.table).map(Vec::as_slice).unwrap_or(&[])
}

/// The relation named `name` (its query name) pointing at `target`, if any.
pub fn related_object(target: &ModelMeta, name: &str) -> Option<&'static RelatedObject> {
    related_objects(target).iter().find(|r| r.query_name == name)
}
