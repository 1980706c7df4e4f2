//! Array fields (Django's `django.contrib.postgres.fields.ArrayField`, PostgreSQL
//! only): a model field of type `Vec<T>` (or `Option<Vec<T>>`) for every
//! [`ArrayElement`] `T` is stored as a `T[]` column. `Vec<u8>` stays the bytes field.
//!
//! ```
//! use ormolu::prelude::*;
//!
//! #[derive(Model, Debug, Clone, Default)]
//! struct Post {
//!     id: Auto<i64>,
//!     #[ormolu(max_length = 20)]
//!     tags: Vec<String>,          // varchar(20)[]
//!     scores: Option<Vec<i32>>,   // integer[] NULL
//! }
//!
//! let q = Post::tags().contains(vec!["rust"]) & Post::scores().len().gt(2);
//! # let _ = q;
//! ```
//!
//! On SQLite and MySQL/MariaDB, creating such a table or filtering on it is
//! `Error::NotSupported`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use ormolu_core::meta::FieldType;
use ormolu_core::{Error, Result, Value};
use rust_decimal::Decimal;

use crate::field::FieldValue;

/// A type that can be the element of an array field (`Vec<Self>`). `Option<T>`
/// elements may be NULL.
pub trait ArrayElement: FieldValue {
    /// The element's storage type.
    const ELEMENT: &'static FieldType;
}

macro_rules! elements {
    ($($t:ty => $ft:ident),* $(,)?) => {$(
        impl ArrayElement for $t {
            const ELEMENT: &'static FieldType = &FieldType::$ft;
        }
    )*};
}
elements!(bool => Bool, i16 => SmallInt, i32 => Int, i64 => BigInt, f32 => Float, f64 => Double,
    String => Text, Decimal => Decimal, NaiveDate => Date, NaiveDateTime => DateTime,
    DateTime<Utc> => DateTime, NaiveTime => Time, TimeDelta => Duration);
#[cfg(feature = "uuid")]
elements!(uuid::Uuid => Uuid);

impl<T: ArrayElement> ArrayElement for Option<T> {
    const ELEMENT: &'static FieldType = T::ELEMENT;
}

impl<T: ArrayElement> FieldValue for Vec<T> {
    const TYPE: FieldType = FieldType::Array(T::ELEMENT);
    fn to_db(&self) -> Value {
        Value::Array(self.iter().map(FieldValue::to_db).collect())
    }
    fn from_db(v: Value) -> Result<Self> {
        match v {
            Value::Array(items) => items.into_iter().map(T::from_db).collect(),
            other => Err(Error::Decode(format!("expected an array, got {} ({other})", other.kind()))),
        }
    }
}

/// The storage type of an array field with a `max_length`: its text elements are
/// `varchar(n)` (what `#[derive(Model)]` writes for `#[ormolu(max_length = n)]`).
#[doc(hidden)]
pub const fn char_elements(ty: FieldType) -> FieldType {
    match ty {
        FieldType::Array(FieldType::Text) => FieldType::Array(&FieldType::Char),
        t => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_arrays_and_bytes_stay_bytes() {
        assert_eq!(<Vec<i32> as FieldValue>::TYPE, FieldType::Array(&FieldType::Int));
        assert_eq!(<Option<Vec<String>> as FieldValue>::TYPE, FieldType::Array(&FieldType::Text));
        assert_eq!(<Vec<u8> as FieldValue>::TYPE, FieldType::Bytes);
        let v = vec![Some(1_i64), None];
        assert_eq!(v.to_db(), Value::Array(vec![Value::I64(1), Value::Null]));
        assert_eq!(Vec::<Option<i64>>::from_db(v.to_db()).unwrap(), v);
        assert!(Vec::<i32>::from_db(Value::I64(1)).is_err());
        assert_eq!(char_elements(<Vec<String>>::TYPE), FieldType::Array(&FieldType::Char));
    }
}
