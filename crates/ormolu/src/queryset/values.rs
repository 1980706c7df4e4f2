//! `values()`, `values_list()`, `values_flat()`: rows as maps, tuples or one column.

use std::marker::PhantomData;

use ormolu_core::driver::Row;
use ormolu_core::meta::FieldType;
use ormolu_core::query::Select;
use ormolu_core::row::RawRow;
use ormolu_core::{Error, FromValue, Result, Value};

use super::QuerySet;
use crate::executor::{fetch, fetch_each, Executor};
use crate::model::Model;
use crate::q::IntoQ;
use crate::rows_hint::RowsHint;

/// One `values()` row: named cells (Django's dict).
pub type ValuesRow = Row;

/// Turns a fetched row into a result type.
pub trait FromRow: Sized + Send + 'static {
    /// Decodes the first cells of the row (extra cells, such as DISTINCT ordering keys, are ignored).
    fn from_row(row: Row) -> Result<Self>;

    /// Whether [`FromRow::from_raw`] is implemented: the rows are then read in place
    /// (no row collected). Named rows (`values()`) need the column names, so they don't.
    const IN_PLACE: bool = false;

    /// Decodes a row read in place; `types` are the output types of expression cells
    /// (Django's converters), `None` for plain columns.
    fn from_raw(row: &mut dyn RawRow, types: &[Option<FieldType>]) -> Result<Self> {
        let mut values = (0..row.len()).map(|i| row.value(i)).collect::<Result<Vec<_>>>()?;
        for (v, ty) in values.iter_mut().zip(types) {
            if let Some(ty) = ty {
                *v = std::mem::replace(v, Value::Null).convert_to(*ty);
            }
        }
        Self::from_row(Row { columns: Vec::new().into(), values })
    }
}

/// Cell `i` of `row` as a `T`, converted to the expression type in `types` if any.
/// Each cell is read once ([`FromValue::take_from`]).
fn cell_as<T: FromValue>(row: &mut dyn RawRow, types: &[Option<FieldType>], i: usize) -> Result<T> {
    match types.get(i).copied().flatten() {
        Some(ty) => T::from_value(row.take_cell(i)?.into_value().convert_to(ty)),
        None => T::take_from(row, i),
    }
}

impl FromRow for Row {
    fn from_row(row: Row) -> Result<Self> {
        Ok(row)
    }
}

impl FromRow for Vec<Value> {
    fn from_row(row: Row) -> Result<Self> {
        Ok(row.values)
    }
}

macro_rules! tuple_from_row {
    ($($t:ident),+) => {
        impl<$($t: FromValue + Send + 'static),+> FromRow for ($($t,)+) {
            fn from_row(row: Row) -> Result<Self> {
                let mut it = row.values.into_iter();
                Ok(($($t::from_value(it.next().ok_or_else(|| Error::Decode("too few columns".into()))?)?,)+))
            }
            const IN_PLACE: bool = true;
            #[allow(unused_assignments)]
            fn from_raw(row: &mut dyn RawRow, types: &[Option<FieldType>]) -> Result<Self> {
                let mut i = 0;
                Ok(($({
                    let v = cell_as::<$t>(row, types, i)?;
                    i += 1;
                    v
                },)+))
            }
        }
    };
}
tuple_from_row!(A);
tuple_from_row!(A, B);
tuple_from_row!(A, B, C);
tuple_from_row!(A, B, C, D);
tuple_from_row!(A, B, C, D, E);
tuple_from_row!(A, B, C, D, E, G);
tuple_from_row!(A, B, C, D, E, G, H);
tuple_from_row!(A, B, C, D, E, G, H, I);
tuple_from_row!(A, B, C, D, E, G, H, I, J);
tuple_from_row!(A, B, C, D, E, G, H, I, J, K);
tuple_from_row!(A, B, C, D, E, G, H, I, J, K, L);
tuple_from_row!(A, B, C, D, E, G, H, I, J, K, L, N);

/// One column, for `values_flat()`.
pub struct Flat<T>(pub T);

impl<T: FromValue + Send + 'static> FromRow for Flat<T> {
    fn from_row(row: Row) -> Result<Self> {
        let v = row.values.into_iter().next().ok_or_else(|| Error::Decode("no column".into()))?;
        T::from_value(v).map(Flat)
    }
    const IN_PLACE: bool = true;
    fn from_raw(row: &mut dyn RawRow, types: &[Option<FieldType>]) -> Result<Self> {
        cell_as::<T>(row, types, 0).map(Flat)
    }
}

/// A QuerySet whose rows are `R` (maps, tuples, or single values) instead of models.
pub struct ValuesQuerySet<M, R> {
    qs: QuerySet<M>,
    _r: PhantomData<fn() -> R>,
}

impl<M, R> Clone for ValuesQuerySet<M, R> {
    fn clone(&self) -> Self {
        ValuesQuerySet { qs: self.qs.clone(), _r: PhantomData }
    }
}

