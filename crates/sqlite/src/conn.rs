//! [`SqliteConnection`]: one pooled connection, implementing ormolu's [`Connection`].
//!
//! `execute`, `query` and `batch` run inline on the calling task: they take
//! microseconds, and a thread hop would cost more than the statement. A stream
//! lends the connection to a blocking task (see [`crate::stream`]); the next call
//! first waits for it to come back.

use std::fmt;
use std::future::{poll_fn, Future as _};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use async_trait::async_trait;
use futures_util::StreamExt;
use ormolu_core::dialect::{Dialect, Sqlite};
use ormolu_core::driver::{BoxFuture, Connection, ExecResult, Row, RowStream};
use ormolu_core::row::{RowFn, ValueRef};
use ormolu_core::warm::Warm;
use ormolu_core::{Error, Result, Value};
use tokio::sync::oneshot;

use crate::gate::{classify, Gate, Kind};
use crate::manager::Manager;
use crate::run::Params;
use crate::slow::{can_block_in_place, off_runtime, SlowStatements};
use crate::{run, stream};

/// A connection checked out of the pool; it goes back when dropped.
pub(crate) type Object = deadpool::managed::Object<Manager>;

/// One SQLite connection taken from a [`crate::SqlitePool`].
///
/// It returns to the pool when dropped: to the pool's warm slot
/// ([`ormolu_core::warm`]) when it is idle (no transaction open, not lent to a
/// stream), else to deadpool, whose recycle rolls back an abandoned transaction.
/// Statements run inline on the calling task; [`Connection::stream`] runs on a
/// blocking thread and lends the connection to it until the stream ends or is
/// dropped.
pub struct SqliteConnection {
    /// The connection, unless a stream's blocking task has it.
    obj: Option<Object>,
    /// Where a stream's blocking task gives the connection back.
    pending: Option<oneshot::Receiver<Object>>,
    /// The pool's writer gate, and the permit while this connection writes.
    gate: Gate,
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
    /// The pool's record of slow statements (see [`crate::slow`]).
    slow: Arc<SlowStatements>,
    /// Where an idle connection goes when dropped.
    warm: Arc<Warm<Object>>,
}

impl fmt::Debug for SqliteConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteConnection").field("lent_to_stream", &self.pending.is_some()).finish_non_exhaustive()
    }
}

fn lost() -> Error {
    Error::Connection {
        message: "the SQLite connection was lost (a streaming query on it panicked)".into(),
        source: None,
    }
}

impl SqliteConnection {
    pub(crate) fn new(obj: Object, gate: Gate, slow: Arc<SlowStatements>, warm: Arc<Warm<Object>>) -> Self {
        SqliteConnection { obj: Some(obj), pending: None, gate, permit: None, slow, warm }
    }

    /// Runs `f` on the connection (gated): inline, timed and remembered when slow;
    /// a statement known to be slow runs inside `block_in_place` where the runtime
    /// allows it.
    async fn run<T>(&mut self, sql: &str, f: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
        let slow = Arc::clone(&self.slow);
        self.gated(sql, |c| {
            if slow.is_slow(sql) {
                return off_runtime(|| f(c));
            }
            let start = Instant::now();
            let out = f(c);
            slow.record(sql, start);
            out
        })
        .await
    }

    /// Runs `f` with the write lock rules of [`crate::gate`] applied to `sql`.
    async fn gated<T>(&mut self, sql: &str, f: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
        let kind = classify(sql);
        let mut single = None;
        match kind {
            Kind::Begin if self.permit.is_none() => self.permit = self.gate.acquire().await,
            Kind::Write if self.permit.is_none() => single = self.gate.acquire().await,
            _ => {}
        }
        let out = f(self.ready().await?);
        drop(single);
        match (kind, &out) {
            (Kind::End, _) | (Kind::Begin, Err(_)) => self.permit = None,
            _ => {}
        }
        out
    }

