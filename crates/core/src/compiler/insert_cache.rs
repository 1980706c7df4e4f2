//! A per-thread cache of multi-row INSERT texts ([`insert_rows_text`],
//! [`insert_unnest_text`]) by shape: dialect, model, columns, row count and
//! `RETURNING`. A `bulk_create` repeated with the same batch size (the usual case: a
//! job writing batches of 500) renders its statement once; the text is shared
//! ([`Arc<str>`]), not copied, on every hit. Where the dialect binds whole columns
//! (PostgreSQL's `UNNEST`), every row count from the dialect's
//! `Features::unnest_insert_min_rows` shares one text.
//!
//! The key holds everything the text depends on. The model is told apart by the
//! address of its `'static` metadata (never freed, so never reused), the dialect by
//! its name (dialects are zero-sized statics, whose addresses may coincide).
//!
//! The cache is small and bounded: at most [`MAX_ENTRIES`] shapes and
//! [`MAX_BYTES`] of SQL per thread, the oldest shape dropped first.

use std::cell::RefCell;
use std::sync::Arc;

use super::{insert_rows_text, insert_unnest_text};
use crate::dialect::Dialect;
use crate::meta::ModelMeta;

/// How many INSERT shapes a thread keeps.
pub const MAX_ENTRIES: usize = 32;

/// How many bytes of SQL text a thread keeps (a 10 000-row INSERT is about 80 KiB).
pub const MAX_BYTES: usize = 1 << 20;

/// The row count under which a shape's column-array form ([`insert_unnest_text`]) is
/// kept, or the mark that the shape has none.
const COLUMNAR: usize = 0;

/// An INSERT text from the cache, and how its values are bound.
#[derive(Debug, Clone)]
pub struct SharedInsert {
    /// The statement.
    pub sql: Arc<str>,
    /// Whether each parameter is one column's values for every row, as an array
    /// ([`insert_unnest_text`]); otherwise one parameter per value, row after row.
    pub columnar: bool,
}

