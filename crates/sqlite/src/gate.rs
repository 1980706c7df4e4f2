//! The writer gate: SQLite allows one writer at a time per database. Instead of
//! letting a second writer sleep in SQLite's busy handler — which would block a
//! runtime thread — connections of one pool queue for an async permit before a
//! write: for a whole transaction (from `BEGIN` to `COMMIT`/`ROLLBACK`), or for one
//! autocommit write statement. Readers never wait (WAL lets them run beside the
//! writer). Other processes writing the same file are still handled by
//! `busy_timeout`.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What a statement does to the write lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Starts a transaction: take the permit and keep it.
    Begin,
    /// Ends the transaction: give the permit back afterwards.
    End,
    /// Writes: needs the permit (held already inside a transaction).
    Write,
    /// Reads or savepoint bookkeeping: no permit needed.
    Read,
}

/// Classifies a statement by its first keyword (no allocation: it runs per statement).
pub(crate) fn classify(sql: &str) -> Kind {
    let sql = sql.trim_start();
    let end = sql.bytes().position(|b| !b.is_ascii_alphabetic()).unwrap_or(sql.len());
    let word = &sql[..end];
    let is = |kw: &str| word.eq_ignore_ascii_case(kw);
    if is("BEGIN") {
        Kind::Begin
    } else if is("COMMIT") || is("END") {
        Kind::End
    } else if is("ROLLBACK") {
        if sql[end..].split_ascii_whitespace().any(|w| w.eq_ignore_ascii_case("TO")) {
            Kind::Read
        } else {
            Kind::End
        }
    } else if ["INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "WITH"].iter().any(|k| is(k)) {
        Kind::Write
    } else {
        Kind::Read
    }
}

/// One pool's gate; `None` for in-memory databases (one connection, nothing to share).
#[derive(Debug, Clone, Default)]
pub(crate) struct Gate(Option<Arc<Semaphore>>);

impl Gate {
    /// A gate for a pool of connections to one file.
    pub(crate) fn for_file() -> Self {
        Gate(Some(Arc::new(Semaphore::new(1))))
    }

    /// Waits (asynchronously) for the write permit.
    pub(crate) async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        match &self.0 {
            Some(s) => s.clone().acquire_owned().await.ok(),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statements() {
        assert_eq!(classify("BEGIN IMMEDIATE"), Kind::Begin);
        assert_eq!(classify("  commit"), Kind::End);
        assert_eq!(classify("ROLLBACK"), Kind::End);
        assert_eq!(classify("ROLLBACK TO SAVEPOINT \"s1\""), Kind::Read);
        assert_eq!(classify("rollback transaction to s1"), Kind::Read);
        assert_eq!(classify("ROLLBACK;"), Kind::End);
        assert_eq!(classify("INSERT INTO t VALUES (1)"), Kind::Write);
        assert_eq!(classify("SELECT 1"), Kind::Read);
        assert_eq!(classify("SAVEPOINT \"s1\""), Kind::Read);
    }
}
