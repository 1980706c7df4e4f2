//! How a level's relation is reached from its parent model ([`Rel`]: a forward or
//! reverse foreign key, or a many-to-many relation), and where its rows go on the
//! parent.

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};

use ormolu_core::meta::{ManyToManyMeta, ModelMeta};
use ormolu_core::{registry, Error, Result};

use super::tree::Node;
use crate::erased::{model_type_of, AnyModel, ModelType};
use crate::managers::{relation_choices, reverse_m2m_accessor};

/// How a relation of the parent is reached.
#[derive(Clone)]
pub(super) enum Rel {
    /// A foreign key of the parent (field index), to the target's field `to`;
    /// `lookup` is the condition on the target's keys (`"id__in"`).
    Forward { field: usize, target: &'static ModelMeta, to: usize, lookup: &'static str },
    /// A foreign key of `child` (field index) pointing at the parent's field `key`;
    /// `lookup` is the condition on the child's keys (`"user__in"`).
    Reverse { child: &'static ModelMeta, field: usize, key: usize, lookup: &'static str },
    /// A many-to-many relation; `path` goes from the target back to the parent
    /// (`entry`, `tags`); the parent's key is field `key`.
    ManyToMany { target: &'static ModelMeta, path: String, key: usize },
}

impl Rel {
    pub(super) fn target(&self) -> &'static ModelMeta {
        match self {
            Rel::Forward { target, .. } | Rel::ManyToMany { target, .. } => target,
            Rel::Reverse { child, .. } => child,
        }
    }
}

/// The names a lookup may use on `m`, for messages.
fn prefetch_choices(m: &'static ModelMeta) -> Vec<String> {
    let mut v: Vec<String> = m.fields.iter().filter(|f| f.relation.is_some()).map(|f| f.name.to_string()).collect();
    v.extend(relation_choices(m));
    v
}

fn m2m_rel(m2m: &'static ManyToManyMeta, forward: bool, parent: &'static ModelMeta) -> Result<Rel> {
    let (src, dst) = m2m.link_fields()?;
    let near = if forward { src } else { dst };
    let key = near.relation.as_ref().and_then(|r| r.to_field).and_then(|n| parent.field_index(n)).unwrap_or(parent.pk);
    if forward {
        let path = m2m.related_query_name().ok_or_else(|| {
            Error::not_supported(
                format!(
                    "prefetching {}.{} (its related_name '{}' hides the reverse relation the query goes through)",
                    parent.name,
                    m2m.name,
                    m2m.related_name.unwrap_or_default()
                ),
                "any backend",
            )
        })?;
        Ok(Rel::ManyToMany { target: (m2m.to)(), path, key })
    } else {
        Ok(Rel::ManyToMany { target: (m2m.from)(), path: m2m.name.to_string(), key })
    }
}

