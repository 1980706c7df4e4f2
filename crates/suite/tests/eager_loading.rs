//! Eager loading and many-to-many managers on SQLite, PostgreSQL and MariaDB:
//! `select_related` (nested, nullable, with only/filter/order/slice), `prefetch_related`
//! (forward and reverse foreign keys, many-to-many both ways, nested paths, `Prefetch`
//! with a queryset and `to_attr`, `IN` batches, grouping by dense, sparse, text and
//! NULL keys), query counts (2 queries, not N+1),
//! and the managers on the relation fields (`add`, `remove`, `clear`, `set`, `create`,
//! `through_defaults`, unsaved instances).

use chrono::{NaiveDate, NaiveDateTime};
use ormolu::core::meta::ModelMeta;
use ormolu::prelude::*;
use ormolu::testing::count_queries;
use ormolu::{assert_num_queries, prefetch_related_objects, Assignments, PrefetchCache};
use ormolu_suite::backend_tests;

/// A customer: its orders are a `RelatedSet` (the reverse side of `Order.user`), and a
/// second one holds `Prefetch(…).to_attr("big_orders")`; its courses are the reverse
/// side of `Course.students`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_user")]
pub struct User {
    /// Primary key.
    pub id: Auto<i64>,
    /// Login.
    #[ormolu(max_length = 50, unique)]
    pub username: String,
    /// `Order.user` seen from here.
    pub orders: RelatedSet<Order>,
    /// The same relation, for `to_attr("big_orders")`.
    #[ormolu(reverse = "orders")]
    pub big_orders: RelatedSet<Order>,
    /// `Course.students` seen from here (related name `courses`).
    pub courses: RelatedSet<Course>,
}

/// An order of a user.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_order")]
pub struct Order {
    /// Primary key.
    pub id: Auto<i64>,
    /// The customer.
    #[ormolu(related_name = "orders")]
    pub user: ForeignKey<User>,
    /// Total.
    pub total: i32,
    /// `Item.order` seen from here.
    pub items: RelatedSet<Item>,
}

/// A product.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_product")]
pub struct Product {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
}

/// A line of an order.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_item")]
pub struct Item {
    /// Primary key.
    pub id: Auto<i64>,
    /// The order.
    #[ormolu(related_name = "items")]
    pub order: ForeignKey<Order>,
    /// The product.
    #[ormolu(related_name = "items")]
    pub product: ForeignKey<Product>,
    /// Quantity.
    pub qty: i32,
}

/// An author: declares no field for its posts (as a model of another crate could not),
/// so they are read from a `PrefetchCache`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_author")]
pub struct Author {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
}

/// A tag, ordered by name; `posts` is the reverse side of `Post.tags`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_tag", ordering = ["name"])]
pub struct Tag {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
    /// Posts with this tag.
    pub posts: RelatedSet<Post>,
}

/// A post: a nullable author, co-authors and tags (automatic join tables).
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_post")]
pub struct Post {
    /// Primary key.
    pub id: Auto<i64>,
    /// Title.
    #[ormolu(max_length = 50)]
    pub title: String,
    /// The author, if any.
    #[ormolu(on_delete = SetNull, related_name = "posts")]
    pub author: Option<ForeignKey<Author>>,
    /// Co-authors (from Author: `coauthored`).
    #[ormolu(related_name = "coauthored")]
    pub coauthors: ManyToMany<Author>,
    /// Tags (from Tag: `posts`).
    #[ormolu(related_name = "posts")]
    pub tags: ManyToMany<Tag>,
}

/// A comment on a post (for `select_related("post__author")`).
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_comment")]
pub struct Comment {
    /// Primary key.
    pub id: Auto<i64>,
    /// The post.
    #[ormolu(related_name = "comments")]
    pub post: ForeignKey<Post>,
    /// Text.
    #[ormolu(max_length = 50)]
    pub body: String,
}

/// A course: students through `Enrollment`, which has a required extra field.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_course")]
pub struct Course {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
    /// Students (from User: `courses`).
    #[ormolu(related_name = "courses", through = Enrollment)]
    pub students: ManyToMany<User>,
}

/// The join model of `Course.students`.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_enrollment")]
pub struct Enrollment {
    /// Primary key.
    pub id: Auto<i64>,
    /// The student.
    #[ormolu(related_name = "enrollments")]
    pub user: ForeignKey<User>,
    /// The course.
    #[ormolu(related_name = "enrollments")]
    pub course: ForeignKey<Course>,
    /// When (required: `add()` needs it as `through_defaults`).
    pub enrolled_at: NaiveDateTime,
    /// A grade, with a default.
    #[ormolu(default = 0)]
    pub grade: i32,
}

