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

use std::collections::{BTreeMap, HashMap};

use ormolu_core::compiler::{Params, Sql};
use ormolu_core::dialect::Dialect;
use ormolu_core::schema_alter::{
    add_column_sql, add_column_unique_sql, add_constraint_sql, add_foreign_key_sql, column_index_name,
    create_column_index_sql, create_index_sql, drop_column_sql, drop_constraint_sql, foreign_key_name,
    unique_together_name, ColumnDef, ConstraintDef, TableDef,
};
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
    Step::Sql(Sql { sql: s, params: Vec::new() })
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

/// A column of a rebuilt table takes its value from…
enum Source {
    /// …an old column.
    Column(String),
    /// …an old column, NULLs replaced.
    Coalesce(String, Value),
    /// …a value.
    Value(Value),
}

type ThroughKey = (String, String, String);

impl Editor {
    /// An editor writing `d`'s SQL.
    pub fn new(d: &'static dyn Dialect) -> Editor {
        Editor { d }
    }

    /// The DDL that turns the tables of `before` into those of `after`.
    /// A field the backend cannot store (an array field outside PostgreSQL) is
    /// `Error::NotSupported`, before any SQL.
    pub fn sync(&self, before: &ProjectState, after: &ProjectState, hints: &Hints) -> Result<Vec<Step>> {
        for f in after.models.values().flat_map(|m| m.fields.iter()) {
            ormolu_core::schema::check_field_type(self.d, f.ty)?;
        }
        let mut out = Vec::new();
        let table_renames = self.table_renames(before, after, hints)?;

        // Join tables: match them up (through model and field renames).
        let through_before = before.through_tables()?;
        let through_after = after.through_tables()?;
        let map_through = |k: &ThroughKey| -> ThroughKey {
            let (app, model, field) = k;
            let model_b = hints.model_before(app, model);
            let field_b = hints.field_before(app, model, field);
            (app.clone(), model_b, field_b)
        };
        let mut through_pairs: Vec<(TableDef, TableDef)> = Vec::new();
        let mut through_new: Vec<TableDef> = Vec::new();
        let mut matched: Vec<ThroughKey> = Vec::new();
        for (k, t) in &through_after {
            let kb = map_through(k);
            match through_before.get(&kb) {
                Some(old) => {
                    matched.push(kb);
                    through_pairs.push((old.clone(), t.clone()));
                }
                None => through_new.push(t.clone()),
            }
        }
        // 1. Join tables that go away.
        for (k, t) in &through_before {
            if !matched.contains(k) {
                out.push(sql(format!("DROP TABLE {}", self.d.quote(&t.table))));
            }
        }

        // 2. Model tables.
        let mut after_keys: Vec<&(String, String)> = after.models.keys().collect();
        after_keys.sort();
        let mut seen_before: Vec<(String, String)> = Vec::new();
        let mut creates = Vec::new();
        for key in after_keys {
            let m = &after.models[key];
            let kb = (key.0.clone(), hints.model_before(&key.0, &key.1));
            seen_before.push(kb.clone());
            match before.models.get(&kb) {
                None => creates.push(after.table_def(m)?),
                Some(old_m) => {
                    let old = before.table_def(old_m)?;
                    let new = after.table_def(m)?;
                    let mut renames = Vec::new();
                    let mut fills = HashMap::new();
                    for f in &m.fields {
                        let before_name = hints.field_before(&m.app, &m.name, &f.name);
                        if let Some(of) = old_m.field_named(&before_name) {
                            if of.column() != f.column() {
                                renames.push((of.column(), f.column()));
                            }
                        }
                        let fill = hints
                            .fills
                            .iter()
                            .find(|(a, mn, fname, _)| {
                                a == &m.app && mn.eq_ignore_ascii_case(&m.name) && fname == &f.name
                            })
                            .map(|(_, _, _, v)| v.clone())
                            .or_else(|| f.default.clone());
                        if let Some(v) = fill {
                            fills.insert(f.column(), v);
                        }
                    }
                    if old != new || !renames.is_empty() {
                        out.extend(self.sync_table(&old, &new, &renames, &fills, &table_renames)?);
                    }
                }
            }
        }
        for t in creates {
            out.extend(t.create_sql(self.d).into_iter().map(sql));
        }
        for key in before.models.keys() {
            if !seen_before.contains(key) {
                let old = &before.models[key];
                out.push(sql(format!("DROP TABLE {}", self.d.quote(&old.table))));
            }
        }

        // 3. Join tables that are new or changed.
        for t in through_new {
            out.extend(t.create_sql(self.d).into_iter().map(sql));
        }
        for (old, new) in through_pairs {
            if old != new {
                let renames: Vec<(String, String)> = old
                    .columns
                    .iter()
                    .zip(&new.columns)
                    .filter(|(a, b)| a.column != b.column)
                    .map(|(a, b)| (a.column.clone(), b.column.clone()))
                    .collect();
                out.extend(self.sync_table(&old, &new, &renames, &HashMap::new(), &table_renames)?);
            }
        }
        Ok(out)
    }

