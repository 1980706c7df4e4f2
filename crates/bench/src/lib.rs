//! The benchmark suite of ormolu: the same workloads, on the same database and data,
//! run by ormolu and by its peers — the raw driver, Diesel, SQLx and SeaORM — so the
//! ORM's own cost shows as a ratio.
//!
//! - [`Workload`]: Diesel's `diesel_bench` workloads (trivial, medium complex,
//!   associations, insert) and ormolu's own (get by pk, a three-filter QuerySet built
//!   and run, bulk_create, an F-expression update). Streaming a million rows is
//!   measured apart, in a child process, for its peak memory (see [`stream`]).
//! - [`Bench`]: one backend (SQLite, PostgreSQL, MariaDB/MySQL): its isolated
//!   database, the data each workload needs, and every implementation of every
//!   workload (`sqlite.rs`, `postgres.rs`, `mysql.rs`; ormolu's and SeaORM's code is
//!   backend-neutral: `orm.rs`, `sea.rs`; Diesel's tables: `diesel_schema.rs`).
//! - [`measure`]: the sampling harness of the `report` binary (medians); the
//!   criterion benches (`benches/`) use the same [`Bench::time`].
//! - [`report`]: the markdown tables; [`pin`]: `report --pin` (benchmark and server
//!   on one CPU).
//!
//! Servers: `ORMOLU_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
//! `ORMOLU_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`).

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

pub mod check;
pub mod data;
pub mod diesel_schema;
pub mod measure;
pub mod mysql;
pub mod orm;
pub mod pin;
pub mod postgres;
pub mod report;
pub mod sea;
pub mod sqlite;
pub mod sqlx_rows;
pub mod stream;

/// Errors of the benchmark code: whatever a driver or ORM returned.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// A result of the benchmark code.
pub type Res<T> = Result<T, Error>;

/// Turns anything printable into an [`Error`].
pub fn err(msg: impl fmt::Display) -> Error {
    msg.to_string().into()
}

/// One implementation of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Imp {
    /// The raw driver: rusqlite, tokio-postgres, mysql_async.
    Raw,
    /// ormolu.
    Ormolu,
    /// Diesel (sync on SQLite and PostgreSQL, diesel-async on MySQL).
    Diesel,
    /// SQLx.
    Sqlx,
    /// SeaORM.
    SeaOrm,
}

impl Imp {
    /// Every implementation, in table order.
    pub const ALL: [Imp; 5] = [Imp::Raw, Imp::Ormolu, Imp::Diesel, Imp::Sqlx, Imp::SeaOrm];

    /// The column name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Imp::Raw => "raw",
            Imp::Ormolu => "ormolu",
            Imp::Diesel => "Diesel",
            Imp::Sqlx => "SQLx",
            Imp::SeaOrm => "SeaORM",
        }
    }
}

/// One workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workload {
    /// Load `n` rows of `users(id, name, hair_color)`.
    Trivial,
    /// `users LEFT JOIN posts` filtered on `hair_color`, ordered by user id: `n` rows of
    /// (user, post?); half the users have a post.
    Medium,
    /// `n` users, then their posts (2 each), then the posts' comments (2 each), grouped
    /// back to their parents.
    Associations,
    /// Insert `n` users in one statement (ormolu: `bulk_create` without reading the
    /// generated keys back, as no peer reads them).
    Insert,
    /// ormolu's own: one user by primary key (from 1 000 rows).
    GetPk,
    /// ormolu's own: build and compile (no I/O) a QuerySet with three filters, an
    /// order_by and a limit.
    Filter3Build,
    /// ormolu's own: run that QuerySet (10 of 10 000 rows).
    Filter3Run,
    /// ormolu's own: `bulk_create` of 10 000 users, generated keys read back into the
    /// objects (Django's behaviour); the peers read the ids back too (`RETURNING id`).
    BulkCreate,
    /// ormolu's own: `UPDATE counters SET n = n + 1 WHERE id <= 100` (an F expression).
    UpdateF,
}

impl Workload {
    /// Every workload, in table order.
    pub const ALL: [Workload; 9] = [
        Workload::Trivial,
        Workload::Medium,
        Workload::Associations,
        Workload::Insert,
        Workload::GetPk,
        Workload::Filter3Build,
        Workload::Filter3Run,
        Workload::BulkCreate,
        Workload::UpdateF,
    ];

