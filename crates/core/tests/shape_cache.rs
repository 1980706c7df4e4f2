//! The shape cache (`select_plan`, `update_sql`) gives exactly what the compiler
//! gives, on the first and every later statement of a shape, whatever the values;
//! what it cannot reproduce is compiled every time.

#[macro_use]
mod common;

use common::{fk, meta, pk, text};
use ormolu_core::compiler::{
    cached_shapes, select_plan, select_plan_and, update_sql, Assignment, Compiler, MAX_LIST_LEN,
};
use ormolu_core::dialect::{Dialect, MariaDb, MySql, Postgres, Sqlite};
use ormolu_core::meta::{FieldMeta, FieldType};
use ormolu_core::query::{ArithOp, Expr, Func, Loading, OrderBy, QNode, Query, Rhs, Select};
use ormolu_core::Value;

unregistered_model!(blog, meta("Blog", "cache_blog", vec![pk(), text("name")], vec!["name"]));
unregistered_model!(
    entry,
    meta(
        "Entry",
        "cache_entry",
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

fn call(q: &mut Query, node: QNode) {
    q.filter = std::mem::take(&mut q.filter).and(node.call());
}

/// Queries of several shapes, with values picked by `n` (so each shape repeats with
/// other values, some of them NULL or needing LIKE escapes).
fn queries(n: i64) -> Vec<Query> {
    let text = |s: &str| Value::Text(format!("{s}{n}"));
    let mut out = Vec::new();

    let mut q = Query::new(entry());
    call(&mut q, QNode::lookup("headline", text("a")));
    call(&mut q, QNode::lookup("headline__startswith", text(if n % 2 == 0 { "50%_\\" } else { "x" })));
    call(&mut q, QNode::lookup("id__gt", n));
    q.order_by = Some(vec![OrderBy::parse("-id")].into());
    q.slice(0, Some(10));
    out.push(q);

    let mut q = Query::new(entry());
    let rating = if n % 3 == 0 { Value::Null } else { Value::I64(n) };
    call(&mut q, QNode::lookup("rating", rating));
    call(&mut q, QNode::lookup("headline__icontains", text("%")).or(QNode::lookup("headline__iexact", text("B"))));
    call(&mut q, QNode::lookup("rating__isnull", n % 2 == 0).negate());
    call(&mut q, QNode::lookup("blog__name__iendswith", text("_")));
    call(&mut q, QNode::lookup("pub_date__year__gte", 2000 + n));
    q.order_by = Some(vec![OrderBy::parse("blog"), OrderBy::parse("rating").nulls_last()].into());
    q.slice(n as u64 % 3, None);
    out.push(q);

    let mut q = Query::new(entry());
    call(&mut q, QNode::lookup("headline__regex", text("^a")).negate());
    call(&mut q, QNode::lookup("rating__lte", n).xor(QNode::lookup("blog__id", n)));
    q.loading = Loading::Only(vec!["headline".into()]);
    q.reversed = n % 2 == 0;
    out.push(q);

    // values() across a relation (the join and the selected paths are part of the shape).
    let mut q = Query::new(entry());
    call(&mut q, QNode::lookup("blog__name__startswith", text("b")));
    q.select = Select::Values(vec!["id".into(), "headline".into(), "blog__name".into()]);
    q.order_by = Some(vec![OrderBy::parse("blog__name"), OrderBy::parse("-id")].into());
    out.push(q);

    // `in` lists: by length and element types, NULLs left out of the SQL.
    let mut q = Query::new(entry());
    call(&mut q, QNode::lookup("id__in", Rhs::List(vec![Value::I64(n), Value::Null, Value::I64(n + 1)])));
    out.push(q);
    // Long enough for PostgreSQL's `= ANY($1)` (one array parameter), with a NULL.
    let mut q = Query::new(entry());
    let mut keys: Vec<Value> = (0..20).map(|i| Value::I64(n * 100 + i)).collect();
    keys[(n % 20) as usize] = Value::Null;
    call(&mut q, QNode::lookup("blog__in", Rhs::List(keys)));
    call(&mut q, QNode::lookup("headline__in", Rhs::List((0..17).map(|i| text(&format!("h{i}-"))).collect())));
    q.order_by = Some(vec![OrderBy::parse("id")].into());
    out.push(q);
    // Empty and all-NULL lists match nothing; mixed types stay lists.
    let mut q = Query::new(entry());
    call(
        &mut q,
        QNode::lookup("id__in", Rhs::List(Vec::new())).or(QNode::lookup("rating__in", Rhs::List(vec![Value::Null]))),
    );
    call(&mut q, QNode::lookup("headline__in", Rhs::List(vec![text("a"), Value::I64(n)])));
    out.push(q);
    out
}

#[test]
fn cached_plans_match_the_compiler() {
    for d in DIALECTS {
        for n in 0..12 {
            for q in queries(n) {
                let want = Compiler::new(d, &q).select().expect("compiles");
                let got = select_plan(d, &q).expect("compiles");
                assert_eq!(got.sql, want.sql, "{} n={n}: {q:?}", d.name());
                assert_eq!(got.fields, want.fields);
                assert_eq!(got.names, want.names);
                assert_eq!(got.types, want.types);
            }
        }
    }
    // Seven cacheable shapes (some in several NULL / boolean variants) per dialect.
    assert!(cached_shapes() >= 7 * DIALECTS.len(), "{} shapes cached", cached_shapes());
}

/// `select_plan_and(q, extra)` is `select_plan` of `q` with `extra` ANDed to its filter,
/// on the first query of a shape (compiled whole) and on every later one (replayed
/// from the base query's and the extra condition's values, in that order).
#[test]
fn an_extra_condition_matches_the_whole_query() {
    for d in DIALECTS {
        for n in 0..6 {
            let keys: Vec<Value> = (0..3).map(|k| Value::I64(n * 10 + k)).collect();
            let extra = QNode::lookup("blog_id__in", Rhs::List(keys)).call();
            for q in queries(n) {
                let mut whole = q.clone();
                whole.filter = std::mem::take(&mut whole.filter).and(extra.clone());
                let want = Compiler::new(d, &whole).select().expect("compiles");
                let got = select_plan_and(d, &q, &extra).expect("compiles");
                assert_eq!(got.sql, want.sql, "{} n={n}: {q:?}", d.name());
                assert_eq!(got.fields, want.fields);
            }
        }
    }
}

#[test]
fn in_lists_of_one_length_share_a_shape() {
    let list = |keys: &[i64]| {
        let mut q = Query::new(entry());
        call(&mut q, QNode::lookup("blog_id__in", Rhs::List(keys.iter().map(|&k| Value::I64(k)).collect())));
        q
    };
    let before = cached_shapes();
    let first = select_plan(&MariaDb, &list(&[1, 2, 3])).expect("compiles");
    assert_eq!(cached_shapes(), before + 1);
    let again = select_plan(&MariaDb, &list(&[7, 8, 9])).expect("compiles");
    assert_eq!(cached_shapes(), before + 1, "the same shape, other keys");
    assert_eq!(again.sql.sql, first.sql.sql);
    assert_eq!(again.sql.params, [7, 8, 9].map(Value::I64));
    select_plan(&MariaDb, &list(&[7, 8])).expect("compiles");
    assert_eq!(cached_shapes(), before + 2, "another length, another shape");
    // PostgreSQL's one-array form too.
    let keys: Vec<i64> = (1..=20).collect();
    let pg = select_plan(&Postgres, &list(&keys)).expect("compiles");
    assert!(pg.sql.sql.contains("= ANY($1)"), "{}", pg.sql.sql);
    let other: Vec<i64> = (101..=120).collect();
    let again = select_plan(&Postgres, &list(&other)).expect("compiles");
    assert_eq!(cached_shapes(), before + 3);
    assert_eq!(again.sql.params, [Value::Array(other.into_iter().map(Value::I64).collect())]);
    // Longer lists are compiled every time (right, not kept).
    let long: Vec<i64> = (0..=MAX_LIST_LEN as i64).collect();
    let plan = select_plan(&MariaDb, &list(&long)).expect("compiles");
    assert_eq!(plan.sql.params.len(), MAX_LIST_LEN + 1);
    assert_eq!(cached_shapes(), before + 3, "not cached");
}

#[test]
fn errors_are_not_cached() {
    let mut q = Query::new(entry());
    call(&mut q, QNode::lookup("rating__gt", Value::Null));
    for _ in 0..2 {
        assert!(select_plan(&Sqlite, &q).is_err());
    }
    let mut ok = Query::new(entry());
    call(&mut ok, QNode::lookup("rating__gt", 1));
    assert_eq!(select_plan(&Sqlite, &ok).expect("compiles").sql.params, vec![Value::I64(1)]);
}

// UPDATEs (`update_sql`).

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
    let before = cached_shapes();
    for d in DIALECTS {
        for n in 0..9 {
            for (q, set) in updates(n) {
                let want = Compiler::new(d, &q).update(&set).expect("compiles");
                let got = update_sql(d, &q, &set).expect("compiles");
                assert_eq!(got, want, "{} n={n}: {set:?}", d.name());
            }
        }
    }
    // Every shape is kept (two of them in a NULL and a non-NULL variant): seven per dialect.
    assert_eq!(cached_shapes() - before, 7 * DIALECTS.len());
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
