//! connect and the pool: server detection, fast failure, acquire timeout, close,
//! the connection given back last handed out next, waiters not starved.
mod common;

use std::time::{Duration, Instant};

use ormolu_core::driver::{Pool, PoolOptions};
use ormolu_core::{Error, Value};

#[tokio::test]
async fn detects_the_server() {
    let pool = ormolu_mysql::connect(&common::base_url(), PoolOptions::default()).await.unwrap();
    let mut c = pool.acquire().await.unwrap();
    let v = c.query("SELECT VERSION()", &[]).await.unwrap();
    let mariadb = matches!(&v[0].values[0], Value::Text(s) if s.contains("MariaDB"));
    assert_eq!(pool.dialect().name(), if mariadb { "mariadb" } else { "mysql" });
    assert_eq!(c.dialect().name(), pool.dialect().name());
    assert_eq!(pool.is_mariadb(), mariadb);
    // The local test server is MariaDB unless ORMOLU_MYSQL_URL points elsewhere.
    if std::env::var("ORMOLU_MYSQL_URL").is_err() {
        assert_eq!(pool.dialect().name(), "mariadb");
    }
}

#[tokio::test]
async fn mariadb_scheme_and_url_options() {
    let url = common::base_url().replacen("mysql://", "mariadb://", 1);
    let sep = if url.contains('?') { '&' } else { '?' };
    let pool = ormolu_mysql::connect(&format!("{url}{sep}max_connections=2&acquire_timeout=7"), PoolOptions::default())
        .await
        .unwrap();
    assert_eq!(pool.options().max_size, 2);
    assert_eq!(pool.options().acquire_timeout, Duration::from_secs(7));
    pool.acquire().await.unwrap().ping().await.unwrap();
}

#[tokio::test]
async fn unreachable_server_fails_fast() {
    let start = Instant::now();
    let e = ormolu_mysql::connect("mysql://root@127.0.0.1:1/test", PoolOptions::default()).await.unwrap_err();
    assert!(matches!(e, Error::Connection { .. }), "{e:?}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn bad_urls_are_config_errors() {
    for url in ["postgres://127.0.0.1/test", "mysql://127.0.0.1:3306/test?no_such_option=1"] {
        let e = ormolu_mysql::connect(url, PoolOptions::default()).await.unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{url}: {e:?}");
    }
}

#[tokio::test]
async fn acquire_times_out_then_recovers() {
    let opts = PoolOptions { max_size: 1, acquire_timeout: Duration::from_millis(200), ..PoolOptions::default() };
    let pool = ormolu_mysql::connect(&common::base_url(), opts).await.unwrap();
    let held = pool.acquire().await.unwrap();
    let start = Instant::now();
    let e = pool.acquire().await.err().expect("an error");
    assert!(matches!(e, Error::Pool(_)), "{e:?}");
    assert!(start.elapsed() >= Duration::from_millis(150) && start.elapsed() < Duration::from_secs(5));
    drop(held);
    pool.acquire().await.unwrap().ping().await.unwrap();
}

#[tokio::test]
async fn closed_pool_refuses_connections() {
    let pool = ormolu_mysql::connect(&common::base_url(), PoolOptions::default()).await.unwrap();
    pool.acquire().await.unwrap().ping().await.unwrap();
    pool.close();
    assert!(matches!(pool.acquire().await.err().expect("an error"), Error::Pool(_)));
}

async fn connection_id(c: &mut dyn ormolu_core::driver::Connection) -> Value {
    c.query("SELECT CONNECTION_ID()", &[]).await.unwrap().remove(0).values.remove(0)
}

#[tokio::test]
async fn back_to_back_checkouts_reuse_one_connection() {
    let pool = ormolu_mysql::connect(&common::base_url(), PoolOptions::default()).await.unwrap();
    // Two connections out at once, then one at a time: always the one given back last.
    let (mut a, mut b) = (pool.acquire().await.unwrap(), pool.acquire().await.unwrap());
    let (id_a, id_b) = (connection_id(&mut *a).await, connection_id(&mut *b).await);
    assert_ne!(id_a, id_b);
    drop(a);
    drop(b);
    for _ in 0..5 {
        let mut c = pool.acquire().await.unwrap();
        assert_eq!(connection_id(&mut *c).await, id_b);
    }
    // A failed command (here a server error) sends the connection through the
    // driver's pool, which checks it; the pool keeps working.
    let mut c = pool.acquire().await.unwrap();
    assert!(c.query("SELEC 1", &[]).await.is_err());
    drop(c);
    for _ in 0..3 {
        pool.acquire().await.unwrap().ping().await.unwrap();
    }
}
