//! [`MyRow`]: a `mysql_async` row read in place (see [`ormolu_core::row`]).
//!
//! Integers, doubles and text are read without a [`Value`] in between (integers in
//! registers, [`RawRow::take_int`]; text moved out of the driver's row,
//! [`RawRow::take_text`]); every other cell goes through [`crate::decode::decode`].

use mysql_async::consts::ColumnType as T;
use mysql_async::{Column, Value as My};
use ormolu_core::row::{no_cell, RawRow, ValueRef};
use ormolu_core::value::FromValue;
use ormolu_core::{Error, Result, Value};

use crate::decode::{decode, is_text, not_utf8, text, BINARY_CHARSET};

/// A `mysql_async` row read in place (see [`ormolu_core::row`]): its cells
/// ([`mysql_async::Row::unwrap_raw`]), integers, doubles and text read without a
/// [`Value`] in between; everything else through [`decode`].
pub(crate) struct MyRow<'r> {
    pub(crate) cells: &'r mut [Option<My>],
    pub(crate) columns: &'r [Column],
    /// How each column is read ([`kinds`] of `columns`, decided once per result).
    pub(crate) kinds: &'r [Kind],
}

/// How [`MyRow`] reads the cells of one column, decided once per result set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A signed integer column: binary-protocol cells are `Int`.
    Int,
    /// An unsigned integer column: `Int` cells up to `i64::MAX` (larger ones are `UInt`).
    UInt,
    /// A `DOUBLE` column.
    Double,
    /// A text column (not a binary one): cells are UTF-8 bytes.
    Text,
    /// Anything else, read through [`decode`].
    Other,
}

/// The [`Kind`] of each column.
pub(crate) fn kinds(columns: &[Column]) -> Vec<Kind> {
    columns
        .iter()
        .map(|col| match col.column_type() {
            T::MYSQL_TYPE_TINY
            | T::MYSQL_TYPE_SHORT
            | T::MYSQL_TYPE_INT24
            | T::MYSQL_TYPE_LONG
            | T::MYSQL_TYPE_LONGLONG => {
                if col.flags().contains(mysql_async::consts::ColumnFlags::UNSIGNED_FLAG) {
                    Kind::UInt
                } else {
                    Kind::Int
                }
            }
            T::MYSQL_TYPE_DOUBLE => Kind::Double,
            t if is_text(t) && col.character_set() != BINARY_CHARSET => Kind::Text,
            _ => Kind::Other,
        })
        .collect()
}

/// The error for a cell [`RawRow::take_cell`] has already moved out.
fn taken(index: usize) -> Error {
    Error::Decode(format!("cell #{index} was already read (taken)"))
}

