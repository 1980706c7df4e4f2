//! Models without their Rust type: what eager loading walks when a `__` path names
//! the relations at run time.
//!
//! - [`AnyModel`]: an instance of some model (every [`Model`] is one), with its fields
//!   by index and its relation fields by name.
//! - [`RelationSlot`]: a relation field that can hold loaded objects
//!   ([`ForeignKey`](crate::ForeignKey), `Option<ForeignKey<T>>`,
//!   [`ManyToMany`](crate::ManyToMany), [`RelatedSet`](crate::RelatedSet)).
//! - [`ModelType`]: how to build an instance of a model from fetched cells, registered
//!   by `#[derive(Model)]` for every model, so a prefetch can load rows of a model it
//!   only knows by metadata (a reverse relation found in the registry).
//! - [`ObjList`] (`list.rs`): the rows of one prefetch level as a `Vec` of their own
//!   type, handed out to their parents in groups.

use std::any::Any;
use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::sync::OnceLock;

use ormolu_core::hash::TextBuildHasher;
use ormolu_core::meta::ModelMeta;
use ormolu_core::row::{RawRow, ValueRef};
use ormolu_core::{Error, Result, Value};

use crate::model::Model;

mod list;

pub(crate) use list::take_list;
pub use list::ObjList;

/// An instance of some model, its Rust type erased (object-safe).
///
/// Every [`Model`] implements it; eager loading uses it to decode related rows, reach
/// relation fields by name and store what it loaded.
pub trait AnyModel: Any + Send + Sync {
    /// The model's metadata.
    fn model_meta(&self) -> &'static ModelMeta;
    /// The value of field `index` (as [`Model::field_value`]).
    fn value_of(&self, index: usize) -> Value;
    /// Field `index` lent (as [`Model::field_ref`]): an integer key without a
    /// [`Value`] made and dropped.
    fn ref_of(&self, index: usize) -> ValueRef<'_>;
    /// Field `index` when it holds an integer (a key, usually), returned in
    /// registers; `None` for anything else, NULL included.
    fn int_of(&self, index: usize) -> Option<i64>;
    /// The relation field named `name` (as [`Model::relation_slot`]).
    fn slot(&mut self, name: &str) -> Option<&mut dyn RelationSlot>;
    /// The non-column relation fields of the model and the relation each holds (as
    /// [`Model::related_sets`]).
    fn related_sets(&self) -> &'static [(&'static str, &'static str)];
    /// A copy, boxed.
    fn clone_box(&self) -> Box<dyn AnyModel>;
    /// The instance as [`Any`], to take its Rust type back.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

impl<M: Model> AnyModel for M {
    fn model_meta(&self) -> &'static ModelMeta {
        M::meta()
    }
    fn value_of(&self, index: usize) -> Value {
        self.field_value(index)
    }
    fn ref_of(&self, index: usize) -> ValueRef<'_> {
        self.field_ref(index)
    }
    fn int_of(&self, index: usize) -> Option<i64> {
        match self.field_ref(index) {
            ValueRef::Int(n) | ValueRef::Value(Value::I64(n)) => Some(n),
            ValueRef::Ref(Value::I64(n)) => Some(*n),
            _ => None,
        }
    }
    fn slot(&mut self, name: &str) -> Option<&mut dyn RelationSlot> {
        self.relation_slot(name)
    }
    fn related_sets(&self) -> &'static [(&'static str, &'static str)] {
        M::related_sets()
    }
    fn clone_box(&self) -> Box<dyn AnyModel> {
        Box::new(self.clone())
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// Takes the Rust type back: `T` when `obj` is one, else an error naming both models.
pub fn downcast<T: Model>(obj: Box<dyn AnyModel>, what: &str) -> Result<T> {
    let got = obj.model_meta().name;
    obj.into_any()
        .downcast::<T>()
        .map(|b| *b)
        .map_err(|_| Error::Usage(format!("{what}: got {got} objects, but the field holds {} objects", T::meta().name)))
}

/// A relation field that holds eagerly loaded objects (object-safe): a foreign key
/// (one object), a many-to-many field or a [`RelatedSet`](crate::RelatedSet) (a list).
pub trait RelationSlot: Send + Sync {
    /// The model of the objects it holds.
    fn target(&self) -> &'static ModelMeta;
    /// Whether it holds a list (many-to-many, reverse relation) rather than one object.
    fn is_many(&self) -> bool;
    /// Stores loaded objects (for a foreign key: at most one; none leaves it unloaded).
    /// Objects of another model are an error.
    fn store(&mut self, objs: Vec<Box<dyn AnyModel>>) -> Result<()>;
    /// Stores a list of loaded objects of model `got`, given as an `Option<Vec<T>>`
    /// of the slot's own `T` (taken out of it) or, for a list slot, an
    /// `Option<Arc<[T]>>`: what [`ObjList`] hands out, with no box per object. A list
    /// of another model is an error.
    fn store_list(&mut self, got: &'static ModelMeta, list: &mut dyn Any) -> Result<()>;
}

/// Decodes an instance from fetched cells (as [`Model::from_values`]), boxed.
pub type DecodeFn = fn(&[usize], &mut dyn Iterator<Item = Value>) -> Result<Box<dyn AnyModel>>;

/// Decodes an instance from a row read in place (as [`Model::from_row`]), boxed.
pub type DecodeRowFn = fn(&[usize], &mut dyn RawRow, usize) -> Result<Box<dyn AnyModel>>;

/// A list of instances of one model, as `Vec<M>` behind [`Any`].
pub type AnyList = Box<dyn Any + Send + Sync>;

/// Makes an empty [`ObjList`] of the model.
pub type NewListFn = fn() -> Box<dyn ObjList>;

/// How to make instances of one model from fetched cells and collect them into a list,
/// without naming its type. `#[derive(Model)]` registers one per model.
pub struct ModelType {
    /// The model's metadata.
    pub meta: fn() -> &'static ModelMeta,
    /// [`Model::from_values`], boxed.
    pub decode: DecodeFn,
    /// [`Model::from_row`], boxed.
    pub decode_row: DecodeRowFn,
    /// An empty list of this model's instances, which prefetch levels load into (and
    /// hand out as a `Vec` of it, for
    /// [`PrefetchCache::get`](crate::PrefetchCache::get)).
    pub new_list: NewListFn,
}

fn decode_as<M: Model>(fields: &[usize], values: &mut dyn Iterator<Item = Value>) -> Result<Box<dyn AnyModel>> {
    Ok(Box::new(M::from_values(fields, values)?))
}

fn decode_row_as<M: Model>(fields: &[usize], row: &mut dyn RawRow, start: usize) -> Result<Box<dyn AnyModel>> {
    Ok(Box::new(M::from_row(fields, row, start)?))
}

impl ModelType {
    /// The entry of model `M` (what the derive registers).
    pub const fn of<M: Model>() -> Self {
        ModelType {
            meta: M::meta,
            decode: decode_as::<M>,
            decode_row: decode_row_as::<M>,
            new_list: list::new_list::<M>,
        }
    }
}

ormolu_core::registry::inventory::collect!(ModelType);

/// The Rust type registered for the model of `table`, if any.
pub fn model_type(table: &str) -> Option<&'static ModelType> {
    static MAP: OnceLock<HashMap<&'static str, &'static ModelType, TextBuildHasher>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::default();
        for t in ormolu_core::registry::inventory::iter::<ModelType> {
            map.entry((t.meta)().table).or_insert(t);
        }
        map
    })
    .get(table)
    .copied()
}

