//! `MeetingService`: the field meeting's whole life (3.1–3.9). Every step goes through the pure
//! status machine `infogroups_shared::meeting`; a refused step answers FAILED_PRECONDITION naming
//! what is missing.

pub mod ics;
pub mod invitation;
pub mod texts;

use chrono::NaiveDate;
use infogroups_shared::meeting::{self as machine, Facts, Step};
use infogroups_shared::pb::{self, MeetingStatus as M, meeting_service_server::MeetingService};
use infogroups_shared::validate::{self, FieldError, MAX_LINE, MAX_TEXT, caps};
use infogroups_shared::{city_time, dating, quarters};
use tonic::{Request, Response, Status};

use super::Ctx;
use super::users::paginate;
use crate::auth::{Caller, caller};
use crate::db::Tx;
use crate::entity::{Entity, Kind};
use crate::error::{ApiError, ApiResult};
use crate::notify::Notice;
use crate::policy::{Action, Resource, authorize, may_read_group};

/// The meeting service.
pub struct MeetingSvc {
    ctx: Ctx,
}

impl MeetingSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

const DEFAULT_CHECKLIST: [&str; 5] = [
    "Помещение подготовлено",
    "Звукоусиление",
    "Лист регистрации участников",
    "Информационные материалы для жителей",
    "Бланки карточек личного приёма",
];

fn status(m: &pb::Meeting) -> M {
    machine::status_of(m)
}

fn meeting_date(m: &pb::Meeting) -> NaiveDate {
    machine::date_of(m)
}

fn facts(m: &pb::Meeting, today: NaiveDate) -> Facts {
    Facts::of(m, today)
}

fn refused(r: machine::Refusal) -> ApiError {
    ApiError::precondition(r.ru, r.en)
}

/// Checks a step and returns the status after it.
fn step(m: &pb::Meeting, s: Step, today: NaiveDate) -> ApiResult<M> {
    machine::next(status(m), s, &facts(m, today)).map_err(refused)
}

fn time_hhmm(field: &str, t: &str, required: bool) -> Result<(), FieldError> {
    if t.is_empty() && !required {
        return Ok(());
    }
    let ok = t.len() == 5
        && t.as_bytes()[2] == b':'
        && t[..2].parse::<u32>().is_ok_and(|h| h < 24)
        && t[3..].parse::<u32>().is_ok_and(|m| m < 60);
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "время в виде ЧЧ:ММ",
            "time must be HH:MM",
        ))
    }
}

/// A full classifier code `SSSS.TTTT.HHHH.QQQQ[.PPPP]`.
pub fn classifier_code(field: &str, code: &str) -> Result<(), FieldError> {
    let parts: Vec<&str> = code.split('.').collect();
    let ok = (4..=5).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "код классификатора в виде 0005.0005.0056.1153",
            "classifier code must look like 0005.0005.0056.1153",
        ))
    }
}

/// Who in the group hears of a step on its protocol.
#[derive(Debug, Clone, Copy)]
enum Told {
    /// The leader, who signs.
    Leader,
    /// The secretary, who keeps the protocol and hands it over.
    Secretary,
    /// Both.
    Both,
}

/// Tells the group's `who` that protocol «№ …» `what` (Russian, English), never the one who
/// did it.
fn tell_about_protocol(
    tx: &mut Tx<'_>,
    m: &pb::Meeting,
    kind: pb::NotificationKind,
    who: Told,
    what: (&str, &str),
) -> ApiResult<()> {
    let group = tx.require::<pb::Group>(m.group_id)?;
    let people = match who {
        Told::Leader => vec![group.leader_id],
        Told::Secretary => vec![group.secretary_id],
        Told::Both => vec![group.secretary_id, group.leader_id],
    };
    let number = protocol_number(m);
    let notice = Notice::meeting(
        kind,
        m,
        format!("Протокол № {number} {}", what.0),
        format!("Protocol No. {number} {}", what.1),
    );
    let me = tx.actor_id();
    crate::notify::stage_all(tx, &people, me, &notice)
}

/// The protocol's number as the notices name it (empty before there is one).
fn protocol_number(m: &pb::Meeting) -> String {
    m.protocol
        .as_ref()
        .map(|p| p.number.clone())
        .unwrap_or_default()
}

fn group_people(g: &pb::Group) -> Vec<u64> {
    let mut v = vec![g.leader_id, g.secretary_id];
    v.extend(g.member_ids.iter().copied());
    v.sort_unstable();
    v.dedup();
    v
}

/// The names a drafted text needs.
fn names_for(tx: &Tx<'_>, m: &pb::Meeting) -> ApiResult<texts::Names> {
    let group = tx.require::<pb::Group>(m.group_id)?;
    let territory = tx
        .get::<pb::Territory>(m.territory_id)?
        .map(|t| t.name)
        .unwrap_or_default();
    let venue = match m.venue_id {
        0 => None,
        id => tx.get::<pb::Venue>(id)?.map(|v| (v.name, v.address)),
    };
    let leader = tx
        .get::<pb::User>(group.leader_id)?
        .map(|u| format!("{}, {}", u.full_name, u.position))
        .unwrap_or_default();
    let mut participants = Vec::new();
    for p in m.participants.iter().filter(|p| !p.media) {
        let org = match p.organisation_id {
            0 => String::new(),
            id => tx
                .get::<pb::Organisation>(id)?
                .map(|o| format!("{} — ", o.name))
                .unwrap_or_default(),
        };
        participants.push(format!("{org}{} {}", p.position, p.name).trim().to_string());
    }
    Ok(texts::Names {
        group_number: group.number,
        territory,
        venue,
        leader,
        participants,
    })
}

/// Regenerates the drafts of unpublished publications from the meeting's current data.
pub(crate) fn refresh_drafts(tx: &Tx<'_>, m: &mut pb::Meeting) -> ApiResult<()> {
    let names = names_for(tx, m)?;
    let announcement = texts::announcement(m, &names);
    let results = machine::is_signed(status(m)).then(|| texts::results(m, &names));
    for kind in [
        pb::PublicationKind::Announcement,
        pb::PublicationKind::Results,
    ] {
        if !m.publications.iter().any(|p| p.kind == kind as i32) {
            m.publications.push(pb::Publication {
                kind: kind as i32,
                ..Default::default()
            });
        }
    }
    for p in m.publications.iter_mut().filter(|p| !p.published) {
        if p.kind == pb::PublicationKind::Announcement as i32 {
            p.draft_text = announcement.clone();
        } else if let Some(r) = &results {
            p.draft_text = r.clone();
        }
    }
    Ok(())
}

