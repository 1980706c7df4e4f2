//! [`Transaction`]: one connection in a transaction, an [`Executor`] for every call;
//! nested blocks are savepoints. [`atomic`] is the commit-or-roll-back wrapper.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

use async_trait::async_trait;
use futures_util::FutureExt;
use ormolu_core::dialect::Dialect;
use ormolu_core::driver::Connection;
use ormolu_core::Result;
use tokio::sync::Mutex;

use crate::db::DbInner;
use crate::executor::{ConnHandle, Executor};

type Callback = Box<dyn FnOnce() + Send>;

/// State shared by a transaction and its savepoints.
struct Shared {
    db: Arc<DbInner>,
    conn: Arc<Mutex<Box<dyn Connection>>>,
    dialect: &'static dyn Dialect,
    next_savepoint: AtomicUsize,
    /// on_commit callbacks with the depth that registered them.
    callbacks: StdMutex<Vec<(usize, Callback)>>,
}

/// A transaction (depth 0) or a savepoint inside one (depth > 0).
///
/// Finish it with [`Transaction::commit`] or [`Transaction::rollback`]; one dropped
/// unfinished is rolled back. Prefer [`Db::atomic`](crate::Db::atomic), which does this for you.
pub struct Transaction {
    shared: Arc<Shared>,
    depth: usize,
    savepoint: Option<String>,
    done: bool,
    rollback_only: AtomicBool,
}

impl Transaction {
    pub(crate) async fn begin_on(db: Arc<DbInner>) -> Result<Transaction> {
        let conn = db.pool.acquire().await?;
        Self::begin_with(db, Arc::new(Mutex::new(conn))).await
    }

    /// Starts a transaction on a connection already held.
    pub(crate) async fn begin_with(db: Arc<DbInner>, conn: Arc<Mutex<Box<dyn Connection>>>) -> Result<Transaction> {
        let dialect = db.pool.dialect();
        conn.lock().await.batch(dialect.begin_sql()).await?;
        let shared =
            Shared { db, conn, dialect, next_savepoint: AtomicUsize::new(1), callbacks: StdMutex::new(Vec::new()) };
        Ok(Transaction {
            shared: Arc::new(shared),
            depth: 0,
            savepoint: None,
            done: false,
            rollback_only: AtomicBool::new(false),
        })
    }

    async fn run(&self, sql: &str) -> Result<()> {
        self.shared.conn.lock().await.batch(sql).await
    }

    /// Whether this is a savepoint inside an outer transaction.
    pub fn is_savepoint(&self) -> bool {
        self.depth > 0
    }

    /// Marks the block to roll back at its end even if it succeeds (Django's `set_rollback(True)`).
    pub fn set_rollback(&self, rollback: bool) {
        self.rollback_only.store(rollback, Ordering::SeqCst);
    }

    /// Runs `f` after the outermost transaction commits; dropped if this block rolls back.
    pub fn on_commit(&self, f: impl FnOnce() + Send + 'static) {
        self.shared.callbacks.lock().expect("callbacks lock").push((self.depth, Box::new(f)));
    }

    /// Commits (or releases the savepoint); runs on_commit callbacks at the outermost level.
    pub async fn commit(mut self) -> Result<()> {
        self.done = true;
        match &self.savepoint {
            Some(sp) => self.run(&self.shared.dialect.release_savepoint_sql(sp)).await,
            None => {
                self.run("COMMIT").await?;
                let callbacks = std::mem::take(&mut *self.shared.callbacks.lock().expect("callbacks lock"));
                for (_, cb) in callbacks {
                    cb();
                }
                Ok(())
            }
        }
    }

    /// Rolls back (to the savepoint, for a nested block).
    pub async fn rollback(mut self) -> Result<()> {
        self.done = true;
        self.discard_callbacks();
        match &self.savepoint {
            Some(sp) => {
                self.run(&self.shared.dialect.rollback_savepoint_sql(sp)).await?;
                self.run(&self.shared.dialect.release_savepoint_sql(sp)).await
            }
            None => self.run("ROLLBACK").await,
        }
    }

    fn discard_callbacks(&self) {
        self.shared.callbacks.lock().expect("callbacks lock").retain(|(d, _)| *d < self.depth);
    }

    /// Runs `f` in a savepoint: an error or panic in it rolls back only its own work.
    pub async fn atomic<R, F>(&self, f: F) -> Result<R>
    where
        F: AsyncFnOnce(&Transaction) -> Result<R>,
    {
        atomic(self, f).await
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Dropped unfinished (a panic unwinding, or a forgotten commit): roll back
        // before the connection can be used again.
        self.discard_callbacks();
        let conn = self.shared.conn.clone();
        let sql = match &self.savepoint {
            Some(sp) => format!(
                "{}; {}",
                self.shared.dialect.rollback_savepoint_sql(sp),
                self.shared.dialect.release_savepoint_sql(sp)
            ),
            None => "ROLLBACK".to_string(),
        };
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let _ = conn.lock().await.batch(&sql).await;
            });
        }
    }
}

#[async_trait]
impl Executor for Transaction {
    fn dialect(&self) -> &'static dyn Dialect {
        self.shared.dialect
    }
    async fn conn(&self) -> Result<ConnHandle> {
        Ok(ConnHandle::Tx(self.shared.conn.clone().lock_owned().await))
    }
    fn try_conn(&self) -> Option<ConnHandle> {
        self.shared.conn.clone().try_lock_owned().ok().map(ConnHandle::Tx)
    }
    fn conn_owned(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<ConnHandle>> + Send + 'static>> {
        let conn = self.shared.conn.clone();
        Box::pin(async move { Ok(ConnHandle::Tx(conn.lock_owned().await)) })
    }
    fn in_transaction(&self) -> bool {
        true
    }
    async fn begin(&self) -> Result<Transaction> {
        let n = self.shared.next_savepoint.fetch_add(1, Ordering::SeqCst);
        let name = format!("s{n}_x");
        self.run(&self.shared.dialect.savepoint_sql(&name)).await?;
        Ok(Transaction {
            shared: self.shared.clone(),
            depth: self.depth + 1,
            savepoint: Some(name),
            done: false,
            rollback_only: AtomicBool::new(false),
        })
    }
    fn db_inner(&self) -> &Arc<DbInner> {
        &self.shared.db
    }
}

/// Runs `f` in a new transaction or savepoint of `exec`: commit on `Ok`, roll back on
/// `Err` or panic (the panic then continues).
pub async fn atomic<E, R, F>(exec: &E, f: F) -> Result<R>
where
    E: Executor + ?Sized,
    F: AsyncFnOnce(&Transaction) -> Result<R>,
{
    let tx = exec.begin().await?;
    let outcome = AssertUnwindSafe(f(&tx)).catch_unwind().await;
    match outcome {
        Ok(Ok(v)) if tx.rollback_only.load(Ordering::SeqCst) => {
            tx.rollback().await?;
            Ok(v)
        }
        Ok(Ok(v)) => {
            tx.commit().await?;
            Ok(v)
        }
        Ok(Err(e)) => {
            tx.rollback().await?;
            Err(e)
        }
        Err(panic) => {
            let _ = tx.rollback().await;
            std::panic::resume_unwind(panic)
        }
    }
}
