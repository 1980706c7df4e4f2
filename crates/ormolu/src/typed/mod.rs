//! Typed field paths and the machinery behind `q!`: Django's `__` syntax, checked by
//! the compiler.
//!
//! Three spellings of one condition compile to the same [`QNode`](crate::core::query::QNode):
//!
//! ```
//! use ormolu::prelude::*;
//!
//! #[derive(Model, Debug, Clone, Default)]
//! struct User {
//!     id: Auto<i64>,
//!     age: Option<i32>,
//! }
//!
//! let typed = User::age().gt(30); // a typed path: `Col<User, Option<i32>>`
//! let checked: Q<User> = q!(age__gt = 30).into_q(); // checked against whichever model it is used with
//! let dynamic = Q::<User>::lookup("age__gt", 30)?; // checked at run time
//! assert_eq!(typed, checked);
//! assert_eq!(checked, dynamic);
//! # Ok::<(), ormolu::Error>(())
//! ```
//!
//! Where things are:
//! - [`Col`] (`col.rs`, `col_text.rs`, `col_dates.rs`): a field path with its model and
//!   Rust type; lookups, transforms, orderings, `F`, and `.set()` for `update()`.
//!   Across a relation, [`Col::then`]: `Entry::blog().then(Blog::name())` is the path
//!   `blog__name` (a `Col<Entry, String, Joined>`); `Entry::blog().eq(3)` compares the key.
//! - [`Param`] / [`ValueParam`] (`param.rs`): which Rust values fit a field of type `T`.
//! - Kinds of field types (`kinds.rs`): [`Text`], [`Nullable`], [`Dated`], [`Timed`],
//!   [`DateTimed`] — what decides which lookups and transforms apply.
//! - [`lookups`] and [`transforms`]: one marker type per Django lookup / transform.
//! - Field names as types (`field.rs`, [`chars`]): `headline` is `(h, e, a, d, l, i, n, e)`;
//!   [`HasField`] (written by `#[derive(Model)]`), [`FieldPath`] (a type-level list of
//!   steps), [`Related`] (implemented by `ForeignKey<T>`, `Option<ForeignKey<T>>`,
//!   `ManyToMany<T>` and [`Reverse<T>`] in `relations/`, so `q!(blog__name = …)`
//!   continues on `Blog`). Reverse relations are names of the related model, written by
//!   the declaring model's derive with a witness type ([`Own`] for own fields), so
//!   `q!(entries__headline = …)` on `Blog` is checked too; typed:
//!   `Entry::blog().reverse().then(Entry::headline())`, `Entry::authors().then(Author::name())`.
//!   After a relation, a name spelled like a transform (`event__date`) is the related
//!   model's field when it has one, as in Django (`transforms.rs`).
//! - What `q!` expands to (`qexpr.rs`, `ops.rs`): [`QExpr`] over [`Cond`], [`QList`],
//!   [`QAnd`], [`QOr`], [`QXor`], [`QNot`]; combinable with `&`, `|`, `^`, `!` before the model
//!   is known, and with [`Q`](crate::Q).
//! - Assignments for `update()` (`assign.rs`): [`Set`], [`Assign`].
//! - Array fields (`array.rs`, PostgreSQL): [`ArrayType`], `contained_by`, `overlap`,
//!   `len()`, `index(i)`, `slice(a, b)`; `contains` is shared with text.
//! - [`ChoicesMeta`] (`choices.rs`), written by `#[derive(Choices)]`.

mod array;
mod assign;
pub mod chars;
mod choices;
mod col;
mod col_dates;
mod col_text;
mod field;
mod kinds;
pub mod lookups;
mod ops;
mod param;
mod qexpr;
#[doc(hidden)]
pub mod rt;
pub mod transforms;

pub use crate::relations::Reverse;
pub use array::ArrayType;
pub use assign::{Assign, Assignable, OwnField, Set};
pub use choices::ChoicesMeta;
pub use col::{Col, Field, Joined, Transformed};
pub use field::{FieldPath, FieldRefs, HasField, Own, PathEnd, Related, ResolvePath, C};
pub use kinds::{DateTimed, Dated, Nullable, Text, TextLookup, Timed};
pub use lookups::LookupFor;
pub use param::{Param, ValueParam};
pub use qexpr::{Cond, QAnd, QExpr, QList, QNot, QOr, QXor};
pub use transforms::{NoTransforms, Transform, Transforms};
