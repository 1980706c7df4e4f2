//! PostgreSQL: one schema per run (`search_path` set through the URL's `options`,
//! with `synchronous_commit = off`), shared by tokio-postgres (raw), ormolu, Diesel
//! (libpq), SQLx and SeaORM.

use std::collections::HashMap;

use diesel::Connection as _;
use sea_orm::DatabaseConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Statement};

use crate::data::{self, Data, FILTER3_LIKE, FILTER3_MIN_ID, GET_PK_ID, UPDATE_F_ROWS};
use crate::{
    keep, orm, pairs_output, sea, sqlx_rows, tree_output, users_output, Bench, CommentRow, Imp, Output, PostRow, Res,
    UserRow, Workload,
};

const SCHEMA: &str = "
CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255));
CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id),
    title VARCHAR(255) NOT NULL, body TEXT);
CREATE INDEX posts_user_id ON posts (user_id);
CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES posts (id), text TEXT NOT NULL);
CREATE INDEX comments_post_id ON comments (post_id);
CREATE TABLE counters (id BIGSERIAL PRIMARY KEY, n BIGINT NOT NULL);
";

const RESET: &str = "TRUNCATE users, posts, comments, counters RESTART IDENTITY";

/// The SQL the raw and SQLx implementations run.
mod sql {
    pub const TRIVIAL: &str = "SELECT id, name, hair_color FROM users";
    pub const MEDIUM: &str = "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
        FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = $1 ORDER BY u.id, p.id";
    pub const USERS_BY_ID: &str = "SELECT id, name, hair_color FROM users ORDER BY id";
    pub const POSTS_OF: &str = "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1) ORDER BY id";
    pub const COMMENTS_OF: &str = "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1) ORDER BY id";
    pub const GET_PK: &str = "SELECT id, name, hair_color FROM users WHERE id = $1";
    pub const FILTER3: &str = "SELECT id, name, hair_color FROM users \
        WHERE hair_color = $1 AND name LIKE $2 AND id > $3 ORDER BY id DESC LIMIT 10";
    pub const UPDATE_F: &str = "UPDATE counters SET n = n + 1 WHERE id <= $1";
}

/// The PostgreSQL benchmark.
pub struct PostgresBench {
    schema: String,
    owned: bool,
    /// Setup, cleanup and checks: a connection of its own, so the measured `raw`
    /// connection only ever runs the workloads.
    admin: Client,
    raw: Raw,
    orm: ormolu::Db,
    diesel: diesel::PgConnection,
    sqlx: PgPool,
    sea: DatabaseConnection,
    new_users: HashMap<usize, orm::NewUsers>,
}

/// tokio-postgres with a statement cache, as a careful user of the driver would write.
struct Raw {
    client: Client,
    cache: HashMap<String, Statement>,
}

impl Raw {
    async fn connect(url: &str) -> Res<Raw> {
        let (client, conn) = tokio_postgres::connect(url, NoTls).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Raw { client, cache: HashMap::new() })
    }

    async fn stmt(&mut self, sql: &str) -> Res<Statement> {
        if let Some(s) = self.cache.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).await?;
        self.cache.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

/// The URL every implementation connects with: the run's schema first on the search
/// path, and `synchronous_commit = off`, so a commit does not wait for the WAL to
/// reach the disk (the benchmark measures the clients, not a shared disk).
fn url_with_schema(base: &str, schema: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff")
}

impl PostgresBench {
    async fn connect(schema: String, owned: bool) -> Res<Self> {
        let base = crate::postgres_url();
        if owned {
            let admin = Raw::connect(&base).await?;
            admin.client.batch_execute(&format!("CREATE SCHEMA {schema}")).await?;
        }
        let url = url_with_schema(&base, &schema);
        let admin = Raw::connect(&url).await?.client;
        if owned {
            admin.batch_execute(SCHEMA).await?;
        }
        let raw = Raw::connect(&url).await?;
        let orm = ormolu::Db::connect(&url).await?;
        let diesel = diesel::PgConnection::establish(&url)?;
        let opts: PgConnectOptions = url.parse()?;
        let sqlx = PgPoolOptions::new().max_connections(4).connect_with(opts.clone()).await?;
        let sea_pool = PgPoolOptions::new().max_connections(4).connect_with(opts).await?;
        let sea = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(sea_pool);
        Ok(PostgresBench { schema, owned, admin, raw, orm, diesel, sqlx, sea, new_users: HashMap::new() })
    }

