//! Calls to the server other than login, sync and assignment steps: one [`Call`] per request the
//! workspaces make, run by [`run`] off the app loop, answered with a [`Reply`]. Entities changed by
//! a call also arrive on the watch stream; the reply lets the screen show the new state at once.

use std::path::PathBuf;

use infogroups_shared::pb;

use crate::rpc::{Connection, RpcError, request};

/// A request to the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// Sign the protocol (leader).
    SignProtocol(pb::MeetingStepRequest),
    /// Mark the meeting held.
    MarkHeld(pb::MeetingStepRequest),
    /// Hand the signed protocol over to the control sector.
    HandOver(pb::MeetingStepRequest),
    /// The control sector acknowledges receipt.
    Acknowledge(pb::MeetingStepRequest),
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
    /// A brief drafted for a meeting, to be edited and saved.
    Brief {
        /// The meeting.
        meeting_id: u64,
        /// The draft.
        brief: Box<pb::Brief>,
    },
}

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
}

fn status(s: tonic::Status) -> RpcError {
    RpcError::from_status(&s)
}

/// Why a file could not be read, in Russian (the system's own text is English).
fn io_error_ru(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "файл не найден".into(),
        std::io::ErrorKind::PermissionDenied => "нет прав на чтение".into(),
        std::io::ErrorKind::IsADirectory => "это каталог, а не файл".into(),
        _ => format!("ошибка ввода-вывода ({e})"),
    }
}

