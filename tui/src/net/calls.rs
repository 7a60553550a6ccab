//! Runs the calls to the server other than login, sync and assignment steps: each [`Call`] (the
//! requests the workspaces make, plain data in `msg`) goes through [`run`] off the app loop and is
//! answered with a [`Reply`]. Entities changed by a call also arrive on the watch stream; the
//! reply lets the screen show the new state at once.

use std::path::PathBuf;

use infogroups_shared::pb;

use crate::msg::call::{Call, Reply};
use crate::msg::error::RpcError;
use crate::net::connection::{Connection, request};
use crate::net::files::io_error_ru;

fn status(s: tonic::Status) -> RpcError {
    RpcError::from_status(&s)
}

/// Runs `call` against the server; a file it brings is saved into `downloads`.
pub async fn run(
    conn: &Connection,
    call: Call,
    downloads: &crate::net::saving::Downloads,
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
        Call::SendForSignature(r) => meeting(
            conn.meetings()
                .send_for_signature(request(r))
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
        Call::ReturnProtocol(r) => meeting(
            conn.meetings()
                .return_protocol(request(r))
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
        Call::MailPreferences => Reply::MailPreferences(
            conn.notifications()
                .get_mail_preferences(request(pb::GetMailPreferencesRequest {}))
                .await
                .map_err(status)?
                .into_inner(),
        ),
        Call::SshKeys => Reply::SshKeys(own_ssh_keys(conn).await?),
        Call::AddSshKey(public_key) => {
            conn.auth()
                .add_ssh_key(request(pb::AddSshKeyRequest { public_key }))
                .await
                .map_err(status)?;
            Reply::SshKeys(own_ssh_keys(conn).await?)
        }
        Call::RemoveSshKey(fingerprint) => {
            conn.auth()
                .remove_ssh_key(request(pb::RemoveSshKeyRequest {
                    user_id: 0,
                    fingerprint,
                }))
                .await
                .map_err(status)?;
            Reply::SshKeys(own_ssh_keys(conn).await?)
        }
        Call::SetMailPreferences(r) => Reply::MailPreferences(
            conn.notifications()
                .set_mail_preferences(request(r))
                .await
                .map_err(status)?
                .into_inner(),
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
            let path = path
                .unwrap_or_else(|| PathBuf::from(crate::net::saving::safe_name(&file.file_name)));
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
        Call::ListAttachments(record) => Reply::Attachments {
            files: crate::net::files::list(conn, record).await?,
            record,
        },
        Call::Attach { record, path } => {
            crate::net::files::attach(conn, record, &path).await?;
            // The card shows the file at once.
            Reply::Attachments {
                files: crate::net::files::list(conn, record).await?,
                record,
            }
        }
        Call::SaveAttachment {
            request: r,
            file_name,
            path,
        } => {
            let content = crate::net::files::download(conn, r).await?;
            let path =
                path.unwrap_or_else(|| PathBuf::from(crate::net::saving::safe_name(&file_name)));
            let downloads = downloads.clone();
            let saved = tokio::task::spawn_blocking(move || {
                downloads
                    .save_new(&path, &content)
                    .map_err(|e| save_failed(&downloads.dir().join(&path), &e))
            })
            .await
            .map_err(|e| RpcError::new(tonic::Code::Internal, &e.to_string(), &e.to_string()))??;
            Reply::Saved(saved)
        }
        Call::ImportAppeals { path, commit } => Reply::Register {
            response: crate::net::files::import_appeals(conn, &path, commit).await?,
            path,
            commit,
        },
        Call::ShareAttachment(r) => Reply::Shared(
            conn.attachments()
                .share_attachment(request(r))
                .await
                .map_err(status)?
                .into_inner(),
        ),
    })
}

/// The caller's own SSH keys.
async fn own_ssh_keys(conn: &Connection) -> Result<Vec<pb::SshKey>, RpcError> {
    Ok(conn
        .auth()
        .list_ssh_keys(request(pb::ListSshKeysRequest { user_id: 0 }))
        .await
        .map_err(status)?
        .into_inner()
        .keys)
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
