//! A per-thread cache of compiled SELECTs by query *shape*: the query's structure with
//! its values left out. Building the same QuerySet again with other values (the usual
//! case: a view filtering by a request's parameters) reuses the SQL text and only
//! gathers the new values.
//!
//! Correctness rests on two rules:
//!
//! - the key holds everything the SQL text may depend on: the dialect, the model, every
//!   path, lookup, ordering key, slice, flag, and of each value its type, whether it is
//!   NULL and (for booleans, which `isnull` reads) the value itself; of an `in` list
//!   (up to [`MAX_LIST_LEN`] elements), its length and each element's type. Queries with anything else (annotations,
//!   expressions, subqueries, `select_related`, set operations…) are not cached;
//! - a parameter is reproduced only as the compiler recorded making it: a copy of one
//!   lookup's value, its LIKE pattern, or an element of its `in` list (or the list's
//!   non-NULL elements as one array). A statement with any other parameter is not
//!   cached.
//!
//! The cache is bounded ([`MAX_ENTRIES`] per thread; full, it starts over).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::lookup_ops::like_value;
use super::sql::{Origin, Transform};
use super::{Compiler, SelectPlan, Sql};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::hash::text_hash;
use crate::query::{Expr, Loading, OrderBy, OrderTarget, QNode, Query, Rhs, Select};
use crate::value::Value;

/// How many shapes a thread keeps.
pub const MAX_ENTRIES: usize = 256;

/// Leaves beyond this many make a query uncacheable (their values are gathered on the stack).
const MAX_LEAVES: usize = 16;

/// An `in` list longer than this makes a query uncacheable: its entry would hold a
/// recipe step per element (and each length is its own shape), while compiling a
/// long list costs little next to running it.
pub const MAX_LIST_LEN: usize = 256;

struct Entry {
    key: Vec<u8>,
    sql: Arc<str>,
    fields: Arc<[usize]>,
    names: Arc<[String]>,
    types: Arc<[Option<crate::meta::FieldType>]>,
    /// For each parameter: the lookup (in tree order) and how its value is turned into it.
    recipe: Vec<(usize, Transform)>,
}

#[derive(Default)]
struct Cache {
    map: HashMap<u64, Entry, BuildHasherDefault<IdHasher>>,
    key: Vec<u8>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// The lookups of a query in tree order (their right-hand sides).
struct Leaves<'q> {
    rhs: [Option<&'q Rhs>; MAX_LEAVES],
    len: usize,
}

impl<'q> Leaves<'q> {
    fn get(&self, i: usize) -> Option<&'q Rhs> {
        self.rhs.get(i).copied().flatten()
    }
    fn position(&self, addr: usize) -> Option<usize> {
        self.rhs[..self.len].iter().position(|r| r.is_some_and(|r| std::ptr::from_ref(r) as usize == addr))
    }
}

/// Compiles the SELECT of `q` for `d`, reusing the SQL of an earlier query of the same
/// shape (see the module documentation). The result is what `Compiler::select` gives.
pub fn select_plan(d: &'static dyn Dialect, q: &Query) -> Result<SelectPlan> {
    plan_of(d, q, None)
}

/// [`select_plan`] of `q` with `extra` ANDed to its filter (as `q.filter.and(extra)`),
/// without copying `q` when a query of that shape was compiled before: what a
/// prefetch level runs, the queryset's query plus the parents' keys.
///
/// ```
/// use ormolu_core::compiler::{select_plan, select_plan_and};
/// use ormolu_core::dialect::Sqlite;
/// use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
/// use ormolu_core::query::{QNode, Query, Rhs};
/// use ormolu_core::Value;
///
/// let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
/// let meta: &'static ModelMeta = Box::leak(Box::new(ModelMeta::new("Post", "app", "post", vec![id])));
/// let q = Query::new(meta);
/// let keys = QNode::lookup("id__in", Rhs::List(vec![Value::I64(1), Value::I64(2)])).call();
/// let plan = select_plan_and(&Sqlite, &q, &keys).unwrap();
/// let mut whole = q.clone();
/// whole.filter = std::mem::take(&mut whole.filter).and(keys);
/// assert_eq!(plan.sql, select_plan(&Sqlite, &whole).unwrap().sql);
/// assert_eq!(plan.sql.params, vec![Value::I64(1), Value::I64(2)]);
/// ```
pub fn select_plan_and(d: &'static dyn Dialect, q: &Query, extra: &QNode) -> Result<SelectPlan> {
    plan_of(d, q, Some(extra))
}

/// Separates the query's shape from the extra condition's in a key.
const EXTRA_MARK: u8 = 0xA5;

