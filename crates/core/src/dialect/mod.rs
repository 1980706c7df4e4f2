//! Backend descriptions for the compiler: [`Dialect`] (Django's
//! `DatabaseOperations`) and [`Features`] (Django's `DatabaseFeatures`).
//!
//! Every difference between SQLite, PostgreSQL and MySQL/MariaDB that the compiler
//! or the schema editor needs lives here, and nowhere else:
//! quoting, placeholders, lookup operators, date extraction, duration arithmetic,
//! LIMIT/OFFSET, RETURNING, NULLS ordering and column types.

mod expr;
mod mysql;
mod postgres;
mod sqlite;
mod text;

pub use expr::{json_dollar_path, json_text, JsonOp, SearchOp};

pub use mysql::{MariaDb, MySql};
pub use postgres::Postgres;
pub use sqlite::Sqlite;
pub use text::{push_uint, quote_ident_into};

use crate::meta::{FieldMeta, FieldType};

/// Capability flags: what a backend can do. Tests and the compiler branch on these,
/// never on the backend's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// `INSERT … RETURNING`.
    pub can_return_from_insert: bool,
    /// `ORDER BY x NULLS FIRST/LAST`.
    pub supports_nulls_modifier: bool,
    /// NULLs sort first in ascending order.
    pub nulls_first_by_default: bool,
    /// `SELECT DISTINCT ON (…)`.
    pub supports_distinct_on: bool,
    /// `SELECT … FOR UPDATE`.
    pub has_select_for_update: bool,
    /// `FOR UPDATE SKIP LOCKED` / `NOWAIT`.
    pub has_select_for_update_skip_locked: bool,
    /// `FOR UPDATE OF`.
    pub has_select_for_update_of: bool,
    /// DDL runs inside transactions (a failed migration leaves nothing behind).
    pub can_rollback_ddl: bool,
    /// Most bound parameters one statement may carry.
    pub max_query_params: usize,
    /// `contains`/`startswith` are case-sensitive for ASCII (false on SQLite's LIKE).
    pub has_case_sensitive_like: bool,
    /// A `LIMIT` inside an `IN (subquery)` is allowed.
    pub supports_limit_in_subquery: bool,
    /// JSON `@>` containment.
    pub supports_json_contains: bool,
    /// `UPDATE … FROM`/ multi-table updates are not needed: all updates use subqueries.
    pub update_can_self_select: bool,
    /// `AGG(x) FILTER (WHERE …)`; elsewhere a `CASE WHEN` inside the aggregate.
    pub supports_aggregate_filter_clause: bool,
    /// GROUP BY the primary key covers the other columns of its table (so only the key
    /// is grouped by, as Django's `allows_group_by_selected_pks`).
    pub allows_group_by_selected_pks: bool,
    /// The queries of a UNION/INTERSECT/EXCEPT may be ordered and sliced (in parentheses).
    pub supports_slicing_ordering_in_compound: bool,
    /// Array columns (`integer[]`) and their lookups (`@>`, `<@`, `&&`, `len`, index
    /// and slice transforms): Django's `django.contrib.postgres.fields.ArrayField`.
    pub supports_array_fields: bool,
    /// Long `IN` lists of integers or text are sent as one array parameter
    /// (`col = ANY($1)`, PostgreSQL): one statement whatever the length, cached once.
    pub in_list_as_array: bool,
    /// The fewest rows a multi-row INSERT binds as one array per column (`INSERT …
    /// SELECT * FROM UNNEST(…)`, where [`Dialect::unnest_param`] has a form for every
    /// column); fewer go as a `VALUES` list. `usize::MAX`: never.
    pub unnest_insert_min_rows: usize,
}

/// Which date/time part a transform extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    /// Year.
    Year,
    /// ISO-8601 week-numbering year.
    IsoYear,
    /// Quarter 1–4.
    Quarter,
    /// Month 1–12.
    Month,
    /// Day of month.
    Day,
    /// ISO week number 1–53.
    Week,
    /// Day of week, 1 = Sunday … 7 = Saturday (Django's `week_day`).
    WeekDay,
    /// Day of week, 1 = Monday … 7 = Sunday.
    IsoWeekDay,
    /// Hour.
    Hour,
    /// Minute.
    Minute,
    /// Second.
    Second,
}

impl DatePart {
    /// The transform name in a `__` path.
    pub fn from_name(name: &str) -> Option<DatePart> {
        Some(match name {
            "year" => DatePart::Year,
            "iso_year" => DatePart::IsoYear,
            "quarter" => DatePart::Quarter,
            "month" => DatePart::Month,
            "day" => DatePart::Day,
            "week" => DatePart::Week,
            "week_day" => DatePart::WeekDay,
            "iso_week_day" => DatePart::IsoWeekDay,
            "hour" => DatePart::Hour,
            "minute" => DatePart::Minute,
            "second" => DatePart::Second,
            _ => return None,
        })
    }
    /// Whether this part needs a time component.
    pub fn is_time(self) -> bool {
        matches!(self, DatePart::Hour | DatePart::Minute | DatePart::Second)
    }
}

