//! I/O-free snapshots of queries across reverse foreign keys and many-to-many
//! relations: Django's multi-valued rule, `split_exclude` and join promotion.
//!
//! The models are registered in the model registry (as `#[derive(Model)]` does), so
//! reverse relations resolve: `Blog` ← `Entry.blog` (`entries`), `Author` ←
//! `Entry.authors` (`entry`, automatic join table `shop_entry_authors`), `Author` ←
//! `Article.author` (nullable, `articles`), `Tag` ← `Article.tags` (`articles`, Tag
//! ordered by name), `User` ← `Course.students` through `Enrollment` (`courses`).

#[macro_use]
mod common;

use common::{fk, many_to_many, meta, pk, text};
use ormolu_core::compiler::Compiler;
use ormolu_core::dialect::{Dialect, MariaDb, Postgres, Sqlite};
use ormolu_core::meta::{auto_through, FieldMeta, FieldType, ModelMeta};
use ormolu_core::query::{OrderBy, QNode, Query, Rhs, Select};
use ormolu_core::Value;

model!(blog, meta("Blog", "shop_blog", vec![pk(), text("name")], vec![]));
model!(author, meta("Author", "shop_author", vec![pk(), text("name")], vec![]));
model!(tag, meta("Tag", "shop_tag", vec![pk(), text("name")], vec!["name"]));
model!(user, meta("User", "shop_user", vec![pk(), text("username")], vec![]));
model!(
    entry,
    ModelMeta {
        many_to_many: vec![many_to_many("authors", entry, author, entry_authors, None, true)],
        ..meta(
            "Entry",
            "shop_entry",
            vec![
                pk(),
                fk("blog", "blog_id", blog, Some("entries"), false),
                text("headline"),
                FieldMeta::new("pub_date", FieldType::Date),
                FieldMeta::new("rating", FieldType::Int),
                FieldMeta { null: true, ..FieldMeta::new("published", FieldType::DateTime) },
            ],
            vec![],
        )
    }
);
model!(entry_authors, auto_through(entry, "authors", author));
model!(
    article,
    ModelMeta {
        many_to_many: vec![many_to_many("tags", article, tag, article_tags, Some("articles"), true)],
        ..meta(
            "Article",
            "shop_article",
            vec![pk(), text("title"), fk("author", "author_id", author, Some("articles"), true)],
            vec![]
        )
    }
);
model!(article_tags, auto_through(article, "tags", tag));
model!(
    course,
    ModelMeta {
        many_to_many: vec![many_to_many("students", course, user, enrollment, Some("courses"), false)],
        ..meta("Course", "shop_course", vec![pk(), text("name")], vec![])
    }
);
model!(
    enrollment,
    meta(
        "Enrollment",
        "shop_enrollment",
        vec![
            pk(),
            fk("user", "user_id", user, Some("enrollments"), false),
            fk("course", "course_id", course, Some("enrollments"), false),
            FieldMeta::new("enrolled_at", FieldType::DateTime),
        ],
        vec![],
    )
);

// A comment on an entry (nullable) and an article (required); no reverse relations
// (`+`), so the other snapshots' choices are unchanged.
model!(
    comment,
    meta(
        "Comment",
        "shop_comment",
        vec![
            pk(),
            fk("entry", "entry_id", entry, Some("+"), true),
            fk("article", "article_id", article, Some("+"), false),
            text("body"),
        ],
        vec![],
    )
);

fn sql(d: &'static dyn Dialect, q: &Query) -> String {
    Compiler::new(d, q).select().expect("compiles").sql.to_string()
}

/// Each labelled query on SQLite, one per line.
fn render(cases: &[(&str, Query)]) -> String {
    cases.iter().map(|(label, q)| format!("{label}:\n{}", sql(&Sqlite, q))).collect::<Vec<_>>().join("\n\n")
}

/// A query on `model` with one `filter()` call per condition.
fn filtered(model: &'static ModelMeta, calls: Vec<QNode>) -> Query {
    let mut q = Query::new(model);
    for c in calls {
        q.filter = std::mem::take(&mut q.filter).and(c.call());
    }
    q
}

fn lk(path: &str, v: impl Into<Rhs>) -> QNode {
    QNode::lookup(path, v)
}

