//! Filter conditions: [`QNode`] (Django's `Q` and `WhereNode`) and [`Lookup`].

use std::borrow::Cow;
use std::sync::Arc;

use super::expr::Expr;
use crate::value::Value;

/// The right-hand side of a lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Rhs {
    /// One value (or NULL).
    Value(Value),
    /// A list, for `in`.
    List(Vec<Value>),
    /// Two bounds, for `range`.
    Range(Value, Value),
    /// An expression (F, arithmetic…).
    Expr(Expr),
    /// A query: `field__in = qs` (the query's `values()` column, or its primary key).
    Query(Box<super::Query>),
}

impl<T: Into<Value>> From<T> for Rhs {
    fn from(v: T) -> Rhs {
        Rhs::Value(v.into())
    }
}

/// `path__lookup = rhs`: a field path with optional transforms and a final lookup,
/// written as Django does (`pub_date__year__gte`), resolved by the compiler.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The full `__` path, lookups and transforms included (borrowed when static, as
    /// `q!` writes it).
    pub path: Cow<'static, str>,
    /// The right-hand side.
    pub rhs: Rhs,
}

/// A tree of conditions. Empty `And` is true; empty `Or` is false.
#[derive(Debug, Clone, PartialEq)]
pub enum QNode {
    /// One lookup.
    Leaf(Lookup),
    /// All must hold.
    And(Vec<QNode>),
    /// Any must hold.
    Or(Vec<QNode>),
    /// An odd number must hold (Django's `^`).
    Xor(Vec<QNode>),
    /// Must not hold.
    Not(Box<QNode>),
    /// The condition of one `filter()` / `exclude()` call. It matters for multi-valued
    /// relations (reverse foreign keys, many-to-many), as in Django: the conditions of one
    /// call share their joins (they must hold for the same related row), while each call
    /// makes its own (each may hold for a different row). A tree without `Call` nodes is
    /// one call. Transparent otherwise. Shared: a QuerySet's next `filter()` copies
    /// the earlier calls by reference.
    Call(Arc<QNode>),
    /// A boolean expression as a condition (Django's `filter(Exists(…))`).
    Expr(Expr),
    /// A lookup on an expression rather than a field path (Django's lookups as
    /// expressions: `Lower("name") == "x"`); `lookup` may start with transforms.
    ExprLookup(Box<ExprLookup>),
}

/// `expr__lookup = rhs` where the left side is an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprLookup {
    /// The left-hand side.
    pub lhs: Expr,
    /// Transforms and the lookup, `__`-separated (`"gte"`, `"year__gte"`).
    pub lookup: String,
    /// The right-hand side.
    pub rhs: Rhs,
}

impl Default for QNode {
    fn default() -> Self {
        QNode::And(Vec::new())
    }
}

impl QNode {
    /// A lookup leaf.
    pub fn lookup(path: impl Into<String>, rhs: impl Into<Rhs>) -> QNode {
        QNode::Leaf(Lookup { path: Cow::Owned(path.into()), rhs: rhs.into() })
    }

    /// A lookup leaf on a static path (no copy of the path).
    pub fn lookup_static(path: &'static str, rhs: impl Into<Rhs>) -> QNode {
        QNode::Leaf(Lookup { path: Cow::Borrowed(path), rhs: rhs.into() })
    }

    /// Whether this is the always-true empty condition.
    pub fn is_empty(&self) -> bool {
        matches!(self, QNode::And(v) if v.is_empty())
    }

    /// `self AND other`, flattening nested ANDs.
    pub fn and(self, other: QNode) -> QNode {
        match (self, other) {
            (a, b) if b.is_empty() => a,
            (a, b) if a.is_empty() => b,
            (QNode::And(mut a), QNode::And(b)) => {
                a.extend(b);
                QNode::And(a)
            }
            (QNode::And(mut a), b) => {
                a.push(b);
                QNode::And(a)
            }
            (a, b) => QNode::And(vec![a, b]),
        }
    }

    /// `self AND other` as [`QNode::and`] does it, leaving `self` as it is: the list
    /// is made at its final size (no copy of `self` grown by one).
    ///
    /// ```
    /// use ormolu_core::query::{QNode, Rhs};
    ///
    /// let one = QNode::lookup("a", Rhs::Value(1.into())).call();
    /// let two = one.and_cloned(QNode::lookup("b", Rhs::Value(2.into())).call());
    /// assert_eq!(two, one.clone().and(QNode::lookup("b", Rhs::Value(2.into())).call()));
    /// assert!(matches!(&two, QNode::And(v) if v.len() == 2 && v.capacity() == 2));
    /// ```
    pub fn and_cloned(&self, other: QNode) -> QNode {
        match (self, other) {
            (a, b) if b.is_empty() => a.clone(),
            (a, b) if a.is_empty() => b,
            (QNode::And(a), QNode::And(b)) => {
                let mut v = Vec::with_capacity(a.len() + b.len());
                v.extend(a.iter().cloned());
                v.extend(b);
                QNode::And(v)
            }
            (QNode::And(a), b) => {
                let mut v = Vec::with_capacity(a.len() + 1);
                v.extend(a.iter().cloned());
                v.push(b);
                QNode::And(v)
            }
            (a, b) => QNode::And(vec![a.clone(), b]),
        }
    }

    /// `self OR other`, flattening nested ORs.
    pub fn or(self, other: QNode) -> QNode {
        match (self, other) {
            (QNode::Or(mut a), QNode::Or(b)) => {
                a.extend(b);
                QNode::Or(a)
            }
            (QNode::Or(mut a), b) => {
                a.push(b);
                QNode::Or(a)
            }
            (a, b) => QNode::Or(vec![a, b]),
        }
    }

    /// `self XOR other`.
    pub fn xor(self, other: QNode) -> QNode {
        match self {
            QNode::Xor(mut a) => {
                a.push(other);
                QNode::Xor(a)
            }
            a => QNode::Xor(vec![a, other]),
        }
    }

    /// `NOT self`.
    pub fn negate(self) -> QNode {
        match self {
            QNode::Not(inner) => *inner,
            q => QNode::Not(Box::new(q)),
        }
    }

    /// Wraps this condition as one `filter()` call ([`QNode::Call`]); an empty condition
    /// stays empty.
    pub fn call(self) -> QNode {
        match self {
            q if q.is_empty() => q,
            q @ QNode::Call(_) => q,
            q => QNode::Call(Arc::new(q)),
        }
    }

    /// Whether any lookup path of the tree starts with one of `names` (annotation
    /// names): such a condition on an aggregate goes to HAVING.
    pub fn refers_to(&self, names: &[&str]) -> bool {
        self.paths().iter().any(|p| names.contains(&p.split("__").next().unwrap_or(p)))
    }

    /// Every lookup path in the tree, for validation.
    pub fn paths(&self) -> Vec<&str> {
        let mut out = Vec::new();
        fn walk<'a>(q: &'a QNode, out: &mut Vec<&'a str>) {
            match q {
                QNode::Leaf(l) => out.push(&l.path),
                QNode::And(v) | QNode::Or(v) | QNode::Xor(v) => v.iter().for_each(|q| walk(q, out)),
                QNode::Not(q) => walk(q, out),
                QNode::Call(q) => walk(q, out),
                QNode::Expr(_) | QNode::ExprLookup(_) => {}
            }
        }
        walk(self, &mut out);
        out
    }
}