/// Notifies the group's people of the meeting and records who was notified when.
/// Why people are notified, in Russian (kept on the meeting's record) and English.
type Reason = (&'static str, &'static str);

fn stage_notices(
    tx: &mut Tx<'_>,
    m: &mut pb::Meeting,
    (reason, reason_en): Reason,
) -> ApiResult<()> {
    let group = tx.require::<pb::Group>(m.group_id)?;
    let names = names_for(tx, m)?;
    let when = format!(
        "{} {}",
        m.date
            .as_ref()
            .and_then(validate::to_naive)
            .map(city_time::ru_date)
            .unwrap_or_default(),
        m.time
    );
    let place = names
        .venue
        .map(|(n, _)| n)
        .unwrap_or_else(|| "место уточняется".into());
    let now = tx.now_ms();
    let notice = Notice::meeting(
        pb::NotificationKind::Meeting,
        m,
        format!(
            "Выездная встреча ({reason}): {when}, {place}, {}",
            names.territory
        ),
        format!(
            "Field meeting ({reason_en}): {when}, {place}, {}",
            names.territory
        ),
    );
    for user in group_people(&group) {
        crate::notify::stage(tx, user, &notice)?;
        m.notifications.push(pb::NotificationRecord {
            user_id: user,
            participant_index: 0,
            at_ms: now,
            reason: reason.to_string(),
        });
    }
    for p in m
        .participants
        .iter_mut()
        .filter(|p| p.status != pb::ParticipantStatus::Declined as i32)
    {
        p.notified_at_ms = now;
        m.notifications.push(pb::NotificationRecord {
            user_id: 0,
            participant_index: p.index,
            at_ms: now,
            reason: reason.to_string(),
        });
    }
    Ok(())
}

impl MeetingSvc {
    fn today(&self) -> NaiveDate {
        city_time::date_at(self.ctx.db.clock().now_ms())
    }

    /// The meeting if the caller may see it (NotFound otherwise, so ids do not leak).
    fn visible(&self, c: &Caller, id: u64) -> ApiResult<pb::Meeting> {
        let m: pb::Meeting = self.ctx.db.get(id)?.ok_or(ApiError::NotFound {
            kind: "meeting",
            id,
        })?;
        if authorize(&c.actor, Action::ReadGroup, &Resource::group(m.group_id)).is_err() {
            return Err(ApiError::NotFound {
                kind: "meeting",
                id,
            });
        }
        Ok(m)
    }

