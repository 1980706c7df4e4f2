//! Without the `uuid` / `json` features, UUID and JSON cells are read as text (as
//! `Value::Uuid` / `Value::Json` when another crate of the build turns on
//! ormolu-core's features: `Value::from_uuid_bytes` / `from_json_bytes` say which).

mod common;

use ormolu_core::Value;

#[cfg(not(feature = "uuid"))]
#[tokio::test]
async fn uuid_reads_as_text() {
    let db = common::TestDb::new().await;
    let mut c = db.conn().await;
    let u = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let rows = c.query("SELECT $1::uuid AS u", &[Value::Text(u.to_uppercase())]).await.unwrap();
    let bytes = [0x67, 0xe5, 0x50, 0x44, 0x10, 0xb1, 0x42, 0x6f, 0x92, 0x47, 0xbb, 0x68, 0x0e, 0x5f, 0xe0, 0xc8];
    assert_eq!(rows[0].values, vec![Value::from_uuid_bytes(bytes)]);
    db.finish().await;
}

#[cfg(not(feature = "json"))]
#[tokio::test]
async fn json_reads_as_text() {
    let db = common::TestDb::new().await;
    let mut c = db.conn().await;
    let rows = c
        .query(
            "SELECT $1::jsonb AS b, $2::json AS j",
            &[Value::Text(r#"{"a":1}"#.into()), Value::Text(r#"{"a":1}"#.into())],
        )
        .await
        .unwrap();
    let (jsonb, json) = (Value::from_json_bytes(br#"{"a": 1}"#), Value::from_json_bytes(br#"{"a":1}"#));
    assert_eq!(rows[0].values, vec![jsonb.unwrap(), json.unwrap()]);
    db.finish().await;
}

#[tokio::test]
async fn citext_reads_and_binds_as_text() {
    let db = common::TestDb::new().await;
    let mut c = db.conn().await;
    let create = format!("CREATE EXTENSION IF NOT EXISTS citext SCHEMA {}", db.schema);
    if c.batch(&create).await.is_err() {
        eprintln!("citext is not available; skipped");
        return db.finish().await;
    }
    // Installed here, or already elsewhere in this database.
    let ns = c
        .query("SELECT extnamespace::regnamespace::text AS ns FROM pg_extension WHERE extname = 'citext'", &[])
        .await
        .unwrap();
    let Value::Text(ns) = ns[0].values[0].clone() else { panic!("{ns:?}") };
    c.batch(&format!("CREATE TABLE people (email {ns}.citext UNIQUE)")).await.unwrap();
    c.execute("INSERT INTO people VALUES ($1)", &[Value::Text("Ann@Example.com".into())]).await.unwrap();
    let rows =
        c.query("SELECT email FROM people WHERE email = $1", &[Value::Text("ann@example.COM".into())]).await.unwrap();
    assert_eq!(rows[0].values, vec![Value::Text("Ann@Example.com".into())]);
    let e = c.execute("INSERT INTO people VALUES ($1)", &[Value::Text("ANN@example.com".into())]).await;
    assert!(e.unwrap_err().is_unique_violation());
    drop(c);
    db.finish().await;
}

#[tokio::test]
async fn citext_like_extension_types_read_as_text() {
    let db = common::TestDb::new().await;
    let mut c = db.conn().await;
    // A user-defined base type is not available without C; a domain over text and an
    // enum stand in for "text-like" types the driver does not know by OID.
    c.batch("CREATE DOMAIN email AS text; CREATE TYPE color AS ENUM ('red')").await.unwrap();
    let rows = c.query("SELECT $1::email AS e, 'red'::color AS c", &[Value::Text("a@b.c".into())]).await.unwrap();
    assert_eq!(rows[0].values, vec![Value::Text("a@b.c".into()), Value::Text("red".into())]);
    db.finish().await;
}
