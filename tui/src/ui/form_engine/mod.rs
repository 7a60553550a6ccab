//! The form engine: a popup of a few fields (or none — then it is a confirmation that shows
//! what is being done) driven by a [`FormSpec`] that names the fields and builds the call.
//! Fields are checked here where the rule is obvious and by the server otherwise; the server's
//! field errors appear under the field they name. The engine names no form: each lives with its
//! feature and implements [`FormSpec`].

mod drafted;
mod field;
pub mod kept;
mod spec;
mod values;

use crossterm::event::KeyEvent;
use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::{classifier, date_input};
use tonic::Code;

pub use field::{Field, FieldInput, FieldKind};
pub use spec::{CloneSpec, FormSpec, Target, kept_as};
pub use values::{
    choice_of, date_field, group_by_number, items, parse_date, picked_ids, request_id,
    set_meta_version, user_id, user_ids, value,
};

use crate::keymap::Command;
use crate::msg::call::{Call, Origin};
use crate::msg::error::RpcError;
use crate::msg::{Cmd, Msg};
use crate::strings;
use crate::strings::Text;
use crate::ui::{Component, Ctx, Outbox, person_match};

/// A form over the screen.
#[derive(Debug, Clone)]
pub struct FormPopup {
    /// The title.
    pub title: String,
    /// What the form is about (for a confirmation: exactly what is being confirmed).
    pub summary: Vec<String>,
    /// The fields; none for a confirmation.
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// What the form is: its fields and the call they make.
    pub spec: Box<dyn FormSpec>,
    /// The call is in flight.
    pub pending: bool,
    /// An error not about one field.
    pub error: Option<String>,
    /// A confirmation taller than the terminal: the first of its lines shown.
    pub summary_scroll: usize,
    /// What the fields held before the user's first change (none until then).
    baseline: Option<Vec<Held>>,
    /// Closing a changed form was asked for: the question is on screen.
    pub closing: Option<Closing>,
}

/// What a checked form does: a call to the server, or a message to this client.
enum Sent {
    /// The call, sent with the form waiting for its answer.
    Call(Box<Call>),
    /// The message, the form closed.
    Local(Msg),
}

/// What a field holds, to tell whether the form changed: its text, its choice, its ticks.
type Held = (String, usize, Vec<bool>);

/// What closing a changed form, once confirmed, does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Closes the form (Esc).
    Form,
    /// Leaves the program (Ctrl+C).
    Program,
}

/// Answers the question asked before dropping a changed form, while it is on screen: `y` closes
/// (and leaves the program when Ctrl+C asked), `n` goes back to the form. Returns whether the
/// question was on screen (and so took the key).
pub fn answer_closing(closing: &mut Option<Closing>, command: Command, out: &mut Outbox) -> bool {
    if closing.is_none() {
        return false;
    }
    match command {
        Command::Discard => {
            // Closed first, so leaving is not held up by the form it was asked over.
            out.send(Msg::ClosePopup);
            if closing.take() == Some(Closing::Program) {
                out.send(Msg::Quit);
            }
        }
        Command::KeepEditing => *closing = None,
        Command::Help => out.send(Msg::ShowHelp),
        _ => {}
    }
    true
}

/// A confirmation's text as drawn: wrapped to the popup's width, and how many lines of it fit on
/// a terminal of `size` — shared by drawing and by paging, so Enter knows whether all was shown.
pub fn confirmation_lines(summary: &[String], size: (u16, u16)) -> (Vec<String>, usize) {
    let width = usize::from(76u16.min(size.0).saturating_sub(4)).max(1);
    let lines = summary
        .iter()
        .flat_map(|s| crate::ui::text::wrap(s, width))
        .collect();
    // The hints and status lines the form leaves visible, its borders, the line saying more
    // follows, the blank line, an error and the keys.
    (lines, usize::from(size.1.saturating_sub(10)).max(1))
}

impl FormPopup {
    /// Lines of a confirmation not yet shown below the ones on screen.
    pub fn lines_below(&self, size: (u16, u16)) -> usize {
        if !self.is_confirmation() {
            return 0;
        }
        let (lines, room) = confirmation_lines(&self.summary, size);
        lines.len().saturating_sub(self.summary_scroll + room)
    }

    fn scroll_summary(&mut self, delta: isize, size: (u16, u16)) {
        let (lines, room) = confirmation_lines(&self.summary, size);
        let max = lines.len().saturating_sub(room);
        self.summary_scroll = self.summary_scroll.saturating_add_signed(delta).min(max);
    }
    /// The form `spec`, titled `title`, about `summary`.
    pub fn new(
        spec: impl Into<Box<dyn FormSpec>>,
        title: String,
        summary: Vec<String>,
        lang: Lang,
    ) -> Self {
        let spec = spec.into();
        let fields = spec.fields(lang);
        Self {
            title,
            summary,
            fields,
            focus: 0,
            spec,
            pending: false,
            error: None,
            summary_scroll: 0,
            baseline: None,
            closing: None,
        }
    }

