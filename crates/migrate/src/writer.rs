//! The writer (Django's `MigrationWriter`): a [`Migration`] as a readable Rust source
//! file, and the `mod.rs` files that compile a project's migrations into its program.
//!
//! Layout (one folder per app):
//!
//! ```text
//! migrations/
//!   mod.rs                 pub mod shop; … pub fn all() -> Vec<Migration>; register_migrations!(all)
//!   shop/
//!     mod.rs               #[path = "0001_initial.rs"] mod m0001_initial; … pub fn migrations()
//!     0001_initial.rs      pub fn migration() -> Migration { Migration::new("shop", "0001_initial")… }
//! ```
//!
//! The `mod.rs` files are rewritten from the files present each time a migration is
//! written; the migration files are the user's to review and edit.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ormolu_core::meta::{FieldType, OnDelete};
use ormolu_core::Value;

use crate::error::{Error, Result};
use crate::operations::{Fill, Migration, Operation};
use crate::state::{default_table, Constraint, Field, Index, ManyToMany, ModelState};

fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// A value as Rust source (the helpers of `ormolu_migrate::prelude`).
pub fn value_source(v: &Value) -> String {
    match v {
        Value::Null => "Value::Null".into(),
        Value::Bool(b) => b.to_string(),
        Value::I64(i) if i32::try_from(*i).is_ok() => i.to_string(),
        Value::I64(i) => format!("{i}_i64"),
        Value::F64(f) => format!("{f:?}_f64"),
        Value::Text(s) => lit(s),
        Value::Bytes(b) => format!("Value::Bytes(vec!{b:?})"),
        Value::Decimal(d) => format!("dec({})", lit(&d.to_string())),
        Value::Date(d) => format!("date({})", lit(&d.to_string())),
        Value::DateTime(d) => format!("datetime({})", lit(&d.format("%Y-%m-%dT%H:%M:%S%.f").to_string())),
        Value::DateTimeUtc(d) => format!("datetime_utc({})", lit(&d.to_rfc3339())),
        Value::Time(t) => format!("time({})", lit(&t.to_string())),
        Value::Duration(d) => format!("micros({})", d.num_microseconds().unwrap_or(i64::MAX)),
        Value::Uuid(u) => format!("uuid({})", lit(&u.to_string())),
        Value::Json(j) => format!("json({})", lit(&j.to_string())),
        Value::Array(items) => {
            format!("Value::Array(vec![{}])", items.iter().map(value_source).collect::<Vec<_>>().join(", "))
        }
    }
}

/// A field type as Rust source: `FieldType::Int`, `FieldType::Array(&FieldType::Char)`.
pub fn field_type_source(ty: FieldType) -> String {
    match ty {
        FieldType::Array(e) => format!("FieldType::Array(&{})", field_type_source(*e)),
        t => format!("FieldType::{t:?}"),
    }
}

fn fill_source(f: &Fill) -> String {
    match f {
        Fill::Now => "Fill::Now".into(),
        Fill::Value(v) => format!("Fill::value({})", value_source(v)),
    }
}

fn on_delete_source(o: &OnDelete) -> String {
    match o {
        OnDelete::Set(v) => format!("OnDelete::Set({})", value_source(v)),
        other => format!("OnDelete::{other:?}"),
    }
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", "))
}

