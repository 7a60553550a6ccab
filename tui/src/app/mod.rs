//! The application in the Elm style: one [`State`], messages ([`Msg`]) that change it through
//! [`update`], and commands ([`Cmd`]) for the outside world that come back as messages. No
//! network, no terminal, no clock in here — everything is testable as plain data. The state and
//! its small changes are in `state`; what answers and live events do to the replica, in `events`;
//! here, the loop that hands each message to the one that deals with it.

pub mod drafts;
mod events;
mod state;

use std::collections::VecDeque;

use crossterm::event::{KeyEvent, KeyEventKind};

use self::events::{on_call_done, on_login, on_step_done, on_sync};
pub use self::state::{BLINK_MS, Flash, Init, Screen, State};
use self::state::{QUIT_CONFIRM_MS, split};

use crate::features::workspace::screen::{Tab, Workspace};
use crate::keymap::{Command, KeyBinding};
use crate::msg::{Cmd, Msg, Target};
use crate::session::role_name;
use crate::strings;
use crate::strings::Text;
use crate::strings::work::W;
use crate::ui::popup::{HelpPopup, Popup};
use crate::ui::{Ask, Component, Ctx, Outbox};

/// Handles one message and everything it queues; returns the commands to run. Ends with the
/// state settled (rows recomputed), ready to draw.
pub fn update(state: &mut State, msg: Msg) -> Vec<Cmd> {
    update_all(state, [msg])
}

