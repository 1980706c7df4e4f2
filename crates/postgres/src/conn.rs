//! [`PgConnection`]: ormolu's [`Connection`] over one pooled tokio-postgres client.
//!
//! Statements with parameters are prepared once per connection and cached
//! (`prepare_cached`); the server's parameter types drive [`PgParam`]. Statements
//! without parameters go out unprepared in one round trip. Rows are decoded as they
//! arrive, so [`Connection::stream`] runs in constant memory.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use deadpool_postgres::{ClientWrapper, Object};
use futures_util::{stream, StreamExt, TryStreamExt};
use ormolu_core::dialect::{Dialect, Postgres};
use ormolu_core::driver::{BoxFuture, Connection, ExecResult, Row, RowStream};
use ormolu_core::kept::KeptStatements;
use ormolu_core::row::{RowFn, ValueRef};
use ormolu_core::warm::Lease;
use ormolu_core::{Error, Result, Value};
use tokio_postgres::error::SqlState;
use tokio_postgres::Statement;

use crate::decode::{column_names, decode_row, PgRow};
use crate::error_map::query_error;
use crate::params::{PgParam, PgRefParam};
use crate::pgtype::{classify, PgKind};

/// A pooled client and the statements ormolu keeps for it while it holds it
/// (`KeptStatements`, in front of deadpool's statement cache, which owns them: see
/// [`prepare`]); it derefs to the client.
pub(crate) struct Kept {
    pub(crate) client: Object,
    stmts: KeptStatements<Prepared>,
}

/// A prepared statement and the [`PgKind`] of each of its result columns, classified
/// once when it is prepared (not at every run).
#[derive(Clone)]
struct Prepared {
    stmt: Statement,
    kinds: Arc<[PgKind]>,
}

impl Prepared {
    fn new(stmt: Statement) -> Self {
        let kinds = stmt.columns().iter().map(|c| classify(c.type_())).collect();
        Prepared { stmt, kinds }
    }
}

impl Kept {
    /// Boxed: the pair moves in and out of the warm slot on every checkout, and
    /// deadpool's `Object` is large.
    pub(crate) fn new(client: Object, capacity: usize) -> Box<Self> {
        Box::new(Kept { client, stmts: KeptStatements::new(capacity) })
    }
}

impl std::ops::Deref for Kept {
    type Target = Object;
    fn deref(&self) -> &Object {
        &self.client
    }
}

/// One connection taken from a [`crate::PgPool`]; it goes back to the pool when
/// dropped (to the pool's warm slot first, see [`ormolu_core::warm`]).
pub struct PgConnection {
    client: Lease<Box<Kept>>,
    /// Most prepared statements kept; 0 turns the cache off.
    cache_capacity: usize,
}

impl std::fmt::Debug for PgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConnection")
            .field("closed", &self.client.is_closed())
            .field("cached_statements", &self.client.statement_cache.size())
            .finish()
    }
}

impl PgConnection {
    pub(crate) fn new(client: Lease<Box<Kept>>, cache_capacity: usize) -> Self {
        PgConnection { client, cache_capacity }
    }

    /// The tokio-postgres client underneath, for what ormolu does not cover
    /// (`COPY`, `LISTEN`, …).
    pub fn client(&self) -> &tokio_postgres::Client {
        &self.client
    }

    /// [`Connection::query_each`] in a future that owns the connection (it goes back
    /// when the future ends or is dropped).
    pub(crate) fn into_query_each<'a>(
        mut self,
        sql: &'a str,
        params: &'a [Value],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        let capacity = self.cache_capacity;
        Box::pin(async move { each_row(self.parts(), capacity, sql, params, each).await })
    }

    /// The client and the statements kept for it, borrowed apart.
    fn parts(&mut self) -> (&ClientWrapper, &mut KeptStatements<Prepared>) {
        let kept = &mut **self.client;
        (&kept.client, &mut kept.stmts)
    }
}

/// Prepares `sql`, through the connection's statement cache unless it is turned off.
/// When the cache grows past `capacity` it is emptied (its statements are closed).
///
/// The statements ormolu keeps (`kept`) are looked up first: each is also in
/// deadpool's cache, which is emptied of it only together with `kept` (here and in
/// [`with_statement`]), so a kept statement is one deadpool would have returned.
/// The lookup is all a query runs here once its statement is kept: the round trip
/// that prepares is a boxed future of its own ([`prepare_new`]), whose state and
/// code stay out of every query's future.
async fn prepare(
    client: &ClientWrapper,
    kept: &mut KeptStatements<Prepared>,
    capacity: usize,
    sql: &str,
) -> Result<Prepared, tokio_postgres::Error> {
    if capacity != 0 {
        if let Some(prepared) = kept.get(sql) {
            return Ok(prepared);
        }
    }
    prepare_new(client, kept, capacity, sql).await
}

/// A boxed future of `T` borrowing the connection.
type Boxed<'a, T> = std::pin::Pin<Box<dyn Future<Output = Result<T, tokio_postgres::Error>> + Send + 'a>>;

