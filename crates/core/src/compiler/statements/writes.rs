//! Writes: UPDATE and DELETE of the rows a query matches, INSERT of rows, and Django's
//! `bulk_update` (one UPDATE with a CASE per field).

use crate::compiler::sql::Origin;
use crate::compiler::{Compiler, Params, Sql};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::ModelMeta;
use crate::query::Expr;
use crate::value::Value;

/// One `SET column = expression` of an UPDATE.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The field name.
    pub field: String,
    /// The new value or expression (F arithmetic runs in SQL).
    pub value: Expr,
}

impl Compiler<'_> {
    /// The WHERE of an UPDATE/DELETE: direct, or `pk IN (subquery)` when joins are needed.
    fn write_target_where(&mut self, sql: &mut String) -> Result<()> {
        let d = self.d;
        let where_ = self.where_clause()?;
        let m = self.q.model;
        // MySQL cannot read the table it changes in a subquery (`exclude()` across a
        // relation back to the same model), except through a derived table.
        let reads_itself = !d.features().update_can_self_select && self.subquery_tables.contains(&m.table);
        if self.from.joins.is_empty() && !reads_itself {
            sql.push_str(&where_);
            return Ok(());
        }
        let pk = d.quote(m.pk_field().column);
        let mut inner = format!("SELECT {}.{pk}", d.quote(m.table));
        self.from.write(d, &mut inner);
        inner.push_str(&where_);
        if d.features().update_can_self_select {
            sql.push_str(&format!(" WHERE {pk} IN ({inner})"));
        } else {
            // MySQL cannot read the table it changes, except through a derived table.
            sql.push_str(&format!(" WHERE {pk} IN (SELECT * FROM ({inner}) subquery)"));
        }
        Ok(())
    }

    /// `UPDATE table SET … WHERE …` ([`crate::compiler::update_sql`] reuses the SQL of
    /// an update of the same shape).
    pub fn update(self, assignments: &[Assignment]) -> Result<Sql> {
        Ok(self.update_traced(assignments)?.0)
    }

    /// [`Compiler::update`], with the origin of each parameter when known (for the
    /// shape cache).
    pub(crate) fn update_traced(self, assignments: &[Assignment]) -> Result<(Sql, Option<Vec<Option<Origin>>>)> {
        if self.q.is_sliced() {
            return Err(Error::Usage("Cannot update a query once a slice has been taken.".into()));
        }
        if assignments.is_empty() {
            return Err(Error::Usage("update() needs at least one field".into()));
        }
        let d = self.d;
        let mut c = self;
        let mut sql = String::with_capacity(64 + 24 * assignments.len());
        sql.push_str("UPDATE ");
        d.quote_into(&mut sql, c.q.model.table);
        sql.push_str(" SET ");
        for (k, a) in assignments.iter().enumerate() {
            if k > 0 {
                sql.push_str(", ");
            }
            let field = c.update_column(&a.field)?;
            let (val, _) = match &a.value {
                Expr::Value(v) => (c.params.push_copy(v), None),
                e => c.expr_sql(e)?,
            };
            d.quote_into(&mut sql, field.column);
            sql.push_str(" = ");
            sql.push_str(&val);
        }
        c.write_target_where(&mut sql)?;
        Ok(c.params.finish_traced(sql, d))
    }

    /// `DELETE FROM table WHERE …`.
    pub fn delete(self) -> Result<Sql> {
        if self.q.is_sliced() {
            return Err(Error::Usage("Cannot use 'limit' or 'offset' with delete().".into()));
        }
        let d = self.d;
        let mut c = self;
        let mut sql = format!("DELETE FROM {}", d.quote(c.q.model.table));
        c.write_target_where(&mut sql)?;
        Ok(c.params.finish(sql, d))
    }
}

