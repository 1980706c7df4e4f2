//! [`FieldValue`]: how a Rust type is stored in a column, and [`Auto`], the
//! auto-increment primary key that is unset until the row is saved.
//!
//! Implement [`FieldValue`] for your own type to make a custom field: it says
//! which storage type to use and converts on the way in and out (Django's
//! `get_prep_value` / `from_db_value`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use ormolu_core::meta::FieldType;
use ormolu_core::row::{RawRow, ValueRef};
use ormolu_core::{FromValue, Result, ToValue, Value};
use rust_decimal::Decimal;
use std::fmt;

/// A Rust type that can be a model field.
///
/// ```
/// use ormolu::{FieldValue, FieldType, Value, Result};
///
/// /// Text that is always stored upper-cased.
/// #[derive(Debug, Clone, Default, PartialEq)]
/// struct Upper(String);
///
/// impl FieldValue for Upper {
///     const TYPE: FieldType = FieldType::Char;
///     fn to_db(&self) -> Value { Value::Text(self.0.to_uppercase()) }
///     fn from_db(v: Value) -> Result<Self> { String::from_db(v).map(Upper) }
/// }
/// assert_eq!(Upper("abc".into()).to_db(), Value::Text("ABC".into()));
/// ```
pub trait FieldValue: Sized + Clone + Default + Send + Sync + 'static {
    /// The storage type.
    const TYPE: FieldType;
    /// Whether the column allows NULL (true for `Option<T>`).
    const NULL: bool = false;
    /// Whether the database generates the value (true for [`Auto`]).
    const AUTO: bool = false;
    /// The value to store.
    fn to_db(&self) -> Value;
    /// The value from a fetched cell.
    fn from_db(v: Value) -> Result<Self>;
    /// The value from a cell read in place (see [`ormolu_core::row`]). The default
    /// goes through [`FieldValue::from_db`]; the built-in types read the driver's
    /// cell directly (text is copied once, into the field).
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        Self::from_db(c.into_value())
    }
    /// The value from cell `index` of a row, read once ([`RawRow::take_cell`]). The
    /// default decodes the cell with [`FieldValue::from_cell`]; text fields take the
    /// driver's text as it is ([`RawRow::take_text`]).
    fn read(row: &mut dyn RawRow, index: usize) -> Result<Self> {
        Self::from_cell(row.take_cell(index)?)
    }
    /// [`FieldValue::read`] of a nullable column: `None` for NULL (what
    /// `Option<Self>` reads).
    fn read_opt(row: &mut dyn RawRow, index: usize) -> Result<Option<Self>> {
        ormolu_core::row::take_nullable(row, index, Self::from_cell)
    }
    /// The value to store, borrowed where that saves a copy: the built-in text and
    /// bytes fields lend their buffer (inserts bind it as it is). The default is
    /// [`FieldValue::to_db`].
    fn to_ref(&self) -> ValueRef<'_> {
        ValueRef::Value(self.to_db())
    }
}

