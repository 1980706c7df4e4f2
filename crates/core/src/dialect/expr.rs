//! Expression spellings shared by the dialects: functions, casts, date truncation and
//! JSON key paths ([`JsonOp`]). Each dialect overrides what it spells differently
//! ([`super::Dialect::func_sql`], [`super::Dialect::cast_sql`],
//! [`super::Dialect::trunc_sql`], [`super::Dialect::json_sql`]).

use crate::meta::FieldType;
use crate::query::{Func, TruncKind};
use crate::value::Value;

/// A JSON operation on a column (or a key path of it), as Django's `KeyTransform`
/// and JSON lookups spell it per backend. `path` holds the placeholders that
/// [`super::Dialect::json_path_params`] asked for (one `$."a"[0]` path on SQLite and
/// MySQL, one per key on PostgreSQL); `keys` are the key names.
#[derive(Debug, Clone, Copy)]
pub enum JsonOp<'a> {
    /// The value under a key path, as selected and ordered by (Django's `KeyTransform`).
    Key {
        /// The JSON column.
        col: &'a str,
        /// The path placeholders.
        path: &'a [String],
        /// The keys.
        keys: &'a [&'a str],
    },
    /// The value under a key path, as lookups compare it (MySQL unquotes it).
    KeyCompared {
        /// The JSON column.
        col: &'a str,
        /// The path placeholders.
        path: &'a [String],
        /// The keys.
        keys: &'a [&'a str],
    },
    /// The value under a key path as text (pattern lookups, Django's `KeyTextTransform`).
    KeyText {
        /// The JSON column.
        col: &'a str,
        /// The path placeholders.
        path: &'a [String],
        /// The keys.
        keys: &'a [&'a str],
    },
    /// Whether the key path exists (`has_key`; `isnull=False` on a key).
    HasKey {
        /// The JSON column.
        col: &'a str,
        /// The path placeholders (the last key is the one tested).
        path: &'a [String],
        /// The keys.
        keys: &'a [&'a str],
    },
    /// A JSON document given as a parameter (its JSON text), as the right-hand side of
    /// `exact`/`in` on a key; `value` is the Rust value it was made from.
    Value {
        /// The placeholder.
        param: &'a str,
        /// The value.
        value: &'a Value,
        /// Inside an `IN (…)` list.
        in_list: bool,
    },
    /// The right-hand side of `gt`/`gte`/`lt`/`lte` on a key (bound as
    /// [`super::Dialect::json_rhs_value`] says).
    Ordered {
        /// The placeholder.
        param: &'a str,
    },
    /// A JSON document parameter as the right-hand side of `exact` on the column itself.
    FieldValue {
        /// The placeholder.
        param: &'a str,
    },
    /// The column itself as `exact` compares it.
    FieldCompared {
        /// The JSON column.
        col: &'a str,
    },
    /// `lhs @> rhs` (or `<@` when `contained_by`).
    Contains {
        /// The JSON column or key.
        lhs: &'a str,
        /// The JSON document parameter.
        rhs: &'a str,
        /// `contained_by` rather than `contains`.
        contained_by: bool,
    },
}

/// `$."a"."b"[0]`: the path of SQLite's and MySQL's JSON functions (integer keys are
/// array indexes), as Django writes it.
pub fn json_dollar_path(keys: &[&str]) -> String {
    let mut s = String::from("$");
    for k in keys {
        if let Ok(i) = k.parse::<u64>() {
            s.push_str(&format!("[{i}]"));
        } else {
            s.push_str(".\"");
            for c in k.chars() {
                if c == '"' || c == '\\' {
                    s.push('\\');
                }
                s.push(c);
            }
            s.push('"');
        }
    }
    s
}

/// The JSON text of a value (what a JSON lookup binds), without serde.
pub fn json_text(v: &Value) -> String {
    fn quote(s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::I64(i) => i.to_string(),
        Value::F64(f) => f.to_string(),
        Value::Decimal(d) => d.normalize().to_string(),
        Value::Text(s) => quote(s),
        #[cfg(feature = "json")]
        Value::Json(j) => j.to_string(),
        other => quote(&other.to_string()),
    }
}

