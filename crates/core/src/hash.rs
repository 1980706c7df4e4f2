//! [`text_hash`] and [`TextHasher`]: one fast hash for SQL text, shared by the caches
//! keyed by statements (the facade's rows hint, the drivers' kept statements) and the
//! registry's maps keyed by table name.
//!
//! A multiply-rotate step over eight bytes at a time (FxHash's), with the high bits
//! mixed down at the end: a hundred bytes of SQL hash in a few dozen instructions.
//! Not for keys an attacker chooses: the keys are the application's own statements,
//! in bounded tables.

use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// The hash of `bytes` (seeded with their length).
///
/// ```
/// use ormolu_core::hash::text_hash;
/// assert_eq!(text_hash(b"SELECT 1"), text_hash(b"SELECT 1"));
/// assert_ne!(text_hash(b"SELECT 1"), text_hash(b"SELECT 2"));
/// ```
pub fn text_hash(bytes: &[u8]) -> u64 {
    let mut h = TextHasher(bytes.len() as u64);
    h.write(bytes);
    h.finish()
}

/// A [`Hasher`] running [`text_hash`]'s step over everything written to it.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextHasher(u64);

impl Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes(c.try_into().expect("eight bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        // Mix the high bits down, so a table slot depends on all of them.
        self.0 ^ (self.0 >> 29)
    }
}

/// A `HashMap` hasher builder for keys that are SQL text.
pub type TextBuildHasher = BuildHasherDefault<TextHasher>;
