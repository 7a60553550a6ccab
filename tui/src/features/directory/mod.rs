//! The administrator's directories (territories, venues, departments, outside organisations):
//! their lists and forms.

pub mod forms;
pub mod records;
