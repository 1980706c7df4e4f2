//! Running what the collector gathered (Django's `Collector.delete`): the models in
//! deletion order (children first, cycles broken through nullable keys), then fast
//! deletes, key updates and the collected rows.

use std::collections::HashSet;

use ormolu_core::compiler::{update_sql, Assignment, Compiler};
use ormolu_core::query::{Expr, Query};
use ormolu_core::{Result, Value};

use super::collector::{Collector, FieldUpdate};
use super::{pk_in, DeleteResult};
use crate::executor::{execute, Executor};

impl Collector<'_> {
    /// The models in deletion order (children before parents). A cycle is broken by
    /// setting nullable CASCADE keys to NULL first; one that cannot be broken keeps
    /// the collection order, reversed.
    fn order(&mut self) -> Vec<usize> {
        let mut done: Vec<usize> = Vec::new();
        let mut placed: HashSet<&'static str> = HashSet::new();
        while done.len() < self.data.len() {
            let mut found = false;
            for (i, c) in self.data.iter().enumerate() {
                if placed.contains(c.meta.table) {
                    continue;
                }
                let waits = self
                    .deps
                    .iter()
                    .any(|d| !d.broken && d.parent == c.meta.table && d.child != d.parent && !placed.contains(d.child));
                if !waits {
                    placed.insert(c.meta.table);
                    done.push(i);
                    found = true;
                }
            }
            if found {
                continue;
            }
            let mut broke = false;
            for d in &mut self.deps {
                if d.broken || d.parent == d.child || placed.contains(d.parent) || placed.contains(d.child) {
                    continue;
                }
                if let Some((m, field, pks)) = &d.nullable {
                    d.broken = true;
                    broke = true;
                    for chunk in pks.chunks(self.limit) {
                        self.updates.push(FieldUpdate {
                            model: m,
                            field: *field,
                            value: Value::Null,
                            filter: pk_in(m, chunk.to_vec()),
                        });
                    }
                }
            }
            if !broke {
                let rest: Vec<usize> =
                    (0..self.data.len()).rev().filter(|&i| !placed.contains(self.data[i].meta.table)).collect();
                done.extend(rest);
                break;
            }
        }
        done
    }

    /// Django's `Collector.delete`: fast deletes, field updates, then the collected
    /// rows, children first.
    pub(super) async fn run(mut self) -> Result<DeleteResult> {
        let order = self.order();
        let d = self.exec.dialect();
        let mut out = DeleteResult::default();
        for (m, filter) in &self.fast_deletes {
            let mut q = Query::new(m);
            q.filter = filter.clone();
            let sql = Compiler::new(d, &q).delete()?;
            out.add(m, execute(self.exec, &sql).await?.rows_affected);
        }
        for u in &self.updates {
            let mut q = Query::new(u.model);
            q.filter = u.filter.clone();
            let set =
                [Assignment { field: u.model.fields[u.field].name.to_string(), value: Expr::Value(u.value.clone()) }];
            let sql = update_sql(d, &q, &set)?;
            execute(self.exec, &sql).await?;
        }
        for i in order {
            let c = &self.data[i];
            if c.rows.is_empty() {
                continue;
            }
            let self_ref = self.deps.iter().any(|d| !d.broken && d.parent == c.meta.table && d.child == c.meta.table);
            // A self-referencing model: later rounds first (children before parents).
            let rounds: Vec<u32> = if self_ref {
                let mut r: Vec<u32> = c.round.clone();
                r.dedup();
                r.reverse();
                r
            } else {
                vec![u32::MAX]
            };
            for round in rounds {
                let pks: Vec<Value> = c
                    .rows
                    .iter()
                    .zip(&c.round)
                    .filter(|(_, &r)| round == u32::MAX || r == round)
                    .map(|(row, _)| row[0].clone())
                    .collect();
                for chunk in self.chunks(&pks, 1) {
                    let mut q = Query::new(c.meta);
                    q.filter = pk_in(c.meta, chunk);
                    let sql = Compiler::new(d, &q).delete()?;
                    out.add(c.meta, execute(self.exec, &sql).await?.rows_affected);
                }
            }
        }
        Ok(out)
    }
}
