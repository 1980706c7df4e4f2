//! Writes on a QuerySet: update, delete, create, bulk_create, bulk_update.

use ormolu_core::compiler::{bulk_update_sql, insert_rows_shared, update_sql};
use ormolu_core::dialect::Dialect;
use ormolu_core::meta::FieldType;
use ormolu_core::row::ValueRef;
use ormolu_core::{Error, Result, Value};

use super::QuerySet;
use crate::deletion::DeleteResult;
use crate::executor::{execute, execute_refs, fetch_each_refs, Executor};
use crate::model::Model;
use crate::q::IntoAssignments;

/// Options for `bulk_create` / `bulk_update` / `delete_with`.
///
/// ```
/// use ormolu::queryset::BulkOptions;
/// let opts = BulkOptions::batch(500).without_keys();
/// assert_eq!(opts.batch_size, Some(500));
/// assert!(!opts.return_keys);
/// assert!(BulkOptions::default().return_keys);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkOptions {
    /// Rows per statement (also capped by the backend's parameter limit).
    pub batch_size: Option<usize>,
    /// `bulk_create` reads the generated primary keys back into the objects
    /// (`INSERT … RETURNING` where the backend has it), as Django does; `true` by
    /// default. `false` ([`without_keys`](Self::without_keys)) inserts without
    /// returning anything: the objects come back with their primary key unset, as
    /// Django's are on a backend that cannot return rows. On SQLite, `RETURNING`
    /// about doubles the cost of a multi-row INSERT.
    pub return_keys: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions { batch_size: None, return_keys: true }
    }
}

impl BulkOptions {
    /// At most `n` rows per statement.
    pub fn batch(n: usize) -> Self {
        BulkOptions { batch_size: Some(n.max(1)), ..BulkOptions::default() }
    }

    /// The same options, with `bulk_create` not reading generated primary keys back
    /// (see [`return_keys`](Self::return_keys)).
    pub fn without_keys(self) -> Self {
        BulkOptions { return_keys: false, ..self }
    }
}

/// The current time as stored for an auto_now / auto_now_add field.
pub(crate) fn now_for(ty: FieldType) -> Value {
    let now = chrono::Utc::now().naive_utc();
    match ty {
        FieldType::Date => Value::Date(now.date()),
        FieldType::Time => Value::Time(now.time()),
        _ => Value::DateTime(now),
    }
}

/// One INSERT statement of [`plan_inserts`]: these objects, with or without their pk.
pub(crate) struct InsertBatch {
    range: std::ops::Range<usize>,
    has_pk: bool,
}

/// Stamps the auto_now / auto_now_add fields of `objs` and splits them into INSERT
/// statements: at most `batch` rows (and the backend's parameter limit) each; rows
/// with and without a pk go in separate statements (different columns).
pub(crate) fn plan_inserts<M: Model>(
    d: &'static dyn Dialect,
    objs: &mut [M],
    batch: Option<usize>,
) -> Result<Vec<InsertBatch>> {
    let m = M::meta();
    for (i, f) in m.fields.iter().enumerate() {
        if f.auto_now || f.auto_now_add {
            for obj in objs.iter_mut() {
                obj.set_field_value(i, now_for(f.ty))?;
            }
        }
    }
    let pk_auto = m.pk_field().auto;
    let has_pk: Vec<bool> = objs.iter().map(|o| !pk_auto || !o.field_ref(m.pk).is_null()).collect();
    let mut plan = Vec::new();
    let mut start = 0;
    while start < objs.len() {
        let with_pk = has_pk[start];
        let columns = m.fields.len() - usize::from(!with_pk);
        // Without columns, each row is its own `DEFAULT VALUES` statement.
        let per_stmt = d.features().max_query_params.checked_div(columns).map_or(1, |n| n.max(1));
        let limit = batch.unwrap_or(usize::MAX).min(per_stmt);
        let mut end = start + 1;
        while end < objs.len() && end - start < limit && has_pk[end] == with_pk {
            end += 1;
        }
        plan.push(InsertBatch { range: start..end, has_pk: with_pk });
        start = end;
    }
    Ok(plan)
}

