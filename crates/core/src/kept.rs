//! [`KeptStatements`]: prepared statements a connection has run, by SQL text, kept
//! by ormolu in front of the driver's own statement cache.
//!
//! A driver's cache is reached through a per-call cost ormolu can skip: mysql_async
//! scans the SQL for named parameters on every call, deadpool-postgres takes a lock
//! and SipHashes the SQL and the parameter types. A statement found here (a hash of
//! the SQL with [`crate::hash::TextBuildHasher`], a string compare, an `Arc` clone)
//! goes straight to execution; one run again soon after is found by the address of
//! its text. Each driver says how its kept statements stay valid
//! (`ormolu-mysql`'s `stmts`, `ormolu-postgres`' `conn`); the map travels with its
//! connection in [`crate::warm`] while ormolu holds it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::hash::TextBuildHasher;

/// How many statements are found by the address of their text.
const RECENT: usize = 4;

/// The statements kept for one connection, at most `capacity` of them: a full map
/// is emptied before the next one is kept.
///
/// The last few statements found are also kept by the address of the text they
/// were asked with: SQL replayed from the shape cache is the same shared text each
/// time, so a statement run again is found by comparing an address and the text
/// (no hash, no table). Text at another address is looked up by its hash.
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
    map: HashMap<Arc<str>, S, TextBuildHasher>,
    /// Recently found statements (at most [`RECENT`]): the address of the text asked
    /// for, the text (to confirm: another text may since live at that address) and
    /// the statement. A list, not an array: the map travels inside query futures
    /// (MySQL), which must stay small.
    recent: Vec<(usize, Arc<str>, S)>,
    /// The next `recent` slot to fill.
    next: usize,
    capacity: usize,
}

impl<S> Default for KeptStatements<S> {
    fn default() -> Self {
        KeptStatements { map: HashMap::default(), recent: Vec::new(), next: 0, capacity: 0 }
    }
}

impl<S: Clone> KeptStatements<S> {
    /// An empty map holding at most `capacity` statements (0: none).
    pub fn new(capacity: usize) -> Self {
        KeptStatements { capacity, ..Self::default() }
    }

    /// The statement kept for `sql`.
    pub fn get(&mut self, sql: &str) -> Option<S> {
        let addr = sql.as_ptr() as usize;
        for (a, text, stmt) in &self.recent {
            if *a == addr && **text == *sql {
                return Some(stmt.clone());
            }
        }
        let (text, stmt) = self.map.get_key_value(sql)?;
        let found = (addr, Arc::clone(text), stmt.clone());
        if self.recent.len() < RECENT {
            self.recent.push(found);
        } else {
            self.recent[self.next] = found;
            self.next = (self.next + 1) % RECENT;
        }
        Some(stmt.clone())
    }

    /// Keeps `stmt` for `sql`. A full map is emptied first.
    pub fn keep(&mut self, sql: &str, stmt: &S) {
        if self.capacity == 0 {
            return;
        }
        if self.map.len() >= self.capacity {
            self.clear();
        }
        self.map.insert(sql.into(), stmt.clone());
    }

    /// Forgets the statement kept for `sql`.
    pub fn forget(&mut self, sql: &str) {
        self.map.remove(sql);
        self.recent.retain(|(_, text, _)| **text != *sql);
        self.next = 0;
    }

    /// Forgets every statement.
    pub fn clear(&mut self) {
        self.map.clear();
        self.recent.clear();
        self.next = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_found_by_address_follow_the_map() {
        let mut kept = KeptStatements::new(16);
        let texts: Vec<Arc<str>> = (0..RECENT + 2).map(|i| Arc::from(format!("SELECT {i}"))).collect();
        for (i, t) in texts.iter().enumerate() {
            kept.keep(t, &i);
        }
        // Twice each: by hash first, then (for the last few) by address.
        for _ in 0..2 {
            for (i, t) in texts.iter().enumerate() {
                assert_eq!(kept.get(t), Some(i));
            }
        }
        assert_eq!(kept.recent.len(), RECENT);
        // The same text at another address is found by hash.
        let copy = String::from(&*texts[RECENT + 1]);
        assert_eq!(kept.get(&copy), Some(RECENT + 1));
        // Forgotten or cleared statements are not found by address either.
        kept.forget(&texts[RECENT + 1]);
        assert_eq!((kept.get(&texts[RECENT + 1]), kept.get(&copy)), (None, None));
        kept.clear();
        assert!(texts.iter().all(|t| kept.get(t).is_none()));
    }
}
