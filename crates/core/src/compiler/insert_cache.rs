//! A per-thread cache of multi-row INSERT texts ([`insert_rows_text`]) by shape:
//! dialect, model, columns, row count and `RETURNING`. A `bulk_create` repeated with
//! the same batch size (the usual case: a job writing batches of 500) renders its
//! statement once; the text is shared ([`Arc<str>`]), not copied, on every hit.
//!
//! The key holds everything the text depends on. The model is told apart by the
//! address of its `'static` metadata (never freed, so never reused), the dialect by
//! its name (dialects are zero-sized statics, whose addresses may coincide).
//!
//! The cache is small and bounded: at most [`MAX_ENTRIES`] shapes and
//! [`MAX_BYTES`] of SQL per thread, the oldest shape dropped first.

use std::cell::RefCell;
use std::sync::Arc;

use super::insert_rows_text;
use crate::dialect::Dialect;
use crate::meta::ModelMeta;

/// How many INSERT shapes a thread keeps.
pub const MAX_ENTRIES: usize = 32;

/// How many bytes of SQL text a thread keeps (a 10 000-row INSERT is about 80 KiB).
pub const MAX_BYTES: usize = 1 << 20;

struct Entry {
    dialect: &'static str,
    model: *const ModelMeta,
    rows: usize,
    returning: bool,
    columns: Box<[usize]>,
    sql: Arc<str>,
}

impl Entry {
    fn is(&self, dialect: &str, model: *const ModelMeta, columns: &[usize], rows: usize, returning: bool) -> bool {
        self.rows == rows
            && std::ptr::eq(self.model, model)
            && self.returning == returning
            && *self.columns == *columns
            && self.dialect == dialect
    }
}

#[derive(Default)]
struct Cache {
    entries: Vec<Entry>,
    bytes: usize,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// [`insert_rows_text`], rendered once per shape and thread.
///
/// ```
/// use ormolu_core::compiler::insert_rows_shared;
/// use ormolu_core::dialect::Sqlite;
/// use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
/// use std::sync::{Arc, LazyLock};
///
/// static USER: LazyLock<ModelMeta> = LazyLock::new(|| {
///     let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
///     ModelMeta::new("User", "app", "users", vec![id, FieldMeta::new("name", FieldType::Text)])
/// });
/// let first = insert_rows_shared(&Sqlite, &USER, &[1], 2, false);
/// assert_eq!(&*first, r#"INSERT INTO "users" ("name") VALUES (?), (?)"#);
/// let again = insert_rows_shared(&Sqlite, &USER, &[1], 2, false);
/// assert!(Arc::ptr_eq(&first, &again), "the same text, not rendered again");
/// ```
pub fn insert_rows_shared(
    d: &'static dyn Dialect,
    m: &'static ModelMeta,
    columns: &[usize],
    rows: usize,
    returning: bool,
) -> Arc<str> {
    let model = std::ptr::from_ref(m);
    let name = d.name();
    let hit = CACHE.with(|c| {
        let c = c.borrow();
        c.entries.iter().find(|e| e.is(name, model, columns, rows, returning)).map(|e| Arc::clone(&e.sql))
    });
    if let Some(sql) = hit {
        return sql;
    }
    let sql: Arc<str> = insert_rows_text(d, m, columns, rows, returning).into();
    if sql.len() <= MAX_BYTES {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            while !c.entries.is_empty() && (c.entries.len() >= MAX_ENTRIES || c.bytes + sql.len() > MAX_BYTES) {
                let old = c.entries.remove(0);
                c.bytes -= old.sql.len();
            }
            c.bytes += sql.len();
            c.entries.push(Entry {
                dialect: name,
                model,
                rows,
                returning,
                columns: columns.into(),
                sql: Arc::clone(&sql),
            });
        });
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{Postgres, Sqlite};
    use crate::meta::{FieldMeta, FieldType};
    use std::sync::LazyLock;

    static M: LazyLock<ModelMeta> = LazyLock::new(|| {
        let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
        ModelMeta::new(
            "Item",
            "app",
            "items",
            vec![id, FieldMeta::new("a", FieldType::Text), FieldMeta::new("b", FieldType::Int)],
        )
    });

    #[test]
    fn every_part_of_the_shape_tells_texts_apart() {
        type Shape = (&'static dyn Dialect, &'static [usize], usize, bool);
        let base = insert_rows_shared(&Sqlite, &M, &[1, 2], 2, false);
        assert_eq!(&*base, r#"INSERT INTO "items" ("a", "b") VALUES (?, ?), (?, ?)"#);
        let shapes: [Shape; 4] = [
            (&Postgres, &[1, 2], 2, false),
            (&Sqlite, &[0, 1, 2], 2, false),
            (&Sqlite, &[1, 2], 3, false),
            (&Sqlite, &[1, 2], 2, true),
        ];
        for (d, columns, rows, returning) in shapes {
            let text = insert_rows_shared(d, &M, columns, rows, returning);
            assert_ne!(*text, *base);
            assert_eq!(*text, insert_rows_text(d, &M, columns, rows, returning));
            let again = insert_rows_shared(d, &M, columns, rows, returning);
            assert!(Arc::ptr_eq(&text, &again), "a hit shares the text");
        }
    }

    #[test]
    fn the_cache_stays_bounded() {
        for rows in 1..=MAX_ENTRIES + 10 {
            insert_rows_shared(&Sqlite, &M, &[1], rows, false);
        }
        CACHE.with(|c| {
            let c = c.borrow();
            assert!(c.entries.len() <= MAX_ENTRIES);
            assert_eq!(c.bytes, c.entries.iter().map(|e| e.sql.len()).sum::<usize>());
        });
        // The newest shapes are kept, the oldest dropped.
        let newest = insert_rows_shared(&Sqlite, &M, &[1], MAX_ENTRIES + 10, false);
        assert!(Arc::ptr_eq(&newest, &insert_rows_shared(&Sqlite, &M, &[1], MAX_ENTRIES + 10, false)));
    }
}