/// Runs the INSERTs of `plan` (from [`plan_inserts`]) and, when `return_keys`, sets
/// generated primary keys.
///
/// The objects' fields are bound borrowed ([`Model::field_ref`]): text and bytes go
/// from the objects' own buffers to the driver, nothing is moved out or copied first.
pub(crate) async fn run_inserts<M: Model>(
    exec: &(impl Executor + ?Sized),
    objs: &mut [M],
    plan: &[InsertBatch],
    return_keys: bool,
) -> Result<()> {
    let m = M::meta();
    let d = exec.dialect();
    for b in plan {
        let columns: Vec<usize> = (0..m.fields.len()).filter(|&i| b.has_pk || i != m.pk).collect();
        let chunk = &mut objs[b.range.clone()];
        let want_pk = !b.has_pk && return_keys;
        let returning = want_pk && d.features().can_return_from_insert;
        let insert = insert_rows_shared(d, m, &columns, chunk.len(), returning);
        let sql = insert.sql;
        let params: Vec<ValueRef<'_>> = if insert.columnar {
            // One array per column (PostgreSQL's UNNEST insert).
            let column = |i: usize| Value::Array(chunk.iter().map(|o| o.field_value(i)).collect());
            columns.iter().map(|&i| ValueRef::Value(column(i))).collect()
        } else {
            let mut params = Vec::with_capacity(chunk.len() * columns.len());
            for o in chunk.iter() {
                params.extend(columns.iter().map(|&i| o.field_ref(i)));
            }
            params
        };
        let (returned, last_id) = if returning {
            // The generated keys, read in place (one integer per row, no rows collected).
            let mut keys = Vec::with_capacity(chunk.len());
            fetch_each_refs(exec, &sql, &params, &mut |row| {
                keys.push(row.value(0)?);
                Ok(())
            })
            .await?;
            (Some(keys), None)
        } else {
            (None, execute_refs(exec, &sql, &params).await?.last_insert_id)
        };
        drop(params);
        match (returned, last_id) {
            (Some(returned), _) => {
                for (obj, key) in chunk.iter_mut().zip(returned) {
                    obj.set_field_value(m.pk, key)?;
                }
            }
            (None, Some(id)) if want_pk && chunk.len() == 1 => chunk[0].set_field_value(m.pk, Value::I64(id))?,
            (None, _) => {}
        }
    }
    Ok(())
}

/// Unsets the primary keys [`run_inserts`] may have set on the objects `plan`
/// inserted without one (after a failed, rolled-back insert).
fn unset_generated_keys<M: Model>(objs: &mut [M], plan: &[InsertBatch]) -> Result<()> {
    let pk = M::meta().pk;
    for b in plan.iter().filter(|b| !b.has_pk) {
        for obj in &mut objs[b.range.clone()] {
            obj.set_field_value(pk, Value::Null)?;
        }
    }
    Ok(())
}

/// Inserts `objs` (one statement per batch, no transaction of its own) and sets
/// generated primary keys.
pub(crate) async fn insert_objects<M: Model>(
    exec: &(impl Executor + ?Sized),
    objs: &mut [M],
    batch: Option<usize>,
) -> Result<()> {
    let plan = plan_inserts(exec.dialect(), objs, batch)?;
    run_inserts(exec, objs, &plan, true).await
}

impl<M: Model> QuerySet<M> {
    /// Changes every matching row in one UPDATE; returns how many rows matched.
    /// Values and F expressions both work; the arithmetic runs in SQL.
    pub async fn update(&self, exec: &(impl Executor + ?Sized), set: impl IntoAssignments<M>) -> Result<u64> {
        let assignments = set.into_assignments();
        let sql = update_sql(exec.dialect(), &self.query, &assignments)?;
        if self.query.empty {
            return Ok(0);
        }
        Ok(execute(exec, &sql).await?.rows_affected)
    }

    /// Deletes every matching row, and what the `on_delete` of the relations pointing
    /// at them says goes with them (Django's deletion collector, see
    /// [`crate::deletion`]): cascades to any depth, SET_NULL / SET_DEFAULT / SET
    /// updates, and PROTECT / RESTRICT refusals ([`Error::Protected`],
    /// [`Error::Restricted`]) that leave every row in place. One transaction (a
    /// savepoint inside one); a single `DELETE` when nothing points at the model.
    ///
    /// Returns the rows deleted, in all and per model label (`"shop.Entry"`).
    pub async fn delete(&self, exec: &(impl Executor + ?Sized)) -> Result<DeleteResult> {
        self.delete_with(exec, BulkOptions::default()).await
    }

    /// [`QuerySet::delete`] with at most `opts.batch_size` keys per `IN` list (the
    /// backend's parameter limit always applies).
    pub async fn delete_with(&self, exec: &(impl Executor + ?Sized), opts: BulkOptions) -> Result<DeleteResult> {
        crate::deletion::delete(exec, crate::deletion::Start::Query(Box::new((*self.query).clone())), opts.batch_size)
            .await
    }