#[test]
fn reverse_foreign_key_span() {
    let mut distinct = filtered(blog(), vec![lk("entries__headline__contains", "Lennon")]);
    distinct.distinct = true;
    let mut values = filtered(blog(), vec![lk("entries__headline__contains", "Lennon")]);
    values.select = Select::Values(vec!["name".into(), "entries__headline".into()]);
    insta::assert_snapshot!(render(&[
        ("related_name", filtered(blog(), vec![lk("entries__headline__contains", "Lennon")])),
        ("distinct", distinct),
        ("the relation itself compares the related pk", filtered(blog(), vec![lk("entries", 3)])),
        ("values reuse the filter's join", values),
        ("reverse then forward", filtered(blog(), vec![lk("entries__blog__name", "x")])),
    ]));
}

#[test]
fn one_filter_call_vs_two_on_a_multi_valued_relation() {
    let one =
        filtered(blog(), vec![lk("entries__headline__contains", "Lennon").and(lk("entries__pub_date__year", 2008))]);
    let two = filtered(blog(), vec![lk("entries__headline__contains", "Lennon"), lk("entries__pub_date__year", 2008)]);
    let m2m_two = filtered(entry(), vec![lk("authors__name", "a"), lk("authors__name", "b")]);
    // A forward single-valued join is shared by every call.
    let forward_two = filtered(entry(), vec![lk("blog__name", "a"), lk("blog__name__startswith", "b")]);
    let mut both = filtered(blog(), vec![lk("entries__rating", 1), lk("entries__rating", 2)]);
    both.select = Select::Values(vec!["entries__headline".into()]);
    insta::assert_snapshot!(render(&[
        ("one call: the same entry", one),
        ("two calls: maybe different entries", two),
        ("two calls over a many-to-many", m2m_two),
        ("two calls over a forward key", forward_two),
        ("values after two calls use the latest join", both),
    ]));
}

#[test]
fn exclude_over_a_multi_valued_relation_is_a_subquery() {
    let neg = |path: &str, v: Rhs| QNode::lookup(path, v).negate();
    let two_in_one =
        filtered(blog(), vec![lk("entries__headline__contains", "Lennon").and(lk("entries__rating", 5)).negate()]);
    let mixed = filtered(blog(), vec![lk("name", "x").and(lk("entries__rating", 5)).negate()]);
    insta::assert_snapshot!(render(&[
        ("exclude(entries__rating__gte=9)", filtered(blog(), vec![neg("entries__rating__gte", Rhs::from(9))])),
        ("two conditions: two subqueries, as Django", two_in_one),
        ("mixed with a local field", mixed),
        ("many-to-many", filtered(entry(), vec![neg("authors__name", Rhs::from("x"))])),
        ("reverse many-to-many", filtered(author(), vec![neg("entry__rating", Rhs::from(9))])),
        (
            "after a forward key: its column is compared",
            filtered(entry(), vec![neg("blog__entries__rating", Rhs::from(9))])
        ),
        ("after a nullable key: NULL keys stay", filtered(article(), vec![neg("author__entry__rating", Rhs::from(9))])),
        (
            "isnull on the relation: the parent table stays",
            filtered(blog(), vec![neg("entries__isnull", Rhs::from(true))])
        ),
        ("the relation itself", filtered(entry(), vec![neg("authors", Rhs::from(3))])),
        ("through an explicit model", filtered(user(), vec![neg("courses__name", Rhs::from("Rust"))])),
        ("nullable related column", filtered(blog(), vec![neg("entries__published__year", Rhs::from(2008))])),
    ]));
}

#[test]
fn many_to_many_span() {
    let mut values = Query::new(entry());
    values.select = Select::Values(vec!["id".into(), "authors".into()]);
    let mut tags = filtered(article(), vec![lk("pk__lte", 6)]);
    tags.order_by = Some(vec![OrderBy::parse("tags"), OrderBy::parse("pk")].into());
    tags.select = Select::Values(vec!["pk".into(), "tags__name".into()]);
    insta::assert_snapshot!(render(&[
        ("forward", filtered(entry(), vec![lk("authors__name__icontains", "smith")])),
        ("the relation itself: the join table's key", filtered(entry(), vec![lk("authors", 5)])),
        ("in", filtered(entry(), vec![lk("authors__in", Rhs::List(vec![Value::I64(1), Value::I64(2)]))])),
        ("the related pk: no join to the related table", filtered(entry(), vec![lk("authors__id", 5)])),
        ("reverse (default query name)", filtered(author(), vec![lk("entry__rating__gte", 9)])),
        ("reverse (related_name)", filtered(tag(), vec![lk("articles__title", "x")])),
        ("through an explicit model", filtered(course(), vec![lk("students__username", "bob")])),
        ("explicit model, reverse", filtered(user(), vec![lk("courses__name", "Rust")])),
        ("values: LEFT JOIN, NULL for none", values),
        ("order_by a relation to an ordered model", tags),
        ("deep", filtered(blog(), vec![lk("entries__authors__name__icontains", "a")])),
    ]));
}

