//! The project state (Django's `ProjectState` / `ModelState`): every model as the
//! migrations describe it, built without a database by replaying operations.
//!
//! A [`ModelState`] owns its strings, so states can be built, changed and compared
//! freely; relations name their target as `"app.Model"`. [`ProjectState::from_models`]
//! reads the live models ([`ModelMeta`]) into the same shape, which is what the
//! autodetector compares.

use std::collections::BTreeMap;

use ormolu_core::meta::{FieldDefault, FieldType, ModelMeta};
use ormolu_core::schema_alter::{ColumnDef, ConstraintDef, IndexDef, TableDef};

use crate::error::{Error, Result};

mod parts;

pub use parts::{Constraint, Field, Index, ManyToMany, Relation};

/// One model as the migrations describe it (Django's `ModelState`).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelState {
    /// The app label (set from the migration when empty).
    pub app: String,
    /// The model name (`Product`).
    pub name: String,
    /// The table (`<app>_<name lower>` when empty).
    pub table: String,
    /// Column fields in order.
    pub fields: Vec<Field>,
    /// Many-to-many fields.
    pub many_to_many: Vec<ManyToMany>,
    /// Default ordering.
    pub ordering: Vec<String>,
    /// `unique_together` sets (field names).
    pub unique_together: Vec<Vec<String>>,
    /// Named indexes.
    pub indexes: Vec<Index>,
    /// Named constraints.
    pub constraints: Vec<Constraint>,
    /// Human name.
    pub verbose_name: Option<String>,
}

/// The default table of a model: `<app>_<name lower>`.
pub fn default_table(app: &str, name: &str) -> String {
    format!("{app}_{}", name.to_lowercase())
}

fn lower_key(app: &str, name: &str) -> (String, String) {
    (app.to_string(), name.to_lowercase())
}

/// Splits `"app.Model"` (or `"Model"`, in `default_app`) into its parts.
pub fn split_ref<'a>(reference: &'a str, default_app: &'a str) -> (&'a str, &'a str) {
    match reference.split_once('.') {
        Some((a, m)) => (a, m),
        None => (default_app, reference),
    }
}

/// Whether `reference` names the model `app.name` (case-insensitive model name).
pub fn refers_to(reference: &str, from_app: &str, app: &str, name: &str) -> bool {
    let (a, m) = split_ref(reference, from_app);
    a == app && m.eq_ignore_ascii_case(name)
}

impl ModelState {
    /// A model with no fields yet (the table defaults to `<app>_<name lower>`).
    pub fn new(name: impl Into<String>) -> ModelState {
        ModelState {
            app: String::new(),
            name: name.into(),
            table: String::new(),
            fields: Vec::new(),
            many_to_many: Vec::new(),
            ordering: Vec::new(),
            unique_together: Vec::new(),
            indexes: Vec::new(),
            constraints: Vec::new(),
            verbose_name: None,
        }
    }
    /// The table.
    pub fn table(mut self, t: impl Into<String>) -> Self {
        self.table = t.into();
        self
    }
    /// Adds a field.
    pub fn field(mut self, f: Field) -> Self {
        self.fields.push(f);
        self
    }
    /// Adds a many-to-many field.
    pub fn many_to_many(mut self, m: ManyToMany) -> Self {
        self.many_to_many.push(m);
        self
    }
    /// Default ordering.
    pub fn ordering<S: Into<String>>(mut self, o: impl IntoIterator<Item = S>) -> Self {
        self.ordering = o.into_iter().map(Into::into).collect();
        self
    }
    /// Adds a `unique_together` set.
    pub fn unique_together<S: Into<String>>(mut self, set: impl IntoIterator<Item = S>) -> Self {
        self.unique_together.push(set.into_iter().map(Into::into).collect());
        self
    }
    /// Adds an index.
    pub fn index(mut self, i: Index) -> Self {
        self.indexes.push(i);
        self
    }
    /// Adds a constraint.
    pub fn constraint(mut self, c: Constraint) -> Self {
        self.constraints.push(c);
        self
    }
    /// Human name.
    pub fn verbose_name(mut self, n: impl Into<String>) -> Self {
        self.verbose_name = Some(n.into());
        self
    }

