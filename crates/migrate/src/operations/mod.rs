//! Operations (Django's `migrations.operations`): each changes the project state
//! ([`Operation::state_forwards`]) and the database, forwards and backwards
//! ([`Operation::database_forwards`], [`Operation::database_backwards`]).

use chrono::Utc;
use futures_util::future::BoxFuture;
use ormolu::Executor;
use ormolu_core::compiler::Sql;
use ormolu_core::meta::FieldType;
use ormolu_core::Value;

use crate::editor::{Editor, Hints, Step};
use crate::error::{Error, Result};
use crate::historical::Apps;
use crate::state::{default_table, refers_to, Constraint, Field, Index, ManyToMany, ModelState, ProjectState};

/// The function of a [`RunCode`] operation: it gets the historical models of the
/// migration's state and the connection (inside the migration's transaction where
/// the database has one). Write it with [`code!`](crate::code).
pub type CodeFn = for<'a> fn(&'a Apps, &'a (dyn Executor + 'a)) -> BoxFuture<'a, Result<()>>;

/// A value given to the existing rows when a NOT NULL column is added or a column
/// becomes NOT NULL (Django's one-off default, `preserve_default=False`).
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// This value.
    Value(Value),
    /// The current date/time when the migration runs (for dates and datetimes).
    Now,
}

impl Fill {
    /// A constant.
    pub fn value(v: impl Into<Value>) -> Fill {
        Fill::Value(v.into())
    }

    /// The value for a column of type `ty`.
    pub fn resolve(&self, ty: FieldType) -> Value {
        match self {
            Fill::Value(v) => v.clone(),
            Fill::Now => {
                let now = Utc::now();
                match ty {
                    FieldType::Date => Value::Date(now.date_naive()),
                    FieldType::Time => Value::Time(now.time()),
                    _ => Value::DateTime(now.naive_utc()),
                }
            }
        }
    }
}

/// Raw SQL, with the SQL that undoes it (Django's `RunSQL`).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSql {
    /// Statements run forwards.
    pub forward: Vec<String>,
    /// Statements run backwards; `None`: irreversible (an empty list: nothing to undo).
    pub backward: Option<Vec<String>>,
}

impl RunSql {
    /// Forward statements, irreversible until [`RunSql::reverse`] is given.
    pub fn new<S: Into<String>>(forward: impl IntoIterator<Item = S>) -> RunSql {
        RunSql { forward: forward.into_iter().map(Into::into).collect(), backward: None }
    }
    /// The statements that undo it (`[]` for nothing to undo, Django's `RunSQL.noop`).
    pub fn reverse<S: Into<String>>(mut self, backward: impl IntoIterator<Item = S>) -> Self {
        self.backward = Some(backward.into_iter().map(Into::into).collect());
        self
    }
}

/// Rust code run as a migration step (Django's `RunPython`): a data migration
/// through historical models.
#[derive(Clone)]
pub struct RunCode {
    /// What it does (shown by `migrate --plan` and `sqlmigrate`).
    pub description: String,
    /// Forwards.
    pub forward: CodeFn,
    /// Backwards; `None`: irreversible.
    pub backward: Option<CodeFn>,
}

impl RunCode {
    /// Code run forwards.
    pub fn new(description: impl Into<String>, forward: CodeFn) -> RunCode {
        RunCode { description: description.into(), forward, backward: None }
    }
    /// Code that undoes it.
    pub fn reverse(mut self, backward: CodeFn) -> Self {
        self.backward = Some(backward);
        self
    }
    /// A step that does nothing (a no-op reverse, Django's `RunPython.noop`).
    pub fn noop<'a>(_: &'a Apps, _: &'a (dyn Executor + 'a)) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

impl std::fmt::Debug for RunCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RunCode({:?}, reversible: {})", self.description, self.backward.is_some())
    }
}

impl PartialEq for RunCode {
    fn eq(&self, other: &Self) -> bool {
        self.description == other.description && self.backward.is_some() == other.backward.is_some()
    }
}

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

fn model_mut<'s>(state: &'s mut ProjectState, app: &str, model: &str) -> Result<&'s mut ModelState> {
    state.model_mut(app, model)
}

fn no_field(m: &ModelState, name: &str) -> Error {
    Error::State(format!("{} has no field `{name}` (fields: {})", m.label(), m.field_names().join(", ")))
}

fn rename_in(list: &mut [String], old: &str, new: &str) {
    for s in list.iter_mut() {
        if s == old {
            *s = new.to_string();
        } else if s.strip_prefix('-') == Some(old) {
            *s = format!("-{new}");
        }
    }
}

