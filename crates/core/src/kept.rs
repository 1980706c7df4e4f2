//! [`KeptStatements`]: prepared statements a connection has run, by SQL text, kept
//! by ormolu in front of the driver's own statement cache.
//!
//! A driver's cache is reached through a per-call cost ormolu can skip: mysql_async
//! scans the SQL for named parameters on every call, deadpool-postgres takes a lock
//! and SipHashes the SQL and the parameter types. A statement found here (a hash of
//! the SQL with [`crate::hash::TextBuildHasher`], a string compare, an `Arc` clone)
//! goes straight to execution. Each driver says how its kept statements stay valid
//! (`ormolu-mysql`'s `stmts`, `ormolu-postgres`' `conn`); the map travels with its
//! connection in [`crate::warm`] while ormolu holds it.

use std::collections::HashMap;

use crate::hash::TextBuildHasher;

/// The statements kept for one connection, at most `capacity` of them: a full map
/// is emptied before the next one is kept.
///
/// ```
/// use ormolu_core::kept::KeptStatements;
///
/// let mut kept = KeptStatements::new(2);
/// kept.keep("SELECT 1", &1);
/// kept.keep("SELECT 2", &2);
/// assert_eq!(kept.get("SELECT 2"), Some(2));
/// kept.keep("SELECT 3", &3); // full: emptied first
/// assert_eq!((kept.get("SELECT 1"), kept.get("SELECT 3")), (None, Some(3)));
/// kept.forget("SELECT 3");
/// assert!(kept.get("SELECT 3").is_none());
/// ```
#[derive(Debug)]
pub struct KeptStatements<S> {
    map: HashMap<Box<str>, S, TextBuildHasher>,
    capacity: usize,
}

impl<S> Default for KeptStatements<S> {
    fn default() -> Self {
        KeptStatements { map: HashMap::default(), capacity: 0 }
    }
}

impl<S: Clone> KeptStatements<S> {
    /// An empty map holding at most `capacity` statements (0: none).
    pub fn new(capacity: usize) -> Self {
        KeptStatements { map: HashMap::default(), capacity }
    }

    /// The statement kept for `sql`.
    pub fn get(&self, sql: &str) -> Option<S> {
        self.map.get(sql).cloned()
    }

    /// Keeps `stmt` for `sql`. A full map is emptied first.
    pub fn keep(&mut self, sql: &str, stmt: &S) {
        if self.capacity == 0 {
            return;
        }
        if self.map.len() >= self.capacity {
            self.map.clear();
        }
        self.map.insert(sql.into(), stmt.clone());
    }

    /// Forgets the statement kept for `sql`.
    pub fn forget(&mut self, sql: &str) {
        self.map.remove(sql);
    }

    /// Forgets every statement.
    pub fn clear(&mut self) {
        self.map.clear();
    }
}
