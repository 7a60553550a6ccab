//! The drafts on disk: one file per user and server, readable by its owner only, written whole
//! (a new file renamed over the old) so a crash mid-write leaves the previous draft, not half a
//! file. A file that cannot be read as a draft is logged and left out, never shown.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::msg::draft::Draft;
use crate::net::saving::safe_name;

/// Why a draft could not be kept or read.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// The folder or the file could not be written or read.
    #[error("draft file {0}: {1}")]
    Io(String, std::io::Error),
    /// The file is not a draft (cut short, or written by something else).
    #[error("draft file {0} is not a draft: {1}")]
    Corrupt(String, serde_json::Error),
}

/// Where the drafts of one server's users are kept.
#[derive(Debug, Clone)]
pub struct DraftStore {
    dir: PathBuf,
    server: String,
}

impl DraftStore {
    /// The drafts of `server` in `configured` (an embedding's own folder, or the command line's),
    /// else the user's state folder (`~/.local/state/infogroups/drafts` on Linux), else the data
    /// folder; none when the system names no folder for the user.
    pub fn resolve(configured: Option<&Path>, server: &str) -> Option<Self> {
        let dir = match configured {
            Some(d) => d.to_path_buf(),
            None => {
                let dirs = directories::ProjectDirs::from("ru", "novoshakhtinsk", "infogroups")?;
                dirs.state_dir()
                    .unwrap_or_else(|| dirs.data_local_dir())
                    .join("drafts")
            }
        };
        Some(Self {
            dir,
            server: server.to_string(),
        })
    }

    /// The file of `user`'s draft: both names made safe for a file name, so no server address or
    /// login can point outside the folder.
    pub fn path(&self, user: &str) -> PathBuf {
        let server = safe_name(&self.server.replace(['/', ':'], "_"));
        self.dir
            .join(format!("{}.{}.draft.json", server, safe_name(user)))
    }

    /// Keeps `draft` as `user`'s, replacing the one before.
    pub fn save(&self, user: &str, draft: &Draft) -> Result<(), DraftError> {
        let path = self.path(user);
        let shown = || path.display().to_string();
        create_private_dir(&self.dir).map_err(|e| DraftError::Io(shown(), e))?;
        let text = serde_json::to_vec(draft).map_err(|e| DraftError::Corrupt(shown(), e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".draft")
            .tempfile_in(&self.dir)
            .map_err(|e| DraftError::Io(shown(), e))?;
        // A temporary file is created readable by its owner only; the rename keeps that.
        tmp.write_all(&text)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| DraftError::Io(shown(), e))?;
        tmp.persist(&path)
            .map_err(|e| DraftError::Io(shown(), e.error))?;
        Ok(())
    }

    /// `user`'s draft, if one is kept; a file that is no draft is logged and ignored.
    pub fn load(&self, user: &str) -> Option<Draft> {
        match self.read(user) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "draft ignored");
                None
            }
        }
    }

    fn read(&self, user: &str) -> Result<Option<Draft>, DraftError> {
        let path = self.path(user);
        let shown = || path.display().to_string();
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(DraftError::Io(shown(), e)),
        };
        serde_json::from_slice(&text)
            .map(Some)
            .map_err(|e| DraftError::Corrupt(shown(), e))
    }

    /// Removes `user`'s draft (sent or dropped); none kept is no error.
    pub fn remove(&self, user: &str) -> Result<(), DraftError> {
        let path = self.path(user);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(DraftError::Io(path.display().to_string(), e)),
        }
    }
}

/// Creates `dir` (and its parents) readable by its owner only: a draft may hold an applicant's
/// name and address.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::draft::DraftValue;

    fn draft() -> Draft {
        Draft {
            kind: "answer_appeal".into(),
            spec: serde_json::json!({"id": 7, "version": 3, "questions": 1}),
            title: "Ответ на обращение".into(),
            summary: vec!["№ 12".into()],
            values: vec![DraftValue {
                name: "answer".into(),
                text: "Первая строка\nвторая".into(),
                choice: 0,
                picked: Vec::new(),
            }],
        }
    }

    fn store(dir: &Path) -> DraftStore {
        DraftStore::resolve(Some(&dir.join("drafts")), "https://server:50051").expect("a folder")
    }

    #[test]
    fn a_draft_comes_back_as_it_was_kept_and_goes_when_removed() {
        let tmp = tempfile::tempdir().expect("tmp");
        let s = store(tmp.path());
        assert_eq!(s.load("ivanov"), None);
        s.save("ivanov", &draft()).expect("saved");
        assert_eq!(s.load("ivanov"), Some(draft()));
        // Another user of the same server has none.
        assert_eq!(s.load("petrov"), None);
        s.remove("ivanov").expect("removed");
        assert_eq!(s.load("ivanov"), None);
        s.remove("ivanov").expect("removing none is fine");
    }

    #[test]
    fn each_server_keeps_its_own_draft_and_names_stay_inside_the_folder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let a = store(tmp.path());
        let b = DraftStore::resolve(Some(&tmp.path().join("drafts")), "http://other:1").expect("b");
        a.save("ivanov", &draft()).expect("saved");
        assert_eq!(b.load("ivanov"), None);
        let odd = a.path("../../etc/passwd");
        assert_eq!(odd.parent(), Some(tmp.path().join("drafts").as_path()));
    }

    #[test]
    fn a_file_that_is_no_draft_is_ignored() {
        let tmp = tempfile::tempdir().expect("tmp");
        let s = store(tmp.path());
        s.save("ivanov", &draft()).expect("saved");
        // Cut short, as a crash in the middle of a write by something else would leave it.
        std::fs::write(s.path("ivanov"), b"{\"kind\": \"answer_ap").expect("written");
        assert!(matches!(s.read("ivanov"), Err(DraftError::Corrupt(..))));
        assert_eq!(s.load("ivanov"), None);
    }

    #[cfg(unix)]
    #[test]
    fn only_the_owner_can_read_a_draft() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tmp");
        let s = store(tmp.path());
        s.save("ivanov", &draft()).expect("saved");
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode(&s.path("ivanov")), 0o600);
        assert_eq!(mode(&tmp.path().join("drafts")), 0o700);
        // Saving again over the old file keeps it private.
        s.save("ivanov", &draft()).expect("saved again");
        assert_eq!(mode(&s.path("ivanov")), 0o600);
    }
}
