//! SeaORM's implementation of every workload — the same code on every backend.
#![allow(missing_docs, unused_qualifications)]

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue, DatabaseConnection, DbBackend, LoaderTrait, QueryOrder, QuerySelect, QueryTrait, Statement,
};

use crate::data::{FILTER3_LIKE, FILTER3_MIN_ID, UPDATE_F_ROWS};
use crate::{CommentRow, PostRow, Res, UserRow};

/// `users`.
pub mod user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::post::Entity")]
        Post,
    }

    impl Related<super::post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `posts`.
pub mod post {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub title: String,
        pub body: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
        User,
        #[sea_orm(has_many = "super::comment::Entity")]
        Comment,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl Related<super::comment::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Comment.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `comments`.
pub mod comment {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub post_id: i64,
        pub text: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::post::Entity", from = "Column::PostId", to = "super::post::Column::Id")]
        Post,
    }

    impl Related<super::post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `counters`.
pub mod counter {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "counters")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub n: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

impl From<user::Model> for UserRow {
    fn from(u: user::Model) -> Self {
        UserRow { id: u.id, name: u.name, hair_color: u.hair_color }
    }
}

impl From<post::Model> for PostRow {
    fn from(p: post::Model) -> Self {
        PostRow { id: p.id, user_id: p.user_id, title: p.title, body: p.body }
    }
}

impl From<comment::Model> for CommentRow {
    fn from(c: comment::Model) -> Self {
        CommentRow { id: c.id, post_id: c.post_id, text: c.text }
    }
}

/// Users with their posts with their comments.
pub type Tree = Vec<(user::Model, Vec<(post::Model, Vec<comment::Model>)>)>;

/// Trivial.
pub async fn trivial(db: &DatabaseConnection) -> Res<Vec<user::Model>> {
    Ok(user::Entity::find().all(db).await?)
}

/// Medium complex: one LEFT JOIN (`find_also_related`).
pub async fn medium(db: &DatabaseConnection) -> Res<Vec<(user::Model, Option<post::Model>)>> {
    Ok(user::Entity::find()
        .find_also_related(post::Entity)
        .filter(user::Column::HairColor.eq("black"))
        .order_by_asc(user::Column::Id)
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?)
}

/// Associations with the loader (`load_many`: one `IN` query per level).
pub async fn associations(db: &DatabaseConnection) -> Res<Tree> {
    let users = user::Entity::find().order_by_asc(user::Column::Id).all(db).await?;
    let posts = users.load_many(post::Entity::find().order_by_asc(post::Column::Id), db).await?;
    let flat: Vec<post::Model> = posts.iter().flatten().cloned().collect();
    let comments = flat.load_many(comment::Entity::find().order_by_asc(comment::Column::Id), db).await?;
    let mut comments = comments.into_iter();
    Ok(users
        .into_iter()
        .zip(posts)
        .map(|(u, ps)| {
            let ps = ps.into_iter().map(|p| (p, comments.next().unwrap_or_default())).collect();
            (u, ps)
        })
        .collect())
}

/// Insert in one statement (`insert_many`); `keys`: the generated ids read back
/// (`exec_with_returning_keys`, RETURNING on every backend here).
pub async fn insert(db: &DatabaseConnection, rows: &[(String, Option<&'static str>)], keys: bool) -> Res<u64> {
    let models = rows.iter().map(|(name, hair)| user::ActiveModel {
        id: ActiveValue::NotSet,
        name: ActiveValue::Set(name.clone()),
        hair_color: ActiveValue::Set(hair.map(str::to_owned)),
    });
    let insert = user::Entity::insert_many(models);
    if !keys {
        return Ok(insert.exec_without_returning(db).await?);
    }
    let ids: Vec<i64> = insert.exec_with_returning_keys(db).await?;
    Ok(std::hint::black_box(ids).len() as u64)
}

/// Get by pk.
pub async fn get_pk(db: &DatabaseConnection, id: i64) -> Res<user::Model> {
    user::Entity::find_by_id(id).one(db).await?.ok_or_else(|| crate::err("no such user"))
}

fn filter3() -> sea_orm::Select<user::Entity> {
    user::Entity::find()
        .filter(user::Column::HairColor.eq("black"))
        .filter(user::Column::Name.like(FILTER3_LIKE))
        .filter(user::Column::Id.gt(FILTER3_MIN_ID))
        .order_by_desc(user::Column::Id)
        .limit(10)
}

/// Builds the three-filter query and renders it for `backend` (no I/O).
pub fn filter3_build(backend: DbBackend) -> Statement {
    filter3().build(backend)
}

/// Runs the three-filter query.
pub async fn filter3_run(db: &DatabaseConnection) -> Res<Vec<user::Model>> {
    Ok(filter3().all(db).await?)
}

/// `n = n + 1` on the first 100 counters.
pub async fn update_f(db: &DatabaseConnection) -> Res<u64> {
    Ok(counter::Entity::update_many()
        .col_expr(counter::Column::N, Expr::col(counter::Column::N).add(1))
        .filter(counter::Column::Id.lte(UPDATE_F_ROWS))
        .exec(db)
        .await?
        .rows_affected)
}
