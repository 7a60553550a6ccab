//! People: the group's composition, the administrator's accounts, and the account forms.

pub mod forms;
pub mod records;
