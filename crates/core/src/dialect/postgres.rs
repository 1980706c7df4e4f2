//! PostgreSQL's spelling.

use super::{expr, DatePart, Dialect, Features, JsonOp, PatternOp};
use crate::meta::{FieldMeta, FieldType};
use crate::query::Func;

/// PostgreSQL 12+.
#[derive(Debug, Clone, Copy, Default)]
pub struct Postgres;

static FEATURES: Features = Features {
    can_return_from_insert: true,
    supports_nulls_modifier: true,
    nulls_first_by_default: false,
    supports_distinct_on: true,
    has_select_for_update: true,
    has_select_for_update_skip_locked: true,
    has_select_for_update_of: true,
    can_rollback_ddl: true,
    max_query_params: 65535,
    has_case_sensitive_like: true,
    supports_limit_in_subquery: true,
    supports_json_contains: true,
    update_can_self_select: true,
    supports_aggregate_filter_clause: true,
    allows_group_by_selected_pks: true,
    supports_slicing_ordering_in_compound: true,
    supports_array_fields: true,
    in_list_as_array: true,
    // Django 5.2 unnests from two rows, but for a few rows the server runs the
    // `VALUES` list faster (measured, pinned, 8–10 rows of two columns: 1.07–1.20× the
    // raw `VALUES` insert through `UNNEST`, 0.87–1.08× through `VALUES`; even at 16;
    // `UNNEST` ahead from 32 and 0.6–0.8× at 100+), while a list of 2·15 parameters
    // costs little to plan. The rows written and keys returned are the same.
    unnest_insert_min_rows: 16,
};

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }
    fn features(&self) -> &'static Features {
        &FEATURES
    }
    fn quote_into(&self, out: &mut String, ident: &str) {
        super::quote_ident_into(out, ident, '"');
    }
    fn placeholder_into(&self, out: &mut String, n: usize) {
        out.push('$');
        super::push_uint(out, n as u64);
    }
    fn pattern_sql(&self, op: PatternOp, lhs: &str, rhs: &str, ty: Option<FieldType>) -> String {
        // Django casts the column to text for pattern lookups and upper-cases both
        // sides for the insensitive ones.
        let lhs = if ty.is_some_and(FieldType::is_text) { lhs.to_string() } else { format!("{lhs}::text") };
        match op {
            PatternOp::Regex => format!("{lhs} ~ {rhs}"),
            PatternOp::IRegex => format!("{lhs} ~* {rhs}"),
            PatternOp::IExact => format!("UPPER({lhs}) = UPPER({rhs})"),
            o if o.insensitive() => format!("UPPER({lhs}) LIKE UPPER({rhs})"),
            _ => format!("{lhs} LIKE {rhs}"),
        }
    }
    fn pattern_is_like(&self, op: PatternOp) -> bool {
        !matches!(op, PatternOp::Regex | PatternOp::IRegex | PatternOp::IExact)
    }
    fn date_extract_sql(&self, part: DatePart, e: &str) -> String {
        let unit = match part {
            DatePart::Year => "YEAR",
            DatePart::IsoYear => "ISOYEAR",
            DatePart::Quarter => "QUARTER",
            DatePart::Month => "MONTH",
            DatePart::Day => "DAY",
            DatePart::Week => "WEEK",
            DatePart::WeekDay => return format!("(EXTRACT(DOW FROM {e})::integer + 1)"),
            DatePart::IsoWeekDay => "ISODOW",
            DatePart::Hour => "HOUR",
            DatePart::Minute => "MINUTE",
            DatePart::Second => "SECOND",
        };
        format!("EXTRACT({unit} FROM {e})::integer")
    }
    fn datetime_cast_date_sql(&self, e: &str) -> String {
        format!("({e})::date")
    }
    fn datetime_cast_time_sql(&self, e: &str) -> String {
        format!("({e})::time")
    }
    fn duration_arith_sql(&self, ty: FieldType, t: &str, op: char, d: &str) -> String {
        let sum = format!("({t} {op} {d}::interval)");
        match ty {
            FieldType::Date => format!("{sum}::date"),
            FieldType::Time => format!("{sum}::time"),
            _ => sum,
        }
    }
    fn temporal_subtract_sql(&self, ty: FieldType, l: &str, r: &str) -> String {
        if ty == FieldType::Date {
            format!("(interval '1 day' * ({l} - {r}))")
        } else {
            format!("({l} - {r})")
        }
    }
    fn no_limit_clause(&self) -> &'static str {
        ""
    }
    fn param_cast(&self, p: &str, ty: FieldType) -> String {
        match ty {
            FieldType::Array(e) => format!("{}[]", self.param_cast(p, *e)),
            _ => format!("{p}::{}", scalar_type(ty).unwrap_or("text")),
        }
    }
    fn unnest_param(&self, p: &str, ty: FieldType) -> Option<String> {
        // `text` for char fields too: the column's own type checks the length on
        // assignment, as for a VALUES list (a cast to `varchar(n)[]` would truncate).
        scalar_type(ty).map(|t| format!("({p})::{t}[]"))
    }
    fn column_type(&self, f: &FieldMeta) -> String {
        match f.ty {
            FieldType::AutoBig => "bigint".into(),
            FieldType::Auto => "integer".into(),
            FieldType::Bool => "boolean".into(),
            FieldType::SmallInt => "smallint".into(),
            FieldType::Int => "integer".into(),
            FieldType::BigInt => "bigint".into(),
            FieldType::Float => "real".into(),
            FieldType::Double => "double precision".into(),
            FieldType::Char => format!("varchar({})", f.max_length.unwrap_or(255)),
            FieldType::Text => "text".into(),
            FieldType::Decimal => format!("numeric({}, {})", f.max_digits.unwrap_or(20), f.decimal_places.unwrap_or(6)),
            FieldType::Date => "date".into(),
            FieldType::DateTime => "timestamp".into(),
            FieldType::Time => "time".into(),
            FieldType::Duration => "interval".into(),
            FieldType::Uuid => "uuid".into(),
            FieldType::Json => "jsonb".into(),
            FieldType::Bytes => "bytea".into(),
            FieldType::Array(_) => super::array_column_type(self, f),
        }
    }
    fn auto_pk_suffix(&self) -> &'static str {
        " PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY"
    }
    fn func_sql(&self, f: Func, args: &[String]) -> String {
        // Positions, lengths and counts are `integer` parameters (a bound i64 is bigint).
        let int = |i: usize, from: usize| if i >= from { format!("({})::integer", args[i]) } else { args[i].clone() };
        let ints = |from: usize| -> Vec<String> { (0..args.len()).map(|i| int(i, from)).collect() };
        match f {
            Func::Now => "STATEMENT_TIMESTAMP()".into(),
            // ROUND(double precision, int) does not exist: round as numeric (Django casts too).
            Func::Round if args.len() > 1 => format!("ROUND(({})::numeric, {})", args[0], int(1, 1)),
            Func::Substr | Func::Left | Func::Right | Func::Repeat | Func::NthValue => {
                expr::standard_func_sql(f, &ints(1))
            }
            Func::Ntile => expr::standard_func_sql(f, &ints(0)),
            Func::Lag | Func::Lead if args.len() > 1 => {
                let mut a = args.to_vec();
                a[1] = int(1, 1);
                expr::standard_func_sql(f, &a)
            }
            f => expr::standard_func_sql(f, args),
        }
    }
    fn cast_sql(&self, e: &str, ty: FieldType) -> String {
        let cast = expr::standard_cast_sql("", ty);
        let t = cast.trim_start_matches("CAST( AS ").trim_end_matches(')');
        format!("({e})::{t}")
    }
    fn json_sql(&self, op: JsonOp<'_>) -> Option<String> {
        expr::pg_json_sql(op)
    }
    fn search_sql(&self, op: super::SearchOp<'_>) -> Option<String> {
        Some(expr::pg_search_sql(op))
    }
    fn json_path_params(&self, keys: &[&str]) -> Vec<crate::value::Value> {
        expr::pg_json_path_params(keys)
    }
    fn json_rhs_value(&self, v: &crate::value::Value, _ordered: bool) -> crate::value::Value {
        crate::value::Value::Text(super::json_text(v))
    }
    fn sequence_reset_sql(&self, table: &str, column: &str) -> Option<String> {
        let (t, c) = (self.quote(table), self.quote(column));
        Some(format!(
            "SELECT setval(pg_get_serial_sequence('{t}', '{column}'), COALESCE(MAX({c}), 1), MAX({c}) IS NOT NULL) FROM {t}"
        ))
    }
}

/// The type a parameter of a scalar field is cast to (`None` for array fields): the
/// standard names, but `text` for char fields (no length to check on a parameter).
fn scalar_type(ty: FieldType) -> Option<&'static str> {
    match ty {
        FieldType::Char => Some("text"),
        ty => expr::standard_type_name(ty),
    }
}