/// A shelf, known by its code: `Book.shelf` points at the code (`to_field`), so
/// prefetching groups by text keys.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_shelf")]
pub struct Shelf {
    /// Primary key.
    pub id: Auto<i64>,
    /// The code books point at.
    #[ormolu(max_length = 10, unique)]
    pub code: String,
    /// `Book.shelf` seen from here.
    pub books: RelatedSet<Book>,
}

/// A book on a shelf (by the shelf's code).
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "eg_book")]
pub struct Book {
    /// Primary key.
    pub id: Auto<i64>,
    /// The shelf, by code.
    #[ormolu(to_field = "code", related_name = "books")]
    pub shelf: ForeignKey<Shelf>,
    /// Title.
    #[ormolu(max_length = 50)]
    pub title: String,
}

fn all_models() -> Vec<&'static ModelMeta> {
    let through = |m: &'static ModelMeta, f: &str| (m.many_to_many(f).unwrap().through)();
    vec![
        User::meta(),
        Order::meta(),
        Product::meta(),
        Item::meta(),
        Author::meta(),
        Tag::meta(),
        Post::meta(),
        through(Post::meta(), "coauthors"),
        through(Post::meta(), "tags"),
        Comment::meta(),
        Course::meta(),
        Enrollment::meta(),
        Shelf::meta(),
        Book::meta(),
    ]
}

fn when() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 5, 1).unwrap().and_hms_opt(9, 0, 0).unwrap()
}

async fn user(db: &Db, name: &str) -> User {
    User::objects().create(db, User { username: name.into(), ..Default::default() }).await.unwrap()
}

/// ann: orders 10, 150 (items: 2 apples; 1 pear, 3 plums); bob: order 200 (1 apple);
/// cid: no order.
async fn shop(db: &Db) -> (User, User, User) {
    ormolu::schema::create_tables(db, &all_models()).await.unwrap();
    let (ann, bob, cid) = (user(db, "ann").await, user(db, "bob").await, user(db, "cid").await);
    let mut products = Vec::new();
    for n in ["apple", "pear", "plum"] {
        products.push(Product::objects().create(db, Product { name: n.into(), ..Default::default() }).await.unwrap());
    }
    let order = |u: &User, total| Order { user: u.into(), total, ..Default::default() };
    let o1 = Order::objects().create(db, order(&ann, 10)).await.unwrap();
    let o2 = Order::objects().create(db, order(&ann, 150)).await.unwrap();
    let o3 = Order::objects().create(db, order(&bob, 200)).await.unwrap();
    for (o, p, qty) in [(&o1, 0, 2), (&o2, 1, 1), (&o2, 2, 3), (&o3, 0, 1)] {
        let it = Item { order: o.into(), product: (&products[p]).into(), qty, ..Default::default() };
        Item::objects().create(db, it).await.unwrap();
    }
    (ann, bob, cid)
}

/// Posts: "p1" by joe (tags a, b; co-authors joe, kim), "p2" by nobody (tag b), "p3" by
/// kim (no tag). Comments on each.
async fn blog(db: &Db) -> (Vec<Post>, Vec<Author>, Vec<Tag>) {
    ormolu::schema::create_tables(db, &all_models()).await.unwrap();
    blog_rows(db).await
}

/// The rows of [`blog`], in existing tables.
async fn blog_rows(db: &Db) -> (Vec<Post>, Vec<Author>, Vec<Tag>) {
    let mut authors = Vec::new();
    for n in ["joe", "kim"] {
        authors.push(Author::objects().create(db, Author { name: n.into(), ..Default::default() }).await.unwrap());
    }
    let mut tags = Vec::new();
    for n in ["b", "a", "unused"] {
        tags.push(Tag::objects().create(db, Tag { name: n.into(), ..Default::default() }).await.unwrap());
    }
    let post =
        |title: &str, a: Option<&Author>| Post { title: title.into(), author: a.map(Into::into), ..Default::default() };
    let p1 = Post::objects().create(db, post("p1", Some(&authors[0]))).await.unwrap();
    let p2 = Post::objects().create(db, post("p2", None)).await.unwrap();
    let p3 = Post::objects().create(db, post("p3", Some(&authors[1]))).await.unwrap();
    p1.tags.add(db, [&tags[1], &tags[0]]).await.unwrap();
    p2.tags.add(db, [&tags[0]]).await.unwrap();
    p1.coauthors.add(db, &[&authors[0], &authors[1]]).await.unwrap();
    for (p, body) in [(&p1, "c1"), (&p2, "c2"), (&p3, "c3")] {
        Comment::objects()
            .create(db, Comment { post: p.into(), body: body.into(), ..Default::default() })
            .await
            .unwrap();
    }
    (vec![p1, p2, p3], authors, tags)
}

fn names<T>(v: &[T], f: impl Fn(&T) -> String) -> Vec<String> {
    v.iter().map(f).collect()
}

