//! Connections handed straight back to the next checkout, in front of a driver's
//! pool: [`Warm`], [`Lease`] and the [`Checkout`] guard.
//!
//! A driver's pool takes a returned connection through its own machinery (a
//! recycler task, a semaphore, a liveness check, boxed futures), and a query right
//! after another may even find the connection not yet back and take a colder one.
//! A connection given back clean ([`Lease::reusable`]: its last command succeeded)
//! goes to [`Warm`] instead, and the next checkout takes the most recent one, as a
//! single connection would be used — without a future ([`Warm::checkout`] is a
//! mutex and a `Vec::pop`).
//!
//! Nothing waits here: while any checkout is under way (it may be waiting inside
//! the driver's pool), returned connections go to the driver's pool, which wakes its
//! waiters; and a connection kept longer than [`WARM_IDLE`] is given back to the
//! driver's pool (which checks connections it hands out) at the next checkout.
//! Connections go back to the driver's pool by being dropped: `T` is the driver's
//! pooled-connection guard.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a returned connection may wait for the next checkout before it goes back
/// to the driver's pool.
pub const WARM_IDLE: Duration = Duration::from_secs(1);

/// Clean connections returned lately, the most recent last.
///
/// ```
/// use std::sync::Arc;
/// use ormolu_core::warm::{Lease, Warm};
///
/// let warm: Arc<Warm<String>> = Arc::default();
/// let (_guard, kept) = warm.checkout();
/// assert!(kept.is_none()); // nothing returned yet: take one from the driver's pool
/// drop(_guard);
/// drop(Lease::new("conn 1".to_string(), Arc::clone(&warm))); // returned clean: kept
/// let (_guard, kept) = warm.checkout();
/// assert_eq!(kept.as_deref(), Some("conn 1"));
/// ```
pub struct Warm<T> {
    conns: Mutex<Vec<(T, Instant)>>,
    /// Checkouts under way: while one may be waiting in the driver's pool, returned
    /// connections go there.
    checkouts: AtomicUsize,
    /// Set by [`Warm::close`]: nothing is kept any more.
    closed: AtomicBool,
}

impl<T> Default for Warm<T> {
    fn default() -> Self {
        Warm { conns: Mutex::new(Vec::new()), checkouts: AtomicUsize::new(0), closed: AtomicBool::new(false) }
    }
}

impl<T> std::fmt::Debug for Warm<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Warm")
            .field("kept", &self.conns.lock().unwrap_or_else(PoisonError::into_inner).len())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> Warm<T> {
    /// Registers a checkout until the guard is dropped, then takes the most recently
    /// returned connection if it is fresh (older ones go back to the driver's pool).
    /// Without one, the caller takes a connection from the driver's pool while
    /// holding the guard.
    pub fn checkout(&self) -> (Checkout<'_, T>, Option<T>) {
        self.checkouts.fetch_add(1, Ordering::SeqCst);
        let guard = Checkout(self);
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        let (conn, since) = match conns.pop() {
            Some(c) => c,
            None => return (guard, None),
        };
        if since.elapsed() <= WARM_IDLE {
            return (guard, Some(conn));
        }
        // Idle too long, and so is every older one: back to the driver's pool.
        drop_stale(conns, conn);
        (guard, None)
    }

    /// Keeps `conn` for the next checkout, unless closed or a checkout is under way
    /// (it may be waiting in the driver's pool): then `conn` is dropped, back to the
    /// driver's pool.
    pub fn put(&self, conn: T) {
        if self.is_closed() || self.checkouts.load(Ordering::SeqCst) > 0 {
            return drop(conn);
        }
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked again under the lock: a checkout counts itself before it looks here.
        if self.checkouts.load(Ordering::SeqCst) > 0 {
            drop(conns);
            return drop(conn);
        }
        conns.push((conn, Instant::now()));
    }

    /// Whether [`Warm::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Keeps nothing from now on and gives every kept connection back to the
    /// driver's pool; returns whether this call closed it (false if it was closed).
    pub fn close(&self) -> bool {
        let first = !self.closed.swap(true, Ordering::AcqRel);
        let all = std::mem::take(&mut *self.conns.lock().unwrap_or_else(PoisonError::into_inner));
        drop(all);
        first
    }
}

/// A checkout under way (see [`Warm::checkout`]).
pub struct Checkout<'a, T>(&'a Warm<T>);

impl<T> Drop for Checkout<'_, T> {
    fn drop(&mut self) {
        self.0.checkouts.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A connection out of the driver's pool (or out of [`Warm`]): dropped, it goes to
/// [`Warm`] when [`reusable`](Lease::reusable), else to the driver's pool.
pub struct Lease<T> {
    conn: Option<T>,
    warm: Arc<Warm<T>>,
    /// Whether the connection may be handed to the next checkout as it is: a
    /// driver sets it `false` before a command and `true` once it finished cleanly,
    /// so a command cut off midway leaves it `false`.
    pub reusable: bool,
}

impl<T> Lease<T> {
    /// Leases `conn`; it goes back to `warm` when dropped reusable.
    pub fn new(conn: T, warm: Arc<Warm<T>>) -> Self {
        Lease { conn: Some(conn), warm, reusable: true }
    }
}

impl<T> std::ops::Deref for Lease<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.conn.as_ref().expect("a lease holds its connection until dropped")
    }
}

impl<T> std::ops::DerefMut for Lease<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.conn.as_mut().expect("a lease holds its connection until dropped")
    }
}

impl<T> Drop for Lease<T> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if self.reusable {
                self.warm.put(conn);
            }
        }
    }
}

/// Drops `conn` and every connection still kept (all idle too long), after the lock.
#[cold]
#[inline(never)]
fn drop_stale<T>(mut conns: MutexGuard<'_, Vec<(T, Instant)>>, conn: T) {
    let stale = std::mem::take(&mut *conns);
    drop(conns);
    drop((conn, stale));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_recent_first_and_none_while_a_checkout_waits() {
        let warm: Arc<Warm<u32>> = Arc::default();
        drop(Lease::new(1, Arc::clone(&warm)));
        drop(Lease::new(2, Arc::clone(&warm)));
        let (g, c) = warm.checkout();
        assert_eq!(c, Some(2));
        // While that checkout is under way, a returned connection is not kept.
        warm.put(3);
        drop(g);
        assert_eq!(warm.checkout().1, Some(1));
        assert_eq!(warm.checkout().1, None);
    }

    #[test]
    fn not_reusable_and_closed_are_not_kept() {
        let warm: Arc<Warm<u32>> = Arc::default();
        let mut l = Lease::new(1, Arc::clone(&warm));
        l.reusable = false;
        drop(l);
        assert_eq!(warm.checkout().1, None);
        warm.put(2);
        assert!(warm.close());
        assert!(!warm.close());
        warm.put(3);
        assert_eq!(warm.checkout().1, None);
    }

    #[test]
    fn stale_ones_go_back() {
        let warm: Arc<Warm<u32>> = Arc::default();
        warm.conns.lock().unwrap().push((7, Instant::now() - WARM_IDLE - Duration::from_millis(1)));
        assert_eq!(warm.checkout().1, None);
        assert!(warm.conns.lock().unwrap().is_empty());
    }
}
