//! The pool seen through `Db`, the same on every backend: a task waiting for the only
//! connection gets it as soon as it is given back (PostgreSQL and MariaDB keep a
//! returned connection warm for the next checkout; while a task waits, it must go to
//! the waiter instead).

use std::time::{Duration, Instant};

use ormolu::Db;
use ormolu_suite::{backend_tests, server_url};

backend_tests! {
    async fn a_waiting_checkout_gets_the_connection_given_back(db) {
        let url = server_url(db.backend());
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = if url.starts_with("sqlite") { url } else { format!("{url}{sep}max_connections=1&acquire_timeout=10") };
        let one = Db::connect(&url).await.expect("connect with one connection");
        let held = one.acquire().await.expect("the only connection");
        let waiter = {
            let one = one.clone();
            tokio::spawn(async move {
                let start = Instant::now();
                one.execute_batch("SELECT 1").await.expect("runs once the connection is back");
                start.elapsed()
            })
        };
        // Let the waiter reach the pool, then give the connection back.
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(held);
        let waited = tokio::time::timeout(Duration::from_secs(5), waiter).await.expect("not starved").unwrap();
        assert!(waited < Duration::from_secs(2), "{waited:?}");
        one.close();
    }
}
