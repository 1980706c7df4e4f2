//! [`Value`] ↔ SQLite: parameter binding ([`Bind`]) and cell reading ([`read_cell`]).
//!
//! Values are stored as Django stores them in SQLite: booleans as 0/1, decimals as
//! text (the NUMERIC affinity of `decimal` columns converts them), dates and times
//! as ISO text (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.ffffff]`, `HH:MM:SS[.ffffff]`),
//! durations as integer microseconds, UUIDs as 32 hex digits, JSON as its text.
//! Reading is plain (NULL/INTEGER/REAL/TEXT/BLOB); the facade decodes leniently.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use ormolu_core::row::ValueRef as CellRef;
use ormolu_core::value::UuidText;
use ormolu_core::Value;
use rusqlite::types::{ToSql, ToSqlOutput, Value as SqlValue, ValueRef};

/// A borrowed [`Value`] as a rusqlite parameter (text and blobs are not copied).
pub(crate) struct Bind<'a>(pub(crate) &'a Value);

impl ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        value_to_sql(self.0)
    }
}

/// A borrowed parameter ([`CellRef`]: text and bytes in the caller's buffers) as a
/// rusqlite parameter; nothing is copied.
pub(crate) struct BindRef<'a>(pub(crate) &'a CellRef<'a>);

impl ToSql for BindRef<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use ToSqlOutput::{Borrowed, Owned};
        Ok(match self.0 {
            CellRef::Null => Borrowed(ValueRef::Null),
            CellRef::Int(i) => Owned(SqlValue::Integer(*i)),
            CellRef::Float(f) => Owned(SqlValue::Real(*f)),
            CellRef::Text(s) => Borrowed(ValueRef::Text(s.as_bytes())),
            CellRef::Bytes(b) => Borrowed(ValueRef::Blob(b)),
            CellRef::Value(v) => return value_to_sql(v),
            CellRef::Ref(v) => return value_to_sql(v),
        })
    }
}

/// `v` as a rusqlite parameter, borrowing its text and bytes.
fn value_to_sql(v: &Value) -> rusqlite::Result<ToSqlOutput<'_>> {
    use ToSqlOutput::{Borrowed, Owned};
    Ok(match v {
        Value::Null => Borrowed(ValueRef::Null),
        Value::Bool(b) => Owned(SqlValue::Integer(i64::from(*b))),
        Value::I64(i) => Owned(SqlValue::Integer(*i)),
        Value::F64(f) => Owned(SqlValue::Real(*f)),
        Value::Text(s) => Borrowed(ValueRef::Text(s.as_bytes())),
        Value::Bytes(b) => Borrowed(ValueRef::Blob(b)),
        Value::Decimal(d) => Owned(SqlValue::Text(d.to_string())),
        Value::Date(d) => Owned(SqlValue::Text(date_text(d))),
        Value::DateTime(dt) => Owned(SqlValue::Text(datetime_text(dt))),
        Value::DateTimeUtc(dt) => Owned(SqlValue::Text(datetime_text(&dt.naive_utc()))),
        Value::Time(t) => Owned(SqlValue::Text(time_text(t))),
        Value::Duration(d) => match d.num_microseconds() {
            Some(us) => Owned(SqlValue::Integer(us)),
            None => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("duration {d} does not fit in 64-bit microseconds").into(),
                ))
            }
        },
        // Refused before binding (`reject_arrays`): SQLite has no arrays.
        Value::Array(_) => {
            return Err(rusqlite::Error::ToSqlConversionFailure("SQLite cannot bind an array value".into()))
        }
        // `Uuid` (32 hex digits, Django's char(32)) and `Json` (its text), present when
        // any crate of the build enables ormolu-core's features (`ormolu_core::value`).
        #[allow(unreachable_patterns)]
        other => match other.extension_text(UuidText::Simple) {
            Some(text) => Owned(SqlValue::Text(text)),
            None => return Err(rusqlite::Error::ToSqlConversionFailure(format!("cannot bind {other}").into())),
        },
    })
}

/// `YYYY-MM-DD`.
pub(crate) fn date_text(d: &NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, d);
    s
}

/// `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` when the microseconds are not zero.
pub(crate) fn datetime_text(dt: &NaiveDateTime) -> String {
    let mut s = String::with_capacity(26);
    push_date(&mut s, &dt.date());
    s.push(' ');
    push_time(&mut s, &dt.time());
    s
}

/// `HH:MM:SS`, plus `.ffffff` when the microseconds are not zero.
pub(crate) fn time_text(t: &NaiveTime) -> String {
    let mut s = String::with_capacity(15);
    push_time(&mut s, t);
    s
}

fn push_date(s: &mut String, d: &NaiveDate) {
    let _ = write!(s, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

fn push_time(s: &mut String, t: &NaiveTime) {
    let _ = write!(s, "{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    // A leap second's extra nanoseconds are dropped, as Python cannot represent them.
    let micros = t.nanosecond().min(999_999_999) / 1_000;
    if micros != 0 {
        let _ = write!(s, ".{micros:06}");
    }
}

/// A fetched cell, borrowed; text that is not UTF-8 is returned as bytes.
pub(crate) fn cell_ref(v: ValueRef<'_>) -> ormolu_core::row::ValueRef<'_> {
    use ormolu_core::row::ValueRef as R;
    match v {
        ValueRef::Null => R::Null,
        ValueRef::Integer(i) => R::Int(i),
        ValueRef::Real(f) => R::Float(f),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => R::Text(s),
            Err(_) => R::Bytes(t),
        },
        ValueRef::Blob(b) => R::Bytes(b),
    }
}

/// A fetched cell as a [`Value`]; text that is not UTF-8 is returned as bytes.
pub(crate) fn read_cell(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::I64(i),
        ValueRef::Real(f) => Value::F64(f),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => Value::Text(s.to_owned()),
            Err(_) => Value::Bytes(t.to_vec()),
        },
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_text() {
        let d = NaiveDate::from_ymd_opt(7, 3, 4).unwrap();
        assert_eq!(date_text(&d), "0007-03-04");
        let t = NaiveTime::from_hms_micro_opt(1, 2, 3, 0).unwrap();
        assert_eq!(time_text(&t), "01:02:03");
        let t = NaiveTime::from_hms_micro_opt(1, 2, 3, 450).unwrap();
        assert_eq!(time_text(&t), "01:02:03.000450");
        assert_eq!(datetime_text(&d.and_time(t)), "0007-03-04 01:02:03.000450");
    }
}
