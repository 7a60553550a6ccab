//! The user's notifications.

pub mod records;