fn strings<S: Into<String>>(v: impl IntoIterator<Item = S>) -> Vec<String> {
    v.into_iter().map(Into::into).collect()
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

    /// Applies the operation to the state of app `app`.
    pub fn state_forwards(&self, app: &str, state: &mut ProjectState) -> Result<()> {
        match self {
            Operation::CreateModel(m) => {
                let mut m = m.clone();
                if m.app.is_empty() {
                    m.app = app.to_string();
                }
                state.add_model(m)
            }
            Operation::DeleteModel { name } => state.remove_model(app, name).map(|_| ()),
            Operation::RenameModel { old_name, new_name } => {
                let mut m = state.remove_model(app, old_name)?;
                if m.table == default_table(app, &m.name) {
                    m.table = default_table(app, new_name);
                }
                m.name = new_name.clone();
                state.add_model(m)?;
                let new_ref = format!("{app}.{new_name}");
                for other in state.models.values_mut() {
                    let from = other.app.clone();
                    for f in &mut other.fields {
                        if let Some(r) = &mut f.relation {
                            if refers_to(&r.to, &from, app, old_name) {
                                r.to = new_ref.clone();
                            }
                        }
                    }
                    for mm in &mut other.many_to_many {
                        if refers_to(&mm.to, &from, app, old_name) {
                            mm.to = new_ref.clone();
                        }
                        if let Some(t) = &mut mm.through {
                            if refers_to(t, &from, app, old_name) {
                                *t = new_ref.clone();
                            }
                        }
                    }
                }
                Ok(())
            }
            Operation::AlterModelTable { name, table } => {
                model_mut(state, app, name)?.table = table.clone();
                Ok(())
            }
            Operation::AlterModelOptions { name, ordering, verbose_name } => {
                let m = model_mut(state, app, name)?;
                m.ordering = ordering.clone();
                m.verbose_name = verbose_name.clone();
                Ok(())
            }
            Operation::AddField { model, field, .. } => {
                let m = model_mut(state, app, model)?;
                if m.field_named(&field.name).is_some() || m.m2m_named(&field.name).is_some() {
                    return Err(Error::State(format!("{} already has a field `{}`", m.label(), field.name)));
                }
                m.fields.push(field.clone());
                Ok(())
            }
            Operation::AddManyToMany { model, field } => {
                let m = model_mut(state, app, model)?;
                if m.field_named(&field.name).is_some() || m.m2m_named(&field.name).is_some() {
                    return Err(Error::State(format!("{} already has a field `{}`", m.label(), field.name)));
                }
                m.many_to_many.push(field.clone());
                Ok(())
            }
            Operation::RemoveField { model, name } => {
                let m = model_mut(state, app, model)?;
                if let Some(i) = m.fields.iter().position(|f| &f.name == name) {
                    m.fields.remove(i);
                } else if let Some(i) = m.many_to_many.iter().position(|f| &f.name == name) {
                    m.many_to_many.remove(i);
                } else {
                    return Err(no_field(m, name));
                }
                Ok(())
            }
            Operation::AlterField { model, field, .. } => {
                let m = model_mut(state, app, model)?;
                match m.fields.iter_mut().find(|f| f.name == field.name) {
                    Some(f) => *f = field.clone(),
                    None => return Err(no_field(m, &field.name)),
                }
                Ok(())
            }
            Operation::RenameField { model, old_name, new_name } => {
                let m = model_mut(state, app, model)?;
                if m.field_named(new_name).is_some() || m.m2m_named(new_name).is_some() {
                    return Err(Error::State(format!("{} already has a field `{new_name}`", m.label())));
                }
                if let Some(f) = m.fields.iter_mut().find(|f| &f.name == old_name) {
                    f.name = new_name.clone();
                } else if let Some(f) = m.many_to_many.iter_mut().find(|f| &f.name == old_name) {
                    f.name = new_name.clone();
                } else {
                    return Err(no_field(m, old_name));
                }
                for set in &mut m.unique_together {
                    rename_in(set, old_name, new_name);
                }
                for i in &mut m.indexes {
                    rename_in(&mut i.fields, old_name, new_name);
                }
                for c in &mut m.constraints {
                    if let Constraint::Unique { fields, .. } = c {
                        rename_in(fields, old_name, new_name);
                    }
                }
                rename_in(&mut m.ordering, old_name, new_name);
                let model_name = m.name.clone();
                for other in state.models.values_mut() {
                    let from = other.app.clone();
                    for f in &mut other.fields {
                        if let Some(r) = &mut f.relation {
                            if refers_to(&r.to, &from, app, &model_name) && r.to_field.as_deref() == Some(old_name) {
                                r.to_field = Some(new_name.clone());
                            }
                        }
                    }
                }
                Ok(())
            }
            Operation::AddIndex { model, index } => {
                let m = model_mut(state, app, model)?;
                if m.indexes.iter().any(|i| i.name == index.name) {
                    return Err(Error::State(format!("{} already has an index `{}`", m.label(), index.name)));
                }
                m.indexes.push(index.clone());
                Ok(())
            }
            Operation::RemoveIndex { model, name } => {
                let m = model_mut(state, app, model)?;
                let before = m.indexes.len();
                m.indexes.retain(|i| &i.name != name);
                if m.indexes.len() == before {
                    return Err(Error::State(format!("{} has no index `{name}`", m.label())));
                }
                Ok(())
            }
            Operation::AddConstraint { model, constraint } => {
                let m = model_mut(state, app, model)?;
                if m.constraints.iter().any(|c| c.name() == constraint.name()) {
                    return Err(Error::State(format!(
                        "{} already has a constraint `{}`",
                        m.label(),
                        constraint.name()
                    )));
                }
                m.constraints.push(constraint.clone());
                Ok(())
            }
            Operation::RemoveConstraint { model, name } => {
                let m = model_mut(state, app, model)?;
                let before = m.constraints.len();
                m.constraints.retain(|c| c.name() != name);
                if m.constraints.len() == before {
                    return Err(Error::State(format!("{} has no constraint `{name}`", m.label())));
                }
                Ok(())
            }
            Operation::AlterUniqueTogether { model, sets } => {
                model_mut(state, app, model)?.unique_together = sets.clone();
                Ok(())
            }
            Operation::RunSql(_) | Operation::RunCode(_) => Ok(()),
        }
    }

    /// Renames and fills the schema editor needs (`to`: the state after the operation).
    fn hints(&self, app: &str, to: &ProjectState) -> Hints {
        let mut h = Hints::default();
        match self {
            Operation::RenameModel { old_name, new_name } => {
                h.model_renames.push((app.into(), old_name.clone(), new_name.clone()))
            }
            Operation::RenameField { model, old_name, new_name } => {
                h.field_renames.push((app.into(), model.clone(), old_name.clone(), new_name.clone()))
            }
            Operation::AddField { model, field, fill: Some(fill) }
            | Operation::AlterField { model, field, fill: Some(fill) } => {
                let ty = to.get(app, model).and_then(|m| m.field_named(&field.name)).map(|f| f.ty).unwrap_or(field.ty);
                h.fills.push((app.into(), model.clone(), field.name.clone(), fill.resolve(ty)));
            }
            _ => {}
        }
        h
    }

    /// What to run to apply the operation (`from`: the state before it, `to`: after).
    pub fn database_forwards(
        &self,
        app: &str,
        ed: &Editor,
        from: &ProjectState,
        to: &ProjectState,
    ) -> Result<Vec<Step>> {
        match self {
            Operation::RunSql(r) => {
                Ok(r.forward.iter().map(|s| Step::Sql(Sql { sql: s.clone(), params: Vec::new() })).collect())
            }
            Operation::RunCode(c) => {
                Ok(vec![Step::Code { f: c.forward, state: Box::new(from.clone()), description: c.description.clone() }])
            }
            Operation::AlterModelOptions { .. } => Ok(Vec::new()),
            _ => ed.sync(from, to, &self.hints(app, to)),
        }
    }

    /// What to run to undo the operation (`from`: the state after it, `to`: before).
    pub fn database_backwards(
        &self,
        app: &str,
        ed: &Editor,
        from: &ProjectState,
        to: &ProjectState,
    ) -> Result<Vec<Step>> {
        let irreversible =
            || Error::Unsupported(format!("operation `{}` in app `{app}` is not reversible", self.describe()));
        match self {
            Operation::RunSql(r) => {
                let back = r.backward.as_ref().ok_or_else(irreversible)?;
                Ok(back.iter().map(|s| Step::Sql(Sql { sql: s.clone(), params: Vec::new() })).collect())
            }
            Operation::RunCode(c) => {
                let f = c.backward.ok_or_else(irreversible)?;
                Ok(vec![Step::Code { f, state: Box::new(from.clone()), description: c.description.clone() }])
            }
            Operation::AlterModelOptions { .. } => Ok(Vec::new()),
            _ => ed.sync(from, to, &self.hints(app, from).inverted()),
        }
    }
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

/// Writes a [`CodeFn`] from a block: `code!(|apps, db| { … Ok(()) })`.
///
/// ```ignore
/// fn forwards() -> CodeFn {
///     code!(|apps, db| {
///         let product = apps.model("shop", "Product")?;
///         for row in product.objects().all(db).await? { … }
///         Ok(())
///     })
/// }
/// ```
#[macro_export]
macro_rules! code {
    (|$apps:ident, $db:ident| $body:block) => {{
        fn __ormolu_code<'a>(
            $apps: &'a $crate::Apps,
            $db: &'a (dyn $crate::__private::Executor + 'a),
        ) -> $crate::__private::BoxFuture<'a, $crate::Result<()>> {
            ::std::boxed::Box::pin(async move $body)
        }
        __ormolu_code as $crate::CodeFn
    }};
}