/// `INSERT INTO table (columns) VALUES (…), (…) [RETURNING pk]`.
///
/// Every row gives one value per column, in the order of `columns` (field indexes).
/// `returning` asks for the primary key back where the backend can.
pub fn insert_sql(
    d: &'static dyn Dialect,
    m: &ModelMeta,
    columns: &[usize],
    rows: Vec<Vec<Value>>,
    returning: bool,
) -> Sql {
    if columns.is_empty() {
        return insert_rows_sql(d, m, columns, rows.len().min(1), Vec::new(), returning);
    }
    let n = rows.len();
    let values: Vec<Value> = rows.into_iter().flatten().collect();
    insert_rows_sql(d, m, columns, n, values, returning)
}

/// [`insert_sql`] with the rows' values one after another in one vector
/// (`columns.len()` per row, `rows` rows), moved into the statement as they are.
///
/// With no columns, one `DEFAULT VALUES` row is inserted (whatever `rows` says).
pub fn insert_rows_sql(
    d: &'static dyn Dialect,
    m: &ModelMeta,
    columns: &[usize],
    rows: usize,
    values: Vec<Value>,
    returning: bool,
) -> Sql {
    debug_assert_eq!(values.len(), columns.len() * rows, "one value per column and row");
    Sql { sql: insert_rows_text(d, m, columns, rows, returning).into(), params: values }
}

/// The text of [`insert_rows_sql`]: `rows` rows of `columns.len()` placeholders, the
/// values bound by the caller (borrowed, for an insert of many objects).
///
/// ```
/// use ormolu_core::compiler::insert_rows_text;
/// use ormolu_core::dialect::{Postgres, Sqlite};
/// use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
///
/// let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
/// let m = ModelMeta::new("User", "app", "users", vec![id, FieldMeta::new("name", FieldType::Text)]);
/// let lite = insert_rows_text(&Sqlite, &m, &[1], 2, true);
/// assert_eq!(lite, r#"INSERT INTO "users" ("name") VALUES (?), (?) RETURNING "id""#);
/// let pg = insert_rows_text(&Postgres, &m, &[1], 2, false);
/// assert_eq!(pg, r#"INSERT INTO "users" ("name") VALUES ($1), ($2)"#);
/// ```
pub fn insert_rows_text(
    d: &'static dyn Dialect,
    m: &ModelMeta,
    columns: &[usize],
    rows: usize,
    returning: bool,
) -> String {
    let mut sql;
    if columns.is_empty() {
        sql = d.insert_default_values_sql(m.table);
    } else {
        sql = String::with_capacity(32 + 16 * columns.len() + rows * (4 + 6 * columns.len()));
        push_insert_head(d, m, columns, &mut sql);
        sql.push_str(" VALUES ");
        push_value_rows(d, &mut sql, columns.len(), rows);
    }
    push_returning(d, m, returning, &mut sql);
    sql
}

/// A multi-row INSERT that binds one array per column, whatever the number of rows:
/// `INSERT INTO table (columns) SELECT * FROM UNNEST(($1)::type[], …) [RETURNING pk]`
/// (Django's PostgreSQL bulk insert). The server parses and plans a statement of a
/// few parameters instead of one per value. `None` without columns, or where the
/// dialect has no such insert or a column cannot be one ([`Dialect::unnest_param`]).
///
/// ```
/// use ormolu_core::compiler::insert_unnest_text;
/// use ormolu_core::dialect::{Postgres, Sqlite};
/// use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
///
/// let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
/// let fields = vec![id, FieldMeta::new("name", FieldType::Char), FieldMeta::new("age", FieldType::Int)];
/// let m = ModelMeta::new("User", "app", "users", fields);
/// let pg = insert_unnest_text(&Postgres, &m, &[1, 2], true).unwrap();
/// assert_eq!(
///     pg,
///     r#"INSERT INTO "users" ("name", "age") SELECT * FROM UNNEST(($1)::text[], ($2)::integer[]) RETURNING "id""#
/// );
/// assert_eq!(insert_unnest_text(&Sqlite, &m, &[1, 2], true), None);
/// ```
pub fn insert_unnest_text(
    d: &'static dyn Dialect,
    m: &ModelMeta,
    columns: &[usize],
    returning: bool,
) -> Option<String> {
    if columns.is_empty() {
        return None;
    }
    let mut sql = String::with_capacity(48 + 32 * columns.len());
    push_insert_head(d, m, columns, &mut sql);
    sql.push_str(" SELECT * FROM UNNEST(");
    let mut placeholder = String::new();
    for (k, &i) in columns.iter().enumerate() {
        if k > 0 {
            sql.push_str(", ");
        }
        placeholder.clear();
        d.placeholder_into(&mut placeholder, k + 1);
        sql.push_str(&d.unnest_param(&placeholder, m.fields[i].ty)?);
    }
    sql.push(')');
    push_returning(d, m, returning, &mut sql);
    Some(sql)
}

