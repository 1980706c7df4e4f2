//! Reading: `mysql_async` rows to ormolu [`Row`]s, by the column's declared type.
//!
//! The binary protocol gives typed cells (`Int`, `Double`, `Date`, …) and the text
//! protocol gives every cell as bytes; both are decoded by the column type and
//! flags, never by the variant alone, so a statement decodes the same either way.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime, TimeDelta};
use mysql_async::consts::ColumnType as T;
use mysql_async::{Column, Value as My};
use ormolu_core::driver::Row;
use ormolu_core::value::parse_datetime;
use ormolu_core::{Error, Result, Value};
use rust_decimal::Decimal;

/// The character set number MySQL gives binary strings and BLOBs.
pub(crate) const BINARY_CHARSET: u16 = 63;

/// Decodes the rows of one result set; the column names are shared by all rows.
pub(crate) struct Decoder {
    columns: Arc<[Column]>,
    names: Arc<[String]>,
}

impl Decoder {
    /// A decoder for a result set with these columns.
    pub(crate) fn new(columns: Arc<[Column]>) -> Self {
        let names = columns.iter().map(|c| c.name_str().into_owned()).collect::<Vec<_>>();
        Decoder { columns, names: names.into() }
    }

    /// Decodes one row.
    pub(crate) fn row(&self, row: mysql_async::Row) -> Result<Row> {
        let cells = row.unwrap_raw();
        if cells.len() != self.columns.len() {
            return Err(Error::Decode(format!("row has {} cells for {} columns", cells.len(), self.columns.len())));
        }
        let values = cells
            .into_iter()
            .zip(self.columns.iter())
            .map(|(cell, col)| decode(col, cell.unwrap_or(My::NULL)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Row { columns: self.names.clone(), values })
    }
}

/// Whether [`decode`] reads columns of type `t` as text (unless binary).
pub(crate) fn is_text(t: T) -> bool {
    matches!(
        t,
        T::MYSQL_TYPE_VARCHAR
            | T::MYSQL_TYPE_VAR_STRING
            | T::MYSQL_TYPE_STRING
            | T::MYSQL_TYPE_BLOB
            | T::MYSQL_TYPE_TINY_BLOB
            | T::MYSQL_TYPE_MEDIUM_BLOB
            | T::MYSQL_TYPE_LONG_BLOB
            | T::MYSQL_TYPE_ENUM
            | T::MYSQL_TYPE_SET
    )
}

/// Decodes one cell of column `col`.
pub(crate) fn decode(col: &Column, v: My) -> Result<Value> {
    if v == My::NULL {
        return Ok(Value::Null);
    }
    let unsigned = col.flags().contains(mysql_async::consts::ColumnFlags::UNSIGNED_FLAG);
    match col.column_type() {
        T::MYSQL_TYPE_TINY
        | T::MYSQL_TYPE_SHORT
        | T::MYSQL_TYPE_INT24
        | T::MYSQL_TYPE_LONG
        | T::MYSQL_TYPE_LONGLONG
        | T::MYSQL_TYPE_YEAR => integer(v, unsigned),
        T::MYSQL_TYPE_FLOAT | T::MYSQL_TYPE_DOUBLE => float(v),
        T::MYSQL_TYPE_DECIMAL | T::MYSQL_TYPE_NEWDECIMAL => decimal(v),
        T::MYSQL_TYPE_DATE | T::MYSQL_TYPE_NEWDATE => date(v),
        T::MYSQL_TYPE_DATETIME | T::MYSQL_TYPE_DATETIME2 | T::MYSQL_TYPE_TIMESTAMP | T::MYSQL_TYPE_TIMESTAMP2 => {
            datetime(v)
        }
        T::MYSQL_TYPE_TIME | T::MYSQL_TYPE_TIME2 => time(v),
        T::MYSQL_TYPE_NULL => Ok(Value::Null),
        T::MYSQL_TYPE_BIT => bits(v),
        T::MYSQL_TYPE_JSON => json(v),
        T::MYSQL_TYPE_GEOMETRY | T::MYSQL_TYPE_VECTOR => Ok(Value::Bytes(bytes(v))),
        _ if col.character_set() == BINARY_CHARSET => Ok(Value::Bytes(bytes(v))),
        _ => text(bytes(v)).map(Value::Text),
    }
}

fn bad(what: &str, v: &My) -> Error {
    Error::Decode(format!("cannot read {v:?} as {what}"))
}

/// The cell as bytes (text protocol cells, strings, blobs); other variants as their text.
fn bytes(v: My) -> Vec<u8> {
    match v {
        My::Bytes(b) => b,
        My::Int(i) => i.to_string().into_bytes(),
        My::UInt(u) => u.to_string().into_bytes(),
        My::Float(f) => f.to_string().into_bytes(),
        My::Double(f) => f.to_string().into_bytes(),
        other => other.as_sql(true).trim_matches('\'').as_bytes().to_vec(),
    }
}

pub(crate) fn text(b: Vec<u8>) -> Result<String> {
    String::from_utf8(b).map_err(not_utf8)
}

/// The error for a text cell that is not UTF-8.
#[cold]
pub(crate) fn not_utf8(e: std::string::FromUtf8Error) -> Error {
    Error::Decode(format!("text column is not UTF-8: {e}"))
}

/// The cell's text, for text-protocol cells of non-string columns.
fn ascii(v: &My) -> Option<&str> {
    match v {
        My::Bytes(b) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

fn unsigned_value(u: u64) -> Value {
    i64::try_from(u).map_or_else(|_| Value::Decimal(Decimal::from(u)), Value::I64)
}

fn integer(v: My, unsigned: bool) -> Result<Value> {
    match v {
        My::Int(i) if unsigned && i < 0 => Ok(unsigned_value(i as u64)),
        My::Int(i) => Ok(Value::I64(i)),
        My::UInt(u) => Ok(unsigned_value(u)),
        ref b @ My::Bytes(_) => {
            let s = ascii(b).ok_or_else(|| bad("an integer", b))?;
            s.parse::<i64>()
                .map(Value::I64)
                .or_else(|_| s.parse::<u64>().map(unsigned_value))
                .map_err(|_| bad("an integer", b))
        }
        other => Err(bad("an integer", &other)),
    }
}

fn float(v: My) -> Result<Value> {
    match v {
        // The shortest text of the f32, as the text protocol (and Django) would give.
        My::Float(f) => Ok(Value::F64(f.to_string().parse().unwrap_or(f64::from(f)))),
        My::Double(f) => Ok(Value::F64(f)),
        My::Int(i) => Ok(Value::F64(i as f64)),
        My::UInt(u) => Ok(Value::F64(u as f64)),
        ref b @ My::Bytes(_) => {
            ascii(b).and_then(|s| s.parse::<f64>().ok()).map(Value::F64).ok_or_else(|| bad("a float", b))
        }
        other => Err(bad("a float", &other)),
    }
}

fn decimal(v: My) -> Result<Value> {
    match v {
        My::Int(i) => Ok(Value::Decimal(Decimal::from(i))),
        My::UInt(u) => Ok(Value::Decimal(Decimal::from(u))),
        ref b @ My::Bytes(_) => ascii(b)
            .and_then(|s| s.parse::<Decimal>().or_else(|_| Decimal::from_scientific(s)).ok())
            .map(Value::Decimal)
            .ok_or_else(|| bad("a decimal", b)),
        other => Err(bad("a decimal", &other)),
    }
}

/// A date from its parts; MySQL's zero date (`0000-00-00`) reads as NULL, as in Django.
fn ymd(y: u16, m: u8, d: u8) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

fn is_zero_date(s: &str) -> bool {
    s.starts_with("0000-00-00")
}

fn date(v: My) -> Result<Value> {
    match v {
        My::Date(0, 0, 0, ..) => Ok(Value::Null),
        My::Date(y, m, d, ..) => ymd(y, m, d).map(Value::Date).ok_or_else(|| bad("a date", &v)),
        ref b @ My::Bytes(_) => match ascii(b) {
            Some(s) if is_zero_date(s) => Ok(Value::Null),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Value::Date).map_err(|_| bad("a date", b)),
            None => Err(bad("a date", b)),
        },
        other => Err(bad("a date", &other)),
    }
}

fn datetime(v: My) -> Result<Value> {
    match v {
        My::Date(0, 0, 0, ..) => Ok(Value::Null),
        My::Date(y, mo, d, h, mi, s, us) => ymd(y, mo, d)
            .and_then(|d| d.and_hms_micro_opt(u32::from(h), u32::from(mi), u32::from(s), us))
            .map(Value::DateTime)
            .ok_or_else(|| bad("a datetime", &v)),
        ref b @ My::Bytes(_) => match ascii(b) {
            Some(s) if is_zero_date(s) => Ok(Value::Null),
            Some(s) => parse_datetime(s).map(Value::DateTime).ok_or_else(|| bad("a datetime", b)),
            None => Err(bad("a datetime", b)),
        },
        other => Err(bad("a datetime", &other)),
    }
}

/// A TIME cell: a time of day when it is one, else (negative or 24 h and more) a duration.
fn time(v: My) -> Result<Value> {
    let (neg, hours, m, s, us) = match v {
        My::Time(neg, days, h, m, s, us) => (neg, u64::from(days) * 24 + u64::from(h), m, s, us),
        ref b @ My::Bytes(_) => ascii(b).and_then(parse_time).ok_or_else(|| bad("a time", b))?,
        other => return Err(bad("a time", &other)),
    };
    if !neg && hours < 24 {
        if let Some(t) = NaiveTime::from_hms_micro_opt(hours as u32, u32::from(m), u32::from(s), us) {
            return Ok(Value::Time(t));
        }
    }
    let total = TimeDelta::hours(hours as i64)
        + TimeDelta::minutes(i64::from(m))
        + TimeDelta::seconds(i64::from(s))
        + TimeDelta::microseconds(i64::from(us));
    Ok(Value::Duration(if neg { -total } else { total }))
}

/// Parses the text protocol's `[-]H+:MM:SS[.ffffff]`.
fn parse_time(s: &str) -> Option<(bool, u64, u8, u8, u32)> {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |rest| (true, rest));
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut parts = hms.split(':');
    let h = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let sec = parts.next()?.parse().ok()?;
    if parts.next().is_some() || frac.len() > 6 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let us = if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().ok()? };
    Some((neg, h, m, sec, us))
}

