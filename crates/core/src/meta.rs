//! Runtime model metadata (Django's `_meta`): [`ModelMeta`] and [`FieldMeta`].
//!
//! The derive writes one `&'static ModelMeta` per model; the compiler, the schema
//! editor, dynamic lookups, validation and (later) migrations all read it.

use crate::value::Value;

/// The storage type of a field, as the schema editor and the compiler see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Auto-increment integer primary key (BigAutoField).
    AutoBig,
    /// Auto-increment 32-bit primary key (AutoField).
    Auto,
    /// Boolean.
    Bool,
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Int,
    /// 64-bit integer.
    BigInt,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// Text with a maximum length (CharField).
    Char,
    /// Unbounded text (TextField).
    Text,
    /// Exact decimal with max_digits and decimal_places.
    Decimal,
    /// Calendar date.
    Date,
    /// Date and time (naive or UTC).
    DateTime,
    /// Time of day.
    Time,
    /// Duration.
    Duration,
    /// UUID.
    Uuid,
    /// JSON document.
    Json,
    /// Binary data.
    Bytes,
    /// A PostgreSQL array of the element type (Django's
    /// `django.contrib.postgres.fields.ArrayField`): `integer[]`, `varchar(20)[]`…
    /// The element's `max_length`/`max_digits` are the field's own. PostgreSQL only
    /// ([`Features::supports_array_fields`](crate::dialect::Features)).
    Array(&'static FieldType),
}

impl FieldType {
    /// Whether text lookups (contains, startswith, regex…) apply.
    pub fn is_text(self) -> bool {
        matches!(self, FieldType::Char | FieldType::Text)
    }
    /// Whether date transforms (year, month, day, week_day…) apply.
    pub fn has_date(self) -> bool {
        matches!(self, FieldType::Date | FieldType::DateTime)
    }
    /// Whether time transforms (hour, minute, second) apply.
    pub fn has_time(self) -> bool {
        matches!(self, FieldType::DateTime | FieldType::Time)
    }
    /// The element type of an array field.
    pub fn array_element(self) -> Option<FieldType> {
        match self {
            FieldType::Array(e) => Some(*e),
            _ => None,
        }
    }
    /// Whether this is an array (Django's `ArrayField`).
    pub fn is_array(self) -> bool {
        matches!(self, FieldType::Array(_))
    }
    /// An array of `elem` (for types read at run time, e.g. from migration files):
    /// scalar elements point at static types; nested arrays are leaked once.
    pub fn array_of(elem: FieldType) -> FieldType {
        use FieldType as T;
        FieldType::Array(match elem {
            T::AutoBig => &T::AutoBig,
            T::Auto => &T::Auto,
            T::Bool => &T::Bool,
            T::SmallInt => &T::SmallInt,
            T::Int => &T::Int,
            T::BigInt => &T::BigInt,
            T::Float => &T::Float,
            T::Double => &T::Double,
            T::Char => &T::Char,
            T::Text => &T::Text,
            T::Decimal => &T::Decimal,
            T::Date => &T::Date,
            T::DateTime => &T::DateTime,
            T::Time => &T::Time,
            T::Duration => &T::Duration,
            T::Uuid => &T::Uuid,
            T::Json => &T::Json,
            T::Bytes => &T::Bytes,
            nested @ T::Array(_) => Box::leak(Box::new(nested)),
        })
    }
    /// Whether this is an integer type.
    pub fn is_integer(self) -> bool {
        matches!(self, FieldType::AutoBig | FieldType::Auto | FieldType::SmallInt | FieldType::Int | FieldType::BigInt)
    }
}

/// What happens to rows pointing at a deleted row (Django's `on_delete`).
#[derive(Debug, Clone, PartialEq)]
pub enum OnDelete {
    /// Delete the pointing rows too.
    Cascade,
    /// Refuse the delete (ProtectedError).
    Protect,
    /// Refuse unless the pointing rows are deleted by the same cascade.
    Restrict,
    /// Set the column to NULL.
    SetNull,
    /// Set the column to its default.
    SetDefault,
    /// Set the column to a value.
    Set(Value),
    /// Leave the database to decide.
    DoNothing,
}

