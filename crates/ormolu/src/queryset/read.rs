//! Reading: all, get, first/last, earliest/latest, count, exists, in_bulk, at, stream, explain.

use std::collections::HashMap;
use std::hash::Hash;

use futures_core::Stream;
use ormolu_core::compiler::{pk_ordering, Compiler, SelectPlan};
use ormolu_core::driver::Row;
use ormolu_core::query::{OrderBy, QNode, Rhs};
use ormolu_core::row::RawRow;
use ormolu_core::{Error, FromValue, Result, ToValue, Value};

use super::QuerySet;
use crate::erased::ModelType;
use crate::executor::{fetch, fetch_each, Executor};
use crate::model::Model;
use crate::prefetch::{attach_related, related_types};
use crate::q::IntoQ;
use crate::rows_hint::RowsHint;

/// The most rows `get()` reads (Django's `MAX_GET_RESULTS`): enough to tell one
/// from several.
pub(crate) const MAX_GET_RESULTS: u64 = 21;

/// The one row of `rows` (of `model`); `DoesNotExist` or `MultipleObjectsReturned`
/// otherwise.
pub(crate) fn one_of<T>(mut rows: Vec<T>, model: &'static str) -> Result<T> {
    match rows.len() {
        0 => Err(Error::DoesNotExist { model }),
        1 => Ok(rows.pop().expect("one row")),
        n => Err(Error::MultipleObjectsReturned { model, count: n }),
    }
}

