//! Forms and confirmations for the workspaces' steps: a few fields (or none — then it is a
//! confirmation that shows what is being done), checked here where the rule is obvious and by
//! the server otherwise; the server's field errors appear under the field they name.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use infogroups_shared::classifier;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};
use tonic::Code;

use super::meeting_forms::{self, Prep, PrepRequest};
use super::{Component, Ctx, Outbox, appeal_forms, directory_forms, group_forms};
use crate::keymap::Command;
use crate::msg::call::{Call, Origin};
use crate::msg::{Cmd, Msg};
use crate::person_match::{self, Unresolved};
use crate::rpc::RpcError;
use crate::strings::work::W;
use crate::strings::{self, Text};
use crate::text_input::TextInput;

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Line,
    /// Longer text (shown on several lines).
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
}

/// The export formats offered, in order.
pub const FORMATS: [(pb::FileFormat, &str); 4] = [
    (pb::FileFormat::Xlsx, "xlsx"),
    (pb::FileFormat::Pdf, "pdf"),
    (pb::FileFormat::Docx, "docx"),
    (pb::FileFormat::Csv, "csv"),
];

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
    pub input: TextInput,
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
}

impl Field {
    pub(super) fn new(name: &'static str, label: W, kind: FieldKind, required: bool) -> Self {
        Self {
            name,
            label,
            kind,
            input: TextInput::default(),
            options: Vec::new(),
            choice: 0,
            required,
            error: None,
            query: None,
            caption: None,
            found: Vec::new(),
        }
    }

    pub(super) fn choice(name: &'static str, label: W, options: Vec<String>) -> Self {
        let mut f = Self::new(name, label, FieldKind::Choice, true);
        f.options = options;
        f
    }

