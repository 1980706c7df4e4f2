//! Helpers for code written by `#[derive(Model)]` and `#[derive(Choices)]`; not an API.

use ormolu_core::meta::FieldType;
use ormolu_core::row::RawRow;
use ormolu_core::{Error, Result, Value};

use crate::field::FieldValue;

/// Decodes a fetched cell for `model.field`, naming them in the error.
pub fn decode<T: FieldValue>(v: Value, model: &str, field: &str) -> Result<T> {
    T::from_db(v).map_err(|e| match e {
        Error::Decode(msg) => Error::Decode(format!("{model}.{field}: {msg}")),
        e => e,
    })
}

/// Reads cell `index` of `row` for `model.field` ([`FieldValue::read`]), naming
/// them in the error.
#[inline]
pub fn read_field<T: FieldValue>(row: &mut dyn RawRow, index: usize, model: &str, field: &str) -> Result<T> {
    T::read(row, index).map_err(|e| match e {
        Error::Decode(msg) => Error::Decode(format!("{model}.{field}: {msg}")),
        e => e,
    })
}

/// The error for a row with fewer cells than fields asked for.
pub fn missing_value(model: &str, index: usize) -> Error {
    Error::Decode(format!("{model}: no value for field #{index} (the row has fewer cells than fields)"))
}

/// The error for a field index the model does not have.
pub fn bad_index(model: &str, index: usize) -> Error {
    Error::Usage(format!("{model} has no field #{index}"))
}

/// The error for a stored value that is not one of an enum's choices.
pub fn bad_choice(name: &str, got: &dyn std::fmt::Display, valid: &[(&str, &str)]) -> Error {
    let valid: Vec<&str> = valid.iter().map(|(v, _)| *v).collect();
    Error::Decode(format!("`{got}` is not a valid {name}; expected one of: {}", valid.join(", ")))
}

/// A field default (`#[ormolu(default = …)]`) as stored, type-checked against the field.
pub fn default_value<T, V: super::ValueParam<T>>(v: V) -> Value {
    v.into_value()
}

/// The column type of a foreign key pointing at a field of type `ty`: an
/// auto-increment key is stored as a plain integer of its width.
pub const fn key_type(ty: FieldType) -> FieldType {
    match ty {
        FieldType::AutoBig => FieldType::BigInt,
        FieldType::Auto => FieldType::Int,
        t => t,
    }
}