/// [`resolve`] and the registered Rust type of the level's rows, remembered by each
/// thread for the life of the process for a foreign key (forward or reverse: what a
/// relation name of a model means never changes, and the models and their relations
/// are few), so a level neither searches the model's relations nor looks its type up
/// again.
pub(super) fn resolve_kept(
    parent: &'static ModelMeta,
    name: &str,
    sets: &[(&str, &str)],
) -> Result<(Rel, &'static ModelType)> {
    type Seen = Vec<(usize, Box<str>, Rel, &'static ModelType)>;
    thread_local! {
        static SEEN: RefCell<Seen> = const { RefCell::new(Vec::new()) };
    }
    let at = std::ptr::from_ref(parent) as usize;
    let seen = |s: &Seen| s.iter().find(|(p, n, ..)| *p == at && **n == *name).map(|(_, _, r, t)| (r.clone(), *t));
    if let Some(found) = SEEN.try_with(|s| seen(&s.borrow())).ok().flatten() {
        return Ok(found);
    }
    let rel = resolve(parent, name, sets)?;
    let ty = model_type_of(rel.target())?;
    if matches!(rel, Rel::Forward { .. } | Rel::Reverse { .. }) {
        let _ = SEEN.try_with(|s| s.borrow_mut().push((at, name.into(), rel.clone(), ty)));
    }
    Ok((rel, ty))
}

/// Resolves relation `name` of `parent` (a `RelatedSet` field's name stands for the
/// relation it holds).
pub(super) fn resolve(parent: &'static ModelMeta, name: &str, sets: &[(&str, &str)]) -> Result<Rel> {
    if let Some(i) = parent.fields.iter().position(|f| f.name == name && f.relation.is_some()) {
        let rel = parent.fields[i].relation.as_ref().expect("a relation");
        let target = (rel.to)();
        let to = rel.to_field.and_then(|n| target.field_index(n)).unwrap_or(target.pk);
        return Ok(Rel::Forward { field: i, target, to, lookup: in_lookup(target, to) });
    }
    if let Some(m2m) = parent.many_to_many.iter().find(|m| m.name == name) {
        return m2m_rel(m2m, true, parent);
    }
    let related = registry::related_objects(parent);
    if let Some(r) =
        related.iter().find(|r| r.accessor == name).or_else(|| related.iter().find(|r| r.query_name == name))
    {
        let rel = r.field.relation.as_ref().expect("a relation");
        let key = rel.to_field.and_then(|n| parent.field_index(n)).unwrap_or(parent.pk);
        let field = r.model.field_index(r.field.name).expect("the field is on its model");
        return Ok(Rel::Reverse { child: r.model, field, key, lookup: in_lookup(r.model, field) });
    }
    for (query_name, r) in ormolu_core::compiler::resolve::reverse_many_to_many(parent) {
        if reverse_m2m_accessor(r.model, r.field) == name || query_name == name {
            return m2m_rel(r.field, false, parent);
        }
    }
    if let Some((_, relation)) = sets.iter().find(|(f, r)| *f == name && *r != name) {
        return resolve(parent, relation, &[]);
    }
    Err(Error::field(
        parent.name,
        name,
        format!(
            "Cannot find '{name}' on {} object, '{name}' is an invalid parameter to prefetch_related()",
            parent.name
        ),
        prefetch_choices(parent),
    ))
}

/// Where a level's rows go on the parent: the field's name, or `None` (the cache).
pub(super) fn destination<'n>(node: &Node<'n>, parent: &mut dyn AnyModel, rel: &Rel) -> Result<Option<&'n str>> {
    let name: &'n str = match node.to_attr {
        Some(a) => a,
        None => match rel {
            Rel::Forward { .. } => node.name,
            _ if parent.slot(node.name).is_some() => node.name,
            _ => {
                let pm = parent.model_meta();
                let names = relation_names(pm, node.name);
                match parent.related_sets().iter().find(|(_, r)| names.iter().any(|n| n == r)) {
                    Some((f, _)) => f,
                    None => return Ok(None),
                }
            }
        },
    };
    let pm = parent.model_meta();
    let Some(slot) = parent.slot(name) else { return Ok(None) };
    let target = rel.target();
    if slot.target().table != target.table {
        return Err(Error::Usage(format!(
            "prefetch_related('{}'): {}.{name} holds {} objects, not {}",
            node.name,
            pm.name,
            slot.target().name,
            target.name
        )));
    }
    Ok(Some(name))
}

/// Every name of the relation `name` of `m` (accessor and query name), so a
/// `RelatedSet` declared with either is found.
fn relation_names(m: &'static ModelMeta, name: &str) -> Vec<String> {
    let mut v = vec![name.to_string()];
    for r in registry::related_objects(m) {
        if r.accessor == name || r.query_name == name {
            v.push(r.accessor.clone());
            v.push(r.query_name.clone());
        }
    }
    for (q, r) in ormolu_core::compiler::resolve::reverse_many_to_many(m) {
        let a = reverse_m2m_accessor(r.model, r.field);
        if a == name || q == name {
            v.push(a);
            v.push(q.clone());
        }
    }
    v
}

/// `"<field>__in"` for field `i` of `m`: a level's condition on its keys, written
/// once per field for the life of the process (a handful of foreign keys), not
/// formatted at every level.
fn in_lookup(m: &'static ModelMeta, i: usize) -> &'static str {
    static PATHS: Mutex<Vec<(usize, &'static str)>> = Mutex::new(Vec::new());
    let field = std::ptr::from_ref(&m.fields[i]) as usize;
    let mut paths = PATHS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&(_, path)) = paths.iter().find(|(f, _)| *f == field) {
        return path;
    }
    let path: &'static str = Box::leak(format!("{}__in", m.fields[i].name).into_boxed_str());
    paths.push((field, path));
    path
}
