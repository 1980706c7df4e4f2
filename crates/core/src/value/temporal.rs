//! Dates, times and durations to and from [`Value`]: lenient where databases store
//! them as text (SQLite) or numbers (durations as microseconds).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

use super::{mismatch, FromValue, ToValue, Value};
use crate::error::Result;

impl ToValue for NaiveDate {
    fn to_value(&self) -> Value {
        Value::Date(*self)
    }
}
impl FromValue for NaiveDate {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Date(d) => Ok(d),
            Value::DateTime(d) => Ok(d.date()),
            Value::Text(ref s) => {
                NaiveDate::parse_from_str(&s[..s.len().min(10)], "%Y-%m-%d").or_else(|_| mismatch("date", &v))
            }
            other => mismatch("date", &other),
        }
    }
}

/// Parses the datetime spellings databases return (`T` or space, fraction optional).
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim_end_matches('Z');
    let s = s.split('+').next().unwrap_or(s);
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(|d| d.and_time(NaiveTime::MIN)))
}

impl ToValue for NaiveDateTime {
    fn to_value(&self) -> Value {
        Value::DateTime(*self)
    }
}
impl FromValue for NaiveDateTime {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::DateTime(d) => Ok(d),
            Value::DateTimeUtc(d) => Ok(d.naive_utc()),
            Value::Date(d) => Ok(d.and_time(NaiveTime::MIN)),
            Value::Text(ref s) => parse_datetime(s).map_or_else(|| mismatch("datetime", &v), Ok),
            other => mismatch("datetime", &other),
        }
    }
}

impl ToValue for DateTime<Utc> {
    fn to_value(&self) -> Value {
        Value::DateTimeUtc(*self)
    }
}
impl FromValue for DateTime<Utc> {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::DateTimeUtc(d) => Ok(d),
            other => NaiveDateTime::from_value(other).map(|d| d.and_utc()),
        }
    }
}

impl ToValue for NaiveTime {
    fn to_value(&self) -> Value {
        Value::Time(*self)
    }
}
impl FromValue for NaiveTime {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Time(t) => Ok(t),
            Value::Duration(d) => Ok(NaiveTime::MIN + d),
            Value::Text(ref s) => NaiveTime::parse_from_str(s, "%H:%M:%S%.f")
                .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
                .or_else(|_| mismatch("time", &v)),
            other => mismatch("time", &other),
        }
    }
}

impl ToValue for TimeDelta {
    fn to_value(&self) -> Value {
        Value::Duration(*self)
    }
}
impl FromValue for TimeDelta {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Duration(d) => Ok(d),
            // SQLite and MySQL keep durations as microseconds in a bigint.
            Value::I64(us) => Ok(TimeDelta::microseconds(us)),
            Value::Decimal(d) => Ok(TimeDelta::microseconds(i64::try_from(d.trunc()).unwrap_or(0))),
            Value::F64(f) => Ok(TimeDelta::microseconds(f as i64)),
            other => mismatch("duration", &other),
        }
    }
}
