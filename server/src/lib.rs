//! The Infogroups server: a gRPC API over an embedded sled store, for the information groups of
//! the Novoshakhtinsk city administration.

pub mod accounts;
pub mod allocator;
pub mod attachments;
pub mod auth;
pub mod backup;
pub mod bootstrap;
pub mod classifier_store;
pub mod clock;
pub mod completions;
pub mod config;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod depersonalise;
pub mod documents;
pub mod downloads;
pub mod entity;
pub mod error;
pub mod files;
pub mod framing;
pub mod imports;
pub mod integrity;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod metrics_endpoint;
pub mod notify;
pub mod personal_data;
pub mod policy;
pub mod readiness;
pub mod refs;
pub mod reports;
pub mod schedule;
pub mod server;
pub mod services;
pub mod sessions;
pub mod settings;
pub mod signals;
pub mod ssh_keys;
pub mod store;
pub mod tls;

/// The version `--version` shows: the package's and the commit it was built from.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("INFOGROUPS_COMMIT"),
    ")"
);

pub use clock::Clock;
pub use config::Config;
pub use server::{LaunchError, Server, launch};
