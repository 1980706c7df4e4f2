//! [`Db`]: a database by URL — a pool, cheap to clone, usable from many tasks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use ormolu_core::compiler::Sql;
use ormolu_core::dialect::Dialect;
use ormolu_core::driver::{Pool, PoolOptions};
use ormolu_core::{Error, Result};

use crate::executor::{ConnHandle, Executor};
use crate::transaction::Transaction;

/// The query log: on while [`Db::start_query_log`] is in force or any capture
/// ([`crate::testing::count_queries`]) is open. Captures nest: each remembers where
/// its statements start.
#[derive(Default)]
struct QueryLog {
    entries: Vec<Sql>,
    /// Where the `start_query_log` recording starts, while it is on.
    manual: Option<usize>,
    /// Open captures.
    captures: usize,
}

impl QueryLog {
    fn on(&self) -> bool {
        self.manual.is_some() || self.captures > 0
    }

    fn trim(&mut self) {
        if !self.on() {
            self.entries.clear();
        }
    }
}

/// The locked query log; on drop, the lock-free `logging` flag is set to whether the
/// log is on.
struct LogGuard<'a> {
    log: MutexGuard<'a, QueryLog>,
    logging: &'a AtomicBool,
}

impl std::ops::Deref for LogGuard<'_> {
    type Target = QueryLog;
    fn deref(&self) -> &QueryLog {
        &self.log
    }
}

impl std::ops::DerefMut for LogGuard<'_> {
    fn deref_mut(&mut self) -> &mut QueryLog {
        &mut self.log
    }
}

impl Drop for LogGuard<'_> {
    fn drop(&mut self) {
        self.logging.store(self.log.on(), Ordering::Release);
    }
}

/// Shared state behind a [`Db`] and its transactions.
#[doc(hidden)]
pub struct DbInner {
    pub(crate) pool: Arc<dyn Pool>,
    log: Mutex<QueryLog>,
    /// Whether the query log is on (a copy of [`QueryLog::on`], read without the
    /// lock by every statement).
    logging: AtomicBool,
}

impl DbInner {
    /// Whether a statement is recorded at all: a `tracing` subscriber wants debug
    /// events, or the query log is on. Two loads; the recording itself is out of line
    /// (`#[cold]`), so every statement's own code stays short (docs/benchmarks.md,
    /// item 64).
    #[inline]
    fn logs(&self) -> bool {
        tracing::level_enabled!(tracing::Level::DEBUG) || self.logging.load(Ordering::Acquire)
    }

    /// Records a statement: a `tracing` debug event, and the query log when on.
    #[inline]
    pub(crate) fn log(&self, sql: &Sql) {
        if self.logs() {
            self.record(sql);
        }
    }

    /// [`DbInner::log`]'s recording.
    #[cold]
    #[inline(never)]
    fn record(&self, sql: &Sql) {
        tracing::debug!(target: "ormolu::sql", sql = %sql.sql, params = sql.params.len());
        if !self.logging.load(Ordering::Acquire) {
            return;
        }
        let mut log = self.log.lock().expect("query log lock");
        if log.on() {
            log.entries.push(sql.clone());
        }
    }

    /// [`DbInner::log`] of a statement with borrowed parameters (copied only when the
    /// query log is on).
    #[inline]
    pub(crate) fn log_refs(&self, sql: &str, params: &[ormolu_core::row::ValueRef<'_>]) {
        if self.logs() {
            self.record_refs(sql, params);
        }
    }

    /// [`DbInner::log_refs`]'s recording.
    #[cold]
    #[inline(never)]
    fn record_refs(&self, sql: &str, params: &[ormolu_core::row::ValueRef<'_>]) {
        tracing::debug!(target: "ormolu::sql", sql = %sql, params = params.len());
        if !self.logging.load(Ordering::Acquire) {
            return;
        }
        let mut log = self.log.lock().expect("query log lock");
        if log.on() {
            let params = params.iter().map(ormolu_core::row::ValueRef::to_value).collect();
            log.entries.push(Sql { sql: sql.into(), params });
        }
    }

    /// The query log, locked; `logging` follows what is done with it when the guard
    /// goes.
    fn log_mut(&self) -> LogGuard<'_> {
        LogGuard { log: self.log.lock().expect("query log lock"), logging: &self.logging }
    }

    /// Opens a capture of the statements sent from now on; returns where it starts.
    pub(crate) fn begin_capture(&self) -> usize {
        let mut log = self.log_mut();
        log.captures += 1;
        log.entries.len()
    }

    /// Closes the capture opened at `start` and returns its statements (an outer
    /// capture still sees them).
    pub(crate) fn end_capture(&self, start: usize) -> Vec<Sql> {
        let mut log = self.log_mut();
        log.captures = log.captures.saturating_sub(1);
        let out = log.entries.get(start..).map(<[Sql]>::to_vec).unwrap_or_default();
        log.trim();
        out
    }
}

/// A database: a pool of connections to SQLite, PostgreSQL or MySQL/MariaDB.
///
/// Cheap to clone; every clone shares the pool.
#[derive(Clone)]
pub struct Db {
    inner: Arc<DbInner>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.dialect().name())
    }
}

