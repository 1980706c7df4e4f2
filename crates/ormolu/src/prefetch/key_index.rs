//! [`KeyIndex`]: the parents' distinct keys of one prefetch level, each with an id
//! (its position in the level's key list), looked up once per fetched row.
//!
//! Integer keys in a dense range (the usual auto-increment keys) are looked up by
//! their offset in a table, in key order: no hashing, and the rows, which arrive
//! ordered by key, walk the table front to back instead of jumping around a hash
//! map (on 20 000 parents, those cache misses were a sixth of the prefetch's time).
//! Other keys (text, sparse or huge integer ranges) go through a [`KeyMap`].

use crate::erased::{Key, KeyMap};

/// The mark of a table slot with no key.
const ABSENT: u32 = u32::MAX;

/// A dense table may hold this many slots per key (and a few more for small sets).
const SLOTS_PER_KEY: u64 = 4;

/// Distinct parent keys → ids `0..n`, in order of first insertion.
pub(super) enum KeyIndex {
    /// Integer keys between `min` and `min + ids.len() - 1`: slot `key - min` holds
    /// the key's id, or [`ABSENT`].
    Dense { min: i64, ids: Vec<u32> },
    /// Any keys.
    Map(KeyMap<usize>),
}

impl KeyIndex {
    /// An index for the parents' keys: `ints` are their integer keys when every
    /// non-NULL key is an integer (`None` otherwise); `n` is the number of parents.
    pub(super) fn new(ints: Option<(i64, i64)>, n: usize) -> Self {
        if let Some((min, max)) = ints {
            let span = max.abs_diff(min).saturating_add(1);
            let fits = u32::try_from(n).is_ok_and(|n| n < ABSENT);
            if fits && span <= SLOTS_PER_KEY * n as u64 + 64 {
                let len = usize::try_from(span).expect("bounded by the parents' count");
                return KeyIndex::Dense { min, ids: vec![ABSENT; len] };
            }
        }
        KeyIndex::Map(KeyMap::with_capacity_and_hasher(n, Default::default()))
    }

    /// The id of `key`, giving it `next` (and returning `(next, true)`) when it is new.
    pub(super) fn id_or_insert(&mut self, key: Key, next: usize) -> (usize, bool) {
        match self {
            KeyIndex::Dense { min, ids } => {
                let slot = match key {
                    Key::Int(n) => dense_slot(*min, ids.len(), n),
                    _ => None,
                };
                let slot = slot.expect("a dense index is built from every parent's integer key");
                match ids[slot] {
                    ABSENT => {
                        ids[slot] = u32::try_from(next).expect("fewer ids than parents");
                        (next, true)
                    }
                    id => (id as usize, false),
                }
            }
            KeyIndex::Map(map) => match map.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => (*e.get(), false),
                std::collections::hash_map::Entry::Vacant(e) => (*e.insert(next), true),
            },
        }
    }

    /// The id of the integer key `n`, if a parent has it.
    #[inline]
    pub(super) fn get_int(&self, n: i64) -> Option<usize> {
        match self {
            KeyIndex::Dense { min, ids } => match ids[dense_slot(*min, ids.len(), n)?] {
                ABSENT => None,
                id => Some(id as usize),
            },
            KeyIndex::Map(map) => map.get(&Key::Int(n)).copied(),
        }
    }

    /// The id of `key`, if a parent has it.
    pub(super) fn get(&self, key: &Key) -> Option<usize> {
        match (self, key) {
            (_, Key::Int(n)) => self.get_int(*n),
            (KeyIndex::Dense { .. }, _) => None,
            (KeyIndex::Map(map), key) => map.get(key).copied(),
        }
    }
}

/// The slot of `n` in a dense table starting at `min` with `len` slots.
#[inline]
fn dense_slot(min: i64, len: usize, n: i64) -> Option<usize> {
    let offset = n.checked_sub(min)?;
    usize::try_from(offset).ok().filter(|&o| o < len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_range_uses_a_table() {
        let mut ix = KeyIndex::new(Some((10, 13)), 4);
        assert!(matches!(ix, KeyIndex::Dense { .. }));
        assert_eq!(ix.id_or_insert(Key::Int(12), 0), (0, true));
        assert_eq!(ix.id_or_insert(Key::Int(10), 1), (1, true));
        assert_eq!(ix.id_or_insert(Key::Int(12), 2), (0, false));
        assert_eq!(ix.get_int(12), Some(0));
        assert_eq!(ix.get_int(10), Some(1));
        assert_eq!(ix.get_int(11), None);
        assert_eq!(ix.get_int(9), None);
        assert_eq!(ix.get_int(14), None);
        assert_eq!(ix.get_int(i64::MIN), None);
        assert_eq!(ix.get(&Key::Text("12".into())), None);
    }

    #[test]
    fn sparse_or_mixed_keys_use_a_map() {
        // Snowflake-like keys: a huge span for a few parents.
        let mut ix = KeyIndex::new(Some((1 << 40, 1 << 50)), 3);
        assert!(matches!(ix, KeyIndex::Map(_)));
        assert_eq!(ix.id_or_insert(Key::Int(1 << 50), 0), (0, true));
        assert_eq!(ix.get_int(1 << 50), Some(0));
        let mut ix = KeyIndex::new(None, 2);
        assert_eq!(ix.id_or_insert(Key::Text("a".into()), 0), (0, true));
        assert_eq!(ix.get(&Key::Text("a".into())), Some(0));
        assert_eq!(ix.get_int(1), None);
    }

    #[test]
    fn extreme_ranges_do_not_overflow() {
        let ix = KeyIndex::new(Some((i64::MIN, i64::MAX)), 2);
        assert!(matches!(ix, KeyIndex::Map(_)));
        let mut ix = KeyIndex::new(Some((i64::MAX - 1, i64::MAX)), 2);
        assert_eq!(ix.id_or_insert(Key::Int(i64::MAX), 0), (0, true));
        assert_eq!(ix.get_int(i64::MIN), None);
    }
}