    /// The name used in tables and criterion ids.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Trivial => "trivial",
            Workload::Medium => "medium complex",
            Workload::Associations => "associations",
            Workload::Insert => "insert",
            Workload::GetPk => "get by pk",
            Workload::Filter3Build => "3-filter QuerySet: build+compile",
            Workload::Filter3Run => "3-filter QuerySet: run",
            Workload::BulkCreate => "bulk_create",
            Workload::UpdateF => "update with F",
        }
    }

    /// A short identifier (criterion ids, command line).
    pub fn id(self) -> &'static str {
        match self {
            Workload::Trivial => "trivial",
            Workload::Medium => "medium",
            Workload::Associations => "associations",
            Workload::Insert => "insert",
            Workload::GetPk => "get_pk",
            Workload::Filter3Build => "filter3_build",
            Workload::Filter3Run => "filter3_run",
            Workload::BulkCreate => "bulk_create",
            Workload::UpdateF => "update_f",
        }
    }

    /// The sizes measured (`quick`: fewer).
    pub fn sizes(self, quick: bool) -> &'static [usize] {
        match (self, quick) {
            (Workload::Trivial | Workload::Medium | Workload::Associations, false) => &[1, 10, 100, 1_000, 10_000],
            (Workload::Trivial | Workload::Medium | Workload::Associations, true) => &[1, 100, 10_000],
            (Workload::Insert, false) => &[1, 10, 100, 1_000],
            (Workload::Insert, true) => &[1, 100, 1_000],
            (Workload::GetPk, _) => &[1],
            (Workload::Filter3Build, _) => &[0],
            (Workload::Filter3Run, _) => &[10],
            (Workload::BulkCreate, _) => &[10_000],
            (Workload::UpdateF, _) => &[100],
        }
    }

    /// Tiny sizes for the smoke test.
    pub fn smoke_sizes(self) -> &'static [usize] {
        match self {
            Workload::Trivial | Workload::Medium | Workload::Associations | Workload::Insert => &[1, 3],
            Workload::BulkCreate => &[5],
            _ => self.sizes(true),
        }
    }

    /// Whether the workload writes (samples are followed by a cleanup, not timed).
    pub fn writes(self) -> bool {
        matches!(self, Workload::Insert | Workload::BulkCreate)
    }
}

/// A user row, as every implementation's result is compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UserRow {
    /// Primary key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Hair colour.
    pub hair_color: Option<String>,
}

/// A post row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PostRow {
    /// Primary key.
    pub id: i64,
    /// Its user.
    pub user_id: i64,
    /// Title.
    pub title: String,
    /// Body.
    pub body: Option<String>,
}

/// A comment row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CommentRow {
    /// Primary key.
    pub id: i64,
    /// Its post.
    pub post_id: i64,
    /// Text.
    pub text: String,
}

/// What one run of a workload produced, in a form every implementation can be
/// compared in (only built when checking; benchmarks drop the native result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Nothing to compare (benchmark runs, query building).
    None,
    /// Rows of `users`.
    Users(Vec<UserRow>),
    /// Rows of `users LEFT JOIN posts`.
    Pairs(Vec<(UserRow, Option<PostRow>)>),
    /// Users with their posts with their comments.
    Tree(RowTree),
    /// Rows affected.
    Count(u64),
}

impl Output {
    /// The same output with rows in primary-key order (for workloads whose SQL has no
    /// ORDER BY).
    pub fn sorted(self) -> Output {
        match self {
            Output::Users(mut v) => {
                v.sort();
                Output::Users(v)
            }
            other => other,
        }
    }
}

/// Returns the native result through [`std::hint::black_box`] when benchmarking, or
/// its comparable form when checking.
pub fn keep<T>(check: bool, v: T, f: impl FnOnce(T) -> Output) -> Output {
    if check {
        f(v)
    } else {
        drop(std::hint::black_box(v));
        Output::None
    }
}

/// One backend with its isolated database and every implementation connected to it.
pub trait Bench: Sized {
    /// `sqlite`, `postgres` or `mysql`.
    const NAME: &'static str;

    /// Creates an isolated database (a temp file, a PostgreSQL schema, a MySQL
    /// database) with the tables, and connects every implementation to it.
    fn open() -> impl Future<Output = Res<Self>>;

    /// Connects to a database made by [`Bench::open`] elsewhere (the stream child
    /// process), without creating or dropping it.
    fn attach(namespace: &str) -> impl Future<Output = Res<Self>>;

    /// The name of the isolated database (for [`Bench::attach`]).
    fn namespace(&self) -> String;

    /// The implementations of `w` on this backend.
    fn imps(&self, w: Workload) -> Vec<Imp> {
        match w {
            Workload::Filter3Build => vec![Imp::Ormolu, Imp::SeaOrm],
            _ => Imp::ALL.to_vec(),
        }
    }

    /// Fills the tables with the data workload `w` of size `n` reads.
    fn prepare(&mut self, w: Workload, n: usize) -> impl Future<Output = Res<()>>;

    /// Runs `w` once with `imp`. `check`: return the result in comparable form.
    fn run(&mut self, imp: Imp, w: Workload, n: usize, check: bool) -> impl Future<Output = Res<Output>>;

    /// Undoes what a writing workload wrote (not timed).
    fn cleanup(&mut self, w: Workload) -> impl Future<Output = Res<()>>;

    /// Unsets the keys bulk_create read back into the prepared objects, so that the
    /// next run inserts them as new rows again.
    fn forget_keys(&mut self);

    /// Every row of `users`, ids left out, by name (checks what inserts wrote).
    fn dump_users(&mut self) -> impl Future<Output = Res<Vec<UserRow>>>;

    /// Fills `users` with `n` rows quickly (the stream workload).
    fn fill_many(&mut self, n: usize) -> impl Future<Output = Res<()>>;

    /// Streams every row of `users` with `imp` (raw or ormolu), returning the count.
    fn stream_users(&mut self, imp: Imp) -> impl Future<Output = Res<u64>>;

