//! Loading one level: the parents' keys, one `SELECT … WHERE key IN (…)` per batch,
//! the levels under it, then each row stored in its parents (or the cache).

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use ormolu_core::compiler::{select_plan, select_plan_and, SelectPlan};
use ormolu_core::dialect::Dialect;
use ormolu_core::meta::ModelMeta;
use ormolu_core::query::{Expr, Loading, QNode, Query, Rhs, Select};
use ormolu_core::row::ValueRef;
use ormolu_core::{Error, Result, Value};

use super::cache::PrefetchCache;
use super::decode::{attach_related, related_types};
use super::key_index::KeyIndex;
use super::relation::{destination, resolve_kept, Rel};
use super::tree::Node;
use crate::erased::{key_of_ref, AnyModel, Key, ModelType, ObjList};
use crate::executor::{fetch_each, Executor};
use crate::rows_hint::RowsHint;

/// The name of the extra column carrying a many-to-many row's owner key.
const PREFETCH_VAL: &str = "_prefetch_related_val";

/// The key id of a parent whose key is NULL (it gets no rows).
const NO_KEY: usize = usize::MAX;

/// The group of a fetched row that belongs to no parent key.
const NO_GROUP: usize = usize::MAX;

/// What every level of one prefetch shares.
pub(super) struct Ctx<'a, E: ?Sized> {
    pub(super) exec: &'a E,
    pub(super) batch: Option<usize>,
    pub(super) strict: bool,
}

type Boxed<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// Loads one level for `parents` (of model `pm`), then the levels under it, then
/// stores the rows in the parents.
pub(super) fn process<'a, E: Executor + ?Sized>(
    ctx: &'a Ctx<'a, E>,
    pm: &'static ModelMeta,
    parents: &'a mut [&mut dyn AnyModel],
    node: &'a Node<'a>,
    cache: &'a mut PrefetchCache,
) -> Boxed<'a> {
    Box::pin(async move {
        if parents.is_empty() {
            return Ok(());
        }
        let (rel, ty) = resolve_kept(pm, node.name, parents[0].related_sets())?;
        let target = rel.target();
        let dest = destination(node, &mut *parents[0], &rel)?;
        if dest.is_none() && ctx.strict {
            return Err(no_field(node, pm, target));
        }
        if let Some(q) = node.query {
            if q.model.table != target.table {
                return Err(wrong_model(node, q.model, target));
            }
        }
        // The parents' keys, once each.
        let key_field = match &rel {
            Rel::Forward { field, .. } => *field,
            Rel::Reverse { key, .. } | Rel::ManyToMany { key, .. } => *key,
        };
        // Each distinct parent key gets an id (its position in `keys`); `uses` counts
        // the parents holding it, so the last one takes the rows instead of copies.
        // The span of the integer keys decides how ids are looked up (`KeyIndex`).
        let mut span: Option<(i64, i64)> = None;
        for p in parents.iter() {
            match p.int_of(key_field) {
                Some(n) => span = Some(span.map_or((n, n), |(lo, hi)| (lo.min(n), hi.max(n)))),
                None if p.ref_of(key_field).is_null() => {}
                None => {
                    span = None;
                    break;
                }
            }
        }
        let mut ids = KeyIndex::new(span, parents.len());
        let mut keys: Vec<Value> = Vec::with_capacity(parents.len());
        // One list for two: each parent's key id (`NO_KEY` for a NULL key), then how
        // many parents hold each key id.
        let mut work = zeroed(2 * parents.len());
        let (parent_ids, uses) = work.split_at_mut(parents.len());
        for (p, pid) in parents.iter().zip(parent_ids.iter_mut()) {
            // Integer keys (the usual case) without a `ValueRef` in between.
            let (key, value) = match p.int_of(key_field) {
                Some(n) => (Key::Int(n), Value::I64(n)),
                None => match other_key(&**p, key_field) {
                    Some(kv) => kv,
                    None => {
                        *pid = NO_KEY;
                        continue;
                    }
                },
            };
            let (id, new) = ids.id_or_insert(key, keys.len());
            if new {
                keys.push(value);
            }
            uses[id] += 1;
            *pid = id;
        }
        let uses = &mut uses[..keys.len()];
        let (mut objs, obj_ids) = fetch_level(ctx, &rel, node.query.map(|q| &**q), ty, keys, &ids).await?;
        // Rows grouped by parent key id (a counting sort: one flat list, no list per
        // key): `start[id]` is first the end of `id`'s rows, then, filled backwards
        // (rows keep their order), their beginning; `start[n]` is the row count.
        // One allocation for both: `start`, then `order` (a row's index by group).
        let mut both = zeroed(uses.len() + 1 + obj_ids.len());
        let (start, order) = both.split_at_mut(uses.len() + 1);
        for id in obj_ids.iter().filter(|&&id| id != NO_GROUP) {
            start[*id] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        for (i, &id) in obj_ids.iter().enumerate().rev() {
            if id != NO_GROUP {
                start[id] -= 1;
                order[start[id]] = i;
            }
        }
        // The levels under this one, on the loaded rows.
        if !node.children.is_empty() && !objs.is_empty() {
            let mut children = objs.objects_mut();
            for child in &node.children {
                process(ctx, target, &mut children, child, cache).await?;
            }
        }
        // Store: each parent's rows, moved on the last use of its key, else copied.
        for (p, &id) in parents.iter_mut().zip(parent_ids.iter()) {
            let (rows, last) = if id == NO_KEY {
                (&[][..], true)
            } else {
                uses[id] -= 1;
                (&order[start[id]..start[id + 1]], uses[id] == 0)
            };
            match dest {
                Some(field) => {
                    let slot = p.slot(field).expect("checked on the first parent");
                    objs.store_group(rows, last, slot)?;
                }
                None => to_cache(cache, pm, node, &**p, objs.group_list(rows, last)),
            }
        }
        Ok(())
    })
}

