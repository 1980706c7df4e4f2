//! SQLite: one database file (on tmpfs where there is one, see [`sqlite_dir`])
//! shared by rusqlite (raw), ormolu, Diesel, SQLx and SeaORM.
//!
//! Every connection uses WAL, `foreign_keys = ON` and the default `synchronous`
//! (FULL), as ormolu's pool does.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use diesel::Connection as _;
use rusqlite::OptionalExtension as _;
use sea_orm::DatabaseConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::data::{self, Data, FILTER3_LIKE, FILTER3_MIN_ID, GET_PK_ID, UPDATE_F_ROWS};
use crate::{
    keep, orm, pairs_output, sea, sqlx_rows, tree_output, users_output, Bench, Imp, Output, PostRow, Res, UserRow,
    Workload,
};

const SCHEMA: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255));
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
    title VARCHAR(255) NOT NULL, body TEXT);
CREATE INDEX posts_user_id ON posts (user_id);
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id), text TEXT NOT NULL);
CREATE INDEX comments_post_id ON comments (post_id);
CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
";

const RESET: &str = "DELETE FROM comments; DELETE FROM posts; DELETE FROM users; DELETE FROM counters;";

/// The SQL the raw and SQLx implementations run.
mod sql {
    pub const TRIVIAL: &str = "SELECT id, name, hair_color FROM users";
    pub const MEDIUM: &str = "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
        FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = ? ORDER BY u.id, p.id";
    pub const USERS_BY_ID: &str = "SELECT id, name, hair_color FROM users ORDER BY id";
    pub const GET_PK: &str = "SELECT id, name, hair_color FROM users WHERE id = ?";
    pub const FILTER3: &str = "SELECT id, name, hair_color FROM users \
        WHERE hair_color = ? AND name LIKE ? AND id > ? ORDER BY id DESC LIMIT 10";
    pub const UPDATE_F: &str = "UPDATE counters SET n = n + 1 WHERE id <= ?";
}

/// Where the database file goes: `ORMOLU_BENCH_SQLITE_DIR`, else `/dev/shm` (tmpfs:
/// commits cost no fsync, so writes measure the clients and not a shared disk, as
/// Diesel's in-memory SQLite benchmarks do), else the temp directory.
pub fn sqlite_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ORMOLU_BENCH_SQLITE_DIR") {
        return PathBuf::from(d);
    }
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() && std::fs::metadata(&shm).is_ok_and(|m| !m.permissions().readonly()) {
        shm
    } else {
        std::env::temp_dir()
    }
}

/// `?, ?, …` with `n` placeholders.
fn placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 3);
    for i in 0..n {
        s.push_str(if i == 0 { "?" } else { ", ?" });
    }
    s
}

/// The SQLite benchmark: a temp database file and every implementation on it.
pub struct SqliteBench {
    path: PathBuf,
    owned: bool,
    raw: rusqlite::Connection,
    orm: ormolu::Db,
    diesel: diesel::SqliteConnection,
    sqlx: SqlitePool,
    sea: DatabaseConnection,
    new_users: HashMap<usize, orm::NewUsers>,
}

impl SqliteBench {
    async fn connect(path: PathBuf, owned: bool) -> Res<Self> {
        let raw = rusqlite::Connection::open(&path)?;
        raw.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")?;
        if owned {
            raw.execute_batch(SCHEMA)?;
        }
        let orm = ormolu::Db::connect(&format!("sqlite://{}", path.display())).await?;
        let mut diesel = diesel::SqliteConnection::establish(&path.display().to_string())?;
        diesel::RunQueryDsl::execute(diesel::sql_query("PRAGMA foreign_keys = ON"), &mut diesel)?;
        diesel::RunQueryDsl::execute(diesel::sql_query("PRAGMA busy_timeout = 5000"), &mut diesel)?;
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let sqlx = SqlitePoolOptions::new().max_connections(4).connect_with(opts.clone()).await?;
        let sea_pool = SqlitePoolOptions::new().max_connections(4).connect_with(opts).await?;
        let sea = sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(sea_pool);
        Ok(SqliteBench { path, owned, raw, orm, diesel, sqlx, sea, new_users: HashMap::new() })
    }

