//! Connecting, binding and reading every value, counts, errors, REGEXP, pool limits.

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use ormolu_core::driver::{Connection, Pool, PoolOptions, RunNow};
use ormolu_core::error::IntegrityKind;
use ormolu_core::{Error, FromValue, Value};
use ormolu_sqlite::{connect, SqliteConnection};
use rust_decimal::Decimal;

async fn memory() -> SqliteConnection {
    let pool = connect("sqlite::memory:", PoolOptions::default()).await.unwrap();
    pool.get().await.unwrap()
}

async fn one(conn: &mut dyn Connection, sql: &str, params: &[Value]) -> Value {
    let rows = conn.query(sql, params).await.unwrap();
    assert_eq!(rows.len(), 1, "{sql}");
    rows[0].values[0].clone()
}

/// A unique temp file path; the file and its WAL companions are removed on drop.
struct TempDb(std::path::PathBuf);
impl TempDb {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        TempDb(std::env::temp_dir().join(format!("ormolu-sqlite-{name}-{}-{nanos}.db", std::process::id())))
    }
    fn url(&self, query: &str) -> String {
        format!("sqlite://{}{query}", self.0.display())
    }
}
impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

#[tokio::test]
async fn memory_is_one_database_for_the_pool() {
    let pool = connect("sqlite://:memory:", PoolOptions { max_size: 8, ..Default::default() }).await.unwrap();
    assert_eq!(pool.options().max_size, 1);
    assert_eq!(pool.dialect().name(), "sqlite");
    {
        let mut c = pool.acquire().await.unwrap();
        c.batch("CREATE TABLE t (a integer); INSERT INTO t VALUES (1);").await.unwrap();
        c.ping().await.unwrap();
    }
    let mut c = pool.get().await.unwrap();
    assert_eq!(one(&mut c, "SELECT count(*) FROM t", &[]).await, Value::I64(1));
}

#[tokio::test]
async fn file_database_modes_and_sharing() {
    let db = TempDb::new("file");
    let pool = connect(&db.url("?max_connections=2"), PoolOptions::default()).await.unwrap();
    assert!(db.0.exists());
    let mut a = pool.get().await.unwrap();
    let mut b = pool.get().await.unwrap();
    assert_eq!(one(&mut a, "PRAGMA journal_mode", &[]).await, Value::Text("wal".into()));
    assert_eq!(one(&mut a, "PRAGMA foreign_keys", &[]).await, Value::I64(1));
    assert_eq!(one(&mut a, "PRAGMA busy_timeout", &[]).await, Value::I64(5000));
    a.batch("CREATE TABLE t (a integer)").await.unwrap();
    a.execute("INSERT INTO t VALUES (?)", &[Value::I64(7)]).await.unwrap();
    assert_eq!(one(&mut b, "SELECT a FROM t", &[]).await, Value::I64(7));
    drop((a, b));

    let ro = connect(&db.url("?mode=ro"), PoolOptions::default()).await.unwrap();
    let mut c = ro.get().await.unwrap();
    assert_eq!(one(&mut c, "SELECT a FROM t", &[]).await, Value::I64(7));
    let err = c.execute("INSERT INTO t VALUES (1)", &[]).await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");

    let missing = TempDb::new("missing");
    let err = connect(&missing.url("?mode=rw"), PoolOptions::default()).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(!missing.0.exists());
}

