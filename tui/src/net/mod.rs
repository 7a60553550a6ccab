//! The network side: the connection to the server, every call run in one place, the watch
//! stream, the files kept on records, and saving the files the server sends.

pub mod calls;
pub mod connection;
pub mod drafts;
pub mod effects;
pub mod files;
pub mod saving;
pub mod sync;
