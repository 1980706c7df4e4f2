//! [`Instance`]: what one object can do — save, delete, refresh_from_db, full_clean.
//! Implemented for every [`Model`].

use std::future::Future;

use ormolu_core::compiler::{update_sql, Assignment};
use ormolu_core::error::ValidationError;
use ormolu_core::meta::FieldType;
use ormolu_core::query::{Expr, QNode, Query, Rhs};
use ormolu_core::{Error, Result, Value};

use crate::deletion::DeleteResult;
use crate::executor::{execute, Executor};
use crate::managers::{ForeignKeyField, RelatedManager};
use crate::model::Model;
use crate::queryset::write::{insert_objects, now_for};
use crate::typed::{Col, Field};

fn pk_query<M: Model>(obj: &M) -> Query {
    let mut q = Query::new(M::meta());
    q.filter = QNode::lookup("pk", Rhs::Value(obj.pk_value()));
    q
}

/// UPDATEs the given fields of `obj` (by index) by primary key; returns rows matched.
pub(crate) async fn save_fields_idx<M: Model>(
    obj: &mut M,
    exec: &(impl Executor + ?Sized),
    fields: &[usize],
) -> Result<u64> {
    let m = M::meta();
    let assignments: Vec<Assignment> = fields
        .iter()
        .filter(|&&i| i != m.pk)
        .map(|&i| Assignment { field: m.fields[i].name.to_string(), value: Expr::Value(obj.field_value(i)) })
        .collect();
    if assignments.is_empty() {
        return Ok(0);
    }
    let sql = update_sql(exec.dialect(), &pk_query(obj), &assignments)?;
    Ok(execute(exec, &sql).await?.rows_affected)
}

/// Operations on one object. `use ormolu::prelude::*` brings them in.
pub trait Instance: Model {
    /// INSERT when the primary key is unset, UPDATE otherwise (INSERT when the UPDATE
    /// matched nothing). Sets auto_now/auto_now_add fields and the generated pk.
    fn save<E: Executor + ?Sized>(&mut self, exec: &E) -> impl Future<Output = Result<()>> + Send {
        async move {
            let m = Self::meta();
            if !self.pk_value().is_null() {
                for (i, f) in m.fields.iter().enumerate() {
                    if f.auto_now {
                        self.set_field_value(i, now_for(f.ty))?;
                    }
                }
                let all: Vec<usize> = (0..m.fields.len()).filter(|&i| i != m.pk && !m.fields[i].auto_now_add).collect();
                let matched = if all.is_empty() {
                    crate::QuerySet::<Self>::new()
                        .filter(crate::Q::from_node(pk_query(self).filter))
                        .count(exec)
                        .await?
                } else {
                    save_fields_idx(self, exec, &all).await?
                };
                if matched > 0 {
                    return Ok(());
                }
            }
            insert_objects(exec, std::slice::from_mut(self), None).await
        }
    }

    /// UPDATEs only these fields (Django's `save(update_fields=[…])`).
    fn save_fields<E: Executor + ?Sized>(
        &mut self,
        exec: &E,
        fields: &[&str],
    ) -> impl Future<Output = Result<()>> + Send {
        let m = Self::meta();
        let idx: Result<Vec<usize>> = fields
            .iter()
            .map(|f| {
                m.field_index(f).ok_or_else(|| {
                    Error::field(
                        m.name,
                        f,
                        "The following fields do not exist in this model, are m2m fields, or are non-concrete fields",
                        m.field_names(),
                    )
                })
            })
            .collect();
        async move {
            let idx = idx?;
            if self.pk_value().is_null() {
                return Err(Error::Usage("Cannot force an update in save() with no primary key.".into()));
            }
            if save_fields_idx(self, exec, &idx).await? == 0 && !idx.is_empty() {
                return Err(Error::Usage("Save with update_fields did not affect any rows.".into()));
            }
            Ok(())
        }
    }

