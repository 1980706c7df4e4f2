//! The one implementation of the relation fields that hold many objects and are the
//! related manager of their instance, [`ManyToMany`] and [`RelatedSet`]: the loaded
//! objects (`get`, `set_loaded`…), the binding to the owner ([`Bindable`]), the manager
//! methods (`all`, `add`, `remove`, `set`, `create`…) and the traits, written once by
//! `bound_relation_field!` for both types.

use std::fmt;

use ormolu_core::meta::ModelMeta;
use ormolu_core::{Error, Result};

use super::{ManyToMany, RelatedSet};
use crate::erased::{downcast, AnyModel, RelationSlot};
use crate::executor::Executor;
use crate::managers::{keys_of, BindKey, BindSite, Binding, ManagerCore, RelatedKey};
use crate::model::Model;
use crate::q::{IntoAssignments, IntoQ};
use crate::queryset::QuerySet;

/// A relation field bound to its instance by the derive ([`Model::bind_relations`]):
/// `ManyToMany<T>` and `RelatedSet<T>`. Not for hand use.
#[doc(hidden)]
pub trait Bindable {
    /// Binds the field to its owner: the owner model, the relation's name and the
    /// owner's primary key.
    fn bind(&mut self, site: &'static BindSite, key: BindKey);
}

/// The manager of a bound field: Django's error for an unbound or unsaved owner.
fn bound_manager<T: Model>(binding: Option<&Binding>, ty: &str, what: &str) -> Result<ManagerCore<T>> {
    let Some(b) = binding else {
        return Err(Error::Usage(format!(
            "This {ty}<{}> field is not bound to a saved instance: the instance needs to have a value for its \
             primary key field before this {what} can be used. Relation fields are bound when the instance is \
             loaded, created or saved (call bind_relations() on an instance built by hand with its key).",
            T::meta().name
        )));
    };
    let owner = (b.site.owner)();
    let relation = b.site.relation;
    let core = ManagerCore::<T>::named(owner, relation, b.key.to_value())?;
    if core.key_field() != owner.pk {
        return Err(Error::not_supported(
            format!(
                "the {ty} field manager of '{}.{}', whose relation points at a to_field: \
                 use instance.related::<{}>(\"{}\")",
                owner.name,
                relation,
                T::meta().name,
                relation
            ),
            "any backend",
        ));
    }
    if b.key.is_null() {
        return Err(Error::Usage(format!(
            "'{}' instance needs to have a value for field '{}' before this {what} can be used.",
            owner.name,
            owner.pk_field().name
        )));
    }
    Ok(core)
}

/// Everything `ManyToMany<T>` and `RelatedSet<T>` share, for the type `$ty` (`$what`:
/// the relation in Django's messages).
macro_rules! bound_relation_field {
    ($ty:ident, $what:literal) => {
        impl<T: Model> $ty<T> {
            /// The related objects, when they were loaded with the query (`prefetch_related`).
            pub fn get(&self) -> Option<&[T]> {
                self.loaded.as_deref()
            }

            /// Whether the related objects were loaded.
            pub fn is_loaded(&self) -> bool {
                self.loaded.is_some()
            }

            /// Stores loaded related objects (used by eager loading).
            pub fn set_loaded(&mut self, objs: Vec<T>) {
                self.loaded = Some(objs.into());
            }

            /// Stores loaded related objects already in their shared block (eager
            /// loading builds it in place: one allocation per parent).
            pub(crate) fn set_loaded_shared(&mut self, objs: std::sync::Arc<[T]>) {
                self.loaded = Some(objs);
            }

            /// Forgets the loaded objects.
            pub fn clear_loaded(&mut self) {
                self.loaded = None;
            }

            fn manager(&self) -> Result<ManagerCore<T>> {
                bound_manager(self.binding.as_ref(), stringify!($ty), $what)
            }
        }

        /// Django's related manager on the field (see the type's docs). Reads build
        /// QuerySets (a query when awaited); writes run in one transaction each.
        impl<T: Model> $ty<T> {
            /// Every related row, as a QuerySet (a new query: the prefetched objects are
            /// [`get`](Self::get)). An error when the instance was never saved.
            pub fn all(&self) -> Result<QuerySet<T>> {
                self.manager()?.all()
            }

            /// The related rows matching `q`.
            pub fn filter(&self, q: impl IntoQ<T>) -> Result<QuerySet<T>> {
                Ok(self.all()?.filter(q))
            }

            /// The related rows not matching `q`.
            pub fn exclude(&self, q: impl IntoQ<T>) -> Result<QuerySet<T>> {
                Ok(self.all()?.exclude(q))
            }

            /// How many rows are related (one `COUNT` query).
            pub async fn count(&self, exec: &(impl Executor + ?Sized)) -> Result<u64> {
                self.all()?.count(exec).await
            }

            /// Whether any row is related (one query).
            pub async fn exists(&self, exec: &(impl Executor + ?Sized)) -> Result<bool> {
                self.all()?.exists(exec).await
            }

            /// Relates these rows (objects `&[&a, &b]`, `[&a]`, `vec![a]`, or keys `[1, 2]`):
            /// many-to-many — inserts the links that do not exist yet, in one statement
            /// (no duplicate, no unique error); reverse foreign key — points their key
            /// here. One transaction; returns the links made or rows changed. A join
            /// model with required extra fields needs [`add_with`](Self::add_with).
            pub async fn add<K: RelatedKey<T>>(
                &self,
                exec: &(impl Executor + ?Sized),
                objs: impl IntoIterator<Item = K>,
            ) -> Result<u64> {
                let keys = keys_of::<T, K>(objs, "add")?;
                self.manager()?.add_keys(exec, keys, Vec::new()).await
            }

            /// [`add`](Self::add) with values for the join model's other fields (Django's
            /// `through_defaults`): `course.students.add_with(&db, &[&u],
            /// Enrollment::enrolled_at().set(now))`, or `q!(enrolled_at = now)` with the
            /// join model named (`add_with::<_, Enrollment>`), or
            /// `Assignments::<Enrollment>::new().set("enrolled_at", now)`.
            pub async fn add_with<K: RelatedKey<T>, Th>(
                &self,
                exec: &(impl Executor + ?Sized),
                objs: impl IntoIterator<Item = K>,
                through_defaults: impl IntoAssignments<Th>,
            ) -> Result<u64> {
                let keys = keys_of::<T, K>(objs, "add")?;
                self.manager()?.add_keys(exec, keys, through_defaults.into_assignments()).await
            }

            /// Unrelates these rows (objects or keys): many-to-many — deletes the links;
            /// reverse foreign key — sets it to NULL (nullable keys only; a row not related
            /// here is `DoesNotExist` and nothing changes). Returns the rows changed.
            pub async fn remove<K: RelatedKey<T>>(
                &self,
                exec: &(impl Executor + ?Sized),
                objs: impl IntoIterator<Item = K>,
            ) -> Result<u64> {
                let keys = keys_of::<T, K>(objs, "remove")?;
                self.manager()?.remove_keys(exec, keys).await
            }

            /// Unrelates every row (a reverse foreign key: nullable only). Returns the rows
            /// changed.
            pub async fn clear(&self, exec: &(impl Executor + ?Sized)) -> Result<u64> {
                self.manager()?.clear(exec).await
            }

            /// Makes these rows exactly the related ones (Django's `set()`): unrelates the
            /// others and adds the missing ones (the difference, not a clear), in one
            /// transaction.
            pub async fn set<K: RelatedKey<T>>(
                &self,
                exec: &(impl Executor + ?Sized),
                objs: impl IntoIterator<Item = K>,
            ) -> Result<()> {
                let keys = keys_of::<T, K>(objs, "set")?;
                self.manager()?.set_keys(exec, keys, false, Vec::new()).await
            }

            /// [`set`](Self::set) with the join model's other fields for the new links
            /// (Django's `through_defaults`).
            pub async fn set_with<K: RelatedKey<T>, Th>(
                &self,
                exec: &(impl Executor + ?Sized),
                objs: impl IntoIterator<Item = K>,
                through_defaults: impl IntoAssignments<Th>,
            ) -> Result<()> {
                let keys = keys_of::<T, K>(objs, "set")?;
                self.manager()?.set_keys(exec, keys, false, through_defaults.into_assignments()).await
            }

            /// Django's `set(objs, clear=True)`: unrelates every row, then relates these,
            /// in one transaction.
            pub async fn set_clear<K: RelatedKey<T>>(
                &self,
                exec: &(impl Executor + ?Sized),
                objs: impl IntoIterator<Item = K>,
            ) -> Result<()> {
                let keys = keys_of::<T, K>(objs, "set")?;
                self.manager()?.set_keys(exec, keys, true, Vec::new()).await
            }

            /// Inserts `obj` and relates it (its foreign key set, or linked through the join
            /// table), in one transaction; returns it with its primary key.
            pub async fn create(&self, exec: &(impl Executor + ?Sized), obj: T) -> Result<T> {
                self.manager()?.create(exec, obj, Vec::new()).await
            }

            /// [`create`](Self::create) with the join model's other fields (Django's
            /// `through_defaults`).
            pub async fn create_with<Th>(
                &self,
                exec: &(impl Executor + ?Sized),
                obj: T,
                through_defaults: impl IntoAssignments<Th>,
            ) -> Result<T> {
                self.manager()?.create(exec, obj, through_defaults.into_assignments()).await
            }
        }

        impl<T: Model> Default for $ty<T> {
            fn default() -> Self {
                $ty { loaded: None, binding: None }
            }
        }

        impl<T: Model> Clone for $ty<T> {
            fn clone(&self) -> Self {
                $ty { loaded: self.loaded.clone(), binding: self.binding.clone() }
            }
        }

        /// Equal when the same related rows (by primary key) are loaded, or neither is
        /// loaded: the relation is not part of the row, so two instances of one row
        /// compare equal.
        impl<T: Model> PartialEq for $ty<T> {
            fn eq(&self, other: &Self) -> bool {
                let keys = |m: &Self| m.get().map(|v| v.iter().map(Model::pk_value).collect::<Vec<_>>());
                keys(self) == keys(other)
            }
        }

        impl<T: Model> fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.get() {
                    Some(v) => write!(f, "{}<{}>({} loaded)", stringify!($ty), T::meta().name, v.len()),
                    None => write!(f, "{}<{}>(not loaded)", stringify!($ty), T::meta().name),
                }
            }
        }

