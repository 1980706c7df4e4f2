//! Django's lookup and transform names, `__` path splitting, and field names as types.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

/// Names that end a path as a lookup.
pub(crate) const LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "contains",
    "icontains",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "range",
    "isnull",
    "regex",
    "iregex",
    "contained_by",
    "overlap",
];

/// Names that transform a value inside a path.
pub(crate) const TRANSFORMS: &[&str] = &[
    "date",
    "time",
    "year",
    "iso_year",
    "quarter",
    "month",
    "day",
    "week",
    "week_day",
    "iso_week_day",
    "hour",
    "minute",
    "second",
    "len",
];

/// An array index (`0`) or slice (`0_2`) transform, whose marker is `index`/`slice`.
fn array_transform(name: &str) -> Option<&'static str> {
    if name.parse::<u32>().is_ok() {
        return Some("index");
    }
    let (a, b) = name.split_once('_')?;
    (a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok()).then_some("slice")
}

fn is_transform(name: &str) -> bool {
    TRANSFORMS.contains(&name) || array_transform(name).is_some()
}

/// A `__` path split into field steps, transforms and a lookup.
pub(crate) struct SplitPath {
    /// Field names (the first is always a field; later ones cross relations).
    pub fields: Vec<String>,
    /// Transforms, in the order they apply.
    pub transforms: Vec<String>,
    /// The explicit lookup, if any (`None` is Django's implicit `exact`).
    pub lookup: Option<String>,
}

/// Splits `pub_date__year__gte` as Django does: a trailing lookup, then trailing
/// transforms; the rest are fields. The first part is always a field.
pub(crate) fn split_path(path: &str, span: Span) -> syn::Result<SplitPath> {
    let mut parts: Vec<&str> = path.split("__").collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(syn::Error::new(span, format!("`{path}` has an empty part: use `__` only between names")));
    }
    let lookup = match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() && LOOKUPS.contains(last) => Some(last.to_string()),
        _ => None,
    };
    if lookup.is_some() {
        parts.pop();
    }
    let mut transforms = Vec::new();
    while parts.len() > 1 && is_transform(parts.last().expect("non-empty")) {
        transforms.push(parts.pop().expect("non-empty").to_string());
    }
    transforms.reverse();
    Ok(SplitPath { fields: parts.into_iter().map(str::to_string).collect(), transforms, lookup })
}

/// The type for one character of a field name (`a` → `chars::a`, `_` → `chars::__`,
/// `1` → `chars::_1`, anything else → `C<'é'>`).
fn char_type(ch: char, span: Span) -> TokenStream {
    let name = match ch {
        'a'..='z' | 'A'..='Z' => ch.to_string(),
        '0'..='9' => format!("_{ch}"),
        '_' => "__".to_string(),
        _ => return quote_spanned!(span=> ::ormolu::typed::C<#ch>),
    };
    let id = Ident::new(&name, span);
    quote_spanned!(span=> ::ormolu::typed::chars::#id)
}

/// The type spelling a field name: `age` → `(chars::a, chars::g, chars::e,)`.
pub(crate) fn name_type(name: &str, span: Span) -> TokenStream {
    let chars = name.chars().map(|c| char_type(c, span));
    quote_spanned!(span=> ( #( #chars, )* ))
}

/// A field path as a type-level list: `FieldPath<A, FieldPath<B, PathEnd>>`.
pub(crate) fn path_type(fields: &[String], span: Span) -> TokenStream {
    fields.iter().rev().fold(quote_spanned!(span=> ::ormolu::typed::PathEnd), |rest, f| {
        let n = name_type(f, span);
        quote_spanned!(span=> ::ormolu::typed::FieldPath<#n, #rest>)
    })
}

/// The marker type of a lookup (`::ormolu::typed::lookups::gt`); `None` is the implicit `eq`.
pub(crate) fn lookup_type(lookup: Option<&str>, span: Span) -> TokenStream {
    let name = lookup.unwrap_or("eq");
    let id = if name == "in" { Ident::new_raw(name, span) } else { Ident::new(name, span) };
    quote_spanned!(span=> ::ormolu::typed::lookups::#id)
}

/// Transforms as a type-level list: `(year, ())`.
pub(crate) fn transforms_type(transforms: &[String], span: Span) -> TokenStream {
    transforms.iter().rev().fold(quote!(()), |rest, t| {
        let id = Ident::new(array_transform(t).unwrap_or(t), span);
        quote_spanned!(span=> (::ormolu::typed::transforms::#id, #rest))
    })
}

/// The Rust name of an identifier, without `r#`.
pub(crate) fn unraw(id: &Ident) -> String {
    let s = id.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// `InReview` → `in_review`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// `InReview` → `In review` (a default label).
pub(crate) fn humanize(name: &str) -> String {
    let snake = snake_case(name).replace('_', " ");
    let mut chars = snake.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(p: &str) -> (Vec<String>, Vec<String>, Option<String>) {
        let s = split_path(p, Span::call_site()).unwrap();
        (s.fields, s.transforms, s.lookup)
    }

    #[test]
    fn splits_like_django() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(split("age"), (v(&["age"]), v(&[]), None));
        assert_eq!(split("age__gte"), (v(&["age"]), v(&[]), Some("gte".into())));
        assert_eq!(split("pub_date__year__gte"), (v(&["pub_date"]), v(&["year"]), Some("gte".into())));
        assert_eq!(split("mod_date__date__month"), (v(&["mod_date"]), v(&["date", "month"]), None));
        assert_eq!(split("blog__name__iexact"), (v(&["blog", "name"]), v(&[]), Some("iexact".into())));
        // The first part is always a field, even when it is named like a lookup or transform.
        assert_eq!(split("date"), (v(&["date"]), v(&[]), None));
        assert_eq!(split("year__gt"), (v(&["year"]), v(&[]), Some("gt".into())));
        assert!(split_path("a____b", Span::call_site()).is_err());
        // Array transforms: len, an index, a slice.
        assert_eq!(split("tags__len__gt"), (v(&["tags"]), v(&["len"]), Some("gt".into())));
        assert_eq!(split("tags__0__startswith"), (v(&["tags"]), v(&["0"]), Some("startswith".into())));
        assert_eq!(split("tags__0_2__overlap"), (v(&["tags"]), v(&["0_2"]), Some("overlap".into())));
    }

    #[test]
    fn names() {
        assert_eq!(snake_case("InReview"), "in_review");
        assert_eq!(humanize("InReview"), "In review");
        assert_eq!(
            name_type("a_1", Span::call_site()).to_string().replace(' ', ""),
            "(::ormolu::typed::chars::a,::ormolu::typed::chars::__,::ormolu::typed::chars::_1,)"
        );
    }
}
