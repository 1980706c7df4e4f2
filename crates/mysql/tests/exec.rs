//! execute: rows affected (found rows), last insert id; batch; ping; transactions.
mod common;

use ormolu_core::driver::{Connection, Pool, PoolOptions};
use ormolu_core::Value;

#[tokio::test]
async fn rows_affected_counts_found_rows_and_ids() {
    let db = common::TestDb::new().await;
    let mut c = db.conn().await;
    c.batch("CREATE TABLE p (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL); CREATE TABLE k (code varchar(5) PRIMARY KEY)")
        .await
        .unwrap();

    let r = c.execute("INSERT INTO p (name) VALUES (?)", &[Value::from("a")]).await.unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (1, Some(1)));
    let r =
        c.execute("INSERT INTO p (name) VALUES (?), (?), (?)", &["b".into(), "c".into(), "a".into()]).await.unwrap();
    // MySQL reports the first id of a multi-row insert.
    assert_eq!((r.rows_affected, r.last_insert_id), (3, Some(2)));
    let r = c.execute("INSERT INTO p (id, name) VALUES (100, 'z')", &[]).await.unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (1, Some(100)));

    // Without an AUTO_INCREMENT column there is no id.
    let r = c.execute("INSERT INTO k (code) VALUES (?)", &["x".into()]).await.unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (1, None));

    // An UPDATE that changes nothing still counts the rows it matched (found rows).
    let r = c.execute("UPDATE p SET name = ? WHERE name = ?", &["a".into(), "a".into()]).await.unwrap();
    assert_eq!(r.rows_affected, 2);
    let r = c.execute("UPDATE p SET name = 'b' WHERE id = 2", &[]).await.unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (1, None));
    let r = c.execute("UPDATE p SET name = ? WHERE id = ?", &["q".into(), Value::I64(999)]).await.unwrap();
    assert_eq!(r.rows_affected, 0);
    let r = c.execute("DELETE FROM p WHERE id > ?", &[Value::I64(2)]).await.unwrap();
    assert_eq!(r.rows_affected, 3);
    let n = c.query("SELECT COUNT(*) AS n FROM p", &[]).await.unwrap();
    assert_eq!(n[0].get("n"), Some(&Value::I64(2)));
}

#[tokio::test]
async fn batch_ping_and_session_settings() {
    let db = common::TestDb::new().await;
    let mut c = db.conn().await;
    c.ping().await.unwrap();
    c.batch("CREATE TABLE a (x int); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2)").await.unwrap();
    let rows = c.query("SELECT SUM(x) AS s FROM a", &[]).await.unwrap();
    assert_eq!(rows[0].values, vec![Value::Decimal(3.into())]);
    let rows = c.query("SELECT @@session.time_zone, @@session.sql_mode", &[]).await.unwrap();
    assert_eq!(rows[0].values[0], Value::Text("+00:00".into()));
    assert!(matches!(&rows[0].values[1], Value::Text(m) if m.contains("STRICT_TRANS_TABLES")));
    // A query that returns no result set gives no rows.
    assert!(c.query("DO 1", &[]).await.unwrap().is_empty());
    // Statements that cannot be prepared still run without parameters.
    c.execute("LOCK TABLES a WRITE", &[]).await.unwrap();
    c.execute("UNLOCK TABLES", &[]).await.unwrap();
}

#[tokio::test]
async fn transactions_and_a_connection_dropped_in_one() {
    let db = common::TestDb::with_options(PoolOptions { max_size: 1, ..PoolOptions::default() }).await;
    let mut c = db.conn().await;
    c.batch("CREATE TABLE a (x int) ENGINE=InnoDB").await.unwrap();
    c.batch("BEGIN").await.unwrap();
    c.execute("INSERT INTO a VALUES (?)", &[Value::I64(1)]).await.unwrap();
    c.batch("ROLLBACK").await.unwrap();
    c.batch("BEGIN; INSERT INTO a VALUES (2); COMMIT").await.unwrap();

    // Left inside a transaction: the pool rolls it back before reuse.
    c.batch("BEGIN").await.unwrap();
    c.execute("INSERT INTO a VALUES (?)", &[Value::I64(3)]).await.unwrap();
    drop(c);
    let mut c = db.pool.acquire().await.unwrap();
    let rows = c.query("SELECT x FROM a ORDER BY x", &[]).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.values[0].clone()).collect::<Vec<_>>(), vec![Value::I64(2)]);
    // The session settings survive the reset.
    let tz = c.query("SELECT @@session.time_zone", &[]).await.unwrap();
    assert_eq!(tz[0].values[0], Value::Text("+00:00".into()));
}

async fn status(c: &mut dyn Connection, name: &str) -> i64 {
    let rows = c.query(&format!("SHOW SESSION STATUS LIKE '{name}'"), &[]).await.unwrap();
    rows[0].values[1].to_string().trim_matches('"').parse().unwrap()
}