/// A relation from this field to another model.
#[derive(Debug, Clone)]
pub struct Relation {
    /// The target model's metadata (a function, so models may point at each other).
    pub to: fn() -> &'static ModelMeta,
    /// The target field (its primary key unless `to_field`).
    pub to_field: Option<&'static str>,
    /// On delete behaviour.
    pub on_delete: OnDelete,
    /// The reverse accessor name (`<model>_set` by default).
    pub related_name: Option<&'static str>,
    /// Whether it is a one-to-one relation.
    pub one_to_one: bool,
}

/// A default for a field.
#[derive(Debug, Clone)]
pub enum FieldDefault {
    /// A constant value.
    Value(Value),
    /// A value computed when the instance is created.
    Func(fn() -> Value),
}

impl FieldDefault {
    /// The default value.
    pub fn value(&self) -> Value {
        match self {
            FieldDefault::Value(v) => v.clone(),
            FieldDefault::Func(f) => f(),
        }
    }
}

/// One field of a model.
#[derive(Debug, Clone)]
pub struct FieldMeta {
    /// The Rust field name (Django's `name`; `user` for a foreign key).
    pub name: &'static str,
    /// The column (Django's `column`; `user_id` for a foreign key).
    pub column: &'static str,
    /// The attribute name that holds the raw value (`user_id` for a foreign key).
    pub attname: &'static str,
    /// Storage type.
    pub ty: FieldType,
    /// Whether NULL is allowed.
    pub null: bool,
    /// Whether it is the primary key.
    pub primary_key: bool,
    /// Whether the database generates the value (auto-increment).
    pub auto: bool,
    /// UNIQUE.
    pub unique: bool,
    /// An index on the column.
    pub db_index: bool,
    /// Maximum length for text.
    pub max_length: Option<u32>,
    /// Digits of a decimal.
    pub max_digits: Option<u32>,
    /// Decimal places of a decimal.
    pub decimal_places: Option<u32>,
    /// The default.
    pub default: Option<FieldDefault>,
    /// Allowed values (stored value, label).
    pub choices: &'static [(&'static str, &'static str)],
    /// Set to now on every save.
    pub auto_now: bool,
    /// Set to now on insert.
    pub auto_now_add: bool,
    /// Human name.
    pub verbose_name: Option<&'static str>,
    /// Help text.
    pub help_text: Option<&'static str>,
    /// The relation, for ForeignKey / OneToOne.
    pub relation: Option<Relation>,
}

impl FieldMeta {
    /// A plain field of a type; the derive fills the options.
    pub const fn new(name: &'static str, ty: FieldType) -> Self {
        FieldMeta {
            name,
            column: name,
            attname: name,
            ty,
            null: false,
            primary_key: false,
            auto: false,
            unique: false,
            db_index: false,
            max_length: None,
            max_digits: None,
            decimal_places: None,
            default: None,
            choices: &[],
            auto_now: false,
            auto_now_add: false,
            verbose_name: None,
            help_text: None,
            relation: None,
        }
    }

    /// Whether the field has a default (or is auto-set).
    pub fn has_default(&self) -> bool {
        self.default.is_some() || self.auto || self.auto_now || self.auto_now_add
    }
}

/// A named index.
#[derive(Debug, Clone)]
pub struct IndexMeta {
    /// Name.
    pub name: String,
    /// Columns by field name.
    pub fields: Vec<&'static str>,
    /// UNIQUE index.
    pub unique: bool,
}

/// A table constraint.
#[derive(Debug, Clone)]
pub enum ConstraintMeta {
    /// UNIQUE over fields.
    Unique {
        /// Name.
        name: String,
        /// Field names.
        fields: Vec<&'static str>,
    },
    /// CHECK with raw SQL condition.
    Check {
        /// Name.
        name: String,
        /// The SQL condition (columns quoted by the author).
        sql: &'static str,
    },
}

