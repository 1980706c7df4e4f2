//! `inspectdb` (Django's): model source code for the tables of an existing database —
//! column types, NULL, primary keys, foreign keys, unique and indexed columns,
//! unique sets — to adopt a legacy database. The result is a starting point to review.

use std::fmt::Write as _;

use ormolu::Executor;

use crate::error::Result;
use crate::introspect::{table_info, table_names, ColumnInfo, TableInfo};

/// `shop_order_line` → `ShopOrderLine`.
pub fn model_name(table: &str) -> String {
    table
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The Rust type and field options for a column (without `Option`).
fn rust_type(c: &ColumnInfo) -> (String, Vec<String>) {
    let t = c.data_type.to_lowercase();
    // A PostgreSQL array (`int4[]`, from the element's type name): `Vec<element>`.
    if let Some(elem) = t.strip_suffix("[]") {
        let elem = match elem {
            "int2" => "smallint",
            "int4" => "integer",
            "int8" => "bigint",
            "float4" => "real",
            "float8" => "double precision",
            "bpchar" => "char",
            "timestamptz" => "timestamp with time zone",
            e => e,
        };
        let (inner, opts) = rust_type(&ColumnInfo { data_type: elem.to_string(), ..c.clone() });
        return (format!("Vec<{inner}>"), opts);
    }
    let base = t.split('(').next().unwrap_or("").trim().to_string();
    let mut opts = Vec::new();
    let ty = match base.as_str() {
        "bigint" | "int8" | "bigserial" => "i64",
        "smallint" | "int2" => "i16",
        "integer" | "int" | "int4" | "mediumint" | "serial" => "i32",
        "tinyint" if t.starts_with("tinyint(1)") => "bool",
        "tinyint" => "i16",
        "bool" | "boolean" => "bool",
        "real" | "float4" | "float" => "f32",
        "double" | "double precision" | "float8" => "f64",
        "decimal" | "numeric" => {
            let (d, p) = c.precision.unwrap_or((20, 6));
            opts.push(format!("max_digits = {d}, decimal_places = {p}"));
            "Decimal"
        }
        "varchar" | "character varying" | "char" | "character" | "nvarchar" => {
            opts.push(format!("max_length = {}", c.max_length.unwrap_or(255)));
            if base == "char" && c.max_length == Some(32) {
                opts.push("/* maybe a UUID */".into());
            }
            "String"
        }
        "text" | "longtext" | "mediumtext" | "tinytext" | "clob" => {
            opts.push("text".into());
            "String"
        }
        "date" => "NaiveDate",
        "datetime" | "timestamp" | "timestamp without time zone" => "NaiveDateTime",
        "timestamp with time zone" | "timestamptz" => "DateTime<Utc>",
        "time" | "time without time zone" => "NaiveTime",
        "interval" => "TimeDelta",
        "uuid" => "uuid::Uuid",
        "json" | "jsonb" => "serde_json::Value",
        "blob" | "bytea" | "longblob" | "binary" | "varbinary" => "Vec<u8>",
        _ => {
            opts.push(format!("/* unknown database type `{t}` */"));
            "String"
        }
    };
    (ty.to_string(), opts)
}

fn model_source(t: &TableInfo, sqlite: bool) -> String {
    let name = model_name(&t.name);
    let mut s = String::new();
    let together: Vec<String> = t
        .indexes
        .iter()
        .filter(|i| i.unique && !i.primary && i.columns.len() > 1)
        .map(|i| {
            format!("[{}]", i.columns.iter().map(|c| format!("{:?}", field_name(t, c))).collect::<Vec<_>>().join(", "))
        })
        .collect();
    let indexes: Vec<String> = t
        .indexes
        .iter()
        .filter(|i| !i.unique && !i.primary && i.columns.len() > 1)
        .map(|i| {
            format!(
                "index(fields = [{}], name = {:?})",
                i.columns.iter().map(|c| format!("{:?}", field_name(t, c))).collect::<Vec<_>>().join(", "),
                i.name
            )
        })
        .collect();
    let mut struct_opts = vec![format!("table = {:?}", t.name)];
    if !together.is_empty() {
        struct_opts.push(format!("unique_together = [{}]", together.join(", ")));
    }
    struct_opts.extend(indexes);
    let _ = writeln!(s, "/// The table `{}`.", t.name);
    let _ = writeln!(s, "#[derive(Model, Debug, Clone, Default)]");
    let _ = writeln!(s, "#[ormolu({})]", struct_opts.join(", "));
    let _ = writeln!(s, "pub struct {name} {{");
    for c in &t.columns {
        let fk = t.foreign_keys.iter().find(|f| f.column == c.name);
        let single_unique = t.indexes.iter().any(|i| i.unique && !i.primary && i.columns == [c.name.clone()]);
        let single_index = t.indexes.iter().any(|i| !i.unique && !i.primary && i.columns == [c.name.clone()]);
        let mut opts = Vec::new();
        let fname = field_name(t, &c.name);
        let ty = if c.primary_key && c.auto {
            // SQLite's INTEGER PRIMARY KEY is the 64-bit rowid.
            let (inner, _) = rust_type(c);
            format!("Auto<{}>", if sqlite { "i64" } else { inner.as_str() })
        } else if let Some(fk) = fk {
            if fname != c.name.trim_end_matches("_id") || !c.name.ends_with("_id") {
                opts.push(format!("db_column = {:?}", c.name));
            }
            let target = model_name(&fk.to_table);
            let kind = if single_unique { "OneToOne" } else { "ForeignKey" };
            if fk.to_column != "id" {
                opts.push(format!("to_field = {:?}", fk.to_column));
            }
            opts.push("on_delete = DoNothing".into());
            let t = format!("{kind}<{target}>");
            if c.null {
                format!("Option<{t}>")
            } else {
                t
            }
        } else {
            let (inner, extra) = rust_type(c);
            opts.extend(extra);
            if c.primary_key {
                opts.push("primary_key".into());
            }
            if single_unique {
                opts.push("unique".into());
            } else if single_index {
                opts.push("db_index".into());
            }
            if c.null {
                format!("Option<{inner}>")
            } else {
                inner
            }
        };
        let real: Vec<&String> = opts.iter().filter(|o| !o.starts_with("/*")).collect();
        let notes: Vec<&String> = opts.iter().filter(|o| o.starts_with("/*")).collect();
        if !real.is_empty() {
            let _ = writeln!(s, "    #[ormolu({})]", real.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", "));
        }
        let note = if notes.is_empty() {
            String::new()
        } else {
            format!(" {}", notes.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" "))
        };
        let _ = writeln!(s, "    pub {fname}: {ty},{note}");
    }
    s.push_str("}\n");
    s
}

