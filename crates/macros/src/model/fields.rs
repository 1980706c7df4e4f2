//! The checked shape of a model: its columns, skipped fields and primary key.
//! Every misuse is a `syn::Error` at the offending token.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type, Visibility};

use super::attrs::{field_attrs, model_attrs, FieldAttrs, ModelAttrs};
use super::types::{classify, display, Kind, TypeInfo};
use crate::names::unraw;

/// One column of the model.
pub(crate) struct Column {
    pub ident: Ident,
    pub name: String,
    pub ty: Type,
    pub vis: Visibility,
    pub info: TypeInfo,
    pub attrs: FieldAttrs,
}

/// A many-to-many field: not a column (a join table).
pub(crate) struct ManyField {
    pub ident: Ident,
    pub name: String,
    pub ty: Type,
    pub vis: Visibility,
    pub attrs: FieldAttrs,
}

/// A `RelatedSet<T>` field: the reverse side of a relation, not a column.
pub(crate) struct SetField {
    pub ident: Ident,
    pub name: String,
    /// The relation it holds: `reverse = "…"`, else the field's name.
    pub relation: String,
}

/// A model struct, checked.
pub(crate) struct ModelDef {
    pub ident: Ident,
    pub vis: Visibility,
    pub attrs: ModelAttrs,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// `#[ormolu(skip)]` fields: not columns, set to `Default::default()` when loaded.
    pub skipped: Vec<Ident>,
    /// `ManyToMany<T>` fields, in declaration order (set to `Default::default()` when loaded).
    pub many: Vec<ManyField>,
    /// `RelatedSet<T>` fields (set to `Default::default()` when loaded).
    pub sets: Vec<SetField>,
    /// Index of the primary key in `columns`.
    pub pk: usize,
}

fn err<T>(span: Span, msg: impl std::fmt::Display) -> syn::Result<T> {
    Err(syn::Error::new(span, msg))
}

/// Reads and checks the derive input.
pub(crate) fn model_def(input: DeriveInput) -> syn::Result<ModelDef> {
    let ident = input.ident;
    let named = match input.data {
        Data::Struct(s) => match s.fields {
            Fields::Named(n) => n.named,
            Fields::Unnamed(u) => {
                return err(u.span(), format!("`#[derive(Model)]` needs named fields; `{ident}` is a tuple struct"))
            }
            Fields::Unit => {
                return err(ident.span(), format!("`#[derive(Model)]` needs named fields; `{ident}` has no fields"))
            }
        },
        Data::Enum(e) => {
            return err(
                e.enum_token.span,
                format!("`#[derive(Model)]` needs a struct with named fields; `{ident}` is an enum (for a set of allowed values, use `#[derive(Choices)]`)"),
            )
        }
        Data::Union(u) => {
            return err(u.union_token.span, format!("`#[derive(Model)]` needs a struct with named fields; `{ident}` is a union"))
        }
    };
    if !input.generics.params.is_empty() {
        return err(
            input.generics.span(),
            format!("`#[derive(Model)]` does not support generic models; remove the generics of `{ident}`"),
        );
    }
    let attrs = model_attrs(&input.attrs)?;
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    let mut many = Vec::new();
    let mut sets = Vec::new();
    for f in named {
        let fa = field_attrs(&f.attrs)?;
        let id = f.ident.expect("named field");
        if let Some(skip) = fa.skip {
            if count_options(&fa) > 1 {
                return err(skip, format!("`{id}` is `skip`: not a column, so it takes no other options"));
            }
            skipped.push(id);
            continue;
        }
        let info = classify(&f.ty);
        if info.kind == Kind::RelatedSet {
            check_set(&id, &f.ty, info, &fa)?;
            let name = unraw(&id);
            let relation = fa.reverse.as_ref().map_or_else(|| name.clone(), LitStr::value);
            sets.push(SetField { ident: id, name, relation });
            continue;
        }
        if let Some(r) = &fa.reverse {
            return err(
                r.span(),
                format!(
                    "`reverse` names the relation a `RelatedSet<T>` field holds, but `{id}` is `{}`",
                    display(&f.ty)
                ),
            );
        }
        if info.kind == Kind::ManyToMany {
            check_many(&id, &f.ty, info, &fa)?;
            many.push(ManyField { name: unraw(&id), ident: id, ty: f.ty, vis: f.vis, attrs: fa });
            continue;
        }
        if let Some(t) = &fa.through {
            return err(
                t.span(),
                format!(
                    "`through` applies to many-to-many fields (`ManyToMany<T>`), but `{id}` is `{}`",
                    display(&f.ty)
                ),
            );
        }
        if let Some(t) = &fa.through_fields {
            let span = t.first().map_or(id.span(), LitStr::span);
            return err(
                span,
                format!(
                    "`through_fields` applies to many-to-many fields (`ManyToMany<T>`), but `{id}` is `{}`",
                    display(&f.ty)
                ),
            );
        }
        check_options(&id, &f.ty, info, &fa)?;
        check_relation(&id, &f.ty, info, &fa)?;
        columns.push(Column { name: unraw(&id), ident: id, ty: f.ty, vis: f.vis, info, attrs: fa });
    }
    let pk = primary_key(&ident, &columns)?;
    let def = ModelDef { ident, vis: input.vis, attrs, columns, skipped, many, sets, pk };
    check_names(&def)?;
    Ok(def)
}

