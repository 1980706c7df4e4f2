//! What a model SELECT loads: its fields under `only()` / `defer()`, and the models
//! `select_related()` joins ([`RelatedSelect`]), with their own fields.

use crate::compiler::{resolve, Compiler};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::ModelMeta;
use crate::query::{Loading, Query};

/// A model loaded by `select_related()` in a model SELECT (Django's `klass_info` of a
/// related model): its cells follow the queried model's fields and the annotations.
#[derive(Debug, Clone)]
pub struct RelatedSelect {
    /// The `__` path from the queried model (`order__user`).
    pub path: String,
    /// The foreign key it is reached through, on its parent (`user`).
    pub field: &'static str,
    /// The parent: `None` for the queried model, else the index in
    /// [`SelectPlan::related`](super::SelectPlan::related) of the node it hangs off (parents come first).
    pub parent: Option<usize>,
    /// The related model.
    pub model: &'static ModelMeta,
    /// Its loaded fields (indexes into `model.fields`), in cell order.
    pub fields: Vec<usize>,
    /// The row position of its first cell.
    pub offset: usize,
    /// The position of its primary key among its cells (NULL there: no related row, as
    /// through a LEFT OUTER JOIN of a NULL foreign key).
    pub pk_cell: usize,
}

/// The fields of `m` a model SELECT loads, for the only()/defer() names under `prefix`
/// (`""` for the queried model, `"blog__"` for a `select_related("blog")` model):
/// the primary key always, and the foreign keys in `traversed` (followed by
/// `select_related()`), which cannot be deferred (Django's "cannot be both deferred and
/// traversed using select_related at the same time").
fn fields_for(m: &ModelMeta, loading: &Loading, prefix: &str, traversed: &[&str]) -> Result<Vec<usize>> {
    let names: &[String] = match loading {
        Loading::All => return Ok((0..m.fields.len()).collect()),
        Loading::Only(n) | Loading::Defer(n) => n,
    };
    let mut direct: Vec<&str> = Vec::new();
    let mut deeper: Vec<&str> = Vec::new();
    for n in names {
        let Some(rel) = n.strip_prefix(prefix) else { continue };
        match rel.split_once("__") {
            None => direct.push(rel),
            Some((head, _)) => {
                if !traversed.contains(&head) {
                    return Err(Error::field(
                        m.name,
                        n,
                        format!(
                            "'{n}' spans the relation '{prefix}{head}', which is not followed by select_related(): \
                             only()/defer() reach related fields only through select_related()"
                        ),
                        Vec::new(),
                    ));
                }
                deeper.push(head);
            }
        }
    }
    for n in &direct {
        if m.field(n).is_none() {
            return Err(Error::field(m.name, n, format!("{} has no field named '{n}'", m.name), m.field_names()));
        }
    }
    let is = |i: usize, list: &[&str]| list.iter().any(|n| m.field_index(n) == Some(i));
    let traversed_idx: Vec<usize> = traversed.iter().filter_map(|t| m.field_index(t)).collect();
    let deferred_and_traversed = |t: &str| {
        Error::field(
            m.name,
            t,
            format!(
                "Field {}.{t} cannot be both deferred and traversed using select_related at the same time.",
                m.name
            ),
            Vec::new(),
        )
    };
    Ok(match loading {
        Loading::All => unreachable!("returned above"),
        Loading::Only(_) => {
            if !prefix.is_empty() && direct.is_empty() && deeper.is_empty() {
                // only("blog") with select_related("blog"): the whole related row.
                return Ok((0..m.fields.len()).collect());
            }
            for t in traversed {
                if !direct.contains(t) && !deeper.contains(t) {
                    return Err(deferred_and_traversed(t));
                }
            }
            (0..m.fields.len()).filter(|&i| i == m.pk || is(i, &direct) || traversed_idx.contains(&i)).collect()
        }
        Loading::Defer(_) => {
            if let Some(t) = traversed.iter().find(|t| direct.contains(t)) {
                return Err(deferred_and_traversed(t));
            }
            (0..m.fields.len()).filter(|&i| i == m.pk || !is(i, &direct)).collect()
        }
    })
}

/// A `select_related()` node before its fields are known: `(path, field, parent,
/// model, alias)`.
type RelatedNode = (String, &'static str, Option<usize>, &'static ModelMeta, String);