    async fn fill(&mut self, d: &Data) -> Res<()> {
        let c = &self.admin;
        let ids: Vec<i64> = d.users.iter().map(|u| u.id).collect();
        let names: Vec<&str> = d.users.iter().map(|u| u.name.as_str()).collect();
        let hair: Vec<Option<&str>> = d.users.iter().map(|u| u.hair_color).collect();
        c.execute(
            "INSERT INTO users (id, name, hair_color) SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[])",
            &[&ids, &names, &hair],
        )
        .await?;
        let ids: Vec<i64> = d.posts.iter().map(|p| p.id).collect();
        let users: Vec<i64> = d.posts.iter().map(|p| p.user_id).collect();
        let titles: Vec<&str> = d.posts.iter().map(|p| p.title.as_str()).collect();
        let bodies: Vec<Option<&str>> = d.posts.iter().map(|p| p.body.as_deref()).collect();
        c.execute(
            "INSERT INTO posts (id, user_id, title, body) \
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[])",
            &[&ids, &users, &titles, &bodies],
        )
        .await?;
        let ids: Vec<i64> = d.comments.iter().map(|c| c.id).collect();
        let posts: Vec<i64> = d.comments.iter().map(|c| c.post_id).collect();
        let texts: Vec<&str> = d.comments.iter().map(|c| c.text.as_str()).collect();
        c.execute(
            "INSERT INTO comments (id, post_id, text) SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[])",
            &[&ids, &posts, &texts],
        )
        .await?;
        c.execute(
            "INSERT INTO counters (id, n) SELECT i, 0 FROM generate_series(1, $1::bigint) i",
            &[&(d.counters as i64)],
        )
        .await?;
        c.batch_execute("ANALYZE users, posts, comments, counters").await?;
        Ok(())
    }
}

fn user_of(r: &tokio_postgres::Row) -> Res<UserRow> {
    Ok(UserRow { id: r.try_get(0)?, name: r.try_get(1)?, hair_color: r.try_get(2)? })
}

mod raw {
    use super::*;

    pub async fn trivial(c: &mut Raw) -> Res<Vec<UserRow>> {
        let st = c.stmt(sql::TRIVIAL).await?;
        c.client.query(&st, &[]).await?.iter().map(user_of).collect()
    }

    pub async fn medium(c: &mut Raw) -> Res<Vec<(UserRow, Option<PostRow>)>> {
        let st = c.stmt(sql::MEDIUM).await?;
        let rows = c.client.query(&st, &[&"black"]).await?;
        rows.iter()
            .map(|r| {
                let post = match r.try_get::<_, Option<i64>>(3)? {
                    Some(id) => Some(PostRow { id, user_id: r.try_get(4)?, title: r.try_get(5)?, body: r.try_get(6)? }),
                    None => None,
                };
                Ok((user_of(r)?, post))
            })
            .collect()
    }

    pub async fn associations(c: &mut Raw) -> Res<crate::RowTree> {
        let st = c.stmt(sql::USERS_BY_ID).await?;
        let users: Vec<UserRow> = c.client.query(&st, &[]).await?.iter().map(user_of).collect::<Res<_>>()?;
        let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
        let st = c.stmt(sql::POSTS_OF).await?;
        let posts: Vec<PostRow> = c
            .client
            .query(&st, &[&ids])
            .await?
            .iter()
            .map(|r| {
                Ok(PostRow { id: r.try_get(0)?, user_id: r.try_get(1)?, title: r.try_get(2)?, body: r.try_get(3)? })
            })
            .collect::<Res<_>>()?;
        let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
        let st = c.stmt(sql::COMMENTS_OF).await?;
        let comments: Vec<CommentRow> = c
            .client
            .query(&st, &[&ids])
            .await?
            .iter()
            .map(|r| Ok(CommentRow { id: r.try_get(0)?, post_id: r.try_get(1)?, text: r.try_get(2)? }))
            .collect::<Res<_>>()?;
        Ok(crate::group_rows(users, posts, comments))
    }