/// The standard spelling of a function (PostgreSQL's, mostly).
pub fn standard_func_sql(f: Func, args: &[String]) -> String {
    let a = args.join(", ");
    match f {
        Func::Now => "CURRENT_TIMESTAMP".into(),
        Func::StrIndex => format!("STRPOS({a})"),
        f => format!("{}({a})", f.sql_name()),
    }
}

/// `CAST(expr AS type)` with the standard type names.
pub fn standard_cast_sql(expr: &str, ty: FieldType) -> String {
    match ty {
        FieldType::Array(e) => {
            let inner = standard_cast_sql("", *e);
            let inner = inner.trim_start_matches("CAST( AS ").trim_end_matches(')');
            format!("CAST({expr} AS {inner}[])")
        }
        _ => format!("CAST({expr} AS {})", standard_type_name(ty).unwrap_or("text")),
    }
}

/// The standard SQL name of a scalar field type (`None` for array fields).
pub(crate) fn standard_type_name(ty: FieldType) -> Option<&'static str> {
    Some(match ty {
        FieldType::Bool => "boolean",
        FieldType::SmallInt => "smallint",
        FieldType::Int | FieldType::Auto => "integer",
        FieldType::BigInt | FieldType::AutoBig => "bigint",
        FieldType::Float => "real",
        FieldType::Double => "double precision",
        FieldType::Char => "varchar",
        FieldType::Text => "text",
        FieldType::Decimal => "numeric",
        FieldType::Date => "date",
        FieldType::DateTime => "timestamp",
        FieldType::Time => "time",
        FieldType::Duration => "interval",
        FieldType::Uuid => "uuid",
        FieldType::Json => "jsonb",
        FieldType::Bytes => "bytea",
        FieldType::Array(_) => return None,
    })
}

/// PostgreSQL's `DATE_TRUNC` (a date stays a date).
pub fn pg_trunc_sql(kind: TruncKind, expr: &str, output: FieldType) -> String {
    let t = format!("DATE_TRUNC('{}', {expr})", kind.name());
    match output {
        FieldType::Date => format!("({t})::date"),
        _ => t,
    }
}

