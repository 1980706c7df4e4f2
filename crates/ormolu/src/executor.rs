//! [`Executor`]: what every database call takes — a [`Db`](crate::Db) or a
//! [`Transaction`](crate::Transaction) — and the one place statements are run and logged.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use async_trait::async_trait;
use ormolu_core::compiler::Sql;
use ormolu_core::dialect::Dialect;
use ormolu_core::driver::{Connection, ExecResult, Row, RunNow};
use ormolu_core::row::{RowFn, ValueRef};
use ormolu_core::Result;
use tokio::sync::OwnedMutexGuard;

use crate::db::DbInner;
use crate::transaction::Transaction;

/// A connection borrowed for one call: from the pool, or a transaction's own.
pub enum ConnHandle {
    /// A pooled connection, returned when dropped.
    Pooled(Box<dyn Connection>),
    /// A transaction's connection, locked for this call.
    Tx(OwnedMutexGuard<Box<dyn Connection>>),
}

impl Deref for ConnHandle {
    type Target = dyn Connection;
    fn deref(&self) -> &Self::Target {
        match self {
            ConnHandle::Pooled(c) => c.as_ref(),
            ConnHandle::Tx(g) => g.as_ref(),
        }
    }
}

impl DerefMut for ConnHandle {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            ConnHandle::Pooled(c) => c.as_mut(),
            ConnHandle::Tx(g) => g.as_mut(),
        }
    }
}

/// Where a database call runs: a [`Db`](crate::Db) (a pooled connection per call) or a
/// [`Transaction`] (its one connection). Every async method of ormolu takes one.
#[async_trait]
pub trait Executor: Send + Sync {
    /// The SQL dialect.
    fn dialect(&self) -> &'static dyn Dialect;

    /// A connection for one call.
    async fn conn(&self) -> Result<ConnHandle>;

    /// A connection for one call when one is free right now, without a future (`None`:
    /// [`Executor::conn`] waits). The default has none.
    fn try_conn(&self) -> Option<ConnHandle> {
        None
    }

    /// [`ormolu_core::driver::Pool::query_each_now`] where the executor takes pooled
    /// connections (`None`: nothing ran). The default runs nothing here.
    fn query_each_now<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [ormolu_core::Value],
        each: &'a mut RowFn<'_>,
    ) -> Option<RunNow<'a>> {
        let _ = (sql, params, each);
        None
    }

    /// A connection for a background task (streams): the future owns what it needs.
    fn conn_owned(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<ConnHandle>> + Send + 'static>>;

    /// Whether calls run inside a transaction.
    fn in_transaction(&self) -> bool;

    /// Starts a transaction (on a `Db`) or a savepoint (in a transaction).
    async fn begin(&self) -> Result<Transaction>;

    #[doc(hidden)]
    fn db_inner(&self) -> &Arc<DbInner>;
}

/// A connection for one call: one free right now (no future to box and poll), else
/// one waited for.
async fn conn_for(exec: &(impl Executor + ?Sized)) -> Result<ConnHandle> {
    match exec.try_conn() {
        Some(conn) => Ok(conn),
        None => exec.conn().await,
    }
}

/// Runs a query and collects its rows, logging the statement.
pub async fn fetch(exec: &(impl Executor + ?Sized), sql: &Sql) -> Result<Vec<Row>> {
    exec.db_inner().log(sql);
    let mut conn = conn_for(exec).await?;
    conn.query(&sql.sql, &sql.params).await
}

/// Runs a query and calls `each` with every row read in place (no rows collected),
/// logging the statement.
pub async fn fetch_each(exec: &(impl Executor + ?Sized), sql: &Sql, each: &mut RowFn<'_>) -> Result<()> {
    exec.db_inner().log(sql);
    match exec.query_each_now(&sql.sql, &sql.params, each) {
        Some(RunNow::Done(out)) => return out,
        Some(RunNow::Running(run)) => return run.await,
        None => {}
    }
    let mut conn = conn_for(exec).await?;
    conn.query_each(&sql.sql, &sql.params, each).await
}

/// [`execute`] of `sql` with borrowed parameters (text and bytes bound from the
/// caller's buffers where the driver can).
pub async fn execute_refs(exec: &(impl Executor + ?Sized), sql: &str, params: &[ValueRef<'_>]) -> Result<ExecResult> {
    exec.db_inner().log_refs(sql, params);
    let mut conn = conn_for(exec).await?;
    conn.execute_refs(sql, params).await
}

/// [`fetch_each`] of `sql` with borrowed parameters (see [`execute_refs`]).
pub async fn fetch_each_refs(
    exec: &(impl Executor + ?Sized),
    sql: &str,
    params: &[ValueRef<'_>],
    each: &mut RowFn<'_>,
) -> Result<()> {
    exec.db_inner().log_refs(sql, params);
    let mut conn = conn_for(exec).await?;
    conn.query_each_refs(sql, params, each).await
}

/// Runs a statement that returns no rows, logging it.
pub async fn execute(exec: &(impl Executor + ?Sized), sql: &Sql) -> Result<ExecResult> {
    exec.db_inner().log(sql);
    let mut conn = conn_for(exec).await?;
    conn.execute(&sql.sql, &sql.params).await
}