/// The registered type of `m`, or an error saying it has none.
pub(crate) fn model_type_of(m: &ModelMeta) -> Result<&'static ModelType> {
    model_type(m.table).ok_or_else(|| {
        Error::Usage(format!(
            "{} ({}) has no Rust type registered: only models made with #[derive(Model)] can be loaded by \
             select_related()/prefetch_related()",
            m.name, m.table
        ))
    })
}

/// A hashable form of a key value: integers (of any width, and booleans) compare
/// equal by value, text by its characters, anything else by its debug form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// An integer key.
    Int(i64),
    /// A text key.
    Text(String),
    /// Any other value.
    Other(String),
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Key::Int(n) => state.write_u64(*n as u64),
            Key::Text(s) => state.write(s.as_bytes()),
            Key::Other(s) => {
                state.write_u8(1);
                state.write(s.as_bytes());
            }
        }
    }
}

/// A map keyed by [`Key`]s: integer keys (the usual primary and foreign keys) hash
/// with one multiplication; text keys with the standard (DoS-resistant) hasher.
pub(crate) type KeyMap<V> = HashMap<Key, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The hasher of [`KeyMap`].
#[derive(Default)]
pub(crate) struct KeyHasher {
    int: Option<u64>,
    text: Option<std::hash::DefaultHasher>,
}

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let text = self.text.get_or_insert_with(|| TEXT_KEYS.build_hasher());
        text.write(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        // A multiplicative mix (the high bits move into the low ones hashbrown uses).
        let x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.int = Some(x ^ (x >> 29));
    }
    fn finish(&self) -> u64 {
        match (&self.text, self.int) {
            (Some(t), _) => t.finish(),
            (None, Some(i)) => i,
            (None, None) => 0,
        }
    }
}

/// The random keys of the text hasher, once per process.
static TEXT_KEYS: std::sync::LazyLock<std::hash::RandomState> = std::sync::LazyLock::new(std::hash::RandomState::new);

/// The [`Key`] of a lent value: the same key as [`key_of`] gives for the value.
pub(crate) fn key_of_ref(v: ValueRef<'_>) -> Key {
    match v {
        ValueRef::Int(n) => Key::Int(n),
        ValueRef::Text(s) => Key::Text(s.to_owned()),
        ValueRef::Ref(v) => key_of(v),
        other => key_of(&other.into_value()),
    }
}

/// The [`Key`] of a value.
pub(crate) fn key_of(v: &Value) -> Key {
    match v {
        Value::I64(n) => Key::Int(*n),
        Value::Bool(b) => Key::Int(i64::from(*b)),
        Value::Text(s) => Key::Text(s.clone()),
        other => Key::Other(format!("{other:?}")),
    }
}
