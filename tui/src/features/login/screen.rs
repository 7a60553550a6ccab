//! The login screen: username and password, clear errors, and in demo mode the list of demo
//! accounts to pick from with the arrows.

use crossterm::event::KeyEvent;
use infogroups_shared::names::Lang;

use crate::keymap::Command;
use crate::msg::error::RpcError;
use crate::msg::{Cmd, Msg, Secret};
use crate::strings;
use crate::strings::Text;
use crate::ui::text_input::TextInput;
use crate::ui::{Component, Ctx, Outbox, common};

/// A demo account the login screen offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role, in Russian.
    pub role_ru: String,
    /// Role, in English.
    pub role_en: String,
    /// Its password (demo accounts only; never a real one).
    pub password: String,
}

impl DemoLogin {
    /// The role in `lang`.
    pub fn role(&self, lang: Lang) -> &str {
        lang.pick(&self.role_ru, &self.role_en)
    }
}

/// Which field has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The username.
    Username,
    /// The password.
    Password,
}

/// What went wrong, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// Under a field.
    Field(Field, String),
    /// Under the form (wrong password, throttled, unreachable, session ended).
    General(String),
}

/// The login screen's state.
#[derive(Debug, Clone)]
pub struct LoginScreen {
    /// The username field.
    pub username: TextInput,
    /// The password field (drawn masked).
    pub password: TextInput,
    /// The focused field.
    pub focus: Field,
    /// Demo accounts (empty outside demo mode).
    pub demo: Vec<DemoLogin>,
    /// The highlighted demo account.
    pub demo_selected: Option<usize>,
    /// The last error.
    pub error: Option<LoginError>,
    /// A login call is in flight.
    pub pending: bool,
}

impl LoginScreen {
    /// Typing or pasting clears a stale error and the demo pick that no longer matches.
    fn edited(&mut self) {
        if matches!(self.error, Some(LoginError::Field(..))) {
            self.error = None;
        }
        if self
            .demo_selected
            .and_then(|i| self.demo.get(i))
            .is_some_and(|d| d.username != self.username.text())
        {
            self.demo_selected = None;
        }
    }

    /// A fresh screen; `username` prefills the first field (and picks the demo account of that
    /// name, with its password).
    pub fn new(demo: Vec<DemoLogin>, username: Option<&str>) -> Self {
        let mut s = Self {
            username: TextInput::default(),
            password: TextInput::default(),
            focus: Field::Username,
            demo,
            demo_selected: None,
            error: None,
            pending: false,
        };
        if let Some(name) = username.filter(|n| !n.is_empty()) {
            s.username.set(name);
            s.focus = Field::Password;
            if let Some(i) = s.demo.iter().position(|d| d.username == name) {
                s.pick(i);
            }
        }
        s
    }

    /// Fills the fields from demo account `i`.
    fn pick(&mut self, i: usize) {
        if let Some(d) = self.demo.get(i) {
            self.demo_selected = Some(i);
            self.username.set(d.username.clone());
            self.password.set(d.password.clone());
            self.error = None;
        }
    }

    fn move_demo(&mut self, down: bool) {
        if self.demo.is_empty() {
            return;
        }
        let last = self.demo.len() - 1;
        let next = match (self.demo_selected, down) {
            (None, true) => 0,
            (None, false) => last,
            (Some(i), true) => (i + 1).min(last),
            (Some(i), false) => i.saturating_sub(1),
        };
        self.pick(next);
    }

    fn submit(&mut self, lang: Lang, out: &mut Outbox) {
        if self.pending {
            return;
        }
        if self.username.text().trim().is_empty() {
            self.focus = Field::Username;
            self.error = Some(LoginError::Field(
                Field::Username,
                Text::EnterUsername.get(lang).into(),
            ));
            return;
        }
        if self.password.text().is_empty() {
            if self.focus == Field::Username {
                self.focus = Field::Password;
                self.error = None;
            } else {
                self.error = Some(LoginError::Field(
                    Field::Password,
                    Text::EnterPassword.get(lang).into(),
                ));
            }
            return;
        }
        self.pending = true;
        self.error = None;
        out.run(Cmd::Login {
            username: self.username.text().trim().to_string(),
            password: Secret(self.password.text().to_string()),
        });
    }

    /// The login call failed: show why, where it belongs.
    pub fn failed(&mut self, e: &RpcError, lang: Lang, server: &str) {
        self.pending = false;
        let text = e.message(lang, server);
        self.error = Some(match e.field.as_ref().map(|f| f.field.as_str()) {
            Some("username") => LoginError::Field(Field::Username, text),
            Some("password") => LoginError::Field(Field::Password, text),
            _ => LoginError::General(text),
        });
        if e.code == tonic::Code::Unauthenticated {
            // A refused password is typed again from scratch, where the focus already is.
            self.password.clear();
            self.focus = Field::Password;
        }
    }

    /// The text of the field with the focus.
    fn focused(&mut self) -> &mut TextInput {
        match self.focus {
            Field::Username => &mut self.username,
            Field::Password => &mut self.password,
        }
    }
}

impl Component for LoginScreen {
    fn commands(&self, _ctx: &Ctx<'_>) -> Vec<Command> {
        let mut c = vec![Command::Submit, Command::NextField, Command::PrevField];
        if !self.demo.is_empty() {
            c.extend([Command::Up, Command::Down]);
        }
        c.extend([Command::Help, Command::Cancel, Command::Quit]);
        c
    }

    fn typing(&self) -> bool {
        true
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        match command {
            Command::Submit => Text::SignIn.get(lang),
            Command::Cancel => strings::command(lang, Command::Quit),
            Command::Up | Command::Down => Text::PickDemo.get(lang),
            other => strings::command(lang, other),
        }
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        match command {
            Command::Submit => Text::SignIn.get(lang),
            Command::Cancel => strings::command_short(lang, Command::Quit),
            other => strings::command_short(lang, other),
        }
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        match command {
            Command::Submit => self.submit(ctx.lang, out),
            Command::NextField | Command::PrevField => {
                self.focus = match self.focus {
                    Field::Username => Field::Password,
                    Field::Password => Field::Username,
                };
            }
            Command::Up => self.move_demo(false),
            Command::Down => self.move_demo(true),
            // Nothing to lose on this screen: Esc leaves.
            Command::Cancel => out.send(Msg::Quit),
            other => common(other, out),
        }
    }

    /// A pasted login or password goes into the focused field; the line break a copy often
    /// ends with is not part of it.
    fn on_paste(&mut self, text: &str, _ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        self.focused().paste(text.trim_end_matches(['\r', '\n']));
        self.edited();
        true
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        let before = (self.username.text().len(), self.password.text().len());
        let handled = self.focused().handle_key_in(key, ctx.keymap);
        if handled && before != (self.username.text().len(), self.password.text().len()) {
            self.edited();
        }
        handled
    }
}