/// [`prepare`] of a statement not kept: a round trip.
#[cold]
#[inline(never)]
fn prepare_new<'a>(
    client: &'a ClientWrapper,
    kept: &'a mut KeptStatements<Prepared>,
    capacity: usize,
    sql: &'a str,
) -> Boxed<'a, Prepared> {
    Box::pin(async move {
        if capacity == 0 {
            return Ok(Prepared::new(client.prepare(sql).await?));
        }
        let prepared = Prepared::new(client.prepare_cached(sql).await?);
        if client.statement_cache.size() > capacity {
            client.statement_cache.clear();
            kept.clear();
        }
        kept.keep(sql, &prepared);
        Ok(prepared)
    })
}

/// Prepares `sql` and runs `run` with it. A cached statement whose result type
/// changed under it (DDL since it was prepared) is prepared again, once (in a boxed
/// future of its own: [`retry_stale`]).
async fn with_statement<T, F, Fut>(
    client: &ClientWrapper,
    kept: &mut KeptStatements<Prepared>,
    capacity: usize,
    sql: &str,
    run: F,
) -> Result<T, tokio_postgres::Error>
where
    T: Send,
    F: Fn(Prepared) -> Fut + Sync,
    Fut: Future<Output = Result<T, tokio_postgres::Error>> + Send,
{
    let first = run(prepare(client, kept, capacity, sql).await?).await;
    match first {
        Err(e) if is_stale_plan(&e) => retry_stale(client, kept, capacity, sql, &run, e).await,
        other => other,
    }
}

/// [`with_statement`] again after `first` said the cached plan is stale.
#[cold]
#[inline(never)]
fn retry_stale<'a, T, F, Fut>(
    client: &'a ClientWrapper,
    kept: &'a mut KeptStatements<Prepared>,
    capacity: usize,
    sql: &'a str,
    run: &'a F,
    first: tokio_postgres::Error,
) -> Boxed<'a, T>
where
    T: Send + 'a,
    F: Fn(Prepared) -> Fut + Sync,
    Fut: Future<Output = Result<T, tokio_postgres::Error>> + Send + 'a,
{
    Box::pin(async move {
        client.statement_cache.remove(sql, &[]);
        kept.forget(sql);
        match run(prepare(client, kept, capacity, sql).await?).await {
            // Inside a transaction the first failure aborted it: report that one.
            Err(again) if again.code() == Some(&SqlState::IN_FAILED_SQL_TRANSACTION) => Err(first),
            other => other,
        }
    })
}

fn is_stale_plan(e: &tokio_postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|db| db.code() == &SqlState::FEATURE_NOT_SUPPORTED && db.message().starts_with("cached plan"))
}

/// Sends a query and returns its rows as they arrive, with the kind of each column.
/// Queries are prepared once per connection and cached, with or without parameters:
/// the server then parses and plans a repeated query once.
async fn raw_rows<P: Args + ?Sized>(
    (client, kept): (&ClientWrapper, &mut KeptStatements<Prepared>),
    capacity: usize,
    sql: &str,
    params: &P,
) -> Result<(tokio_postgres::RowStream, Arc<[PgKind]>)> {
    // tokio-postgres' future in a box of its own: see `a_query_future_stays_small`.
    with_statement(client, kept, capacity, sql, |p| async move {
        Ok((Box::pin(params.query(client, &p.stmt)).await?, p.kinds))
    })
    .await
    .map_err(|e| query_error(e, sql))
}

/// Runs a statement that returns no rows; without parameters in one round trip.
async fn execute_args<P: Args + ?Sized>(
    (client, kept): (&ClientWrapper, &mut KeptStatements<Prepared>),
    capacity: usize,
    sql: &str,
    params: &P,
) -> Result<ExecResult> {
    let n = if params.is_empty() {
        client.execute_typed(sql, &[]).await
    } else {
        with_statement(client, kept, capacity, sql, |p| async move { Box::pin(params.execute(client, &p.stmt)).await })
            .await
    };
    let rows_affected = n.map_err(|e| query_error(e, sql))?;
    Ok(ExecResult { rows_affected, last_insert_id: None })
}

/// Calls `each` with every row, read in place.
async fn each_row<P: Args + ?Sized>(
    client: (&ClientWrapper, &mut KeptStatements<Prepared>),
    capacity: usize,
    sql: &str,
    params: &P,
    each: &mut RowFn<'_>,
) -> Result<()> {
    let (rows, kinds) = raw_rows(client, capacity, sql, params).await?;
    let mut rows = std::pin::pin!(rows);
    while let Some(row) = rows.next().await {
        let row = row.map_err(|e| query_error(e, sql))?;
        each(&mut PgRow { row: &row, kinds: &kinds })?;
    }
    Ok(())
}

