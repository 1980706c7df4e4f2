//! Resolving `__` paths against model metadata (Django's `names_to_path` and
//! `setup_joins`), adding the joins they need.
//!
//! A path is planned first ([`plan`]: which relations it crosses, no joins made), then
//! set up in a [`From`] ([`From::setup`]), which reuses or adds joins:
//!
//! - forward foreign key / one-to-one: single-valued; the join is always reused, and
//!   skipped when the path ends at the related key (`blog__id` is `blog_id`);
//! - reverse foreign key (`Blog` → `entries`, or the default query name `entry`) and
//!   many-to-many (either direction, through the join table): *multi-valued*; such a
//!   join is reused only by conditions of the same `filter()` call (the `reuse` set),
//!   as Django does, so `filter(a).filter(b)` may match different related rows.
//!
//! A new join is LEFT OUTER when a row may be missing on its side (a nullable foreign
//! key, a reverse or many-to-many relation) or its parent is LEFT OUTER; the WHERE
//! compiler then demotes it to INNER where the condition cannot hold for a missing row
//! (Django's `JoinPromoter`, in `lookups.rs`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::hash::TextBuildHasher;
use crate::meta::{FieldMeta, FieldType, ManyToManyMeta, ModelMeta};
use crate::registry;

pub(crate) use super::path::{head, Parts};

/// One JOIN of the FROM clause.
#[derive(Debug, Clone)]
pub struct Join {
    /// The joined table.
    pub table: &'static str,
    /// Its alias in this query.
    pub alias: String,
    /// The alias it hangs off.
    pub parent_alias: String,
    /// The column on the parent side.
    pub parent_column: &'static str,
    /// The column on the joined side.
    pub column: &'static str,
    /// LEFT OUTER (a NULL could change the answer) or INNER.
    pub left: bool,
    /// Whether the joined side may have no row (nullable foreign key, reverse or
    /// many-to-many relation): only such joins are made LEFT OUTER by an OR.
    pub nullable: bool,
    /// Whether many rows may match one parent row (reverse foreign key, many-to-many).
    pub multi: bool,
}

/// One relation step of a planned path: the join it needs.
#[derive(Debug, Clone, Copy)]
pub struct PathJoin {
    /// The model joined to (for a many-to-many step: the join model, then the target).
    pub model: &'static ModelMeta,
    /// The column on the parent side.
    pub parent_column: &'static str,
    /// The column on the joined side.
    pub column: &'static str,
    /// Whether the joined column may be NULL.
    pub column_null: bool,
    /// Whether the joined side may have no row (nullable foreign key, reverse relation).
    pub nullable: bool,
    /// Multi-valued (reverse foreign key, first hop of a many-to-many).
    pub multi: bool,
    /// A forward step (a foreign key of the parent): it can be trimmed.
    pub direct: bool,
}

impl PathJoin {
    /// The step along the forward foreign key `field` to `target`'s field `to` (its pk,
    /// or the `to_field`): single-valued, and nullable when the key is.
    pub(crate) fn forward(field: &'static FieldMeta, target: &'static ModelMeta, to: &'static FieldMeta) -> PathJoin {
        PathJoin {
            model: target,
            parent_column: field.column,
            column: to.column,
            column_null: to.null,
            nullable: field.null,
            multi: false,
            direct: true,
        }
    }
}

/// A path planned against a model: the joins it crosses and the field it ends at.
#[derive(Debug, Clone)]
pub struct Plan<'p> {
    /// The joins, in order.
    pub joins: Vec<PathJoin>,
    /// The model owning the final field.
    pub model: &'static ModelMeta,
    /// The final field (for a relation itself: the key column that stands for it).
    pub field: &'static FieldMeta,
    /// The parts after the field: transforms and the lookup.
    pub rest: &'p [&'p str],
    /// When the path ends at a relation itself (`blog`, `authors`, `entries`): the
    /// related model (its default ordering applies to `order_by("blog")`).
    pub relation_target: Option<&'static ModelMeta>,
}

impl Plan<'_> {
    /// The index of the first multi-valued join, if any.
    pub fn first_multi(&self) -> Option<usize> {
        self.joins.iter().position(|j| j.multi)
    }
}

