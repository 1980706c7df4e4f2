//! Binding [`Value`]s as parameters: [`PgParam`] (and borrowed cells:
//! [`PgRefParam`]).
//!
//! Every statement is prepared, so the server says which type each `$n` has; the
//! value is then written in that type's binary format. An integer bound to
//! `EXTRACT(YEAR FROM d) = $1` goes out as `numeric`, to `d::text LIKE $1` as text.
//! A pairing that cannot work (a date for a `boolean`) is a [`ParamError`], which
//! tokio-postgres reports as a serialization error (mapped to `Error::Database`).

use std::fmt;

use bytes::{BufMut, BytesMut};
use chrono::NaiveTime;
use ormolu_core::row::ValueRef;
use ormolu_core::Value;
use rust_decimal::Decimal;
use tokio_postgres::types::{to_sql_checked, IsNull, Kind, ToSql, Type};

use crate::pgtype::{classify, PgKind};
use crate::{interval, text};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// A [`Value`] bound as whatever type the prepared statement expects.
///
/// `accepts` says yes to every type; `to_sql` converts or fails with a [`ParamError`].
#[derive(Debug, Clone, Copy)]
pub struct PgParam<'a>(pub &'a Value);

impl ToSql for PgParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if self.0.is_null() {
            return Ok(IsNull::Yes);
        }
        let encoded = match (self.0, ty.kind()) {
            (Value::Array(items), Kind::Array(elem)) => {
                let kind = classify(elem);
                crate::array::encode(items, elem, out, |v, buf| encode(v, kind, buf))
            }
            (v, _) => encode(v, classify(ty), out),
        };
        finish(encoded, variant_name(self.0), ty)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// The outcome of writing a non-NULL parameter of variant `value` as `ty`.
fn finish(encoded: Enc, value: &'static str, ty: &Type) -> Result<IsNull, BoxError> {
    match encoded {
        Ok(()) => Ok(IsNull::No),
        Err(reason) => Err(Box::new(ParamError { value, pg_type: ty.name().to_string(), reason })),
    }
}

/// A borrowed parameter ([`ValueRef`]) bound as the statement expects, as
/// [`PgParam`] binds a [`Value`]: text and bytes are written from the caller's
/// buffers, without a copy into a `Value` first.
#[derive(Debug, Clone, Copy)]
pub struct PgRefParam<'a>(pub &'a ValueRef<'a>);

impl ToSql for PgRefParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            ValueRef::Null => Ok(IsNull::Yes),
            ValueRef::Value(v) => PgParam(v).to_sql(ty, out),
            ValueRef::Ref(v) => PgParam(v).to_sql(ty, out),
            ValueRef::Int(i) => PgParam(&Value::I64(*i)).to_sql(ty, out),
            ValueRef::Float(f) => PgParam(&Value::F64(*f)).to_sql(ty, out),
            ValueRef::Text(s) => finish(parse_text(s, classify(ty), out), "Value::Text", ty),
            ValueRef::Bytes(b) if classify(ty) == PgKind::Bytea => {
                out.put_slice(b);
                Ok(IsNull::No)
            }
            ValueRef::Bytes(b) => PgParam(&Value::Bytes(b.to_vec())).to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A value that cannot be bound as the parameter type the server expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// The [`Value`] variant, e.g. `Value::Date`.
    pub value: &'static str,
    /// The PostgreSQL type of the parameter, e.g. `bool`.
    pub pg_type: String,
    /// Why the value does not fit, when the pairing itself is possible (out of range,
    /// unparsable text).
    pub reason: Option<String>,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot bind {} as PostgreSQL type `{}`", self.value, self.pg_type)?;
        if let Some(r) = &self.reason {
            write!(f, ": {r}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParamError {}

/// The variant name of `v`, for messages.
fn variant_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "Value::Null",
        Value::Bool(_) => "Value::Bool",
        Value::I64(_) => "Value::I64",
        Value::F64(_) => "Value::F64",
        Value::Text(_) => "Value::Text",
        Value::Bytes(_) => "Value::Bytes",
        Value::Decimal(_) => "Value::Decimal",
        Value::Date(_) => "Value::Date",
        Value::DateTime(_) => "Value::DateTime",
        Value::DateTimeUtc(_) => "Value::DateTimeUtc",
        Value::Time(_) => "Value::Time",
        Value::Duration(_) => "Value::Duration",
        Value::Array(_) => "Value::Array",
        // `Uuid` and `Json`: present when any crate of the build enables ormolu-core's
        // features (`ormolu_core::value`).
        #[allow(unreachable_patterns)]
        other if other.uuid_bytes().is_some() => "Value::Uuid",
        #[allow(unreachable_patterns)]
        other if other.json_text().is_some() => "Value::Json",
        #[allow(unreachable_patterns)]
        _ => "Value",
    }
}

