//! Checking that a request's references name records that exist, so a bad id is refused as an
//! invalid field rather than written or answered with a vague "not found".

use infogroups_shared::validate::FieldError;

use crate::db::Tx;
use crate::entity::Entity;
use crate::error::ApiResult;

/// Refuses `id` (when non-zero) unless an entity of kind `E` has it.
pub fn exists<E: Entity>(tx: &Tx<'_>, field: &str, id: u64) -> ApiResult<()> {
    if id == 0 || tx.get::<E>(id)?.is_some() {
        return Ok(());
    }
    Err(FieldError::new(field, "такой записи нет", "no such record").into())
}
