//! [`MySqlConnection`]: ormolu's [`Connection`] over one pooled `mysql_async::Conn`.
//!
//! Statements with parameters use the binary protocol (prepared, cached per
//! connection); statements without use the text protocol, which also accepts
//! statements that cannot be prepared — except the model and values queries of
//! `query_each`, always prepared. Both decode through [`crate::decode`].

use async_trait::async_trait;
use futures_util::{stream, StreamExt, TryStreamExt};
use mysql_async::consts::StatusFlags;
use mysql_async::prelude::{Protocol, Queryable};
use mysql_async::{Conn, QueryResult, Statement, Value as My};
use ormolu_core::dialect::Dialect;
use ormolu_core::driver::{Connection, ExecResult, Row, RowStream};
use ormolu_core::row::{RowFn, ValueRef};
use ormolu_core::{Error, Result, Value};

use crate::decode::Decoder;
use crate::error_map::map_error;
use crate::hot::Lease;
use crate::params::{positional, refs_to_params, to_params};
use crate::row::{kinds, MyRow};

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

    /// Prepares `sql` (through the statement cache) and checks it takes `params`
    /// parameters: the driver drops the connection over a wrong count.
    async fn prepare(&mut self, sql: &str, params: Vec<My>) -> Result<(Statement, mysql_async::Params)> {
        self.close_uncached().await?;
        let stmt = self.conn.prep(sql).await.map_err(|e| map_error(e, sql))?;
        if !self.cached {
            // The driver keeps uncached statements open on the server until closed.
            self.to_close.push(stmt.clone());
        }
        if usize::from(stmt.num_params()) != params.len() {
            return Err(Error::Database {
                message: format!("the statement takes {} parameters, {} given", stmt.num_params(), params.len()),
                sql: sql.to_string(),
                source: None,
            });
        }
        Ok((stmt, positional(params)))
    }

    /// Runs a statement with converted parameters; without any, unprepared.
    async fn execute_my(&mut self, sql: &str, params: Vec<My>) -> Result<ExecResult> {
        tracing::debug!(target: "ormolu::sql", sql, params = params.len(), "execute");
        self.conn.reusable = false;
        let done = if params.is_empty() {
            self.close_uncached().await?;
            self.conn.query_drop(sql).await
        } else {
            let (stmt, params) = self.prepare(sql, params).await?;
            self.conn.exec_drop(stmt, params).await
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

    /// Calls `each` with every row of a query with converted parameters. Always
    /// prepared (cached): the binary protocol sends integers as integers, and a
    /// repeated query is parsed once.
    async fn query_each_my(&mut self, sql: &str, params: Vec<My>, each: &mut RowFn<'_>) -> Result<()> {
        tracing::debug!(target: "ormolu::sql", sql, params = params.len(), "query");
        self.conn.reusable = false;
        let (stmt, params) = self.prepare(sql, params).await?;
        let result = self.conn.exec_iter(stmt, params).await.map_err(|e| map_error(e, sql))?;
        each_row(result, sql, each).await?;
        self.close_uncached().await?;
        self.conn.reusable = true;
        Ok(())
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

/// Calls `each` with every row of the first result set of `result`, read in place
/// (rows taken one by one from the result, as the driver's own `exec_map` does; the
/// rest of the result, if any, is dropped).
async fn each_row<P>(mut result: QueryResult<'_, 'static, P>, sql: &str, each: &mut RowFn<'_>) -> Result<()>
where
    P: Protocol + Unpin + Send + 'static,
{
    let Some(columns) = result.columns() else {
        return result.drop_result().await.map_err(|e| map_error(e, sql));
    };
    let kinds = kinds(&columns);
    while let Some(row) = result.next().await.map_err(|e| map_error(e, sql))? {
        let mut cells = row.unwrap_raw();
        each(&mut MyRow { cells: &mut cells, columns: &columns, kinds: &kinds })?;
    }
    result.drop_result().await.map_err(|e| map_error(e, sql))
}

/// Collects the first result set of `result`.
async fn collect<P>(result: QueryResult<'_, 'static, P>, sql: &str) -> Result<Vec<Row>>
where
    P: Protocol + Unpin + Send + 'static,
{
    let Some(columns) = result.columns() else {
        result.drop_result().await.map_err(|e| map_error(e, sql))?;
        return Ok(Vec::new());
    };
    let rows: Vec<mysql_async::Row> = result.collect_and_drop().await.map_err(|e| map_error(e, sql))?;
    let decoder = Decoder::new(columns);
    rows.into_iter().map(|r| decoder.row(r)).collect()
}

#[async_trait]
impl Connection for MySqlConnection {
    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        ormolu_core::value::reject_arrays(params, self.dialect.name())?;
        self.execute_my(sql, to_params(params)?).await
    }

    async fn execute_refs(&mut self, sql: &str, params: &[ValueRef<'_>]) -> Result<ExecResult> {
        ormolu_core::value::reject_array_refs(params, self.dialect.name())?;
        self.execute_my(sql, refs_to_params(params)?).await
    }

    async fn query_each_refs(&mut self, sql: &str, params: &[ValueRef<'_>], each: &mut RowFn<'_>) -> Result<()> {
        ormolu_core::value::reject_array_refs(params, self.dialect.name())?;
        self.query_each_my(sql, refs_to_params(params)?, each).await
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        tracing::debug!(target: "ormolu::sql", sql, params = params.len(), "query");
        self.conn.reusable = false;
        let rows = if params.is_empty() {
            self.close_uncached().await?;
            let result = self.conn.query_iter(sql).await.map_err(|e| map_error(e, sql))?;
            collect(result, sql).await?
        } else {
            ormolu_core::value::reject_arrays(params, self.dialect.name())?;
            let (stmt, params) = self.prepare(sql, to_params(params)?).await?;
            let result = self.conn.exec_iter(stmt, params).await.map_err(|e| map_error(e, sql))?;
            collect(result, sql).await?
        };
        self.close_uncached().await?;
        self.conn.reusable = true;
        Ok(rows)
    }

    async fn query_each(&mut self, sql: &str, params: &[Value], each: &mut RowFn<'_>) -> Result<()> {
        ormolu_core::value::reject_arrays(params, self.dialect.name())?;
        self.query_each_my(sql, to_params(params)?, each).await
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
                let (stmt, params) = self.prepare(sql, to_params(params)?).await?;
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
