//! [`connect`] and [`PgPool`]: a deadpool-postgres pool behind ormolu's [`Pool`].
//!
//! URLs are `postgres://user[:password]@host[:port]/dbname[?query]` (or
//! `postgresql://`). The query string is read by [`PoolOptions::from_query`] first:
//! its pool settings override those passed in code; every other pair
//! (`options=-csearch_path%3Dfoo`, `application_name`, `sslmode`, …) goes to
//! [`tokio_postgres::Config`]. Connections are made without TLS.

use std::sync::Arc;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, PoolError, QueueMode, RecyclingMethod, Runtime};
use ormolu_core::dialect::{Dialect, Postgres};
use ormolu_core::driver::{Connection, Pool, PoolOptions, RunNow};
use ormolu_core::row::RowFn;
use ormolu_core::warm::{Lease, Warm};
use ormolu_core::{Error, Result, Value};
use tokio_postgres::config::Host;
use tokio_postgres::NoTls;

use crate::conn::{Kept, PgConnection};
use crate::error_map::pool_error;

/// A pool of PostgreSQL connections; cheap to clone (clones share the pool).
///
/// A connection given back goes first to a warm slot ([`ormolu_core::warm`]): the
/// next checkout takes it without going through deadpool (a semaphore, a recycle
/// check and two boxed futures), as a single connection would be used; while a
/// checkout waits in deadpool, or after a second unused, connections go back to
/// deadpool.
#[derive(Clone)]
pub struct PgPool {
    pool: deadpool_postgres::Pool,
    cache_capacity: usize,
    warm: Arc<Warm<Box<Kept>>>,
}

impl std::fmt::Debug for PgPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgPool").field("status", &self.pool.status()).field("warm", &self.warm).finish()
    }
}

/// Opens a pool on `url`, making one connection up front so that a wrong URL or an
/// unreachable server fails here, with [`Error::Connection`].
///
/// Pool settings in the URL's query string (`max_connections`, `acquire_timeout`,
/// `connect_timeout`, `statement_cache_capacity`) override those of `opts`.
pub async fn connect(url: &str, opts: PoolOptions) -> Result<PgPool> {
    let (config, opts) = parse_url(url, opts)?;
    let target = describe_target(&config);
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    let pool = deadpool_postgres::Pool::builder(manager)
        .max_size(opts.max_size.max(1))
        .wait_timeout(Some(opts.acquire_timeout))
        .create_timeout(Some(opts.connect_timeout))
        // The connection returned last is handed out first: its server process and
        // its cached statements are warm, and the others can sit idle.
        .queue_mode(QueueMode::Lifo)
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Config(format!("cannot build the PostgreSQL pool: {e}")))?;
    match pool.get().await {
        Ok(first) => drop(first), // back to the pool, ready for the first `acquire`
        Err(PoolError::Backend(e)) => {
            return Err(Error::Connection {
                message: format!("cannot connect to PostgreSQL at {target}: {e}"),
                source: Some(Box::new(e)),
            })
        }
        Err(PoolError::Timeout(_)) => {
            return Err(Error::Connection {
                message: format!(
                    "cannot connect to PostgreSQL at {target}: no answer within {:?}",
                    opts.connect_timeout
                ),
                source: None,
            })
        }
        Err(e) => return Err(pool_error(e)),
    }
    Ok(PgPool { pool, cache_capacity: opts.statement_cache_capacity, warm: Arc::default() })
}

impl PgPool {
    /// Takes a connection, as its concrete type.
    pub async fn get(&self) -> Result<PgConnection> {
        let (_checkout, warm) = self.warm.checkout();
        let client = match warm.filter(|c| !c.is_closed()) {
            Some(kept) => kept,
            None => Kept::new(self.pool.get().await.map_err(pool_error)?, self.cache_capacity),
        };
        Ok(PgConnection::new(Lease::new(client, Arc::clone(&self.warm)), self.cache_capacity))
    }

