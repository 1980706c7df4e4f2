//! A per-thread cache of compiled statements by query *shape*: the statement's
//! structure with its values left out. Building the same QuerySet again with other
//! values (the usual case: a view filtering by a request's parameters, a `save()` of
//! another object, an `update()` with another value) reuses the SQL text and only
//! gathers the new values. SELECTs ([`select_plan`]) and UPDATEs ([`update_sql`]) are
//! cached.
//!
//! Correctness rests on two rules:
//!
//! - the key holds everything the SQL text may depend on: the kind of statement, the
//!   dialect, the model, every path, lookup, ordering key, slice, flag, and of each
//!   value its type, whether it is NULL and (for booleans, which `isnull` reads) the
//!   value itself; of an `in` list (up to [`MAX_LIST_LEN`] elements), its length and
//!   each element's type; of an UPDATE, each assigned field and the structure of its
//!   value (a value, an `F()` path, arithmetic of those). Statements with anything else
//!   (annotations, other expressions, subqueries, `select_related`, set operations…)
//!   are not cached (see `shape.rs`);
//! - a parameter is reproduced only as the compiler recorded making it: a copy of one
//!   lookup's value, its LIKE pattern, an element of its `in` list (or the list's
//!   non-NULL elements as one array), or a copy of a value in an assigned expression.
//!   A statement with any other parameter is not cached.
//!
//! The cache is bounded ([`MAX_ENTRIES`] per thread; full, it starts over).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::lookup_ops::like_value;
use super::sql::{Origin, Transform};
use super::{Assignment, Compiler, SelectPlan, Sql};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::hash::text_hash;
use crate::meta::FieldType;
use crate::query::{QNode, Query, Rhs};
use crate::value::Value;

mod shape;

/// How many shapes a thread keeps.
pub const MAX_ENTRIES: usize = 256;

/// Values beyond this many make a statement uncacheable (they are gathered on the
/// stack): a filter's lookups, plus an UPDATE's assigned values (`save()` assigns
/// every field).
const MAX_LEAVES: usize = 32;

/// An `in` list longer than this makes a query uncacheable: its entry would hold a
/// recipe step per element (and each length is its own shape), while compiling a
/// long list costs little next to running it.
pub const MAX_LIST_LEN: usize = 256;

/// The first byte of a key: which statement it is the shape of.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Kind {
    Select = 0,
    Update = 1,
}

/// The result columns of a cached SELECT (what a [`SelectPlan`] adds to its SQL).
struct Columns {
    fields: Arc<[usize]>,
    names: Arc<[String]>,
    types: Arc<[Option<FieldType>]>,
}