/// The text-pattern lookups, which differ most between backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternOp {
    /// Case-insensitive equality.
    IExact,
    /// Substring.
    Contains,
    /// Case-insensitive substring.
    IContains,
    /// Prefix.
    StartsWith,
    /// Case-insensitive prefix.
    IStartsWith,
    /// Suffix.
    EndsWith,
    /// Case-insensitive suffix.
    IEndsWith,
    /// Regular expression.
    Regex,
    /// Case-insensitive regular expression.
    IRegex,
}

impl PatternOp {
    /// Whether it ignores case.
    pub fn insensitive(self) -> bool {
        matches!(
            self,
            PatternOp::IExact
                | PatternOp::IContains
                | PatternOp::IStartsWith
                | PatternOp::IEndsWith
                | PatternOp::IRegex
        )
    }
    /// Wraps an escaped value into the LIKE pattern (`%v%`, `v%`, `%v`).
    pub fn like_pattern(self, escaped: &str) -> String {
        match self {
            PatternOp::Contains | PatternOp::IContains => format!("%{escaped}%"),
            PatternOp::StartsWith | PatternOp::IStartsWith => format!("{escaped}%"),
            PatternOp::EndsWith | PatternOp::IEndsWith => format!("%{escaped}"),
            PatternOp::IExact | PatternOp::Regex | PatternOp::IRegex => escaped.to_string(),
        }
    }
}

/// Escapes `\`, `%` and `_` so a value matches literally inside LIKE.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The column type of an array field: its element's type (with the field's
/// `max_length`, digits and places) followed by `[]` (Django's `ArrayField.db_type`).
pub fn array_column_type(d: &(impl Dialect + ?Sized), f: &FieldMeta) -> String {
    let elem = f.ty.array_element().unwrap_or(FieldType::Text);
    let mut s = d.column_type(&FieldMeta { ty: elem, relation: None, default: None, ..f.clone() });
    s.push_str("[]");
    s
}

/// One backend's SQL spelling. Implementations are unit structs with no state.
pub trait Dialect: Send + Sync + std::fmt::Debug {
    /// The backend's name in messages: `sqlite`, `postgresql`, `mysql`, `mariadb`.
    fn name(&self) -> &'static str;

    /// What the backend can do.
    fn features(&self) -> &'static Features;

    /// Appends a quoted identifier.
    fn quote_into(&self, out: &mut String, ident: &str);

    /// A quoted identifier.
    fn quote(&self, ident: &str) -> String {
        let mut s = String::new();
        self.quote_into(&mut s, ident);
        s
    }

    /// Appends the placeholder of the `n`-th parameter (1-based).
    fn placeholder_into(&self, out: &mut String, n: usize);

    /// `lhs <op> rhs` for a pattern lookup; `rhs` is the placeholder (or expression)
    /// whose value was already escaped and wrapped by [`PatternOp::like_pattern`].
    /// `lhs_ty` is the column's type (PostgreSQL casts non-text to text).
    fn pattern_sql(&self, op: PatternOp, lhs: &str, rhs: &str, lhs_ty: Option<FieldType>) -> String;

    /// Whether the value of a pattern lookup is a LIKE pattern (escaped and wrapped
    /// with `%`), or used as it is (regexes; PostgreSQL's `UPPER(a) = UPPER(b)` iexact).
    fn pattern_is_like(&self, op: PatternOp) -> bool {
        !matches!(op, PatternOp::Regex | PatternOp::IRegex)
    }

    /// Extracts a date part from a date/datetime/time expression (an integer).
    fn date_extract_sql(&self, part: DatePart, expr: &str) -> String;

    /// The date part of a datetime (`__date`).
    fn datetime_cast_date_sql(&self, expr: &str) -> String;

    /// The time part of a datetime (`__time`).
    fn datetime_cast_time_sql(&self, expr: &str) -> String;

    /// `date_or_datetime ± duration`; `ty` is the temporal operand's type.
    fn duration_arith_sql(&self, ty: FieldType, temporal: &str, op: char, duration: &str) -> String;

    /// `a - b` for two dates/datetimes, as a duration in this backend's duration storage.
    fn temporal_subtract_sql(&self, ty: FieldType, lhs: &str, rhs: &str) -> String;

    /// `LIMIT`/`OFFSET` clause (with a leading space), or nothing.
    fn limit_offset_sql(&self, limit: Option<u64>, offset: u64) -> String {
        let mut s = String::new();
        self.limit_offset_into(&mut s, limit, offset);
        s
    }

