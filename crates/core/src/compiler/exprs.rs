//! Expressions (F, values, arithmetic, functions, CASE, casts, date parts and
//! truncation, aggregates, window functions) and ORDER BY keys.

use super::lookups::Lhs;
use super::{CompiledAnnotation, Compiler};
use crate::dialect::SearchOp;
use crate::error::{Error, Result};
use crate::meta::FieldType;
use crate::query::{AggFunc, Aggregate, ArithOp, Expr, Func, Nulls, OrderBy, OrderTarget, Search, SearchKind, Window};
use crate::value::Value;

pub(crate) fn value_type(v: &Value) -> Option<FieldType> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => FieldType::Bool,
        Value::I64(_) => FieldType::BigInt,
        Value::F64(_) => FieldType::Double,
        Value::Text(_) => FieldType::Text,
        Value::Bytes(_) => FieldType::Bytes,
        Value::Decimal(_) => FieldType::Decimal,
        Value::Date(_) => FieldType::Date,
        Value::DateTime(_) | Value::DateTimeUtc(_) => FieldType::DateTime,
        Value::Time(_) => FieldType::Time,
        Value::Duration(_) => FieldType::Duration,
        #[cfg(feature = "uuid")]
        Value::Uuid(_) => FieldType::Uuid,
        #[cfg(feature = "json")]
        Value::Json(_) => FieldType::Json,
        Value::Array(items) => FieldType::array_of(items.iter().find_map(value_type).unwrap_or(FieldType::Text)),
    })
}

fn is_temporal(t: Option<FieldType>) -> bool {
    matches!(t, Some(FieldType::Date | FieldType::DateTime | FieldType::Time))
}

fn is_integer(t: Option<FieldType>) -> bool {
    t.is_some_and(FieldType::is_integer)
}

/// Django's `NumericOutputFieldMixin`: decimal in, decimal out; integers give floats.
fn numeric_output(t: Option<FieldType>) -> Option<FieldType> {
    match t {
        Some(FieldType::Decimal) => Some(FieldType::Decimal),
        _ => Some(FieldType::Double),
    }
}

/// One ORDER BY key, compiled: `positional` when it names a column of the SELECT by
/// its position (`ORDER BY 2 DESC`).
#[derive(Debug, Clone)]
pub(crate) struct OrderItem {
    pub sql: String,
    /// The expression alone (without direction), for DISTINCT and GROUP BY.
    pub expr_sql: String,
    pub positional: bool,
    /// The key's expression (`None` for random order).
    pub expr: Option<Expr>,
}

