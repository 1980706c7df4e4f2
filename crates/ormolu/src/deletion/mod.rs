//! The deletion collector (Django's `django.db.models.deletion.Collector`): what
//! `QuerySet::delete` and `Instance::delete` run.
//!
//! Starting from the rows to delete, it follows every foreign key pointing at them
//! (from the model registry, hidden `related_name = "+"` ones included), to any depth,
//! and does what each `on_delete` asks:
//!
//! - CASCADE: the pointing rows are collected and their own relations followed. When
//!   the pointing model has nothing pointing at it in turn, its rows are deleted
//!   without being read (`DELETE … WHERE fk IN (…)`, Django's "fast delete").
//! - PROTECT: the delete is refused with [`Error::Protected`], naming the rows.
//! - RESTRICT: refused with [`Error::Restricted`], unless those rows are deleted
//!   anyway by a cascade through another path (Django's rule).
//! - SET_NULL, SET_DEFAULT, SET(value): the pointing rows are updated.
//! - DO_NOTHING: nothing (the database's own constraint decides).
//!
//! Everything runs in one transaction (a savepoint inside an outer one): a refusal or
//! an error leaves every row in place. Rows are updated first, then deleted children
//! before parents, with `IN` lists kept under the backend's parameter limit.
//!
//! Fast path: when nothing points at the model (or only DO_NOTHING relations do), a
//! delete is one `DELETE` statement and no transaction.
//!
//! Where things are: this file ([`DeleteResult`], where a delete starts, the fast
//! path); `incoming` (the foreign keys pointing at a model); `collector` (what goes
//! with the rows, per `on_delete`); `run` (the order of the statements, and running them).

mod collector;
mod incoming;
mod run;

pub(crate) use incoming::{can_fast_delete, instance_row};

use std::collections::{BTreeMap, HashMap};

use ormolu_core::compiler::Compiler;
use ormolu_core::meta::ModelMeta;
use ormolu_core::query::{QNode, Query, Rhs};
use ormolu_core::{Error, Result, Value};

use crate::executor::{execute, Executor};
use crate::transaction::Transaction;
use collector::Collector;

/// What a delete did: the rows deleted in all, and per model, keyed by Django's model
/// label (`"shop.Entry"`: app label and model name). Models with nothing deleted are
/// left out, as Django does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteResult {
    /// Rows deleted, every model included.
    pub total: u64,
    /// Rows deleted per model label.
    pub per_model: BTreeMap<String, u64>,
}

impl DeleteResult {
    /// Rows deleted of the model with this label (`"shop.Entry"`), 0 if none.
    pub fn count(&self, label: &str) -> u64 {
        self.per_model.get(label).copied().unwrap_or(0)
    }

    fn add(&mut self, m: &ModelMeta, n: u64) {
        if n > 0 {
            self.total += n;
            *self.per_model.entry(label(m)).or_default() += n;
        }
    }
}

/// Django's model label: `app_label.ModelName`.
pub fn label(m: &ModelMeta) -> String {
    format!("{}.{}", m.app_label, m.name)
}

/// Where the collector starts.
pub(crate) enum Start {
    /// The rows a query matches.
    Query(Box<Query>),
    /// Rows already in hand (an instance): the cells of [`ref_fields`].
    Rows(&'static ModelMeta, Vec<Vec<Value>>),
}

/// Deletes what `start` designates and everything `on_delete` says goes with it.
/// `batch` caps the values per `IN` list (below the backend's parameter limit).
pub(crate) async fn delete<E: Executor + ?Sized>(exec: &E, start: Start, batch: Option<usize>) -> Result<DeleteResult> {
    {
        let meta = match &start {
            Start::Query(q) => {
                if q.is_sliced() {
                    return Err(Error::Usage("Cannot use 'limit' or 'offset' with delete().".into()));
                }
                if q.empty {
                    return Ok(DeleteResult::default());
                }
                q.model
            }
            Start::Rows(m, rows) => {
                if rows.is_empty() {
                    return Ok(DeleteResult::default());
                }
                m
            }
        };
        if can_fast_delete(meta) {
            let mut q = match start {
                Start::Query(q) => *q,
                Start::Rows(m, rows) => {
                    let mut q = Query::new(m);
                    q.filter = pk_in(m, rows.into_iter().map(|mut r| r.swap_remove(0)).collect());
                    q
                }
            };
            q.order_by = Some(Query::no_ordering());
            q.for_update = None;
            let sql = Compiler::new(exec.dialect(), &q).delete()?;
            let mut out = DeleteResult::default();
            out.add(meta, execute(exec, &sql).await?.rows_affected);
            return Ok(out);
        }
        let tx = exec.begin().await?;
        let outcome = collect_and_delete(&tx, start, batch).await;
        match outcome {
            Ok(v) => {
                tx.commit().await?;
                Ok(v)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }
}

async fn collect_and_delete(tx: &Transaction, start: Start, batch: Option<usize>) -> Result<DeleteResult> {
    let limit = tx.dialect().features().max_query_params.max(1);
    let mut c = Collector {
        exec: tx,
        limit: batch.unwrap_or(limit).clamp(1, limit),
        data: Vec::new(),
        index: HashMap::new(),
        fast_deletes: Vec::new(),
        updates: Vec::new(),
        restricted: Vec::new(),
        deps: Vec::new(),
    };
    let (meta, rows) = match start {
        Start::Rows(m, rows) => (m, rows),
        Start::Query(mut q) => {
            let m = q.model;
            q.order_by = Some(Query::no_ordering());
            q.reversed = false;
            q.distinct = false;
            q.for_update = None;
            let rows = c.fetch_rows(*q).await?;
            (m, rows)
        }
    };
    c.collect(meta, rows, None, true).await?;
    c.run().await
}

fn pk_in(m: &ModelMeta, pks: Vec<Value>) -> QNode {
    QNode::lookup(format!("{}__in", m.pk_field().name), Rhs::List(pks))
}

fn field_in(m: &ModelMeta, field: usize, values: Vec<Value>) -> QNode {
    QNode::lookup(format!("{}__in", m.fields[field].name), Rhs::List(values))
}
