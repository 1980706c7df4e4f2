//! [`Sql`]: a statement and its parameters, and [`Params`], the collector that lets
//! dialect code move or repeat fragments without breaking parameter order.

use std::fmt;

use crate::dialect::Dialect;
use crate::value::Value;

/// A finished statement: SQL text with the dialect's placeholders, and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    /// The SQL text.
    pub sql: String,
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

/// Collects values while fragments are built. A fragment refers to a value by a
/// marker; [`Params::finish`] replaces markers in text order with the dialect's
/// placeholders, so a dialect may reorder or duplicate fragments freely.
#[derive(Debug, Default)]
pub struct Params {
    values: Vec<Value>,
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
    }

    /// `marked` with each marker replaced by its value's text (for comparing fragments).
    pub(crate) fn render(&self, marked: &str) -> String {
        let mut out = String::with_capacity(marked.len());
        let mut rest = marked;
        while let Some(start) = rest.find(OPEN) {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find(CLOSE) else { break };
            let idx: usize = after[..end].parse().unwrap_or(usize::MAX);
            match self.values.get(idx) {
                Some(v) => out.push_str(&format!("{v:?}")),
                None => out.push('?'),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Turns marked SQL into a finished statement for a dialect.
    pub fn finish(self, marked: String, d: &dyn Dialect) -> Sql {
        if !marked.contains(OPEN) {
            return Sql { sql: marked, params: Vec::new() };
        }
        let mut sql = String::with_capacity(marked.len() + 8);
        // Markers almost always appear once each, in order: then the values move as
        // they are; otherwise they are cloned in text order.
        let mut in_order = true;
        let mut count = 0;
        let mut rest = marked.as_str();
        while let Some((before, idx, after)) = next_marker(rest) {
            sql.push_str(before);
            in_order &= idx == count;
            count += 1;
            d.placeholder_into(&mut sql, count);
            rest = after;
        }
        sql.push_str(rest);
        let params = if in_order && count == self.values.len() {
            self.values
        } else {
            let mut params = Vec::with_capacity(count);
            let mut rest = marked.as_str();
            while let Some((_, idx, after)) = next_marker(rest) {
                params.push(self.values[idx].clone());
                rest = after;
            }
            params
        };
        Sql { sql, params }
    }
}

/// The text before the first marker of `marked`, the marker's index, and the text after it.
fn next_marker(marked: &str) -> Option<(&str, usize, &str)> {
    let start = marked.find(OPEN)?;
    let after = &marked[start + 1..];
    let end = after.find(CLOSE).expect("parameter marker is closed");
    let idx: usize = after[..end].parse().expect("parameter marker holds an index");
    Some((&marked[..start], idx, &after[end + 1..]))
}
