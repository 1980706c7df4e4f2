//! The Django reference scenarios (`oracle/`, recorded from Django 5.2): loading the
//! fixture into a database, turning ormolu results into the recorded JSON shape,
//! and comparing under the rules of `oracle/compare.py`.

use std::path::PathBuf;

use ormolu::core::compiler::{insert_sql, Sql};
use ormolu::core::meta::{FieldType, ModelMeta};
use ormolu::{Db, Executor, Model, Result, Value};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value as Json};

/// The folder of the vendored oracle files.
pub fn oracle_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oracle")
}

/// Reads an oracle JSON file.
pub fn read_json(name: &str) -> Json {
    let path = oracle_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("oracle JSON parses")
}

/// The expected-results file for a backend.
pub fn scenarios_file(backend: &str) -> &'static str {
    match backend {
        "postgres" => "scenarios_postgresql.json",
        "mysql" => "scenarios_mysql.json",
        _ => "scenarios.json",
    }
}

/// A fixture JSON cell as a value for a field of type `ty`.
pub fn json_to_value(v: &Json, ty: FieldType) -> Value {
    match (v, ty) {
        (Json::Null, _) => Value::Null,
        (Json::Bool(b), _) => Value::Bool(*b),
        (Json::Number(n), FieldType::Decimal) => Value::Decimal(n.to_string().parse().unwrap_or_default()),
        (Json::Number(n), FieldType::Float | FieldType::Double) => Value::F64(n.as_f64().unwrap_or(0.0)),
        (Json::Number(n), _) => n.as_i64().map(Value::I64).unwrap_or_else(|| Value::F64(n.as_f64().unwrap_or(0.0))),
        (Json::String(s), FieldType::Decimal) => Value::Decimal(s.parse::<Decimal>().unwrap_or_default()),
        (Json::String(s), FieldType::Date) => Value::Date(s.parse().expect("fixture date")),
        (Json::String(s), FieldType::DateTime) => {
            Value::DateTime(ormolu::core::value::parse_datetime(s).expect("fixture datetime"))
        }
        (Json::String(s), FieldType::Time) => Value::Time(s.parse().expect("fixture time")),
        (Json::String(s), FieldType::Json) => Value::Json(serde_json::from_str(s).expect("fixture JSON text")),
        (Json::String(s), _) => Value::Text(s.clone()),
        (other, FieldType::Json) => Value::Json(other.clone()),
        (other, _) => Value::Text(other.to_string()),
    }
}

/// A stored value as the recorded JSON shows it, for a field of type `ty`.
pub fn value_to_json(v: &Value, ty: Option<FieldType>) -> Json {
    match (v, ty) {
        (Value::Null, _) => Json::Null,
        (Value::I64(i), Some(FieldType::Bool)) => Json::Bool(*i != 0),
        (Value::Bool(b), _) => Json::Bool(*b),
        (Value::I64(i), Some(FieldType::Decimal)) => Json::String(i.to_string()),
        (Value::F64(f), Some(FieldType::Decimal)) => Json::String(format!("{f}")),
        (Value::I64(i), Some(FieldType::Duration)) => json!(*i as f64 / 1_000_000.0),
        (Value::I64(i), _) => json!(i),
        (Value::F64(f), _) => json!(f),
        (Value::Decimal(d), _) => Json::String(d.normalize().to_string()),
        (Value::Text(s), Some(FieldType::DateTime)) => match ormolu::core::value::parse_datetime(s) {
            Some(dt) => Json::String(fmt_datetime(&dt)),
            None => Json::String(s.clone()),
        },
        (Value::Text(s), _) => Json::String(s.clone()),
        (Value::Date(d), _) => Json::String(d.to_string()),
        (Value::DateTime(d), _) => Json::String(fmt_datetime(d)),
        (Value::DateTimeUtc(d), _) => Json::String(fmt_datetime(&d.naive_utc())),
        (Value::Time(t), _) => Json::String(t.format("%H:%M:%S%.f").to_string()),
        (Value::Duration(d), _) => json!(d.num_microseconds().unwrap_or(0) as f64 / 1_000_000.0),
        (Value::Json(j), _) => Json::String(j.to_string()),
        (Value::Uuid(u), _) => Json::String(u.simple().to_string()),
        (Value::Bytes(b), _) => Json::String(String::from_utf8_lossy(b).into_owned()),
        (Value::Array(items), t) => {
            let elem = t.and_then(FieldType::array_element);
            Json::Array(items.iter().map(|v| value_to_json(v, elem)).collect())
        }
    }
}

