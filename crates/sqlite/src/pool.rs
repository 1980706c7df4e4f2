//! [`connect`] and [`SqlitePool`], a deadpool pool of rusqlite connections.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use deadpool::managed::{PoolError, TimeoutType};
use deadpool::Runtime;
use ormolu_core::dialect::{Dialect, Sqlite};
use ormolu_core::driver::{Connection, Pool, PoolOptions, RunNow};
use ormolu_core::row::RowFn;
use ormolu_core::warm::Warm;
use ormolu_core::{Error, Result, Value};

use crate::conn::{Object, SqliteConnection};
use crate::gate::{classify, Gate, Kind};
use crate::manager::{Manager, OpenConfig};
use crate::slow::SlowStatements;
use crate::url::{self, Target};

/// Opens a pool for a `sqlite:` URL.
///
/// URLs: `sqlite://path.db`, `sqlite:path.db`, `sqlite:///abs/path.db`,
/// `sqlite::memory:` or `sqlite://:memory:`. Pool settings in the query string
/// (`max_connections`, `acquire_timeout`, `connect_timeout`,
/// `statement_cache_capacity`) override `opts`; `mode=ro|rw|rwc` chooses how the file
/// is opened (default `rwc`: created if missing).
///
/// An in-memory database gets `max_size` 1: every SQLite connection to `:memory:`
/// opens its own private, empty database, so a pool of several would hand out
/// different databases. The one connection lives as long as the pool, and with it
/// the data.
///
/// One connection is opened at once, so a bad path fails here with
/// [`Error::Connection`]; a malformed URL gives [`Error::Config`].
pub async fn connect(url: &str, opts: PoolOptions) -> Result<SqlitePool> {
    let url::SqliteUrl { target, mode, mut opts } = url::parse(url, opts)?;
    let target_is_file = target != Target::Memory;
    if !target_is_file {
        opts.max_size = 1;
    }
    let opts = PoolOptions { max_size: opts.max_size.max(1), ..opts };
    let config = Arc::new(OpenConfig { target, mode, statement_cache_capacity: opts.statement_cache_capacity });
    let inner = deadpool::managed::Pool::builder(Manager { config })
        .max_size(opts.max_size)
        .wait_timeout(Some(opts.acquire_timeout))
        .create_timeout(Some(opts.connect_timeout))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Config(format!("cannot build the SQLite pool: {e}")))?;
    let gate = if target_is_file { Gate::for_file() } else { Gate::default() };
    let pool = SqlitePool { inner, opts: Arc::new(opts), gate, slow: Arc::default(), warm: Arc::default() };
    drop(pool.get().await?);
    Ok(pool)
}

/// A pool of SQLite connections (cheap to clone: clones share the pool).
///
/// An idle connection given back goes first to a warm slot ([`ormolu_core::warm`]):
/// the next checkout takes it without going through deadpool (a semaphore, a
/// recycle check and boxed futures: about 2 700 instructions, a fifth of a 1-row
/// read by primary key), as a single connection would be used; while a checkout
/// waits in deadpool, or after a second unused, connections go back to deadpool.
#[derive(Clone)]
pub struct SqlitePool {
    inner: deadpool::managed::Pool<Manager>,
    opts: Arc<PoolOptions>,
    gate: Gate,
    slow: Arc<SlowStatements>,
    warm: Arc<Warm<Object>>,
}

impl fmt::Debug for SqlitePool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlitePool")
            .field("target", &self.inner.manager().config.target)
            .field("status", &self.inner.status())
            .field("closed", &self.inner.is_closed())
            .field("warm", &self.warm)
            .finish()
    }
}

impl SqlitePool {
    /// Takes a connection, waiting up to the acquire timeout for a free one.
    pub async fn get(&self) -> Result<SqliteConnection> {
        // The guard counts this checkout until it has its connection (see `Warm`).
        let (_checkout, warm) = self.warm.checkout();
        let obj = match warm {
            Some(obj) => obj,
            None => self.inner.get().await.map_err(|e| self.pool_error(e))?,
        };
        Ok(self.lease(obj))
    }

    /// The connection given back last, if it is still warm.
    fn try_get(&self) -> Option<SqliteConnection> {
        let (_checkout, warm) = self.warm.checkout();
        Some(self.lease(warm?))
    }

    fn lease(&self, obj: Object) -> SqliteConnection {
        SqliteConnection::new(obj, self.gate.clone(), Arc::clone(&self.slow), Arc::clone(&self.warm))
    }

    /// This pool as ormolu's shared, type-erased pool.
    pub fn into_dyn(self) -> Arc<dyn Pool> {
        Arc::new(self)
    }

    /// The options in effect (with the URL's overrides; `max_size` 1 in memory).
    pub fn options(&self) -> &PoolOptions {
        &self.opts
    }

    /// Whether [`Pool::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    fn pool_error(&self, e: PoolError<Error>) -> Error {
        match e {
            PoolError::Timeout(TimeoutType::Wait) => Error::Pool(format!(
                "timed out after {:?} waiting for a free SQLite connection (max_size {})",
                self.opts.acquire_timeout, self.opts.max_size
            )),
            PoolError::Timeout(TimeoutType::Create) => Error::Connection {
                message: format!("timed out after {:?} opening an SQLite connection", self.opts.connect_timeout),
                source: None,
            },
            PoolError::Timeout(TimeoutType::Recycle) => Error::Pool("timed out recycling an SQLite connection".into()),
            PoolError::Backend(e) => e,
            PoolError::Closed => Error::Pool("the SQLite pool is closed".into()),
            PoolError::NoRuntimeSpecified => Error::Pool("no async runtime for the SQLite pool".into()),
            PoolError::PostCreateHook(e) => Error::Pool(e.to_string()),
        }
    }
}

#[async_trait]
impl Pool for SqlitePool {
    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>> {
        Ok(Box::new(self.get().await?))
    }

    fn try_acquire(&self) -> Option<Box<dyn Connection>> {
        Some(Box::new(self.try_get()?))
    }

    /// A read on the warm connection, run inline as [`SqliteConnection`] runs it (no
    /// write permit needed, not known to be slow), without a connection object or a
    /// future in between.
    fn query_each_now<'a>(&'a self, sql: &'a str, params: &'a [Value], each: &'a mut RowFn<'_>) -> Option<RunNow<'a>> {
        if classify(sql) != Kind::Read || self.slow.is_slow(sql) {
            return None;
        }
        // The checkout is over once the connection is out (see `Warm::put`).
        let obj = self.warm.checkout().1?;
        let out = crate::run::query_each(&obj, sql, params, each, &self.slow);
        crate::conn::give_back(&self.warm, obj);
        Some(RunNow::Done(out))
    }

    fn close(&self) {
        self.warm.close();
        self.inner.close();
    }
}