/// A `RelatedSet<T>` field takes `reverse`, `verbose_name` and `help_text`; it cannot be
/// an `Option` (no related rows is an empty set).
fn check_set(id: &Ident, ty: &Type, info: TypeInfo, a: &FieldAttrs) -> syn::Result<()> {
    let ty_s = display(ty);
    if info.option {
        return err(
            ty.span(),
            format!(
                "`{id}` is `{ty_s}`: a `RelatedSet` is not a column and cannot be NULL; declare it `RelatedSet<T>`"
            ),
        );
    }
    let others = [
        a.primary_key.map(|s| (s, "primary_key")),
        a.unique.map(|s| (s, "unique")),
        a.db_index.map(|s| (s, "db_index")),
        a.text.map(|s| (s, "text")),
        a.auto_now.map(|s| (s, "auto_now")),
        a.auto_now_add.map(|s| (s, "auto_now_add")),
        a.one_to_one.map(|s| (s, "one_to_one")),
        a.max_length.map(|(_, s)| (s, "max_length")),
        a.max_digits.map(|(_, s)| (s, "max_digits")),
        a.decimal_places.map(|(_, s)| (s, "decimal_places")),
        a.default.as_ref().map(|e| (e.span(), "default")),
        a.default_fn.as_ref().map(|e| (e.span(), "default_fn")),
        a.choices.as_ref().map(|e| (e.span(), "choices")),
        a.db_column.as_ref().map(|e| (e.span(), "db_column")),
        a.on_delete.as_ref().map(|(_, s)| (*s, "on_delete")),
        a.to_field.as_ref().map(|e| (e.span(), "to_field")),
        a.related_name.as_ref().map(|e| (e.span(), "related_name")),
        a.through.as_ref().map(|e| (e.span(), "through")),
        a.through_fields.as_ref().and_then(|e| e.first()).map(|e| (e.span(), "through_fields")),
    ];
    if let Some((span, name)) = others.into_iter().flatten().next() {
        return err(
            span,
            format!("`{name}` does not apply to `{id}`: a `{ty_s}` is the reverse side of a relation declared on the other model, not a column; options are: reverse, verbose_name, help_text"),
        );
    }
    if let Some(r) = &a.reverse {
        let v = r.value();
        if v.is_empty() || !v.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return err(
                r.span(),
                format!(
                    "`reverse = \"{v}\"` names a relation: its accessor or query name, e.g. `reverse = \"orders\"`"
                ),
            );
        }
    }
    Ok(())
}

