//! Reading fetched rows in place: [`ValueRef`], a borrowed cell, and [`RawRow`], a
//! row of the driver read cell by cell.
//!
//! A driver hands each row it fetches to a callback as a `&mut dyn RawRow`
//! ([`Connection::query_each`](crate::driver::Connection::query_each)); the model's
//! derived `from_row` decodes the cells it needs straight into its fields. No
//! per-row vector of [`Value`]s and no intermediate list of rows is built: text is
//! copied at most once, from the driver's buffer into the field's `String` (not at
//! all where the driver can give its buffer away: [`RawRow::take_cell`]).
//!
//! ```
//! use ormolu_core::row::{RawRow, ValueRef};
//! use ormolu_core::{FromValue, Value};
//!
//! let row = vec![Value::I64(7), Value::Text("ada".into())];
//! let id = i64::from_cell(row.cell(0).unwrap()).unwrap();
//! let name = String::from_cell(row.cell(1).unwrap()).unwrap();
//! assert_eq!((id, name.as_str()), (7, "ada"));
//! assert!(matches!(row.cell(1).unwrap(), ValueRef::Ref(Value::Text(_))));
//! ```

use crate::driver::Row;
use crate::error::{Error, Result};
use crate::value::Value;

/// One fetched cell, borrowed from the driver's row where it can be.
///
/// Drivers return the plain storage classes without copying (`Int`, `Float`, `Text`,
/// `Bytes`); other types they decode themselves (`Value`); an already-owned row
/// lends its values (`Ref`).
#[derive(Debug, Clone, PartialEq)]
pub enum ValueRef<'a> {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// Text in the driver's buffer.
    Text(&'a str),
    /// Binary data in the driver's buffer.
    Bytes(&'a [u8]),
    /// A value the driver decoded (dates, decimals, JSON, …).
    Value(Value),
    /// A value of an owned row.
    Ref(&'a Value),
}

impl ValueRef<'_> {
    /// Whether the cell is SQL NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, ValueRef::Null | ValueRef::Value(Value::Null) | ValueRef::Ref(Value::Null))
    }

    /// The cell as an owned [`Value`] (text and bytes are copied).
    pub fn into_value(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Int(i) => Value::I64(i),
            ValueRef::Float(f) => Value::F64(f),
            ValueRef::Text(s) => Value::Text(s.to_owned()),
            ValueRef::Bytes(b) => Value::Bytes(b.to_vec()),
            ValueRef::Value(v) => v,
            ValueRef::Ref(v) => v.clone(),
        }
    }

    /// The cell as an owned [`Value`], leaving it as it is (text and bytes are copied).
    pub fn to_value(&self) -> Value {
        match self {
            ValueRef::Value(v) => v.clone(),
            ValueRef::Ref(v) => (*v).clone(),
            ValueRef::Null => Value::Null,
            ValueRef::Int(i) => Value::I64(*i),
            ValueRef::Float(f) => Value::F64(*f),
            ValueRef::Text(s) => Value::Text((*s).to_owned()),
            ValueRef::Bytes(b) => Value::Bytes(b.to_vec()),
        }
    }

    /// The value this cell holds when it is no borrowed text or bytes (a parameter a
    /// driver binds as it binds a [`Value`]).
    pub fn as_value(&self) -> Option<&Value> {
        match self {
            ValueRef::Value(v) => Some(v),
            ValueRef::Ref(v) => Some(v),
            _ => None,
        }
    }
}

/// A fetched row read in place, cell by cell (object-safe).
pub trait RawRow {
    /// The number of cells.
    fn len(&self) -> usize;

    /// Whether the row has no cells.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell `index` (0-based, in select order). Past the end is a decode error.
    fn cell(&self, index: usize) -> Result<ValueRef<'_>>;

    /// Cell `index`, read once: a driver may give its buffer away (text moved into
    /// the field rather than copied), after which reading the same cell again is a
    /// decode error. Model rows and typed tuples read each cell this way; the
    /// default lends it as [`RawRow::cell`] does.
    fn take_cell(&mut self, index: usize) -> Result<ValueRef<'_>> {
        self.cell(index)
    }

    /// Cell `index` when it is an integer cell, read without a [`ValueRef`] (the
    /// answer fits in registers: integer keys are the most read cells). `None` for
    /// any other cell — NULL, text, a float, an index past the end — which the caller
    /// then reads with [`RawRow::take_cell`] (that tells which). The default is
    /// always `None`.
    fn take_int(&mut self, index: usize) -> Option<i64> {
        let _ = index;
        None
    }

    /// Cell `index`, read once, as text; `None` for NULL. A cell of another type is
    /// converted as [`FromValue`](crate::value::FromValue) for `String` does. The
    /// default reads [`RawRow::take_cell`]; a driver holding the text in a buffer of
    /// its own moves it out (no copy, no [`ValueRef`] in between).
    fn take_text(&mut self, index: usize) -> Result<Option<String>> {
        let c = self.take_cell(index)?;
        if c.is_null() {
            return Ok(None);
        }
        <String as crate::value::FromValue>::from_cell(c).map(Some)
    }

    /// Cell `index` as an owned [`Value`].
    fn value(&self, index: usize) -> Result<Value> {
        self.cell(index).map(ValueRef::into_value)
    }
}

/// Cell `index` of `row`, read once ([`RawRow::take_cell`]), as `None` when NULL and
/// through `decode` otherwise: how a nullable column is read.
pub fn take_nullable<T>(
    row: &mut dyn RawRow,
    index: usize,
    decode: impl FnOnce(ValueRef<'_>) -> Result<T>,
) -> Result<Option<T>> {
    let c = row.take_cell(index)?;
    if c.is_null() {
        Ok(None)
    } else {
        decode(c).map(Some)
    }
}

/// The error for a cell index past the end of a row.
pub fn no_cell(index: usize, len: usize) -> Error {
    Error::Decode(format!("no cell #{index}: the row has {len} cells"))
}

impl RawRow for [Value] {
    fn len(&self) -> usize {
        <[Value]>::len(self)
    }
    fn cell(&self, index: usize) -> Result<ValueRef<'_>> {
        self.get(index).map(ValueRef::Ref).ok_or_else(|| no_cell(index, <[Value]>::len(self)))
    }
}

impl RawRow for Vec<Value> {
    fn len(&self) -> usize {
        <[Value]>::len(self)
    }
    fn cell(&self, index: usize) -> Result<ValueRef<'_>> {
        self.as_slice().cell(index)
    }
}

impl RawRow for Row {
    fn len(&self) -> usize {
        self.values.len()
    }
    fn cell(&self, index: usize) -> Result<ValueRef<'_>> {
        self.values.as_slice().cell(index)
    }
}

/// What [`Connection::query_each`](crate::driver::Connection::query_each) calls for
/// every row, in order; an error stops the query and is returned.
pub type RowFn<'f> = dyn FnMut(&mut dyn RawRow) -> Result<()> + Send + 'f;
