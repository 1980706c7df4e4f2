//! [`Stmts`]: the prepared statements a connection has run, by SQL text, kept by
//! ormolu next to the driver's own statement cache ([`ormolu_core::kept`]).
//!
//! `mysql_async` looks a statement up in its cache only after scanning the SQL for
//! named parameters, on every call (a per-byte scan: thousands of instructions for
//! one ORM query). A statement found here goes straight to `COM_STMT_EXECUTE`.
//!
//! The driver still owns the statements and closes the ones its cache evicts. Every
//! statement kept here went through the driver (prepared, or found in its cache)
//! since this map was last emptied, and the map is emptied when it reaches the
//! driver cache's capacity: the statements kept are the ones the driver touched
//! last, which it evicts last, so none is closed while kept. One can still be closed
//! behind ormolu's back (the raw connection, `MySqlConnection::inner_mut`, reset or
//! used to prepare others): the server then answers `ER_UNKNOWN_STMT_HANDLER` (1243)
//! without running anything, and the connection prepares it again, once
//! ([`is_stale`]). The map goes with its connection while ormolu keeps it
//! (`crate::hot`); a connection back from the driver's pool starts with an empty one.

use mysql_async::Statement;

/// The statements kept for one connection (at most the driver cache's capacity).
pub(crate) type Stmts = ormolu_core::kept::KeptStatements<Statement>;

/// Whether `e` says the statement executed is unknown to the server (closed since
/// it was kept): nothing ran, and preparing it again is safe.
pub(crate) fn is_stale(e: &mysql_async::Error) -> bool {
    matches!(e, mysql_async::Error::Server(s) if s.code == 1243)
}
