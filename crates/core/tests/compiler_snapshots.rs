//! I/O-free snapshots of the SQL the compiler writes, per dialect.

#[macro_use]
mod common;

use chrono::{NaiveDate, TimeDelta};
use common::{fk, meta, pk, text};
use ormolu_core::compiler::{insert_rows_sql, insert_sql, Assignment, Compiler, Sql};
use ormolu_core::dialect::{Dialect, MariaDb, MySql, Postgres, Sqlite};
use ormolu_core::meta::{FieldMeta, FieldType};
use ormolu_core::query::{Expr, ForUpdate, Loading, OrderBy, QNode, Query, Rhs, Select};
use ormolu_core::Value;

unregistered_model!(
    blog,
    meta("Blog", "shop_blog", vec![pk(), text("name"), FieldMeta::new("tagline", FieldType::Text)], vec!["name"])
);
unregistered_model!(
    entry,
    meta(
        "Entry",
        "shop_entry",
        vec![
            pk(),
            fk("blog", "blog_id", blog, Some("entries"), false),
            FieldMeta { max_length: Some(255), ..FieldMeta::new("headline", FieldType::Char) },
            FieldMeta::new("pub_date", FieldType::Date),
            FieldMeta::new("mod_date", FieldType::Date),
            FieldMeta::new("rating", FieldType::Int),
            FieldMeta::new("number_of_comments", FieldType::Int),
            FieldMeta { null: true, ..FieldMeta::new("published", FieldType::DateTime) },
            FieldMeta { null: true, ..FieldMeta::new("age", FieldType::Int) },
        ],
        vec![],
    )
);

const DIALECTS: [(&str, &dyn Dialect); 4] =
    [("sqlite", &Sqlite), ("postgresql", &Postgres), ("mysql", &MySql), ("mariadb", &MariaDb)];