/// A parent's key that is not an integer, as a key and a value; `None` for NULL.
/// Out of line (`#[cold]`), as the other rare paths of a level: the code a level
/// runs then spans fewer instruction-cache lines (docs/benchmarks.md, item 64).
#[cold]
#[inline(never)]
fn other_key(p: &dyn AnyModel, field: usize) -> Option<(Key, Value)> {
    let k = p.ref_of(field);
    if k.is_null() {
        return None;
    }
    Some((key_of_ref(k.clone()), k.into_value()))
}

/// Stores a parent's rows in the prefetch cache (the parent has no field for them).
#[cold]
#[inline(never)]
fn to_cache(
    cache: &mut PrefetchCache,
    pm: &ModelMeta,
    node: &Node<'_>,
    p: &dyn AnyModel,
    rows: crate::erased::AnyList,
) {
    let pk = p.value_of(pm.pk);
    cache.insert(pm.table, node.to_attr.unwrap_or(node.name), &pk, rows);
}

/// The group key of a fetched row that is not an integer (or of a many-to-many
/// row: its owner key), looked up in `ids`.
#[cold]
#[inline(never)]
fn other_group(ids: &KeyIndex, key: ValueRef<'_>) -> Option<usize> {
    ids.get(&key_of_ref(key))
}

/// The error of a level whose rows have no field to go to on `pm` (plain `all()`).
#[cold]
#[inline(never)]
fn no_field(node: &Node<'_>, pm: &ModelMeta, target: &ModelMeta) -> Error {
    let what = match node.to_attr {
        Some(a) => {
            format!(
                "declare a field `pub {a}: RelatedSet<{}>` on {} for Prefetch(…).to_attr(\"{a}\")",
                target.name, pm.name
            )
        }
        None => format!(
            "declare `#[ormolu(reverse = \"{}\")] pub {}: RelatedSet<{}>` on {}",
            node.name, node.name, target.name, pm.name
        ),
    };
    Error::Usage(format!(
        "prefetch_related('{}'): {} has no field to hold the prefetched {} rows: {what}, or load with \
         all_prefetched() and read them from the PrefetchCache",
        node.name, pm.name, target.name
    ))
}

/// The error of a `Prefetch` whose queryset is not of the relation's model.
#[cold]
#[inline(never)]
fn wrong_model(node: &Node<'_>, given: &ModelMeta, target: &ModelMeta) -> Error {
    Error::Usage(format!(
        "Prefetch('{}'): the queryset is of {}, but the relation holds {} objects",
        node.name, given.name, target.name
    ))
}