/// The Rust field name of a column (a foreign key's `_id` dropped).
fn field_name(t: &TableInfo, column: &str) -> String {
    let is_fk = t.foreign_keys.iter().any(|f| f.column == column);
    let base = if is_fk { column.strip_suffix("_id").unwrap_or(column) } else { column };
    let mut n: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if n.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        n.insert(0, '_');
    }
    if matches!(
        n.as_str(),
        "type" | "match" | "ref" | "self" | "fn" | "mod" | "use" | "impl" | "struct" | "enum" | "loop" | "move"
    ) {
        n = format!("r#{n}");
    }
    n
}

/// Model source for these tables (all tables when empty; the migration table left out).
pub async fn inspect(db: &(dyn Executor + '_), tables: &[String]) -> Result<String> {
    let mut names = table_names(db).await?;
    names.retain(|t| t != crate::recorder::TABLE);
    if !tables.is_empty() {
        names.retain(|t| tables.contains(t));
    }
    let mut s = String::from(
        "//! Models generated by `manage inspectdb` from the database's tables.\n\
         //! Review them: types, relations (`on_delete`), names and options are guesses.\n\n\
         use ormolu::prelude::*;\n",
    );
    for t in names {
        let info = table_info(db, &t).await?;
        s.push('\n');
        s.push_str(&model_source(&info, db.dialect().name() == "sqlite"));
    }
    Ok(s)
}