backend_tests! {
    async fn select_related_nested_and_nullable(db) {
        shop(db).await;
        // Two levels and a sibling in one query: INNER JOINs (required keys).
        let items = assert_num_queries!(
            db,
            1,
            Item::objects().select_related(["order__user", "product"]).order_by(["pk"]).all(db)
        )
        .unwrap();
        let seen: Vec<(String, i32, String)> = items
            .iter()
            .map(|i| {
                let order = i.order.get().expect("order loaded");
                let user = order.user.get().expect("user loaded");
                (user.username.clone(), order.total, i.product.get().expect("product loaded").name.clone())
            })
            .collect();
        assert_eq!(
            seen,
            [("ann".into(), 10, "apple".into()), ("ann".into(), 150, "pear".into()), ("ann".into(), 150, "plum".into()), ("bob".into(), 200, "apple".into())]
        );
        // Typed path, checked by the compiler; combined with filter, only, order and slice.
        let qs = Item::objects()
            .select_related_by(Item::order().then(Order::user()))
            .filter(q!(order__user__username = "ann"))
            .only(["qty", "order__total", "order__user__username"])
            .order_by(["-qty"])
            .limit(2);
        let top = assert_num_queries!(db, 1, qs.all(db)).unwrap();
        assert_eq!(top.iter().map(|i| i.qty).collect::<Vec<_>>(), [3, 2]);
        let o = top[0].order.get().unwrap();
        assert_eq!((o.total, o.user.get().unwrap().username.as_str()), (150, "ann"));
        assert!(top[0].product.get().is_none(), "not selected");

        // A nullable key: LEFT OUTER JOIN, and a NULL key gives no object.
        let (posts, _, _) = blog_rows(db).await;
        let comments = assert_num_queries!(db, 1, Comment::objects().select_related(["post__author"]).order_by(["pk"]).all(db)).unwrap();
        let authors: Vec<Option<String>> = comments
            .iter()
            .map(|c| c.post.get().unwrap().author.as_ref().and_then(|a| a.get()).map(|a| a.name.clone()))
            .collect();
        assert_eq!(authors, [Some("joe".to_string()), None, Some("kim".to_string())]);
        assert_eq!(comments.len(), posts.len(), "the LEFT join keeps posts without an author");
        let sql = Comment::objects().select_related(["post__author"]).sql(db).unwrap().sql;
        assert!(sql.contains("INNER JOIN") && sql.contains("LEFT OUTER JOIN"), "{sql}");

        // Without select_related nothing is loaded, and reading never queries.
        let plain = Item::objects().order_by(["pk"]).first(db).await.unwrap().unwrap();
        assert!(plain.order.get().is_none());
        // Misuse: a reverse relation, a plain field.
        let err = User::objects().select_related(["orders"]).all(db).await.unwrap_err().to_string();
        assert!(err.contains("select_related") && err.contains("prefetch_related"), "{err}");
        let err = Item::objects().select_related(["qty"]).all(db).await.unwrap_err().to_string();
        assert!(err.contains("Non-relational field") && err.contains("order, product"), "{err}");
    }

    async fn prefetch_reverse_fk_nested(db) {
        let (ann, bob, cid) = shop(db).await;
        // users + orders + items + products: 4 queries, whatever the number of rows.
        let users = assert_num_queries!(
            db,
            4,
            User::objects().prefetch_related(["orders__items__product"]).order_by(["username"]).all(db)
        )
        .unwrap();
        assert_eq!(users.iter().map(|u| u.id.value()).collect::<Vec<_>>(), [ann.id.value(), bob.id.value(), cid.id.value()]);
        let lines: Vec<Vec<(i32, Vec<String>)>> = users
            .iter()
            .map(|u| {
                u.orders
                    .get()
                    .unwrap()
                    .iter()
                    .map(|o| (o.total, names(o.items.get().unwrap(), |i| i.product.get().unwrap().name.clone())))
                    .collect()
            })
            .collect();
        assert_eq!(lines[0].len(), 2);
        assert!(lines[0].contains(&(10, vec!["apple".to_string()])));
        assert!(lines[0].iter().any(|(t, p)| *t == 150 && p.len() == 2 && p.contains(&"plum".to_string())));
        assert_eq!(lines[1], [(200, vec!["apple".to_string()])]);
        assert_eq!(lines[2], Vec::<(i32, Vec<String>)>::new(), "no orders: loaded and empty");
        assert!(users[2].orders.is_loaded());
        // A shared prefix is fetched once; forward keys prefetch too.
        let items = assert_num_queries!(db, 3, Item::objects().prefetch_related(["order", "order__user"]).all(db)).unwrap();
        assert!(items.iter().all(|i| i.order.get().unwrap().user.get().is_some()));
        // Typed: the reverse of a foreign key's path.
        let users = assert_num_queries!(db, 2, User::objects().prefetch_related_by(Order::user().reverse()).all(db)).unwrap();
        assert_eq!(users.iter().map(|u| u.orders.get().unwrap().len()).sum::<usize>(), 3);
        // Reading a prefetched relation again through its manager is a new query.
        let n = assert_num_queries!(db, 1, users[0].orders.count(db)).unwrap();
        assert_eq!(n as usize, users[0].orders.get().unwrap().len());
        // prefetch_related + select_related in the prefetch queryset.
        let p = Prefetch::new("orders", Order::objects().select_related(["user"]));
        let users = assert_num_queries!(db, 2, User::objects().prefetch_related([p]).all(db)).unwrap();
        assert!(users.iter().flat_map(|u| u.orders.get().unwrap()).all(|o| o.user.get().is_some()));
        // The key rows are grouped by is loaded even when only() leaves it out.
        let p = Prefetch::new("orders", Order::objects().only(["total"]));
        let users = User::objects().prefetch_related([p]).order_by(["username"]).all(db).await.unwrap();
        assert_eq!(users.iter().map(|u| u.orders.get().unwrap().len()).collect::<Vec<_>>(), [2, 1, 0]);
        // An unknown name says what is valid.
        let err = User::objects().prefetch_related(["order"]).all(db).await.unwrap_err().to_string();
        assert!(err.contains("Cannot find 'order'") && err.contains("orders"), "{err}");
    }

    async fn prefetch_groups_by_sparse_text_and_null_keys(db) {
        ormolu::schema::create_tables(db, &all_models()).await.unwrap();
        // Integer keys far apart (not a dense range): grouped through a hash map.
        let near = user(db, "near").await;
        let far = User { id: Auto::new(5_000_000_000), username: "far".into(), ..Default::default() };
        let far = User::objects().create(db, far).await.unwrap();
        for (u, total) in [(&near, 1), (&far, 2), (&near, 3)] {
            Order::objects().create(db, Order { user: u.into(), total, ..Default::default() }).await.unwrap();
        }
        let users = User::objects().prefetch_related(["orders"]).order_by(["username"]).all(db).await.unwrap();
        let totals = |u: &User| u.orders.get().unwrap().iter().map(|o| o.total).collect::<Vec<_>>();
        assert_eq!(users.iter().map(totals).collect::<Vec<_>>(), [vec![2], vec![1, 3]]);
        let orders = Order::objects().prefetch_related(["user"]).order_by(["total"]).all(db).await.unwrap();
        let owners: Vec<&str> = orders.iter().map(|o| o.user.get().unwrap().username.as_str()).collect();
        assert_eq!(owners, ["near", "far", "near"]);
        // Text keys (`to_field` on a code), both ways.
        for code in ["b2", "a1", "empty"] {
            Shelf::objects().create(db, Shelf { code: code.into(), ..Default::default() }).await.unwrap();
        }
        for (code, title) in [("a1", "x"), ("b2", "y"), ("a1", "z")] {
            let book = Book { shelf: ForeignKey::new(code), title: title.into(), ..Default::default() };
            Book::objects().create(db, book).await.unwrap();
        }
        let shelves = Shelf::objects().prefetch_related(["books"]).order_by(["code"]).all(db).await.unwrap();
        let titles = |s: &Shelf| names(s.books.get().unwrap(), |b| b.title.clone());
        assert_eq!(shelves.iter().map(titles).collect::<Vec<_>>(), [vec!["x", "z"], vec!["y"], vec![]]);
        let books = Book::objects().prefetch_related(["shelf"]).order_by(["title"]).all(db).await.unwrap();
        assert_eq!(names(&books, |b| b.shelf.get().unwrap().code.clone()), ["a1", "b2", "a1"]);
        // NULL keys: a post without an author holds none.
        blog_rows(db).await;
        let posts = Post::objects().prefetch_related(["author"]).order_by(["title"]).all(db).await.unwrap();
        let authors = names(&posts, |p| p.author.as_ref().and_then(|a| a.get()).map_or("-".into(), |a| a.name.clone()));
        assert_eq!(authors, ["joe", "-", "kim"]);
    }

    async fn prefetch_many_to_many_both_ways(db) {
        let (_, authors, _) = blog(db).await;
        // Forward, automatic join table: the tags in Tag's default ordering.
        let posts = assert_num_queries!(db, 2, Post::objects().prefetch_related(["tags", ]).order_by(["title"]).all(db)).unwrap();
        let tags: Vec<Vec<String>> = posts.iter().map(|p| names(p.tags.get().unwrap(), |t| t.name.clone())).collect();
        assert_eq!(tags, [vec!["a", "b"], vec!["b"], vec![]]);
        // Reverse, through the join table: from Tag.
        let by_tag = assert_num_queries!(db, 2, Tag::objects().prefetch_related(["posts"]).all(db)).unwrap();
        let posts_of: Vec<(String, Vec<String>)> = by_tag
            .iter()
            .map(|t| {
                let mut p = names(t.posts.get().unwrap(), |p| p.title.clone());
                p.sort();
                (t.name.clone(), p)
            })
            .collect();
        assert_eq!(posts_of, [("a".into(), vec!["p1".to_string()]), ("b".into(), vec!["p1".into(), "p2".into()]), ("unused".into(), vec![])]);
        // Nested across many-to-many and back: posts → tags → posts.
        let posts = assert_num_queries!(db, 3, Post::objects().prefetch_related(["tags__posts"]).order_by(["title"]).all(db)).unwrap();
        let b = posts[0].tags.get().unwrap().iter().find(|t| t.name == "b").unwrap();
        assert_eq!(b.posts.get().unwrap().len(), 2);
        // A reverse many-to-many the parent does not declare: a PrefetchCache.
        let err = Author::objects().prefetch_related(["coauthored"]).all(db).await.unwrap_err().to_string();
        assert!(err.contains("RelatedSet<Post>") && err.contains("all_prefetched"), "{err}");
        let (loaded, cache) = assert_num_queries!(db, 3, Author::objects().prefetch_related(["coauthored", "posts"]).order_by(["name"]).all_prefetched(db)).unwrap();
        assert_eq!(loaded.iter().map(|a| a.id.value()).collect::<Vec<_>>(), [authors[0].id.value(), authors[1].id.value()]);
        let co: &[Post] = cache.get(&loaded[1], "coauthored").unwrap();
        assert_eq!(names(co, |p| p.title.clone()), ["p1"]);
        let own: &[Post] = cache.get(&loaded[1], "posts").unwrap();
        assert_eq!(names(own, |p| p.title.clone()), ["p3"]);
        assert!(cache.get::<Tag, _>(&loaded[1], "posts").is_none(), "not Tags");
        // On objects already loaded (Django's prefetch_related_objects).
        let mut plain = Post::objects().order_by(["title"]).all(db).await.unwrap();
        let (cache, q) = count_queries(db, prefetch_related_objects(db, &mut plain, ["coauthors"])).await;
        assert!(cache.unwrap().is_empty());
        assert_eq!(q.len(), 1);
        assert_eq!(plain[0].coauthors.get().unwrap().len(), 2);

        // Through an explicit join model, both ways.
        let (ann, bob, _) = shop_users(db).await;
        let c = Course::objects().create(db, Course { name: "rust".into(), ..Default::default() }).await.unwrap();
        c.students.add_with(db, [&ann, &bob], Enrollment::enrolled_at().set(when())).await.unwrap();
        let courses = assert_num_queries!(db, 2, Course::objects().prefetch_related(["students"]).all(db)).unwrap();
        assert_eq!(courses[0].students.get().unwrap().len(), 2);
        let users = assert_num_queries!(db, 2, User::objects().prefetch_related(["courses"]).order_by(["username"]).all(db)).unwrap();
        assert_eq!(names(users[0].courses.get().unwrap(), |c| c.name.clone()), ["rust"]);
    }

    async fn prefetch_with_queryset_and_to_attr(db) {
        let (ann, bob, _) = shop(db).await;
        let big = Prefetch::new("orders", Order::objects().filter(q!(total__gte = 100)).order_by(["-total"])).to_attr("big_orders");
        let users = assert_num_queries!(db, 3, User::objects().prefetch_related(["orders"]).prefetch_related([big]).order_by(["username"]).all(db)).unwrap();
        assert_eq!(users[0].id, ann.id);
        assert_eq!(users[0].big_orders.get().unwrap().iter().map(|o| o.total).collect::<Vec<_>>(), [150]);
        assert_eq!(users[0].orders.get().unwrap().len(), 2, "the plain lookup is separate");
        assert_eq!(users[1].big_orders.get().unwrap().iter().map(|o| o.total).collect::<Vec<_>>(), [200]);
        assert_eq!(users[2].big_orders.get().unwrap().len(), 0);
        // Further levels continue through the to_attr name; the queryset's own
        // prefetches run too.
        let big = Prefetch::new("orders", Order::objects().filter(q!(total__gte = 100)).prefetch_related(["items"])).to_attr("big_orders");
        let users = assert_num_queries!(db, 4, User::objects().prefetch_related([big]).prefetch_related(["big_orders__items__product"]).order_by(["username"]).all(db)).unwrap();
        let first = &users[0].big_orders.get().unwrap()[0];
        assert_eq!(first.items.get().unwrap().len(), 2);
        assert!(first.items.get().unwrap().iter().all(|i| i.product.get().is_some()));
        assert!(!users[0].orders.is_loaded());
        // A to_attr with no field: in the cache of all_prefetched(); all() refuses it.
        let cheap = || Prefetch::new("orders", Order::objects().filter(q!(total__lt = 100))).to_attr("cheap");
        let err = User::objects().prefetch_related([cheap()]).all(db).await.unwrap_err().to_string();
        assert!(err.contains("cheap") && err.contains("RelatedSet<Order>"), "{err}");
        let (users, cache): (Vec<User>, PrefetchCache) = User::objects().prefetch_related([cheap()]).order_by(["username"]).all_prefetched(db).await.unwrap();
        assert_eq!(cache.get::<Order, _>(&users[0], "cheap").unwrap().iter().map(|o| o.total).collect::<Vec<_>>(), [10]);
        assert_eq!(cache.get::<Order, _>(&users[1], "cheap").unwrap().len(), 0);
        assert!(cache.get::<Order, _>(&bob, "orders").is_none());
        // A queryset of the wrong model, and a lookup seen with two querysets.
        let err = User::objects().prefetch_related([Prefetch::new("orders", Item::objects())]).all(db).await.unwrap_err().to_string();
        assert!(err.contains("Item") && err.contains("Order"), "{err}");
        let err = User::objects()
            .prefetch_related(["orders__items"])
            .prefetch_related([Prefetch::new("orders", Order::objects().filter(q!(total = 1)))])
            .all(db)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("already seen with a different queryset"), "{err}");
        // Two unfiltered querysets are two querysets too (Django raises the same).
        let err = User::objects()
            .prefetch_related([Prefetch::new("orders", Order::objects()), Prefetch::new("orders", Order::objects())])
            .all(db)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("already seen with a different queryset"), "{err}");
    }

    async fn prefetch_in_batches(db) {
        ormolu::schema::create_tables(db, &all_models()).await.unwrap();
        let mut users = Vec::new();
        for i in 0..25 {
            users.push(User { username: format!("u{i:02}"), ..Default::default() });
        }
        let users = User::objects().bulk_create(db, users, Default::default()).await.unwrap();
        let users = if users.iter().all(|u| u.id.is_set()) { users } else { User::objects().order_by(["pk"]).all(db).await.unwrap() };
        let orders: Vec<Order> = users.iter().flat_map(|u| (0..2).map(move |t| Order { user: u.into(), total: t, ..Default::default() })).collect();
        Order::objects().bulk_create(db, orders, Default::default()).await.unwrap();
        // 25 parents, at most 10 keys per statement: 1 + 3 queries.
        let qs = User::objects().prefetch_related(["orders"]).prefetch_batch_size(10).order_by(["username"]);
        let (loaded, queries) = count_queries(db, qs.all(db)).await;
        let loaded = loaded.unwrap();
        assert_eq!(queries.len(), 4, "{queries:#?}");
        assert!(queries[1..].iter().all(|q| q.params.len() <= 10), "{queries:#?}");
        assert_eq!(queries[1..].iter().map(|q| q.params.len()).sum::<usize>(), 25);
        assert!(loaded.iter().all(|u| u.orders.get().unwrap().len() == 2 && u.orders.get().unwrap().iter().all(|o| o.user.id() == &u.pk_value())));
        // Many-to-many levels batch the same way.
        let c = Course::objects().create(db, Course { name: "big".into(), ..Default::default() }).await.unwrap();
        c.students.add_with(db, &users, Enrollment::enrolled_at().set(when())).await.unwrap();
        let (loaded, queries) = count_queries(db, User::objects().prefetch_related(["courses"]).prefetch_batch_size(7).all(db)).await;
        assert_eq!(queries.len(), 1 + 4);
        assert!(loaded.unwrap().iter().all(|u| u.courses.get().unwrap().len() == 1));
    }

    async fn two_queries_not_n_plus_one(db) {
        let (_ann, _bob, _cid) = shop(db).await;
        // The N+1 loop: one query per order for its user.
        let (_, loop_queries) = count_queries(db, async {
            let orders = Order::objects().all(db).await.unwrap();
            for o in &orders {
                o.user.fetch(db).await.unwrap();
            }
        })
        .await;
        assert_eq!(loop_queries.len(), 1 + 3);
        // The same with prefetch_related: 2; with select_related: 1.
        let orders = assert_num_queries!(db, 2, Order::objects().prefetch_related(["user"]).all(db)).unwrap();
        let users: Vec<&str> = orders.iter().map(|o| o.user.get().unwrap().username.as_str()).collect();
        assert_eq!(users.len(), 3);
        let orders = assert_num_queries!(db, 1, Order::objects().select_related(["user"]).all(db)).unwrap();
        assert!(orders.iter().all(|o| o.user.get().is_some()));
        // fetch() of a loaded relation sends nothing.
        assert_num_queries!(db, 0, orders[0].user.fetch(db)).unwrap();
        // Two levels: 3 queries for any number of users.
        assert_num_queries!(db, 3, User::objects().prefetch_related(["orders__items"]).all(db)).unwrap();
    }

    async fn many_to_many_manager_writes(db) {
        let (posts, authors, tags) = blog(db).await;
        let p2 = &posts[1];
        let (a, b, unused) = (&tags[1], &tags[0], &tags[2]);
        // add(): existing links are skipped (no duplicate, no unique error); the rest in
        // one INSERT, after one SELECT of the existing ones.
        let (n, q) = count_queries(db, p2.tags.add(db, [b, a, unused])).await;
        assert_eq!(n.unwrap(), 2);
        let sql: Vec<&str> = q.iter().map(|s| &*s.sql).collect();
        assert_eq!(sql.len(), 2, "{sql:#?}");
        assert!(sql[0].starts_with("SELECT") && sql[1].starts_with("INSERT"), "{sql:#?}");
        assert_eq!(p2.tags.count(db).await.unwrap(), 3);
        assert_eq!(p2.tags.add(db, [a]).await.unwrap(), 0);
        assert_eq!(p2.tags.all().unwrap().values_flat::<String>("name").list(db).await.unwrap(), ["a", "b", "unused"]);
        // remove() by object or key; clear().
        assert_eq!(p2.tags.remove(db, [unused]).await.unwrap(), 1);
        assert_eq!(p2.tags.remove(db, [a.id.value()]).await.unwrap(), 1);
        assert_eq!(p2.tags.filter(q!(name = "b")).unwrap().count(db).await.unwrap(), 1);
        assert!(p2.tags.exists(db).await.unwrap());
        assert_eq!(p2.tags.clear(db).await.unwrap(), 1);
        assert!(!p2.tags.exists(db).await.unwrap());
        // set(): the difference — b stays (same link row), a goes, unused comes.
        let p1 = &posts[0];
        let link_of_b = || async {
            let through = (Post::meta().many_to_many("tags").unwrap().through)();
            let mut q = ormolu::core::query::Query::new(through);
            q.filter = ormolu::core::query::QNode::lookup("post", p1.id.value()).and(ormolu::core::query::QNode::lookup("tag", b.id.value()));
            q.select = ormolu::core::query::Select::Values(vec!["id".into()]);
            let plan = ormolu::core::compiler::Compiler::new(db.dialect(), &q).select().unwrap();
            db.conn().await.unwrap().query(&plan.sql.sql, &plan.sql.params).await.unwrap()[0].values[0].clone()
        };
        let before = link_of_b().await;
        p1.tags.set(db, vec![b.clone(), unused.clone()]).await.unwrap();
        assert_eq!(p1.tags.all().unwrap().values_flat::<String>("name").list(db).await.unwrap(), ["b", "unused"]);
        assert_eq!(link_of_b().await, before, "kept, not re-made");
        p1.tags.set_clear(db, [b]).await.unwrap();
        assert_eq!(p1.tags.count(db).await.unwrap(), 1);
        assert_ne!(link_of_b().await, before, "set_clear re-makes the links");
        // create(): inserted and linked.
        let t = p1.tags.create(db, Tag { name: "new".into(), ..Default::default() }).await.unwrap();
        assert!(t.id.is_set());
        assert_eq!(p1.tags.all().unwrap().values_flat::<String>("name").list(db).await.unwrap(), ["b", "new"]);
        // The reverse side: a RelatedSet field (Tag.posts), and by name from a model
        // without one (Author.coauthored).
        unused.posts.add(db, [&posts[2]]).await.unwrap();
        assert_eq!(posts[2].tags.all().unwrap().values_flat::<String>("name").list(db).await.unwrap(), ["unused"]);
        let co = authors[1].related::<Post>("coauthored").unwrap();
        co.set(db, [&posts[1], &posts[2]]).await.unwrap();
        assert_eq!(co.all().order_by(["title"]).values_flat::<String>("title").list(db).await.unwrap(), ["p2", "p3"]);
        assert_eq!(posts[0].coauthors.count(db).await.unwrap(), 1);
        // An unsaved instance: Django's error, nothing sent.
        let draft = Post { title: "draft".into(), ..Default::default() };
        let (err, q) = count_queries(db, draft.tags.add(db, [a])).await;
        let err = err.unwrap_err().to_string();
        assert!(err.contains("needs to have a value for") && err.contains("many-to-many relationship"), "{err}");
        assert!(q.is_empty());
        assert!(draft.tags.all().is_err());
        let err = draft.related::<Tag>("tags").unwrap_err().to_string();
        assert_eq!(err, "'Post' instance needs to have a value for field 'id' before this many-to-many relationship can be used (the instance is not saved yet).");
        // An unsaved object to link.
        let err = p1.tags.add(db, [Tag::default()]).await.unwrap_err().to_string();
        assert!(err.contains("isn't saved"), "{err}");
        // Once saved (or created), the instance is bound.
        let mut draft = draft;
        draft.save(db).await.unwrap();
        draft.tags.add(db, [a]).await.unwrap();
        assert_eq!(draft.tags.count(db).await.unwrap(), 1);
        let made = Post::objects().create(db, Post { title: "made".into(), ..Default::default() }).await.unwrap();
        assert_eq!(made.tags.count(db).await.unwrap(), 0);
    }

    async fn through_defaults_and_reverse_foreign_key_sets(db) {
        let (ann, bob, cid) = shop(db).await;
        let c = Course::objects().create(db, Course { name: "rust".into(), ..Default::default() }).await.unwrap();
        // A join model with a required extra field: add() says what is missing.
        let err = c.students.add(db, [&ann]).await.unwrap_err().to_string();
        assert!(err.contains("Enrollment") && err.contains("enrolled_at") && err.contains("add_with"), "{err}");
        assert_eq!(Enrollment::objects().count(db).await.unwrap(), 0);
        // through_defaults: typed, or as named values; defaults fill the rest (grade).
        c.students.add_with(db, [&ann], Enrollment::enrolled_at().set(when())).await.unwrap();
        c.students
            .add_with(db, &[&bob, &ann], Assignments::<Enrollment>::new().set("enrolled_at", when()).set("grade", 5))
            .await
            .unwrap();
        let rows = Enrollment::objects().order_by(["pk"]).all(db).await.unwrap();
        assert_eq!(rows.iter().map(|e| (e.user.id_as::<i64>().unwrap(), e.grade)).collect::<Vec<_>>(), [(ann.id.value(), 0), (bob.id.value(), 5)]);
        assert!(rows.iter().all(|e| e.enrolled_at == when()));
        let err = c.students.add_with(db, [&cid], Assignments::<Enrollment>::new().set("nope", 1)).await.unwrap_err().to_string();
        assert!(err.contains("nope"), "{err}");
        // create_with / set_with; the reverse side through the user's RelatedSet.
        let dan = c.students.create_with(db, User { username: "dan".into(), ..Default::default() }, Enrollment::enrolled_at().set(when())).await.unwrap();
        assert_eq!(dan.courses.count(db).await.unwrap(), 1);
        c.students.set_with(db, [&cid, &dan], Enrollment::enrolled_at().set(when())).await.unwrap();
        let mut now = c.students.all().unwrap().values_flat::<String>("username").list(db).await.unwrap();
        now.sort();
        assert_eq!(now, ["cid", "dan"]);
        let go = Course::objects().create(db, Course { name: "go".into(), ..Default::default() }).await.unwrap();
        cid.courses.add_with(db, [&go], Enrollment::enrolled_at().set(when())).await.unwrap();
        assert_eq!(cid.courses.count(db).await.unwrap(), 2);
        cid.courses.remove(db, [&c]).await.unwrap();
        assert_eq!(cid.courses.all().unwrap().values_flat::<String>("name").list(db).await.unwrap(), ["go"]);

        // A reverse foreign key through a RelatedSet field: create, add, count, set.
        let o = ann.orders.create(db, Order { total: 7, ..Default::default() }).await.unwrap();
        assert_eq!(o.user.id(), &ann.pk_value());
        assert_eq!(ann.orders.count(db).await.unwrap(), 3);
        let bobs = bob.orders.all().unwrap().all(db).await.unwrap();
        assert_eq!(ann.orders.add(db, &bobs).await.unwrap(), 1);
        assert_eq!(bob.orders.count(db).await.unwrap(), 0);
        // A required key: remove/clear refused, as Django.
        let err = ann.orders.clear(db).await.unwrap_err().to_string();
        assert!(err.contains("clear()") && err.contains("not nullable"), "{err}");
        assert!(ann.big_orders.filter(q!(total__gte = 100)).unwrap().exists(db).await.unwrap());
        // The dynamic form is the same manager.
        assert_eq!(ann.related::<Order>("orders").unwrap().count(db).await.unwrap(), 4);
    }
}

/// Eager loading and manager writes can go to `tokio::spawn` (compiled, not run).
#[allow(dead_code)]
fn futures_are_send(db: &Db, p: &Post, t: &Tag, u: &User) {
    fn send<T: Send>(_: T) {}
    send(Post::objects().prefetch_related(["tags__posts"]).select_related(["author"]).all(db));
    send(Post::objects().prefetch_related(["tags"]).all_prefetched(db));
    send(p.tags.add(db, [t]));
    send(p.tags.set(db, vec![t.clone()]));
    send(p.tags.remove(db, [1]));
    send(p.tags.clear(db));
    send(p.tags.create(db, Tag::default()));
    send(u.orders.count(db));
    send(u.courses.add_with(db, [&Course::default()], Enrollment::enrolled_at().set(when())));
}

/// The users of `shop`, on a database that already has the tables.
async fn shop_users(db: &Db) -> (User, User, User) {
    (user(db, "ann").await, user(db, "bob").await, user(db, "cid").await)
}
