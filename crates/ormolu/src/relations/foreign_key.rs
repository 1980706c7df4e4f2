//! [`ForeignKey`] (many-to-one) and [`OneToOne`]: the related row's key, and the
//! related object when it was loaded with the query.

use std::fmt;
use std::sync::Arc;

use ormolu_core::meta::{FieldType, ModelMeta};
use ormolu_core::{Error, FromValue, Result, Value};

use crate::erased::{downcast, take_list, AnyModel, RelationSlot};
use crate::executor::Executor;
use crate::field::FieldValue;
use crate::model::Model;
use crate::typed::Related;

/// A many-to-one relation to `T` (Django's `ForeignKey`). Use `Option<ForeignKey<T>>`
/// for a nullable one. The column is `<field>_id`.
pub struct ForeignKey<T: Model> {
    id: Value,
    obj: Option<Arc<T>>,
}

/// A one-to-one relation to `T` (Django's `OneToOneField`): a unique foreign key.
///
/// The same type as [`ForeignKey`]; `#[derive(Model)]` reads the spelling `OneToOne<T>`
/// (or the option `#[ormolu(one_to_one)]` on a `ForeignKey<T>`) and makes the column unique.
pub type OneToOne<T> = ForeignKey<T>;

impl<T: Model> ForeignKey<T> {
    /// A reference to the row with this key.
    pub fn new(id: impl Into<Value>) -> Self {
        ForeignKey { id: id.into(), obj: None }
    }

    /// A reference to a saved object (keeps the object as the loaded value). The key is
    /// the object's primary key (for a `to_field` relation, use [`ForeignKey::new`]).
    pub fn to(obj: &T) -> Self {
        ForeignKey { id: obj.pk_value(), obj: Some(Arc::new(obj.clone())) }
    }

    /// The related row's key, without a query.
    pub fn id(&self) -> &Value {
        &self.id
    }

    /// The related row's key as a Rust type.
    pub fn id_as<K: FromValue>(&self) -> Result<K> {
        K::from_value(self.id.clone())
    }

    /// The related object, when it was loaded with the query.
    pub fn get(&self) -> Option<&T> {
        self.obj.as_deref()
    }

    /// Stores a loaded related object (used by eager loading).
    pub fn set_loaded(&mut self, obj: T) {
        self.obj = Some(Arc::new(obj));
    }

    /// The related object: the loaded one, or one query by primary key.
    pub async fn fetch(&self, exec: &(impl Executor + ?Sized)) -> Result<T> {
        if let Some(o) = &self.obj {
            return Ok((**o).clone());
        }
        if self.id.is_null() {
            return Err(Error::DoesNotExist { model: T::meta().name });
        }
        T::objects().get_pk(exec, self.id.clone()).await
    }
}

impl<T: Model> Clone for ForeignKey<T> {
    fn clone(&self) -> Self {
        ForeignKey { id: self.id.clone(), obj: self.obj.clone() }
    }
}

impl<T: Model> Default for ForeignKey<T> {
    fn default() -> Self {
        ForeignKey { id: Value::Null, obj: None }
    }
}

impl<T: Model> PartialEq for ForeignKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T: Model> fmt::Debug for ForeignKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ForeignKey<{}>({})", T::meta().name, self.id)
    }
}

impl<T: Model> FieldValue for ForeignKey<T> {
    const TYPE: FieldType = T::KEY_TYPE;
    fn to_db(&self) -> Value {
        self.id.clone()
    }
    fn from_db(v: Value) -> Result<Self> {
        Ok(ForeignKey { id: v, obj: None })
    }
    /// An integer key is read without a [`ormolu_core::row::ValueRef`] in between.
    fn read(row: &mut dyn ormolu_core::row::RawRow, index: usize) -> Result<Self> {
        match row.take_int(index) {
            Some(n) => Ok(ForeignKey { id: Value::I64(n), obj: None }),
            None => Self::from_cell(row.take_cell(index)?),
        }
    }
    fn to_ref(&self) -> ormolu_core::row::ValueRef<'_> {
        ormolu_core::row::ValueRef::Ref(&self.id)
    }
}

impl<T: Model> From<i64> for ForeignKey<T> {
    fn from(id: i64) -> Self {
        ForeignKey::new(id)
    }
}

impl<T: Model> From<i32> for ForeignKey<T> {
    fn from(id: i32) -> Self {
        ForeignKey::new(id)
    }
}

impl<T: Model> From<&T> for ForeignKey<T> {
    fn from(obj: &T) -> Self {
        ForeignKey::to(obj)
    }
}

/// `blog__name`: a path continues on the related model.
impl<T: Model> Related for ForeignKey<T> {
    type Target = T;
}

/// `author__name` on a nullable relation.
impl<T: Model> Related for Option<ForeignKey<T>> {
    type Target = T;
}

/// Eager loading stores the related object here (`select_related`, `prefetch_related`).
impl<T: Model> RelationSlot for ForeignKey<T> {
    fn target(&self) -> &'static ModelMeta {
        T::meta()
    }
    fn is_many(&self) -> bool {
        false
    }
    fn store(&mut self, objs: Vec<Box<dyn AnyModel>>) -> Result<()> {
        let obj = at_most_one::<T, _>(objs)?;
        if let Some(o) = obj {
            self.set_loaded(downcast::<T>(o, "eager loading")?);
        }
        Ok(())
    }
    fn store_list(&mut self, got: &'static ModelMeta, list: &mut dyn std::any::Any) -> Result<()> {
        if let Some(o) = at_most_one::<T, _>(take_list::<T>(got, list)?)? {
            self.set_loaded(o);
        }
        Ok(())
    }
}

/// The one object a foreign key holds, if any; more than one is an error.
fn at_most_one<T: Model, O>(objs: Vec<O>) -> Result<Option<O>> {
    if objs.len() > 1 {
        return Err(Error::Usage(format!(
            "a ForeignKey<{}> holds one object, not {} (to_attr on a foreign key field?)",
            T::meta().name,
            objs.len()
        )));
    }
    Ok(objs.into_iter().next())
}

/// A nullable foreign key: stores into the key when it is set (a NULL key has no object).
impl<T: Model> RelationSlot for Option<ForeignKey<T>> {
    fn target(&self) -> &'static ModelMeta {
        T::meta()
    }
    fn is_many(&self) -> bool {
        false
    }
    fn store(&mut self, objs: Vec<Box<dyn AnyModel>>) -> Result<()> {
        match self {
            Some(fk) => fk.store(objs),
            None => Ok(()),
        }
    }
    fn store_list(&mut self, got: &'static ModelMeta, list: &mut dyn std::any::Any) -> Result<()> {
        match self {
            Some(fk) => fk.store_list(got, list),
            None => Ok(()),
        }
    }
}
