//! The schema editor of migrations: turns a change between two project states into
//! DDL for one dialect (Django's `BaseDatabaseSchemaEditor` and SQLite's
//! `_remake_table`).
//!
//! Every operation's database side is "make the tables of the states before and after
//! agree" ([`Editor::sync`]), with [`Hints`] saying what was renamed and how existing
//! rows get a value for a new NOT NULL column. Backwards is the same call with the
//! states swapped and the hints inverted.
//!
//! On PostgreSQL and MySQL/MariaDB a table is changed in place with ALTER statements.
//! SQLite cannot alter columns or constraints: the table is rebuilt — created anew as
//! `new__<table>`, rows copied, the old table dropped, the new one renamed, indexes
//! made again — keeping data, indexes and constraints.
//!
//! Where things are:
//! - here: [`Step`], [`Hints`], [`Editor`] with [`Editor::create_table`] and
//!   [`Editor::sync_table`], which checks a table's change and hands it to its backend;
//! - `sync`: [`Editor::sync`], matching the tables (model and join tables) of the two
//!   states and ordering the drops, creates and changes;
//! - `alter`: the change in place with ALTER TABLE (PostgreSQL, MySQL/MariaDB);
//! - `sqlite`: SQLite's renames in place and table rebuild.

mod alter;
mod sqlite;
mod sync;

use std::collections::{BTreeMap, HashMap};

use ormolu_core::compiler::Sql;
use ormolu_core::dialect::Dialect;
use ormolu_core::schema_alter::TableDef;
use ormolu_core::Value;

use crate::error::{Error, Result};
use crate::operations::CodeFn;
use crate::state::ProjectState;

/// One thing to run for an operation.
#[derive(Clone)]
pub enum Step {
    /// A statement with its parameters.
    Sql(Sql),
    /// Rust code run with the historical models of a state (RunCode).
    Code {
        /// The function.
        f: CodeFn,
        /// The state whose models it sees.
        state: Box<ProjectState>,
        /// What it does, for output.
        description: String,
    },
    /// Drops the UNIQUE constraint on one column, whose name the database chose when
    /// the column was created (found in the catalog when run).
    DropColumnUnique {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Sql(s) => write!(f, "{s}"),
            Step::Code { description, .. } => write!(f, "-- RunCode: {description}"),
            Step::DropColumnUnique { table, column } => write!(f, "-- drop the UNIQUE constraint of {table}.{column}"),
        }
    }
}

fn sql(s: String) -> Step {
    Step::Sql(Sql { sql: s.into(), params: Vec::new() })
}

/// What an operation renamed and how it fills new NOT NULL columns.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// Models renamed: `(app, old name, new name)`.
    pub model_renames: Vec<(String, String, String)>,
    /// Fields renamed: `(app, model name after, old field, new field)`.
    pub field_renames: Vec<(String, String, String, String)>,
    /// Values for existing rows: `(app, model name, field, value)`.
    pub fills: Vec<(String, String, String, Value)>,
}

impl Hints {
    /// The hints for going the other way (renames reversed, fills dropped).
    pub fn inverted(&self) -> Hints {
        Hints {
            model_renames: self.model_renames.iter().map(|(a, o, n)| (a.clone(), n.clone(), o.clone())).collect(),
            field_renames: self
                .field_renames
                .iter()
                .map(|(a, m, o, n)| {
                    // The model name "after" going backwards is the name before the rename.
                    let model = self
                        .model_renames
                        .iter()
                        .find(|(ra, _, rn)| ra == a && rn.eq_ignore_ascii_case(m))
                        .map(|(_, ro, _)| ro.clone())
                        .unwrap_or_else(|| m.clone());
                    (a.clone(), model, n.clone(), o.clone())
                })
                .collect(),
            fills: Vec::new(),
        }
    }

    fn model_before(&self, app: &str, after: &str) -> String {
        self.model_renames
            .iter()
            .find(|(a, _, n)| a == app && n.eq_ignore_ascii_case(after))
            .map(|(_, o, _)| o.to_lowercase())
            .unwrap_or_else(|| after.to_lowercase())
    }

    fn field_before(&self, app: &str, model_after: &str, field: &str) -> String {
        self.field_renames
            .iter()
            .find(|(a, m, _, n)| a == app && m.eq_ignore_ascii_case(model_after) && n == field)
            .map(|(_, _, o, _)| o.clone())
            .unwrap_or_else(|| field.to_string())
    }
}

/// The schema editor for one dialect.
#[derive(Debug, Clone, Copy)]
pub struct Editor {
    /// The dialect written.
    pub d: &'static dyn Dialect,
}

impl Editor {
    /// An editor writing `d`'s SQL.
    pub fn new(d: &'static dyn Dialect) -> Editor {
        Editor { d }
    }

    /// DDL creating a table (and its indexes).
    pub fn create_table(&self, t: &TableDef) -> Vec<Step> {
        t.create_sql(self.d).into_iter().map(sql).collect()
    }

    /// Makes table `old` into `new`. `renames` pairs old and new column names;
    /// `fills` gives values for existing rows of new NOT NULL columns (by new column).
    pub fn sync_table(
        &self,
        old: &TableDef,
        new: &TableDef,
        renames: &[(String, String)],
        fills: &HashMap<String, Value>,
        table_renames: &[(String, String)],
    ) -> Result<Vec<Step>> {
        let new_to_old: BTreeMap<String, String> = new
            .columns
            .iter()
            .map(|c| {
                let o =
                    renames.iter().find(|(_, n)| n == &c.column).map(|(o, _)| o.clone()).unwrap_or(c.column.clone());
                (c.column.clone(), o)
            })
            .filter(|(_, o)| old.column(o).is_some())
            .collect();
        for (n, o) in &new_to_old {
            let (oc, nc) = (old.column(o).expect("paired"), new.column(n).expect("paired"));
            if oc.primary_key != nc.primary_key || (oc.auto != nc.auto && oc.primary_key) {
                return Err(Error::Unsupported(format!(
                    "{}.{}: changing which column is the primary key (or its auto-increment) is not supported; \
                     write the change with RunSql",
                    new.table, n
                )));
            }
        }
        if self.d.can_alter_table() {
            Ok(self.alter_in_place(old, new, &new_to_old, fills, table_renames))
        } else {
            Ok(self.sqlite_sync(old, new, &new_to_old, fills, table_renames))
        }
    }
}
