//! The shape keys of the statement cache: what of a statement its SQL text may depend
//! on, written as bytes, and its values gathered as [`Leaves`] (in key order). A
//! writer returns `false` for what the cache does not take.

use super::{Leaves, Source, MAX_LIST_LEN};
use crate::compiler::Assignment;
use crate::dialect::Dialect;
use crate::query::{Expr, Loading, OrderBy, OrderTarget, QNode, Query, Rhs, Select};
use crate::value::Value;

fn put_str(key: &mut Vec<u8>, s: &str) {
    key.extend_from_slice(&(s.len() as u32).to_le_bytes());
    key.extend_from_slice(s.as_bytes());
}

fn put_u64(key: &mut Vec<u8>, n: u64) {
    key.extend_from_slice(&n.to_le_bytes());
}

/// Writes the shape of `q` into `key` and gathers its lookups; `false` when the query
/// is not cacheable.
pub(super) fn write_query<'q>(key: &mut Vec<u8>, d: &dyn Dialect, q: &'q Query, leaves: &mut Leaves<'q>) -> bool {
    // Every field is named, so a new one is considered here before it compiles.
    let Query {
        model,
        filter,
        order_by,
        reversed,
        limit,
        offset,
        distinct,
        select,
        loading,
        annotations,
        for_update,
        empty,
        select_related,
        aliases,
        annotation_calls,
        group_by,
        combinator,
        distinct_on,
    } = q;
    // values() of plain paths is cached too (annotations make `plain` false anyway).
    let plain = annotations.is_empty()
        && aliases.is_empty()
        && annotation_calls.is_empty()
        && for_update.is_none()
        && !*empty
        && select_related.is_empty()
        && group_by.is_none()
        && combinator.is_none()
        && distinct_on.is_empty();
    if !plain {
        return false;
    }
    put_str(key, d.name());
    match select {
        Select::Model => key.push(0),
        Select::Values(paths) => {
            key.push(1);
            put_u64(key, paths.len() as u64);
            for p in paths {
                put_str(key, p);
            }
        }
    }
    put_u64(key, std::ptr::from_ref(*model) as usize as u64);
    put_str(key, model.table);
    key.extend_from_slice(&[u8::from(*reversed), u8::from(*distinct)]);
    key.push(u8::from(limit.is_some()));
    put_u64(key, limit.unwrap_or(0));
    put_u64(key, *offset);
    match loading {
        Loading::All => key.push(0),
        Loading::Only(names) | Loading::Defer(names) => {
            key.push(if matches!(loading, Loading::Only(_)) { 1 } else { 2 });
            put_u64(key, names.len() as u64);
            names.iter().for_each(|n| put_str(key, n));
        }
    }
    match order_by {
        None => key.push(0),
        Some(keys) => {
            key.push(1);
            put_u64(key, keys.len() as u64);
            if !keys.iter().all(|k| write_order(key, k)) {
                return false;
            }
        }
    }
    write_node(key, filter, leaves)
}

fn write_order(key: &mut Vec<u8>, k: &OrderBy) -> bool {
    match &k.expr {
        OrderTarget::Random => key.push(0),
        OrderTarget::Expr(Expr::Col(path)) => {
            key.push(1);
            put_str(key, path);
        }
        OrderTarget::Expr(_) => return false,
    }
    key.push(u8::from(k.descending));
    key.push(k.nulls.map_or(0, |n| 1 + n as u8));
    true
}

pub(super) fn write_node<'q>(key: &mut Vec<u8>, n: &'q QNode, leaves: &mut Leaves<'q>) -> bool {
    let (tag, children): (u8, &'q [QNode]) = match n {
        QNode::Leaf(l) => {
            match &l.rhs {
                Rhs::Value(v) => {
                    let Some(tag) = value_tag(v) else { return false };
                    key.push(1);
                    put_str(key, &l.path);
                    key.push(tag);
                }
                // An `in` list: its length and each element's tag (which are NULL,
                // and their types, decide the SQL).
                Rhs::List(values) if values.len() <= MAX_LIST_LEN => {
                    key.push(7);
                    put_str(key, &l.path);
                    put_u64(key, values.len() as u64);
                    for v in values {
                        let Some(tag) = value_tag(v) else { return false };
                        key.push(tag);
                    }
                }
                _ => return false,
            }
            return leaves.push(Source::Rhs(&l.rhs));
        }
        QNode::Not(inner) => {
            key.push(2);
            return write_node(key, inner, leaves);
        }
        QNode::Call(inner) => {
            key.push(3);
            return write_node(key, inner, leaves);
        }
        QNode::And(v) => (4, v),
        QNode::Or(v) => (5, v),
        QNode::Xor(v) => (6, v),
        QNode::Expr(_) | QNode::ExprLookup(_) => return false,
    };
    key.push(tag);
    put_u64(key, children.len() as u64);
    children.iter().all(|c| write_node(key, c, leaves))
}

/// Writes the assignments of an UPDATE: each field's name and the structure of its
/// value, gathering the values in it.
pub(super) fn write_assignments<'q>(key: &mut Vec<u8>, set: &'q [Assignment], leaves: &mut Leaves<'q>) -> bool {
    put_u64(key, set.len() as u64);
    set.iter().all(|a| {
        put_str(key, &a.field);
        write_expr(key, &a.value, leaves)
    })
}

/// Writes an assigned expression: a value, an `F()` path, or arithmetic of those.
fn write_expr<'q>(key: &mut Vec<u8>, e: &'q Expr, leaves: &mut Leaves<'q>) -> bool {
    match e {
        Expr::Value(v) => {
            let Some(tag) = value_tag(v) else { return false };
            key.extend_from_slice(&[1, tag]);
            leaves.push(Source::Value(v))
        }
        Expr::Col(path) => {
            key.push(2);
            put_str(key, path);
            true
        }
        Expr::Arith(l, op, r) => {
            key.extend_from_slice(&[3, *op as u8]);
            write_expr(key, l, leaves) && write_expr(key, r, leaves)
        }
        _ => false,
    }
}

/// What of a value the SQL may depend on: its type, NULL, and a boolean's value.
#[allow(unreachable_patterns)]
fn value_tag(v: &Value) -> Option<u8> {
    Some(match v {
        Value::Null => 0,
        Value::Bool(false) => 1,
        Value::Bool(true) => 2,
        Value::I64(_) => 3,
        Value::F64(_) => 4,
        Value::Text(_) => 5,
        Value::Bytes(_) => 6,
        Value::Decimal(_) => 7,
        Value::Date(_) => 8,
        Value::DateTime(_) => 9,
        Value::DateTimeUtc(_) => 10,
        Value::Time(_) => 11,
        Value::Duration(_) => 12,
        #[cfg(feature = "uuid")]
        Value::Uuid(_) => 13,
        // JSON documents (and anything newer) are not cached.
        _ => return None,
    })
}
