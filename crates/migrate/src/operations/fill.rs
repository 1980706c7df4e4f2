//! [`Fill`]: the one-off value existing rows get when a NOT NULL column is added or
//! a column becomes NOT NULL.

use chrono::Utc;
use ormolu_core::meta::FieldType;
use ormolu_core::Value;

/// A value given to the existing rows when a NOT NULL column is added or a column
/// becomes NOT NULL (Django's one-off default, `preserve_default=False`).
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// This value.
    Value(Value),
    /// The current date/time when the migration runs (for dates and datetimes).
    Now,
}

impl Fill {
    /// A constant.
    pub fn value(v: impl Into<Value>) -> Fill {
        Fill::Value(v.into())
    }

    /// The value for a column of type `ty`.
    pub fn resolve(&self, ty: FieldType) -> Value {
        match self {
            Fill::Value(v) => v.clone(),
            Fill::Now => {
                let now = Utc::now();
                match ty {
                    FieldType::Date => Value::Date(now.date_naive()),
                    FieldType::Time => Value::Time(now.time()),
                    _ => Value::DateTime(now.naive_utc()),
                }
            }
        }
    }
}