/// The tables of one query: the base table and its joins, reused per path.
#[derive(Debug, Clone)]
pub struct From {
    /// The base model.
    pub model: &'static ModelMeta,
    /// Joins in the order they were made.
    pub joins: Vec<Join>,
    base: Cow<'static, str>,
    /// `Some('U')` in a subquery: every alias is `U0`, `U1`…
    prefix: Option<char>,
    /// Every alias a path went through since creation (for join promotion votes).
    pub(crate) log: Vec<String>,
}

/// A resolved field reference.
#[derive(Debug, Clone)]
pub struct Resolved<'p> {
    /// The table alias holding the column.
    pub alias: Cow<'static, str>,
    /// The model owning the field.
    pub model: &'static ModelMeta,
    /// The field.
    pub field: &'static FieldMeta,
    /// Whether the value may be NULL (nullable field or reached through a LEFT join).
    pub nullable: bool,
    /// The parts after the field: transforms and the lookup.
    pub rest: &'p [&'p str],
    /// The aliases of the joins the path went through.
    pub joins: Vec<String>,
    /// When the path ends at a relation itself: the related model.
    pub relation_target: Option<&'static ModelMeta>,
}

impl Resolved<'_> {
    /// `"alias"."column"`.
    pub fn column_sql(&self, d: &dyn Dialect) -> String {
        let mut s = String::with_capacity(self.alias.len() + self.field.column.len() + 5);
        d.quote_into(&mut s, &self.alias);
        s.push('.');
        d.quote_into(&mut s, self.field.column);
        s
    }
    /// The field's type.
    pub fn ty(&self) -> FieldType {
        self.field.ty
    }
}

/// Names that end a path as a lookup.
pub const LOOKUPS: &[&str] = &[
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
    "has_key",
    "has_keys",
    "has_any_keys",
    "contained_by",
    "overlap",
    "search",
];

/// Names that transform a value inside a path.
pub const TRANSFORMS: &[&str] = &[
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
];

/// A many-to-many relation seen from its target: `Author` ← `Entry.authors`.
#[derive(Debug, Clone, Copy)]
pub struct ReverseManyToMany {
    /// The model declaring the field (`Entry`).
    pub model: &'static ModelMeta,
    /// The field.
    pub field: &'static ManyToManyMeta,
}

/// The many-to-many relations pointing at `target`, with their query names.
pub fn reverse_many_to_many(target: &ModelMeta) -> &'static [(String, ReverseManyToMany)] {
    type ByTable = HashMap<&'static str, Vec<(String, ReverseManyToMany)>, TextBuildHasher>;
    static MAP: OnceLock<ByTable> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map = ByTable::default();
        let mut seen = HashSet::new();
        for m in registry::all_models() {
            if !seen.insert(m.table) {
                continue;
            }
            for f in &m.many_to_many {
                let Some(name) = f.related_query_name() else { continue };
                map.entry((f.to)().table).or_default().push((name, ReverseManyToMany { model: m, field: f }));
            }
        }
        map
    });
    map.get(target.table).map(Vec::as_slice).unwrap_or(&[])
}

fn reverse_m2m(target: &ModelMeta, name: &str) -> Option<ReverseManyToMany> {
    reverse_many_to_many(target).iter().find(|(n, _)| n == name).map(|(_, r)| *r)
}

/// Every name a path may use on `model`: fields, many-to-many fields, reverse
/// relations and `pk` (for error messages), sorted as Django lists them.
pub fn choices(model: &ModelMeta) -> Vec<String> {
    let mut v: Vec<String> = model.fields.iter().map(|f| f.name.to_string()).collect();
    v.extend(model.many_to_many.iter().map(|m| m.name.to_string()));
    v.extend(registry::related_objects(model).iter().map(|r| r.query_name.clone()));
    v.extend(reverse_many_to_many(model).iter().map(|(n, _)| n.clone()));
    v.sort();
    v.dedup();
    v.push("pk".into());
    v
}