    fn values(&self) -> Vec<Held> {
        self.fields
            .iter()
            .map(|f| match f.kind {
                // What is typed in a checklist only narrows it: the ticks are its value.
                FieldKind::Checklist => (String::new(), 0, f.picked.clone()),
                _ => (f.input.text().to_string(), f.choice, Vec::new()),
            })
            .collect()
    }

    /// Keeps what the fields hold before the user changes any of them.
    fn before_edit(&mut self) {
        if self.baseline.is_none() {
            self.baseline = Some(self.values());
        }
    }

    /// Whether the user changed what the fields held when the form opened.
    pub fn changed(&self) -> bool {
        self.baseline.as_ref().is_some_and(|b| *b != self.values())
    }

    /// Esc or Ctrl+C: a changed form asks first, an unchanged one closes at once.
    fn close(&mut self, how: Closing, out: &mut Outbox) {
        if self.changed() && !self.pending {
            self.closing = Some(how);
            return;
        }
        out.send(match how {
            Closing::Form => Msg::ClosePopup,
            Closing::Program => Msg::Quit,
        });
    }

    /// Puts `text` in the field named `name` (a default the user may change).
    pub fn prefill(mut self, name: &str, text: impl Into<String>) -> Self {
        if let Some(f) = self.fields.iter_mut().find(|f| f.name == name) {
            f.input.set(text);
        }
        self
    }

    /// Chooses option `index` of the choice field named `name`.
    pub fn choose(mut self, name: &str, index: usize) -> Self {
        if let Some(f) = self.fields.iter_mut().find(|f| f.name == name) {
            f.choice = index.min(f.options.len().saturating_sub(1));
        }
        self
    }

    /// A confirmation (no fields).
    pub fn is_confirmation(&self) -> bool {
        self.fields.is_empty()
    }

    /// The call failed: the error goes under its field when the server named one. A stale
    /// version takes the current one, so the next Enter retries against what is now shown.
    pub fn failed(&mut self, e: &RpcError, lang: Lang, server: &str, current: Option<u64>) {
        self.pending = false;
        if e.code == Code::Aborted
            && let Some(v) = current
        {
            self.spec.set_version(v);
        }
        let mut text = e.message(lang, server);
        if let Some(hint) = self.spec.refused(e.code) {
            text = format!("{text}. {}", hint.get(lang));
        }
        let field = e.field.as_ref().and_then(|f| {
            self.fields
                .iter()
                .position(|x| values::names_field(&f.field, x.name))
        });
        match field {
            Some(i) => {
                self.fields[i].error = Some(text);
                self.focus = i;
            }
            None => self.error = Some(text),
        }
    }

    /// The entity whose version the form carries.
    pub fn target(&self) -> Option<Target> {
        self.spec.target()
    }

    /// What to say when it worked.
    pub fn done_text(&self, lang: Lang) -> String {
        self.spec.done().get(lang).to_string()
    }

    /// Checks the fields and builds the call, or marks what is wrong.
    fn build(&mut self, ctx: &Ctx<'_>) -> Option<Sent> {
        for f in &mut self.fields {
            f.error = None;
            let empty = match f.kind {
                FieldKind::Choice => false,
                FieldKind::Checklist => !f.picked.contains(&true),
                _ => f.value().is_empty(),
            };
            if f.required && empty {
                f.error = Some(Text::Required.get(ctx.lang).to_string());
            }
            if f.kind == FieldKind::Date && !f.value().is_empty() {
                check_date(f, ctx);
            }
            // Words typed in a classifier field name a question only when the search found one.
            if f.kind == FieldKind::Classifier
                && !f.value().is_empty()
                && !classifier::is_full_code(&f.value())
            {
                match f.found.as_slice() {
                    [(code, _)] => f.input.set(code.clone()),
                    _ => {
                        f.error = Some(
                            ctx.lang
                                .pick(
                                    "выберите вопрос из найденных (↑/↓) или введите полный код",
                                    "choose a question found (↑/↓) or type the full code",
                                )
                                .to_string(),
                        )
                    }
                }
            }
        }
        // The form's own rules run too, so a wrong value in a filled field is marked together
        // with the empty ones rather than after they are filled.
        let checked = match self.spec.local(&self.fields, ctx) {
            Some(local) => local.map(Sent::Local),
            None => self
                .spec
                .call(&self.fields, ctx)
                .map(|c| Sent::Call(Box::new(c))),
        };
        let missing = self.fields.iter().any(|f| f.error.is_some());
        let call = match checked {
            Ok(call) if !missing => Some(call),
            Ok(_) => None,
            Err(e) => {
                let text = ctx.lang.pick(&e.ru, &e.en).to_string();
                match self.fields.iter().position(|f| f.name == e.field) {
                    Some(i) if self.fields[i].error.is_none() => self.fields[i].error = Some(text),
                    Some(_) => {}
                    None if !missing => self.error = Some(text),
                    None => {}
                }
                None
            }
        };
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
        call
    }
}

