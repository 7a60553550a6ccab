//! The report tabs: their parameters, the requests they make and the screen that shows the figures.

pub mod forms;
pub mod requests;
pub mod screen;