/// A model's metadata.
#[derive(Debug, Clone)]
pub struct ModelMeta {
    /// The Rust type name (`User`).
    pub name: &'static str,
    /// The app label (from the derive or the crate name).
    pub app_label: &'static str,
    /// The table.
    pub table: &'static str,
    /// Fields in declaration order.
    pub fields: Vec<FieldMeta>,
    /// Index of the primary key in `fields`.
    pub pk: usize,
    /// Default ordering (`-name` for descending).
    pub ordering: Vec<&'static str>,
    /// unique_together sets.
    pub unique_together: Vec<Vec<&'static str>>,
    /// Indexes.
    pub indexes: Vec<IndexMeta>,
    /// Constraints.
    pub constraints: Vec<ConstraintMeta>,
    /// Human name.
    pub verbose_name: Option<&'static str>,
    /// Many-to-many fields (not columns: each is a join table), in declaration order.
    pub many_to_many: Vec<ManyToManyMeta>,
    /// Whether ormolu made this model (the join table of a many-to-many field without
    /// `through`), as Django's `_meta.auto_created`.
    pub auto_created: bool,
}

impl ModelMeta {
    /// A model with these fields and no options (no default ordering, indexes,
    /// constraints or many-to-many fields); the primary key is the first field marked
    /// `primary_key` (else the first field). What `#[derive(Model)]` writes, for
    /// code that builds metadata by hand (tests, tools).
    ///
    /// ```
    /// use ormolu_core::meta::{FieldMeta, FieldType, ModelMeta};
    /// let id = FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) };
    /// let m = ModelMeta::new("User", "app", "users", vec![FieldMeta::new("name", FieldType::Text), id]);
    /// assert_eq!(m.pk_field().name, "id");
    /// assert!(m.ordering.is_empty() && m.indexes.is_empty());
    /// ```
    pub fn new(name: &'static str, app_label: &'static str, table: &'static str, fields: Vec<FieldMeta>) -> Self {
        let pk = fields.iter().position(|f| f.primary_key).unwrap_or(0);
        ModelMeta {
            name,
            app_label,
            table,
            fields,
            pk,
            ordering: vec![],
            unique_together: vec![],
            indexes: vec![],
            constraints: vec![],
            verbose_name: None,
            many_to_many: vec![],
            auto_created: false,
        }
    }

    /// The primary key field.
    pub fn pk_field(&self) -> &FieldMeta {
        &self.fields[self.pk]
    }

    /// A field by name, attname or `pk`.
    pub fn field(&self, name: &str) -> Option<&FieldMeta> {
        if name == "pk" {
            return Some(self.pk_field());
        }
        self.fields.iter().find(|f| f.name == name || f.attname == name)
    }

    /// Position of a field by name, attname or `pk`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        if name == "pk" {
            return Some(self.pk);
        }
        self.fields.iter().position(|f| f.name == name || f.attname == name)
    }

    /// The names a user may use in lookups (for error messages): fields, many-to-many
    /// fields and `pk`.
    pub fn field_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.fields.iter().map(|f| f.name.to_string()).collect();
        v.extend(self.many_to_many.iter().map(|m| m.name.to_string()));
        v.push("pk".into());
        v
    }

    /// A many-to-many field by name.
    pub fn many_to_many(&self, name: &str) -> Option<&ManyToManyMeta> {
        self.many_to_many.iter().find(|m| m.name == name)
    }
}

/// A many-to-many field (Django's `ManyToManyField`): no column, a join table.
///
/// The join table is the `through` model: an explicit model with a foreign key to each
/// side (and extra columns), or — without `through` — one ormolu makes
/// ([`auto_through`]): table `<table>_<field>` with columns `id`, `<model>_id`,
/// `<target>_id` (`from_<model>_id` / `to_<model>_id` when the relation points at its
/// own model) and a unique pair.
#[derive(Debug, Clone)]
pub struct ManyToManyMeta {
    /// The field name (`authors`).
    pub name: &'static str,
    /// The model declaring the field.
    pub from: fn() -> &'static ModelMeta,
    /// The related model.
    pub to: fn() -> &'static ModelMeta,
    /// The join model's metadata (made once, on first use, for an automatic one).
    pub through: fn() -> &'static ModelMeta,
    /// The foreign keys of the join model pointing at `from` and at `to`, when given
    /// (Django's `through_fields`); else found by the models they point at.
    pub through_fields: Option<(&'static str, &'static str)>,
    /// The reverse query name (`related_name`); `None` is Django's default, the
    /// declaring model's name in lower case (`entry`). Ending in `+`: no reverse relation.
    pub related_name: Option<&'static str>,
    /// Whether the join model is made by ormolu (no `through`).
    pub auto_created: bool,
}

