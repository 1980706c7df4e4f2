//! One marker type per Django lookup, and [`LookupFor`]: which lookups apply to which
//! field types and values. `q!(age__gt = 30)` uses [`gt`]; `q!(age = 30)` uses [`eq`]
//! (an implicit `exact`, the only one `update()` accepts as an assignment).
//!
//! The names are Django's, lower case, so compiler messages read like the query.
#![allow(non_camel_case_types)]

use ormolu_core::query::{Expr, Rhs};

pub use super::array::{contained_by, overlap};
use super::kinds::{Nullable, TextLookup};
use super::param::{Param, ValueParam};

/// The right-hand side for a [`Param`]: a value stays a value, anything else is an expression.
pub fn rhs_of(e: Expr) -> Rhs {
    match e {
        Expr::Value(v) => Rhs::Value(v),
        e => Rhs::Expr(e),
    }
}

/// Lookup `Self` applied to a field (or transform) of type `T` with a value of type `V`.
#[diagnostic::on_unimplemented(
    message = "lookup `{Self}` cannot compare a field of type `{T}` with a value of type `{V}`",
    label = "wrong value for `{Self}`",
    note = "`in` takes a list or array of values, `range` a pair `(low, high)`, `isnull` a `bool`; other lookups take one value"
)]
pub trait LookupFor<T, V> {
    /// The right-hand side of the lookup.
    fn rhs(v: V) -> Rhs;
}

macro_rules! markers {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;
    )*};
}

markers! {
    /// `field = value`: an implicit `exact`, also an assignment in `update()`.
    eq,
    /// `exact`: equal (`IS NULL` for `None`).
    exact,
    /// `iexact`: equal ignoring case.
    iexact,
    /// `contains`: case-sensitive substring.
    contains,
    /// `icontains`: substring ignoring case.
    icontains,
    /// `in`: one of a list.
    r#in,
    /// `gt`: greater than.
    gt,
    /// `gte`: greater than or equal.
    gte,
    /// `lt`: less than.
    lt,
    /// `lte`: less than or equal.
    lte,
    /// `startswith`: case-sensitive prefix.
    startswith,
    /// `istartswith`: prefix ignoring case.
    istartswith,
    /// `endswith`: case-sensitive suffix.
    endswith,
    /// `iendswith`: suffix ignoring case.
    iendswith,
    /// `range`: between two bounds, inclusive.
    range,
    /// `isnull`: NULL or not.
    isnull,
    /// `regex`: matches a regular expression.
    regex,
    /// `iregex`: matches a regular expression ignoring case.
    iregex,
}

macro_rules! any_lookups {
    ($($name:ident),*) => {$(
        impl<T, V: Param<T>> LookupFor<T, V> for $name {
            fn rhs(v: V) -> Rhs {
                rhs_of(v.into_expr())
            }
        }
    )*};
}
any_lookups!(eq, exact, gt, gte, lt, lte);

macro_rules! text_lookups {
    ($($name:ident),*) => {$(
        impl<T: TextLookup<$name>, V: Param<T>> LookupFor<T, V> for $name {
            fn rhs(v: V) -> Rhs {
                rhs_of(v.into_expr())
            }
        }
    )*};
}
text_lookups!(iexact, contains, icontains, startswith, istartswith, endswith, iendswith, regex, iregex);

impl<T, V> LookupFor<T, V> for r#in
where
    V: IntoIterator,
    V::Item: ValueParam<T>,
{
    fn rhs(v: V) -> Rhs {
        Rhs::List(v.into_iter().map(ValueParam::into_value).collect())
    }
}

impl<T, A: ValueParam<T>, B: ValueParam<T>> LookupFor<T, (A, B)> for range {
    fn rhs((a, b): (A, B)) -> Rhs {
        Rhs::Range(a.into_value(), b.into_value())
    }
}

impl<T: Nullable> LookupFor<T, bool> for isnull {
    fn rhs(v: bool) -> Rhs {
        Rhs::Value(v.into())
    }
}