/// A `ManyToMany<T>` field takes `related_name`, `through`, `through_fields`,
/// `verbose_name` and `help_text`; it cannot be an `Option` (no column to be NULL).
fn check_many(id: &Ident, ty: &Type, info: TypeInfo, a: &FieldAttrs) -> syn::Result<()> {
    let ty_s = display(ty);
    if info.option {
        return err(
            ty.span(),
            format!("`{id}` is `{ty_s}`: a many-to-many field has no column to be NULL; declare it `ManyToMany<T>` (an empty relation is no rows)"),
        );
    }
    let column_only = [
        a.primary_key.map(|s| (s, "primary_key")),
        a.unique.map(|s| (s, "unique")),
        a.db_index.map(|s| (s, "db_index")),
        a.text.map(|s| (s, "text")),
        a.auto_now.map(|s| (s, "auto_now")),
        a.auto_now_add.map(|s| (s, "auto_now_add")),
        a.one_to_one.map(|s| (s, "one_to_one")),
        a.max_length.map(|(_, s)| (s, "max_length")),
        a.max_digits.map(|(_, s)| (s, "max_digits")),
        a.decimal_places.map(|(_, s)| (s, "decimal_places")),
        a.default.as_ref().map(|e| (e.span(), "default")),
        a.default_fn.as_ref().map(|e| (e.span(), "default_fn")),
        a.choices.as_ref().map(|e| (e.span(), "choices")),
        a.db_column.as_ref().map(|e| (e.span(), "db_column")),
        a.on_delete.as_ref().map(|(_, s)| (*s, "on_delete")),
        a.to_field.as_ref().map(|e| (e.span(), "to_field")),
    ];
    if let Some((span, name)) = column_only.into_iter().flatten().next() {
        return err(
            span,
            format!("`{name}` does not apply to a many-to-many field: `{id}` is `{ty_s}`, a join table, not a column; options are: related_name, through, through_fields, verbose_name, help_text"),
        );
    }
    check_related_name(a)?;
    if let Some(fields) = &a.through_fields {
        let span = fields.first().map_or(id.span(), LitStr::span);
        if a.through.is_none() {
            return err(
                span,
                "`through_fields` names the foreign keys of the `through` model: give `through = Model` too",
            );
        }
        if fields.len() != 2 {
            return err(span, "`through_fields` names two foreign keys of the `through` model: `[\"to_this_model\", \"to_the_target\"]`");
        }
    }
    Ok(())
}

fn check_related_name(a: &FieldAttrs) -> syn::Result<()> {
    if let Some(lit) = &a.related_name {
        let name = lit.value();
        let body = name.strip_suffix('+').unwrap_or(&name);
        let ident = body.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && body.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !(ident || (body.is_empty() && !name.is_empty())) {
            return err(
                lit.span(),
                format!("`related_name = \"{name}\"` is not a valid name: use an identifier (`entries`), or end it with `+` to have no reverse relation"),
            );
        }
    }
    Ok(())
}

fn count_options(a: &FieldAttrs) -> usize {
    let flags = [a.primary_key, a.unique, a.db_index, a.text, a.auto_now, a.auto_now_add, a.skip, a.one_to_one];
    flags.iter().filter(|f| f.is_some()).count()
        + [a.max_length, a.max_digits, a.decimal_places].iter().filter(|f| f.is_some()).count()
        + usize::from(a.default.is_some())
        + usize::from(a.default_fn.is_some())
        + usize::from(a.choices.is_some())
        + usize::from(a.on_delete.is_some())
        + [&a.db_column, &a.verbose_name, &a.help_text, &a.related_name, &a.to_field]
            .iter()
            .filter(|f| f.is_some())
            .count()
        + usize::from(a.through.is_some())
        + usize::from(a.through_fields.is_some())
        + usize::from(a.reverse.is_some())
}

