//! Diesel's view of the tables, and its row types (the same on every backend).
#![allow(missing_docs, unused_qualifications)]

use diesel::prelude::*;

use crate::{CommentRow, PostRow, UserRow};

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        user_id -> BigInt,
        title -> Text,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        post_id -> BigInt,
        text -> Text,
    }
}

diesel::table! {
    counters (id) {
        id -> BigInt,
        n -> BigInt,
    }
}

diesel::joinable!(posts -> users (user_id));
diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(users, posts, comments, counters);

/// A user.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A post.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations)]
#[diesel(belongs_to(User))]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// A comment.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations)]
#[diesel(belongs_to(Post))]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

/// A user to insert (`None` is written as NULL, so one multi-row statement works on
/// SQLite too).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub hair_color: Option<&'a str>,
}

/// Users with their posts with their comments.
pub type Tree = Vec<(User, Vec<(Post, Vec<Comment>)>)>;

/// Groups loaded posts and comments back to their users (Diesel's `grouped_by`).
pub fn group(users: Vec<User>, posts: Vec<Post>, comments: Vec<Comment>) -> Tree {
    let comments = comments.grouped_by(&posts);
    let posts_and_comments: Vec<Vec<(Post, Vec<Comment>)>> = posts.into_iter().zip(comments).grouped_by(&users);
    users.into_iter().zip(posts_and_comments).collect()
}

impl From<User> for UserRow {
    fn from(u: User) -> Self {
        UserRow { id: u.id, name: u.name, hair_color: u.hair_color }
    }
}

impl From<Post> for PostRow {
    fn from(p: Post) -> Self {
        PostRow { id: p.id, user_id: p.user_id, title: p.title, body: p.body }
    }
}

impl From<Comment> for CommentRow {
    fn from(c: Comment) -> Self {
        CommentRow { id: c.id, post_id: c.post_id, text: c.text }
    }
}

/// Diesel's synchronous implementation for one connection type (SQLite, PostgreSQL):
/// the code is the same text, checked per backend.
#[macro_export]
#[doc(hidden)]
macro_rules! diesel_sync_impl {
    ($conn:ty) => {
        use diesel::prelude::*;
        use $crate::data::{FILTER3_LIKE, FILTER3_MIN_ID, UPDATE_F_ROWS};
        use $crate::diesel_schema::{comments, counters, posts, users, Comment, NewUser, Post, Tree, User};

        /// Trivial.
        pub fn trivial(conn: &mut $conn) -> $crate::Res<Vec<User>> {
            Ok(users::table.select(User::as_select()).load(conn)?)
        }

        /// Medium complex: one LEFT JOIN.
        pub fn medium(conn: &mut $conn) -> $crate::Res<Vec<(User, Option<Post>)>> {
            Ok(users::table
                .left_outer_join(posts::table)
                .filter(users::hair_color.eq("black"))
                .order((users::id.asc(), posts::id.asc()))
                .select((User::as_select(), Option::<Post>::as_select()))
                .load(conn)?)
        }

        /// Associations with `belonging_to` and `grouped_by`.
        pub fn associations(conn: &mut $conn) -> $crate::Res<Tree> {
            let us = users::table.order(users::id.asc()).select(User::as_select()).load(conn)?;
            let ps = Post::belonging_to(&us).order(posts::id.asc()).select(Post::as_select()).load(conn)?;
            let cs = Comment::belonging_to(&ps).order(comments::id.asc()).select(Comment::as_select()).load(conn)?;
            Ok($crate::diesel_schema::group(us, ps, cs))
        }

        /// Insert in one statement; `keys`: the generated ids read back (`RETURNING id`).
        pub fn insert(conn: &mut $conn, rows: &[(String, Option<&'static str>)], keys: bool) -> $crate::Res<usize> {
            let new: Vec<NewUser<'_>> = rows.iter().map(|(n, h)| NewUser { name: n, hair_color: *h }).collect();
            let insert = diesel::insert_into(users::table).values(&new);
            if keys {
                let ids: Vec<i64> = insert.returning(users::id).get_results(conn)?;
                Ok(std::hint::black_box(ids).len())
            } else {
                Ok(insert.execute(conn)?)
            }
        }

        /// Get by pk.
        pub fn get_pk(conn: &mut $conn, id: i64) -> $crate::Res<User> {
            Ok(users::table.find(id).select(User::as_select()).first(conn)?)
        }

        /// The three-filter query.
        pub fn filter3_run(conn: &mut $conn) -> $crate::Res<Vec<User>> {
            Ok(users::table
                .filter(users::hair_color.eq("black"))
                .filter(users::name.like(FILTER3_LIKE))
                .filter(users::id.gt(FILTER3_MIN_ID))
                .order(users::id.desc())
                .limit(10)
                .select(User::as_select())
                .load(conn)?)
        }

        /// `n = n + 1` on the first 100 counters.
        pub fn update_f(conn: &mut $conn) -> $crate::Res<usize> {
            Ok(diesel::update(counters::table.filter(counters::id.le(UPDATE_F_ROWS)))
                .set(counters::n.eq(counters::n + 1))
                .execute(conn)?)
        }
    };
}
