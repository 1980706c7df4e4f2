//! [`Sql`]: a statement and its parameters, and [`Params`], the collector that lets
//! dialect code move or repeat fragments without breaking parameter order.

use std::fmt;
use std::sync::Arc;

use crate::dialect::Dialect;
use crate::value::Value;

/// A finished statement: SQL text with the dialect's placeholders, and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    /// The SQL text (shared: a statement replayed from the shape cache points at the
    /// cached text instead of copying it).
    pub sql: Arc<str>,
    /// The bound values, in placeholder order.
    pub params: Vec<Value>,
}

impl fmt::Display for Sql {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)?;
        if !self.params.is_empty() {
            f.write_str(" -- params: [")?;
            for (i, p) in self.params.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{p}")?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';
/// Separates a list marker's first index from its length (`OPEN start LIST n CLOSE`).
const LIST: char = ':';

/// Collects values while fragments are built. A fragment refers to a value by a
/// marker; [`Params::finish`] replaces markers in text order with the dialect's
/// placeholders, so a dialect may reorder or duplicate fragments freely.
#[derive(Debug, Default)]
pub struct Params {
    values: Vec<Value>,
    /// For each value: where it came from, when it is a lookup's value (for the shape
    /// cache, which reproduces such parameters from another query's values).
    origins: Vec<Option<Origin>>,
}

/// How a parameter was made from a lookup's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transform {
    /// The value itself.
    Value,
    /// The text value as a LIKE pattern for this operator (escaped, wrapped in `%`).
    Like(crate::dialect::PatternOp),
    /// The text value itself, as text.
    Text,
    /// Element `i` of an `in` lookup's list.
    Element(u32),
    /// The non-NULL elements of an `in` lookup's list, as one array (`= ANY($1)`).
    NonNullArray,
}

/// The value a parameter was made from: the address of a lookup's right-hand side in
/// the query tree (or of a value in an expression), and the transform.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    pub source: usize,
    pub transform: Transform,
}

impl Params {
    /// Registers a value and returns the marker to write in its place.
    pub fn push(&mut self, v: Value) -> String {
        let mut s = String::with_capacity(4);
        self.push_into(&mut s, v);
        s
    }

    /// Registers a value and appends its marker to `out`.
    pub fn push_into(&mut self, out: &mut String, v: Value) {
        out.push(OPEN);
        crate::dialect::push_uint(out, self.values.len() as u64);
        out.push(CLOSE);
        self.values.push(v);
        self.origins.push(None);
    }

    /// Registers `values` and appends one marker for all of them: it becomes their
    /// placeholders, in order, separated by `, ` (a long `IN` list is written and
    /// scanned once, not once per value). Nothing is appended for no values.
    ///
    /// ```
    /// use ormolu_core::compiler::Params;
    /// use ormolu_core::dialect::{Postgres, Sqlite};
    /// use ormolu_core::Value;
    ///
    /// let mut p = Params::default();
    /// let mut sql = String::from("x = ");
    /// p.push_into(&mut sql, Value::I64(0));
    /// sql.push_str(" AND y IN (");
    /// p.push_list(&mut sql, [1, 2, 3].map(Value::I64));
    /// sql.push(')');
    /// let pg = p.finish(sql.clone(), &Postgres);
    /// assert_eq!(&*pg.sql, "x = $1 AND y IN ($2, $3, $4)");
    /// assert_eq!(pg.params, [0, 1, 2, 3].map(Value::I64));
    /// ```
    pub fn push_list(&mut self, out: &mut String, values: impl IntoIterator<Item = Value>) {
        let start = self.values.len();
        self.values.extend(values);
        let n = self.values.len() - start;
        self.origins.resize(self.values.len(), None);
        if n == 0 {
            return;
        }
        out.push(OPEN);
        crate::dialect::push_uint(out, start as u64);
        out.push(LIST);
        crate::dialect::push_uint(out, n as u64);
        out.push(CLOSE);
    }

    /// [`Params::push_list`] of the non-NULL elements of the list `rhs` (an `in`
    /// lookup's), each recorded as made from its element.
    pub(crate) fn push_list_from(&mut self, out: &mut String, rhs: &crate::query::Rhs) {
        let crate::query::Rhs::List(values) = rhs else { return };
        let start = self.values.len();
        self.push_list(out, values.iter().filter(|v| !v.is_null()).cloned());
        let addr = std::ptr::from_ref(rhs) as usize;
        let elements = values.iter().enumerate().filter(|(_, v)| !v.is_null());
        for (slot, (i, _)) in self.origins[start..].iter_mut().zip(elements) {
            *slot = u32::try_from(i).ok().map(|i| Origin { source: addr, transform: Transform::Element(i) });
        }
    }