    pub(super) fn with(mut self, text: impl Into<String>) -> Self {
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
    fn step_through(&mut self, options: &[String], step: isize) {
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
    fn text(&self) -> &str {
        if self.kind == FieldKind::Secret {
            self.input.text()
        } else {
            self.input.text().trim()
        }
    }
}

/// A step on a meeting that needs only a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingStep {
    /// The leader signs the protocol.
    Sign,
    /// The meeting took place.
    MarkHeld,
    /// The signed protocol goes to the control sector.
    HandOver,
    /// The control sector has it.
    Acknowledge,
    /// Notify members and participants.
    Notify,
}

/// What the form does when sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// A step on a meeting.
    Meeting {
        /// Which.
        step: MeetingStep,
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Plan a meeting of a group.
    PlanMeeting {
        /// One id for every send of this form.
        request_id: String,
        /// The group.
        group_id: u64,
        /// The group's territories, as the choice offers them.
        territories: Vec<(u64, String)>,
        /// The venues the choice offers after «уточняется».
        venues: Vec<(u64, String)>,
    },
    /// Enter a meeting a group held before the system, after the fact.
    PastMeeting {
        /// One id for every send of this form.
        request_id: String,
        /// The group.
        group_id: u64,
        /// The group's territories, as the choice offers them.
        territories: Vec<(u64, String)>,
        /// The venues the choice offers after «уточняется».
        venues: Vec<(u64, String)>,
    },
    /// A preparation step on a meeting (venue, announcement, move, cancellation, checklist,
    /// brief, amendment).
    Prepare {
        /// Which.
        step: Prep,
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Save the protocol's main fields (the rest of it is kept as it was).
    Protocol {
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// The protocol as it was.
        base: Box<pb::Protocol>,
    },
    /// Record a publication as done.
    Publication {
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// Which publication.
        kind: pb::PublicationKind,
        /// Its drafted text (kept).
        draft: String,
    },
    /// Record informing the residents as done.
    Informing {
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Ask for a later deadline.
    RequestExtension {
        /// The assignment.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Decide an extension request.
    Decide {
        /// The assignment.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// Grant or refuse.
        grant: bool,
    },
    /// Issue a new assignment in a group.
    Issue {
        /// The group.
        group_id: u64,
    },
    /// Give part of an assignment to someone.
    SubAssign {
        /// The parent assignment.
        parent_id: u64,
    },
    /// Give a user a role.
    GrantRole {
        /// The user.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
    },
    /// Take one of a user's roles away.
    RevokeRole {
        /// The user.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
        /// The roles held (the choice picks one).
        grants: Vec<pb::RoleGrant>,
        /// How the choice names them («Секретарь группы, № 1»).
        labels: Vec<String>,
    },
    /// Import the classifier from a file.
    ImportClassifier,
    /// Enter a production calendar year from a government decree.
    SaveCalendarYear,
    /// Save a territory (a new one has no id).
    SaveTerritory {
        /// The entry as it was (its id and version, and fields the form does not show).
        base: Box<pb::Territory>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Save a venue (a new one has no id).
    SaveVenue {
        /// The entry as it was.
        base: Box<pb::Venue>,
        /// The id of a creating request.
        request_id: String,
        /// The territories the choice offers after «—».
        territories: Vec<(u64, String)>,
    },
    /// Save a department (a new one has no id).
    SaveDepartment {
        /// The entry as it was.
        base: Box<pb::Department>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Save an outside organisation (a new one has no id).
    SaveOrganisation {
        /// The entry as it was.
        base: Box<pb::Organisation>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Create a group or change it (a new one has no id).
    SaveGroup {
        /// The group as it was.
        base: Box<pb::Group>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Create an account with its first role.
    CreateUser {
        /// The id of the creating request.
        request_id: String,
    },
    /// Change an account's name, position, department and contact.
    EditUser {
        /// The account.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
        /// The departments, as the choice offers them after «—».
        departments: Vec<(u64, String)>,
    },
    /// Archive an account (its sessions end; its records keep its name).
    ArchiveUser {
        /// The account.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
    },
    /// Archive a directory entry (kept for the records that use it, offered no more).
    ArchiveEntry {
        /// Which directory.
        kind: pb::DirectoryKind,
        /// The entry.
        id: u64,
        /// The version the administrator saw.
        version: u64,
    },
    /// Forward an appeal to the body competent to answer it.
    ForwardAppeal {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Close an appeal without an answer on the merits (art. 11).
    CloseSpecial {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Set a user's password.
    SetPassword {
        /// The user.
        user_id: u64,
    },
    /// Register a written appeal.
    RegisterAppeal {
        /// One id for every send of this form, so a resend after a lost answer is not a second
        /// appeal.
        request_id: String,
        /// The territories the choice offers after «—».
        territories: Vec<(u64, String)>,
        /// The user confirmed it is a repeated appeal (the server asked).
        repeated_confirmed: bool,
    },
    /// Fill a personal reception card.
    SaveCard {
        /// One id for every send of this form.
        request_id: String,
        /// The territories the choice offers after «—».
        territories: Vec<(u64, String)>,
    },
    /// Make a written appeal of a reception card.
    CardToAppeal {
        /// The card.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// One id for every send of this confirmation.
        request_id: String,
    },
    /// Extend an appeal's answer deadline (the head, 59-FZ art. 12 p. 2).
    ExtendAppeal {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Record an appeal's answer.
    AnswerAppeal {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// How many questions it has (one result each).
        questions: usize,
    },
    /// Save a server-rendered file.
    Export {
        /// What to render (the format is the form's).
        request: Box<pb::ExportRequest>,
        /// The documents offered on the same record, with their names (a meeting's protocol,
        /// brief, announcement, results); empty when `request` says which.
        kinds: Vec<(pb::ExportKind, String)>,
    },
}

/// Whether `kind` is a document (.pdf/.docx only) rather than a table.
pub fn is_document(kind: i32) -> bool {
    use pb::ExportKind as K;
    matches!(
        K::try_from(kind),
        Ok(K::Protocol
            | K::ReceptionCard
            | K::Brief
            | K::Announcement
            | K::Results
            | K::ControlCard)
    )
}

/// The entity a form changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A meeting.
    Meeting(u64),
    /// An assignment.
    Assignment(u64),
    /// A user.
    User(u64),
    /// An appeal.
    Appeal(u64),
    /// A territory.
    Territory(u64),
    /// A venue.
    Venue(u64),
    /// A reception card.
    Card(u64),
    /// A department.
    Department(u64),
    /// An outside organisation.
    Organisation(u64),
    /// An information group.
    Group(u64),
}

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
    /// What sending does.
    pub intent: Intent,
    /// The call is in flight.
    pub pending: bool,
    /// An error not about one field.
    pub error: Option<String>,
    /// A confirmation taller than the terminal: the first of its lines shown.
    pub summary_scroll: usize,
}

/// A confirmation's text as drawn: wrapped to the popup's width, and how many lines of it fit on
/// a terminal of `size` — shared by drawing and by paging, so Enter knows whether all was shown.
pub fn confirmation_lines(summary: &[String], size: (u16, u16)) -> (Vec<String>, usize) {
    let width = usize::from(76u16.min(size.0).saturating_sub(4)).max(1);
    let lines = summary
        .iter()
        .flat_map(|s| crate::text::wrap(s, width))
        .collect();
    // Borders, the line saying more follows, the blank line, an error and the keys.
    (lines, usize::from(size.1.saturating_sub(8)).max(1))
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
    /// A form for `intent`, titled `title`, about `summary`.
    pub fn new(intent: Intent, title: String, summary: Vec<String>, lang: Lang) -> Self {
        let fields = fields_for(&intent, lang);
        Self {
            title,
            summary,
            fields,
            focus: 0,
            intent,
            pending: false,
            error: None,
            summary_scroll: 0,
        }
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
            self.set_version(v);
        }
        // The server suspects a repeated appeal and says so; the next Enter confirms it.
        let mut text = e.message(lang, server);
        if e.code == Code::FailedPrecondition
            && let Intent::RegisterAppeal {
                repeated_confirmed, ..
            } = &mut self.intent
        {
            *repeated_confirmed = true;
            text = format!("{text}. {}", W::RepeatedHint.get(lang));
        }
        let field = e.field.as_ref().and_then(|f| {
            self.fields
                .iter()
                .position(|x| names_field(&f.field, x.name))
        });
        match field {
            Some(i) => {
                self.fields[i].error = Some(text);
                self.focus = i;
            }
            None => self.error = Some(text),
        }
    }

    fn set_version(&mut self, v: u64) {
        match &mut self.intent {
            Intent::Meeting { version, .. }
            | Intent::Prepare { version, .. }
            | Intent::Protocol { version, .. }
            | Intent::Publication { version, .. }
            | Intent::Informing { version, .. }
            | Intent::RequestExtension { version, .. }
            | Intent::Decide { version, .. }
            | Intent::GrantRole { version, .. }
            | Intent::EditUser { version, .. }
            | Intent::ForwardAppeal { version, .. }
            | Intent::CloseSpecial { version, .. }
            | Intent::ArchiveUser { version, .. }
            | Intent::ArchiveEntry { version, .. }
            | Intent::RevokeRole { version, .. }
            | Intent::AnswerAppeal { version, .. }
            | Intent::CardToAppeal { version, .. }
            | Intent::ExtendAppeal { version, .. } => *version = v,
            Intent::SaveTerritory { base, .. } => set_meta_version(&mut base.meta, v),
            Intent::SaveVenue { base, .. } => set_meta_version(&mut base.meta, v),
            Intent::SaveDepartment { base, .. } => set_meta_version(&mut base.meta, v),
            Intent::SaveOrganisation { base, .. } => set_meta_version(&mut base.meta, v),
            Intent::SaveGroup { base, .. } => set_meta_version(&mut base.meta, v),
            Intent::CreateUser { .. }
            | Intent::SetPassword { .. }
            | Intent::SaveCard { .. }
            | Intent::RegisterAppeal { .. }
            | Intent::Issue { .. }
            | Intent::SubAssign { .. }
            | Intent::Export { .. }
            | Intent::SaveCalendarYear
            | Intent::PlanMeeting { .. }
            | Intent::PastMeeting { .. }
            | Intent::ImportClassifier => {}
        }
    }

    /// The entity whose version the form carries.
    pub fn target(&self) -> Option<Target> {
        match &self.intent {
            Intent::Meeting { id, .. }
            | Intent::Prepare { id, .. }
            | Intent::Protocol { id, .. }
            | Intent::Publication { id, .. }
            | Intent::Informing { id, .. } => Some(Target::Meeting(*id)),
            Intent::RequestExtension { id, .. } | Intent::Decide { id, .. } => {
                Some(Target::Assignment(*id))
            }
            Intent::GrantRole { user_id, .. }
            | Intent::RevokeRole { user_id, .. }
            | Intent::EditUser { user_id, .. }
            | Intent::ArchiveUser { user_id, .. } => Some(Target::User(*user_id)),
            Intent::ArchiveEntry { kind, id, .. } => match kind {
                pb::DirectoryKind::Territory => Some(Target::Territory(*id)),
                pb::DirectoryKind::Venue => Some(Target::Venue(*id)),
                pb::DirectoryKind::Department => Some(Target::Department(*id)),
                pb::DirectoryKind::Organisation => Some(Target::Organisation(*id)),
                pb::DirectoryKind::Unspecified => None,
            },
            Intent::AnswerAppeal { id, .. }
            | Intent::ExtendAppeal { id, .. }
            | Intent::ForwardAppeal { id, .. }
            | Intent::CloseSpecial { id, .. } => Some(Target::Appeal(*id)),
            Intent::CardToAppeal { id, .. } => Some(Target::Card(*id)),
            Intent::SaveTerritory { base, .. } => base
                .meta
                .filter(|m| m.id != 0)
                .map(|m| Target::Territory(m.id)),
            Intent::SaveVenue { base, .. } => {
                base.meta.filter(|m| m.id != 0).map(|m| Target::Venue(m.id))
            }
            Intent::SaveDepartment { base, .. } => base
                .meta
                .filter(|m| m.id != 0)
                .map(|m| Target::Department(m.id)),
            Intent::SaveOrganisation { base, .. } => base
                .meta
                .filter(|m| m.id != 0)
                .map(|m| Target::Organisation(m.id)),
            Intent::SaveGroup { base, .. } => {
                base.meta.filter(|m| m.id != 0).map(|m| Target::Group(m.id))
            }
            Intent::CreateUser { .. }
            | Intent::SetPassword { .. }
            | Intent::SaveCard { .. }
            | Intent::RegisterAppeal { .. }
            | Intent::Issue { .. }
            | Intent::SubAssign { .. }
            | Intent::Export { .. }
            | Intent::SaveCalendarYear
            | Intent::PlanMeeting { .. }
            | Intent::PastMeeting { .. }
            | Intent::ImportClassifier => None,
        }
    }

    /// What to say when it worked.
    pub fn done_text(&self, lang: Lang) -> String {
        let w = match &self.intent {
            Intent::Meeting { step, .. } => match step {
                MeetingStep::Sign => W::DoneSigned,
                MeetingStep::MarkHeld => W::DoneHeld,
                MeetingStep::HandOver => W::DoneHandedOver,
                MeetingStep::Acknowledge => W::DoneAcknowledged,
                MeetingStep::Notify => W::DoneNotified,
            },
            Intent::PlanMeeting { .. } => W::DonePlanned,
            Intent::PastMeeting { .. } => W::DonePastMeeting,
            Intent::Prepare { step, .. } => match step {
                Prep::Venue { .. } => W::DoneVenue,
                Prep::Announce => W::DoneAnnounced,
                Prep::Move { .. } => W::DoneMoved,
                Prep::Cancel => W::DoneCancelled,
                Prep::Checklist { .. } | Prep::Brief { .. } => W::DoneSavedMeeting,
                Prep::Amend => W::DoneAmended,
                Prep::Question { .. } => W::DoneQuestion,
                Prep::Decision { .. } => W::DoneDecision,
                Prep::FromDecision { .. } => W::DoneIssued,
                Prep::Participant { .. } => W::DoneParticipant,
            },
            Intent::Protocol { .. } => W::DoneProtocol,
            Intent::Publication { .. } | Intent::Informing { .. } => W::DoneRecorded,
            Intent::RequestExtension { .. } => W::DoneExtensionRequested,
            Intent::Decide { grant: true, .. } => W::DoneGranted,
            Intent::Decide { grant: false, .. } => W::DoneRefused,
            Intent::Issue { .. } | Intent::SubAssign { .. } => W::DoneIssued,
            Intent::Export { .. } => W::DoneSaved,
            Intent::GrantRole { .. } => W::DoneGrantedRole,
            Intent::RevokeRole { .. } => W::DoneRevokedRole,
            Intent::ImportClassifier => W::DoneImported,
            Intent::SaveCalendarYear => W::DoneCalendarYear,
            Intent::RegisterAppeal { .. } => W::DoneRegistered,
            Intent::AnswerAppeal { .. } => W::DoneAnswered,
            Intent::SaveCard { .. } => W::DoneCard,
            Intent::ExtendAppeal { .. } => W::DoneExtended,
            Intent::CardToAppeal { .. } => W::DoneRegistered,
            Intent::SaveTerritory { .. }
            | Intent::SaveVenue { .. }
            | Intent::SaveDepartment { .. }
            | Intent::SaveOrganisation { .. } => W::DoneDirectory,
            Intent::CreateUser { .. } => W::DoneUserCreated,
            Intent::SaveGroup { .. } => W::DoneGroup,
            Intent::EditUser { .. } => W::DoneUserSaved,
            Intent::ForwardAppeal { .. } => W::DoneForwarded,
            Intent::CloseSpecial { .. } => W::DoneClosedSpecial,
            Intent::ArchiveUser { .. } | Intent::ArchiveEntry { .. } => W::DoneArchived,
            Intent::SetPassword { .. } => W::DonePasswordSet,
        };
        w.get(lang).to_string()
    }

    /// Checks the fields and builds the call, or marks what is wrong.
    fn build(&mut self, ctx: &Ctx<'_>) -> Option<Call> {
        for f in &mut self.fields {
            f.error = None;
            if f.required && f.kind != FieldKind::Choice && f.value().is_empty() {
                f.error = Some(Text::Required.get(ctx.lang).to_string());
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
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
            return None;
        }
        match call_of(&self.intent, &self.fields, ctx) {
            Ok(call) => Some(call),
            Err(e) => {
                let text = ctx.lang.pick(&e.ru, &e.en).to_string();
                match self.fields.iter().position(|f| f.name == e.field) {
                    Some(i) => {
                        self.fields[i].error = Some(text);
                        self.focus = i;
                    }
                    None => self.error = Some(text),
                }
                None
            }
        }
    }
}

fn fields_for(intent: &Intent, lang: Lang) -> Vec<Field> {
    use FieldKind as K;
    match intent {
        Intent::Meeting { .. } => Vec::new(),
        Intent::PlanMeeting {
            territories,
            venues,
            ..
        } => meeting_forms::plan_fields(territories, venues, lang),
        Intent::PastMeeting {
            territories,
            venues,
            ..
        } => meeting_forms::past_fields(territories, venues, lang),
        Intent::Prepare { step, .. } => meeting_forms::prep_fields(step, lang),
        Intent::Protocol { base, .. } => vec![
            Field::new("number", W::FieldProtocolNumber, K::Line, true).with(base.number.clone()),
            Field::new("start_time", W::FieldStart, K::Line, false).with(base.start_time.clone()),
            Field::new("end_time", W::FieldEnd, K::Line, false).with(base.end_time.clone()),
            Field::new("residents_attending", W::FieldResidents, K::Line, true).with(
                if base.residents_attending == 0 {
                    String::new()
                } else {
                    base.residents_attending.to_string()
                },
            ),
            Field::new("members_present", W::FieldMembersPresent, K::Line, false),
            Field::new("information_given", W::FieldInformation, K::Text, false)
                .with(base.information_given.clone()),
        ],
        Intent::Publication { .. } => vec![
            Field::new("place", W::FieldPlace, K::Line, true).with(lang.pick(
                "официальный сайт администрации",
                "the administration's website",
            )),
            Field::new("link", W::FieldLink, K::Line, false),
        ],
        Intent::Informing { .. } => vec![Field::new("method", W::FieldMethod, K::Text, true)],
        Intent::RequestExtension { .. } => vec![
            Field::new("new_deadline", W::FieldNewDeadline, K::Date, true),
            Field::new("reason", W::FieldReason, K::Text, true),
        ],
        Intent::Decide { grant, .. } => {
            vec![Field::new("comment", W::FieldComment, K::Text, !grant)]
        }
        Intent::Issue { .. } | Intent::SubAssign { .. } => vec![
            Field::new("text", W::FieldAssignmentText, K::Text, true),
            Field::new("executor_id", W::FieldExecutor, K::Person, true),
            Field::new("deadline", W::FieldDeadline, K::Date, true),
        ],
        Intent::GrantRole { .. } => vec![
            Field::choice(
                "grant.role",
                W::FieldRole,
                GRANTABLE
                    .iter()
                    .map(|r| names::role(lang, *r).to_string())
                    .collect(),
            ),
            Field::new("grant.group_id", W::FieldGroupNumber, K::Line, false),
        ],
        Intent::RevokeRole { labels, .. } => {
            vec![Field::choice("grant", W::FieldRole, labels.clone())]
        }
        Intent::RegisterAppeal { territories, .. } => {
            appeal_forms::register_fields(territories, lang)
        }
        Intent::AnswerAppeal { questions, .. } => appeal_forms::answer_fields(*questions, lang),
        Intent::SaveCard { territories, .. } => appeal_forms::card_fields(territories, lang),
        Intent::CardToAppeal { .. } => Vec::new(),
        Intent::ExtendAppeal { .. } => appeal_forms::extend_fields(),
        Intent::SaveTerritory { .. } => directory_forms::territory_fields(lang),
        Intent::SaveVenue { territories, .. } => directory_forms::venue_fields(territories, lang),
        Intent::SaveCalendarYear => directory_forms::calendar_fields(),
        Intent::SaveDepartment { .. } => directory_forms::department_fields(),
        Intent::SaveOrganisation { .. } => directory_forms::organisation_fields(lang),
        Intent::CreateUser { .. } => directory_forms::user_fields(lang),
        Intent::SaveGroup { base, .. } => {
            group_forms::group_fields(base.meta.is_some_and(|m| m.id != 0))
        }
        Intent::EditUser { departments, .. } => directory_forms::edit_user_fields(departments),
        Intent::ForwardAppeal { .. } => appeal_forms::forward_fields(),
        Intent::CloseSpecial { .. } => appeal_forms::special_fields(lang),
        Intent::ArchiveUser { .. } | Intent::ArchiveEntry { .. } => Vec::new(),
        Intent::SetPassword { .. } => directory_forms::password_fields(),
        Intent::ImportClassifier => vec![
            Field::new("path", W::FieldPath, K::Line, true),
            Field::new("version", W::FieldVersion, K::Line, true),
            Field::choice("format", W::FieldFormat, vec!["json".into(), "csv".into()]),
        ],
        Intent::Export { request, kinds } => {
            // A document is printed or edited: .pdf and .docx are offered; a table in any format.
            let document = is_document(request.kind);
            let names = FORMATS
                .iter()
                .filter(|(f, _)| {
                    !document || matches!(f, pb::FileFormat::Pdf | pb::FileFormat::Docx)
                })
                .map(|(_, n)| (*n).to_string())
                .collect();
            let mut fields = Vec::new();
            if kinds.len() > 1 {
                fields.push(Field::choice(
                    "document",
                    W::FieldDocument,
                    kinds.iter().map(|(_, n)| n.clone()).collect(),
                ));
            }
            fields.push(Field::choice("format", W::FieldFormat, names));
            fields.push(Field::new("path", W::FieldSaveAs, K::Line, false));
            fields
        }
    }
}

/// Whether the server's field path (`appeal.citizen.surname`, `days_off[3]`) is the form's field
/// `name`.
fn names_field(path: &str, name: &str) -> bool {
    let path = path.split('[').next().unwrap_or(path);
    path == name || path.ends_with(&format!(".{name}"))
}

/// A directory entry's version, taken on after a stale save (a new entry has none to take).
fn set_meta_version(meta: &mut Option<pb::Meta>, v: u64) {
    if let Some(m) = meta.as_mut() {
        m.version = v;
    }
}

/// The roles an administrator grants, in the order the choice offers them.
pub const GRANTABLE: [pb::Role; 10] = [
    pb::Role::Executor,
    pb::Role::GroupMember,
    pb::Role::GroupSecretary,
    pb::Role::GroupLeader,
    pb::Role::GeneralDepartment,
    pb::Role::PopulationDepartment,
    pb::Role::ControlSector,
    pb::Role::Head,
    pb::Role::Administrator,
    pb::Role::PersonalDataOfficer,
];

pub(super) fn choice_of(fields: &[Field], name: &str) -> usize {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or(0, |f| f.choice)
}

/// A group's id from the number people type.
pub(super) fn group_by_number(
    ctx: &Ctx<'_>,
    field: &'static str,
    number: &str,
) -> Result<u64, FieldError> {
    let n: u32 = number.trim().parse().map_err(|_| {
        FieldError::new(
            field,
            "номер группы — целое число",
            "the group's number is a whole number",
        )
    })?;
    ctx.replica
        .groups
        .iter()
        .find(|g| g.number == n)
        .and_then(|g| g.meta.map(|m| m.id))
        .ok_or_else(|| {
            FieldError::new(
                field,
                "нет группы с таким номером",
                "no group with this number",
            )
        })
}

/// Reads `ДД.ММ.ГГГГ` (or ISO `ГГГГ-ММ-ДД`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
        .ok()
}

pub(super) fn date_field(field: &'static str, value: &str) -> Result<pb::Date, FieldError> {
    parse_date(value)
        .map(validate::from_naive)
        .ok_or_else(|| FieldError::new(field, "дата в виде ДД.ММ.ГГГГ", "a date as DD.MM.YYYY"))
}

/// The user a person field names (see [`person_match::resolve`]).
pub(super) fn user_id(ctx: &Ctx<'_>, field: &'static str, who: &str) -> Result<u64, FieldError> {
    match person_match::resolve(ctx.replica.users.iter(), who) {
        Ok(u) => u
            .meta
            .map(|m| m.id)
            .ok_or_else(|| FieldError::new(field, "нет такого сотрудника", "no such colleague")),
        Err(Unresolved::Nobody) => Err(FieldError::new(
            field,
            "нет такого сотрудника: введите логин или фамилию",
            "no such colleague: type a login or a surname",
        )),
        Err(Unresolved::Several(n)) => Err(FieldError::new(
            field,
            format!("подходят {n}: уточните или выберите ↑/↓"),
            format!("{n} people match: type more or choose with ↑/↓"),
        )),
    }
}

/// The names in a comma-separated list, trimmed, empty ones left out.
pub(super) fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The people a comma-separated list of logins (or names) names, each once, in order.
pub(super) fn user_ids(
    ctx: &Ctx<'_>,
    field: &'static str,
    text: &str,
) -> Result<Vec<u64>, FieldError> {
    let mut ids = Vec::new();
    for who in items(text) {
        let Ok(u) = person_match::resolve(ctx.replica.users.iter(), who) else {
            return Err(FieldError::new(
                field,
                format!("не найден один сотрудник по «{who}»: введите логин"),
                format!("«{who}» names no one person: type the login"),
            ));
        };
        let id = u.meta.map_or(0, |m| m.id);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub(super) fn value<'a>(fields: &'a [Field], name: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or("", Field::text)
}

/// A fresh id for a creating request (the server answers a repeat of it with the first result).
pub fn request_id() -> String {
    format!("tui-{}", rand::random::<u64>())
}

fn call_of(intent: &Intent, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
    let v = |name| value(fields, name).to_string();
    Ok(match intent {
        Intent::PlanMeeting {
            request_id,
            group_id,
            territories,
            venues,
        } => Call::PlanMeeting(meeting_forms::plan_call(
            request_id,
            *group_id,
            territories,
            venues,
            fields,
        )?),
        Intent::PastMeeting {
            request_id,
            group_id,
            territories,
            venues,
        } => Call::RecordPastMeeting(meeting_forms::past_call(
            request_id,
            *group_id,
            territories,
            venues,
            fields,
            ctx,
        )?),
        Intent::Prepare { step, id, version } => {
            match meeting_forms::prep_call(step, *id, *version, fields, ctx)? {
                PrepRequest::Venue(r) => Call::SetVenueAgreement(r),
                PrepRequest::Announce(r) => Call::Announce(r),
                PrepRequest::Move(r) => Call::MoveMeeting(r),
                PrepRequest::Cancel(r) => Call::CancelMeeting(r),
                PrepRequest::Checklist(r) => Call::SaveChecklist(r),
                PrepRequest::Brief(r) => Call::SaveBrief(r),
                PrepRequest::Amend(r) => Call::AmendProtocol(r),
                PrepRequest::Protocol(r) => Call::SaveProtocol(r),
                PrepRequest::Assignment(r) => Call::CreateAssignment(r),
                PrepRequest::Participant(r) => Call::SaveParticipant(r),
            }
        }
        Intent::Meeting { step, id, version } => {
            let r = pb::MeetingStepRequest {
                meeting_id: *id,
                expected_version: *version,
            };
            match step {
                MeetingStep::Sign => Call::SignProtocol(r),
                MeetingStep::MarkHeld => Call::MarkHeld(r),
                MeetingStep::HandOver => Call::HandOver(r),
                MeetingStep::Acknowledge => Call::Acknowledge(r),
                MeetingStep::Notify => Call::Notify(pb::NotifyParticipantsRequest {
                    meeting_id: *id,
                    expected_version: *version,
                }),
            }
        }
        Intent::Protocol { id, version, base } => {
            let residents = value(fields, "residents_attending");
            let residents = residents.parse::<u32>().map_err(|_| {
                FieldError::new(
                    "residents_attending",
                    "целое число жителей",
                    "a whole number of residents",
                )
            })?;
            let mut p = (**base).clone();
            p.number = v("number");
            p.start_time = v("start_time");
            p.end_time = v("end_time");
            p.residents_attending = residents;
            p.information_given = v("information_given");
            p.members_present = user_ids(ctx, "members_present", value(fields, "members_present"))?;
            Call::SaveProtocol(pb::SaveProtocolRequest {
                meeting_id: *id,
                expected_version: *version,
                protocol: Some(p),
            })
        }
        Intent::Publication {
            id,
            version,
            kind,
            draft,
        } => Call::RecordPublication(pb::RecordPublicationRequest {
            meeting_id: *id,
            expected_version: *version,
            publication: Some(pb::Publication {
                kind: *kind as i32,
                draft_text: draft.clone(),
                published: true,
                place: v("place"),
                date: Some(validate::from_naive(ctx.today)),
                link: v("link"),
            }),
        }),
        Intent::Informing { id, version } => Call::RecordInforming(pb::RecordInformingRequest {
            meeting_id: *id,
            expected_version: *version,
            informing: Some(pb::InformingTask {
                done: true,
                method: v("method"),
                date: Some(validate::from_naive(ctx.today)),
                // Who recorded it is the server's: the caller.
                recorded_by: 0,
            }),
        }),
        Intent::RequestExtension { id, version } => {
            Call::RequestExtension(pb::RequestExtensionRequest {
                assignment_id: *id,
                expected_version: *version,
                new_deadline: Some(date_field("new_deadline", value(fields, "new_deadline"))?),
                reason: v("reason"),
            })
        }
        Intent::Decide { id, version, grant } => {
            Call::DecideExtension(pb::DecideExtensionRequest {
                assignment_id: *id,
                expected_version: *version,
                grant: *grant,
                comment: v("comment"),
            })
        }
        Intent::Issue { group_id } => Call::CreateAssignment(pb::CreateAssignmentRequest {
            request_id: request_id(),
            text: v("text"),
            kind: pb::AssignmentKind::Task as i32,
            group_id: *group_id,
            executor_id: user_id(ctx, "executor_id", value(fields, "executor_id"))?,
            // 0: the server puts the group's secretary in control (3.6.8).
            controller_id: 0,
            deadline: Some(date_field("deadline", value(fields, "deadline"))?),
            ..Default::default()
        }),
        Intent::SubAssign { parent_id } => {
            Call::CreateSubAssignment(pb::CreateSubAssignmentRequest {
                request_id: request_id(),
                parent_id: *parent_id,
                text: v("text"),
                executor_id: user_id(ctx, "executor_id", value(fields, "executor_id"))?,
                deadline: Some(date_field("deadline", value(fields, "deadline"))?),
            })
        }
        Intent::GrantRole { user_id, version } => {
            let role = GRANTABLE[choice_of(fields, "grant.role") % GRANTABLE.len()];
            let group = value(fields, "grant.group_id");
            let group_id = if validate::is_group_role(role) {
                group_by_number(ctx, "grant.group_id", group)?
            } else {
                0
            };
            Call::GrantRole(pb::GrantRoleRequest {
                user_id: *user_id,
                expected_version: *version,
                grant: Some(pb::RoleGrant {
                    role: role as i32,
                    group_id,
                }),
            })
        }
        Intent::RevokeRole {
            user_id,
            version,
            grants,
            ..
        } => Call::RevokeRole(pb::RevokeRoleRequest {
            user_id: *user_id,
            expected_version: *version,
            grant: grants.get(choice_of(fields, "grant")).copied(),
        }),
        Intent::ImportClassifier => Call::ImportClassifier {
            path: std::path::PathBuf::from(value(fields, "path")),
            version: v("version"),
            format: if choice_of(fields, "format") == 1 {
                pb::ClassifierFormat::Csv
            } else {
                pb::ClassifierFormat::Json
            },
        },
        Intent::RegisterAppeal {
            request_id,
            territories,
            repeated_confirmed,
        } => {
            appeal_forms::register_call(request_id, territories, *repeated_confirmed, fields, ctx)?
        }
        Intent::AnswerAppeal {
            id,
            version,
            questions,
        } => appeal_forms::answer_call(*id, *version, *questions, fields)?,
        Intent::SaveCard {
            request_id,
            territories,
        } => appeal_forms::card_call(request_id, territories, fields, ctx)?,
        Intent::ExtendAppeal { id, version } => appeal_forms::extend_call(*id, *version, fields)?,
        Intent::CardToAppeal {
            id,
            version,
            request_id,
        } => Call::CardToAppeal(pb::CardToAppealRequest {
            request_id: request_id.clone(),
            card_id: *id,
            expected_version: *version,
        }),
        Intent::SaveTerritory { base, request_id } => {
            directory_forms::territory_call(base, request_id, fields)?
        }
        Intent::SaveVenue {
            base,
            request_id,
            territories,
        } => directory_forms::venue_call(base, request_id, territories, fields)?,
        Intent::SaveCalendarYear => directory_forms::calendar_call(fields)?,
        Intent::SaveDepartment { base, request_id } => {
            directory_forms::department_call(base, request_id, fields, ctx)?
        }
        Intent::SaveOrganisation { base, request_id } => {
            directory_forms::organisation_call(base, request_id, fields)?
        }
        Intent::CreateUser { request_id } => directory_forms::user_call(request_id, fields, ctx)?,
        Intent::EditUser {
            user_id,
            version,
            departments,
        } => Call::UpdateUser(directory_forms::edit_user_call(
            *user_id,
            *version,
            departments,
            fields,
        )),
        Intent::ForwardAppeal { id, version } => appeal_forms::forward_call(*id, *version, fields)?,
        Intent::CloseSpecial { id, version } => appeal_forms::special_call(*id, *version, fields)?,
        Intent::ArchiveUser { user_id, version } => Call::ArchiveUser(pb::ArchiveUserRequest {
            user_id: *user_id,
            expected_version: *version,
        }),
        Intent::ArchiveEntry { kind, id, version } => Call::Archive(pb::ArchiveRequest {
            kind: *kind as i32,
            id: *id,
            expected_version: *version,
        }),
        Intent::SaveGroup { base, request_id } => {
            let group = group_forms::group_of(base, fields, ctx)?;
            match base.meta.filter(|m| m.id != 0) {
                Some(m) => Call::UpdateGroup(pb::UpdateGroupRequest {
                    expected_version: m.version,
                    group: Some(group),
                    reason: v("reason"),
                }),
                None => Call::CreateGroup(pb::CreateGroupRequest {
                    request_id: request_id.clone(),
                    group: Some(group),
                }),
            }
        }
        Intent::SetPassword { user_id } => directory_forms::password_call(*user_id, fields)?,
        Intent::Export { request, kinds } => {
            // The options may be fewer than FORMATS (documents are .pdf/.docx): go by the name.
            let chosen = fields
                .iter()
                .find(|f| f.name == "format")
                .and_then(|f| f.options.get(f.choice))
                .map_or("", String::as_str);
            let (format, ext) = FORMATS
                .iter()
                .copied()
                .find(|(_, n)| *n == chosen)
                .unwrap_or(FORMATS[0]);
            let mut r = (**request).clone();
            r.format = format as i32;
            if let Some((kind, _)) = fields
                .iter()
                .find(|f| f.name == "document")
                .and_then(|f| kinds.get(f.choice))
            {
                r.kind = *kind as i32;
            }
            let typed = value(fields, "path").trim();
            let path = (!typed.is_empty()).then(|| {
                let mut path = std::path::PathBuf::from(typed);
                if path.extension().is_none_or(|e| e != ext) {
                    path.set_extension(ext);
                }
                path
            });
            Call::Export { request: r, path }
        }
    })
}

impl Component for FormPopup {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut c = vec![Command::Submit, Command::Cancel];
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

    fn typing(&self) -> bool {
        !self.fields.is_empty()
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
        match command {
            Command::Up => self.scroll_summary(-1, ctx.size),
            Command::Down => self.scroll_summary(1, ctx.size),
            Command::PageUp => self.scroll_summary(-page, ctx.size),
            Command::PageDown => self.scroll_summary(page, ctx.size),
            // What is confirmed is read to its end first: Enter pages on until it has been shown.
            Command::Submit if self.lines_below(ctx.size) > 0 => {
                self.scroll_summary(page, ctx.size);
            }
            Command::Cancel => out.send(Msg::ClosePopup),
            Command::NextField => self.focus = (self.focus + 1) % n,
            Command::PrevField => self.focus = (self.focus + n - 1) % n,
            Command::Submit if !self.pending => {
                self.error = None;
                if let Some(call) = self.build(ctx) {
                    self.pending = true;
                    out.run(Cmd::Call {
                        origin: Origin::Form,
                        call: Box::new(call),
                    });
                }
            }
            Command::Help => out.send(Msg::ShowHelp),
            _ => {}
        }
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, out: &mut Outbox) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        if matches!(field.kind, FieldKind::Person | FieldKind::Classifier) {
            let step = match key.code {
                KeyCode::Down => 1,
                KeyCode::Up => -1,
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
            if field.input.handle_key(key) {
                field.query = None;
                field.error = None;
                if field.kind == FieldKind::Classifier {
                    search_classifier(field, out);
                }
                return true;
            }
            return false;
        }
        if field.kind == FieldKind::Choice {
            let n = field.options.len().max(1);
            let before = field.choice;
            match key.code {
                KeyCode::Left => field.choice = (field.choice + n - 1) % n,
                KeyCode::Right | KeyCode::Char(' ') => field.choice = (field.choice + 1) % n,
                _ => return false,
            }
            if let Intent::Prepare { step, .. } = &self.intent {
                step.chosen(&mut self.fields, before);
            }
            return true;
        }
        let handled = field.input.handle_key(key);
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

/// The form that saves a server-rendered file. Its name is left empty: the file is then saved
/// under the name the server gives it (the document, its number and period); a name typed in
/// is used instead (its extension follows the chosen format).
pub fn export_form(request: pb::ExportRequest, summary: Vec<String>, lang: Lang) -> FormPopup {
    FormPopup::new(
        Intent::Export {
            request: Box::new(request),
            kinds: Vec::new(),
        },
        W::ExportTitle.get(lang).to_string(),
        summary,
        lang,
    )
}

/// The form to save one of several documents of a record (`kinds`, the first chosen at first),
/// named as [`export_form`] says.
pub fn export_choice_form(
    kinds: Vec<(pb::ExportKind, String)>,
    id: u64,
    summary: Vec<String>,
    lang: Lang,
) -> FormPopup {
    let request = pb::ExportRequest {
        kind: kinds.first().map_or(0, |(k, _)| *k as i32),
        id,
        ..Default::default()
    };
    FormPopup::new(
        Intent::Export {
            request: Box::new(request),
            kinds,
        },
        W::ExportTitle.get(lang).to_string(),
        summary,
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_the_russian_way_or_iso() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 30);
        assert_eq!(parse_date("30.12.2026"), d);
        assert_eq!(parse_date(" 2026-12-30 "), d);
        assert_eq!(parse_date("31.02.2026"), None);
        assert_eq!(parse_date("завтра"), None);
    }
}