    /// Inserts one object and returns it with its primary key set.
    pub async fn create(&self, exec: &(impl Executor + ?Sized), obj: M) -> Result<M> {
        let mut objs = [obj];
        let plan = plan_inserts(exec.dialect(), &mut objs, None)?;
        run_inserts(exec, &mut objs, &plan, true).await?;
        let [obj] = objs;
        Ok(obj)
    }

    /// Inserts many objects, `batch_size` rows per statement; generated primary keys
    /// are set where the backend returns them (SQLite, PostgreSQL, MariaDB), unless
    /// `opts` says [`without_keys`](BulkOptions::without_keys).
    ///
    /// Several statements run in one transaction (a savepoint inside one), as do all
    /// inside a transaction; a single statement outside one runs on its own, being
    /// atomic by itself (Django's `atomic(savepoint=False)` has the same outcome).
    /// To insert objects you keep, without giving them up, see
    /// [`bulk_create_in_place`](Self::bulk_create_in_place).
    ///
    /// Each statement is a multi-row `INSERT … VALUES`; on PostgreSQL, from two rows
    /// on, `INSERT … SELECT * FROM UNNEST(…)` with one array parameter per column, as
    /// Django 5.2 does (models with array fields keep `VALUES`). See
    /// `docs/backends.md`, “Multi-row inserts”.
    pub async fn bulk_create(
        &self,
        exec: &(impl Executor + ?Sized),
        objs: Vec<M>,
        opts: BulkOptions,
    ) -> Result<Vec<M>> {
        let mut objs = objs;
        self.bulk_create_in_place(exec, &mut objs, opts).await?;
        Ok(objs)
    }

    /// [`bulk_create`](Self::bulk_create) on objects the caller keeps: they are bound
    /// borrowed (no copy of their text) and, as Django does to the objects it is
    /// given, changed in place — generated primary keys set (unless
    /// [`without_keys`](BulkOptions::without_keys)), `auto_now` / `auto_now_add`
    /// fields stamped.
    ///
    /// On error nothing is inserted (the statements' transaction or savepoint is
    /// rolled back) and the keys this call had set are unset again, so no object
    /// claims a row that does not exist.
    ///
    /// With `without_keys()` the objects' primary keys stay unset, so the same slice
    /// can be inserted again (new rows each time).
    pub async fn bulk_create_in_place(
        &self,
        exec: &(impl Executor + ?Sized),
        objs: &mut [M],
        opts: BulkOptions,
    ) -> Result<()> {
        if objs.is_empty() {
            return Ok(());
        }
        let plan = plan_inserts(exec.dialect(), objs, opts.batch_size)?;
        let outcome = if plan.len() == 1 && !exec.in_transaction() {
            run_inserts(exec, objs, &plan, opts.return_keys).await
        } else {
            crate::transaction::atomic(exec, async |tx| run_inserts(tx, objs, &plan, opts.return_keys).await).await
        };
        if outcome.is_err() && opts.return_keys {
            unset_generated_keys(objs, &plan)?;
        }
        outcome
    }

    /// Writes `fields` of each object in CASE-WHEN UPDATEs (Django's bulk_update);
    /// returns the number of rows matched.
    pub async fn bulk_update(
        &self,
        exec: &(impl Executor + ?Sized),
        objs: &[M],
        fields: &[&str],
        opts: BulkOptions,
    ) -> Result<u64> {
        let m = M::meta();
        let mut idx = Vec::with_capacity(fields.len());
        for f in fields {
            let i = m.field_index(f).ok_or_else(|| {
                Error::field(m.name, f, format!("{} has no field named '{f}'", m.name), m.field_names())
            })?;
            if i == m.pk {
                return Err(Error::Usage("bulk_update() cannot be used with primary key fields.".into()));
            }
            idx.push(i);
        }
        if idx.is_empty() {
            return Err(Error::Usage("Field names must be given to bulk_update().".into()));
        }
        if objs.iter().any(|o| o.pk_value().is_null()) {
            return Err(Error::Usage("All bulk_update() objects must have a primary key set.".into()));
        }
        let rows: Vec<(Value, Vec<Value>)> =
            objs.iter().map(|o| (o.pk_value(), idx.iter().map(|&i| o.field_value(i)).collect())).collect();
        let d = exec.dialect();
        let per_row = 2 * idx.len() + 1;
        let size = opts.batch_size.unwrap_or(usize::MAX).min(d.features().max_query_params / per_row).max(1);
        crate::transaction::atomic(exec, async move |tx| {
            let mut total = 0;
            for chunk in rows.chunks(size) {
                let sql = bulk_update_sql(d, m, &idx, chunk);
                total += execute(tx, &sql).await?.rows_affected;
            }
            Ok(total)
        })
        .await
    }
}
