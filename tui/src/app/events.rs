//! Where an answer or a live event meets the replica: the login's answer, the sync task's
//! snapshots and events, and the answers to calls and assignment steps. Each updates the replica
//! and tells the screens what changed.

use infogroups_shared::pb;

use crate::app::state::{Screen, State};
use crate::features::meetings::{commands as meetings, prep as meeting_prep};
use crate::features::workspace::screen::Workspace;
use crate::msg::call::{Call, Origin, Reply};
use crate::msg::draft::KeptDraft;
use crate::msg::error::RpcError;
use crate::msg::step::Action;
use crate::msg::{Cmd, Link, LoginOk, Msg, SyncEvent};
use crate::replica::{Applied, Kind, Replica};
use crate::session::Session;
use crate::strings;
use crate::strings::Text;
use crate::ui::Outbox;
use crate::ui::form_engine::Target;
use crate::ui::popup::Popup;

/// The login answered: the workspace of the user's first role opens and sync starts, or the
/// login screen says why not.
pub(super) fn on_login(state: &mut State, result: Result<LoginOk, RpcError>, out: &mut Outbox) {
    let Screen::Login(login) = &mut state.screen else {
        return;
    };
    match result {
        Ok(ok) => {
            state.generation += 1;
            state.session = Some(Session {
                user_id: ok.user_id,
                username: ok.username,
                full_name: ok.full_name,
                roles: ok.roles,
                role_index: 0,
            });
            state.replica = Replica::default();
            state.link = Link::Connecting;
            state.last_event_ms = None;
            state.popups.clear();
            state.kept = KeptDraft::default();
            let role = state.session.as_ref().and_then(Session::role);
            state.screen = Screen::Work(Workspace::for_role(role));
            out.run(Cmd::StartSync {
                generation: state.generation,
            });
            // A form left unsent by a crash or a dropped connection is offered back.
            if let Some(s) = &state.session {
                out.run(Cmd::LoadDraft {
                    user: s.username.clone(),
                });
            }
        }
        Err(e) => login.failed(&e, state.lang, &state.server),
    }
}

/// The sync task reports: a snapshot replaces the replica, an event updates it, the link or the
/// server's clock changed, or the session ended.
pub(super) fn on_sync(state: &mut State, event: SyncEvent, out: &mut Outbox) {
    match event {
        SyncEvent::Snapshot(s) => {
            state.clock_skew_ms = s.rest.server_time_ms.saturating_sub(state.now_ms);
            state.replica.load_snapshot(*s);
            state.invalidate_rows();
            state.roles_follow();
            // Years the administrator entered from decrees decide deadlines and urgency here too.
            out.run(Cmd::Call {
                origin: Origin::Calendar,
                call: Box::new(Call::CalendarYears),
            });
        }
        SyncEvent::Event(ev) => {
            state.last_event_ms = Some(state.now_ms);
            let me = state.session.as_ref().map_or(0, |s| s.user_id);
            let action = pb::EventAction::try_from(ev.action).unwrap_or_default();
            let note = match &ev.entity {
                Some(pb::event::Entity::Notification(n))
                    if n.user_id == me && action == pb::EventAction::Created =>
                {
                    Some(state.lang.pick(&n.text_ru, &n.text_en).to_string())
                }
                _ => None,
            };
            let assignment = match &ev.entity {
                Some(pb::event::Entity::Assignment(a)) => a.meta.map(|m| m.id),
                _ => None,
            };
            // Rows show assignments and people's names; other kinds do not change them.
            let applied = state.replica.apply(*ev);
            if applied == Applied::Changed(Kind::User) {
                state.roles_follow();
            }
            if let Applied::Changed(
                Kind::Assignment | Kind::Appeal | Kind::Meeting | Kind::ReceptionCard,
            ) = applied
            {
                state.figures_changed();
            }
            match (applied, assignment) {
                (Applied::Changed(Kind::Assignment), Some(id)) => state.assignment_changed(id),
                (Applied::Changed(Kind::User | Kind::Group), _) => state.invalidate_rows(),
                (Applied::Changed(_), _) => state.records_changed(),
                (Applied::Stale, _) => {}
            }
            if let Some(text) = note {
                // New notifications show up as they happen.
                state.flash(text, false);
            }
        }
        SyncEvent::Heartbeat {
            server_time_ms,
            training_clock,
        } => {
            state.clock_skew_ms = server_time_ms.saturating_sub(state.now_ms);
            state.replica.settings.training_clock = training_clock;
        }
        SyncEvent::Link(link) => state.link = link,
        SyncEvent::SessionEnded(e) => {
            out.run(Cmd::StopSync);
            let text = format!(
                "{}: {}",
                Text::SessionEnded.get(state.lang),
                e.message(state.lang, &state.server)
            );
            state.back_to_login(Some(text));
        }
    }
}

