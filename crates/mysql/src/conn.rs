//! [`MySqlConnection`]: ormolu's [`Connection`] over one pooled `mysql_async::Conn`.
//!
//! Statements with parameters use the binary protocol (prepared, cached per
//! connection); statements without use the text protocol, which also accepts
//! statements that cannot be prepared — except the model and values queries of
//! `query_each`, always prepared. Both decode through [`crate::decode`].

use std::sync::Arc;

use async_trait::async_trait;
use futures_util::{stream, StreamExt, TryStreamExt};
use mysql_async::consts::StatusFlags;
use mysql_async::prelude::{Protocol, Queryable};
use mysql_async::{Column, Conn, QueryResult, Statement, Value as My};
use ormolu_core::dialect::Dialect;
use ormolu_core::driver::{BoxFuture, Connection, ExecResult, Row, RowStream};
use ormolu_core::row::{RowFn, ValueRef};
use ormolu_core::{Error, Result, Value};

use crate::decode::Decoder;
use crate::error_map::map_error;
use crate::hot::Lease;
use crate::params::{positional, refs_to_params, to_params};
use crate::row::{kinds, Kind, MyRow};
use crate::stmts::is_stale;

/// One connection taken from a [`crate::MySqlPool`]; it goes back to the pool when dropped.
///
/// A connection dropped inside a transaction (a `BEGIN` without `COMMIT`/`ROLLBACK`)
/// is reset on its way back (rolled back, session settings applied again), so the
/// next user never inherits it.
pub struct MySqlConnection {
    conn: Lease,
    dialect: &'static dyn Dialect,
    /// Whether the driver caches prepared statements (capacity > 0).
    cached: bool,
    /// Uncached statements to close before the next command (a stream's, once read).
    to_close: Vec<Statement>,
}

impl std::fmt::Debug for MySqlConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MySqlConnection").field("id", &self.conn.id()).field("dialect", &self.dialect.name()).finish()
    }
}

impl MySqlConnection {
    pub(crate) fn new(conn: Lease, dialect: &'static dyn Dialect, cached: bool) -> Self {
        MySqlConnection { conn, dialect, cached, to_close: Vec::new() }
    }

    /// The prepared statement for `sql`, checked to take `params` parameters (the
    /// driver drops the connection over a wrong count), and whether it is one kept
    /// from an earlier run (`use_kept`), which the server may have closed since (see
    /// [`crate::stmts`]); else prepared through the driver's cache.
    async fn prepare(
        &mut self,
        sql: &str,
        params: Vec<My>,
        use_kept: bool,
    ) -> Result<(Statement, mysql_async::Params, bool)> {
        self.close_uncached().await?;
        let kept = if use_kept { self.conn.stmts.get(sql) } else { None };
        let was_kept = kept.is_some();
        let stmt = match kept {
            Some(stmt) => stmt,
            None => {
                let stmt = self.conn.prep(sql).await.map_err(|e| map_error(e, sql))?;
                if self.cached {
                    self.conn.stmts.keep(sql, &stmt);
                } else {
                    // The driver keeps uncached statements open on the server until closed.
                    self.to_close.push(stmt.clone());
                }
                stmt
            }
        };
        if usize::from(stmt.num_params()) != params.len() {
            return Err(Error::Database {
                message: format!("the statement takes {} parameters, {} given", stmt.num_params(), params.len()),
                sql: sql.to_string(),
                source: None,
            });
        }
        Ok((stmt, positional(params), was_kept))
    }

    /// Runs a statement; without parameters, unprepared.
    async fn execute_my(&mut self, sql: &str, args: Args<'_>) -> Result<ExecResult> {
        let params = args.convert(self.dialect)?;
        tracing::debug!(target: "ormolu::sql", sql, params = params.len(), "execute");
        self.conn.reusable = false;
        let done = if params.is_empty() {
            self.close_uncached().await?;
            self.conn.query_drop(sql).await
        } else {
            let (stmt, params, kept) = self.prepare(sql, params, true).await?;
            match self.conn.exec_drop(stmt, params).await {
                Err(e) if kept && is_stale(&e) => {
                    self.conn.stmts.forget(sql);
                    let (stmt, params, _) = self.prepare(sql, args.convert(self.dialect)?, false).await?;
                    self.conn.exec_drop(stmt, params).await
                }
                done => done,
            }
        };
        done.map_err(|e| map_error(e, sql))?;
        let id = self.conn.last_insert_id().unwrap_or(0);
        let done = ExecResult {
            rows_affected: self.conn.affected_rows(),
            last_insert_id: (id != 0).then(|| i64::try_from(id).unwrap_or(i64::MAX)),
        };
        self.close_uncached().await?;
        self.conn.reusable = true;
        Ok(done)
    }

