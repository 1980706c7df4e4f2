//! [`Operation::state_forwards`]: how each operation changes the project state.

use super::Operation;
use crate::error::{Error, Result};
use crate::state::{default_table, refers_to, Constraint, ModelState, ProjectState};

fn model_mut<'s>(state: &'s mut ProjectState, app: &str, model: &str) -> Result<&'s mut ModelState> {
    state.model_mut(app, model)
}

fn no_field(m: &ModelState, name: &str) -> Error {
    Error::State(format!("{} has no field `{name}` (fields: {})", m.label(), m.field_names().join(", ")))
}

fn rename_in(list: &mut [String], old: &str, new: &str) {
    for s in list.iter_mut() {
        if s == old {
            *s = new.to_string();
        } else if s.strip_prefix('-') == Some(old) {
            *s = format!("-{new}");
        }
    }
}

impl Operation {
    /// Applies the operation to the state of app `app`.
    pub fn state_forwards(&self, app: &str, state: &mut ProjectState) -> Result<()> {
        match self {
            Operation::CreateModel(m) => {
                let mut m = m.clone();
                if m.app.is_empty() {
                    m.app = app.to_string();
                }
                state.add_model(m)
            }
            Operation::DeleteModel { name } => state.remove_model(app, name).map(|_| ()),
            Operation::RenameModel { old_name, new_name } => {
                let mut m = state.remove_model(app, old_name)?;
                if m.table == default_table(app, &m.name) {
                    m.table = default_table(app, new_name);
                }
                m.name = new_name.clone();
                state.add_model(m)?;
                let new_ref = format!("{app}.{new_name}");
                for other in state.models.values_mut() {
                    let from = other.app.clone();
                    for f in &mut other.fields {
                        if let Some(r) = &mut f.relation {
                            if refers_to(&r.to, &from, app, old_name) {
                                r.to = new_ref.clone();
                            }
                        }
                    }
                    for mm in &mut other.many_to_many {
                        if refers_to(&mm.to, &from, app, old_name) {
                            mm.to = new_ref.clone();
                        }
                        if let Some(t) = &mut mm.through {
                            if refers_to(t, &from, app, old_name) {
                                *t = new_ref.clone();
                            }
                        }
                    }
                }
                Ok(())
            }
            Operation::AlterModelTable { name, table } => {
                model_mut(state, app, name)?.table = table.clone();
                Ok(())
            }
            Operation::AlterModelOptions { name, ordering, verbose_name } => {
                let m = model_mut(state, app, name)?;
                m.ordering = ordering.clone();
                m.verbose_name = verbose_name.clone();
                Ok(())
            }
            Operation::AddField { model, field, .. } => {
                let m = model_mut(state, app, model)?;
                if m.field_named(&field.name).is_some() || m.m2m_named(&field.name).is_some() {
                    return Err(Error::State(format!("{} already has a field `{}`", m.label(), field.name)));
                }
                m.fields.push(field.clone());
                Ok(())
            }
            Operation::AddManyToMany { model, field } => {
                let m = model_mut(state, app, model)?;
                if m.field_named(&field.name).is_some() || m.m2m_named(&field.name).is_some() {
                    return Err(Error::State(format!("{} already has a field `{}`", m.label(), field.name)));
                }
                m.many_to_many.push(field.clone());
                Ok(())
            }
            Operation::RemoveField { model, name } => {
                let m = model_mut(state, app, model)?;
                if let Some(i) = m.fields.iter().position(|f| &f.name == name) {
                    m.fields.remove(i);
                } else if let Some(i) = m.many_to_many.iter().position(|f| &f.name == name) {
                    m.many_to_many.remove(i);
                } else {
                    return Err(no_field(m, name));
                }
                Ok(())
            }
            Operation::AlterField { model, field, .. } => {
                let m = model_mut(state, app, model)?;
                match m.fields.iter_mut().find(|f| f.name == field.name) {
                    Some(f) => *f = field.clone(),
                    None => return Err(no_field(m, &field.name)),
                }
                Ok(())
            }
            Operation::RenameField { model, old_name, new_name } => {
                let m = model_mut(state, app, model)?;
                if m.field_named(new_name).is_some() || m.m2m_named(new_name).is_some() {
                    return Err(Error::State(format!("{} already has a field `{new_name}`", m.label())));
                }
                if let Some(f) = m.fields.iter_mut().find(|f| &f.name == old_name) {
                    f.name = new_name.clone();
                } else if let Some(f) = m.many_to_many.iter_mut().find(|f| &f.name == old_name) {
                    f.name = new_name.clone();
                } else {
                    return Err(no_field(m, old_name));
                }
                for set in &mut m.unique_together {
                    rename_in(set, old_name, new_name);
                }
                for i in &mut m.indexes {
                    rename_in(&mut i.fields, old_name, new_name);
                }
                for c in &mut m.constraints {
                    if let Constraint::Unique { fields, .. } = c {
                        rename_in(fields, old_name, new_name);
                    }
                }
                rename_in(&mut m.ordering, old_name, new_name);
                let model_name = m.name.clone();
                for other in state.models.values_mut() {
                    let from = other.app.clone();
                    for f in &mut other.fields {
                        if let Some(r) = &mut f.relation {
                            if refers_to(&r.to, &from, app, &model_name) && r.to_field.as_deref() == Some(old_name) {
                                r.to_field = Some(new_name.clone());
                            }
                        }
                    }
                }
                Ok(())
            }
            Operation::AddIndex { model, index } => {
                let m = model_mut(state, app, model)?;
                if m.indexes.iter().any(|i| i.name == index.name) {
                    return Err(Error::State(format!("{} already has an index `{}`", m.label(), index.name)));
                }
                m.indexes.push(index.clone());
                Ok(())
            }
            Operation::RemoveIndex { model, name } => {
                let m = model_mut(state, app, model)?;
                let before = m.indexes.len();
                m.indexes.retain(|i| &i.name != name);
                if m.indexes.len() == before {
                    return Err(Error::State(format!("{} has no index `{name}`", m.label())));
                }
                Ok(())
            }
            Operation::AddConstraint { model, constraint } => {
                let m = model_mut(state, app, model)?;
                if m.constraints.iter().any(|c| c.name() == constraint.name()) {
                    return Err(Error::State(format!(
                        "{} already has a constraint `{}`",
                        m.label(),
                        constraint.name()
                    )));
                }
                m.constraints.push(constraint.clone());
                Ok(())
            }
            Operation::RemoveConstraint { model, name } => {
                let m = model_mut(state, app, model)?;
                let before = m.constraints.len();
                m.constraints.retain(|c| c.name() != name);
                if m.constraints.len() == before {
                    return Err(Error::State(format!("{} has no constraint `{name}`", m.label())));
                }
                Ok(())
            }
            Operation::AlterUniqueTogether { model, sets } => {
                model_mut(state, app, model)?.unique_together = sets.clone();
                Ok(())
            }
            Operation::RunSql(_) | Operation::RunCode(_) => Ok(()),
        }
    }
}
