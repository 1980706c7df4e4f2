//! [`DbConn`]: one connection held from the pool — the third kind of [`Executor`],
//! for work that must stay on one session (session settings, temporary tables,
//! several transactions in a row on the same connection).

use std::sync::Arc;

use async_trait::async_trait;
use ormolu_core::dialect::Dialect;
use ormolu_core::driver::Connection;
use ormolu_core::Result;
use tokio::sync::Mutex;

use crate::db::DbInner;
use crate::executor::{ConnHandle, Executor};
use crate::transaction::Transaction;

/// A connection taken from a [`Db`](crate::Db)'s pool; it goes back when dropped.
pub struct DbConn {
    db: Arc<DbInner>,
    conn: Arc<Mutex<Box<dyn Connection>>>,
    dialect: &'static dyn Dialect,
}

impl DbConn {
    pub(crate) async fn acquire(db: Arc<DbInner>) -> Result<DbConn> {
        let conn = db.pool.acquire().await?;
        let dialect = db.pool.dialect();
        Ok(DbConn { db, conn: Arc::new(Mutex::new(conn)), dialect })
    }

    /// Runs `f` in a transaction on this connection (see [`Db::atomic`](crate::Db::atomic)).
    pub async fn atomic<R, F>(&self, f: F) -> Result<R>
    where
        F: AsyncFnOnce(&Transaction) -> Result<R>,
    {
        crate::transaction::atomic(self, f).await
    }

    /// Runs `sql` (several `;`-separated statements allowed, no parameters).
    pub async fn execute_batch(&self, sql: &str) -> Result<()> {
        self.conn.lock().await.batch(sql).await
    }
}

#[async_trait]
impl Executor for DbConn {
    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }
    async fn conn(&self) -> Result<ConnHandle> {
        Ok(ConnHandle::Tx(self.conn.clone().lock_owned().await))
    }
    fn try_conn(&self) -> Option<ConnHandle> {
        self.conn.clone().try_lock_owned().ok().map(ConnHandle::Tx)
    }
    fn conn_owned(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<ConnHandle>> + Send + 'static>> {
        let conn = self.conn.clone();
        Box::pin(async move { Ok(ConnHandle::Tx(conn.lock_owned().await)) })
    }
    fn in_transaction(&self) -> bool {
        false
    }
    async fn begin(&self) -> Result<Transaction> {
        Transaction::begin_with(self.db.clone(), self.conn.clone()).await
    }
    fn db_inner(&self) -> &Arc<DbInner> {
        &self.db
    }
}
