//! The core integration suite: the same tests on SQLite, PostgreSQL and MariaDB.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use futures_util::StreamExt;
use ormolu::prelude::*;
use ormolu::queryset::BulkOptions;
use ormolu::{Error, FromValue, IntegrityKind};
use ormolu_suite::backend_tests;
use rust_decimal::Decimal;

/// A product with a unique name.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[ormolu(table = "t_product")]
pub struct Product {
    /// Primary key.
    pub id: Auto<i64>,
    /// Unique name.
    #[ormolu(max_length = 50, unique)]
    pub name: String,
    /// Units in stock.
    #[ormolu(default = 0)]
    pub stock: i32,
    /// Price.
    #[ormolu(max_digits = 10, decimal_places = 2)]
    pub price: Decimal,
    /// When it was added.
    pub added: NaiveDateTime,
    /// Release day, if any.
    pub released: Option<NaiveDate>,
    /// Notes.
    #[ormolu(text)]
    pub notes: String,
}

/// A model with Meta indexes and named constraints.
#[derive(Model, Debug, Clone, Default)]
#[ormolu(
    table = "t_booking",
    index(fields = ["room", "day"]),
    index(fields = ["guest"], name = "t_booking_guest_ix"),
    unique_constraint(name = "t_booking_room_day_uniq", fields = ["room", "day"]),
    check(name = "t_booking_nights_positive", sql = "nights > 0")
)]
pub struct Booking {
    /// Primary key.
    pub id: Auto<i64>,
    /// Room number.
    pub room: i32,
    /// Day.
    pub day: NaiveDate,
    /// Guest name.
    #[ormolu(max_length = 50)]
    pub guest: String,
    /// Nights.
    pub nights: i32,
}

fn product(name: &str, stock: i32, price: &str, day: u32) -> Product {
    Product {
        name: name.into(),
        stock,
        price: price.parse().unwrap(),
        added: NaiveDate::from_ymd_opt(2024, 1, day).unwrap().and_hms_opt(10, 30, 0).unwrap(),
        released: (day % 2 == 0).then(|| NaiveDate::from_ymd_opt(2023, 12, day).unwrap()),
        notes: format!("about {name}"),
        ..Default::default()
    }
}

async fn setup(db: &Db) -> Vec<Product> {
    ormolu::schema::create_tables(db, &[Product::meta()]).await.unwrap();
    let items = vec![
        product("Apple", 10, "1.50", 1),
        product("banana", 0, "0.25", 2),
        product("Cherry", 5, "12.00", 3),
        product("apricot", 7, "3.10", 4),
        product("50% off", 1, "9.99", 5),
    ];
    Product::objects().bulk_create(db, items, BulkOptions::default()).await.unwrap()
}

fn names(v: &[Product]) -> Vec<&str> {
    v.iter().map(|p| p.name.as_str()).collect()
}

