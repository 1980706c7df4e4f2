//! Whole statements, one file each:
//!
//! - `select`: SELECT of model rows or `values()` ([`SelectPlan`]), DISTINCT ON, FOR UPDATE.
//! - `combined`: UNION / INTERSECT / EXCEPT of several SELECTs.
//! - `related`: the fields a model SELECT loads (`only()` / `defer()`) and the models
//!   `select_related()` joins ([`RelatedSelect`]).
//! - `count`: `SELECT COUNT(*)` and the EXISTS probe.
//! - `writes`: UPDATE, DELETE, INSERT and bulk UPDATE ([`Assignment`]).

mod combined;
mod count;
mod related;
mod select;
mod writes;

pub use related::RelatedSelect;
pub use select::{pk_ordering, SelectPlan};
pub use writes::{bulk_update_sql, insert_rows_sql, insert_rows_text, insert_sql, insert_unnest_text, Assignment};

pub(crate) use select::SelectBody;

use super::Compiler;
use crate::error::{Error, Result};

impl Compiler<'_> {
    /// The WHERE clause of a statement that is not a SELECT (COUNT, EXISTS, UPDATE,
    /// DELETE): a condition on an aggregate (HAVING) is refused there.
    fn where_clause(&mut self) -> Result<String> {
        let (where_, having) = self.where_and_having()?;
        if !having.is_empty() {
            return Err(Error::Usage(
                "a condition on an aggregate annotation (HAVING) cannot be used here: only in a SELECT".into(),
            ));
        }
        Ok(where_)
    }
}
