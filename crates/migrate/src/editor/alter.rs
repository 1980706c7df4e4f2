//! A table changed in place with ALTER TABLE (PostgreSQL, MySQL/MariaDB): drops under
//! the old names, renames, new and changed columns, then new constraints and indexes.

use std::collections::{BTreeMap, HashMap};

use ormolu_core::compiler::Params;
use ormolu_core::schema_alter::{
    add_column_sql, add_column_unique_sql, add_constraint_sql, add_foreign_key_sql, column_index_name,
    create_column_index_sql, create_index_sql, drop_column_sql, drop_constraint_sql, foreign_key_name,
    unique_together_name, ColumnDef, ConstraintDef, TableDef,
};
use ormolu_core::Value;

use super::{sql, Editor, Step};

impl Editor {
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
    pub(super) fn alter_in_place(
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
}
