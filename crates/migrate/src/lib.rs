//! # ormolu-migrate — Django's migrations for ormolu
//!
//! `makemigrations` compares the models with the state the existing migrations build
//! up (no database needed) and writes the next migration as a readable Rust file;
//! `migrate` applies migrations forwards or backwards, each in a transaction where the
//! database can roll DDL back; data migrations see historical models.
//!
//! Where things are:
//! - [`state`]: the project state (models as migrations describe them), built by replaying operations.
//! - [`operations`]: [`Operation`] (CreateModel, AddField, AlterField, RenameField, RunSql,
//!   RunCode…) and [`Migration`], each operation with its state change and its SQL both ways
//!   (`operations/`: the enum in `mod.rs`, the state change in `state_change.rs`, the SQL in
//!   `database.rs`, [`Fill`] in `fill.rs`, [`RunSql`] / [`RunCode`] / [`code!`] in `raw.rs`,
//!   [`Migration`] in `migration.rs`).
//! - [`editor`]: DDL per dialect from two states (ALTER TABLE, or SQLite's table rebuild)
//!   (`editor/`: steps, hints and the per-table entry in `mod.rs`, the state-to-state sync in
//!   `sync.rs`, ALTER TABLE in `alter.rs`, SQLite's rebuild in `sqlite.rs`).
//! - [`historical`]: [`Apps`] / [`HistoricalModel`]: dynamic QuerySets for data migrations.
//! - [`autodetector`]: models vs state → operations; [`questioner`] asks about renames and defaults.
//! - [`writer`]: operations → Rust source files (and each app's `mod.rs`); [`graph`]: the loader and plans.
//! - [`executor`]: applying/unapplying with the lock and [`recorder`] (`ormolu_migrations`).
//! - [`introspect`]: reading a database's schema (inspectdb, tests).
//! - [`cli`]: the `manage` command line (`makemigrations`, `migrate`, `showmigrations`,
//!   `sqlmigrate`, `squashmigrations`, `inspectdb`, `check`).
//!
//! A project's `src/bin/manage.rs`:
//!
//! ```ignore
//! #[path = "../migrations/mod.rs"]
//! mod migrations;
//! fn main() -> std::process::ExitCode {
//!     ormolu_migrate::cli::run(ormolu_migrate::cli::Models::registry(), migrations::all())
//! }
//! ```

pub mod autodetector;
pub mod cli;
pub mod editor;
mod error;
pub mod executor;
pub mod graph;
pub mod historical;
pub mod inspectdb;
pub mod introspect;
pub mod operations;
pub mod questioner;
pub mod recorder;
pub mod squash;
pub mod state;
pub mod writer;

pub use error::{Error, Result};
pub use executor::{migrate, migrate_with, MigrateOptions, Migrator, Target};
pub use graph::{registered_migrations, Graph, MigrationSource};
pub use historical::{Apps, DynQuerySet, HistoricalModel, Record};
pub use operations::{CodeFn, Fill, Migration, Operation, RunCode, RunSql};
pub use state::{Constraint, Field, Index, ManyToMany, ModelState, ProjectState};

/// What a migration file needs in scope: `use ormolu_migrate::prelude::*;`.
pub mod prelude {
    pub use crate::operations::{Fill, Migration, RunCode, RunSql};
    pub use crate::state::{Constraint, Field, Index, ManyToMany, ModelState as Model};
    pub use crate::{code, Apps, CodeFn, Record};
    pub use ormolu_core::meta::{FieldType, OnDelete};
    pub use ormolu_core::Value;

    /// A decimal from its text (`dec("9.99")`), for defaults in migration files.
    pub fn dec(s: &str) -> Value {
        Value::Decimal(s.parse().expect("a decimal literal"))
    }
    /// A date from `YYYY-MM-DD`.
    pub fn date(s: &str) -> Value {
        Value::Date(s.parse().expect("a date literal"))
    }
    /// A date and time from `YYYY-MM-DDTHH:MM:SS[.f]`.
    pub fn datetime(s: &str) -> Value {
        Value::DateTime(s.parse().expect("a datetime literal"))
    }
    /// A date and time in UTC from RFC 3339 text.
    pub fn datetime_utc(s: &str) -> Value {
        Value::DateTimeUtc(
            chrono::DateTime::parse_from_rfc3339(s).expect("an RFC 3339 datetime literal").with_timezone(&chrono::Utc),
        )
    }
    /// A time from `HH:MM:SS[.f]`.
    pub fn time(s: &str) -> Value {
        Value::Time(s.parse().expect("a time literal"))
    }
    /// A duration in microseconds.
    pub fn micros(us: i64) -> Value {
        Value::Duration(chrono::TimeDelta::microseconds(us))
    }
    /// A UUID from its text.
    pub fn uuid(s: &str) -> Value {
        Value::Uuid(s.parse().expect("a UUID literal"))
    }
    /// A JSON document from its text.
    pub fn json(s: &str) -> Value {
        Value::Json(serde_json::from_str(s).expect("a JSON literal"))
    }
}

/// Registers a function returning a project's migrations, so [`migrate`] finds them
/// (written into `migrations/mod.rs` by `makemigrations`).
#[macro_export]
macro_rules! register_migrations {
    ($f:path) => {
        $crate::__private::inventory::submit! { $crate::MigrationSource($f) }
    };
}

#[doc(hidden)]
pub mod __private {
    pub use futures_util::future::BoxFuture;
    pub use inventory;
    pub use ormolu::Executor;
}