/// Whether `name` continues a path on `model` (a field or relation of it), rather than
/// being a transform or lookup. A lookup name at the end of the path is a lookup.
fn continues(model: &ModelMeta, name: &str, is_last: bool) -> bool {
    if is_last && LOOKUPS.contains(&name) {
        return false;
    }
    model.field(name).is_some()
        || model.many_to_many(name).is_some()
        || registry::related_object(model, name).is_some()
        || reverse_m2m(model, name).is_some()
}

/// After a relation, a name that is neither a lookup nor a transform names a field the
/// related model does not have: say so against that model, with its choices.
fn unknown_after_relation(target: &ModelMeta, rest: &[&str]) -> Result<()> {
    match rest.first() {
        Some(n) if !LOOKUPS.contains(n) && !TRANSFORMS.contains(n) => {
            Err(Error::field(target.name, n, format!("Cannot resolve keyword '{n}' into field"), choices(target)))
        }
        _ => Ok(()),
    }
}

fn to_column(rel: &crate::meta::Relation, target: &'static ModelMeta) -> &'static FieldMeta {
    rel.to_field.and_then(|f| target.field(f)).unwrap_or(target.pk_field())
}

/// Plans `parts` (a split `__` path) against `model` (Django's `names_to_path` plus
/// `trim_joins`): the relations crossed and the field reached, without making joins.
pub fn plan<'p>(model: &'static ModelMeta, parts: &'p [&'p str]) -> Result<Plan<'p>> {
    let mut model = model;
    let mut joins: Vec<PathJoin> = Vec::new();
    let mut i = 0;
    loop {
        let name = parts[i];
        let next = parts.get(i + 1).copied();
        let next_continues = |m: &ModelMeta| next.is_some_and(|n| continues(m, n, i + 2 == parts.len()));
        if let Some(field) = model.field(name) {
            if let Some(rel) = &field.relation {
                let target = (rel.to)();
                if next_continues(target) {
                    let to = to_column(rel, target);
                    let next_field = target.field(next.expect("continues"));
                    let trimmed = next_field.is_some_and(|nf| nf.column == to.column && nf.relation.is_none());
                    if trimmed {
                        return Ok(Plan { joins, model, field, rest: &parts[i + 2..], relation_target: None });
                    }
                    joins.push(PathJoin::forward(field, target, to));
                    model = target;
                    i += 1;
                    continue;
                }
                unknown_after_relation(target, &parts[i + 1..])?;
                let relation_target = (name == field.name).then_some(target);
                return Ok(Plan { joins, model, field, rest: &parts[i + 1..], relation_target });
            }
            return Ok(Plan { joins, model, field, rest: &parts[i + 1..], relation_target: None });
        }
        // A many-to-many field (forward) or one pointing here (reverse): join the join
        // table, then (when the path goes on) the far model.
        let m2m = if let Some(m2m) = model.many_to_many(name) {
            let (source, target) = m2m.link_fields()?;
            Some(((m2m.through)(), source, target, (m2m.to)()))
        } else if let Some(r) = reverse_m2m(model, name) {
            let (source, target) = r.field.link_fields()?;
            Some(((r.field.through)(), target, source, r.model))
        } else {
            None
        };
        if let Some((through, near, far_link, far)) = m2m {
            joins.push(PathJoin {
                model: through,
                parent_column: model.pk_field().column,
                column: near.column,
                column_null: near.null,
                nullable: true,
                multi: true,
                direct: false,
            });
            if !next_continues(far) {
                unknown_after_relation(far, &parts[i + 1..])?;
                return Ok(Plan {
                    joins,
                    model: through,
                    field: far_link,
                    rest: &parts[i + 1..],
                    relation_target: Some(far),
                });
            }
            let far_key = far.pk_field();
            let next_field = far.field(next.expect("continues"));
            if next_field.is_some_and(|nf| nf.column == far_key.column) {
                return Ok(Plan {
                    joins,
                    model: through,
                    field: far_link,
                    rest: &parts[i + 2..],
                    relation_target: None,
                });
            }
            joins.push(PathJoin {
                model: far,
                parent_column: far_link.column,
                column: far_key.column,
                column_null: false,
                nullable: far_link.null,
                multi: false,
                direct: true,
            });
            model = far;
            i += 1;
            continue;
        }
        // A reverse foreign key (`entries`, or `entry` by default).
        if let Some(ro) = registry::related_object(model, name) {
            let rel = ro.field.relation.as_ref().expect("a related object comes from a relation");
            let child = ro.model;
            joins.push(PathJoin {
                model: child,
                parent_column: to_column(rel, model).column,
                column: ro.field.column,
                column_null: ro.field.null,
                nullable: true,
                multi: ro.multiple,
                direct: false,
            });
            if next_continues(child) {
                model = child;
                i += 1;
                continue;
            }
            unknown_after_relation(child, &parts[i + 1..])?;
            return Ok(Plan {
                joins,
                model: child,
                field: child.pk_field(),
                rest: &parts[i + 1..],
                relation_target: Some(child),
            });
        }
        return Err(Error::field(
            model.name,
            name,
            format!("Cannot resolve keyword '{name}' into field"),
            choices(model),
        ));
    }
}