        impl<T: Model> Bindable for $ty<T> {
            fn bind(&mut self, site: &'static BindSite, key: BindKey) {
                match &mut self.binding {
                    Some(b) => *b = Binding { site, key },
                    // Freshly loaded: nothing to drop (the usual case, once per row).
                    None => self.binding = Some(Binding { site, key }),
                }
            }
        }

        /// Eager loading stores the related objects here (`prefetch_related`, `to_attr`).
        impl<T: Model> RelationSlot for $ty<T> {
            fn target(&self) -> &'static ModelMeta {
                T::meta()
            }
            fn is_many(&self) -> bool {
                true
            }
            fn store(&mut self, objs: Vec<Box<dyn AnyModel>>) -> Result<()> {
                let v = objs.into_iter().map(|o| downcast::<T>(o, "eager loading")).collect::<Result<Vec<T>>>()?;
                self.set_loaded(v);
                Ok(())
            }
            fn store_list(&mut self, got: &'static ModelMeta, list: &mut dyn std::any::Any) -> Result<()> {
                if let Some(shared) = list.downcast_mut::<Option<std::sync::Arc<[T]>>>().and_then(Option::take) {
                    self.set_loaded_shared(shared);
                    return Ok(());
                }
                self.set_loaded(crate::erased::take_list::<T>(got, list)?);
                Ok(())
            }
        }
    };
}

bound_relation_field!(ManyToMany, "many-to-many relationship");
bound_relation_field!(RelatedSet, "relationship");