/// The parameters of a statement: owned [`Value`]s ([`PgParam`]) or borrowed cells
/// ([`PgRefParam`]: text and bytes written from the caller's buffers).
trait Args: Sync {
    /// Whether there are none.
    fn is_empty(&self) -> bool;
    /// Runs the prepared `stmt` with them, streaming its rows.
    fn query<'c>(
        &'c self,
        client: &'c ClientWrapper,
        stmt: &'c Statement,
    ) -> impl Future<Output = Result<tokio_postgres::RowStream, tokio_postgres::Error>> + Send + 'c;
    /// Runs the prepared `stmt` with them; the rows affected.
    fn execute<'c>(
        &'c self,
        client: &'c ClientWrapper,
        stmt: &'c Statement,
    ) -> impl Future<Output = Result<u64, tokio_postgres::Error>> + Send + 'c;
}

/// [`Args`] for a slice of `$item`, each bound as `$param`.
macro_rules! args_impl {
    ($item:ty, $param:ident) => {
        impl Args for [$item] {
            fn is_empty(&self) -> bool {
                <[$item]>::is_empty(self)
            }
            fn query<'c>(
                &'c self,
                client: &'c ClientWrapper,
                stmt: &'c Statement,
            ) -> impl Future<Output = Result<tokio_postgres::RowStream, tokio_postgres::Error>> + Send + 'c {
                client.query_raw(stmt, self.iter().map($param))
            }
            fn execute<'c>(
                &'c self,
                client: &'c ClientWrapper,
                stmt: &'c Statement,
            ) -> impl Future<Output = Result<u64, tokio_postgres::Error>> + Send + 'c {
                client.execute_raw(stmt, self.iter().map($param))
            }
        }
    };
}
args_impl!(Value, PgParam);
args_impl!(ValueRef<'_>, PgRefParam);

#[async_trait]
impl Connection for PgConnection {
    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<ExecResult>> {
        let capacity = self.cache_capacity;
        Box::pin(execute_args(self.parts(), capacity, sql, params))
    }

    fn execute_refs<'a>(&'a mut self, sql: &'a str, params: &'a [ValueRef<'_>]) -> BoxFuture<'a, Result<ExecResult>> {
        let capacity = self.cache_capacity;
        Box::pin(execute_args(self.parts(), capacity, sql, params))
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.stream(sql, params).try_collect().await
    }

    fn query_each<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        let capacity = self.cache_capacity;
        Box::pin(each_row(self.parts(), capacity, sql, params, each))
    }

    fn query_each_refs<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [ValueRef<'_>],
        each: &'a mut RowFn<'_>,
    ) -> BoxFuture<'a, Result<()>> {
        let capacity = self.cache_capacity;
        Box::pin(each_row(self.parts(), capacity, sql, params, each))
    }

    fn stream<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> RowStream<'a> {
        let capacity = self.cache_capacity;
        let client = self.parts();
        let start = async move {
            let (rows, _) = raw_rows(client, capacity, sql, params).await?;
            // Names are read from the first row and shared by all the others.
            let mut columns: Option<Arc<[String]>> = None;
            Ok::<_, Error>(rows.map(move |row| {
                let row = row.map_err(|e| query_error(e, sql))?;
                decode_row(&row, columns.get_or_insert_with(|| column_names(&row)))
            }))
        };
        Box::pin(stream::once(start).try_flatten())
    }

    async fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).await.map_err(|e| query_error(e, sql))
    }

    async fn ping(&mut self) -> Result<()> {
        if self.client.is_closed() {
            return Err(Error::Connection { message: "connection closed".into(), source: None });
        }
        self.batch("SELECT 1").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The future of a query is boxed once per statement (`BoxFuture`) and copied
    /// into its box. glibc's per-thread cache serves at most 1 032 bytes; larger,
    /// every statement takes malloc's slow path and consolidates the free lists.
    /// tokio-postgres' own `query_raw` future is 1 032 bytes by itself (it keeps the
    /// state of preparing from a `&str` even when given a `Statement`), so it gets a
    /// box of its own (two cached allocations instead of one slow one); preparing (a
    /// miss of the kept statements) and the stale-plan retry are boxed apart too
    /// (measured: 1 880 → 1 512 → 544 bytes for `query_each`; 14.0 K → 13.7 K
    /// instructions per 1-row read, 68.6 K → 65.6 K per 1-row associations).
    #[tokio::test]
    async fn a_query_future_stays_small() {
        let url =
            std::env::var("ORMOLU_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let pool = crate::connect(&url, Default::default()).await.expect("PostgreSQL is reachable");
        let mut c = pool.get().await.unwrap();
        let mut each = |_: &mut dyn ormolu_core::row::RawRow| Ok(());
        let n = size_of_val(&*c.query_each("SELECT 1", &[], &mut each));
        let m = size_of_val(&*c.execute("SELECT 1", &[]));
        assert!(n <= 1032 && m <= 1032, "PgConnection's query_each future is {n} bytes, execute's {m}");
        let o = size_of_val(&*c.into_query_each("SELECT 1", &[], &mut each));
        assert!(o <= 1032, "PgConnection::into_query_each's future is {o} bytes");
    }
}