/// `INSERT INTO table (col, …)`.
fn push_insert_head(d: &dyn Dialect, m: &ModelMeta, columns: &[usize], sql: &mut String) {
    sql.push_str("INSERT INTO ");
    d.quote_into(sql, m.table);
    sql.push_str(" (");
    for (k, &i) in columns.iter().enumerate() {
        if k > 0 {
            sql.push_str(", ");
        }
        d.quote_into(sql, m.fields[i].column);
    }
    sql.push(')');
}

/// ` RETURNING pk` when asked for and the backend can.
fn push_returning(d: &dyn Dialect, m: &ModelMeta, returning: bool, sql: &mut String) {
    if returning && d.features().can_return_from_insert {
        sql.push_str(" RETURNING ");
        d.quote_into(sql, m.pk_field().column);
    }
}

/// Appends `(p, p, …), (p, p, …)…`: `rows` groups of `width` placeholders numbered
/// from 1. Where the dialect's placeholders are not numbered (`?`), every group reads
/// the same and the first is repeated.
fn push_value_rows(d: &dyn Dialect, sql: &mut String, width: usize, rows: usize) {
    let group = |n0: usize| {
        let mut g = String::with_capacity(2 + 6 * width);
        g.push('(');
        for k in 0..width {
            if k > 0 {
                g.push_str(", ");
            }
            d.placeholder_into(&mut g, n0 + k);
        }
        g.push(')');
        g
    };
    if rows == 0 {
        return;
    }
    let first = group(1);
    sql.push_str(&first);
    if rows == 1 {
        return;
    }
    if group(width + 1) == first {
        for _ in 1..rows {
            sql.push_str(", ");
            sql.push_str(&first);
        }
        return;
    }
    for r in 1..rows {
        sql.push_str(", (");
        for k in 0..width {
            if k > 0 {
                sql.push_str(", ");
            }
            d.placeholder_into(sql, r * width + k + 1);
        }
        sql.push(')');
    }
}

/// `UPDATE table SET col = CASE pk WHEN … END … WHERE pk IN (…)`: Django's bulk_update.
pub fn bulk_update_sql(d: &'static dyn Dialect, m: &ModelMeta, fields: &[usize], rows: &[(Value, Vec<Value>)]) -> Sql {
    let mut params = Params::default();
    let pk = d.quote(m.pk_field().column);
    let mut sets = Vec::with_capacity(fields.len());
    for (fi, &f) in fields.iter().enumerate() {
        let mut case = String::from("CASE");
        for (pkv, vals) in rows {
            let p = params.push(pkv.clone());
            let v = params.push(vals[fi].clone());
            let v = d.param_cast(&v, m.fields[f].ty);
            case.push_str(&format!(" WHEN ({pk} = {p}) THEN {v}"));
        }
        case.push_str(" ELSE NULL END");
        sets.push(format!("{} = {case}", d.quote(m.fields[f].column)));
    }
    let ids: Vec<String> = rows.iter().map(|(p, _)| params.push(p.clone())).collect();
    let sql = format!("UPDATE {} SET {} WHERE {pk} IN ({})", d.quote(m.table), sets.join(", "), ids.join(", "));
    params.finish(sql, d)
}
