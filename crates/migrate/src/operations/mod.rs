//! Operations (Django's `migrations.operations`): each changes the project state
//! ([`Operation::state_forwards`]) and the database, forwards and backwards
//! ([`Operation::database_forwards`], [`Operation::database_backwards`]).
//!
//! Where things are:
//! - here: [`Operation`] itself and what it says about itself (description, file-name
//!   fragment, reversibility, the models it refers to);
//! - `state_change`: [`Operation::state_forwards`], each operation's change to the project state;
//! - `database`: [`Operation::database_forwards`] / [`Operation::database_backwards`], the
//!   steps the schema editor writes (or the raw SQL / Rust code to run);
//! - `fill`: [`Fill`], the one-off value existing rows get;
//! - `raw`: [`RunSql`], [`RunCode`], [`CodeFn`] and the [`code!`](crate::code) macro;
//! - `migration`: [`Migration`], a migration's operations and the builder methods that add them.

mod database;
mod fill;
mod migration;
mod raw;
mod state_change;

pub use fill::Fill;
pub use migration::Migration;
pub use raw::{CodeFn, RunCode, RunSql};

use crate::state::{Constraint, Field, Index, ManyToMany, ModelState};

/// One operation of a migration.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Creates a model (its table, and the join tables of its many-to-many fields).
    CreateModel(ModelState),
    /// Deletes a model.
    DeleteModel {
        /// The model.
        name: String,
    },
    /// Renames a model (and its table, when the table name is the default one).
    RenameModel {
        /// Old name.
        old_name: String,
        /// New name.
        new_name: String,
    },
    /// Changes a model's table.
    AlterModelTable {
        /// The model.
        name: String,
        /// The new table.
        table: String,
    },
    /// Changes options that live only in the state (ordering, verbose name).
    AlterModelOptions {
        /// The model.
        name: String,
        /// Default ordering.
        ordering: Vec<String>,
        /// Human name.
        verbose_name: Option<String>,
    },
    /// Adds a column.
    AddField {
        /// The model.
        model: String,
        /// The field.
        field: Field,
        /// The value existing rows get (not kept as the field's default).
        fill: Option<Fill>,
    },
    /// Adds a many-to-many field (its join table).
    AddManyToMany {
        /// The model.
        model: String,
        /// The field.
        field: ManyToMany,
    },
    /// Removes a field (column or many-to-many).
    RemoveField {
        /// The model.
        model: String,
        /// The field.
        name: String,
    },
    /// Changes a column (type, null, default, max_length, unique, db_index, relation).
    AlterField {
        /// The model.
        model: String,
        /// The field as it becomes.
        field: Field,
        /// The value rows holding NULL get when the column becomes NOT NULL.
        fill: Option<Fill>,
    },
    /// Renames a field (and its column, unless the column is explicit).
    RenameField {
        /// The model.
        model: String,
        /// Old name.
        old_name: String,
        /// New name.
        new_name: String,
    },
    /// Adds an index.
    AddIndex {
        /// The model.
        model: String,
        /// The index.
        index: Index,
    },
    /// Removes an index.
    RemoveIndex {
        /// The model.
        model: String,
        /// Its name.
        name: String,
    },
    /// Adds a constraint.
    AddConstraint {
        /// The model.
        model: String,
        /// The constraint.
        constraint: Constraint,
    },
    /// Removes a constraint.
    RemoveConstraint {
        /// The model.
        model: String,
        /// Its name.
        name: String,
    },
    /// Sets a model's `unique_together`.
    AlterUniqueTogether {
        /// The model.
        model: String,
        /// The sets, as they become.
        sets: Vec<Vec<String>>,
    },
    /// Raw SQL.
    RunSql(RunSql),
    /// Rust code.
    RunCode(RunCode),
}