fn render(f: impl Fn(&'static dyn Dialect) -> Sql) -> String {
    DIALECTS.iter().map(|(n, d)| format!("{n}: {}", f(*d))).collect::<Vec<_>>().join("\n")
}

fn select(q: &Query) -> String {
    render(|d| Compiler::new(d, q).select().expect("compiles").sql)
}

fn q_filter(node: QNode) -> Query {
    let mut q = Query::new(entry());
    q.filter = node;
    q
}

#[test]
fn select_all_with_default_ordering() {
    insta::assert_snapshot!(select(&Query::new(blog())));
}

#[test]
fn text_lookups_per_backend() {
    let q = q_filter(
        QNode::lookup("headline__contains", "50%_off")
            .and(QNode::lookup("headline__istartswith", "what"))
            .and(QNode::lookup("headline__iexact", "x"))
            .and(QNode::lookup("headline__regex", "^(An?|The) +"))
            .and(QNode::lookup("headline__iregex", "^the")),
    );
    insta::assert_snapshot!(select(&q));
}

#[test]
fn date_transforms_and_ranges() {
    let d1 = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
    let d2 = NaiveDate::from_ymd_opt(2005, 3, 31).unwrap();
    let q = q_filter(
        QNode::lookup("pub_date__year__gte", 2006)
            .and(QNode::lookup("pub_date__week_day", 2))
            .and(QNode::lookup("published__hour", 14))
            .and(QNode::lookup("published__date", d1))
            .and(QNode::lookup("pub_date__range", Rhs::Range(Value::Date(d1), Value::Date(d2)))),
    );
    insta::assert_snapshot!(select(&q));
}

#[test]
fn exclude_on_nullable_keeps_nulls_and_in_drops_none() {
    let q = q_filter(
        QNode::lookup("age__gt", 30)
            .negate()
            .and(QNode::lookup("rating__in", Rhs::List(vec![Value::Null, Value::I64(3)]))),
    );
    insta::assert_snapshot!(select(&q));
}

#[test]
fn long_in_lists_are_one_array_parameter_on_postgres() {
    let ids: Vec<Value> = (1..=20).map(Value::I64).chain([Value::Null]).collect();
    let q = q_filter(QNode::lookup("rating__in", Rhs::List(ids)));
    insta::assert_snapshot!(select(&q));
}

#[test]
fn or_xor_and_f_expressions() {
    let f = Expr::col("number_of_comments") * 2;
    let q = q_filter(
        QNode::lookup("rating__gte", 8)
            .xor(QNode::lookup("number_of_comments__gte", 30))
            .and(QNode::lookup("rating__gt", Rhs::Expr(f)))
            .and(QNode::lookup("mod_date__gt", Rhs::Expr(Expr::col("pub_date") + TimeDelta::days(3)))),
    );
    insta::assert_snapshot!(select(&q));
}

#[test]
fn span_join_order_slice_and_only() {
    let mut q = q_filter(QNode::lookup("blog__name__icontains", "beatles").or(QNode::lookup("blog__id", 3)));
    q.order_by =
        Some(vec![OrderBy::parse("blog"), OrderBy::parse("-pub_date"), OrderBy::parse("age").nulls_last()].into());
    q.loading = Loading::Only(vec!["headline".into()]);
    q.slice(5, Some(15));
    insta::assert_snapshot!(select(&q));
}

#[test]
fn values_distinct_and_for_update() {
    let mut q = Query::new(entry());
    q.select = Select::Values(vec!["pub_date__year".into(), "blog__name".into()]);
    q.distinct = true;
    q.order_by = Some(vec![OrderBy::parse("blog__name")].into());
    q.for_update = Some(ForUpdate { skip_locked: true, ..Default::default() });
    insta::assert_snapshot!(select(&q));
}

#[test]
fn count_exists_update_delete() {
    let mut q = q_filter(QNode::lookup("blog__name", "Beatles Blog"));
    let assignments = [Assignment { field: "rating".into(), value: Expr::col("rating") + 1 }];
    let mut out = String::new();
    out += &render(|d| Compiler::new(d, &q).count().unwrap());
    out += "\n";
    out += &render(|d| Compiler::new(d, &q).exists().unwrap());
    out += "\n";
    out += &render(|d| Compiler::new(d, &q).update(&assignments).unwrap());
    out += "\n";
    out += &render(|d| Compiler::new(d, &q).delete().unwrap());
    q.slice(0, Some(3));
    out += "\n";
    out += &render(|d| Compiler::new(d, &q).count().unwrap());
    insta::assert_snapshot!(out);
}

#[test]
fn insert_with_returning() {
    let rows = vec![vec![Value::from("a"), Value::from("x")], vec![Value::from("b"), Value::from("y")]];
    insta::assert_snapshot!(render(|d| insert_sql(d, blog(), &[1, 2], rows.clone(), true)));
}

#[test]
fn insert_of_many_rows_numbers_every_placeholder() {
    let values: Vec<Value> = (0..12).map(|i| Value::from(i64::from(i))).collect();
    let pg = insert_rows_sql(&Postgres, blog(), &[1, 2], 6, values.clone(), false);
    assert!(pg.sql.ends_with("($9, $10), ($11, $12)"), "{}", pg.sql);
    assert_eq!(pg.params, values);
    let lite = insert_rows_sql(&Sqlite, blog(), &[1, 2], 6, values, false);
    assert_eq!(lite.sql.matches("(?, ?)").count(), 6, "{}", lite.sql);
    let defaults = insert_rows_sql(&Sqlite, blog(), &[], 1, Vec::new(), true);
    assert_eq!(&*defaults.sql, r#"INSERT INTO "shop_blog" DEFAULT VALUES RETURNING "id""#);
}

#[test]
fn errors_name_model_field_and_choices() {
    let q = q_filter(QNode::lookup("headlin__icontains", "x"));
    let e = Compiler::new(&Sqlite, &q).select().unwrap_err().to_string();
    assert!(e.contains("Entry") && e.contains("headlin") && e.contains("headline"), "{e}");
    let q = q_filter(QNode::lookup("rating__icontainz", "x"));
    let e = Compiler::new(&Sqlite, &q).select().unwrap_err().to_string();
    assert!(e.contains("icontainz") && e.contains("IntField"), "{e}");
    let q = q_filter(QNode::lookup("rating__year", 2000));
    assert!(Compiler::new(&Sqlite, &q).select().is_err());
    let mut q = Query::new(entry());
    q.slice(0, Some(2));
    let e =
        Compiler::new(&Sqlite, &q).update(&[Assignment { field: "rating".into(), value: Expr::value(1) }]).unwrap_err();
    assert_eq!(e.to_string(), "Cannot update a query once a slice has been taken.");
}

#[test]
fn schema_ddl_per_backend() {
    let out: Vec<String> = DIALECTS
        .iter()
        .map(|(n, d)| format!("{n}:\n{}", ormolu_core::schema::create_tables_sql(*d, &[entry(), blog()]).join(";\n")))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}
