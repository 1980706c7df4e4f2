//! [`connect`] and [`MySqlPool`]: ormolu's [`Pool`] over `mysql_async`'s own pool.

use std::sync::Arc;

use async_trait::async_trait;
use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder, PoolConstraints};
use ormolu_core::dialect::{Dialect, MariaDb, MySql};
use ormolu_core::driver::{Connection, Pool, PoolOptions, RunNow};
use ormolu_core::row::RowFn;
use ormolu_core::{Error, Result, Value};

use crate::conn::MySqlConnection;
use crate::error_map::{map_connect_error, map_error};
use crate::hot::{Hot, Kept, Lease};
use crate::stmts::Stmts;

/// Run on every new connection and after every reset: UTC session time zone (aware
/// datetimes are bound as naive UTC) and strict mode (bad values fail, not truncate).
const SESSION_SETUP: &str = "SET SESSION time_zone = '+00:00', SESSION sql_mode = \
    IF(FIND_IN_SET('STRICT_TRANS_TABLES', @@sql_mode) OR FIND_IN_SET('STRICT_ALL_TABLES', @@sql_mode), \
    @@sql_mode, CONCAT_WS(',', NULLIF(@@sql_mode, ''), 'STRICT_TRANS_TABLES'))";

/// A pool of connections to one MySQL or MariaDB database.
///
/// Cloning is cheap: clones share the connections. A connection given back clean is
/// handed to the next checkout directly for up to a second (see `hot.rs`), so
/// back-to-back queries run on one warm connection.
#[derive(Clone)]
pub struct MySqlPool {
    pool: mysql_async::Pool,
    dialect: &'static dyn Dialect,
    opts: PoolOptions,
    hot: Arc<Hot>,
}

impl std::fmt::Debug for MySqlPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MySqlPool")
            .field("dialect", &self.dialect.name())
            .field("opts", &self.opts)
            .field("closed", &self.hot.is_closed())
            .finish()
    }
}

/// Splits the URL into the driver's URL and the pool options, which override `opts`
/// for each key the query string names.
fn parse_url(url: &str, opts: PoolOptions) -> Result<(Opts, PoolOptions)> {
    let rest = if let Some(r) = url.strip_prefix("mysql://") {
        r
    } else if let Some(r) = url.strip_prefix("mariadb://") {
        r
    } else {
        return Err(Error::Config(format!("a MySQL URL starts with mysql:// or mariadb://, got `{url}`")));
    };
    let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (opts, others) = opts.merge_query(query)?;
    let mut driver_url = format!("mysql://{base}");
    if !others.is_empty() {
        let pairs: Vec<String> = others.iter().map(|(k, v)| format!("{k}={v}")).collect();
        driver_url.push('?');
        driver_url.push_str(&pairs.join("&"));
    }
    let parsed = Opts::from_url(&driver_url).map_err(|e| Error::Config(format!("bad MySQL URL: {e}")))?;
    Ok((parsed, opts))
}

/// Opens a pool to the database at `url` (`mysql://user:pass@host:port/db?...` or
/// `mariadb://...`).
///
/// The query string's `max_connections`, `acquire_timeout`, `connect_timeout` and
/// `statement_cache_capacity` override `opts`; other pairs go to `mysql_async`.
/// One connection is opened at once, so an unreachable server or bad credentials
/// fail here with [`Error::Connection`], and the server is detected: MariaDB gets the
/// [`MariaDb`] dialect, anything else [`MySql`]. Connections report matched (not
/// changed) rows for UPDATE, as Django asks, and run in UTC and strict mode.
pub async fn connect(url: &str, opts: PoolOptions) -> Result<MySqlPool> {
    let (driver_opts, opts) = parse_url(url, opts)?;
    let constraints =
        PoolConstraints::new(0, opts.max_size.max(1)).ok_or_else(|| Error::Config("bad pool size".into()))?;
    let builder = OptsBuilder::from_opts(driver_opts)
        .pool_opts(
            mysql_async::PoolOpts::new()
                .with_constraints(constraints)
                .with_reset_connection(false)
                // Keep idle connections: with mysql_async's default TTL of 0 and min 0,
                // every checkout above `min` would open a new connection.
                .with_inactive_connection_ttl(std::time::Duration::from_secs(300))
                .with_ttl_check_interval(std::time::Duration::from_secs(30)),
        )
        .stmt_cache_size(opts.statement_cache_capacity)
        .client_found_rows(true)
        .setup(vec![SESSION_SETUP]);
    let pool = mysql_async::Pool::new(builder);
    let first = tokio::time::timeout(opts.connect_timeout, pool.get_conn()).await;
    let mut conn = match first {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => return Err(map_connect_error(e)),
        Err(_) => {
            return Err(Error::Connection {
                message: format!("no connection within connect_timeout ({:?})", opts.connect_timeout),
                source: None,
            })
        }
    };
    let sql = "SELECT VERSION()";
    let version: Option<String> = conn.query_first(sql).await.map_err(|e| map_error(e, sql))?;
    drop(conn);
    let dialect: &'static dyn Dialect = if version.unwrap_or_default().contains("MariaDB") { &MariaDb } else { &MySql };
    Ok(MySqlPool { pool, dialect, opts, hot: Arc::default() })
}