    /// Tables renamed between the states (renamed models whose table changed).
    fn table_renames(
        &self,
        before: &ProjectState,
        after: &ProjectState,
        hints: &Hints,
    ) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for (key, m) in &after.models {
            let kb = (key.0.clone(), hints.model_before(&key.0, &key.1));
            if let Some(old) = before.models.get(&kb) {
                if old.table != m.table {
                    out.push((old.table.clone(), m.table.clone()));
                }
            }
        }
        Ok(out)
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

    /// Whether the reference of `o` (old) and `n` (new) point at the same column,
    /// counting tables renamed meanwhile.
    fn same_reference(o: &ColumnDef, n: &ColumnDef, table_renames: &[(String, String)]) -> bool {
        match (&o.references, &n.references) {
            (None, None) => true,
            (Some((ot, oc)), Some((nt, nc))) => {
                let ot = table_renames.iter().find(|(a, _)| a == ot).map(|(_, b)| b).unwrap_or(ot);
                ot == nt && oc == nc
            }
            _ => false,
        }
    }

    fn fill_sql(&self, table: &str, column: &str, v: &Value, only_nulls: bool) -> Step {
        let mut p = Params::default();
        let marker = p.push(v.clone());
        let mut s = format!("UPDATE {} SET {} = {marker}", self.d.quote(table), self.d.quote(column));
        if only_nulls {
            s.push_str(&format!(" WHERE {} IS NULL", self.d.quote(column)));
        }
        Step::Sql(p.finish(s, self.d))
    }

