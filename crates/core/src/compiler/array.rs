//! Array fields (Django's `django.contrib.postgres.fields.ArrayField`): the lookups
//! `contains` (`@>`), `contained_by` (`<@`), `overlap` (`&&`) and `exact`, whose
//! value is written `ARRAY[$1, $2]::type[]` as Django writes it; the transforms `len`
//! (`tags__len__gt = 2`), index (`tags__0`, 0-based as in Python, `col[1]` in SQL)
//! and slice (`tags__0_2`, `col[1:2]`).
//!
//! Only where the dialect has [`supports_array_fields`](crate::dialect::Features);
//! elsewhere every array lookup and transform is `Error::NotSupported`.

use super::lookups::Lhs;
use super::Compiler;
use crate::error::{Error, Result};
use crate::meta::FieldType;
use crate::query::Rhs;
use crate::value::Value;

/// An array transform named in a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArrayTransform {
    /// `len`: the number of elements (NULL for a NULL array).
    Len,
    /// `3`: the element at this 0-based index.
    Index(u32),
    /// `1_3`: the elements from 0-based `start` up to `end` (exclusive in Python terms).
    Slice(u32, u32),
}

impl ArrayTransform {
    /// Reads a transform name: `len`, `0`, `0_2`.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        if name == "len" {
            return Some(ArrayTransform::Len);
        }
        if let Ok(i) = name.parse::<u32>() {
            return Some(ArrayTransform::Index(i));
        }
        let (a, b) = name.split_once('_')?;
        Some(ArrayTransform::Slice(a.parse().ok()?, b.parse().ok()?))
    }
}

impl Compiler<'_> {
    /// `what`: `lookup `contains`` or `transform `len``, for the error.
    fn array_supported(&self, what: std::fmt::Arguments<'_>) -> Result<()> {
        if self.d.features().supports_array_fields {
            Ok(())
        } else {
            Err(Error::not_supported(format!("ArrayField {what}"), self.d.name()))
        }
    }

    /// A transform on an array of `elem` (Django's `ArrayLenTransform`,
    /// `IndexTransform`, `SliceTransform`).
    pub(crate) fn array_transform(&mut self, lhs: Lhs, name: &str, elem: FieldType, model: &str) -> Result<Lhs> {
        self.array_supported(format_args!("transform `{name}`"))?;
        let t = ArrayTransform::parse(name).ok_or_else(|| {
            Error::field(
                model,
                name,
                format!("Unsupported lookup '{name}' for an array field"),
                ["contains", "contained_by", "overlap", "exact", "isnull", "in", "len", "<index>", "<start>_<end>"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            )
        })?;
        let l = &lhs.sql;
        // Django parenthesises the array unless it already ends with a subscript.
        let wrapped = if l.ends_with(']') { l.clone() } else { format!("({l})") };
        Ok(match t {
            ArrayTransform::Len => Lhs {
                sql: format!("CASE WHEN {l} IS NULL THEN NULL ELSE coalesce(array_length({l}, 1), 0) END"),
                ty: Some(FieldType::Int),
                nullable: lhs.nullable,
            },
            ArrayTransform::Index(i) => {
                let p = self.params.push(Value::I64(i64::from(i) + 1));
                Lhs { sql: format!("{wrapped}[{p}]"), ty: Some(elem), nullable: true }
            }
            ArrayTransform::Slice(a, b) => {
                let start = self.params.push(Value::I64(i64::from(a) + 1));
                let end = self.params.push(Value::I64(i64::from(b)));
                Lhs { sql: format!("({l})[{start}:{end}]"), ty: lhs.ty, nullable: lhs.nullable }
            }
        })
    }

    /// A lookup on an array: `contains`, `contained_by`, `overlap`, and `exact` with
    /// a value. `None`: the ordinary lookup applies (`isnull`, `in`, `exact` NULL…).
    pub(crate) fn array_lookup(&mut self, lhs: &Lhs, lookup: &str, rhs: &Rhs, path: &str) -> Result<Option<String>> {
        self.array_supported(format_args!("lookup `{lookup}`"))?;
        let op = match lookup {
            "contains" => "@>",
            "contained_by" => "<@",
            "overlap" => "&&",
            "exact" if !matches!(rhs, Rhs::Value(Value::Null)) => "=",
            _ => return Ok(None),
        };
        let ty = lhs.ty.expect("an array lookup has a typed left-hand side");
        let r = self.array_rhs(rhs, ty, lookup, path)?;
        Ok(Some(format!("{} {op} {r}", lhs.sql)))
    }

    /// The value of an array lookup cast to the array's type (Django's
    /// `ArrayRHSMixin`): `ARRAY[$1, $2]::integer[]`, or the whole array as one
    /// parameter when it holds no value but NULLs (or nothing).
    fn array_rhs(&mut self, rhs: &Rhs, ty: FieldType, lookup: &str, path: &str) -> Result<String> {
        let inner = match rhs {
            Rhs::Value(Value::Array(items)) if items.iter().any(|v| !v.is_null()) => {
                let ps: Vec<String> = items.iter().map(|v| self.params.push(v.clone())).collect();
                format!("ARRAY[{}]", ps.join(", "))
            }
            Rhs::Value(v @ Value::Array(_)) => self.params.push(v.clone()),
            Rhs::Expr(e) => self.expr_sql(e)?.0,
            other => {
                return Err(Error::field(
                    self.q.model.name,
                    path,
                    format!("`{lookup}` on an array field takes a list of values, not {other:?}"),
                    vec![],
                ))
            }
        };
        Ok(self.d.cast_sql(&inner, ty))
    }
}
