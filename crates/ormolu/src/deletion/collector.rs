//! The collector (Django's `Collector.collect`): the rows to delete, and for every
//! foreign key pointing at them what its `on_delete` asks — rows to delete with them
//! (read, or deleted without reading), keys to update, refusals (PROTECT, RESTRICT).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use ormolu_core::compiler::Compiler;
use ormolu_core::error::{BlockingObjects, DeleteRefused};
use ormolu_core::meta::{ModelMeta, OnDelete};
use ormolu_core::query::{QNode, Query, Select};
use ormolu_core::{Error, Result, Value};

use super::incoming::{can_fast_delete, incoming, key, ref_fields, Incoming};
use super::{field_in, label, pk_in};
use crate::executor::{fetch, Executor};
use crate::transaction::Transaction;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The rows collected for one model.
pub(super) struct Collected {
    pub(super) meta: &'static ModelMeta,
    /// Field indexes of the cells of each row ([`ref_fields`]).
    pub(super) fields: Vec<usize>,
    /// Cells per row, in collection order.
    pub(super) rows: Vec<Vec<Value>>,
    /// The collection round of each row (rows of a self-referencing model found
    /// later are children of earlier ones, and are deleted first).
    pub(super) round: Vec<u32>,
    /// Keys of the collected pks.
    pub(super) seen: HashSet<String>,
}

/// `UPDATE model SET field = value WHERE filter`.
pub(super) struct FieldUpdate {
    pub(super) model: &'static ModelMeta,
    pub(super) field: usize,
    pub(super) value: Value,
    pub(super) filter: QNode,
}

/// Rows kept by a RESTRICT relation, unless also deleted some other way.
pub(super) struct Restricted {
    pub(super) rel: Incoming,
    pub(super) pks: Vec<Value>,
}

/// "`parent` is deleted after `child`", from a CASCADE or RESTRICT relation.
pub(super) struct Dependency {
    pub(super) parent: &'static str,
    pub(super) child: &'static str,
    /// For a nullable CASCADE relation: the field and the pointing rows, so the
    /// dependency can be broken by setting the key to NULL first (a cycle).
    pub(super) nullable: Option<(&'static ModelMeta, usize, Vec<Value>)>,
    pub(super) broken: bool,
}

/// Django's `Collector`: what one delete gathers, in one transaction.
pub(super) struct Collector<'t> {
    pub(super) exec: &'t Transaction,
    /// Most values in one `IN` list.
    pub(super) limit: usize,
    pub(super) data: Vec<Collected>,
    /// Position in `data` by table.
    pub(super) index: HashMap<&'static str, usize>,
    /// `DELETE FROM model WHERE filter`, run first.
    pub(super) fast_deletes: Vec<(&'static ModelMeta, QNode)>,
    pub(super) updates: Vec<FieldUpdate>,
    pub(super) restricted: Vec<Restricted>,
    pub(super) deps: Vec<Dependency>,
}

impl Collector<'_> {
    pub(super) fn slot(&mut self, m: &'static ModelMeta) -> usize {
        if let Some(&i) = self.index.get(m.table) {
            return i;
        }
        self.data.push(Collected {
            meta: m,
            fields: ref_fields(m),
            rows: Vec::new(),
            round: Vec::new(),
            seen: HashSet::new(),
        });
        self.index.insert(m.table, self.data.len() - 1);
        self.data.len() - 1
    }

    /// Adds rows not collected yet; returns them.
    fn add(&mut self, m: &'static ModelMeta, rows: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
        let i = self.slot(m);
        let entry = &mut self.data[i];
        let round = entry.round.last().map_or(0, |r| r + 1);
        let mut new = Vec::new();
        for row in rows {
            if entry.seen.insert(key(&row[0])) {
                entry.rows.push(row.clone());
                entry.round.push(round);
                new.push(row);
            }
        }
        new
    }

    /// `SELECT pk, referenced fields FROM model WHERE …` for the query.
    pub(super) async fn fetch_rows(&self, mut q: Query) -> Result<Vec<Vec<Value>>> {
        let m = q.model;
        q.select = Select::Values(ref_fields(m).iter().map(|&i| m.fields[i].name.to_string()).collect());
        let plan = Compiler::new(self.exec.dialect(), &q).select()?;
        Ok(fetch(self.exec, &plan.sql).await?.into_iter().map(|r| r.values).collect())
    }

