//! Meetings: the lists the workspaces show, preparing a meeting, and the meeting's forms.

pub mod commands;
pub mod detail;
pub mod forms;
pub mod minimum;
pub mod prep;
pub mod records;
