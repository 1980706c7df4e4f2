//! The schema editor: DDL for models, per dialect (Django's `BaseDatabaseSchemaEditor`).
//!
//! Used by tests, the quickstart and (later) migrations, so nobody writes DDL by hand.

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, FieldType, ModelMeta};
use crate::schema_alter::{ColumnDef, TableDef};
use crate::value::Value;

/// The column definition of one field: `"name" type NOT NULL …`.
pub fn column_sql(d: &dyn Dialect, f: &FieldMeta) -> String {
    ColumnDef::from_field(f).sql(d)
}

/// `Error::NotSupported` when the backend cannot store a field of type `ty`: an array
/// field (Django's `ArrayField`) outside PostgreSQL. Checked before any DDL runs.
pub fn check_field_type(d: &dyn Dialect, ty: FieldType) -> Result<()> {
    if ty.is_array() && !d.features().supports_array_fields {
        return Err(Error::not_supported("ArrayField (array columns)", d.name()));
    }
    Ok(())
}

/// [`check_field_type`] for every field of these models.
pub fn check_models(d: &dyn Dialect, models: &[&ModelMeta]) -> Result<()> {
    models.iter().flat_map(|m| m.fields.iter()).try_for_each(|f| check_field_type(d, f.ty))
}

/// Index/constraint names as Django makes them: table, columns and a short hash.
pub fn index_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut h: u32 = 0x811c9dc5;
    for b in table.bytes().chain(columns.iter().flat_map(|c| c.bytes())).chain(suffix.bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x01000193);
    }
    let mut base = format!("{}_{}", table, columns.join("_"));
    base.truncate(50);
    format!("{base}_{h:08x}_{suffix}")
}

/// `CREATE TABLE` plus its indexes and foreign keys, as separate statements.
///
/// Foreign keys are inline (`REFERENCES`) so a table can be created before the
/// tables that point at it exist only when created in dependency order; use
/// [`create_tables_sql`] for a set of models.
pub fn create_table_sql(d: &dyn Dialect, m: &ModelMeta) -> Vec<String> {
    TableDef::from_meta(m).create_sql(d)
}

/// The models plus the automatic join tables of their many-to-many fields (Django's
/// auto-created through models), each table once, in the given order (a join table
/// right after its model).
pub fn with_auto_through<'a>(models: &[&'a ModelMeta]) -> Vec<&'a ModelMeta> {
    let mut out: Vec<&'a ModelMeta> = Vec::with_capacity(models.len());
    for m in models {
        if !out.iter().any(|o| o.table == m.table) {
            out.push(m);
        }
        for m2m in m.many_to_many.iter().filter(|m2m| m2m.auto_created) {
            let through: &'static ModelMeta = (m2m.through)();
            if !out.iter().any(|o| o.table == through.table) && !models.iter().any(|o| o.table == through.table) {
                out.push(through);
            }
        }
    }
    out
}

/// DDL for several models, ordered so every table comes after the tables it references.
/// The automatic join tables of their many-to-many fields are created too.
pub fn create_tables_sql(d: &dyn Dialect, models: &[&ModelMeta]) -> Vec<String> {
    let models = with_auto_through(models);
    let models = models.as_slice();
    let mut done: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let mut pending: Vec<&ModelMeta> = models.to_vec();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|m| {
            let ready = m.fields.iter().filter_map(|f| f.relation.as_ref()).all(|r| {
                let t = (r.to)().table;
                t == m.table || done.contains(&t) || !models.iter().any(|o| o.table == t)
            });
            if ready {
                out.extend(create_table_sql(d, m));
                done.push(m.table);
            }
            !ready
        });
        if pending.len() == before {
            // A cycle: create the rest anyway (SQLite checks references lazily).
            for m in pending.drain(..) {
                out.extend(create_table_sql(d, m));
            }
        }
    }
    out
}

/// `DROP TABLE` for a model.
pub fn drop_table_sql(d: &dyn Dialect, m: &ModelMeta) -> String {
    format!("DROP TABLE IF EXISTS {}", d.quote(m.table))
}

/// A default value as a SQL literal is never needed: defaults are applied by ormolu
/// when instances are built, as Django does. Kept for documentation of intent.
pub fn default_for(f: &FieldMeta) -> Option<Value> {
    f.default.as_ref().map(|d| d.value())
}