impl<M: Model, R: FromRow> ValuesQuerySet<M, R> {
    fn map(&self, f: impl FnOnce(&QuerySet<M>) -> QuerySet<M>) -> Self {
        ValuesQuerySet { qs: f(&self.qs), _r: PhantomData }
    }
    /// See [`QuerySet::filter`].
    pub fn filter(&self, q: impl IntoQ<M>) -> Self {
        self.map(|qs| qs.filter(q))
    }
    /// See [`QuerySet::exclude`].
    pub fn exclude(&self, q: impl IntoQ<M>) -> Self {
        self.map(|qs| qs.exclude(q))
    }
    /// See [`QuerySet::order_by`].
    pub fn order_by<O: Into<ormolu_core::query::OrderBy>>(&self, keys: impl IntoIterator<Item = O>) -> Self {
        self.map(|qs| qs.order_by(keys))
    }
    /// See [`QuerySet::distinct`].
    pub fn distinct(&self) -> Self {
        self.map(QuerySet::distinct)
    }
    /// See [`QuerySet::reverse`].
    pub fn reverse(&self) -> Self {
        self.map(QuerySet::reverse)
    }
    /// See [`QuerySet::limit`].
    pub fn limit(&self, n: u64) -> Self {
        self.map(|qs| qs.limit(n))
    }
    /// See [`QuerySet::slice`].
    pub fn slice(&self, range: impl std::ops::RangeBounds<u64>) -> Self {
        self.map(|qs| qs.slice(range))
    }

    /// Takes every `step`-th row of the result (Django's `qs[a:b:step]`, done after fetching).
    pub async fn all_step(&self, exec: &(impl Executor + ?Sized), step: usize) -> Result<Vec<R>> {
        Ok(self.all(exec).await?.into_iter().step_by(step.max(1)).collect())
    }

    /// Every row (expression columns converted to their types, as Django's converters).
    pub async fn all(&self, exec: &(impl Executor + ?Sized)) -> Result<Vec<R>> {
        if self.qs.query.empty {
            return Ok(Vec::new());
        }
        self.qs.check_for_update(exec)?;
        let plan = self.qs.plan(exec.dialect())?;
        if R::IN_PLACE {
            let hint = RowsHint::of_shared(&plan.sql.sql);
            let mut out = hint.list();
            fetch_each(exec, &plan.sql, &mut |row| {
                out.push(R::from_raw(row, &plan.types)?);
                Ok(())
            })
            .await?;
            hint.finish(&mut out);
            return Ok(out);
        }
        let rows = fetch(exec, &plan.sql).await?;
        rows.into_iter()
            .map(|mut r| {
                super::aggregate::convert_row(&plan, 0, &mut r.values);
                R::from_row(r)
            })
            .collect()
    }

    /// Adds a named expression to each row (Django's `values(…).annotate(…)`): an
    /// aggregate groups the rows by the `values()` columns.
    pub fn annotate(&self, name: &str, expr: impl crate::expr::IntoExpr) -> Self {
        self.map(|qs| qs.annotate(name, expr))
    }

    /// A named expression for filtering and ordering only (Django's `alias()`).
    pub fn alias(&self, name: &str, expr: impl crate::expr::IntoExpr) -> Self {
        self.map(|qs| qs.alias(name, expr))
    }

    /// See [`QuerySet::distinct_on`].
    pub fn distinct_on<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> Self {
        self.map(|qs| qs.distinct_on(fields))
    }

    /// See [`QuerySet::offset`].
    pub fn offset(&self, n: u64) -> Self {
        self.map(|qs| qs.offset(n))
    }

    /// `self UNION other` (`all`: duplicates kept); both select the same columns.
    pub fn union(&self, other: &ValuesQuerySet<M, R>, all: bool) -> Self {
        self.map(|qs| qs.union(&other.qs, all))
    }

    /// `self INTERSECT other`.
    pub fn intersection(&self, other: &ValuesQuerySet<M, R>) -> Self {
        self.map(|qs| qs.intersection(&other.qs))
    }

    /// `self EXCEPT other`.
    pub fn difference(&self, other: &ValuesQuerySet<M, R>) -> Self {
        self.map(|qs| qs.difference(&other.qs))
    }

    /// See [`QuerySet::aggregate`] (over the `values()` query as a subquery when grouped).
    pub async fn aggregate<E: crate::expr::IntoExpr>(
        &self,
        exec: &(impl Executor + ?Sized),
        aggs: impl IntoIterator<Item = (&str, E)>,
    ) -> Result<Row> {
        self.qs.aggregate(exec, aggs).await
    }

    /// Selects these columns instead (Django's `values()` again after
    /// `values(…).annotate(…)`: the grouping stays), as named cells.
    pub fn values<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> ValuesQuerySet<M, ValuesRow> {
        self.qs.values(fields)
    }

    /// Selects these columns as typed tuples (see [`QuerySet::values_as`]).
    pub fn values_as<R2: FromRow, S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> ValuesQuerySet<M, R2> {
        self.qs.values_as(fields)
    }