    /// PostgreSQL, MySQL/MariaDB: ALTER TABLE.
    fn alter_in_place(
        &self,
        old: &TableDef,
        new: &TableDef,
        new_to_old: &BTreeMap<String, String>,
        fills: &HashMap<String, Value>,
        table_renames: &[(String, String)],
    ) -> Vec<Step> {
        let d = self.d;
        let t = &new.table;
        let mut out = Vec::new();
        if old.table != new.table {
            out.push(sql(d.rename_table_sql(&old.table, &new.table)));
        }
        let old_to_new: BTreeMap<&String, &String> = new_to_old.iter().map(|(n, o)| (o, n)).collect();
        let map_cols = |cols: &[String]| -> Option<Vec<String>> {
            cols.iter().map(|c| old_to_new.get(c).map(|n| (*n).clone())).collect()
        };

        // Drops, under the old names.
        for idx in &old.indexes {
            let kept = new.indexes.iter().any(|n| {
                n.name == idx.name && Some(&n.columns) == map_cols(&idx.columns).as_ref() && n.unique == idx.unique
            });
            if !kept {
                out.push(sql(d.drop_index_sql(t, &idx.name)));
            }
        }
        let same_constraint = |o: &ConstraintDef, n: &ConstraintDef| match (o, n) {
            (ConstraintDef::Unique { name: a, columns: ca }, ConstraintDef::Unique { name: b, columns: cb }) => {
                a == b && map_cols(ca).as_ref() == Some(cb)
            }
            (ConstraintDef::Check { name: a, sql: sa }, ConstraintDef::Check { name: b, sql: sb }) => {
                a == b && sa == sb
            }
            _ => false,
        };
        for c in &old.constraints {
            if !new.constraints.iter().any(|n| same_constraint(c, n)) {
                out.push(sql(drop_constraint_sql(d, t, c)));
            }
        }
        let mut together_kept: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for set in &old.unique_together {
            match map_cols(set).filter(|m| new.unique_together.contains(m)) {
                Some(m) => together_kept.push((set.clone(), m)),
                None => out.push(sql(d.drop_unique_sql(t, &unique_together_name(&old.table, set)))),
            }
        }
        let mut fk_dropped: Vec<String> = Vec::new();
        for oc in &old.columns {
            let Some(n) = old_to_new.get(&oc.column) else {
                // Removed column: its foreign key goes first (MySQL refuses otherwise).
                if oc.references.is_some() {
                    out.push(sql(d.drop_foreign_key_sql(t, &foreign_key_name(&old.table, &oc.column))));
                }
                continue;
            };
            let nc = new.column(n).expect("paired");
            if oc.references.is_some() && (!Self::same_reference(oc, nc, table_renames) || !oc.same_type(nc)) {
                out.push(sql(d.drop_foreign_key_sql(t, &foreign_key_name(&old.table, &oc.column))));
                fk_dropped.push(nc.column.clone());
            }
            if oc.unique && !nc.unique && !oc.primary_key {
                out.push(Step::DropColumnUnique { table: t.clone(), column: oc.column.clone() });
            }
            if oc.indexed() && !nc.indexed() {
                out.push(sql(d.drop_index_sql(t, &column_index_name(&old.table, &oc.column))));
            }
        }
        for oc in &old.columns {
            if !old_to_new.contains_key(&oc.column) {
                out.push(sql(drop_column_sql(d, t, &oc.column)));
            }
        }

        // Renamed columns, then the names derived from table and column.
        for (n, o) in new_to_old {
            if n != o {
                out.push(sql(d.rename_column_sql(t, o, n)));
            }
        }
        for (n, o) in new_to_old {
            let (oc, nc) = (old.column(o).expect("paired"), new.column(n).expect("paired"));
            if oc.indexed() && nc.indexed() {
                let (a, b) = (column_index_name(&old.table, o), column_index_name(t, n));
                if a != b {
                    match d.rename_index_sql(t, &a, &b) {
                        Some(s) => out.push(sql(s)),
                        None => {
                            out.push(sql(d.drop_index_sql(t, &a)));
                            out.push(sql(create_column_index_sql(d, t, n)));
                        }
                    }
                }
            }
            if oc.references.is_some() && nc.references.is_some() && !fk_dropped.contains(n) {
                let (a, b) = (foreign_key_name(&old.table, o), foreign_key_name(t, n));
                if a != b {
                    match d.rename_foreign_key_sql(t, &a, &b) {
                        Some(s) => out.push(sql(s)),
                        None => {
                            out.push(sql(d.drop_foreign_key_sql(t, &a)));
                            out.extend(add_foreign_key_sql(d, t, nc).map(sql));
                        }
                    }
                }
            }
        }
        for (o_set, n_set) in &together_kept {
            let (a, b) = (unique_together_name(&old.table, o_set), unique_together_name(t, n_set));
            if a != b {
                match d.rename_unique_sql(t, &a, &b) {
                    Some(s) => out.push(sql(s)),
                    None => {
                        out.push(sql(d.drop_unique_sql(t, &a)));
                        out.push(sql(add_constraint_sql(
                            d,
                            t,
                            &ConstraintDef::Unique { name: b, columns: n_set.clone() },
                        )));
                    }
                }
            }
        }

        // New columns.
        for nc in &new.columns {
            if new_to_old.contains_key(&nc.column) {
                continue;
            }
            // Existing rows get the one-off value or the default (as Django's effective
            // default): the column is added NULL, filled, then made NOT NULL.
            match fills.get(&nc.column).filter(|v| !v.is_null()) {
                Some(v) => {
                    let nullable = ColumnDef { null: true, ..nc.clone() };
                    out.push(sql(add_column_sql(d, t, &nullable)));
                    out.push(self.fill_sql(t, &nc.column, v, false));
                    if !nc.null {
                        out.push(sql(d.alter_column_null_sql(t, &nc.column, &nc.type_sql(d), false)));
                    }
                }
                None => out.push(sql(add_column_sql(d, t, nc))),
            }
            out.extend(add_foreign_key_sql(d, t, nc).map(sql));
            if nc.indexed() {
                out.push(sql(create_column_index_sql(d, t, &nc.column)));
            }
        }

        // Changed columns.
        for (n, o) in new_to_old {
            let (oc, nc) = (old.column(o).expect("paired"), new.column(n).expect("paired"));
            if oc.null && !nc.null {
                if let Some(v) = fills.get(n) {
                    out.push(self.fill_sql(t, n, v, true));
                }
            }
            let retyped = !oc.same_type(nc);
            if retyped {
                out.push(sql(d.alter_column_type_sql(t, n, &nc.type_sql(d), nc.null)));
            }
            if oc.null != nc.null {
                out.push(sql(d.alter_column_null_sql(t, n, &nc.type_sql(d), nc.null)));
            }
            if nc.unique && !oc.unique && !nc.primary_key {
                out.push(sql(add_column_unique_sql(d, t, n)));
            }
            if nc.indexed() && !oc.indexed() {
                out.push(sql(create_column_index_sql(d, t, n)));
            }
            if nc.references.is_some() && (oc.references.is_none() || fk_dropped.contains(n)) {
                out.extend(add_foreign_key_sql(d, t, nc).map(sql));
            }
        }

        // New unique sets, constraints and indexes.
        for set in &new.unique_together {
            if !together_kept.iter().any(|(_, n)| n == set) {
                let c = ConstraintDef::Unique { name: unique_together_name(t, set), columns: set.clone() };
                out.push(sql(add_constraint_sql(d, t, &c)));
            }
        }
        for c in &new.constraints {
            if !old.constraints.iter().any(|o| same_constraint(o, c)) {
                out.push(sql(add_constraint_sql(d, t, c)));
            }
        }
        for idx in &new.indexes {
            let existed = old.indexes.iter().any(|o| {
                o.name == idx.name && map_cols(&o.columns).as_ref() == Some(&idx.columns) && o.unique == idx.unique
            });
            if !existed {
                out.push(sql(create_index_sql(d, t, idx)));
            }
        }
        out
    }

