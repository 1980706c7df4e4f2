//! Connecting, pool limits and URL options.

mod common;

use std::time::{Duration, Instant};

use ormolu_core::driver::{Pool, PoolOptions};
use ormolu_core::{Error, Value};

#[tokio::test]
async fn unreachable_server_fails_fast_with_a_connection_error() {
    let start = Instant::now();
    let e = ormolu_postgres::connect("postgres://postgres@127.0.0.1:1/test", PoolOptions::default()).await.unwrap_err();
    assert!(matches!(e, Error::Connection { .. }), "{e:?}");
    assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
}

#[tokio::test]
async fn bad_urls_are_config_errors() {
    for url in ["mysql://127.0.0.1/test", "postgres://127.0.0.1/test?max_connections=many"] {
        let e = ormolu_postgres::connect(url, PoolOptions::default()).await.unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{url}: {e:?}");
    }
}

#[tokio::test]
async fn unknown_database_is_a_connection_error() {
    let url = common::base_url();
    let url = match url.rsplit_once('/') {
        Some((head, _)) => format!("{head}/no_such_database_ormolu"),
        None => unreachable!(),
    };
    let e = ormolu_postgres::connect(&url, PoolOptions::default()).await.unwrap_err();
    assert!(matches!(e, Error::Connection { .. }), "{e:?}");
    assert!(e.to_string().contains("no_such_database_ormolu"), "{e}");
}

#[tokio::test]
async fn acquire_times_out_with_a_pool_error() {
    let opts = PoolOptions { max_size: 1, acquire_timeout: Duration::from_millis(200), ..Default::default() };
    let db = common::TestDb::with_options(opts).await;
    let held = db.conn().await;
    let start = Instant::now();
    let e = db.pool.acquire().await.err().expect("the only connection is taken");
    assert!(matches!(e, Error::Pool(_)), "{e:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
    drop(held);
    db.conn().await.ping().await.unwrap();
    // A closed pool hands out nothing.
    db.pool.close();
    assert!(matches!(db.pool.acquire().await.err(), Some(Error::Pool(_))));
    db.finish().await;
}

#[tokio::test]
async fn url_options_reach_the_server() {
    let db = common::TestDb::new().await;
    // search_path from `options=-csearch_path%3D…`.
    let mut c = db.conn().await;
    let rows = c.query("SELECT current_schema() AS s", &[]).await.unwrap();
    assert_eq!(rows[0].values, vec![Value::Text(db.schema.clone())]);
    drop(c);
    // application_name passes through; pool settings are taken out of the query string.
    let url = common::with_param(&db.url, "application_name=ormolu_test&max_connections=2&statement_cache_capacity=1");
    let pool = ormolu_postgres::connect(&url, PoolOptions::default()).await.unwrap();
    assert_eq!(pool.deadpool().status().max_size, 2);
    let mut c = pool.acquire().await.unwrap();
    let rows = c.query("SELECT current_setting('application_name') AS a", &[]).await.unwrap();
    assert_eq!(rows[0].values, vec![Value::Text("ormolu_test".into())]);
    // With a cache of one statement, alternating statements still work.
    for i in 0..4 {
        let sql = if i % 2 == 0 { "SELECT $1::int8 AS a" } else { "SELECT $1::int8 AS b" };
        assert_eq!(c.query(sql, &[Value::I64(i)]).await.unwrap()[0].values, vec![Value::I64(i)]);
    }
    drop(c);
    pool.close();
    db.finish().await;
}

async fn backend_pid(c: &mut dyn ormolu_core::driver::Connection) -> Value {
    c.query("SELECT pg_backend_pid() AS p", &[]).await.unwrap().remove(0).values.remove(0)
}

#[tokio::test]
async fn back_to_back_checkouts_reuse_one_connection() {
    let db = common::TestDb::new().await;
    // Two connections out at once, then one at a time: always the one given back last,
    // and taken without a future when it is there.
    let (mut a, mut b) = (db.pool.acquire().await.unwrap(), db.pool.acquire().await.unwrap());
    let (pid_a, pid_b) = (backend_pid(&mut *a).await, backend_pid(&mut *b).await);
    assert_ne!(pid_a, pid_b);
    drop(a);
    drop(b);
    for _ in 0..3 {
        let mut c = db.pool.acquire().await.unwrap();
        assert_eq!(backend_pid(&mut *c).await, pid_b);
        drop(c);
        let mut c = db.pool.try_acquire().expect("the warm connection");
        assert_eq!(backend_pid(&mut *c).await, pid_b);
    }
    // Given back in turn, both are kept, the most recent first; with both out,
    // nothing is warm.
    let mut held = db.pool.acquire().await.unwrap();
    assert_eq!(backend_pid(&mut *held).await, pid_b);
    let mut other = db.pool.try_acquire().expect("the other warm connection");
    assert_eq!(backend_pid(&mut *other).await, pid_a);
    assert!(db.pool.try_acquire().is_none());
    drop((held, other));
    db.finish().await;
}
