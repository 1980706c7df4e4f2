//! MySQL/MariaDB backend for ormolu, over `mysql_async` and its pool.
//!
//! Open a pool with [`connect`]; it implements ormolu's
//! [`Pool`](ormolu_core::driver::Pool) and hands out [`MySqlConnection`]s, which
//! implement [`Connection`](ormolu_core::driver::Connection).
//!
//! ```no_run
//! # async fn demo() -> ormolu_core::Result<()> {
//! use ormolu_core::driver::{Pool, PoolOptions};
//! let pool = ormolu_mysql::connect("mysql://root@127.0.0.1:3306/test", PoolOptions::default()).await?;
//! let mut conn = pool.acquire().await?;
//! let rows = conn.query("SELECT ? + 1 AS n", &[1.into()]).await?;
//! # Ok(()) }
//! ```
//!
//! Where things are:
//! - `pool.rs`: [`connect`] (URL and pool options, session setup: UTC time zone,
//!   strict mode, found rows; server detection) and [`MySqlPool`].
//! - `conn.rs`: [`MySqlConnection`]: execute, query, stream, batch, ping.
//! - `hot.rs`: connections given back clean go straight to the next checkout
//!   (one warm connection for back-to-back queries), else to the driver's pool.
//! - `stmts.rs`: the prepared statements kept per connection by SQL text, so a
//!   repeated statement skips the driver's per-call SQL scan.
//! - `params.rs`: ormolu values to driver parameters (durations as microseconds,
//!   UUIDs as 32 hex digits, as Django stores them).
//! - `decode.rs`: cells to ormolu values by column type, for both protocols.
//! - `row.rs`: rows read in place by model and tuple decoding (integers in
//!   registers, text moved out of the driver's row).
//! - `error_map.rs`: driver errors to ormolu errors (integrity kind and constraint name).

mod conn;
mod decode;
mod error_map;
mod hot;
mod params;
mod pool;
mod row;
mod stmts;

pub use conn::MySqlConnection;
pub use pool::{connect, MySqlPool};

/// The `mysql_async` crate this backend is built on (for [`MySqlPool::inner`] and
/// [`MySqlConnection::inner_mut`]).
pub use mysql_async;