fn plan_of(d: &'static dyn Dialect, q: &Query, extra: Option<&QNode>) -> Result<SelectPlan> {
    let mut leaves = Leaves { rhs: [None; MAX_LEAVES], len: 0 };
    let hit = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let c = &mut *c;
        c.key.clear();
        if !write_query(&mut c.key, d, q, &mut leaves) {
            return Err(false);
        }
        if let Some(x) = extra {
            c.key.push(EXTRA_MARK);
            if !write_node(&mut c.key, x, &mut leaves) {
                return Err(false);
            }
        }
        // Keys are hashed eight bytes a step (`text_hash`; FNV-1a's byte a step cost
        // ~0.3 K instructions per statement on a 100-byte key).
        let hash = text_hash(&c.key);
        match c.map.get(&hash) {
            Some(e) if e.key == c.key => replay(e, &leaves).ok_or(true),
            _ => Err(true),
        }
    });
    let cacheable = match hit {
        Ok(plan) => return Ok(plan),
        Err(cacheable) => cacheable,
    };
    let Some(x) = extra else {
        return compile_and_keep(d, q, cacheable.then_some(&leaves));
    };
    // Not seen before: compiled whole. Its leaves come in the same order (the base
    // query's, then the extra condition's: `and` appends), which the recipe relies on.
    let mut whole = q.clone();
    whole.filter = std::mem::take(&mut whole.filter).and(x.clone());
    let mut own = Leaves { rhs: [None; MAX_LEAVES], len: 0 };
    let same = cacheable && write_query(&mut Vec::new(), d, &whole, &mut own) && own.len == leaves.len;
    compile_and_keep(d, &whole, same.then_some(&own))
}

/// Compiles `q` and, given its leaves, keeps its recipe under the key just written.
fn compile_and_keep(d: &'static dyn Dialect, q: &Query, leaves: Option<&Leaves<'_>>) -> Result<SelectPlan> {
    let (plan, origins) = Compiler::new(d, q).select_traced()?;
    let Some(leaves) = leaves else { return Ok(plan) };
    if let Some(recipe) = origins.and_then(|o| recipe(&o, leaves, &plan.sql.params)) {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            let key = c.key.clone();
            if c.map.len() >= MAX_ENTRIES {
                c.map.clear();
            }
            let entry = Entry {
                key,
                sql: plan.sql.sql.clone(),
                fields: plan.fields.clone(),
                names: plan.names.clone(),
                types: plan.types.clone(),
                recipe,
            };
            c.map.insert(text_hash(&entry.key), entry);
        });
    }
    Ok(plan)
}

/// How many shapes this thread's cache holds.
pub fn cached_shapes() -> usize {
    CACHE.with(|c| c.borrow().map.len())
}

/// The plan of a cached shape with this query's values.
fn replay(e: &Entry, leaves: &Leaves<'_>) -> Option<SelectPlan> {
    let mut params = Vec::with_capacity(e.recipe.len());
    for &(i, t) in &e.recipe {
        params.push(apply(t, leaves.get(i)?)?);
    }
    Some(SelectPlan {
        sql: Sql { sql: e.sql.clone(), params },
        fields: e.fields.clone(),
        names: e.names.clone(),
        related: Vec::new(),
        types: e.types.clone(),
    })
}

/// Each parameter's lookup and transform, when every one was recorded and they give
/// back `params` exactly.
fn recipe(origins: &[Option<Origin>], leaves: &Leaves<'_>, params: &[Value]) -> Option<Vec<(usize, Transform)>> {
    let mut out = Vec::with_capacity(origins.len());
    for (o, p) in origins.iter().zip(params) {
        let o = (*o)?;
        let i = leaves.position(o.rhs)?;
        if apply(o.transform, leaves.get(i)?)? != *p {
            return None;
        }
        out.push((i, o.transform));
    }
    (out.len() == params.len()).then_some(out)
}

fn apply(t: Transform, rhs: &Rhs) -> Option<Value> {
    let v = match (t, rhs) {
        (Transform::Element(i), Rhs::List(values)) => return values.get(i as usize).cloned(),
        (Transform::NonNullArray, Rhs::List(values)) => {
            return Some(Value::Array(values.iter().filter(|v| !v.is_null()).cloned().collect()))
        }
        (_, Rhs::Value(v)) => v,
        _ => return None,
    };
    Some(match (t, v) {
        (Transform::Value, v) => v.clone(),
        (Transform::Like(op), Value::Text(s)) => Value::Text(like_value(op, s)),
        (Transform::Text, Value::Text(s)) => Value::Text(s.clone()),
        _ => return None,
    })
}

fn put_str(key: &mut Vec<u8>, s: &str) {
    key.extend_from_slice(&(s.len() as u32).to_le_bytes());
    key.extend_from_slice(s.as_bytes());
}

fn put_u64(key: &mut Vec<u8>, n: u64) {
    key.extend_from_slice(&n.to_le_bytes());
}

