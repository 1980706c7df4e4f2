//! The small driver trait each backend implements: [`Connection`] and [`Pool`].
//!
//! A backend crate (ormolu-sqlite, ormolu-postgres, ormolu-mysql) turns [`Value`]s
//! into its driver's parameters, runs the SQL the compiler wrote, maps its errors
//! to [`Error`](crate::Error) (integrity errors with their kind and constraint name) and turns
//! rows back into [`Value`]s — or lends them, cell by cell, to a callback
//! ([`Connection::query_each`], [`crate::row`]). It knows nothing of models or QuerySets.

use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use futures_core::Stream;

use crate::dialect::Dialect;
use crate::error::Result;
use crate::row::{RowFn, ValueRef};
use crate::value::Value;

/// The future of a [`Connection`] call that runs a statement: the driver's own
/// future, boxed once. (These methods are written out rather than `async fn`s so that
/// the box holds the driver's future alone, not a wrapper carrying the arguments a
/// second time: a future a few bytes smaller can be served by the allocator's
/// per-thread cache, where a larger one takes its slow path on every statement.)
pub type BoxFuture<'a, T> = Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A stream of rows that borrows the connection it reads from.
pub type RowStream<'a> = Pin<Box<dyn Stream<Item = Result<Row>> + Send + 'a>>;

/// One fetched row: the cells in select order, and the shared column names.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Column names, shared by every row of one result.
    pub columns: Arc<[String]>,
    /// Cells, in column order.
    pub values: Vec<Value>,
}

impl Row {
    /// The cell named `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.columns.iter().position(|c| c == name).map(|i| &self.values[i])
    }

    /// The cell named `name`, decoded: `row.get_as::<i64>("n")?`. A missing column is
    /// a decode error naming the columns there are.
    pub fn get_as<T: crate::FromValue>(&self, name: &str) -> Result<T> {
        match self.get(name) {
            Some(v) => T::from_value(v.clone()),
            None => Err(crate::Error::Decode(format!("no column `{name}` (columns: {})", self.columns.join(", ")))),
        }
    }
}

/// What a statement that returns no rows did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecResult {
    /// Rows inserted, changed or deleted (MySQL counts matched rows, as Django asks it to).
    pub rows_affected: u64,
    /// The generated id of the last inserted row, where the backend reports it.
    pub last_insert_id: Option<i64>,
}

/// One open connection. Not shared between tasks; a transaction holds one.
#[async_trait]
pub trait Connection: Send {
    /// The SQL dialect of this connection.
    fn dialect(&self) -> &'static dyn Dialect;

    /// Runs a statement that returns no rows.
    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<ExecResult>>;

    /// Runs a query and collects its rows.
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;

    /// Runs a query and calls `each` with every row, read in place (no row is
    /// collected: see [`crate::row`]). The first error `each` returns stops the query.
    /// The default collects [`Connection::query`]; drivers read their own rows.
    fn query_each<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            for mut row in self.query(sql, params).await? {
                each(&mut row)?;
            }
            Ok(())
        })
    }

    /// [`Connection::execute`] with borrowed parameters: a driver binds text and bytes
    /// from the caller's buffers where it can (inserts of many objects bind their
    /// fields this way). The default copies them into [`Value`]s.
    fn execute_refs<'a>(&'a mut self, sql: &'a str, params: &'a [ValueRef<'_>]) -> BoxFuture<'a, Result<ExecResult>> {
        Box::pin(async move {
            let owned: Vec<Value> = params.iter().map(ValueRef::to_value).collect();
            self.execute(sql, &owned).await
        })
    }

    /// [`Connection::query_each`] with borrowed parameters (see
    /// [`Connection::execute_refs`]). The default copies them into [`Value`]s.
    fn query_each_refs<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [ValueRef<'_>],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let owned: Vec<Value> = params.iter().map(ValueRef::to_value).collect();
            self.query_each(sql, &owned, each).await
        })
    }

    /// Runs a query and yields rows as they arrive, in constant memory.
    fn stream<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> RowStream<'a>;

    /// Runs several `;`-separated statements without parameters (DDL, BEGIN, SAVEPOINT).
    async fn batch(&mut self, sql: &str) -> Result<()>;

    /// Whether the connection still works (used by pools before handing it out).
    async fn ping(&mut self) -> Result<()> {
        self.batch("SELECT 1").await
    }
}

