//! The foreign keys pointing at a model ([`Incoming`]), from the model registry, and
//! what that decides: whether a delete can skip reading the rows, which fields of a
//! collected row are read.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ormolu_core::hash::TextBuildHasher;
use ormolu_core::meta::{ModelMeta, OnDelete};
use ormolu_core::registry;
use ormolu_core::Value;

/// A foreign key pointing at a model: the model holding it and the field's index.
#[derive(Clone, Copy)]
pub(super) struct Incoming {
    pub(super) model: &'static ModelMeta,
    pub(super) field: usize,
}

impl Incoming {
    pub(super) fn on_delete(&self) -> &'static OnDelete {
        &self.model.fields[self.field].relation.as_ref().expect("a relation field").on_delete
    }

    /// The field of the target model the key holds (its pk unless `to_field`).
    pub(super) fn target_field(&self, target: &ModelMeta) -> usize {
        let rel = self.model.fields[self.field].relation.as_ref().expect("a relation field");
        rel.to_field.and_then(|n| target.field_index(n)).unwrap_or(target.pk)
    }

    pub(super) fn name(&self) -> String {
        format!("'{}.{}'", self.model.name, self.model.fields[self.field].name)
    }
}

/// Every foreign key pointing at `target`, hidden ones (`related_name = "+"`) included:
/// Django cascades through those too.
pub(super) fn incoming(target: &ModelMeta) -> &'static [Incoming] {
    static MAP: OnceLock<HashMap<&'static str, Vec<Incoming>, TextBuildHasher>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<Incoming>, TextBuildHasher> = HashMap::default();
        let mut seen = HashSet::new();
        for m in registry::all_models() {
            if !seen.insert(m.table) {
                continue;
            }
            for (i, f) in m.fields.iter().enumerate() {
                if let Some(rel) = &f.relation {
                    map.entry((rel.to)().table).or_default().push(Incoming { model: m, field: i });
                }
            }
        }
        map
    });
    map.get(target.table).map(Vec::as_slice).unwrap_or(&[])
}

/// Whether rows of `m` can be deleted without reading them: nothing points at them
/// but DO_NOTHING relations. (Delete signals, once they exist, will also prevent it.)
pub(crate) fn can_fast_delete(m: &ModelMeta) -> bool {
    incoming(m).iter().all(|r| *r.on_delete() == OnDelete::DoNothing)
}

/// The fields read for each collected row of `m`: its pk first, then every field a
/// relation points at (`to_field` targets).
pub(super) fn ref_fields(m: &ModelMeta) -> Vec<usize> {
    let mut v = vec![m.pk];
    for r in incoming(m) {
        let t = r.target_field(m);
        if !v.contains(&t) {
            v.push(t);
        }
    }
    v
}

/// A hashable identity of a value (pk or key).
pub(super) fn key(v: &Value) -> String {
    format!("{v:?}")
}

/// The cells [`ref_fields`] of one instance.
pub(crate) fn instance_row<M: crate::Model>(obj: &M) -> Vec<Value> {
    ref_fields(M::meta()).into_iter().map(|i| obj.field_value(i)).collect()
}