#[test]
fn isnull_on_reverse_and_many_to_many() {
    insta::assert_snapshot!(render(&[
        ("reverse key isnull=True: LEFT JOIN + IS NULL", filtered(blog(), vec![lk("entries__isnull", true)])),
        ("reverse key isnull=False: INNER", filtered(blog(), vec![lk("entries__isnull", false)])),
        ("reverse many-to-many isnull=True", filtered(author(), vec![lk("entry__isnull", true)])),
        ("many-to-many isnull=True", filtered(tag(), vec![lk("articles__isnull", true)])),
        ("forward many-to-many isnull=True", filtered(entry(), vec![lk("authors__isnull", true)])),
        ("exact None is isnull", filtered(blog(), vec![lk("entries__headline", Value::Null)])),
    ]));
}

#[test]
fn left_or_inner_joins() {
    let or_reverse = filtered(blog(), vec![lk("name", "x").or(lk("entries__rating", 5))]);
    let or_both = filtered(blog(), vec![lk("entries__rating", 4).or(lk("entries__rating", 5))]);
    let or_then_and =
        filtered(blog(), vec![lk("entries__rating", 4).or(lk("name", "x")).and(lk("entries__rating__gte", 1))]);
    let or_forward = filtered(entry(), vec![lk("blog__name", "x").or(lk("rating", 5))]);
    let or_nullable = filtered(article(), vec![lk("author__name", "x").or(lk("title", "y"))]);
    let earlier_inner = filtered(blog(), vec![lk("entries__rating", 4), lk("entries__rating", 5).or(lk("name", "x"))]);
    let mut values = Query::new(blog());
    values.select = Select::Values(vec!["name".into(), "entries__headline".into()]);
    let mut ordered = Query::new(article());
    ordered.order_by = Some(vec![OrderBy::parse("author__name")].into());
    let exclude_nullable = filtered(article(), vec![lk("author__name", "x").negate()]);
    insta::assert_snapshot!(render(&[
        ("required forward key: INNER", filtered(entry(), vec![lk("blog__name", "x")])),
        ("nullable key, a condition needing a row: INNER", filtered(article(), vec![lk("author__name", "x")])),
        ("nullable key isnull=True: LEFT", filtered(article(), vec![lk("author__name__isnull", true)])),
        ("OR with a reverse relation: LEFT", or_reverse),
        ("OR where every branch needs the row: INNER", or_both),
        ("(a | b) & a: INNER again", or_then_and),
        ("OR over a required forward key: stays INNER", or_forward),
        ("OR over a nullable key: LEFT", or_nullable),
        ("an earlier call's INNER join stays INNER", earlier_inner),
        ("values over a reverse relation: LEFT", values),
        ("order_by over a nullable key: LEFT", ordered),
        ("exclude over a nullable key: LEFT and NULL kept", exclude_nullable),
    ]));
}