impl Db {
    /// Connects by URL: `sqlite://app.db`, `sqlite::memory:`, `postgres://…`, `mysql://…`
    /// (MariaDB included). Pool settings may ride in the query string:
    /// `max_connections`, `acquire_timeout`, `connect_timeout` (seconds),
    /// `statement_cache_capacity`.
    pub async fn connect(url: &str) -> Result<Db> {
        let (opts, _) = match url.split_once('?') {
            Some((_, q)) => PoolOptions::from_query(q)?,
            None => (PoolOptions::default(), Vec::new()),
        };
        Self::connect_with(url, opts).await
    }

    /// Connects by URL with explicit pool settings (URL settings still win).
    pub async fn connect_with(url: &str, opts: PoolOptions) -> Result<Db> {
        let scheme = url.split(':').next().unwrap_or("");
        let pool: Arc<dyn Pool> = match scheme {
            #[cfg(feature = "sqlite")]
            "sqlite" => Arc::new(ormolu_sqlite::connect(url, opts).await?),
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => Arc::new(ormolu_postgres::connect(url, opts).await?),
            #[cfg(feature = "mysql")]
            "mysql" | "mariadb" => Arc::new(ormolu_mysql::connect(url, opts).await?),
            #[allow(unreachable_patterns)]
            "sqlite" | "postgres" | "postgresql" | "mysql" | "mariadb" => {
                return Err(Error::Config(format!(
                    "ormolu was built without the `{}` feature needed for `{scheme}://` URLs",
                    match scheme {
                        "postgresql" => "postgres",
                        "mariadb" => "mysql",
                        s => s,
                    }
                )))
            }
            other => {
                return Err(Error::Config(format!(
                    "unknown database URL scheme `{other}`; use sqlite://, postgres:// or mysql://"
                )))
            }
        };
        Ok(Db::from_pool(pool))
    }

    /// A `Db` over a pool made elsewhere.
    pub fn from_pool(pool: Arc<dyn Pool>) -> Db {
        Db { inner: Arc::new(DbInner { pool, log: Mutex::new(QueryLog::default()), logging: AtomicBool::new(false) }) }
    }

    /// The backend's name: `sqlite`, `postgresql`, `mysql` or `mariadb`.
    pub fn backend(&self) -> &'static str {
        self.dialect().name()
    }

    /// Starts recording every statement sent through this `Db` and its transactions
    /// (from any task). Restarting drops what was recorded so far. For tests, prefer
    /// [`crate::testing::count_queries`], which nests.
    pub fn start_query_log(&self) {
        let mut log = self.inner.log_mut();
        log.manual = Some(log.entries.len());
    }

    /// Stops recording and returns what was recorded since [`Db::start_query_log`].
    pub fn take_query_log(&self) -> Vec<Sql> {
        let mut log = self.inner.log_mut();
        let out = match log.manual.take() {
            Some(start) => log.entries.get(start..).map(<[Sql]>::to_vec).unwrap_or_default(),
            None => Vec::new(),
        };
        log.trim();
        out
    }

    /// Runs `sql` (several `;`-separated statements allowed, no parameters).
    pub async fn execute_batch(&self, sql: &str) -> Result<()> {
        let mut conn = self.conn().await?;
        conn.batch(sql).await
    }

    /// Runs `f` in a transaction: committed when it returns `Ok`, rolled back when it
    /// returns `Err` or panics. Inside, `tx.atomic(…)` nests as a savepoint.
    ///
    /// ```ignore
    /// db.atomic(async |tx| {
    ///     let p = Product::objects().select_for_update().get_pk(tx, 1).await?;
    ///     Product::objects().filter(q!(id = 1)).update(tx, q!(stock = F(stock) - 1)).await?;
    ///     Ok(())
    /// }).await?;
    /// ```
    pub async fn atomic<R, F>(&self, f: F) -> Result<R>
    where
        F: AsyncFnOnce(&Transaction) -> Result<R>,
    {
        crate::transaction::atomic(self, f).await
    }

    /// Takes one connection from the pool and holds it (an [`Executor`] of its own).
    pub async fn acquire(&self) -> Result<crate::DbConn> {
        crate::connection::DbConn::acquire(self.inner.clone()).await
    }

    /// Closes the pool.
    pub fn close(&self) {
        self.inner.pool.close();
    }
}

#[async_trait]
impl Executor for Db {
    fn dialect(&self) -> &'static dyn Dialect {
        self.inner.pool.dialect()
    }
    async fn conn(&self) -> Result<ConnHandle> {
        Ok(ConnHandle::Pooled(self.inner.pool.acquire().await?))
    }
    fn try_conn(&self) -> Option<ConnHandle> {
        self.inner.pool.try_acquire().map(ConnHandle::Pooled)
    }
    fn query_each_now<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [ormolu_core::Value],
        each: &'a mut ormolu_core::row::RowFn<'_>,
    ) -> Option<ormolu_core::driver::RunNow<'a>> {
        self.inner.pool.query_each_now(sql, params, each)
    }
    fn conn_owned(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<ConnHandle>> + Send + 'static>> {
        let pool = self.inner.pool.clone();
        Box::pin(async move { Ok(ConnHandle::Pooled(pool.acquire().await?)) })
    }
    fn in_transaction(&self) -> bool {
        false
    }
    async fn begin(&self) -> Result<Transaction> {
        Transaction::begin_on(self.inner.clone()).await
    }
    fn db_inner(&self) -> &Arc<DbInner> {
        &self.inner
    }
}