impl MySqlPool {
    /// Takes a connection, waiting at most the acquire timeout ([`Error::Pool`] after it).
    pub async fn get(&self) -> Result<MySqlConnection> {
        if self.hot.is_closed() {
            return Err(Error::Pool("the pool is closed".into()));
        }
        let cached = self.opts.statement_cache_capacity > 0;
        let (_checkout, hot) = self.hot.checkout();
        if let Some(kept) = hot {
            return Ok(MySqlConnection::new(Lease::new(kept, Arc::clone(&self.hot)), self.dialect, cached));
        }
        match tokio::time::timeout(self.opts.acquire_timeout, self.pool.get_conn()).await {
            Ok(Ok(conn)) => {
                let kept = Kept { conn, stmts: Stmts::new(self.opts.statement_cache_capacity) };
                Ok(MySqlConnection::new(Lease::new(kept, Arc::clone(&self.hot)), self.dialect, cached))
            }
            Ok(Err(e)) => Err(map_connect_error(e)),
            Err(_) => Err(Error::Pool(format!(
                "no connection free within acquire_timeout ({:?}, max {} connections)",
                self.opts.acquire_timeout, self.opts.max_size
            ))),
        }
    }

    /// The connection given back last, when it is still warm (see `crate::hot`).
    fn try_get(&self) -> Option<MySqlConnection> {
        if self.hot.is_closed() {
            return None;
        }
        let kept = self.hot.checkout().1?;
        let cached = self.opts.statement_cache_capacity > 0;
        Some(MySqlConnection::new(Lease::new(kept, Arc::clone(&self.hot)), self.dialect, cached))
    }

    /// The pool settings in force (after the URL's overrides).
    pub fn options(&self) -> &PoolOptions {
        &self.opts
    }

    /// Whether the server is MariaDB.
    pub fn is_mariadb(&self) -> bool {
        self.dialect.name() == "mariadb"
    }

    /// The underlying `mysql_async` pool.
    pub fn inner(&self) -> &mysql_async::Pool {
        &self.pool
    }

    /// Closes the pool and waits until every connection is returned and closed.
    pub async fn disconnect(&self) -> Result<()> {
        self.hot.close();
        self.pool.clone().disconnect().await.map_err(map_connect_error)
    }
}

#[async_trait]
impl Pool for MySqlPool {
    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>> {
        Ok(Box::new(self.get().await?))
    }

    /// The connection given back last, when it is still warm (see `crate::hot`).
    fn try_acquire(&self) -> Option<Box<dyn Connection>> {
        Some(Box::new(self.try_get()?))
    }

    /// The read on the warm connection, in one future that holds it.
    fn query_each_now<'a>(&'a self, sql: &'a str, params: &'a [Value], each: &'a mut RowFn<'_>) -> Option<RunNow<'a>> {
        Some(RunNow::Running(self.try_get()?.into_query_each(sql, params, each)))
    }

    /// Refuses new connections at once; the open ones are closed in the background
    /// as they come back (use [`MySqlPool::disconnect`] to wait for that).
    fn close(&self) {
        if self.hot.close() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                let pool = self.pool.clone();
                rt.spawn(async move {
                    let _ = pool.disconnect().await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn reads_url() {
        let (o, p) = parse_url("mariadb://u:p@127.0.0.1:3307/db?max_connections=3", PoolOptions::default()).unwrap();
        assert_eq!(p.max_size, 3);
        assert_eq!(o.tcp_port(), 3307);
        assert_eq!(o.db_name(), Some("db"));
        let mine = PoolOptions { acquire_timeout: Duration::from_millis(5), ..PoolOptions::default() };
        let (_, p) = parse_url("mysql://h/db?connect_timeout=2", mine).unwrap();
        assert_eq!((p.acquire_timeout, p.connect_timeout), (Duration::from_millis(5), Duration::from_secs(2)));
        assert!(matches!(parse_url("postgres://h/db", PoolOptions::default()), Err(Error::Config(_))));
        assert!(matches!(parse_url("mysql://h/db?bogus=1", PoolOptions::default()), Err(Error::Config(_))));
    }
}