/// Runs `call` against the server; a file it brings is saved into `downloads`.
pub async fn run(
    conn: &Connection,
    call: Call,
    downloads: &crate::saving::Downloads,
) -> Result<Reply, RpcError> {
    let meeting = |r: tonic::Response<pb::Meeting>| Reply::Meeting(Box::new(r.into_inner()));
    let assignment =
        |r: tonic::Response<pb::Assignment>| Reply::Assignment(Box::new(r.into_inner()));
    let appeal = |r: tonic::Response<pb::Appeal>| Reply::Appeal(Box::new(r.into_inner()));
    Ok(match call {
        Call::SignProtocol(r) => meeting(
            conn.meetings()
                .sign_protocol(request(r))
                .await
                .map_err(status)?,
        ),
        Call::MarkHeld(r) => meeting(
            conn.meetings()
                .mark_held(request(r))
                .await
                .map_err(status)?,
        ),
        Call::HandOver(r) => meeting(
            conn.meetings()
                .hand_over_protocol(request(r))
                .await
                .map_err(status)?,
        ),
        Call::Acknowledge(r) => meeting(
            conn.meetings()
                .acknowledge_protocol(request(r))
                .await
                .map_err(status)?,
        ),
        Call::Notify(r) => meeting(
            conn.meetings()
                .notify_participants(request(r))
                .await
                .map_err(status)?,
        ),
        Call::SaveProtocol(r) => meeting(
            conn.meetings()
                .save_protocol(request(r))
                .await
                .map_err(status)?,
        ),
        Call::PlanMeeting(r) => meeting(
            conn.meetings()
                .plan_meeting(request(r))
                .await
                .map_err(status)?,
        ),
        Call::RecordPastMeeting(r) => meeting(
            conn.meetings()
                .record_past_meeting(request(r))
                .await
                .map_err(status)?,
        ),
        Call::ForwardAppeal(r) => appeal(
            conn.appeals()
                .forward_appeal(request(r))
                .await
                .map_err(status)?,
        ),
        Call::CloseSpecial(r) => appeal(
            conn.appeals()
                .close_special(request(r))
                .await
                .map_err(status)?,
        ),
        Call::UpdateUser(r) => Reply::User(Box::new(
            conn.users()
                .update_user(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::ArchiveUser(r) => Reply::User(Box::new(
            conn.users()
                .archive_user(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::Archive(r) => {
            conn.directory().archive(request(r)).await.map_err(status)?;
            Reply::Done
        }
        Call::CreateGroup(r) => {
            conn.groups()
                .create_group(request(r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::UpdateGroup(r) => {
            conn.groups()
                .update_group(request(r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::SetVenueAgreement(r) => meeting(
            conn.meetings()
                .set_venue_agreement(request(r))
                .await
                .map_err(status)?,
        ),
        Call::Announce(r) => meeting(
            conn.meetings()
                .announce_meeting(request(r))
                .await
                .map_err(status)?,
        ),
        Call::MoveMeeting(r) => meeting(
            conn.meetings()
                .move_meeting(request(r))
                .await
                .map_err(status)?,
        ),
        Call::CancelMeeting(r) => meeting(
            conn.meetings()
                .cancel_meeting(request(r))
                .await
                .map_err(status)?,
        ),
        Call::SaveParticipant(r) => meeting(
            conn.meetings()
                .save_participant(request(r))
                .await
                .map_err(status)?,
        ),
        Call::SaveChecklist(r) => meeting(
            conn.meetings()
                .save_checklist(request(r))
                .await
                .map_err(status)?,
        ),
        Call::SearchClassifier(r) => {
            let query = r.query.clone();
            let found = conn
                .directory()
                .search_classifier(request(r))
                .await
                .map_err(status)?
                .into_inner()
                .nodes
                .into_iter()
                // Appeals and protocols record questions, not the sections above them.
                .filter(|n| !n.archived && infogroups_shared::classifier::is_full_code(&n.code))
                .map(|n| (n.code, n.name))
                .collect();
            Reply::Classifier { query, found }
        }
        Call::DraftBrief(r) => {
            let meeting_id = r.meeting_id;
            let brief = conn
                .meetings()
                .draft_brief(request(r))
                .await
                .map_err(status)?
                .into_inner();
            Reply::Brief {
                meeting_id,
                brief: Box::new(brief),
            }
        }
        Call::SaveBrief(r) => meeting(
            conn.meetings()
                .save_brief(request(r))
                .await
                .map_err(status)?,
        ),
        Call::AmendProtocol(r) => meeting(
            conn.meetings()
                .amend_protocol(request(r))
                .await
                .map_err(status)?,
        ),
        Call::RecordPublication(r) => meeting(
            conn.meetings()
                .record_publication(request(r))
                .await
                .map_err(status)?,
        ),
        Call::RecordInforming(r) => meeting(
            conn.meetings()
                .record_informing(request(r))
                .await
                .map_err(status)?,
        ),
        Call::RequestExtension(r) => assignment(
            conn.assignments()
                .request_extension(request(r))
                .await
                .map_err(status)?,
        ),
        Call::DecideExtension(r) => assignment(
            conn.assignments()
                .decide_extension(request(r))
                .await
                .map_err(status)?,
        ),
        Call::CreateAssignment(r) => assignment(
            conn.assignments()
                .create_assignment(request(r))
                .await
                .map_err(status)?,
        ),
        Call::CreateSubAssignment(r) => assignment(
            conn.assignments()
                .create_sub_assignment(request(r))
                .await
                .map_err(status)?,
        ),
        Call::SaveTerritory(r) => {
            conn.directory()
                .save_territory(request(r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::SaveVenue(r) => {
            conn.directory()
                .save_venue(request(r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::SaveCalendarYear(r) => Reply::CalendarYear(
            conn.directory()
                .save_calendar_year(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::SaveDepartment(r) => {
            conn.directory()
                .save_department(request(r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::SaveOrganisation(r) => {
            conn.directory()
                .save_organisation(request(r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::CreateUser(r) => Reply::User(Box::new(
            conn.users()
                .create_user(request(*r))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::SetPassword(r) => Reply::User(Box::new(
            conn.users()
                .set_password(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::RegisterAppeal(r) => appeal(
            conn.appeals()
                .register_appeal(request(*r))
                .await
                .map_err(status)?,
        ),
        Call::AnswerAppeal(r) => appeal(
            conn.appeals()
                .answer_appeal(request(r))
                .await
                .map_err(status)?,
        ),
        Call::ExtendAppeal(r) => appeal(
            conn.appeals()
                .extend_appeal(request(r))
                .await
                .map_err(status)?,
        ),
        Call::SaveCard(r) => {
            conn.appeals()
                .save_reception_card(request(*r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::CardToAppeal(r) => appeal(
            conn.appeals()
                .card_to_appeal(request(r))
                .await
                .map_err(status)?,
        ),
        Call::Applicant(appeal_id) => Reply::Applicant(Box::new(
            conn.appeals()
                .get_appeal(request(pb::GetAppealRequest { appeal_id }))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::MarkRead(r) => {
            conn.notifications()
                .mark_read(request(r))
                .await
                .map_err(status)?;
            Reply::Done
        }
        Call::Dashboard => Reply::Dashboard(Box::new(
            conn.reports()
                .dashboard(request(pb::DashboardRequest {}))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::Quarterly(r) => Reply::Quarterly(
            conn.meetings()
                .quarterly_minimum(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::Aggregate(r) => Reply::Table(
            conn.reports()
                .aggregate(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::GroupsReport(r) => Reply::Table(
            conn.reports()
                .groups_report(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::AppealsAnalysis(r) => Reply::Table(
            conn.reports()
                .appeals_analysis(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::GrantRole(r) => Reply::User(Box::new(
            conn.users()
                .grant_role(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::RevokeRole(r) => Reply::User(Box::new(
            conn.users()
                .revoke_role(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        )),
        Call::CalendarYears => Reply::CalendarYears(
            conn.directory()
                .list_calendar_years(request(pb::ListCalendarYearsRequest {}))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::AdvanceClock(r) => Reply::Settings(
            conn.maintenance()
                .advance_clock(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::ImportClassifier {
            path,
            version,
            format,
        } => {
            let file = path.clone();
            let content = tokio::task::spawn_blocking(move || std::fs::read(&file))
                .await
                .map_err(|e| RpcError::new(tonic::Code::Internal, &e.to_string(), &e.to_string()))?
                .map_err(|e| {
                    RpcError::new(
                        tonic::Code::FailedPrecondition,
                        &format!(
                            "не удалось прочитать файл {}: {}",
                            path.display(),
                            io_error_ru(&e)
                        ),
                        &format!("cannot read {}: {e}", path.display()),
                    )
                })?;
            let req = pb::ImportClassifierRequest {
                version,
                format: format as i32,
                content,
            };
            Reply::Imported(
                conn.directory()
                    .import_classifier(request(req))
                    .await
                    .map_err(status)?
                    .into_inner(),
            )
        }
        Call::ListAudit(r) => Reply::Audit(
            conn.audit()
                .list_audit(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::ShareExport(r) => Reply::Shared(
            conn.reports()
                .share_export(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::Export { request: r, path } => {
            let file = conn
                .reports()
                .export(request(r))
                .await
                .map_err(status)?
                .into_inner();
            let path =
                path.unwrap_or_else(|| PathBuf::from(crate::saving::safe_name(&file.file_name)));
            let downloads = downloads.clone();
            let saved = tokio::task::spawn_blocking(move || {
                downloads
                    .save_new(&path, &file.content)
                    .map_err(|e| save_failed(&downloads.dir().join(&path), &e))
            })
            .await
            .map_err(|e| RpcError::new(tonic::Code::Internal, &e.to_string(), &e.to_string()))??;
            Reply::Saved(saved)
        }
    })
}

fn save_failed(path: &std::path::Path, e: &std::io::Error) -> RpcError {
    RpcError::new(
        tonic::Code::FailedPrecondition,
        &format!("не удалось сохранить файл {}: {e}", path.display()),
        &format!("cannot save {}: {e}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::io_error_ru;

    #[test]
    fn a_file_error_reads_in_russian() {
        let missing = std::fs::read("/nonexistent/classifier.json").unwrap_err();
        assert_eq!(io_error_ru(&missing), "файл не найден");
    }
}
