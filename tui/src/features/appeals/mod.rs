//! Written appeals (59-FZ) and personal reception cards: their lists and details, and their forms.

pub mod card_forms;
pub mod cards;
pub mod forms;
pub mod import;
pub mod records;
pub mod steps;
