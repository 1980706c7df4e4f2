//! Binding: ormolu [`Value`]s to `mysql_async` parameters (binary protocol).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use mysql_async::{Params, Value as My};
use ormolu_core::row::ValueRef;
use ormolu_core::value::UuidText;
use ormolu_core::{Error, Result, Value};

/// Converts the parameters of one statement.
pub(crate) fn to_params(params: &[Value]) -> Result<Vec<My>> {
    params.iter().map(to_mysql).collect()
}

/// Converts borrowed parameters: text and bytes are copied once, straight into the
/// driver's values.
pub(crate) fn refs_to_params(params: &[ValueRef<'_>]) -> Result<Vec<My>> {
    params
        .iter()
        .map(|p| match p {
            ValueRef::Null => Ok(My::NULL),
            ValueRef::Int(i) => Ok(My::Int(*i)),
            ValueRef::Float(f) => Ok(My::Double(*f)),
            ValueRef::Text(s) => Ok(My::Bytes(s.as_bytes().to_vec())),
            ValueRef::Bytes(b) => Ok(My::Bytes(b.to_vec())),
            ValueRef::Value(v) => to_mysql(v),
            ValueRef::Ref(v) => to_mysql(v),
        })
        .collect()
}

/// The driver's parameters of one statement.
pub(crate) fn positional(values: Vec<My>) -> Params {
    if values.is_empty() {
        Params::Empty
    } else {
        Params::Positional(values)
    }
}

/// Converts one value.
///
/// Booleans become 0/1, decimals their text, durations a count of microseconds
/// (Django keeps DurationField as a bigint on MySQL), UUIDs 32 lowercase hex digits
/// (Django's `char(32)`), JSON its text. Aware datetimes are sent as naive UTC:
/// every connection runs with `time_zone = '+00:00'`.
pub(crate) fn to_mysql(value: &Value) -> Result<My> {
    Ok(match value {
        Value::Null => My::NULL,
        Value::Bool(b) => My::Int(i64::from(*b)),
        Value::I64(i) => My::Int(*i),
        Value::F64(f) => My::Double(*f),
        Value::Text(s) => My::Bytes(s.as_bytes().to_vec()),
        Value::Bytes(b) => My::Bytes(b.clone()),
        Value::Decimal(d) => My::Bytes(d.to_string().into_bytes()),
        Value::Date(d) => date(d)?,
        Value::DateTime(dt) => datetime(dt)?,
        Value::DateTimeUtc(dt) => datetime(&dt.naive_utc())?,
        Value::Time(t) => {
            let (h, m, s, us) = time_parts(t);
            My::Time(false, 0, h, m, s, us)
        }
        Value::Duration(d) => My::Int(
            d.num_microseconds()
                .ok_or_else(|| Error::Usage(format!("duration {d} is too long to store as microseconds")))?,
        ),
        Value::Array(_) => return Err(Error::not_supported("binding an ArrayField value", "mysql")),
        // `Uuid` and `Json`, present when any crate of the build enables ormolu-core's
        // features (`ormolu_core::value`).
        #[allow(unreachable_patterns)]
        other => match other.extension_text(UuidText::Simple) {
            Some(text) => My::Bytes(text.into_bytes()),
            None => return Err(Error::Usage(format!("cannot bind {other} on MySQL"))),
        },
    })
}

fn year(d: &NaiveDate) -> Result<u16> {
    u16::try_from(d.year()).map_err(|_| Error::Usage(format!("year {} cannot be stored in MySQL", d.year())))
}

fn date(d: &NaiveDate) -> Result<My> {
    Ok(My::Date(year(d)?, d.month() as u8, d.day() as u8, 0, 0, 0, 0))
}

fn datetime(dt: &NaiveDateTime) -> Result<My> {
    let d = dt.date();
    let (h, m, s, us) = time_parts(&dt.time());
    Ok(My::Date(year(&d)?, d.month() as u8, d.day() as u8, h, m, s, us))
}

/// Hours, minutes, seconds and microseconds (a leap second's fraction is capped).
fn time_parts(t: &NaiveTime) -> (u8, u8, u8, u32) {
    let us = (t.nanosecond() / 1_000).min(999_999);
    (t.hour() as u8, t.minute() as u8, t.second() as u8, us)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn converts_scalars() {
        assert_eq!(to_mysql(&Value::Bool(true)).unwrap(), My::Int(1));
        assert_eq!(to_mysql(&Value::Duration(TimeDelta::milliseconds(1500))).unwrap(), My::Int(1_500_000));
        let t = NaiveTime::from_hms_micro_opt(1, 2, 3, 4).unwrap();
        assert_eq!(to_mysql(&Value::Time(t)).unwrap(), My::Time(false, 0, 1, 2, 3, 4));
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(to_mysql(&Value::Date(d)).unwrap(), My::Date(2024, 2, 29, 0, 0, 0, 0));
        assert_eq!(to_mysql(&Value::Decimal("1.50".parse().unwrap())).unwrap(), My::Bytes(b"1.50".to_vec()));
        assert!(matches!(positional(to_params(&[]).unwrap()), Params::Empty));
        // Borrowed parameters convert as their owned values do.
        let refs = [ValueRef::Text("ada"), ValueRef::Null, ValueRef::Int(3), ValueRef::Value(Value::Bool(true))];
        let owned = [Value::Text("ada".into()), Value::Null, Value::I64(3), Value::Bool(true)];
        assert_eq!(refs_to_params(&refs).unwrap(), to_params(&owned).unwrap());
    }
}