#[tokio::test]
async fn statements_are_cached_or_closed() {
    use futures_util::StreamExt;
    for capacity in [0, 16] {
        let db =
            common::TestDb::with_options(PoolOptions { statement_cache_capacity: capacity, ..PoolOptions::default() })
                .await;
        let mut c = db.conn().await;
        for i in 0..20 {
            c.execute("DO ?", &[Value::I64(i)]).await.unwrap();
            c.query("SELECT ? AS x", &[Value::I64(i)]).await.unwrap();
            let n = c.stream("SELECT ? AS x", &[Value::I64(i)]).count().await;
            assert_eq!(n, 1);
        }
        let prepared = status(&mut *c, "Com_stmt_prepare").await;
        let closed = status(&mut *c, "Com_stmt_close").await;
        if capacity == 0 {
            assert_eq!((prepared, closed), (60, 60));
        } else {
            assert_eq!((prepared, closed), (2, 0));
        }
    }
}

/// More distinct statements than the cache holds, in and out of a transaction: each
/// call still runs its own statement (ormolu's kept statements follow the driver's
/// cache, which closes what it evicts).
#[tokio::test]
async fn more_statements_than_the_cache_holds() {
    let db = common::TestDb::with_options(PoolOptions { statement_cache_capacity: 2, ..PoolOptions::default() }).await;
    let mut c = db.conn().await;
    c.batch("CREATE TABLE t (id bigint PRIMARY KEY, n bigint NOT NULL)").await.unwrap();
    for round in 0..2 {
        if round == 1 {
            c.batch("BEGIN").await.unwrap();
        }
        for i in 0..12i64 {
            let (k, id) = (i % 3, round * 100 + i);
            let r =
                c.execute(&format!("INSERT INTO t (id, n) VALUES (?, ? + {k})"), &[id.into(), i.into()]).await.unwrap();
            assert_eq!(r.rows_affected, 1);
            let mut seen = Vec::new();
            c.query_each(&format!("SELECT n - {k} FROM t WHERE id = ?"), &[id.into()], &mut |row| {
                seen.push(row.value(0)?);
                Ok(())
            })
            .await
            .unwrap();
            assert_eq!(seen, [Value::I64(i)], "query_each of statement {k}");
            let rows = c.query(&format!("SELECT ? * {}", k + 1), &[i.into()]).await.unwrap();
            assert_eq!(rows[0].values[0], Value::I64(i * (k + 1)), "query of statement {k}");
        }
        if round == 1 {
            c.batch("COMMIT").await.unwrap();
        }
    }
    let rows = c.query("SELECT COUNT(*) FROM t", &[]).await.unwrap();
    assert_eq!(rows[0].values[0], Value::I64(24));
    assert!(status(&mut *c, "Com_stmt_close").await > 0, "the driver evicted statements");
}

/// A statement ormolu kept that the server closed behind its back (here: the raw
/// connection reset) fails with `ER_UNKNOWN_STMT_HANDLER` without running; the
/// connection prepares it again and runs it once.
#[tokio::test]
async fn statements_closed_behind_ormolus_back_are_prepared_again() {
    let db = common::TestDb::new().await;
    let mut c = db.pool.get().await.unwrap();
    c.batch("CREATE TABLE t (id bigint AUTO_INCREMENT PRIMARY KEY)").await.unwrap();
    let insert = "INSERT INTO t (id) VALUES (?)";
    let count = "SELECT COUNT(*) FROM t WHERE id > ?";
    for i in 1..=3i64 {
        if i > 1 {
            // Frees every prepared statement on the server (and the driver's cache).
            c.inner_mut().reset().await.unwrap();
        }
        assert_eq!(c.execute(insert, &[Value::Null]).await.unwrap().rows_affected, 1);
        assert_eq!(c.query(count, &[0.into()]).await.unwrap()[0].values[0], Value::I64(i));
        let mut n = Vec::new();
        c.query_each(count, &[0.into()], &mut |row| {
            n.push(row.value(0)?);
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(n, [Value::I64(i)]);
    }
    // Since the last reset (which also restarts the session's counters): each
    // statement prepared again once, and run from then on.
    assert_eq!(status(&mut c, "Com_stmt_prepare").await, 2);
}

/// The first error the row callback returns is the query's error; the rest of the
/// rows are read and dropped, so the same connection runs the next statement.
#[tokio::test]
async fn an_error_from_the_row_callback_stops_the_query_and_leaves_the_connection_clean() {
    let db = common::TestDb::new().await;
    let mut c = db.conn().await;
    c.batch("CREATE TABLE t (id bigint PRIMARY KEY)").await.unwrap();
    c.execute("INSERT INTO t (id) VALUES (1), (2), (3), (4)", &[]).await.unwrap();
    let mut calls = 0;
    let err = c
        .query_each("SELECT id FROM t WHERE id > ? ORDER BY id", &[0.into()], &mut |row| {
            calls += 1;
            match row.value(0)? {
                Value::I64(2) => Err(ormolu_core::Error::Decode("stop at 2".into())),
                _ => Ok(()),
            }
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("stop at 2"), "{err}");
    assert_eq!(calls, 2, "no row after the failing one reaches the callback");
    let rows = c.query("SELECT COUNT(*) FROM t WHERE id > ?", &[1.into()]).await.unwrap();
    assert_eq!(rows[0].values[0], Value::I64(3));
}