/// SQLite: truncation as text in SQLite's date formats (Django registers Python
/// functions for this; `strftime` does the same).
pub fn sqlite_trunc_sql(kind: TruncKind, e: &str, output: FieldType) -> String {
    let date = output == FieldType::Date;
    let f = |dfmt: &str, dtfmt: &str| format!("strftime('{}', {e})", if date { dfmt } else { dtfmt });
    match kind {
        TruncKind::Year => f("%Y-01-01", "%Y-01-01 00:00:00"),
        TruncKind::Quarter => {
            let d = format!(
                "(strftime('%Y', {e}) || '-' || printf('%02d', ((CAST(strftime('%m', {e}) AS INTEGER) - 1) / 3) * 3 + 1) || '-01')"
            );
            if date {
                d
            } else {
                format!("({d} || ' 00:00:00')")
            }
        }
        TruncKind::Month => f("%Y-%m-01", "%Y-%m-01 00:00:00"),
        TruncKind::Week => {
            let d = format!("date({e}, '-6 days', 'weekday 1')");
            if date {
                d
            } else {
                format!("({d} || ' 00:00:00')")
            }
        }
        TruncKind::Day => f("%Y-%m-%d", "%Y-%m-%d 00:00:00"),
        TruncKind::Hour => f("%Y-%m-%d", "%Y-%m-%d %H:00:00"),
        TruncKind::Minute => f("%Y-%m-%d", "%Y-%m-%d %H:%M:00"),
        TruncKind::Second => f("%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
    }
}

/// MySQL/MariaDB: Django's `date_trunc_sql` / `datetime_trunc_sql`.
pub fn mysql_trunc_sql(kind: TruncKind, e: &str, input: FieldType, output: FieldType) -> String {
    let quarter = format!("MAKEDATE(YEAR({e}), 1) + INTERVAL QUARTER({e}) QUARTER - INTERVAL 1 QUARTER");
    let week = format!("DATE_SUB({e}, INTERVAL WEEKDAY({e}) DAY)");
    if output == FieldType::Date {
        return match kind {
            TruncKind::Year => format!("CAST(DATE_FORMAT({e}, '%Y-01-01') AS DATE)"),
            TruncKind::Quarter if input == FieldType::Date => quarter,
            TruncKind::Quarter => format!("CAST({quarter} AS DATE)"),
            TruncKind::Month => format!("CAST(DATE_FORMAT({e}, '%Y-%m-01') AS DATE)"),
            TruncKind::Week => format!("DATE({week})"),
            _ => format!("DATE({e})"),
        };
    }
    let fmt = |inner: &str, f: &str| format!("CAST(DATE_FORMAT({inner}, '{f}') AS DATETIME)");
    match kind {
        TruncKind::Year => fmt(e, "%Y-01-01 00:00:00"),
        TruncKind::Quarter => fmt(&quarter, "%Y-%m-%d 00:00:00"),
        TruncKind::Month => fmt(e, "%Y-%m-01 00:00:00"),
        TruncKind::Week => fmt(&week, "%Y-%m-%d 00:00:00"),
        TruncKind::Day => fmt(e, "%Y-%m-%d 00:00:00"),
        TruncKind::Hour => fmt(e, "%Y-%m-%d %H:00:00"),
        TruncKind::Minute => fmt(e, "%Y-%m-%d %H:%i:00"),
        TruncKind::Second => fmt(e, "%Y-%m-%d %H:%i:%s"),
    }
}

/// SQLite's `KeyTransform`: JSON_TYPE for `true`/`false`/`null` (so they compare as
/// that text, Django ticket #33820), JSON_EXTRACT otherwise.
pub fn sqlite_json_sql(op: JsonOp<'_>) -> Option<String> {
    Some(match op {
        JsonOp::Key { col, path, .. } | JsonOp::KeyCompared { col, path, .. } | JsonOp::KeyText { col, path, .. } => {
            let p = &path[0];
            format!(
                "(CASE WHEN JSON_TYPE({col}, {p}) IN ('true', 'false', 'null') THEN JSON_TYPE({col}, {p}) ELSE JSON_EXTRACT({col}, {p}) END)"
            )
        }
        JsonOp::HasKey { col, path, .. } => format!("JSON_TYPE({col}, {}) IS NOT NULL", path[0]),
        JsonOp::Value { param, value, .. } => match value {
            Value::Null | Value::Bool(_) => param.to_string(),
            _ => format!("JSON_EXTRACT({param}, '$')"),
        },
        JsonOp::Ordered { param } => param.to_string(),
        JsonOp::FieldValue { param } => format!("JSON({param})"),
        JsonOp::FieldCompared { col } => format!("JSON({col})"),
        JsonOp::Contains { .. } => return None,
    })
}

/// MySQL's and MariaDB's JSON spelling.
pub fn mysql_json_sql(op: JsonOp<'_>) -> Option<String> {
    Some(match op {
        JsonOp::Key { col, path, .. } => format!("JSON_EXTRACT({col}, {})", path[0]),
        JsonOp::KeyCompared { col, path, .. } | JsonOp::KeyText { col, path, .. } => {
            format!("JSON_UNQUOTE(JSON_EXTRACT({col}, {}))", path[0])
        }
        JsonOp::HasKey { col, path, .. } => format!("JSON_CONTAINS_PATH({col}, 'one', {})", path[0]),
        JsonOp::Value { param, in_list: true, .. } => format!("JSON_UNQUOTE(JSON_EXTRACT({param}, '$'))"),
        JsonOp::Value { param, .. } => format!("JSON_EXTRACT({param}, '$')"),
        JsonOp::Ordered { param } => param.to_string(),
        JsonOp::FieldValue { param } => format!("JSON_EXTRACT({param}, '$')"),
        JsonOp::FieldCompared { col } => format!("JSON_UNQUOTE({col})"),
        JsonOp::Contains { lhs, rhs, contained_by: false } => format!("JSON_CONTAINS({lhs}, {rhs})"),
        JsonOp::Contains { lhs, rhs, contained_by: true } => format!("JSON_CONTAINS({rhs}, {lhs})"),
    })
}

/// PostgreSQL's jsonb operators: `->` per key (integers are array indexes), `->>` for
/// text, `?` for keys, `@>` / `<@` for containment.
pub fn pg_json_sql(op: JsonOp<'_>) -> Option<String> {
    fn step(p: &str, key: &str) -> String {
        if key.parse::<i64>().is_ok() {
            format!("{p}::integer")
        } else {
            p.to_string()
        }
    }
    fn chain(col: &str, path: &[String], keys: &[&str], text: bool) -> String {
        let mut s = format!("({col}");
        for (i, (p, k)) in path.iter().zip(keys).enumerate() {
            let op = if text && i + 1 == keys.len() { "->>" } else { "->" };
            s.push_str(&format!(" {op} {}", step(p, k)));
        }
        s.push(')');
        s
    }
    Some(match op {
        JsonOp::Key { col, path, keys } | JsonOp::KeyCompared { col, path, keys } => chain(col, path, keys, false),
        JsonOp::KeyText { col, path, keys } => chain(col, path, keys, true),
        JsonOp::HasKey { col, path, keys } => {
            let n = keys.len();
            let parent = if n > 1 { chain(col, &path[..n - 1], &keys[..n - 1], false) } else { col.to_string() };
            format!("{parent} ? {}", path[n - 1])
        }
        JsonOp::Value { param, .. } | JsonOp::FieldValue { param } | JsonOp::Ordered { param } => {
            format!("{param}::jsonb")
        }
        JsonOp::FieldCompared { col } => col.to_string(),
        JsonOp::Contains { lhs, rhs, contained_by } => {
            format!("{lhs} {} {rhs}::jsonb", if contained_by { "<@" } else { "@>" })
        }
    })
}

/// The parameters of a key path on PostgreSQL: one per key (integers as integers).
pub fn pg_json_path_params(keys: &[&str]) -> Vec<Value> {
    keys.iter().map(|k| k.parse::<i64>().map(Value::I64).unwrap_or_else(|_| Value::Text(k.to_string()))).collect()
}

/// A full-text search operation (PostgreSQL), its parts compiled.
#[derive(Debug, Clone, Copy)]
pub enum SearchOp<'a> {
    /// `to_tsvector([config,] text)`, weighted with `setweight` when `weight` is given;
    /// `texts` are joined with spaces (NULLs as empty).
    Vector {
        /// The text expressions.
        texts: &'a [String],
        /// The configuration placeholder.
        config: Option<&'a str>,
        /// `A`–`D`.
        weight: Option<char>,
    },
    /// Vectors concatenated.
    Concat {
        /// The vectors.
        vectors: &'a [String],
    },
    /// `*to_tsquery([config,] text)`.
    Query {
        /// The text.
        text: &'a str,
        /// How it is parsed.
        kind: crate::query::SearchKind,
        /// The configuration placeholder.
        config: Option<&'a str>,
    },
    /// `ts_rank(vector, query)`.
    Rank {
        /// The vector.
        vector: &'a str,
        /// The query.
        query: &'a str,
    },
    /// `vector @@ query`.
    Match {
        /// The vector.
        vector: &'a str,
        /// The query.
        query: &'a str,
    },
}

