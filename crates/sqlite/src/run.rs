//! Running statements synchronously on a `rusqlite::Connection`.
//!
//! These functions are called inline by [`crate::SqliteConnection`] (statements
//! take microseconds) and from the blocking task of a stream. Statements come from
//! the connection's prepared statement cache (`prepare_cached`).

use std::sync::Arc;

use ormolu_core::driver::{ExecResult, Row};
use ormolu_core::{Result, Value};
use rusqlite::{CachedStatement, Connection};
use tokio::sync::mpsc;

use crate::bind::{read_cell, Bind};
use crate::error_map::map_err;

/// Prepares `sql` from the cache and binds `params`, checking their number.
fn prepare<'c>(conn: &'c Connection, sql: &str, params: &[Value]) -> rusqlite::Result<CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(rusqlite::Error::InvalidParameterCount(params.len(), expected));
    }
    for (i, v) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, Bind(v))?;
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
pub(crate) fn execute(conn: &Connection, sql: &str, params: &[Value]) -> Result<ExecResult> {
    ormolu_core::value::reject_arrays(params, "sqlite")?;
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

/// Runs `;`-separated statements without parameters.
pub(crate) fn batch(conn: &Connection, sql: &str) -> Result<()> {
    conn.execute_batch(sql).map_err(|e| map_err(e, sql))
}

/// Runs a query on a blocking thread, sending each row through `tx`; stops at the
/// first error (which is sent) or as soon as the receiver is gone.
pub(crate) fn stream(conn: &Connection, sql: &str, params: &[Value], tx: &mpsc::Sender<Result<Row>>) {
    if let Err(e) = ormolu_core::value::reject_arrays(params, "sqlite") {
        let _ = tx.blocking_send(Err(e));
        return;
    }
    let run = || -> rusqlite::Result<()> {
        let mut stmt = prepare(conn, sql, params)?;
        let cols = columns(&stmt);
        let n = cols.len();
        let mut rows = stmt.raw_query();
        while !tx.is_closed() {
            let Some(r) = rows.next()? else { break };
            let values = (0..n).map(|i| r.get_ref(i).map(read_cell)).collect::<rusqlite::Result<_>>()?;
            if tx.blocking_send(Ok(Row { columns: Arc::clone(&cols), values })).is_err() {
                break;
            }
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