/// What [`Pool::query_each_now`] did with a statement.
pub enum RunNow<'a> {
    /// It ran to the end, inline.
    Done(Result<()>),
    /// It runs in this future, which holds the connection.
    Running(BoxFuture<'a, Result<()>>),
}

/// A pool of connections to one database.
#[async_trait]
pub trait Pool: Send + Sync {
    /// The SQL dialect of this database.
    fn dialect(&self) -> &'static dyn Dialect;

    /// Takes a connection from the pool; it goes back when dropped.
    async fn acquire(&self) -> Result<Box<dyn Connection>>;

    /// A connection that is free right now, handed out without a future (`None`:
    /// [`Pool::acquire`] waits for one, or reports why there is none). Pools that keep
    /// the connection given back last ready for the next checkout implement it; the
    /// default has none.
    fn try_acquire(&self) -> Option<Box<dyn Connection>> {
        None
    }

    /// [`Connection::query_each`] on a connection free right now, without a
    /// connection object in between: run to the end at once where the backend does
    /// such work inline (SQLite: a read, unless known to be slow), else in one future
    /// that holds the connection (the servers). `None`: nothing ran (no connection is
    /// free right now); take one ([`Pool::acquire`]) and run it there. The default
    /// runs nothing here.
    fn query_each_now<'a>(&'a self, sql: &'a str, params: &'a [Value], each: &'a mut RowFn<'_>) -> Option<RunNow<'a>> {
        let _ = (sql, params, each);
        None
    }

    /// Closes the pool: no new connections are handed out.
    fn close(&self);
}

/// Pool settings, read from the URL's query string or set in code.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_size: usize,
    /// How long `acquire` waits for a free connection.
    pub acquire_timeout: std::time::Duration,
    /// How long opening a new connection may take.
    pub connect_timeout: std::time::Duration,
    /// Prepared statements kept per connection.
    pub statement_cache_capacity: usize,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: 10,
            acquire_timeout: std::time::Duration::from_secs(30),
            connect_timeout: std::time::Duration::from_secs(10),
            statement_cache_capacity: 128,
        }
    }
}

impl PoolOptions {
    /// Applies the pool settings found in a URL query string on top of `self`: only
    /// the keys present override. Returns the settings and the other pairs, which
    /// belong to the driver. Keys: `max_connections` (or `pool_max_size`),
    /// `acquire_timeout` and `connect_timeout` (seconds), `statement_cache_capacity`.
    pub fn merge_query(mut self, query: &str) -> Result<(PoolOptions, Vec<(String, String)>)> {
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let num = || {
                v.parse::<u64>().map_err(|_| crate::Error::Config(format!("`{k}` must be a whole number, got `{v}`")))
            };
            match k {
                "max_connections" | "pool_max_size" => self.max_size = num()?.max(1) as usize,
                "acquire_timeout" => self.acquire_timeout = std::time::Duration::from_secs(num()?),
                "connect_timeout" => self.connect_timeout = std::time::Duration::from_secs(num()?),
                "statement_cache_capacity" => self.statement_cache_capacity = num()? as usize,
                _ => rest.push((k.to_string(), v.to_string())),
            }
        }
        Ok((self, rest))
    }

    /// [`PoolOptions::merge_query`] over the defaults.
    pub fn from_query(query: &str) -> Result<(PoolOptions, Vec<(String, String)>)> {
        PoolOptions::default().merge_query(query)
    }
}