/// A BIT(n) cell: its big-endian bytes as an integer.
fn bits(v: My) -> Result<Value> {
    match v {
        My::Bytes(ref b) if b.len() <= 8 => {
            Ok(unsigned_value(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x))))
        }
        other => integer(other, true),
    }
}

/// A `JSON` cell: `Value::Json` when ormolu-core has its `json` feature, else text.
fn json(v: My) -> Result<Value> {
    Value::from_json_bytes(&bytes(v)).map_err(|e| Error::Decode(format!("from the server: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_times() {
        assert_eq!(parse_time("12:34:56"), Some((false, 12, 34, 56, 0)));
        assert_eq!(parse_time("-838:59:59.5"), Some((true, 838, 59, 59, 500_000)));
        assert_eq!(parse_time("01:02:03.000004"), Some((false, 1, 2, 3, 4)));
        assert_eq!(parse_time("nope"), None);
        assert_eq!(time(My::Bytes(b"25:00:00".to_vec())).unwrap(), Value::Duration(TimeDelta::hours(25)));
        assert_eq!(time(My::Time(true, 0, 1, 0, 0, 0)).unwrap(), Value::Duration(TimeDelta::hours(-1)));
    }

    #[test]
    fn reads_integers_of_both_protocols() {
        assert_eq!(integer(My::Bytes(b"-7".to_vec()), false).unwrap(), Value::I64(-7));
        assert_eq!(integer(My::UInt(7), true).unwrap(), Value::I64(7));
        assert_eq!(integer(My::UInt(u64::MAX), true).unwrap(), Value::Decimal(Decimal::from(u64::MAX)));
        assert_eq!(bits(My::Bytes(vec![1, 0])).unwrap(), Value::I64(256));
    }
}
