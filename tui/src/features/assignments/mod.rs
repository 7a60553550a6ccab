//! Assignments: the screen with its filter and detail, how urgent each one is, the steps a user
//! may take on one, and its forms.

pub mod actions;
pub mod detail;
pub mod forms;
pub mod screen;
pub mod urgency;
