//! MySQL's and MariaDB's spelling.

use super::{expr, DatePart, Dialect, Features, JsonOp, PatternOp};
use crate::meta::{FieldMeta, FieldType};
use crate::query::{Func, TruncKind};

/// MySQL 8.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

/// MariaDB 10.5+ (RETURNING on INSERT, otherwise as MySQL).
#[derive(Debug, Clone, Copy, Default)]
pub struct MariaDb;

static MYSQL_FEATURES: Features = Features {
    can_return_from_insert: false,
    supports_nulls_modifier: false,
    nulls_first_by_default: true,
    supports_distinct_on: false,
    has_select_for_update: true,
    has_select_for_update_skip_locked: true,
    has_select_for_update_of: true,
    can_rollback_ddl: false,
    max_query_params: 65535,
    has_case_sensitive_like: true,
    supports_limit_in_subquery: false,
    supports_json_contains: true,
    update_can_self_select: false,
    supports_aggregate_filter_clause: false,
    allows_group_by_selected_pks: true,
    supports_slicing_ordering_in_compound: true,
    supports_array_fields: false,
    in_list_as_array: false,
    unnest_insert_min_rows: usize::MAX,
};

static MARIADB_FEATURES: Features =
    Features { can_return_from_insert: true, has_select_for_update_of: false, ..MYSQL_FEATURES };

macro_rules! mysql_family {
    ($ty:ty, $name:literal, $features:expr, $regex:expr) => {
        impl Dialect for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn features(&self) -> &'static Features {
                &$features
            }
            fn quote_into(&self, out: &mut String, ident: &str) {
                super::quote_ident_into(out, ident, '`');
            }
            fn placeholder_into(&self, out: &mut String, _n: usize) {
                out.push('?');
            }
            fn pattern_sql(&self, op: PatternOp, lhs: &str, rhs: &str, _ty: Option<FieldType>) -> String {
                #[allow(clippy::redundant_closure_call)]
                match op {
                    PatternOp::Regex | PatternOp::IRegex => ($regex)(op, lhs, rhs),
                    o if o.insensitive() => format!("{lhs} LIKE {rhs}"),
                    _ => format!("{lhs} LIKE BINARY {rhs}"),
                }
            }
            fn date_extract_sql(&self, part: DatePart, e: &str) -> String {
                date_extract(part, e)
            }
            fn datetime_cast_date_sql(&self, e: &str) -> String {
                format!("DATE({e})")
            }
            fn datetime_cast_time_sql(&self, e: &str) -> String {
                format!("TIME({e})")
            }
            fn duration_arith_sql(&self, ty: FieldType, t: &str, op: char, d: &str) -> String {
                let sum = format!("({t} {op} INTERVAL {d} MICROSECOND)");
                match ty {
                    FieldType::Date => format!("CAST({sum} AS DATETIME(6))"),
                    _ => sum,
                }
            }
            fn temporal_subtract_sql(&self, _ty: FieldType, l: &str, r: &str) -> String {
                format!("TIMESTAMPDIFF(MICROSECOND, {r}, {l})")
            }
            fn no_limit_clause(&self) -> &'static str {
                " LIMIT 18446744073709551615"
            }
            fn random_function(&self) -> &'static str {
                "RAND()"
            }
            fn insert_default_values_sql(&self, table: &str) -> String {
                format!("INSERT INTO {} () VALUES ()", self.quote(table))
            }
            fn column_type(&self, f: &FieldMeta) -> String {
                column_type(f)
            }
            fn auto_pk_suffix(&self) -> &'static str {
                " AUTO_INCREMENT PRIMARY KEY"
            }
            fn column_check(&self, f: &FieldMeta, col: &str) -> Option<String> {
                (f.ty == FieldType::Json && $name == "mariadb").then(|| format!("JSON_VALID({col})"))
            }
            fn table_suffix(&self) -> &'static str {
                " ENGINE=InnoDB"
            }
            fn begin_sql(&self) -> &'static str {
                "START TRANSACTION"
            }
            fn rename_table_sql(&self, old: &str, new: &str) -> String {
                format!("RENAME TABLE {} TO {}", self.quote(old), self.quote(new))
            }
            fn alter_column_type_sql(&self, table: &str, column: &str, ty: &str, null: bool) -> String {
                self.alter_column_null_sql(table, column, ty, null)
            }
            fn alter_column_null_sql(&self, table: &str, column: &str, ty: &str, null: bool) -> String {
                format!(
                    "ALTER TABLE {} MODIFY {} {ty} {}",
                    self.quote(table),
                    self.quote(column),
                    if null { "NULL" } else { "NOT NULL" }
                )
            }
            fn drop_index_sql(&self, table: &str, name: &str) -> String {
                format!("DROP INDEX {} ON {}", self.quote(name), self.quote(table))
            }
            fn rename_index_sql(&self, table: &str, old: &str, new: &str) -> Option<String> {
                Some(format!(
                    "ALTER TABLE {} RENAME INDEX {} TO {}",
                    self.quote(table),
                    self.quote(old),
                    self.quote(new)
                ))
            }
            fn drop_foreign_key_sql(&self, table: &str, name: &str) -> String {
                format!("ALTER TABLE {} DROP FOREIGN KEY {}", self.quote(table), self.quote(name))
            }
            fn rename_foreign_key_sql(&self, _table: &str, _old: &str, _new: &str) -> Option<String> {
                None
            }
            fn drop_unique_sql(&self, table: &str, name: &str) -> String {
                format!("ALTER TABLE {} DROP INDEX {}", self.quote(table), self.quote(name))
            }
            fn rename_unique_sql(&self, table: &str, old: &str, new: &str) -> Option<String> {
                self.rename_index_sql(table, old, new)
            }
            fn func_sql(&self, f: Func, args: &[String]) -> String {
                mysql_func_sql(f, args)
            }
            fn window_call_sql(&self, f: Func, args: &[String], over: &str) -> String {
                // MariaDB's LAG/LEAD take no default: COALESCE the result instead.
                if $name == "mariadb" && matches!(f, Func::Lag | Func::Lead) && args.len() > 2 {
                    let call = mysql_func_sql(f, &args[..2]);
                    return format!("COALESCE({call} OVER ({over}), {})", args[2]);
                }
                format!("{} OVER ({over})", mysql_func_sql(f, args))
            }
            fn cast_sql(&self, e: &str, ty: FieldType) -> String {
                mysql_cast_sql(e, ty)
            }
            fn trunc_sql(&self, kind: TruncKind, e: &str, input: FieldType, output: FieldType) -> String {
                expr::mysql_trunc_sql(kind, e, input, output)
            }
            fn json_sql(&self, op: JsonOp<'_>) -> Option<String> {
                expr::mysql_json_sql(op)
            }
            fn json_pattern_sql(&self, op: PatternOp, lhs: &str, rhs: &str) -> String {
                match op {
                    o if o.insensitive() && !matches!(o, PatternOp::IRegex) => {
                        format!("LOWER({lhs}) LIKE LOWER({rhs})")
                    }
                    o => self.pattern_sql(o, lhs, rhs, Some(FieldType::Text)),
                }
            }
        }
    };
}