/// A call answered: the answer goes into the replica when it is the new state of a record, then
/// to whoever asked (`origin`).
pub(super) fn on_call_done(
    state: &mut State,
    origin: Origin,
    result: Result<Reply, RpcError>,
    out: &mut Outbox,
) {
    if let Err(e) = &result
        && e.is_session_over()
    {
        out.send(Msg::Sync {
            generation: state.generation,
            event: SyncEvent::SessionEnded(e.clone()),
        });
        return;
    }
    // The answer is the new state; the event that follows will be stale.
    match &result {
        // A record's files as just listed, for its card.
        Ok(Reply::Attachments { record, files }) => {
            state.files.insert((record.kind, record.id), files.clone());
        }
        Ok(Reply::Meeting(m)) if state.replica.meetings.upsert((**m).clone()) => {
            state.records_changed();
        }
        Ok(Reply::User(u)) if state.replica.users.upsert((**u).clone()) => {
            state.invalidate_rows();
        }
        Ok(Reply::Appeal(a)) => {
            // The answer may carry the citizen; the replica keeps appeals as the stream sends them.
            let mut a = (**a).clone();
            infogroups_shared::personal_data::strip_appeal(&mut a);
            if state.replica.appeals.upsert(a) {
                state.records_changed();
            }
        }
        Ok(Reply::CalendarYear(y)) => {
            // The client's own deadlines follow at once; the calendar tab shows the new year.
            let years = pb::ListCalendarYearsResponse {
                years: vec![y.clone()],
            };
            load_decree_years(state, &years);
            if let Screen::Work(w) = &mut state.screen
                && let Some(r) = w.report_mut(crate::msg::call::ReportKind::Directories)
            {
                out.run(Cmd::Call {
                    origin: r.begin(),
                    call: Box::new(Call::CalendarYears),
                });
            }
        }
        Ok(Reply::MailPreferences(p)) if matches!(origin, Origin::Quick) => {
            // The server's rule for the digest: any of the account's roles, not only the one in use.
            let control = state.session.as_ref().is_some_and(|s| {
                let actor = infogroups_shared::policy::Actor {
                    user_id: s.user_id,
                    grants: s.roles.clone(),
                };
                actor.has(pb::Role::ControlSector)
            });
            let form = crate::features::notifications::mail::form(p.clone(), control, state.lang);
            state.popups.push(Popup::Form(Box::new(form)));
        }
        Ok(Reply::SshKeys(keys)) if matches!(origin, Origin::Quick) => {
            let form = crate::features::notifications::ssh_keys::form(keys.clone(), state.lang);
            state.popups.push(Popup::Form(Box::new(form)));
        }
        Ok(Reply::Applicant(a)) => {
            let info = crate::features::appeals::steps::applicant(a, state.lang);
            state.popups.push(Popup::Info(info));
        }
        Ok(Reply::Assignment(a)) => {
            let id = a.meta.map_or(0, |m| m.id);
            if state.replica.assignments.upsert(a) {
                state.assignment_changed(id);
            }
        }
        _ => {}
    }
    match origin {
        Origin::Report(kind, serial) => {
            if let Screen::Work(w) = &mut state.screen
                && let Some(r) = w.report_mut(kind)
            {
                r.answered(serial, result);
            }
        }
        Origin::ViewLog(serial) => {
            if let Screen::Work(w) = &mut state.screen
                && let Some(v) = w.view_log_mut()
            {
                v.answered(serial, result);
            }
        }
        Origin::Classifier => {
            if let Ok(Reply::Classifier { query, found }) = result
                && let Some(Popup::Form(form)) = state.popups.last_mut()
                && let Some(field) = form.fields.get_mut(form.focus)
            {
                field.classifier_found(&query, found);
            }
        }
        // Kept above; nothing to show.
        Origin::Files => {
            if let Err(e) = &result {
                tracing::info!(code = ?e.code, "a record's files were not listed");
            }
        }
        Origin::Calendar => match result {
            Ok(Reply::CalendarYears(r)) => load_decree_years(state, &r),
            Ok(_) => {}
            Err(e) => tracing::info!(code = ?e.code, "the calendar's years were not loaded"),
        },
        Origin::Quick => match result {
            Err(e) => {
                let text = e.message(state.lang, &state.server);
                state.flash(text, true);
            }
            // The training clock moved: every deadline on screen follows it at once.
            Ok(Reply::Settings(s)) => {
                state.clock_skew_ms = s.server_time_ms.saturating_sub(state.now_ms);
                let text = format!(
                    "{} {}",
                    Text::TrainingTime.get(state.lang),
                    crate::ui::text::date_time(s.server_time_ms)
                );
                state.replica.settings = s;
                state.invalidate_rows();
                state.flash(text, false);
            }
            // A brief drafted on request opens for editing; nothing is saved until it is sent.
            Ok(Reply::Brief { meeting_id, brief }) => {
                let ctx = state.ctx();
                let form =
                    ctx.replica.meetings.get(meeting_id).map(|m| {
                        meeting_prep::brief_form(m, *brief, meetings::summary(m, &ctx), &ctx)
                    });
                if let Some(form) = form {
                    state.popups.push(Popup::Form(Box::new(form)));
                }
            }
            // A record's files: the form that lists them opens on the answer.
            Ok(Reply::Attachments { record, files }) => {
                let form = crate::features::attachments::forms::files_form(
                    record,
                    files,
                    Vec::new(),
                    state.lang,
                );
                state.popups.push(Popup::Form(Box::new(form)));
            }
            Ok(_) => {}
        },
        Origin::Form => {
            let lang = state.lang;
            let Some(Popup::Form(form)) = state.popups.last_mut() else {
                return;
            };
            match result {
                // The form gives way to the link, which stays up until read or copied.
                Ok(Reply::Shared(shared)) => {
                    state.popups.pop();
                    let popup = crate::ui::link_popup::LinkPopup::new(&shared, lang);
                    state.popups.push(Popup::Link(popup));
                }
                // The preview gives way to its confirmation, which registers the rows.
                Ok(Reply::Register {
                    path,
                    commit: false,
                    response,
                }) => {
                    state.popups.pop();
                    let popup =
                        crate::features::appeals::import::preview_form(path, &response, lang);
                    state.popups.push(Popup::Form(Box::new(popup)));
                }
                Ok(reply) => {
                    let mut text = form.done_text(lang);
                    match reply {
                        Reply::Saved(path) => {
                            // The full path the file got, which may carry a copy's number.
                            text = format!("{text}: {}", path.display());
                        }
                        Reply::Register { response, .. } => {
                            let counts = crate::features::appeals::import::counts(lang, &response);
                            text = format!("{text}: {counts}");
                        }
                        Reply::Imported(i) => {
                            text = format!("{text}: {}", strings::imported(lang, &i));
                        }
                        // The registration number is what goes on the letter to the citizen.
                        Reply::Appeal(a) if !a.number.is_empty() => {
                            text = format!("{text}: {}", a.number);
                        }
                        Reply::Assignment(a) if !a.number.is_empty() => {
                            text = format!("{text}: {}", a.number);
                        }
                        _ => {}
                    }
                    state.popups.pop();
                    state.flash(text, false);
                }
                Err(e) if e.code == tonic::Code::Aborted && form.is_confirmation() => {
                    // What the confirmation showed is no longer what the record holds: a second
                    // Enter must not confirm (sign, accept…) text the person has not seen. Closed,
                    // the step opens again on the current record.
                    let text = e.message(lang, &state.server);
                    state.popups.pop();
                    state.flash(text, true);
                }
                Err(e) => {
                    let r = &state.replica;
                    let current = match form.target() {
                        Some(Target::Meeting(id)) => r.meetings.get(id).and_then(|m| m.meta),
                        Some(Target::Assignment(id)) => r.assignments.get(id).and_then(|a| a.meta),
                        Some(Target::User(id)) => r.users.get(id).and_then(|u| u.meta),
                        Some(Target::Appeal(id)) => r.appeals.get(id).and_then(|a| a.meta),
                        Some(Target::Territory(id)) => r.territories.get(id).and_then(|t| t.meta),
                        Some(Target::Venue(id)) => r.venues.get(id).and_then(|v| v.meta),
                        Some(Target::Card(id)) => r.reception_cards.get(id).and_then(|c| c.meta),
                        Some(Target::Department(id)) => r.departments.get(id).and_then(|d| d.meta),
                        Some(Target::Group(id)) => r.groups.get(id).and_then(|g| g.meta),
                        Some(Target::Organisation(id)) => {
                            r.organisations.get(id).and_then(|o| o.meta)
                        }
                        None => None,
                    }
                    .map(|m| m.version);
                    form.failed(&e, lang, &state.server, current);
                }
            }
        }
    }
}

