//! Turning fetched rows into ormolu [`Row`]s: each cell is read by its column type.
//!
//! | PostgreSQL | [`Value`] |
//! |---|---|
//! | boolean | `Bool` |
//! | smallint, integer, bigint, oid | `I64` |
//! | real, double precision | `F64` |
//! | numeric | `Decimal` (NaN and infinities are errors) |
//! | text, varchar, char(n), name, unknown, enums, citext | `Text` |
//! | bytea | `Bytes` |
//! | date / timestamp / timestamptz / time | `Date` / `DateTime` / `DateTimeUtc` / `Time` |
//! | interval | `Duration` (a month counts as 30 days) |
//! | uuid | `Uuid` (feature `uuid`), else `Text` |
//! | json, jsonb | `Json` (feature `json`), else `Text` |
//! | void | `Null` |
//! | arrays of the above (`integer[]`, `varchar(n)[]`…) | `Array` (nested when multidimensional) |
//!
//! Other types of extensions are read as text when their bytes are UTF-8; anything
//! else (ranges, network types, …) is an `Error::Decode` naming the type.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use ormolu_core::driver::Row;
use ormolu_core::row::{no_cell, RawRow, ValueRef};
use ormolu_core::{Error, Result, Value};
use rust_decimal::Decimal;
use tokio_postgres::types::{FromSql, Kind, Type};

use crate::interval;
use crate::pgtype::{classify, is_user_type, PgKind};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// A cell's raw bytes in binary format (`None` for NULL), whatever its type.
struct Raw<'a>(Option<&'a [u8]>);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Raw(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// The column names of `row`'s result, to share between all its rows.
pub(crate) fn column_names(row: &tokio_postgres::Row) -> Arc<[String]> {
    row.columns().iter().map(|c| c.name().to_string()).collect()
}

/// Decodes every cell of `row`; `columns` are the names from [`column_names`].
pub(crate) fn decode_row(row: &tokio_postgres::Row, columns: &Arc<[String]>) -> Result<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let Raw(raw) =
            row.try_get::<_, Raw<'_>>(i).map_err(|e| Error::Decode(format!("column `{}`: {e}", col.name())))?;
        let value = match raw {
            None => Value::Null,
            Some(raw) => {
                decode_cell(col.type_(), raw).map_err(|why| Error::Decode(format!("column `{}`: {why}", col.name())))?
            }
        };
        values.push(value);
    }
    Ok(Row { columns: Arc::clone(columns), values })
}

/// A tokio-postgres row read in place (see [`ormolu_core::row`]): integers, floats
/// and text without a [`Value`] in between, everything else through [`decode_cell`].
/// `kinds` are the columns' [`PgKind`]s, classified once per prepared statement.
pub(crate) struct PgRow<'r> {
    pub(crate) row: &'r tokio_postgres::Row,
    pub(crate) kinds: &'r [PgKind],
}

impl PgRow<'_> {
    /// Cell `index`'s bytes (`None` for NULL) and kind; on failure, the driver's
    /// error (`None`: no such cell), made into an [`Error`] by [`PgRow::raw_error`].
    #[inline]
    fn raw(&self, index: usize) -> Result<(Option<&[u8]>, PgKind), Option<tokio_postgres::Error>> {
        let kind = *self.kinds.get(index).ok_or(None)?;
        let Raw(raw) = self.row.try_get::<_, Raw<'_>>(index).map_err(Some)?;
        Ok((raw, kind))
    }

    #[cold]
    fn raw_error(&self, index: usize, e: Option<tokio_postgres::Error>) -> Error {
        match e {
            None => no_cell(index, self.row.len()),
            Some(e) => self.decode_error(index, e),
        }
    }

    #[cold]
    fn decode_error(&self, index: usize, why: impl std::fmt::Display) -> Error {
        let col = &self.row.columns()[index];
        Error::Decode(format!("column `{}`: cannot read `{}`: {why}", col.name(), col.type_().name()))
    }
}