    fn fill(&mut self, d: &Data) -> Res<()> {
        let tx = self.raw.transaction()?;
        {
            let mut st = tx.prepare_cached("INSERT INTO users (id, name, hair_color) VALUES (?, ?, ?)")?;
            for u in &d.users {
                st.execute(rusqlite::params![u.id, u.name, u.hair_color])?;
            }
            let mut st = tx.prepare_cached("INSERT INTO posts (id, user_id, title, body) VALUES (?, ?, ?, ?)")?;
            for p in &d.posts {
                st.execute(rusqlite::params![p.id, p.user_id, p.title, p.body])?;
            }
            let mut st = tx.prepare_cached("INSERT INTO comments (id, post_id, text) VALUES (?, ?, ?)")?;
            for c in &d.comments {
                st.execute(rusqlite::params![c.id, c.post_id, c.text])?;
            }
            let mut st = tx.prepare_cached("INSERT INTO counters (id, n) VALUES (?, 0)")?;
            for i in 1..=d.counters {
                st.execute([i as i64])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

fn user_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? })
}

/// rusqlite, written as a careful user of the driver would: cached statements,
/// rows mapped straight into structs.
mod raw {
    use super::*;

    pub fn trivial(c: &rusqlite::Connection) -> Res<Vec<UserRow>> {
        let mut st = c.prepare_cached(sql::TRIVIAL)?;
        let rows = st.query_map([], user_of)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn medium(c: &rusqlite::Connection) -> Res<Vec<(UserRow, Option<PostRow>)>> {
        let mut st = c.prepare_cached(sql::MEDIUM)?;
        let rows = st
            .query_map(["black"], |r| {
                let post = match r.get::<_, Option<i64>>(3)? {
                    Some(id) => Some(PostRow { id, user_id: r.get(4)?, title: r.get(5)?, body: r.get(6)? }),
                    None => None,
                };
                Ok((user_of(r)?, post))
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn associations(c: &rusqlite::Connection) -> Res<crate::RowTree> {
        let users: Vec<UserRow> =
            c.prepare_cached(sql::USERS_BY_ID)?.query_map([], user_of)?.collect::<Result<_, _>>()?;
        let ids = users.iter().map(|u| u.id);
        let q = format!(
            "SELECT id, user_id, title, body FROM posts WHERE user_id IN ({}) ORDER BY id",
            placeholders(users.len())
        );
        let posts: Vec<PostRow> = c
            .prepare(&q)?
            .query_map(rusqlite::params_from_iter(ids), |r| {
                Ok(PostRow { id: r.get(0)?, user_id: r.get(1)?, title: r.get(2)?, body: r.get(3)? })
            })?
            .collect::<Result<_, _>>()?;
        let q = format!(
            "SELECT id, post_id, text FROM comments WHERE post_id IN ({}) ORDER BY id",
            placeholders(posts.len())
        );
        let comments = c
            .prepare(&q)?
            .query_map(rusqlite::params_from_iter(posts.iter().map(|p| p.id)), |r| {
                Ok(crate::CommentRow { id: r.get(0)?, post_id: r.get(1)?, text: r.get(2)? })
            })?
            .collect::<Result<_, _>>()?;
        Ok(crate::group_rows(users, posts, comments))
    }

    /// `keys`: the generated ids read back (`RETURNING id`).
    pub fn insert(c: &rusqlite::Connection, rows: &[(String, Option<&'static str>)], keys: bool) -> Res<usize> {
        let mut q = String::from("INSERT INTO users (name, hair_color) VALUES ");
        for i in 0..rows.len() {
            q.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
        }
        let params = rows.iter().flat_map(|(n, h)| [n as &dyn rusqlite::ToSql, h as &dyn rusqlite::ToSql]);
        if !keys {
            return Ok(c.prepare_cached(&q)?.execute(rusqlite::params_from_iter(params))?);
        }
        q.push_str(" RETURNING id");
        let mut st = c.prepare_cached(&q)?;
        let ids = st.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))?;
        Ok(std::hint::black_box(ids.collect::<Result<Vec<i64>, _>>()?).len())
    }

    pub fn get_pk(c: &rusqlite::Connection, id: i64) -> Res<UserRow> {
        let u = c.prepare_cached(sql::GET_PK)?.query_row([id], user_of).optional()?;
        u.ok_or_else(|| crate::err("no such user"))
    }

    pub fn filter3(c: &rusqlite::Connection) -> Res<Vec<UserRow>> {
        let mut st = c.prepare_cached(sql::FILTER3)?;
        let rows = st
            .query_map(rusqlite::params!["black", FILTER3_LIKE, FILTER3_MIN_ID], user_of)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn update_f(c: &rusqlite::Connection) -> Res<usize> {
        Ok(c.prepare_cached(sql::UPDATE_F)?.execute([UPDATE_F_ROWS])?)
    }

    pub fn stream(c: &rusqlite::Connection) -> Res<u64> {
        let mut st = c.prepare_cached(sql::TRIVIAL)?;
        let mut rows = st.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            std::hint::black_box(user_of(r)?);
            n += 1;
        }
        Ok(n)
    }
}

/// Diesel (synchronous `SqliteConnection`).
mod dsl {
    use diesel::SqliteConnection;
    crate::diesel_sync_impl!(SqliteConnection);
}

/// SQLx (`SqlitePool`).
mod sqlx_impl {
    use super::*;
    use sqlx::{QueryBuilder, Row as _, Sqlite};
    use sqlx_rows::{Comment, Post, User};

    pub async fn trivial(p: &SqlitePool) -> Res<Vec<User>> {
        Ok(sqlx::query_as(sql::TRIVIAL).fetch_all(p).await?)
    }

    pub async fn medium(p: &SqlitePool) -> Res<Vec<(User, Option<Post>)>> {
        let rows = sqlx::query(sql::MEDIUM).bind("black").fetch_all(p).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let user = User { id: r.try_get(0)?, name: r.try_get(1)?, hair_color: r.try_get(2)? };
            let post = match r.try_get::<Option<i64>, _>(3)? {
                Some(id) => Some(Post { id, user_id: r.try_get(4)?, title: r.try_get(5)?, body: r.try_get(6)? }),
                None => None,
            };
            out.push((user, post));
        }
        Ok(out)
    }

    pub async fn associations(p: &SqlitePool) -> Res<sqlx_rows::Tree> {
        let users: Vec<User> = sqlx::query_as(sql::USERS_BY_ID).fetch_all(p).await?;
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT id, user_id, title, body FROM posts WHERE user_id IN (");
        let mut sep = qb.separated(", ");
        for u in &users {
            sep.push_bind(u.id);
        }
        qb.push(") ORDER BY id");
        let posts: Vec<Post> = qb.build_query_as().fetch_all(p).await?;
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT id, post_id, text FROM comments WHERE post_id IN (");
        let mut sep = qb.separated(", ");
        for po in &posts {
            sep.push_bind(po.id);
        }
        qb.push(") ORDER BY id");
        let comments: Vec<Comment> = qb.build_query_as().fetch_all(p).await?;
        Ok(sqlx_rows::group(users, posts, comments))
    }

    /// `keys`: the generated ids read back (`RETURNING id`).
    pub async fn insert(p: &SqlitePool, rows: &[(String, Option<&'static str>)], keys: bool) -> Res<u64> {
        let mut qb = QueryBuilder::<Sqlite>::new("INSERT INTO users (name, hair_color) ");
        qb.push_values(rows, |mut b, (name, hair)| {
            b.push_bind(name.clone()).push_bind(*hair);
        });
        if !keys {
            return Ok(qb.build().execute(p).await?.rows_affected());
        }
        qb.push(" RETURNING id");
        let ids: Vec<i64> = qb.build_query_scalar().fetch_all(p).await?;
        Ok(std::hint::black_box(ids).len() as u64)
    }

    pub async fn get_pk(p: &SqlitePool, id: i64) -> Res<User> {
        Ok(sqlx::query_as(sql::GET_PK).bind(id).fetch_one(p).await?)
    }

    pub async fn filter3(p: &SqlitePool) -> Res<Vec<User>> {
        Ok(sqlx::query_as(sql::FILTER3).bind("black").bind(FILTER3_LIKE).bind(FILTER3_MIN_ID).fetch_all(p).await?)
    }

    pub async fn update_f(p: &SqlitePool) -> Res<u64> {
        Ok(sqlx::query(sql::UPDATE_F).bind(UPDATE_F_ROWS).execute(p).await?.rows_affected())
    }
}

impl Bench for SqliteBench {
    const NAME: &'static str = "sqlite";

    async fn open() -> Res<Self> {
        let path = sqlite_dir().join(format!("ormolu_bench_{}.db", crate::unique_namespace()));
        Self::connect(path, true).await
    }

    async fn attach(namespace: &str) -> Res<Self> {
        Self::connect(PathBuf::from(namespace), false).await
    }

    fn namespace(&self) -> String {
        self.path.display().to_string()
    }

    async fn prepare(&mut self, w: Workload, n: usize) -> Res<()> {
        self.raw.execute_batch(RESET)?;
        let d = data::for_workload(w, n);
        self.fill(&d)?;
        if w.writes() {
            self.new_users.insert(n, orm::NewUsers::new(n));
        }
        Ok(())
    }

    async fn run(&mut self, imp: Imp, w: Workload, n: usize, check: bool) -> Res<Output> {
        use Imp::*;
        use Workload::*;
        let out = match (w, imp) {
            (Trivial, Raw) => keep(check, raw::trivial(&self.raw)?, Output::Users),
            (Trivial, Ormolu) => keep(check, orm::trivial(&self.orm).await?, users_output),
            (Trivial, Diesel) => keep(check, dsl::trivial(&mut self.diesel)?, users_output),
            (Trivial, Sqlx) => keep(check, sqlx_impl::trivial(&self.sqlx).await?, users_output),
            (Trivial, SeaOrm) => keep(check, sea::trivial(&self.sea).await?, users_output),

            (Medium, Raw) => keep(check, raw::medium(&self.raw)?, Output::Pairs),
            (Medium, Ormolu) => keep(check, orm::medium(&self.orm).await?, orm::pairs),
            (Medium, Diesel) => keep(check, dsl::medium(&mut self.diesel)?, pairs_output),
            (Medium, Sqlx) => keep(check, sqlx_impl::medium(&self.sqlx).await?, pairs_output),
            (Medium, SeaOrm) => keep(check, sea::medium(&self.sea).await?, pairs_output),

            (Associations, Raw) => keep(check, raw::associations(&self.raw)?, Output::Tree),
            (Associations, Ormolu) => keep(check, orm::associations(&self.orm).await?, orm::tree),
            (Associations, Diesel) => keep(check, dsl::associations(&mut self.diesel)?, tree_output),
            (Associations, Sqlx) => keep(check, sqlx_impl::associations(&self.sqlx).await?, tree_output),
            (Associations, SeaOrm) => keep(check, sea::associations(&self.sea).await?, tree_output),

            (Insert | BulkCreate, _) => {
                let mut new = self.new_users.remove(&n).unwrap_or_else(|| orm::NewUsers::new(n));
                let (rows, keys) = (&new.rows, w == BulkCreate);
                match imp {
                    Raw => drop(std::hint::black_box(raw::insert(&self.raw, rows, keys)?)),
                    Ormolu => drop(std::hint::black_box(orm::insert(&self.orm, &mut new, keys).await?)),
                    Diesel => drop(std::hint::black_box(dsl::insert(&mut self.diesel, rows, keys)?)),
                    Sqlx => drop(std::hint::black_box(sqlx_impl::insert(&self.sqlx, rows, keys).await?)),
                    SeaOrm => drop(std::hint::black_box(sea::insert(&self.sea, rows, keys).await?)),
                }
                self.new_users.insert(n, new);
                if check {
                    Output::Users(self.dump_users().await?)
                } else {
                    Output::None
                }
            }

            (GetPk, Raw) => keep(check, raw::get_pk(&self.raw, GET_PK_ID)?, |u| Output::Users(vec![u])),
            (GetPk, Ormolu) => keep(check, orm::get_pk(&self.orm, GET_PK_ID).await?, |u| users_output(vec![u])),
            (GetPk, Diesel) => keep(check, dsl::get_pk(&mut self.diesel, GET_PK_ID)?, |u| users_output(vec![u])),
            (GetPk, Sqlx) => keep(check, sqlx_impl::get_pk(&self.sqlx, GET_PK_ID).await?, |u| users_output(vec![u])),
            (GetPk, SeaOrm) => keep(check, sea::get_pk(&self.sea, GET_PK_ID).await?, |u| users_output(vec![u])),

            (Filter3Build, Ormolu) => keep(check, orm::filter3_build(&self.orm)?, |_| Output::None),
            (Filter3Build, SeaOrm) => keep(check, sea::filter3_build(sea_orm::DbBackend::Sqlite), |_| Output::None),
            (Filter3Build, _) => return Err(crate::err("not measured")),

            (Filter3Run, Raw) => keep(check, raw::filter3(&self.raw)?, Output::Users),
            (Filter3Run, Ormolu) => keep(check, orm::filter3_run(&self.orm).await?, users_output),
            (Filter3Run, Diesel) => keep(check, dsl::filter3_run(&mut self.diesel)?, users_output),
            (Filter3Run, Sqlx) => keep(check, sqlx_impl::filter3(&self.sqlx).await?, users_output),
            (Filter3Run, SeaOrm) => keep(check, sea::filter3_run(&self.sea).await?, users_output),

            (UpdateF, Raw) => keep(check, raw::update_f(&self.raw)? as u64, Output::Count),
            (UpdateF, Ormolu) => keep(check, orm::update_f(&self.orm).await?, Output::Count),
            (UpdateF, Diesel) => keep(check, dsl::update_f(&mut self.diesel)? as u64, Output::Count),
            (UpdateF, Sqlx) => keep(check, sqlx_impl::update_f(&self.sqlx).await?, Output::Count),
            (UpdateF, SeaOrm) => keep(check, sea::update_f(&self.sea).await?, Output::Count),
        };
        Ok(out)
    }

    fn forget_keys(&mut self) {
        self.new_users.values_mut().for_each(orm::NewUsers::unset_keys);
    }

    async fn cleanup(&mut self, _w: Workload) -> Res<()> {
        self.forget_keys();
        self.raw.execute_batch("DELETE FROM users")?;
        Ok(())
    }

    async fn dump_users(&mut self) -> Res<Vec<UserRow>> {
        let mut st = self.raw.prepare_cached("SELECT name, hair_color FROM users ORDER BY name")?;
        let rows = st
            .query_map([], |r| Ok(UserRow { id: 0, name: r.get(0)?, hair_color: r.get(1)? }))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    async fn fill_many(&mut self, n: usize) -> Res<()> {
        self.raw.execute_batch(RESET)?;
        self.raw.execute(
            "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?1) \
             INSERT INTO users (name, hair_color) \
             SELECT 'User ' || i, CASE WHEN i % 2 = 0 THEN 'black' END FROM s",
            [n as i64],
        )?;
        Ok(())
    }

    async fn stream_users(&mut self, imp: Imp) -> Res<u64> {
        match imp {
            Imp::Raw => raw::stream(&self.raw),
            Imp::Ormolu => orm::stream(&self.orm).await,
            _ => Err(crate::err("only raw and ormolu stream")),
        }
    }

    async fn close(self) -> Res<()> {
        self.orm.close();
        self.sqlx.close().await;
        self.sea.close().await?;
        let path = self.path.clone();
        let owned = self.owned;
        drop(self.raw);
        drop(self.diesel);
        if owned {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        Ok(())
    }
}