struct Entry {
    key: Vec<u8>,
    sql: Arc<str>,
    /// `Some` for a SELECT.
    columns: Option<Columns>,
    /// For each parameter: the value it is made from (by its place among the leaves)
    /// and how.
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

/// Where the values of a statement's shape come from: a lookup's right-hand side, or
/// a value in an assigned expression.
#[derive(Clone, Copy)]
enum Source<'q> {
    Rhs(&'q Rhs),
    Value(&'q Value),
}

impl Source<'_> {
    /// The address the compiler records in an [`Origin`].
    fn addr(self) -> usize {
        match self {
            Source::Rhs(r) => std::ptr::from_ref(r) as usize,
            Source::Value(v) => std::ptr::from_ref(v) as usize,
        }
    }
}

/// The values of a statement's shape, in the order the key was written.
struct Leaves<'q> {
    src: [Option<Source<'q>>; MAX_LEAVES],
    len: usize,
}

impl<'q> Leaves<'q> {
    fn new() -> Self {
        Leaves { src: [None; MAX_LEAVES], len: 0 }
    }
    /// Adds one; `false` when there is no room (the statement is then not cached).
    fn push(&mut self, s: Source<'q>) -> bool {
        let Some(slot) = self.src.get_mut(self.len) else { return false };
        *slot = Some(s);
        self.len += 1;
        true
    }
    fn get(&self, i: usize) -> Option<Source<'q>> {
        self.src.get(i).copied().flatten()
    }
    fn position(&self, addr: usize) -> Option<usize> {
        self.src[..self.len].iter().position(|s| s.is_some_and(|s| s.addr() == addr))
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
    let mut leaves = Leaves::new();
    let hit = lookup(Kind::Select, &mut leaves, |key, leaves| {
        shape::write_query(key, d, q, leaves)
            && extra.is_none_or(|x| {
                key.push(EXTRA_MARK);
                shape::write_node(key, x, leaves)
            })
    });
    let cacheable = match hit {
        Ok((sql, Some(columns))) => return Ok(select_of(sql, columns)),
        // A SELECT's key starts with its kind, so its entry has columns.
        Ok((_, None)) => true,
        Err(cacheable) => cacheable,
    };
    plan_missed(d, q, extra, &leaves, cacheable)
}

/// [`plan_of`] of a shape not cached (or not cacheable): compiled, and kept when
/// `cacheable`. Out of line (`#[cold]`): a repeated query runs only the lookup, in
/// fewer lines of code (docs/benchmarks.md, item 64).
#[cold]
#[inline(never)]
fn plan_missed(
    d: &'static dyn Dialect,
    q: &Query,
    extra: Option<&QNode>,
    leaves: &Leaves<'_>,
    cacheable: bool,
) -> Result<SelectPlan> {
    let Some(x) = extra else {
        return compile_and_keep(d, q, cacheable.then_some(leaves));
    };
    // Not seen before: compiled whole. Its leaves come in the same order (the base
    // query's, then the extra condition's: `and` appends), which the recipe relies on.
    let mut whole = q.clone();
    whole.filter = std::mem::take(&mut whole.filter).and(x.clone());
    let mut own = Leaves::new();
    let same = cacheable && shape::write_query(&mut Vec::new(), d, &whole, &mut own) && own.len == leaves.len;
    compile_and_keep(d, &whole, same.then_some(&own))
}

/// Compiles `q` and, given its leaves, keeps its recipe under the key just written.
fn compile_and_keep(d: &'static dyn Dialect, q: &Query, leaves: Option<&Leaves<'_>>) -> Result<SelectPlan> {
    let (plan, origins) = Compiler::new(d, q).select_traced()?;
    if let (Some(leaves), Some(origins)) = (leaves, origins) {
        let columns = Columns { fields: plan.fields.clone(), names: plan.names.clone(), types: plan.types.clone() };
        keep(&plan.sql, Some(columns), &origins, leaves);
    }
    Ok(plan)
}

/// Compiles `UPDATE` of the rows `q` matches with `assignments` for `d`, reusing the
/// SQL of an earlier update of the same shape (see the module documentation). The
/// result is what `Compiler::update` gives.
///
/// ```
/// use ormolu_core::compiler::{update_sql, Assignment, Compiler};
/// use ormolu_core::dialect::Postgres;
/// use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
/// use ormolu_core::query::{ArithOp, Expr, QNode, Query, Rhs};
/// use ormolu_core::Value;
///
/// let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
/// let fields = vec![id, FieldMeta::new("n", FieldType::BigInt)];
/// let meta: &'static ModelMeta = Box::leak(Box::new(ModelMeta::new("Counter", "app", "counter", fields)));
/// let update = |limit: i64, step: i64| {
///     let mut q = Query::new(meta);
///     q.filter = QNode::lookup("id__lte", Rhs::Value(Value::I64(limit)));
///     let set = [Assignment { field: "n".into(), value: Expr::col("n").arith(ArithOp::Add, Expr::value(step)) }];
///     (update_sql(&Postgres, &q, &set).unwrap(), Compiler::new(&Postgres, &q).update(&set).unwrap())
/// };
/// let (cached, compiled) = update(100, 1);
/// assert_eq!(&*cached.sql, r#"UPDATE "counter" SET "n" = ("counter"."n" + $1::bigint) WHERE "counter"."id" <= $2"#);
/// assert_eq!(cached, compiled);
/// // The same shape with other values: the SQL is reused, the values are the new ones.
/// let (cached, compiled) = update(7, 2);
/// assert_eq!(cached.params, vec![Value::I64(2), Value::I64(7)]);
/// assert_eq!(cached, compiled);
/// ```
pub fn update_sql(d: &'static dyn Dialect, q: &Query, assignments: &[Assignment]) -> Result<Sql> {
    let mut leaves = Leaves::new();
    let hit = lookup(Kind::Update, &mut leaves, |key, leaves| {
        shape::write_query(key, d, q, leaves) && shape::write_assignments(key, assignments, leaves)
    });
    let cacheable = match hit {
        Ok((sql, _)) => return Ok(sql),
        Err(cacheable) => cacheable,
    };
    let (sql, origins) = Compiler::new(d, q).update_traced(assignments)?;
    if let (true, Some(origins)) = (cacheable, origins) {
        keep(&sql, None, &origins, &leaves);
    }
    Ok(sql)
}

/// Writes the key of a statement of `kind` (`write` adds its shape and gathers its
/// leaves) and looks it up: the statement with this one's values when it was seen
/// before; otherwise `Err(cacheable)`, the key left in the cache's buffer for
/// [`keep`].
fn lookup<'q>(
    kind: Kind,
    leaves: &mut Leaves<'q>,
    write: impl FnOnce(&mut Vec<u8>, &mut Leaves<'q>) -> bool,
) -> Result<(Sql, Option<Columns>), bool> {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let c = &mut *c;
        c.key.clear();
        c.key.push(kind as u8);
        if !write(&mut c.key, leaves) {
            return Err(false);
        }
        // Keys are hashed eight bytes a step (`text_hash`; FNV-1a's byte a step cost
        // ~0.3 K instructions per statement on a 100-byte key).
        let hash = text_hash(&c.key);
        match c.map.get(&hash) {
            Some(e) if e.key == c.key => replay(e, leaves).ok_or(true),
            _ => Err(true),
        }
    })
}

