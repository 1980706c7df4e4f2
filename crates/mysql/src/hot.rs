//! Connections handed straight back to the next checkout ([`Hot`]) and the
//! [`Lease`] that gives them back.
//!
//! `mysql_async`'s pool takes a returned connection through its recycler task, so
//! a query right after another finds it not yet back: it takes another idle
//! connection (another server thread, cold), and every checkout pays the recycler
//! hop, a liveness write and a scheduler pass. A connection given back clean (its
//! last command succeeded, no transaction open, no statement left to close) goes to
//! [`Hot`] instead, and the next checkout takes the most recent one, as a single
//! connection would be used. It stays there at most [`HOT_IDLE`]: older ones, and
//! any one while a task waits inside the driver's pool, go back to the pool, which
//! checks them and wakes its waiters.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mysql_async::Conn;

use crate::stmts::Stmts;

/// How long a returned connection may wait for the next checkout before it goes back
/// to the driver's pool (which checks connections it hands out).
pub(crate) const HOT_IDLE: Duration = Duration::from_secs(1);

/// Clean connections returned lately, the most recent last.
#[derive(Default)]
pub(crate) struct Hot {
    conns: Mutex<Vec<(Conn, Stmts, Instant)>>,
    /// Checkouts under way: while one may be waiting in the driver's pool, returned
    /// connections go there.
    checkouts: AtomicUsize,
    /// Set by `close`/`disconnect`: nothing is kept any more.
    pub(crate) closed: AtomicBool,
}

impl Hot {
    /// Registers a checkout until the guard is dropped, then takes the most recently
    /// returned connection if it is fresh (older ones go back to the pool).
    pub(crate) fn checkout(self: &Arc<Self>) -> (Checkout, Option<(Conn, Stmts)>) {
        self.checkouts.fetch_add(1, Ordering::SeqCst);
        let guard = Checkout(Arc::clone(self));
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        let (conn, stmts, since) = match conns.pop() {
            Some(c) => c,
            None => return (guard, None),
        };
        if since.elapsed() <= HOT_IDLE {
            return (guard, Some((conn, stmts)));
        }
        // Idle too long, and so is every older one: back to the pool.
        let stale = std::mem::take(&mut *conns);
        drop(conns);
        drop((conn, stmts, stale));
        (guard, None)
    }

    /// Keeps `conn` for the next checkout, unless the pool is closed or a checkout is
    /// under way (it may be waiting in the driver's pool): then the pool takes it.
    fn put(&self, conn: Conn, stmts: Stmts) {
        if self.closed.load(Ordering::SeqCst) || self.checkouts.load(Ordering::SeqCst) > 0 {
            return drop(conn);
        }
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked again under the lock: a checkout counts itself before it looks here.
        if self.checkouts.load(Ordering::SeqCst) > 0 {
            drop(conns);
            return drop(conn);
        }
        conns.push((conn, stmts, Instant::now()));
    }

    /// Gives every kept connection back to the driver's pool.
    pub(crate) fn drain(&self) {
        let all = std::mem::take(&mut *self.conns.lock().unwrap_or_else(PoisonError::into_inner));
        drop(all);
    }
}

/// A checkout under way (see [`Hot::checkout`]).
pub(crate) struct Checkout(Arc<Hot>);

impl Drop for Checkout {
    fn drop(&mut self) {
        self.0.checkouts.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A `mysql_async` connection out of the pool, with the statements ormolu keeps for
/// it: dropped, both go to [`Hot`] when `reusable`, else the connection goes to the
/// driver's pool (and the statements kept are forgotten).
pub(crate) struct Lease {
    conn: Option<Conn>,
    /// The statements kept for this connection (see [`crate::stmts`]).
    pub(crate) stmts: Stmts,
    hot: Arc<Hot>,
    /// Whether the last command finished successfully (set by the connection's
    /// methods; a command cut off midway leaves it `false`).
    pub(crate) reusable: bool,
}

impl Lease {
    pub(crate) fn new(conn: Conn, stmts: Stmts, hot: Arc<Hot>) -> Self {
        Lease { conn: Some(conn), stmts, hot, reusable: true }
    }
}

impl std::ops::Deref for Lease {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().expect("a lease holds its connection until dropped")
    }
}

impl std::ops::DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("a lease holds its connection until dropped")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if self.reusable {
                self.hot.put(conn, std::mem::take(&mut self.stmts));
            }
        }
    }
}