struct Entry {
    dialect: &'static str,
    model: *const ModelMeta,
    rows: usize,
    returning: bool,
    columns: Box<[usize]>,
    insert: SharedInsert,
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

/// The INSERT of `rows` rows of `columns`, rendered once per shape and thread: the
/// column-array form ([`insert_unnest_text`]) for more than one row where the dialect
/// has one, else [`insert_rows_text`].
///
/// ```
/// use ormolu_core::compiler::insert_rows_shared;
/// use ormolu_core::dialect::{Postgres, Sqlite};
/// use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
/// use std::sync::{Arc, LazyLock};
///
/// static USER: LazyLock<ModelMeta> = LazyLock::new(|| {
///     let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
///     ModelMeta::new("User", "app", "users", vec![id, FieldMeta::new("name", FieldType::Text)])
/// });
/// let first = insert_rows_shared(&Sqlite, &USER, &[1], 2, false);
/// assert_eq!(&*first.sql, r#"INSERT INTO "users" ("name") VALUES (?), (?)"#);
/// let again = insert_rows_shared(&Sqlite, &USER, &[1], 2, false);
/// assert!(Arc::ptr_eq(&first.sql, &again.sql), "the same text, not rendered again");
/// let pg = insert_rows_shared(&Postgres, &USER, &[1], 500, false);
/// assert!(pg.columnar);
/// assert_eq!(&*pg.sql, r#"INSERT INTO "users" ("name") SELECT * FROM UNNEST(($1)::text[])"#);
/// assert!(!insert_rows_shared(&Postgres, &USER, &[1], 1, false).columnar, "one row: VALUES");
/// assert!(!insert_rows_shared(&Postgres, &USER, &[1], 10, false).columnar, "a few rows: VALUES");
/// ```
pub fn insert_rows_shared(
    d: &'static dyn Dialect,
    m: &'static ModelMeta,
    columns: &[usize],
    rows: usize,
    returning: bool,
) -> SharedInsert {
    let model = std::ptr::from_ref(m);
    let name = d.name();
    let find = |rows: usize| {
        CACHE.with(|c| {
            let c = c.borrow();
            c.entries.iter().find(|e| e.is(name, model, columns, rows, returning)).map(|e| e.insert.clone())
        })
    };
    let keep = |rows: usize, insert: SharedInsert| {
        if insert.sql.len() > MAX_BYTES {
            return insert;
        }
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            while !c.entries.is_empty() && (c.entries.len() >= MAX_ENTRIES || c.bytes + insert.sql.len() > MAX_BYTES) {
                let old = c.entries.remove(0);
                c.bytes -= old.insert.sql.len();
            }
            c.bytes += insert.sql.len();
            c.entries.push(Entry {
                dialect: name,
                model,
                rows,
                returning,
                columns: columns.into(),
                insert: insert.clone(),
            });
        });
        insert
    };
    if rows >= d.features().unnest_insert_min_rows {
        let columnar = match find(COLUMNAR) {
            Some(hit) => hit,
            None => {
                let text = insert_unnest_text(d, m, columns, returning);
                let columnar = text.is_some();
                keep(COLUMNAR, SharedInsert { sql: text.unwrap_or_default().into(), columnar })
            }
        };
        if columnar.columnar {
            return columnar;
        }
    }
    if let Some(hit) = find(rows) {
        return hit;
    }
    keep(rows, SharedInsert { sql: insert_rows_text(d, m, columns, rows, returning).into(), columnar: false })
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
        let base = insert_rows_shared(&Sqlite, &M, &[1, 2], 2, false).sql;
        assert_eq!(&*base, r#"INSERT INTO "items" ("a", "b") VALUES (?, ?), (?, ?)"#);
        let shapes: [Shape; 5] = [
            (&Postgres, &[1, 2], 2, false),
            (&Postgres, &[1, 2], 1, false),
            (&Sqlite, &[0, 1, 2], 2, false),
            (&Sqlite, &[1, 2], 3, false),
            (&Sqlite, &[1, 2], 2, true),
        ];
        for (d, columns, rows, returning) in shapes {
            let text = insert_rows_shared(d, &M, columns, rows, returning);
            assert_ne!(*text.sql, *base);
            let expected = match insert_unnest_text(d, &M, columns, returning) {
                Some(unnest) if rows >= d.features().unnest_insert_min_rows => unnest,
                _ => insert_rows_text(d, &M, columns, rows, returning),
            };
            assert_eq!(*text.sql, expected);
            let again = insert_rows_shared(d, &M, columns, rows, returning);
            assert!(Arc::ptr_eq(&text.sql, &again.sql), "a hit shares the text");
        }
    }

    #[test]
    fn column_arrays_serve_every_row_count_where_every_column_can_be_one() {
        let from = Postgres.features().unnest_insert_min_rows;
        let few = insert_rows_shared(&Postgres, &M, &[1, 2], from, true);
        let many = insert_rows_shared(&Postgres, &M, &[1, 2], 700, true);
        assert!(few.columnar && Arc::ptr_eq(&few.sql, &many.sql), "one text for any row count from the threshold");
        assert!(!insert_rows_shared(&Postgres, &M, &[1, 2], from - 1, true).columnar);
        assert_eq!(
            &*many.sql,
            r#"INSERT INTO "items" ("a", "b") SELECT * FROM UNNEST(($1)::text[], ($2)::integer[]) RETURNING "id""#
        );
        // An array column cannot be unnested: VALUES, by row count.
        let three = insert_rows_shared(&Postgres, &A, &[1], 3, false);
        assert!(!three.columnar);
        assert_eq!(&*three.sql, r#"INSERT INTO "tagged" ("tags") VALUES ($1), ($2), ($3)"#);
        assert_eq!(&*insert_rows_shared(&Postgres, &A, &[1], 3, false).sql, &*three.sql, "the mark is cached too");
        assert_ne!(&*insert_rows_shared(&Postgres, &A, &[1], 2, false).sql, &*three.sql);
    }

    static A: LazyLock<ModelMeta> = LazyLock::new(|| {
        let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
        let tags = FieldMeta::new("tags", FieldType::Array(&FieldType::Text));
        ModelMeta::new("Tagged", "app", "tagged", vec![id, tags])
    });

    #[test]
    fn the_cache_stays_bounded() {
        for rows in 1..=MAX_ENTRIES + 10 {
            insert_rows_shared(&Sqlite, &M, &[1], rows, false);
        }
        CACHE.with(|c| {
            let c = c.borrow();
            assert!(c.entries.len() <= MAX_ENTRIES);
            assert_eq!(c.bytes, c.entries.iter().map(|e| e.insert.sql.len()).sum::<usize>());
        });
        // The newest shapes are kept, the oldest dropped.
        let newest = insert_rows_shared(&Sqlite, &M, &[1], MAX_ENTRIES + 10, false);
        assert!(Arc::ptr_eq(&newest.sql, &insert_rows_shared(&Sqlite, &M, &[1], MAX_ENTRIES + 10, false).sql));
    }
}