/// Writes the shape of `q` into `key` and gathers its lookups; `false` when the query
/// is not cacheable.
fn write_query<'q>(key: &mut Vec<u8>, d: &dyn Dialect, q: &'q Query, leaves: &mut Leaves<'q>) -> bool {
    // Every field is named, so a new one is considered here before it compiles.
    let Query {
        model,
        filter,
        order_by,
        reversed,
        limit,
        offset,
        distinct,
        select,
        loading,
        annotations,
        for_update,
        empty,
        select_related,
        aliases,
        annotation_calls,
        group_by,
        combinator,
        distinct_on,
    } = q;
    // values() of plain paths is cached too (annotations make `plain` false anyway).
    let plain = annotations.is_empty()
        && aliases.is_empty()
        && annotation_calls.is_empty()
        && for_update.is_none()
        && !*empty
        && select_related.is_empty()
        && group_by.is_none()
        && combinator.is_none()
        && distinct_on.is_empty();
    if !plain {
        return false;
    }
    put_str(key, d.name());
    match select {
        Select::Model => key.push(0),
        Select::Values(paths) => {
            key.push(1);
            put_u64(key, paths.len() as u64);
            for p in paths {
                put_str(key, p);
            }
        }
    }
    put_u64(key, std::ptr::from_ref(*model) as usize as u64);
    put_str(key, model.table);
    key.extend_from_slice(&[u8::from(*reversed), u8::from(*distinct)]);
    key.push(u8::from(limit.is_some()));
    put_u64(key, limit.unwrap_or(0));
    put_u64(key, *offset);
    match loading {
        Loading::All => key.push(0),
        Loading::Only(names) | Loading::Defer(names) => {
            key.push(if matches!(loading, Loading::Only(_)) { 1 } else { 2 });
            put_u64(key, names.len() as u64);
            names.iter().for_each(|n| put_str(key, n));
        }
    }
    match order_by {
        None => key.push(0),
        Some(keys) => {
            key.push(1);
            put_u64(key, keys.len() as u64);
            if !keys.iter().all(|k| write_order(key, k)) {
                return false;
            }
        }
    }
    write_node(key, filter, leaves)
}

fn write_order(key: &mut Vec<u8>, k: &OrderBy) -> bool {
    match &k.expr {
        OrderTarget::Random => key.push(0),
        OrderTarget::Expr(Expr::Col(path)) => {
            key.push(1);
            put_str(key, path);
        }
        OrderTarget::Expr(_) => return false,
    }
    key.push(u8::from(k.descending));
    key.push(k.nulls.map_or(0, |n| 1 + n as u8));
    true
}

fn write_node<'q>(key: &mut Vec<u8>, n: &'q QNode, leaves: &mut Leaves<'q>) -> bool {
    let (tag, children): (u8, &'q [QNode]) = match n {
        QNode::Leaf(l) => {
            if leaves.len == MAX_LEAVES {
                return false;
            }
            match &l.rhs {
                Rhs::Value(v) => {
                    let Some(tag) = value_tag(v) else { return false };
                    key.push(1);
                    put_str(key, &l.path);
                    key.push(tag);
                }
                // An `in` list: its length and each element's tag (which are NULL,
                // and their types, decide the SQL).
                Rhs::List(values) if values.len() <= MAX_LIST_LEN => {
                    key.push(7);
                    put_str(key, &l.path);
                    put_u64(key, values.len() as u64);
                    for v in values {
                        let Some(tag) = value_tag(v) else { return false };
                        key.push(tag);
                    }
                }
                _ => return false,
            }
            leaves.rhs[leaves.len] = Some(&l.rhs);
            leaves.len += 1;
            return true;
        }
        QNode::Not(inner) => {
            key.push(2);
            return write_node(key, inner, leaves);
        }
        QNode::Call(inner) => {
            key.push(3);
            return write_node(key, inner, leaves);
        }
        QNode::And(v) => (4, v),
        QNode::Or(v) => (5, v),
        QNode::Xor(v) => (6, v),
        QNode::Expr(_) | QNode::ExprLookup(_) => return false,
    };
    key.push(tag);
    put_u64(key, children.len() as u64);
    children.iter().all(|c| write_node(key, c, leaves))
}

/// What of a value the SQL may depend on: its type, NULL, and a boolean's value.
#[allow(unreachable_patterns)]
fn value_tag(v: &Value) -> Option<u8> {
    Some(match v {
        Value::Null => 0,
        Value::Bool(false) => 1,
        Value::Bool(true) => 2,
        Value::I64(_) => 3,
        Value::F64(_) => 4,
        Value::Text(_) => 5,
        Value::Bytes(_) => 6,
        Value::Decimal(_) => 7,
        Value::Date(_) => 8,
        Value::DateTime(_) => 9,
        Value::DateTimeUtc(_) => 10,
        Value::Time(_) => 11,
        Value::Duration(_) => 12,
        #[cfg(feature = "uuid")]
        Value::Uuid(_) => 13,
        // JSON documents (and anything newer) are not cached.
        _ => return None,
    })
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = text_hash(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
