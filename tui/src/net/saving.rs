//! Where the client saves the files it is given, and how: into one folder the user knows (the XDG
//! download folder unless configured), never over a file that is already there — a second save
//! of «Протокол № 3.pdf» becomes «Протокол № 3 (2).pdf» — and never as half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder files are saved into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloads {
    dir: PathBuf,
}

/// How many numbered names are tried before giving up (a folder holding a thousand copies of one
/// document is a folder someone should look at).
const MAX_COPIES: u32 = 1000;

impl Downloads {
    /// `configured` (the `--downloads` flag or the config file), else the XDG download folder,
    /// else `~/Downloads`, else the working directory.
    pub fn resolve(configured: Option<&Path>) -> Self {
        let dir = configured
            .map(Path::to_path_buf)
            .or_else(|| {
                let user = directories::UserDirs::new()?;
                Some(
                    user.download_dir()
                        .map_or_else(|| user.home_dir().join("Downloads"), Path::to_path_buf),
                )
            })
            .unwrap_or_else(|| PathBuf::from("."));
        Self {
            dir: std::path::absolute(&dir).unwrap_or(dir),
        }
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Saves `content` as `name` (relative names go into the folder) under the first free name,
    /// and returns the full path it got. The folder is created when missing.
    pub fn save_new(&self, name: &Path, content: &[u8]) -> std::io::Result<PathBuf> {
        let wanted = self.dir.join(name);
        let parent = wanted.parent().unwrap_or(&self.dir).to_path_buf();
        std::fs::create_dir_all(&parent)?;
        let stem = wanted
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = wanted
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        // Written whole under a hidden name first, then linked under the free name: linking
        // fails when the name is taken, so no other file is ever replaced, even by a race.
        let part = parent.join(format!(".{stem}{ext}.{}.part", std::process::id()));
        let mut file = std::fs::File::create(&part)?;
        let written = file.write_all(content).and_then(|()| file.sync_all());
        drop(file);
        let result = written.and_then(|()| link_free(&part, &parent, &stem, &ext));
        let _ = std::fs::remove_file(&part);
        result
    }
}

/// The longest file name kept, in bytes (file systems allow 255; a copy's « (2)» and the hidden
/// part file's suffix need room beside it).
const MAX_NAME_BYTES: usize = 200;

/// The server's name for a file made safe to save as one file in the folder: no folders of its
/// own (separators), no control or reserved characters, no leading dots (hidden, «..»), no
/// trailing dots or spaces, not over [`MAX_NAME_BYTES`] (the extension kept), never empty.
/// Letters of every alphabet, digits, «№» and dashes stay: the name is for people to read.
pub fn safe_name(server: &str) -> String {
    let cleaned: String = server
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let whole = cleaned.trim();
    let (stem, ext) = match whole.rsplit_once('.') {
        Some((stem, ext))
            if (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (stem, format!(".{ext}"))
        }
        _ => (whole, String::new()),
    };
    let stem = stem.trim_start_matches(['.', ' ']);
    let mut stem = stem.to_string();
    while stem.len() + ext.len() > MAX_NAME_BYTES {
        stem.pop();
    }
    let stem = stem.trim_end_matches(['.', ' ']);
    if stem.is_empty() {
        return format!("document{ext}");
    }
    format!("{stem}{ext}")
}

fn link_free(part: &Path, parent: &Path, stem: &str, ext: &str) -> std::io::Result<PathBuf> {
    for n in 1..=MAX_COPIES {
        let candidate = if n == 1 {
            parent.join(format!("{stem}{ext}"))
        } else {
            parent.join(format!("{stem} ({n}){ext}"))
        };
        match std::fs::hard_link(part, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            // A file system without hard links (a FAT stick): create the name exclusively.
            Err(_) => match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&candidate)
            {
                Ok(mut f) => {
                    std::io::copy(&mut std::fs::File::open(part)?, &mut f)?;
                    f.sync_all()?;
                    return Ok(candidate);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            },
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{MAX_COPIES} files named {stem}{ext} already"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_save_gets_a_numbered_name_and_the_first_file_stays() {
        let tmp = tempfile::tempdir().unwrap();
        let d = Downloads::resolve(Some(tmp.path()));
        let name = Path::new("Протокол № 3 — I квартал 2026.pdf");
        let first = d.save_new(name, b"first").unwrap();
        let second = d.save_new(name, b"second").unwrap();
        assert_eq!(first, tmp.path().join("Протокол № 3 — I квартал 2026.pdf"));
        assert_eq!(
            second,
            tmp.path().join("Протокол № 3 — I квартал 2026 (2).pdf")
        );
        assert_eq!(std::fs::read(&first).unwrap(), b"first");
        assert_eq!(std::fs::read(&second).unwrap(), b"second");
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "no part file is left behind: {left:?}");
    }

    #[test]
    fn a_missing_folder_is_created_and_an_absolute_name_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let d = Downloads::resolve(Some(&tmp.path().join("new/folder")));
        let saved = d.save_new(Path::new("a.csv"), b"x").unwrap();
        assert_eq!(saved, tmp.path().join("new/folder/a.csv"));
        let elsewhere = tmp.path().join("b.docx");
        assert_eq!(d.save_new(&elsewhere, b"y").unwrap(), elsewhere);
    }

    #[test]
    fn the_servers_name_is_kept_readable_and_made_safe() {
        assert_eq!(
            safe_name("protocol-3-2026-1.pdf"),
            "protocol-3-2026-1.pdf",
            "a name that is safe stays as it is"
        );
        assert_eq!(
            safe_name("Протокол № 3 — I квартал 2026.docx"),
            "Протокол № 3 — I квартал 2026.docx"
        );
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("a/b\\c.pdf"), "a_b_c.pdf");
        assert_eq!(safe_name(".hidden.csv"), "hidden.csv");
        assert_eq!(safe_name("what?\u{7}.xlsx "), "what__.xlsx");
        assert_eq!(safe_name("report. . "), "report");
        assert_eq!(safe_name(""), "document");
        assert_eq!(safe_name(".pdf"), "document.pdf");
        let long = format!("{}.pdf", "я".repeat(300));
        let cut = safe_name(&long);
        assert!(
            cut.len() <= MAX_NAME_BYTES && cut.ends_with("я.pdf"),
            "{cut}"
        );
        let tmp = tempfile::tempdir().unwrap();
        let d = Downloads::resolve(Some(tmp.path()));
        let saved = d.save_new(Path::new(&safe_name("../x.pdf")), b"1").unwrap();
        assert_eq!(saved.parent(), Some(tmp.path()), "never outside the folder");
    }

    #[test]
    fn a_name_without_an_extension_is_numbered_too() {
        let tmp = tempfile::tempdir().unwrap();
        let d = Downloads::resolve(Some(tmp.path()));
        d.save_new(Path::new("README"), b"1").unwrap();
        let second = d.save_new(Path::new("README"), b"2").unwrap();
        assert_eq!(second, tmp.path().join("README (2)"));
    }
}
