//! The user's notifications, and which of them also come by mail.

pub mod mail;
pub mod records;
pub mod ssh_keys;
