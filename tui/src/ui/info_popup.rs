//! A popup to read: labelled lines, closed with Esc.

use infogroups_shared::names::Lang;

use crate::keymap::Command;
use crate::msg::Msg;
use crate::ui::{Component, Ctx, Outbox};

/// Something to read: labelled lines, closed with Esc. Personal data shown here is kept nowhere
/// else in the client and goes when the popup closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoPopup {
    /// The title.
    pub title: String,
    /// (label, value).
    pub lines: Vec<(String, String)>,
}

impl Component for InfoPopup {
    fn commands(&self, _ctx: &Ctx<'_>) -> Vec<Command> {
        vec![Command::Cancel, Command::Help, Command::Quit]
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        match command {
            Command::Cancel => crate::strings::work::W::Close.get(lang),
            other => crate::strings::command_short(lang, other),
        }
    }

    fn on_command(&mut self, command: Command, _ctx: &Ctx<'_>, out: &mut Outbox) {
        match command {
            Command::Cancel => out.send(Msg::ClosePopup),
            Command::Help => out.send(Msg::ShowHelp),
            Command::Quit => out.send(Msg::Quit),
            _ => {}
        }
    }
}
