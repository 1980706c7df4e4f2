//! The shared test kit of ormolu: a fresh, isolated database per test on each
//! backend, and [`backend_tests!`], which instantiates one test body per backend.
//!
//! Backends come from `ORMOLU_TEST_BACKENDS` (default `sqlite,postgres,mysql`).
//! A listed backend that cannot be reached FAILS the test — it is never skipped.
//! Server URLs: `ORMOLU_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
//! and `ORMOLU_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`).
//!
//! - [`TestDb`]: one isolated database (an in-memory or temp-file SQLite database,
//!   a PostgreSQL schema, a MySQL database), dropped by [`TestDb::close`].
//! - `oracle`: loading the Django reference fixture and comparing results.
//! - `shop`: the oracle's models in ormolu; `scenarios`: the reference scenarios
//!   expressed in ormolu, and their runner (`tests/conformance.rs`).

pub mod oracle;
pub mod scenarios;
pub mod shop;

use std::sync::atomic::{AtomicU64, Ordering};

use ormolu::Db;

/// The backends this run covers.
pub fn enabled_backends() -> Vec<String> {
    std::env::var("ORMOLU_TEST_BACKENDS")
        .unwrap_or_else(|_| "sqlite,postgres,mysql".into())
        .split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether `backend` is covered by this run.
pub fn backend_enabled(backend: &str) -> bool {
    enabled_backends().iter().any(|b| b == backend)
}

fn unique_name() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("t_{}_{}_{}", std::process::id(), nanos % 1_000_000_000, N.fetch_add(1, Ordering::SeqCst))
}

/// The URL of `backend`'s server (`postgres`, `mysql`: from the environment, see the
/// crate docs), or of a fresh in-memory SQLite database (`sqlite`): for tests that
/// need a pool of their own rather than a [`TestDb`].
pub fn server_url(backend: &str) -> String {
    match backend {
        "postgres" | "postgresql" => {
            std::env::var("ORMOLU_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
        }
        "mysql" | "mariadb" => {
            std::env::var("ORMOLU_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
        }
        _ => "sqlite::memory:".into(),
    }
}

/// One isolated database for one test.
pub struct TestDb {
    /// The database handle.
    pub db: Db,
    backend: &'static str,
    name: String,
    admin_url: Option<String>,
}

impl TestDb {
    /// A fresh database on `backend` (`sqlite`, `sqlite_file`, `postgres`, `mysql`).
    /// Panics with a clear message when the backend is unreachable.
    pub async fn new(backend: &str) -> TestDb {
        Self::try_new(backend).await.unwrap_or_else(|e| panic!("backend `{backend}` is unreachable: {e}"))
    }

    /// Like [`TestDb::new`], returning the error.
    pub async fn try_new(backend: &str) -> ormolu::Result<TestDb> {
        let name = unique_name();
        match backend {
            "sqlite" => {
                Ok(TestDb { db: Db::connect("sqlite::memory:").await?, backend: "sqlite", name, admin_url: None })
            }
            "sqlite_file" => {
                let path = std::env::temp_dir().join(format!("ormolu_{name}.db"));
                let db = Db::connect(&format!("sqlite://{}?max_connections=8", path.display())).await?;
                Ok(TestDb { db, backend: "sqlite_file", name: path.display().to_string(), admin_url: None })
            }
            "postgres" => {
                let base = server_url("postgres");
                let admin = Db::connect(&format!("{base}?max_connections=1")).await?;
                admin.execute_batch(&format!("CREATE SCHEMA {name}")).await?;
                admin.close();
                let sep = if base.contains('?') { '&' } else { '?' };
                let db = Db::connect(&format!("{base}{sep}options=-csearch_path%3D{name}&max_connections=20")).await?;
                Ok(TestDb { db, backend: "postgres", name, admin_url: Some(base) })
            }
            "mysql" => {
                let base = server_url("mysql");
                let admin = Db::connect(&base).await?;
                admin
                    .execute_batch(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"))
                    .await?;
                admin.close();
                let root = base.rsplit_once('/').map(|(r, _)| r).unwrap_or(&base);
                let db = Db::connect(&format!("{root}/{name}?max_connections=20")).await?;
                Ok(TestDb { db, backend: "mysql", name, admin_url: Some(base) })
            }
            other => Err(ormolu::Error::Config(format!("unknown test backend `{other}`"))),
        }
    }

    /// The backend name this database was made for.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Drops the database (schema, file).
    pub async fn close(self) {
        self.db.close();
        match self.backend {
            "sqlite_file" => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
            "postgres" => {
                if let Ok(admin) =
                    Db::connect(&format!("{}?max_connections=1", self.admin_url.as_deref().unwrap_or_default())).await
                {
                    let _ = admin.execute_batch(&format!("DROP SCHEMA {} CASCADE", self.name)).await;
                    admin.close();
                }
            }
            "mysql" => {
                if let Ok(admin) = Db::connect(self.admin_url.as_deref().unwrap_or_default()).await {
                    let _ = admin.execute_batch(&format!("DROP DATABASE {}", self.name)).await;
                    admin.close();
                }
            }
            _ => {}
        }
    }
}

/// Runs `body` against a fresh database on `backend`, unless the run excludes it.
pub async fn run_on<F>(backend: &str, body: F)
where
    F: AsyncFnOnce(&Db),
{
    let family = if backend == "sqlite_file" { "sqlite" } else { backend };
    if !backend_enabled(family) {
        eprintln!("{backend}: not in ORMOLU_TEST_BACKENDS, not run");
        return;
    }
    let t = TestDb::new(backend).await;
    body(&t.db).await;
    t.close().await;
}

/// One test body, instantiated once per backend as `name::sqlite`, `name::postgres`
/// and `name::mysql`.
///
/// ```ignore
/// backend_tests! {
///     async fn creates_rows(db) { /* … */ }
/// }
/// ```
#[macro_export]
macro_rules! backend_tests {
    ($( $(#[$meta:meta])* async fn $name:ident($db:ident) $body:block )*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($db: &::ormolu::Db) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { $crate::run_on("sqlite", async |db| body(db).await).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { $crate::run_on("postgres", async |db| body(db).await).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() { $crate::run_on("mysql", async |db| body(db).await).await }
        }
    )*};
}
