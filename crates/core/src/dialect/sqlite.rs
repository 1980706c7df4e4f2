//! SQLite's spelling.

use super::{expr, DatePart, Dialect, Features, JsonOp, PatternOp};
use crate::meta::{FieldMeta, FieldType};
use crate::query::{Func, TruncKind};

/// SQLite 3.35+ (the bundled library is newer).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

static FEATURES: Features = Features {
    can_return_from_insert: true,
    supports_nulls_modifier: true,
    nulls_first_by_default: true,
    supports_distinct_on: false,
    has_select_for_update: false,
    has_select_for_update_skip_locked: false,
    has_select_for_update_of: false,
    can_rollback_ddl: true,
    max_query_params: 32766,
    has_case_sensitive_like: false,
    supports_limit_in_subquery: true,
    supports_json_contains: false,
    update_can_self_select: true,
    supports_aggregate_filter_clause: true,
    allows_group_by_selected_pks: false,
    supports_slicing_ordering_in_compound: false,
    supports_array_fields: false,
    in_list_as_array: false,
    unnest_insert_min_rows: usize::MAX,
};

impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn features(&self) -> &'static Features {
        &FEATURES
    }
    fn quote_into(&self, out: &mut String, ident: &str) {
        super::quote_ident_into(out, ident, '"');
    }
    fn placeholder_into(&self, out: &mut String, _n: usize) {
        out.push('?');
    }
    fn pattern_sql(&self, op: PatternOp, lhs: &str, rhs: &str, _ty: Option<FieldType>) -> String {
        match op {
            PatternOp::Regex => format!("{lhs} REGEXP {rhs}"),
            PatternOp::IRegex => format!("{lhs} REGEXP '(?i)' || {rhs}"),
            _ => format!("{lhs} LIKE {rhs} ESCAPE '\\'"),
        }
    }
    fn date_extract_sql(&self, part: DatePart, e: &str) -> String {
        let f = |fmt: &str| format!("CAST(strftime('{fmt}', {e}) AS INTEGER)");
        match part {
            DatePart::Year => f("%Y"),
            DatePart::IsoYear => f("%G"),
            DatePart::Quarter => format!("((CAST(strftime('%m', {e}) AS INTEGER) + 2) / 3)"),
            DatePart::Month => f("%m"),
            DatePart::Day => f("%d"),
            DatePart::Week => f("%V"),
            DatePart::WeekDay => format!("(CAST(strftime('%w', {e}) AS INTEGER) + 1)"),
            DatePart::IsoWeekDay => f("%u"),
            DatePart::Hour => f("%H"),
            DatePart::Minute => f("%M"),
            DatePart::Second => f("%S"),
        }
    }
    fn datetime_cast_date_sql(&self, e: &str) -> String {
        format!("date({e})")
    }
    fn datetime_cast_time_sql(&self, e: &str) -> String {
        format!("time({e})")
    }
    fn duration_arith_sql(&self, ty: FieldType, t: &str, op: char, d: &str) -> String {
        // Durations are microseconds; SQLite's date functions take seconds modifiers.
        // `||` binds tighter than `/` in SQLite: parenthesise the division.
        let shifted = format!("strftime('%Y-%m-%d %H:%M:%f', {t}, (({op}{d}) / 1000000.0) || ' seconds')");
        match ty {
            FieldType::Date => format!("date({shifted})"),
            FieldType::Time => format!("time({shifted})"),
            _ => format!("datetime({shifted})"),
        }
    }
    fn temporal_subtract_sql(&self, _ty: FieldType, l: &str, r: &str) -> String {
        format!("CAST(ROUND((julianday({l}) - julianday({r})) * 86400000000) AS INTEGER)")
    }
    fn no_limit_clause(&self) -> &'static str {
        " LIMIT -1"
    }
    /// IMMEDIATE takes the write lock at BEGIN, so a transaction that reads then
    /// writes (update_or_create, select_for_update) cannot deadlock on lock upgrade.
    fn begin_sql(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }
    fn can_alter_table(&self) -> bool {
        false
    }
    fn rename_index_sql(&self, _table: &str, _old: &str, _new: &str) -> Option<String> {
        None
    }
    fn rename_foreign_key_sql(&self, _table: &str, _old: &str, _new: &str) -> Option<String> {
        None
    }
    fn column_type(&self, f: &FieldMeta) -> String {
        match f.ty {
            FieldType::AutoBig | FieldType::Auto => "integer".into(),
            FieldType::Bool => "bool".into(),
            FieldType::SmallInt => "smallint".into(),
            FieldType::Int => "integer".into(),
            FieldType::BigInt => "bigint".into(),
            FieldType::Float | FieldType::Double => "real".into(),
            FieldType::Char => format!("varchar({})", f.max_length.unwrap_or(255)),
            FieldType::Text => "text".into(),
            FieldType::Decimal => "decimal".into(),
            FieldType::Date => "date".into(),
            FieldType::DateTime => "datetime".into(),
            FieldType::Time => "time".into(),
            FieldType::Duration => "bigint".into(),
            FieldType::Uuid => "char(32)".into(),
            FieldType::Json => "text".into(),
            FieldType::Bytes => "BLOB".into(),
            // Never created: `schema::check_supported` refuses the table first.
            FieldType::Array(_) => super::array_column_type(self, f),
        }
    }
    fn auto_pk_suffix(&self) -> &'static str {
        " PRIMARY KEY AUTOINCREMENT"
    }
    fn column_check(&self, f: &FieldMeta, col: &str) -> Option<String> {
        (f.ty == FieldType::Json).then(|| format!("(JSON_VALID({col}) OR {col} IS NULL)"))
    }
    fn func_sql(&self, f: Func, args: &[String]) -> String {
        let a = |i: usize| args.get(i).map(String::as_str).unwrap_or("NULL");
        match f {
            Func::Greatest => format!("MAX({})", args.join(", ")),
            Func::Least => format!("MIN({})", args.join(", ")),
            // A NULL counts as the empty string (Django's ConcatPair.as_sqlite).
            Func::Concat => {
                let parts: Vec<String> = args.iter().map(|x| format!("COALESCE({x}, '')")).collect();
                format!("({})", parts.join(" || "))
            }
            Func::Substr => format!("SUBSTR({})", args.join(", ")),
            Func::StrIndex => format!("INSTR({})", args.join(", ")),
            Func::Left => format!("SUBSTR({}, 1, {})", a(0), a(1)),
            Func::Right => format!("SUBSTR({}, -({}))", a(0), a(1)),
            Func::Now => "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')".into(),
            f => expr::standard_func_sql(f, args),
        }
    }
    fn cast_sql(&self, e: &str, ty: FieldType) -> String {
        match ty {
            FieldType::Date => format!("date({e})"),
            FieldType::DateTime => format!("strftime('%Y-%m-%d %H:%M:%f', {e})"),
            FieldType::Time => format!("strftime('%H:%M:%f', {e})"),
            FieldType::Char | FieldType::Text | FieldType::Json | FieldType::Uuid => format!("CAST({e} AS text)"),
            FieldType::Float | FieldType::Double => format!("CAST({e} AS real)"),
            FieldType::Decimal => format!("CAST({e} AS decimal)"),
            FieldType::Bool => format!("CAST({e} AS bool)"),
            _ => format!("CAST({e} AS integer)"),
        }
    }
    fn trunc_sql(&self, kind: TruncKind, e: &str, _input: FieldType, output: FieldType) -> String {
        expr::sqlite_trunc_sql(kind, e, output)
    }
    fn json_sql(&self, op: JsonOp<'_>) -> Option<String> {
        expr::sqlite_json_sql(op)
    }
}