impl From {
    /// The FROM clause of a query on `model`.
    pub fn new(model: &'static ModelMeta) -> Self {
        From { model, joins: Vec::new(), base: Cow::Borrowed(model.table), prefix: None, log: Vec::new() }
    }

    /// The FROM clause of a subquery: aliases `U0` (the base), `U1`…, so the enclosing
    /// query's names stay visible.
    pub fn subquery(model: &'static ModelMeta) -> Self {
        From { model, joins: Vec::new(), base: Cow::Borrowed("U0"), prefix: Some('U'), log: Vec::new() }
    }

    /// The FROM clause of a subquery with aliases `{prefix}0`, `{prefix}1`… (a subquery
    /// inside a subquery takes the next letter, so every level's names stay visible).
    pub fn subquery_with(model: &'static ModelMeta, prefix: char) -> Self {
        From { model, joins: Vec::new(), base: Cow::Owned(format!("{prefix}0")), prefix: Some(prefix), log: Vec::new() }
    }

    /// The base table's alias.
    pub fn base_alias(&self) -> &str {
        &self.base
    }

    /// The join with this alias.
    pub fn join_of(&self, alias: &str) -> Option<&Join> {
        self.joins.iter().find(|j| j.alias == alias)
    }

    fn is_left(&self, alias: &str) -> bool {
        self.join_of(alias).is_some_and(|j| j.left)
    }

