//! The offer of a draft a previous session left: what it is, and whether to open it with its
//! values, delete it, or ask again next time.

use infogroups_shared::names::Lang;

use crate::keymap::Command;
use crate::msg::Msg;
use crate::msg::draft::Draft;
use crate::strings;
use crate::ui::info_popup::InfoPopup;
use crate::ui::{Component, Ctx, Outbox};

/// A draft on offer.
#[derive(Debug, Clone)]
pub struct DraftOffer {
    /// What is drawn.
    pub info: InfoPopup,
    /// The draft.
    pub draft: Box<Draft>,
}

impl DraftOffer {
    /// The offer of `draft`.
    pub fn new(draft: Box<Draft>, lang: Lang) -> Self {
        let info = InfoPopup {
            title: strings::drafts::offer_title(lang).to_string(),
            lines: vec![(
                strings::drafts::offer_label(lang).to_string(),
                format!(
                    "{} — {}",
                    draft.gist(),
                    strings::drafts::offer_question(lang)
                ),
            )],
        };
        Self { info, draft }
    }
}

impl Component for DraftOffer {
    fn commands(&self, _ctx: &Ctx<'_>) -> Vec<Command> {
        vec![
            Command::OpenDraft,
            Command::DropDraft,
            Command::Cancel,
            Command::Help,
        ]
    }

    fn on_command(&mut self, command: Command, _ctx: &Ctx<'_>, out: &mut Outbox) {
        match command {
            Command::OpenDraft => {
                out.send(Msg::ClosePopup);
                out.send(Msg::ReopenDraft(self.draft.clone()));
            }
            Command::DropDraft => {
                out.send(Msg::ClosePopup);
                out.send(Msg::DropDraft);
            }
            // Asked again at the next sign-in: the file stays.
            Command::Cancel => out.send(Msg::ClosePopup),
            Command::Help => out.send(Msg::ShowHelp),
            _ => {}
        }
    }
}