fn fmt_datetime(d: &chrono::NaiveDateTime) -> String {
    if d.and_utc().timestamp_subsec_micros() == 0 {
        d.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        d.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
    }
}

/// A model instance as the recorded dict: loaded concrete fields by attname;
/// `deferred` names (sorted) go in `_deferred`.
pub fn instance_json<M: Model>(obj: &M, deferred: &[&str]) -> Json {
    let m = M::meta();
    let mut map = Map::new();
    for (i, f) in m.fields.iter().enumerate() {
        if deferred.contains(&f.name) || deferred.contains(&f.attname) {
            continue;
        }
        let v = obj.field_value(i);
        map.insert(f.attname.to_string(), value_json_for_field(&v, f.ty));
    }
    if !deferred.is_empty() {
        let mut d: Vec<String> = deferred.iter().map(|s| attname(m, s)).collect();
        d.sort();
        map.insert("_deferred".into(), json!(d));
    }
    Json::Object(map)
}

fn attname(m: &ModelMeta, name: &str) -> String {
    m.field(name).map(|f| f.attname.to_string()).unwrap_or_else(|| name.to_string())
}

/// A field value in the recorded shape (JSON fields are parsed documents in results).
pub fn value_json_for_field(v: &Value, ty: FieldType) -> Json {
    match (v, ty) {
        (Value::Json(j), _) => j.clone(),
        (Value::Text(s), FieldType::Json) => serde_json::from_str(s).unwrap_or(Json::String(s.clone())),
        _ => value_to_json(v, Some(ty)),
    }
}

/// Loads `fixture.json` into tables created from `models` (which must cover every
/// fixture table, foreign-key targets first, as `shop::all_models()` lists them),
/// and moves each table's id sequence past its largest id.
pub async fn load_fixture(db: &Db, models: &[&'static ModelMeta]) -> Result<()> {
    ormolu::schema::create_tables(db, models).await?;
    let fixture = read_json("fixture.json");
    let d = db.dialect();
    let tables = fixture.as_object().expect("fixture is an object");
    for table in tables.keys() {
        assert!(models.iter().any(|m| m.table == table), "no model for fixture table {table}");
    }
    // In the order of `models` (foreign-key targets first): the JSON object's own key
    // order is not kept by serde_json.
    db.atomic(async |tx| {
        for m in models {
            let Some(rows) = tables.get(m.table) else { continue };
            let rows = rows.as_array().expect("rows");
            let columns: Vec<usize> = (0..m.fields.len()).collect();
            for chunk in rows.chunks(100) {
                let values: Vec<Vec<Value>> = chunk
                    .iter()
                    .map(|r| m.fields.iter().map(|f| json_to_value(&r[f.attname], f.ty)).collect())
                    .collect();
                let sql = insert_sql(d, m, &columns, values, false);
                tx.conn().await?.execute(&sql.sql, &sql.params).await?;
            }
            if let Some(reset) = d.sequence_reset_sql(m.table, m.pk_field().column) {
                tx.conn().await?.batch(&reset).await?;
            }
        }
        Ok(())
    })
    .await
}

/// A table's rows in fixture format, ordered by primary key.
pub async fn dump_table(db: &Db, m: &ModelMeta) -> Result<Json> {
    let d = db.dialect();
    let cols: Vec<String> = m.fields.iter().map(|f| d.quote(f.column)).collect();
    let sql = Sql {
        sql: format!("SELECT {} FROM {} ORDER BY {}", cols.join(", "), d.quote(m.table), d.quote(m.pk_field().column))
            .into(),
        params: vec![],
    };
    let rows = db.conn().await?.query(&sql.sql, &sql.params).await?;
    let out: Vec<Json> = rows
        .into_iter()
        .map(|r| {
            let mut map = Map::new();
            for (f, v) in m.fields.iter().zip(r.values) {
                let j = match (&v, f.ty) {
                    (Value::Json(j), _) => Json::String(j.to_string()),
                    _ => value_to_json(&v, Some(f.ty)),
                };
                map.insert(f.attname.to_string(), j);
            }
            Json::Object(map)
        })
        .collect();
    Ok(Json::Array(out))
}

fn num_like(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let mut parts = s.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

/// `compare.py`'s equality: decimals numerically, floats with tolerance,
/// unordered lists as multisets.
pub fn json_eq(a: &Json, b: &Json, ordered: bool) -> bool {
    match (a, b) {
        (Json::Bool(x), Json::Bool(y)) => x == y,
        (Json::Bool(_), _) | (_, Json::Bool(_)) => false,
        (Json::Number(x), Json::Number(y)) => {
            if let (Some(i), Some(j)) = (x.as_i64(), y.as_i64()) {
                return i == j;
            }
            let (f, g) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            (f - g).abs() <= 1e-9_f64.max(1e-9 * f.abs().max(g.abs()))
        }
        (Json::String(x), Json::String(y)) => {
            x == y
                || (num_like(x)
                    && num_like(y)
                    && x.parse::<Decimal>().ok() == y.parse::<Decimal>().ok()
                    && x.parse::<Decimal>().is_ok())
        }
        (Json::Array(x), Json::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if ordered {
                return x.iter().zip(y).all(|(p, q)| json_eq(p, q, true));
            }
            let mut remaining: Vec<&Json> = y.iter().collect();
            for p in x {
                match remaining.iter().position(|q| json_eq(p, q, true)) {
                    Some(i) => {
                        remaining.remove(i);
                    }
                    None => return false,
                }
            }
            true
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w, true)))
        }
        _ => a == b,
    }
}

