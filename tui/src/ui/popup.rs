//! Popups over a screen, on a stack: the help overlay and the step forms (report, return, accept).
//! The top one gets every key; Esc closes it.

use crossterm::event::KeyEvent;
use infogroups_shared::names::Lang;
use tonic::Code;

pub use crate::ui::info_popup::InfoPopup;

use crate::keymap::Command;
use crate::msg::error::RpcError;
use crate::msg::step::Action;
use crate::msg::{Cmd, Msg};
use crate::strings;
use crate::strings::Text;
use crate::ui::form_engine::{Closing, FormPopup};
use crate::ui::link_popup::LinkPopup;
use crate::ui::text_area::TextBox;
use crate::ui::{Component, Ctx, Outbox};

/// A popup.
#[derive(Debug, Clone)]
pub enum Popup {
    /// The keys of the screen underneath.
    Help(HelpPopup),
    /// A step on an assignment: a text form or a confirmation.
    Step(StepPopup),
    /// Any other form or confirmation.
    Form(Box<FormPopup>),
    /// Something to read, e.g. an applicant's personal data.
    Info(InfoPopup),
    /// A one-time download link, with a key to copy it.
    Link(LinkPopup),
}

impl Popup {
    fn inner(&mut self) -> &mut dyn Component {
        match self {
            Popup::Help(h) => h,
            Popup::Step(s) => s,
            Popup::Form(f) => f.as_mut(),
            Popup::Info(i) => i,
            Popup::Link(l) => l,
        }
    }

    fn inner_ref(&self) -> &dyn Component {
        match self {
            Popup::Help(h) => h,
            Popup::Step(s) => s,
            Popup::Form(f) => f.as_ref(),
            Popup::Info(i) => i,
            Popup::Link(l) => l,
        }
    }
}

impl Component for Popup {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        self.inner_ref().commands(ctx)
    }

    fn help_commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        self.inner_ref().help_commands(ctx)
    }

    fn typing(&self) -> bool {
        self.inner_ref().typing()
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        self.inner().on_command(command, ctx, out);
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        self.inner_ref().describe(command, lang)
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        self.inner_ref().label(command, lang)
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, out: &mut Outbox) -> bool {
        self.inner().on_text_key(key, ctx, out)
    }

    fn on_paste(&mut self, text: &str, ctx: &Ctx<'_>, out: &mut Outbox) -> bool {
        self.inner().on_paste(text, ctx, out)
    }
}

/// The help overlay: every key of the screen it was opened over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpPopup {
    /// "Клавиши — Поручения".
    pub title: String,
    /// (keys, what they do).
    pub entries: Vec<(String, &'static str)>,
    /// The first entry shown.
    pub scroll: usize,
}

impl Component for HelpPopup {
    fn commands(&self, _ctx: &Ctx<'_>) -> Vec<Command> {
        vec![
            Command::Cancel,
            Command::Help,
            Command::Up,
            Command::Down,
            Command::Quit,
        ]
    }

    fn on_command(&mut self, command: Command, _ctx: &Ctx<'_>, out: &mut Outbox) {
        match command {
            Command::Cancel | Command::Help => out.send(Msg::ClosePopup),
            Command::Up => self.scroll = self.scroll.saturating_sub(1),
            Command::Down => {
                self.scroll = (self.scroll + 1).min(self.entries.len().saturating_sub(1));
            }
            Command::Quit => out.send(Msg::Quit),
            _ => {}
        }
    }
}

/// An error shown in a step form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// Under the text field (a field error) rather than under the form.
    pub under_field: bool,
    /// What is wrong.
    pub text: String,
}

/// A step on one assignment: report or return (with a text) or accept (a confirmation).
#[derive(Debug, Clone)]
pub struct StepPopup {
    /// The step.
    pub action: Action,
    /// The assignment.
    pub assignment_id: u64,
    /// Its number, for the title.
    pub number: String,
    /// The version the user saw when opening the form.
    pub expected_version: u64,
    /// The report or reason (unused for accept): several lines (boxed: the editor with its
    /// undo history is large).
    pub input: Box<TextBox>,
    /// The last error.
    pub error: Option<FormError>,
    /// The call is in flight.
    pub pending: bool,
    /// Closing with a text typed was asked for: the question is on screen.
    pub closing: Option<Closing>,
}

