//! Running statements synchronously on a `rusqlite::Connection`.
//!
//! These functions are called inline by [`crate::SqliteConnection`] (statements
//! take microseconds) and from the blocking task of a stream. Statements come from
//! the connection's prepared statement cache (`prepare_cached`).

use std::sync::Arc;
use std::time::Instant;

use ormolu_core::driver::{ExecResult, Row};
use ormolu_core::row::{no_cell, RawRow, RowFn, ValueRef};
use ormolu_core::{Result, Value};
use rusqlite::{CachedStatement, Connection};
use tokio::sync::mpsc;

use crate::bind::{cell_ref, read_cell, Bind, BindRef};
use crate::error_map::map_err;
use crate::slow::{can_block_in_place, SlowStatements, CHECK_EVERY, STEP_BUDGET};
use crate::stream::{CHUNK_ROWS, CHUNK_WAIT};

/// The parameters of a statement: owned [`Value`]s, or borrowed cells
/// ([`ValueRef`]: text and bytes bound from the caller's buffers).
pub(crate) trait Params: Sync {
    /// How many there are.
    fn count(&self) -> usize;
    /// Binds parameter `i` (0-based) to `stmt`.
    fn bind(&self, stmt: &mut CachedStatement<'_>, i: usize) -> rusqlite::Result<()>;
    /// Refuses what SQLite cannot bind (arrays) before anything runs.
    fn check(&self) -> Result<()>;
    /// The parameters as owned values (a statement that runs on a blocking thread).
    fn to_values(&self) -> Vec<Value>;
}

impl Params for [Value] {
    fn count(&self) -> usize {
        self.len()
    }
    fn bind(&self, stmt: &mut CachedStatement<'_>, i: usize) -> rusqlite::Result<()> {
        stmt.raw_bind_parameter(i + 1, Bind(&self[i]))
    }
    fn check(&self) -> Result<()> {
        ormolu_core::value::reject_arrays(self, "sqlite")
    }
    fn to_values(&self) -> Vec<Value> {
        self.to_vec()
    }
}

impl Params for [ValueRef<'_>] {
    fn count(&self) -> usize {
        self.len()
    }
    fn bind(&self, stmt: &mut CachedStatement<'_>, i: usize) -> rusqlite::Result<()> {
        stmt.raw_bind_parameter(i + 1, BindRef(&self[i]))
    }
    fn check(&self) -> Result<()> {
        ormolu_core::value::reject_array_refs(self, "sqlite")
    }
    fn to_values(&self) -> Vec<Value> {
        self.iter().map(ValueRef::to_value).collect()
    }
}

/// Prepares `sql` from the cache and binds `params`, checking their number.
fn prepare<'c, P: Params + ?Sized>(
    conn: &'c Connection,
    sql: &str,
    params: &P,
) -> rusqlite::Result<CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let expected = stmt.parameter_count();
    if expected != params.count() {
        return Err(rusqlite::Error::InvalidParameterCount(params.count(), expected));
    }
    for i in 0..params.count() {
        params.bind(&mut stmt, i)?;
    }
    Ok(stmt)
}

/// The column names of a statement, shared by all its rows.
fn columns(stmt: &CachedStatement<'_>) -> Arc<[String]> {
    stmt.column_names().into_iter().map(String::from).collect()
}

/// Whether `sql` is an INSERT (or REPLACE), whose rowid is worth reporting.
fn is_insert(sql: &str) -> bool {
    let s = sql.trim_start().as_bytes();
    let starts = |kw: &str| s.get(..kw.len()).is_some_and(|h| h.eq_ignore_ascii_case(kw.as_bytes()));
    starts("insert") || starts("replace")
}

/// Runs a statement; rows it returns (e.g. `RETURNING`) are stepped through and dropped.
pub(crate) fn execute<P: Params + ?Sized>(conn: &Connection, sql: &str, params: &P) -> Result<ExecResult> {
    params.check()?;
    let run = || -> rusqlite::Result<ExecResult> {
        let before = conn.total_changes();
        let mut stmt = prepare(conn, sql, params)?;
        let mut rows = stmt.raw_query();
        while rows.next()?.is_some() {}
        drop(rows);
        // `changes()` keeps the count of the last INSERT/UPDATE/DELETE; a statement
        // that changed nothing (DDL, SELECT) must report 0, not that stale count.
        let rows_affected = if conn.total_changes() == before { 0 } else { conn.changes() };
        let last_insert_id = is_insert(sql).then(|| conn.last_insert_rowid());
        Ok(ExecResult { rows_affected, last_insert_id })
    };
    run().map_err(|e| map_err(e, sql))
}

/// Runs a query and collects its rows.
pub(crate) fn query(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    ormolu_core::value::reject_arrays(params, "sqlite")?;
    let run = || -> rusqlite::Result<Vec<Row>> {
        let mut stmt = prepare(conn, sql, params)?;
        let cols = columns(&stmt);
        let n = cols.len();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let values = (0..n).map(|i| r.get_ref(i).map(read_cell)).collect::<rusqlite::Result<_>>()?;
            out.push(Row { columns: Arc::clone(&cols), values });
        }
        Ok(out)
    };
    run().map_err(|e| map_err(e, sql))
}

