//! The commands a key can run, in the order the help lists them, with their names in the
//! configuration file.

/// Everything a key can ask the client to do. Components list the commands they answer to; the
/// keymap decides which keys produce them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    /// Leave the program.
    Quit,
    /// Show the keys of the current screen.
    Help,
    /// Move up one row (or scroll up).
    Up,
    /// Move down one row (or scroll down).
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Go to the first row.
    Home,
    /// Go to the last row.
    End,
    /// Open the selected item.
    Open,
    /// Go back from a panel to the list.
    Back,
    /// Filter the list by text.
    Filter,
    /// Switch to the next of the user's roles.
    SwitchRole,
    /// Submit an execution report (executor).
    SubmitReport,
    /// Accept a report (controller or issuer).
    Accept,
    /// Return a report for rework (controller or issuer).
    Return,
    /// End the session and go back to the login screen.
    Logout,
    /// Move to the next field of a form.
    NextField,
    /// Move to the previous field of a form.
    PrevField,
    /// Choose the next option of a form's choice field.
    NextOption,
    /// Choose the previous option of a form's choice field.
    PrevOption,
    /// Put the next person or question found into a form's search field.
    NextMatch,
    /// Put the previous person or question found into a form's search field.
    PrevMatch,
    /// Move a text field's cursor one character left.
    CursorLeft,
    /// Move a text field's cursor one character right.
    CursorRight,
    /// Move a text field's cursor to its start.
    LineStart,
    /// Move a text field's cursor to its end.
    LineEnd,
    /// Delete the character before a text field's cursor.
    DeleteBack,
    /// Delete the character at a text field's cursor.
    DeleteForward,
    /// Delete everything before a text field's cursor.
    ClearToStart,
    /// Start a new line in a long text field.
    NewLine,
    /// Move a long text field's cursor one line up.
    LineUp,
    /// Move a long text field's cursor one line down.
    LineDown,
    /// Undo the last change of a long text field.
    Undo,
    /// Redo the change undone last.
    Redo,
    /// Send a form while a long text field has the focus (there Enter starts a new line).
    SubmitText,
    /// Yes, close the changed form and lose what was typed.
    Discard,
    /// No, go back to the changed form.
    KeepEditing,
    /// Tick or untick the option under a checklist's cursor.
    TogglePick,
    /// Open the draft a previous session left, with its values.
    OpenDraft,
    /// Delete the draft a previous session left.
    DropDraft,
    /// Send a form or confirm.
    Submit,
    /// Close a form or popup without sending.
    Cancel,
    /// Go to the next tab of the workspace.
    NextTab,
    /// Go to the previous tab of the workspace.
    PrevTab,
    /// Go to tab 1.
    Tab1,
    /// Go to tab 2.
    Tab2,
    /// Go to tab 3.
    Tab3,
    /// Go to tab 4.
    Tab4,
    /// Go to tab 5.
    Tab5,
    /// Go to tab 6.
    Tab6,
    /// Go to tab 7.
    Tab7,
    /// Go to tab 8.
    Tab8,
    /// Go to tab 9.
    Tab9,
    /// Change the list's order.
    Sort,
    /// Ask the server again (reports).
    Refresh,
    /// Sign the protocol (leader).
    Sign,
    /// Send the protocol draft to the leader for signature (secretary).
    SendForSignature,
    /// Mark the meeting held.
    MarkHeld,
    /// Edit the protocol.
    EditProtocol,
    /// Notify the participants.
    Notify,
    /// Hand the signed protocol to the control sector.
    HandOver,
    /// Acknowledge receipt of a protocol (control sector).
    Acknowledge,
    /// Record a publication or informing as done.
    MarkDone,
    /// Ask for a later deadline (executor).
    RequestExtension,
    /// Grant the extension request.
    Grant,
    /// Refuse the extension request.
    Deny,
    /// Issue a new assignment.
    Issue,
    /// Give part of an assignment to someone (sub-assignment).
    SubAssign,
    /// Mark the notification read.
    MarkRead,
    /// Mark every notification read.
    MarkAllRead,
    /// Choose which notifications also come by mail, and to which address.
    MailSettings,
    /// See, add and remove one's own SSH public keys.
    SshKeys,
    /// Change the report's period.
    Period,
    /// Show a report for any days: from and to, typed.
    CustomPeriod,
    /// Change what the figures are grouped by.
    Dimension,
    /// Save the report as a file.
    Export,
    /// The files kept on the record: attach one from this computer, save one, or get its link.
    Files,
    /// Copy a download link to the clipboard of the terminal's own computer.
    CopyLink,
    /// Print the list as shown (its filter in the title) as a register.
    PrintList,
    /// Give the user a role (administrator).
    GrantRole,
    /// Take a role away (administrator).
    RevokeRole,
    /// Import the classifier from a file (administrator).
    Import,
    /// Create a new record: an appeal, an account, a territory, a venue.
    New,
    /// Change the selected record.
    Edit,
    /// Set a user's password (administrator).
    SetPassword,
    /// Show the applicant's personal data (recorded in the audit log).
    Applicant,
    /// Register a reception card's question as a written appeal.
    ToAppeal,
    /// Record the answer to an appeal.
    Answer,
    /// Record the venue agreement (secretary, leader).
    AgreeVenue,
    /// Announce the meeting.
    Announce,
    /// Move the meeting to another date, time or venue.
    MoveMeeting,
    /// Cancel the meeting.
    CancelMeeting,
    /// Tick the meeting's preparation checklist.
    Checklist,
    /// Draft or edit the territory brief.
    Brief,
    /// Add a question raised at the meeting to the protocol.
    AddQuestion,
    /// Add a decision to the protocol.
    AddDecision,
    /// Invite a participant or change one's state.
    Participants,
    /// Archive an account or a directory entry (administrator).
    Archive,
    /// Show a wide table's columns further left.
    ColumnsLeft,
    /// Show a wide table's columns further right.
    ColumnsRight,
    /// Go to the assignment a notification is about.
    ToRecord,
    /// Forward an appeal to the competent body.
    Forward,
    /// Close an appeal without an answer on the merits (art. 11).
    CloseSpecial,
    /// Move a training clock a day forward (an administrator on a `--clock` server).
    AdvanceClock,
    /// Enter a meeting held before the system, after the fact (the group's secretary or leader).
    PastMeeting,
    /// Show the page of older records (the view log pages back through the audit).
    OlderPage,
    /// Show the page of newer records again.
    NewerPage,
    /// Show only the selected record's person.
    FilterPerson,
    /// Show only the selected record's appeal or card.
    FilterRecord,
}

