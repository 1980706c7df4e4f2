//! Scaffolding shared by the snapshot tests: builders of model metadata (as
//! `#[derive(Model)]` writes it) and the `model!` macros that make a model's
//! `fn name() -> &'static ModelMeta`.
//!
//! Each test file uses a part of it, so what one leaves unused is not a warning.

#![allow(dead_code, unused_macros)]

use ormolu_core::meta::{FieldMeta, FieldType, ManyToManyMeta, ModelMeta, OnDelete, Relation};

/// A model of app `shop` with these fields (the first is the primary key) and default
/// ordering, and no options.
pub fn meta(name: &'static str, table: &'static str, fields: Vec<FieldMeta>, ordering: Vec<&'static str>) -> ModelMeta {
    ModelMeta { pk: 0, ordering, ..ModelMeta::new(name, "shop", table, fields) }
}

/// `id`, an auto-incremented big integer primary key.
pub fn pk() -> FieldMeta {
    FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) }
}

/// A foreign key `name` (column `column`) to `to`, ON DELETE CASCADE.
pub fn fk(
    name: &'static str,
    column: &'static str,
    to: fn() -> &'static ModelMeta,
    related_name: Option<&'static str>,
    null: bool,
) -> FieldMeta {
    FieldMeta {
        column,
        attname: column,
        null,
        relation: Some(Relation { to, to_field: None, on_delete: OnDelete::Cascade, related_name, one_to_one: false }),
        ..FieldMeta::new(name, FieldType::BigInt)
    }
}

/// A many-to-many field `name` of `from` to `to`, through the join model `through`
/// (`auto_created` when the field made it).
pub fn many_to_many(
    name: &'static str,
    from: fn() -> &'static ModelMeta,
    to: fn() -> &'static ModelMeta,
    through: fn() -> &'static ModelMeta,
    related_name: Option<&'static str>,
    auto_created: bool,
) -> ManyToManyMeta {
    ManyToManyMeta { name, from, to, through, through_fields: None, related_name, auto_created }
}

/// A `CharField(max_length=100)`.
pub fn text(name: &'static str) -> FieldMeta {
    FieldMeta { max_length: Some(100), ..FieldMeta::new(name, FieldType::Char) }
}

/// `fn $f() -> &'static ModelMeta`, built once from `$body`, not registered (reverse
/// relations to it do not resolve).
macro_rules! unregistered_model {
    ($f:ident, $body:expr) => {
        fn $f() -> &'static ::ormolu_core::meta::ModelMeta {
            static M: ::std::sync::OnceLock<::ormolu_core::meta::ModelMeta> = ::std::sync::OnceLock::new();
            M.get_or_init(|| $body)
        }
    };
}

/// [`unregistered_model!`], registered in the model registry as `#[derive(Model)]`
/// does, so reverse relations to it resolve.
macro_rules! model {
    ($f:ident, $body:expr) => {
        unregistered_model!($f, $body);
        ::ormolu_core::registry::inventory::submit! { ::ormolu_core::registry::ModelEntry($f) }
    };
}
