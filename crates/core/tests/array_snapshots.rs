//! I/O-free snapshots of array fields (Django's `ArrayField`) per dialect: DDL, the
//! lookups `contains`, `contained_by`, `overlap`, `exact`, `isnull`, `in`, the
//! transforms `len`, index and slice, arrays in values/annotations/ordering and in
//! UPDATE. SQLite and MySQL answer `NotSupported`.

#[macro_use]
mod common;

use common::{meta, pk};
use ormolu_core::compiler::{Assignment, Compiler};
use ormolu_core::dialect::{Dialect, MySql, Postgres, Sqlite};
use ormolu_core::meta::{FieldMeta, FieldType};
use ormolu_core::query::{Expr, OrderBy, QNode, Query, Rhs, Select};
use ormolu_core::schema::{check_models, create_table_sql};
use ormolu_core::Value;

model!(
    post,
    meta(
        "Post",
        "blog_post",
        vec![
            pk(),
            FieldMeta { max_length: Some(20), ..FieldMeta::new("tags", FieldType::Array(&FieldType::Char)) },
            FieldMeta { null: true, ..FieldMeta::new("scores", FieldType::Array(&FieldType::Int)) },
            FieldMeta {
                max_digits: Some(6),
                decimal_places: Some(2),
                ..FieldMeta::new("prices", FieldType::Array(&FieldType::Decimal))
            },
            FieldMeta::new("days", FieldType::Array(&FieldType::Date)),
        ],
        vec![],
    )
);

const DIALECTS: [(&str, &'static dyn Dialect); 3] = [("sqlite", &Sqlite), ("postgresql", &Postgres), ("mysql", &MySql)];

fn texts(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|s| Value::Text((*s).into())).collect())
}

fn filtered(node: QNode) -> Query {
    let mut q = Query::new(post());
    q.filter = node.call();
    q
}

/// Each labelled query on every dialect, with PostgreSQL's parameters.
fn render(cases: &[(&str, Query)]) -> String {
    let mut out = Vec::new();
    for (label, q) in cases {
        for (name, d) in DIALECTS {
            let text = match Compiler::new(d, q).select() {
                Ok(p) if name == "postgresql" => format!("{}\n  params: {:?}", p.sql.sql, p.sql.params),
                Ok(p) => p.sql.sql.to_string(),
                Err(e) => format!("ERROR: {e}"),
            };
            out.push(format!("{label} [{name}]:\n{text}"));
        }
    }
    out.join("\n\n")
}

#[test]
fn array_ddl() {
    let mut out = Vec::new();
    for (name, d) in DIALECTS {
        let text = match check_models(d, &[post()]) {
            Ok(()) => create_table_sql(d, post()).join(";\n"),
            Err(e) => format!("ERROR: {e}"),
        };
        out.push(format!("[{name}]:\n{text}"));
    }
    insta::assert_snapshot!(out.join("\n\n"));
}

#[test]
fn array_lookups() {
    insta::assert_snapshot!(render(&[
        (
            "contains (@>, cast to the column's array type)",
            filtered(QNode::lookup("tags__contains", texts(&["a", "b"])))
        ),
        ("contained_by (<@)", filtered(QNode::lookup("scores__contained_by", Value::Array(vec![1.into(), 2.into()])))),
        ("overlap (&&)", filtered(QNode::lookup("tags__overlap", texts(&["a"])))),
        ("exact", filtered(QNode::lookup("tags", texts(&["a", "b"])))),
        ("exact: an empty array is one parameter", filtered(QNode::lookup("tags__exact", texts(&[])))),
        ("exact None", filtered(QNode::lookup("scores", Value::Null))),
        ("isnull", filtered(QNode::lookup("scores__isnull", true))),
        (
            "in: a list of arrays",
            filtered(QNode::lookup("tags__in", Rhs::List(vec![texts(&["a"]), texts(&["b", "c"])])))
        ),
        (
            "contains an F() of another array",
            filtered(QNode::lookup("tags__contains", Rhs::Expr(Expr::Col("tags".into()))))
        ),
        ("exclude on a nullable array keeps NULLs out", {
            let mut q = Query::new(post());
            q.filter = QNode::lookup("scores__contains", Value::Array(vec![1.into()])).negate().call();
            q
        }),
        ("a text lookup on an array is an error", filtered(QNode::lookup("tags__icontains", "a"))),
    ]));
}

#[test]
fn array_transforms() {
    insta::assert_snapshot!(render(&[
        ("len then an integer lookup", filtered(QNode::lookup("tags__len__gt", 2))),
        ("len = 0 (an empty array; NULL stays NULL)", filtered(QNode::lookup("scores__len", 0))),
        ("index (0-based in the path, 1-based in SQL)", filtered(QNode::lookup("tags__0", "x"))),
        ("index then a text lookup", filtered(QNode::lookup("tags__1__startswith", "py"))),
        ("index then a comparison", filtered(QNode::lookup("scores__0__gte", 10))),
        ("slice", filtered(QNode::lookup("tags__0_2", texts(&["a", "b"])))),
        ("slice then contains", filtered(QNode::lookup("tags__1_3__contains", texts(&["a"])))),
        ("slice then index", filtered(QNode::lookup("tags__0_2__1", "b"))),
        ("slice then len", filtered(QNode::lookup("tags__0_2__len", 2))),
        ("an unknown transform", filtered(QNode::lookup("tags__first", "x"))),
    ]));
}

#[test]
fn arrays_in_values_annotations_ordering_and_updates() {
    let mut values = Query::new(post());
    values.select = Select::Values(vec!["tags".into(), "tags__len".into(), "scores__0".into()]);
    let mut annotated = Query::new(post());
    annotated.add_annotation("n".into(), Expr::Col("scores__len".into()), true);
    annotated.filter = QNode::lookup("n__gte", 1).call();
    annotated.order_by = Some(vec![OrderBy::parse("-n"), OrderBy::parse("tags__0")].into());
    let mut out = render(&[
        ("values of an array, its length and an element", values),
        ("annotate len, filter, order", annotated),
    ]);
    let update = [
        Assignment { field: "tags".into(), value: Expr::Value(texts(&["x", "y"])) },
        Assignment { field: "scores".into(), value: Expr::Value(Value::Null) },
    ];
    for (name, d) in DIALECTS {
        let q = filtered(QNode::lookup("tags__contains", texts(&["a"])));
        let text = match Compiler::new(d, &q).update(&update) {
            Ok(s) => format!("{}\n  params: {:?}", s.sql, s.params),
            Err(e) => format!("ERROR: {e}"),
        };
        out.push_str(&format!("\n\nupdate [{name}]:\n{text}"));
    }
    insta::assert_snapshot!(out);
}
