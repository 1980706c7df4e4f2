//! [`Editor::sync`]: the DDL between two project states — join tables and model
//! tables matched up through renames, then dropped, created or changed in order.

use std::collections::HashMap;

use ormolu_core::schema_alter::TableDef;

use super::{sql, Editor, Hints, Step};
use crate::error::Result;
use crate::state::ProjectState;

type ThroughKey = (String, String, String);

impl Editor {
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
}
