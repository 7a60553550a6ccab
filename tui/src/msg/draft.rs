//! A draft: what a changed, unsent form held, kept on disk so a crash or a dropped connection
//! loses nothing — plain data the app makes, the disk store keeps and the next login offers.

use serde::{Deserialize, Serialize};

/// How much of a draft's text the offer shows.
const GIST_CHARS: usize = 40;

/// What one field held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftValue {
    /// The request field it fills (the field's name in its form).
    pub name: String,
    /// The text typed.
    pub text: String,
    /// The option chosen, for a choice.
    pub choice: usize,
    /// The keys ticked, for a checklist.
    #[serde(default)]
    pub picked: Vec<String>,
}

/// A changed form, enough to open the same form again with the same values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Which form it is (the name its feature gives it).
    pub kind: String,
    /// The form's own data (the record it is about, the choices it offered), as the form keeps it.
    pub spec: serde_json::Value,
    /// The form's title, to name it in the offer.
    pub title: String,
    /// What the form is about.
    pub summary: Vec<String>,
    /// What its fields held.
    pub values: Vec<DraftValue>,
}

impl Draft {
    /// What the draft is, in a few words for the offer: its title, what it is about, and the
    /// start of its longest text (the one that took the work).
    pub fn gist(&self) -> String {
        let mut gist = format!("«{}»", self.title);
        if let Some(about) = self.summary.first().filter(|s| !s.trim().is_empty()) {
            gist = format!("{gist} ({})", about.trim());
        }
        let longest = self
            .values
            .iter()
            .map(|v| v.text.trim())
            .max_by_key(|t| t.chars().count())
            .filter(|t| !t.is_empty())
            .map(|t| t.lines().next().unwrap_or_default());
        if let Some(t) = longest {
            let short: String = t.chars().take(GIST_CHARS).collect();
            let more = if t.chars().count() > GIST_CHARS {
                "…"
            } else {
                ""
            };
            gist = format!("{gist}: «{short}{more}»");
        }
        gist
    }
}

/// What was last written to disk, and when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeptDraft {
    /// The draft on disk for this session, as last written.
    pub draft: Option<Draft>,
    /// When it was written, local UTC ms.
    pub written_ms: i64,
}
