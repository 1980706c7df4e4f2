//! Multi-row inserts on every backend: every field type round-trips through
//! `bulk_create` (on PostgreSQL, one array per column through `UNNEST`, as Django
//! does; elsewhere a `VALUES` list), keys come back in order, and a value the column
//! cannot hold fails the whole statement instead of being cut.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use ormolu::core::dialect::{Dialect, Postgres};
use ormolu::prelude::*;
use ormolu::queryset::BulkOptions;
use ormolu::Error;
use ormolu_suite::backend_tests;
use rust_decimal::Decimal;
use serde_json::json;

/// A row of every scalar field type, nullable and not.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "b_sample")]
pub struct Sample {
    /// Primary key.
    pub id: Auto<i64>,
    /// A short name (checked length).
    #[ormolu(max_length = 8)]
    pub name: String,
    /// Long text, maybe absent.
    #[ormolu(text)]
    pub notes: Option<String>,
    /// A flag.
    pub flag: bool,
    /// Small, plain and big integers.
    pub small: i16,
    /// An integer, maybe absent.
    pub count: Option<i32>,
    /// A big integer.
    pub big: i64,
    /// A float.
    pub ratio: f64,
    /// Money.
    #[ormolu(max_digits = 10, decimal_places = 2)]
    pub price: Decimal,
    /// A day, maybe absent.
    pub day: Option<NaiveDate>,
    /// A naive timestamp.
    pub at: NaiveDateTime,
    /// An aware timestamp.
    pub seen: DateTime<Utc>,
    /// A time of day.
    pub time: NaiveTime,
    /// A duration.
    pub took: TimeDelta,
    /// Raw bytes.
    pub blob: Vec<u8>,
    /// A UUID.
    pub token: uuid::Uuid,
    /// JSON: SQL NULL is `None`, JSON null `Some(Value::Null)`.
    pub extra: Option<serde_json::Value>,
}

fn sample(i: u32) -> Sample {
    let day = NaiveDate::from_ymd_opt(2024, 3, 1 + i).unwrap();
    Sample {
        name: format!("s{i}"),
        notes: (i % 2 == 0).then(|| format!("note {i} — ünïcode")),
        flag: i % 3 == 0,
        small: -(i as i16),
        count: (i % 2 == 1).then_some(i as i32 * 100),
        big: 5_000_000_000 + i64::from(i),
        ratio: f64::from(i) / 4.0,
        price: Decimal::new(1999 + i64::from(i), 2),
        day: (i != 2).then_some(day),
        at: day.and_hms_opt(8, 30, i).unwrap(),
        seen: day.and_hms_opt(23, 59, 58).unwrap().and_utc(),
        time: NaiveTime::from_hms_micro_opt(12, 0, i, 250_000).unwrap(),
        took: TimeDelta::seconds(90 * i64::from(i)) + TimeDelta::microseconds(7),
        blob: vec![0, 1, 2, 255, i as u8],
        token: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_0fed_cba9_8765_4321 + u128::from(i)),
        extra: match i % 3 {
            0 => None,
            1 => Some(json!({"k": [i, "v"], "nested": {"x": null}})),
            _ => Some(serde_json::Value::Null),
        },
        ..Default::default()
    }
}

async fn setup(db: &Db) {
    ormolu::schema::create_tables(db, &[Sample::meta()]).await.unwrap();
}

