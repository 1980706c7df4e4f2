//! [`Value`]: the one type every parameter and every fetched cell passes through,
//! and the [`ToValue`] / [`FromValue`] conversions between it and Rust types.
//!
//! Values never become SQL text: the compiler binds each one as a parameter. The
//! conversions of dates, times and durations are in `temporal.rs`; the feature-gated
//! variants (`Uuid`, `Json`) as backends bind and read them, in `ext.rs`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use std::fmt;

use crate::error::{Error, Result};
use crate::row::{RawRow, ValueRef};

mod ext;
mod temporal;

pub use ext::{uuid_text, UuidText};
pub use temporal::parse_datetime;

/// A database value: a bound parameter or a fetched cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer (stored narrower where the column is).
    I64(i64),
    /// A floating point number.
    F64(f64),
    /// Text.
    Text(String),
    /// Binary data.
    Bytes(Vec<u8>),
    /// An exact decimal.
    Decimal(Decimal),
    /// A calendar date.
    Date(NaiveDate),
    /// A date and time without time zone.
    DateTime(NaiveDateTime),
    /// A date and time in UTC.
    DateTimeUtc(DateTime<Utc>),
    /// A time of day.
    Time(NaiveTime),
    /// A duration (Django's DurationField).
    Duration(TimeDelta),
    /// A UUID.
    #[cfg(feature = "uuid")]
    Uuid(uuid::Uuid),
    /// A JSON document.
    #[cfg(feature = "json")]
    Json(serde_json::Value),
    /// A PostgreSQL array (Django's `ArrayField`): its elements, `Null` for a NULL
    /// element. Only PostgreSQL binds it; elsewhere binding is `Error::NotSupported`.
    Array(Vec<Value>),
}

impl Value {
    /// Whether this is SQL NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as a cell of an expression of type `ty` (Django's converters): what
    /// a backend returns for an expression is made the type the expression has — an
    /// average read as a decimal becomes a float, a sum read as a float a decimal (15
    /// significant digits, as Django's SQLite converter), a date read as text a date,
    /// an integer a boolean, JSON text a document. Values that do not convert are kept.
    pub fn convert_to(self, ty: crate::meta::FieldType) -> Value {
        use crate::meta::FieldType as T;
        match (self, ty) {
            (Value::Null, _) => Value::Null,
            (Value::Array(items), T::Array(e)) => Value::Array(items.into_iter().map(|v| v.convert_to(*e)).collect()),
            (Value::I64(i), T::Bool) => Value::Bool(i != 0),
            (Value::Decimal(d), t) if t.is_integer() && d.fract().is_zero() => {
                i64::try_from(d).map(Value::I64).unwrap_or(Value::Decimal(d))
            }
            (Value::F64(f), t) if t.is_integer() && f.fract() == 0.0 && f.abs() < 9.0e15 => Value::I64(f as i64),
            (Value::Text(s), t) if t.is_integer() => match s.trim().parse::<i64>() {
                Ok(i) => Value::I64(i),
                Err(_) => Value::Text(s),
            },
            (Value::Decimal(d), T::Float | T::Double) => Value::F64(d.to_string().parse::<f64>().unwrap_or(f64::NAN)),
            (Value::I64(i), T::Float | T::Double) => Value::F64(i as f64),
            (Value::Text(s), T::Float | T::Double) => match s.trim().parse::<f64>() {
                Ok(f) => Value::F64(f),
                Err(_) => Value::Text(s),
            },
            (Value::F64(f), T::Decimal) => match Decimal::from_scientific(&format!("{f:.14e}")) {
                Ok(d) => Value::Decimal(d.normalize()),
                Err(_) => Value::F64(f),
            },
            (Value::I64(i), T::Decimal) => Value::Decimal(Decimal::from(i)),
            (Value::Text(s), T::Decimal) => match s.trim().parse::<Decimal>() {
                Ok(d) => Value::Decimal(d),
                Err(_) => Value::Text(s),
            },
            (Value::Text(s), T::Date) => match NaiveDate::parse_from_str(&s[..s.len().min(10)], "%Y-%m-%d") {
                Ok(d) => Value::Date(d),
                Err(_) => Value::Text(s),
            },
            (Value::DateTime(d), T::Date) => Value::Date(d.date()),
            (Value::DateTimeUtc(d), T::Date) => Value::Date(d.date_naive()),
            (Value::Text(s), T::DateTime) => match parse_datetime(&s) {
                Some(d) => Value::DateTime(d),
                None => Value::Text(s),
            },
            (Value::Date(d), T::DateTime) => Value::DateTime(d.and_time(NaiveTime::MIN)),
            (Value::Text(s), T::Time) => match NaiveTime::parse_from_str(&s, "%H:%M:%S%.f") {
                Ok(t) => Value::Time(t),
                Err(_) => Value::Text(s),
            },
            (Value::I64(us), T::Duration) => Value::Duration(TimeDelta::microseconds(us)),
            (Value::Bytes(b), T::Char | T::Text) => match String::from_utf8(b) {
                Ok(s) => Value::Text(s),
                Err(e) => Value::Bytes(e.into_bytes()),
            },
            // SQLite extracts a key's string unquoted: not JSON text, the string itself
            // (Django's JSONField.from_db_value keeps it as it is).
            #[cfg(feature = "json")]
            (Value::Text(s), T::Json) => match serde_json::from_str(&s) {
                Ok(j) => Value::Json(j),
                Err(_) => Value::Json(serde_json::Value::String(s)),
            },
            #[cfg(feature = "json")]
            (Value::I64(i), T::Json) => Value::Json(i.into()),
            #[cfg(feature = "json")]
            (Value::F64(f), T::Json) => {
                serde_json::Number::from_f64(f).map_or(Value::F64(f), |n| Value::Json(serde_json::Value::Number(n)))
            }
            #[cfg(feature = "json")]
            (Value::Bool(b), T::Json) => Value::Json(b.into()),
            #[cfg(feature = "json")]
            (Value::Bytes(b), T::Json) => match serde_json::from_slice(&b) {
                Ok(j) => Value::Json(j),
                Err(_) => Value::Bytes(b),
            },
            (v, _) => v,
        }
    }