/// PostgreSQL's full-text search functions.
pub fn pg_search_sql(op: SearchOp<'_>) -> String {
    use crate::query::SearchKind;
    let cfg = |c: Option<&str>| c.map(|c| format!("{c}::text::regconfig, ")).unwrap_or_default();
    match op {
        SearchOp::Vector { texts, config, weight } => {
            let text: Vec<String> = texts.iter().map(|t| format!("COALESCE(({t})::text, '')")).collect();
            let v = format!("to_tsvector({}{})", cfg(config), text.join(" || ' ' || "));
            match weight {
                Some(w) => format!("setweight({v}, '{w}')"),
                None => v,
            }
        }
        SearchOp::Concat { vectors } => format!("({})", vectors.join(" || ")),
        SearchOp::Query { text, kind, config } => {
            let f = match kind {
                SearchKind::Plain => "plainto_tsquery",
                SearchKind::Phrase => "phraseto_tsquery",
                SearchKind::Websearch => "websearch_to_tsquery",
                SearchKind::Raw => "to_tsquery",
            };
            format!("{f}({}{text})", cfg(config))
        }
        SearchOp::Rank { vector, query } => format!("ts_rank({vector}, {query})"),
        SearchOp::Match { vector, query } => format!("{vector} @@ {query}"),
    }
}
