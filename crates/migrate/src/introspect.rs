//! Reading a database's schema (Django's `DatabaseIntrospection`): tables, columns,
//! indexes, unique and check constraints, foreign keys — for `inspectdb`, for
//! finding the name the database gave a column's UNIQUE constraint, and for tests
//! that compare the schema a migration made with a fresh one.

use std::collections::{BTreeMap, BTreeSet};

use ormolu::Executor;
use ormolu_core::driver::Row;
use ormolu_core::{FromValue, Value};

use crate::error::{Error, Result};

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ColumnInfo {
    /// Name.
    pub name: String,
    /// The type as the catalog spells it (`varchar(150)`, `character varying`, `bigint`…).
    pub data_type: String,
    /// Maximum length of text, where the catalog gives it.
    pub max_length: Option<u32>,
    /// Digits and decimal places of a decimal, where the catalog gives them.
    pub precision: Option<(u32, u32)>,
    /// NULL allowed.
    pub null: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// Auto-increment / identity.
    pub auto: bool,
}

/// One index or UNIQUE constraint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndexInfo {
    /// Name (as the database reports it).
    pub name: String,
    /// Columns in order.
    pub columns: Vec<String>,
    /// UNIQUE.
    pub unique: bool,
    /// The primary key's index.
    pub primary: bool,
}

/// One foreign key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKeyInfo {
    /// The column.
    pub column: String,
    /// The referenced table.
    pub to_table: String,
    /// The referenced column.
    pub to_column: String,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// Name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<ColumnInfo>,
    /// Indexes and UNIQUE constraints (the primary key's included, marked).
    pub indexes: Vec<IndexInfo>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKeyInfo>,
    /// Names of named CHECK constraints.
    pub checks: Vec<String>,
}

/// A comparable summary of a table: names the database chose itself are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    /// Columns by name: (type, null, primary key).
    pub columns: BTreeMap<String, (String, bool, bool)>,
    /// Indexes (primary key's left out) as (columns, unique).
    pub indexes: BTreeSet<(Vec<String>, bool)>,
    /// Foreign keys.
    pub foreign_keys: BTreeSet<ForeignKeyInfo>,
    /// Named CHECK constraints.
    pub checks: BTreeSet<String>,
}

impl TableInfo {
    /// The comparable summary.
    pub fn shape(&self) -> TableShape {
        TableShape {
            columns: self
                .columns
                .iter()
                .map(|c| (c.name.clone(), (c.data_type.clone(), c.null, c.primary_key)))
                .collect(),
            indexes: self.indexes.iter().filter(|i| !i.primary).map(|i| (i.columns.clone(), i.unique)).collect(),
            foreign_keys: self.foreign_keys.iter().cloned().collect(),
            checks: self.checks.iter().cloned().collect(),
        }
    }
}

enum Family {
    Sqlite,
    Postgres,
    MySql,
}

