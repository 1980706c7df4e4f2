//! The `impl ::ormolu::Model` block: `KEY_TYPE`, `meta()`, `from_values`, `from_row`, `field_value`,
//! `set_field_value`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::fields::ModelDef;
use super::meta::{field_type, meta_body, through_fn};

/// `impl ::ormolu::Model for X { … }`.
pub(crate) fn model_impl(def: &ModelDef) -> TokenStream {
    let ident = &def.ident;
    let model = ident.to_string();
    let meta = meta_body(def);
    let vars: Vec<_> = (0..def.columns.len()).map(|i| format_ident!("__f{i}")).collect();
    let idents: Vec<_> = def.columns.iter().map(|c| &c.ident).collect();
    let names: Vec<_> = def.columns.iter().map(|c| &c.name).collect();
    let tys: Vec<_> = def.columns.iter().map(|c| &c.ty).collect();
    let idx: Vec<usize> = (0..def.columns.len()).collect();
    let skipped: Vec<_> =
        def.skipped.iter().chain(def.many.iter().map(|m| &m.ident)).chain(def.sets.iter().map(|s| &s.ident)).collect();
    // Relation fields by name, for eager loading: foreign keys, many-to-many, related sets.
    let slot_names: Vec<&String> = def
        .columns
        .iter()
        .filter(|c| c.info.kind.is_relation())
        .map(|c| &c.name)
        .chain(def.many.iter().map(|m| &m.name))
        .chain(def.sets.iter().map(|s| &s.name))
        .collect();
    let slot_idents: Vec<&syn::Ident> = def
        .columns
        .iter()
        .filter(|c| c.info.kind.is_relation())
        .map(|c| &c.ident)
        .chain(def.many.iter().map(|m| &m.ident))
        .chain(def.sets.iter().map(|s| &s.ident))
        .collect();
    let relation_slot = if slot_names.is_empty() {
        quote!()
    } else {
        quote! {
            fn relation_slot(&mut self, name: &str) -> ::std::option::Option<&mut dyn ::ormolu::erased::RelationSlot> {
                match name {
                    #( #slot_names => ::std::option::Option::Some(&mut self.#slot_idents), )*
                    _ => ::std::option::Option::None,
                }
            }
        }
    };
    let set_names: Vec<&String> = def.sets.iter().map(|s| &s.name).collect();
    let set_relations: Vec<&String> = def.sets.iter().map(|s| &s.relation).collect();
    let related_sets = if set_names.is_empty() {
        quote!()
    } else {
        quote! {
            fn related_sets() -> &'static [(&'static str, &'static str)] {
                &[ #( (#set_names, #set_relations), )* ]
            }
        }
    };
    // Managers bound to the instance's key: many-to-many fields and related sets.
    let bind_idents: Vec<&syn::Ident> =
        def.many.iter().map(|m| &m.ident).chain(def.sets.iter().map(|s| &s.ident)).collect();
    let bind_relations: Vec<&String> =
        def.many.iter().map(|m| &m.name).chain(def.sets.iter().map(|s| &s.relation)).collect();
    let binds = !bind_idents.is_empty();
    let pk_index = def.pk;
    let bind_fn = if binds {
        // The key is cloned for every field but the last, which takes it.
        // One static site (owner model, relation name) per field.
        let (last_ident, first_idents) = bind_idents.split_last().expect("binds");
        let n_sites = bind_idents.len();
        let first_at = 0..n_sites - 1;
        let last_at = n_sites - 1;
        quote! {
            fn bind_relations(&mut self) {
                static __SITES: [::ormolu::__private::BindSite; #n_sites] = [
                    #( ::ormolu::__private::BindSite { owner: <#ident as ::ormolu::Model>::meta, relation: #bind_relations }, )*
                ];
                let __key = ::ormolu::__private::BindKey::from_ref(::ormolu::Model::field_ref(self, #pk_index));
                #( ::ormolu::__private::Bindable::bind(&mut self.#first_idents, &__SITES[#first_at], ::std::clone::Clone::clone(&__key)); )*
                ::ormolu::__private::Bindable::bind(&mut self.#last_ident, &__SITES[#last_at], __key);
            }
        }
    } else {
        quote!()
    };
    let bind_after_load = if binds { quote!(::ormolu::Model::bind_relations(&mut __obj);) } else { quote!() };
    let bind_after_pk = if binds {
        quote! {
            if index == #pk_index {
                ::ormolu::Model::bind_relations(self);
            }
        }
    } else {
        quote!()
    };
    let core = quote!(::ormolu::__private::ormolu_core);
    // The automatic join model of each many-to-many field without `through`: made once,
    // registered like a model (reverse lookups, deletion, table creation find it).
    let autos: Vec<_> = def.many.iter().filter(|m| m.attrs.through.is_none()).collect();
    let through_fns = autos.iter().map(|m| {
        let f = through_fn(m);
        let name = &m.name;
        let target = super::meta::many_target(m);
        let doc = format!(" The automatic join model of `{ident}.{name}` (table `<table>_{name}`).");
        quote! {
            #[doc = #doc]
            #[doc(hidden)]
            pub fn #f() -> &'static #core::meta::ModelMeta {
                static META: ::ormolu::__private::OnceLock<#core::meta::ModelMeta> = ::ormolu::__private::OnceLock::new();
                META.get_or_init(|| #core::meta::auto_through(
                    <#ident as ::ormolu::Model>::meta,
                    #name,
                    <#target as ::ormolu::Model>::meta,
                ))
            }
        }
    });
    let through_impl = if autos.is_empty() {
        quote!()
    } else {
        quote! {
            impl #ident {
                #( #through_fns )*
            }
        }
    };
    let through_entries = autos.iter().map(|m| {
        let f = through_fn(m);
        quote! {
            ::ormolu::__private::inventory::submit! {
                #core::registry::ModelEntry(<#ident>::#f)
            }
        }
    });
    let rt = quote!(::ormolu::typed::rt);
    let key_type = field_type(&def.columns[def.pk]);
    quote! {
        ::ormolu::__private::inventory::submit! {
            ::ormolu::__private::ormolu_core::registry::ModelEntry(<#ident as ::ormolu::Model>::meta)
        }

        ::ormolu::__private::inventory::submit! {
            ::ormolu::__private::ModelType::of::<#ident>()
        }

        #( #through_entries )*

        #through_impl

        impl ::ormolu::Model for #ident {
            const KEY_TYPE: ::ormolu::__private::ormolu_core::meta::FieldType = #rt::key_type(#key_type);

            fn meta() -> &'static ::ormolu::ModelMeta {
                #meta
            }

            fn from_values(
                fields: &[usize],
                values: &mut dyn ::std::iter::Iterator<Item = ::ormolu::Value>,
            ) -> ::ormolu::Result<Self> {
                #( let mut #vars: #tys = ::std::default::Default::default(); )*
                for &index in fields {
                    let value = values.next().ok_or_else(|| #rt::missing_value(#model, index))?;
                    match index {
                        #( #idx => #vars = #rt::decode::<#tys>(value, #model, #names)?, )*
                        _ => return ::std::result::Result::Err(#rt::bad_index(#model, index)),
                    }
                }
                #[allow(unused_mut)]
                let mut __obj = #ident {
                    #( #idents: #vars, )*
                    #( #skipped: ::std::default::Default::default(), )*
                };
                #bind_after_load
                ::std::result::Result::Ok(__obj)
            }

            fn from_row(
                fields: &[usize],
                row: &mut dyn #core::row::RawRow,
                start: usize,
            ) -> ::ormolu::Result<Self> {
                #[allow(unused_mut)]
                let mut __obj = if fields == &[ #( #idx ),* ][..] {
                    // Every field, in order: read straight into the struct.
                    #ident {
                        #( #idents: #rt::read_field::<#tys>(row, start + #idx, #model, #names)?, )*
                        #( #skipped: ::std::default::Default::default(), )*
                    }
                } else {
                    #( let mut #vars: #tys = ::std::default::Default::default(); )*
                    for (__i, &index) in fields.iter().enumerate() {
                        match index {
                            #( #idx => #vars = #rt::read_field::<#tys>(row, start + __i, #model, #names)?, )*
                            _ => return ::std::result::Result::Err(#rt::bad_index(#model, index)),
                        }
                    }
                    #ident {
                        #( #idents: #vars, )*
                        #( #skipped: ::std::default::Default::default(), )*
                    }
                };
                #bind_after_load
                ::std::result::Result::Ok(__obj)
            }

            fn field_value(&self, index: usize) -> ::ormolu::Value {
                match index {
                    #( #idx => ::ormolu::FieldValue::to_db(&self.#idents), )*
                    _ => ::ormolu::Value::Null,
                }
            }

            fn field_ref(&self, index: usize) -> #core::row::ValueRef<'_> {
                match index {
                    #( #idx => ::ormolu::FieldValue::to_ref(&self.#idents), )*
                    _ => #core::row::ValueRef::Null,
                }
            }

            fn set_field_value(&mut self, index: usize, value: ::ormolu::Value) -> ::ormolu::Result<()> {
                match index {
                    #( #idx => self.#idents = #rt::decode::<#tys>(value, #model, #names)?, )*
                    _ => return ::std::result::Result::Err(#rt::bad_index(#model, index)),
                }
                #bind_after_pk
                ::std::result::Result::Ok(())
            }

            #relation_slot

            #related_sets

            #bind_fn
        }
    }
}