impl Command {
    /// Every command, in the order the help lists them.
    pub const ALL: [Command; 109] = [
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Home,
        Command::End,
        Command::Open,
        Command::Back,
        Command::Filter,
        Command::SubmitReport,
        Command::Accept,
        Command::Return,
        Command::NextTab,
        Command::PrevTab,
        Command::Tab1,
        Command::Tab2,
        Command::Tab3,
        Command::Tab4,
        Command::Tab5,
        Command::Tab6,
        Command::Tab7,
        Command::Tab8,
        Command::Tab9,
        Command::Sort,
        Command::Refresh,
        Command::Sign,
        Command::SendForSignature,
        Command::MarkHeld,
        Command::EditProtocol,
        Command::Notify,
        Command::HandOver,
        Command::Acknowledge,
        Command::MarkDone,
        Command::RequestExtension,
        Command::Grant,
        Command::Deny,
        Command::Issue,
        Command::SubAssign,
        Command::MarkRead,
        Command::MarkAllRead,
        Command::MailSettings,
        Command::SshKeys,
        Command::Period,
        Command::CustomPeriod,
        Command::Dimension,
        Command::Export,
        Command::Files,
        Command::CopyLink,
        Command::PrintList,
        Command::GrantRole,
        Command::RevokeRole,
        Command::Import,
        Command::New,
        Command::Edit,
        Command::SetPassword,
        Command::Applicant,
        Command::ToAppeal,
        Command::Answer,
        Command::AgreeVenue,
        Command::Announce,
        Command::MoveMeeting,
        Command::CancelMeeting,
        Command::Checklist,
        Command::Brief,
        Command::AddQuestion,
        Command::AddDecision,
        Command::Participants,
        Command::Archive,
        Command::ColumnsLeft,
        Command::ColumnsRight,
        Command::ToRecord,
        Command::Forward,
        Command::CloseSpecial,
        Command::AdvanceClock,
        Command::PastMeeting,
        Command::OlderPage,
        Command::NewerPage,
        Command::FilterPerson,
        Command::FilterRecord,
        Command::SwitchRole,
        Command::NextField,
        Command::PrevField,
        Command::PrevOption,
        Command::NextOption,
        Command::PrevMatch,
        Command::NextMatch,
        Command::CursorLeft,
        Command::CursorRight,
        Command::LineStart,
        Command::LineEnd,
        Command::DeleteBack,
        Command::DeleteForward,
        Command::ClearToStart,
        Command::NewLine,
        Command::LineUp,
        Command::LineDown,
        Command::Undo,
        Command::Redo,
        Command::Submit,
        Command::SubmitText,
        Command::Discard,
        Command::KeepEditing,
        Command::TogglePick,
        Command::OpenDraft,
        Command::DropDraft,
        Command::Cancel,
        Command::Logout,
        Command::Help,
        Command::Quit,
    ];

    /// The tab commands, by number.
    pub const TABS: [Command; 9] = [
        Command::Tab1,
        Command::Tab2,
        Command::Tab3,
        Command::Tab4,
        Command::Tab5,
        Command::Tab6,
        Command::Tab7,
        Command::Tab8,
        Command::Tab9,
    ];

