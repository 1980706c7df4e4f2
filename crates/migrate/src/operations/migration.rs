//! [`Migration`]: one migration's app, name, dependencies and operations, with the
//! builder methods migration files use to add each kind of operation.

use super::{Fill, Operation, RunCode, RunSql};
use crate::state::{Constraint, Field, Index, ManyToMany, ModelState};

fn strings<S: Into<String>>(v: impl IntoIterator<Item = S>) -> Vec<String> {
    v.into_iter().map(Into::into).collect()
}

/// One migration (Django's `Migration` class): its app and name, what it depends on,
/// and its operations, run in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// The app label.
    pub app: String,
    /// The name (`0002_product_stock`).
    pub name: String,
    /// Migrations that must be applied first: `(app, name)`.
    pub dependencies: Vec<(String, String)>,
    /// The operations.
    pub operations: Vec<Operation>,
    /// For a squashed migration: the migrations it replaces.
    pub replaces: Vec<(String, String)>,
    /// Whether it is the app's initial migration.
    pub initial: bool,
}

impl Migration {
    /// An empty migration.
    pub fn new(app: impl Into<String>, name: impl Into<String>) -> Migration {
        Migration {
            app: app.into(),
            name: name.into(),
            dependencies: Vec::new(),
            operations: Vec::new(),
            replaces: Vec::new(),
            initial: false,
        }
    }
    /// `app.name`.
    pub fn label(&self) -> String {
        format!("{}.{}", self.app, self.name)
    }
    /// Marks it as the initial migration of its app.
    pub fn initial(mut self) -> Self {
        self.initial = true;
        self
    }
    /// A migration that must run first.
    pub fn depends_on(mut self, app: impl Into<String>, name: impl Into<String>) -> Self {
        self.dependencies.push((app.into(), name.into()));
        self
    }
    /// A migration this one replaces (squashing).
    pub fn replaces(mut self, app: impl Into<String>, name: impl Into<String>) -> Self {
        self.replaces.push((app.into(), name.into()));
        self
    }
    /// Appends an operation.
    pub fn operation(mut self, op: Operation) -> Self {
        self.operations.push(op);
        self
    }
    /// [`Operation::CreateModel`].
    pub fn create_model(self, model: ModelState) -> Self {
        self.operation(Operation::CreateModel(model))
    }
    /// [`Operation::DeleteModel`].
    pub fn delete_model(self, name: impl Into<String>) -> Self {
        self.operation(Operation::DeleteModel { name: name.into() })
    }
    /// [`Operation::RenameModel`].
    pub fn rename_model(self, old_name: impl Into<String>, new_name: impl Into<String>) -> Self {
        self.operation(Operation::RenameModel { old_name: old_name.into(), new_name: new_name.into() })
    }
    /// [`Operation::AlterModelTable`].
    pub fn alter_model_table(self, name: impl Into<String>, table: impl Into<String>) -> Self {
        self.operation(Operation::AlterModelTable { name: name.into(), table: table.into() })
    }
    /// [`Operation::AlterModelOptions`].
    pub fn alter_model_options<S: Into<String>>(
        self,
        name: impl Into<String>,
        ordering: impl IntoIterator<Item = S>,
        verbose_name: Option<&str>,
    ) -> Self {
        self.operation(Operation::AlterModelOptions {
            name: name.into(),
            ordering: strings(ordering),
            verbose_name: verbose_name.map(str::to_string),
        })
    }
    /// [`Operation::AddField`].
    pub fn add_field(self, model: impl Into<String>, field: Field) -> Self {
        self.operation(Operation::AddField { model: model.into(), field, fill: None })
    }
    /// [`Operation::AddField`], existing rows given `fill`.
    pub fn add_field_filled(self, model: impl Into<String>, field: Field, fill: Fill) -> Self {
        self.operation(Operation::AddField { model: model.into(), field, fill: Some(fill) })
    }
    /// [`Operation::AddManyToMany`].
    pub fn add_many_to_many(self, model: impl Into<String>, field: ManyToMany) -> Self {
        self.operation(Operation::AddManyToMany { model: model.into(), field })
    }
    /// [`Operation::RemoveField`].
    pub fn remove_field(self, model: impl Into<String>, name: impl Into<String>) -> Self {
        self.operation(Operation::RemoveField { model: model.into(), name: name.into() })
    }
    /// [`Operation::AlterField`].
    pub fn alter_field(self, model: impl Into<String>, field: Field) -> Self {
        self.operation(Operation::AlterField { model: model.into(), field, fill: None })
    }
    /// [`Operation::AlterField`], NULLs given `fill`.
    pub fn alter_field_filled(self, model: impl Into<String>, field: Field, fill: Fill) -> Self {
        self.operation(Operation::AlterField { model: model.into(), field, fill: Some(fill) })
    }
    /// [`Operation::RenameField`].
    pub fn rename_field(
        self,
        model: impl Into<String>,
        old_name: impl Into<String>,
        new_name: impl Into<String>,
    ) -> Self {
        self.operation(Operation::RenameField {
            model: model.into(),
            old_name: old_name.into(),
            new_name: new_name.into(),
        })
    }
    /// [`Operation::AddIndex`].
    pub fn add_index(self, model: impl Into<String>, index: Index) -> Self {
        self.operation(Operation::AddIndex { model: model.into(), index })
    }
    /// [`Operation::RemoveIndex`].
    pub fn remove_index(self, model: impl Into<String>, name: impl Into<String>) -> Self {
        self.operation(Operation::RemoveIndex { model: model.into(), name: name.into() })
    }
    /// [`Operation::AddConstraint`].
    pub fn add_constraint(self, model: impl Into<String>, constraint: Constraint) -> Self {
        self.operation(Operation::AddConstraint { model: model.into(), constraint })
    }
    /// [`Operation::RemoveConstraint`].
    pub fn remove_constraint(self, model: impl Into<String>, name: impl Into<String>) -> Self {
        self.operation(Operation::RemoveConstraint { model: model.into(), name: name.into() })
    }
    /// [`Operation::AlterUniqueTogether`].
    pub fn alter_unique_together<S: Into<String>, I: IntoIterator<Item = S>>(
        self,
        model: impl Into<String>,
        sets: impl IntoIterator<Item = I>,
    ) -> Self {
        self.operation(Operation::AlterUniqueTogether {
            model: model.into(),
            sets: sets.into_iter().map(strings).collect(),
        })
    }
    /// [`Operation::RunSql`].
    pub fn run_sql(self, r: RunSql) -> Self {
        self.operation(Operation::RunSql(r))
    }
    /// [`Operation::RunCode`].
    pub fn run_code(self, c: RunCode) -> Self {
        self.operation(Operation::RunCode(c))
    }
}