/// The rows of one level for these parent keys (in the order fetched), and for each
/// the id (in `ids`) of the parent key it belongs to, looked up as the row is read.
async fn fetch_level<E: Executor + ?Sized>(
    ctx: &Ctx<'_, E>,
    rel: &Rel,
    base: Option<&Query>,
    ty: &'static ModelType,
    keys: Vec<Value>,
    ids: &KeyIndex,
) -> Result<(Box<dyn ObjList>, Vec<usize>)> {
    let mut objs = (ty.new_list)();
    let mut groups = Vec::new();
    let n = keys.len();
    // Compiled before the first one runs: no query is kept across the awaits, so
    // this future (boxed once per level) stays small.
    let batches = plan_batches(ctx, rel, base, keys)?;
    // By reference: the batch in hand is not part of this future's state.
    for (i, Batch { plan, extra_at, types }) in batches.iter().enumerate() {
        // Room for as many rows as this statement returned last time, and for the
        // first batch at least one row per key (the usual case): one reservation.
        let hint = RowsHint::of_shared(&plan.sql.sql);
        let (guess, before) = (if i == 0 { hint.guess().max(n) } else { hint.guess() }, groups.len());
        objs.reserve(guess);
        groups.reserve(guess);
        fetch_each(ctx.exec, &plan.sql, &mut |row| {
            // A many-to-many row's owner key (the extra column), read before the
            // model's cells are taken.
            let owner = extra_at.map(|at| row.value(at)).transpose()?;
            let obj = objs.push_row(&plan.fields, row, 0)?;
            if !plan.related.is_empty() {
                attach_related(&mut *obj, plan, types, row)?;
            }
            let id_of = |i: usize| match obj.int_of(i) {
                Some(n) => ids.get_int(n),
                None => other_group(ids, obj.ref_of(i)),
            };
            let group = match rel {
                Rel::Forward { to, .. } => id_of(*to),
                Rel::Reverse { field, .. } => id_of(*field),
                Rel::ManyToMany { .. } => other_group(ids, ValueRef::Ref(owner.as_ref().unwrap_or(&Value::Null))),
            };
            groups.push(group.unwrap_or(NO_GROUP));
            Ok(())
        })
        .await?;
        hint.record(groups.len() - before);
    }
    Ok((objs, groups))
}

/// One `SELECT … WHERE key IN (…)` of a level and how its rows are read.
struct Batch {
    plan: SelectPlan,
    /// The column of a many-to-many row's owner key.
    extra_at: Option<usize>,
    /// The models of the plan's `select_related()` objects.
    types: Vec<&'static ModelType>,
}

/// The statements loading a level for `keys` (none when there are no keys or the
/// queryset is `none()`): one, or more when the keys exceed the backend's parameter
/// limit or the prefetch batch size.
fn plan_batches<E: Executor + ?Sized>(
    ctx: &Ctx<'_, E>,
    rel: &Rel,
    base: Option<&Query>,
    keys: Vec<Value>,
) -> Result<Vec<Batch>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let d = ctx.exec.dialect();
    let target = rel.target();
    // Borrowed until changed (only()/defer() missing the key, or a many-to-many
    // level's extra column): the statements are compiled from it with the keys
    // ANDed (`select_plan_and`), which copies it only for a shape not seen before.
    let mut base = base.map_or_else(|| Cow::Owned(Query::new(target)), Cow::Borrowed);
    // The key rows are grouped by must be loaded, whatever only()/defer() say.
    let key_field = match rel {
        Rel::Forward { to, .. } => Some(target.fields[*to].name),
        Rel::Reverse { field, .. } => Some(target.fields[*field].name),
        Rel::ManyToMany { .. } => None,
    };
    if let (Some(k), false) = (key_field, matches!(base.loading, Loading::All)) {
        load_key(&mut base, target, k);
    }
    if base.is_sliced() {
        return Err(Error::not_supported("a sliced QuerySet in Prefetch()", d.name()));
    }
    if base.select != Select::Model {
        return Err(Error::Usage("Prefetch querysets cannot use values() / values_list()".into()));
    }
    if base.empty {
        return Ok(Vec::new());
    }
    // The condition on the keys, and (many-to-many) the owner key as an extra column.
    let (lookup, extra): (Cow<'static, str>, _) = match rel {
        Rel::Forward { lookup, .. } | Rel::Reverse { lookup, .. } => (Cow::Borrowed(*lookup), None),
        Rel::ManyToMany { path, .. } => (format!("{path}__pk__in").into(), Some(format!("{path}__pk"))),
    };
    // Parameters the query has besides the keys: the batch is what the backend allows
    // beyond them.
    let others =
        if base.filter.is_empty() && base.annotations.is_empty() { 0 } else { select_plan(d, &base)?.sql.params.len() };
    let limit = d.features().max_query_params.saturating_sub(others + 1).max(1);
    let size = ctx.batch.unwrap_or(limit).min(limit).max(1);
    // The usual case: one statement on the level's own key column, taking the keys
    // as they are; the others (more batches, a many-to-many level) out of line.
    if let (true, Cow::Borrowed(path), None) = (keys.len() <= size, &lookup, &extra) {
        let cond = QNode::lookup_static(path, Rhs::List(keys));
        let plan = select_plan_and(d, &base, &cond)?;
        let types = related_types(&plan)?;
        return Ok(vec![Batch { plan, extra_at: None, types }]);
    }
    split_batches(d, base, lookup, extra, keys, size)
}