/// Compares one recorded scenario with an actual record; returns the problems.
pub fn compare(expected: &Json, actual: &Json, m2m_auto: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(exc) = expected.get("exception") {
        let et = exc["type"].as_str().unwrap_or("");
        let at = actual.get("exception").and_then(|e| e["type"].as_str());
        if at != Some(et) {
            problems.push(format!(
                "expected exception {et}, got {}",
                at.map(String::from)
                    .unwrap_or_else(|| format!("result {}", actual.get("result").cloned().unwrap_or(Json::Null)))
            ));
        }
    } else if let Some(exc) = actual.get("exception") {
        problems.push(format!("unexpected exception {exc}"));
    } else {
        let ordered = expected.get("ordered") != Some(&Json::Bool(false));
        if !json_eq(&expected["result"], actual.get("result").unwrap_or(&Json::Null), ordered) {
            problems.push("result differs".into());
        }
    }
    if let Some(tables) = expected.get("tables_after").and_then(Json::as_object) {
        for (t, rows) in tables {
            let Some(arows) = actual.get("tables_after").and_then(|a| a.get(t)) else {
                problems.push(format!("table {t} missing"));
                continue;
            };
            let auto = m2m_auto.contains(&t.as_str());
            if !json_eq(&norm_table(t, rows, auto), &norm_table(t, arows, auto), !auto) {
                problems.push(format!("table {t} differs"));
            }
        }
    }
    problems
}

/// A table's rows as compared: JSON text columns parsed, and (for an auto-created
/// many-to-many table, `auto`) the surrogate `id` dropped.
pub fn normalized_rows(table: &str, rows: &Json, auto: bool) -> Json {
    norm_table(table, rows, auto)
}

fn norm_table(table: &str, rows: &Json, auto: bool) -> Json {
    let rows = rows.as_array().cloned().unwrap_or_default();
    Json::Array(
        rows.into_iter()
            .map(|mut r| {
                if let Some(obj) = r.as_object_mut() {
                    if table == "shop_entry" {
                        if let Some(Json::String(s)) = obj.get("metadata") {
                            let parsed = serde_json::from_str(s).unwrap_or(Json::Null);
                            obj.insert("metadata".into(), json!({ "__json__": parsed }));
                        }
                    }
                    if auto {
                        obj.remove("id");
                    }
                }
                r
            })
            .collect(),
    )
}

