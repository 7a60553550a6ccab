//! The calls the workspaces make to the server, as plain data: one [`Call`] per request, the
//! [`Reply`] it brings and the [`Origin`] that says where the answer goes. `net::calls` runs them.

use std::path::PathBuf;

use infogroups_shared::pb;

/// A request to the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// Read one's own mail preferences.
    MailPreferences,
    /// Save one's own mail preferences.
    SetMailPreferences(pb::MailPreferences),
    /// Read one's own SSH public keys.
    SshKeys,
    /// Add an SSH public key (one OpenSSH line) to one's own account.
    AddSshKey(String),
    /// Remove one of one's own SSH public keys, by fingerprint.
    RemoveSshKey(String),
    /// Sign the protocol (leader).
    SignProtocol(pb::MeetingStepRequest),
    /// Send the protocol for signature (secretary).
    SendForSignature(pb::MeetingStepRequest),
    /// Mark the meeting held.
    MarkHeld(pb::MeetingStepRequest),
    /// Hand the signed protocol over to the control sector.
    HandOver(pb::MeetingStepRequest),
    /// The control sector acknowledges receipt.
    Acknowledge(pb::MeetingStepRequest),
    /// The control sector returns the protocol to the secretary.
    ReturnProtocol(pb::ReturnProtocolRequest),
    /// Notify the meeting's members and participants.
    Notify(pb::NotifyParticipantsRequest),
    /// Save the protocol draft.
    SaveProtocol(pb::SaveProtocolRequest),
    /// Plan a meeting.
    PlanMeeting(pb::PlanMeetingRequest),
    /// Enter a past meeting after the fact.
    RecordPastMeeting(pb::RecordPastMeetingRequest),
    /// Forward an appeal.
    ForwardAppeal(pb::ForwardAppealRequest),
    /// Close an appeal under art. 11.
    CloseSpecial(pb::CloseSpecialRequest),
    /// Change an account.
    UpdateUser(pb::UpdateUserRequest),
    /// Archive an account.
    ArchiveUser(pb::ArchiveUserRequest),
    /// Archive a directory entry.
    Archive(pb::ArchiveRequest),
    /// Create an information group.
    CreateGroup(pb::CreateGroupRequest),
    /// Change a group's composition.
    UpdateGroup(pb::UpdateGroupRequest),
    /// Record the venue agreement.
    SetVenueAgreement(pb::SetVenueAgreementRequest),
    /// Announce the meeting.
    Announce(pb::MeetingStepRequest),
    /// Move the meeting.
    MoveMeeting(pb::MoveMeetingRequest),
    /// Cancel the meeting.
    CancelMeeting(pb::CancelMeetingRequest),
    /// Invite a participant or change one's state.
    SaveParticipant(pb::SaveParticipantRequest),
    /// Save the preparation checklist.
    SaveChecklist(pb::SaveChecklistRequest),
    /// Search the classifier (a classifier field being typed in).
    SearchClassifier(pb::SearchClassifierRequest),
    /// Draft the territory brief from the store (nothing is saved).
    DraftBrief(pb::DraftBriefRequest),
    /// Save the territory brief.
    SaveBrief(pb::SaveBriefRequest),
    /// Record an amendment to a signed protocol.
    AmendProtocol(pb::AmendProtocolRequest),
    /// Record a publication.
    RecordPublication(pb::RecordPublicationRequest),
    /// Record informing the residents.
    RecordInforming(pb::RecordInformingRequest),
    /// Ask for a later deadline.
    RequestExtension(pb::RequestExtensionRequest),
    /// Decide an extension request.
    DecideExtension(pb::DecideExtensionRequest),
    /// Issue an assignment.
    CreateAssignment(pb::CreateAssignmentRequest),
    /// Give part of an assignment to someone else.
    CreateSubAssignment(pb::CreateSubAssignmentRequest),
    /// Save a territory.
    SaveTerritory(pb::SaveTerritoryRequest),
    /// Save a venue.
    SaveVenue(pb::SaveVenueRequest),
    /// Enter a production calendar year.
    SaveCalendarYear(pb::CalendarYear),
    /// Save a department.
    SaveDepartment(pb::SaveDepartmentRequest),
    /// Save an outside organisation.
    SaveOrganisation(pb::SaveOrganisationRequest),
    /// Create an account.
    CreateUser(Box<pb::CreateUserRequest>),
    /// Set a user's password.
    SetPassword(pb::SetPasswordRequest),
    /// Register a written appeal.
    RegisterAppeal(Box<pb::RegisterAppealRequest>),
    /// Record an appeal's answer.
    AnswerAppeal(pb::AnswerAppealRequest),
    /// Extend an appeal's deadline.
    ExtendAppeal(pb::ExtendAppealRequest),
    /// Fill a reception card.
    SaveCard(Box<pb::SaveReceptionCardRequest>),
    /// Make a written appeal of a reception card.
    CardToAppeal(pb::CardToAppealRequest),
    /// An appeal with its applicant, if the user may see them (the server logs the view).
    Applicant(u64),
    /// Mark notifications read.
    MarkRead(pb::MarkReadRequest),
    /// The head's dashboard.
    Dashboard,
    /// The quarterly-minimum table.
    Quarterly(pb::QuarterlyMinimumRequest),
    /// An ad-hoc aggregate.
    Aggregate(pb::AggregateRequest),
    /// The groups' half-year or annual report.
    GroupsReport(pb::GroupsReportRequest),
    /// The annual analysis of appeals.
    AppealsAnalysis(pb::AppealsAnalysisRequest),
    /// Give a user a role.
    GrantRole(pb::GrantRoleRequest),
    /// Take a role away.
    RevokeRole(pb::RevokeRoleRequest),
    /// The production calendar's years.
    CalendarYears,
    /// Move the training clock forward (administrator, `--clock` server).
    AdvanceClock(pb::AdvanceClockRequest),
    /// Import the classifier from a file.
    ImportClassifier {
        /// The file (JSON or CSV).
        path: PathBuf,
        /// The classifier's version, e.g. «2024».
        version: String,
        /// The file's format.
        format: pb::ClassifierFormat,
    },
    /// A page of the audit log (the view log of citizens' personal data).
    ListAudit(pb::ListAuditRequest),
    /// A document or table rendered by the server, saved into the download folder.
    Export {
        /// What to render.
        request: pb::ExportRequest,
        /// The name (or path) the user gave; `None` saves it under the server's name for it,
        /// which carries the document, its number and period.
        path: Option<PathBuf>,
    },
    /// The same file behind a one-time link the server serves, to open on one's own computer.
    ShareExport(pb::ExportRequest),
    /// The files kept on a record.
    ListAttachments(pb::RecordRef),
    /// Keep a file of the machine the client runs on with a record.
    Attach {
        /// The record.
        record: pb::RecordRef,
        /// The file (`~` already expanded).
        path: PathBuf,
    },
    /// Save a file kept on a record into the download folder.
    SaveAttachment {
        /// Which file.
        request: pb::DownloadAttachmentRequest,
        /// Its name on the server.
        file_name: String,
        /// The name (or path) the user gave; `None` saves it under its own name.
        path: Option<PathBuf>,
    },
    /// A file kept on a record behind a one-time link.
    ShareAttachment(pb::DownloadAttachmentRequest),
    /// An appeal register of this computer: previewed, or registered when `commit`.
    ImportAppeals {
        /// The file (`~` already expanded).
        path: PathBuf,
        /// Register the accepted rows; false only previews.
        commit: bool,
    },
}