impl StepPopup {
    /// A form for `action` on the assignment `id` at `version`.
    pub fn new(action: Action, id: u64, number: &str, version: u64) -> Self {
        Self {
            action,
            assignment_id: id,
            number: number.to_string(),
            expected_version: version,
            input: Box::default(),
            error: None,
            pending: false,
            closing: None,
        }
    }

    /// The call failed: show why. A stale version takes the replica's current one, so the next
    /// Enter retries against what the user now sees.
    pub fn failed(&mut self, e: &RpcError, lang: Lang, server: &str, current_version: Option<u64>) {
        self.pending = false;
        if e.code == Code::Aborted
            && let Some(v) = current_version
        {
            self.expected_version = v;
        }
        self.error = Some(FormError {
            under_field: e.field.is_some(),
            text: e.message(lang, server),
        });
    }
}

impl StepPopup {
    /// Esc or Ctrl+C: with a text typed it asks first, otherwise closes at once.
    fn close(&mut self, how: Closing, out: &mut Outbox) {
        if !self.input.text().trim().is_empty() && !self.pending {
            self.closing = Some(how);
            return;
        }
        out.send(match how {
            Closing::Form => Msg::ClosePopup,
            Closing::Program => Msg::Quit,
        });
    }
}

impl Component for StepPopup {
    fn commands(&self, _ctx: &Ctx<'_>) -> Vec<Command> {
        if self.closing.is_some() {
            return vec![Command::Discard, Command::KeepEditing, Command::Help];
        }
        if self.action.needs_text() {
            // Enter starts a new line of the text; the form is sent with its own key.
            vec![
                Command::SubmitText,
                Command::Cancel,
                Command::Help,
                Command::Quit,
            ]
        } else {
            vec![Command::Submit, Command::Cancel, Command::Help]
        }
    }

    fn typing(&self) -> bool {
        self.action.needs_text() && self.closing.is_none()
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        match (command, self.action.needs_text()) {
            (Command::Submit, false) => Text::Yes.get(lang),
            (Command::Cancel, false) => Text::No.get(lang),
            (other, _) => strings::command(lang, other),
        }
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        match (command, self.action.needs_text()) {
            (Command::Submit, false) => Text::Yes.get(lang),
            (Command::Cancel, false) => Text::No.get(lang),
            (other, _) => strings::command_short(lang, other),
        }
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        if self.closing.is_some() {
            match command {
                Command::Discard => {
                    out.send(Msg::ClosePopup);
                    if self.closing.take() == Some(Closing::Program) {
                        out.send(Msg::Quit);
                    }
                }
                Command::KeepEditing => self.closing = None,
                Command::Help => out.send(Msg::ShowHelp),
                _ => {}
            }
            return;
        }
        match command {
            Command::Cancel if self.action.needs_text() => self.close(Closing::Form, out),
            Command::Quit if self.action.needs_text() => self.close(Closing::Program, out),
            Command::Cancel => out.send(Msg::ClosePopup),
            Command::Submit | Command::SubmitText if !self.pending => {
                let text = self.input.text().trim().to_string();
                if self.action.needs_text() && text.is_empty() {
                    // The same rule the server applies; no need to ask it.
                    self.error = Some(FormError {
                        under_field: true,
                        text: Text::Required.get(ctx.lang).into(),
                    });
                    return;
                }
                self.pending = true;
                self.error = None;
                out.run(Cmd::Step {
                    assignment_id: self.assignment_id,
                    expected_version: self.expected_version,
                    action: self.action,
                    text,
                });
            }
            Command::Help => out.send(Msg::ShowHelp),
            Command::Quit => out.send(Msg::Quit),
            _ => {}
        }
    }

    fn help_commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut c = self.commands(ctx);
        if self.action.needs_text() && self.closing.is_none() {
            c.extend(Command::EDITING);
            c.extend(Command::TEXT_EDITING);
        }
        c
    }

    fn on_paste(&mut self, text: &str, _ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        if !self.action.needs_text() {
            return false;
        }
        self.input.paste(text);
        true
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        let handled = self.input.handle_key_in(key, ctx.keymap);
        if handled && self.error.as_ref().is_some_and(|e| e.under_field) {
            self.error = None;
        }
        handled
    }
}
