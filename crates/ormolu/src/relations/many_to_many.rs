//! [`ManyToMany`]: a many-to-many relation field (a join table, no column); its loaded
//! objects and manager methods are the shared ones of `bound`.

use std::sync::Arc;

use crate::managers::Binding;
use crate::model::Model;
use crate::typed::Related;

/// A many-to-many relation to `T` (Django's `ManyToManyField`): not a column but a
/// join table (see the module docs for the options).
///
/// - Loaded objects: [`get`](Self::get) gives the related objects when they were
///   loaded with the query (`prefetch_related`), never queries on its own.
/// - Manager: bound to its instance when it is loaded, created or saved, the field is
///   Django's `entry.authors` manager — [`all`](Self::all), [`filter`](Self::filter),
///   [`count`](Self::count), [`exists`](Self::exists) read (a query each);
///   [`add`](Self::add), [`remove`](Self::remove), [`clear`](Self::clear),
///   [`set`](Self::set), [`create`](Self::create) write, each in one transaction
///   (the `_with` forms take the join model's other fields, Django's
///   `through_defaults`). An instance that was never saved has no key to link: its
///   manager is an error, as in Django.
///
/// ```ignore
/// let entry = Entry::objects().get_pk(&db, 12).await?;
/// entry.authors.add(&db, &[&joe, &ann]).await?;     // inserts the missing links only
/// entry.authors.remove(&db, [13]).await?;           // by key or by object
/// let names = entry.authors.all()?.values_flat::<String>("name").list(&db).await?;
/// course.students.add_with(&db, &[&u], Enrollment::enrolled_at().set(now)).await?;
/// ```
pub struct ManyToMany<T: Model> {
    pub(super) loaded: Option<Arc<[T]>>,
    pub(super) binding: Option<Binding>,
}

/// `authors__name`: a path continues on the related model.
impl<T: Model> Related for ManyToMany<T> {
    type Target = T;
}

/// `authors__isnull = true`: entries without authors.
impl<T: Model> crate::typed::Nullable for ManyToMany<T> {
    type Inner = T;
}
