//! Saving a server-rendered file: the form every list and record offers for it.

pub mod forms;
