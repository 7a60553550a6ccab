//! The client's configuration file (TOML): the language and key bindings.
//!
//! ```toml
//! lang = "ru"            # or "en"
//! downloads = "~/Документы/Инфогруппы"   # where documents are saved
//! [keys]
//! quit = "q"             # one key
//! submit_report = ["r", "ctrl+r"]   # or several
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::keymap::{KeySpec, Keymap, KeymapError};

/// The file's contents; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `ru` or `en`.
    pub lang: Option<String>,
    /// The folder documents and exports are saved into; `~/` is the home folder.
    pub downloads: Option<String>,
    /// Command name → key(s).
    #[serde(default)]
    pub keys: BTreeMap<String, KeySpec>,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    /// The file is not valid TOML of our shape.
    #[error("invalid configuration file {0}: {1}")]
    Parse(String, toml::de::Error),
    /// A key binding is wrong.
    #[error("{0}: {1}")]
    Keys(String, KeymapError),
    /// The language is not one we have.
    #[error("{0}: lang must be \"ru\" or \"en\", not \"{1}\"")]
    Lang(String, String),
}

/// The default location: `~/.config/infogroups/tui.toml` on Linux.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("ru", "novoshakhtinsk", "infogroups")
        .map(|d| d.config_dir().join("tui.toml"))
}

/// A loaded configuration.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The language, if the file sets one.
    pub lang: Option<infogroups_shared::names::Lang>,
    /// The key bindings.
    pub keymap: Keymap,
    /// The folder to save into, if the file sets one.
    pub downloads: Option<PathBuf>,
}

/// Reads `path`; a missing default file is no error, a missing explicit one is.
pub fn load(path: Option<&Path>) -> Result<Loaded, ConfigError> {
    let (path, explicit) = match path {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (default_path(), false),
    };
    let Some(path) = path else {
        return Ok(defaults());
    };
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => return Ok(defaults()),
        Err(e) => return Err(ConfigError::Read(shown, e)),
    };
    parse(&text, &shown)
}

fn defaults() -> Loaded {
    Loaded {
        lang: None,
        keymap: Keymap::default(),
        downloads: None,
    }
}

/// Parses the text of a configuration file named `name` (for messages).
pub fn parse(text: &str, name: &str) -> Result<Loaded, ConfigError> {
    use infogroups_shared::names::Lang;
    let file: FileConfig =
        toml::from_str(text).map_err(|e| ConfigError::Parse(name.to_string(), e))?;
    let lang = match file.lang.as_deref() {
        None => None,
        Some("ru") => Some(Lang::Ru),
        Some("en") => Some(Lang::En),
        Some(other) => return Err(ConfigError::Lang(name.to_string(), other.to_string())),
    };
    let keymap =
        Keymap::with_overrides(&file.keys).map_err(|e| ConfigError::Keys(name.to_string(), e))?;
    let downloads = file.downloads.as_deref().map(home_relative);
    Ok(Loaded {
        lang,
        keymap,
        downloads,
    })
}

/// `~/x` as the home folder's `x`, as a shell would read it.
fn home_relative(path: &str) -> PathBuf {
    match (
        path.strip_prefix("~/"),
        directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()),
    ) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::Command;

    #[test]
    fn a_config_file_rebinds_keys_and_sets_the_language() {
        let loaded = parse(
            "lang = \"en\"\n[keys]\nquit = \"x\"\naccept = [\"a\", \"F6\"]\n",
            "t.toml",
        );
        let Ok(loaded) = loaded else {
            panic!("{loaded:?}");
        };
        assert_eq!(loaded.lang, Some(infogroups_shared::names::Lang::En));
        assert_eq!(loaded.keymap.describe(Command::Quit, false), "x");
        assert_eq!(loaded.keymap.describe(Command::Accept, false), "a, F6");
    }

    #[test]
    fn mistakes_are_reported_with_the_file_name() {
        for bad in [
            "[keys]\nqiut = \"x\"\n",
            "[keys]\nquit = \"hyper+x\"\n",
            "lang = \"de\"\n",
            "colour = true\n",
        ] {
            let e = parse(bad, "t.toml");
            assert!(
                e.as_ref().is_err_and(|e| e.to_string().contains("t.toml")),
                "{bad}: {e:?}"
            );
        }
        let missing = load(Some(Path::new("/nonexistent/infogroups.toml")));
        assert!(missing.is_err());
    }
}
