//! ormolu's implementation of every workload — the same code on every backend.

use ormolu::prelude::*;
use ormolu::queryset::BulkOptions;
use ormolu::{Prefetch, RelatedSet};

use crate::data::{FILTER3_MIN_ID, FILTER3_PREFIX, UPDATE_F_ROWS};
use crate::{CommentRow, Output, PostRow, Res, UserRow};

/// `users`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "users")]
pub struct User {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 255)]
    pub name: String,
    /// Hair colour.
    #[ormolu(max_length = 255)]
    pub hair_color: Option<String>,
    /// `Post.user` seen from here (filled by `prefetch_related`).
    pub posts: RelatedSet<Post>,
}

/// `posts`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "posts")]
pub struct Post {
    /// Primary key.
    pub id: Auto<i64>,
    /// The author.
    #[ormolu(on_delete = Cascade, related_name = "posts")]
    pub user: ForeignKey<User>,
    /// Title.
    #[ormolu(max_length = 255)]
    pub title: String,
    /// Body.
    #[ormolu(text)]
    pub body: Option<String>,
    /// `Comment.post` seen from here (filled by `prefetch_related`).
    pub comments: RelatedSet<Comment>,
}

/// `comments`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "comments")]
pub struct Comment {
    /// Primary key.
    pub id: Auto<i64>,
    /// The post.
    #[ormolu(on_delete = Cascade, related_name = "comments")]
    pub post: ForeignKey<Post>,
    /// Text.
    #[ormolu(text)]
    pub text: String,
}

/// `counters`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "counters")]
pub struct Counter {
    /// Primary key.
    pub id: Auto<i64>,
    /// The count.
    pub n: i64,
}

impl From<User> for UserRow {
    fn from(u: User) -> Self {
        UserRow { id: u.id.value(), name: u.name, hair_color: u.hair_color }
    }
}

impl From<Post> for PostRow {
    fn from(p: Post) -> Self {
        PostRow { id: p.id.value(), user_id: p.user.id_as().unwrap_or_default(), title: p.title, body: p.body }
    }
}

impl From<Comment> for CommentRow {
    fn from(c: Comment) -> Self {
        CommentRow { id: c.id.value(), post_id: c.post.id_as().unwrap_or_default(), text: c.text }
    }
}

/// Trivial: every user.
pub async fn trivial(db: &Db) -> Res<Vec<User>> {
    Ok(User::objects().all(db).await?)
}

/// One row of the medium complex query: the user's columns, then its post's (NULL
/// when the user has none): `(id, name, hair_color, post id, post title, post body)`.
pub type MediumRow = (i64, String, Option<String>, Option<i64>, Option<String>, Option<String>);

/// Medium complex: black-haired users LEFT JOIN their posts, in one query — as in
/// Django, `values_list()` across a reverse relation joins it with LEFT OUTER JOIN;
/// ormolu reads the rows into typed tuples.
pub async fn medium(db: &Db) -> Res<Vec<MediumRow>> {
    Ok(User::objects()
        .filter(q!(hair_color = "black"))
        .order_by(["id", "posts__id"])
        .values_as::<MediumRow, _>(["id", "name", "hair_color", "posts__id", "posts__title", "posts__body"])
        .all(db)
        .await?)
}

/// Associations: users with `prefetch_related` of their posts and the posts'
/// comments (three queries, grouped by ormolu).
pub async fn associations(db: &Db) -> Res<Vec<User>> {
    let comments = Comment::objects().order_by(["id"]);
    let posts = Post::objects().order_by(["id"]).prefetch_related([Prefetch::new("comments", comments)]);
    Ok(User::objects().prefetch_related([Prefetch::new("posts", posts)]).order_by(["id"]).all(db).await?)
}

/// The comparable form of the medium complex rows: (user, post?) pairs.
pub fn pairs(rows: Vec<MediumRow>) -> Output {
    let out = rows
        .into_iter()
        .map(|(id, name, hair_color, post_id, title, body)| {
            let post = post_id.map(|pid| PostRow { id: pid, user_id: id, title: title.unwrap_or_default(), body });
            (UserRow { id, name, hair_color }, post)
        })
        .collect();
    Output::Pairs(out)
}

