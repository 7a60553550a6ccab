//! The popup that shows a one-time download link the server made (`ShareExport`,
//! `ShareCalendarFile`): the link as plain text to read or select, the file and until when the
//! link works, in the city's time; a key copies the link to the clipboard of the computer the
//! terminal runs on.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;

use super::popup::InfoPopup;
use super::{Component, Ctx, Outbox};
use crate::keymap::Command;
use crate::msg::{Cmd, Msg};
use crate::strings::link::L;

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

impl Component for LinkPopup {
    fn commands(&self, _ctx: &Ctx<'_>) -> Vec<Command> {
        vec![
            Command::CopyLink,
            Command::Cancel,
            Command::Help,
            Command::Quit,
        ]
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        match command {
            Command::Cancel => crate::strings::work::W::Close.get(lang),
            other => crate::strings::command_short(lang, other),
        }
    }

    fn on_command(&mut self, command: Command, _ctx: &Ctx<'_>, out: &mut Outbox) {
        match command {
            Command::CopyLink => out.run(Cmd::CopyToClipboard(self.url.clone())),
            Command::Cancel => out.send(Msg::ClosePopup),
            Command::Help => out.send(Msg::ShowHelp),
            Command::Quit => out.send(Msg::Quit),
            _ => {}
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