impl Compiler<'_> {
    /// The fields a model SELECT loads, honouring only()/defer(); pk always, and the
    /// foreign keys `select_related()` follows.
    pub fn loaded_fields(q: &Query) -> Result<Vec<usize>> {
        let heads: Vec<&str> = q.select_related.iter().map(|p| p.split("__").next().unwrap_or(p)).collect();
        fields_for(q.model, &q.loading, "", &heads)
    }

    /// The joins of `select_related()` (made or reused: a forward foreign key is
    /// single-valued), as nodes in tree order, parents first. INNER for a required
    /// foreign key, LEFT OUTER for a nullable one and anything under a LEFT OUTER join.
    fn related_nodes(&mut self) -> Result<Vec<RelatedNode>> {
        let mut nodes: Vec<RelatedNode> = Vec::new();
        for path in &self.q.select_related {
            let parts: Vec<&str> = path.split("__").collect();
            let mut model = self.q.model;
            let mut parent: Option<usize> = None;
            let mut joins: Vec<resolve::PathJoin> = Vec::new();
            for (i, part) in parts.iter().enumerate() {
                let choices = || -> Vec<String> {
                    model.fields.iter().filter(|f| f.relation.is_some()).map(|f| f.name.to_string()).collect()
                };
                let field = model.fields.iter().find(|f| f.name == *part);
                let Some(field) = field else {
                    let c = choices();
                    let shown = if c.is_empty() { "(none)".to_string() } else { c.join(", ") };
                    return Err(Error::field(
                        model.name,
                        part,
                        format!(
                            "Invalid field name(s) given in select_related: '{part}'. Choices are: {shown} \
                             (select_related() follows foreign keys and one-to-one fields; use prefetch_related() \
                             for reverse and many-to-many relations)"
                        ),
                        c,
                    ));
                };
                let Some(rel) = &field.relation else {
                    let c = choices();
                    let shown = if c.is_empty() { "(none)".to_string() } else { c.join(", ") };
                    return Err(Error::field(
                        model.name,
                        part,
                        format!("Non-relational field given in select_related: '{part}'. Choices are: {shown}"),
                        c,
                    ));
                };
                let target = (rel.to)();
                let to = rel.to_field.and_then(|f| target.field(f)).unwrap_or(target.pk_field());
                joins.push(resolve::PathJoin::forward(field, target, to));
                let here = parts[..=i].join("__");
                if let Some(found) = nodes.iter().position(|n| n.0 == here) {
                    parent = Some(found);
                } else {
                    let (alias, _) = self.from.setup_joins(&joins, None);
                    nodes.push((here, field.name, parent, target, alias));
                    parent = Some(nodes.len() - 1);
                }
                model = target;
            }
        }
        Ok(nodes)
    }

    /// The columns and plans of the `select_related()` models, whose cells start at
    /// `offset`.
    pub(super) fn related_select(&mut self, offset: usize, cols: &mut Vec<String>) -> Result<Vec<RelatedSelect>> {
        let nodes = self.related_nodes()?;
        let d = self.d;
        let mut out = Vec::with_capacity(nodes.len());
        let mut at = offset;
        for (i, (path, field, parent, model, alias)) in nodes.iter().enumerate() {
            let traversed: Vec<&str> = nodes.iter().filter(|n| n.2 == Some(i)).map(|n| n.1).collect();
            let fields = fields_for(model, &self.q.loading, &format!("{path}__"), &traversed)?;
            for &f in &fields {
                cols.push(qualified_column(d, alias, model.fields[f].column));
            }
            let pk_cell = fields.iter().position(|&f| f == model.pk).unwrap_or(0);
            let n = fields.len();
            out.push(RelatedSelect { path: path.clone(), field, parent: *parent, model, fields, offset: at, pk_cell });
            at += n;
        }
        Ok(out)
    }
}

/// `"table"."column"`, quoted for the dialect.
pub(super) fn qualified_column(d: &'static dyn Dialect, table: &str, column: &str) -> String {
    let mut s = String::with_capacity(table.len() + column.len() + 5);
    d.quote_into(&mut s, table);
    s.push('.');
    d.quote_into(&mut s, column);
    s
}