/// A rusqlite row read in place.
struct SqliteRow<'r, 's>(&'r rusqlite::Row<'s>, usize);

impl RawRow for SqliteRow<'_, '_> {
    fn len(&self) -> usize {
        self.1
    }
    fn cell(&self, index: usize) -> Result<ValueRef<'_>> {
        match self.0.get_ref(index) {
            Ok(v) => Ok(cell_ref(v)),
            Err(_) => Err(no_cell(index, self.1)),
        }
    }
    fn take_int(&mut self, index: usize) -> Option<i64> {
        match self.0.get_ref(index) {
            Ok(rusqlite::types::ValueRef::Integer(i)) => Some(i),
            _ => None,
        }
    }
    /// Text copied once, from SQLite's buffer into the string.
    fn take_text(&mut self, index: usize) -> Result<Option<String>> {
        match self.0.get_ref(index) {
            Ok(rusqlite::types::ValueRef::Text(t)) => match std::str::from_utf8(t) {
                Ok(s) => Ok(Some(s.to_owned())),
                Err(e) => Err(ormolu_core::Error::Decode(e.to_string())),
            },
            Ok(rusqlite::types::ValueRef::Null) => Ok(None),
            Ok(v) => <String as ormolu_core::value::FromValue>::from_cell(cell_ref(v)).map(Some),
            Err(_) => Err(no_cell(index, self.1)),
        }
    }
}

/// Runs a query and calls `each` with every row, read in place. Inline at first;
/// a query still stepping after [`STEP_BUDGET`] finishes inside `block_in_place` where the
/// runtime allows it (see [`crate::slow`]); `slow` remembers it.
pub(crate) fn query_each<P: Params + ?Sized>(
    conn: &Connection,
    sql: &str,
    params: &P,
    each: &mut RowFn<'_>,
    slow: &SlowStatements,
) -> Result<()> {
    let start = Instant::now();
    params.check()?;
    let mut stmt = prepare(conn, sql, params).map_err(|e| map_err(e, sql))?;
    let n = stmt.column_count();
    let mut rows = stmt.raw_query();
    let mut step = || -> Result<bool> {
        match rows.next() {
            Ok(Some(r)) => each(&mut SqliteRow(r, n)).map(|()| true),
            Ok(None) => Ok(false),
            Err(e) => Err(map_err(e, sql)),
        }
    };
    loop {
        for _ in 0..CHECK_EVERY {
            if !step()? {
                slow.record(sql, start);
                return Ok(());
            }
        }
        if start.elapsed() >= STEP_BUDGET && can_block_in_place() {
            break;
        }
    }
    slow.record(sql, start);
    tokio::task::block_in_place(|| {
        while step()? {}
        Ok(())
    })
}

/// Runs `;`-separated statements without parameters.
pub(crate) fn batch(conn: &Connection, sql: &str) -> Result<()> {
    conn.execute_batch(sql).map_err(|e| map_err(e, sql))
}

/// Runs a query on a blocking thread, sending its rows through `tx` in chunks (see
/// [`crate::stream`]); stops at the first error (which is sent) or as soon as the
/// receiver is gone.
pub(crate) fn stream(conn: &Connection, sql: &str, params: &[Value], tx: &mpsc::Sender<Result<Vec<Row>>>) {
    if let Err(e) = ormolu_core::value::reject_arrays(params, "sqlite") {
        let _ = tx.blocking_send(Err(e));
        return;
    }
    let run = || -> rusqlite::Result<()> {
        let mut stmt = prepare(conn, sql, params)?;
        let cols = columns(&stmt);
        let n = cols.len();
        let mut rows = stmt.raw_query();
        let mut chunk = Vec::with_capacity(CHUNK_ROWS);
        let mut since = Instant::now();
        while !tx.is_closed() {
            let Some(r) = rows.next()? else { break };
            let values = (0..n).map(|i| r.get_ref(i).map(read_cell)).collect::<rusqlite::Result<_>>()?;
            if chunk.is_empty() {
                since = Instant::now();
            }
            chunk.push(Row { columns: Arc::clone(&cols), values });
            if chunk.len() >= CHUNK_ROWS || since.elapsed() >= CHUNK_WAIT {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                if tx.blocking_send(Ok(full)).is_err() {
                    return Ok(());
                }
            }
        }
        if !chunk.is_empty() {
            let _ = tx.blocking_send(Ok(chunk));
        }
        Ok(())
    };
    if let Err(e) = run() {
        // Errors after the receiver was dropped (including our own interrupt) are moot.
        let _ = tx.blocking_send(Err(map_err(e, sql)));
    }
}

#[cfg(test)]
mod tests {
    use super::is_insert;

    #[test]
    fn inserts() {
        assert!(is_insert("  insert into t values (1)"));
        assert!(is_insert("REPLACE INTO t VALUES (1)"));
        assert!(!is_insert("UPDATE t SET a = 1"));
        assert!(!is_insert("ins"));
    }
}