    /// The connection given back last, if it is still warm and open.
    fn try_get(&self) -> Option<PgConnection> {
        let (_checkout, warm) = self.warm.checkout();
        let client = warm.filter(|c| !c.is_closed())?;
        Some(PgConnection::new(Lease::new(client, Arc::clone(&self.warm)), self.cache_capacity))
    }

    /// The deadpool-postgres pool underneath (status, resizing).
    pub fn deadpool(&self) -> &deadpool_postgres::Pool {
        &self.pool
    }
}

#[async_trait]
impl Pool for PgPool {
    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>> {
        Ok(Box::new(self.get().await?))
    }

    fn try_acquire(&self) -> Option<Box<dyn Connection>> {
        Some(Box::new(self.try_get()?))
    }

    /// The read on the warm connection, in one future that holds it.
    fn query_each_now<'a>(&'a self, sql: &'a str, params: &'a [Value], each: &'a mut RowFn<'_>) -> Option<RunNow<'a>> {
        Some(RunNow::Running(self.try_get()?.into_query_each(sql, params, each)))
    }

    fn close(&self) {
        self.warm.close();
        self.pool.close();
    }
}

fn bad_url(why: impl std::fmt::Display) -> Error {
    Error::Config(format!("invalid PostgreSQL URL: {why} (expected `postgres://user@host:port/dbname`)"))
}

/// Splits `url` into the driver's config and the pool options (the URL's pool
/// settings applied over `opts`).
fn parse_url(url: &str, opts: PoolOptions) -> Result<(tokio_postgres::Config, PoolOptions)> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(bad_url("the scheme must be `postgres://` or `postgresql://`"));
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (opts, rest) = opts.merge_query(query).map_err(|e| match e {
        Error::Config(m) => bad_url(m),
        e => e,
    })?;
    let mut driver_url = base.to_string();
    for (i, (k, v)) in rest.iter().enumerate() {
        driver_url.push(if i == 0 { '?' } else { '&' });
        driver_url.push_str(k);
        driver_url.push('=');
        driver_url.push_str(v);
    }
    let mut config: tokio_postgres::Config = driver_url.parse().map_err(bad_url)?;
    config.connect_timeout(opts.connect_timeout);
    if config.get_application_name().is_none() {
        config.application_name("ormolu");
    }
    Ok((config, opts))
}

/// `host:port/dbname` for messages (never the password).
fn describe_target(config: &tokio_postgres::Config) -> String {
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            match h {
                Host::Tcp(name) => format!("{name}:{port}"),
                #[cfg(unix)]
                Host::Unix(path) => format!("{}/.s.PGSQL.{port}", path.display()),
            }
        })
        .collect();
    let hosts = if hosts.is_empty() { "localhost".to_string() } else { hosts.join(",") };
    format!("{hosts}/{}", config.get_dbname().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn query_string_split() {
        let code = PoolOptions { max_size: 3, ..Default::default() };
        let url = "postgres://u:secret@h:5433/db?options=-csearch_path%3Dx&acquire_timeout=2&application_name=app";
        let (config, opts) = parse_url(url, code).unwrap();
        assert_eq!(opts.max_size, 3);
        assert_eq!(opts.acquire_timeout, Duration::from_secs(2));
        assert_eq!(config.get_options(), Some("-csearch_path=x"));
        assert_eq!(config.get_application_name(), Some("app"));
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(10)));
        assert_eq!(describe_target(&config), "h:5433/db");
    }

    #[test]
    fn bad_urls() {
        let p = |u: &str| parse_url(u, PoolOptions::default());
        assert!(matches!(p("mysql://h/db"), Err(Error::Config(_))));
        assert!(matches!(p("postgresql://h/db?max_connections=x"), Err(Error::Config(_))));
        assert!(matches!(p("postgres://h/db?bogus=1"), Err(Error::Config(_))));
        assert!(p("postgresql://h/db?max_connections=4").is_ok());
    }
}
