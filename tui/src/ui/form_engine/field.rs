//! One field of a form: how it is edited, what was typed, what is wrong with it.

use infogroups_shared::names::Lang;

use crossterm::event::KeyEvent;

use crate::keymap::Keymap;
use crate::strings::work::W;
use crate::ui::text_area::TextBox;
use crate::ui::text_input::TextInput;

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Line,
    /// Longer text: several lines, Enter starts a new one.
    Text,
    /// A date, `ДД.ММ.ГГГГ`.
    Date,
    /// One of the field's options, chosen with ←/→.
    Choice,
    /// A password: shown as dots, taken exactly as typed.
    Secret,
    /// A colleague, by login or name; ↑/↓ go through the people who match what is typed.
    Person,
    /// A classifier question, by words or code: the server searches as it is typed, ↑/↓ go
    /// through what it found.
    Classifier,
    /// Several of the field's options, ticked on a checklist: ↑/↓ move, Space ticks, what is
    /// typed narrows the list.
    Checklist,
}

/// What a field's text is edited in: one line, or the multi-line editor of a long text.
#[derive(Debug, Clone)]
pub enum FieldInput {
    /// One line.
    Line(TextInput),
    /// Several lines (boxed: the editor with its undo history is large).
    Text(Box<TextBox>),
}

