//! The [`Model`] trait that `#[derive(Model)]` implements.

use ormolu_core::meta::ModelMeta;
use ormolu_core::row::{RawRow, ValueRef};
use ormolu_core::{Result, Value};

use crate::erased::RelationSlot;
use crate::queryset::QuerySet;

/// A database table mapped to a Rust struct. Implement it with `#[derive(Model)]`.
///
/// The trait is the runtime side (metadata and value access by field index); the
/// derive also writes typed field paths (`User::username()`) used for typed filters.
pub trait Model: Sized + Clone + Send + Sync + 'static {
    /// The column type of a foreign key pointing at this model (its primary key's
    /// type, with auto-increment dropped).
    const KEY_TYPE: ormolu_core::meta::FieldType = ormolu_core::meta::FieldType::BigInt;

    /// The model's metadata (`_meta`): fields, columns, types, options.
    fn meta() -> &'static ModelMeta;

    /// Builds an instance from fetched cells. `fields` are the indexes (into
    /// `meta().fields`) of the cells in `values`, in order; fields not listed were
    /// deferred and take their type's default.
    fn from_values(fields: &[usize], values: &mut dyn Iterator<Item = Value>) -> Result<Self>;

    /// Builds an instance from a row read in place: the cells of `fields` (as in
    /// [`Model::from_values`]) start at cell `start` of `row`. The derive reads each
    /// cell straight into its field (no [`Value`] in between for the plain types);
    /// the default goes through [`Model::from_values`].
    fn from_row(fields: &[usize], row: &mut dyn RawRow, start: usize) -> Result<Self> {
        let values = (0..fields.len()).map(|i| row.value(start + i)).collect::<Result<Vec<_>>>()?;
        Self::from_values(fields, &mut values.into_iter())
    }

    /// The value of field `index` as stored.
    fn field_value(&self, index: usize) -> Value;

    /// Sets field `index` from a stored value (refresh, generated keys, auto_now).
    fn set_field_value(&mut self, index: usize, value: Value) -> Result<()>;

    /// The value of field `index` to bind, borrowed where that saves a copy (text and
    /// bytes: [`FieldValue::to_ref`](crate::FieldValue::to_ref)). Written by the
    /// derive; inserts of many objects bind their fields this way.
    fn field_ref(&self, index: usize) -> ValueRef<'_> {
        ValueRef::Value(self.field_value(index))
    }

    /// The relation field named `name` (a `ForeignKey`, `Option<ForeignKey>`,
    /// `ManyToMany` or `RelatedSet` field, by its Rust name), type-erased: where eager
    /// loading stores what it loaded (`select_related`, `prefetch_related`, `to_attr`).
    /// Written by the derive; `None` for any other name (and for hand-written models).
    fn relation_slot(&mut self, name: &str) -> Option<&mut dyn RelationSlot> {
        let _ = name;
        None
    }

    /// The model's [`RelatedSet`](crate::RelatedSet) fields and the reverse relation
    /// each holds, as `(field, relation)` pairs (`("orders", "orders")`, or
    /// `("my_orders", "orders")` with `#[ormolu(reverse = "orders")]`): where
    /// `prefetch_related("orders")` stores its rows. Written by the derive.
    fn related_sets() -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// Binds the relation managers of this instance (its `ManyToMany` and `RelatedSet`
    /// fields) to its primary key, so `entry.authors.add(&db, …)` knows which row it
    /// works for. Called by the derived `from_values` (every loaded instance) and
    /// `set_field_value` of the primary key (every insert and save); call it yourself
    /// after building an instance by hand with a known key.
    fn bind_relations(&mut self) {}

    /// The primary key's value (NULL when unset).
    fn pk_value(&self) -> Value {
        self.field_value(Self::meta().pk)
    }

    /// The model's manager: a QuerySet of every row.
    fn objects() -> QuerySet<Self> {
        QuerySet::new()
    }
}
