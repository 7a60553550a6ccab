//! The server's SSH host key: an ed25519 key generated on the first start (owner-only, 0600),
//! read on every later start, and its SHA-256 fingerprint — what the operator gives staff so
//! their SSH client can tell this server from an impostor.
//!
//! It lives beside the data directory, in `<data>-ssh/`, not inside it: the store's rewrite after
//! a depersonalisation replaces the data directory whole, which would silently change the host
//! key, and every SSH client would then warn of an impostor.

use std::io::Write;
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, HashAlg, PrivateKey};

/// The host key file's name in the data directory.
pub const FILE_NAME: &str = "ssh_host_ed25519_key";

/// Why the host key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    /// Reading or writing the file failed.
    #[error("host key {0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// The file is not an OpenSSH private key.
    #[error("host key {0}: {1}")]
    Format(PathBuf, russh::keys::ssh_key::Error),
}

/// Where the host key lives for a data directory: `<data>-ssh/ssh_host_ed25519_key`.
pub fn path_for(data_dir: &Path) -> PathBuf {
    let mut dir = data_dir.as_os_str().to_os_string();
    dir.push("-ssh");
    PathBuf::from(dir).join(FILE_NAME)
}

/// The key in the file `path`, generated and written (0600, in a 0700 folder) when there is
/// none yet.
pub fn load_or_create(path: &Path) -> Result<PrivateKey, HostKeyError> {
    let path = path.to_path_buf();
    let io = |e| HostKeyError::Io(path.clone(), e);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            PrivateKey::from_openssh(&text).map_err(|e| HostKeyError::Format(path.clone(), e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = PrivateKey::random(&mut rand_core_rng(), Algorithm::Ed25519)
                .map_err(|e| HostKeyError::Format(path.clone(), e))?;
            let text = key
                .to_openssh(LineEnding::LF)
                .map_err(|e| HostKeyError::Format(path.clone(), e))?;
            if let Some(dir) = path.parent() {
                create_private_dir(dir).map_err(io)?;
            }
            write_private(&path, text.as_bytes()).map_err(io)?;
            tracing::info!(path = %path.display(), "generated the SSH host key");
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

/// The key's public fingerprint as OpenSSH prints it (`SHA256:…`).
pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}

/// Writes a new file readable by its owner only: created with mode 0600, never widened later.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `dir` (and its parents) readable by its owner only.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// The operating system's random numbers, as the key generator wants them.
fn rand_core_rng() -> russh::keys::ssh_key::rand_core::OsRng {
    russh::keys::ssh_key::rand_core::OsRng
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_owner_only_and_read_back_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("store");
        let path = path_for(&data);
        assert_eq!(path, dir.path().join("store-ssh").join(FILE_NAME));
        let first = load_or_create(&path).expect("created");
        let again = load_or_create(&path).expect("read");
        assert_eq!(fingerprint(&first), fingerprint(&again));
        assert!(fingerprint(&first).starts_with("SHA256:"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
