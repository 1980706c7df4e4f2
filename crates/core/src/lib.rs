//! I/O-free core of ormolu.
//!
//! Where things are:
//! - [`value`]: [`Value`], the one type parameters and cells pass through;
//!   [`ToValue`]/[`FromValue`] for Rust types.
//! - [`meta`]: runtime model metadata (`_meta`), written by `#[derive(Model)]`.
//! - [`query`]: the backend-neutral query tree — the query (`mod.rs`), Q and lookups
//!   (`q.rs`), the expression node (`expr.rs`), functions and aggregates
//!   (`functions.rs`), windows and frames (`window.rs`), full-text search
//!   (`search.rs`), ordering (`order.rs`).
//! - [`compiler`]: query tree → `(sql, params)` for one [`dialect::Dialect`]; whole
//!   statements in `compiler/statements/` (`select`, `combined`, `related`, `count`,
//!   `writes`).
//! - [`dialect`]: backend descriptions (operations and capability flags).
//! - [`schema`]: the schema editor (CREATE TABLE, indexes, constraints).
//! - [`schema_alter`]: table descriptions and ALTER-style DDL (migrations).
//! - [`registry`]: every model, and the relations pointing at each (reverse lookups).
//! - [`driver`]: the small trait each backend crate implements; [`row`]: rows read in
//!   place ([`row::RawRow`], [`row::ValueRef`]) by `Connection::query_each`.
//! - [`error`]: [`Error`], the one error type.
//! - [`hash`]: the fast hash of SQL text the statement-keyed caches share;
//!   [`kept`]: the statements a connection ran, kept in front of the driver's cache.
//! - [`warm`]: connections handed straight back to the next checkout, in front of
//!   a driver's pool (the PostgreSQL and MySQL pools use it).

pub mod dialect;
pub mod driver;
pub mod error;
pub mod hash;
pub mod kept;
pub mod meta;
pub mod row;
pub mod value;
pub mod warm;

pub use error::{Error, Result};
pub use value::{FromValue, ToValue, Value};
pub mod compiler;
pub mod query;
pub mod registry;
pub mod schema;
pub mod schema_alter;
