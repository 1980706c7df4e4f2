//! MariaDB/MySQL: one database per run, shared by mysql_async (raw), ormolu,
//! Diesel (diesel-async, over mysql_async: no libmysqlclient needed), SQLx and SeaORM.

use std::collections::HashMap;

use diesel_async::AsyncConnection as _;
use mysql_async::prelude::Queryable as _;
use mysql_async::{Conn, Params, Value};
use sea_orm::DatabaseConnection;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};

use crate::data::{self, Data, FILL_CHUNK, FILTER3_LIKE, FILTER3_MIN_ID, GET_PK_ID, UPDATE_F_ROWS};
use crate::{
    keep, orm, pairs_output, sea, sqlx_rows, tree_output, users_output, Bench, CommentRow, Imp, Output, PostRow, Res,
    UserRow, Workload,
};

const SCHEMA: &str = "
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255))
    ENGINE = InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, title VARCHAR(255) NOT NULL,
    body TEXT, FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE = InnoDB;
CREATE TABLE comments (id BIGINT AUTO_INCREMENT PRIMARY KEY, post_id BIGINT NOT NULL, text TEXT NOT NULL,
    FOREIGN KEY (post_id) REFERENCES posts (id)) ENGINE = InnoDB;
CREATE TABLE counters (id BIGINT AUTO_INCREMENT PRIMARY KEY, n BIGINT NOT NULL) ENGINE = InnoDB;
";

const RESET: &str = "SET FOREIGN_KEY_CHECKS = 0; TRUNCATE TABLE comments; TRUNCATE TABLE posts; \
    TRUNCATE TABLE users; TRUNCATE TABLE counters; SET FOREIGN_KEY_CHECKS = 1";

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

/// `?, ?, …` with `n` placeholders.
fn placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 3);
    for i in 0..n {
        s.push_str(if i == 0 { "?" } else { ", ?" });
    }
    s
}

/// The MariaDB/MySQL benchmark.
pub struct MysqlBench {
    database: String,
    owned: bool,
    /// Setup, cleanup and checks: a connection of its own, so the measured `raw`
    /// connection only ever runs the workloads.
    admin: Conn,
    raw: Conn,
    orm: ormolu::Db,
    diesel: diesel_async::AsyncMysqlConnection,
    sqlx: MySqlPool,
    sea: DatabaseConnection,
    new_users: HashMap<usize, orm::NewUsers>,
}

fn url_for(base: &str, database: &str) -> String {
    let root = base.rsplit_once('/').map(|(r, _)| r).unwrap_or(base);
    format!("{root}/{database}")
}

impl MysqlBench {
    async fn connect(database: String, owned: bool) -> Res<Self> {
        let base = crate::mysql_url();
        if owned {
            let mut admin = Conn::from_url(&base).await?;
            admin
                .query_drop(format!("CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"))
                .await?;
            admin.disconnect().await?;
        }
        let url = url_for(&base, &database);
        let mut admin = Conn::from_url(&url).await?;
        if owned {
            admin.query_drop(SCHEMA).await?;
        }
        let raw = Conn::from_url(&url).await?;
        let orm = ormolu::Db::connect(&url).await?;
        let diesel = diesel_async::AsyncMysqlConnection::establish(&url).await?;
        let opts: MySqlConnectOptions = url.parse()?;
        let sqlx = MySqlPoolOptions::new().max_connections(4).connect_with(opts.clone()).await?;
        let sea_pool = MySqlPoolOptions::new().max_connections(4).connect_with(opts).await?;
        let sea = sea_orm::SqlxMySqlConnector::from_sqlx_mysql_pool(sea_pool);
        Ok(MysqlBench { database, owned, admin, raw, orm, diesel, sqlx, sea, new_users: HashMap::new() })
    }

    async fn insert_chunks(&mut self, head: &str, width: usize, rows: Vec<Vec<Value>>) -> Res<()> {
        for chunk in rows.chunks(FILL_CHUNK) {
            let one = format!("({})", placeholders(width));
            let q = format!("{head} VALUES {}", vec![one; chunk.len()].join(", "));
            let params: Vec<Value> = chunk.iter().flatten().cloned().collect();
            self.admin.exec_drop(q, Params::Positional(params)).await?;
        }
        Ok(())
    }

