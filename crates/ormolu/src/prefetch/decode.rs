//! Model rows decoded with their `select_related()` objects (by the registry of derived
//! types), for prefetched levels and for the QuerySet's own rows.

use ormolu_core::compiler::SelectPlan;
use ormolu_core::row::RawRow;
use ormolu_core::{Error, Result};

use crate::erased::{model_type_of, AnyModel, ModelType};

/// The registered types of a plan's `select_related()` models.
pub(crate) fn related_types(plan: &SelectPlan) -> Result<Vec<&'static ModelType>> {
    plan.related.iter().map(|r| model_type_of(r.model)).collect()
}

/// Builds the `select_related()` objects of one row and stores them in `obj` and in
/// each other, deepest first, so `item.order.get()?.user.get()` is set. A NULL
/// primary key (a LEFT OUTER JOIN of a NULL foreign key) is no object.
pub(crate) fn attach_related(
    obj: &mut dyn AnyModel,
    plan: &SelectPlan,
    types: &[&'static ModelType],
    row: &mut dyn RawRow,
) -> Result<()> {
    let related = &plan.related;
    let mut built: Vec<Option<Box<dyn AnyModel>>> = Vec::with_capacity(related.len());
    for (r, ty) in related.iter().zip(types) {
        let pk = r.offset + r.pk_cell;
        if pk >= row.len() || row.cell(pk)?.is_null() {
            built.push(None);
            continue;
        }
        built.push(Some((ty.decode_row)(&r.fields, row, r.offset)?));
    }
    for i in (0..related.len()).rev() {
        let Some(o) = built[i].take() else { continue };
        let r = &related[i];
        let parent: &mut dyn AnyModel = match r.parent {
            None => &mut *obj,
            Some(p) => match built[p].as_mut() {
                Some(b) => &mut **b,
                None => continue,
            },
        };
        let name = parent.model_meta().name;
        let slot = parent.slot(r.field).ok_or_else(|| {
            Error::Usage(format!("select_related('{}'): {name} has no relation field '{}' to hold it", r.path, r.field))
        })?;
        slot.store(vec![o])?;
    }
    Ok(())
}
