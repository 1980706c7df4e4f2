//! The variants that exist only with one of this crate's features ([`Value::Uuid`]
//! with `uuid`, [`Value::Json`] with `json`), for the backend crates.
//!
//! Cargo turns a crate's features on once per build, for all its dependents: when any
//! crate of a program enables `ormolu-core/uuid` (as `ormolu-migrate` does), every
//! backend crate sees `Value::Uuid`, whether or not its own `uuid` feature is on. A
//! backend therefore never matches these variants under a `cfg` of its own: it binds
//! them through [`Value::uuid_bytes`], [`Value::json_text`] and
//! [`Value::extension_text`], and makes them from what it reads with
//! [`Value::from_uuid_bytes`] and [`Value::from_json_bytes`], which follow this
//! crate's features.

use super::Value;

/// How a UUID is written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UuidText {
    /// 32 lowercase hex digits (Django's `char(32)` storage on SQLite and MySQL).
    Simple,
    /// 8-4-4-4-12 lowercase hex digits (PostgreSQL's text form).
    Hyphenated,
}

/// The text of the UUID `bytes`.
///
/// ```
/// use ormolu_core::value::{uuid_text, UuidText};
/// let b = [0x67, 0xe5, 0x50, 0x44, 0x10, 0xb1, 0x42, 0x6f, 0x92, 0x47, 0xbb, 0x68, 0x0e, 0x5f, 0xe0, 0xc8];
/// assert_eq!(uuid_text(&b, UuidText::Hyphenated), "67e55044-10b1-426f-9247-bb680e5fe0c8");
/// assert_eq!(uuid_text(&b, UuidText::Simple), "67e5504410b1426f9247bb680e5fe0c8");
/// ```
pub fn uuid_text(bytes: &[u8; 16], form: UuidText) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if form == UuidText::Hyphenated && matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

impl Value {
    /// A [`Value::Uuid`]'s 16 bytes; `None` for every other value (and always without
    /// the `uuid` feature).
    pub fn uuid_bytes(&self) -> Option<[u8; 16]> {
        #[cfg(feature = "uuid")]
        if let Value::Uuid(u) = self {
            return Some(*u.as_bytes());
        }
        None
    }

    /// A [`Value::Json`]'s text; `None` for every other value (and always without the
    /// `json` feature).
    pub fn json_text(&self) -> Option<String> {
        #[cfg(feature = "json")]
        if let Value::Json(j) = self {
            return Some(j.to_string());
        }
        None
    }

    /// A [`Value::Uuid`] or [`Value::Json`] as a backend without a native type for it
    /// stores it: the UUID in `form`, the JSON document as its text. `None` for every
    /// other value.
    pub fn extension_text(&self, form: UuidText) -> Option<String> {
        match self.uuid_bytes() {
            Some(b) => Some(uuid_text(&b, form)),
            None => self.json_text(),
        }
    }

    /// A UUID read from a database: [`Value::Uuid`] with the `uuid` feature, else its
    /// hyphenated text (which `FromValue` for `uuid::Uuid` parses).
    pub fn from_uuid_bytes(bytes: [u8; 16]) -> Value {
        uuid_value(bytes)
    }

    /// A JSON document read from a database: [`Value::Json`] with the `json` feature
    /// (an error when `doc` is not JSON), else its text (an error when it is not
    /// UTF-8).
    pub fn from_json_bytes(doc: &[u8]) -> Result<Value, String> {
        json_value(doc)
    }
}

#[cfg(feature = "uuid")]
fn uuid_value(bytes: [u8; 16]) -> Value {
    Value::Uuid(uuid::Uuid::from_bytes(bytes))
}

#[cfg(not(feature = "uuid"))]
fn uuid_value(bytes: [u8; 16]) -> Value {
    Value::Text(uuid_text(&bytes, UuidText::Hyphenated))
}

#[cfg(feature = "json")]
fn json_value(doc: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(doc).map(Value::Json).map_err(|e| format!("bad JSON: {e}"))
}

#[cfg(not(feature = "json"))]
fn json_value(doc: &[u8]) -> Result<Value, String> {
    std::str::from_utf8(doc).map(|s| Value::Text(s.to_owned())).map_err(|e| format!("bad UTF-8 in JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BYTES: [u8; 16] =
        [0x67, 0xe5, 0x50, 0x44, 0x10, 0xb1, 0x42, 0x6f, 0x92, 0x47, 0xbb, 0x68, 0x0e, 0x5f, 0xe0, 0xc8];

    #[test]
    fn uuids_round_trip_whatever_the_features() {
        let v = Value::from_uuid_bytes(BYTES);
        assert_eq!(v.extension_text(UuidText::Simple).is_some(), cfg!(feature = "uuid"));
        #[cfg(feature = "uuid")]
        assert_eq!(v.uuid_bytes(), Some(BYTES));
        #[cfg(not(feature = "uuid"))]
        assert_eq!(v, Value::Text("67e55044-10b1-426f-9247-bb680e5fe0c8".into()));
        assert_eq!(Value::Text("x".into()).uuid_bytes(), None);
    }

    #[test]
    fn json_round_trips_whatever_the_features() {
        let v = Value::from_json_bytes(br#"{"a": [1, null]}"#).unwrap();
        #[cfg(feature = "json")]
        assert_eq!(v.json_text().as_deref(), Some(r#"{"a":[1,null]}"#));
        #[cfg(not(feature = "json"))]
        assert_eq!(v, Value::Text(r#"{"a": [1, null]}"#.into()));
        assert!(Value::from_json_bytes(b"\xff").is_err());
        assert_eq!(Value::I64(1).json_text(), None);
    }
}
