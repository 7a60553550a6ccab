//! Keeping the draft of a changed form: after every update the form being filled (the topmost
//! form, even under its help) is compared with what was last kept, and written at most once a
//! second while typing — at once when the program ends or the connection drops. The draft goes
//! when the form does (sent, or dropped on purpose); a session that ends under it keeps it for
//! the next sign-in, which offers it.

use crate::app::state::{Screen, State};
use crate::features::drafts;
use crate::msg::draft::{Draft, KeptDraft};
use crate::msg::{Cmd, Link};
use crate::strings;
use crate::ui::draft_offer::DraftOffer;
use crate::ui::popup::{Popup, StepPopup};

/// The least time between two writes of a draft while the user types.
pub const DRAFT_EVERY_MS: i64 = 1_000;

/// The draft of the form being filled (a form, or a step's text), if it is changed and kept.
fn current(state: &State) -> Option<Draft> {
    state.popups.iter().rev().find_map(|p| match p {
        Popup::Form(f) => Some(f.draft()),
        Popup::Step(s) => Some(s.draft(state.lang)),
        _ => None,
    })?
}

/// Brings the draft on disk up to date with the form on screen.
pub(super) fn follow(state: &mut State) -> Vec<Cmd> {
    let Some(user) = state.session.as_ref().map(|s| s.username.clone()) else {
        // Signed out under the form (the session ended): the draft stays for the next sign-in.
        return Vec::new();
    };
    let now = current(state);
    if now == state.kept.draft {
        return Vec::new();
    }
    match now {
        Some(draft) => {
            let urgent = state.quit || matches!(state.link, Link::Reconnecting | Link::Offline);
            if !urgent && state.now_ms < state.kept.written_ms.saturating_add(DRAFT_EVERY_MS) {
                // The next tick comes back here and writes it.
                return Vec::new();
            }
            state.kept = KeptDraft {
                draft: Some(draft.clone()),
                written_ms: state.now_ms,
            };
            vec![Cmd::KeepDraft {
                user,
                draft: Box::new(draft),
            }]
        }
        None if matches!(state.screen, Screen::Work(_)) => {
            state.kept.draft = None;
            vec![Cmd::DropDraft { user }]
        }
        None => Vec::new(),
    }
}

/// The terminal went away (a dropped SSH connection, a closed window): what is being typed is
/// kept at once, since no tick will come to write it.
pub fn at_input_end(state: &mut State) -> Vec<Cmd> {
    state.quit = true;
    follow(state)
}

/// A draft was found at sign-in: it is offered over the workspace.
pub(super) fn found(state: &mut State, draft: Box<Draft>) {
    let lang = state.lang;
    state
        .popups
        .push(Popup::Draft(DraftOffer::new(draft, lang)));
}

/// The user opens the draft: its form comes back with its values.
pub(super) fn reopen(state: &mut State, draft: &Draft) {
    if let Some(step) = StepPopup::from_draft(draft) {
        state.kept.draft = step.draft(state.lang);
        state.popups.push(Popup::Step(step));
        return;
    }
    match drafts::reopen(draft, state.lang) {
        Some(form) => {
            // What is on disk is this draft: nothing to write until it changes.
            state.kept.draft = form.draft();
            state.popups.push(Popup::Form(Box::new(form)));
        }
        None => {
            tracing::warn!(kind = %draft.kind, "draft of an unknown form");
            state.flash(strings::drafts::cannot_reopen(state.lang).to_string(), true);
        }
    }
}
