//! Queries across reverse foreign keys and many-to-many relations, on SQLite,
//! PostgreSQL and MariaDB: Django's multi-valued rule (one `filter()` call vs chained
//! calls, `exclude()` as a subquery), spans through automatic and explicit join tables
//! in both directions, `isnull` on relations, values and ordering across them.

use chrono::NaiveDate;
use ormolu::core::compiler::insert_sql;
use ormolu::prelude::*;
use ormolu::{FromValue, ModelMeta, Value};
use ormolu_suite::backend_tests;

/// A blog.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_blog")]
pub struct Blog {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
}

/// An author.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_author")]
pub struct Author {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
}

/// A tag, ordered by name.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_tag", ordering = ["name"])]
pub struct Tag {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
}

/// An entry of a blog, with authors (automatic join table, reverse name `entry`) and
/// tags (reverse name `entries`).
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_entry")]
pub struct Entry {
    /// Primary key.
    pub id: Auto<i64>,
    /// The blog (reverse name `entries`).
    #[ormolu(related_name = "entries")]
    pub blog: ForeignKey<Blog>,
    /// Headline.
    #[ormolu(max_length = 100)]
    pub headline: String,
    /// Publication date.
    pub pub_date: NaiveDate,
    /// The authors.
    pub authors: ManyToMany<Author>,
    /// The tags.
    #[ormolu(related_name = "entries")]
    pub tags: ManyToMany<Tag>,
}

/// A student.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_student")]
pub struct Student {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
}

/// A course, with students through `Enrollment` (reverse name `courses`).
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_course")]
pub struct Course {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
    /// The students.
    #[ormolu(related_name = "courses", through = Enrollment)]
    pub students: ManyToMany<Student>,
}

/// The join model of `Course.students`, with an extra column.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_enrollment", unique_together = [["student", "course"]])]
pub struct Enrollment {
    /// Primary key.
    pub id: Auto<i64>,
    /// The student.
    #[ormolu(related_name = "enrollments")]
    pub student: ForeignKey<Student>,
    /// The course.
    #[ormolu(related_name = "enrollments")]
    pub course: ForeignKey<Course>,
    /// The year of enrollment.
    pub year: i32,
}

/// A person with friends (a many-to-many relation to its own model:
/// `rel_person_friends` with `from_person_id` / `to_person_id`).
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_person")]
pub struct Person {
    /// Primary key.
    pub id: Auto<i64>,
    /// Name.
    #[ormolu(max_length = 50)]
    pub name: String,
    /// Friends.
    #[ormolu(related_name = "befriended_by")]
    pub friends: ManyToMany<Self>,
}

