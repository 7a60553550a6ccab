//! The popup that shows a one-time download link the server made (`ShareExport`,
//! `ShareCalendarFile`): the link as plain text to read or select, the file and until when the
//! link works, in the city's time; a key copies the link to the clipboard of the computer the
//! terminal runs on.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;

use crate::keymap::Command;
use crate::msg::Cmd;
use crate::strings::link::L;
use crate::ui::info_popup::InfoPopup;
use crate::ui::{Component, Ctx, Outbox};

/// A download link on screen.
#[derive(Debug, Clone)]
pub struct LinkPopup {
    /// What is drawn.
    pub info: InfoPopup,
    /// The link, to copy.
    pub url: String,
}

impl LinkPopup {
    /// The popup for `shared`.
    pub fn new(shared: &pb::ShareResponse, lang: Lang) -> Self {
        Self {
            info: link_popup(shared, lang),
            url: shared.url.clone(),
        }
    }
}

/// Reads like any [`InfoPopup`], with one more key: copy the link.
impl Component for LinkPopup {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut c = vec![Command::CopyLink];
        c.extend(self.info.commands(ctx));
        c
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        self.info.label(command, lang)
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        match command {
            Command::CopyLink => out.run(Cmd::CopyToClipboard(self.url.clone())),
            other => self.info.on_command(other, ctx, out),
        }
    }
}

/// What the popup for `shared` shows.
pub fn link_popup(shared: &pb::ShareResponse, lang: Lang) -> InfoPopup {
    let until = chrono::DateTime::from_timestamp_millis(shared.expires_at_ms)
        .map(|t| {
            t.with_timezone(&infogroups_shared::city_time::offset())
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    InfoPopup {
        title: L::Title.get(lang).to_string(),
        lines: vec![
            (L::Link.get(lang).to_string(), shared.url.clone()),
            (L::File.get(lang).to_string(), shared.file_name.clone()),
            (L::ValidUntil.get(lang).to_string(), until),
            (
                L::HowToOpen.get(lang).to_string(),
                L::HowTo.get(lang).to_string(),
            ),
        ],
    }
}