    /// DELETEs this row and what its relations' `on_delete` says goes with it
    /// (cascades to any depth, SET_NULL/SET_DEFAULT/SET updates; PROTECT and RESTRICT
    /// refuse with [`Error::Protected`] / [`Error::Restricted`], deleting nothing), in
    /// one transaction. Returns the rows deleted, in all and per model
    /// (`"shop.Entry"`). See [`crate::deletion`].
    fn delete<E: Executor + ?Sized>(&self, exec: &E) -> impl Future<Output = Result<DeleteResult>> + Send {
        async move {
            if self.pk_value().is_null() {
                return Err(Error::Usage(format!(
                    "{} object can't be deleted because its {} attribute is set to None.",
                    Self::meta().name,
                    Self::meta().pk_field().attname
                )));
            }
            let rows = vec![crate::deletion::instance_row(self)];
            crate::deletion::delete(exec, crate::deletion::Start::Rows(Self::meta(), rows), None).await
        }
    }

    /// The manager of the relation `name` of this object, whose rows are `C`s: a
    /// many-to-many field (`entry.related::<Author>("authors")`), or the reverse side
    /// of a foreign key or many-to-many field of `C` — by its accessor (`related_name`,
    /// or Django's default `<model>_set`) or query name:
    /// `blog.related::<Entry>("entries")?.filter(q!(rating__gte = 4)).all(&db)`,
    /// `author.related::<Entry>("entry_set")?.add(&db, [&e])`.
    ///
    /// The same manager as the `ManyToMany` / `RelatedSet` field's, for any relation,
    /// including the reverse side of one declared in another crate. Checked against the
    /// model registry: an unknown name is an error naming the valid ones; so is a
    /// relation of another model than `C`; an unsaved object is Django's error.
    fn related<C: Model>(&self, accessor: &str) -> Result<RelatedManager<Self, C>> {
        RelatedManager::new(self, accessor)
    }

    /// The same manager from the foreign key's typed path, checked by the compiler:
    /// `blog.related_by(Entry::blog())` (the key must be a `ForeignKey<Self>` or
    /// `Option<ForeignKey<Self>>` of `C`).
    fn related_by<C: Model, T: ForeignKeyField<Target = Self>>(&self, fk: Col<C, T, Field>) -> RelatedManager<Self, C> {
        RelatedManager::by_key(self, fk)
    }

    /// Reloads every field from the database (`DoesNotExist` if the row is gone).
    fn refresh_from_db<E: Executor + ?Sized>(&mut self, exec: &E) -> impl Future<Output = Result<()>> + Send {
        async move {
            let fresh = crate::QuerySet::<Self>::new().get_pk(exec, self.pk_value()).await?;
            *self = fresh;
            Ok(())
        }
    }

    /// Checks values against the field options (max_length, choices, decimal digits,
    /// NULL); a [`ValidationError`] names each bad field.
    fn full_clean(&self) -> Result<()> {
        let m = Self::meta();
        let mut err = ValidationError { model: m.name.to_string(), errors: Vec::new() };
        for (i, f) in m.fields.iter().enumerate() {
            let v = self.field_value(i);
            if v.is_null() {
                if !f.null && !f.auto {
                    err.errors.push((f.name.into(), "This field cannot be null.".into()));
                }
                continue;
            }
            if let (Some(max), Value::Text(s)) = (f.max_length, &v) {
                let n = s.chars().count();
                if n > max as usize {
                    err.errors
                        .push((f.name.into(), format!("Ensure this value has at most {max} characters (it has {n}).")));
                }
            }
            if !f.choices.is_empty() {
                let stored = match &v {
                    Value::Text(s) => s.clone(),
                    other => other.to_string(),
                };
                if !f.choices.iter().any(|(k, _)| *k == stored) {
                    err.errors.push((f.name.into(), format!("Value '{stored}' is not a valid choice.")));
                }
            }
            if let (FieldType::Decimal, Value::Decimal(d)) = (f.ty, &v) {
                let places = d.scale();
                let digits = d.mantissa().unsigned_abs().to_string().len() as u32;
                if let Some(dp) = f.decimal_places {
                    if places > dp {
                        err.errors
                            .push((f.name.into(), format!("Ensure that there are no more than {dp} decimal places.")));
                    }
                }
                if let Some(md) = f.max_digits {
                    if digits.max(places) > md {
                        err.errors
                            .push((f.name.into(), format!("Ensure that there are no more than {md} digits in total.")));
                    }
                }
            }
        }
        if err.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(err))
        }
    }
}

impl<M: Model> Instance for M {}