fn family(db: &(dyn Executor + '_)) -> Result<Family> {
    match db.dialect().name() {
        "sqlite" => Ok(Family::Sqlite),
        "postgresql" => Ok(Family::Postgres),
        "mysql" | "mariadb" => Ok(Family::MySql),
        other => Err(Error::Unsupported(format!("no introspection for backend `{other}`"))),
    }
}

async fn query(db: &(dyn Executor + '_), sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    let mut conn = db.conn().await?;
    Ok(conn.query(sql, params).await?)
}

fn s(row: &Row, i: usize) -> String {
    row.values.get(i).cloned().and_then(|v| String::from_value(v).ok()).unwrap_or_default()
}

fn n(row: &Row, i: usize) -> Option<i64> {
    row.values.get(i).cloned().and_then(|v| if v.is_null() { None } else { i64::from_value(v).ok() })
}

fn b(row: &Row, i: usize) -> bool {
    row.values.get(i).cloned().and_then(|v| bool::from_value(v).ok()).unwrap_or(false)
}

/// The tables of the database (or schema), sorted; SQLite's own left out.
pub async fn table_names(db: &(dyn Executor + '_)) -> Result<Vec<String>> {
    let sql = match family(db)? {
        Family::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Family::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
        Family::MySql => {
            "SELECT TABLE_NAME FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"
        }
    };
    Ok(query(db, sql, &[]).await?.iter().map(|r| s(r, 0)).collect())
}

/// One table's columns, indexes, foreign keys and checks.
pub async fn table_info(db: &(dyn Executor + '_), table: &str) -> Result<TableInfo> {
    let t = Value::Text(table.to_string());
    let mut info = TableInfo {
        name: table.to_string(),
        columns: Vec::new(),
        indexes: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    };
    match family(db)? {
        Family::Sqlite => {
            let create =
                query(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", std::slice::from_ref(&t))
                    .await?;
            let create_sql = create.first().map(|r| s(r, 0)).unwrap_or_default();
            for r in query(db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", std::slice::from_ref(&t))
                .await?
            {
                let ty = s(&r, 1);
                let lower = ty.to_lowercase();
                let pk = n(&r, 3).unwrap_or(0) > 0;
                info.columns.push(ColumnInfo {
                    name: s(&r, 0),
                    max_length: paren_number(&lower),
                    precision: None,
                    null: !b(&r, 2) && !pk,
                    primary_key: pk,
                    auto: pk && create_sql.to_uppercase().contains("AUTOINCREMENT"),
                    data_type: lower,
                });
            }
            for r in
                query(db, "SELECT name, \"unique\", origin FROM pragma_index_list(?)", std::slice::from_ref(&t)).await?
            {
                let name = s(&r, 0);
                let cols =
                    query(db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", &[Value::Text(name.clone())])
                        .await?
                        .iter()
                        .map(|c| s(c, 0))
                        .collect();
                info.indexes.push(IndexInfo { name, columns: cols, unique: b(&r, 1), primary: s(&r, 2) == "pk" });
            }
            for r in query(
                db,
                "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)",
                std::slice::from_ref(&t),
            )
            .await?
            {
                info.foreign_keys.push(ForeignKeyInfo { column: s(&r, 0), to_table: s(&r, 1), to_column: s(&r, 2) });
            }
            info.checks = named_checks(&create_sql);
        }
        Family::Postgres => {
            let rows = query(
                db,
                "SELECT c.column_name::text, \
                 CASE WHEN c.data_type = 'ARRAY' THEN ltrim(c.udt_name::text, '_') || '[]' ELSE c.data_type::text END, \
                 c.is_nullable::text, \
                 c.character_maximum_length::int, c.numeric_precision::int, c.numeric_scale::int, \
                 (c.is_identity = 'YES' OR c.column_default LIKE 'nextval%')::boolean \
                 FROM information_schema.columns c \
                 WHERE c.table_schema = current_schema() AND c.table_name = $1 ORDER BY c.ordinal_position",
                std::slice::from_ref(&t),
            )
            .await?;
            let indexes = query(
                db,
                "SELECT i.relname::text, ix.indisunique, ix.indisprimary, \
                 array_to_string(ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord) \
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') \
                 FROM pg_class t JOIN pg_index ix ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid \
                 JOIN pg_namespace ns ON ns.oid = t.relnamespace \
                 WHERE t.relname = $1 AND ns.nspname = current_schema() ORDER BY i.relname",
                std::slice::from_ref(&t),
            )
            .await?;
            for r in &indexes {
                info.indexes.push(IndexInfo {
                    name: s(r, 0),
                    columns: s(r, 3).split(',').map(str::to_string).collect(),
                    unique: b(r, 1),
                    primary: b(r, 2),
                });
            }
            let pk_cols: Vec<String> =
                info.indexes.iter().filter(|i| i.primary).flat_map(|i| i.columns.clone()).collect();
            for r in rows {
                let name = s(&r, 0);
                let data_type = s(&r, 1);
                let precision = match (n(&r, 4), n(&r, 5)) {
                    (Some(p), Some(sc)) if data_type == "numeric" => Some((p as u32, sc as u32)),
                    _ => None,
                };
                info.columns.push(ColumnInfo {
                    primary_key: pk_cols.contains(&name),
                    name,
                    max_length: n(&r, 3).map(|v| v as u32),
                    precision,
                    null: s(&r, 2) == "YES",
                    auto: b(&r, 6),
                    data_type,
                });
            }
            for r in query(
                db,
                "SELECT a.attname::text, cl.relname::text, af.attname::text FROM pg_constraint c \
                 JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace \
                 JOIN pg_class cl ON cl.oid = c.confrelid \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                 JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] \
                 WHERE c.contype = 'f' AND t.relname = $1 AND ns.nspname = current_schema() ORDER BY c.conname",
                std::slice::from_ref(&t),
            )
            .await?
            {
                info.foreign_keys.push(ForeignKeyInfo { column: s(&r, 0), to_table: s(&r, 1), to_column: s(&r, 2) });
            }
            for r in query(
                db,
                "SELECT c.conname::text FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                 JOIN pg_namespace ns ON ns.oid = t.relnamespace \
                 WHERE c.contype = 'c' AND t.relname = $1 AND ns.nspname = current_schema() ORDER BY c.conname",
                std::slice::from_ref(&t),
            )
            .await?
            {
                info.checks.push(s(&r, 0));
            }
        }
        Family::MySql => {
            for r in query(
                db,
                "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, CHARACTER_MAXIMUM_LENGTH, \
                 NUMERIC_PRECISION, NUMERIC_SCALE, EXTRA, DATA_TYPE FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                std::slice::from_ref(&t),
            )
            .await?
            {
                let precision = match (n(&r, 5), n(&r, 6)) {
                    (Some(p), Some(sc)) if s(&r, 8).eq_ignore_ascii_case("decimal") => Some((p as u32, sc as u32)),
                    _ => None,
                };
                info.columns.push(ColumnInfo {
                    name: s(&r, 0),
                    data_type: s(&r, 1).to_lowercase(),
                    null: s(&r, 2) == "YES",
                    primary_key: s(&r, 3) == "PRI",
                    max_length: n(&r, 4).map(|v| v as u32),
                    precision,
                    auto: s(&r, 7).to_lowercase().contains("auto_increment"),
                });
            }
            let mut by_name: BTreeMap<String, IndexInfo> = BTreeMap::new();
            for r in query(
                db,
                "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                std::slice::from_ref(&t),
            )
            .await?
            {
                let name = s(&r, 0);
                let e = by_name.entry(name.clone()).or_insert_with(|| IndexInfo {
                    primary: name == "PRIMARY",
                    unique: n(&r, 1) == Some(0),
                    name,
                    columns: Vec::new(),
                });
                e.columns.push(s(&r, 2));
            }
            info.indexes = by_name.into_values().collect();
            for r in query(
                db,
                "SELECT COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL \
                 ORDER BY CONSTRAINT_NAME",
                std::slice::from_ref(&t),
            )
            .await?
            {
                info.foreign_keys.push(ForeignKeyInfo { column: s(&r, 0), to_table: s(&r, 1), to_column: s(&r, 2) });
            }
            for r in query(
                db,
                "SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'CHECK' ORDER BY CONSTRAINT_NAME",
                std::slice::from_ref(&t),
            )
            .await?
            {
                info.checks.push(s(&r, 0));
            }
        }
    }
    Ok(info)
}

/// The comparable shape of every table (the migration recorder's left out).
pub async fn schema_shape(db: &(dyn Executor + '_)) -> Result<BTreeMap<String, TableShape>> {
    let mut out = BTreeMap::new();
    for t in table_names(db).await? {
        if t == crate::recorder::TABLE {
            continue;
        }
        out.insert(t.clone(), table_info(db, &t).await?.shape());
    }
    Ok(out)
}

/// The name of the UNIQUE constraint (or unique index) on exactly `table.column`.
pub async fn column_unique_name(db: &(dyn Executor + '_), table: &str, column: &str) -> Result<Option<String>> {
    let info = table_info(db, table).await?;
    Ok(info.indexes.into_iter().find(|i| i.unique && !i.primary && i.columns == [column]).map(|i| i.name))
}

fn paren_number(ty: &str) -> Option<u32> {
    let open = ty.find('(')?;
    let close = ty[open..].find(')')? + open;
    ty[open + 1..close].split(',').next()?.trim().parse().ok()
}

/// `CONSTRAINT "name" CHECK` names in a SQLite `CREATE TABLE` statement.
fn named_checks(create_sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = create_sql;
    while let Some(i) = rest.find("CONSTRAINT ") {
        rest = &rest[i + "CONSTRAINT ".len()..];
        let (name, after) = match rest.strip_prefix('"') {
            Some(r) => match r.find('"') {
                Some(end) => (r[..end].to_string(), &r[end + 1..]),
                None => break,
            },
            None => {
                let end = rest.find(' ').unwrap_or(rest.len());
                (rest[..end].to_string(), &rest[end..])
            }
        };
        if after.trim_start().to_uppercase().starts_with("CHECK") {
            out.push(name);
        }
        rest = after;
    }
    out
}
