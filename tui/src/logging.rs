//! Logs go to a file, never to the terminal (it belongs to the interface). The filter comes from
//! `RUST_LOG` or its alias `INFOGROUPS_LOG` (e.g. `debug`), default `info`, as for the server.
//! The file is rotated by size: at [`MAX_BYTES`] it becomes `infogroups.log.1` and the oldest of
//! [`KEEP`] old files goes, so a client left running for months never fills a disk. Nothing logs
//! tokens or passwords.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};

/// The size at which the log file is rotated.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// Rotated files kept beside the current one.
pub const KEEP: usize = 3;

/// The default log file: `~/.local/state/infogroups/infogroups.log` on Linux (the cache directory
/// elsewhere).
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("ru", "novoshakhtinsk", "infogroups")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("infogroups.log"))
}

/// The log file writer: appends to `path`, rotating at `max_bytes` and keeping `keep` old files.
pub fn rotating(path: &Path, max_bytes: usize, keep: usize) -> FileRotate<AppendCount> {
    FileRotate::new(
        path,
        AppendCount::new(keep),
        ContentLimit::BytesSurpassed(max_bytes),
        Compression::None,
        None,
    )
}

/// Starts logging to `path` (appending). Without a usable file, nothing is logged — the client
/// still works.
pub fn init(path: Option<&Path>) -> Option<PathBuf> {
    let path = path.map(Path::to_path_buf).or_else(default_path)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok()?;
    }
    // Opening here first tells an unusable path before the rotating writer is built.
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = infogroups_server::logging::env_filter(
        "info,h2=warn,hyper=warn,tower=warn,sled=warn,tonic=warn",
    );
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        // A failed write (disk full) must not be reported on stderr: that is the interface.
        .log_internal_errors(false)
        .with_writer(Mutex::new(rotating(&path, MAX_BYTES, KEEP)))
        .try_init()
        .ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_log_rotates_by_size_and_keeps_a_bounded_number_of_files() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("infogroups.log");
        let mut log = rotating(&path, 1000, 2);
        let line = [b'x'; 99];
        for _ in 0..100 {
            log.write_all(&line)?;
            log.write_all(b"\n")?;
        }
        log.flush()?;
        let mut names: Vec<String> = std::fs::read_dir(dir.path())?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["infogroups.log", "infogroups.log.1", "infogroups.log.2"]
        );
        for name in &names {
            let len = std::fs::metadata(dir.path().join(name))?.len();
            assert!(len <= 1100, "{name} has {len} bytes");
        }
        Ok(())
    }
}
