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
use crate::ui::draft_offer::DraftOffer;
use crate::ui::form_engine::{Closing, FormPopup, answer_closing};
use crate::ui::link_popup::LinkPopup;
use crate::ui::text_area::TextBox;
use crate::ui::{Component, Ctx, Outbox, text};

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
    /// The draft a previous session left, offered.
    Draft(DraftOffer),
}

impl Popup {
    fn inner(&mut self) -> &mut dyn Component {
        match self {
            Popup::Help(h) => h,
            Popup::Step(s) => s,
            Popup::Form(f) => f.as_mut(),
            Popup::Info(i) => i,
            Popup::Link(l) => l,
            Popup::Draft(d) => d,
        }
    }

    fn inner_ref(&self) -> &dyn Component {
        match self {
            Popup::Help(h) => h,
            Popup::Step(s) => s,
            Popup::Form(f) => f.as_ref(),
            Popup::Info(i) => i,
            Popup::Link(l) => l,
            Popup::Draft(d) => d,
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

/// The help's frame and what shows inside it at a terminal's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLayout {
    /// The frame's width and height.
    pub size: (u16, u16),
    /// The width of the keys column.
    pub keys: usize,
    /// Every line: the keys (on an entry's first line only) and the words of what they do.
    pub lines: Vec<(String, String)>,
    /// How many lines show at once.
    pub page: usize,
}

impl HelpPopup {
    /// Where the help goes on a terminal of `size`: as wide as it needs and the terminal allows,
    /// the descriptions wrapped to the room left beside the keys.
    pub fn layout(&self, size: (u16, u16)) -> HelpLayout {
        let keys = self
            .entries
            .iter()
            .map(|(k, _)| text::width(k))
            .max()
            .unwrap_or(0)
            .min(24);
        let desc = self
            .entries
            .iter()
            .map(|(_, d)| text::width(d))
            .max()
            .unwrap_or(0);
        let width = (keys + desc + 7)
            .max(text::width(&self.title) + 4)
            .min(usize::from(size.0));
        let room = width.saturating_sub(keys + 7).max(8);
        let mut lines = Vec::new();
        for (k, d) in &self.entries {
            for (i, part) in text::wrap(d, room).into_iter().enumerate() {
                let key = if i == 0 { k.clone() } else { String::new() };
                lines.push((key, part));
            }
        }
        let height = (lines.len() + 4).min(usize::from(size.1));
        HelpLayout {
            size: (text::cells(width), text::cells(height)),
            keys,
            page: height.saturating_sub(4).max(1),
            lines,
        }
    }

    fn scroll_by(&mut self, delta: isize, size: (u16, u16)) {
        let layout = self.layout(size);
        let last = layout.lines.len().saturating_sub(layout.page);
        self.scroll = self.scroll.saturating_add_signed(delta).min(last);
    }
}

impl Component for HelpPopup {
    fn commands(&self, _ctx: &Ctx<'_>) -> Vec<Command> {
        vec![
            Command::Cancel,
            Command::Help,
            Command::Up,
            Command::Down,
            Command::PageUp,
            Command::PageDown,
            Command::Home,
            Command::End,
            Command::Quit,
        ]
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        let page = isize::try_from(self.layout(ctx.size).page).unwrap_or(1);
        match command {
            Command::Cancel | Command::Help => out.send(Msg::ClosePopup),
            Command::Up => self.scroll_by(-1, ctx.size),
            Command::Down => self.scroll_by(1, ctx.size),
            Command::PageUp => self.scroll_by(-page, ctx.size),
            Command::PageDown => self.scroll_by(page, ctx.size),
            Command::Home => self.scroll = 0,
            Command::End => self.scroll_by(isize::MAX / 2, ctx.size),
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
        if answer_closing(&mut self.closing, command, out) {
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

#[cfg(test)]
mod tests {
    use super::HelpPopup;

    /// A help of `entries` keys, the first described by `desc`, the rest by «x».
    fn help(entries: usize, desc: &'static str) -> HelpPopup {
        HelpPopup {
            title: "Клавиши".to_string(),
            entries: (0..entries)
                .map(|i| (format!("k{i}"), if i == 0 { desc } else { "x" }))
                .collect(),
            scroll: 0,
        }
    }

    #[test]
    fn a_long_description_wraps_inside_the_terminal() {
        let long =
            "сохранить в файл (.pdf/.docx; отчёт и .xlsx/.csv) с отбором списка и его порядком";
        let fit = help(3, long).layout((40, 24));
        assert_eq!(fit.size.0, 40);
        assert!(fit.lines.len() > 3, "{:?}", fit.lines);
        assert!(
            fit.lines
                .iter()
                .all(|(_, d)| d.chars().count() <= 40 - 4 - 7)
        );
        assert_eq!(fit.lines[1].0, "", "a continuation has no keys");
    }

    #[test]
    fn a_long_help_scrolls_by_pages_and_stops_at_its_end() {
        let mut h = help(50, "x");
        let fit = h.layout((80, 24));
        assert_eq!(fit.size.1, 24);
        assert_eq!(fit.page, 20);
        h.scroll_by(20, (80, 24));
        assert_eq!(h.scroll, 20);
        h.scroll_by(100, (80, 24));
        assert_eq!(h.scroll, 30);
        h.scroll_by(-1, (80, 24));
        assert_eq!(h.scroll, 29);
    }
}
