//! [`ObjList`]: the rows of one prefetch level, kept as a `Vec` of their model's own
//! type (no box per row), and handed out to their parents in groups.

use std::any::Any;
use std::sync::Arc;

use ormolu_core::meta::ModelMeta;
use ormolu_core::row::RawRow;
use ormolu_core::{Error, Result};

use super::{AnyList, AnyModel, RelationSlot};
use crate::model::Model;

/// The instances of one model loaded by a prefetch level, in the order fetched, without
/// naming their type (object-safe). A row is moved to the last parent that takes it
/// and copied for the others.
pub trait ObjList: Send + Sync {
    /// How many rows were loaded.
    fn len(&self) -> usize;
    /// Whether no row was loaded.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Makes room for `n` more rows.
    fn reserve(&mut self, n: usize);
    /// Decodes one row (as [`Model::from_row`]), keeps it and lends it back (to store
    /// its `select_related()` objects and read its group key).
    fn push_row(&mut self, fields: &[usize], row: &mut dyn RawRow, start: usize) -> Result<&mut dyn AnyModel>;
    /// Every row still held, to load the levels under this one.
    fn objects_mut(&mut self) -> Vec<&mut dyn AnyModel>;
    /// Stores the rows at `rows` in `slot`: moved out when `last`, else copied.
    fn store_group(&mut self, rows: &[usize], last: bool, slot: &mut dyn RelationSlot) -> Result<()>;
    /// The rows at `rows` as an [`AnyList`] (a `Vec` of the model): moved out when
    /// `last`, else copied.
    fn group_list(&mut self, rows: &[usize], last: bool) -> AnyList;
}

/// A new, empty [`ObjList`] of `M`.
pub(crate) fn new_list<M: Model>() -> Box<dyn ObjList> {
    Box::new(Rows::<M>(Vec::new()))
}

/// The rows; a slot is `None` once its row was moved to its last parent.
struct Rows<M>(Vec<Option<M>>);

impl<M: Model> Rows<M> {
    fn take(&mut self, rows: &[usize], last: bool) -> Vec<M> {
        let mut out = Vec::with_capacity(rows.len());
        for &i in rows {
            let slot = &mut self.0[i];
            out.extend(if last { slot.take() } else { slot.clone() });
        }
        out
    }
}

impl<M: Model> ObjList for Rows<M> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn reserve(&mut self, n: usize) {
        self.0.reserve(n);
    }

    fn push_row(&mut self, fields: &[usize], row: &mut dyn RawRow, start: usize) -> Result<&mut dyn AnyModel> {
        self.0.push(Some(M::from_row(fields, row, start)?));
        Ok(self.0.last_mut().and_then(Option::as_mut).expect("just pushed"))
    }

    fn objects_mut(&mut self) -> Vec<&mut dyn AnyModel> {
        self.0.iter_mut().flatten().map(|m| m as &mut dyn AnyModel).collect()
    }

    fn store_group(&mut self, rows: &[usize], last: bool, slot: &mut dyn RelationSlot) -> Result<()> {
        if slot.is_many() && rows.iter().all(|&i| self.0[i].is_some()) {
            // A list slot keeps an `Arc<[M]>`: built in place from the rows, one
            // allocation (a `Vec` first would be two, or a copy).
            let mut group: Option<Arc<[M]>> = Some(if last {
                rows.iter().map(|&i| self.0[i].take().expect("checked above")).collect()
            } else {
                rows.iter().map(|&i| self.0[i].clone().expect("checked above")).collect()
            });
            return slot.store_list(M::meta(), &mut group);
        }
        let mut group = Some(self.take(rows, last));
        slot.store_list(M::meta(), &mut group)
    }

    fn group_list(&mut self, rows: &[usize], last: bool) -> AnyList {
        Box::new(self.take(rows, last))
    }
}

/// Takes the `Vec<T>` a [`RelationSlot::store_list`] was given (an
/// `Option<Vec<T>>`), or an error naming both models.
pub(crate) fn take_list<T: Model>(got: &'static ModelMeta, list: &mut dyn Any) -> Result<Vec<T>> {
    list.downcast_mut::<Option<Vec<T>>>().and_then(Option::take).ok_or_else(|| {
        Error::Usage(format!("eager loading: got {} objects, but the field holds {} objects", got.name, T::meta().name))
    })
}