#[tokio::test]
async fn every_value_round_trips() {
    let mut c = memory().await;
    c.batch(
        "CREATE TABLE v (id integer PRIMARY KEY AUTOINCREMENT, n text, b bool, i bigint, f real, t text,
         y BLOB, d decimal, dt date, ts datetime, tz datetime, tm time, du bigint, u char(32), j text)",
    )
    .await
    .unwrap();
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let ts = date.and_hms_micro_opt(13, 45, 1, 250).unwrap();
    let whole: NaiveDateTime = date.and_hms_opt(8, 0, 0).unwrap();
    let tz = Utc.with_ymd_and_hms(2023, 12, 31, 23, 59, 59).unwrap();
    let tm = NaiveTime::from_hms_micro_opt(9, 30, 0, 5).unwrap();
    let du = TimeDelta::days(1) + TimeDelta::microseconds(3);
    let dec: Decimal = "12.50".parse().unwrap();
    #[allow(unused_mut)]
    let mut params = vec![
        Value::Null,
        Value::Bool(true),
        Value::I64(i64::MIN),
        Value::F64(1.5),
        Value::Text("héllo".into()),
        Value::Bytes(vec![0, 1, 255]),
        Value::Decimal(dec),
        Value::Date(date),
        Value::DateTime(ts),
        Value::DateTimeUtc(tz),
        Value::Time(tm),
        Value::Duration(du),
    ];
    #[cfg(feature = "uuid")]
    params.push(Value::Uuid(uuid::Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap()));
    #[cfg(not(feature = "uuid"))]
    params.push(Value::Null);
    #[cfg(feature = "json")]
    params.push(Value::Json(serde_json::json!({"a": [1, true, null]})));
    #[cfg(not(feature = "json"))]
    params.push(Value::Null);
    let r = c
        .execute(
            "INSERT INTO v (n, b, i, f, t, y, d, dt, ts, tz, tm, du, u, j) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            &params,
        )
        .await
        .unwrap();
    assert_eq!(r, ormolu_core::driver::ExecResult { rows_affected: 1, last_insert_id: Some(1) });

    let rows = c.query("SELECT n, b, i, f, t, y, d, dt, ts, tz, tm, du, u, j FROM v", &[]).await.unwrap();
    let row = &rows[0];
    assert_eq!(&row.columns[..3], ["n", "b", "i"]);
    let get = |name: &str| row.get(name).unwrap().clone();
    assert_eq!(get("n"), Value::Null);
    assert_eq!(get("b"), Value::I64(1));
    assert!(bool::from_value(get("b")).unwrap());
    assert_eq!(get("i"), Value::I64(i64::MIN));
    assert_eq!(get("f"), Value::F64(1.5));
    assert_eq!(get("t"), Value::Text("héllo".into()));
    assert_eq!(get("y"), Value::Bytes(vec![0, 1, 255]));
    assert_eq!(Decimal::from_value(get("d")).unwrap(), dec);
    assert_eq!(get("dt"), Value::Text("2024-02-29".into()));
    assert_eq!(get("ts"), Value::Text("2024-02-29 13:45:01.000250".into()));
    assert_eq!(NaiveDateTime::from_value(get("ts")).unwrap(), ts);
    assert_eq!(get("tz"), Value::Text("2023-12-31 23:59:59".into()));
    assert_eq!(chrono::DateTime::<Utc>::from_value(get("tz")).unwrap(), tz);
    assert_eq!(get("tm"), Value::Text("09:30:00.000005".into()));
    assert_eq!(NaiveTime::from_value(get("tm")).unwrap(), tm);
    assert_eq!(get("du"), Value::I64(86_400_000_003));
    assert_eq!(TimeDelta::from_value(get("du")).unwrap(), du);
    #[cfg(feature = "uuid")]
    assert_eq!(get("u"), Value::Text("67e5504410b1426f9247bb680e5fe0c8".into()));
    #[cfg(feature = "json")]
    assert_eq!(serde_json::Value::from_value(get("j")).unwrap(), serde_json::json!({"a": [1, true, null]}));

    // Whole seconds carry no fraction; the decimal column's NUMERIC affinity made a number.
    c.execute("UPDATE v SET ts = ?", &[Value::DateTime(whole)]).await.unwrap();
    assert_eq!(one(&mut c, "SELECT ts FROM v", &[]).await, Value::Text("2024-02-29 08:00:00".into()));
    assert_eq!(one(&mut c, "SELECT typeof(d) FROM v", &[]).await, Value::Text("real".into()));
}

#[tokio::test]
async fn counts_and_insert_ids() {
    let mut c = memory().await;
    c.batch("CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT, a integer)").await.unwrap();
    for (i, a) in [10, 20, 30].into_iter().enumerate() {
        let r = c.execute("INSERT INTO t (a) VALUES (?)", &[Value::I64(a)]).await.unwrap();
        assert_eq!((r.rows_affected, r.last_insert_id), (1, Some(i as i64 + 1)));
    }
    let r = c.execute("UPDATE t SET a = a + 1 WHERE a >= ?", &[Value::I64(20)]).await.unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (2, None));
    // A statement that changes nothing reports 0, not the previous statement's count.
    let r = c.execute("CREATE TABLE u (x integer)", &[]).await.unwrap();
    assert_eq!(r.rows_affected, 0);
    let r = c.execute("INSERT INTO t (a) VALUES (1), (2) RETURNING id", &[]).await.unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (2, Some(5)));
    let r = c.execute("DELETE FROM t", &[]).await.unwrap();
    assert_eq!(r.rows_affected, 5);
    let err = c.execute("INSERT INTO t (a) VALUES (?)", &[]).await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
}