/// Reads a date field as people type it and writes it back in full (so «15.1.27» is sent as
/// 15.01.2027), or marks the mistake; a deadline on a non-working day is replaced by the working
/// day before it, with a word, so Enter again accepts it and any other date may be typed.
fn check_date(f: &mut Field, ctx: &Ctx<'_>) {
    match date_input::read(&f.value(), ctx.today) {
        Err(e) => f.error = Some(ctx.lang.pick(&e.ru(), &e.en()).to_string()),
        Ok(d) => {
            let offered = f
                .working_day
                .then(|| date_input::working_deadline(d, ctx.today, ctx.calendar))
                .flatten();
            match offered {
                Some(w) => {
                    f.input.set(w.format("%d.%m.%Y").to_string());
                    f.error = Some(strings::day_off_offer(ctx.lang, d, w));
                }
                None => f.input.set(d.format("%d.%m.%Y").to_string()),
            }
        }
    }
}

/// The keys of a person or classifier field that go through what was found.
const MATCH_COMMANDS: [Command; 2] = [Command::NextMatch, Command::PrevMatch];

/// The keys of a checklist: tick, and move through what is shown.
const CHECKLIST_COMMANDS: [Command; 3] =
    [Command::TogglePick, Command::NextMatch, Command::PrevMatch];

/// The keys of a choice field.
const OPTION_COMMANDS: [Command; 2] = [Command::PrevOption, Command::NextOption];

impl FormPopup {
    /// Whether the focused field is a long text (where Enter starts a new line, so the form is
    /// sent with [`Command::SubmitText`]).
    fn in_long_text(&self) -> bool {
        self.fields
            .get(self.focus)
            .is_some_and(|f| f.kind == FieldKind::Text)
    }
}

