//! One lookup applied to a compiled left-hand side: comparison operators, text
//! patterns (`contains`, `startswith`, `regex`, …), `in` lists (one array parameter on
//! PostgreSQL for long lists), `range`, `isnull`, full-text `search` — and the helpers
//! they share (LIKE escaping, type names in errors).

use super::lookups::Lhs;
use super::resolve::LOOKUPS;
use super::sql::Transform;
use super::Compiler;
use crate::dialect::{escape_like, PatternOp};
use crate::error::{Error, Result};
use crate::meta::FieldType;
use crate::query::{Expr, Rhs};
use crate::value::Value;

impl Compiler<'_> {
    /// The SQL of lookup `lookup` (`exact`, `gt`, `in`, …) on `lhs` with `rhs`;
    /// `model` and `path` name the field in errors.
    pub(crate) fn apply_lookup(
        &mut self,
        lhs: &Lhs,
        lookup: &str,
        rhs: &Rhs,
        model: &str,
        path: &str,
    ) -> Result<String> {
        let l = &lhs.sql;
        let pattern = |name: &str| -> Option<PatternOp> {
            Some(match name {
                "iexact" => PatternOp::IExact,
                "contains" => PatternOp::Contains,
                "icontains" => PatternOp::IContains,
                "startswith" => PatternOp::StartsWith,
                "istartswith" => PatternOp::IStartsWith,
                "endswith" => PatternOp::EndsWith,
                "iendswith" => PatternOp::IEndsWith,
                "regex" => PatternOp::Regex,
                "iregex" => PatternOp::IRegex,
                _ => return None,
            })
        };
        match lookup {
            "exact" | "iexact" if matches!(rhs, Rhs::Value(Value::Null)) => Ok(format!("{l} IS NULL")),
            "exact" => self.binary(l, " = ", rhs),
            "gt" | "gte" | "lt" | "lte" => {
                if matches!(rhs, Rhs::Value(Value::Null)) {
                    return Err(Error::field(model, path, "Cannot use None as a query value", vec![]));
                }
                let op = match lookup {
                    "gt" => " > ",
                    "gte" => " >= ",
                    "lt" => " < ",
                    _ => " <= ",
                };
                self.binary(l, op, rhs)
            }
            "isnull" => match rhs {
                Rhs::Value(Value::Bool(true)) => Ok(format!("{l} IS NULL")),
                Rhs::Value(Value::Bool(false)) => Ok(format!("{l} IS NOT NULL")),
                _ => Err(Error::field(
                    model,
                    path,
                    "The QuerySet value for an isnull lookup must be True or False",
                    vec![],
                )),
            },
            "in" => {
                match rhs {
                    Rhs::Query(q) => return Ok(format!("{l} IN ({})", self.in_subquery_sql(q)?)),
                    Rhs::Expr(e @ Expr::Subquery(_)) => return Ok(format!("{l} IN {}", self.expr_sql(e)?.0)),
                    _ => {}
                }
                let Rhs::List(values) = rhs else {
                    return Err(Error::field(model, path, "The `in` lookup needs a list of values", vec![]));
                };
                if let Some(array) = as_array_param(self.d, lhs.ty, values) {
                    let mut out = format!("{l} = ANY(");
                    self.params.push_from(&mut out, array, rhs, Transform::NonNullArray);
                    out.push(')');
                    return Ok(out);
                }
                let n = values.iter().filter(|v| !v.is_null()).count();
                if n == 0 {
                    return Ok("1 = 0".into());
                }
                // One String for the whole list (lists can hold thousands of keys).
                let mut out = String::with_capacity(l.len() + 6 + n * 8);
                out.push_str(l);
                out.push_str(" IN (");
                self.params.push_list_from(&mut out, rhs);
                out.push(')');
                Ok(out)
            }
            "search" => {
                // The column as a vector (Django's SearchVectorExact on a text field).
                let v = {
                    let op =
                        crate::dialect::SearchOp::Vector { texts: std::slice::from_ref(l), config: None, weight: None };
                    self.d.search_sql(op).ok_or_else(|| Error::not_supported("full-text search", self.d.name()))?
                };
                self.search_match_sql(Some(&v), &Expr::Star, rhs)
            }
            "range" => {
                let Rhs::Range(a, b) = rhs else {
                    return Err(Error::field(model, path, "The `range` lookup needs two bounds", vec![]));
                };
                let (a, b) = (self.params.push(a.clone()), self.params.push(b.clone()));
                Ok(format!("{l} BETWEEN {a} AND {b}"))
            }
            name => {
                let op = pattern(name).expect("lookup names are checked by the resolver");
                if lhs.ty.is_some_and(|t| !t.is_text() && t != FieldType::Json) && !matches!(op, PatternOp::IExact) {
                    let ok_on_non_text = lhs.ty.is_some_and(|t| t.is_integer() || t.has_date());
                    if !ok_on_non_text {
                        return Err(Error::field(
                            model,
                            path,
                            format!("Unsupported lookup '{name}' for {}", ty_name(lhs.ty)),
                            LOOKUPS.iter().filter(|s| !is_pattern(s)).map(|s| s.to_string()).collect(),
                        ));
                    }
                }
                let rhs_sql = match rhs {
                    Rhs::Value(Value::Null) => return Ok(format!("{l} IS NULL")),
                    Rhs::Value(Value::Text(text)) => {
                        let (pat, t) = if self.d.pattern_is_like(op) {
                            (like_value(op, text), Transform::Like(op))
                        } else {
                            (text.clone(), Transform::Text)
                        };
                        let mut marker = String::with_capacity(4);
                        self.params.push_from(&mut marker, Value::Text(pat), rhs, t);
                        marker
                    }
                    Rhs::Value(v) => {
                        let other;
                        let text = match v {
                            Value::Text(s) => s.as_str(),
                            v => {
                                other = v.to_string();
                                other.as_str()
                            }
                        };
                        let pat = if self.d.pattern_is_like(op) { like_value(op, text) } else { text.to_string() };
                        self.params.push(Value::Text(pat))
                    }
                    other => {
                        return Err(Error::field(
                            model,
                            path,
                            format!("the `{name}` lookup takes a value, not {other:?}"),
                            vec![],
                        ))
                    }
                };
                Ok(self.d.pattern_sql(op, l, &rhs_sql, lhs.ty))
            }
        }
    }
}

