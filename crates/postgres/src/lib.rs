//! PostgreSQL backend for ormolu (tokio-postgres, deadpool-postgres).
//!
//! ```no_run
//! # async fn demo() -> ormolu_core::Result<()> {
//! use ormolu_core::driver::{Pool, PoolOptions};
//! use ormolu_core::Value;
//!
//! let pool = ormolu_postgres::connect("postgres://postgres@127.0.0.1/test", PoolOptions::default()).await?;
//! let mut conn = pool.acquire().await?;
//! let rows = conn.query("SELECT $1::int + 1 AS n", &[Value::I64(41)]).await?;
//! assert_eq!(rows[0].get("n"), Some(&Value::I64(42)));
//! # Ok(()) }
//! ```
//!
//! Types: parameters are written as the type the server infers for each `$n` (an
//! `I64` compared with `EXTRACT(...)` goes out as numeric, with `col::text` as text;
//! `Text` is parsed for uuid, json, date, numeric, … parameters). Cells are read by
//! column type: integers and oid → `I64`, floats → `F64`, numeric → `Decimal`,
//! text types, enums and citext → `Text`, bytea → `Bytes`, date/timestamp/timestamptz/
//! time/interval → `Date`/`DateTime`/`DateTimeUtc`/`Time`/`Duration`, uuid → `Uuid`
//! and json(b) → `Json` when ormolu-core has its `uuid`/`json` features (text
//! otherwise; this crate's features of the same names turn those on, and so may any
//! other crate of the build: see `ormolu_core::value`); arrays of these ↔ `Array`.
//!
//! Where things are:
//! - `pool`: [`connect`] (URL → pool, one connection up front, URL options) and
//!   [`PgPool`] (ormolu's `Pool` over deadpool-postgres).
//! - `conn`: [`PgConnection`] (ormolu's `Connection`: execute, query, stream, batch,
//!   ping; statement caching).
//! - `params`: [`PgParam`], a `Value` written as the type the server expects for each
//!   parameter, and [`ParamError`] when it cannot be.
//! - `decode`: cells read by column type into `Value`s (the table is in that module).
//! - `array`: arrays (`integer[]`, `varchar(n)[]`…) ↔ `Value::Array`, in the binary
//!   format, element by element through the scalar conversions.
//! - `interval`: the binary `interval` format ↔ `TimeDelta` (a month is 30 days).
//! - `text`: PostgreSQL's text forms (values as text, text parsed into typed values).
//! - `pgtype`: the families of PostgreSQL types both directions agree on.
//! - `error_map`: driver and pool errors → ormolu's `Error` (integrity kinds and
//!   constraint names, connection and pool failures, SQL kept in database errors).

mod array;
mod conn;
mod decode;
mod error_map;
mod interval;
mod params;
mod pgtype;
mod pool;
mod text;

pub use conn::PgConnection;
pub use params::{ParamError, PgParam};
pub use pool::{connect, PgPool};

/// The tokio-postgres crate, for [`PgConnection::client`].
pub use tokio_postgres;
