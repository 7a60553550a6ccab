//! The server's files on disk: who may read them, and rewriting the store so that versions a
//! depersonalisation redacted leave the disk.
//!
//! The data directory holds every citizen's personal data, and the README's SSH setup puts all
//! staff on the server's host: the directory is 0700 and its files 0600, created so (the server
//! runs with umask 077) and fixed, with a warning, when an existing one is looser.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::depersonalise::COMPACT_DUE;
use crate::store::{CHECKPOINT_BYTES, SledStore, Store, StoreError};

/// Makes every file the process creates from now on private to its owner. Process-wide: the
/// server writes nothing that others should read.
pub fn private_umask() {
    // SAFETY: umask only swaps the process's file-mode mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` 0700, or tightens it and everything in it: directories to 0700, files to 0600.
/// Returns how many entries were looser than that (each was logged).
pub fn secure_dir(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut fixed = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            continue;
        }
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:o}"),
                "the store was readable by other accounts; made private"
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(want))?;
            fixed += 1;
        }
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                todo.push(entry?.path());
            }
        }
    }
    Ok(fixed)
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Finishes or undoes a rewrite a crash interrupted: with the old directory already moved aside
/// the new one is complete and takes its place; otherwise a half-written new one is dropped.
fn recover(dir: &Path) -> std::io::Result<()> {
    let new = sibling(dir, ".compacting");
    let old = sibling(dir, ".superseded");
    if !dir.exists() && new.exists() {
        std::fs::rename(&new, dir)?;
    }
    if new.exists() {
        std::fs::remove_dir_all(&new)?;
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// Opens the store in `dir`; when a depersonalisation marked it, first rewrites it into a fresh
/// directory holding only the current value of every key and swaps that in: the old files, with
/// the versions sled and the archive segments still held, are deleted. Run before the store
/// serves (so at the next start after a depersonalisation). sled's page cache holds `cache_bytes`.
pub fn open_store(dir: &Path, cache_bytes: u64) -> Result<SledStore, StoreError> {
    recover(dir)?;
    let store = SledStore::open_with(dir, CHECKPOINT_BYTES, cache_bytes)?;
    if store.get(COMPACT_DUE)?.is_none() {
        return Ok(store);
    }
    let new = sibling(dir, ".compacting");
    {
        let to = SledStore::open(&new)?;
        let mut batch = Vec::new();
        let mut entries = 0u64;
        store.for_each(&mut |k, v| {
            if k != COMPACT_DUE {
                batch.push((k.to_vec(), Some(v.to_vec())));
                entries += 1;
            }
            if batch.len() >= 4096 {
                // Flushed as it goes: the write-ahead log then holds one batch at a time and
                // checkpoints into the new store, instead of staging the whole store in memory.
                to.apply(std::mem::take(&mut batch))?;
                to.flush()?;
            }
            Ok(())
        })?;
        to.apply(batch)?;
        to.flush()?;
        tracing::info!(
            entries,
            "store rewritten without the versions a depersonalisation redacted"
        );
    }
    drop(store);
    let old = sibling(dir, ".superseded");
    std::fs::rename(dir, &old)?;
    std::fs::rename(&new, dir)?;
    std::fs::remove_dir_all(&old)?;
    reopen(dir, cache_bytes)
}

/// Opens a store that was closed a moment ago: sled's background threads let go of its lock
/// shortly after the handle is dropped.
fn reopen(dir: &Path, cache_bytes: u64) -> Result<SledStore, StoreError> {
    let mut tries = 0;
    loop {
        match SledStore::open_with(dir, CHECKPOINT_BYTES, cache_bytes) {
            Err(StoreError::Locked(_)) if tries < 500 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loose_directory_is_made_private() -> std::io::Result<()> {
        let top = tempfile::tempdir()?;
        let dir = top.path().join("data");
        std::fs::create_dir(&dir)?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        let file = dir.join("db");
        std::fs::write(&file, b"x")?;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))?;
        assert_eq!(secure_dir(&dir)?, 2);
        let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode(&dir)?, 0o700);
        assert_eq!(mode(&file)?, 0o600);
        assert_eq!(secure_dir(&dir)?, 0, "nothing left to fix");
        Ok(())
    }

    #[test]
    fn a_marked_store_is_rewritten_with_only_current_values() -> Result<(), StoreError> {
        let top = tempfile::tempdir()?;
        let dir = top.path().join("data");
        {
            let s = SledStore::open(&dir)?;
            s.apply(vec![(b"k".to_vec(), Some("Кравченко".as_bytes().to_vec()))])?;
            s.flush()?;
            s.apply(vec![
                (b"k".to_vec(), Some(b"redacted".to_vec())),
                (COMPACT_DUE.to_vec(), Some(vec![1])),
            ])?;
            s.flush()?;
        }
        let s = open_store(&dir, crate::store::DEFAULT_CACHE_BYTES)?;
        assert_eq!(s.get(b"k")?, Some(b"redacted".to_vec()));
        assert_eq!(s.get(COMPACT_DUE)?, None);
        drop(s);
        let needle = "Кравченко".as_bytes();
        let mut todo = vec![dir.clone()];
        while let Some(p) = todo.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p)? {
                    todo.push(e?.path());
                }
            } else {
                let bytes = std::fs::read(&p)?;
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{} still holds the old value",
                    p.display()
                );
            }
        }
        Ok(())
    }
}