/// Options of relation fields: only on `ForeignKey` / `OneToOne`, which take no
/// options of plain columns; Django's checks on `on_delete` and `related_name`.
fn check_relation(id: &Ident, ty: &Type, info: TypeInfo, a: &FieldAttrs) -> syn::Result<()> {
    let ty_s = display(ty);
    if !info.kind.is_relation() {
        let spans = [
            a.on_delete.as_ref().map(|(_, s)| (*s, "on_delete")),
            a.related_name.as_ref().map(|l| (l.span(), "related_name")),
            a.to_field.as_ref().map(|l| (l.span(), "to_field")),
            a.one_to_one.map(|s| (s, "one_to_one")),
        ];
        if let Some((span, name)) = spans.into_iter().flatten().next() {
            return err(
                span,
                format!("`{name}` applies to relation fields (`ForeignKey<T>`, `OneToOne<T>`), but `{id}` is `{ty_s}`"),
            );
        }
        return Ok(());
    }
    let plain = [
        a.max_length.map(|(_, s)| (s, "max_length")),
        a.max_digits.map(|(_, s)| (s, "max_digits")),
        a.decimal_places.map(|(_, s)| (s, "decimal_places")),
        a.text.map(|s| (s, "text")),
        a.auto_now.map(|s| (s, "auto_now")),
        a.auto_now_add.map(|s| (s, "auto_now_add")),
        a.choices.as_ref().map(|c| (c.span(), "choices")),
    ];
    if let Some((span, name)) = plain.into_iter().flatten().next() {
        return err(
            span,
            format!("`{name}` does not apply to a relation: `{id}` is `{ty_s}`, whose column holds the related key"),
        );
    }
    if let Some((super::attrs::OnDelete::Plain(b), span)) = &a.on_delete {
        if b == "SetNull" && !info.option {
            return err(
                *span,
                format!("`{id}` has `on_delete = SetNull` but cannot be NULL: declare it `Option<{ty_s}>`, or choose another `on_delete`"),
            );
        }
        if b == "SetDefault" && a.default.is_none() && a.default_fn.is_none() {
            return err(
                *span,
                format!("`{id}` has `on_delete = SetDefault` but no default: add `default = …` (a key of the related model)"),
            );
        }
    }
    check_related_name(a)?;
    if let Some(lit) = &a.to_field {
        if lit.value().is_empty() || lit.value().contains("__") {
            return err(lit.span(), "`to_field` names one field of the related model, e.g. `to_field = \"slug\"`");
        }
    }
    Ok(())
}

fn check_options(id: &Ident, ty: &Type, info: TypeInfo, a: &FieldAttrs) -> syn::Result<()> {
    let ty_s = display(ty);
    let allowed = |kinds: &[Kind]| info.kind == Kind::Other || kinds.contains(&info.kind);
    if let Some((_, span)) = a.max_length {
        if !allowed(&[Kind::Text, Kind::Array]) {
            return err(
                span,
                format!("`max_length` applies to text fields (`String`, `Vec<String>`), but `{id}` is `{ty_s}`"),
            );
        }
    }
    if let Some(span) = a.text {
        if !allowed(&[Kind::Text]) {
            return err(span, format!("`text` applies to `String` fields, but `{id}` is `{ty_s}`"));
        }
        if a.max_length.is_some() {
            return err(
                span,
                "`text` makes an unbounded TextField: remove `max_length`, or remove `text` for a CharField",
            );
        }
    }
    for (opt, name) in [(a.max_digits, "max_digits"), (a.decimal_places, "decimal_places")] {
        if let Some((_, span)) = opt {
            if !allowed(&[Kind::Decimal, Kind::Array]) {
                return err(span, format!("`{name}` applies to `Decimal` fields, but `{id}` is `{ty_s}`"));
            }
        }
    }
    for (opt, name) in [(a.auto_now, "auto_now"), (a.auto_now_add, "auto_now_add")] {
        if let Some(span) = opt {
            if !allowed(&[Kind::Date, Kind::DateTime]) {
                return err(span, format!("`{name}` applies to date and datetime fields, but `{id}` is `{ty_s}`"));
            }
        }
    }
    if let Some(span) = a.primary_key {
        if info.option {
            return err(span, format!("a primary key cannot be NULL: `{id}` is `{ty_s}`"));
        }
    }
    if let (Some(_), Some(p)) = (&a.default, &a.default_fn) {
        return err(p.span(), "give either `default` or `default_fn`, not both");
    }
    if info.kind == Kind::Auto && !info.option && a.primary_key.is_none() && id != "id" {
        return err(
            id.span(),
            format!("`{id}` is `{ty_s}`, which the database generates: an `Auto` field must be the primary key (name it `id` or mark it `#[ormolu(primary_key)]`)"),
        );
    }
    Ok(())
}