impl Compiler<'_> {
    /// The compiled annotation `name` of the current scope: compiled once (its joins are
    /// made then, as Django resolves an annotation when `annotate()` is called).
    pub(crate) fn annotation_sql(&mut self, name: &str) -> Result<Option<CompiledAnnotation>> {
        if let Some(c) = self.compiled.get(name) {
            return Ok(Some(c.clone()));
        }
        let Some(expr) = self.annotation_expr(name) else { return Ok(None) };
        let (sql, ty) = self.expr_sql(&expr)?;
        let c = CompiledAnnotation { sql, ty };
        self.compiled.insert(name.to_string(), c.clone());
        Ok(Some(c))
    }

    /// Compiles an expression to SQL and its output type (when known).
    pub(crate) fn expr_sql(&mut self, e: &Expr) -> Result<(String, Option<FieldType>)> {
        Ok(match e {
            Expr::Col(path) => {
                let lhs = self.path_sql(path)?;
                (lhs.sql, lhs.ty)
            }
            Expr::Value(v) => {
                let ty = value_type(v);
                let p = self.params.push_copy(v);
                // A bare parameter has no type PostgreSQL can infer in arithmetic.
                (ty.map_or(p.clone(), |t| self.d.param_cast(&p, t)), ty)
            }
            Expr::Arith(l, op, r) => {
                let (ls, lt) = self.expr_sql(l)?;
                let (rs, rt) = self.expr_sql(r)?;
                match (op, lt, rt) {
                    (ArithOp::Add | ArithOp::Sub, lt, Some(FieldType::Duration)) if is_temporal(lt) => {
                        let c = if *op == ArithOp::Add { '+' } else { '-' };
                        let ty = lt.expect("temporal");
                        (self.d.duration_arith_sql(ty, &ls, c, &rs), lt)
                    }
                    (ArithOp::Add, Some(FieldType::Duration), rt) if is_temporal(rt) => {
                        let ty = rt.expect("temporal");
                        (self.d.duration_arith_sql(ty, &rs, '+', &ls), rt)
                    }
                    (ArithOp::Sub, lt, rt) if is_temporal(lt) && is_temporal(rt) => {
                        let ty = lt.expect("temporal");
                        (self.d.temporal_subtract_sql(ty, &ls, &rs), Some(FieldType::Duration))
                    }
                    _ => {
                        let ty = match (lt, rt) {
                            (Some(FieldType::Decimal), _) | (_, Some(FieldType::Decimal)) => Some(FieldType::Decimal),
                            (Some(FieldType::Double | FieldType::Float), _)
                            | (_, Some(FieldType::Double | FieldType::Float)) => Some(FieldType::Double),
                            (l, r) => l.or(r),
                        };
                        (format!("({ls} {} {rs})", op.sql()), ty)
                    }
                }
            }
            Expr::Func(f, args) => {
                if f.is_window_only() {
                    return Err(Error::Usage(format!(
                        "{}() is a window function: use it inside Window::new(…) (an OVER clause)",
                        f.sql_name()
                    )));
                }
                self.func_sql(*f, args)?
            }
            Expr::Case(whens, default) => {
                let mut s = String::from("CASE");
                let mut ty = None;
                for (cond, then) in whens {
                    let c = self.condition_sql(cond)?.unwrap_or_else(|| "1 = 1".into());
                    let (t, tt) = self.expr_sql(then)?;
                    ty = ty.or(tt);
                    s.push_str(&format!(" WHEN {c} THEN {t}"));
                }
                let (d, dt) = self.expr_sql(default)?;
                s.push_str(&format!(" ELSE {d} END"));
                (s, ty.or(dt))
            }
            Expr::Typed(inner, ty) => (self.expr_sql(inner)?.0, Some(*ty)),
            Expr::Aggregate(a) => self.aggregate_sql(a)?,
            Expr::Window(w) => self.window_sql(w)?,
            Expr::Cast(inner, ty) => {
                let (s, _) = self.expr_sql(inner)?;
                (self.d.cast_sql(&s, *ty), Some(*ty))
            }
            Expr::Extract(inner, part) => {
                let (s, ty) = self.expr_sql(inner)?;
                let ok = match ty {
                    Some(FieldType::Date) => !part.is_time(),
                    Some(FieldType::Time) => part.is_time(),
                    Some(FieldType::DateTime) | None => true,
                    _ => false,
                };
                if !ok {
                    return Err(Error::Usage(format!(
                        "Extract {part:?} needs a {} expression, not {}",
                        if part.is_time() { "time or datetime" } else { "date or datetime" },
                        super::lookup_ops::ty_name(ty)
                    )));
                }
                (self.d.date_extract_sql(*part, &s), Some(FieldType::Int))
            }
            Expr::Trunc(inner, kind, output) => {
                let (s, ty) = self.expr_sql(inner)?;
                let input = match ty {
                    Some(t @ (FieldType::Date | FieldType::DateTime)) => t,
                    None => FieldType::DateTime,
                    other => {
                        return Err(Error::Usage(format!(
                            "Trunc('{}') needs a date or datetime expression, not {}",
                            kind.name(),
                            super::lookup_ops::ty_name(other)
                        )))
                    }
                };
                if input == FieldType::Date && kind.is_time() {
                    return Err(Error::Usage(format!(
                        "Cannot truncate DateField to '{}': it has no time part",
                        kind.name()
                    )));
                }
                let out = output.unwrap_or(input);
                (self.d.trunc_sql(*kind, &s, input, out), Some(out))
            }
            Expr::Subquery(q) => self.subquery_sql(q)?,
            Expr::Exists(q) => (self.exists_sql(q)?, Some(FieldType::Bool)),
            Expr::OuterRef(inner) => self.outer_ref_sql(inner)?,
            Expr::Condition(q) => {
                let c = self.condition_sql(q)?.unwrap_or_else(|| "1 = 1".into());
                (format!("({c})"), Some(FieldType::Bool))
            }
            Expr::Search(sr) => self.search_sql(sr)?,
            Expr::Star => ("*".into(), None),
            Expr::Ref(name) => (self.d.quote(name), None),
        })
    }

    fn func_sql(&mut self, f: Func, args: &[Expr]) -> Result<(String, Option<FieldType>)> {
        let (parts, ty) = self.func_parts(f, args)?;
        Ok((self.d.func_sql(f, &parts), ty))
    }

    /// The compiled arguments of a function and its output type.
    fn func_parts(&mut self, f: Func, args: &[Expr]) -> Result<(Vec<String>, Option<FieldType>)> {
        let mut parts = Vec::with_capacity(args.len());
        let mut types = Vec::with_capacity(args.len());
        for a in args {
            let (s, t) = self.expr_sql(a)?;
            parts.push(s);
            types.push(t);
        }
        let first = types.first().copied().flatten();
        let any = types.iter().copied().flatten().next();
        let ty = match f {
            Func::Lower
            | Func::Upper
            | Func::Concat
            | Func::Substr
            | Func::Trim
            | Func::LTrim
            | Func::RTrim
            | Func::Replace
            | Func::Left
            | Func::Right
            | Func::Repeat
            | Func::Reverse => Some(FieldType::Text),
            Func::Length | Func::StrIndex => Some(FieldType::Int),
            Func::RowNumber | Func::Rank | Func::DenseRank | Func::Ntile => Some(FieldType::BigInt),
            Func::PercentRank | Func::CumeDist => Some(FieldType::Double),
            Func::Now => Some(FieldType::DateTime),
            Func::Sqrt | Func::Power | Func::Mod => numeric_output(any.filter(|t| *t == FieldType::Decimal).or(first)),
            Func::Coalesce | Func::Greatest | Func::Least => {
                // The widest known type (Django insists they agree; a decimal wins).
                if types.contains(&Some(FieldType::Decimal)) {
                    Some(FieldType::Decimal)
                } else {
                    any
                }
            }
            _ => first.or(any),
        };
        Ok((parts, ty))
    }

    /// `AGG([DISTINCT] x) [FILTER (WHERE …)]`, wrapped in `COALESCE` for a default.
    fn aggregate_sql(&mut self, a: &Aggregate) -> Result<(String, Option<FieldType>)> {
        let name = a.func.sql_name();
        let (arg, arg_ty) = self.expr_sql(&a.arg)?;
        if !self.in_window && a.arg.contains_aggregate(&|n| self.annotation_expr(n)) {
            return Err(Error::Usage(format!(
                "Cannot compute {name}(…) of an aggregate: aggregate over the annotation with aggregate() instead"
            )));
        }
        let distinct = if a.distinct { "DISTINCT " } else { "" };
        let mut sql = match &a.filter {
            None => format!("{name}({distinct}{arg})"),
            Some(f) => {
                let cond = self.condition_sql(f)?.unwrap_or_else(|| "1 = 1".into());
                if self.d.features().supports_aggregate_filter_clause {
                    format!("{name}({distinct}{arg}) FILTER (WHERE {cond})")
                } else {
                    let then = if matches!(a.arg, Expr::Star) { "1".to_string() } else { arg };
                    format!("{name}({distinct}CASE WHEN {cond} THEN {then} ELSE NULL END)")
                }
            }
        };
        let ty = a.output.or(match a.func {
            AggFunc::Count => Some(FieldType::BigInt),
            AggFunc::Avg if is_integer(arg_ty) || arg_ty.is_none() => Some(FieldType::Double),
            AggFunc::StdDev { .. } | AggFunc::Variance { .. } => Some(FieldType::Double),
            AggFunc::Sum if is_integer(arg_ty) => Some(FieldType::BigInt),
            _ => arg_ty,
        });
        if let Some(d) = &a.default {
            let (ds, _) = self.expr_sql(d)?;
            sql = format!("COALESCE({sql}, {ds})");
        }
        Ok((sql, ty))
    }

    fn search(&self, op: SearchOp<'_>) -> Result<String> {
        self.d.search_sql(op).ok_or_else(|| Error::not_supported("full-text search", self.d.name()))
    }

    /// Full-text search: `to_tsvector`, `*to_tsquery`, `ts_rank` (PostgreSQL).
    pub(crate) fn search_sql(&mut self, s: &Search) -> Result<(String, Option<FieldType>)> {
        if self.d.search_sql(SearchOp::Concat { vectors: &[] }).is_none() {
            return Err(Error::not_supported("full-text search", self.d.name()));
        }
        let config = |c: &mut Self, cfg: &Option<String>| cfg.as_ref().map(|v| c.params.push(Value::Text(v.clone())));
        Ok(match s {
            Search::Vector { parts, config: cfg } => {
                let mut vectors = Vec::with_capacity(parts.len());
                for (exprs, weight) in parts {
                    if weight.is_some_and(|w| !matches!(w, 'A'..='D')) {
                        return Err(Error::Usage(format!("a search weight is 'A', 'B', 'C' or 'D', not {weight:?}")));
                    }
                    let mut texts = Vec::with_capacity(exprs.len());
                    for e in exprs {
                        texts.push(self.expr_sql(e)?.0);
                    }
                    let c = config(self, cfg);
                    vectors.push(self.search(SearchOp::Vector {
                        texts: &texts,
                        config: c.as_deref(),
                        weight: *weight,
                    })?);
                }
                let sql = if vectors.len() == 1 {
                    vectors.pop().expect("one")
                } else {
                    self.search(SearchOp::Concat { vectors: &vectors })?
                };
                (sql, None)
            }
            Search::Query { text, kind, config: cfg } => {
                let (t, _) = self.expr_sql(text)?;
                let c = config(self, cfg);
                (self.search(SearchOp::Query { text: &t, kind: *kind, config: c.as_deref() })?, None)
            }
            Search::Rank { vector, query } => {
                let v = self.search_vector_of(vector)?;
                let q = self.search_query_of(query)?;
                (self.search(SearchOp::Rank { vector: &v, query: &q })?, Some(FieldType::Double))
            }
        })
    }

    /// A vector expression, or a field path made into one.
    fn search_vector_of(&mut self, e: &Expr) -> Result<String> {
        match e {
            Expr::Search(s) if matches!(**s, Search::Vector { .. }) => Ok(self.search_sql(s)?.0),
            Expr::Col(name) if matches!(self.annotation_expr(name), Some(Expr::Search(_))) => Ok(self.expr_sql(e)?.0),
            other => {
                let v = Search::Vector { parts: vec![(vec![other.clone()], None)], config: None };
                Ok(self.search_sql(&v)?.0)
            }
        }
    }

    /// A query expression, or text made into a plain one.
    pub(crate) fn search_query_of(&mut self, e: &Expr) -> Result<String> {
        match e {
            Expr::Search(s) if matches!(**s, Search::Query { .. }) => Ok(self.search_sql(s)?.0),
            other => {
                let q = Search::Query { text: other.clone(), kind: SearchKind::Plain, config: None };
                Ok(self.search_sql(&q)?.0)
            }
        }
    }

    /// `vector @@ query` for the `search` lookup (and `exact` on a vector annotation).
    pub(crate) fn search_match_sql(
        &mut self,
        vector_sql: Option<&str>,
        lhs: &Expr,
        rhs: &crate::query::Rhs,
    ) -> Result<String> {
        let v = match vector_sql {
            Some(v) => v.to_string(),
            None => self.search_vector_of(lhs)?,
        };
        let q = match rhs {
            crate::query::Rhs::Value(val) => self.search_query_of(&Expr::Value(val.clone()))?,
            crate::query::Rhs::Expr(e) => self.search_query_of(e)?,
            other => {
                return Err(Error::Usage(format!("the `search` lookup takes text or a SearchQuery, not {other:?}")))
            }
        };
        self.search(SearchOp::Match { vector: &v, query: &q })
    }

    /// `expr OVER (PARTITION BY … ORDER BY … frame)`.
    fn window_sql(&mut self, w: &Window) -> Result<(String, Option<FieldType>)> {
        let mut call: Option<(Func, Vec<String>)> = None;
        let (inner, ty) = match &w.expr {
            Expr::Func(f, args) => {
                let (parts, ty) = self.func_parts(*f, args)?;
                call = Some((*f, parts));
                (String::new(), ty)
            }
            Expr::Aggregate(a) => {
                self.in_window = true;
                let out = self.aggregate_sql(a);
                self.in_window = false;
                out?
            }
            other => {
                return Err(Error::Usage(format!(
                    "Window::new() takes a window function (RowNumber, Rank, Lag…) or an aggregate, not {other:?}"
                )))
            }
        };
        let mut over = Vec::new();
        if !w.partition_by.is_empty() {
            let mut parts = Vec::new();
            for p in &w.partition_by {
                parts.push(self.expr_sql(p)?.0);
            }
            over.push(format!("PARTITION BY {}", parts.join(", ")));
        }
        if !w.order_by.is_empty() {
            let items = self.order_items(&w.order_by, None)?;
            let keys: Vec<String> = items.into_iter().map(|i| i.sql).collect();
            over.push(format!("ORDER BY {}", keys.join(", ")));
        }
        if let Some(f) = &w.frame {
            over.push(f.sql());
        }
        let over = over.join(" ");
        Ok(match call {
            Some((f, parts)) => (self.d.window_call_sql(f, &parts, &over), ty),
            None => (format!("{inner} OVER ({over})"), ty),
        })
    }

    /// A field path with optional transforms (`pub_date__year`) or JSON keys
    /// (`metadata__source__lang`), or an annotation.
    pub(crate) fn path_sql(&mut self, path: &str) -> Result<Lhs> {
        let parts = super::resolve::Parts::new(path);
        if let Some(c) = self.annotation_sql(parts[0])? {
            let mut lhs = Lhs { sql: c.sql, ty: c.ty, nullable: true };
            if lhs.ty == Some(FieldType::Json) && parts.len() > 1 {
                return self.json_key_lhs(lhs, &parts[1..]);
            }
            for t in &parts[1..] {
                lhs = self.transform(lhs, t, self.q.model.name)?;
            }
            return Ok(lhs);
        }
        // Inside a filter() call, the call's joins (Django resolves F() with `can_reuse`).
        let plan = super::resolve::plan(self.from.model, &parts)?;
        let r = self.from.setup(plan, self.reuse.as_mut());
        let mut lhs = Lhs { sql: r.column_sql(self.d), ty: Some(r.ty()), nullable: r.nullable };
        if lhs.ty == Some(FieldType::Json) && !r.rest.is_empty() {
            return self.json_key_lhs(lhs, r.rest);
        }
        for t in r.rest {
            lhs = self.transform(lhs, t, self.q.model.name)?;
        }
        Ok(lhs)
    }

    /// ORDER BY keys, expanded (a relation orders by its model's default ordering);
    /// `selected` names the SELECT's expression columns (annotations,
    /// JSON keys) by position, so ordering by one of them says `ORDER BY 2` as Django.
    pub(crate) fn order_items(
        &mut self,
        keys: &[OrderBy],
        selected: Option<&[(String, usize)]>,
    ) -> Result<Vec<OrderItem>> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let expr = match &k.expr {
                OrderTarget::Random => {
                    let r = self.d.random_function().to_string();
                    out.push(OrderItem { sql: r.clone(), expr_sql: r, positional: false, expr: None });
                    continue;
                }
                OrderTarget::Expr(e) => e,
            };
            if let Expr::Col(path) = expr {
                if let Some(expanded) = self.relation_ordering(path, k.descending)? {
                    let sub = self.order_items(&expanded, selected)?;
                    out.extend(sub);
                    continue;
                }
            }
            let dir = if k.descending { "DESC" } else { "ASC" };
            let position = match (expr, selected) {
                (Expr::Col(p), Some(sel)) => sel.iter().find(|(n, _)| n == p).map(|(_, i)| *i),
                _ => None,
            };
            let emulate_nulls = k.nulls.is_some() && !self.d.features().supports_nulls_modifier;
            let (sql, positional) = match position {
                Some(i) if !emulate_nulls => (i.to_string(), true),
                _ => (self.expr_sql(expr)?.0, false),
            };
            let full = match k.nulls {
                None => {
                    let mut full = String::with_capacity(sql.len() + 5);
                    full.push_str(&sql);
                    full.push(' ');
                    full.push_str(dir);
                    full
                }
                Some(n) if self.d.features().supports_nulls_modifier => {
                    format!("{sql} {dir} NULLS {}", if n == Nulls::First { "FIRST" } else { "LAST" })
                }
                Some(Nulls::First) => format!("{sql} IS NOT NULL, {sql} {dir}"),
                Some(Nulls::Last) => format!("{sql} IS NULL, {sql} {dir}"),
            };
            out.push(OrderItem { sql: full, expr_sql: sql, positional, expr: Some(expr.clone()) });
        }
        Ok(out)
    }

    /// `order_by("blog")`, `order_by("tags")`: the related model's default ordering,
    /// when it has one (else the key, as Django).
    fn relation_ordering(&mut self, path: &str, descending: bool) -> Result<Option<Vec<OrderBy>>> {
        if self.is_annotation(super::resolve::head(path)) {
            return Ok(None);
        }
        let parts = super::resolve::Parts::new(path);
        let plan = super::resolve::plan(self.from.model, &parts)?;
        let Some(target) = plan.relation_target else { return Ok(None) };
        if !plan.rest.is_empty() || target.ordering.is_empty() {
            return Ok(None);
        }
        let keys = target
            .ordering
            .iter()
            .map(|o| {
                let k = OrderBy::parse(o);
                let OrderTarget::Expr(Expr::Col(name)) = &k.expr else { return k };
                let full = OrderBy {
                    expr: OrderTarget::Expr(Expr::Col(format!("{path}__{name}"))),
                    descending: k.descending,
                    nulls: k.nulls,
                };
                if descending {
                    full.reversed()
                } else {
                    full
                }
            })
            .collect();
        Ok(Some(keys))
    }

    /// Checks an UPDATE target: a local, non-relation-spanning field.
    pub(crate) fn update_column(&self, name: &str) -> Result<&'static crate::meta::FieldMeta> {
        let m = self.q.model;
        if name.contains("__") {
            return Err(Error::field(
                m.name,
                name,
                "Cannot update model field (only non-relations and foreign keys permitted)",
                m.field_names(),
            ));
        }
        m.field(name).ok_or_else(|| {
            Error::field(m.name, name, format!("Cannot resolve keyword '{name}' into field"), m.field_names())
        })
    }
}
