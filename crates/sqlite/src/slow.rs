//! Keeping long statements off the async runtime, without a thread hop for the
//! short ones.
//!
//! Most statements take microseconds: they run inline on the calling task (a hop to
//! another thread would cost more than the statement). A statement that turns out to
//! be long must not hold a runtime thread, so:
//!
//! - **During a query**, after every [`CHECK_EVERY`] rows the elapsed time is checked;
//!   past [`STEP_BUDGET`], on a multi-thread runtime, the rest of the query runs inside
//!   `tokio::task::block_in_place` — the worker hands its other tasks to another
//!   thread first, so nothing waits behind the scan (and no thread hop is paid).
//! - **A statement that ran longer than [`LONG`] twice in a row is remembered** (by
//!   a hash of its SQL, per pool, at most [`MAX_REMEMBERED`]): from its next run on it
//!   starts inside `block_in_place` (multi-thread runtime) or, on a current-thread
//!   runtime, on a blocking thread (the connection is lent to it, as a stream does,
//!   and the rows come back through a channel in chunks). This catches statements
//!   that are long in one step (a big aggregate, a write). A remembered statement
//!   that runs short again is forgotten. One run over [`LONG`] (a busy machine) does
//!   not move a statement off the fast path.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Past this, a query that is still stepping rows leaves the worker thread
/// (multi-thread runtime).
pub(crate) const STEP_BUDGET: Duration = Duration::from_millis(2);

/// A statement that takes longer than this twice in a row is long: 50 ms, or the
/// milliseconds in the environment variable `ORMOLU_SQLITE_LONG_MS` (read once).
pub(crate) static LONG: std::sync::LazyLock<Duration> = std::sync::LazyLock::new(|| {
    let ms = std::env::var("ORMOLU_SQLITE_LONG_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    Duration::from_millis(ms)
});

/// Rows stepped between two looks at the clock.
pub(crate) const CHECK_EVERY: u32 = 256;

/// Statements tracked per pool (the map is emptied when full).
pub(crate) const MAX_REMEMBERED: usize = 1024;

/// The statements of one pool that ran long: how many times in a row.
#[derive(Debug, Default)]
pub(crate) struct SlowStatements {
    any: AtomicBool,
    runs: Mutex<HashMap<u64, u8>>,
}

/// The hash of `sql` (one hasher key for the whole process).
fn hash(sql: &str) -> u64 {
    let mut h = KEY.build_hasher();
    h.write(sql.as_bytes());
    h.finish()
}

/// The hasher key of the process.
static KEY: std::sync::LazyLock<std::hash::RandomState> = std::sync::LazyLock::new(std::hash::RandomState::new);

impl SlowStatements {
    /// Whether `sql` is known to be long (cheap when no statement ever ran long).
    pub(crate) fn is_slow(&self, sql: &str) -> bool {
        self.any.load(Ordering::Relaxed) && self.runs.lock().is_ok_and(|m| m.get(&hash(sql)).is_some_and(|n| *n >= 2))
    }

    /// Records the run of `sql` that started at `start`.
    pub(crate) fn record(&self, sql: &str, start: Instant) {
        let long = start.elapsed() >= *LONG;
        if !long && !self.any.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(mut runs) = self.runs.lock() {
            let h = hash(sql);
            if long {
                if runs.len() >= MAX_REMEMBERED {
                    runs.clear();
                }
                let n = runs.entry(h).or_insert(0);
                *n = n.saturating_add(1);
            } else {
                runs.remove(&h);
            }
            self.any.store(!runs.is_empty(), Ordering::Relaxed);
        }
    }
}

/// Whether the calling thread is a worker of a multi-thread tokio runtime, where
/// `block_in_place` may be called.
pub(crate) fn can_block_in_place() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// Runs `f` inside `block_in_place` where that is possible, else inline.
pub(crate) fn off_runtime<T>(f: impl FnOnce() -> T) -> T {
    if can_block_in_place() {
        tokio::task::block_in_place(f)
    } else {
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_slow_statements() {
        let s = SlowStatements::default();
        assert!(!s.is_slow("SELECT 1"));
        s.record("SELECT 1", Instant::now());
        assert!(!s.is_slow("SELECT 1"), "a fast run is not recorded");
        let long_ago = Instant::now() - *LONG * 2;
        s.record("SELECT 2", long_ago);
        assert!(!s.is_slow("SELECT 2"), "one long run is not enough");
        s.record("SELECT 2", long_ago);
        assert!(s.is_slow("SELECT 2"));
        assert!(!s.is_slow("SELECT 1"));
        s.record("SELECT 2", Instant::now());
        assert!(!s.is_slow("SELECT 2"), "a short run forgets it");
    }
}
