//! SQLite, which cannot alter columns or constraints: renames and simple new columns
//! in place, otherwise the table rebuilt (`new__<table>` created, rows copied, the old
//! table dropped, the new one renamed, indexes made again).

use std::collections::{BTreeMap, HashMap};

use ormolu_core::compiler::Params;
use ormolu_core::dialect::Dialect;
use ormolu_core::schema_alter::{
    add_column_sql, column_index_name, create_column_index_sql, create_index_sql, ColumnDef, ConstraintDef, TableDef,
};
use ormolu_core::Value;

use super::{sql, Editor, Step};

/// A column of a rebuilt table takes its value from…
enum Source {
    /// …an old column.
    Column(String),
    /// …an old column, NULLs replaced.
    Coalesce(String, Value),
    /// …a value.
    Value(Value),
}

impl Editor {
    /// SQLite: rename what can be renamed, add simple columns in place, rebuild the
    /// table for anything else.
    pub(super) fn sqlite_sync(
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
