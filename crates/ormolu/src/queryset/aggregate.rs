//! `aggregate()`, annotations read with model rows (`all_annotated()`), and
//! `dates()` / `datetimes()`.

use std::sync::Arc;

use ormolu_core::compiler::{Compiler, SelectPlan};
use ormolu_core::driver::Row;
use ormolu_core::meta::FieldType;
use ormolu_core::query::{Expr, OrderBy, QNode, Rhs, TruncKind};
use ormolu_core::{Error, Result, Value};

use super::values::{Flat, FromRow, ValuesQuerySet};
use super::QuerySet;
use crate::executor::{fetch, Executor};
use crate::expr::IntoExpr;
use crate::model::Model;
use crate::prefetch::related_types;

/// Converts the cells of the named columns of `plan` to their expressions' types
/// (Django's converters), in place.
pub(crate) fn convert_row(plan: &SelectPlan, offset: usize, values: &mut [Value]) {
    for (i, ty) in plan.types.iter().enumerate() {
        if let (Some(ty), Some(v)) = (ty, values.get_mut(offset + i)) {
            let cell = std::mem::replace(v, Value::Null);
            *v = cell.convert_to(*ty);
        }
    }
}

/// The value of each aggregate over no rows (`none()`): 0 for Count, NULL (or the
/// default) for the others.
fn empty_result(aggs: &[(String, Expr)]) -> Vec<Value> {
    aggs.iter()
        .map(|(_, e)| match e {
            Expr::Aggregate(a) => match (&a.default, a.func) {
                (Some(Expr::Value(v)), _) => v.clone(),
                (_, ormolu_core::query::AggFunc::Count) => Value::I64(0),
                _ => Value::Null,
            },
            _ => Value::Null,
        })
        .collect()
}

pub(crate) async fn run_aggregate<M: Model>(
    qs: &QuerySet<M>,
    exec: &(impl Executor + ?Sized),
    aggs: Vec<(String, Expr)>,
) -> Result<Row> {
    if aggs.is_empty() {
        return Err(Error::Usage("aggregate() needs at least one (name, aggregate) pair".into()));
    }
    let names: Arc<[String]> = aggs.iter().map(|(n, _)| n.clone()).collect();
    if qs.query.empty {
        return Ok(Row { columns: names, values: empty_result(&aggs) });
    }
    let plan = Compiler::new(exec.dialect(), &qs.query).aggregate(&aggs)?;
    let rows = fetch(exec, &plan.sql).await?;
    let mut values = match rows.into_iter().next() {
        Some(r) => r.values,
        None => empty_result(&aggs),
    };
    convert_row(&plan, 0, &mut values);
    Ok(Row { columns: names, values })
}

impl<M: Model> QuerySet<M> {
    /// One row of aggregates over the QuerySet (Django's `aggregate()`), by name:
    ///
    /// ```ignore
    /// let r = Entry::objects().aggregate(&db, [("n", Count::new("id")), ("avg", Avg::new("rating"))]).await?;
    /// let n: i64 = r.get_as("n")?;
    /// ```
    ///
    /// Over a grouped, sliced or distinct QuerySet (or one with aggregate annotations)
    /// the aggregates run over it as a subquery, as in Django. Over no rows Count is 0,
    /// the others NULL unless given a `default`.
    pub async fn aggregate<E: IntoExpr>(
        &self,
        exec: &(impl Executor + ?Sized),
        aggs: impl IntoIterator<Item = (&str, E)>,
    ) -> Result<Row> {
        let aggs = aggs.into_iter().map(|(n, e)| (n.to_string(), e.into_expr())).collect();
        run_aggregate(self, exec, aggs).await
    }

    /// [`QuerySet::aggregate`] as a typed tuple, in the order given:
    /// `aggregate_as::<(i64, Option<f64>)>(&db, [("n", Count::all()), ("avg", Avg::new("rating"))])`.
    pub async fn aggregate_as<R: FromRow, E: IntoExpr>(
        &self,
        exec: &(impl Executor + ?Sized),
        aggs: impl IntoIterator<Item = (&str, E)>,
    ) -> Result<R> {
        R::from_row(self.aggregate(exec, aggs).await?)
    }

