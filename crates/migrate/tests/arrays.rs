//! Array fields in migrations (PostgreSQL): makemigrations adds an array column (a
//! one-off `[]` for existing rows) and alters one (`varchar(20)[]` → `varchar(40)[]`,
//! `integer[]` → `bigint[]`); the files written say `FieldType::Array(&…)`; migrate
//! applies them, inspectdb reads them back as `Vec<_>`, and nothing is left to detect. On SQLite and MySQL/MariaDB, migrating
//! to a model with an array field fails with NotSupported before any DDL.

mod common;

use common::{col, exec, shape};
use ormolu::{Db, Executor};
use ormolu_migrate::cli::{make_migrations, run_args, run_with_db, Models};
use ormolu_migrate::questioner::Answers;
use ormolu_migrate::{Migration, ProjectState};
use ormolu_suite::backend_tests;

mod v1 {
    use ormolu::prelude::*;

    #[derive(Model, Debug, Clone, Default)]
    #[ormolu(app = "ar")]
    pub struct Doc {
        pub id: Auto<i64>,
        #[ormolu(max_length = 30)]
        pub title: String,
    }
}

mod v2 {
    use ormolu::prelude::*;

    #[derive(Model, Debug, Clone, Default)]
    #[ormolu(app = "ar")]
    pub struct Doc {
        pub id: Auto<i64>,
        #[ormolu(max_length = 30)]
        pub title: String,
        #[ormolu(max_length = 20)]
        pub tags: Vec<String>,
        pub scores: Option<Vec<i32>>,
    }
}

mod v3 {
    use ormolu::prelude::*;

    #[derive(Model, Debug, Clone, Default)]
    #[ormolu(app = "ar")]
    pub struct Doc {
        pub id: Auto<i64>,
        #[ormolu(max_length = 30)]
        pub title: String,
        #[ormolu(max_length = 40)]
        pub tags: Vec<String>,
        pub scores: Option<Vec<i64>>,
    }
}

fn models(v: u8) -> Models {
    use ormolu::Model;
    Models::list([match v {
        1 => v1::Doc::meta(),
        2 => v2::Doc::meta(),
        _ => v3::Doc::meta(),
    }])
}

/// The three migrations, as makemigrations decides them.
fn migrations() -> Vec<Migration> {
    let mut out = Vec::new();
    for (v, name) in [(1, None), (2, Some("tags")), (3, Some("wider"))] {
        let mut answers = Answers::none().default_for("ar", "Doc", "tags", "[]");
        let m = make_migrations(&models(v).state(), out.clone(), &[], name, false, &mut answers).unwrap().remove(0);
        out.push(m);
    }
    out
}

fn args(list: &[&str]) -> Vec<String> {
    std::iter::once("manage").chain(list.iter().copied()).map(String::from).collect()
}

async fn manage(db: &Db, v: u8, migrations: &[Migration], list: &[&str]) -> (i32, String) {
    let mut out = Vec::new();
    let code = run_with_db(args(list), &models(v), migrations.to_vec(), db, &mut out).await;
    (code, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn written_files_spell_array_types() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let ms = migrations();
    let mut out = Vec::new();
    let list = ["makemigrations", "--noinput", "--name", "tags", "--default", "ar.Doc.tags=[]", "--migrations-dir", d];
    let code = run_args(args(&list), &models(2), ms[..1].to_vec(), &mut out).await;
    let text = String::from_utf8(out).unwrap();
    assert_eq!(code, 0, "{text}");
    let source = std::fs::read_to_string(dir.path().join("ar/0002_tags.rs")).unwrap();
    assert!(source.contains("Field::new(\"tags\", FieldType::Array(&FieldType::Char)).max_length(20)"), "{source}");
    assert!(source.contains("Field::new(\"scores\", FieldType::Array(&FieldType::Int)).null()"), "{source}");
    assert!(source.contains("Fill::value(Value::Array(vec![]))"), "{source}");
}

backend_tests! {
    async fn array_columns_migrate(db) {
        let ms = migrations();
        let (code, text) = manage(db, 1, &ms[..1], &["migrate"]).await;
        assert_eq!(code, 0, "{text}");
        exec(db, &["INSERT INTO ar_doc (title) VALUES ('old')"]).await;
        let (code, text) = manage(db, 2, &ms[..2], &["migrate"]).await;
        if !db.dialect().features().supports_array_fields {
            assert_ne!(code, 0, "{text}");
            assert!(text.contains("ArrayField") && text.contains("not supported"), "{text}");
            assert!(!shape(db).await["ar_doc"].columns.contains_key("tags"));
            return;
        }
        assert!(code == 0 && text.contains("Applying ar.0002_tags... OK"), "{text}");
        exec(db, &["INSERT INTO ar_doc (title, tags, scores) VALUES ('new', '{a,b}', '{1,2}')"]).await;
        assert_eq!(col(db, "SELECT array_to_string(tags, ',') FROM ar_doc ORDER BY id").await, ["", "a,b"]);
        let (code, text) = manage(db, 3, &ms, &["sqlmigrate", "ar", "0003"]).await;
        assert!(code == 0 && text.contains("varchar(40)[]") && text.contains("bigint[]"), "{text}");
        let (code, text) = manage(db, 3, &ms, &["migrate"]).await;
        assert!(code == 0 && text.contains("Applying ar.0003_wider... OK"), "{text}");
        let types = col(db, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'ar_doc'::regclass AND attname IN ('tags', 'scores') ORDER BY attname").await;
        assert_eq!(types, ["bigint[]", "character varying(40)[]"]);
        assert_eq!(col(db, "SELECT array_to_string(scores, ',') FROM ar_doc WHERE title = 'new'").await, ["1,2"]);
        let want = common::fresh_shape(db, &ProjectState::from_models(match models(3) { Models::List(v) => v, _ => unreachable!() })).await;
        assert_eq!(shape(db).await, want);
        let (code, text) = manage(db, 3, &ms, &["inspectdb"]).await;
        assert!(code == 0 && text.contains("pub tags: Vec<String>,") && text.contains("pub scores: Option<Vec<i64>>,"), "{text}");
        let answers = &mut Answers::none();
        assert!(make_migrations(&models(3).state(), ms.clone(), &[], None, false, answers).unwrap().is_empty());
        let (code, text) = manage(db, 1, &ms, &["migrate", "ar", "0001"]).await;
        assert!(code == 0 && text.contains("Unapplying ar.0002_tags... OK"), "{text}");
    }
}
