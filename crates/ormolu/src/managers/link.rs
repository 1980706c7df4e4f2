//! Which relation a manager walks ([`Link`]), found by name on the owner model: a
//! many-to-many field, or the reverse side of a foreign key or many-to-many field; and
//! the [`Binding`] the derive writes into relation fields.

use ormolu_core::meta::{ManyToManyMeta, ModelMeta};
use ormolu_core::registry;
use ormolu_core::row::ValueRef;
use ormolu_core::{Error, Result, Value};

/// Which relation a manager walks.
#[derive(Debug, Clone)]
pub(crate) enum Link {
    /// `C.fields[field]` is a foreign key to the owner holding `key` (its pk, or its
    /// `to_field`).
    ReverseForeignKey {
        /// Index of the foreign key in `C`'s fields.
        field: usize,
    },
    /// A many-to-many relation through a join model: declared by the owner (`forward`,
    /// `entry.authors`) or by `C` (`author.entry_set`).
    ManyToMany {
        /// The many-to-many field.
        m2m: &'static ManyToManyMeta,
        /// Whether the owner declares it.
        forward: bool,
    },
}

/// The owner of a manager bound to a relation field: what the derive writes into
/// `ManyToMany` / `RelatedSet` fields ([`Model::bind_relations`](crate::Model::bind_relations)).
///
/// Kept small (24 bytes), as every loaded instance carries one per bound field: the
/// field's [`BindSite`] is a static, and an integer key is held in place.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The owner model and the relation's name.
    pub site: &'static BindSite,
    /// The owner's primary key (NULL while unsaved).
    pub key: BindKey,
}

/// Where a bound relation field sits: its owner model and the relation it holds. The
/// derive writes one static per field.
#[derive(Debug)]
pub struct BindSite {
    /// The owner model.
    pub owner: fn() -> &'static ModelMeta,
    /// The relation: the many-to-many field's name, or the reverse relation's name.
    pub relation: &'static str,
}

/// The owner's primary key as a [`Binding`] keeps it: NULL and integers in place,
/// any other key (text, UUID…) boxed.
///
/// ```
/// use ormolu::managers::BindKey;
/// use ormolu::Value;
/// assert_eq!(BindKey::new(Value::I64(7)).to_value(), Value::I64(7));
/// assert!(BindKey::new(Value::Null).is_null());
/// assert_eq!(BindKey::new(Value::Text("a".into())).to_value(), Value::Text("a".into()));
/// assert_eq!(std::mem::size_of::<BindKey>(), 16);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum BindKey {
    /// No key yet (an unsaved owner).
    Null,
    /// An integer key.
    Int(i64),
    /// Any other key.
    Other(Box<Value>),
}

impl BindKey {
    /// The key of a [`Value`].
    pub fn new(v: Value) -> Self {
        match v {
            Value::Null => BindKey::Null,
            Value::I64(n) => BindKey::Int(n),
            other => BindKey::Other(Box::new(other)),
        }
    }

    /// The key of a borrowed cell ([`Model::field_ref`](crate::Model::field_ref)):
    /// an integer key is kept without a [`Value`] made and dropped.
    ///
    /// ```
    /// use ormolu::managers::BindKey;
    /// use ormolu::Value;
    /// use ormolu::__private::ormolu_core::row::ValueRef;
    /// assert_eq!(BindKey::from_ref(ValueRef::Int(7)), BindKey::Int(7));
    /// assert_eq!(BindKey::from_ref(ValueRef::Text("a")).to_value(), Value::Text("a".into()));
    /// ```
    #[inline]
    pub fn from_ref(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => BindKey::Null,
            ValueRef::Int(n) => BindKey::Int(n),
            other => BindKey::new(other.into_value()),
        }
    }

    /// The key as a [`Value`].
    pub fn to_value(&self) -> Value {
        match self {
            BindKey::Null => Value::Null,
            BindKey::Int(n) => Value::I64(*n),
            BindKey::Other(v) => (**v).clone(),
        }
    }

    /// Whether there is no key (an unsaved owner).
    pub fn is_null(&self) -> bool {
        match self {
            BindKey::Null => true,
            BindKey::Int(_) => false,
            BindKey::Other(v) => v.is_null(),
        }
    }
}

/// A relation named `name` on `owner`, as a manager link, with its accessor name.
/// Names: a many-to-many field of `owner`; the accessor or query name of a reverse
/// foreign key or reverse many-to-many relation.
pub(super) fn find_link(owner: &'static ModelMeta, name: &str) -> Result<(Link, String, &'static ModelMeta, bool)> {
    if let Some(m2m) = owner.many_to_many.iter().find(|m| m.name == name) {
        return Ok((Link::ManyToMany { m2m, forward: true }, name.to_string(), (m2m.to)(), true));
    }
    let related = registry::related_objects(owner);
    if let Some(rel) =
        related.iter().find(|r| r.accessor == name).or_else(|| related.iter().find(|r| r.query_name == name))
    {
        let field = rel.model.field_index(rel.field.name).expect("the relation's field is on its model");
        return Ok((Link::ReverseForeignKey { field }, rel.accessor.clone(), rel.model, rel.multiple));
    }
    for (query_name, r) in ormolu_core::compiler::resolve::reverse_many_to_many(owner) {
        let accessor = reverse_m2m_accessor(r.model, r.field);
        if accessor == name || query_name == name {
            return Ok((Link::ManyToMany { m2m: r.field, forward: false }, accessor, r.model, true));
        }
    }
    Err(Error::field(
        owner.name,
        name,
        format!("'{}' object has no relation named '{name}'", owner.name),
        relation_choices(owner),
    ))
}

/// Django's accessor of a reverse many-to-many relation: `related_name`, else
/// `<model>_set`.
pub(crate) fn reverse_m2m_accessor(model: &ModelMeta, m2m: &ManyToManyMeta) -> String {
    m2m.related_name.map_or_else(|| format!("{}_set", model.name.to_ascii_lowercase()), str::to_string)
}

/// The relation accessors of `owner` (for messages).
pub(crate) fn relation_choices(owner: &'static ModelMeta) -> Vec<String> {
    let mut v: Vec<String> = owner.many_to_many.iter().map(|m| m.name.to_string()).collect();
    v.extend(registry::related_objects(owner).iter().map(|r| r.accessor.clone()));
    v.extend(
        ormolu_core::compiler::resolve::reverse_many_to_many(owner)
            .iter()
            .map(|(_, r)| reverse_m2m_accessor(r.model, r.field)),
    );
    v
}