    /// Every row with its annotations (in annotation order, `alias()` ones left out):
    /// `Vec<(M, R)>` where `R` is a tuple (`(i64, Decimal)`) or a [`Row`] of named cells.
    ///
    /// ```ignore
    /// for (user, (orders,)) in User::objects().annotate("orders", Count::new("orders")).all_annotated::<(i64,)>(&db).await? { /* … */ }
    /// ```
    pub async fn all_annotated<R: FromRow>(&self, exec: &(impl Executor + ?Sized)) -> Result<Vec<(M, R)>> {
        if self.query.empty {
            return Ok(Vec::new());
        }
        if self.prefetch.is_some() {
            return Err(Error::Usage(
                "all_annotated() does not run prefetch_related(): read the annotations with values(), or drop the prefetch"
                    .into(),
            ));
        }
        self.check_for_update(exec)?;
        let plan = self.plan(exec.dialect())?;
        let types = related_types(&plan)?;
        let rows = fetch(exec, &plan.sql).await?;
        let names: Arc<[String]> = plan.names.clone();
        let n = plan.fields.len();
        let mut out = Vec::with_capacity(rows.len());
        for mut row in rows {
            let mut ann: Vec<Value> =
                row.values.get(n..n + plan.names.len()).map(<[Value]>::to_vec).unwrap_or_default();
            convert_row(&plan, 0, &mut ann);
            let extra = R::from_row(Row { columns: names.clone(), values: ann })?;
            let obj = super::read::decode::<M>(&plan, &types, &mut row)?;
            out.push((obj, extra));
        }
        Ok(out)
    }

    fn dates_of<T: ormolu_core::FromValue + Send + 'static>(
        &self,
        field: &str,
        kind: &str,
        order: &str,
        output: FieldType,
    ) -> Result<ValuesQuerySet<M, Flat<T>>> {
        let k = TruncKind::from_name(kind).ok_or_else(|| {
            Error::Usage(format!(
                "'kind' must be one of 'year', 'month', 'week', or 'day'{}, not '{kind}'",
                if output == FieldType::DateTime { ", 'hour', 'minute', or 'second'" } else { "" }
            ))
        })?;
        if output == FieldType::Date && (k.is_time() || k == TruncKind::Quarter) {
            return Err(Error::Usage(format!("'kind' must be one of 'year', 'month', 'week', or 'day', not '{kind}'")));
        }
        let desc = match order {
            "ASC" | "asc" => false,
            "DESC" | "desc" => true,
            other => return Err(Error::Usage(format!("'order' must be either 'ASC' or 'DESC', not '{other}'"))),
        };
        let name = if output == FieldType::Date { "datefield" } else { "datetimefield" };
        let trunc = Expr::Trunc(Box::new(Expr::Col(field.to_string())), k, Some(output));
        let key = if desc { format!("-{name}") } else { name.to_string() };
        let qs = self
            .annotate(name, trunc)
            .filter(crate::Q::from_node(QNode::lookup(format!("{field}__isnull"), Rhs::Value(Value::Bool(false)))));
        Ok(qs.values_as::<Flat<T>, _>([name]).distinct().order_by([OrderBy::parse(&key)]))
    }

    /// The distinct dates of a date or datetime field, truncated to `kind` (`"year"`,
    /// `"month"`, `"week"`, `"day"`), in `order` (`"ASC"` / `"DESC"`), as Django's
    /// `dates()`: `Entry::objects().dates("pub_date", "month", "DESC")?.list(&db)`.
    pub fn dates(&self, field: &str, kind: &str, order: &str) -> Result<ValuesQuerySet<M, Flat<chrono::NaiveDate>>> {
        self.dates_of(field, kind, order, FieldType::Date)
    }

    /// The distinct datetimes of a datetime field, truncated to `kind` (`"year"` …
    /// `"second"`), as Django's `datetimes()`.
    pub fn datetimes(
        &self,
        field: &str,
        kind: &str,
        order: &str,
    ) -> Result<ValuesQuerySet<M, Flat<chrono::NaiveDateTime>>> {
        self.dates_of(field, kind, order, FieldType::DateTime)
    }
}