/// A field as builder calls: `Field::new("stock", FieldType::Int).default(0)`.
pub fn field_source(f: &Field) -> String {
    let mut s = match &f.relation {
        Some(r) if r.one_to_one => {
            format!("Field::one_to_one({}, {}, {})", lit(&f.name), field_type_source(f.ty), lit(&r.to))
        }
        Some(r) => format!("Field::foreign_key({}, {}, {})", lit(&f.name), field_type_source(f.ty), lit(&r.to)),
        None => format!("Field::new({}, {})", lit(&f.name), field_type_source(f.ty)),
    };
    let one_to_one = f.relation.as_ref().is_some_and(|r| r.one_to_one);
    if let Some(c) = &f.db_column {
        let _ = write!(s, ".db_column({})", lit(c));
    }
    if f.primary_key {
        s.push_str(".primary_key()");
    }
    if f.auto {
        s.push_str(".auto()");
    }
    if f.null {
        s.push_str(".null()");
    }
    if f.unique && !one_to_one {
        s.push_str(".unique()");
    }
    if f.db_index {
        s.push_str(".db_index()");
    }
    if let Some(n) = f.max_length {
        let _ = write!(s, ".max_length({n})");
    }
    match (f.max_digits, f.decimal_places) {
        (Some(d), Some(p)) => {
            let _ = write!(s, ".decimal({d}, {p})");
        }
        (Some(d), None) => {
            let _ = write!(s, ".max_digits({d})");
        }
        (None, Some(p)) => {
            let _ = write!(s, ".decimal_places({p})");
        }
        (None, None) => {}
    }
    if let Some(v) = &f.default {
        let _ = write!(s, ".default({})", value_source(v));
    }
    if f.auto_now {
        s.push_str(".auto_now()");
    }
    if f.auto_now_add {
        s.push_str(".auto_now_add()");
    }
    if let Some(r) = &f.relation {
        if r.on_delete != OnDelete::Cascade {
            let _ = write!(s, ".on_delete({})", on_delete_source(&r.on_delete));
        }
        if let Some(n) = &r.related_name {
            let _ = write!(s, ".related_name({})", lit(n));
        }
        if let Some(n) = &r.to_field {
            let _ = write!(s, ".to_field({})", lit(n));
        }
    }
    s
}

fn m2m_source(m: &ManyToMany) -> String {
    let mut s = format!("ManyToMany::new({}, {})", lit(&m.name), lit(&m.to));
    if let Some(t) = &m.through {
        let _ = write!(s, ".through({})", lit(t));
    }
    if let Some((a, b)) = &m.through_fields {
        let _ = write!(s, ".through_fields({}, {})", lit(a), lit(b));
    }
    if let Some(n) = &m.related_name {
        let _ = write!(s, ".related_name({})", lit(n));
    }
    s
}

fn index_source(i: &Index) -> String {
    format!("Index::new({}, {}){}", lit(&i.name), list(&i.fields), if i.unique { ".unique()" } else { "" })
}

fn constraint_source(c: &Constraint) -> String {
    match c {
        Constraint::Unique { name, fields } => format!("Constraint::unique({}, {})", lit(name), list(fields)),
        Constraint::Check { name, sql } => format!("Constraint::check({}, {})", lit(name), lit(sql)),
    }
}

fn model_source(app: &str, m: &ModelState, indent: &str) -> String {
    let mut s = format!("Model::new({})", lit(&m.name));
    let app = if m.app.is_empty() { app } else { &m.app };
    let mut line = |x: String| {
        let _ = write!(s, "\n{indent}    .{x}");
    };
    if !m.table.is_empty() && m.table != default_table(app, &m.name) {
        line(format!("table({})", lit(&m.table)));
    }
    for f in &m.fields {
        line(format!("field({})", field_source(f)));
    }
    for x in &m.many_to_many {
        line(format!("many_to_many({})", m2m_source(x)));
    }
    for set in &m.unique_together {
        line(format!("unique_together({})", list(set)));
    }
    for i in &m.indexes {
        line(format!("index({})", index_source(i)));
    }
    for c in &m.constraints {
        line(format!("constraint({})", constraint_source(c)));
    }
    if !m.ordering.is_empty() {
        line(format!("ordering({})", list(&m.ordering)));
    }
    if let Some(v) = &m.verbose_name {
        line(format!("verbose_name({})", lit(v)));
    }
    s
}