    async fn fill(&mut self, d: &Data) -> Res<()> {
        let users = d.users.iter().map(|u| vec![u.id.into(), u.name.as_str().into(), u.hair_color.into()]).collect();
        self.insert_chunks("INSERT INTO users (id, name, hair_color)", 3, users).await?;
        let posts = d
            .posts
            .iter()
            .map(|p| vec![p.id.into(), p.user_id.into(), p.title.as_str().into(), p.body.as_deref().into()])
            .collect();
        self.insert_chunks("INSERT INTO posts (id, user_id, title, body)", 4, posts).await?;
        let comments = d.comments.iter().map(|c| vec![c.id.into(), c.post_id.into(), c.text.as_str().into()]).collect();
        self.insert_chunks("INSERT INTO comments (id, post_id, text)", 3, comments).await?;
        let counters = (1..=d.counters as i64).map(|i| vec![i.into(), 0i64.into()]).collect();
        self.insert_chunks("INSERT INTO counters (id, n)", 2, counters).await?;
        self.admin.query_drop("ANALYZE TABLE users, posts, comments, counters").await?;
        Ok(())
    }
}

type UserTuple = (i64, String, Option<String>);

fn user_of((id, name, hair_color): UserTuple) -> UserRow {
    UserRow { id, name, hair_color }
}

mod raw {
    use super::*;

    pub async fn trivial(c: &mut Conn) -> Res<Vec<UserRow>> {
        Ok(c.exec_map(sql::TRIVIAL, (), user_of).await?)
    }

    type MediumRow = (i64, String, Option<String>, Option<i64>, Option<i64>, Option<String>, Option<String>);

    pub async fn medium(c: &mut Conn) -> Res<Vec<(UserRow, Option<PostRow>)>> {
        Ok(c.exec_map(sql::MEDIUM, ("black",), |r: MediumRow| {
            let post = match (r.3, r.4, r.5) {
                (Some(id), Some(user_id), Some(title)) => Some(PostRow { id, user_id, title, body: r.6 }),
                _ => None,
            };
            (UserRow { id: r.0, name: r.1, hair_color: r.2 }, post)
        })
        .await?)
    }

    pub async fn associations(c: &mut Conn) -> Res<crate::RowTree> {
        let users: Vec<UserRow> = c.exec_map(sql::USERS_BY_ID, (), user_of).await?;
        let q = format!(
            "SELECT id, user_id, title, body FROM posts WHERE user_id IN ({}) ORDER BY id",
            placeholders(users.len())
        );
        let ids: Vec<Value> = users.iter().map(|u| u.id.into()).collect();
        let posts: Vec<PostRow> = c
            .exec_map(q, Params::Positional(ids), |(id, user_id, title, body)| PostRow { id, user_id, title, body })
            .await?;
        let q = format!(
            "SELECT id, post_id, text FROM comments WHERE post_id IN ({}) ORDER BY id",
            placeholders(posts.len())
        );
        let ids: Vec<Value> = posts.iter().map(|p| p.id.into()).collect();
        let comments: Vec<CommentRow> =
            c.exec_map(q, Params::Positional(ids), |(id, post_id, text)| CommentRow { id, post_id, text }).await?;
        Ok(crate::group_rows(users, posts, comments))
    }