    /// The commands that edit a text field: a field that has the focus runs them for its keys
    /// (printable keys type instead).
    pub const EDITING: [Command; 7] = [
        Command::CursorLeft,
        Command::CursorRight,
        Command::LineStart,
        Command::LineEnd,
        Command::DeleteBack,
        Command::DeleteForward,
        Command::ClearToStart,
    ];

    /// The commands a long (multi-line) text field adds to [`Command::EDITING`].
    pub const TEXT_EDITING: [Command; 5] = [
        Command::NewLine,
        Command::LineUp,
        Command::LineDown,
        Command::Undo,
        Command::Redo,
    ];

    /// The command's name in the configuration file.
    pub fn config_name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Home => "home",
            Command::End => "end",
            Command::Open => "open",
            Command::Back => "back",
            Command::Filter => "filter",
            Command::SwitchRole => "switch_role",
            Command::SubmitReport => "submit_report",
            Command::Accept => "accept",
            Command::Return => "return",
            Command::Logout => "logout",
            Command::NextField => "next_field",
            Command::PrevField => "prev_field",
            Command::NextOption => "next_option",
            Command::PrevOption => "prev_option",
            Command::NextMatch => "next_match",
            Command::PrevMatch => "prev_match",
            Command::CursorLeft => "cursor_left",
            Command::CursorRight => "cursor_right",
            Command::LineStart => "line_start",
            Command::LineEnd => "line_end",
            Command::DeleteBack => "delete_back",
            Command::DeleteForward => "delete_forward",
            Command::ClearToStart => "clear_to_start",
            Command::NewLine => "new_line",
            Command::LineUp => "line_up",
            Command::LineDown => "line_down",
            Command::Undo => "undo",
            Command::Redo => "redo",
            Command::SubmitText => "submit_text",
            Command::Discard => "discard",
            Command::KeepEditing => "keep_editing",
            Command::TogglePick => "toggle_pick",
            Command::OpenDraft => "open_draft",
            Command::DropDraft => "drop_draft",
            Command::Submit => "submit",
            Command::Cancel => "cancel",
            Command::NextTab => "next_tab",
            Command::PrevTab => "prev_tab",
            Command::Tab1 => "tab_1",
            Command::Tab2 => "tab_2",
            Command::Tab3 => "tab_3",
            Command::Tab4 => "tab_4",
            Command::Tab5 => "tab_5",
            Command::Tab6 => "tab_6",
            Command::Tab7 => "tab_7",
            Command::Tab8 => "tab_8",
            Command::Tab9 => "tab_9",
            Command::Sort => "sort",
            Command::Refresh => "refresh",
            Command::Sign => "sign",
            Command::SendForSignature => "send_for_signature",
            Command::MarkHeld => "mark_held",
            Command::EditProtocol => "edit_protocol",
            Command::Notify => "notify",
            Command::HandOver => "hand_over",
            Command::Acknowledge => "acknowledge",
            Command::MarkDone => "mark_done",
            Command::RequestExtension => "request_extension",
            Command::Grant => "grant",
            Command::Deny => "deny",
            Command::Issue => "issue",
            Command::SubAssign => "sub_assign",
            Command::MarkRead => "mark_read",
            Command::MarkAllRead => "mark_all_read",
            Command::MailSettings => "mail_settings",
            Command::SshKeys => "ssh_keys",
            Command::Period => "period",
            Command::CustomPeriod => "custom_period",
            Command::Dimension => "dimension",
            Command::Export => "export",
            Command::Files => "files",
            Command::CopyLink => "copy_link",
            Command::PrintList => "print_list",
            Command::GrantRole => "grant_role",
            Command::RevokeRole => "revoke_role",
            Command::Import => "import",
            Command::New => "new",
            Command::Edit => "edit",
            Command::SetPassword => "set_password",
            Command::Applicant => "applicant",
            Command::ToAppeal => "to_appeal",
            Command::Answer => "answer",
            Command::AgreeVenue => "agree_venue",
            Command::Announce => "announce",
            Command::MoveMeeting => "move_meeting",
            Command::CancelMeeting => "cancel_meeting",
            Command::Checklist => "checklist",
            Command::Brief => "brief",
            Command::AddQuestion => "add_question",
            Command::AddDecision => "add_decision",
            Command::Participants => "participants",
            Command::Archive => "archive",
            Command::ColumnsLeft => "columns_left",
            Command::ColumnsRight => "columns_right",
            Command::ToRecord => "to_record",
            Command::Forward => "forward",
            Command::CloseSpecial => "close_special",
            Command::AdvanceClock => "advance_clock",
            Command::PastMeeting => "past_meeting",
            Command::OlderPage => "older_page",
            Command::NewerPage => "newer_page",
            Command::FilterPerson => "filter_person",
            Command::FilterRecord => "filter_record",
        }
    }

    /// The command named `name` in the configuration file.
    pub fn from_config_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.config_name() == name)
    }
}