/// The comparable form of users with their posts and comments loaded.
pub fn tree(users: Vec<User>) -> Output {
    Output::Tree(
        users
            .into_iter()
            .map(|u| {
                let posts: Vec<Post> = u.posts.get().map(<[Post]>::to_vec).unwrap_or_default();
                let posts = posts
                    .into_iter()
                    .map(|p| {
                        let cs = p.comments.get().map(<[Comment]>::to_vec).unwrap_or_default();
                        (PostRow::from(p), cs.into_iter().map(CommentRow::from).collect())
                    })
                    .collect();
                (UserRow::from(u), posts)
            })
            .collect(),
    )
}

/// The users an insert workload writes, in the form each implementation takes them:
/// the rows the raw drivers and peers bind, and the same users as ormolu model
/// objects, both built before the workload is timed.
pub struct NewUsers {
    /// Names and colours (ids are generated).
    pub rows: Vec<(String, Option<&'static str>)>,
    /// The same users as `User` objects, primary keys unset.
    pub objs: Vec<User>,
}

impl NewUsers {
    /// `n` new users ([`data::new_users`](crate::data::new_users)).
    pub fn new(n: usize) -> Self {
        let rows = crate::data::new_users(n);
        let objs = rows
            .iter()
            .map(|(name, hair)| User { name: name.clone(), hair_color: hair.map(str::to_owned), ..Default::default() })
            .collect();
        NewUsers { rows, objs }
    }

    /// Unsets the keys bulk_create read back, so the next sample inserts the same
    /// objects as new rows again (run by the backends' untimed cleanup).
    pub fn unset_keys(&mut self) {
        self.objs.iter_mut().for_each(|u| u.id = Auto::unset());
    }
}

/// Insert / bulk_create: the users in one statement (`batch_size = n`, capped by the
/// backend's parameter limit). The prepared objects are lent
/// (`bulk_create_in_place`): bound borrowed, as the peers bind their prepared rows.
///
/// - insert (`keys` false): no keys read back, as the peers read nothing back; the
///   objects' keys stay unset, so the same objects are written again next time.
/// - bulk_create (`keys` true): Django's default, the generated keys read back into
///   the objects (`INSERT … RETURNING`; the peers read the ids back too); the
///   untimed cleanup unsets them ([`NewUsers::unset_keys`]).
pub async fn insert(db: &Db, new: &mut NewUsers, keys: bool) -> Res<usize> {
    let opts = BulkOptions::batch(new.rows.len());
    let opts = if keys { opts } else { opts.without_keys() };
    User::objects().bulk_create_in_place(db, &mut new.objs, opts).await?;
    Ok(new.objs.len())
}

/// Get by pk.
pub async fn get_pk(db: &Db, id: i64) -> Res<User> {
    Ok(User::objects().get_pk(db, id).await?)
}

/// The three-filter QuerySet with an order_by and a limit.
pub fn filter3() -> QuerySet<User> {
    User::objects()
        .filter(q!(hair_color = "black"))
        .filter(q!(name__startswith = FILTER3_PREFIX))
        .filter(q!(id__gt = FILTER3_MIN_ID))
        .order_by(["-id"])
        .limit(10)
}

/// Builds the three-filter QuerySet and compiles it to SQL for `db`'s dialect (no I/O).
pub fn filter3_build(db: &Db) -> Res<ormolu::core::compiler::Sql> {
    Ok(filter3().sql_for(db.dialect())?)
}

/// Runs the three-filter QuerySet.
pub async fn filter3_run(db: &Db) -> Res<Vec<User>> {
    Ok(filter3().all(db).await?)
}

/// `n = F(n) + 1` on the first 100 counters.
pub async fn update_f(db: &Db) -> Res<u64> {
    Ok(Counter::objects().filter(q!(id__lte = UPDATE_F_ROWS)).update(db, q!(n = F(n) + 1)).await?)
}

/// Streams every user, counting them.
pub async fn stream(db: &Db) -> Res<u64> {
    use futures_util::StreamExt;
    let mut s = Box::pin(User::objects().stream(db));
    let mut n = 0u64;
    while let Some(u) = s.next().await {
        std::hint::black_box(u?);
        n += 1;
    }
    Ok(n)
}