    /// The common shape of an update: visibility, permission, version, then `f` in the write.
    async fn change(
        &self,
        c: &Caller,
        meeting_id: u64,
        expected_version: u64,
        action: Action,
        audit: &str,
        f: impl FnOnce(&mut Tx<'_>, &mut pb::Meeting, NaiveDate) -> ApiResult<()>,
    ) -> ApiResult<pb::Meeting> {
        validate::id("meeting_id", meeting_id)?;
        let current = self.visible(c, meeting_id)?;
        authorize(&c.actor, action, &Resource::group(current.group_id))?;
        let today = self.today();
        self.ctx
            .db
            .write(c.actor.user_id, |tx| {
                let mut m = tx.require_at::<pb::Meeting>(meeting_id, expected_version)?;
                f(tx, &mut m, today)?;
                refresh_drafts(tx, &mut m)?;
                tx.update(m, expected_version, audit)
            })
            .await
    }

    fn handover_due(&self, date: NaiveDate) -> pb::Deadline {
        let d = self
            .ctx
            .calendar
            .read()
            .map(|cal| cal.fifth_working_day_after(date))
            .unwrap_or(infogroups_shared::calendar::Deadline {
                date,
                predicted: true,
            });
        pb::Deadline {
            date: Some(validate::from_naive(d.date)),
            predicted: d.predicted,
        }
    }
}

fn check_venue(tx: &Tx<'_>, venue_id: u64, field: &str) -> ApiResult<Option<pb::Venue>> {
    if venue_id == 0 {
        return Ok(None);
    }
    match tx.get::<pb::Venue>(venue_id)? {
        Some(v) if !v.meta().archived => Ok(Some(v)),
        _ => Err(FieldError::new(field, "нет такого места", "no such venue").into()),
    }
}

type Reply = Result<Response<pb::Meeting>, Status>;

/// The cards and appeals a protocol names are its group's own: one of another group is refused
/// as if it did not exist (both ways a protocol is entered).
fn check_protocol_refs(tx: &Tx<'_>, group_id: u64, p: &pb::Protocol) -> ApiResult<()> {
    for (i, id) in p.reception_card_ids.iter().enumerate() {
        crate::refs::in_scope::<pb::ReceptionCard>(
            tx,
            &format!("protocol.reception_card_ids[{i}]"),
            *id,
            |x| x.group_id == group_id,
        )?;
    }
    for (i, q) in p.questions.iter().enumerate() {
        crate::refs::in_scope::<pb::Appeal>(
            tx,
            &format!("protocol.questions[{i}].appeal_id"),
            q.appeal_id,
            |x| x.group_id == group_id,
        )?;
    }
    Ok(())
}

/// Validates a protocol's content (a draft, or one entered after the fact).
fn check_protocol(p: &pb::Protocol) -> Result<(), FieldError> {
    validate::optional_line("protocol.number", &p.number, 60)?;
    time_hhmm("protocol.start_time", &p.start_time, false)?;
    time_hhmm("protocol.end_time", &p.end_time, false)?;
    // Both are checked HH:MM, so the text order is the time order.
    if !p.start_time.is_empty() && !p.end_time.is_empty() && p.end_time < p.start_time {
        return Err(FieldError::new(
            "protocol.end_time",
            "окончание раньше начала",
            "ends before it starts",
        ));
    }
    if p.residents_attending > 100_000 {
        return Err(FieldError::new(
            "protocol.residents_attending",
            "неправдоподобное число",
            "is implausible",
        ));
    }
    validate::text(
        "protocol.information_given",
        &p.information_given,
        false,
        MAX_TEXT,
    )?;
    for (field, len, max) in [
        (
            "protocol.questions",
            p.questions.len(),
            caps::PROTOCOL_QUESTIONS,
        ),
        (
            "protocol.decisions",
            p.decisions.len(),
            caps::PROTOCOL_DECISIONS,
        ),
        (
            "protocol.reception_card_ids",
            p.reception_card_ids.len(),
            caps::PROTOCOL_CARDS,
        ),
        (
            "protocol.members_present",
            p.members_present.len(),
            caps::MEMBERS_PRESENT,
        ),
        (
            "protocol.participants_present",
            p.participants_present.len(),
            caps::PARTICIPANTS_PRESENT,
        ),
    ] {
        validate::at_most(field, len, max)?;
    }
    // Each text is capped, and so is the whole: one protocol is a few pages, not megabytes.
    let total: usize = p
        .questions
        .iter()
        .map(|q| q.substance.chars().count() + q.answer.chars().count())
        .chain(p.decisions.iter().map(|d| d.text.chars().count()))
        .sum::<usize>()
        + p.information_given.chars().count();
    if total > caps::PROTOCOL_TEXT {
        return Err(FieldError::new(
            "protocol",
            format!(
                "текст протокола не длиннее {} символов",
                caps::PROTOCOL_TEXT
            ),
            format!(
                "the protocol's text is at most {} characters",
                caps::PROTOCOL_TEXT
            ),
        ));
    }
    for (i, q) in p.questions.iter().enumerate() {
        validate::text(
            &format!("protocol.questions[{i}].substance"),
            &q.substance,
            true,
            MAX_TEXT,
        )?;
        if !q.classifier_code.is_empty() {
            classifier_code(
                &format!("protocol.questions[{i}].classifier_code"),
                &q.classifier_code,
            )?;
        }
        validate::known_enum::<pb::AnswerMode>(
            &format!("protocol.questions[{i}].answer_mode"),
            q.answer_mode,
        )?;
        validate::text(
            &format!("protocol.questions[{i}].answer"),
            &q.answer,
            false,
            MAX_TEXT,
        )?;
    }
    for (i, d) in p.decisions.iter().enumerate() {
        validate::text(
            &format!("protocol.decisions[{i}].text"),
            &d.text,
            true,
            MAX_TEXT,
        )?;
    }
    Ok(())
}

#[tonic::async_trait]
impl MeetingService for MeetingSvc {
    async fn plan_meeting(&self, req: Request<pb::PlanMeetingRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::request_id("request_id", &req.request_id)?;
        validate::id("group_id", req.group_id)?;
        validate::id("territory_id", req.territory_id)?;
        let date = validate::date("date", req.date.as_ref())?;
        time_hhmm("time", &req.time, true)?;
        authorize(
            &c.actor,
            Action::PrepareMeeting,
            &Resource::group(req.group_id),
        )
        .map_err(ApiError::from)?;
        if date < self.today() {
            return Err(FieldError::new("date", "дата в прошлом", "is in the past").into());
        }
        let due = self.handover_due(date);
        let m = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if let Some(done) = tx.replayed::<pb::Meeting>("PlanMeeting", &req.request_id)? {
                    return Ok(done);
                }
                let group = tx.require::<pb::Group>(req.group_id)?;
                if !group.territory_ids.contains(&req.territory_id) {
                    return Err(FieldError::new(
                        "territory_id",
                        "группа не обслуживает эту территорию",
                        "the group does not serve this territory",
                    )
                    .into());
                }
                check_venue(tx, req.venue_id, "venue_id")?;
                let mut m = pb::Meeting {
                    group_id: req.group_id,
                    territory_id: req.territory_id,
                    venue_id: req.venue_id,
                    date: req.date,
                    time: req.time.clone(),
                    status: M::Planned as i32,
                    checklist: DEFAULT_CHECKLIST
                        .iter()
                        .map(|t| pb::ChecklistItem {
                            title: (*t).into(),
                            ..Default::default()
                        })
                        .collect(),
                    handover: Some(pb::Handover {
                        due: Some(due),
                        ..Default::default()
                    }),
                    ..Default::default()
                };
                refresh_drafts(tx, &mut m)?;
                tx.create(m, Some(&req.request_id))
            })
            .await?;
        Ok(Response::new(m))
    }

    async fn record_past_meeting(&self, req: Request<pb::RecordPastMeetingRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::request_id("request_id", &req.request_id)?;
        validate::id("group_id", req.group_id)?;
        validate::id("territory_id", req.territory_id)?;
        let held = validate::date("date", req.date.as_ref())?;
        time_hhmm("time", &req.time, true)?;
        let signed = validate::date("signed_on", req.signed_on.as_ref())?;
        let handed = validate::date("handed_over_on", req.handed_over_on.as_ref())?;
        let p = req
            .protocol
            .clone()
            .ok_or_else(|| FieldError::new("protocol", "не заполнено", "is required"))?;
        check_protocol(&p)?;
        validate::owned::protocol(&p, None)?;
        validate::required_line("protocol.number", &p.number, 60)?;
        // A meeting entered after the fact invited no one through the system: there is no
        // participant an index could name.
        if let Some(x) = p.participants_present.first() {
            return Err(FieldError::new(
                "protocol.participants_present",
                format!("нет приглашённого № {x}"),
                format!("no invited participant {x}"),
            )
            .into());
        }
        authorize(
            &c.actor,
            Action::PrepareMeeting,
            &Resource::group(req.group_id),
        )
        .map_err(ApiError::from)?;
        let today = self.today();
        let due = self.handover_due(held);
        let m = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if let Some(done) =
                    tx.replayed::<pb::Meeting>("RecordPastMeeting", &req.request_id)?
                {
                    return Ok(done);
                }
                let group = tx.require::<pb::Group>(req.group_id)?;
                machine::past_meeting_days(
                    held,
                    signed,
                    handed,
                    quarters::formed_on(&group),
                    today,
                )?;
                if !group.territory_ids.contains(&req.territory_id) {
                    return Err(FieldError::new(
                        "territory_id",
                        "группа не обслуживает эту территорию",
                        "the group does not serve this territory",
                    )
                    .into());
                }
                check_venue(tx, req.venue_id, "venue_id")?;
                check_protocol_refs(tx, req.group_id, &p)?;
                let people = group_people(&group);
                if let Some(x) = p.members_present.iter().find(|u| !people.contains(u)) {
                    let who = tx
                        .get::<pb::User>(*x)?
                        .map_or_else(|| x.to_string(), |u| u.username);
                    return Err(FieldError::new(
                        "protocol.members_present",
                        format!("{who} не входит в группу"),
                        format!("{who} is not in the group"),
                    )
                    .into());
                }
                // Signed on paper by the group's leader on that day (3.5.7), handed over on the
                // day given; the deadlines of 3.6.9 are judged as they stood then.
                let noon = |d: NaiveDate| city_time::midnight_ms(d) + 12 * 3_600_000;
                let handed_at_ms = noon(handed);
                let late = due
                    .date
                    .as_ref()
                    .and_then(validate::to_naive)
                    .is_some_and(|d| handed > d);
                let mut m = pb::Meeting {
                    group_id: req.group_id,
                    territory_id: req.territory_id,
                    venue_id: req.venue_id,
                    date: req.date,
                    time: req.time.clone(),
                    status: M::HandedOver as i32,
                    protocol: Some(pb::Protocol {
                        signed_by: group.leader_id,
                        signed_at_ms: noon(signed),
                        ..p.clone()
                    }),
                    handover: Some(pb::Handover {
                        due: Some(due),
                        handed_at_ms,
                        late,
                        ..Default::default()
                    }),
                    retrospective: true,
                    ..Default::default()
                };
                refresh_drafts(tx, &mut m)?;
                tx.create(m, Some(&req.request_id))
            })
            .await?;
        Ok(Response::new(m))
    }

    async fn set_venue_agreement(&self, req: Request<pb::SetVenueAgreementRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("venue_id", req.venue_id)?;
        let agreement = req
            .agreement
            .clone()
            .ok_or_else(|| FieldError::new("agreement", "не заполнено", "is required"))?;
        validate::known_enum::<pb::AgreementStatus>("agreement.status", agreement.status)?;
        validate::optional_line("agreement.contact", &agreement.contact, MAX_LINE)?;
        machine::check_agreement(&agreement)?;
        validate::text(
            "agreement.other_kind_reason",
            &agreement.other_kind_reason,
            false,
            MAX_TEXT,
        )?;
        if let Some(d) = agreement.date.as_ref() {
            let date = validate::date("agreement.date", Some(d))?;
            dating::done_by("agreement.date", date, self.today())?;
        }
        let m = self
            .change(&c, req.meeting_id, req.expected_version, Action::PrepareMeeting, "venue_agreement", |tx, m, today| {
                let venue = check_venue(tx, req.venue_id, "venue_id")?;
                if venue.is_some_and(|v| v.kind == pb::VenueKind::Other as i32)
                    && agreement.other_kind_reason.trim().is_empty()
                {
                    return Err(FieldError::new(
                        "agreement.other_kind_reason",
                        "встречи проводятся преимущественно в учреждениях образования и культуры (п. 3.2): укажите причину выбора другого места",
                        "meetings are held mainly in education and culture institutions (3.2): give the reason for another venue",
                    )
                    .into());
                }
                if m.venue_id != req.venue_id && !m.notifications.is_empty() {
                    return Err(ApiError::precondition(
                        "участники уже оповещены: смените место через перенос встречи",
                        "participants were already notified: change the venue by moving the meeting",
                    ));
                }
                m.venue_id = req.venue_id;
                m.venue_agreement = Some(agreement);
                m.status = step(m, Step::AgreeVenue, today)? as i32;
                Ok(())
            })
            .await?;
        Ok(Response::new(m))
    }

    async fn move_meeting(&self, req: Request<pb::MoveMeetingRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let date = validate::date("date", req.date.as_ref())?;
        time_hhmm("time", &req.time, true)?;
        validate::text("reason", &req.reason, true, MAX_TEXT)?;
        if date < self.today() {
            return Err(FieldError::new("date", "дата в прошлом", "is in the past").into());
        }
        let due = self.handover_due(date);
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "move",
                |tx, m, today| {
                    step(m, Step::Move, today)?;
                    if req.venue_id != 0 && req.venue_id != m.venue_id {
                        check_venue(tx, req.venue_id, "venue_id")?;
                        m.venue_id = req.venue_id;
                        m.venue_agreement = None;
                        m.status = M::Planned as i32;
                    }
                    m.date = req.date;
                    m.time = req.time.clone();
                    m.status_reason = req.reason.trim().to_string();
                    m.moves += 1;
                    m.handover = Some(pb::Handover {
                        due: Some(due),
                        ..Default::default()
                    });
                    if !m.notifications.is_empty() {
                        // Everyone already notified learns the new date, time and place.
                        stage_notices(tx, m, ("перенос", "moved"))?;
                    }
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn cancel_meeting(&self, req: Request<pb::CancelMeetingRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::text("reason", &req.reason, true, MAX_TEXT)?;
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "cancel",
                |tx, m, today| {
                    let to = step(m, Step::Cancel, today)?;
                    m.status_reason = req.reason.trim().to_string();
                    if !m.notifications.is_empty() {
                        stage_notices(tx, m, ("отмена", "cancelled"))?;
                    }
                    m.status = to as i32;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn save_participant(&self, req: Request<pb::SaveParticipantRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let p = req
            .participant
            .clone()
            .ok_or_else(|| FieldError::new("participant", "не заполнено", "is required"))?;
        validate::known_enum::<pb::ParticipantStatus>("participant.status", p.status)?;
        validate::optional_line("participant.position", &p.position, MAX_LINE)?;
        validate::name_line("participant.name", &p.name, MAX_LINE, false)?;
        validate::email("participant.email", p.email.trim())?;
        validate::phone("participant.phone", p.phone.trim())?;
        if p.organisation_id == 0 && p.name.trim().is_empty() {
            return Err(FieldError::new(
                "participant.name",
                "укажите организацию или имя",
                "give an organisation or a name",
            )
            .into());
        }
        // Media invitations are the general department's (3.8.2); the rest the group's.
        let current = self.visible(&c, req.meeting_id)?;
        let action = if p.media
            && authorize(
                &c.actor,
                Action::RecordPublication,
                &Resource::group(current.group_id),
            )
            .is_ok()
        {
            Action::RecordPublication
        } else {
            Action::PrepareMeeting
        };
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                action,
                "participant",
                |tx, m, today| {
                    let attended = p.status == pb::ParticipantStatus::Attended as i32;
                    if attended && !machine::was_held(status(m)) {
                        return Err(ApiError::precondition(
                            "отметить присутствие можно после встречи",
                            "attendance is marked after the meeting",
                        ));
                    }
                    if !attended {
                        step(m, Step::Prepare, today)?;
                    }
                    if p.organisation_id != 0
                        && tx.get::<pb::Organisation>(p.organisation_id)?.is_none()
                    {
                        return Err(FieldError::new(
                            "participant.organisation_id",
                            "нет такой организации",
                            "no such organisation",
                        )
                        .into());
                    }
                    let stored = m.participants.iter().find(|x| x.index == p.index);
                    validate::owned::participant(&p, stored.filter(|_| p.index != 0))?;
                    if p.index == 0 {
                        validate::at_most(
                            "participant",
                            m.participants.len() + 1,
                            caps::PARTICIPANTS,
                        )?;
                        let index = m.participants.iter().map(|x| x.index).max().unwrap_or(0) + 1;
                        m.participants.push(pb::Participant { index, ..p.clone() });
                    } else {
                        let Some(slot) = m.participants.iter_mut().find(|x| x.index == p.index)
                        else {
                            return Err(FieldError::new(
                                "participant.index",
                                "нет такого участника",
                                "no such participant",
                            )
                            .into());
                        };
                        let notified = slot.notified_at_ms;
                        *slot = pb::Participant {
                            notified_at_ms: notified,
                            ..p.clone()
                        };
                    }
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn notify_participants(&self, req: Request<pb::NotifyParticipantsRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "notify",
                |tx, m, today| {
                    step(m, Step::Prepare, today)?;
                    let reason = if m.notifications.is_empty() {
                        ("оповещение", "notice")
                    } else {
                        ("повторное оповещение", "repeated notice")
                    };
                    stage_notices(tx, m, reason)
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn save_checklist(&self, req: Request<pb::SaveChecklistRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::at_most("items", req.items.len(), caps::CHECKLIST)?;
        for (i, item) in req.items.iter().enumerate() {
            validate::required_line(&format!("items[{i}].title"), &item.title, MAX_LINE)?;
            validate::optional_line(
                &format!("items[{i}].responsible"),
                &item.responsible,
                MAX_LINE,
            )?;
        }
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "checklist",
                |_, m, today| {
                    step(m, Step::Prepare, today)?;
                    m.checklist = req.items.clone();
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn draft_brief(
        &self,
        req: Request<pb::DraftBriefRequest>,
    ) -> Result<Response<pb::Brief>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("meeting_id", req.meeting_id)?;
        let m = self.visible(&c, req.meeting_id)?;
        authorize(
            &c.actor,
            Action::PrepareMeeting,
            &Resource::group(m.group_id),
        )
        .map_err(ApiError::from)?;
        Ok(Response::new(self.assemble_brief(&m)?))
    }

    async fn save_brief(&self, req: Request<pb::SaveBriefRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let brief = req
            .brief
            .clone()
            .ok_or_else(|| FieldError::new("brief", "не заполнено", "is required"))?;
        validate::text("brief.text", &brief.text, true, MAX_TEXT)?;
        validate::id("meeting_id", req.meeting_id)?;
        // The figures are the server's, counted as the brief is saved.
        let drafted = self.assemble_brief(&self.visible(&c, req.meeting_id)?)?;
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "brief",
                |tx, m, today| {
                    step(m, Step::Prepare, today)?;
                    validate::owned::brief(&brief, &drafted, m.brief.as_ref())?;
                    m.brief = Some(pb::Brief {
                        text: brief.text,
                        saved_at_ms: tx.now_ms(),
                        ..drafted
                    });
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn record_informing(&self, req: Request<pb::RecordInformingRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let inf = req
            .informing
            .clone()
            .ok_or_else(|| FieldError::new("informing", "не заполнено", "is required"))?;
        validate::text("informing.method", &inf.method, true, MAX_TEXT)?;
        validate::owned::informing(&inf)?;
        let date = validate::date("informing.date", inf.date.as_ref())?;
        dating::done_by("informing.date", date, self.today())?;
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::RecordInforming,
                "informing",
                |tx, m, today| {
                    step(m, Step::Prepare, today)?;
                    m.informing = Some(pb::InformingTask {
                        done: true,
                        recorded_by: tx.actor_id(),
                        ..inf
                    });
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn record_publication(&self, req: Request<pb::RecordPublicationRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let p = req
            .publication
            .clone()
            .ok_or_else(|| FieldError::new("publication", "не заполнено", "is required"))?;
        validate::known_enum::<pb::PublicationKind>("publication.kind", p.kind)?;
        validate::required_line("publication.place", &p.place, MAX_LINE)?;
        let date = validate::date("publication.date", p.date.as_ref())?;
        dating::done_by("publication.date", date, self.today())?;
        validate::optional_line("publication.link", &p.link, 2000)?;
        validate::text("publication.draft_text", &p.draft_text, false, MAX_TEXT)?;
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::RecordPublication,
                "publication",
                |_, m, today| {
                    if p.kind == pb::PublicationKind::Results as i32 {
                        m.status = step(m, Step::PublishResults, today)? as i32;
                    } else if status(m) == M::Cancelled || status(m) == M::Planned {
                        return Err(ApiError::precondition(
                            "анонс публикуется после согласования места",
                            "the announcement is published once the venue is agreed",
                        ));
                    }
                    let slot = m.publications.iter_mut().find(|x| x.kind == p.kind);
                    let published = pb::Publication {
                        published: true,
                        draft_text: if p.draft_text.trim().is_empty() {
                            slot.as_ref()
                                .map(|s| s.draft_text.clone())
                                .unwrap_or_default()
                        } else {
                            p.draft_text.clone()
                        },
                        ..p.clone()
                    };
                    match slot {
                        Some(s) => *s = published,
                        None => m.publications.push(published),
                    }
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn announce_meeting(&self, req: Request<pb::MeetingStepRequest>) -> Reply {
        self.simple_step(req, Step::Announce, Action::PrepareMeeting, "announce")
            .await
    }

    async fn mark_held(&self, req: Request<pb::MeetingStepRequest>) -> Reply {
        self.simple_step(req, Step::MarkHeld, Action::PrepareMeeting, "held")
            .await
    }

    async fn save_protocol(&self, req: Request<pb::SaveProtocolRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let p = req
            .protocol
            .clone()
            .ok_or_else(|| FieldError::new("protocol", "не заполнено", "is required"))?;
        check_protocol(&p)?;
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "protocol",
                |tx, m, today| {
                    validate::owned::protocol(&p, m.protocol.as_ref())?;
                    let to = step(m, Step::DraftProtocol, today)?;
                    let group = tx.require::<pb::Group>(m.group_id)?;
                    let people = group_people(&group);
                    if let Some(x) = p.members_present.iter().find(|u| !people.contains(u)) {
                        // Named as people know them, not by an id.
                        let who = tx
                            .get::<pb::User>(*x)?
                            .map_or_else(|| x.to_string(), |u| u.username);
                        return Err(FieldError::new(
                            "protocol.members_present",
                            format!("{who} не входит в группу"),
                            format!("{who} is not in the group"),
                        )
                        .into());
                    }
                    if let Some(x) = p
                        .participants_present
                        .iter()
                        .find(|i| !m.participants.iter().any(|q| q.index == **i))
                    {
                        return Err(FieldError::new(
                            "protocol.participants_present",
                            format!("нет приглашённого № {x}"),
                            format!("no invited participant {x}"),
                        )
                        .into());
                    }
                    check_protocol_refs(tx, m.group_id, &p)?;
                    let old = m.protocol.clone().unwrap_or_default();
                    // A draft edited after it was sent is taken back from the leader: it is
                    // sent again once the secretary is done.
                    let mut new = pb::Protocol {
                        signed_by: 0,
                        signed_at_ms: 0,
                        sent_by: 0,
                        sent_at_ms: 0,
                        amendments: Vec::new(),
                        ..p.clone()
                    };
                    // Links to assignments are the server's: kept by decision position.
                    for (i, d) in new.decisions.iter_mut().enumerate() {
                        d.assignment_ids = old
                            .decisions
                            .get(i)
                            .map(|o| o.assignment_ids.clone())
                            .unwrap_or_default();
                    }
                    m.protocol = Some(new);
                    m.status = to as i32;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn send_for_signature(&self, req: Request<pb::MeetingStepRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "send_for_signature",
                |tx, m, today| {
                    let to = step(m, Step::SendForSignature, today)?;
                    let me = tx.actor_id();
                    let p = m.protocol.get_or_insert_with(Default::default);
                    p.sent_by = me;
                    p.sent_at_ms = tx.now_ms();
                    m.status = to as i32;
                    tell_about_protocol(
                        tx,
                        m,
                        pb::NotificationKind::ProtocolForSignature,
                        Told::Leader,
                        ("направлен вам на подпись", "is sent to you for signature"),
                    )?;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn sign_protocol(&self, req: Request<pb::MeetingStepRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::SignProtocol,
                "sign",
                |tx, m, today| {
                    let to = step(m, Step::Sign, today)?;
                    let now = tx.now_ms();
                    let p = m.protocol.get_or_insert_with(Default::default);
                    p.signed_by = tx.actor_id();
                    p.signed_at_ms = now;
                    m.status = to as i32;
                    tell_about_protocol(
                        tx,
                        m,
                        pb::NotificationKind::ProtocolSigned,
                        Told::Secretary,
                        (
                            "подписан руководителем; его нужно передать в контрольный сектор",
                            "is signed by the leader; it is to be handed to the control sector",
                        ),
                    )?;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn amend_protocol(&self, req: Request<pb::AmendProtocolRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::text("text", &req.text, true, MAX_TEXT)?;
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "amend",
                |tx, m, today| {
                    step(m, Step::Amend, today)?;
                    let so_far = m.protocol.as_ref().map_or(0, |p| p.amendments.len());
                    validate::at_most("text", so_far + 1, caps::AMENDMENTS)?;
                    let now = tx.now_ms();
                    m.protocol
                        .get_or_insert_with(Default::default)
                        .amendments
                        .push(pb::Amendment {
                            text: req.text.trim().to_string(),
                            by_user_id: tx.actor_id(),
                            at_ms: now,
                        });
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn hand_over_protocol(&self, req: Request<pb::MeetingStepRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let control: Vec<u64> = self
            .ctx
            .db
            .all::<pb::User>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|u| {
                u.roles
                    .iter()
                    .any(|g| g.role == pb::Role::ControlSector as i32)
            })
            .map(|u| u.meta().id)
            .collect();
        // Read before the write (a write cannot scan); files are never taken off a meeting.
        let scan_missing = self.ctx.config.require_protocol_scan
            && crate::attachments::list(&self.ctx.db, Kind::Meeting, req.meeting_id)
                .map_err(ApiError::from)?
                .is_empty();
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::PrepareMeeting,
                "hand_over",
                |tx, m, today| {
                    let to = step(m, Step::HandOver, today)?;
                    if scan_missing {
                        return Err(ApiError::precondition(
                            "приложите скан подписанного протокола, затем передайте его",
                            "attach the signed protocol's scan before handing it over",
                        ));
                    }
                    let now = tx.now_ms();
                    let h = m.handover.get_or_insert_with(Default::default);
                    h.handed_at_ms = now;
                    let due = h
                        .due
                        .as_ref()
                        .and_then(|d| d.date.as_ref())
                        .and_then(validate::to_naive);
                    h.late = due.is_some_and(|d| today > d);
                    m.status = to as i32;
                    let number = protocol_number(m);
                    let notice = Notice::meeting(
                        pb::NotificationKind::ProtocolHandedOver,
                        m,
                        format!("Передан протокол № {number}"),
                        format!("Protocol No. {number} handed over"),
                    );
                    crate::notify::stage_all(tx, &control, 0, &notice)?;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn acknowledge_protocol(&self, req: Request<pb::MeetingStepRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::AcknowledgeProtocol,
                "acknowledge",
                |tx, m, today| {
                    step(m, Step::Acknowledge, today)?;
                    let now = tx.now_ms();
                    let h = m.handover.get_or_insert_with(Default::default);
                    h.acknowledged_at_ms = now;
                    h.acknowledged_by = tx.actor_id();
                    tell_about_protocol(
                        tx,
                        m,
                        pb::NotificationKind::ProtocolReceived,
                        Told::Both,
                        (
                            "получен контрольным сектором",
                            "is received by the control sector",
                        ),
                    )?;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn return_protocol(&self, req: Request<pb::ReturnProtocolRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::text("reason", &req.reason, true, MAX_TEXT)?;
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                Action::AcknowledgeProtocol,
                "return_protocol",
                |tx, m, today| {
                    let to = step(m, Step::ReturnProtocol, today)?;
                    let h = m.handover.get_or_insert_with(Default::default);
                    validate::at_most("reason", h.returns.len() + 1, caps::PROTOCOL_RETURNS)?;
                    h.returns.push(pb::ProtocolReturn {
                        at_ms: tx.now_ms(),
                        by_user_id: tx.actor_id(),
                        reason: req.reason.trim().to_string(),
                        handed_at_ms: h.handed_at_ms,
                    });
                    // Not handed over again until the secretary does: the 3.6.9 timer and
                    // the boards see it as due (and late once past its day).
                    h.handed_at_ms = 0;
                    h.late = false;
                    m.status = to as i32;
                    tell_about_protocol(
                        tx,
                        m,
                        pb::NotificationKind::ProtocolReturned,
                        Told::Both,
                        (
                            &format!("возвращён контрольным сектором: {}", req.reason.trim()),
                            &format!("is returned by the control sector: {}", req.reason.trim()),
                        ),
                    )?;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    async fn list_meetings(
        &self,
        req: Request<pb::ListMeetingsRequest>,
    ) -> Result<Response<pb::ListMeetingsResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let period = validate::optional_range("period", req.period.as_ref())?;
        let mut items: Vec<pb::Meeting> = self
            .ctx
            .db
            .all::<pb::Meeting>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|m| may_read_group(&c.actor, m.group_id))
            .filter(|m| req.group_id == 0 || m.group_id == req.group_id)
            .filter(|m| period.is_none_or(|(f, t)| (f..=t).contains(&meeting_date(m))))
            .filter(|m| req.statuses.is_empty() || req.statuses.contains(&m.status))
            .collect();
        items.sort_by_key(meeting_date);
        let (meetings, page) = paginate(items, req.page.as_ref())?;
        Ok(Response::new(pb::ListMeetingsResponse {
            meetings,
            page: Some(page),
        }))
    }

    async fn get_meeting(&self, req: Request<pb::GetMeetingRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("meeting_id", req.meeting_id)?;
        Ok(Response::new(self.visible(&c, req.meeting_id)?))
    }

    async fn quarterly_minimum(
        &self,
        req: Request<pb::QuarterlyMinimumRequest>,
    ) -> Result<Response<pb::QuarterlyMinimumResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        if !(2000..=2100).contains(&req.year) {
            return Err(
                FieldError::new("year", "год от 2000 до 2100", "year must be 2000–2100").into(),
            );
        }
        let cells = quarter_table(&self.ctx, req.year, self.today(), |g| {
            may_read_group(&c.actor, g)
        })?;
        Ok(Response::new(pb::QuarterlyMinimumResponse { cells }))
    }

    async fn share_calendar_file(
        &self,
        req: Request<pb::CalendarFileRequest>,
    ) -> Result<Response<pb::ShareResponse>, Status> {
        let c = caller(&req)?;
        let subject = match (req.get_ref().meeting_id, req.get_ref().group_id) {
            (0, group) => (crate::entity::Kind::Group, group),
            (meeting, _) => (crate::entity::Kind::Meeting, meeting),
        };
        // The same file and checks as `CalendarFile`; only the way it travels differs.
        let file = self.calendar_file(req).await?.into_inner();
        let now = self.ctx.db.clock().now_ms();
        let link = crate::downloads::Link::to_file(
            c.actor.user_id,
            Some(subject),
            "calendar".into(),
            file.file_name,
            file.content,
            now,
        );
        let shared = self
            .ctx
            .downloads
            .share(now, link)
            .map_err(ApiError::from)?;
        Ok(Response::new(shared))
    }

    async fn calendar_file(
        &self,
        req: Request<pb::CalendarFileRequest>,
    ) -> Result<Response<pb::CalendarFileResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let db = &self.ctx.db;
        let (meetings, file_name) = if req.meeting_id != 0 {
            let m = self.visible(&c, req.meeting_id)?;
            (vec![m], format!("meeting-{}.ics", req.meeting_id))
        } else {
            validate::id("group_id", req.group_id)?;
            authorize(&c.actor, Action::ReadGroup, &Resource::group(req.group_id))
                .map_err(ApiError::from)?;
            let list: Vec<pb::Meeting> = db
                .all::<pb::Meeting>()
                .map_err(ApiError::from)?
                .into_iter()
                .filter(|m| m.group_id == req.group_id)
                .collect();
            (list, format!("group-{}.ics", req.group_id))
        };
        let mut events = Vec::new();
        for m in &meetings {
            let group = db
                .get::<pb::Group>(m.group_id)
                .map_err(ApiError::from)?
                .unwrap_or_default();
            let territory = db
                .get::<pb::Territory>(m.territory_id)
                .map_err(ApiError::from)?
                .map(|t| t.name)
                .unwrap_or_default();
            let location = match db.get::<pb::Venue>(m.venue_id).map_err(ApiError::from)? {
                Some(v) => format!("{}, {}", v.name, v.address),
                None => territory.clone(),
            };
            let summary = format!(
                "Выездная встреча информационной группы № {} — {territory}",
                group.number
            );
            let agenda = calendar_agenda(db, m).map_err(ApiError::from)?;
            let organizer = db
                .get::<pb::User>(group.secretary_id)
                .map_err(ApiError::from)?
                .map(|u| {
                    let address = if u.contact.contains('@') {
                        format!("mailto:{}", u.contact.trim())
                    } else {
                        format!("mailto:{}@infogroups.novoshakhtinsk", u.username)
                    };
                    (
                        infogroups_shared::names::signature_name(&u.full_name),
                        address,
                    )
                });
            events.extend(ics::event_for(
                m,
                ics::EventNames {
                    summary,
                    location,
                    agenda,
                    organizer,
                },
            ));
        }
        let stamp = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(db.clock().now_ms())
            .unwrap_or_default();
        Ok(Response::new(pb::CalendarFileResponse {
            file_name,
            content: ics::calendar(&events, stamp).into_bytes(),
        }))
    }

    async fn mail_invitation(
        &self,
        req: Request<pb::MailInvitationRequest>,
    ) -> Result<Response<pb::MailQueued>, Status> {
        let c = caller(&req)?;
        crate::mail::require_on(&self.ctx)?;
        let (meta, ext, body) = req.into_parts();
        let m = self.visible(&c, body.meeting_id)?;
        // Inviting is preparing the meeting: the group's secretary and leader (3.6.3).
        authorize(
            &c.actor,
            Action::PrepareMeeting,
            &Resource::group(m.group_id),
        )
        .map_err(ApiError::from)?;
        let calendar = self
            .calendar_file(Request::from_parts(
                meta,
                ext,
                pb::CalendarFileRequest {
                    meeting_id: body.meeting_id,
                    group_id: 0,
                },
            ))
            .await?
            .into_inner();
        let queued = invitation::send(&self.ctx, &c, &m, calendar).await?;
        Ok(Response::new(queued))
    }
}

/// A calendar event's agenda: the brief's most raised questions, or the territory's known
/// problems, one a line.
fn calendar_agenda(
    db: &crate::db::Db,
    m: &pb::Meeting,
) -> Result<String, crate::store::StoreError> {
    if let Some(b) = m.brief.as_ref().filter(|b| !b.top_topics.is_empty()) {
        return Ok(b
            .top_topics
            .iter()
            .map(|t| format!("{} {}", t.code, t.name).trim().to_string())
            .collect::<Vec<_>>()
            .join("\n"));
    }
    Ok(db
        .get::<pb::Territory>(m.territory_id)?
        .map(|t| t.known_problems)
        .unwrap_or_default())
}

impl MeetingSvc {
    async fn simple_step(
        &self,
        req: Request<pb::MeetingStepRequest>,
        s: Step,
        action: Action,
        audit: &str,
    ) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let m = self
            .change(
                &c,
                req.meeting_id,
                req.expected_version,
                action,
                audit,
                |_, m, today| {
                    m.status = step(m, s, today)? as i32;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(m))
    }

    fn assemble_brief(&self, m: &pb::Meeting) -> ApiResult<pb::Brief> {
        let db = &self.ctx.db;
        let territory = db.get::<pb::Territory>(m.territory_id)?.unwrap_or_default();
        let t = m.territory_id;
        let appeals: Vec<pb::Appeal> = db
            .all::<pb::Appeal>()?
            .into_iter()
            .filter(|a| a.territory_id == t)
            .collect();
        let open_appeals = appeals
            .iter()
            .filter(|a| {
                matches!(
                    pb::AppealStatus::try_from(a.status),
                    Ok(pb::AppealStatus::Registered | pb::AppealStatus::Extended)
                )
            })
            .count() as u32;
        let assignments: Vec<pb::Assignment> = db.all::<pb::Assignment>()?;
        let open_assignments = assignments
            .iter()
            .filter(|a| a.territory_id == t)
            .filter(|a| {
                !infogroups_shared::assignment::is_final(
                    pb::AssignmentStatus::try_from(a.status).unwrap_or_default(),
                )
            })
            .count() as u32;
        let earlier_meetings: Vec<pb::Meeting> = db
            .all::<pb::Meeting>()?
            .into_iter()
            .filter(|x| {
                x.territory_id == t && x.meta().id != m.meta().id && machine::was_held(status(x))
            })
            .collect();
        let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
        for a in &appeals {
            for q in &a.questions {
                *counts.entry(q.classifier_code.clone()).or_default() += 1;
            }
        }
        for x in &earlier_meetings {
            for q in x.protocol.iter().flat_map(|p| p.questions.iter()) {
                *counts.entry(q.classifier_code.clone()).or_default() += 1;
            }
        }
        counts.remove("");
        let mut top: Vec<(String, u32)> = counts.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let top_topics: Vec<pb::TopicCount> = top
            .into_iter()
            .take(5)
            .map(|(code, count)| pb::TopicCount {
                code,
                name: String::new(),
                count,
            })
            .collect();
        let mut earlier = Vec::new();
        for x in &earlier_meetings {
            for d in x.protocol.iter().flat_map(|p| p.decisions.iter()) {
                let done = d
                    .assignment_ids
                    .iter()
                    .filter_map(|id| assignments.iter().find(|a| a.meta().id == *id))
                    .filter(|a| {
                        matches!(
                            pb::AssignmentStatus::try_from(a.status),
                            Ok(pb::AssignmentStatus::DoneOnTime | pb::AssignmentStatus::DoneLate)
                        )
                    })
                    .count();
                earlier.push(texts::EarlierDecision {
                    date: x
                        .date
                        .as_ref()
                        .and_then(validate::to_naive)
                        .map(city_time::ru_date)
                        .unwrap_or_default(),
                    text: d.text.clone(),
                    done,
                    total: d.assignment_ids.len(),
                });
            }
        }
        Ok(pb::Brief {
            text: texts::brief(
                &territory.name,
                &territory.known_problems,
                open_appeals,
                open_assignments,
                &top_topics,
                &earlier,
            ),
            open_appeals,
            open_assignments,
            top_topics,
            saved_at_ms: 0,
        })
    }
}

/// The quarterly-minimum table for the groups `visible` lets through.
pub fn quarter_table(
    ctx: &Ctx,
    year: i32,
    today: NaiveDate,
    visible: impl Fn(u64) -> bool,
) -> ApiResult<Vec<pb::QuarterCell>> {
    let groups: Vec<pb::Group> = ctx.db.all::<pb::Group>()?;
    let meetings: Vec<pb::Meeting> = ctx.db.all::<pb::Meeting>()?;
    let cal = ctx.calendar.read().map_err(|_| ApiError::ShuttingDown)?;
    let mut cells = Vec::new();
    for g in groups
        .iter()
        .filter(|g| !g.meta().archived && visible(g.meta().id))
    {
        let held: Vec<NaiveDate> = meetings
            .iter()
            .filter(|m| m.group_id == g.meta().id && machine::was_held(status(m)))
            .map(meeting_date)
            .collect();
        let formed = quarters::formed_on(g);
        for q in 1..=4u32 {
            let state = quarters::state(
                &cal,
                year,
                q,
                &held,
                today,
                ctx.config.quarter_warning_days,
                formed,
            );
            let count = quarters::bounds(year, q)
                .map(|(s, e)| held.iter().filter(|d| (s..=e).contains(*d)).count())
                .unwrap_or(0);
            cells.push(pb::QuarterCell {
                group_id: g.meta().id,
                quarter: q,
                state: match state {
                    quarters::QuarterState::Met => pb::QuarterState::Met,
                    quarters::QuarterState::AtRisk => pb::QuarterState::AtRisk,
                    quarters::QuarterState::Missed => pb::QuarterState::Missed,
                    quarters::QuarterState::Open => pb::QuarterState::Open,
                    quarters::QuarterState::NotFormed => pb::QuarterState::NotFormed,
                } as i32,
                held: count as u32,
            });
        }
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifier_codes_need_four_or_five_blocks_of_four_digits() {
        assert!(classifier_code("c", "0005.0005.0056.1153").is_ok());
        assert!(classifier_code("c", "0005.0005.0056.1153.0001").is_ok());
        assert!(classifier_code("c", "0005.0005.0056").is_err());
        assert!(classifier_code("c", "0005.0005.0056.11a3").is_err());
        assert!(classifier_code("c", "").is_err());
    }

    #[test]
    fn times_are_hh_mm() {
        assert!(time_hhmm("t", "17:30", true).is_ok());
        assert!(time_hhmm("t", "", false).is_ok());
        assert!(time_hhmm("t", "", true).is_err());
        assert!(time_hhmm("t", "24:00", true).is_err());
        assert!(time_hhmm("t", "7:30", true).is_err());
    }
}