backend_tests! {
    async fn create_get_and_generated_keys(db) {
        let made = setup(db).await;
        assert!(made.iter().all(|p| p.id.is_set()) || !db.dialect().features().can_return_from_insert);
        let apple = Product::objects().filter(q!(name = "Apple")).get(db).await.unwrap();
        assert_eq!(apple.price, "1.50".parse::<Decimal>().unwrap());
        assert_eq!(apple.released, None);
        let by_pk = Product::objects().get_pk(db, apple.id.value()).await.unwrap();
        assert_eq!(by_pk, apple);
        assert!(matches!(Product::objects().get_pk(db, 999).await, Err(Error::DoesNotExist { model: "Product" })));
        // `M::objects().get_pk()` sends the statement `filter(pk).get()` sends, with
        // its own key each time (its shape is cached after the first).
        let banana = Product::objects().filter(q!(name = "banana")).get(db).await.unwrap();
        for p in [&apple, &banana, &apple] {
            let (got, fast) = ormolu::testing::count_queries(db, Product::objects().get_pk(db, p.id.value())).await;
            let (_, slow) =
                ormolu::testing::count_queries(db, Product::objects().filter(q!(pk = p.id.value())).get(db)).await;
            assert_eq!(&got.unwrap(), p);
            assert_eq!((&*fast[0].sql, &fast[0].params), (&*slow[0].sql, &slow[0].params));
        }
        // On a filtered or ordered QuerySet, the key is one more condition.
        let cheap = Product::objects().filter(q!(stock__gte = 5));
        assert!(matches!(cheap.get_pk(db, banana.id.value()).await, Err(Error::DoesNotExist { .. })));
        assert_eq!(Product::objects().order_by(["-name"]).get_pk(db, banana.id.value()).await.unwrap(), banana);
        let many = Product::objects().filter(q!(stock__gte = 5)).get(db).await;
        assert!(matches!(many, Err(Error::MultipleObjectsReturned { count: 3, .. })), "{many:?}");
    }

    async fn lookups_three_ways_agree(db) {
        setup(db).await;
        let typed = Product::objects().filter(Product::stock().gt(4)).order_by(["name"]).all(db).await.unwrap();
        let macro_ = Product::objects().filter(q!(stock__gt = 4)).order_by(["name"]).all(db).await.unwrap();
        let dynamic = Product::objects().filter(Q::lookup("stock__gt", 4).unwrap()).order_by(["name"]).all(db).await.unwrap();
        assert_eq!(typed, macro_);
        assert_eq!(typed, dynamic);
        assert_eq!(typed.len(), 3);
        let err = Q::<Product>::lookup("stok__gt", 4).unwrap_err().to_string();
        assert!(err.contains("Product") && err.contains("stok") && err.contains("stock"), "{err}");
        let err = Q::<Product>::lookup("stock__icontainz", 4).unwrap_err().to_string();
        assert!(err.contains("icontainz"), "{err}");
    }

    async fn text_lookups_follow_django_per_backend(db) {
        setup(db).await;
        let n = |q: Q<Product>| async move { Product::objects().filter(q).count(db).await.unwrap() };
        // SQLite's LIKE ignores ASCII case; PostgreSQL and MySQL's LIKE BINARY do not.
        let ci_like = !db.dialect().features().has_case_sensitive_like;
        assert_eq!(n(q!(name__startswith = "a").into_q()).await, if ci_like { 2 } else { 1 });
        assert_eq!(n(q!(name__istartswith = "a").into_q()).await, 2);
        assert_eq!(n(q!(name__contains = "50%").into_q()).await, 1);
        assert_eq!(n(q!(name__contains = "0_").into_q()).await, 0);
        assert_eq!(n(q!(name__iexact = "APPLE").into_q()).await, 1);
        assert_eq!(n(q!(name__iendswith = "RY").into_q()).await, 1);
        assert_eq!(n(q!(name__regex = "^[A-Z]").into_q()).await, 2);
        assert_eq!(n(q!(name__iregex = "^a").into_q()).await, 2);
        assert_eq!(n(q!(name__in = ["Apple", "Cherry", "nope"]).into_q()).await, 2);
    }

    async fn nulls_dates_ranges_and_exclude(db) {
        setup(db).await;
        let no_release = Product::objects().filter(q!(released__isnull = true)).count(db).await.unwrap();
        assert_eq!(no_release, 3);
        // exclude() keeps NULLs, as Django does.
        let not_late = Product::objects().exclude(q!(released__gt = NaiveDate::from_ymd_opt(2023, 12, 3).unwrap())).count(db).await.unwrap();
        assert_eq!(not_late, 4);
        let d = Product::objects().filter(q!(added__day__lte = 2, added__year = 2024, added__hour = 10)).count(db).await.unwrap();
        assert_eq!(d, 2);
        let r = Product::objects().filter(q!(price__range = ("1.00".parse::<Decimal>().unwrap(), "10.00".parse::<Decimal>().unwrap()))).count(db).await.unwrap();
        assert_eq!(r, 3);
        let on_day = Product::objects().filter(q!(added__date = NaiveDate::from_ymd_opt(2024, 1, 3).unwrap())).all(db).await.unwrap();
        assert_eq!(names(&on_day), ["Cherry"]);
    }

    async fn ordering_slicing_first_last(db) {
        setup(db).await;
        let o = Product::objects().order_by(["-stock", "name"]).slice(1..3).all(db).await.unwrap();
        assert_eq!(names(&o), ["apricot", "Cherry"]);
        let nulls_last = Product::objects().order_by([OrderBy::parse("released").nulls_last(), OrderBy::parse("id")]).all(db).await.unwrap();
        assert!(nulls_last[..2].iter().all(|p| p.released.is_some()) && nulls_last[2..].iter().all(|p| p.released.is_none()));
        let first = Product::objects().first(db).await.unwrap().unwrap();
        assert_eq!(first.name, "Apple");
        let last = Product::objects().last(db).await.unwrap().unwrap();
        assert_eq!(last.name, "50% off");
        assert!(Product::objects().filter(q!(stock__gt = 100)).first(db).await.unwrap().is_none());
        assert!(matches!(Product::objects().order_by(["id"]).at(db, 9).await, Err(Error::IndexOutOfRange)));
        assert_eq!(Product::objects().order_by(["id"]).slice(1..).count(db).await.unwrap(), 4);
        let latest = Product::objects().latest(db, ["added"]).await.unwrap();
        assert_eq!(latest.name, "50% off");
        let rev = Product::objects().order_by(["name"]).reverse().values_flat::<String>("name").list(db).await.unwrap();
        assert_eq!(rev.len(), 5);
    }

    async fn values_only_defer_distinct(db) {
        setup(db).await;
        let rows = Product::objects().filter(q!(stock__gt = 4)).order_by(["id"]).values_as::<(String, i32), _>(["name", "stock"]).all(db).await.unwrap();
        assert_eq!(rows, vec![("Apple".to_string(), 10), ("Cherry".into(), 5), ("apricot".into(), 7)]);
        let maps = Product::objects().order_by(["id"]).values(["name", "added__year"]).limit(1).all(db).await.unwrap();
        assert_eq!(maps[0].get("added__year").cloned().map(i64::from_value).unwrap().unwrap(), 2024);
        let only = Product::objects().only(["name"]).order_by(["id"]).first(db).await.unwrap().unwrap();
        assert_eq!((only.name.as_str(), only.stock, only.notes.as_str()), ("Apple", 0, ""));
        let years = Product::objects().values_flat::<i64>("added__year").distinct().list(db).await.unwrap();
        assert_eq!(years, vec![2024]);
        let err = Product::objects().values_list_dyn(["id", "name"], true).err().unwrap();
        assert_eq!(err.django_name(), "TypeError");
    }

    async fn updates_with_f_expressions_and_deletes(db) {
        setup(db).await;
        let n = Product::objects().filter(q!(stock__lt = 6)).update(db, q!(stock = F(stock) + 10)).await.unwrap();
        assert_eq!(n, 3);
        let stocks = Product::objects().order_by(["id"]).values_flat::<i32>("stock").list(db).await.unwrap();
        assert_eq!(stocks, [10, 10, 15, 7, 11]);
        let n = Product::objects().filter(q!(stock = 10)).update(db, Product::stock().set(10)).await.unwrap();
        assert_eq!(n, 2, "rows matched, not rows changed");
        let later = Product::objects().filter(q!(name = "Apple")).update(db, q!(added = F(added) + TimeDelta::days(3))).await.unwrap();
        assert_eq!(later, 1);
        let apple = Product::objects().filter(q!(name = "Apple")).get(db).await.unwrap();
        assert_eq!(apple.added.date(), NaiveDate::from_ymd_opt(2024, 1, 4).unwrap());
        let sliced = Product::objects().limit(2).update(db, q!(stock = 0)).await;
        assert_eq!(sliced.unwrap_err().to_string(), "Cannot update a query once a slice has been taken.");
        assert_eq!(Product::objects().filter(q!(stock__gte = 11)).delete(db).await.unwrap().total, 2);
        assert_eq!(Product::objects().count(db).await.unwrap(), 3);
    }

    async fn save_copy_refresh_and_delete_instance(db) {
        setup(db).await;
        let mut p = product("Durian", 3, "7.00", 6);
        p.save(db).await.unwrap();
        let id = p.id.value();
        p.stock = 4;
        p.save(db).await.unwrap();
        let mut copy = p.clone();
        copy.id = Auto::unset();
        copy.name = "Durian 2".into();
        copy.save(db).await.unwrap();
        assert_ne!(copy.id.value(), id);
        Product::objects().filter(q!(id = id)).update(db, q!(stock = 40)).await.unwrap();
        p.refresh_from_db(db).await.unwrap();
        assert_eq!(p.stock, 40);
        p.notes = "changed".into();
        p.stock = 1;
        p.save_fields(db, &["notes"]).await.unwrap();
        p.refresh_from_db(db).await.unwrap();
        assert_eq!((p.notes.as_str(), p.stock), ("changed", 40));
        assert_eq!(p.delete(db).await.unwrap().total, 1);
        assert!(p.refresh_from_db(db).await.unwrap_err().is_does_not_exist());
    }

    async fn integrity_errors_are_typed_and_leave_nothing(db) {
        setup(db).await;
        let err = Product::objects().create(db, product("Apple", 1, "1.00", 7)).await.unwrap_err();
        match &err {
            Error::Integrity { kind: IntegrityKind::Unique, .. } => {}
            other => panic!("expected a unique violation, got {other:?}"),
        }
        let res = Product::objects().bulk_create(db, vec![product("Fig", 1, "1.00", 8), product("Fig", 1, "1.00", 9)], BulkOptions::batch(1)).await;
        assert!(res.unwrap_err().is_unique_violation());
        assert_eq!(Product::objects().filter(q!(name = "Fig")).count(db).await.unwrap(), 0, "bulk_create is atomic");
    }

    async fn bulk_create_batches_and_bulk_update(db) {
        ormolu::schema::create_tables(db, &[Product::meta()]).await.unwrap();
        let many: Vec<Product> = (0..250).map(|i| Product { name: format!("p{i}"), stock: i, ..product("x", 0, "1.00", 1) }).collect();
        let made = Product::objects().bulk_create(db, many, BulkOptions::batch(100)).await.unwrap();
        assert_eq!(Product::objects().count(db).await.unwrap(), 250);
        // The text bound without a copy is back in the objects, in order.
        assert!(made.iter().enumerate().all(|(i, p)| p.name == format!("p{i}")), "names kept");
        let mut some: Vec<Product> = Product::objects().filter(q!(stock__lt = 10)).order_by(["id"]).all(db).await.unwrap();
        for p in &mut some {
            p.stock += 1000;
        }
        let n = Product::objects().bulk_update(db, &some, &["stock"], BulkOptions::batch(4)).await.unwrap();
        assert_eq!(n, 10);
        assert_eq!(Product::objects().filter(q!(stock__gte = 1000)).count(db).await.unwrap(), 10);
        let one = Product::objects().bulk_create(db, vec![product("Kiwi", 1, "1.00", 2)], BulkOptions::default()).await.unwrap();
        assert_eq!(one[0].name, "Kiwi");
        let made_one = Product::objects().create(db, product("Lime", 1, "1.00", 3)).await.unwrap();
        assert_eq!(made_one.name, "Lime");
        drop(made);
    }

    async fn bulk_create_reads_keys_back_unless_told_not_to(db) {
        ormolu::schema::create_tables(db, &[Product::meta()]).await.unwrap();
        let three = |tag: &str| (0..3).map(|i| Product { name: format!("{tag}{i}"), ..product("x", 0, "1.00", 1) }).collect::<Vec<_>>();
        let with = Product::objects().bulk_create(db, three("k"), BulkOptions::default()).await.unwrap();
        let stored: Vec<(i64, String)> =
            Product::objects().filter(q!(name__startswith = "k")).order_by(["id"]).values_as(["id", "name"]).all(db).await.unwrap();
        let got: Vec<(i64, String)> = with.iter().map(|p| (p.id.value(), p.name.clone())).collect();
        assert_eq!(got, stored, "the keys read back are the stored ones, in order");
        // Without keys: the rows are written, the objects keep an unset key (two
        // batches in one transaction, and a single statement on its own).
        for opts in [BulkOptions::batch(2).without_keys(), BulkOptions::default().without_keys()] {
            let without = Product::objects().bulk_create(db, three("n"), opts).await.unwrap();
            assert!(without.iter().all(|p| !p.id.is_set()), "no key read back: {without:?}");
            assert_eq!(without[2].name, "n2", "values put back into the objects");
            assert_eq!(Product::objects().filter(q!(name__startswith = "n")).count(db).await.unwrap(), 3);
            Product::objects().filter(q!(name__startswith = "n")).delete(db).await.unwrap();
        }
    }

    async fn bulk_create_in_place_keeps_the_objects_and_unsets_keys_on_failure(db) {
        ormolu::schema::create_tables(db, &[Product::meta()]).await.unwrap();
        let mut kept: Vec<Product> = (0..3).map(|i| Product { name: format!("kept{i}"), ..product("x", 0, "1.00", 1) }).collect();
        Product::objects().bulk_create_in_place(db, &mut kept, BulkOptions::default()).await.unwrap();
        let stored: Vec<i64> = Product::objects().order_by(["id"]).values_flat::<i64>("id").list(db).await.unwrap();
        assert_eq!(kept.iter().map(|p| p.id.value()).collect::<Vec<_>>(), stored, "keys set in place, in order");
        assert_eq!(kept[1].name, "kept1", "the caller's objects are untouched otherwise");
        // Without keys the slice can be written again (new rows each time).
        let mut again: Vec<Product> = (0..2).map(|i| Product { name: format!("again{i}"), ..product("x", 0, "1.00", 1) }).collect();
        for round in 0..2 {
            for (i, p) in again.iter_mut().enumerate() {
                p.name = format!("again{round}{i}");
            }
            Product::objects().bulk_create_in_place(db, &mut again, BulkOptions::default().without_keys()).await.unwrap();
        }
        assert!(again.iter().all(|p| !p.id.is_set()));
        assert_eq!(Product::objects().filter(q!(name__startswith = "again")).count(db).await.unwrap(), 4);
        // The second statement fails (its explicit key is taken): the first one's rows
        // are rolled back and the keys it had set are unset again.
        let mut clash = vec![product("new0", 1, "1.00", 1), product("new1", 1, "1.00", 1), Product { id: kept[0].id.value().into(), ..product("dup", 1, "1.00", 1) }];
        let err = Product::objects().bulk_create_in_place(db, &mut clash, BulkOptions::default()).await.unwrap_err();
        assert!(matches!(err, Error::Integrity { kind: IntegrityKind::Unique, .. }), "{err:?}");
        assert!(!clash[0].id.is_set() && !clash[1].id.is_set(), "no key of a rolled-back row is left: {clash:?}");
        assert_eq!(clash[2].id.value(), kept[0].id.value(), "an explicit key is the caller's own and stays");
        assert_eq!(Product::objects().filter(q!(name__startswith = "new")).count(db).await.unwrap(), 0);
    }

    async fn transactions_commit_rollback_savepoints_panics(db) {
        setup(db).await;
        db.atomic(async |tx| {
            Product::objects().create(tx, product("T1", 1, "1.00", 10)).await?;
            let inner: ormolu::Result<()> = tx.atomic(async |sp| {
                Product::objects().create(sp, product("T2", 1, "1.00", 11)).await?;
                Err(Error::Rollback)
            }).await;
            assert!(matches!(inner, Err(Error::Rollback)));
            Product::objects().create(tx, product("T3", 1, "1.00", 12)).await?;
            Ok(())
        }).await.unwrap();
        let t = Product::objects().filter(q!(name__startswith = "T")).values_flat::<String>("name").order_by(["name"]).list(db).await.unwrap();
        assert_eq!(t, ["T1", "T3"]);
        let failed: ormolu::Result<()> = db.atomic(async |tx| {
            Product::objects().create(tx, product("T4", 1, "1.00", 13)).await?;
            Err(Error::Rollback)
        }).await;
        assert!(failed.is_err());
        let db2 = db.clone();
        let panicked = tokio::spawn(async move {
            let _: ormolu::Result<()> = db2.atomic(async |tx| {
                Product::objects().create(tx, product("T5", 1, "1.00", 14)).await?;
                panic!("boom");
            }).await;
        }).await;
        assert!(panicked.is_err());
        let rolled: ormolu::Result<u64> = db.atomic(async |tx| {
            Product::objects().create(tx, product("T6", 1, "1.00", 15)).await?;
            tx.set_rollback(true);
            Product::objects().count(tx).await
        }).await;
        assert_eq!(rolled.unwrap(), 8);
        assert_eq!(Product::objects().filter(q!(name__in = ["T4", "T5", "T6"])).count(db).await.unwrap(), 0);
        let committed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let c = committed.clone();
        db.atomic(async |tx| {
            tx.on_commit(move || c.store(true, std::sync::atomic::Ordering::SeqCst));
            Ok(())
        }).await.unwrap();
        assert!(committed.load(std::sync::atomic::Ordering::SeqCst));
    }

    async fn select_for_update_needs_a_transaction(db) {
        setup(db).await;
        let outside = Product::objects().select_for_update().filter(q!(stock = 0)).all(db).await;
        if db.dialect().features().has_select_for_update {
            assert_eq!(outside.unwrap_err().django_name(), "TransactionManagementError");
        } else {
            assert_eq!(outside.unwrap().len(), 1);
        }
        let locked = db.atomic(async |tx| {
            let rows = Product::objects().select_for_update().filter(q!(stock = 0)).all(tx).await?;
            for mut p in rows.clone() {
                p.stock = 50;
                p.save_fields(tx, &["stock"]).await?;
            }
            Ok(rows.len())
        }).await.unwrap();
        assert_eq!(locked, 1);
    }

    async fn stream_many_rows_in_constant_memory(db) {
        ormolu::schema::create_tables(db, &[Product::meta()]).await.unwrap();
        let many: Vec<Product> = (0..3000).map(|i| Product { name: format!("s{i}"), stock: i, ..product("x", 0, "1.00", 1) }).collect();
        Product::objects().bulk_create(db, many, BulkOptions::batch(500)).await.unwrap();
        let mut s = Box::pin(Product::objects().order_by(["id"]).stream(db));
        let mut n = 0;
        let mut sum = 0i64;
        while let Some(p) = s.next().await {
            let p = p.unwrap();
            n += 1;
            sum += i64::from(p.stock);
        }
        assert_eq!((n, sum), (3000, (0..3000).sum()));
        let mut early = Box::pin(Product::objects().stream(db));
        assert!(early.next().await.unwrap().is_ok());
        drop(early);
        assert_eq!(Product::objects().count(db).await.unwrap(), 3000);
    }

    async fn full_clean_names_each_field(db) {
        let _ = db;
        let bad = Product { name: "x".repeat(60), price: "123456789.123".parse().unwrap(), ..Default::default() };
        match bad.full_clean() {
            Err(Error::Validation(v)) => {
                let fields: Vec<&str> = v.errors.iter().map(|(f, _)| f.as_str()).collect();
                assert!(fields.contains(&"name") && fields.contains(&"price"), "{v}");
            }
            other => panic!("{other:?}"),
        }
        assert!(product("ok", 1, "1.00", 1).full_clean().is_ok());
    }

    async fn a_held_connection_is_an_executor(db) {
        setup(db).await;
        let conn = db.acquire().await.unwrap();
        assert_eq!(Product::objects().count(&conn).await.unwrap(), 5);
        conn.atomic(async |tx| {
            Product::objects().filter(q!(name = "Apple")).update(tx, q!(stock = 99)).await?;
            assert_eq!(Product::objects().filter(q!(stock = 99)).count(tx).await?, 1);
            Ok(())
        }).await.unwrap();
        assert_eq!(Product::objects().filter(q!(stock = 99)).count(&conn).await.unwrap(), 1);
        drop(conn);
        assert_eq!(Product::objects().filter(q!(stock = 99)).count(db).await.unwrap(), 1);
    }

    async fn meta_indexes_and_named_constraints(db) {
        let m = Booking::meta();
        assert_eq!(m.indexes.len(), 2);
        assert_eq!(m.indexes[1].name, "t_booking_guest_ix");
        ormolu::schema::create_tables(db, &[m]).await.unwrap();
        let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let b = |room, nights| Booking { room, day, guest: "ada".into(), nights, ..Default::default() };
        Booking::objects().create(db, b(1, 2)).await.unwrap();
        let dup = Booking::objects().create(db, b(1, 3)).await.unwrap_err();
        assert!(dup.is_unique_violation(), "{dup:?}");
        let bad = Booking::objects().create(db, b(2, 0)).await.unwrap_err();
        match bad {
            Error::Integrity { kind: IntegrityKind::Check, constraint, .. } => {
                assert_eq!(constraint.as_deref(), Some("t_booking_nights_positive"));
            }
            other => panic!("expected a check violation, got {other:?}"),
        }
        assert_eq!(Booking::objects().count(db).await.unwrap(), 1);
    }

    async fn explain_and_sql(db) {
        setup(db).await;
        let qs = Product::objects().filter(q!(stock__gt = 1));
        let sql = qs.sql(db).unwrap();
        assert!(sql.sql.contains("WHERE") && sql.params.len() == 1);
        assert!(!qs.explain(db).await.unwrap().is_empty());
        assert!(Product::objects().none().all(db).await.unwrap().is_empty());
    }
}

/// 50 tasks race on get_or_create for one key: one row, every task gets it.
async fn race(db: &Db) {
    ormolu::schema::create_tables(db, &[Product::meta()]).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            Product::objects().get_or_create(&db, q!(name = "hot"), q!(stock = 1)).await
        }));
    }
    let mut ids = Vec::new();
    let mut created = 0;
    for t in tasks {
        let (p, c) = t.await.unwrap().unwrap();
        ids.push(p.id.value());
        created += usize::from(c);
    }
    assert_eq!(created, 1);
    assert!(ids.iter().all(|&i| i == ids[0]));
    assert_eq!(Product::objects().filter(q!(name = "hot")).count(db).await.unwrap(), 1);
}

mod get_or_create_race {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite_file() {
        ormolu_suite::run_on("sqlite_file", async |db| race(db).await).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        ormolu_suite::run_on("postgres", async |db| race(db).await).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn mysql() {
        ormolu_suite::run_on("mysql", async |db| race(db).await).await
    }
}