/// One operation as a builder call on `Migration` (without the leading dot).
pub fn operation_source(app: &str, op: &Operation) -> Result<String> {
    Ok(match op {
        Operation::CreateModel(m) => {
            format!("create_model(\n            {},\n        )", model_source(app, m, "            "))
        }
        Operation::DeleteModel { name } => format!("delete_model({})", lit(name)),
        Operation::RenameModel { old_name, new_name } => format!("rename_model({}, {})", lit(old_name), lit(new_name)),
        Operation::AlterModelTable { name, table } => format!("alter_model_table({}, {})", lit(name), lit(table)),
        Operation::AlterModelOptions { name, ordering, verbose_name } => format!(
            "alter_model_options({}, {}, {})",
            lit(name),
            if ordering.is_empty() { "[] as [&str; 0]".to_string() } else { list(ordering) },
            match verbose_name {
                Some(v) => format!("Some({})", lit(v)),
                None => "None".into(),
            }
        ),
        Operation::AddField { model, field, fill: None } => {
            format!("add_field({}, {})", lit(model), field_source(field))
        }
        Operation::AddField { model, field, fill: Some(f) } => {
            format!("add_field_filled({}, {}, {})", lit(model), field_source(field), fill_source(f))
        }
        Operation::AddManyToMany { model, field } => format!("add_many_to_many({}, {})", lit(model), m2m_source(field)),
        Operation::RemoveField { model, name } => format!("remove_field({}, {})", lit(model), lit(name)),
        Operation::AlterField { model, field, fill: None } => {
            format!("alter_field({}, {})", lit(model), field_source(field))
        }
        Operation::AlterField { model, field, fill: Some(f) } => {
            format!("alter_field_filled({}, {}, {})", lit(model), field_source(field), fill_source(f))
        }
        Operation::RenameField { model, old_name, new_name } => {
            format!("rename_field({}, {}, {})", lit(model), lit(old_name), lit(new_name))
        }
        Operation::AddIndex { model, index } => format!("add_index({}, {})", lit(model), index_source(index)),
        Operation::RemoveIndex { model, name } => format!("remove_index({}, {})", lit(model), lit(name)),
        Operation::AddConstraint { model, constraint } => {
            format!("add_constraint({}, {})", lit(model), constraint_source(constraint))
        }
        Operation::RemoveConstraint { model, name } => format!("remove_constraint({}, {})", lit(model), lit(name)),
        Operation::AlterUniqueTogether { model, sets } => {
            let sets: Vec<String> = sets.iter().map(|s| format!("vec!{}", list(s))).collect();
            if sets.is_empty() {
                format!("alter_unique_together({}, [] as [Vec<&str>; 0])", lit(model))
            } else {
                format!("alter_unique_together({}, [{}])", lit(model), sets.join(", "))
            }
        }
        Operation::RunSql(r) => {
            let mut s = format!("run_sql(RunSql::new({})", list(&r.forward));
            if let Some(b) = &r.backward {
                let _ = write!(s, ".reverse({})", if b.is_empty() { "[] as [&str; 0]".to_string() } else { list(b) });
            }
            s.push(')');
            s
        }
        Operation::RunCode(c) => {
            return Err(Error::Unsupported(format!(
                "the RunCode operation `{}` cannot be written out: its code lives in another migration file; \
                 copy it by hand",
                c.description
            )))
        }
    })
}

/// The Rust source of a migration file.
pub fn migration_source(m: &Migration) -> Result<String> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! Migration `{}`, generated by ormolu-migrate {} on {}.\n//!\n\
         //! Review it before applying it; edit it freely (add `run_sql` / `run_code` steps…).\n",
        m.label(),
        env!("CARGO_PKG_VERSION"),
        chrono::Utc::now().format("%Y-%m-%d %H:%M")
    );
    s.push_str("#[allow(unused_imports)]\nuse ormolu_migrate::prelude::*;\n\n");
    s.push_str("/// The migration.\npub fn migration() -> Migration {\n");
    let _ = write!(s, "    Migration::new({}, {})", lit(&m.app), lit(&m.name));
    if m.initial {
        s.push_str("\n        .initial()");
    }
    for (a, n) in &m.dependencies {
        let _ = write!(s, "\n        .depends_on({}, {})", lit(a), lit(n));
    }
    for (a, n) in &m.replaces {
        let _ = write!(s, "\n        .replaces({}, {})", lit(a), lit(n));
    }
    for op in &m.operations {
        let _ = write!(s, "\n        .{}", operation_source(&m.app, op)?);
    }
    s.push_str("\n}\n");
    Ok(s)
}

