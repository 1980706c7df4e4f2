//! Typed lookups and transforms of array fields (Django's `ArrayField`, PostgreSQL
//! only): `contains` (`@>`, shared with the text lookup of that name),
//! `contained_by` (`<@`), `overlap` (`&&`), and the transforms `len`, index
//! (`tags__0`) and slice (`tags__0_2`).
//!
//! ```
//! use ormolu::prelude::*;
//!
//! #[derive(Model, Debug, Clone, Default)]
//! struct Post {
//!     id: Auto<i64>,
//!     tags: Vec<String>,
//! }
//!
//! let typed = Post::tags().len().gt(2) & Post::tags().index(0).eq("rust");
//! let checked: Q<Post> = q!(tags__len__gt = 2, tags__0 = "rust").into_q();
//! assert_eq!(typed, checked);
//! let _ = Post::tags().overlap(vec!["a", "b"]) | Post::tags().slice(0, 2).contained_by(vec!["a"]);
//! ```
#![allow(non_camel_case_types)]

use super::col::{Col, Transformed};
use super::kinds::TextLookup;
use super::lookups::{self as l, rhs_of, LookupFor};
use super::param::{Param, ValueParam};
use super::transforms::Transform;
use crate::field_array::ArrayElement;
use crate::q::Q;
use ormolu_core::query::Expr;
use ormolu_core::Value;

/// An array field type (`Vec<T>`, `Option<Vec<T>>`): the array lookups and
/// transforms apply.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an array field",
    label = "array lookups and transforms (contained_by, overlap, len, index, slice) need a `Vec<T>` field",
    note = "array fields are `Vec<T>` or `Option<Vec<T>>` of an `ArrayElement` (PostgreSQL only)"
)]
pub trait ArrayType {
    /// The element type.
    type Element;
    /// The type of the array's length (`i32`, `Option<i32>` when nullable).
    type Len;
}

impl<E: ArrayElement> ArrayType for Vec<E> {
    type Element = E;
    type Len = i32;
}

impl<E: ArrayElement> ArrayType for Option<Vec<E>> {
    type Element = E;
    type Len = Option<i32>;
}

// `contains` on an array is Django's `@>` (the text lookup of the same name).
#[diagnostic::do_not_recommend]
impl<E: ArrayElement> TextLookup<l::contains> for Vec<E> {}
#[diagnostic::do_not_recommend]
impl<E: ArrayElement> TextLookup<l::contains> for Option<Vec<E>> {}

/// `contained_by`: every element is in the given array (`<@`).
#[derive(Debug, Clone, Copy, Default)]
pub struct contained_by;

/// `overlap`: shares an element with the given array (`&&`).
#[derive(Debug, Clone, Copy, Default)]
pub struct overlap;

impl<T: ArrayType, V: Param<T>> LookupFor<T, V> for contained_by {
    fn rhs(v: V) -> ormolu_core::query::Rhs {
        rhs_of(v.into_expr())
    }
}

impl<T: ArrayType, V: Param<T>> LookupFor<T, V> for overlap {
    fn rhs(v: V) -> ormolu_core::query::Rhs {
        rhs_of(v.into_expr())
    }
}

/// `len`: the number of elements (`tags__len__gt = 2`).
#[derive(Debug, Clone, Copy, Default)]
pub struct len;

/// An index (`tags__0`): the element at a 0-based position, NULL past the end.
#[derive(Debug, Clone, Copy, Default)]
pub struct index;

/// A slice (`tags__0_2`): the elements from the first position up to the second.
#[derive(Debug, Clone, Copy, Default)]
pub struct slice;

#[diagnostic::do_not_recommend]
impl<T: ArrayType> Transform<T> for len {
    type Output = T::Len;
    const NAME: &'static str = "len";
}

#[diagnostic::do_not_recommend]
impl<T: ArrayType> Transform<T> for index {
    type Output = Option<T::Element>;
    const NAME: &'static str = "index";
}

#[diagnostic::do_not_recommend]
impl<T: ArrayType> Transform<T> for slice {
    type Output = T;
    const NAME: &'static str = "slice";
}

/// String slices for an array of `String` (`contains(vec!["a"])`).
macro_rules! str_arrays {
    ($($field:ty),*) => {$(
        impl Param<$field> for Vec<&str> {
            fn into_expr(self) -> Expr {
                Expr::Value(ValueParam::<$field>::into_value(self))
            }
        }
        impl ValueParam<$field> for Vec<&str> {
            fn into_value(self) -> Value {
                Value::Array(self.into_iter().map(|s| Value::Text(s.to_owned())).collect())
            }
        }
        impl Param<$field> for &[&str] {
            fn into_expr(self) -> Expr {
                Expr::Value(ValueParam::<$field>::into_value(self))
            }
        }
        impl ValueParam<$field> for &[&str] {
            fn into_value(self) -> Value {
                Value::Array(self.iter().map(|s| Value::Text((*s).to_owned())).collect())
            }
        }
    )*};
}
str_arrays!(Vec<String>, Option<Vec<String>>);

impl<M, T: ArrayType, K> Col<M, T, K> {
    /// Every element is in `value` (`contained_by`, `<@`).
    pub fn contained_by<V: Param<T>>(self, value: V) -> Q<M> {
        self.lookup("contained_by", rhs_of(value.into_expr()))
    }

    /// Shares an element with `value` (`overlap`, `&&`).
    pub fn overlap<V: Param<T>>(self, value: V) -> Q<M> {
        self.lookup("overlap", rhs_of(value.into_expr()))
    }

    /// The number of elements (`__len`; NULL for a NULL array, 0 for an empty one).
    pub fn len(self) -> Col<M, T::Len, Transformed> {
        self.transformed("len")
    }

    /// The element at 0-based position `i` (`__0`; NULL past the end).
    pub fn index(self, i: u32) -> Col<M, Option<T::Element>, Transformed> {
        self.transformed(&i.to_string())
    }

    /// The elements from 0-based `start` up to `end` (`__0_2`, Python's `[start:end]`).
    pub fn slice(self, start: u32, end: u32) -> Col<M, T, Transformed> {
        self.transformed(&format!("{start}_{end}"))
    }
}
