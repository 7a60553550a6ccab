//! The information groups: the administrator's list and the group's form.

pub mod forms;
pub mod records;