    /// [`Connection::query_each`] in a future that owns the connection (it goes back
    /// when the future ends or is dropped).
    pub(crate) fn into_query_each<'a>(
        mut self,
        sql: &'a str,
        params: &'a [Value],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.query_each_my(sql, Args::Values(params), each).await })
    }

    /// Calls `each` with every row of a query. Always prepared (cached): the binary
    /// protocol sends integers as integers, and a repeated query is parsed once.
    async fn query_each_my(&mut self, sql: &str, args: Args<'_>, each: &mut RowFn<'_>) -> Result<()> {
        let params = args.convert(self.dialect)?;
        tracing::debug!(target: "ormolu::sql", sql, params = params.len(), "query");
        self.conn.reusable = false;
        let (stmt, params, kept) = self.prepare(sql, params, true).await?;
        let mut reader = RowReader { each, columns: None, failed: None };
        let read = match self.conn.exec_fold(stmt, params, (), |(), row| reader.take(row)).await {
            Err(e) if kept && is_stale(&e) => {
                self.conn.stmts.forget(sql);
                let (stmt, params, _) = self.prepare(sql, args.convert(self.dialect)?, false).await?;
                self.conn.exec_fold(stmt, params, (), |(), row| reader.take(row)).await
            }
            read => read,
        };
        read.map_err(|e| map_error(e, sql))?;
        self.close_uncached().await?;
        // Whatever `each` said, every row was read: the connection is clean.
        self.conn.reusable = true;
        reader.failed.map_or(Ok(()), Err)
    }

    /// Closes the statements that the cache does not keep.
    async fn close_uncached(&mut self) -> Result<()> {
        while let Some(stmt) = self.to_close.pop() {
            self.conn.close(stmt).await.map_err(|e| map_error(e, "/* close statement */"))?;
        }
        Ok(())
    }

    /// The underlying `mysql_async` connection, for what ormolu does not cover.
    /// (What is done with it is unknown to ormolu: the connection then goes back
    /// through the driver's pool, which checks it.)
    pub fn inner_mut(&mut self) -> &mut Conn {
        self.conn.reusable = false;
        &mut self.conn
    }

    /// Whether the server said, in its last reply, that a transaction is open
    /// (or that autocommit is off, so the next statement opens one).
    pub fn in_transaction(&self) -> bool {
        self.conn.last_ok_packet().is_some_and(|ok| {
            let flags = ok.status_flags();
            flags.contains(StatusFlags::SERVER_STATUS_IN_TRANS)
                || !flags.contains(StatusFlags::SERVER_STATUS_AUTOCOMMIT)
        })
    }
}

impl Drop for MySqlConnection {
    fn drop(&mut self) {
        if self.in_transaction() || !self.to_close.is_empty() {
            // COM_RESET_CONNECTION rolls back, frees statements and re-runs the session setup.
            self.conn.reset_connection(true);
            self.conn.reusable = false;
        }
    }
}

/// A statement's parameters as the caller gave them, converted when it runs.
#[derive(Clone, Copy)]
enum Args<'a> {
    Values(&'a [Value]),
    Refs(&'a [ValueRef<'a>]),
}

impl Args<'_> {
    /// The driver's values (arrays refused: MySQL has none).
    fn convert(self, dialect: &dyn Dialect) -> Result<Vec<My>> {
        match self {
            Args::Values(p) => {
                ormolu_core::value::reject_arrays(p, dialect.name())?;
                to_params(p)
            }
            Args::Refs(p) => {
                ormolu_core::value::reject_array_refs(p, dialect.name())?;
                refs_to_params(p)
            }
        }
    }
}

/// Decodes the first result set of `result` lazily, one row per poll.
async fn rows_of<'a, P>(result: QueryResult<'a, 'static, P>, sql: &'a str) -> Result<RowStream<'a>>
where
    P: Protocol + Unpin + Send + 'static,
{
    let Some(rows) = result.stream_and_drop::<mysql_async::Row>().await.map_err(|e| map_error(e, sql))? else {
        return Ok(Box::pin(stream::empty()));
    };
    let decoder = Decoder::new(rows.columns());
    Ok(Box::pin(rows.map(move |row| decoder.row(row.map_err(|e| map_error(e, sql))?))))
}

/// Hands the rows of a result to `each`, read in place (the driver's row taken
/// apart, no copy), until `each` fails; the rows after that are dropped.
struct RowReader<'e, 'f> {
    each: &'e mut RowFn<'f>,
    /// The result's columns and how each is read, from its first row.
    columns: Option<(Arc<[Column]>, Vec<Kind>)>,
    /// The first error `each` returned.
    failed: Option<Error>,
}

impl RowReader<'_, '_> {
    fn take(&mut self, row: mysql_async::Row) {
        if self.failed.is_some() {
            return;
        }
        let (columns, kinds) = self.columns.get_or_insert_with(|| {
            let columns = row.columns();
            let kinds = kinds(&columns);
            (columns, kinds)
        });
        let mut cells = row.unwrap_raw();
        if let Err(e) = (self.each)(&mut MyRow { cells: &mut cells, columns, kinds }) {
            self.failed = Some(e);
        }
    }
}