/// A model of this crate pointing at models of another crate (`ormolu_suite::shop`):
/// the reverse names `bookmarks` / `saved_by` are checked by `q!` on them too.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "rel_bookmark")]
pub struct Bookmark {
    /// Primary key.
    pub id: Auto<i64>,
    /// The tag (a model of another crate).
    #[ormolu(related_name = "bookmarks")]
    pub tag: ForeignKey<ormolu_suite::shop::Tag>,
    /// Who saved it (another crate's model, many-to-many).
    #[ormolu(related_name = "saved_by")]
    pub users: ManyToMany<ormolu_suite::shop::User>,
    /// Address.
    #[ormolu(max_length = 100)]
    pub url: String,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Rows of the join table of `m.field`: `(from pk, to pk)` pairs.
async fn link(db: &Db, m: &'static ModelMeta, field: &str, pairs: &[(i64, i64)]) {
    let through = (m.many_to_many(field).unwrap().through)();
    let rows = pairs.iter().map(|&(a, b)| vec![Value::from(a), Value::from(b)]).collect();
    let sql = insert_sql(db.dialect(), through, &[1, 2], rows, false);
    db.conn().await.unwrap().execute(&sql.sql, &sql.params).await.unwrap();
}

async fn create<M: Model>(db: &Db, obj: M) -> i64 {
    let made = M::objects().create(db, obj).await.unwrap();
    let pk = made.pk_value();
    match pk {
        Value::I64(i) => i,
        other => panic!("pk {other:?}"),
    }
}

/// Django's documentation example (blogs 1-4), authors, tags, courses and people.
///
/// - Beatles (1): "Lennon and Yoko" 2008 (Joe, Ann; tags pop, rock)
/// - Pop (2): "Lennon in 1975" 2007 (Joe; tag pop), "McCartney" 2008 (Ann)
/// - Jazz (3): "Miles" 2008 (no author)
/// - Empty (4): no entries
async fn setup(db: &Db) {
    ormolu::schema::create_tables(
        db,
        &[Blog::meta(), Author::meta(), Tag::meta(), Entry::meta(), Student::meta(), Course::meta()],
    )
    .await
    .unwrap();
    ormolu::schema::create_tables(db, &[Enrollment::meta(), Person::meta()]).await.unwrap();
    for name in ["Beatles", "Pop", "Jazz", "Empty"] {
        create(db, Blog { name: name.into(), ..Default::default() }).await;
    }
    for name in ["Joe", "Ann", "Nobody"] {
        create(db, Author { name: name.into(), ..Default::default() }).await;
    }
    for name in ["rock", "pop"] {
        create(db, Tag { name: name.into(), ..Default::default() }).await;
    }
    for (blog, headline, date) in [
        (1, "Lennon and Yoko", day(2008, 3, 1)),
        (2, "Lennon in 1975", day(2007, 5, 1)),
        (2, "McCartney", day(2008, 6, 1)),
        (3, "Miles", day(2008, 7, 1)),
    ] {
        let e = Entry { blog: ForeignKey::new(blog), headline: headline.into(), pub_date: date, ..Default::default() };
        create(db, e).await;
    }
    link(db, Entry::meta(), "authors", &[(1, 1), (1, 2), (2, 1), (3, 2)]).await;
    link(db, Entry::meta(), "tags", &[(1, 2), (1, 1), (2, 2)]).await;
    for name in ["Ada", "Bob"] {
        create(db, Student { name: name.into(), ..Default::default() }).await;
    }
    for name in ["Rust", "SQL"] {
        create(db, Course { name: name.into(), ..Default::default() }).await;
    }
    for (student, course, year) in [(1, 1, 2024), (2, 1, 2023), (2, 2, 2024)] {
        let e = Enrollment {
            student: ForeignKey::new(student),
            course: ForeignKey::new(course),
            year,
            ..Default::default()
        };
        create(db, e).await;
    }
    for name in ["Ann", "Bob", "Cy"] {
        create(db, Person { name: name.into(), ..Default::default() }).await;
    }
    link(db, Person::meta(), "friends", &[(1, 2), (2, 3)]).await;
}

async fn ids<M: Model>(db: &Db, qs: QuerySet<M>) -> Vec<i64> {
    qs.values_flat::<i64>("id").order_by(["id"]).list(db).await.unwrap()
}

backend_tests! {
    async fn long_in_lists_on_keys_and_text(db) {
        setup(db).await;
        // Long lists (PostgreSQL sends them as one array parameter: `= ANY($1)`).
        let mut wanted: Vec<i64> = (1000..1040).collect();
        wanted.push(1);
        let by_id = Blog::objects().filter(Q::lookup("id__in", wanted.clone()).unwrap());
        assert_eq!(ids(db, by_id).await, [1]);
        let by_fk = Blog::objects().filter(Q::lookup("entries__blog__in", wanted).unwrap()).distinct();
        assert_eq!(ids(db, by_fk).await, [1]);
        let mut names: Vec<String> = (0..30).map(|i| format!("no blog {i}")).collect();
        let first = Blog::objects().order_by(["id"]).first(db).await.unwrap().unwrap();
        names.push(first.name.clone());
        let by_name = Blog::objects().filter(Q::lookup("name__in", names.clone()).unwrap());
        assert_eq!(ids(db, by_name).await, [first.id.value()]);
        let none = Blog::objects().exclude(Q::lookup("name__in", names).unwrap());
        assert!(!ids(db, none).await.contains(&first.id.value()));
    }

    async fn one_filter_call_vs_chained_calls(db) {
        setup(db).await;
        // Django's docs: one call, the same entry must match both.
        let one = Blog::objects().filter(q!(entries__headline__contains = "Lennon", entries__pub_date__year = 2008));
        assert_eq!(ids(db, one.distinct()).await, [1]);
        // Chained: each condition may match a different entry.
        let chained = Blog::objects()
            .filter(q!(entries__headline__contains = "Lennon"))
            .filter(q!(entries__pub_date__year = 2008));
        assert_eq!(ids(db, chained.distinct()).await, [1, 2]);
        // The three spellings agree.
        let dynamic = Blog::objects()
            .filter(Q::lookup("entries__headline__contains", "Lennon").unwrap())
            .filter(Q::lookup("entries__pub_date__year", 2008).unwrap());
        assert_eq!(ids(db, dynamic.distinct()).await, [1, 2]);
        let typed = Blog::objects().filter(
            Entry::blog().reverse().then(Entry::headline()).contains("Lennon")
                & Entry::blog().reverse().then(Entry::pub_date().year()).eq(2008),
        );
        assert_eq!(ids(db, typed.distinct()).await, [1]);
        // Without distinct a blog comes once per matching entry.
        let rows = Blog::objects().filter(q!(entries__pub_date__year = 2008)).values_flat::<String>("name");
        let mut names = rows.list(db).await.unwrap();
        names.sort();
        assert_eq!(names, ["Beatles", "Jazz", "Pop"]);
        let per_entry = Blog::objects().filter(q!(entries__headline__contains = "")).count(db).await.unwrap();
        assert_eq!(per_entry, 4);
    }

    async fn exclude_over_a_multi_valued_relation(db) {
        setup(db).await;
        // Any Lennon entry excludes the blog.
        assert_eq!(ids(db, Blog::objects().exclude(q!(entries__headline__contains = "Lennon"))).await, [3, 4]);
        assert_eq!(ids(db, Blog::objects().filter(!q!(entries__headline__contains = "Lennon"))).await, [3, 4]);
        // Two conditions in one exclude() may match different entries (Django's documented caveat).
        let both = Blog::objects().exclude(q!(entries__headline__contains = "Lennon", entries__pub_date__year = 2008));
        assert_eq!(ids(db, both).await, [3, 4]);
        // A blog without entries has no matching entry: kept.
        assert_eq!(ids(db, Blog::objects().exclude(q!(entries__pub_date__year = 2008))).await, [4]);
        assert_eq!(ids(db, Blog::objects().exclude(q!(entries__isnull = true))).await, [1, 2, 3]);
        // Writes through the subquery.
        let n = Blog::objects().exclude(q!(entries__pub_date__year = 2008)).update(db, q!(name = "quiet")).await.unwrap();
        assert_eq!(n, 1);
        assert_eq!(Blog::objects().get_pk(db, 4).await.unwrap().name, "quiet");
    }

    async fn isnull_on_relations(db) {
        setup(db).await;
        assert_eq!(ids(db, Blog::objects().filter(q!(entries__isnull = true))).await, [4]);
        assert_eq!(ids(db, Blog::objects().filter(q!(entries__isnull = false)).distinct()).await, [1, 2, 3]);
        assert_eq!(ids(db, Entry::objects().filter(q!(authors__isnull = true))).await, [4]);
        assert_eq!(ids(db, Author::objects().filter(q!(entry__isnull = true))).await, [3]);
        assert_eq!(ids(db, Tag::objects().filter(Q::lookup("entries__isnull", false).unwrap()).distinct()).await, [1, 2]);
        // OR with a multi-valued relation keeps the rows without related rows (LEFT JOIN).
        let either = Blog::objects().filter(q!(name = "Empty") | q!(entries__headline__contains = "Miles"));
        assert_eq!(ids(db, either).await, [3, 4]);
    }

    async fn many_to_many_spans(db) {
        setup(db).await;
        assert_eq!(ids(db, Entry::objects().filter(q!(authors__name = "Joe"))).await, [1, 2]);
        assert_eq!(ids(db, Entry::objects().filter(Entry::authors().then(Author::name()).eq("Ann"))).await, [1, 3]);
        assert_eq!(ids(db, Entry::objects().filter(q!(authors = 2))).await, [1, 3]);
        assert_eq!(ids(db, Entry::objects().filter(q!(authors__in = [1, 2])).distinct()).await, [1, 2, 3]);
        // One author cannot be both; two entries' authors can.
        assert!(ids(db, Entry::objects().filter(q!(authors__name = "Joe", authors__name__startswith = "A"))).await.is_empty());
        let chained = Entry::objects().filter(q!(authors__name = "Joe")).filter(q!(authors__name = "Ann"));
        assert_eq!(ids(db, chained).await, [1]);
        assert_eq!(ids(db, Entry::objects().exclude(q!(authors__name = "Joe"))).await, [3, 4]);
        // The reverse side (default query name `entry`) and deeper paths.
        let authors = Author::objects().filter(q!(entry__blog__name = "Beatles")).distinct();
        assert_eq!(ids(db, authors).await, [1, 2]);
        let typed = Author::objects().filter(Entry::authors().reverse().then(Entry::headline()).startswith("Mc"));
        assert_eq!(ids(db, typed).await, [2]);
        assert_eq!(ids(db, Blog::objects().filter(q!(entries__authors__name = "Ann")).distinct()).await, [1, 2]);
        assert_eq!(ids(db, Author::objects().exclude(q!(entry__pub_date__year = 2007))).await, [2, 3]);
        // values_list over the relation: one row per author, NULL without one.
        let rows = Entry::objects().order_by(["id", "authors"]).values_list(["id", "authors"]).all(db).await.unwrap();
        let got: Vec<(i64, Option<i64>)> = rows
            .into_iter()
            .map(|r| (i64::from_value(r[0].clone()).unwrap(), Option::<i64>::from_value(r[1].clone()).unwrap()))
            .collect();
        assert_eq!(got, [(1, Some(1)), (1, Some(2)), (2, Some(1)), (3, Some(2)), (4, None)]);
        // order_by a relation to an ordered model follows its ordering (tag names).
        let tagged = Entry::objects()
            .filter(q!(tags__isnull = false))
            .order_by(["tags", "id"])
            .values_list(["id", "tags__name"])
            .all(db)
            .await
            .unwrap();
        let got: Vec<(i64, String)> = tagged
            .into_iter()
            .map(|r| (i64::from_value(r[0].clone()).unwrap(), String::from_value(r[1].clone()).unwrap()))
            .collect();
        assert_eq!(got, [(1, "pop".to_string()), (2, "pop".into()), (1, "rock".into())]);
    }

    async fn explicit_through_and_self_reference(db) {
        setup(db).await;
        assert_eq!(ids(db, Student::objects().filter(q!(courses__name = "Rust"))).await, [1, 2]);
        assert_eq!(ids(db, Course::objects().filter(q!(students__name = "Bob"))).await, [1, 2]);
        // The join model's own columns, through its reverse foreign key.
        let rust_2024 = Student::objects().filter(q!(enrollments__course__name = "Rust", enrollments__year = 2024));
        assert_eq!(ids(db, rust_2024).await, [1]);
        assert_eq!(ids(db, Student::objects().exclude(q!(courses__name = "SQL"))).await, [1]);
        // A many-to-many relation to its own model, both directions.
        assert_eq!(ids(db, Person::objects().filter(q!(friends__name = "Bob"))).await, [1]);
        assert_eq!(ids(db, Person::objects().filter(q!(befriended_by__name = "Bob"))).await, [3]);
        assert_eq!(ids(db, Person::objects().filter(q!(friends__isnull = true))).await, [3]);
        let n = Person::objects().exclude(q!(friends__name = "Bob")).update(db, q!(name = "lonely")).await.unwrap();
        assert_eq!(n, 2);
        let through = (Person::meta().many_to_many("friends").unwrap().through)();
        let cols: Vec<&str> = through.fields.iter().map(|f| f.column).collect();
        assert_eq!((through.table, cols), ("rel_person_friends", vec!["id", "from_person_id", "to_person_id"]));
    }

    async fn relations_to_models_of_another_crate(db) {
        use ormolu_suite::shop;
        ormolu::schema::create_tables(db, &[shop::Tag::meta(), shop::User::meta(), Bookmark::meta()]).await.unwrap();
        let tag = create(db, shop::Tag { name: "rust".into(), slug: "rust".into(), ..Default::default() }).await;
        create(db, shop::Tag { name: "sql".into(), slug: "sql".into(), ..Default::default() }).await;
        let b = Bookmark { tag: ForeignKey::new(tag), url: "https://rust-lang.org".into(), ..Default::default() };
        create(db, b).await;
        let tags = shop::Tag::objects().filter(q!(bookmarks__url__contains = "rust")).all(db).await.unwrap();
        assert_eq!(tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["rust"]);
        assert_eq!(ids(db, shop::Tag::objects().filter(q!(bookmarks__isnull = true))).await, [2]);
        assert!(ids(db, shop::User::objects().filter(q!(saved_by__url = "x"))).await.is_empty());
    }

    async fn errors_name_the_relation(db) {
        setup(db).await;
        let e = Q::<Blog>::lookup("entries__headlin", "x").unwrap_err().to_string();
        assert!(e.contains("Entry") && e.contains("headlin") && e.contains("headline"), "{e}");
        let e = Q::<Author>::lookup("entrie__x", 1).unwrap_err().to_string();
        assert!(e.contains("Author") && e.contains("entry"), "{e}");
        let e = Blog::objects().filter(Q::lookup("entries", 1).unwrap()).count(db).await.unwrap();
        assert_eq!(e, 1);
    }
}