/// Keeps `sql` under the key [`lookup`] just wrote, when each of its parameters is
/// one of `leaves` made as `origins` say.
fn keep(sql: &Sql, columns: Option<Columns>, origins: &[Option<Origin>], leaves: &Leaves<'_>) {
    let Some(recipe) = recipe(origins, leaves, &sql.params) else { return };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let key = c.key.clone();
        if c.map.len() >= MAX_ENTRIES {
            c.map.clear();
        }
        let entry = Entry { key, sql: sql.sql.clone(), columns, recipe };
        c.map.insert(text_hash(&entry.key), entry);
    });
}

/// How many shapes this thread's cache holds.
pub fn cached_shapes() -> usize {
    CACHE.with(|c| c.borrow().map.len())
}

/// The statement of a cached shape with this one's values (and, for a SELECT, its
/// columns).
fn replay(e: &Entry, leaves: &Leaves<'_>) -> Option<(Sql, Option<Columns>)> {
    let mut params = Vec::with_capacity(e.recipe.len());
    for &(i, t) in &e.recipe {
        params.push(apply(t, leaves.get(i)?)?);
    }
    let columns = e.columns.as_ref().map(|c| Columns {
        fields: c.fields.clone(),
        names: c.names.clone(),
        types: c.types.clone(),
    });
    Some((Sql { sql: e.sql.clone(), params }, columns))
}

fn select_of(sql: Sql, c: Columns) -> SelectPlan {
    SelectPlan { sql, fields: c.fields, names: c.names, related: Vec::new(), types: c.types }
}

/// Each parameter's leaf and transform, when every one was recorded and they give
/// back `params` exactly.
fn recipe(origins: &[Option<Origin>], leaves: &Leaves<'_>, params: &[Value]) -> Option<Vec<(usize, Transform)>> {
    let mut out = Vec::with_capacity(origins.len());
    for (o, p) in origins.iter().zip(params) {
        let o = (*o)?;
        let i = leaves.position(o.source)?;
        if apply(o.transform, leaves.get(i)?)? != *p {
            return None;
        }
        out.push((i, o.transform));
    }
    (out.len() == params.len()).then_some(out)
}

fn apply(t: Transform, src: Source<'_>) -> Option<Value> {
    let v = match (t, src) {
        (Transform::Value, Source::Value(v)) => return Some(v.clone()),
        (_, Source::Value(_)) => return None,
        (Transform::Element(i), Source::Rhs(Rhs::List(values))) => return values.get(i as usize).cloned(),
        (Transform::NonNullArray, Source::Rhs(Rhs::List(values))) => {
            return Some(Value::Array(values.iter().filter(|v| !v.is_null()).cloned().collect()))
        }
        (_, Source::Rhs(Rhs::Value(v))) => v,
        _ => return None,
    };
    Some(match (t, v) {
        (Transform::Value, v) => v.clone(),
        (Transform::Like(op), Value::Text(s)) => Value::Text(like_value(op, s)),
        (Transform::Text, Value::Text(s)) => Value::Text(s.clone()),
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