    /// A short name of the variant, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "bool",
            Value::I64(_) => "integer",
            Value::F64(_) => "float",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
            Value::Decimal(_) => "decimal",
            Value::Date(_) => "date",
            Value::DateTime(_) => "datetime",
            Value::DateTimeUtc(_) => "datetime (UTC)",
            Value::Time(_) => "time",
            Value::Duration(_) => "duration",
            #[cfg(feature = "uuid")]
            Value::Uuid(_) => "uuid",
            #[cfg(feature = "json")]
            Value::Json(_) => "json",
            Value::Array(_) => "array",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::I64(i) => write!(f, "{i}"),
            Value::F64(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "<{} bytes>", b.len()),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::DateTime(d) => write!(f, "{}", d.format("%Y-%m-%dT%H:%M:%S%.f")),
            Value::DateTimeUtc(d) => write!(f, "{}", d.to_rfc3339()),
            Value::Time(t) => write!(f, "{t}"),
            Value::Duration(d) => write!(f, "{d}"),
            #[cfg(feature = "uuid")]
            Value::Uuid(u) => write!(f, "{u}"),
            #[cfg(feature = "json")]
            Value::Json(j) => write!(f, "{j}"),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// `Error::NotSupported` when one of `params` is an array: only backends with
/// [`supports_array_fields`](crate::dialect::Features::supports_array_fields) bind them.
pub fn reject_arrays(params: &[Value], backend: &'static str) -> Result<()> {
    if params.iter().any(|v| matches!(v, Value::Array(_))) {
        return Err(Error::not_supported("binding an ArrayField value", backend));
    }
    Ok(())
}

/// [`reject_arrays`] of borrowed parameters.
pub fn reject_array_refs(params: &[ValueRef<'_>], backend: &'static str) -> Result<()> {
    if params.iter().any(|p| matches!(p.as_value(), Some(Value::Array(_)))) {
        return Err(Error::not_supported("binding an ArrayField value", backend));
    }
    Ok(())
}

/// Converts a Rust value into a [`Value`].
pub trait ToValue {
    /// The value to bind.
    fn to_value(&self) -> Value;
}

/// Converts a fetched [`Value`] back into a Rust value.
///
/// Conversions are lenient where databases store a type as another (SQLite keeps
/// dates as text and booleans as integers; MySQL returns decimals as text).
pub trait FromValue: Sized {
    /// Decodes the value, or says why it cannot.
    fn from_value(v: Value) -> Result<Self>;

    /// Decodes a cell read in place (see [`crate::row`]). The default goes through
    /// [`FromValue::from_value`]; the plain types read their storage class directly.
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        Self::from_value(c.into_value())
    }

    /// Reads cell `index` of a row read in place, once (see [`crate::row`]). The
    /// default decodes [`RawRow::take_cell`]; text and integers take the row's
    /// register paths ([`RawRow::take_text`], [`RawRow::take_int`]).
    fn take_from(row: &mut dyn RawRow, index: usize) -> Result<Self> {
        Self::from_cell(row.take_cell(index)?)
    }

    /// [`FromValue::take_from`] of a nullable cell (what `Option<Self>` reads):
    /// `None` for NULL.
    fn take_opt_from(row: &mut dyn RawRow, index: usize) -> Result<Option<Self>> {
        crate::row::take_nullable(row, index, Self::from_cell)
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl FromValue for Value {
    fn from_value(v: Value) -> Result<Self> {
        Ok(v)
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        if c.is_null() {
            Ok(None)
        } else {
            T::from_cell(c).map(Some)
        }
    }
    fn take_from(row: &mut dyn RawRow, index: usize) -> Result<Self> {
        T::take_opt_from(row, index)
    }
}

fn mismatch<T>(want: &'static str, got: &Value) -> Result<T> {
    Err(Error::Decode(format!("expected {want}, got {} ({got})", got.kind())))
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}
impl FromValue for bool {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Bool(b) => Ok(b),
            Value::I64(i) => Ok(i != 0),
            Value::Text(ref s) if s == "0" || s == "1" => Ok(s == "1"),
            other => mismatch("bool", &other),
        }
    }
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        match c {
            ValueRef::Int(i) => Ok(i != 0),
            c => Self::from_value(c.into_value()),
        }
    }
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value { Value::I64(i64::from(*self)) }
        }
        impl FromValue for $t {
            fn from_value(v: Value) -> Result<Self> {
                let i = match v {
                    Value::I64(i) => i,
                    Value::Bool(b) => i64::from(b),
                    Value::F64(f) if f.fract() == 0.0 => f as i64,
                    Value::Decimal(d) if d.fract().is_zero() => {
                        i64::try_from(d).map_err(|e| Error::Decode(e.to_string()))?
                    }
                    Value::Text(ref s) => match s.parse::<i64>() {
                        Ok(i) => i,
                        Err(_) => return mismatch(stringify!($t), &v),
                    },
                    other => return mismatch(stringify!($t), &other),
                };
                int_cell(i)
            }
            #[inline]
            fn from_cell(c: ValueRef<'_>) -> Result<Self> {
                match c {
                    ValueRef::Int(i) => int_cell(i),
                    c => Self::from_value(c.into_value()),
                }
            }
            fn take_from(row: &mut dyn RawRow, index: usize) -> Result<Self> {
                match row.take_int(index) {
                    Some(i) => int_cell(i),
                    None => Self::from_cell(row.take_cell(index)?),
                }
            }
            fn take_opt_from(row: &mut dyn RawRow, index: usize) -> Result<Option<Self>> {
                match row.take_int(index) {
                    Some(i) => int_cell(i).map(Some),
                    None => Option::<Self>::from_cell(row.take_cell(index)?),
                }
            }
        }
    )*};
}

