//! The `ModelMeta` a model's `meta()` returns: table, fields with their options,
//! ordering, unique_together.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::attrs::{ConstraintAttr, OnDelete};
use super::fields::{values, Column, ManyField, ModelDef};
use super::types::Kind;
use crate::names::name_type;

const CORE: &str = "::ormolu::__private::ormolu_core";

fn core() -> TokenStream {
    CORE.parse().expect("a path")
}

/// The app label: `#[ormolu(app = "…")]`, else the crate's name with `-` → `_`.
fn app_label(def: &ModelDef) -> String {
    match &def.attrs.app {
        Some(a) => a.value(),
        None => std::env::var("CARGO_PKG_NAME").unwrap_or_else(|_| "app".into()).replace('-', "_"),
    }
}

/// The body of `Model::meta()`.
pub(crate) fn meta_body(def: &ModelDef) -> TokenStream {
    let core = core();
    let name = def.ident.to_string();
    let app = app_label(def);
    let table = match &def.attrs.table {
        Some(t) => t.value(),
        None => format!("{app}_{}", name.to_lowercase()),
    };
    let fields = def.columns.iter().enumerate().map(|(i, c)| field_meta(c, i == def.pk));
    let pk = def.pk;
    let ordering = values(def.attrs.ordering.as_deref().unwrap_or_default());
    let together = def.attrs.unique_together.iter().flatten().map(|set| {
        let set = values(set);
        quote!(::std::vec![#(#set),*])
    });
    let verbose = option_str(def.attrs.verbose_name.as_ref());
    let indexes = def.attrs.indexes.iter().map(|ix| {
        let fields = values(&ix.fields);
        let unique = ix.unique;
        // Without a name, Django's scheme (table, columns, hash) is applied at run time.
        let name = match &ix.name {
            Some(n) => quote!(::std::string::String::from(#n)),
            None => {
                let suffix = if unique { "uniq" } else { "idx" };
                quote!(#core::schema::index_name(#table, &[#(#fields),*], #suffix))
            }
        };
        quote!(#core::meta::IndexMeta { name: #name, fields: ::std::vec![#(#fields),*], unique: #unique })
    });
    let constraints = def.attrs.constraints.iter().map(|c| match c {
        ConstraintAttr::Unique { name, fields } => {
            let fields = values(fields);
            quote!(#core::meta::ConstraintMeta::Unique { name: ::std::string::String::from(#name), fields: ::std::vec![#(#fields),*] })
        }
        ConstraintAttr::Check { name, sql } => {
            quote!(#core::meta::ConstraintMeta::Check { name: ::std::string::String::from(#name), sql: #sql })
        }
    });
    let m2m = def.many.iter().map(|m| many_to_many_meta(def, m));
    quote! {
        static META: ::ormolu::__private::OnceLock<#core::meta::ModelMeta> = ::ormolu::__private::OnceLock::new();
        META.get_or_init(|| #core::meta::ModelMeta {
            name: #name,
            app_label: #app,
            table: #table,
            fields: ::std::vec![#(#fields),*],
            pk: #pk,
            ordering: ::std::vec![#(#ordering),*],
            unique_together: ::std::vec![#(#together),*],
            indexes: ::std::vec![#(#indexes),*],
            constraints: ::std::vec![#(#constraints),*],
            verbose_name: #verbose,
            many_to_many: ::std::vec![#(#m2m),*],
            auto_created: false,
        })
    }
}

/// The hidden function returning the automatic join model of a many-to-many field
/// without `through` (`Entry::__ormolu_through_authors`).
pub(crate) fn through_fn(m: &ManyField) -> syn::Ident {
    quote::format_ident!("__ormolu_through_{}", m.name)
}

/// The related model of a many-to-many field, as a type.
pub(crate) fn many_target(m: &ManyField) -> TokenStream {
    let ty = &m.ty;
    quote!(<#ty as ::ormolu::typed::Related>::Target)
}

/// `ManyToManyMeta { … }` for one many-to-many field.
fn many_to_many_meta(def: &ModelDef, m: &ManyField) -> TokenStream {
    let core = core();
    let ident = &def.ident;
    let name = &m.name;
    let target = many_target(m);
    let related_name = option_str(m.attrs.related_name.as_ref());
    let (through, auto) = match &m.attrs.through {
        Some(t) => (quote_spanned!(t.span()=> <#t as ::ormolu::Model>::meta), false),
        None => {
            let f = through_fn(m);
            (quote!(<#ident>::#f), true)
        }
    };
    let through_fields = match m.attrs.through_fields.as_deref() {
        Some([a, b]) => quote!(::std::option::Option::Some((#a, #b))),
        _ => quote!(::std::option::Option::None),
    };
    quote! {
        #core::meta::ManyToManyMeta {
            name: #name,
            from: <#ident as ::ormolu::Model>::meta,
            to: <#target as ::ormolu::Model>::meta,
            through: #through,
            through_fields: #through_fields,
            related_name: #related_name,
            auto_created: #auto,
        }
    }
}

pub(crate) fn option_str(lit: Option<&syn::LitStr>) -> TokenStream {
    match lit {
        Some(l) => quote!(::std::option::Option::Some(#l)),
        None => quote!(::std::option::Option::None),
    }
}

/// The related model of a relation column, as a type: `<ForeignKey<Blog> as Related>::Target`.
pub(crate) fn target(c: &Column) -> TokenStream {
    let ty = &c.ty;
    quote!(<#ty as ::ormolu::typed::Related>::Target)
}

/// `<Target as HasField<name>>::CONST` for the field a relation's `to_field` names (so
/// an unknown name is an error at the literal, naming the related model).
fn to_field(c: &Column, konst: &str) -> Option<TokenStream> {
    let lit = c.attrs.to_field.as_ref()?;
    let span = lit.span();
    let n = name_type(&lit.value(), span);
    let t = target(c);
    let k = syn::Ident::new(konst, span);
    Some(quote_spanned!(span=> {
        type __Target = #t;
        <__Target as ::ormolu::typed::HasField<#n>>::#k
    }))
}

/// The column's storage type, as a constant expression.
pub(crate) fn field_type(c: &Column) -> TokenStream {
    let core = core();
    let ty = &c.ty;
    let a = &c.attrs;
    let fv = quote!(<#ty as ::ormolu::FieldValue>);
    let ft = quote!(#core::meta::FieldType);
    if let Some(to) = to_field(c, "FIELD_TYPE") {
        quote!(::ormolu::typed::rt::key_type(#to))
    } else if a.text.is_some() {
        quote!(#ft::Text)
    } else if c.info.kind == Kind::Text && a.max_length.is_some() {
        quote!(#ft::Char)
    } else if c.info.kind == Kind::Array && a.max_length.is_some() {
        quote!(::ormolu::char_elements(#fv::TYPE))
    } else if let (Kind::Text, Some(ch)) = (c.info.kind, &a.choices) {
        quote!(match <#ch as ::ormolu::typed::ChoicesMeta>::MAX_LENGTH {
            ::std::option::Option::Some(_) => #ft::Char,
            ::std::option::Option::None => #fv::TYPE,
        })
    } else {
        quote!(#fv::TYPE)
    }
}

/// The column's `max_length`, as a constant expression of type `Option<u32>`.
pub(crate) fn max_length(c: &Column) -> TokenStream {
    let a = &c.attrs;
    if let Some((n, _)) = a.max_length {
        quote!(::std::option::Option::Some(#n))
    } else if let Some(to) = to_field(c, "MAX_LENGTH") {
        to
    } else if let (Some(ch), None) = (&a.choices, a.text) {
        quote_spanned!(ch.span()=> <#ch as ::ormolu::typed::ChoicesMeta>::MAX_LENGTH)
    } else {
        quote!(::std::option::Option::None)
    }
}

/// The column of a field: `db_column`, else the name (`<name>_id` for a relation).
pub(crate) fn column_name(c: &Column) -> String {
    match &c.attrs.db_column {
        Some(col) => col.value(),
        None if c.info.kind.is_relation() => format!("{}_id", c.name),
        None => c.name.clone(),
    }
}

/// `Some(Relation { … })` for a relation column.
fn relation(c: &Column) -> TokenStream {
    let core = core();
    let a = &c.attrs;
    let ty = &c.ty;
    let t = target(c);
    let od = quote!(#core::meta::OnDelete);
    let on_delete = match &a.on_delete {
        None => quote!(#od::Cascade),
        Some((OnDelete::Plain(b), _)) => quote!(#od::#b),
        Some((OnDelete::Set(e), _)) => quote_spanned!(e.span()=>
            #od::Set(::ormolu::typed::rt::default_value::<#ty, _>(#e))
        ),
    };
    let to_field = option_str(a.to_field.as_ref());
    let related_name = option_str(a.related_name.as_ref());
    let one_to_one = c.info.kind == Kind::OneToOne || a.one_to_one.is_some();
    quote! {
        ::std::option::Option::Some(#core::meta::Relation {
            to: <#t as ::ormolu::Model>::meta,
            to_field: #to_field,
            on_delete: #on_delete,
            related_name: #related_name,
            one_to_one: #one_to_one,
        })
    }
}

/// `{ let mut f = FieldMeta::new(…); f.option = …; f }` for one column.
fn field_meta(c: &Column, pk: bool) -> TokenStream {
    let core = core();
    let name = &c.name;
    let ty = &c.ty;
    let a = &c.attrs;
    let fv = quote!(<#ty as ::ormolu::FieldValue>);
    let mut sets = Vec::new();
    let field_type = field_type(c);
    sets.push(quote!(f.null = #fv::NULL;));
    sets.push(quote!(f.auto = #fv::AUTO;));
    if pk {
        sets.push(quote!(f.primary_key = true;));
    }
    let column = column_name(c);
    if column != *name {
        sets.push(quote!(f.column = #column;));
    }
    let relation = c.info.kind.is_relation();
    if relation {
        let attname = format!("{name}_id");
        let rel = self::relation(c);
        sets.push(quote!(f.attname = #attname;));
        sets.push(quote!(f.relation = #rel;));
    }
    let one_to_one = c.info.kind == Kind::OneToOne || a.one_to_one.is_some();
    for (flag, field) in [
        (a.unique.is_some() || one_to_one, "unique"),
        (a.db_index.is_some(), "db_index"),
        (a.auto_now.is_some(), "auto_now"),
        (a.auto_now_add.is_some(), "auto_now_add"),
    ] {
        if flag {
            let field = syn::Ident::new(field, proc_macro2::Span::call_site());
            sets.push(quote!(f.#field = true;));
        }
    }
    for (opt, field) in [(a.max_digits, "max_digits"), (a.decimal_places, "decimal_places")] {
        if let Some((n, _)) = opt {
            let field = syn::Ident::new(field, proc_macro2::Span::call_site());
            sets.push(quote!(f.#field = ::std::option::Option::Some(#n);));
        }
    }
    if a.max_length.is_some() || a.to_field.is_some() || (a.choices.is_some() && a.text.is_none()) {
        let ml = max_length(c);
        sets.push(quote!(f.max_length = #ml;));
    }
    if let Some(ch) = &a.choices {
        sets.push(quote_spanned!(ch.span()=> f.choices = <#ch as ::ormolu::typed::ChoicesMeta>::CHOICES;));
    }
    if let Some(e) = &a.default {
        sets.push(quote_spanned!(e.span()=>
            f.default = ::std::option::Option::Some(#core::meta::FieldDefault::Value(
                ::ormolu::typed::rt::default_value::<#ty, _>(#e)
            ));
        ));
    }
    if let Some(p) = &a.default_fn {
        sets.push(quote_spanned!(p.span()=>
            f.default = ::std::option::Option::Some(#core::meta::FieldDefault::Func(
                || ::ormolu::typed::rt::default_value::<#ty, _>(#p())
            ));
        ));
    }
    for (lit, field) in [(&a.verbose_name, "verbose_name"), (&a.help_text, "help_text")] {
        if lit.is_some() {
            let v = option_str(lit.as_ref());
            let field = syn::Ident::new(field, proc_macro2::Span::call_site());
            sets.push(quote!(f.#field = #v;));
        }
    }
    quote! {{
        let mut f = #core::meta::FieldMeta::new(#name, #field_type);
        #(#sets)*
        f
    }}
}