impl RawRow for PgRow<'_> {
    fn len(&self) -> usize {
        self.row.len()
    }

    fn cell(&self, index: usize) -> Result<ValueRef<'_>> {
        let (raw, kind) = self.raw(index).map_err(|e| self.raw_error(index, e))?;
        let Some(raw) = raw else { return Ok(ValueRef::Null) };
        let d = |e: BoxError| self.decode_error(index, e);
        Ok(match kind {
            PgKind::Int2 => ValueRef::Int(i16::from_sql(&Type::INT2, raw).map_err(d)?.into()),
            PgKind::Int4 => ValueRef::Int(i32::from_sql(&Type::INT4, raw).map_err(d)?.into()),
            PgKind::Int8 => ValueRef::Int(i64::from_sql(&Type::INT8, raw).map_err(d)?),
            PgKind::Float8 => ValueRef::Float(f64::from_sql(&Type::FLOAT8, raw).map_err(d)?),
            PgKind::Text => ValueRef::Text(std::str::from_utf8(raw).map_err(|e| d(e.into()))?),
            PgKind::Bytea => ValueRef::Bytes(raw),
            _ => {
                let col = &self.row.columns()[index];
                ValueRef::Value(
                    decode_cell(col.type_(), raw)
                        .map_err(|why| Error::Decode(format!("column `{}`: {why}", col.name())))?,
                )
            }
        })
    }

    /// A binary `int2`/`int4`/`int8` cell (the usual key cell).
    fn take_int(&mut self, index: usize) -> Option<i64> {
        let Ok((Some(raw), kind)) = self.raw(index) else { return None };
        match kind {
            PgKind::Int2 => i16::from_sql(&Type::INT2, raw).ok().map(i64::from),
            PgKind::Int4 => i32::from_sql(&Type::INT4, raw).ok().map(i64::from),
            PgKind::Int8 => i64::from_sql(&Type::INT8, raw).ok(),
            _ => None,
        }
    }

    /// A text cell copied once into its `String`; other cells as `String::from_cell`.
    fn take_text(&mut self, index: usize) -> Result<Option<String>> {
        let (raw, kind) = self.raw(index).map_err(|e| self.raw_error(index, e))?;
        match (raw, kind) {
            (None, _) => Ok(None),
            (Some(raw), PgKind::Text) => match std::str::from_utf8(raw) {
                Ok(s) => Ok(Some(s.to_owned())),
                Err(e) => Err(self.decode_error(index, e)),
            },
            _ => <String as ormolu_core::FromValue>::from_cell(self.cell(index)?).map(Some),
        }
    }
}