    /// `"app.Model"`.
    pub fn label(&self) -> String {
        format!("{}.{}", self.app, self.name)
    }

    /// A column field by name (or attname, or `pk`).
    pub fn field_named(&self, name: &str) -> Option<&Field> {
        if name == "pk" {
            return self.pk();
        }
        self.fields.iter().find(|f| f.name == name).or_else(|| self.fields.iter().find(|f| f.attname() == name))
    }

    /// A many-to-many field by name.
    pub fn m2m_named(&self, name: &str) -> Option<&ManyToMany> {
        self.many_to_many.iter().find(|m| m.name == name)
    }

    /// The primary key field.
    pub fn pk(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// The field names, for error messages.
    pub fn field_names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).chain(self.many_to_many.iter().map(|m| m.name.clone())).collect()
    }

    /// Reads a live model's metadata.
    pub fn from_meta(m: &ModelMeta) -> ModelState {
        let label = |t: &ModelMeta| format!("{}.{}", t.app_label, t.name);
        let fields = m
            .fields
            .iter()
            .map(|f| {
                let relation = f.relation.as_ref().map(|r| Relation {
                    to: label((r.to)()),
                    to_field: r.to_field.map(str::to_string),
                    on_delete: r.on_delete.clone(),
                    related_name: r.related_name.map(str::to_string),
                    one_to_one: r.one_to_one,
                });
                let mut field = Field {
                    name: f.name.to_string(),
                    ty: f.ty,
                    db_column: None,
                    null: f.null,
                    primary_key: f.primary_key,
                    auto: f.auto,
                    unique: f.unique,
                    db_index: f.db_index,
                    max_length: f.max_length,
                    max_digits: f.max_digits,
                    decimal_places: f.decimal_places,
                    default: match &f.default {
                        Some(FieldDefault::Value(v)) => Some(v.clone()),
                        _ => None,
                    },
                    auto_now: f.auto_now,
                    auto_now_add: f.auto_now_add,
                    relation,
                };
                if field.column() != f.column {
                    field.db_column = Some(f.column.to_string());
                }
                field
            })
            .collect();
        let many_to_many = m
            .many_to_many
            .iter()
            .map(|mm| ManyToMany {
                name: mm.name.to_string(),
                to: label((mm.to)()),
                through: (!mm.auto_created).then(|| label((mm.through)())),
                through_fields: mm.through_fields.map(|(a, b)| (a.to_string(), b.to_string())),
                related_name: mm.related_name.map(str::to_string),
            })
            .collect();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        ModelState {
            app: m.app_label.to_string(),
            name: m.name.to_string(),
            table: m.table.to_string(),
            fields,
            many_to_many,
            ordering: strings(&m.ordering),
            unique_together: m.unique_together.iter().map(|s| strings(s)).collect(),
            indexes: m
                .indexes
                .iter()
                .map(|i| Index { name: i.name.clone(), fields: strings(&i.fields), unique: i.unique })
                .collect(),
            constraints: m
                .constraints
                .iter()
                .map(|c| match c {
                    ormolu_core::meta::ConstraintMeta::Unique { name, fields } => {
                        Constraint::Unique { name: name.clone(), fields: strings(fields) }
                    }
                    ormolu_core::meta::ConstraintMeta::Check { name, sql } => {
                        Constraint::Check { name: name.clone(), sql: sql.to_string() }
                    }
                })
                .collect(),
            verbose_name: m.verbose_name.map(str::to_string),
        }
    }
}

/// Every model of every app, as the migrations (or the live models) describe them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectState {
    /// Models by `(app, lower-case name)`.
    pub models: BTreeMap<(String, String), ModelState>,
}

impl ProjectState {
    /// An empty project.
    pub fn new() -> ProjectState {
        ProjectState::default()
    }

