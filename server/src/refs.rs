//! Checking that a request's references name records that exist *and* that the caller may see,
//! so a bad id is refused as an invalid field rather than written or answered with a vague "not
//! found" — and a record outside the caller's scope is refused exactly like a missing one.

use infogroups_shared::validate::FieldError;

use crate::db::Tx;
use crate::entity::Entity;
use crate::error::ApiResult;

fn no_such(field: &str) -> FieldError {
    FieldError::new(field, "такой записи нет", "no such record")
}

/// Refuses `id` (when non-zero) unless an entity of kind `E` has it.
pub fn exists<E: Entity>(tx: &Tx<'_>, field: &str, id: u64) -> ApiResult<()> {
    if id == 0 || tx.get::<E>(id)?.is_some() {
        return Ok(());
    }
    Err(no_such(field).into())
}

/// The entity `id` names (`None` for 0) when it exists and `in_scope` holds for it; otherwise
/// the same refusal whether it is missing or only out of the caller's scope.
pub fn in_scope<E: Entity>(
    tx: &Tx<'_>,
    field: &str,
    id: u64,
    in_scope: impl FnOnce(&E) -> bool,
) -> ApiResult<Option<E>> {
    if id == 0 {
        return Ok(None);
    }
    match tx.get::<E>(id)? {
        Some(e) if in_scope(&e) => Ok(Some(e)),
        _ => Err(no_such(field).into()),
    }
}
