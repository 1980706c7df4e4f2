//! Result lists sized from the last run of the same statement ([`RowsHint`]).
//!
//! Reading N rows into a `Vec` that starts empty reallocates it about log2(N) times,
//! copying every row read so far and touching fresh pages each time: for 10 000 rows
//! of a 100-byte model, a megabyte copied again and a few hundred page faults. A
//! server runs the same statements over and over, so ormolu remembers, by SQL text,
//! how many rows a statement returned last time and allocates the next result list at
//! that size (at most [`MAX_HINT`] rows; a list that ends up less than half full is
//! shrunk to fit, so a smaller result never keeps a larger one's memory).
//!
//! The table is global, fixed-size and lock-free: [`SLOTS`] atomic words, each a tag
//! of the SQL text's hash and a row count, read and written with relaxed ordering
//! (a count is written only when it changes). Two statements sharing a slot only cost
//! each other a wrong guess, never a wrong result. A statement replayed from the
//! shape cache shares its text, and each thread finds the slot of the last few such
//! texts by address ([`RowsHint::of_shared`]) instead of hashing them again.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Slots in the table (a power of two).
const SLOTS: usize = 256;

/// Bits of a slot's word that hold the count; the others hold the tag.
const COUNT_BITS: u32 = 20;

/// The largest guess, in rows: past it a list grows as usual.
pub(crate) const MAX_HINT: usize = 1 << 16;

static TABLE: [AtomicU64; SLOTS] = [const { AtomicU64::new(0) }; SLOTS];

/// Where one statement's count lives in the table, and what it was last time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowsHint {
    slot: usize,
    tag: u64,
}

impl RowsHint {
    /// The hint of the statement `sql`.
    pub(crate) fn of(sql: &str) -> Self {
        let h = ormolu_core::hash::text_hash(sql.as_bytes());
        // The slot from the low bits, the tag from the high ones.
        RowsHint { slot: (h as usize) & (SLOTS - 1), tag: h >> COUNT_BITS }
    }

    /// [`RowsHint::of`] for shared statement text (what the shape cache hands out): the
    /// last few are remembered by address with a reference held (so the address stays
    /// theirs), and found again without hashing the text.
    pub(crate) fn of_shared(sql: &Arc<str>) -> Self {
        const RECENT: usize = 8;
        type Recent = ([Option<(Arc<str>, RowsHint)>; RECENT], usize);
        thread_local! {
            static KNOWN: RefCell<Recent> = RefCell::new(Default::default());
        }
        let found = KNOWN.try_with(|k| {
            let mut k = k.borrow_mut();
            if let Some((_, hint)) = k.0.iter().flatten().find(|(text, _)| Arc::ptr_eq(text, sql)) {
                return *hint;
            }
            let hint = RowsHint::of(sql);
            let next = k.1;
            k.0[next] = Some((Arc::clone(sql), hint));
            k.1 = (next + 1) % RECENT;
            hint
        });
        found.unwrap_or_else(|_| RowsHint::of(sql))
    }

    /// How many rows the statement returned last time (0 when unknown).
    pub(crate) fn guess(self) -> usize {
        let word = TABLE[self.slot].load(Ordering::Relaxed);
        if word >> COUNT_BITS == self.tag {
            (word & ((1 << COUNT_BITS) - 1)) as usize
        } else {
            0
        }
    }

    /// An empty list with room for [`RowsHint::guess`] rows.
    pub(crate) fn list<T>(self) -> Vec<T> {
        Vec::with_capacity(self.guess())
    }

    /// Remembers that the statement returned `rows` rows.
    pub(crate) fn record(self, rows: usize) {
        let word = (self.tag << COUNT_BITS) | rows.min(MAX_HINT) as u64;
        let slot = &TABLE[self.slot];
        if slot.load(Ordering::Relaxed) != word {
            slot.store(word, Ordering::Relaxed);
        }
    }

    /// Remembers the length of `list`, read by the statement, and shrinks it when
    /// the guess left it less than half full.
    pub(crate) fn finish<T>(self, list: &mut Vec<T>) {
        self.record(list.len());
        if list.capacity() > 2 * list.len().max(8) {
            list.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_is_sized_from_its_last_run() {
        let hint = RowsHint::of("SELECT 1 /* rows_hint test */");
        assert_eq!(hint.guess(), 0, "unknown at first");
        let mut list: Vec<u64> = hint.list();
        list.extend(0..1000);
        hint.finish(&mut list);
        let next: Vec<u64> = RowsHint::of("SELECT 1 /* rows_hint test */").list();
        assert!(next.capacity() >= 1000, "room for last time's rows");
        let other: Vec<u64> = RowsHint::of("SELECT 2 /* rows_hint test */").list();
        assert_eq!(other.capacity(), 0, "another statement keeps its own count");
        // Shared text finds the same slot, by address once seen.
        let shared: Arc<str> = Arc::from("SELECT 1 /* rows_hint test */");
        for _ in 0..2 {
            let hint = RowsHint::of_shared(&shared);
            assert_eq!(
                (hint.slot, hint.tag, hint.guess()),
                (RowsHint::of(&shared).slot, RowsHint::of(&shared).tag, 1000)
            );
        }
    }

    #[test]
    fn a_smaller_result_gives_back_the_room_and_huge_ones_are_capped() {
        let hint = RowsHint::of("SELECT 3 /* rows_hint test */");
        hint.record(5000);
        let mut list: Vec<u8> = hint.list();
        list.extend([1, 2, 3]);
        hint.finish(&mut list);
        assert!(list.capacity() < 100, "shrunk to fit: {}", list.capacity());
        assert_eq!(hint.guess(), 3);
        hint.record(10_000_000);
        assert_eq!(hint.guess(), MAX_HINT);
    }
}
