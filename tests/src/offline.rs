//! Looking at a store while no server holds it: the integrity check after a crash, and restoring
//! an online backup into a fresh directory.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use infogroups_server::db::Db;
use infogroups_server::integrity::{self, Report};
use infogroups_server::store::{SledStore, Store};
use infogroups_server::{Clock, backup};

/// Opens the store in `dir` (as a restarting server would) and checks its integrity.
pub fn check_store(dir: &Path) -> Result<Report> {
    let store = SledStore::open(dir).with_context(|| format!("opening {}", dir.display()))?;
    integrity::check(&store).with_context(|| format!("the store in {} is unsound", dir.display()))
}

/// Restores `file` into the empty directory `into` the way `admin restore` does, checks the
/// result's integrity, and opens it for reading. Close the `Db` when done.
pub fn restore_and_check(file: &Path, into: &Path) -> Result<(Report, Db)> {
    let store = Arc::new(SledStore::open(into)?);
    backup::restore_store(store.as_ref(), file, &crate::server::test_backup_key())
        .with_context(|| format!("restoring {}", file.display()))?;
    let report = integrity::check(store.as_ref() as &dyn Store)
        .with_context(|| format!("the store restored from {} is unsound", file.display()))?;
    let db = Db::open(store, Clock::system(), &into.display().to_string())?;
    Ok((report, db))
}
