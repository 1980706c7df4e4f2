//! Splitting `__` paths without allocating (the compiler splits every lookup path).

/// A `__` path split into its parts, without allocating for up to eight parts.
pub(crate) struct Parts<'a> {
    inline: [&'a str; 8],
    len: usize,
    heap: Vec<&'a str>,
}

impl<'a> Parts<'a> {
    /// Splits `path` at `__`.
    pub(crate) fn new(path: &'a str) -> Self {
        let mut p = Parts { inline: [""; 8], len: 0, heap: Vec::new() };
        for part in split_path(path) {
            if p.len < p.inline.len() {
                p.inline[p.len] = part;
            } else {
                if p.heap.is_empty() {
                    p.heap.extend_from_slice(&p.inline);
                }
                p.heap.push(part);
            }
            p.len += 1;
        }
        p
    }
}

impl<'a> std::ops::Deref for Parts<'a> {
    type Target = [&'a str];
    fn deref(&self) -> &[&'a str] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
}

/// The byte index of the first `__` in `s` (as `str::find("__")`, without its
/// searcher set-up, which costs more than the search on paths this short).
fn find_sep(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(1)).find(|&i| b[i] == b'_' && b[i + 1] == b'_')
}

/// The parts of a `__` path, as `path.split("__")` gives them, without the
/// searcher `split` sets up for a string pattern.
///
/// ```
/// use ormolu_core::compiler::split_path;
/// assert_eq!(split_path("posts__comments").collect::<Vec<_>>(), ["posts", "comments"]);
/// assert_eq!(split_path("a___b").collect::<Vec<_>>(), "a___b".split("__").collect::<Vec<_>>());
/// ```
pub fn split_path(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path);
    std::iter::from_fn(move || {
        let r = rest?;
        match find_sep(r) {
            Some(i) => {
                rest = Some(&r[i + 2..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// The first part of a `__` path (`"blog"` for `"blog__name__exact"`).
pub(crate) fn head(path: &str) -> &str {
    find_sep(path).map_or(path, |i| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::{head, Parts};

    #[test]
    fn splits_as_str_split() {
        for p in ["", "a", "a__b", "a___b", "__a", "a__", "a____b", "a__b__c__d__e__f__g__h__i__j", "pub_date__year"] {
            let want: Vec<&str> = p.split("__").collect();
            assert_eq!(&*Parts::new(p), &want[..], "{p:?}");
            assert_eq!(head(p), want[0], "{p:?}");
        }
    }
}