/// An integer cell as `T`, or the error for one out of `T`'s range.
#[inline]
fn int_cell<T: TryFrom<i64>>(i: i64) -> Result<T> {
    T::try_from(i).map_err(|_| Error::Decode(format!("{i} out of range for {}", std::any::type_name::<T>())))
}
int_value!(i8, i16, i32, i64, u8, u16, u32);

impl ToValue for u64 {
    fn to_value(&self) -> Value {
        Value::I64(*self as i64)
    }
}
impl FromValue for u64 {
    fn from_value(v: Value) -> Result<Self> {
        let i = i64::from_value(v)?;
        u64::try_from(i).map_err(|_| Error::Decode(format!("{i} out of range for u64")))
    }
}

macro_rules! float_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value { Value::F64(f64::from(*self)) }
        }
        impl FromValue for $t {
            fn from_value(v: Value) -> Result<Self> {
                match v {
                    Value::F64(f) => Ok(f as $t),
                    Value::I64(i) => Ok(i as $t),
                    Value::Decimal(d) => Ok(d.to_string().parse::<f64>().unwrap_or(f64::NAN) as $t),
                    Value::Text(ref s) => s.parse::<$t>().or_else(|_| mismatch(stringify!($t), &v)),
                    other => mismatch(stringify!($t), &other),
                }
            }
            fn from_cell(c: ValueRef<'_>) -> Result<Self> {
                match c {
                    ValueRef::Float(f) => Ok(f as $t),
                    c => Self::from_value(c.into_value()),
                }
            }
        }
    )*};
}
float_value!(f32, f64);

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl FromValue for String {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Text(s) => Ok(s),
            Value::Bytes(b) => String::from_utf8(b).map_err(|e| Error::Decode(e.to_string())),
            Value::Null => mismatch("text", &Value::Null),
            other => Ok(match other {
                Value::Text(s) => s,
                v => v.to_string(),
            }),
        }
    }
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        match c {
            ValueRef::Text(s) => Ok(s.to_owned()),
            // Text a driver moved out of its row: the string itself, no copy.
            ValueRef::Value(Value::Text(s)) => Ok(s),
            ValueRef::Ref(Value::Text(s)) => Ok(s.clone()),
            c => Self::from_value(c.into_value()),
        }
    }
    fn take_from(row: &mut dyn RawRow, index: usize) -> Result<Self> {
        match row.take_text(index)? {
            Some(s) => Ok(s),
            None => mismatch("text", &Value::Null),
        }
    }
    fn take_opt_from(row: &mut dyn RawRow, index: usize) -> Result<Option<Self>> {
        row.take_text(index)
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Bytes(self.to_vec())
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Bytes(b) => Ok(b),
            Value::Text(s) => Ok(s.into_bytes()),
            other => mismatch("bytes", &other),
        }
    }
    fn from_cell(c: ValueRef<'_>) -> Result<Self> {
        match c {
            ValueRef::Bytes(b) => Ok(b.to_vec()),
            ValueRef::Text(s) => Ok(s.as_bytes().to_vec()),
            c => Self::from_value(c.into_value()),
        }
    }
}