#[test]
fn per_backend_subquery_and_join() {
    let q = filtered(
        blog(),
        vec![lk("entries__headline__contains", "Lennon"), QNode::lookup("entries__rating__gte", 9).negate()],
    );
    let out: Vec<String> =
        [("sqlite", &Sqlite as &'static dyn Dialect), ("postgresql", &Postgres), ("mariadb", &MariaDb)]
            .iter()
            .map(|(n, d)| format!("{n}: {}", sql(*d, &q)))
            .collect();
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn auto_join_tables_are_created_with_their_model() {
    let ddl = ormolu_core::schema::create_tables_sql(&Sqlite, &[author(), blog(), entry()]);
    insta::assert_snapshot!(ddl.join(";\n"));
}

#[test]
fn errors_list_reverse_names() {
    let q = filtered(blog(), vec![lk("entriez__rating", 1)]);
    let e = Compiler::new(&Sqlite, &q).select().unwrap_err().to_string();
    assert!(e.contains("entriez") && e.contains("entries") && e.contains("name"), "{e}");
    let q = filtered(author(), vec![lk("entry__nope", 1)]);
    let e = Compiler::new(&Sqlite, &q).select().unwrap_err().to_string();
    assert!(e.contains("Entry") && e.contains("nope") && e.contains("authors"), "{e}");
    let through = entry_authors();
    assert_eq!(through.table, "shop_entry_authors");
    assert_eq!(through.name, "Entry_authors");
    let cols: Vec<&str> = through.fields.iter().map(|f| f.column).collect();
    assert_eq!(cols, ["id", "entry_id", "author_id"]);
    assert_eq!(through.unique_together, vec![vec!["entry", "author"]]);
}

fn related(model: &'static ModelMeta, paths: &[&str]) -> Query {
    let mut q = Query::new(model);
    q.select_related = paths.iter().map(|p| p.to_string()).collect();
    q
}

#[test]
fn select_related_joins() {
    let mut only = related(entry(), &["blog"]);
    only.loading = ormolu_core::query::Loading::Only(vec!["headline".into(), "blog__name".into()]);
    only.order_by = Some(vec![OrderBy::parse("pk")].into());
    only.slice(0, Some(3));
    let mut defer = related(comment(), &["article__author"]);
    defer.loading = ormolu_core::query::Loading::Defer(vec!["body".into(), "article__title".into()]);
    let mut filtered_too = related(entry(), &["blog"]);
    filtered_too.filter = lk("blog__name", "x").call();
    insta::assert_snapshot!(render(&[
        ("required foreign key: INNER", related(entry(), &["blog"])),
        ("nullable foreign key: LEFT OUTER", related(article(), &["author"])),
        ("nested; required under nullable is LEFT OUTER too", related(comment(), &["entry__blog", "article__author"])),
        ("a prefix path is loaded once", related(comment(), &["entry", "entry__blog"])),
        ("only() across the relation (Django's SQL)", only),
        ("defer() across the relation", defer),
        ("a filter's join is reused", filtered_too),
    ]));
    let plan = Compiler::new(&Sqlite, &related(comment(), &["entry__blog", "article__author"])).select().unwrap();
    let shape: Vec<(String, Option<usize>, usize, usize)> =
        plan.related.iter().map(|r| (r.path.clone(), r.parent, r.offset, r.fields.len())).collect();
    assert_eq!(
        shape,
        vec![
            ("entry".into(), None, 4, 6),
            ("entry__blog".into(), Some(0), 10, 2),
            ("article".into(), None, 12, 3),
            ("article__author".into(), Some(2), 15, 2),
        ]
    );
}

#[test]
fn select_related_errors() {
    let err = |q: Query| Compiler::new(&Sqlite, &q).select().unwrap_err().to_string();
    let e = err(related(entry(), &["headline"]));
    assert!(e.contains("Non-relational field given in select_related: 'headline'") && e.contains("blog"), "{e}");
    let e = err(related(blog(), &["entries"]));
    assert!(
        e.contains("Invalid field name(s) given in select_related: 'entries'") && e.contains("prefetch_related"),
        "{e}"
    );
    let e = err(related(entry(), &["blog__nope"]));
    assert!(e.contains("Blog") && e.contains("'nope'"), "{e}");
    let mut q = related(entry(), &["blog"]);
    q.loading = ormolu_core::query::Loading::Only(vec!["headline".into()]);
    let e = err(q);
    assert!(e.contains("Entry.blog cannot be both deferred and traversed using select_related"), "{e}");
    let mut q = Query::new(entry());
    q.loading = ormolu_core::query::Loading::Only(vec!["blog__name".into()]);
    let e = err(q);
    assert!(e.contains("select_related"), "{e}");
}

/// The query a many-to-many prefetch level sends: the join table's key to the owner
/// comes as an extra column, as Django's `_prefetch_related_val`.
#[test]
fn prefetch_many_to_many_query() {
    let mut forward = filtered(author(), vec![lk("entry__pk__in", Rhs::List(vec![Value::I64(1), Value::I64(2)]))]);
    forward.annotations.push(("_prefetch_related_val".into(), ormolu_core::query::Expr::Col("entry__pk".into())));
    let mut reverse = filtered(article(), vec![lk("tags__pk__in", Rhs::List(vec![Value::I64(3)]))]);
    reverse.annotations.push(("_prefetch_related_val".into(), ormolu_core::query::Expr::Col("tags__pk".into())));
    insta::assert_snapshot!(render(&[("forward (Entry.authors)", forward), ("reverse (Tag.articles)", reverse)]));
}
