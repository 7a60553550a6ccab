//! Signing in: the login screen.

pub mod screen;
