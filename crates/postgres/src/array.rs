//! PostgreSQL arrays in the binary format, both ways (Django's `ArrayField`).
//!
//! The format: `ndim: i32`, `has_nulls: i32`, `element oid: u32`, then per dimension
//! `length: i32` and `lower bound: i32`, then every element (row-major) as
//! `length: i32` (-1 for NULL) followed by its bytes in the element type's format.
//! A nested [`Value::Array`] is a multidimensional array (every inner array of one
//! level has the same length, as PostgreSQL requires).

use bytes::{BufMut, BytesMut};
use ormolu_core::Value;
use tokio_postgres::types::Type;

/// Writes `items` as an array of `elem`; each element through `encode_elem`.
/// `Err(None)`: an element cannot be that type; `Err(Some(why))`: ragged or bad value.
pub(crate) fn encode(
    items: &[Value],
    elem: &Type,
    out: &mut BytesMut,
    mut encode_elem: impl FnMut(&Value, &mut BytesMut) -> Result<(), Option<String>>,
) -> Result<(), Option<String>> {
    let dims = dims(items);
    let mut flat = Vec::new();
    flatten(items, dims.len(), &mut flat)?;
    if flat.len() != dims.iter().product::<usize>() {
        return Err(Some("nested arrays must have the same length".into()));
    }
    let count = |n: usize| i32::try_from(n).map_err(|_| Some("array too long".to_string()));
    out.put_i32(if flat.is_empty() { 0 } else { count(dims.len())? });
    out.put_i32(i32::from(flat.iter().any(|v| v.is_null())));
    out.put_u32(elem.oid());
    if !flat.is_empty() {
        for d in &dims {
            out.put_i32(count(*d)?);
            out.put_i32(1);
        }
    }
    let mut buf = BytesMut::new();
    for v in flat {
        if v.is_null() {
            out.put_i32(-1);
            continue;
        }
        buf.clear();
        encode_elem(v, &mut buf)?;
        out.put_i32(count(buf.len())?);
        out.put_slice(&buf);
    }
    Ok(())
}

/// The length of each dimension, read along the first elements.
fn dims(items: &[Value]) -> Vec<usize> {
    let mut dims = vec![items.len()];
    let mut level = items;
    while let Some(Value::Array(inner)) = level.first() {
        dims.push(inner.len());
        level = inner;
    }
    dims
}

fn flatten<'a>(items: &'a [Value], depth: usize, out: &mut Vec<&'a Value>) -> Result<(), Option<String>> {
    for v in items {
        match v {
            Value::Array(inner) if depth > 1 => flatten(inner, depth - 1, out)?,
            Value::Array(_) => return Err(Some("nested arrays must have the same depth".into())),
            _ if depth > 1 => return Err(Some("nested arrays must have the same depth".into())),
            v => out.push(v),
        }
    }
    Ok(())
}

/// Reads an array cell whose elements are decoded by `decode_elem` (NULL elements
/// are `Value::Null`); a multidimensional array becomes nested `Value::Array`s.
pub(crate) fn decode(raw: &[u8], decode_elem: impl Fn(&[u8]) -> Result<Value, String>) -> Result<Value, String> {
    let mut r = Reader(raw);
    let ndim = usize::try_from(r.i32()?).map_err(|_| "negative array dimensions".to_string())?;
    let _has_nulls = r.i32()?;
    let _oid = r.i32()?;
    let mut dims = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        dims.push(usize::try_from(r.i32()?).map_err(|_| "negative array length".to_string())?);
        let _lower = r.i32()?;
    }
    let total: usize = if ndim == 0 { 0 } else { dims.iter().product() };
    let mut flat = Vec::with_capacity(total);
    for _ in 0..total {
        let len = r.i32()?;
        flat.push(if len < 0 { Value::Null } else { decode_elem(r.take(len as usize)?)? });
    }
    // Regroup from the innermost dimension out.
    for d in dims.iter().skip(1).rev() {
        flat = flat.chunks(*d).map(|c| Value::Array(c.to_vec())).collect();
    }
    Ok(Value::Array(flat))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("truncated array".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn i32(&mut self) -> Result<i32, String> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int4(v: &Value, out: &mut BytesMut) -> Result<(), Option<String>> {
        match v {
            Value::I64(i) => {
                out.put_i32(*i as i32);
                Ok(())
            }
            _ => Err(None),
        }
    }

    fn read_int4(b: &[u8]) -> Result<Value, String> {
        Ok(Value::I64(i32::from_be_bytes([b[0], b[1], b[2], b[3]]).into()))
    }

    #[test]
    fn round_trips() {
        for v in [
            vec![Value::I64(1), Value::Null, Value::I64(3)],
            vec![],
            vec![Value::Array(vec![Value::I64(1), Value::I64(2)]), Value::Array(vec![Value::I64(3), Value::I64(4)])],
        ] {
            let mut out = BytesMut::new();
            encode(&v, &Type::INT4, &mut out, int4).unwrap();
            assert_eq!(decode(&out, read_int4).unwrap(), Value::Array(v));
        }
    }

    #[test]
    fn ragged_arrays_are_refused() {
        let v = vec![Value::Array(vec![Value::I64(1)]), Value::Array(vec![])];
        let e = encode(&v, &Type::INT4, &mut BytesMut::new(), int4).unwrap_err();
        assert!(e.unwrap().contains("same length"));
    }
}