/// Handles a batch of messages (all that were queued before a frame), settling once at the end.
pub fn update_all(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Cmd> {
    let mut queue: VecDeque<Ask> = msgs.into_iter().map(Ask::Msg).collect();
    let mut cmds = Vec::new();
    while let Some(ask) = queue.pop_front() {
        match ask {
            Ask::Msg(msg) => {
                let mut out = Outbox::default();
                handle(state, msg, &mut out);
                queue.extend(out.asks);
                cmds.extend(out.cmds);
            }
            Ask::Open(popup) => state.popups.push(popup),
        }
    }
    cmds.extend(settle(state));
    cmds.extend(drafts::follow(state));
    cmds
}

/// Brings derived data up to date (the active tab's rows; a report tab's figures asked for)
/// after changes.
fn settle(state: &mut State) -> Vec<Cmd> {
    let mut out = Outbox::default();
    let (ctx, screen, _) = split(state);
    if let Screen::Work(w) = screen {
        w.settle(&ctx, &mut out);
    }
    out.cmds
}

fn handle(state: &mut State, msg: Msg, out: &mut Outbox) {
    match msg {
        Msg::Key(key) => on_key(state, &key, out),
        Msg::Paste(text) => on_paste(state, &text, out),
        Msg::Resize { width, height } => {
            state.size = (width, height);
            // Paging depends on the height; keep the selection in view.
            state.invalidate_rows();
        }
        Msg::Tick { now_ms } => {
            let day = state.today();
            state.now_ms = now_ms;
            if state.today() != day {
                state.invalidate_rows();
            }
            if state.flash.as_ref().is_some_and(|f| f.until_ms <= now_ms) {
                state.flash = None;
            }
        }
        Msg::LoginDone(result) => on_login(state, result, out),
        Msg::Sync { generation, event } if generation == state.generation => {
            on_sync(state, event, out);
        }
        Msg::Sync { .. } => {}
        Msg::StepDone {
            assignment_id,
            action,
            result,
        } => on_step_done(state, assignment_id, action, result, out),
        Msg::CallDone { origin, result } => on_call_done(state, origin, result, out),
        Msg::ShowHelp => {
            let ctx = state.ctx();
            let focused = state.focused();
            let typing = focused.typing();
            let commands = focused.help_commands(&ctx);
            // The tab digits read as one entry: "1…5  go to a tab by its number".
            let last_tab = commands
                .iter()
                .rev()
                .find(|c| Command::TABS.contains(c))
                .copied();
            let entries = commands
                .into_iter()
                .filter(|c| *c == Command::Tab1 || !Command::TABS.contains(c))
                .map(|c| match (c, last_tab) {
                    (Command::Tab1, Some(last)) if last != Command::Tab1 => (
                        format!(
                            "{}…{}",
                            state
                                .keymap
                                .first(Command::Tab1, typing)
                                .unwrap_or_default(),
                            state.keymap.first(last, typing).unwrap_or_default()
                        ),
                        Text::GoToTab.get(state.lang),
                    ),
                    (Command::Tab1, _) => (
                        state.keymap.describe(c, typing),
                        Text::GoToTab.get(state.lang),
                    ),
                    _ => (
                        state.keymap.describe(c, typing),
                        focused.describe(c, state.lang),
                    ),
                })
                .filter(|(keys, _)| !keys.is_empty())
                .collect();
            let title = strings::help_title(state.lang, state.screen.title(state.lang));
            state.popups.push(Popup::Help(HelpPopup {
                title,
                entries,
                scroll: 0,
            }));
        }
        Msg::Show(target) => show(state, target),
        Msg::ClosePopup => {
            state.popups.pop();
        }
        Msg::SwitchRole => {
            if let Some(s) = state.session.as_mut().filter(|s| s.roles.len() > 1) {
                s.role_index = (s.role_index + 1) % s.roles.len();
                let name = role_name(state.lang, &state.replica, s.role());
                state.screen = Screen::Work(Workspace::for_role(s.role()));
                state.flash(strings::role_switched(state.lang, &name), false);
            }
        }
        Msg::Logout => {
            out.run(Cmd::StopSync);
            out.run(Cmd::Logout);
            state.back_to_login(None);
        }
        Msg::Quit if state.quitting_loses() && state.now_ms > state.quit_armed_until_ms => {
            state.quit_armed_until_ms = state.now_ms.saturating_add(QUIT_CONFIRM_MS);
            let text = if state.demo.is_empty() {
                Text::QuitAgainForm
            } else {
                Text::QuitAgainDemo
            };
            state.flash(text.get(state.lang).to_string(), true);
        }
        Msg::Quit => state.quit = true,
        Msg::ReportPeriod { kind, from, to } => {
            let (ctx, screen, _) = split(state);
            if let Screen::Work(w) = screen
                && let Some(r) = w.report_mut(kind)
            {
                r.show_days(from, to, &ctx, out);
            }
        }
        Msg::DraftFound(draft) => drafts::found(state, draft),
        Msg::ReopenDraft(draft) => drafts::reopen(state, &draft),
        Msg::DropDraft => {
            if let Some(s) = &state.session {
                out.run(Cmd::DropDraft {
                    user: s.username.clone(),
                });
            }
        }
    }
}

/// Switches to the first assignments tab whose list holds assignment `id` and opens its card;
/// says so when none does (the role sees it nowhere).
fn show(state: &mut State, target: Target) {
    let (ctx, screen, _) = split(state);
    let found = match screen {
        Screen::Work(w) => {
            let at = match target {
                Target::Assignment(id) => {
                    let a = ctx.replica.assignments.get(id);
                    let at = w.tabs.iter().position(|t| {
                        matches!(t, Tab::Assignments(s)
                            if a.as_ref().is_some_and(|a| s.scope.includes(a, &ctx.actor(), ctx.today, ctx.calendar)))
                    });
                    if let Some(Tab::Assignments(s)) = at.and_then(|i| w.tabs.get_mut(i)) {
                        s.show(id, &ctx);
                    }
                    at
                }
                Target::Meeting(id) | Target::Appeal(id) => {
                    w.tabs.iter_mut().position(|t| match t {
                        Tab::Records(s) => s.source.holds(target) && s.show(id, &ctx),
                        _ => false,
                    })
                }
            };
            if let Some(i) = at {
                w.active = i;
            }
            at.is_some()
        }
        Screen::Login(_) => true,
    };
    if !found {
        let text = W::NotInThisRole.get(state.lang).to_string();
        state.flash(text, true);
    }
}

/// Pasted text goes to the focused field of the top popup, or of the screen when none is open.
fn on_paste(state: &mut State, text: &str, out: &mut Outbox) {
    let (ctx, screen, popups) = split(state);
    match popups.last_mut() {
        Some(p) => p.on_paste(text, &ctx, out),
        None => screen.component().on_paste(text, &ctx, out),
    };
}

fn on_key(state: &mut State, key: &KeyEvent, out: &mut Outbox) {
    // Some terminals report releases too; a key acts once.
    if key.kind == KeyEventKind::Release {
        return;
    }
    let (ctx, screen, popups) = split(state);
    let handled = match popups.last_mut() {
        Some(p) => p.handle_key(key, &ctx, out),
        None => screen.component().handle_key(key, &ctx, out),
    };
    if handled {
        return;
    }
    // Ctrl+C leaves from anywhere, even where a popup does not list it.
    if ctx.keymap.command(key, &[Command::Quit], true).is_some() {
        out.send(Msg::Quit);
        return;
    }
    let here: &dyn Component = match popups.last() {
        Some(p) => p,
        None => screen.component_ref(),
    };
    let Some(text) = not_here(key, here, &ctx) else {
        return;
    };
    state.flash(text, true);
}

/// What to say when `key` means a command that does not apply where it was pressed: the
/// command and why, where a reason is known; nothing for a key bound to no command (or one
/// typed into a field).
fn not_here(key: &KeyEvent, here: &dyn Component, ctx: &Ctx<'_>) -> Option<String> {
    if here.typing() {
        return None;
    }
    let bound: Vec<Command> = Command::ALL
        .iter()
        .copied()
        .filter(|c| ctx.keymap.command(key, &[*c], false).is_some())
        .collect();
    if bound.is_empty() {
        return None;
    }
    let reason = bound
        .iter()
        .find_map(|c| Some((strings::command_short(ctx.lang, *c), here.why_not(*c, ctx)?)));
    Some(strings::key_not_here(
        ctx.lang,
        &KeyBinding::of(key).to_string(),
        reason.as_ref().map(|(c, why)| (*c, why.as_str())),
    ))
}
