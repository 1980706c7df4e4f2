//! Array fields (Django's `django.contrib.postgres.fields.ArrayField`) on every
//! backend: real round trips on PostgreSQL (create, save, bulk_create,
//! refresh_from_db, each lookup, `len`, index, slice, update, values, NULL arrays,
//! every element type), `Error::NotSupported` on SQLite and MySQL/MariaDB.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ormolu::prelude::*;
use ormolu::{Error, Value};
use ormolu_suite::backend_tests;

/// A post with tags.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "arr_post")]
pub struct Post {
    /// Primary key.
    pub id: Auto<i64>,
    /// Title.
    #[ormolu(max_length = 50)]
    pub title: String,
    /// Tags: `varchar(20)[]`.
    #[ormolu(max_length = 20)]
    pub tags: Vec<String>,
    /// Scores, maybe NULL: `integer[]`.
    pub scores: Option<Vec<i32>>,
}

/// One array of every element type.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "arr_sample")]
pub struct Sample {
    /// Primary key.
    pub id: Auto<i64>,
    /// smallint[].
    pub smalls: Vec<i16>,
    /// bigint[], with a NULL element.
    pub bigs: Vec<Option<i64>>,
    /// real[].
    pub reals: Vec<f32>,
    /// double precision[].
    pub doubles: Vec<f64>,
    /// boolean[].
    pub flags: Vec<bool>,
    /// numeric(8, 2)[].
    #[ormolu(max_digits = 8, decimal_places = 2)]
    pub prices: Vec<Decimal>,
    /// date[].
    pub days: Vec<NaiveDate>,
    /// timestamp[].
    pub stamps: Vec<NaiveDateTime>,
    /// timestamp[] of UTC datetimes.
    pub utc: Vec<DateTime<Utc>>,
    /// uuid[].
    pub ids: Vec<uuid::Uuid>,
    /// text[].
    pub notes: Vec<String>,
}

fn post(title: &str, tags: &[&str], scores: Option<Vec<i32>>) -> Post {
    Post { title: title.into(), tags: tags.iter().map(|s| s.to_string()).collect(), scores, ..Default::default() }
}

async fn titles(db: &Db, q: Q<Post>) -> Vec<String> {
    Post::objects().filter(q).order_by(["title"]).values_flat::<String>("title").list(db).await.unwrap()
}

/// The error names the feature and the backend.
fn not_supported(db: &Db, err: Error, what: &str) {
    assert!(matches!(err, Error::NotSupported { .. }), "{err}");
    let text = err.to_string();
    let backend = db.dialect().name();
    assert!(text.contains(what) && text.contains(backend), "{text}");
}