impl FieldInput {
    /// The editor a field of `kind` is typed in.
    fn for_kind(kind: FieldKind) -> Self {
        match kind {
            FieldKind::Text => Self::Text(Box::default()),
            _ => Self::Line(TextInput::default()),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        match self {
            Self::Line(t) => t.text(),
            Self::Text(t) => t.text(),
        }
    }

    /// Replaces the text, cursor at the end.
    pub fn set(&mut self, text: impl Into<String>) {
        match self {
            Self::Line(t) => t.set(text),
            Self::Text(t) => t.set(&text.into()),
        }
    }

    /// An editing key (see [`TextInput::handle_key_in`]); returns whether it was one.
    pub fn handle_key_in(&mut self, key: &KeyEvent, keymap: &Keymap) -> bool {
        match self {
            Self::Line(t) => t.handle_key_in(key, keymap),
            Self::Text(t) => t.handle_key_in(key, keymap),
        }
    }

    /// Inserts pasted text at the cursor (on one line in a one-line field).
    pub fn paste(&mut self, pasted: &str) {
        match self {
            Self::Line(t) => t.paste(pasted),
            Self::Text(t) => t.paste(pasted),
        }
    }
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The request field it fills (matched against the server's field errors).
    pub name: &'static str,
    /// Its label.
    pub label: W,
    /// How it is edited.
    pub kind: FieldKind,
    /// The text typed.
    pub input: FieldInput,
    /// The options, for [`FieldKind::Choice`].
    pub options: Vec<String>,
    /// The chosen option.
    pub choice: usize,
    /// Must not be empty.
    pub required: bool,
    /// What is wrong with it.
    pub error: Option<String>,
    /// For a person or classifier field: what was typed before ↑/↓ put a match in the field.
    pub query: Option<String>,
    /// A label made of data (a checklist item's title) shown instead of `label`.
    pub caption: Option<String>,
    /// For a classifier field: what the server found for `query` (code, name), best first.
    pub found: Vec<(String, String)>,
    /// For a date field: a deadline, which should fall on a working day.
    pub working_day: bool,
    /// For a checklist: each option's key, what the request takes (a login).
    pub keys: Vec<String>,
    /// For a checklist: which options are ticked.
    pub picked: Vec<bool>,
    /// For a checklist: the option the cursor is on (an index into `options`).
    pub cursor: usize,
}

impl Field {
    /// An empty field named `name` (the request field it fills), labelled `label`.
    pub fn new(name: &'static str, label: W, kind: FieldKind, required: bool) -> Self {
        Self {
            name,
            label,
            kind,
            input: FieldInput::for_kind(kind),
            options: Vec::new(),
            choice: 0,
            required,
            error: None,
            query: None,
            caption: None,
            found: Vec::new(),
            working_day: false,
            keys: Vec::new(),
            picked: Vec::new(),
            cursor: 0,
        }
    }

    /// A checklist of `options` (key, what is shown), none ticked.
    pub fn checklist(name: &'static str, label: W, options: Vec<(String, String)>) -> Self {
        let mut f = Self::new(name, label, FieldKind::Checklist, false);
        f.picked = vec![false; options.len()];
        (f.keys, f.options) = options.into_iter().unzip();
        f
    }

    /// The checklist with the options of `keys` ticked (what the record holds now).
    pub fn ticking<S: AsRef<str>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        for k in keys {
            if let Some(i) = self.keys.iter().position(|x| x == k.as_ref()) {
                self.picked[i] = true;
            }
        }
        self
    }

    /// The keys of the options ticked, in the list's order.
    pub fn picked_keys(&self) -> Vec<&str> {
        self.keys
            .iter()
            .zip(&self.picked)
            .filter(|(_, p)| **p)
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// The options a checklist shows for what is typed: those with a word of the option, or
    /// its key, starting with each word typed (any case); all when nothing is typed.
    pub fn shown(&self) -> Vec<usize> {
        let typed = self.input.text().to_lowercase();
        let words: Vec<&str> = typed.split_whitespace().collect();
        (0..self.options.len())
            .filter(|&i| {
                let option = self.options[i].to_lowercase();
                let key = self
                    .keys
                    .get(i)
                    .map(|k| k.to_lowercase())
                    .unwrap_or_default();
                words.iter().all(|w| {
                    key.starts_with(w)
                        || option
                            .split(|c: char| !c.is_alphanumeric())
                            .any(|part| part.starts_with(w))
                })
            })
            .collect()
    }

    /// Moves a checklist's cursor `step` options through those shown.
    pub(super) fn move_cursor(&mut self, step: isize) {
        let shown = self.shown();
        if shown.is_empty() {
            return;
        }
        let n = shown.len() as isize;
        let at = shown
            .iter()
            .position(|&i| i == self.cursor)
            .map_or(if step > 0 { -1 } else { 0 }, |i| i as isize);
        self.cursor = shown[(at + step).rem_euclid(n) as usize];
    }

    /// Keeps a checklist's cursor on a shown option after the filter changed.
    pub(super) fn cursor_into_view(&mut self) {
        let shown = self.shown();
        if !shown.contains(&self.cursor)
            && let Some(&first) = shown.first()
        {
            self.cursor = first;
        }
    }

    /// Ticks or unticks the option under a checklist's cursor, if it is shown.
    pub(super) fn toggle(&mut self) {
        if self.shown().contains(&self.cursor)
            && let Some(p) = self.picked.get_mut(self.cursor)
        {
            *p = !*p;
        }
    }

    /// A date field that is a deadline: one on a non-working day is offered the working day
    /// before it.
    pub fn deadline(mut self) -> Self {
        self.working_day = true;
        self
    }

    /// A choice among `options`, the first chosen.
    pub fn choice(name: &'static str, label: W, options: Vec<String>) -> Self {
        let mut f = Self::new(name, label, FieldKind::Choice, true);
        f.options = options;
        f
    }

    /// The field holding `text` at first.
    pub fn with(mut self, text: impl Into<String>) -> Self {
        self.input.set(text);
        self
    }

    /// The label shown.
    pub fn label_text(&self, lang: Lang) -> &str {
        self.caption
            .as_deref()
            .unwrap_or_else(|| self.label.get(lang))
    }

    /// The text, trimmed.
    pub fn value(&self) -> String {
        self.text().to_string()
    }

    /// For a person or classifier field: the text the suggestions are for (what was typed, not
    /// a match put in by ↑/↓).
    pub fn typed_query(&self) -> &str {
        self.query.as_deref().unwrap_or_else(|| self.input.text())
    }

    /// Puts the next (`step` 1) or previous (`step` -1) of `options` (what matches what was
    /// typed) into the field, keeping what was typed for the suggestions.
    pub(super) fn step_through(&mut self, options: &[String], step: isize) {
        if options.is_empty() {
            return;
        }
        let query = self.typed_query().to_string();
        let n = options.len() as isize;
        let at = options
            .iter()
            .position(|o| o == self.input.text())
            .map_or(if step > 0 { -1 } else { 0 }, |i| i as isize);
        let next = (at + step).rem_euclid(n) as usize;
        self.input.set(options[next].clone());
        self.query = Some(query);
        self.error = None;
    }

    /// The server found `found` for `query`: kept if it is still what was typed.
    pub fn classifier_found(&mut self, query: &str, found: Vec<(String, String)>) {
        if self.kind == FieldKind::Classifier && self.typed_query() == query {
            self.found = found;
        }
    }

    /// The text as the request takes it: trimmed, except a password, which is exactly as typed.
    pub(super) fn text(&self) -> &str {
        if self.kind == FieldKind::Secret {
            self.input.text()
        } else {
            self.input.text().trim()
        }
    }
}
