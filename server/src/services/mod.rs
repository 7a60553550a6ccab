//! One module per gRPC service. Each handler validates the request completely, checks the policy,
//! then writes through [`crate::db::Db::write`].

pub mod appeals;
pub mod assignments;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod directory;
pub mod exports;
pub mod groups;
pub mod maintenance;
pub mod meetings;
pub mod notifications;
pub mod reports;
pub mod sync;
pub mod users;

use std::sync::{Arc, RwLock};

use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::classifier::Index;

use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::db::Db;
use crate::sessions::{Streams, Throttle};

/// What every service holds.
#[derive(Clone)]
pub struct Ctx {
    /// The database.
    pub db: Db,
    /// Settings.
    pub config: Arc<Config>,
    /// Login throttling.
    pub throttle: Throttle,
    /// The watch streams of live sessions, ended with their session.
    pub streams: Streams,
    /// Cancelled when the server shuts down; every stream ends then.
    pub shutdown: CancellationToken,
    /// The production calendar: official years plus those an administrator entered.
    pub calendar: Arc<RwLock<ProductionCalendar>>,
    /// The topic classifier's search index and version label.
    pub classifier: Arc<RwLock<(Index, String)>>,
    /// The files waiting behind one-time download links.
    pub downloads: crate::downloads::Links,
}

/// Clamps a requested page size to 1..=1000, 100 by default.
pub fn page_size(requested: u32) -> usize {
    match requested {
        0 => 100,
        n => n.min(1000) as usize,
    }
}
