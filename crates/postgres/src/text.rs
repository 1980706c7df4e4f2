//! PostgreSQL's text forms: a [`Value`] written as text (for `text` and `unknown`
//! parameters) and text parsed into typed values (a `Value::Text` bound to a `uuid`,
//! `date`, `numeric`, … parameter).

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use ormolu_core::value::UuidText;
use ormolu_core::Value;
use rust_decimal::Decimal;

/// `v` in PostgreSQL's text input format, or `None` for values that have no
/// unambiguous text form (bytes, durations, NULL).
pub(crate) fn value_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null | Value::Bytes(_) | Value::Duration(_) | Value::Array(_) => return None,
        Value::Bool(b) => b.to_string(),
        Value::I64(i) => i.to_string(),
        Value::F64(f) => float_text(*f),
        Value::Text(s) => s.clone(),
        Value::Decimal(d) => d.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::DateTime(d) => d.format("%Y-%m-%d %H:%M:%S%.f").to_string(),
        Value::DateTimeUtc(d) => d.format("%Y-%m-%d %H:%M:%S%.f+00:00").to_string(),
        Value::Time(t) => t.format("%H:%M:%S%.f").to_string(),
        // `Uuid` and `Json`, present when any crate of the build enables ormolu-core's
        // features (`ormolu_core::value`).
        #[allow(unreachable_patterns)]
        other => return other.extension_text(UuidText::Hyphenated),
    })
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        f.to_string()
    }
}

/// A boolean in any spelling PostgreSQL accepts (`t`, `true`, `yes`, `on`, `1`, …).
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// A float, including `NaN` and `[-]Infinity`.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    match s.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

/// A decimal, plain or in scientific notation.
pub(crate) fn parse_decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    Decimal::from_str(s).or_else(|_| Decimal::from_scientific(s)).ok()
}

/// A UUID's 16 bytes, hyphenated or not, optionally in braces.
pub(crate) fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let s = s.trim();
    let s = s.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(s);
    let hex: Vec<u8> = s.bytes().filter(|&b| b != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let digits = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(digits, 16).ok()?;
    }
    Some(out)
}

/// A date, `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A date and time without time zone (`T` or space, fraction optional).
pub(crate) fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    ormolu_core::value::parse_datetime(s.trim())
}

/// A date and time with an offset (RFC 3339 or `+HH[:MM]`), converted to UTC;
/// without an offset it is taken as UTC.
pub(crate) fn parse_datetime_utc(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z"))
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%#z"))
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            let has_offset = s.get(10..).is_some_and(|t| t.contains(['+', '-']));
            (!has_offset).then(|| parse_datetime(s)).flatten().map(|d| d.and_utc())
        })
}

/// A time of day, `HH:MM[:SS[.f]]`.
pub(crate) fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M:%S%.f").or_else(|_| NaiveTime::parse_from_str(s, "%H:%M")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        let b = parse_uuid("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap();
        assert_eq!(ormolu_core::value::uuid_text(&b, UuidText::Hyphenated), "67e55044-10b1-426f-9247-bb680e5fe0c8");
        assert_eq!(parse_uuid("{67e5504410b1426f9247bb680e5fe0c8}"), Some(b));
        assert_eq!(parse_uuid("67e55044"), None);
        assert_eq!(parse_uuid("zze55044-10b1-426f-9247-bb680e5fe0c8"), None);
    }

    #[test]
    fn datetimes() {
        let utc = parse_datetime_utc("2024-05-06 07:08:09.5+02:00").unwrap();
        assert_eq!(utc.to_rfc3339(), "2024-05-06T05:08:09.500+00:00");
        assert_eq!(parse_datetime_utc("2024-05-06T07:08:09Z").unwrap().to_rfc3339(), "2024-05-06T07:08:09+00:00");
        assert_eq!(parse_datetime_utc("2024-05-06 07:08:09").unwrap().to_rfc3339(), "2024-05-06T07:08:09+00:00");
        assert!(parse_datetime_utc("2024-05-06 07:08:09-99").is_none());
        assert!(parse_date("2024-02-30").is_none());
        assert_eq!(parse_time("10:11").unwrap().to_string(), "10:11:00");
    }

    #[test]
    fn scalars() {
        assert_eq!(parse_bool(" Yes "), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_decimal("1.5e3"), Some(Decimal::from(1500)));
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(value_text(&Value::F64(f64::NEG_INFINITY)).unwrap(), "-Infinity");
        assert_eq!(value_text(&Value::Bytes(vec![1])), None);
    }
}