    /// Ready when the connection is here: waits for a stream's task to return it.
    /// Cancel-safe: the receiver stays in `self` until it yields.
    pub(crate) fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        if let Some(rx) = self.pending.as_mut() {
            let back = std::task::ready!(std::pin::Pin::new(rx).poll(cx));
            self.pending = None;
            self.obj = back.ok();
        }
        Poll::Ready(if self.obj.is_some() { Ok(()) } else { Err(lost()) })
    }

    /// Takes the connection out to lend it to a stream's task (after `poll_ready`).
    pub(crate) fn lend(&mut self) -> Option<Object> {
        self.obj.take()
    }

    /// Records where the stream's task will return the connection.
    pub(crate) fn set_pending(&mut self, rx: oneshot::Receiver<Object>) {
        self.pending = Some(rx);
    }

    /// [`Connection::query_each`] with owned or borrowed parameters.
    async fn query_each_with<P: Params + ?Sized>(&mut self, sql: &str, params: &P, each: &mut RowFn<'_>) -> Result<()> {
        let slow = Arc::clone(&self.slow);
        if slow.is_slow(sql) {
            if !can_block_in_place() && classify(sql) == Kind::Read {
                // A current-thread runtime has no other worker: a known slow read runs
                // on a blocking thread, its rows coming back through the stream.
                let owned = params.to_values();
                let mut rows = self.stream(sql, &owned);
                while let Some(row) = rows.next().await {
                    each(&mut row?)?;
                }
                return Ok(());
            }
            return self.gated(sql, |c| off_runtime(|| run::query_each(c, sql, params, each, &slow))).await;
        }
        self.gated(sql, |c| run::query_each(c, sql, params, each, &slow)).await
    }

    async fn ready(&mut self) -> Result<&rusqlite::Connection> {
        poll_fn(|cx| self.poll_ready(cx)).await?;
        self.obj.as_deref().ok_or_else(lost)
    }
}

impl Drop for SqliteConnection {
    /// An idle connection (here, no write permit held, autocommit: no transaction
    /// left open) goes to the warm slot for the next checkout; any other goes back
    /// to deadpool, whose recycle rolls back what was left open. Statements run
    /// inline, so a dropped call never leaves one half-run.
    fn drop(&mut self) {
        if let Some(obj) = self.obj.take() {
            if self.permit.is_none() && self.pending.is_none() {
                give_back(&self.warm, obj);
            }
        }
    }
}

/// Gives a connection back: to the warm slot when no transaction is left open on it,
/// else (dropped) to deadpool, whose recycle rolls the transaction back.
pub(crate) fn give_back(warm: &Warm<Object>, obj: Object) {
    if obj.is_autocommit() {
        warm.put(obj);
    }
}

#[async_trait]
impl Connection for SqliteConnection {
    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<ExecResult>> {
        Box::pin(self.run(sql, |c| run::execute(c, sql, params)))
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.run(sql, |c| run::query(c, sql, params)).await
    }

    fn query_each<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        // Kept in an `async` block (as `async_trait` wrote it): boxing the inner future
        // directly measured 5–10 % slower on the 7-column medium-complex reads in the
        // benchmark's full runs, at the same instruction count (a memory-layout
        // effect; docs/benchmarks.md, item 31).
        Box::pin(async move { self.query_each_with(sql, params, each).await })
    }

    fn execute_refs<'a>(&'a mut self, sql: &'a str, params: &'a [ValueRef<'_>]) -> BoxFuture<'a, Result<ExecResult>> {
        Box::pin(self.run(sql, |c| run::execute(c, sql, params)))
    }

    fn query_each_refs<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [ValueRef<'_>],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.query_each_with(sql, params, each).await })
    }

    fn stream<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> RowStream<'a> {
        Box::pin(stream::SqliteRowStream::new(self, sql, params))
    }

    async fn batch(&mut self, sql: &str) -> Result<()> {
        self.gated(sql, |c| run::batch(c, sql)).await
    }

    async fn ping(&mut self) -> Result<()> {
        run::batch(self.ready().await?, "SELECT 1")
    }
}