mysql_family!(MySql, "mysql", MYSQL_FEATURES, |op, lhs, rhs| match op {
    PatternOp::IRegex => format!("REGEXP_LIKE({lhs}, {rhs}, 'i')"),
    _ => format!("REGEXP_LIKE({lhs}, {rhs}, 'c')"),
});
mysql_family!(MariaDb, "mariadb", MARIADB_FEATURES, |op, lhs, rhs| match op {
    PatternOp::IRegex => format!("{lhs} REGEXP {rhs}"),
    _ => format!("{lhs} REGEXP BINARY {rhs}"),
});

fn date_extract(part: DatePart, e: &str) -> String {
    match part {
        DatePart::WeekDay => format!("DAYOFWEEK({e})"),
        DatePart::IsoWeekDay => format!("(WEEKDAY({e}) + 1)"),
        DatePart::Week => format!("WEEK({e}, 3)"),
        DatePart::IsoYear => format!("TRUNCATE(YEARWEEK({e}, 3) / 100, 0)"),
        p => {
            let unit = match p {
                DatePart::Year => "YEAR",
                DatePart::Quarter => "QUARTER",
                DatePart::Month => "MONTH",
                DatePart::Day => "DAY",
                DatePart::Hour => "HOUR",
                DatePart::Minute => "MINUTE",
                _ => "SECOND",
            };
            format!("EXTRACT({unit} FROM {e})")
        }
    }
}

/// MySQL's function spellings (Django's `as_mysql`).
fn mysql_func_sql(f: Func, args: &[String]) -> String {
    match f {
        Func::Length => format!("CHAR_LENGTH({})", args.join(", ")),
        Func::StrIndex => format!("INSTR({})", args.join(", ")),
        // CONCAT is NULL when any part is; CONCAT_WS skips NULLs (Django's ConcatPair.as_mysql).
        Func::Concat => format!("CONCAT_WS('', {})", args.join(", ")),
        Func::Now => "CURRENT_TIMESTAMP(6)".into(),
        f => expr::standard_func_sql(f, args),
    }
}

/// MySQL's cast types (Django's `cast_data_types`; floats as `x + 0.0`).
fn mysql_cast_sql(e: &str, ty: FieldType) -> String {
    let t = match ty {
        FieldType::Float | FieldType::Double => return format!("({e} + 0.0)"),
        FieldType::Char | FieldType::Text | FieldType::Uuid => "char",
        FieldType::Decimal => "decimal(65, 30)",
        FieldType::Date => "date",
        FieldType::DateTime => "datetime(6)",
        FieldType::Time => "time(6)",
        FieldType::Json => "json",
        FieldType::Bytes => "binary",
        _ => "signed integer",
    };
    format!("CAST({e} AS {t})")
}

fn column_type(f: &FieldMeta) -> String {
    match f.ty {
        // Never created: `schema::check_supported` refuses the table first.
        FieldType::Array(e) => format!("{}[]", column_type(&FieldMeta { ty: *e, ..f.clone() })),
        FieldType::AutoBig | FieldType::BigInt => "bigint".into(),
        FieldType::Auto | FieldType::Int => "integer".into(),
        FieldType::Bool => "bool".into(),
        FieldType::SmallInt => "smallint".into(),
        FieldType::Float => "float".into(),
        FieldType::Double => "double precision".into(),
        FieldType::Char => format!("varchar({})", f.max_length.unwrap_or(255)),
        FieldType::Text => "longtext".into(),
        FieldType::Decimal => format!("numeric({}, {})", f.max_digits.unwrap_or(20), f.decimal_places.unwrap_or(6)),
        FieldType::Date => "date".into(),
        FieldType::DateTime => "datetime(6)".into(),
        FieldType::Time => "time(6)".into(),
        FieldType::Duration => "bigint".into(),
        FieldType::Uuid => "char(32)".into(),
        FieldType::Json => "json".into(),
        FieldType::Bytes => "longblob".into(),
    }
}
