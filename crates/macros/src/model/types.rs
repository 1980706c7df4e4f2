//! What a field's Rust type looks like, read from its spelling (`Option<i32>`,
//! `Auto<i64>`, `String`…), to check options against it at expansion time.

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

/// The kind of a Rust field type, by its last path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `Auto<_>`.
    Auto,
    /// `String`.
    Text,
    /// `i16`, `i32`, `i64`, `u32`.
    Integer,
    /// `f32`, `f64`.
    Float,
    /// `bool`.
    Bool,
    /// `Decimal`.
    Decimal,
    /// `NaiveDate`.
    Date,
    /// `NaiveDateTime`, `DateTime<_>`.
    DateTime,
    /// `NaiveTime`.
    Time,
    /// `TimeDelta`, `Duration`.
    Duration,
    /// `Vec<u8>`.
    Bytes,
    /// `Vec<T>` of anything but `u8`: an array field (PostgreSQL).
    Array,
    /// `ForeignKey<_>`: a relation.
    ForeignKey,
    /// `OneToOne<_>`: a unique relation.
    OneToOne,
    /// `ManyToMany<_>`: a join table, not a column.
    ManyToMany,
    /// `RelatedSet<_>`: the reverse side of a relation, not a column.
    RelatedSet,
    /// Anything else (a custom `FieldValue`, a `Choices` enum…): not checked here.
    Other,
}

impl Kind {
    /// A relation field (`ForeignKey<_>`, `OneToOne<_>`).
    pub(crate) fn is_relation(self) -> bool {
        matches!(self, Kind::ForeignKey | Kind::OneToOne)
    }
}

/// A field type: its kind and whether it is wrapped in `Option`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeInfo {
    pub kind: Kind,
    pub option: bool,
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn first_type_arg(seg: &syn::PathSegment) -> Option<&Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

fn kind(ty: &Type) -> Kind {
    let Some(seg) = last_segment(ty) else { return Kind::Other };
    match seg.ident.to_string().as_str() {
        "Auto" => Kind::Auto,
        "String" => Kind::Text,
        "i16" | "i32" | "i64" | "u32" => Kind::Integer,
        "f32" | "f64" => Kind::Float,
        "bool" => Kind::Bool,
        "Decimal" => Kind::Decimal,
        "NaiveDate" => Kind::Date,
        "NaiveDateTime" | "DateTime" => Kind::DateTime,
        "NaiveTime" => Kind::Time,
        "TimeDelta" | "Duration" => Kind::Duration,
        "Vec" if first_type_arg(seg).is_none_or(|t| last_segment(t).is_some_and(|s| s.ident == "u8")) => Kind::Bytes,
        "Vec" => Kind::Array,
        "ForeignKey" => Kind::ForeignKey,
        "OneToOne" => Kind::OneToOne,
        "ManyToMany" => Kind::ManyToMany,
        "RelatedSet" => Kind::RelatedSet,
        _ => Kind::Other,
    }
}

/// The model a relation type points at, as written (`Blog` in `ForeignKey<Blog>`,
/// `Option<ForeignKey<Blog>>`, `ManyToMany<Blog>` or `RelatedSet<Blog>`).
pub(crate) fn relation_target(ty: &Type) -> Option<&Type> {
    let seg = last_segment(ty)?;
    let inner = first_type_arg(seg)?;
    if seg.ident == "Option" {
        return relation_target(inner);
    }
    Some(inner)
}

/// Reads a field type.
pub(crate) fn classify(ty: &Type) -> TypeInfo {
    if let Some(seg) = last_segment(ty) {
        if seg.ident == "Option" {
            if let Some(inner) = first_type_arg(seg) {
                return TypeInfo { kind: kind(inner), option: true };
            }
        }
    }
    TypeInfo { kind: kind(ty), option: false }
}

/// The type as written, compact (`Option<i32>`), for messages.
pub(crate) fn display(ty: &Type) -> String {
    ty.to_token_stream().to_string().replace(" < ", "<").replace(" <", "<").replace("< ", "<").replace(" >", ">")
}