impl ManyToManyMeta {
    /// The name that reaches this relation from the related model in `__` lookups
    /// (`related_name`, else the declaring model's name in lower case); `None` when
    /// hidden (`related_name` ends in `+`).
    pub fn related_query_name(&self) -> Option<String> {
        match self.related_name {
            Some(n) if n.ends_with('+') => None,
            Some(n) => Some(n.to_string()),
            None => Some((self.from)().name.to_ascii_lowercase()),
        }
    }

    /// The join model's foreign keys: `(to the declaring model, to the related model)`.
    pub fn link_fields(&self) -> Result<(&'static FieldMeta, &'static FieldMeta), crate::Error> {
        let through = (self.through)();
        let (from, to) = ((self.from)(), (self.to)());
        let bad = |msg: String| {
            crate::Error::field(from.name, self.name, msg, through.fields.iter().map(|f| f.name.to_string()).collect())
        };
        if let Some((a, b)) = self.through_fields {
            let fa = through
                .field(a)
                .ok_or_else(|| bad(format!("`through_fields`: {} has no field `{a}`", through.name)))?;
            let fb = through
                .field(b)
                .ok_or_else(|| bad(format!("`through_fields`: {} has no field `{b}`", through.name)))?;
            return Ok((fa, fb));
        }
        let points_at = |f: &FieldMeta, m: &ModelMeta| f.relation.as_ref().is_some_and(|r| (r.to)().table == m.table);
        let source = through
            .fields
            .iter()
            .find(|f| points_at(f, from))
            .ok_or_else(|| bad(format!("the join model {} has no foreign key to {}", through.name, from.name)))?;
        let target = through
            .fields
            .iter()
            .find(|f| !std::ptr::eq(*f, source) && points_at(f, to))
            .ok_or_else(|| bad(format!("the join model {} has no foreign key to {}", through.name, to.name)))?;
        Ok((source, target))
    }
}

/// The column type of a key pointing at `f` (auto-increment dropped).
pub fn key_type(f: &FieldMeta) -> FieldType {
    match f.ty {
        FieldType::AutoBig => FieldType::BigInt,
        FieldType::Auto => FieldType::Int,
        t => t,
    }
}

/// The join model of a many-to-many field without `through` (Django's auto-created
/// model `Entry_authors`): table `<from table>_<field>`, an `id` primary key, a foreign
/// key to each side (`entry` / `author`, or `from_<model>` / `to_<model>` when both
/// sides are the same model; CASCADE) and a unique pair. Made once per field by the
/// derive (names are leaked once, for `'static`).
pub fn auto_through(
    from: fn() -> &'static ModelMeta,
    field: &'static str,
    to: fn() -> &'static ModelMeta,
) -> ModelMeta {
    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }
    let (src, dst) = (from(), to());
    let (src_lower, dst_lower) = (src.name.to_ascii_lowercase(), dst.name.to_ascii_lowercase());
    let (a, b) = if src.table == dst.table {
        (format!("from_{src_lower}"), format!("to_{dst_lower}"))
    } else {
        (src_lower, dst_lower)
    };
    let fk = |name: String, target: fn() -> &'static ModelMeta, meta: &ModelMeta| {
        let name = leak(name);
        let attname = leak(format!("{name}_id"));
        let pk = meta.pk_field();
        FieldMeta {
            column: attname,
            attname,
            max_length: pk.max_length,
            relation: Some(Relation {
                to: target,
                to_field: None,
                on_delete: OnDelete::Cascade,
                related_name: None,
                one_to_one: false,
            }),
            ..FieldMeta::new(name, key_type(pk))
        }
    };
    let fa = fk(a, from, src);
    let fb = fk(b, to, dst);
    let pair = vec![fa.name, fb.name];
    ModelMeta {
        name: leak(format!("{}_{field}", src.name)),
        app_label: src.app_label,
        table: leak(format!("{}_{field}", src.table)),
        fields: vec![FieldMeta { primary_key: true, auto: true, ..FieldMeta::new("id", FieldType::AutoBig) }, fa, fb],
        pk: 0,
        ordering: Vec::new(),
        unique_together: vec![pair],
        indexes: Vec::new(),
        constraints: Vec::new(),
        verbose_name: None,
        many_to_many: Vec::new(),
        auto_created: true,
    }
}
