//! I/O-free snapshots of expressions per dialect: aggregates and GROUP BY / HAVING,
//! functions, casts, date parts and truncation, Case/When, subqueries (Subquery,
//! Exists, OuterRef, `__in` a query), window functions, set operations, `dates()`,
//! JSON key paths and lookups, DISTINCT ON.

#[macro_use]
mod common;

use common::{fk, meta, pk, text};
use ormolu_core::compiler::Compiler;
use ormolu_core::dialect::{DatePart, Dialect, MariaDb, MySql, Postgres, Sqlite};
use ormolu_core::meta::{FieldMeta, FieldType};
use ormolu_core::query::{
    AggFunc, Aggregate, Combinator, Expr, ExprLookup, Frame, Func, OrderBy, QNode, Query, Rhs, Select, SetOp,
    TruncKind, Window,
};
use ormolu_core::Value;

model!(
    user,
    meta(
        "User",
        "shop_user",
        vec![pk(), text("username"), FieldMeta::new("joined", FieldType::DateTime)],
        vec!["username"]
    )
);
model!(
    order,
    meta(
        "Order",
        "shop_order",
        vec![
            pk(),
            fk("user", "user_id", user, Some("orders"), false),
            FieldMeta { max_digits: Some(10), decimal_places: Some(2), ..FieldMeta::new("total", FieldType::Decimal) },
            FieldMeta::new("qty", FieldType::Int),
            FieldMeta::new("created_at", FieldType::DateTime),
            FieldMeta::new("day", FieldType::Date),
            FieldMeta { null: true, ..FieldMeta::new("data", FieldType::Json) },
        ],
        vec![],
    )
);