/// Integers and floats: lent as the plain [`ValueRef`] cells (no [`Value`] to drop),
/// read as [`FromValue::take_from`] reads them (integers with [`RawRow::take_int`]).
macro_rules! number_field {
    ($($t:ty => $ft:ident as $cell:ident($conv:ty));* $(;)?) => {$(
        impl FieldValue for $t {
            const TYPE: FieldType = FieldType::$ft;
            fn to_db(&self) -> Value { self.to_value() }
            fn from_db(v: Value) -> Result<Self> { <$t as FromValue>::from_value(v) }
            fn from_cell(c: ValueRef<'_>) -> Result<Self> { <$t as FromValue>::from_cell(c) }
            fn read(row: &mut dyn RawRow, index: usize) -> Result<Self> {
                <$t as FromValue>::take_from(row, index)
            }
            fn read_opt(row: &mut dyn RawRow, index: usize) -> Result<Option<Self>> {
                <$t as FromValue>::take_opt_from(row, index)
            }
            fn to_ref(&self) -> ValueRef<'_> { ValueRef::$cell(<$conv>::from(*self)) }
        }
    )*};
}
number_field!(i16 => SmallInt as Int(i64); i32 => Int as Int(i64); i64 => BigInt as Int(i64);
    f32 => Float as Float(f64); f64 => Double as Float(f64));

/// The built-in fields: stored as their own [`Value`] variant. Those given a
/// [`ValueRef`] variant (`as Text`, `as Bytes`) own a buffer, which
/// [`FieldValue::to_ref`] lends.
macro_rules! plain_field {
    ($($t:ty => $ft:ident $(as $lend:ident)?),* $(,)?) => {$(
        impl FieldValue for $t {
            const TYPE: FieldType = FieldType::$ft;
            fn to_db(&self) -> Value { self.to_value() }
            fn from_db(v: Value) -> Result<Self> { <$t as FromValue>::from_value(v) }
            fn from_cell(c: ValueRef<'_>) -> Result<Self> { <$t as FromValue>::from_cell(c) }
            $(fn to_ref(&self) -> ValueRef<'_> { ValueRef::$lend(self) })?
        }
    )*};
}
plain_field!(bool => Bool, Decimal => Decimal, NaiveDate => Date, NaiveDateTime => DateTime,
    DateTime<Utc> => DateTime, NaiveTime => Time, TimeDelta => Duration, Vec<u8> => Bytes as Bytes);

/// Text: lent to inserts, and read from a row with [`RawRow::take_text`] (a driver's
/// own text buffer becomes the field).
impl FieldValue for String {
    const TYPE: FieldType = FieldType::Text;
    fn to_db(&self) -> Value {
        self.to_value()
    }
    fn from_db(v: Value) -> Result<Self> {
        <String as FromValue>::from_value(v)
    }
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        <String as FromValue>::from_cell(c)
    }
    fn read(row: &mut dyn RawRow, index: usize) -> Result<Self> {
        <String as FromValue>::take_from(row, index)
    }
    fn read_opt(row: &mut dyn RawRow, index: usize) -> Result<Option<Self>> {
        <String as FromValue>::take_opt_from(row, index)
    }
    fn to_ref(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
#[cfg(feature = "uuid")]
plain_field!(uuid::Uuid => Uuid);
#[cfg(feature = "json")]
plain_field!(serde_json::Value => Json);

impl<T: FieldValue> FieldValue for Option<T> {
    const TYPE: FieldType = T::TYPE;
    const NULL: bool = true;
    fn to_db(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_db)
    }
    fn from_db(v: Value) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_db(v).map(Some),
        }
    }
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        if c.is_null() {
            Ok(None)
        } else {
            T::from_cell(c).map(Some)
        }
    }
    fn read(row: &mut dyn RawRow, index: usize) -> Result<Self> {
        T::read_opt(row, index)
    }
    fn to_ref(&self) -> ValueRef<'_> {
        self.as_ref().map_or(ValueRef::Null, T::to_ref)
    }
}

/// An auto-increment primary key: unset until the row is inserted.
///
/// Setting it back to [`Auto::unset`] and saving inserts a copy, as Django does
/// with `pk = None`.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Auto<T>(Option<T>);

impl<T> Auto<T> {
    /// No value yet: saving inserts.
    pub const fn unset() -> Self {
        Auto(None)
    }
    /// A known value.
    pub const fn new(v: T) -> Self {
        Auto(Some(v))
    }
    /// The value, if set.
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
    /// Whether a value is set.
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }
}

impl<T: Copy> Auto<T> {
    /// The value; panics when unset (use [`Auto::get`] to check).
    pub fn value(&self) -> T {
        self.0.expect("primary key is not set: the instance was never saved")
    }
}

impl<T: fmt::Debug> fmt::Debug for Auto<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("<unset>"),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Auto<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("None"),
        }
    }
}

impl<T> From<T> for Auto<T> {
    fn from(v: T) -> Self {
        Auto(Some(v))
    }
}

impl<T: PartialEq> PartialEq<T> for Auto<T> {
    fn eq(&self, other: &T) -> bool {
        self.0.as_ref() == Some(other)
    }
}

impl<T: FieldValue> FieldValue for Auto<T> {
    const TYPE: FieldType = match T::TYPE {
        FieldType::Int | FieldType::SmallInt => FieldType::Auto,
        _ => FieldType::AutoBig,
    };
    const AUTO: bool = true;
    fn to_db(&self) -> Value {
        self.0.as_ref().map_or(Value::Null, T::to_db)
    }
    fn from_db(v: Value) -> Result<Self> {
        match v {
            Value::Null => Ok(Auto(None)),
            v => T::from_db(v).map(|x| Auto(Some(x))),
        }
    }
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        if c.is_null() {
            Ok(Auto(None))
        } else {
            T::from_cell(c).map(|x| Auto(Some(x)))
        }
    }
    fn read(row: &mut dyn RawRow, index: usize) -> Result<Self> {
        T::read_opt(row, index).map(Auto)
    }
    fn to_ref(&self) -> ValueRef<'_> {
        self.0.as_ref().map_or(ValueRef::Null, T::to_ref)
    }
}