    /// Resolves `parts` (a split `__` path) to a field, joining relations; any join may
    /// be reused (values, ordering, expressions outside filters).
    pub fn resolve<'p>(&mut self, parts: &'p [&'p str]) -> Result<Resolved<'p>> {
        let plan = plan(self.model, parts)?;
        Ok(self.setup(plan, None))
    }

    /// Makes (or reuses) the joins of a planned path. A multi-valued join is reused only
    /// when its alias is in `reuse` (the current `filter()` call's), or by anyone when
    /// `reuse` is `None`; the path's aliases are added to `reuse`.
    pub fn setup<'p>(&mut self, plan: Plan<'p>, reuse: Option<&mut HashSet<String>>) -> Resolved<'p> {
        let (alias, joins) = if plan.joins.is_empty() {
            (self.base.clone(), Vec::new())
        } else {
            let (alias, joins) = self.setup_joins(&plan.joins, reuse.as_deref());
            if let Some(r) = reuse {
                r.extend(joins.iter().cloned());
            }
            (Cow::Owned(alias), joins)
        };
        let nullable = plan.field.null || self.is_left(&alias);
        Resolved {
            alias,
            model: plan.model,
            field: plan.field,
            nullable,
            rest: plan.rest,
            joins,
            relation_target: plan.relation_target,
        }
    }

    /// Makes (or reuses) these joins from the base table; returns the last alias and
    /// every alias on the way.
    pub fn setup_joins(&mut self, path: &[PathJoin], reuse: Option<&HashSet<String>>) -> (String, Vec<String>) {
        let mut alias = self.base.to_string();
        let mut aliases = Vec::with_capacity(path.len());
        for pj in path {
            alias = self.join(pj, &alias, reuse);
            aliases.push(alias.clone());
        }
        self.log.extend(aliases.iter().cloned());
        (alias, aliases)
    }

    fn join(&mut self, pj: &PathJoin, parent: &str, reuse: Option<&HashSet<String>>) -> String {
        let table = pj.model.table;
        let found = self.joins.iter().rev().find(|j| {
            j.table == table
                && j.parent_alias == parent
                && j.parent_column == pj.parent_column
                && j.column == pj.column
                && (!j.multi || reuse.is_none_or(|r| r.contains(&j.alias)))
        });
        if let Some(j) = found {
            return j.alias.clone();
        }
        let alias = match self.prefix {
            Some(p) => format!("{p}{}", self.joins.len() + 1),
            None => {
                let taken =
                    table == self.model.table || self.joins.iter().any(|j| j.table == table || j.alias == table);
                if taken {
                    format!("T{}", self.joins.len() + 2)
                } else {
                    table.to_string()
                }
            }
        };
        let left = pj.nullable || self.is_left(parent);
        self.joins.push(Join {
            table,
            alias: alias.clone(),
            parent_alias: parent.to_string(),
            parent_column: pj.parent_column,
            column: pj.column,
            left,
            nullable: pj.nullable,
            multi: pj.multi,
        });
        alias
    }

    /// Makes these joins LEFT OUTER where a missing row is possible (nullable, or the
    /// parent is LEFT OUTER), and their children after them (Django's `promote_joins`).
    pub fn promote(&mut self, aliases: &[String]) {
        let mut queue: Vec<String> = aliases.to_vec();
        while !queue.is_empty() {
            let alias = queue.remove(0);
            let Some(i) = self.joins.iter().position(|j| j.alias == alias) else { continue };
            let parent_left = self.is_left(&self.joins[i].parent_alias.clone());
            let j = &mut self.joins[i];
            if (j.nullable || parent_left) && !j.left {
                j.left = true;
                for c in &self.joins {
                    if c.parent_alias == alias && !queue.contains(&c.alias) {
                        queue.push(c.alias.clone());
                    }
                }
            }
        }
    }

    /// Makes these joins INNER (Django's `demote_joins`).
    pub fn demote(&mut self, aliases: &[String]) {
        for a in aliases {
            if let Some(j) = self.joins.iter_mut().find(|j| &j.alias == a) {
                j.left = false;
            }
        }
    }

    /// The aliases of the INNER joins.
    pub fn inner_aliases(&self) -> Vec<String> {
        self.joins.iter().filter(|j| !j.left).map(|j| j.alias.clone()).collect()
    }

    /// Writes ` FROM base [JOIN …]`.
    pub fn write(&self, d: &dyn Dialect, out: &mut String) {
        out.push_str(" FROM ");
        d.quote_into(out, self.model.table);
        if self.base != self.model.table {
            out.push(' ');
            d.quote_into(out, &self.base);
        }
        self.write_joins(d, out, 0);
    }

    /// Writes ` FROM <first join's table> [JOIN …]`: the FROM of a subquery that starts
    /// at its first join (Django's `trim_start`: the base table is not needed when the
    /// first join is INNER).
    pub fn write_from_first_join(&self, d: &dyn Dialect, out: &mut String) {
        let Some(first) = self.joins.first() else { return self.write(d, out) };
        out.push_str(" FROM ");
        d.quote_into(out, first.table);
        if first.alias != first.table {
            out.push(' ');
            d.quote_into(out, &first.alias);
        }
        self.write_joins(d, out, 1);
    }

    fn write_joins(&self, d: &dyn Dialect, out: &mut String, skip: usize) {
        for j in &self.joins[skip..] {
            out.push_str(if j.left { " LEFT OUTER JOIN " } else { " INNER JOIN " });
            d.quote_into(out, j.table);
            if j.alias != j.table {
                out.push(' ');
                d.quote_into(out, &j.alias);
            }
            out.push_str(" ON (");
            d.quote_into(out, &j.parent_alias);
            out.push('.');
            d.quote_into(out, j.parent_column);
            out.push_str(" = ");
            d.quote_into(out, &j.alias);
            out.push('.');
            d.quote_into(out, j.column);
            out.push(')');
        }
    }
}