    /// Registers a value made from the lookup value `rhs` (by `transform`) and appends
    /// its marker to `out`.
    pub(crate) fn push_from(&mut self, out: &mut String, v: Value, rhs: &crate::query::Rhs, transform: Transform) {
        self.push_into(out, v);
        if let Some(o) = self.origins.last_mut() {
            *o = Some(Origin { source: std::ptr::from_ref(rhs) as usize, transform });
        }
    }

    /// Registers a copy of the value `v` of an expression (recorded as made from it)
    /// and returns its marker.
    pub(crate) fn push_copy(&mut self, v: &Value) -> String {
        let marker = self.push(v.clone());
        if let Some(o) = self.origins.last_mut() {
            *o = Some(Origin { source: std::ptr::from_ref(v) as usize, transform: Transform::Value });
        }
        marker
    }

    /// `marked` with each marker replaced by its value's text (for comparing fragments).
    pub(crate) fn render(&self, marked: &str) -> String {
        let mut out = String::with_capacity(marked.len());
        let mut rest = marked;
        while let Some(start) = rest.find(OPEN) {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find(CLOSE) else { break };
            let (idx, n) = match after[..end].split_once(LIST) {
                Some((i, n)) => (i.parse().unwrap_or(usize::MAX), n.parse().unwrap_or(1)),
                None => (after[..end].parse().unwrap_or(usize::MAX), 1),
            };
            for k in 0..n {
                if k > 0 {
                    out.push_str(", ");
                }
                match self.values.get(idx.saturating_add(k)) {
                    Some(v) => out.push_str(&format!("{v:?}")),
                    None => out.push('?'),
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Turns marked SQL into a finished statement for a dialect.
    pub fn finish(self, marked: String, d: &dyn Dialect) -> Sql {
        self.finish_traced(marked, d).0
    }

    /// [`Params::finish`], with each parameter's origin when the values kept their order.
    pub(crate) fn finish_traced(self, marked: String, d: &dyn Dialect) -> (Sql, Option<Vec<Option<Origin>>>) {
        if !marked.contains(OPEN) {
            return (Sql { sql: marked.into(), params: Vec::new() }, Some(Vec::new()));
        }
        let mut sql = String::with_capacity(marked.len() + 8);
        // Markers almost always appear once each, in order: then the values move as
        // they are; otherwise they are cloned in text order.
        let mut in_order = true;
        let mut count = 0;
        let mut rest = marked.as_str();
        while let Some((before, idx, n, after)) = next_marker(rest) {
            sql.push_str(before);
            in_order &= idx == count;
            for k in 0..n {
                if k > 0 {
                    sql.push_str(", ");
                }
                count += 1;
                d.placeholder_into(&mut sql, count);
            }
            rest = after;
        }
        sql.push_str(rest);
        if in_order && count == self.values.len() {
            return (Sql { sql: sql.into(), params: self.values }, Some(self.origins));
        }
        let params = {
            let mut params = Vec::with_capacity(count);
            let mut rest = marked.as_str();
            while let Some((_, idx, n, after)) = next_marker(rest) {
                params.extend_from_slice(&self.values[idx..idx + n]);
                rest = after;
            }
            params
        };
        (Sql { sql: sql.into(), params }, None)
    }
}

/// The text before the first marker of `marked`, the marker's first index, how many
/// values it stands for (1, or a [`Params::push_list`] list's length), and the text
/// after it.
///
/// A byte scan: markers are ASCII control bytes around ASCII digits (and `:`), so
/// every slice boundary is a character boundary.
fn next_marker(marked: &str) -> Option<(&str, usize, usize, &str)> {
    let bytes = marked.as_bytes();
    let start = bytes.iter().position(|&b| b == OPEN as u8)?;
    let (mut idx, mut n, mut list) = (0usize, 0usize, false);
    let mut end = start + 1;
    while let Some(&b) = bytes.get(end) {
        if b == CLOSE as u8 {
            return Some((&marked[..start], idx, if list { n } else { 1 }, &marked[end + 1..]));
        }
        if b == LIST as u8 {
            list = true;
        } else {
            debug_assert!(b.is_ascii_digit(), "parameter marker holds an index");
            let digit = usize::from(b - b'0');
            if list {
                n = n * 10 + digit;
            } else {
                idx = idx * 10 + digit;
            }
        }
        end += 1;
    }
    panic!("parameter marker is not closed")
}