    /// The state of these live models (auto-created join models are left out: they
    /// belong to their many-to-many field).
    pub fn from_models<'a>(models: impl IntoIterator<Item = &'a ModelMeta>) -> ProjectState {
        let mut s = ProjectState::new();
        for m in models.into_iter().filter(|m| !m.auto_created) {
            s.models.entry(lower_key(m.app_label, m.name)).or_insert_with(|| ModelState::from_meta(m));
        }
        s
    }

    /// The state of every registered model (`#[derive(Model)]` registers them).
    pub fn from_registry() -> ProjectState {
        ProjectState::from_models(ormolu_core::registry::all_models())
    }

    /// The apps with models.
    pub fn apps(&self) -> Vec<String> {
        let mut v: Vec<String> = self.models.keys().map(|(a, _)| a.clone()).collect();
        v.dedup();
        v
    }

    /// A model by app and name (case-insensitive).
    pub fn get(&self, app: &str, name: &str) -> Option<&ModelState> {
        self.models.get(&lower_key(app, name))
    }

    /// A model by app and name, mutable.
    pub fn get_mut(&mut self, app: &str, name: &str) -> Option<&mut ModelState> {
        self.models.get_mut(&lower_key(app, name))
    }

    /// A model by app and name, or an error naming what exists.
    pub fn model(&self, app: &str, name: &str) -> Result<&ModelState> {
        self.get(app, name).ok_or_else(|| self.missing(app, name))
    }

    /// A model by app and name, mutable, or an error.
    pub fn model_mut(&mut self, app: &str, name: &str) -> Result<&mut ModelState> {
        if self.get(app, name).is_none() {
            return Err(self.missing(app, name));
        }
        Ok(self.get_mut(app, name).expect("checked"))
    }

    fn missing(&self, app: &str, name: &str) -> Error {
        let known: Vec<String> = self.models.values().filter(|m| m.app == app).map(|m| m.name.clone()).collect();
        Error::State(format!(
            "no model `{app}.{name}` in the migration state (models of `{app}`: {}); \
             is a dependency on the migration that creates it missing?",
            if known.is_empty() { "none".to_string() } else { known.join(", ") }
        ))
    }

    /// The model a reference (`"app.Model"`, or `"Model"` in `from_app`) points at.
    pub fn resolve(&self, reference: &str, from_app: &str) -> Result<&ModelState> {
        let (a, m) = split_ref(reference, from_app);
        self.model(a, m)
    }

    /// Adds a model (its app and default table filled in).
    pub fn add_model(&mut self, mut m: ModelState) -> Result<()> {
        if m.table.is_empty() {
            m.table = default_table(&m.app, &m.name);
        }
        let key = lower_key(&m.app, &m.name);
        if self.models.contains_key(&key) {
            return Err(Error::State(format!("model `{}` already exists in the migration state", m.label())));
        }
        self.models.insert(key, m);
        Ok(())
    }

    /// Removes a model.
    pub fn remove_model(&mut self, app: &str, name: &str) -> Result<ModelState> {
        self.models.remove(&lower_key(app, name)).ok_or_else(|| self.missing(app, name))
    }

    /// The column a foreign key field references: `(table, column, target pk def)`.
    fn reference_of(&self, m: &ModelState, f: &Field) -> Result<Option<(String, String)>> {
        let Some(rel) = &f.relation else { return Ok(None) };
        let target = self
            .resolve(&rel.to, &m.app)
            .map_err(|e| Error::State(format!("{}.{} points at `{}`: {e}", m.label(), f.name, rel.to)))?;
        let to = match &rel.to_field {
            Some(n) => target.field_named(n).ok_or_else(|| {
                Error::State(format!("{}.{}: `to_field` `{n}` is not a field of {}", m.label(), f.name, target.label()))
            })?,
            None => target.pk().ok_or_else(|| Error::State(format!("{} has no primary key", target.label())))?,
        };
        Ok(Some((target.table.clone(), to.column())))
    }

    /// The column definition of a field.
    pub fn column_def(&self, m: &ModelState, f: &Field) -> Result<ColumnDef> {
        Ok(ColumnDef {
            column: f.column(),
            ty: f.ty,
            max_length: f.max_length,
            max_digits: f.max_digits,
            decimal_places: f.decimal_places,
            null: f.null,
            primary_key: f.primary_key,
            auto: f.auto,
            unique: f.unique,
            db_index: f.db_index,
            references: self.reference_of(m, f)?,
        })
    }

    /// The table of a model, as `CREATE TABLE` makes it.
    pub fn table_def(&self, m: &ModelState) -> Result<TableDef> {
        let column_of = |n: &String| -> Result<String> {
            m.field_named(n).map(Field::column).ok_or_else(|| {
                Error::State(format!("{} has no field `{n}` (fields: {})", m.label(), m.field_names().join(", ")))
            })
        };
        let columns = m.fields.iter().map(|f| self.column_def(m, f)).collect::<Result<Vec<_>>>()?;
        let unique_together = m
            .unique_together
            .iter()
            .map(|set| set.iter().map(column_of).collect::<Result<Vec<_>>>())
            .collect::<Result<Vec<_>>>()?;
        let constraints = m
            .constraints
            .iter()
            .map(|c| {
                Ok(match c {
                    Constraint::Unique { name, fields } => ConstraintDef::Unique {
                        name: name.clone(),
                        columns: fields.iter().map(column_of).collect::<Result<Vec<_>>>()?,
                    },
                    Constraint::Check { name, sql } => ConstraintDef::Check { name: name.clone(), sql: sql.clone() },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let indexes = m
            .indexes
            .iter()
            .map(|i| {
                Ok(IndexDef {
                    name: i.name.clone(),
                    columns: i.fields.iter().map(column_of).collect::<Result<Vec<_>>>()?,
                    unique: i.unique,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TableDef { table: m.table.clone(), columns, unique_together, constraints, indexes })
    }

    /// The join table ormolu makes for a many-to-many field without `through`
    /// (as `ormolu_core::meta::auto_through` does for live models); `None` with `through`.
    pub fn through_table_def(&self, m: &ModelState, mm: &ManyToMany) -> Result<Option<TableDef>> {
        if mm.through.is_some() {
            return Ok(None);
        }
        let target = self.resolve(&mm.to, &m.app)?;
        let (src_lower, dst_lower) = (m.name.to_ascii_lowercase(), target.name.to_ascii_lowercase());
        let (a, b) = if m.table == target.table {
            (format!("from_{src_lower}"), format!("to_{dst_lower}"))
        } else {
            (src_lower, dst_lower)
        };
        let key = |name: String, side: &ModelState| -> Result<ColumnDef> {
            let pk = side.pk().ok_or_else(|| Error::State(format!("{} has no primary key", side.label())))?;
            let ty = match pk.ty {
                FieldType::AutoBig => FieldType::BigInt,
                FieldType::Auto => FieldType::Int,
                t => t,
            };
            Ok(ColumnDef {
                max_length: pk.max_length,
                references: Some((side.table.clone(), pk.column())),
                ..ColumnDef::new(format!("{name}_id"), ty)
            })
        };
        let ca = key(a, m)?;
        let cb = key(b, target)?;
        let pair = vec![ca.column.clone(), cb.column.clone()];
        let id = ColumnDef { primary_key: true, auto: true, ..ColumnDef::new("id", FieldType::AutoBig) };
        Ok(Some(TableDef {
            table: format!("{}_{}", m.table, mm.name),
            columns: vec![id, ca, cb],
            unique_together: vec![pair],
            constraints: Vec::new(),
            indexes: Vec::new(),
        }))
    }

    /// Every automatic join table, by `(app, model lower, field)`.
    pub fn through_tables(&self) -> Result<BTreeMap<(String, String, String), TableDef>> {
        let mut out = BTreeMap::new();
        for ((app, name), m) in &self.models {
            for mm in &m.many_to_many {
                if let Some(t) = self.through_table_def(m, mm)? {
                    out.insert((app.clone(), name.clone(), mm.name.clone()), t);
                }
            }
        }
        Ok(out)
    }

    /// Models referencing `app.name` through a foreign key or many-to-many field.
    pub fn referencing(&self, app: &str, name: &str) -> Vec<&ModelState> {
        self.models
            .values()
            .filter(|m| {
                m.fields.iter().any(|f| f.relation.as_ref().is_some_and(|r| refers_to(&r.to, &m.app, app, name)))
                    || m.many_to_many.iter().any(|mm| {
                        refers_to(&mm.to, &m.app, app, name)
                            || mm.through.as_ref().is_some_and(|t| refers_to(t, &m.app, app, name))
                    })
            })
            .collect()
    }
}