/// [`plan_batches`] beyond one statement on the level's own key column: the keys in
/// batches of `size`, and a many-to-many level's condition through its join table
/// with the owner key as an extra column (`extra`).
#[cold]
#[inline(never)]
fn split_batches(
    d: &'static dyn Dialect,
    base: Cow<'_, Query>,
    lookup: Cow<'static, str>,
    extra: Option<String>,
    keys: Vec<Value>,
    size: usize,
) -> Result<Vec<Batch>> {
    // One batch takes the keys as they are; more split them off.
    let count = keys.len().div_ceil(size);
    let (mut base, mut lookup, last) = (Some(base), Some(lookup), count - 1);
    let mut batches = Vec::with_capacity(count);
    let mut rest = keys;
    for i in 0..count {
        let chunk = if i == last {
            std::mem::take(&mut rest)
        } else {
            let tail = rest.split_off(size);
            std::mem::replace(&mut rest, tail)
        };
        let lookup = if i == last { lookup.take() } else { lookup.clone() };
        // A condition on the level's own key column joins nothing: it needs no
        // `filter()` call of its own (`QNode::Call`), which the many-to-many one,
        // through the join table, has.
        let cond = match lookup.unwrap_or_default() {
            Cow::Borrowed(path) => QNode::lookup_static(path, Rhs::List(chunk)),
            Cow::Owned(path) => QNode::lookup(path, Rhs::List(chunk)).call(),
        };
        let (plan, extra_at) = match &extra {
            // The queryset's query with the keys ANDed, compiled without copying it
            // when its shape is cached.
            None => (select_plan_and(d, base.as_deref().expect("kept for every batch"), &cond)?, None),
            Some(path) => {
                let base = if i == last { base.take() } else { base.clone() };
                let mut q = base.expect("only the last batch takes it").into_owned();
                q.filter = std::mem::take(&mut q.filter).and(cond);
                q.annotations.push((PREFETCH_VAL.to_string(), Expr::Col(path.clone())));
                let plan = select_plan(d, &q)?;
                let at = plan.fields.len() + q.annotations.len() - 1;
                (plan, Some(at))
            }
        };
        let types = related_types(&plan)?;
        batches.push(Batch { plan, extra_at, types });
    }
    Ok(batches)
}

/// Makes `only()`/`defer()` load field `k` (a level's rows are grouped by it).
#[cold]
#[inline(never)]
fn load_key(base: &mut Cow<'_, Query>, target: &ModelMeta, k: &str) {
    let deferred = |n: &String| target.field(n).is_some_and(|f| f.name == k);
    match &base.loading {
        Loading::All => {}
        Loading::Only(_) => {
            if let Loading::Only(names) = &mut base.to_mut().loading {
                names.push(k.to_string());
            }
        }
        Loading::Defer(names) if names.iter().any(deferred) => {
            if let Loading::Defer(names) = &mut base.to_mut().loading {
                names.retain(|n| !deferred(n));
            }
        }
        Loading::Defer(_) => {}
    }
}

/// `n` zeros, from `malloc` rather than `vec![0; n]`'s `calloc`, which glibc serves
/// without its per-thread cache (slow path, and free-list consolidation) — measured
/// on the 1-row associations: two such lists per level. The zero goes through
/// `black_box`, or LLVM turns the fill back into `calloc` (seen in callgrind).
#[allow(clippy::slow_vector_initialization)]
fn zeroed(n: usize) -> Vec<usize> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, std::hint::black_box(0));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use ormolu_core::meta::{FieldMeta, FieldType};

    /// A level's future is boxed once per level. glibc's per-thread cache serves at
    /// most 1 032 bytes; larger, every level takes malloc's slow path. While
    /// `fetch_level` kept its batch by value the future was 1 048 bytes in the
    /// benchmark's release build but 1 032 in this test's build (layouts differ), so
    /// the bound here keeps a margin: 728 bytes now.
    #[tokio::test]
    async fn a_level_future_fits_the_allocators_cache() {
        let db = crate::Db::connect("sqlite::memory:").await.unwrap();
        let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
        let meta: &'static ModelMeta = Box::leak(Box::new(ModelMeta::new("Post", "app", "post", vec![id])));
        let node = Node { name: "comments", key: "comments", to_attr: None, query: None, children: Vec::new() };
        let ctx = Ctx { exec: &db, batch: None, strict: true };
        let mut parents: Vec<&mut dyn AnyModel> = Vec::new();
        let mut cache = PrefetchCache::default();
        let n = size_of_val(&*process(&ctx, meta, &mut parents, &node, &mut cache));
        assert!(n <= 900, "a prefetch level's future is {n} bytes (at most 1 032 are served from glibc's cache)");
    }
}