/// Decodes the rows of one result (either protocol).
fn decode_all(rows: Vec<mysql_async::Row>) -> Result<Vec<Row>> {
    let Some(first) = rows.first() else { return Ok(Vec::new()) };
    let decoder = Decoder::new(first.columns());
    rows.into_iter().map(|r| decoder.row(r)).collect()
}

/// Collects the first result set of `result`.
async fn collect<P>(result: QueryResult<'_, 'static, P>, sql: &str) -> Result<Vec<Row>>
where
    P: Protocol + Unpin + Send + 'static,
{
    if result.columns().is_none() {
        result.drop_result().await.map_err(|e| map_error(e, sql))?;
        return Ok(Vec::new());
    }
    decode_all(result.collect_and_drop().await.map_err(|e| map_error(e, sql))?)
}

#[async_trait]
impl Connection for MySqlConnection {
    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<ExecResult>> {
        Box::pin(self.execute_my(sql, Args::Values(params)))
    }

    fn execute_refs<'a>(&'a mut self, sql: &'a str, params: &'a [ValueRef<'_>]) -> BoxFuture<'a, Result<ExecResult>> {
        Box::pin(self.execute_my(sql, Args::Refs(params)))
    }

    fn query_each_refs<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [ValueRef<'_>],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.query_each_my(sql, Args::Refs(params), each))
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        tracing::debug!(target: "ormolu::sql", sql, params = params.len(), "query");
        self.conn.reusable = false;
        let rows = if params.is_empty() {
            self.close_uncached().await?;
            let result = self.conn.query_iter(sql).await.map_err(|e| map_error(e, sql))?;
            collect(result, sql).await?
        } else {
            let args = Args::Values(params);
            let (stmt, params, kept) = self.prepare(sql, args.convert(self.dialect)?, true).await?;
            let rows = match self.conn.exec(stmt, params).await {
                Err(e) if kept && is_stale(&e) => {
                    self.conn.stmts.forget(sql);
                    let (stmt, params, _) = self.prepare(sql, args.convert(self.dialect)?, false).await?;
                    self.conn.exec(stmt, params).await
                }
                rows => rows,
            };
            decode_all(rows.map_err(|e| map_error(e, sql))?)?
        };
        self.close_uncached().await?;
        self.conn.reusable = true;
        Ok(rows)
    }

    fn query_each<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.query_each_my(sql, Args::Values(params), each))
    }

    fn stream<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> RowStream<'a> {
        tracing::debug!(target: "ormolu::sql", sql, params = params.len(), "stream");
        // Left to the driver's pool afterwards: the stream may be dropped midway.
        self.conn.reusable = false;
        let start = async move {
            if params.is_empty() {
                self.close_uncached().await?;
                let result = self.conn.query_iter(sql).await.map_err(|e| map_error(e, sql))?;
                rows_of(result, sql).await
            } else {
                // An uncached statement stays open until the next command.
                ormolu_core::value::reject_arrays(params, self.dialect.name())?;
                let (stmt, params, _) = self.prepare(sql, to_params(params)?, false).await?;
                let result = self.conn.exec_iter(stmt, params).await.map_err(|e| map_error(e, sql))?;
                rows_of(result, sql).await
            }
        };
        Box::pin(stream::once(start).try_flatten())
    }

    async fn batch(&mut self, sql: &str) -> Result<()> {
        tracing::debug!(target: "ormolu::sql", sql, "batch");
        self.conn.reusable = false;
        self.close_uncached().await?;
        self.conn.query_drop(sql).await.map_err(|e| map_error(e, sql))?;
        self.conn.reusable = true;
        Ok(())
    }

    async fn ping(&mut self) -> Result<()> {
        self.conn.reusable = false;
        self.close_uncached().await?;
        self.conn.ping().await.map_err(|e| map_error(e, "/* ping */"))?;
        self.conn.reusable = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The future of a query is boxed once per statement (`BoxFuture`): at most 1 032
    /// bytes, glibc's per-thread cache serves it; larger, every query takes malloc's
    /// slow path, which also consolidates the free lists (measured: 720 bytes; 1 064
    /// when it was an `async fn` calling another).
    #[tokio::test]
    async fn a_query_future_fits_the_allocators_cache() {
        let url = std::env::var("ORMOLU_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
        let pool = crate::connect(&url, Default::default()).await.expect("MariaDB is reachable");
        let mut c = pool.get().await.unwrap();
        let mut each = |_: &mut dyn ormolu_core::row::RawRow| Ok(());
        let n = size_of_val(&*c.query_each("SELECT 1", &[], &mut each));
        assert!(n <= 1032, "MySqlConnection::query_each's future is {n} bytes");
        let m = size_of_val(&*c.into_query_each("SELECT 1", &[], &mut each));
        assert!(m <= 1032, "MySqlConnection::into_query_each's future is {m} bytes");
    }
}