const DIALECTS: [(&str, &'static dyn Dialect); 3] = [("sqlite", &Sqlite), ("postgresql", &Postgres), ("mysql", &MySql)];

fn sql(d: &'static dyn Dialect, q: &Query) -> String {
    match Compiler::new(d, q).select() {
        Ok(p) => p.sql.to_string(),
        Err(e) => format!("ERROR: {e}"),
    }
}

/// Each labelled query on every dialect.
fn render(cases: &[(&str, Query)]) -> String {
    let mut out = Vec::new();
    for (label, q) in cases {
        for (name, d) in DIALECTS {
            out.push(format!("{label} [{name}]:\n{}", sql(d, q)));
        }
    }
    out.join("\n\n")
}

fn col(p: &str) -> Expr {
    Expr::Col(p.into())
}

fn val(v: impl Into<Value>) -> Expr {
    Expr::Value(v.into())
}

fn agg(func: AggFunc, arg: Expr) -> Aggregate {
    Aggregate { func, arg, distinct: false, filter: None, default: None, output: None }
}

fn call(q: &mut Query, node: QNode) {
    q.filter = std::mem::take(&mut q.filter).and(node.call());
}

fn annotate(mut q: Query, name: &str, e: impl Into<Expr>) -> Query {
    q.add_annotation(name.into(), e.into(), true);
    q
}

fn values(mut q: Query, names: &[&str]) -> Query {
    q.select = Select::Values(names.iter().map(|s| s.to_string()).collect());
    q
}

fn ordered(mut q: Query, keys: Vec<OrderBy>) -> Query {
    q.order_by = Some(keys.into());
    q
}

#[test]
fn aggregates_group_by_and_having() {
    let count = annotate(Query::new(user()), "n", agg(AggFunc::Count, col("orders")));
    let mut having = count.clone();
    call(&mut having, QNode::lookup("n__gt", 5));
    call(&mut having, QNode::lookup("username__startswith", "a"));
    let filtered = annotate(
        Query::new(user()),
        "big",
        Aggregate { filter: Some(QNode::lookup("orders__total__gte", 100)), ..agg(AggFunc::Count, col("orders")) },
    );
    let kinds = [
        ("sum", Aggregate { default: Some(val(0)), ..agg(AggFunc::Sum, col("orders__total")) }),
        ("avg", agg(AggFunc::Avg, col("orders__qty"))),
        ("min", agg(AggFunc::Min, col("orders__created_at"))),
        ("max", Aggregate { distinct: true, ..agg(AggFunc::Max, col("orders__qty")) }),
        ("sd", agg(AggFunc::StdDev { sample: false }, col("orders__qty"))),
        ("var", agg(AggFunc::Variance { sample: true }, col("orders__qty"))),
    ];
    let mut all_kinds = values(Query::new(user()), &["username"]);
    for (n, a) in kinds {
        all_kinds = annotate(all_kinds, n, a);
    }
    let mut by_values = values(Query::new(order()), &["user__username"]);
    by_values = annotate(by_values, "n", agg(AggFunc::Count, Expr::Star));
    by_values = ordered(by_values, vec![OrderBy::parse("-n"), OrderBy::parse("qty")]);
    let mut alias = Query::new(user());
    alias.add_annotation("n".into(), agg(AggFunc::Count, col("orders")).into(), false);
    let alias = ordered(alias, vec![col("n").desc().nulls_last()]);
    insta::assert_snapshot!(render(&[
        ("annotate on model rows (GROUP BY the model, default ordering dropped)", count),
        ("HAVING next to WHERE", having),
        ("Count with a filter", filtered),
        ("every aggregate", all_kinds),
        ("values().annotate() groups by the values and the ordering", by_values),
        ("alias() only orders", alias),
    ]));
}

#[test]
fn aggregate_inline_and_over_a_subquery() {
    let aggs = vec![
        ("n".to_string(), Expr::from(agg(AggFunc::Count, Expr::Star))),
        ("avg".to_string(), Expr::from(agg(AggFunc::Avg, col("total")))),
    ];
    let mut q = Query::new(order());
    call(&mut q, QNode::lookup("qty__gt", 1));
    let over = annotate(Query::new(user()), "n", agg(AggFunc::Count, col("orders")));
    let over_aggs = vec![
        ("avg_n".to_string(), Expr::from(agg(AggFunc::Avg, col("n")))),
        ("max_joined".to_string(), Expr::from(agg(AggFunc::Max, col("joined")))),
    ];
    let mut out = Vec::new();
    for (name, d) in DIALECTS {
        out.push(format!("inline [{name}]:\n{}", Compiler::new(d, &q).aggregate(&aggs).unwrap().sql));
        out.push(format!("over annotations [{name}]:\n{}", Compiler::new(d, &over).aggregate(&over_aggs).unwrap().sql));
    }
    insta::assert_snapshot!(out.join("\n\n"));
}

#[test]
fn functions_casts_dates() {
    let fns: Vec<(&str, Expr)> = vec![
        ("lower", Expr::Func(Func::Lower, vec![col("username")])),
        ("len", Expr::Func(Func::Length, vec![col("username")])),
        ("concat", Expr::Func(Func::Concat, vec![col("username"), val("-"), col("username")])),
        ("sub", Expr::Func(Func::Substr, vec![col("username"), val(1), val(3)])),
        ("pos", Expr::Func(Func::StrIndex, vec![col("username"), val("a")])),
        ("rep", Expr::Func(Func::Replace, vec![col("username"), val("a"), val("b")])),
        ("left", Expr::Func(Func::Left, vec![col("username"), val(2)])),
        ("great", Expr::Func(Func::Greatest, vec![col("id"), val(3)])),
        ("nullif", Expr::Func(Func::NullIf, vec![col("username"), val("x")])),
        ("coal", Expr::Func(Func::Coalesce, vec![col("username"), val("?")])),
        ("now", Expr::Func(Func::Now, vec![])),
    ];
    let mut q = Query::new(user());
    for (n, e) in fns {
        q = annotate(q, n, e);
    }
    let math: Vec<(&str, Expr)> = vec![
        ("twice", val(2) * col("qty") + 1),
        ("round", Expr::Func(Func::Round, vec![col("total"), val(1)])),
        ("mod", Expr::Func(Func::Mod, vec![col("qty"), val(3)])),
        ("pow", Expr::Func(Func::Power, vec![col("qty"), val(2)])),
        ("as_float", Expr::Cast(Box::new(col("qty")), FieldType::Double)),
        ("as_text", Expr::Cast(Box::new(col("day")), FieldType::Text)),
        ("as_date", Expr::Cast(Box::new(col("created_at")), FieldType::Date)),
        ("year", Expr::Extract(Box::new(col("created_at")), DatePart::Year)),
        ("week_day", Expr::Extract(Box::new(col("day")), DatePart::WeekDay)),
        ("month", Expr::Trunc(Box::new(col("created_at")), TruncKind::Month, None)),
        ("quarter", Expr::Trunc(Box::new(col("day")), TruncKind::Quarter, None)),
        ("week", Expr::Trunc(Box::new(col("created_at")), TruncKind::Week, Some(FieldType::Date))),
        ("typed", (col("qty") * col("total")).typed(FieldType::Decimal)),
    ];
    let mut m = Query::new(order());
    for (n, e) in math {
        m = annotate(m, n, e);
    }
    let m = values(
        m,
        &[
            "twice", "round", "mod", "pow", "as_float", "as_text", "as_date", "year", "week_day", "month", "quarter",
            "week", "typed",
        ],
    );
    let mut lookup = Query::new(user());
    call(
        &mut lookup,
        QNode::ExprLookup(Box::new(ExprLookup {
            lhs: Expr::Func(Func::Lower, vec![col("username")]),
            lookup: "startswith".into(),
            rhs: Rhs::Value("ad".into()),
        })),
    );
    let lookup = ordered(lookup, vec![Expr::Func(Func::Length, vec![col("username")]).desc().nulls_first()]);
    insta::assert_snapshot!(render(&[
        ("text functions", q),
        ("math, casts, dates", m),
        ("a lookup on an expression", lookup)
    ]));
}

#[test]
fn case_when() {
    let case = Expr::Case(
        vec![(QNode::lookup("total__gte", 100), val("large")), (QNode::lookup("total__gte", 10), val("medium"))],
        Box::new(val("small")),
    );
    let q = ordered(
        annotate(values(annotate(Query::new(order()), "size", case), &["size"]), "n", agg(AggFunc::Count, Expr::Star)),
        vec![OrderBy::parse("size")],
    );
    insta::assert_snapshot!(render(&[("Case/When grouped", q)]));
}

#[test]
fn subqueries_and_exists() {
    let mut latest = Query::new(order());
    call(&mut latest, QNode::lookup("user", Rhs::Expr(Expr::OuterRef(Box::new(col("pk"))))));
    let latest = ordered(values(latest, &["total"]), vec![OrderBy::parse("-created_at")]);
    let mut latest = latest;
    latest.limit = Some(1);
    let scalar = annotate(Query::new(user()), "latest", Expr::Subquery(Box::new(latest.clone())));
    let mut exists = Query::new(user());
    let mut big = Query::new(order());
    call(&mut big, QNode::lookup("user", Rhs::Expr(Expr::OuterRef(Box::new(col("pk"))))));
    call(&mut big, QNode::lookup("total__gt", 100));
    call(&mut exists, QNode::Expr(Expr::Exists(Box::new(big.clone()))));
    let mut not_exists = Query::new(user());
    call(&mut not_exists, QNode::Expr(Expr::Exists(Box::new(big.clone()))).negate());
    // Two levels: the inner subquery compares with the outermost row.
    let mut same = Query::new(user());
    call(&mut same, QNode::lookup("pk", Rhs::Expr(Expr::OuterRef(Box::new(col("user"))))));
    call(
        &mut same,
        QNode::lookup("username", Rhs::Expr(Expr::OuterRef(Box::new(Expr::OuterRef(Box::new(col("username"))))))),
    );
    let mut mid = Query::new(order());
    call(&mut mid, QNode::lookup("user", Rhs::Expr(Expr::OuterRef(Box::new(col("pk"))))));
    call(&mut mid, QNode::Expr(Expr::Exists(Box::new(same))));
    let mut nested = Query::new(user());
    call(&mut nested, QNode::Expr(Expr::Exists(Box::new(mid))));
    let mut users = Query::new(user());
    call(&mut users, QNode::lookup("username__startswith", "a"));
    let mut in_qs = Query::new(order());
    call(&mut in_qs, QNode::lookup("user__in", Rhs::Query(Box::new(users))));
    insta::assert_snapshot!(render(&[
        ("scalar subquery", scalar),
        ("exists", exists),
        ("not exists", not_exists),
        ("nested OuterRef", nested),
        ("__in a query", in_qs),
    ]));
}

#[test]
fn window_functions() {
    let w = |e: Expr, part: &[&str], ord: Vec<OrderBy>, frame: Option<Frame>| {
        Expr::from(Window { expr: e, partition_by: part.iter().map(|p| col(p)).collect(), order_by: ord, frame })
    };
    let q = Query::new(order());
    let q =
        annotate(q, "rn", w(Expr::Func(Func::RowNumber, vec![]), &["user"], vec![OrderBy::parse("created_at")], None));
    let q = annotate(q, "rank", w(Expr::Func(Func::Rank, vec![]), &[], vec![OrderBy::parse("-total")], None));
    let q = annotate(q, "dense", w(Expr::Func(Func::DenseRank, vec![]), &[], vec![OrderBy::parse("-total")], None));
    let q = annotate(
        q,
        "prev",
        w(Expr::Func(Func::Lag, vec![col("qty"), val(1), val(0)]), &["user"], vec![OrderBy::parse("created_at")], None),
    );
    let q = annotate(
        q,
        "next",
        w(Expr::Func(Func::Lead, vec![col("qty")]), &["user"], vec![OrderBy::parse("created_at")], None),
    );
    let q = annotate(
        q,
        "first",
        w(Expr::Func(Func::FirstValue, vec![col("total")]), &["user"], vec![OrderBy::parse("created_at")], None),
    );
    let q = annotate(
        q,
        "running",
        w(
            agg(AggFunc::Sum, col("total")).into(),
            &["user"],
            vec![OrderBy::parse("created_at")],
            Some(Frame::rows(None, Some(0))),
        ),
    );
    let q = annotate(
        q,
        "moving",
        w(agg(AggFunc::Avg, col("qty")).into(), &[], vec![OrderBy::parse("id")], Some(Frame::rows(Some(-2), Some(2)))),
    );
    let q = values(q, &["id", "rn", "rank", "dense", "prev", "next", "first", "running", "moving"]);
    // MariaDB has no default in LAG/LEAD.
    let mariadb = Compiler::new(&MariaDb, &q).select().unwrap().sql.to_string();
    insta::assert_snapshot!(format!("{}\n\nwindows [mariadb]:\n{mariadb}", render(&[("windows", q)])));
}

#[test]
fn set_operations_and_dates() {
    let mut a = values(Query::new(order()), &["id"]);
    call(&mut a, QNode::lookup("qty", 1));
    let mut b = values(Query::new(order()), &["id"]);
    call(&mut b, QNode::lookup("total__gt", 100));
    let combined = |op, all| {
        let mut q = a.clone();
        q.filter = QNode::default();
        q.combinator = Some(Box::new(Combinator { op, all, queries: vec![a.clone(), b.clone()] }));
        q
    };
    let mut union = combined(SetOp::Union, true);
    union.order_by = Some(vec![OrderBy::parse("-id")].into());
    union.limit = Some(5);
    let mut ordered_member = a.clone();
    ordered_member.order_by = Some(vec![OrderBy::parse("total")].into());
    ordered_member.limit = Some(2);
    let mut member = combined(SetOp::Union, false);
    member.combinator =
        Some(Box::new(Combinator { op: SetOp::Union, all: false, queries: vec![ordered_member, b.clone()] }));
    let mut dates = annotate(
        Query::new(order()),
        "datefield",
        Expr::Trunc(Box::new(col("created_at")), TruncKind::Month, Some(FieldType::Date)),
    );
    call(&mut dates, QNode::lookup("created_at__isnull", false));
    let mut dates = ordered(values(dates, &["datefield"]), vec![OrderBy::parse("-datefield")]);
    dates.distinct = true;
    insta::assert_snapshot!(render(&[
        ("union all, ordered and sliced", union),
        ("intersection", combined(SetOp::Intersection, false)),
        ("difference", combined(SetOp::Difference, false)),
        ("an ordered, sliced member", member),
        ("dates(created_at, month, DESC)", dates),
    ]));
}

#[test]
fn json_keys_and_lookups() {
    let lookups: Vec<(&str, Rhs)> = vec![
        ("data__rating__gte", Rhs::Value(4.into())),
        ("data__rating", Rhs::Value(5.into())),
        ("data__rating", Rhs::Value(Value::Null)),
        ("data__featured", Rhs::Value(true.into())),
        ("data__source__lang__in", Rhs::List(vec!["de".into(), "fr".into()])),
        ("data__tags__0", Rhs::Value("code".into())),
        ("data__source__name__icontains", Rhs::Value("rs".into())),
        ("data__rating__isnull", Rhs::Value(true.into())),
        ("data__has_key", Rhs::Value("featured".into())),
        ("data__has_keys", Rhs::List(vec!["a".into(), "b".into()])),
        ("data__has_any_keys", Rhs::List(vec!["a".into(), "b".into()])),
        ("data", Rhs::Value(Value::Null)),
        ("data__contains", Rhs::Value("{\"a\": 1}".into())),
    ];
    let mut cases = Vec::new();
    for (path, rhs) in lookups {
        let mut q = values(Query::new(order()), &["id"]);
        call(&mut q, QNode::lookup(path, rhs.clone()));
        cases.push((path, q));
    }
    let mut v = values(Query::new(order()), &["id", "data__source__lang"]);
    v.order_by = Some(vec![OrderBy::parse("-data__rating")].into());
    cases.push(("values and order_by a key", v));
    insta::assert_snapshot!(render(&cases));
}

#[test]
fn distinct_on() {
    let mut q = Query::new(order());
    q.distinct_on = vec!["user".into()];
    let ok = ordered(q.clone(), vec![OrderBy::parse("user_id"), OrderBy::parse("-created_at")]);
    let bad = ordered(q.clone(), vec![OrderBy::parse("-created_at")]);
    let expanded = ordered(q, vec![OrderBy::parse("user"), OrderBy::parse("-created_at")]);
    insta::assert_snapshot!(render(&[
        ("distinct on", ok),
        ("not matching the ordering", bad),
        ("a relation ordering by its model's ordering", expanded),
    ]));
}

#[test]
fn full_text_search() {
    use ormolu_core::query::{Search, SearchKind};
    let vector = Expr::Search(Box::new(Search::Vector {
        parts: vec![(vec![col("username")], Some('A')), (vec![col("username"), col("joined")], Some('B'))],
        config: Some("english".into()),
    }));
    let query =
        Expr::Search(Box::new(Search::Query { text: val("cheese"), kind: SearchKind::Websearch, config: None }));
    let mut q = annotate(Query::new(user()), "doc", vector);
    call(&mut q, QNode::lookup("doc", Rhs::Expr(query.clone())));
    let q = annotate(q, "rank", Expr::Search(Box::new(Search::Rank { vector: col("doc"), query })));
    let mut lookup = values(Query::new(user()), &["id"]);
    call(&mut lookup, QNode::lookup("username__search", "cheese"));
    insta::assert_snapshot!(render(&[("vector, query and rank", q), ("the search lookup", lookup)]));
}