    /// Chunks of `values` that fit in one `IN` list shared by `fields` lists.
    pub(super) fn chunks(&self, values: &[Value], fields: usize) -> Vec<Vec<Value>> {
        let size = (self.limit / fields.max(1)).max(1);
        values.chunks(size).map(<[Value]>::to_vec).collect()
    }

    /// Django's `Collector.collect`: adds `rows` of `m` and follows what points at them.
    /// `top` is the outermost call, which checks RESTRICT relations at the end.
    pub(super) fn collect(
        &mut self,
        m: &'static ModelMeta,
        rows: Vec<Vec<Value>>,
        source: Option<Incoming>,
        top: bool,
    ) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            let new = self.add(m, rows);
            if let Some(src) = source {
                let parent = (src.model.fields[src.field].relation.as_ref().expect("relation").to)();
                let nullable = src.model.fields[src.field].null;
                let pks: Vec<Value> = new.iter().map(|r| r[0].clone()).collect();
                self.deps.push(Dependency {
                    parent: parent.table,
                    child: m.table,
                    nullable: nullable.then_some((m, src.field, pks)),
                    broken: false,
                });
            }
            if new.is_empty() {
                return Ok(());
            }
            let fields = self.data[self.index[m.table]].fields.clone();
            let mut protected: Vec<(String, Vec<BlockingObjects>)> = Vec::new();
            let mut fast: Vec<(&'static ModelMeta, Vec<Incoming>)> = Vec::new();
            for rel in incoming(m) {
                let on_delete = rel.on_delete();
                if *on_delete == OnDelete::DoNothing {
                    continue;
                }
                let pos = fields.iter().position(|&f| f == rel.target_field(m)).expect("a referenced field");
                let mut seen = HashSet::new();
                let values: Vec<Value> =
                    new.iter().map(|r| r[pos].clone()).filter(|v| !v.is_null() && seen.insert(key(v))).collect();
                if values.is_empty() {
                    continue;
                }
                if *on_delete == OnDelete::Cascade && can_fast_delete(rel.model) {
                    match fast.iter_mut().find(|(fm, _)| fm.table == rel.model.table) {
                        Some((_, rels)) => rels.push(*rel),
                        None => fast.push((rel.model, vec![*rel])),
                    }
                    continue;
                }
                let child = rel.model;
                let field = &child.fields[rel.field];
                let set_value = match on_delete {
                    OnDelete::SetNull => Some(Value::Null),
                    OnDelete::Set(v) => Some(v.clone()),
                    OnDelete::SetDefault => Some(field.default.as_ref().map_or(Value::Null, |d| d.value())),
                    _ => None,
                };
                for chunk in self.chunks(&values, 1) {
                    let filter = field_in(child, rel.field, chunk);
                    if let Some(value) = &set_value {
                        self.updates.push(FieldUpdate { model: child, field: rel.field, value: value.clone(), filter });
                        continue;
                    }
                    let mut q = Query::new(child);
                    q.filter = filter;
                    q.order_by = Some(Query::no_ordering());
                    let sub = self.fetch_rows(q).await?;
                    if sub.is_empty() {
                        continue;
                    }
                    match on_delete {
                        OnDelete::Cascade => match self.collect(child, sub, Some(*rel), false).await {
                            Ok(()) => {}
                            Err(Error::Protected(inner)) => push_blocking(&mut protected, rel.name(), inner.blocking),
                            Err(e) => return Err(e),
                        },
                        OnDelete::Protect => {
                            let b = BlockingObjects {
                                model: label(child),
                                field: field.name.to_string(),
                                pks: sub.into_iter().map(|mut r| r.swap_remove(0)).collect(),
                            };
                            push_blocking(&mut protected, rel.name(), vec![b]);
                        }
                        OnDelete::Restrict => {
                            self.slot(child);
                            self.deps.push(Dependency {
                                parent: m.table,
                                child: child.table,
                                nullable: None,
                                broken: false,
                            });
                            self.restricted.push(Restricted {
                                rel: *rel,
                                pks: sub.into_iter().map(|mut r| r.swap_remove(0)).collect(),
                            });
                        }
                        _ => unreachable!("handled above"),
                    }
                }
            }
            if !protected.is_empty() {
                let relations = protected.iter().map(|(k, _)| k.clone()).collect();
                let blocking = protected.into_iter().flat_map(|(_, b)| b).collect();
                return Err(Error::Protected(DeleteRefused { model: m.name.to_string(), relations, blocking }));
            }
            for (child, rels) in fast {
                for rows in new.chunks((self.limit / rels.len()).max(1)) {
                    let mut filter: Option<QNode> = None;
                    for rel in &rels {
                        let pos = fields.iter().position(|&f| f == rel.target_field(m)).expect("a referenced field");
                        let values: Vec<Value> = rows.iter().map(|r| r[pos].clone()).filter(|v| !v.is_null()).collect();
                        if values.is_empty() {
                            continue;
                        }
                        let node = field_in(child, rel.field, values);
                        filter = Some(match filter {
                            None => node,
                            Some(f) => f.or(node),
                        });
                    }
                    if let Some(f) = filter {
                        self.fast_deletes.push((child, f));
                    }
                }
            }
            if top {
                self.check_restricted(m).await?;
            }
            Ok(())
        })
    }

    /// Django's RESTRICT rule: the restricted rows must all be deleted anyway
    /// (collected, or matched by a fast delete); otherwise [`Error::Restricted`].
    async fn check_restricted(&mut self, m: &'static ModelMeta) -> Result<()> {
        let mut left: Vec<Restricted> = Vec::new();
        for r in std::mem::take(&mut self.restricted) {
            let seen = self.index.get(r.rel.model.table).map(|&i| &self.data[i].seen);
            let pks: Vec<Value> = r.pks.into_iter().filter(|p| !seen.is_some_and(|s| s.contains(&key(p)))).collect();
            if !pks.is_empty() {
                left.push(Restricted { rel: r.rel, pks });
            }
        }
        for r in &mut left {
            let fast: Vec<QNode> = self
                .fast_deletes
                .iter()
                .filter(|(fm, _)| fm.table == r.rel.model.table)
                .map(|(_, f)| f.clone())
                .collect();
            if fast.is_empty() {
                continue;
            }
            let mut gone = HashSet::new();
            for chunk in self.chunks(&r.pks, 2) {
                for f in &fast {
                    let mut q = Query::new(r.rel.model);
                    q.filter = pk_in(r.rel.model, chunk.clone()).and(f.clone());
                    q.order_by = Some(Query::no_ordering());
                    q.select = Select::Values(vec![r.rel.model.pk_field().name.to_string()]);
                    let plan = Compiler::new(self.exec.dialect(), &q).select()?;
                    for row in fetch(self.exec, &plan.sql).await? {
                        if let Some(v) = row.values.first() {
                            gone.insert(key(v));
                        }
                    }
                }
            }
            r.pks.retain(|p| !gone.contains(&key(p)));
        }
        left.retain(|r| !r.pks.is_empty());
        if left.is_empty() {
            return Ok(());
        }
        let mut named: Vec<(String, Vec<BlockingObjects>)> = Vec::new();
        for r in left {
            let b = BlockingObjects {
                model: label(r.rel.model),
                field: r.rel.model.fields[r.rel.field].name.to_string(),
                pks: r.pks,
            };
            push_blocking(&mut named, r.rel.name(), vec![b]);
        }
        let relations = named.iter().map(|(k, _)| k.clone()).collect();
        let blocking = named.into_iter().flat_map(|(_, b)| b).collect();
        Err(Error::Restricted(DeleteRefused { model: m.name.to_string(), relations, blocking }))
    }
}

/// Adds blocking rows under a relation name, merging rows of the same model and field.
fn push_blocking(into: &mut Vec<(String, Vec<BlockingObjects>)>, name: String, blocking: Vec<BlockingObjects>) {
    let slot = match into.iter().position(|(k, _)| *k == name) {
        Some(i) => &mut into[i].1,
        None => {
            into.push((name, Vec::new()));
            &mut into.last_mut().expect("just pushed").1
        }
    };
    for b in blocking {
        match slot.iter_mut().find(|x| x.model == b.model && x.field == b.field) {
            Some(x) => {
                for pk in b.pks {
                    if !x.pks.contains(&pk) {
                        x.pks.push(pk);
                    }
                }
            }
            None => slot.push(b),
        }
    }
}
