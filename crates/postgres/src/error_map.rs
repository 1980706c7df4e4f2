//! Mapping tokio-postgres and deadpool errors to ormolu's [`Error`].
//!
//! - SQLSTATE class 23 (integrity) → [`Error::Integrity`] with its [`IntegrityKind`],
//!   the constraint name the server reports and the server's message;
//! - FATAL server errors (the server ends the session, e.g. 57P01 terminated by an
//!   administrator), closed connections and I/O failures → [`Error::Connection`];
//! - every other failure of a statement → [`Error::Database`] with the SQL text
//!   (including parameters that cannot be bound, see [`crate::ParamError`]);
//! - pool timeouts and a closed pool → [`Error::Pool`].

use std::error::Error as _;

use deadpool_postgres::{PoolError, TimeoutType};
use ormolu_core::error::IntegrityKind;
use ormolu_core::Error;
use tokio_postgres::error::DbError;

use crate::params::ParamError;

/// Maps the failure of statement `sql`.
#[cold]
#[inline(never)]
pub(crate) fn query_error(e: tokio_postgres::Error, sql: &str) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        if let Some(kind) = integrity_kind(code) {
            return Error::Integrity {
                kind,
                constraint: db.constraint().map(str::to_owned),
                message: db.message().to_owned(),
                source: Some(Box::new(e)),
            };
        }
        if matches!(db.severity(), "FATAL" | "PANIC") || matches!(code, "57P01" | "57P02" | "57P03") {
            return Error::Connection { message: db.message().to_owned(), source: Some(Box::new(e)) };
        }
        return Error::Database { message: describe(db), sql: sql.to_owned(), source: Some(Box::new(e)) };
    }
    if is_connection_failure(&e) {
        return connection_error(e);
    }
    Error::Database { message: client_message(&e), sql: sql.to_owned(), source: Some(Box::new(e)) }
}

/// Maps a failure to open (or keep) a connection: always [`Error::Connection`].
pub(crate) fn connection_error(e: tokio_postgres::Error) -> Error {
    Error::Connection { message: client_message(&e), source: Some(Box::new(e)) }
}

/// Maps a failure of the pool to hand out a connection.
pub(crate) fn pool_error(e: PoolError) -> Error {
    match e {
        PoolError::Backend(e) => connection_error(e),
        PoolError::Timeout(TimeoutType::Wait) => Error::Pool("timed out waiting for a free connection".into()),
        PoolError::Timeout(TimeoutType::Create) => Error::Pool("timed out opening a new connection".into()),
        PoolError::Timeout(TimeoutType::Recycle) => Error::Pool("timed out checking a pooled connection".into()),
        PoolError::Closed => Error::Pool("the pool is closed".into()),
        other => Error::Pool(other.to_string()),
    }
}

/// The kind of an integrity violation, for SQLSTATE class 23.
fn integrity_kind(code: &str) -> Option<IntegrityKind> {
    Some(match code {
        "23505" => IntegrityKind::Unique,
        "23503" => IntegrityKind::ForeignKey,
        "23502" => IntegrityKind::NotNull,
        "23514" => IntegrityKind::Check,
        c if c.starts_with("23") => IntegrityKind::Other,
        _ => return None,
    })
}

/// The server's message with its SQLSTATE, detail and hint.
fn describe(db: &DbError) -> String {
    let mut m = format!("{} (SQLSTATE {})", db.message(), db.code().code());
    if let Some(detail) = db.detail() {
        m.push_str("\n  detail: ");
        m.push_str(detail);
    }
    if let Some(hint) = db.hint() {
        m.push_str("\n  hint: ");
        m.push_str(hint);
    }
    m
}

/// The message of a client-side error with its causes (tokio-postgres prints only
/// the first line, e.g. "error serializing parameter 0"). A parameter that cannot be
/// bound is named by its placeholder: "parameter $1: cannot bind …".
fn client_message(e: &tokio_postgres::Error) -> String {
    let head = e.to_string();
    if let Some(param) = e.source().and_then(|s| s.downcast_ref::<ParamError>()) {
        let index = head.strip_prefix("error serializing parameter ").and_then(|i| i.parse::<usize>().ok());
        if let Some(i) = index {
            return format!("parameter ${}: {param}", i + 1);
        }
    }
    let mut message = head;
    let mut cause = e.source();
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

/// Whether `e` (not a server error) means the connection is gone: closed, or I/O.
/// An I/O error while *encoding* a message (e.g. a NUL byte in the SQL) is not.
fn is_connection_failure(e: &tokio_postgres::Error) -> bool {
    e.is_closed()
        || (e.source().is_some_and(|s| s.is::<std::io::Error>())
            && !e.to_string().starts_with("error encoding message"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_classes() {
        assert_eq!(integrity_kind("23505"), Some(IntegrityKind::Unique));
        assert_eq!(integrity_kind("23P01"), Some(IntegrityKind::Other));
        assert_eq!(integrity_kind("42P01"), None);
    }

    #[test]
    fn pool_errors() {
        assert!(matches!(pool_error(PoolError::Closed), Error::Pool(_)));
        assert!(matches!(pool_error(PoolError::Timeout(TimeoutType::Wait)), Error::Pool(_)));
    }
}