backend_tests! {
    async fn array_fields(db) {
        let created = ormolu::schema::create_tables(db, &[Post::meta(), Sample::meta()]).await;
        if !db.dialect().features().supports_array_fields {
            not_supported(db, created.unwrap_err(), "ArrayField");
            // Lookups and values are refused before reaching the database.
            let q = Post::objects().filter(Post::tags().contains(vec!["a"]));
            not_supported(db, q.count(db).await.unwrap_err(), "ArrayField lookup `contains`");
            let q = Post::objects().filter(q!(tags__len__gt = 1));
            not_supported(db, q.count(db).await.unwrap_err(), "ArrayField transform `len`");
            let err = Post::objects().create(db, post("a", &["x"], None)).await.unwrap_err();
            not_supported(db, err, "ArrayField");
            return;
        }
        created.unwrap();
        let mut a = Post::objects().create(db, post("a", &["rust", "sql", "orm"], Some(vec![3, 1]))).await.unwrap();
        Post::objects()
            .bulk_create(db, vec![post("b", &["rust"], Some(vec![])), post("c", &[], None), post("d", &["python", "sql"], Some(vec![7]))], Default::default())
            .await
            .unwrap();
        // Round trip: create, get, refresh_from_db, save.
        let got = Post::objects().filter(q!(title = "a")).get(db).await.unwrap();
        assert_eq!((got.tags.clone(), got.scores.clone()), (vec!["rust".into(), "sql".into(), "orm".into()], Some(vec![3, 1])));
        a.tags.push("async".into());
        a.scores = None;
        a.save(db).await.unwrap();
        let mut again = got.clone();
        again.refresh_from_db(db).await.unwrap();
        assert_eq!(again.tags.len(), 4);
        assert_eq!(again.scores, None);
        // The three spellings of each lookup.
        assert_eq!(titles(db, Post::tags().contains(vec!["rust"])).await, ["a", "b"]);
        assert_eq!(titles(db, q!(tags__contains = vec!["sql".to_string(), "rust".to_string()]).into_q()).await, ["a"]);
        assert_eq!(titles(db, Q::lookup("tags__contains", Value::Array(vec![])).unwrap()).await, ["a", "b", "c", "d"]);
        assert_eq!(titles(db, Post::tags().contained_by(vec!["rust", "sql", "python"])).await, ["b", "c", "d"]);
        assert_eq!(titles(db, q!(tags__overlap = vec!["python".to_string(), "orm".to_string()]).into_q()).await, ["a", "d"]);
        assert_eq!(titles(db, Post::tags().eq(vec!["python", "sql"])).await, ["d"]);
        assert_eq!(titles(db, Q::lookup("tags", Value::Array(vec![])).unwrap()).await, ["c"]);
        assert_eq!(titles(db, Post::scores().is_null(true)).await, ["a", "c"]);
        assert_eq!(titles(db, !Post::tags().contains(vec!["sql"])).await, ["b", "c"]);
        // len: NULL stays NULL, an empty array is 0.
        assert_eq!(titles(db, Post::tags().len().gt(2)).await, ["a"]);
        assert_eq!(titles(db, q!(scores__len = 0).into_q()).await, ["b"]);
        assert_eq!(titles(db, Q::lookup("scores__len__isnull", true).unwrap()).await, ["a", "c"]);
        assert_eq!(titles(db, Q::lookup("tags__len__lte", 1).unwrap()).await, ["b", "c"]);
        // Index (0-based) then lookups on the element; past the end is NULL.
        assert_eq!(titles(db, Post::tags().index(0).eq("rust")).await, ["a", "b"]);
        assert_eq!(titles(db, q!(tags__1__startswith = "s").into_q()).await, ["a", "d"]);
        assert_eq!(titles(db, Q::lookup("scores__0__gte", 5).unwrap()).await, ["d"]);
        assert_eq!(titles(db, Post::tags().index(1).is_null(true)).await, ["b", "c"]);
        // Slices.
        assert_eq!(titles(db, Post::tags().slice(0, 2).eq(vec!["rust", "sql"])).await, ["a"]);
        assert_eq!(titles(db, q!(tags__1_3__contains = vec!["orm".to_string()]).into_q()).await, ["a"]);
        assert_eq!(titles(db, Q::lookup("tags__0_1__overlap", Value::Array(vec!["python".into()])).unwrap()).await, ["d"]);
        // values(), values_list(), annotations and ordering.
        let rows = Post::objects().filter(q!(title = "d")).values_list(["tags", "scores", "tags__len", "tags__0"]).all(db).await.unwrap();
        assert_eq!(
            rows,
            vec![vec![
                Value::Array(vec!["python".into(), "sql".into()]),
                Value::Array(vec![Value::I64(7)]),
                Value::I64(2),
                Value::Text("python".into()),
            ]]
        );
        let by_len = Post::objects()
            .annotate("n", F("tags__len"))
            .filter(Q::annotation("n__gte", 1))
            .order_by(["-n", "title"])
            .values_flat::<String>("title")
            .list(db)
            .await
            .unwrap();
        assert_eq!(by_len, ["a", "d", "b"]);
        // update() of an array, to a new value and to NULL.
        let n = Post::objects().filter(Post::tags().contains(vec!["rust"])).update(db, Post::tags().set(vec!["x".to_string()])).await.unwrap();
        assert_eq!(n, 2);
        Post::objects().filter(q!(title = "d")).update(db, q!(scores = None::<Vec<i32>>)).await.unwrap();
        assert_eq!(titles(db, Post::tags().eq(vec!["x"])).await, ["a", "b"]);
        assert_eq!(titles(db, Post::scores().is_null(true)).await, ["a", "c", "d"]);
        // Every element type round-trips.
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let sample = Sample {
            smalls: vec![1, -2],
            bigs: vec![Some(1 << 40), None],
            reals: vec![1.5],
            doubles: vec![2.25, -0.5],
            flags: vec![true, false],
            prices: vec!["12.50".parse().unwrap()],
            days: vec![d],
            stamps: vec![d.and_hms_micro_opt(1, 2, 3, 456).unwrap()],
            utc: vec![d.and_hms_opt(4, 5, 6).unwrap().and_utc()],
            ids: vec![uuid::Uuid::from_u128(7)],
            notes: vec!["a \"quoted\", {braced} text".into(), String::new()],
            ..Default::default()
        };
        let saved = Sample::objects().create(db, sample.clone()).await.unwrap();
        let back = Sample::objects().filter(q!(id = saved.id.value())).get(db).await.unwrap();
        assert_eq!(Sample { id: Auto::unset(), ..back }, sample);
        let found = Sample::objects()
            .filter(Sample::days().contains(vec![d]) & Sample::flags().index(0).eq(true) & Sample::bigs().len().eq(2))
            .count(db)
            .await
            .unwrap();
        assert_eq!(found, 1);
    }
}