/// The storage type of a `values()` path on `m` (`"blog__name"`, `"pub_date__year"`,
/// `"pk"`), following forward relations; `None` when it is not a field path.
pub fn path_type(m: &'static ModelMeta, path: &str) -> Option<FieldType> {
    let parts: Vec<&str> = path.split("__").collect();
    let mut model = m;
    let mut i = 0;
    let mut ty = loop {
        let f = model.field(parts.get(i)?)?;
        i += 1;
        match (&f.relation, parts.get(i)) {
            (Some(rel), Some(next)) if (rel.to)().field(next).is_some() => model = (rel.to)(),
            _ => break f.ty,
        }
    };
    if ty == FieldType::Json {
        // Keys of the document (`metadata__source__lang`): still JSON.
        return Some(ty);
    }
    for t in &parts[i..] {
        ty = match *t {
            "date" => FieldType::Date,
            "time" => FieldType::Time,
            _ => FieldType::Int,
        };
    }
    Some(ty)
}

/// The type of a `values()` column: a field path of `M`, else one of `extra`
/// (annotations, with the type their expression has).
fn column_type(m: &'static ModelMeta, name: &str, extra: &[(&str, FieldType)]) -> Option<FieldType> {
    extra.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).or_else(|| path_type(m, name))
}

/// `values()` rows of `M` as the recorded dicts, keyed by the path names.
pub fn values_json<M: Model>(rows: &[ormolu::core::driver::Row], extra: &[(&str, FieldType)]) -> Json {
    let m = M::meta();
    Json::Array(
        rows.iter()
            .map(|r| {
                let mut map = Map::new();
                for (name, v) in r.columns.iter().zip(&r.values) {
                    map.insert(name.clone(), cell_json(v, column_type(m, name, extra)));
                }
                Json::Object(map)
            })
            .collect(),
    )
}

/// One `values()` row of `M` as the recorded dict.
pub fn value_row_json<M: Model>(row: &ormolu::core::driver::Row, extra: &[(&str, FieldType)]) -> Json {
    values_json::<M>(std::slice::from_ref(row), extra).as_array().and_then(|a| a.first().cloned()).unwrap_or(Json::Null)
}

/// `values_list()` rows of `M` (named `paths`, in order) as the recorded lists.
pub fn values_list_json<M: Model, S: AsRef<str>>(rows: &[Vec<Value>], paths: &[S]) -> Json {
    let m = M::meta();
    Json::Array(
        rows.iter()
            .map(|r| Json::Array(r.iter().zip(paths).map(|(v, p)| cell_json(v, path_type(m, p.as_ref()))).collect()))
            .collect(),
    )
}

/// A flat `values_list(…, flat=True)` column of `M` named `path` as the recorded list.
pub fn flat_json<M: Model>(values: &[Value], path: &str) -> Json {
    let ty = path_type(M::meta(), path);
    Json::Array(values.iter().map(|v| cell_json(v, ty)).collect())
}

/// One cell in the recorded shape (`ty` when known; JSON documents parsed).
pub fn cell_json(v: &Value, ty: Option<FieldType>) -> Json {
    match ty {
        Some(t) => value_json_for_field(v, t),
        None => value_to_json(v, None),
    }
}

/// Model instances as the recorded list of dicts (`deferred` as in [`instance_json`]).
pub fn instances_json<M: Model>(objs: &[M], deferred: &[&str]) -> Json {
    Json::Array(objs.iter().map(|o| instance_json(o, deferred)).collect())
}

/// The fields a model QuerySet leaves unloaded (its only()/defer()), by name.
pub fn deferred_fields<M: Model>(qs: &ormolu::QuerySet<M>) -> Result<Vec<&'static str>> {
    let m = M::meta();
    let loaded = ormolu::core::compiler::Compiler::loaded_fields(qs.query())?;
    Ok((0..m.fields.len()).filter(|i| !loaded.contains(i)).map(|i| m.fields[i].name).collect())
}
