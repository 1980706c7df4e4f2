//! The lookup tree: the `__` paths of every [`Prefetch`] merged into levels, each a
//! relation of the level above (`orders` once for `orders` and `orders__items`).
//!
//! Nodes borrow their names and querysets from the lookups: building the tree
//! allocates only the node lists.

use std::sync::Arc;

use ormolu_core::compiler::split_path;
use ormolu_core::meta::ModelMeta;
use ormolu_core::query::Query;
use ormolu_core::{Error, Result};

use super::Prefetch;

/// A level of the lookup tree: a relation of the parent model, where its rows go, the
/// QuerySet loading them, and the levels under it.
#[derive(Debug)]
pub(super) struct Node<'a> {
    /// The relation's name on the parent (`orders`).
    pub(super) name: &'a str,
    /// Where the rows go: the `to_attr`, else the relation's name.
    pub(super) key: &'a str,
    pub(super) to_attr: Option<&'a str>,
    pub(super) query: Option<&'a Arc<Query>>,
    pub(super) children: Vec<Node<'a>>,
}

impl<'a> Node<'a> {
    /// A level reached by name only (no queryset, no `to_attr`).
    fn plain(name: &'a str) -> Self {
        Node { name, key: name, to_attr: None, query: None, children: Vec::new() }
    }
}

/// The lookups a nested one sits under (for messages: `orders__items__`).
struct Outer<'p> {
    path: &'p str,
    up: Option<&'p Outer<'p>>,
}

impl Outer<'_> {
    fn prefix(outer: Option<&Outer<'_>>) -> String {
        match outer {
            Some(o) => format!("{}{}__", Outer::prefix(o.up), o.path),
            None => String::new(),
        }
    }
}

/// The tree of `lookups` on `model`.
pub(super) fn build_tree<'a>(model: &ModelMeta, lookups: &'a [Prefetch]) -> Result<Vec<Node<'a>>> {
    let mut tree = Vec::new();
    for l in lookups {
        insert(&mut tree, model, l, None)?;
    }
    Ok(tree)
}

fn insert<'a>(tree: &mut Vec<Node<'a>>, model: &ModelMeta, l: &'a Prefetch, outer: Option<&Outer<'_>>) -> Result<()> {
    let mut parts = split_path(&l.path).filter(|p| !p.is_empty()).peekable();
    let mut level = tree;
    let last = loop {
        let Some(part) = parts.next() else {
            return Err(Error::Usage(format!("prefetch_related(): an empty lookup on {}", model.name)));
        };
        if parts.peek().is_none() {
            break part;
        }
        let i = match level.iter().position(|n| n.key == part) {
            Some(i) => i,
            None => {
                level.push(Node::plain(part));
                level.len() - 1
            }
        };
        level = &mut level[i].children;
    };
    let key = l.to_attr.as_deref().unwrap_or(last);
    let i = match level.iter().position(|n| n.key == key) {
        Some(i) => {
            let n = &level[i];
            let same = match (n.query, &l.query) {
                (None, None) => n.name == last,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            };
            if !same {
                return Err(Error::Usage(format!(
                    "'{}{key}' lookup was already seen with a different queryset. You may need to adjust the \
                     ordering of your lookups.",
                    Outer::prefix(outer)
                )));
            }
            i
        }
        None => {
            level.push(Node {
                name: last,
                key,
                to_attr: l.to_attr.as_deref(),
                query: l.query.as_ref(),
                children: Vec::new(),
            });
            level.len() - 1
        }
    };
    let node = &mut level[i];
    let here = Outer { path: &l.path, up: outer };
    for n in l.nested.iter().flat_map(|n| n.iter()) {
        insert(&mut node.children, model, n, Some(&here))?;
    }
    Ok(())
}