impl RawRow for MyRow<'_> {
    fn len(&self) -> usize {
        self.columns.len()
    }

    fn cell(&self, index: usize) -> Result<ValueRef<'_>> {
        let col = self.columns.get(index).ok_or_else(|| no_cell(index, self.columns.len()))?;
        let v = match self.cells.get(index) {
            Some(Some(My::NULL)) => return Ok(ValueRef::Null),
            Some(Some(v)) => v,
            Some(None) => return Err(taken(index)),
            None => return Err(no_cell(index, self.cells.len())),
        };
        let kind = self.kinds.get(index).copied().unwrap_or(Kind::Other);
        Ok(match (kind, v) {
            (Kind::Int, My::Int(i)) => ValueRef::Int(*i),
            (Kind::UInt, My::Int(i)) if *i >= 0 => ValueRef::Int(*i),
            (Kind::Double, My::Double(f)) => ValueRef::Float(*f),
            // Text-protocol integers.
            (Kind::Int | Kind::UInt, My::Bytes(b)) => {
                match std::str::from_utf8(b).ok().and_then(|s| s.parse::<i64>().ok()) {
                    Some(i) if kind == Kind::Int || i >= 0 => ValueRef::Int(i),
                    _ => ValueRef::Value(decode(col, v.clone())?),
                }
            }
            (Kind::Text, My::Bytes(b)) => ValueRef::Text(
                std::str::from_utf8(b).map_err(|e| Error::Decode(format!("text column is not UTF-8: {e}")))?,
            ),
            _ => ValueRef::Value(decode(col, v.clone())?),
        })
    }

    /// Text is moved out of the driver's row into the value (no copy), as the raw
    /// driver's own `FromRow` does; other cells are read as [`RawRow::cell`] does.
    fn take_cell(&mut self, index: usize) -> Result<ValueRef<'_>> {
        if self.kinds.get(index) != Some(&Kind::Text) {
            return self.cell(index);
        }
        Ok(match self.take_raw(index)? {
            My::Bytes(b) => ValueRef::Value(Value::Text(text(b)?)),
            My::NULL => ValueRef::Null,
            other => ValueRef::Value(decode(&self.columns[index], other)?),
        })
    }

    /// A binary-protocol integer of an integer column (the usual key cell).
    fn take_int(&mut self, index: usize) -> Option<i64> {
        match (self.kinds.get(index), self.cells.get(index)) {
            (Some(Kind::Int), Some(Some(My::Int(i)))) => Some(*i),
            (Some(Kind::UInt), Some(Some(My::Int(i)))) if *i >= 0 => Some(*i),
            _ => None,
        }
    }

    /// Text moved out of the driver's row as it is, without a [`ValueRef`].
    fn take_text(&mut self, index: usize) -> Result<Option<String>> {
        if self.kinds.get(index) == Some(&Kind::Text) {
            // Straight from the row's cell (no `Result<My>` in between: it is 96 bytes).
            let len = self.cells.len();
            let cell = self.cells.get_mut(index).ok_or_else(|| no_cell(index, len))?;
            return match cell.take() {
                Some(My::Bytes(b)) => String::from_utf8(b).map(Some).map_err(not_utf8),
                Some(My::NULL) => Ok(None),
                Some(other) => String::from_value(decode(&self.columns[index], other)?).map(Some),
                None => Err(taken(index)),
            };
        }
        let c = self.cell(index)?;
        if c.is_null() {
            Ok(None)
        } else {
            String::from_cell(c).map(Some)
        }
    }
}

impl<'r> MyRow<'r> {
    /// Moves cell `index` out of the row (a second read is a decode error).
    fn take_raw(&mut self, index: usize) -> Result<My> {
        match self.cells.get_mut(index).map(Option::take) {
            Some(Some(v)) => Ok(v),
            Some(None) => Err(taken(index)),
            None => Err(no_cell(index, self.cells.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_in_place_move_text_out_once() {
        let text = Column::new(T::MYSQL_TYPE_VAR_STRING).with_character_set(45);
        let columns = [Column::new(T::MYSQL_TYPE_LONGLONG), text.clone(), text.clone(), text];
        let mut cells =
            vec![Some(My::Int(7)), Some(My::Bytes(b"Ann".to_vec())), Some(My::NULL), Some(My::Bytes(vec![0xff, 0xfe]))];
        let k = kinds(&columns);
        let mut row = MyRow { cells: &mut cells, columns: &columns, kinds: &k };
        assert_eq!(row.take_int(0), Some(7), "an integer cell, in registers");
        assert_eq!(row.take_int(1), None, "text is not an integer cell");
        assert_eq!(row.take_int(9), None, "past the end: take_cell tells the error");
        assert_eq!(row.take_text(0).unwrap().as_deref(), Some("7"), "a number read as text");
        assert_eq!(row.take_text(1).unwrap().as_deref(), Some("Ann"));
        assert!(row.take_text(1).unwrap_err().to_string().contains("already read"), "moved out once");
        assert!(row.cell(1).is_err(), "nor lent after");
        assert_eq!(row.take_text(2).unwrap(), None);
        assert!(row.take_text(3).unwrap_err().to_string().contains("not UTF-8"));
        assert!(row.take_text(4).unwrap_err().to_string().contains("no cell #4"));
        let mut cells = vec![Some(My::Bytes(b"Bo".to_vec()))];
        let k = kinds(&columns[1..2]);
        let mut row = MyRow { cells: &mut cells, columns: &columns[1..2], kinds: &k };
        assert_eq!(row.take_cell(0).unwrap().into_value(), Value::Text("Bo".into()));
        assert!(row.take_cell(0).is_err());
        let unsigned =
            [Column::new(T::MYSQL_TYPE_LONGLONG).with_flags(mysql_async::consts::ColumnFlags::UNSIGNED_FLAG)];
        let mut cells = vec![Some(My::Int(-1))];
        let k = kinds(&unsigned);
        let mut row = MyRow { cells: &mut cells, columns: &unsigned, kinds: &k };
        assert_eq!(row.take_int(0), None, "an unsigned value past i64::MAX is not read as negative");
    }
}