    /// SQLite: rename what can be renamed, add simple columns in place, rebuild the
    /// table for anything else.
    fn sqlite_sync(
        &self,
        old: &TableDef,
        new: &TableDef,
        new_to_old: &BTreeMap<String, String>,
        fills: &HashMap<String, Value>,
        table_renames: &[(String, String)],
    ) -> Vec<Step> {
        let d = self.d;
        let t = &new.table;
        let mut out = Vec::new();
        if old.table != new.table {
            out.push(sql(d.rename_table_sql(&old.table, &new.table)));
        }
        // What the old table becomes after renaming table and columns in place.
        let renamed_cols: Vec<ColumnDef> = old
            .columns
            .iter()
            .map(|c| {
                let n = new_to_old.iter().find(|(_, o)| *o == &c.column).map(|(n, _)| n.clone());
                let mut c = c.clone();
                if let Some(n) = n {
                    c.column = n;
                }
                if let Some((rt, _)) = &mut c.references {
                    if let Some((_, to)) = table_renames.iter().find(|(a, _)| a == rt) {
                        *rt = to.clone();
                    }
                }
                c
            })
            .collect();
        let old_to_new: BTreeMap<&String, &String> = new_to_old.iter().map(|(n, o)| (o, n)).collect();
        let map_cols = |cols: &[String]| -> Vec<String> {
            cols.iter().map(|c| old_to_new.get(c).map(|n| (*n).clone()).unwrap_or(c.clone())).collect()
        };
        let renamed = TableDef {
            table: t.clone(),
            columns: renamed_cols,
            unique_together: old.unique_together.iter().map(|s| map_cols(s)).collect(),
            constraints: old
                .constraints
                .iter()
                .map(|c| match c {
                    ConstraintDef::Unique { name, columns } => {
                        ConstraintDef::Unique { name: name.clone(), columns: map_cols(columns) }
                    }
                    c => c.clone(),
                })
                .collect(),
            indexes: old
                .indexes
                .iter()
                .map(|i| ormolu_core::schema_alter::IndexDef { columns: map_cols(&i.columns), ..i.clone() })
                .collect(),
        };
        // Simple new columns (nullable, nothing to fill, no key or constraint) are added in place.
        let simple_add = |c: &ColumnDef| {
            c.null && !c.unique && !c.primary_key && c.references.is_none() && !fills.contains_key(&c.column)
        };
        let mut in_place = renamed.clone();
        let mut added = Vec::new();
        for (i, c) in new.columns.iter().enumerate() {
            if !new_to_old.contains_key(&c.column) && simple_add(c) && in_place.columns.len() == i {
                in_place.columns.push(c.clone());
                added.push(c.clone());
            }
        }
        let tables_agree = in_place.columns == new.columns
            && in_place.unique_together == new.unique_together
            && in_place.constraints == new.constraints;
        if tables_agree {
            for (n, o) in new_to_old {
                if n != o {
                    out.push(sql(d.rename_column_sql(t, o, n)));
                }
            }
            for c in &added {
                out.push(sql(add_column_sql(d, t, c)));
            }
            // Indexes whose name or definition changed are made again.
            let old_ix = index_list(d, old, Some(&old_to_new));
            let new_ix = index_list(d, new, None);
            for (name, cols, _) in &old_ix {
                if !new_ix.iter().any(|(n, c, _)| n == name && c == cols) {
                    out.push(sql(d.drop_index_sql(t, name)));
                }
            }
            for (name, cols, stmt) in &new_ix {
                if !old_ix.iter().any(|(n, c, _)| n == name && c == cols) {
                    out.push(sql(stmt.clone()));
                }
            }
            return out;
        }
        // The rebuild.
        let tmp = format!("new__{t}");
        out.push(sql(new.create_table_stmt(d, &tmp)));
        let mut p = Params::default();
        let mut cols = Vec::new();
        let mut exprs = Vec::new();
        for c in &new.columns {
            let src = match (new_to_old.get(&c.column), fills.get(&c.column)) {
                (Some(o), Some(v)) if !c.null && old.column(o).is_some_and(|oc| oc.null) => {
                    Source::Coalesce(o.clone(), v.clone())
                }
                (Some(o), _) => Source::Column(o.clone()),
                (None, Some(v)) if !v.is_null() => Source::Value(v.clone()),
                (None, _) => continue,
            };
            cols.push(d.quote(&c.column));
            exprs.push(match src {
                Source::Column(o) => d.quote(&o),
                Source::Coalesce(o, v) => format!("COALESCE({}, {})", d.quote(&o), p.push(v)),
                Source::Value(v) => p.push(v),
            });
        }
        if !cols.is_empty() {
            let s = format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                d.quote(&tmp),
                cols.join(", "),
                exprs.join(", "),
                d.quote(t)
            );
            out.push(Step::Sql(p.finish(s, d)));
        }
        out.push(sql(format!("DROP TABLE {}", d.quote(t))));
        out.push(sql(d.rename_table_sql(&tmp, t)));
        out.extend(new.index_stmts(d).into_iter().map(sql));
        out
    }
}

/// The indexes of a table as `(name, columns, CREATE statement)`; with a column map,
/// columns are given under their new names (names stay as they are).
fn index_list(
    d: &dyn Dialect,
    t: &TableDef,
    map: Option<&BTreeMap<&String, &String>>,
) -> Vec<(String, Vec<String>, String)> {
    let m = |c: &String| -> String { map.and_then(|m| m.get(c)).map(|n| (*n).clone()).unwrap_or(c.clone()) };
    let mut out = Vec::new();
    for c in t.columns.iter().filter(|c| c.indexed()) {
        out.push((
            column_index_name(&t.table, &c.column),
            vec![m(&c.column)],
            create_column_index_sql(d, &t.table, &c.column),
        ));
    }
    for i in &t.indexes {
        out.push((i.name.clone(), i.columns.iter().map(m).collect(), create_index_sql(d, &t.table, i)));
    }
    out
}