/// One model row of `plan` read in place, with its `select_related()` objects (`types`:
/// their registered types) stored in its relation fields.
pub(crate) fn decode<M: Model>(plan: &SelectPlan, types: &[&'static ModelType], row: &mut dyn RawRow) -> Result<M> {
    let mut obj = M::from_row(&plan.fields, row, 0)?;
    if !plan.related.is_empty() {
        attach_related(&mut obj, plan, types, row)?;
    }
    Ok(obj)
}

impl<M: Model> QuerySet<M> {
    /// Every matching row; `select_related()` objects come with them (one query), then
    /// `prefetch_related()` lookups run (one more query per relation level) and are
    /// stored in the objects' relation fields (see [`crate::prefetch`]).
    pub async fn all(&self, exec: &(impl Executor + ?Sized)) -> Result<Vec<M>> {
        let mut objs = self.fetch_objects(exec).await?;
        if let Some(p) = &self.prefetch {
            crate::prefetch::run(exec, &mut objs, p, self.batch.map(std::num::NonZeroUsize::get), true).await?;
        }
        Ok(objs)
    }

    /// The rows of the query itself (with `select_related()`), no prefetching.
    pub(crate) async fn fetch_objects(&self, exec: &(impl Executor + ?Sized)) -> Result<Vec<M>> {
        if self.query.empty {
            return Ok(Vec::new());
        }
        self.check_for_update(exec)?;
        self.fetch_plan(exec, self.plan(exec.dialect())?).await
    }

    /// The rows of `plan` (this QuerySet's statement), with their `select_related()`
    /// objects.
    async fn fetch_plan(&self, exec: &(impl Executor + ?Sized), plan: SelectPlan) -> Result<Vec<M>> {
        let types = related_types(&plan)?;
        let hint = RowsHint::of_shared(&plan.sql.sql);
        let mut out = hint.list();
        if plan.related.is_empty() {
            // The object goes straight from `from_row` into the list.
            fetch_each(exec, &plan.sql, &mut |row| {
                out.push(M::from_row(&plan.fields, row, 0)?);
                Ok(())
            })
            .await?;
        } else {
            fetch_each(exec, &plan.sql, &mut |row| {
                out.push(decode::<M>(&plan, &types, row)?);
                Ok(())
            })
            .await?;
        }
        hint.finish(&mut out);
        Ok(out)
    }

    /// The one row matching `q` (Django's `get(**kwargs)`); `DoesNotExist` or
    /// `MultipleObjectsReturned` otherwise.
    pub async fn get_by(&self, exec: &(impl Executor + ?Sized), q: impl IntoQ<M>) -> Result<M> {
        self.filter(q).get(exec).await
    }

    /// The one row of this QuerySet; `DoesNotExist` or `MultipleObjectsReturned` otherwise.
    /// Reads at most 21 rows, as Django does.
    pub async fn get(&self, exec: &(impl Executor + ?Sized)) -> Result<M> {
        self.clone().get_owned(exec).await
    }

    /// [`QuerySet::get`] of an owned QuerySet (its query is changed in place when
    /// unshared).
    async fn get_owned(self, exec: &(impl Executor + ?Sized)) -> Result<M> {
        // Django drops the ordering of an unsliced get(): one row needs no order.
        let qs = if self.query.is_sliced() {
            self
        } else {
            self.map(|q| {
                q.order_by = Some(ormolu_core::query::Query::no_ordering());
                q.reversed = false;
                q.slice(0, Some(MAX_GET_RESULTS));
            })
        };
        one_of(qs.all(exec).await?, M::meta().name)
    }

    /// The row with this primary key.
    pub async fn get_pk(&self, exec: &(impl Executor + ?Sized), pk: impl ToValue) -> Result<M> {
        let mut pk = pk.to_value();
        if self.prefetch.is_none() {
            // `M::objects().get_pk(…)`: no query copied (see `get_pk_plan`).
            match super::get_pk_plan(&self.query, exec.dialect(), pk)? {
                Ok(plan) => return one_of(self.fetch_plan(exec, plan).await?, M::meta().name),
                Err(given_back) => pk = given_back,
            }
        }
        self.filter(crate::Q::from_node(QNode::lookup_static("pk", Rhs::Value(pk)))).get_owned(exec).await
    }

    /// The first row, ordering by pk when unordered; `None` when empty.
    pub async fn first(&self, exec: &(impl Executor + ?Sized)) -> Result<Option<M>> {
        let qs = if self.query.is_ordered() { self.clone() } else { self.order_by(pk_ordering()) };
        Ok(qs.map(|q| q.slice(0, Some(1))).all(exec).await?.pop())
    }

    /// The last row, ordering by pk when unordered; `None` when empty.
    pub async fn last(&self, exec: &(impl Executor + ?Sized)) -> Result<Option<M>> {
        let qs = if self.query.is_ordered() { self.reverse() } else { self.order_by(["-pk"]) };
        Ok(qs.map(|q| q.slice(0, Some(1))).all(exec).await?.pop())
    }

    /// The first row by these fields (`DoesNotExist` when empty).
    pub async fn earliest<O: Into<OrderBy>>(
        &self,
        exec: &(impl Executor + ?Sized),
        fields: impl IntoIterator<Item = O>,
    ) -> Result<M> {
        self.order_by(fields).limit(1).get(exec).await
    }

    /// The last row by these fields (`DoesNotExist` when empty).
    pub async fn latest<O: Into<OrderBy>>(
        &self,
        exec: &(impl Executor + ?Sized),
        fields: impl IntoIterator<Item = O>,
    ) -> Result<M> {
        self.order_by(fields).reverse().limit(1).get(exec).await
    }

    /// The row at position `index` (Django's `qs[i]`): `IndexOutOfRange` past the end.
    pub async fn at(&self, exec: &(impl Executor + ?Sized), index: u64) -> Result<M> {
        self.slice(index..index + 1).all(exec).await?.pop().ok_or(Error::IndexOutOfRange)
    }

    /// `SELECT COUNT(*)`.
    pub async fn count(&self, exec: &(impl Executor + ?Sized)) -> Result<u64> {
        if self.query.empty {
            return Ok(0);
        }
        let sql = Compiler::new(exec.dialect(), &self.query).count()?;
        let rows = fetch(exec, &sql).await?;
        let v = rows.into_iter().next().and_then(|r| r.values.into_iter().next()).unwrap_or(Value::I64(0));
        u64::from_value(v)
    }

    /// Whether any row matches (`SELECT 1 … LIMIT 1`).
    pub async fn exists(&self, exec: &(impl Executor + ?Sized)) -> Result<bool> {
        if self.query.empty {
            return Ok(false);
        }
        let sql = Compiler::new(exec.dialect(), &self.query).exists()?;
        Ok(!fetch(exec, &sql).await?.is_empty())
    }

    /// Rows by primary key (Django's `in_bulk`): a map from pk to instance.
    pub async fn in_bulk<K>(
        &self,
        exec: &(impl Executor + ?Sized),
        ids: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, M>>
    where
        K: ToValue + FromValue + Eq + Hash,
    {
        let ids: Vec<Value> = ids.into_iter().map(|k| k.to_value()).collect();
        let qs = self.filter(crate::Q::from_node(QNode::lookup("pk__in", Rhs::List(ids))));
        let mut out = HashMap::new();
        for obj in qs.all(exec).await? {
            out.insert(K::from_value(obj.pk_value())?, obj);
        }
        Ok(out)
    }

    /// Rows as they arrive, in constant memory (Django's `async for obj in qs`).
    /// The query runs on its own connection (or the transaction's) in a background task.
    pub fn stream<E>(&self, exec: &E) -> impl Stream<Item = Result<M>> + Send + 'static
    where
        E: Executor + ?Sized,
    {
        use futures_util::StreamExt;
        let plan = if self.query.empty {
            Err(Error::Usage("empty".into()))
        } else if self.prefetch.is_some() {
            Err(Error::Usage(
                "stream() does not run prefetch_related() lookups (they need every row first): use all(), or \
                 prefetch_related_objects() on chunks"
                    .into(),
            ))
        } else {
            self.plan(exec.dialect())
        };
        let empty = self.query.empty;
        let conn = exec.conn_owned();
        let inner = exec.db_inner().clone();
        // Rows cross to the consumer in chunks of what is ready (one hand-off per chunk).
        let (tx, rx) = tokio::sync::mpsc::channel::<Vec<Result<Row>>>(8);
        let decoding = plan.as_ref().ok().map(|p| (p.clone(), related_types(p)));
        let fut = async move {
            if empty {
                return;
            }
            let plan = match plan {
                Ok(p) => p,
                Err(e) => {
                    let _ = tx.send(vec![Err(e)]).await;
                    return;
                }
            };
            let mut conn = match conn.await {
                Ok(c) => c,
                Err(e) => {
                    let _ = tx.send(vec![Err(e)]).await;
                    return;
                }
            };
            inner.log(&plan.sql);
            let mut rows = conn.stream(&plan.sql.sql, &plan.sql.params).ready_chunks(256);
            while let Some(chunk) = rows.next().await {
                if tx.send(chunk).await.is_err() {
                    break;
                }
            }
        };
        tokio::spawn(fut);
        tokio_stream_from(rx).flat_map(futures_util::stream::iter).map(move |r| {
            r.and_then(|mut row| match &decoding {
                Some((plan, Ok(types))) => decode::<M>(plan, types, &mut row),
                Some((_, Err(e))) => Err(Error::Usage(e.to_string())),
                None => Err(Error::Usage("no plan".into())),
            })
        })
    }

    /// The database's query plan for this QuerySet, as text.
    pub async fn explain(&self, exec: &(impl Executor + ?Sized)) -> Result<String> {
        let sql = self.sql_for(exec.dialect())?;
        let explain = ormolu_core::compiler::Sql {
            sql: format!("{} {}", exec.dialect().explain_prefix(), sql.sql).into(),
            params: sql.params,
        };
        let rows = fetch(exec, &explain).await?;
        let lines: Vec<String> = rows
            .into_iter()
            .map(|r| {
                r.values
                    .iter()
                    .map(|v| match v {
                        Value::Text(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Ok(lines.join("\n"))
    }
}

fn tokio_stream_from<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl Stream<Item = T> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
