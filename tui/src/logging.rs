//! Logs go to a file, never to the terminal (it belongs to the interface). The level comes from
//! `INFOGROUPS_LOG` (e.g. `debug`), default `info`. Nothing logs tokens or passwords.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The default log file: `~/.local/state/infogroups/infogroups.log` on Linux (the cache directory
/// elsewhere).
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("ru", "novoshakhtinsk", "infogroups")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("infogroups.log"))
}

/// Starts logging to `path` (appending). Without a usable file, nothing is logged — the client
/// still works.
pub fn init(path: Option<&Path>) -> Option<PathBuf> {
    let path = path.map(Path::to_path_buf).or_else(default_path)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok()?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = EnvFilter::try_from_env("INFOGROUPS_LOG").unwrap_or_else(|_| {
        EnvFilter::new("info,h2=warn,hyper=warn,tower=warn,sled=warn,tonic=warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        // A failed write (disk full) must not be reported on stderr: that is the interface.
        .log_internal_errors(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