/// What a call answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A meeting's new state.
    Meeting(Box<pb::Meeting>),
    /// An assignment's new state.
    Assignment(Box<pb::Assignment>),
    /// Done; the changes arrive as events.
    Done,
    /// A table of figures.
    Table(pb::Table),
    /// The dashboard.
    Dashboard(Box<pb::DashboardResponse>),
    /// The quarterly-minimum cells.
    Quarterly(pb::QuarterlyMinimumResponse),
    /// The file was saved here.
    Saved(PathBuf),
    /// A one-time download link to the file.
    Shared(pb::ShareResponse),
    /// One's own mail preferences.
    MailPreferences(pb::MailPreferences),
    /// One's own SSH public keys, as they are now.
    SshKeys(Vec<pb::SshKey>),
    /// A user's new state.
    User(Box<pb::User>),
    /// An appeal's new state.
    Appeal(Box<pb::Appeal>),
    /// An appeal as asked for its applicant: shown, never kept in the replica.
    Applicant(Box<pb::Appeal>),
    /// The production calendar's years.
    CalendarYears(pb::ListCalendarYearsResponse),
    /// A year as saved.
    CalendarYear(pb::CalendarYear),
    /// The server's settings (after the training clock moved).
    Settings(pb::Settings),
    /// What an import did.
    Imported(pb::ImportClassifierResponse),
    /// Classifier questions found for `query`.
    Classifier {
        /// What was searched for.
        query: String,
        /// The questions found (code, name), best first.
        found: Vec<(String, String)>,
    },
    /// A page of the audit log.
    Audit(pb::ListAuditResponse),
    /// What an appeal register would register (a preview) or did.
    Register {
        /// The file.
        path: PathBuf,
        /// Whether the rows were registered.
        commit: bool,
        /// The server's answer.
        response: pb::ImportRegisterResponse,
    },
    /// The files kept on a record.
    Attachments {
        /// The record.
        record: pb::RecordRef,
        /// Its files, oldest first.
        files: Vec<pb::Attachment>,
    },
    /// A brief drafted for a meeting, to be edited and saved.
    Brief {
        /// The meeting.
        meeting_id: u64,
        /// The draft.
        brief: Box<pb::Brief>,
    },
}

/// The files of the records the user opened, by (record kind, record id), as last listed.
pub type KeptFiles = std::collections::HashMap<(i32, u64), Vec<pb::Attachment>>;

/// A report tab: named here, below the reports' parameters, because a reply says which tab it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// The head's one-screen dashboard.
    Dashboard,
    /// Meetings held per group and quarter against the minimum of one (3.1).
    Quarterly,
    /// Ad-hoc aggregates of appeals' questions.
    Aggregates,
    /// The control sector's half-year and annual report on the groups' work (3.9).
    GroupsReport,
    /// The general department's annual analysis of appeals (3.8.6).
    AppealsAnalysis,
    /// The administrator's production calendar years (and the classifier import).
    Directories,
}

/// Where the answer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The form on top of the popups.
    Form,
    /// A key on a list (no form): the answer is flashed.
    Quick,
    /// The report tab of this kind.
    /// The number is the tab's request it answers: an answer to an older request (the period
    /// changed twice quickly) is dropped rather than shown under the newer one's heading.
    Report(ReportKind, u32),
    /// The production calendar's decree years, loaded into the client's calendar.
    Calendar,
    /// Suggestions for the classifier field of the form on top.
    Classifier,
    /// The view log tab; the number is its request it answers (as for reports).
    ViewLog(u32),
    /// The files of a record being opened: kept for its card, nothing is shown on the answer.
    Files,
}
