//! The view log of personal data: who saw which citizen's data when.

pub mod screen;
