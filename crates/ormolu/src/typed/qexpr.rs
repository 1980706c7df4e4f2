//! What `q!` expands to: a [`QExpr`] wrapping a tree of [`Cond`] leaves joined by
//! [`QList`] (comma), [`QAnd`], [`QOr`], [`QXor`] and [`QNot`]. None of them names a model:
//! each becomes a [`Q<M>`] (via [`IntoQ<M>`]) for any `M` that has the fields, the
//! lookups fit the field types and the values fit the lookups.

use std::marker::PhantomData;

use ormolu_core::query::QNode;

use super::field::{FieldRefs, Marker, ResolvePath};
use super::lookups::LookupFor;
use super::transforms::Transforms;
use crate::q::{IntoQ, Q};

/// The output of `q!`: a condition (and, for plain `field = value` lists, an
/// assignment list) not yet tied to a model. Combine with `&`, `|`, `^`, `!`.
#[derive(Debug, Clone)]
pub struct QExpr<T>(pub T);

impl<T> QExpr<T> {
    /// Wraps a condition tree.
    pub fn new(tree: T) -> Self {
        QExpr(tree)
    }
}

impl<M, T: IntoQ<M>> IntoQ<M> for QExpr<T> {
    fn into_q(self) -> Q<M> {
        self.0.into_q()
    }
}

/// One `path__transforms__lookup = value` of `q!`: the field [`FieldPath`](super::FieldPath) `P`,
/// the transforms `Ts` (a type-level list), the lookup marker `L`, the value `V`, and
/// the `F(field)` references in the value `R` (a type-level list of paths). `W` and
/// `WR` are the witnesses of `P` and `R` on the model (see [`HasField`](super::HasField)):
/// `q!` leaves them to the compiler, which infers them where the condition meets a model.
pub struct Cond<P, Ts, L, V, R, W, WR> {
    path: &'static str,
    value: V,
    _t: Marker<(P, Ts, L, R, W, WR)>,
}

impl<P, Ts, L, V: Clone, R, W, WR> Clone for Cond<P, Ts, L, V, R, W, WR> {
    fn clone(&self) -> Self {
        Cond { path: self.path, value: self.value.clone(), _t: PhantomData }
    }
}

impl<P, Ts, L, V: std::fmt::Debug, R, W, WR> std::fmt::Debug for Cond<P, Ts, L, V, R, W, WR> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {:?}", self.path, self.value)
    }
}

impl<P, Ts, L, V, R, W, WR> Cond<P, Ts, L, V, R, W, WR> {
    /// The condition `path = value` (what `q!` writes; `path` is the full `__` path).
    pub fn new(path: &'static str, value: V) -> Self {
        Cond { path, value, _t: PhantomData }
    }

    /// The full `__` path as written.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The path and the value.
    pub fn into_parts(self) -> (&'static str, V) {
        (self.path, self.value)
    }
}

impl<M, P, Ts, L, V, R, W, WR> IntoQ<M> for Cond<P, Ts, L, V, R, W, WR>
where
    P: ResolvePath<M, W>,
    Ts: Transforms<P::Type>,
    L: LookupFor<Ts::Output, V>,
    R: FieldRefs<M, WR>,
{
    fn into_q(self) -> Q<M> {
        Q::from_node(QNode::lookup_static(self.path, L::rhs(self.value)))
    }
}

macro_rules! binary {
    ($($(#[$doc:meta])* $name:ident => $method:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name<A, B>(pub A, pub B);

        impl<M, A: IntoQ<M>, B: IntoQ<M>> IntoQ<M> for $name<A, B> {
            fn into_q(self) -> Q<M> {
                Q::from_node(self.0.into_q().into_node().$method(self.1.into_q().into_node()))
            }
        }
    )*};
}

binary! {
    /// Comma-separated conditions of one `q!` (all must hold); also an assignment list.
    QList => and;
    /// `a & b`.
    QAnd => and;
    /// `a | b`.
    QOr => or;
    /// `a ^ b`.
    QXor => xor;
}

/// `!a`.
#[derive(Debug, Clone)]
pub struct QNot<A>(pub A);

impl<M, A: IntoQ<M>> IntoQ<M> for QNot<A> {
    fn into_q(self) -> Q<M> {
        Q::from_node(self.0.into_q().into_node().negate())
    }
}
