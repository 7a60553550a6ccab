//! The app's messages ([`Msg`]: what happened) and commands ([`Cmd`]: work for the outside world,
//! whose results come back as messages), with what they carry. Plain data: everything above
//! this module may name them, and they name nothing of the screens.

pub mod call;
pub mod draft;
pub mod error;
pub mod step;

use std::fmt;

use crossterm::event::KeyEvent;
use infogroups_shared::pb;

use self::call::{Call, Origin, Reply};

use crate::msg::draft::Draft;
use crate::msg::error::RpcError;
use crate::msg::step::Action;
use crate::replica::snapshot::Snapshot;

/// A password, kept out of every `Debug` output and log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A successful login, as the app needs it (the token stays with the connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOk {
    /// The user's id.
    pub user_id: u64,
    /// The login name used.
    pub username: String,
    /// The full name.
    pub full_name: String,
    /// The roles held.
    pub roles: Vec<pb::RoleGrant>,
}

/// Everything that can happen to the app.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key was pressed.
    Key(KeyEvent),
    /// Text was pasted into the terminal: all of it in one message, however long.
    Paste(String),
    /// The terminal was resized.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// Time passed (the clock for deadlines, the blink, flash expiry).
    Tick {
        /// The local clock, UTC ms.
        now_ms: i64,
    },
    /// The login call answered.
    LoginDone(Result<LoginOk, RpcError>),
    /// The sync task reported (`generation` tells which session it belongs to).
    Sync {
        /// The session the sync task was started for.
        generation: u64,
        /// What it reported.
        event: SyncEvent,
    },
    /// A step on an assignment answered.
    StepDone {
        /// The assignment.
        assignment_id: u64,
        /// The step.
        action: Action,
        /// The assignment's new state, or why not.
        result: Result<Box<pb::Assignment>, RpcError>,
    },
    /// A call answered.
    CallDone {
        /// Who asked.
        origin: Origin,
        /// The answer, or why not.
        result: Result<Reply, RpcError>,
    },
    /// Internal: open the help for whatever has the focus.
    ShowHelp,
    /// Internal: close the top popup.
    ClosePopup,
    /// Internal: show this record on the first tab that lists it.
    Show(Target),
    /// Internal: switch to the next role.
    SwitchRole,
    /// Internal: sign out.
    Logout,
    /// Internal: leave the program.
    Quit,
    /// A draft of this user's was found on disk: the client offers it.
    DraftFound(Box<Draft>),
    /// Internal: open the form of this draft again, with its values.
    ReopenDraft(Box<Draft>),
    /// Internal: the user dropped the draft offered.
    DropDraft,
    /// Internal: the report tab of `kind` shows the days `from`–`to`.
    ReportPeriod {
        /// Which report tab.
        kind: call::ReportKind,
        /// The first day.
        from: chrono::NaiveDate,
        /// The last day.
        to: chrono::NaiveDate,
    },
}

/// A record a notification (or another record) leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An assignment.
    Assignment(u64),
    /// A meeting.
    Meeting(u64),
    /// An appeal.
    Appeal(u64),
}

/// Work for the outside world; each result comes back as a [`Msg`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Sign in.
    Login {
        /// Username.
        username: String,
        /// Password.
        password: Secret,
    },
    /// Start syncing for the session `generation`.
    StartSync {
        /// The session.
        generation: u64,
    },
    /// Stop syncing.
    StopSync,
    /// Take a step on an assignment.
    Step {
        /// The assignment.
        assignment_id: u64,
        /// The version the user saw.
        expected_version: u64,
        /// The step.
        action: Action,
        /// Report text or reason.
        text: String,
    },
    /// Any other call.
    Call {
        /// Who asks (where the answer goes).
        origin: Origin,
        /// The request.
        call: Box<Call>,
    },
    /// Revoke the session's token.
    Logout,
    /// Put text on the clipboard of the computer the terminal runs on (OSC 52).
    CopyToClipboard(String),
    /// Keep `draft` on disk as `user`'s draft on this server, replacing the one before.
    KeepDraft {
        /// The login.
        user: String,
        /// What the changed form holds.
        draft: Box<Draft>,
    },
    /// Remove `user`'s draft from disk (sent or dropped).
    DropDraft {
        /// The login.
        user: String,
    },
    /// Look for `user`'s draft on disk; one found comes back as [`Msg::DraftFound`].
    LoadDraft {
        /// The login.
        user: String,
    },
}

/// How the client is connected, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Link {
    /// Taking the first snapshot.
    #[default]
    Connecting,
    /// The watch stream is open.
    Online,
    /// The stream broke; trying again.
    Reconnecting,
    /// Several attempts failed; still trying, less often.
    Offline,
}

/// What the sync task reports.
#[derive(Debug, Clone)]
pub enum SyncEvent {
    /// A full snapshot: replace the replica.
    Snapshot(Box<Snapshot>),
    /// One committed change.
    Event(Box<pb::Event>),
    /// The server is alive; its clock.
    Heartbeat {
        /// The server's time, UTC ms.
        server_time_ms: i64,
        /// The server runs on a training clock.
        training_clock: bool,
    },
    /// The connection state changed.
    Link(Link),
    /// The token expired or was revoked: sign in again.
    SessionEnded(RpcError),
}