/// `Err(None)`: the pairing is impossible; `Err(Some(why))`: this value does not fit.
type Enc = Result<(), Option<String>>;

/// Writes non-NULL `v` as type family `k`.
fn encode(v: &Value, k: PgKind, out: &mut BytesMut) -> Enc {
    use PgKind as K;
    match (v, k) {
        (Value::I64(i), _) => return int(*i, k, out),
        (Value::Text(s), _) => return parse_text(s, k, out),
        (Value::F64(f), K::Float4) => out.put_f32(*f as f32),
        (Value::F64(f), K::Float8) => out.put_f64(*f),
        (Value::F64(f), K::Numeric) => {
            let d =
                text::parse_decimal(&f.to_string()).ok_or_else(|| Some(format!("{f} has no exact decimal value")))?;
            return numeric(d, out);
        }
        (Value::Bool(b), K::Bool) => out.put_u8(u8::from(*b)),
        (Value::Decimal(d), K::Numeric) => return numeric(*d, out),
        (Value::Decimal(d), K::Float8) => out.put_f64(decimal_f64(d)),
        (Value::Decimal(d), K::Float4) => out.put_f32(decimal_f64(d) as f32),
        (Value::Date(d), K::Date) => return driver_sql(d, &Type::DATE, out),
        (Value::Date(d), K::Timestamp) => return driver_sql(&d.and_time(NaiveTime::MIN), &Type::TIMESTAMP, out),
        (Value::Date(d), K::Timestamptz) => {
            return driver_sql(&d.and_time(NaiveTime::MIN).and_utc(), &Type::TIMESTAMPTZ, out)
        }
        (Value::DateTime(d), K::Timestamp) => return driver_sql(d, &Type::TIMESTAMP, out),
        (Value::DateTime(d), K::Timestamptz) => return driver_sql(&d.and_utc(), &Type::TIMESTAMPTZ, out),
        (Value::DateTimeUtc(d), K::Timestamptz) => return driver_sql(d, &Type::TIMESTAMPTZ, out),
        (Value::DateTimeUtc(d), K::Timestamp) => return driver_sql(&d.naive_utc(), &Type::TIMESTAMP, out),
        (Value::Time(t), K::Time) => return driver_sql(t, &Type::TIME, out),
        (Value::Duration(d), K::Interval) => {
            let raw = interval::encode(*d).ok_or_else(|| Some("too long for an interval".into()))?;
            out.put_slice(&raw);
        }
        (Value::Duration(d), K::Int8) => {
            let us = d.num_microseconds().ok_or_else(|| Some("too long in microseconds".into()))?;
            out.put_i64(us);
        }
        (Value::Bytes(b), K::Bytea) => out.put_slice(b),
        // `Uuid` and `Json`: present when any crate of the build enables ormolu-core's
        // features (`ormolu_core::value`).
        (v, K::Uuid) => out.put_slice(&v.uuid_bytes().ok_or(None)?),
        (v, K::Json | K::Jsonb) => return parse_text(&v.json_text().ok_or(None)?, k, out),
        (_, K::Text) => match text::value_text(v) {
            Some(s) => out.put_slice(s.as_bytes()),
            None => return Err(None),
        },
        _ => return Err(None),
    }
    Ok(())
}

/// An integer as any numeric type, or as its text.
fn int(i: i64, k: PgKind, out: &mut BytesMut) -> Enc {
    let range = |name: &str| Some(format!("{i} is out of range for {name}"));
    match k {
        PgKind::Int2 => out.put_i16(i16::try_from(i).map_err(|_| range("smallint"))?),
        PgKind::Int4 => out.put_i32(i32::try_from(i).map_err(|_| range("integer"))?),
        PgKind::Int8 => out.put_i64(i),
        PgKind::Oid => out.put_u32(u32::try_from(i).map_err(|_| range("oid"))?),
        PgKind::Float4 => out.put_f32(i as f32),
        PgKind::Float8 => out.put_f64(i as f64),
        PgKind::Numeric => return numeric(Decimal::from(i), out),
        PgKind::Text => out.put_slice(i.to_string().as_bytes()),
        _ => return Err(None),
    }
    Ok(())
}

