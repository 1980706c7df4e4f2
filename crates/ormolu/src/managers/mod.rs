//! Related managers: the rows on the other side of a relation, seen from one object
//! (Django's `blog.entries`, `entry.authors`, `author.entry_set`).
//!
//! Three spellings share one implementation:
//!
//! - on the relation field itself, bound to its instance when it is loaded, created or
//!   saved: `course.students.add(&db, &[&u])` on a [`ManyToMany<T>`](crate::ManyToMany)
//!   field, `user.orders.count(&db)` on a [`RelatedSet<T>`](crate::RelatedSet) field (the
//!   reverse side of a foreign key or many-to-many field, declared on the parent);
//! - [`Instance::related`](crate::Instance::related): `blog.related::<Entry>("entries")?`,
//!   by name, checked at run time against the model registry — for any relation,
//!   including the reverse side of one declared in another crate;
//! - [`Instance::related_by`](crate::Instance::related_by): `blog.related_by(Entry::blog())`,
//!   from a foreign key's typed path, checked by the compiler.
//!
//! Reading returns QuerySets of the related rows (a query each time, never the
//! prefetched objects: those are [`ManyToMany::get`](crate::ManyToMany::get) /
//! [`RelatedSet::get`](crate::RelatedSet::get)). Each write runs in one transaction:
//!
//! ```ignore
//! let entries = blog.related::<Entry>("entries")?;
//! let recent = entries.filter(q!(pub_date__year = 2024)).all(&db).await?;
//! entries.add(&db, [&other_entry]).await?;             // UPDATE … SET blog_id = blog.pk
//! entry.authors.add(&db, &[&joe, &ann]).await?;        // INSERT into the join table, skipping existing links
//! entry.authors.remove(&db, [13]).await?;              // a key works as well as an object
//! entry.authors.set(&db, &[&joe]).await?;              // the difference: removes ann
//! course.students.add_with(&db, &[&u], Enrollment::enrolled_at().set(now)).await?; // through_defaults
//! ```
//!
//! Django's rules: `remove()` and `clear()` of a reverse foreign key exist only when the
//! key is nullable (a row cannot be left without its required parent); `add()` of a
//! many-to-many relation inserts only the missing links, in one statement; a join model
//! with required extra fields needs their values (`add_with` / `create_with` /
//! `set_with`, Django's `through_defaults`); an unsaved instance cannot use its
//! many-to-many relations.
//!
//! Where things are:
//! - `keys`: [`RelatedKey`] (what names a row: an instance or a key) and [`ForeignKeyField`].
//! - `link`: which relation a manager walks, found by name, and the [`Binding`] of a
//!   relation field to its owner.
//! - `manager_core`: the shared manager — condition, Django's checks, reading.
//! - `writes`: `add` / `remove` / `clear` / `set` / `create` / `get_or_create`, with
//!   the helpers both kinds of relation share; `reverse_fk` and `many_to_many`: how
//!   each kind writes.
//! - `related_manager`: [`RelatedManager`], the typed manager by name or typed path.

mod keys;
mod link;
mod manager_core;
mod many_to_many;
mod related_manager;
mod reverse_fk;
mod writes;

pub use keys::{ForeignKeyField, RelatedKey};
pub use link::{BindKey, BindSite, Binding};
pub use related_manager::RelatedManager;

pub(crate) use keys::keys_of;
pub(crate) use link::{relation_choices, reverse_m2m_accessor};
pub(crate) use manager_core::ManagerCore;