fn primary_key(model: &Ident, columns: &[Column]) -> syn::Result<usize> {
    let explicit: Vec<usize> = (0..columns.len()).filter(|&i| columns[i].attrs.primary_key.is_some()).collect();
    if let [_, second, ..] = explicit[..] {
        let span = columns[second].attrs.primary_key.expect("flagged");
        return err(
            span,
            format!("`{model}` has two primary keys; composite keys are not supported (use `unique_together`)"),
        );
    }
    let pk = match explicit.first() {
        Some(&i) => i,
        None => implicit_pk(model, columns)?,
    };
    for (i, c) in columns.iter().enumerate() {
        if i != pk && c.info.kind == Kind::Auto && !c.info.option {
            let pk_name = &columns[pk].name;
            return err(
                c.ident.span(),
                format!("`{}` is an `Auto` field but `{pk_name}` is the primary key: an `Auto` field must be the primary key", c.name),
            );
        }
    }
    Ok(pk)
}

fn implicit_pk(model: &Ident, columns: &[Column]) -> syn::Result<usize> {
    match columns.iter().position(|c| c.name == "id") {
        Some(i) if columns[i].info.kind == Kind::Auto && !columns[i].info.option => Ok(i),
        Some(i) => err(
            columns[i].ident.span(),
            format!("`{model}` has no primary key: `id` is not an `Auto<_>`; mark it `#[ormolu(primary_key)]`"),
        ),
        None => err(
            model.span(),
            format!("`{model}` has no primary key: add a field `pub id: Auto<i64>`, or mark a field `#[ormolu(primary_key)]`"),
        ),
    }
}

/// Field names in `ordering` and `unique_together` must exist.
fn check_names(def: &ModelDef) -> syn::Result<()> {
    let known = |name: &str| {
        name == "pk"
            || def
                .columns
                .iter()
                .any(|c| c.name == name || (c.info.kind.is_relation() && format!("{}_id", c.name) == name))
    };
    let valid = || {
        let mut v: Vec<&str> = def.columns.iter().map(|c| c.name.as_str()).collect();
        v.push("pk");
        v.join(", ")
    };
    let model = &def.ident;
    for c in def.columns.iter().filter(|c| c.info.kind.is_relation()) {
        let attname = format!("{}_id", c.name);
        if let Some(other) = def.columns.iter().find(|o| o.name == attname) {
            return err(
                other.ident.span(),
                format!(
                    "`{attname}` clashes with the relation `{}`, whose key is `{attname}`: rename one of them",
                    c.name
                ),
            );
        }
    }
    for lit in def.attrs.ordering.iter().flatten() {
        let spec = lit.value();
        let name = spec.trim_start_matches(['-', '+']);
        let first = name.split("__").next().unwrap_or_default();
        if spec != "?" && !known(first) {
            return err(lit.span(), format!("`ordering`: `{model}` has no field `{first}`; fields are: {}", valid()));
        }
    }
    let index_fields = def.attrs.indexes.iter().flat_map(|i| i.fields.iter());
    let constraint_fields = def.attrs.constraints.iter().flat_map(|c| match c {
        super::attrs::ConstraintAttr::Unique { fields, .. } => fields.iter(),
        super::attrs::ConstraintAttr::Check { .. } => [].iter(),
    });
    for lit in index_fields.chain(constraint_fields) {
        if !known(&lit.value()) {
            return err(lit.span(), format!("`{model}` has no field `{}`; fields are: {}", lit.value(), valid()));
        }
    }
    for lit in def.attrs.unique_together.iter().flatten().flatten() {
        if !known(&lit.value()) {
            return err(
                lit.span(),
                format!("`unique_together`: `{model}` has no field `{}`; fields are: {}", lit.value(), valid()),
            );
        }
    }
    Ok(())
}

/// The string literals of a list, as values.
pub(crate) fn values(lits: &[LitStr]) -> Vec<String> {
    lits.iter().map(LitStr::value).collect()
}