/// Text parsed into the parameter's type (a UUID, a date, a number given as text, …).
fn parse_text(s: &str, k: PgKind, out: &mut BytesMut) -> Enc {
    use PgKind as K;
    let bad = |what: &str| Some(format!("`{s}` is not a valid {what}"));
    match k {
        K::Text | K::Bytea => out.put_slice(s.as_bytes()),
        K::Char if s.len() <= 1 => out.put_slice(s.as_bytes()),
        K::Json => out.put_slice(s.as_bytes()),
        K::Jsonb => {
            out.put_u8(1); // jsonb binary format version
            out.put_slice(s.as_bytes());
        }
        K::Uuid => out.put_slice(&text::parse_uuid(s).ok_or_else(|| bad("UUID"))?),
        K::Bool => out.put_u8(u8::from(text::parse_bool(s).ok_or_else(|| bad("boolean"))?)),
        K::Int2 | K::Int4 | K::Int8 | K::Oid => return int(s.trim().parse().map_err(|_| bad("integer"))?, k, out),
        K::Float4 => out.put_f32(text::parse_float(s).ok_or_else(|| bad("number"))? as f32),
        K::Float8 => out.put_f64(text::parse_float(s).ok_or_else(|| bad("number"))?),
        K::Numeric => return numeric(text::parse_decimal(s).ok_or_else(|| bad("decimal"))?, out),
        K::Date => return driver_sql(&text::parse_date(s).ok_or_else(|| bad("date"))?, &Type::DATE, out),
        K::Timestamp => {
            let d = text::parse_datetime(s).ok_or_else(|| bad("timestamp"))?;
            return driver_sql(&d, &Type::TIMESTAMP, out);
        }
        K::Timestamptz => {
            let d = text::parse_datetime_utc(s).ok_or_else(|| bad("timestamp"))?;
            return driver_sql(&d, &Type::TIMESTAMPTZ, out);
        }
        K::Time => return driver_sql(&text::parse_time(s).ok_or_else(|| bad("time"))?, &Type::TIME, out),
        _ => return Err(None),
    }
    Ok(())
}

fn numeric(d: Decimal, out: &mut BytesMut) -> Enc {
    driver_sql(&d, &Type::NUMERIC, out)
}

fn decimal_f64(d: &Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// Delegates to a driver `ToSql` impl (chrono types, `Decimal`) for a built-in type.
fn driver_sql<T: ToSql>(v: &T, ty: &Type, out: &mut BytesMut) -> Enc {
    v.to_sql(ty, out).map(drop).map_err(|e| Some(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn bind(v: Value, ty: Type) -> Result<Vec<u8>, String> {
        let mut out = BytesMut::new();
        PgParam(&v).to_sql_checked(&ty, &mut out).map_err(|e| e.to_string())?;
        Ok(out.to_vec())
    }

    #[test]
    fn integers_fit_the_parameter() {
        assert_eq!(bind(Value::I64(7), Type::INT2).unwrap(), vec![0, 7]);
        assert_eq!(bind(Value::I64(7), Type::INT4).unwrap(), vec![0, 0, 0, 7]);
        assert_eq!(bind(Value::I64(7), Type::TEXT).unwrap(), b"7".to_vec());
        assert_eq!(bind(Value::I64(7), Type::UNKNOWN).unwrap(), b"7".to_vec());
        assert!(bind(Value::I64(7), Type::NUMERIC).is_ok());
        let e = bind(Value::I64(70_000), Type::INT2).unwrap_err();
        assert!(e.contains("out of range for smallint"), "{e}");
    }

    #[test]
    fn impossible_pairings_name_both_sides() {
        let e = bind(Value::Date(chrono::NaiveDate::MIN), Type::BOOL).unwrap_err();
        assert_eq!(e, "cannot bind Value::Date as PostgreSQL type `bool`");
        let e = bind(Value::Text("nope".into()), Type::UUID).unwrap_err();
        assert!(e.contains("`nope` is not a valid UUID"), "{e}");
    }

    #[test]
    fn durations_and_nulls() {
        let us = bind(Value::Duration(TimeDelta::microseconds(5)), Type::INTERVAL).unwrap();
        assert_eq!(us, [0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(bind(Value::Duration(TimeDelta::seconds(1)), Type::INT8).unwrap().len(), 8);
        let mut out = BytesMut::new();
        let null = PgParam(&Value::Null).to_sql_checked(&Type::INET, &mut out).unwrap();
        assert!(matches!(null, IsNull::Yes));
    }

    #[test]
    fn arrays_of_the_element_type() {
        let v = Value::Array(vec![Value::Text("a".into()), Value::Null]);
        let raw = bind(v, Type::VARCHAR_ARRAY).unwrap();
        assert_eq!(&raw[..12], &[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 4, 19]);
        let e = bind(Value::Array(vec![Value::Bool(true)]), Type::DATE_ARRAY).unwrap_err();
        assert!(e.contains("Value::Array"), "{e}");
        assert!(bind(Value::Array(vec![]), Type::TEXT).is_err());
    }

    #[test]
    fn text_into_typed_parameters() {
        assert_eq!(bind(Value::Text("{}".into()), Type::JSONB).unwrap(), b"\x01{}".to_vec());
        assert_eq!(bind(Value::Text("t".into()), Type::BOOL).unwrap(), vec![1]);
        assert_eq!(bind(Value::Text("2024-01-02".into()), Type::DATE).unwrap().len(), 4);
    }
}