    /// Appends the `LIMIT`/`OFFSET` clause (with a leading space), if any.
    fn limit_offset_into(&self, out: &mut String, limit: Option<u64>, offset: u64) {
        if let Some(l) = limit {
            out.push_str(" LIMIT ");
            push_uint(out, l);
        }
        if offset > 0 {
            if limit.is_none() {
                out.push_str(self.no_limit_clause());
            }
            out.push_str(" OFFSET ");
            push_uint(out, offset);
        }
    }

    /// What to write as LIMIT when only an OFFSET is wanted.
    fn no_limit_clause(&self) -> &'static str;

    /// The random-order function.
    fn random_function(&self) -> &'static str {
        "RANDOM()"
    }

    /// An INSERT of a row where every column takes its default.
    fn insert_default_values_sql(&self, table: &str) -> String {
        format!("INSERT INTO {} DEFAULT VALUES", self.quote(table))
    }

    /// A multi-row INSERT's parameter holding a whole column: `placeholder` cast to
    /// an array of the field's type, for `INSERT … SELECT * FROM UNNEST(…)` (Django's
    /// PostgreSQL bulk insert: one parameter per column rather than one per value, so
    /// the server parses and plans a statement of a few parameters). `None` where the
    /// backend has no such insert or the field cannot be one (array fields); the rows
    /// then go in a `VALUES` list.
    fn unnest_param(&self, _placeholder: &str, _ty: FieldType) -> Option<String> {
        None
    }

    /// Casts a bound parameter to the column type where the backend needs it
    /// (PostgreSQL cannot infer the type of `$1 + $2`).
    fn param_cast(&self, placeholder: &str, _ty: FieldType) -> String {
        placeholder.to_string()
    }

    /// The column type for a field, without NULL/PRIMARY KEY.
    fn column_type(&self, field: &FieldMeta) -> String;

    /// Extra column SQL for an auto-increment primary key (after the type).
    fn auto_pk_suffix(&self) -> &'static str;

    /// A CHECK a field needs beyond its type (JSON validity, unsigned…), if any.
    fn column_check(&self, _field: &FieldMeta, _quoted_column: &str) -> Option<String> {
        None
    }

    /// Table options after `CREATE TABLE (…)`.
    fn table_suffix(&self) -> &'static str {
        ""
    }

    // ----- DDL beyond CREATE TABLE (migrations; see `schema_alter`) -----

    /// Whether `ALTER TABLE` can change a column's type or nullability, drop a
    /// constrained column and add or drop constraints in place. False on SQLite,
    /// where the migration engine rebuilds the table instead (Django's `_remake_table`).
    fn can_alter_table(&self) -> bool {
        true
    }

    /// Renames a table.
    fn rename_table_sql(&self, old: &str, new: &str) -> String {
        format!("ALTER TABLE {} RENAME TO {}", self.quote(old), self.quote(new))
    }

    /// Renames a column.
    fn rename_column_sql(&self, table: &str, old: &str, new: &str) -> String {
        format!("ALTER TABLE {} RENAME COLUMN {} TO {}", self.quote(table), self.quote(old), self.quote(new))
    }

    /// Changes a column's type (`ty` is [`Dialect::column_type`]'s text; `null` the
    /// nullability it keeps).
    fn alter_column_type_sql(&self, table: &str, column: &str, ty: &str, _null: bool) -> String {
        let col = self.quote(column);
        format!("ALTER TABLE {} ALTER COLUMN {col} TYPE {ty} USING {col}::{ty}", self.quote(table))
    }

    /// Makes a column NULL or NOT NULL (`ty`: its type, for backends that restate it).
    fn alter_column_null_sql(&self, table: &str, column: &str, _ty: &str, null: bool) -> String {
        format!(
            "ALTER TABLE {} ALTER COLUMN {} {} NOT NULL",
            self.quote(table),
            self.quote(column),
            if null { "DROP" } else { "SET" }
        )
    }

    /// Drops an index.
    fn drop_index_sql(&self, _table: &str, name: &str) -> String {
        format!("DROP INDEX {}", self.quote(name))
    }

    /// Renames an index in place, or `None` where indexes cannot be renamed (drop and
    /// create it again).
    fn rename_index_sql(&self, _table: &str, old: &str, new: &str) -> Option<String> {
        Some(format!("ALTER INDEX {} RENAME TO {}", self.quote(old), self.quote(new)))
    }

    /// Drops a foreign key constraint.
    fn drop_foreign_key_sql(&self, table: &str, name: &str) -> String {
        format!("ALTER TABLE {} DROP CONSTRAINT {}", self.quote(table), self.quote(name))
    }

    /// Renames a foreign key constraint, or `None` where it must be dropped and added.
    fn rename_foreign_key_sql(&self, table: &str, old: &str, new: &str) -> Option<String> {
        Some(format!("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", self.quote(table), self.quote(old), self.quote(new)))
    }

    /// Drops a UNIQUE constraint.
    fn drop_unique_sql(&self, table: &str, name: &str) -> String {
        format!("ALTER TABLE {} DROP CONSTRAINT {}", self.quote(table), self.quote(name))
    }

    /// Renames a UNIQUE constraint, or `None` where it must be dropped and added.
    fn rename_unique_sql(&self, table: &str, old: &str, new: &str) -> Option<String> {
        self.rename_foreign_key_sql(table, old, new)
    }

    /// Drops a CHECK constraint.
    fn drop_check_sql(&self, table: &str, name: &str) -> String {
        format!("ALTER TABLE {} DROP CONSTRAINT {}", self.quote(table), self.quote(name))
    }

    /// `SAVEPOINT name`.
    fn savepoint_sql(&self, name: &str) -> String {
        format!("SAVEPOINT {}", self.quote(name))
    }

    /// `RELEASE SAVEPOINT name`.
    fn release_savepoint_sql(&self, name: &str) -> String {
        format!("RELEASE SAVEPOINT {}", self.quote(name))
    }

    /// `ROLLBACK TO SAVEPOINT name`.
    fn rollback_savepoint_sql(&self, name: &str) -> String {
        format!("ROLLBACK TO SAVEPOINT {}", self.quote(name))
    }

    /// `BEGIN`.
    fn begin_sql(&self) -> &'static str {
        "BEGIN"
    }

    /// SQL that moves a table's id sequence past its largest id after rows were
    /// inserted with explicit ids (Django's `sequence_reset_sql`); `None` where the
    /// backend does it by itself.
    fn sequence_reset_sql(&self, _table: &str, _column: &str) -> Option<String> {
        None
    }

    /// The EXPLAIN prefix.
    fn explain_prefix(&self) -> &'static str {
        "EXPLAIN"
    }

    /// Casts an expression for text comparison in `values()` of JSON etc.
    fn bool_expr_as_value(&self, expr: &str) -> String {
        expr.to_string()
    }

    // ----- expressions: functions, casts, truncation, JSON (see `expr.rs`) -----

    /// A function call (`args` compiled); the standard spelling unless overridden.
    fn func_sql(&self, f: crate::query::Func, args: &[String]) -> String {
        expr::standard_func_sql(f, args)
    }

    /// `CAST(expr AS ty)` (Django's `Cast`).
    fn cast_sql(&self, expr: &str, ty: FieldType) -> String {
        expr::standard_cast_sql(expr, ty)
    }

    /// A date (`input` Date) or datetime truncated to `kind`, as an `output` (Date or
    /// DateTime) value (Django's `Trunc`).
    fn trunc_sql(&self, kind: crate::query::TruncKind, expr: &str, _input: FieldType, output: FieldType) -> String {
        expr::pg_trunc_sql(kind, expr, output)
    }

    /// A window function call: `func(args) OVER (over)`.
    fn window_call_sql(&self, f: crate::query::Func, args: &[String], over: &str) -> String {
        format!("{} OVER ({over})", self.func_sql(f, args))
    }

    /// A JSON operation; `None` where the backend cannot do it (NotSupported).
    fn json_sql(&self, _op: JsonOp<'_>) -> Option<String> {
        None
    }

    /// Full-text search (`None`: NotSupported; PostgreSQL only, as Django's
    /// `django.contrib.postgres.search`).
    fn search_sql(&self, _op: SearchOp<'_>) -> Option<String> {
        None
    }

    /// The parameters that address a JSON key path (the `path` of [`JsonOp`]).
    fn json_path_params(&self, keys: &[&str]) -> Vec<crate::value::Value> {
        vec![crate::value::Value::Text(json_dollar_path(keys))]
    }

    /// What to bind for a value compared with a JSON key: its JSON text, or (for
    /// `gt`/`lt`… where the backend compares extracted SQL values) the value itself.
    fn json_rhs_value(&self, v: &crate::value::Value, ordered: bool) -> crate::value::Value {
        if ordered {
            v.clone()
        } else {
            crate::value::Value::Text(json_text(v))
        }
    }

    /// A pattern lookup on a JSON key's text (MySQL's unquoted JSON text compares
    /// case-sensitively: Django lower-cases both sides for the insensitive ones).
    fn json_pattern_sql(&self, op: PatternOp, lhs: &str, rhs: &str) -> String {
        self.pattern_sql(op, lhs, rhs, Some(FieldType::Text))
    }
}