    /// `keys`: the generated ids read back (`RETURNING id`, MariaDB 10.5+).
    pub async fn insert(c: &mut Conn, rows: &[(String, Option<&'static str>)], keys: bool) -> Res<u64> {
        let mut q = String::from("INSERT INTO users (name, hair_color) VALUES ");
        let mut params = Vec::with_capacity(rows.len() * 2);
        for (i, (name, hair)) in rows.iter().enumerate() {
            q.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
            params.push(Value::from(name.as_str()));
            params.push(Value::from(*hair));
        }
        if !keys {
            c.exec_drop(q, Params::Positional(params)).await?;
            return Ok(c.affected_rows());
        }
        q.push_str(" RETURNING id");
        let ids: Vec<i64> = c.exec(q, Params::Positional(params)).await?;
        Ok(std::hint::black_box(ids).len() as u64)
    }

    pub async fn get_pk(c: &mut Conn, id: i64) -> Res<UserRow> {
        let u: Option<UserTuple> = c.exec_first(sql::GET_PK, (id,)).await?;
        u.map(user_of).ok_or_else(|| crate::err("no such user"))
    }

    pub async fn filter3(c: &mut Conn) -> Res<Vec<UserRow>> {
        Ok(c.exec_map(sql::FILTER3, ("black", FILTER3_LIKE, FILTER3_MIN_ID), user_of).await?)
    }

    pub async fn update_f(c: &mut Conn) -> Res<u64> {
        c.exec_drop(sql::UPDATE_F, (UPDATE_F_ROWS,)).await?;
        Ok(c.affected_rows())
    }

    pub async fn stream(c: &mut Conn) -> Res<u64> {
        use futures_util::TryStreamExt;
        let mut rows = c.exec_stream::<UserTuple, _, _>(sql::TRIVIAL, ()).await?;
        let mut n = 0;
        while let Some(r) = rows.try_next().await? {
            std::hint::black_box(user_of(r));
            n += 1;
        }
        Ok(n)
    }
}

/// Diesel over mysql_async (`diesel-async`'s `AsyncMysqlConnection`).
mod dsl {
    use diesel::prelude::*;
    use diesel_async::{AsyncMysqlConnection, RunQueryDsl};

    use crate::data::{FILTER3_LIKE, FILTER3_MIN_ID, UPDATE_F_ROWS};
    use crate::diesel_schema::{comments, counters, posts, users, Comment, NewUser, Post, Tree, User};
    use crate::Res;

    pub async fn trivial(conn: &mut AsyncMysqlConnection) -> Res<Vec<User>> {
        Ok(users::table.select(User::as_select()).load(conn).await?)
    }

    pub async fn medium(conn: &mut AsyncMysqlConnection) -> Res<Vec<(User, Option<Post>)>> {
        Ok(users::table
            .left_outer_join(posts::table)
            .filter(users::hair_color.eq("black"))
            .order((users::id.asc(), posts::id.asc()))
            .select((User::as_select(), Option::<Post>::as_select()))
            .load(conn)
            .await?)
    }

    pub async fn associations(conn: &mut AsyncMysqlConnection) -> Res<Tree> {
        let us = users::table.order(users::id.asc()).select(User::as_select()).load(conn).await?;
        let ps = Post::belonging_to(&us).order(posts::id.asc()).select(Post::as_select()).load(conn).await?;
        let cs = Comment::belonging_to(&ps).order(comments::id.asc()).select(Comment::as_select()).load(conn).await?;
        Ok(crate::diesel_schema::group(us, ps, cs))
    }

    pub async fn insert(conn: &mut AsyncMysqlConnection, rows: &[(String, Option<&'static str>)]) -> Res<usize> {
        let new: Vec<NewUser<'_>> = rows.iter().map(|(n, h)| NewUser { name: n, hair_color: *h }).collect();
        Ok(diesel::insert_into(users::table).values(&new).execute(conn).await?)
    }

    pub async fn get_pk(conn: &mut AsyncMysqlConnection, id: i64) -> Res<User> {
        Ok(users::table.find(id).select(User::as_select()).first(conn).await?)
    }

    pub async fn filter3_run(conn: &mut AsyncMysqlConnection) -> Res<Vec<User>> {
        Ok(users::table
            .filter(users::hair_color.eq("black"))
            .filter(users::name.like(FILTER3_LIKE))
            .filter(users::id.gt(FILTER3_MIN_ID))
            .order(users::id.desc())
            .limit(10)
            .select(User::as_select())
            .load(conn)
            .await?)
    }

    pub async fn update_f(conn: &mut AsyncMysqlConnection) -> Res<usize> {
        Ok(diesel::update(counters::table.filter(counters::id.le(UPDATE_F_ROWS)))
            .set(counters::n.eq(counters::n + 1))
            .execute(conn)
            .await?)
    }
}

/// SQLx (`MySqlPool`).
mod sqlx_impl {
    use super::*;
    use sqlx::{MySql, QueryBuilder, Row as _};
    use sqlx_rows::{Comment, Post, User};

    pub async fn trivial(p: &MySqlPool) -> Res<Vec<User>> {
        Ok(sqlx::query_as(sql::TRIVIAL).fetch_all(p).await?)
    }

    pub async fn medium(p: &MySqlPool) -> Res<Vec<(User, Option<Post>)>> {
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

    pub async fn associations(p: &MySqlPool) -> Res<sqlx_rows::Tree> {
        let users: Vec<User> = sqlx::query_as(sql::USERS_BY_ID).fetch_all(p).await?;
        let mut qb = QueryBuilder::<MySql>::new("SELECT id, user_id, title, body FROM posts WHERE user_id IN (");
        let mut sep = qb.separated(", ");
        for u in &users {
            sep.push_bind(u.id);
        }
        qb.push(") ORDER BY id");
        let posts: Vec<Post> = qb.build_query_as().fetch_all(p).await?;
        let mut qb = QueryBuilder::<MySql>::new("SELECT id, post_id, text FROM comments WHERE post_id IN (");
        let mut sep = qb.separated(", ");
        for po in &posts {
            sep.push_bind(po.id);
        }
        qb.push(") ORDER BY id");
        let comments: Vec<Comment> = qb.build_query_as().fetch_all(p).await?;
        Ok(sqlx_rows::group(users, posts, comments))
    }

    /// `keys`: the generated ids read back (`RETURNING id`, MariaDB 10.5+).
    pub async fn insert(p: &MySqlPool, rows: &[(String, Option<&'static str>)], keys: bool) -> Res<u64> {
        let mut qb = QueryBuilder::<MySql>::new("INSERT INTO users (name, hair_color) ");
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

    pub async fn get_pk(p: &MySqlPool, id: i64) -> Res<User> {
        Ok(sqlx::query_as(sql::GET_PK).bind(id).fetch_one(p).await?)
    }

    pub async fn filter3(p: &MySqlPool) -> Res<Vec<User>> {
        Ok(sqlx::query_as(sql::FILTER3).bind("black").bind(FILTER3_LIKE).bind(FILTER3_MIN_ID).fetch_all(p).await?)
    }

    pub async fn update_f(p: &MySqlPool) -> Res<u64> {
        Ok(sqlx::query(sql::UPDATE_F).bind(UPDATE_F_ROWS).execute(p).await?.rows_affected())
    }
}

/// Digits 0-9, cross-joined six times: 0..1 000 000 without a recursive CTE (whose
/// depth MySQL limits).
const MILLION: &str = "SELECT a.i + 10 * b.i + 100 * c.i + 1000 * d.i + 10000 * e.i + 100000 * f.i AS i FROM \
    (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
     UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a, \
    (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
     UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b, \
    (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
     UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c, \
    (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
     UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) d, \
    (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
     UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e, \
    (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
     UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) f";

impl Bench for MysqlBench {
    const NAME: &'static str = "mysql";

    /// Diesel has no RETURNING on MySQL, so it cannot read bulk_create's keys back:
    /// left out of that workload rather than timed doing less.
    fn imps(&self, w: Workload) -> Vec<Imp> {
        match w {
            Workload::Filter3Build => vec![Imp::Ormolu, Imp::SeaOrm],
            Workload::BulkCreate => vec![Imp::Raw, Imp::Ormolu, Imp::Sqlx, Imp::SeaOrm],
            _ => Imp::ALL.to_vec(),
        }
    }

    async fn open() -> Res<Self> {
        Self::connect(crate::unique_namespace(), true).await
    }

    async fn attach(namespace: &str) -> Res<Self> {
        Self::connect(namespace.to_owned(), false).await
    }

    fn namespace(&self) -> String {
        self.database.clone()
    }

    async fn prepare(&mut self, w: Workload, n: usize) -> Res<()> {
        self.admin.query_drop(RESET).await?;
        let d = data::for_workload(w, n);
        self.fill(&d).await?;
        if w.writes() {
            self.new_users.insert(n, orm::NewUsers::new(n));
        }
        Ok(())
    }

    async fn run(&mut self, imp: Imp, w: Workload, n: usize, check: bool) -> Res<Output> {
        use Imp::*;
        use Workload::*;
        let out = match (w, imp) {
            (Trivial, Raw) => keep(check, raw::trivial(&mut self.raw).await?, Output::Users),
            (Trivial, Ormolu) => keep(check, orm::trivial(&self.orm).await?, users_output),
            (Trivial, Diesel) => keep(check, dsl::trivial(&mut self.diesel).await?, users_output),
            (Trivial, Sqlx) => keep(check, sqlx_impl::trivial(&self.sqlx).await?, users_output),
            (Trivial, SeaOrm) => keep(check, sea::trivial(&self.sea).await?, users_output),

            (Medium, Raw) => keep(check, raw::medium(&mut self.raw).await?, Output::Pairs),
            (Medium, Ormolu) => keep(check, orm::medium(&self.orm).await?, orm::pairs),
            (Medium, Diesel) => keep(check, dsl::medium(&mut self.diesel).await?, pairs_output),
            (Medium, Sqlx) => keep(check, sqlx_impl::medium(&self.sqlx).await?, pairs_output),
            (Medium, SeaOrm) => keep(check, sea::medium(&self.sea).await?, pairs_output),

            (Associations, Raw) => keep(check, raw::associations(&mut self.raw).await?, Output::Tree),
            (Associations, Ormolu) => keep(check, orm::associations(&self.orm).await?, orm::tree),
            (Associations, Diesel) => keep(check, dsl::associations(&mut self.diesel).await?, tree_output),
            (Associations, Sqlx) => keep(check, sqlx_impl::associations(&self.sqlx).await?, tree_output),
            (Associations, SeaOrm) => keep(check, sea::associations(&self.sea).await?, tree_output),

            (Insert | BulkCreate, _) => {
                let mut new = self.new_users.remove(&n).unwrap_or_else(|| orm::NewUsers::new(n));
                let (rows, keys) = (&new.rows, w == BulkCreate);
                match imp {
                    Raw => drop(std::hint::black_box(raw::insert(&mut self.raw, rows, keys).await?)),
                    Ormolu => drop(std::hint::black_box(orm::insert(&self.orm, &mut new, keys).await?)),
                    // Diesel has no RETURNING on MySQL: not measured on bulk_create (`imps`).
                    Diesel => drop(std::hint::black_box(dsl::insert(&mut self.diesel, rows).await?)),
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

            (GetPk, Raw) => keep(check, raw::get_pk(&mut self.raw, GET_PK_ID).await?, |u| Output::Users(vec![u])),
            (GetPk, Ormolu) => keep(check, orm::get_pk(&self.orm, GET_PK_ID).await?, |u| users_output(vec![u])),
            (GetPk, Diesel) => keep(check, dsl::get_pk(&mut self.diesel, GET_PK_ID).await?, |u| users_output(vec![u])),
            (GetPk, Sqlx) => keep(check, sqlx_impl::get_pk(&self.sqlx, GET_PK_ID).await?, |u| users_output(vec![u])),
            (GetPk, SeaOrm) => keep(check, sea::get_pk(&self.sea, GET_PK_ID).await?, |u| users_output(vec![u])),

            (Filter3Build, Ormolu) => keep(check, orm::filter3_build(&self.orm)?, |_| Output::None),
            (Filter3Build, SeaOrm) => keep(check, sea::filter3_build(sea_orm::DbBackend::MySql), |_| Output::None),
            (Filter3Build, _) => return Err(crate::err("not measured")),

            (Filter3Run, Raw) => keep(check, raw::filter3(&mut self.raw).await?, Output::Users),
            (Filter3Run, Ormolu) => keep(check, orm::filter3_run(&self.orm).await?, users_output),
            (Filter3Run, Diesel) => keep(check, dsl::filter3_run(&mut self.diesel).await?, users_output),
            (Filter3Run, Sqlx) => keep(check, sqlx_impl::filter3(&self.sqlx).await?, users_output),
            (Filter3Run, SeaOrm) => keep(check, sea::filter3_run(&self.sea).await?, users_output),

            (UpdateF, Raw) => keep(check, raw::update_f(&mut self.raw).await?, Output::Count),
            (UpdateF, Ormolu) => keep(check, orm::update_f(&self.orm).await?, Output::Count),
            (UpdateF, Diesel) => keep(check, dsl::update_f(&mut self.diesel).await? as u64, Output::Count),
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
        self.admin.query_drop(RESET).await?;
        Ok(())
    }

    async fn dump_users(&mut self) -> Res<Vec<UserRow>> {
        let rows: Vec<(String, Option<String>)> =
            self.admin.query("SELECT name, hair_color FROM users ORDER BY name").await?;
        Ok(rows.into_iter().map(|(name, hair_color)| UserRow { id: 0, name, hair_color }).collect())
    }

    async fn fill_many(&mut self, n: usize) -> Res<()> {
        self.admin.query_drop(RESET).await?;
        let q = format!(
            "INSERT INTO users (name, hair_color) SELECT CONCAT('User ', i), IF(i % 2 = 0, 'black', NULL) \
             FROM ({MILLION}) t WHERE i < ? ORDER BY i"
        );
        self.admin.exec_drop(q, (n as i64,)).await?;
        self.admin.query_drop("ANALYZE TABLE users").await?;
        Ok(())
    }

    async fn stream_users(&mut self, imp: Imp) -> Res<u64> {
        match imp {
            Imp::Raw => raw::stream(&mut self.raw).await,
            Imp::Ormolu => orm::stream(&self.orm).await,
            _ => Err(crate::err("only raw and ormolu stream")),
        }
    }

    async fn close(mut self) -> Res<()> {
        self.orm.close();
        self.sqlx.close().await;
        self.sea.close().await?;
        drop(self.diesel);
        if self.owned {
            self.admin.query_drop(format!("DROP DATABASE {}", self.database)).await?;
        }
        self.raw.disconnect().await?;
        self.admin.disconnect().await?;
        Ok(())
    }
}