fn module_name(file_stem: &str) -> String {
    format!("m{}", file_stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>())
}

/// The migration files (stems, sorted) of an app folder.
pub fn migration_files(app_dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let rd = match std::fs::read_dir(app_dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(app_dir, e)),
    };
    for e in rd {
        let e = e.map_err(|e| Error::io(app_dir, e))?;
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".rs") {
            if stem.len() > 4 && stem[..4].chars().all(|c| c.is_ascii_digit()) {
                out.push(stem.to_string());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `mod.rs` of an app folder listing these migration files.
pub fn app_mod_source(app: &str, stems: &[String]) -> String {
    let mut s =
        format!("//! Migrations of app `{app}`. This list is rewritten by `makemigrations`; the files are yours.\n\n");
    for st in stems {
        let _ = writeln!(s, "#[path = \"{st}.rs\"]\nmod {};", module_name(st));
    }
    let _ = write!(
        s,
        "\n/// The migrations of `{app}`.\npub fn migrations() -> Vec<ormolu_migrate::Migration> {{\n    vec!["
    );
    let calls: Vec<String> = stems.iter().map(|st| format!("{}::migration()", module_name(st))).collect();
    s.push_str(&calls.join(", "));
    s.push_str("]\n}\n");
    s
}

/// The `mod.rs` of the migrations folder listing these apps.
pub fn root_mod_source(apps: &[String]) -> String {
    let mut s = String::from(
        "//! The project's migrations, one module per app. Rewritten by `makemigrations`.\n\
         //! `all()` lists them for `ormolu_migrate::cli::run`; `register_migrations!` lets\n\
         //! `ormolu_migrate::migrate(&db)` find them at start-up.\n\n",
    );
    for a in apps {
        let _ = writeln!(s, "pub mod {a};");
    }
    s.push_str("\n/// Every migration of the project.\npub fn all() -> Vec<ormolu_migrate::Migration> {\n    let mut all = Vec::new();\n");
    for a in apps {
        let _ = writeln!(s, "    all.extend({a}::migrations());");
    }
    s.push_str("    all\n}\n\normolu_migrate::register_migrations!(all);\n");
    s
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// Formats a file with `rustfmt` when it is installed (as Django runs black).
fn rustfmt(path: &Path) {
    let _ = std::process::Command::new("rustfmt")
        .arg("--edition")
        .arg("2021")
        .arg(path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// Writes a migration into `dir/<app>/<name>.rs` and rewrites the `mod.rs` files.
/// Returns the file written.
pub fn write_migration(dir: &Path, m: &Migration) -> Result<PathBuf> {
    let path = dir.join(&m.app).join(format!("{}.rs", m.name));
    write(&path, &migration_source(m)?)?;
    rustfmt(&path);
    write_mod_files(dir)?;
    Ok(path)
}

/// Rewrites `dir/mod.rs` and each `dir/<app>/mod.rs` from the files present.
pub fn write_mod_files(dir: &Path) -> Result<()> {
    let mut apps = Vec::new();
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for e in rd {
        let e = e.map_err(|e| Error::io(dir, e))?;
        if e.path().is_dir() {
            let stems = migration_files(&e.path())?;
            if !stems.is_empty() {
                let app = e.file_name().to_string_lossy().to_string();
                let p = e.path().join("mod.rs");
                write(&p, &app_mod_source(&app, &stems))?;
                rustfmt(&p);
                apps.push(app);
            }
        }
    }
    apps.sort();
    let p = dir.join("mod.rs");
    write(&p, &root_mod_source(&apps))?;
    rustfmt(&p);
    Ok(())
}