impl Compiler<'_> {
    /// `lhs <op> rhs` (`op` with its spaces).
    fn binary(&mut self, lhs: &str, op: &str, rhs: &Rhs) -> Result<String> {
        let mut out = String::with_capacity(lhs.len() + op.len() + 8);
        out.push_str(lhs);
        out.push_str(op);
        self.rhs_into(&mut out, rhs)?;
        Ok(out)
    }
}

/// The LIKE pattern of a pattern lookup's value: escaped (`escape_like`) and wrapped
/// with `%` as `op` wants (`PatternOp::like_pattern`), in one allocation.
pub(crate) fn like_value(op: PatternOp, text: &str) -> String {
    let (lead, trail) = match op {
        PatternOp::Contains | PatternOp::IContains => (true, true),
        PatternOp::StartsWith | PatternOp::IStartsWith => (false, true),
        PatternOp::EndsWith | PatternOp::IEndsWith => (true, false),
        PatternOp::IExact | PatternOp::Regex | PatternOp::IRegex => (false, false),
    };
    if !text.contains(['\\', '%', '_']) {
        let mut out = String::with_capacity(text.len() + 2);
        if lead {
            out.push('%');
        }
        out.push_str(text);
        if trail {
            out.push('%');
        }
        return out;
    }
    op.like_pattern(&escape_like(text))
}

fn is_pattern(s: &str) -> bool {
    matches!(
        s,
        "iexact"
            | "contains"
            | "icontains"
            | "startswith"
            | "istartswith"
            | "endswith"
            | "iendswith"
            | "regex"
            | "iregex"
    )
}

pub(crate) fn ty_name(ty: Option<FieldType>) -> String {
    match ty {
        Some(t) => format!("{t:?}Field"),
        None => "expression".into(),
    }
}

/// Lists longer than this go as one array parameter where the dialect does that.
const IN_ARRAY_MIN: usize = 16;

/// A long `IN` list of integers or of text, on an integer or text column, as one
/// array parameter (`= ANY($1)`), when the dialect sends lists that way
/// ([`crate::dialect::Features::in_list_as_array`]). NULLs never match `IN`, so they
/// are left out, as in the list form.
fn as_array_param(d: &dyn crate::dialect::Dialect, ty: Option<FieldType>, values: &[Value]) -> Option<Value> {
    if !d.features().in_list_as_array || values.len() < IN_ARRAY_MIN {
        return None;
    }
    let ty = ty?;
    let items: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
    let ints = ty.is_integer() && items.iter().all(|v| matches!(v, Value::I64(_)));
    let texts = matches!(ty, FieldType::Char | FieldType::Text) && items.iter().all(|v| matches!(v, Value::Text(_)));
    (!items.is_empty() && (ints || texts)).then_some(Value::Array(items))
}