#[tokio::test]
async fn integrity_errors_have_kind_and_constraint() {
    let mut c = memory().await;
    c.batch(
        "CREATE TABLE shop_category (id integer PRIMARY KEY AUTOINCREMENT, name varchar(10) NOT NULL UNIQUE);
         CREATE TABLE shop_item (id integer PRIMARY KEY AUTOINCREMENT,
            category_id integer NOT NULL REFERENCES shop_category (id),
            price integer CONSTRAINT price_positive CHECK (price > 0));
         INSERT INTO shop_category (id, name) VALUES (1, 'tea');",
    )
    .await
    .unwrap();
    let cases: [(&str, Vec<Value>, IntegrityKind, Option<&str>); 5] = [
        (
            "INSERT INTO shop_category (name) VALUES (?)",
            vec!["tea".into()],
            IntegrityKind::Unique,
            Some("shop_category.name"),
        ),
        (
            "INSERT INTO shop_category (id, name) VALUES (1, ?)",
            vec!["x".into()],
            IntegrityKind::Unique,
            Some("shop_category.id"),
        ),
        (
            "INSERT INTO shop_category (name) VALUES (?)",
            vec![Value::Null],
            IntegrityKind::NotNull,
            Some("shop_category.name"),
        ),
        (
            "INSERT INTO shop_item (category_id, price) VALUES (?, 1)",
            vec![Value::I64(99)],
            IntegrityKind::ForeignKey,
            None,
        ),
        (
            "INSERT INTO shop_item (category_id, price) VALUES (1, ?)",
            vec![Value::I64(-1)],
            IntegrityKind::Check,
            Some("price_positive"),
        ),
    ];
    for (sql, params, want_kind, want_constraint) in cases {
        match c.execute(sql, &params).await.unwrap_err() {
            Error::Integrity { kind, constraint, message, source } => {
                assert_eq!(kind, want_kind, "{sql}: {message}");
                assert_eq!(constraint.as_deref(), want_constraint, "{sql}: {message}");
                assert!(source.is_some());
            }
            other => panic!("{sql}: {other:?}"),
        }
    }
    match c.query("SELECT * FROM nowhere", &[]).await.unwrap_err() {
        Error::Database { message, sql, .. } => {
            assert!(message.contains("no such table"), "{message}");
            assert_eq!(sql, "SELECT * FROM nowhere");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn regexp() {
    let mut c = memory().await;
    let m = |s: &str, p: &str| vec![Value::Text(s.into()), Value::Text(p.into())];
    assert_eq!(one(&mut c, "SELECT ? REGEXP ?", &m("Hello", "l+o$")).await, Value::I64(1));
    assert_eq!(one(&mut c, "SELECT ? REGEXP ?", &m("Hello", "^ello")).await, Value::I64(0));
    assert_eq!(one(&mut c, "SELECT ? REGEXP ?", &m("Hello", "HELLO")).await, Value::I64(0));
    assert_eq!(one(&mut c, "SELECT ? REGEXP '(?i)' || ?", &m("Hello", "HELLO")).await, Value::I64(1));
    assert_eq!(one(&mut c, "SELECT 12345 REGEXP '^12'", &[]).await, Value::I64(1));
    assert_eq!(one(&mut c, "SELECT NULL REGEXP 'a'", &[]).await, Value::Null);
    assert_eq!(one(&mut c, "SELECT 'a' REGEXP NULL", &[]).await, Value::Null);
    c.batch("CREATE TABLE w (s text); INSERT INTO w VALUES ('apple'), ('Apricot'), ('pear'), (NULL);").await.unwrap();
    let n = one(&mut c, "SELECT count(*) FROM w WHERE s REGEXP '(?i)' || ?", &["^ap".into()]).await;
    assert_eq!(n, Value::I64(2));
    let err = c.query("SELECT 'a' REGEXP '('", &[]).await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    c.ping().await.unwrap();
}

#[tokio::test]
async fn bad_urls_are_config_errors() {
    for url in ["postgres://localhost/db", "sqlite:", "sqlite://", "sqlite://x.db?mode=rwx", "sqlite://x.db?colour=red"]
    {
        match connect(url, PoolOptions::default()).await {
            Err(Error::Config(msg)) => assert!(msg.contains(url), "{msg}"),
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn pool_timeout_and_close() {
    let opts = PoolOptions { acquire_timeout: Duration::from_millis(100), ..Default::default() };
    let pool = connect("sqlite::memory:", opts).await.unwrap();
    let held = pool.get().await.unwrap();
    match pool.acquire().await.map(|_| ()).unwrap_err() {
        Error::Pool(msg) => assert!(msg.contains("timed out after 100ms"), "{msg}"),
        other => panic!("{other:?}"),
    }
    drop(held);
    pool.get().await.unwrap();
    let shared = pool.clone().into_dyn();
    shared.close();
    assert!(pool.is_closed());
    assert!(matches!(pool.get().await.unwrap_err(), Error::Pool(_)));
}

/// An idle connection given back is handed to the next checkout as it is (its own
/// temporary table is still there), without a future; one given back inside a
/// transaction goes to deadpool, whose recycle rolls the transaction back.
#[tokio::test]
async fn idle_connections_come_back_warm_and_open_transactions_do_not() {
    let db = TempDb::new("warm");
    let pool = connect(&db.url("?max_connections=2"), PoolOptions::default()).await.unwrap();
    {
        let mut c = pool.get().await.unwrap();
        c.batch("CREATE TABLE t (a integer); CREATE TEMP TABLE mine (a integer);").await.unwrap();
    }
    {
        let mut c = pool.try_acquire().expect("the idle connection is kept warm");
        assert_eq!(one(&mut *c, "SELECT count(*) FROM mine", &[]).await, Value::I64(0));
        c.batch("BEGIN; INSERT INTO t VALUES (1);").await.unwrap();
    }
    assert!(pool.try_acquire().is_none(), "a connection left inside a transaction is not kept warm");
    let mut c = pool.get().await.unwrap();
    assert_eq!(one(&mut c, "SELECT count(*) FROM t", &[]).await, Value::I64(0), "rolled back");
    c.execute("INSERT INTO t VALUES (2)", &[]).await.unwrap();
    drop(c);
    pool.clone().into_dyn().close();
    assert!(pool.try_acquire().is_none(), "a closed pool keeps nothing warm");
}

/// `query_each_now` runs a read at once on the warm connection; a write, or a read
/// with no warm connection free, is left to a checked-out connection (`None`).
#[tokio::test]
async fn reads_run_at_once_on_the_warm_connection() {
    let db = TempDb::new("now");
    let pool = connect(&db.url(""), PoolOptions::default()).await.unwrap();
    pool.get().await.unwrap().batch("CREATE TABLE t (a integer); INSERT INTO t VALUES (1), (2);").await.unwrap();
    let mut seen = Vec::new();
    let mut each = |row: &mut dyn ormolu_core::row::RawRow| {
        seen.push(row.value(0)?);
        Ok(())
    };
    let done = matches!(pool.query_each_now("SELECT a FROM t ORDER BY a", &[], &mut each), Some(RunNow::Done(Ok(()))));
    assert!(done, "a read runs to the end at once");
    match pool.query_each_now("SELECT nope FROM t", &[], &mut each) {
        Some(RunNow::Done(Err(e))) => assert!(e.to_string().contains("nope"), "{e}"),
        _ => panic!("a read runs here, its error with it"),
    }
    let none = pool.query_each_now("INSERT INTO t VALUES (3)", &[], &mut each).is_none();
    assert!(none, "writes take the gate");
    let held = pool.try_acquire().expect("the warm connection");
    let none = pool.query_each_now("SELECT a FROM t", &[], &mut each).is_none();
    assert!(none, "no warm connection free");
    drop((held, each));
    assert_eq!(seen, vec![Value::I64(1), Value::I64(2)]);
}
