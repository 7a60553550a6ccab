//! The terminal and the event loop: raw mode in and out, the one reader of input, link escapes.

pub mod links;
pub mod runtime;
pub mod terminal;
