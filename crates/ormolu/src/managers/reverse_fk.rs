//! The writes of a reverse-foreign-key manager (`blog.entries`): each one an UPDATE of
//! the foreign key on `C` rows (or, for `create`, an INSERT of a row pointing at the
//! owner).

use ormolu_core::compiler::{update_sql, Assignment};
use ormolu_core::query::{Expr, QNode, Query, Rhs, Select};
use ormolu_core::{Error, Result, Value};

use super::link::Link;
use super::manager_core::ManagerCore;
use super::writes::{chunk_size, difference, first_column};
use crate::executor::{execute, Executor};
use crate::model::Model;

impl<C: Model> ManagerCore<C> {
    /// Points the foreign key of the rows with these keys at the owner.
    pub(super) async fn fk_add(&self, exec: &(impl Executor + ?Sized), keys: Vec<Value>) -> Result<u64> {
        self.update_pks(exec, keys, self.key.clone(), None).await
    }

    /// Sets the (nullable) foreign key of these rows to NULL, in one transaction;
    /// `DoesNotExist` (and nothing changed) when one is not related to the owner.
    pub(super) async fn fk_remove(&self, exec: &(impl Executor + ?Sized), keys: Vec<Value>) -> Result<u64> {
        let this = self.clone();
        let cond = self.condition()?;
        crate::transaction::atomic(exec, async move |tx| {
            let expected = keys.len() as u64;
            let n = this.update_pks(tx, keys, Value::Null, Some(cond)).await?;
            if n != expected {
                // Django: "<C> is not related to <owner>" (the owner's DoesNotExist).
                return Err(Error::DoesNotExist { model: this.owner.name });
            }
            Ok(n)
        })
        .await
    }

    /// Sets the (nullable) foreign key of every related row to NULL.
    pub(super) async fn fk_clear(&self, exec: &(impl Executor + ?Sized)) -> Result<u64> {
        let mut q = Query::new(C::meta());
        q.filter = self.condition()?;
        self.update_query(exec, &q, Value::Null).await
    }

    /// `set()`: a required key can only point the wanted rows here; a nullable one also
    /// detaches the others (all of them first, with `clear`). One transaction.
    pub(super) async fn fk_set(&self, exec: &(impl Executor + ?Sized), wanted: Vec<Value>, clear: bool) -> Result<()> {
        let nullable = self.field().null;
        let this = self.clone();
        crate::transaction::atomic(exec, async move |tx| {
            if !nullable {
                this.update_pks(tx, wanted, this.key.clone(), None).await?;
                return Ok(());
            }
            if clear {
                this.clear(tx).await?;
                this.update_pks(tx, wanted, this.key.clone(), None).await?;
                return Ok(());
            }
            let cm = C::meta();
            let mut q = Query::new(cm);
            q.filter = this.condition()?;
            q.select = Select::Values(vec![cm.pk_field().name.to_string()]);
            let current = first_column(tx, &q).await?;
            let (old, new) = difference(current, wanted);
            let cond = this.condition()?;
            this.update_pks(tx, old, Value::Null, Some(cond)).await?;
            this.update_pks(tx, new, this.key.clone(), None).await?;
            Ok(())
        })
        .await
    }

    /// Inserts `child` with its foreign key set to the owner.
    pub(super) async fn fk_create(&self, exec: &(impl Executor + ?Sized), mut child: C) -> Result<C> {
        let Link::ReverseForeignKey { field } = self.link else { unreachable!("not many-to-many") };
        child.set_field_value(field, self.key.clone())?;
        C::objects().create(exec, child).await
    }

    /// `UPDATE C SET fk = value WHERE pk IN (pks) [AND extra]`, batched; in one
    /// transaction when it takes several statements.
    async fn update_pks(
        &self,
        exec: &(impl Executor + ?Sized),
        pks: Vec<Value>,
        value: Value,
        extra: Option<QNode>,
    ) -> Result<u64> {
        if pks.is_empty() {
            return Ok(0);
        }
        let cm = C::meta();
        let size = chunk_size(exec, 3);
        let queries: Vec<Query> = pks
            .chunks(size)
            .map(|chunk| {
                let mut q = Query::new(cm);
                q.filter = QNode::lookup(format!("{}__in", cm.pk_field().name), Rhs::List(chunk.to_vec()));
                if let Some(e) = &extra {
                    q.filter = std::mem::take(&mut q.filter).and(e.clone());
                }
                q
            })
            .collect();
        if queries.len() == 1 {
            return self.update_query(exec, &queries[0], value).await;
        }
        let this = self.clone();
        crate::transaction::atomic(exec, async move |tx| {
            let mut n = 0;
            for q in &queries {
                n += this.update_query(tx, q, value.clone()).await?;
            }
            Ok(n)
        })
        .await
    }

    /// `UPDATE C SET fk = value` for the rows `q` matches.
    async fn update_query(&self, exec: &(impl Executor + ?Sized), q: &Query, value: Value) -> Result<u64> {
        let set = [Assignment { field: self.field().name.to_string(), value: Expr::Value(value) }];
        let sql = update_sql(exec.dialect(), q, &set)?;
        Ok(execute(exec, &sql).await?.rows_affected)
    }
}