    /// Drops the isolated database.
    fn close(self) -> impl Future<Output = Res<()>>;

    /// Runs `w` `iters` times with `imp` and returns the time taken; a writing
    /// workload runs once more first and is cleaned up afterwards, both outside the
    /// timing.
    ///
    /// The untimed first run: the write right after the cleanup (a `TRUNCATE` on the
    /// servers) pays for the emptied table — its first pages, and on PostgreSQL the
    /// server planning the implementation's prepared statement again — about 0.5 ms
    /// there. Timed, that cost was spread over a sample's iterations, whose number
    /// each implementation gets from its own speed (from 2 for a 1 000-row insert to
    /// some 50 for a 1-row one): it moved the ratios by up to 15 % and favoured
    /// whoever got more iterations. A sample now times steady-state writes only.
    fn time(&mut self, imp: Imp, w: Workload, n: usize, iters: u64) -> impl Future<Output = Res<Duration>> {
        async move {
            if w.writes() {
                self.run(imp, w, n, false).await?;
                self.forget_keys();
            }
            let start = Instant::now();
            for _ in 0..iters {
                self.run(imp, w, n, false).await?;
            }
            let took = start.elapsed();
            if w.writes() {
                self.cleanup(w).await?;
            }
            Ok(took)
        }
    }
}

/// The tokio runtime every measurement runs on: one thread, so the numbers measure
/// the code path and not cross-thread wake-ups on a busy machine
/// (`ORMOLU_BENCH_RUNTIME=multi`: a two-worker multi-thread runtime instead).
pub fn runtime() -> tokio::runtime::Runtime {
    if std::env::var("ORMOLU_BENCH_RUNTIME").is_ok_and(|v| v == "multi") {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
    } else {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
    }
}

/// A unique name for an isolated database of this process.
pub fn unique_namespace() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("ob_{}_{}_{}", std::process::id(), nanos % 100_000, N.fetch_add(1, Ordering::SeqCst))
}

/// `ORMOLU_POSTGRES_URL` or the default.
pub fn postgres_url() -> String {
    std::env::var("ORMOLU_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// `ORMOLU_MYSQL_URL` or the default.
pub fn mysql_url() -> String {
    std::env::var("ORMOLU_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// Groups posts under their users and comments under their posts, keeping the
/// order rows were loaded in (what the raw and SQLx implementations write by hand).
#[allow(clippy::type_complexity)]
pub fn group_tree<U, P, C>(
    users: Vec<U>,
    posts: Vec<P>,
    comments: Vec<C>,
    user_id: impl Fn(&U) -> i64,
    post_user: impl Fn(&P) -> i64,
    post_id: impl Fn(&P) -> i64,
    comment_post: impl Fn(&C) -> i64,
) -> Vec<(U, Vec<(P, Vec<C>)>)> {
    use std::collections::HashMap;
    let mut comments_of: HashMap<i64, Vec<C>> = HashMap::with_capacity(posts.len());
    for c in comments {
        comments_of.entry(comment_post(&c)).or_default().push(c);
    }
    let mut posts_of: HashMap<i64, Vec<(P, Vec<C>)>> = HashMap::with_capacity(users.len());
    for p in posts {
        let cs = comments_of.remove(&post_id(&p)).unwrap_or_default();
        posts_of.entry(post_user(&p)).or_default().push((p, cs));
    }
    users
        .into_iter()
        .map(|u| {
            let ps = posts_of.remove(&user_id(&u)).unwrap_or_default();
            (u, ps)
        })
        .collect()
}

/// The comparable form of a tree of any row types convertible to the common rows.
#[allow(clippy::type_complexity)]
pub fn tree_output<U: Into<UserRow>, P: Into<PostRow>, C: Into<CommentRow>>(t: Vec<(U, Vec<(P, Vec<C>)>)>) -> Output {
    Output::Tree(
        t.into_iter()
            .map(|(u, ps)| {
                (u.into(), ps.into_iter().map(|(p, cs)| (p.into(), cs.into_iter().map(Into::into).collect())).collect())
            })
            .collect(),
    )
}

/// The comparable form of users of any row type.
pub fn users_output<U: Into<UserRow>>(v: Vec<U>) -> Output {
    Output::Users(v.into_iter().map(Into::into).collect())
}

/// The comparable form of (user, post?) pairs of any row types.
pub fn pairs_output<U: Into<UserRow>, P: Into<PostRow>>(v: Vec<(U, Option<P>)>) -> Output {
    Output::Pairs(v.into_iter().map(|(u, p)| (u.into(), p.map(Into::into))).collect())
}

/// Users with their posts with their comments, as the common rows.
pub type RowTree = Vec<(UserRow, Vec<(PostRow, Vec<CommentRow>)>)>;

/// [`group_tree`] for the common rows (the raw implementations).
pub fn group_rows(users: Vec<UserRow>, posts: Vec<PostRow>, comments: Vec<CommentRow>) -> RowTree {
    group_tree(users, posts, comments, |u| u.id, |p| p.user_id, |p| p.id, |c| c.post_id)
}