backend_tests! {
    async fn every_field_type_round_trips_in_order_with_keys(db) {
        setup(db).await;
        let objs: Vec<Sample> = (0..6).map(sample).collect();
        let made = Sample::objects().bulk_create(db, objs.clone(), BulkOptions::default()).await.unwrap();
        assert_eq!(made.len(), 6);
        let mut keys: Vec<i64> = made.iter().map(|s| *s.id.get().expect("a key read back")).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "keys in insertion order: {keys:?}");
        let back = Sample::objects().order_by(["id"]).all(db).await.unwrap();
        assert_eq!(back, made, "every value as written, each object with its own key");
        for (read, wrote) in back.iter().zip(&objs) {
            assert_eq!(Sample { id: Auto::unset(), ..read.clone() }, *wrote);
        }
        // Batches of two: three statements, still in order.
        let more = Sample::objects().bulk_create(db, (6..11).map(sample).collect(), BulkOptions::batch(2)).await;
        keys.extend(more.unwrap().iter().map(|s| *s.id.get().unwrap()));
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Sample::objects().count(db).await.unwrap(), 11);
    }

    async fn one_statement_per_batch_and_column_arrays_on_postgres(db) {
        setup(db).await;
        // PostgreSQL's threshold for column arrays, on every backend alike.
        let from = Postgres.features().unnest_insert_min_rows;
        let n = from as u32;
        let (made, sent) = ormolu::testing::count_queries(db, async {
            Sample::objects().bulk_create(db, (0..n).map(sample).collect(), BulkOptions::default()).await
        })
        .await;
        let made = made.unwrap();
        assert_eq!(made.len(), from);
        let inserts: Vec<_> = sent.iter().filter(|s| s.sql.starts_with("INSERT")).collect();
        assert_eq!(inserts.len(), 1, "{sent:?}");
        let columns = Sample::meta().fields.len() - 1;
        if db.dialect().name() == "postgresql" {
            assert!(inserts[0].sql.contains("SELECT * FROM UNNEST(($1)::text[]"), "{}", inserts[0].sql);
            assert_eq!(inserts[0].params.len(), columns, "one array per column");
        } else {
            assert!(inserts[0].sql.contains(" VALUES "), "{}", inserts[0].sql);
            assert_eq!(inserts[0].params.len(), columns * from);
        }
        // Rows stored in order, whatever the form.
        let names: Vec<String> = Sample::objects().order_by(["id"]).all(db).await.unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, made.iter().map(|s| s.name.clone()).collect::<Vec<_>>());
        // Fewer rows: a VALUES list everywhere (faster for the server than UNNEST).
        let (few, sent) = ormolu::testing::count_queries(db, async {
            Sample::objects().bulk_create(db, (20..25).map(sample).collect(), BulkOptions::default()).await
        })
        .await;
        assert_eq!(few.unwrap().len(), 5);
        let inserts: Vec<_> = sent.iter().filter(|s| s.sql.starts_with("INSERT")).collect();
        assert!(inserts[0].sql.contains(" VALUES "), "{}", inserts[0].sql);
        assert_eq!(inserts[0].params.len(), columns * 5);
        // A single row is a plain VALUES insert everywhere (nothing to gain).
        let (one, sent) = ormolu::testing::count_queries(db, async {
            Sample::objects().bulk_create(db, vec![sample(9)], BulkOptions::default()).await
        })
        .await;
        assert_eq!(one.unwrap().len(), 1);
        assert!(sent.iter().any(|s| s.sql.starts_with("INSERT") && s.sql.contains(" VALUES ")), "{sent:?}");
    }

    async fn a_value_too_long_fails_the_whole_insert_instead_of_being_cut(db) {
        setup(db).await;
        let mut objs: Vec<Sample> = (0..4).map(sample).collect();
        objs[2].name = "much too long".into();
        let res = Sample::objects().bulk_create(db, objs, BulkOptions::default()).await;
        if db.dialect().name() == "sqlite" {
            // SQLite does not check lengths (nor does Django there): stored as given.
            res.unwrap();
            let names = Sample::objects().order_by(["id"]).values_flat::<String>("name").all(db).await.unwrap();
            assert_eq!(names[2].0, "much too long");
        } else {
            let err = res.unwrap_err();
            assert!(matches!(err, Error::Database { .. }), "{err:?}");
            assert!(err.to_string().to_lowercase().contains("too long"), "{err}");
            assert_eq!(Sample::objects().count(db).await.unwrap(), 0, "no row of the statement is left");
        }
    }
}