/// Puts the administrator-entered years into the client's calendar (the built-in ones it has).
fn load_decree_years(state: &mut State, r: &pb::ListCalendarYearsResponse) {
    let mut changed = false;
    for y in r.years.iter().filter(|y| !y.built_in) {
        match infogroups_shared::validate::decree_year(y) {
            Ok(d) => changed |= state.calendar.set_year(d).is_ok(),
            Err(e) => {
                tracing::warn!(year = y.year, field = %e.field, "a calendar year was refused")
            }
        }
    }
    if changed {
        state.invalidate_rows();
    }
}

/// An assignment step answered: its popup closes and the new state shows, or the popup says why
/// not.
pub(super) fn on_step_done(
    state: &mut State,
    id: u64,
    action: Action,
    result: Result<Box<pb::Assignment>, RpcError>,
    out: &mut Outbox,
) {
    let popup = state.popups.iter_mut().rev().find_map(|p| match p {
        Popup::Step(s) if s.assignment_id == id && s.action == action => Some(s),
        _ => None,
    });
    match result {
        Ok(a) => {
            if popup.is_some() {
                state
                    .popups
                    .retain(|p| !matches!(p, Popup::Step(s) if s.assignment_id == id));
            }
            // The event follows, but the answer is already the new state: show it now.
            if state.replica.assignments.upsert(&a) {
                state.assignment_changed(id);
            }
            let text = match action {
                Action::SubmitReport => Text::ReportSent,
                Action::Accept => Text::ReportAccepted,
                Action::Return => Text::ReportReturned,
            };
            state.flash(text.get(state.lang).to_string(), false);
        }
        Err(e) if e.is_session_over() => {
            out.send(Msg::Sync {
                generation: state.generation,
                event: SyncEvent::SessionEnded(e),
            });
        }
        Err(e) => {
            let current = state
                .replica
                .assignments
                .get(id)
                .and_then(|a| a.meta)
                .map(|m| m.version);
            match popup {
                Some(p) => p.failed(&e, state.lang, &state.server, current),
                None => {
                    let text = e.message(state.lang, &state.server);
                    state.flash(text, true);
                }
            }
        }
    }
}
