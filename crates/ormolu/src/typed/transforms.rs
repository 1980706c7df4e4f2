//! One marker type per Django transform (`date`, `year`, `hour`…), and [`Transform`]:
//! which transforms apply to which field types, and what type they produce.
#![allow(non_camel_case_types)]

pub use super::array::{index, len, slice};
use super::field::HasField;
use super::kinds::{DateTimed, Dated, Timed};
use crate::model::Model;
use crate::relations::{ForeignKey, ManyToMany, Reverse};

/// Transform `Self` applied to a value of type `T` gives a value of type `Output`.
#[diagnostic::on_unimplemented(
    message = "transform `{Self}` does not apply to a field of type `{T}`",
    label = "`{Self}` cannot be applied to `{T}`",
    note = "`date` and `time` apply to datetimes; `year`, `iso_year`, `quarter`, `month`, `day`, `week`, `week_day`, `iso_week_day` to dates and datetimes; `hour`, `minute`, `second` to times and datetimes"
)]
pub trait Transform<T> {
    /// The transformed type.
    type Output;
    /// The name in a `__` path.
    const NAME: &'static str;
}

/// A type-level list of transforms (`(year, ())`, `(date, (year, ()))`) applied in order
/// to a value of type `T`.
pub trait Transforms<T> {
    /// The type after every transform.
    type Output;
}

impl<T> Transforms<T> for () {
    type Output = T;
}

impl<T, X: Transform<T>, R: Transforms<X::Output>> Transforms<T> for (X, R) {
    type Output = R::Output;
}

/// An empty list of transforms: a plain field, which `update()` can assign.
#[diagnostic::on_unimplemented(
    message = "`update()` cannot assign to a transform (`{Self}`)",
    label = "a transform is not a field",
    note = "assignments are `field = value`; transforms such as `__year` only make sense in filters"
)]
pub trait NoTransforms {}

impl NoTransforms for () {}

macro_rules! transforms {
    ($($(#[$doc:meta])* $name:ident: $kind:ident => $out:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        #[diagnostic::do_not_recommend]
        impl<T: $kind> Transform<T> for $name {
            type Output = $out;
            const NAME: &'static str = stringify!($name);
        }
    )*};
}

transforms! {
    /// `date`: the date of a datetime.
    date: DateTimed => T::Date;
    /// `time`: the time of day of a datetime.
    time: DateTimed => T::Time;
    /// `year`.
    year: Dated => T::Part;
    /// `iso_year`: the ISO 8601 week-numbering year.
    iso_year: Dated => T::Part;
    /// `quarter`: 1 to 4.
    quarter: Dated => T::Part;
    /// `month`: 1 to 12.
    month: Dated => T::Part;
    /// `day`: day of the month.
    day: Dated => T::Part;
    /// `week`: ISO 8601 week number.
    week: Dated => T::Part;
    /// `week_day`: 1 (Sunday) to 7 (Saturday).
    week_day: Dated => T::Part;
    /// `iso_week_day`: 1 (Monday) to 7 (Sunday).
    iso_week_day: Dated => T::Part;
    /// `hour`.
    hour: Timed => T::Part;
    /// `minute`.
    minute: Timed => T::Part;
    /// `second`.
    second: Timed => T::Part;
}

/// After a relation, a name spelled like a transform names the related model's field
/// when it has one (Django resolves fields first): `q!(event__date = d)` is the field
/// `date` of the related `Event`, and `event__date__year` transforms that field.
macro_rules! fields_named_like_transforms {
    ($($name:ident => ($($c:ident),*);)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<T: Model + HasField<($(super::chars::$c,)*)>> Transform<ForeignKey<T>> for $name {
            type Output = <T as HasField<($(super::chars::$c,)*)>>::Type;
            const NAME: &'static str = stringify!($name);
        }

        #[diagnostic::do_not_recommend]
        impl<T: Model + HasField<($(super::chars::$c,)*)>> Transform<Option<ForeignKey<T>>> for $name {
            type Output = <T as HasField<($(super::chars::$c,)*)>>::Type;
            const NAME: &'static str = stringify!($name);
        }

        #[diagnostic::do_not_recommend]
        impl<T: Model + HasField<($(super::chars::$c,)*)>> Transform<ManyToMany<T>> for $name {
            type Output = <T as HasField<($(super::chars::$c,)*)>>::Type;
            const NAME: &'static str = stringify!($name);
        }

        #[diagnostic::do_not_recommend]
        impl<T: Model + HasField<($(super::chars::$c,)*)>> Transform<Reverse<T>> for $name {
            type Output = <T as HasField<($(super::chars::$c,)*)>>::Type;
            const NAME: &'static str = stringify!($name);
        }
    )*};
}

fields_named_like_transforms! {
    date => (d, a, t, e);
    time => (t, i, m, e);
    year => (y, e, a, r);
    iso_year => (i, s, o, __, y, e, a, r);
    quarter => (q, u, a, r, t, e, r);
    month => (m, o, n, t, h);
    day => (d, a, y);
    week => (w, e, e, k);
    week_day => (w, e, e, k, __, d, a, y);
    iso_week_day => (i, s, o, __, w, e, e, k, __, d, a, y);
    hour => (h, o, u, r);
    minute => (m, i, n, u, t, e);
    second => (s, e, c, o, n, d);
}