impl ToValue for Decimal {
    fn to_value(&self) -> Value {
        Value::Decimal(*self)
    }
}
impl FromValue for Decimal {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Decimal(d) => Ok(d),
            Value::I64(i) => Ok(Decimal::from(i)),
            // Shortest round-trip text of the float, as Django's SQLite converter does.
            Value::F64(f) => f
                .to_string()
                .parse::<Decimal>()
                .or_else(|_| Decimal::from_scientific(&format!("{f:e}")).map_err(|e| Error::Decode(e.to_string()))),
            Value::Text(ref s) => {
                s.parse::<Decimal>().or_else(|_| Decimal::from_scientific(s)).or_else(|_| mismatch("decimal", &v))
            }
            other => mismatch("decimal", &other),
        }
    }
}

#[cfg(feature = "uuid")]
impl ToValue for uuid::Uuid {
    fn to_value(&self) -> Value {
        Value::Uuid(*self)
    }
}
#[cfg(feature = "uuid")]
impl FromValue for uuid::Uuid {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Uuid(u) => Ok(u),
            Value::Text(ref s) => uuid::Uuid::parse_str(s).or_else(|_| mismatch("uuid", &v)),
            Value::Bytes(ref b) => uuid::Uuid::from_slice(b).or_else(|_| mismatch("uuid", &v)),
            other => mismatch("uuid", &other),
        }
    }
}

#[cfg(feature = "json")]
impl ToValue for serde_json::Value {
    fn to_value(&self) -> Value {
        Value::Json(self.clone())
    }
}
#[cfg(feature = "json")]
impl FromValue for serde_json::Value {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Json(j) => Ok(j),
            Value::Text(s) => serde_json::from_str(&s).map_err(|e| Error::Decode(e.to_string())),
            Value::Bytes(b) => serde_json::from_slice(&b).map_err(|e| Error::Decode(e.to_string())),
            Value::I64(i) => Ok(serde_json::Value::from(i)),
            Value::F64(f) => Ok(serde_json::Value::from(f)),
            Value::Bool(b) => Ok(serde_json::Value::from(b)),
            other => mismatch("json", &other),
        }
    }
}

macro_rules! from_into_value {
    ($($t:ty => $var:ident $(($conv:expr))?),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value { Value::$var($($conv)?(v).into()) }
        }
    )*};
}
from_into_value!(bool => Bool, i32 => I64, i64 => I64, i16 => I64, u32 => I64, f64 => F64,
    String => Text, Decimal => Decimal, NaiveDate => Date, NaiveDateTime => DateTime,
    NaiveTime => Time, TimeDelta => Duration, Vec<u8> => Bytes);
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}