/// Reads one non-NULL cell of type `ty`.
fn decode_cell(ty: &Type, raw: &[u8]) -> Result<Value, String> {
    let d = |e: BoxError| format!("cannot read PostgreSQL type `{}`: {e}", ty.name());
    if let Kind::Array(elem) = ty.kind() {
        return crate::array::decode(raw, |cell| decode_cell(elem, cell)).map_err(|e| d(e.into()));
    }
    Ok(match classify(ty) {
        PgKind::Bool => Value::Bool(bool::from_sql(&Type::BOOL, raw).map_err(d)?),
        PgKind::Int2 => Value::I64(i16::from_sql(&Type::INT2, raw).map_err(d)?.into()),
        PgKind::Int4 => Value::I64(i32::from_sql(&Type::INT4, raw).map_err(d)?.into()),
        PgKind::Int8 => Value::I64(i64::from_sql(&Type::INT8, raw).map_err(d)?),
        PgKind::Oid => Value::I64(u32::from_sql(&Type::OID, raw).map_err(d)?.into()),
        PgKind::Float4 => Value::F64(f32::from_sql(&Type::FLOAT4, raw).map_err(d)?.into()),
        PgKind::Float8 => Value::F64(f64::from_sql(&Type::FLOAT8, raw).map_err(d)?),
        PgKind::Numeric => Value::Decimal(Decimal::from_sql(&Type::NUMERIC, raw).map_err(d)?),
        PgKind::Text => Value::Text(utf8(raw).map_err(d)?),
        PgKind::Char => Value::Text(String::from_utf8_lossy(raw).into_owned()),
        PgKind::Bytea => Value::Bytes(raw.to_vec()),
        PgKind::Date => Value::Date(NaiveDate::from_sql(&Type::DATE, raw).map_err(d)?),
        PgKind::Timestamp => Value::DateTime(NaiveDateTime::from_sql(&Type::TIMESTAMP, raw).map_err(d)?),
        PgKind::Timestamptz => Value::DateTimeUtc(DateTime::<Utc>::from_sql(&Type::TIMESTAMPTZ, raw).map_err(d)?),
        PgKind::Time => Value::Time(NaiveTime::from_sql(&Type::TIME, raw).map_err(d)?),
        PgKind::Interval => Value::Duration(interval::decode(raw).map_err(|e| d(e.into()))?),
        PgKind::Uuid => uuid(raw).map_err(d)?,
        PgKind::Json => json(raw).map_err(d)?,
        PgKind::Jsonb => match raw.split_first() {
            Some((1, doc)) => json(doc).map_err(d)?,
            _ => return Err(d("unknown jsonb format version".into())),
        },
        PgKind::Void => Value::Null,
        PgKind::Other if matches!(ty.kind(), Kind::Simple) && is_user_type(ty) => {
            Value::Text(utf8(raw).map_err(|_| unsupported(ty))?)
        }
        PgKind::Other => return Err(unsupported(ty)),
    })
}

fn unsupported(ty: &Type) -> String {
    format!("cannot read PostgreSQL type `{}` as a value; cast it in SQL (e.g. `::text`)", ty.name())
}

fn utf8(raw: &[u8]) -> Result<String, BoxError> {
    Ok(std::str::from_utf8(raw)?.to_owned())
}

/// A `uuid` cell: `Value::Uuid` when ormolu-core has its `uuid` feature, else text.
fn uuid(raw: &[u8]) -> Result<Value, BoxError> {
    Ok(Value::from_uuid_bytes(raw.try_into()?))
}

/// A `json` document: `Value::Json` when ormolu-core has its `json` feature, else text.
fn json(doc: &[u8]) -> Result<Value, BoxError> {
    Ok(Value::from_json_bytes(doc)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(decode_cell(&Type::INT2, &[0, 5]).unwrap(), Value::I64(5));
        assert_eq!(decode_cell(&Type::BPCHAR, b"ab").unwrap(), Value::Text("ab".into()));
        assert_eq!(decode_cell(&Type::VOID, b"").unwrap(), Value::Null);
        let e = decode_cell(&Type::INET, &[2, 32, 0, 4, 127, 0, 0, 1]).unwrap_err();
        assert!(e.contains("`inet`"), "{e}");
        // numeric NaN: ndigits 0, weight 0, sign 0xC000, dscale 0
        let e = decode_cell(&Type::NUMERIC, &[0, 0, 0, 0, 0xC0, 0, 0, 0]).unwrap_err();
        assert!(e.contains("numeric"), "{e}");
    }

    #[test]
    fn arrays() {
        // int4[] {7, NULL}: ndim 1, has nulls, oid 23, length 2, lower bound 1.
        let raw =
            [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7, 255, 255, 255, 255];
        assert_eq!(decode_cell(&Type::INT4_ARRAY, &raw).unwrap(), Value::Array(vec![Value::I64(7), Value::Null]));
        let empty = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25];
        assert_eq!(decode_cell(&Type::TEXT_ARRAY, &empty).unwrap(), Value::Array(vec![]));
    }

    #[test]
    fn extension_types_as_text() {
        let citext = Type::new("hstoreish".into(), 70_000, Kind::Simple, "public".into());
        assert_eq!(decode_cell(&citext, b"x").unwrap(), Value::Text("x".into()));
        assert!(decode_cell(&citext, &[0xff]).is_err());
    }
}