impl Operation {
    /// A one-line description (Django's `describe()`).
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel(m) => format!("Create model {}", m.name),
            Operation::DeleteModel { name } => format!("Delete model {name}"),
            Operation::RenameModel { old_name, new_name } => format!("Rename model {old_name} to {new_name}"),
            Operation::AlterModelTable { name, table } => format!("Rename table for {name} to {table}"),
            Operation::AlterModelOptions { name, .. } => format!("Change Meta options on {name}"),
            Operation::AddField { model, field, .. } => format!("Add field {} to {}", field.name, model.to_lowercase()),
            Operation::AddManyToMany { model, field } => {
                format!("Add field {} to {}", field.name, model.to_lowercase())
            }
            Operation::RemoveField { model, name } => format!("Remove field {name} from {}", model.to_lowercase()),
            Operation::AlterField { model, field, .. } => {
                format!("Alter field {} on {}", field.name, model.to_lowercase())
            }
            Operation::RenameField { model, old_name, new_name } => {
                format!("Rename field {old_name} on {} to {new_name}", model.to_lowercase())
            }
            Operation::AddIndex { model, index } => {
                format!(
                    "Create index {} on field(s) {} of model {}",
                    index.name,
                    index.fields.join(", "),
                    model.to_lowercase()
                )
            }
            Operation::RemoveIndex { model, name } => format!("Remove index {name} from {}", model.to_lowercase()),
            Operation::AddConstraint { model, constraint } => {
                format!("Create constraint {} on model {}", constraint.name(), model.to_lowercase())
            }
            Operation::RemoveConstraint { model, name } => {
                format!("Remove constraint {name} from model {}", model.to_lowercase())
            }
            Operation::AlterUniqueTogether { model, sets } => {
                format!("Alter unique_together for {} ({} constraint(s))", model.to_lowercase(), sets.len())
            }
            Operation::RunSql(_) => "Raw SQL operation".into(),
            Operation::RunCode(c) => format!("Raw Rust operation: {}", c.description),
        }
    }

    /// A fragment for the migration's file name, when the operation suggests one.
    pub fn name_fragment(&self) -> Option<String> {
        let l = |s: &str| s.to_lowercase();
        Some(match self {
            Operation::CreateModel(m) => l(&m.name),
            Operation::DeleteModel { name } => format!("delete_{}", l(name)),
            Operation::RenameModel { old_name, new_name } => format!("rename_{}_{}", l(old_name), l(new_name)),
            Operation::AlterModelTable { name, .. } => format!("alter_{}_table", l(name)),
            Operation::AlterModelOptions { name, .. } => format!("alter_{}_options", l(name)),
            Operation::AddField { model, field, .. } => format!("{}_{}", l(model), l(&field.name)),
            Operation::AddManyToMany { model, field } => format!("{}_{}", l(model), l(&field.name)),
            Operation::RemoveField { model, name } => format!("remove_{}_{}", l(model), l(name)),
            Operation::AlterField { model, field, .. } => format!("alter_{}_{}", l(model), l(&field.name)),
            Operation::RenameField { model, old_name, new_name } => {
                format!("rename_{}_{}_{}", l(old_name), l(model), l(new_name))
            }
            Operation::AddIndex { model, index } => format!("{}_{}", l(model), l(&index.name)),
            Operation::RemoveIndex { model, name } => format!("remove_{}_{}", l(model), l(name)),
            Operation::AddConstraint { model, constraint } => format!("{}_{}", l(model), l(constraint.name())),
            Operation::RemoveConstraint { model, name } => format!("remove_{}_{}", l(model), l(name)),
            Operation::AlterUniqueTogether { model, .. } => format!("alter_{}_unique_together", l(model)),
            Operation::RunSql(_) | Operation::RunCode(_) => return None,
        })
    }

    /// Whether it can be undone.
    pub fn reversible(&self) -> bool {
        match self {
            Operation::RunSql(r) => r.backward.is_some(),
            Operation::RunCode(c) => c.backward.is_some(),
            _ => true,
        }
    }

    /// The models (`(app, name)`) this operation points at through relations, for
    /// dependencies between apps.
    pub fn referenced_models(&self, app: &str) -> Vec<(String, String)> {
        let split = |r: &str| {
            let (a, m) = crate::state::split_ref(r, app);
            (a.to_string(), m.to_string())
        };
        let field_refs = |f: &Field| f.relation.iter().map(|r| split(&r.to)).collect::<Vec<_>>();
        let m2m_refs = |m: &ManyToMany| {
            let mut v = vec![split(&m.to)];
            v.extend(m.through.iter().map(|t| split(t)));
            v
        };
        match self {
            Operation::CreateModel(m) => {
                m.fields.iter().flat_map(field_refs).chain(m.many_to_many.iter().flat_map(m2m_refs)).collect()
            }
            Operation::AddField { field, .. } | Operation::AlterField { field, .. } => field_refs(field),
            Operation::AddManyToMany { field, .. } => m2m_refs(field),
            _ => Vec::new(),
        }
    }
}