    /// `keys`: the generated ids read back (`RETURNING id`).
    pub async fn insert(c: &mut Raw, rows: &[(String, Option<&'static str>)], keys: bool) -> Res<u64> {
        let mut q = String::from("INSERT INTO users (name, hair_color) VALUES ");
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(rows.len() * 2);
        for (i, (name, hair)) in rows.iter().enumerate() {
            if i > 0 {
                q.push_str(", ");
            }
            q.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
            params.push(name);
            params.push(hair);
        }
        if !keys {
            let st = c.stmt(&q).await?;
            return Ok(c.client.execute(&st, &params).await?);
        }
        q.push_str(" RETURNING id");
        let st = c.stmt(&q).await?;
        let ids: Vec<i64> = c.client.query(&st, &params).await?.iter().map(|r| r.get(0)).collect();
        Ok(std::hint::black_box(ids).len() as u64)
    }

    pub async fn get_pk(c: &mut Raw, id: i64) -> Res<UserRow> {
        let st = c.stmt(sql::GET_PK).await?;
        let rows = c.client.query(&st, &[&id]).await?;
        user_of(rows.first().ok_or_else(|| crate::err("no such user"))?)
    }

    pub async fn filter3(c: &mut Raw) -> Res<Vec<UserRow>> {
        let st = c.stmt(sql::FILTER3).await?;
        c.client.query(&st, &[&"black", &FILTER3_LIKE, &FILTER3_MIN_ID]).await?.iter().map(user_of).collect()
    }

    pub async fn update_f(c: &mut Raw) -> Res<u64> {
        let st = c.stmt(sql::UPDATE_F).await?;
        Ok(c.client.execute(&st, &[&UPDATE_F_ROWS]).await?)
    }

    pub async fn stream(c: &mut Raw) -> Res<u64> {
        use futures_util::TryStreamExt;
        let st = c.stmt(sql::TRIVIAL).await?;
        let rows = c.client.query_raw(&st, std::iter::empty::<i64>()).await?;
        let mut rows = std::pin::pin!(rows);
        let mut n = 0;
        while let Some(r) = rows.try_next().await? {
            std::hint::black_box(user_of(&r)?);
            n += 1;
        }
        Ok(n)
    }
}

/// Diesel (synchronous `PgConnection`, libpq).
mod dsl {
    use diesel::PgConnection;
    crate::diesel_sync_impl!(PgConnection);
}

/// SQLx (`PgPool`).
mod sqlx_impl {
    use super::*;
    use sqlx::{Postgres, QueryBuilder, Row as _};
    use sqlx_rows::{Comment, Post, User};

    pub async fn trivial(p: &PgPool) -> Res<Vec<User>> {
        Ok(sqlx::query_as(sql::TRIVIAL).fetch_all(p).await?)
    }

    pub async fn medium(p: &PgPool) -> Res<Vec<(User, Option<Post>)>> {
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

    pub async fn associations(p: &PgPool) -> Res<sqlx_rows::Tree> {
        let users: Vec<User> = sqlx::query_as(sql::USERS_BY_ID).fetch_all(p).await?;
        let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
        let posts: Vec<Post> = sqlx::query_as(sql::POSTS_OF).bind(&ids).fetch_all(p).await?;
        let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
        let comments: Vec<Comment> = sqlx::query_as(sql::COMMENTS_OF).bind(&ids).fetch_all(p).await?;
        Ok(sqlx_rows::group(users, posts, comments))
    }

    /// `keys`: the generated ids read back (`RETURNING id`).
    pub async fn insert(p: &PgPool, rows: &[(String, Option<&'static str>)], keys: bool) -> Res<u64> {
        let mut qb = QueryBuilder::<Postgres>::new("INSERT INTO users (name, hair_color) ");
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

    pub async fn get_pk(p: &PgPool, id: i64) -> Res<User> {
        Ok(sqlx::query_as(sql::GET_PK).bind(id).fetch_one(p).await?)
    }

    pub async fn filter3(p: &PgPool) -> Res<Vec<User>> {
        Ok(sqlx::query_as(sql::FILTER3).bind("black").bind(FILTER3_LIKE).bind(FILTER3_MIN_ID).fetch_all(p).await?)
    }

    pub async fn update_f(p: &PgPool) -> Res<u64> {
        Ok(sqlx::query(sql::UPDATE_F).bind(UPDATE_F_ROWS).execute(p).await?.rows_affected())
    }
}

impl Bench for PostgresBench {
    const NAME: &'static str = "postgres";

    async fn open() -> Res<Self> {
        Self::connect(crate::unique_namespace(), true).await
    }

    async fn attach(namespace: &str) -> Res<Self> {
        Self::connect(namespace.to_owned(), false).await
    }

    fn namespace(&self) -> String {
        self.schema.clone()
    }

    async fn prepare(&mut self, w: Workload, n: usize) -> Res<()> {
        self.admin.batch_execute(RESET).await?;
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
            (Trivial, Diesel) => keep(check, dsl::trivial(&mut self.diesel)?, users_output),
            (Trivial, Sqlx) => keep(check, sqlx_impl::trivial(&self.sqlx).await?, users_output),
            (Trivial, SeaOrm) => keep(check, sea::trivial(&self.sea).await?, users_output),

            (Medium, Raw) => keep(check, raw::medium(&mut self.raw).await?, Output::Pairs),
            (Medium, Ormolu) => keep(check, orm::medium(&self.orm).await?, orm::pairs),
            (Medium, Diesel) => keep(check, dsl::medium(&mut self.diesel)?, pairs_output),
            (Medium, Sqlx) => keep(check, sqlx_impl::medium(&self.sqlx).await?, pairs_output),
            (Medium, SeaOrm) => keep(check, sea::medium(&self.sea).await?, pairs_output),

            (Associations, Raw) => keep(check, raw::associations(&mut self.raw).await?, Output::Tree),
            (Associations, Ormolu) => keep(check, orm::associations(&self.orm).await?, orm::tree),
            (Associations, Diesel) => keep(check, dsl::associations(&mut self.diesel)?, tree_output),
            (Associations, Sqlx) => keep(check, sqlx_impl::associations(&self.sqlx).await?, tree_output),
            (Associations, SeaOrm) => keep(check, sea::associations(&self.sea).await?, tree_output),

            (Insert | BulkCreate, _) => {
                let mut new = self.new_users.remove(&n).unwrap_or_else(|| orm::NewUsers::new(n));
                let (rows, keys) = (&new.rows, w == BulkCreate);
                match imp {
                    Raw => drop(std::hint::black_box(raw::insert(&mut self.raw, rows, keys).await?)),
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

            (GetPk, Raw) => keep(check, raw::get_pk(&mut self.raw, GET_PK_ID).await?, |u| Output::Users(vec![u])),
            (GetPk, Ormolu) => keep(check, orm::get_pk(&self.orm, GET_PK_ID).await?, |u| users_output(vec![u])),
            (GetPk, Diesel) => keep(check, dsl::get_pk(&mut self.diesel, GET_PK_ID)?, |u| users_output(vec![u])),
            (GetPk, Sqlx) => keep(check, sqlx_impl::get_pk(&self.sqlx, GET_PK_ID).await?, |u| users_output(vec![u])),
            (GetPk, SeaOrm) => keep(check, sea::get_pk(&self.sea, GET_PK_ID).await?, |u| users_output(vec![u])),

            (Filter3Build, Ormolu) => keep(check, orm::filter3_build(&self.orm)?, |_| Output::None),
            (Filter3Build, SeaOrm) => keep(check, sea::filter3_build(sea_orm::DbBackend::Postgres), |_| Output::None),
            (Filter3Build, _) => return Err(crate::err("not measured")),

            (Filter3Run, Raw) => keep(check, raw::filter3(&mut self.raw).await?, Output::Users),
            (Filter3Run, Ormolu) => keep(check, orm::filter3_run(&self.orm).await?, users_output),
            (Filter3Run, Diesel) => keep(check, dsl::filter3_run(&mut self.diesel)?, users_output),
            (Filter3Run, Sqlx) => keep(check, sqlx_impl::filter3(&self.sqlx).await?, users_output),
            (Filter3Run, SeaOrm) => keep(check, sea::filter3_run(&self.sea).await?, users_output),

            (UpdateF, Raw) => keep(check, raw::update_f(&mut self.raw).await?, Output::Count),
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
        self.admin.batch_execute("TRUNCATE users, posts, comments RESTART IDENTITY").await?;
        Ok(())
    }

    async fn dump_users(&mut self) -> Res<Vec<UserRow>> {
        let rows = self.admin.query("SELECT name, hair_color FROM users ORDER BY name", &[]).await?;
        rows.iter().map(|r| Ok(UserRow { id: 0, name: r.try_get(0)?, hair_color: r.try_get(1)? })).collect()
    }

    async fn fill_many(&mut self, n: usize) -> Res<()> {
        self.admin.batch_execute(RESET).await?;
        self.admin
            .execute(
                "INSERT INTO users (name, hair_color) \
                 SELECT 'User ' || i, CASE WHEN i % 2 = 0 THEN 'black' END FROM generate_series(0, $1::bigint - 1) i",
                &[&(n as i64)],
            )
            .await?;
        self.admin.batch_execute("ANALYZE users").await?;
        Ok(())
    }

    async fn stream_users(&mut self, imp: Imp) -> Res<u64> {
        match imp {
            Imp::Raw => raw::stream(&mut self.raw).await,
            Imp::Ormolu => orm::stream(&self.orm).await,
            _ => Err(crate::err("only raw and ormolu stream")),
        }
    }

    async fn close(self) -> Res<()> {
        self.orm.close();
        self.sqlx.close().await;
        self.sea.close().await?;
        drop(self.diesel);
        if self.owned {
            self.admin.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.schema)).await?;
        }
        Ok(())
    }
}
