//! The shape cache for UPDATEs (`update_sql`) gives exactly what the compiler gives, on
//! the first and every later update of a shape, whatever the values; what it cannot
//! reproduce is compiled every time.

#[macro_use]
mod common;

use common::{fk, meta, pk, text};
use ormolu_core::compiler::{cached_shapes, select_plan, update_sql, Assignment, Compiler};
use ormolu_core::dialect::{Dialect, MariaDb, MySql, Postgres, Sqlite};
use ormolu_core::meta::{FieldMeta, FieldType};
use ormolu_core::query::{ArithOp, Expr, Func, QNode, Query, Rhs};
use ormolu_core::Value;

unregistered_model!(blog, meta("Blog", "upd_cache_blog", vec![pk(), text("name")], vec!["name"]));
unregistered_model!(
    entry,
    meta(
        "Entry",
        "upd_cache_entry",
        vec![
            pk(),
            fk("blog", "blog_id", blog, None, true),
            text("headline"),
            FieldMeta::new("pub_date", FieldType::Date),
            FieldMeta { null: true, ..FieldMeta::new("rating", FieldType::Int) },
            FieldMeta::new("score", FieldType::Float),
        ],
        vec!["-pub_date"],
    )
);

const DIALECTS: [&dyn Dialect; 4] = [&Sqlite, &Postgres, &MySql, &MariaDb];

fn filtered(node: QNode) -> Query {
    let mut q = Query::new(entry());
    q.filter = node.call();
    q
}

fn set(field: &str, value: Expr) -> Assignment {
    Assignment { field: field.into(), value }
}

/// Updates of several shapes, with values picked by `n` (so each shape repeats with
/// other values, some of them NULL).
fn updates(n: i64) -> Vec<(Query, Vec<Assignment>)> {
    let text = |s: &str| Value::Text(format!("{s}{n}"));
    let rating = if n % 3 == 0 { Value::Null } else { Value::I64(n) };
    vec![
        // `F() + value` on a range (the benchmark's update).
        (filtered(QNode::lookup("id__lte", n)), vec![set("rating", Expr::col("rating").arith(ArithOp::Add, n))]),
        // Plain values, one of them NULL every third time, and a text lookup.
        (
            filtered(QNode::lookup("headline__startswith", text("a%_"))),
            vec![set("headline", Expr::Value(text("h"))), set("rating", Expr::Value(rating.clone()))],
        ),
        // Across a relation: `pk IN (subquery)` (MySQL: through a derived table);
        // nested arithmetic with values on both sides.
        (
            filtered(QNode::lookup("blog__name__iendswith", text("_")).negate()),
            vec![set(
                "score",
                Expr::value(n as f64 / 2.0).arith(ArithOp::Mul, Expr::col("score").arith(ArithOp::Sub, Expr::value(n))),
            )],
        ),
        // What `save()` runs: every field by primary key.
        (
            filtered(QNode::lookup("id", n)),
            vec![
                set("blog", Expr::Value(Value::I64(n))),
                set("headline", Expr::Value(text("saved"))),
                set("pub_date", Expr::Value(Value::Date(day(n)))),
                set("rating", Expr::Value(rating)),
                set("score", Expr::Value(Value::F64(n as f64))),
            ],
        ),
        // An `in` list in the filter.
        (
            filtered(QNode::lookup("id__in", Rhs::List(vec![Value::I64(n), Value::I64(n + 1)]))),
            vec![set("rating", Expr::col("rating").arith(ArithOp::Sub, 1))],
        ),
    ]
}

/// A day of January 2024.
fn day(n: i64) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 1, 1 + (n % 28) as u32).expect("a valid date")
}

#[test]
fn cached_updates_match_the_compiler() {
    for d in DIALECTS {
        for n in 0..9 {
            for (q, set) in updates(n) {
                let want = Compiler::new(d, &q).update(&set).expect("compiles");
                let got = update_sql(d, &q, &set).expect("compiles");
                assert_eq!(got, want, "{} n={n}: {set:?}", d.name());
            }
        }
    }
    // Five cacheable shapes (some in NULL variants) per dialect.
    assert!(cached_shapes() >= 5 * DIALECTS.len(), "{} shapes cached", cached_shapes());
}

#[test]
fn an_update_shape_is_compiled_once() {
    let update = |limit: i64, step: i64| {
        let q = filtered(QNode::lookup("id__lte", limit));
        update_sql(&Postgres, &q, &[set("rating", Expr::col("rating").arith(ArithOp::Add, step))]).expect("compiles")
    };
    let before = cached_shapes();
    let first = update(100, 1);
    assert_eq!(cached_shapes(), before + 1);
    let again = update(5, 3);
    assert_eq!(cached_shapes(), before + 1, "the same shape, other values");
    assert_eq!(again.sql, first.sql);
    assert_eq!(again.params, vec![Value::I64(3), Value::I64(5)]);
    // A SELECT of the same query is a shape of its own.
    let q = filtered(QNode::lookup("id__lte", 5));
    let select = select_plan(&Postgres, &q).expect("compiles");
    assert!(select.sql.sql.starts_with("SELECT"), "{}", select.sql.sql);
    assert_eq!(cached_shapes(), before + 2);
    // Another operator is another shape.
    let q = filtered(QNode::lookup("id__lte", 5));
    let minus = update_sql(&Postgres, &q, &[set("rating", Expr::col("rating").arith(ArithOp::Sub, 3))]).expect("ok");
    assert!(minus.sql.contains(" - "), "{}", minus.sql);
    assert_eq!(cached_shapes(), before + 3);
}

#[test]
fn what_the_cache_cannot_replay_is_compiled_every_time() {
    let q = filtered(QNode::lookup("id", 1));
    let before = cached_shapes();
    // A function in the value: not a cached shape, still right.
    let upper = [set("headline", Expr::Func(Func::Upper, vec![Expr::col("headline")]))];
    for _ in 0..2 {
        let got = update_sql(&Sqlite, &q, &upper).expect("compiles");
        assert_eq!(got, Compiler::new(&Sqlite, &q).update(&upper).expect("compiles"));
    }
    // Errors (an unknown field, a sliced query) are not kept either.
    for _ in 0..2 {
        let err = update_sql(&Sqlite, &q, &[set("nope", Expr::Value(Value::I64(1)))]).expect_err("unknown field");
        assert!(err.to_string().contains("nope"), "{err}");
        let mut sliced = q.clone();
        sliced.slice(0, Some(1));
        assert!(update_sql(&Sqlite, &sliced, &[set("rating", Expr::Value(Value::I64(1)))]).is_err());
    }
    assert_eq!(cached_shapes(), before);
}
