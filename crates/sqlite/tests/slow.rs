//! Long statements do not hold the runtime: other tasks keep running while a long
//! query steps (multi-thread runtime: `block_in_place` mid-query; current-thread
//! runtime: a known long read runs on a blocking thread from its third run).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ormolu_core::driver::{Connection, PoolOptions};
use ormolu_core::Result;
use ormolu_sqlite::connect;

/// A query that steps for a long time (hundreds of milliseconds) and returns many rows.
const LONG: &str = "SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) \
                    SELECT x FROM c) WHERE x % 1000 = 0";

/// Ticks every millisecond until stopped; returns the counter.
fn ticker() -> (Arc<AtomicU64>, tokio::task::JoinHandle<()>) {
    let ticks = Arc::new(AtomicU64::new(0));
    let t = Arc::clone(&ticks);
    let handle = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(1)).await;
            t.fetch_add(1, Ordering::Relaxed);
        }
    });
    (ticks, handle)
}

async fn run_long(conn: &mut dyn Connection) -> Result<u64> {
    let mut n = 0u64;
    conn.query_each(LONG, &[], &mut |_row| {
        n += 1;
        Ok(())
    })
    .await?;
    Ok(n)
}

/// Runs the long query while a task ticks every millisecond; the ticker must keep
/// running (unless the query was quick anyway).
async fn long_query_beside_a_ticker(conn: &mut dyn Connection) {
    let (ticks, handle) = ticker();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let before = ticks.load(Ordering::Relaxed);
    let started = std::time::Instant::now();
    assert_eq!(run_long(conn).await.unwrap(), 3000);
    let took = started.elapsed();
    let during = ticks.load(Ordering::Relaxed) - before;
    handle.abort();
    assert!(took < Duration::from_millis(50) || during >= 5, "ticker ran {during} times during a {took:?} query");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn long_query_leaves_the_worker_to_other_tasks() {
    let pool = connect("sqlite::memory:", PoolOptions::default()).await.unwrap();
    let mut conn = pool.get().await.unwrap();
    // With one worker, a query holding it would let the ticker run ~0 times.
    long_query_beside_a_ticker(&mut conn).await;
}

#[tokio::test(flavor = "current_thread")]
async fn known_slow_read_runs_off_the_current_thread_runtime() {
    let pool = connect("sqlite::memory:", PoolOptions::default()).await.unwrap();
    let mut conn = pool.get().await.unwrap();
    // The first two runs are inline (and remembered as long)…
    assert_eq!(run_long(&mut conn).await.unwrap(), 3000);
    assert_eq!(run_long(&mut conn).await.unwrap(), 3000);
    // …the third on a blocking thread: the ticker shares the runtime thread meanwhile.
    long_query_beside_a_ticker(&mut conn).await;
    // The connection is still usable afterwards.
    assert_eq!(conn.query("SELECT 1", &[]).await.unwrap().len(), 1);
}
