//! The database side of operations: [`Operation::database_forwards`] and
//! [`Operation::database_backwards`], with the hints the schema editor needs.

use ormolu_core::compiler::Sql;

use super::Operation;
use crate::editor::{Editor, Hints, Step};
use crate::error::{Error, Result};
use crate::state::ProjectState;

impl Operation {
    /// Renames and fills the schema editor needs (`to`: the state after the operation).
    fn hints(&self, app: &str, to: &ProjectState) -> Hints {
        let mut h = Hints::default();
        match self {
            Operation::RenameModel { old_name, new_name } => {
                h.model_renames.push((app.into(), old_name.clone(), new_name.clone()))
            }
            Operation::RenameField { model, old_name, new_name } => {
                h.field_renames.push((app.into(), model.clone(), old_name.clone(), new_name.clone()))
            }
            Operation::AddField { model, field, fill: Some(fill) }
            | Operation::AlterField { model, field, fill: Some(fill) } => {
                let ty = to.get(app, model).and_then(|m| m.field_named(&field.name)).map(|f| f.ty).unwrap_or(field.ty);
                h.fills.push((app.into(), model.clone(), field.name.clone(), fill.resolve(ty)));
            }
            _ => {}
        }
        h
    }

    /// What to run to apply the operation (`from`: the state before it, `to`: after).
    pub fn database_forwards(
        &self,
        app: &str,
        ed: &Editor,
        from: &ProjectState,
        to: &ProjectState,
    ) -> Result<Vec<Step>> {
        match self {
            Operation::RunSql(r) => {
                Ok(r.forward.iter().map(|s| Step::Sql(Sql { sql: s.as_str().into(), params: Vec::new() })).collect())
            }
            Operation::RunCode(c) => {
                Ok(vec![Step::Code { f: c.forward, state: Box::new(from.clone()), description: c.description.clone() }])
            }
            Operation::AlterModelOptions { .. } => Ok(Vec::new()),
            _ => ed.sync(from, to, &self.hints(app, to)),
        }
    }

    /// What to run to undo the operation (`from`: the state after it, `to`: before).
    pub fn database_backwards(
        &self,
        app: &str,
        ed: &Editor,
        from: &ProjectState,
        to: &ProjectState,
    ) -> Result<Vec<Step>> {
        let irreversible =
            || Error::Unsupported(format!("operation `{}` in app `{app}` is not reversible", self.describe()));
        match self {
            Operation::RunSql(r) => {
                let back = r.backward.as_ref().ok_or_else(irreversible)?;
                Ok(back.iter().map(|s| Step::Sql(Sql { sql: s.as_str().into(), params: Vec::new() })).collect())
            }
            Operation::RunCode(c) => {
                let f = c.backward.ok_or_else(irreversible)?;
                Ok(vec![Step::Code { f, state: Box::new(from.clone()), description: c.description.clone() }])
            }
            Operation::AlterModelOptions { .. } => Ok(Vec::new()),
            _ => ed.sync(from, to, &self.hints(app, from).inverted()),
        }
    }
}
