//! The write methods of [`ManagerCore`] (`add`, `remove`, `clear`, `set`, `create`,
//! `get_or_create`): Django's checks, then the reverse-foreign-key (`reverse_fk`) or
//! many-to-many (`many_to_many`) way; and the helpers both ways share.

use std::collections::HashSet;

use ormolu_core::compiler::{Assignment, Compiler};
use ormolu_core::query::Query;
use ormolu_core::{Error, Result, Value};

use super::manager_core::ManagerCore;
use crate::erased::{key_of, Key};
use crate::executor::{fetch, Executor};
use crate::model::Model;
use crate::q::Q;

impl<C: Model> ManagerCore<C> {
    /// Links the rows with these keys to the owner. Reverse foreign key: `UPDATE C SET
    /// fk = owner`. Many-to-many: inserts the missing links in one statement (after
    /// reading which exist), with `through_defaults` for the join model's other
    /// fields. One transaction. Returns the rows changed or links made.
    pub(crate) async fn add_keys(
        &self,
        exec: &(impl Executor + ?Sized),
        keys: Vec<Value>,
        defaults: Vec<Assignment>,
    ) -> Result<u64> {
        self.require_key()?;
        let keys = dedup(keys);
        match self.m2m_parts() {
            None => {
                if !defaults.is_empty() {
                    return Err(Error::Usage(format!(
                        "through_defaults apply to many-to-many relations; '{}.{}' is a reverse foreign key",
                        self.owner.name, self.accessor
                    )));
                }
                self.fk_add(exec, keys).await
            }
            Some(parts) => self.m2m_add(exec, parts?, keys, &defaults).await,
        }
    }

    /// Unlinks the rows with these keys. Reverse foreign key (nullable only): sets it to
    /// NULL, refusing (and changing nothing) when one is not related to the owner.
    /// Many-to-many: deletes the links. One transaction.
    pub(crate) async fn remove_keys(&self, exec: &(impl Executor + ?Sized), keys: Vec<Value>) -> Result<u64> {
        self.require_nullable("remove")?;
        self.require_key()?;
        let keys = dedup(keys);
        if keys.is_empty() {
            return Ok(0);
        }
        match self.m2m_parts() {
            None => self.fk_remove(exec, keys).await,
            Some(parts) => self.m2m_remove(exec, parts?, keys).await,
        }
    }

    /// Unlinks every related row (reverse foreign key: nullable only).
    pub(crate) async fn clear(&self, exec: &(impl Executor + ?Sized)) -> Result<u64> {
        self.require_nullable("clear")?;
        self.require_key()?;
        match self.m2m_parts() {
            None => self.fk_clear(exec).await,
            Some(parts) => self.m2m_clear(exec, parts?).await,
        }
    }

    /// Makes the rows with these keys exactly the related ones (Django's `set()`): with
    /// `clear`, unlinks all then links these; else unlinks those not wanted and links
    /// the missing ones. A required reverse foreign key can only add. One transaction.
    pub(crate) async fn set_keys(
        &self,
        exec: &(impl Executor + ?Sized),
        keys: Vec<Value>,
        clear: bool,
        defaults: Vec<Assignment>,
    ) -> Result<()> {
        self.require_key()?;
        let wanted = dedup(keys);
        if let Some(parts) = self.m2m_parts() {
            return self.m2m_set(exec, parts?, wanted, clear, &defaults).await;
        }
        if !defaults.is_empty() {
            return Err(Error::Usage("through_defaults apply to many-to-many relations".into()));
        }
        self.fk_set(exec, wanted, clear).await
    }

    /// Inserts `child` related to the owner (its foreign key set, or linked through the
    /// join table), in one transaction; returns it with its primary key.
    pub(crate) async fn create(
        &self,
        exec: &(impl Executor + ?Sized),
        child: C,
        defaults: Vec<Assignment>,
    ) -> Result<C> {
        self.require_key()?;
        match self.m2m_parts() {
            None => {
                if !defaults.is_empty() {
                    return Err(Error::Usage("through_defaults apply to many-to-many relations".into()));
                }
                self.fk_create(exec, child).await
            }
            Some(parts) => self.m2m_create(exec, parts?, child, &defaults).await,
        }
    }

    /// The related row matching `lookup`, or a new one: reverse foreign key — made from
    /// `lookup` and `defaults`, pointing at the owner (race-safe); many-to-many — as
    /// Django, `C::objects().get_or_create(…)` then linked when created.
    pub(crate) async fn get_or_create(
        &self,
        exec: &(impl Executor + ?Sized),
        lookup: Q<C>,
        defaults: Vec<Assignment>,
        update: bool,
    ) -> Result<(C, bool)>
    where
        C: Default,
    {
        self.require_key()?;
        let defaults = crate::q::Assignments::<C>::from_vec(defaults);
        if self.is_m2m() {
            // As Django: looked up among the related rows, created unrelated, then linked.
            let related = self.all()?;
            let (obj, created) = if update {
                related.update_or_create(exec, lookup, defaults).await?
            } else {
                related.get_or_create(exec, lookup, defaults).await?
            };
            if created {
                self.add_keys(exec, vec![obj.pk_value()], Vec::new()).await?;
            }
            return Ok((obj, created));
        }
        let lookup = Q::from_node(self.condition()?) & lookup;
        if update {
            C::objects().update_or_create(exec, lookup, defaults).await
        } else {
            C::objects().get_or_create(exec, lookup, defaults).await
        }
    }
}

/// The keys once each, in order.
fn dedup(keys: Vec<Value>) -> Vec<Value> {
    let mut seen = HashSet::new();
    keys.into_iter().filter(|k| seen.insert(key_of(k))).collect()
}

/// What `set()` changes: `(current keys not wanted, wanted keys not current)`.
pub(super) fn difference(current: Vec<Value>, wanted: Vec<Value>) -> (Vec<Value>, Vec<Value>) {
    let keep: HashSet<Key> = wanted.iter().map(key_of).collect();
    let have: HashSet<Key> = current.iter().map(key_of).collect();
    let old: Vec<Value> = current.into_iter().filter(|v| !keep.contains(&key_of(v))).collect();
    let new: Vec<Value> = wanted.into_iter().filter(|v| !have.contains(&key_of(v))).collect();
    (old, new)
}

/// Keys per `IN` list: the backend's parameter limit, less `others` parameters.
pub(super) fn chunk_size(exec: &(impl Executor + ?Sized), others: usize) -> usize {
    exec.dialect().features().max_query_params.saturating_sub(others).max(1)
}

/// The first column of every row `q` (a `values()` query of one column) selects.
pub(super) async fn first_column(exec: &(impl Executor + ?Sized), q: &Query) -> Result<Vec<Value>> {
    let plan = Compiler::new(exec.dialect(), q).select()?;
    Ok(fetch(exec, &plan.sql).await?.into_iter().filter_map(|r| r.values.into_iter().next()).collect())
}