impl Component for FormPopup {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        if self.closing.is_some() {
            return vec![Command::Discard, Command::KeepEditing, Command::Help];
        }
        let submit = if self.in_long_text() {
            Command::SubmitText
        } else {
            Command::Submit
        };
        let mut c = vec![submit, Command::Cancel];
        if self.fields.len() > 1 {
            c.extend([Command::NextField, Command::PrevField]);
        }
        if self.is_confirmation() {
            let (lines, room) = confirmation_lines(&self.summary, ctx.size);
            if lines.len() > room {
                c.extend([
                    Command::Up,
                    Command::Down,
                    Command::PageUp,
                    Command::PageDown,
                ]);
            }
        }
        c.push(Command::Help);
        c
    }

    fn help_commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut c = self.commands(ctx);
        if self.closing.is_some() {
            return c;
        }
        let has = |kinds: &[FieldKind]| self.fields.iter().any(|f| kinds.contains(&f.kind));
        if has(&[FieldKind::Choice]) {
            c.extend(OPTION_COMMANDS);
        }
        if has(&[
            FieldKind::Person,
            FieldKind::Classifier,
            FieldKind::Checklist,
        ]) {
            c.extend(MATCH_COMMANDS);
        }
        if has(&[FieldKind::Checklist]) {
            c.push(Command::TogglePick);
        }
        if !self.fields.is_empty() {
            c.extend(Command::EDITING);
        }
        if has(&[FieldKind::Text]) {
            c.extend(Command::TEXT_EDITING);
            if !c.contains(&Command::SubmitText) {
                c.push(Command::SubmitText);
            }
        }
        c
    }

    fn typing(&self) -> bool {
        !self.fields.is_empty() && self.closing.is_none()
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        match (command, self.is_confirmation()) {
            (Command::Submit, true) => Text::Yes.get(lang),
            (Command::Cancel, true) => Text::No.get(lang),
            (other, _) => strings::command(lang, other),
        }
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        match (command, self.is_confirmation()) {
            (Command::Submit, true) => Text::Yes.get(lang),
            (Command::Cancel, true) => Text::No.get(lang),
            (other, _) => strings::command_short(lang, other),
        }
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        let n = self.fields.len().max(1);
        let page = isize::try_from(confirmation_lines(&self.summary, ctx.size).1).unwrap_or(10);
        if answer_closing(&mut self.closing, command, out) {
            return;
        }
        match command {
            Command::Up => self.scroll_summary(-1, ctx.size),
            Command::Down => self.scroll_summary(1, ctx.size),
            Command::PageUp => self.scroll_summary(-page, ctx.size),
            Command::PageDown => self.scroll_summary(page, ctx.size),
            // What is confirmed is read to its end first: Enter pages on until it has been shown.
            Command::Submit if self.lines_below(ctx.size) > 0 => {
                self.scroll_summary(page, ctx.size);
            }
            Command::Cancel => self.close(Closing::Form, out),
            Command::NextField => self.focus = (self.focus + 1) % n,
            Command::PrevField => self.focus = (self.focus + n - 1) % n,
            Command::Submit | Command::SubmitText if !self.pending => {
                self.error = None;
                match self.build(ctx) {
                    Some(Sent::Call(call)) => {
                        self.pending = true;
                        out.run(Cmd::Call {
                            origin: Origin::Form,
                            call,
                        });
                    }
                    Some(Sent::Local(msg)) => {
                        out.send(Msg::ClosePopup);
                        out.send(msg);
                    }
                    None => {}
                }
            }
            Command::Help => out.send(Msg::ShowHelp),
            _ => {}
        }
    }

    /// Pastes `text` into the focused field as one insertion (a choice takes none).
    fn on_paste(&mut self, text: &str, _ctx: &Ctx<'_>, out: &mut Outbox) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        if field.kind == FieldKind::Choice {
            return false;
        }
        if self.baseline.is_none() {
            self.baseline = Some(self.values());
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        field.input.paste(text);
        field.error = None;
        if field.kind == FieldKind::Checklist {
            field.cursor_into_view();
        }
        if matches!(field.kind, FieldKind::Person | FieldKind::Classifier) {
            field.query = None;
            if field.kind == FieldKind::Classifier {
                search_classifier(field, out);
            }
        }
        true
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, out: &mut Outbox) -> bool {
        // Ctrl+C leaves from anywhere; from a changed form only once that is confirmed.
        if ctx.keymap.command(key, &[Command::Quit], true).is_some() {
            self.close(Closing::Program, out);
            return true;
        }
        self.before_edit();
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        if matches!(field.kind, FieldKind::Person | FieldKind::Classifier) {
            let step = match ctx.keymap.command(key, &MATCH_COMMANDS, true) {
                Some(Command::NextMatch) => 1,
                Some(Command::PrevMatch) => -1,
                _ => 0,
            };
            if step != 0 {
                let options: Vec<String> = if field.kind == FieldKind::Person {
                    person_match::matches(ctx.replica.users.iter(), field.typed_query())
                        .into_iter()
                        .map(|u| u.username.clone())
                        .collect()
                } else {
                    field.found.iter().map(|(code, _)| code.clone()).collect()
                };
                field.step_through(&options, step);
                return true;
            }
            if field.input.handle_key_in(key, ctx.keymap) {
                field.query = None;
                field.error = None;
                if field.kind == FieldKind::Classifier {
                    search_classifier(field, out);
                }
                return true;
            }
            return false;
        }
        if field.kind == FieldKind::Checklist {
            // Space ticks (a filter needs no spaces: each word of a name narrows it alone).
            match ctx.keymap.command(key, &CHECKLIST_COMMANDS, false) {
                Some(Command::TogglePick) => field.toggle(),
                Some(Command::NextMatch) => field.move_cursor(1),
                Some(Command::PrevMatch) => field.move_cursor(-1),
                _ => {
                    if !field.input.handle_key_in(key, ctx.keymap) {
                        return false;
                    }
                    field.cursor_into_view();
                }
            }
            field.error = None;
            return true;
        }
        if field.kind == FieldKind::Choice {
            let n = field.options.len().max(1);
            let before = field.choice;
            // Nothing is typed into a choice, so its keys may be printable ones (Space).
            match ctx.keymap.command(key, &OPTION_COMMANDS, false) {
                Some(Command::PrevOption) => field.choice = (field.choice + n - 1) % n,
                Some(Command::NextOption) => field.choice = (field.choice + 1) % n,
                _ => return false,
            }
            self.spec.chosen(&mut self.fields, before);
            return true;
        }
        let handled = field.input.handle_key_in(key, ctx.keymap);
        if handled {
            field.error = None;
        }
        handled
    }
}

/// Asks the server for the classifier questions matching what a classifier field holds (from
/// two characters on); the answer is matched back by its query.
fn search_classifier(field: &mut Field, out: &mut Outbox) {
    let query = field.input.text().trim().to_string();
    if query.chars().count() < 2 {
        field.found.clear();
        return;
    }
    out.run(Cmd::Call {
        origin: Origin::Classifier,
        call: Box::new(Call::SearchClassifier(pb::SearchClassifierRequest {
            query,
            limit: 30,
        })),
    });
}