    /// Selects one column (see [`QuerySet::values_flat`]).
    pub fn values_flat<T: FromValue + Send + 'static>(&self, field: &str) -> ValuesQuerySet<M, Flat<T>> {
        self.qs.values_flat(field)
    }

    /// Whether any row matches.
    pub async fn exists(&self, exec: &(impl Executor + ?Sized)) -> Result<bool> {
        self.qs.exists(exec).await
    }

    /// The underlying model QuerySet's query tree.
    pub fn query(&self) -> &ormolu_core::query::Query {
        self.qs.query()
    }

    /// The one row (`DoesNotExist` / `MultipleObjectsReturned` otherwise).
    pub async fn get(&self, exec: &(impl Executor + ?Sized)) -> Result<R> {
        super::read::one_of(self.limit(super::read::MAX_GET_RESULTS).all(exec).await?, M::meta().name)
    }

    /// The first row, if any.
    pub async fn first(&self, exec: &(impl Executor + ?Sized)) -> Result<Option<R>> {
        let qs = if self.qs.query.is_ordered() { self.clone() } else { self.order_by(["pk"]) };
        Ok(qs.limit(1).all(exec).await?.pop())
    }

    /// How many rows.
    pub async fn count(&self, exec: &(impl Executor + ?Sized)) -> Result<u64> {
        self.qs.count(exec).await
    }

    /// The SQL this would send through `exec`.
    pub fn sql(&self, exec: &(impl Executor + ?Sized)) -> Result<ormolu_core::compiler::Sql> {
        self.qs.sql(exec)
    }

    /// The SQL this would send on a dialect.
    pub fn sql_for(&self, d: &'static dyn ormolu_core::dialect::Dialect) -> Result<ormolu_core::compiler::Sql> {
        self.qs.sql_for(d)
    }
}

fn names<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> Vec<String> {
    fields.into_iter().map(|s| s.as_ref().to_string()).collect()
}

impl<M: Model> QuerySet<M> {
    fn values_of<R: FromRow>(&self, paths: Vec<String>) -> ValuesQuerySet<M, R> {
        let qs = self.with(|q| q.select = Select::Values(paths));
        ValuesQuerySet { qs, _r: PhantomData }
    }

    fn default_paths(&self) -> Vec<String> {
        let m = M::meta();
        let mut v: Vec<String> = m.fields.iter().map(|f| f.attname.to_string()).collect();
        v.extend(
            self.query.annotations.iter().filter(|(n, _)| !self.query.aliases.contains(n)).map(|(n, _)| n.clone()),
        );
        v
    }

    /// Rows as named cells (Django's `values("id", "blog__name", "pub_date__year")`);
    /// no names means every field and annotation.
    pub fn values<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> ValuesQuerySet<M, ValuesRow> {
        let mut paths = names(fields);
        if paths.is_empty() {
            paths = self.default_paths();
        }
        self.values_of(paths)
    }

    /// Rows as lists of values (Django's `values_list(…)`).
    pub fn values_list<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> ValuesQuerySet<M, Vec<Value>> {
        let mut paths = names(fields);
        if paths.is_empty() {
            paths = self.default_paths();
        }
        self.values_of(paths)
    }

    /// Rows as typed tuples: `values_as::<(i64, String)>(["id", "username"])`.
    pub fn values_as<R: FromRow, S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> ValuesQuerySet<M, R> {
        self.values_of(names(fields))
    }

    /// One column as a list (Django's `values_list("title", flat=True)`).
    pub fn values_flat<T: FromValue + Send + 'static>(&self, field: &str) -> ValuesQuerySet<M, Flat<T>> {
        self.values_of(vec![field.to_string()])
    }

    /// Django's `values_list(*fields, flat=flat)` with names known only at run time:
    /// `flat` with more than one field is an error, as in Django.
    pub fn values_list_dyn<S: AsRef<str>>(
        &self,
        fields: impl IntoIterator<Item = S>,
        flat: bool,
    ) -> Result<ValuesQuerySet<M, Vec<Value>>> {
        let paths = names(fields);
        if flat && paths.len() > 1 {
            return Err(Error::Usage(
                "'flat' is not valid when values_list is called with more than one field.".into(),
            ));
        }
        Ok(self.values_of(paths))
    }
}

impl<M: Model, T: FromValue + Send + 'static> ValuesQuerySet<M, Flat<T>> {
    /// Every value of the column.
    pub async fn list(&self, exec: &(impl Executor + ?Sized)) -> Result<Vec<T>> {
        Ok(self.all(exec).await?.into_iter().map(|f| f.0).collect())
    }
}

impl<M: Model, R> crate::expr::IntoQuery for ValuesQuerySet<M, R> {
    fn into_query(self) -> ormolu_core::query::Query {
        self.qs.into_query()
    }
}

impl<M: Model, R> crate::expr::IntoQuery for &ValuesQuerySet<M, R> {
    fn into_query(self) -> ormolu_core::query::Query {
        self.qs.clone().into_query()
    }
}
