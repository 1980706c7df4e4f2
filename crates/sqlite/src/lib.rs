//! SQLite backend for ormolu (rusqlite with the bundled SQLite, deadpool).
//!
//! ```no_run
//! # async fn demo() -> ormolu_core::Result<()> {
//! use ormolu_core::driver::{Connection, PoolOptions};
//! let pool = ormolu_sqlite::connect("sqlite://app.db", PoolOptions::default()).await?;
//! let mut conn = pool.get().await?;
//! conn.batch("CREATE TABLE IF NOT EXISTS t (id integer PRIMARY KEY, name text)").await?;
//! let r = conn.execute("INSERT INTO t (name) VALUES (?)", &["ada".into()]).await?;
//! assert_eq!(r.rows_affected, 1);
//! # Ok(()) }
//! ```
//!
//! # Where things are
//! - `src/url.rs`: parsing `sqlite:` URLs.
//! - [`connect`], [`SqlitePool`]: the deadpool pool (`src/pool.rs`); opening and
//!   setting up connections in `src/manager.rs` (pragmas, statement cache, `REGEXP`).
//! - [`SqliteConnection`]: ormolu's `Connection` (`src/conn.rs`), running statements
//!   with `src/run.rs`; rows streamed by `src/stream.rs`.
//! - `src/bind.rs`: `Value` → SQLite parameters (as Django stores them) and back.
//! - `src/error_map.rs`: rusqlite errors → `Error` (integrity kind and constraint).
//! - `src/regexp.rs`: the `REGEXP` function (`regex` crate, compiled pattern cached).
//! - `src/gate.rs`: the async writer gate (one writer per database, queued without blocking).
//! - `src/slow.rs`: long statements off the runtime thread (`block_in_place`, remembered long statements).
//!
//! # Async design
//! SQLite is a library, not a server: a statement is a function call that usually
//! takes microseconds. So `execute`, `query`, `query_each` and `batch` run **inline**
//! on the calling task, through the connection's prepared statement cache, with no
//! thread hop: as fast as raw rusqlite. Model rows are read in place
//! (`query_each`): each cell goes straight from SQLite's buffer into the field.
//!
//! A long statement must still not hold a runtime thread (`src/slow.rs`): a query
//! still stepping rows after 2 ms finishes inside `tokio::task::block_in_place` on a
//! multi-thread runtime (the worker hands its other tasks to another thread first);
//! a statement that took over 50 ms twice in a row is remembered (per pool) and from
//! then on starts inside `block_in_place`, or — on a current-thread runtime, which
//! has no other worker — on a blocking thread whose rows come back in chunks.
//!
//! SQLite has one writer at a time. Writers of one pool never wait on the lock
//! inside SQLite (which would sleep on a runtime thread): they queue for an async
//! permit first (`src/gate.rs`) — a transaction holds it from `BEGIN IMMEDIATE` to
//! `COMMIT`/`ROLLBACK`, an autocommit write for one statement. Readers run beside
//! the writer (WAL). Only writers in *other processes* can still make a statement
//! wait in SQLite's busy handler (`busy_timeout` = 5 s).
//!
//! A **stream** may scan millions of rows, which must not block the runtime. It
//! lends the connection to a `tokio::task::spawn_blocking` task that sends rows
//! through a bounded channel (constant memory, backpressure). When the query ends
//! the task hands the connection back through a oneshot channel; the next call on
//! the same [`SqliteConnection`] awaits it first. Dropping a stream early closes the
//! channel and interrupts the statement, so the task stops promptly and the
//! connection comes back unharmed.
//!
//! # Pooling
//! [`SqlitePool`] is a `deadpool::managed::Pool`. Each new connection gets
//! `PRAGMA foreign_keys = ON`, `PRAGMA busy_timeout = 5000`, `journal_mode = WAL`
//! (files), the statement cache capacity of [`PoolOptions`] and `REGEXP`. A
//! connection returned inside a transaction is rolled back before reuse. An
//! in-memory database is one database per connection, so its pool has exactly one
//! connection (see [`connect`]).

mod bind;
mod conn;
mod error_map;
mod functions;
mod gate;
mod manager;
mod pool;
mod regexp;
mod run;
mod slow;
mod stream;
mod url;

pub use conn::SqliteConnection;
pub use ormolu_core::driver::PoolOptions;
pub use pool::{connect, SqlitePool};
