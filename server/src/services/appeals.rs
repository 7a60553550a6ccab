//! `AppealService`: the appeal register and personal reception cards under 59-FZ (2.2.2, 3.5.6,
//! 3.6.6, 3.8.3–3.8.6). Lists never carry a citizen's personal data; opening one appeal or card
//! shows it only to the roles that need it, and every such view is written to the audit log.

use chrono::{Datelike, Days, NaiveDate};
use infogroups_shared::appeal::{self as rules, Step};
use infogroups_shared::calendar::NonWorkingRule as Rule;
use infogroups_shared::pb::{self, AppealStatus as A, appeal_service_server::AppealService};
use infogroups_shared::validate::{self, FieldError, MAX_LINE, MAX_TEXT, caps};
use infogroups_shared::{city_time, classifier, dating};
use tonic::{Request, Response, Status};

use super::Ctx;
use super::users::paginate;
use crate::auth::{Caller, caller};
use crate::db::Tx;
use crate::depersonalise::Plan;
use crate::entity::{Entity, Kind};
use crate::error::{ApiError, ApiResult};
use crate::notify;
use crate::personal_data::{depersonalised, depersonalised_card};
use crate::policy::{
    Action, Resource, VIEW_PERSONAL_DATA, authorize, may_read_group, personal_data_resource,
};
use crate::refs;

mod import;

/// The appeal service.
pub struct AppealSvc {
    ctx: Ctx,
}

impl AppealSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

fn status(a: &pb::Appeal) -> A {
    A::try_from(a.status).unwrap_or(A::Unspecified)
}

fn refused(r: rules::Refusal) -> ApiError {
    ApiError::precondition(r.ru, r.en)
}

/// The rule an appeal recorded at registration.
fn rule_of(a: &pb::Appeal) -> Rule {
    crate::settings::rule_from_pb(a.due_rule).unwrap_or_default()
}

/// Validates a citizen's fields; names and an address are required unless anonymous.
fn check_citizen(field: &str, c: Option<&pb::Citizen>, anonymous: bool) -> Result<(), FieldError> {
    let Some(c) = c else {
        return if anonymous {
            Ok(())
        } else {
            Err(FieldError::new(
                field,
                "укажите заявителя или отметьте анонимное",
                "give the citizen or mark it anonymous",
            ))
        };
    };
    for (name, value) in [
        ("surname", &c.surname),
        ("first_name", &c.first_name),
        ("patronymic", &c.patronymic),
    ] {
        validate::name_line(&format!("{field}.{name}"), value, MAX_LINE, false)?;
    }
    for (name, value) in [
        ("postal_address", &c.postal_address),
        ("contact", &c.contact),
        ("workplace", &c.workplace),
    ] {
        validate::optional_line(&format!("{field}.{name}"), value, MAX_LINE)?;
    }
    if !anonymous {
        validate::required_line(&format!("{field}.surname"), &c.surname, MAX_LINE)?;
        validate::required_line(&format!("{field}.first_name"), &c.first_name, MAX_LINE)?;
    }
    Ok(())
}

/// The key that tells whether two appeals come from the same citizen.
fn citizen_key(c: &pb::Citizen) -> String {
    format!(
        "{}|{}|{}|{}",
        c.surname.trim().to_lowercase(),
        c.first_name.trim().to_lowercase(),
        c.patronymic.trim().to_lowercase(),
        c.postal_address
            .to_lowercase()
            .chars()
            .filter(|ch| ch.is_alphanumeric())
            .collect::<String>()
    )
}

fn registered(a: &pb::Appeal) -> NaiveDate {
    a.registered
        .as_ref()
        .and_then(validate::to_naive)
        .unwrap_or(NaiveDate::MIN)
}

fn due(a: &pb::Appeal) -> NaiveDate {
    a.due
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive)
        .unwrap_or(NaiveDate::MAX)
}

/// The number of an appeal from the configured format.
fn number(format: &str, year: i32, seq: u64) -> String {
    format
        .replace("{year}", &year.to_string())
        .replace("{seq}", &format!("{seq:05}"))
}

impl AppealSvc {
    fn today(&self) -> NaiveDate {
        city_time::date_at(self.ctx.db.clock().now_ms())
    }

    fn check_code(&self, field: &str, code: &str) -> Result<(), FieldError> {
        if !classifier::is_full_code(code) {
            return Err(FieldError::new(
                field,
                "код классификатора в виде 0005.0005.0056.1153",
                "classifier code must look like 0005.0005.0056.1153",
            ));
        }
        let known = self
            .ctx
            .classifier
            .read()
            .map(|c| c.0.get(code).is_some_and(|n| !n.archived))
            .unwrap_or(false);
        if known {
            Ok(())
        } else {
            Err(FieldError::new(
                field,
                "нет такого кода в классификаторе",
                "no such code in the classifier",
            ))
        }
    }

    /// Who may see the citizen of this appeal: its group's roles, and the executors the server
    /// bound to it (the assignment of the reception card it came from). Assignments a user linked
    /// to the appeal grant nothing.
    fn pd_resource(&self, a: &pb::Appeal) -> ApiResult<Resource> {
        let card = match a.reception_card_id {
            0 => None,
            id => self.ctx.db.get::<pb::ReceptionCard>(id)?,
        };
        let executors = match card {
            Some(card) => card_executors(&self.ctx.db, &card)?,
            None => Vec::new(),
        };
        Ok(personal_data_resource(a.group_id, executors))
    }

    fn load(&self, c: &Caller, id: u64) -> ApiResult<pb::Appeal> {
        validate::id("appeal_id", id)?;
        let a: pb::Appeal = self
            .ctx
            .db
            .get(id)?
            .ok_or(ApiError::NotFound { kind: "appeal", id })?;
        let executes = self.pd_resource(&a)?.executors.contains(&c.actor.user_id);
        if !executes && !may_read_group(&c.actor, a.group_id) {
            return Err(ApiError::NotFound { kind: "appeal", id });
        }
        Ok(a)
    }

    /// Returns the appeal as the caller may see it; a view of personal data is audited.
    async fn shown(&self, c: &Caller, a: pb::Appeal) -> ApiResult<pb::Appeal> {
        if a.citizen.is_none() {
            return Ok(a);
        }
        if authorize(&c.actor, Action::ReadPersonalData, &self.pd_resource(&a)?).is_err() {
            return Ok(depersonalised(a));
        }
        audit_view(&self.ctx.db, c, Kind::Appeal, a.meta()).await?;
        Ok(a)
    }

    /// A step on one appeal by someone allowed to process it.
    async fn change(
        &self,
        c: &Caller,
        id: u64,
        expected_version: u64,
        action: Action,
        audit: &str,
        f: impl FnOnce(&mut Tx<'_>, &mut pb::Appeal) -> ApiResult<()>,
    ) -> ApiResult<pb::Appeal> {
        let current = self.load(c, id)?;
        authorize(&c.actor, action, &Resource::group(current.group_id))?;
        let a = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                let mut a = tx.require_at::<pb::Appeal>(id, expected_version)?;
                f(tx, &mut a)?;
                tx.update(a, expected_version, audit)
            })
            .await?;
        self.shown(c, a).await
    }

    /// Validates an appeal's content fields (shared by register and update).
    fn check_appeal(&self, a: &pb::Appeal) -> Result<(), FieldError> {
        validate::known_enum::<pb::Channel>("appeal.channel", a.channel)?;
        validate::known_enum::<pb::AppealKind>("appeal.kind", a.kind)?;
        if a.questions.is_empty() {
            return Err(FieldError::new(
                "appeal.questions",
                "нужен хотя бы один вопрос",
                "at least one question is needed",
            ));
        }
        validate::at_most(
            "appeal.questions",
            a.questions.len(),
            caps::APPEAL_QUESTIONS,
        )?;
        for (i, q) in a.questions.iter().enumerate() {
            self.check_code(
                &format!("appeal.questions[{i}].classifier_code"),
                &q.classifier_code,
            )?;
            validate::known_enum::<pb::QuestionType>(
                &format!("appeal.questions[{i}].type"),
                q.r#type,
            )?;
        }
        // A depersonalised copy without the citizen keeps the stored one (update); a citizen that
        // is sent is checked whatever the flags say.
        if !(a.depersonalised && a.citizen.is_none()) {
            check_citizen("appeal.citizen", a.citizen.as_ref(), a.anonymous)?;
        }
        validate::text("appeal.text", &a.text, true, MAX_TEXT)?;
        if a.collective && a.signatories < 2 {
            return Err(FieldError::new(
                "appeal.signatories",
                "у коллективного обращения не меньше двух подписавших",
                "a collective appeal has at least two signatories",
            ));
        }
        if a.signatories > 100_000 {
            return Err(FieldError::new(
                "appeal.signatories",
                "неправдоподобное число",
                "is implausible",
            ));
        }
        Ok(())
    }
}

/// The executors of the assignment the server made when `card` was put on control: the only
/// people bound to a citizen's record other than its group.
pub(crate) fn card_executors(db: &crate::db::Db, card: &pb::ReceptionCard) -> ApiResult<Vec<u64>> {
    if card.assignment_id == 0 {
        return Ok(Vec::new());
    }
    Ok(db
        .get::<pb::Assignment>(card.assignment_id)?
        .map(|x| Resource::of_assignment(&x).executors)
        .unwrap_or_default())
}

/// Records that the caller was shown a citizen's personal data (152-FZ: who saw whom, when).
pub async fn audit_view(
    db: &crate::db::Db,
    c: &Caller,
    kind: Kind,
    meta: pb::Meta,
) -> ApiResult<()> {
    let (id, version) = (meta.id, meta.version);
    db.write(c.actor.user_id, |tx| {
        tx.audit(kind, id, VIEW_PERSONAL_DATA, version);
        Ok(())
    })
    .await
}

/// Finds an earlier appeal of the same citizen on one of the same topics within the window.
fn earlier_same_topic(
    all: &[pb::Appeal],
    new: &pb::Appeal,
    today: NaiveDate,
    window_days: u32,
) -> Option<String> {
    let key = citizen_key(new.citizen.as_ref()?);
    let since = today.checked_sub_days(Days::new(u64::from(window_days)))?;
    all.iter()
        .filter(|a| registered(a) >= since)
        .filter(|a| a.citizen.as_ref().is_some_and(|c| citizen_key(c) == key))
        .find(|a| {
            a.questions.iter().any(|q| {
                new.questions
                    .iter()
                    .any(|n| n.classifier_code == q.classifier_code)
            })
        })
        .map(|a| a.number.clone())
}

/// An earlier appeal of the same citizen, on one of the same questions, was answered on the merits.
fn answered_before(all: &[pb::Appeal], a: &pb::Appeal) -> bool {
    let Some(key) = a.citizen.as_ref().map(citizen_key) else {
        return false;
    };
    all.iter()
        .filter(|x| x.meta.map(|m| m.id) != a.meta.map(|m| m.id))
        .filter(|x| registered(x) <= registered(a))
        .filter(|x| status(x) == A::Answered)
        .filter(|x| x.citizen.as_ref().is_some_and(|c| citizen_key(c) == key))
        .any(|x| {
            x.questions.iter().any(|q| {
                a.questions
                    .iter()
                    .any(|n| n.classifier_code == q.classifier_code)
            })
        })
}

type Reply = Result<Response<pb::Appeal>, Status>;

#[tonic::async_trait]
impl AppealService for AppealSvc {
    async fn register_appeal(&self, req: Request<pb::RegisterAppealRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::request_id("request_id", &req.request_id)?;
        let mut a = req
            .appeal
            .ok_or_else(|| FieldError::new("appeal", "не заполнено", "is required"))?;
        self.check_appeal(&a)?;
        validate::owned::appeal(&a, None)?;
        let today = self.today();
        let received = validate::date("appeal.received", a.received.as_ref())?;
        if received > today {
            return Err(FieldError::new(
                "appeal.received",
                "дата поступления в будущем",
                "is in the future",
            )
            .into());
        }
        authorize(
            &c.actor,
            Action::ProcessAppeals,
            &Resource::group(a.group_id),
        )
        .map_err(ApiError::from)?;
        // Only appeals the caller may read count: a warning must not tell of another group's.
        let all: Vec<pb::Appeal> = self
            .ctx
            .db
            .all::<pb::Appeal>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|x| may_read_group(&c.actor, x.group_id))
            .collect();
        if !req.repeated_confirmed
            && let Some(n) = earlier_same_topic(&all, &a, today, self.ctx.config.repeat_window_days)
        {
            return Err(ApiError::precondition(
                format!("похоже на повторное обращение (ранее {n}); подтвердите отметку «повторное» и отправьте снова"),
                format!("this looks like a repeated appeal (earlier {n}); confirm the «repeated» flag and send again"),
            )
            .into());
        }
        let rule = crate::settings::appeal_rule(&self.ctx)?;
        let deadline = self
            .ctx
            .calendar
            .read()
            .map(|cal| rules::answer_due(&cal, today, 0, rule))
            .map_err(|_| ApiError::ShuttingDown)?;
        let format = self.ctx.config.appeal_number_format.clone();
        let saved = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if let Some(done) = tx.replayed::<pb::Appeal>("RegisterAppeal", &req.request_id)? {
                    return Ok(done);
                }
                refs::exists::<pb::Group>(tx, "appeal.group_id", a.group_id)?;
                refs::exists::<pb::Territory>(tx, "appeal.territory_id", a.territory_id)?;
                // An appeal taken at a meeting belongs to the meeting's group.
                refs::in_scope::<pb::Meeting>(tx, "appeal.meeting_id", a.meeting_id, |m| {
                    m.group_id == a.group_id && may_read_group(&c.actor, m.group_id)
                })?;

                let year = chrono::Datelike::year(&today);
                let seq = tx.next_number(&format!("appeal/{year}"))?;
                a.meta = None;
                a.number = number(&format, year, seq);
                a.registered = Some(validate::from_naive(today));
                a.late_registration = rules::late_registration(received, today);
                a.status = A::Registered as i32;
                a.due = Some(pb::Deadline {
                    date: Some(validate::from_naive(deadline.date)),
                    predicted: deadline.predicted,
                });
                a.due_rule = crate::settings::rule_pb(rule) as i32;
                if a.anonymous {
                    a.citizen = None;
                }
                tx.create(a, Some(&req.request_id))
            })
            .await?;
        Ok(Response::new(self.shown(&c, saved).await?))
    }

    async fn update_appeal(&self, req: Request<pb::UpdateAppealRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let new = req
            .appeal
            .ok_or_else(|| FieldError::new("appeal", "не заполнено", "is required"))?;
        self.check_appeal(&new)?;
        let id = new.meta().id;
        let a = self
            .change(
                &c,
                id,
                req.expected_version,
                Action::ProcessAppeals,
                "update",
                |tx, a| {
                    validate::owned::appeal(&new, Some(a))?;
                    // Fixed when it was registered: a changed value is refused, never ignored.
                    validate::unchanged("appeal.group_id", &new.group_id, &a.group_id)?;
                    validate::unchanged("appeal.meeting_id", &new.meeting_id, &a.meeting_id)?;
                    validate::unchanged("appeal.received", &new.received, &a.received)?;
                    rules::next(status(a), Step::Update).map_err(refused)?;
                    refs::exists::<pb::Territory>(tx, "appeal.territory_id", new.territory_id)?;
                    // Only the content moves; numbers, dates, deadlines and outcomes are the server's.
                    a.channel = new.channel;
                    a.kind = new.kind;
                    a.territory_id = new.territory_id;
                    a.questions = new.questions.clone();
                    a.text = new.text.clone();
                    a.repeated = new.repeated;
                    a.collective = new.collective;
                    a.signatories = new.signatories;
                    a.on_control = new.on_control;
                    a.anonymous = new.anonymous;
                    // A depersonalised client copy must not wipe the stored citizen.
                    if !(new.depersonalised && new.citizen.is_none()) {
                        a.citizen = if new.anonymous {
                            None
                        } else {
                            new.citizen.clone()
                        };
                    }
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(a))
    }

    async fn extend_appeal(&self, req: Request<pb::ExtendAppealRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let ext = req
            .extension
            .ok_or_else(|| FieldError::new("extension", "не заполнено", "is required"))?;
        if !(1..=30).contains(&ext.days) {
            return Err(
                FieldError::new("extension.days", "от 1 до 30 дней", "1 to 30 days").into(),
            );
        }
        validate::text("extension.reason", &ext.reason, true, MAX_TEXT)?;
        validate::owned::appeal_extension(&ext)?;
        let notice = validate::date("extension.notice_date", ext.notice_date.as_ref())?;
        let today = self.today();
        let me = c.actor.user_id;
        let cal = self
            .ctx
            .calendar
            .read()
            .map_err(|_| ApiError::ShuttingDown)?
            .clone();
        let a = self
            .change(
                &c,
                req.appeal_id,
                req.expected_version,
                Action::ExtendAppeal,
                "extend",
                |_, a| {
                    let so_far: u32 = a.extensions.iter().map(|e| e.days).sum();
                    let to = rules::next(
                        status(a),
                        Step::Extend {
                            days: ext.days,
                            so_far,
                        },
                    )
                    .map_err(refused)?;
                    if today > due(a) {
                        return Err(ApiError::precondition(
                            "срок рассмотрения уже истёк",
                            "the deadline has already passed",
                        ));
                    }
                    // The days add to the statutory term, and the rule the appeal recorded is
                    // applied once to the result (art. 12 p. 2), never to a date already moved.
                    let new_due =
                        rules::answer_due(&cal, registered(a), so_far + ext.days, rule_of(a)).date;
                    if notice > new_due {
                        return Err(FieldError::new(
                            "extension.notice_date",
                            "уведомление позже нового срока",
                            "the notice is after the new deadline",
                        )
                        .into());
                    }
                    a.extensions.push(pb::AppealExtension {
                        granted_by: me,
                        new_due: Some(validate::from_naive(new_due)),
                        ..ext
                    });
                    if let Some(d) = a.due.as_mut() {
                        d.date = Some(validate::from_naive(new_due));
                    }
                    for q in &mut a.questions {
                        if q.result == pb::QuestionResult::InProgress as i32 {
                            q.result = pb::QuestionResult::Extended as i32;
                        }
                    }
                    a.status = to as i32;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(a))
    }

    async fn forward_appeal(&self, req: Request<pb::ForwardAppealRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let f = req
            .forwarding
            .ok_or_else(|| FieldError::new("forwarding", "не заполнено", "is required"))?;
        validate::required_line("forwarding.body", &f.body, MAX_LINE)?;
        validate::owned::forwarding(&f)?;
        let date = validate::date("forwarding.date", f.date.as_ref())?;
        let notice = validate::date("forwarding.notice_date", f.notice_date.as_ref())?;
        dating::done_by("forwarding.date", date, self.today())?;
        dating::done_by("forwarding.notice_date", notice, self.today())?;
        // The applicant is told where the appeal went once it has gone (art. 8 p. 3).
        if notice < date {
            return Err(FieldError::new(
                "forwarding.notice_date",
                "уведомление заявителя — не раньше направления",
                "the applicant is notified on or after the forwarding",
            )
            .into());
        }
        let a = self
            .change(
                &c,
                req.appeal_id,
                req.expected_version,
                Action::ProcessAppeals,
                "forward",
                |_, a| {
                    let to = rules::next(status(a), Step::Forward).map_err(refused)?;
                    if date < registered(a) {
                        return Err(FieldError::new(
                            "forwarding.date",
                            "раньше регистрации",
                            "is before registration",
                        )
                        .into());
                    }
                    a.forwarding = Some(pb::Forwarding {
                        on_time: rules::forwarded_on_time(registered(a), date),
                        ..f
                    });
                    for q in &mut a.questions {
                        q.result = pb::QuestionResult::Forwarded as i32;
                    }
                    a.status = to as i32;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(a))
    }

    async fn close_special(&self, req: Request<pb::CloseSpecialRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let outcome = A::try_from(req.outcome)
            .ok()
            .filter(|o| rules::is_special(*o))
            .ok_or_else(|| {
                FieldError::new(
                    "outcome",
                    "выберите исход по ст. 11",
                    "choose an art. 11 outcome",
                )
            })?;
        validate::text("reason", &req.reason, true, MAX_TEXT)?;
        let notice = req
            .notice_date
            .as_ref()
            .map(|d| validate::date("notice_date", Some(d)))
            .transpose()?;
        let action = match rules::decider(outcome) {
            rules::Decider::Head => Action::StopCorrespondence,
            rules::Decider::Official => Action::ProcessAppeals,
        };
        let today = self.today();
        // Earlier appeals of the same citizen answered on the merits (art. 11 p. 5).
        let all: Vec<pb::Appeal> = self.ctx.db.all().map_err(ApiError::from)?;
        let a = self
            .change(
                &c,
                req.appeal_id,
                req.expected_version,
                action,
                "close_special",
                |_, a| {
                    let to =
                        rules::next(status(a), Step::CloseSpecial(outcome)).map_err(refused)?;
                    let citizen = a.citizen.as_ref();
                    let facts = rules::SpecialFacts {
                        surname_given: !a.anonymous
                            && citizen.is_some_and(|c| !c.surname.trim().is_empty()),
                        address_given: !a.anonymous
                            && citizen.is_some_and(|c| {
                                !c.postal_address.trim().is_empty() || c.contact.contains('@')
                            }),
                        reports_offence: req.reports_offence,
                        repeated: a.repeated,
                        earlier_answered: answered_before(&all, a),
                        no_new_arguments: req.no_new_arguments,
                        address_readable: req.address_readable,
                        registered: registered(a),
                        notice,
                        today,
                    };
                    match rules::special_fits(outcome, &facts) {
                        Ok(()) => {}
                        Err(rules::SpecialRefusal::Field { field, ru, en }) => {
                            return Err(FieldError::new(field, ru, en).into());
                        }
                        Err(rules::SpecialRefusal::Facts(r)) => return Err(refused(r)),
                    }
                    a.status = to as i32;
                    a.answer = Some(pb::AppealAnswer {
                        date: notice.map(validate::from_naive),
                        summary: req.reason.trim().to_string(),
                        ..Default::default()
                    });
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(a))
    }

    async fn answer_appeal(&self, req: Request<pb::AnswerAppealRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        let ans = req
            .answer
            .ok_or_else(|| FieldError::new("answer", "не заполнено", "is required"))?;
        let date = validate::date("answer.date", ans.date.as_ref())?;
        validate::required_line("answer.signed_by", &ans.signed_by, MAX_LINE)?;
        validate::required_line("answer.sent_via", &ans.sent_via, MAX_LINE)?;
        validate::owned::answer(&ans)?;
        // A 59-FZ answer is on the merits: what it said is recorded, never left blank.
        validate::text("answer.summary", &ans.summary, true, MAX_TEXT)?;
        dating::done_by("answer.date", date, self.today())?;
        for (i, r) in req.results.iter().enumerate() {
            let ok = pb::QuestionResult::try_from(*r).is_ok_and(|r| {
                !matches!(
                    r,
                    pb::QuestionResult::InProgress
                        | pb::QuestionResult::Extended
                        | pb::QuestionResult::Forwarded
                )
            });
            if !ok {
                return Err(FieldError::new(
                    format!("results[{i}]"),
                    "выберите итог рассмотрения",
                    "choose the result",
                )
                .into());
            }
        }
        let a = self
            .change(
                &c,
                req.appeal_id,
                req.expected_version,
                Action::ProcessAppeals,
                "answer",
                |_, a| {
                    let to = rules::next(status(a), Step::Answer).map_err(refused)?;
                    if req.results.len() != a.questions.len() {
                        return Err(FieldError::new(
                            "results",
                            "итог нужен по каждому вопросу",
                            "a result is needed for every question",
                        )
                        .into());
                    }
                    if date < registered(a) {
                        return Err(FieldError::new(
                            "answer.date",
                            "раньше регистрации",
                            "is before registration",
                        )
                        .into());
                    }
                    for (q, r) in a.questions.iter_mut().zip(&req.results) {
                        q.result = *r;
                    }
                    a.answer = Some(pb::AppealAnswer {
                        on_time: date <= due(a),
                        ..ans
                    });
                    a.status = to as i32;
                    Ok(())
                },
            )
            .await?;
        Ok(Response::new(a))
    }

    async fn get_appeal(&self, req: Request<pb::GetAppealRequest>) -> Reply {
        let c = caller(&req)?;
        let a = self.load(&c, req.into_inner().appeal_id)?;
        Ok(Response::new(self.shown(&c, a).await?))
    }

    async fn list_appeals(
        &self,
        req: Request<pb::ListAppealsRequest>,
    ) -> Result<Response<pb::ListAppealsResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let period = validate::optional_range("period", req.period.as_ref())?;
        let mut items: Vec<pb::Appeal> = self
            .ctx
            .db
            .all::<pb::Appeal>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|a| may_read_group(&c.actor, a.group_id))
            .filter(|a| req.group_id == 0 || a.group_id == req.group_id)
            .filter(|a| req.territory_id == 0 || a.territory_id == req.territory_id)
            .filter(|a| period.is_none_or(|(f, t)| (f..=t).contains(&registered(a))))
            .filter(|a| req.statuses.is_empty() || req.statuses.contains(&a.status))
            .map(depersonalised)
            .collect();
        items.sort_by_key(|a| std::cmp::Reverse(a.meta().id));
        let (appeals, page) = paginate(items, req.page.as_ref())?;
        Ok(Response::new(pb::ListAppealsResponse {
            appeals,
            page: Some(page),
        }))
    }

    async fn save_reception_card(
        &self,
        req: Request<pb::SaveReceptionCardRequest>,
    ) -> Result<Response<pb::ReceptionCard>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let card = req
            .card
            .ok_or_else(|| FieldError::new("card", "не заполнено", "is required"))?;
        let date = validate::date("card.date", card.date.as_ref())?;
        validate::required_line("card.place", &card.place, MAX_LINE)?;
        validate::id("card.group_id", card.group_id)?;
        validate::id("card.received_by", card.received_by)?;
        // A depersonalised copy without the citizen keeps the stored one (a change); a citizen
        // that is sent is checked whatever the flags say.
        if !(card.depersonalised && card.citizen.is_none()) {
            check_citizen("card.citizen", card.citizen.as_ref(), false)?;
        }
        validate::text("card.content", &card.content, true, MAX_TEXT)?;
        self.check_code("card.classifier_code", &card.classifier_code)?;
        validate::known_enum::<pb::QuestionType>("card.question_type", card.question_type)?;
        validate::text(
            "card.oral_answer",
            &card.oral_answer,
            card.oral_answer_given,
            MAX_TEXT,
        )?;
        if card.on_control {
            validate::id("card.executor_id", card.executor_id)?;
            let deadline = validate::date("card.deadline", card.deadline.as_ref())?;
            if deadline < date {
                return Err(FieldError::new(
                    "card.deadline",
                    "срок раньше даты приёма",
                    "is before the reception",
                )
                .into());
            }
        }
        if date > self.today() {
            return Err(FieldError::new("card.date", "дата в будущем", "is in the future").into());
        }
        let id = card.meta().id;
        if id == 0 {
            validate::request_id("request_id", &req.request_id)?;
        }
        authorize(
            &c.actor,
            Action::FillReceptionCard,
            &Resource::group(card.group_id),
        )
        .map_err(ApiError::from)?;
        let today = self.today();
        let saved = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if id == 0
                    && let Some(done) =
                        tx.replayed::<pb::ReceptionCard>("SaveReceptionCard", &req.request_id)?
                {
                    return Ok(done);
                }
                let group = tx.require::<pb::Group>(card.group_id)?;
                let mut receivers = vec![group.leader_id];
                receivers.extend(group.member_ids.iter().copied());
                if !receivers.contains(&card.received_by) {
                    return Err(FieldError::new(
                        "card.received_by",
                        "приём ведут руководитель и члены группы (п. 3.5.6)",
                        "reception is held by the group's leader and members (3.5.6)",
                    )
                    .into());
                }
                if card.on_control {
                    refs::in_scope::<pb::User>(tx, "card.executor_id", card.executor_id, |u| {
                        !u.meta().archived
                    })?;
                }
                refs::exists::<pb::Territory>(tx, "card.territory_id", card.territory_id)?;
                refs::in_scope::<pb::Meeting>(tx, "card.meeting_id", card.meeting_id, |m| {
                    m.group_id == card.group_id
                })?;
                let mut card = card.clone();
                let previous = if id == 0 {
                    None
                } else {
                    // A card of another group is refused as if it did not exist.
                    let p = tx.require::<pb::ReceptionCard>(id)?;
                    if !may_read_group(&c.actor, p.group_id) {
                        return Err(ApiError::NotFound {
                            kind: "reception_card",
                            id,
                        });
                    }
                    Some(tx.require_at::<pb::ReceptionCard>(id, req.expected_version)?)
                };
                // A card put on control gets a deadline from today on; an edit of a card already
                // on control leaves its deadline be (it is its assignment's, below).
                let new_deadline = previous.as_ref().is_none_or(|p| !p.on_control);
                if card.on_control
                    && new_deadline
                    && let Some(d) = card.deadline.as_ref().and_then(validate::to_naive)
                {
                    dating::deadline_ahead("card.deadline", d, today)?;
                }
                // The links to an appeal and an assignment are the server's own.
                validate::owned::reception_card(&card, previous.as_ref())?;
                if let Some(p) = &previous {
                    validate::unchanged("card.group_id", &card.group_id, &p.group_id)?;
                    // On control, the executor and the deadline are the assignment's: a change
                    // here would leave the card saying what the assignment does not.
                    if p.assignment_id != 0
                        && (card.on_control != p.on_control
                            || card.executor_id != p.executor_id
                            || card.deadline != p.deadline)
                    {
                        return Err(ApiError::precondition(
                            "карточка на контроле: исполнителя и срок меняют в её поручении",
                            "the card is on control: its executor and deadline change in its assignment",
                        ));
                    }
                    if card.depersonalised && card.citizen.is_none() {
                        // A depersonalised client copy must not wipe the stored citizen.
                        card.citizen = p.citizen.clone();
                    }
                }
                card.depersonalised = false;
                let mut saved = match previous {
                    None => tx.create(card, Some(&req.request_id))?,
                    Some(_) => tx.update(card, req.expected_version, "update")?,
                };
                if saved.on_control && saved.assignment_id == 0 {
                    // A card put on control creates an assignment (domain-facts §5).
                    let year = chrono::Datelike::year(&today);
                    let n = tx.next_number(&format!("assignment/{year}"))?;
                    let executor = tx.require::<pb::User>(saved.executor_id)?;
                    let mut asg = pb::Assignment {
                        number: format!("{year}/{n:04}"),
                        text: format!(
                            "Личный приём {}: {}",
                            city_time::ru_date(date),
                            saved.content
                        ),
                        kind: pb::AssignmentKind::Task as i32,
                        basis: Some(pb::Basis {
                            kind: pb::BasisKind::ReceptionCard as i32,
                            reception_card_id: saved.meta().id,
                            ..Default::default()
                        }),
                        group_id: saved.group_id,
                        territory_id: saved.territory_id,
                        issuer_id: tx.actor_id(),
                        executor_id: saved.executor_id,
                        controller_id: group.secretary_id,
                        issued: Some(validate::from_naive(today)),
                        deadline: Some(pb::Deadline {
                            date: saved.deadline,
                            predicted: false,
                        }),
                        department_id: executor.department_id,
                        ..Default::default()
                    };
                    super::assignments::set_status(
                        &mut asg,
                        pb::AssignmentStatus::InProgress,
                        tx.actor_id(),
                        tx.now_ms(),
                        "",
                    );
                    let asg = tx.create(asg, None)?;
                    let notice = notify::Notice::assignment(
                        pb::NotificationKind::NewAssignment,
                        &asg,
                        "новое поручение",
                        "new assignment",
                    );
                    notify::stage(tx, asg.executor_id, &notice)?;
                    saved.assignment_id = asg.meta().id;
                    if saved.appeal_id != 0 {
                        let mut appeal = tx.require::<pb::Appeal>(saved.appeal_id)?;
                        appeal.assignment_ids.push(asg.meta().id);
                        tx.update_current(appeal, "link_assignment")?;
                    }
                    saved = tx.update_current(saved, "put_on_control")?;
                }
                Ok(saved)
            })
            .await?;
        let pd = personal_data_resource(saved.group_id, card_executors(&self.ctx.db, &saved)?);
        if saved.citizen.is_none() || authorize(&c.actor, Action::ReadPersonalData, &pd).is_err() {
            return Ok(Response::new(depersonalised_card(saved)));
        }
        audit_view(&self.ctx.db, &c, Kind::ReceptionCard, saved.meta()).await?;
        Ok(Response::new(saved))
    }

    async fn card_to_appeal(&self, req: Request<pb::CardToAppealRequest>) -> Reply {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::request_id("request_id", &req.request_id)?;
        validate::id("card_id", req.card_id)?;
        let card: pb::ReceptionCard = self
            .ctx
            .db
            .get(req.card_id)
            .map_err(ApiError::from)?
            .ok_or(ApiError::NotFound {
                kind: "reception_card",
                id: req.card_id,
            })?;
        if !may_read_group(&c.actor, card.group_id) {
            return Err(ApiError::NotFound {
                kind: "reception_card",
                id: req.card_id,
            }
            .into());
        }
        authorize(
            &c.actor,
            Action::ProcessAppeals,
            &Resource::group(card.group_id),
        )
        .map_err(ApiError::from)?;
        if card.appeal_id != 0 {
            return Err(ApiError::precondition(
                "по карточке уже заведено обращение",
                "the card already has an appeal",
            )
            .into());
        }
        let today = self.today();
        let rule = crate::settings::appeal_rule(&self.ctx)?;
        let deadline = self
            .ctx
            .calendar
            .read()
            .map(|cal| rules::answer_due(&cal, today, 0, rule))
            .map_err(|_| ApiError::ShuttingDown)?;
        let format = self.ctx.config.appeal_number_format.clone();
        let saved = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if let Some(done) = tx.replayed::<pb::Appeal>("CardToAppeal", &req.request_id)? {
                    return Ok(done);
                }
                let mut card =
                    tx.require_at::<pb::ReceptionCard>(req.card_id, req.expected_version)?;
                let year = chrono::Datelike::year(&today);
                let seq = tx.next_number(&format!("appeal/{year}"))?;
                let received = card
                    .date
                    .as_ref()
                    .and_then(validate::to_naive)
                    .unwrap_or(today);
                let kind = match pb::QuestionType::try_from(card.question_type) {
                    Ok(pb::QuestionType::Proposal) => pb::AppealKind::Proposal,
                    Ok(pb::QuestionType::Complaint) => pb::AppealKind::Complaint,
                    _ => pb::AppealKind::Application,
                };
                let appeal = tx.create(
                    pb::Appeal {
                        number: number(&format, year, seq),
                        received: card.date,
                        registered: Some(validate::from_naive(today)),
                        late_registration: rules::late_registration(received, today),
                        channel: if card.meeting_id != 0 {
                            pb::Channel::FieldMeeting
                        } else {
                            pb::Channel::Reception
                        } as i32,
                        kind: kind as i32,
                        meeting_id: card.meeting_id,
                        reception_card_id: card.meta().id,
                        territory_id: card.territory_id,
                        group_id: card.group_id,
                        questions: vec![pb::AppealQuestion {
                            classifier_code: card.classifier_code.clone(),
                            r#type: card.question_type,
                            ..Default::default()
                        }],
                        citizen: card.citizen.clone(),
                        text: card.content.clone(),
                        on_control: card.on_control,
                        status: A::Registered as i32,
                        due: Some(pb::Deadline {
                            date: Some(validate::from_naive(deadline.date)),
                            predicted: deadline.predicted,
                        }),
                        due_rule: crate::settings::rule_pb(rule) as i32,
                        assignment_ids: if card.assignment_id == 0 {
                            vec![]
                        } else {
                            vec![card.assignment_id]
                        },
                        ..Default::default()
                    },
                    Some(&req.request_id),
                )?;
                card.appeal_id = appeal.meta().id;
                tx.update(card, req.expected_version, "to_appeal")?;
                Ok(appeal)
            })
            .await?;
        Ok(Response::new(self.shown(&c, saved).await?))
    }

    async fn list_reception_cards(
        &self,
        req: Request<pb::ListReceptionCardsRequest>,
    ) -> Result<Response<pb::ListReceptionCardsResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let mut items: Vec<pb::ReceptionCard> = self
            .ctx
            .db
            .all::<pb::ReceptionCard>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|x| may_read_group(&c.actor, x.group_id))
            .filter(|x| req.group_id == 0 || x.group_id == req.group_id)
            .map(depersonalised_card)
            .collect();
        items.sort_by_key(|x| std::cmp::Reverse(x.meta().id));
        let (cards, page) = paginate(items, req.page.as_ref())?;
        Ok(Response::new(pb::ListReceptionCardsResponse {
            cards,
            page: Some(page),
        }))
    }

    async fn depersonalise(
        &self,
        req: Request<pb::DepersonaliseRequest>,
    ) -> Result<Response<pb::DepersonaliseResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        authorize(&c.actor, Action::Depersonalise, &Resource::default()).map_err(ApiError::from)?;
        let today = self.today();
        let years = self.ctx.config.retention_years;
        let cutoff = today
            .with_year(chrono::Datelike::year(&today) - i32::try_from(years).unwrap_or(5))
            .unwrap_or(today);
        let db = &self.ctx.db;
        let appeals: Vec<u64> = db
            .all::<pb::Appeal>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|a| a.citizen.is_some() && registered(a) < cutoff)
            .map(|a| a.meta().id)
            .collect();
        let cards: Vec<u64> = db
            .all::<pb::ReceptionCard>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|x| {
                x.citizen.is_some()
                    && x.date
                        .as_ref()
                        .and_then(validate::to_naive)
                        .is_some_and(|d| d < cutoff)
            })
            .map(|x| x.meta().id)
            .collect();
        let out = pb::DepersonaliseResponse {
            appeals: appeals.len() as u32,
            cards: cards.len() as u32,
        };
        if req.dry_run || (appeals.is_empty() && cards.is_empty()) {
            return Ok(Response::new(out));
        }
        let plan = Plan::build(db, &appeals, &cards)?;
        crate::depersonalise::run(db, c.actor.user_id, &plan).await?;
        Ok(Response::new(out))
    }

    async fn import_appeals(
        &self,
        req: Request<pb::ImportRegisterRequest>,
    ) -> Result<Response<pb::ImportRegisterResponse>, Status> {
        self.import(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citizen(surname: &str, address: &str) -> pb::Citizen {
        pb::Citizen {
            surname: surname.into(),
            first_name: "Анна".into(),
            postal_address: address.into(),
            ..Default::default()
        }
    }

    fn appeal(c: pb::Citizen, code: &str, registered: NaiveDate) -> pb::Appeal {
        pb::Appeal {
            number: "ИГ-2026-00001".into(),
            citizen: Some(c),
            registered: Some(validate::from_naive(registered)),
            questions: vec![pb::AppealQuestion {
                classifier_code: code.into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_repeated_appeal_is_the_same_citizen_on_the_same_topic_within_the_window() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        let old = appeal(
            citizen("Иванова", "ул. Ленина, д. 5"),
            "0005.0005.0056.1154",
            d(3, 1),
        );
        let same = appeal(
            citizen("ИВАНОВА ", "ул Ленина д 5"),
            "0005.0005.0056.1154",
            d(6, 1),
        );
        assert!(earlier_same_topic(std::slice::from_ref(&old), &same, d(6, 1), 365).is_some());
        let other_topic = appeal(
            citizen("Иванова", "ул. Ленина, д. 5"),
            "0005.0005.0056.1153",
            d(6, 1),
        );
        assert!(
            earlier_same_topic(std::slice::from_ref(&old), &other_topic, d(6, 1), 365).is_none()
        );
        assert!(earlier_same_topic(std::slice::from_ref(&old), &same, d(6, 1), 30).is_none());
        let other_person = appeal(
            citizen("Петрова", "ул. Ленина, д. 5"),
            "0005.0005.0056.1154",
            d(6, 1),
        );
        assert!(earlier_same_topic(&[old], &other_person, d(6, 1), 365).is_none());
    }

    #[test]
    fn numbers_follow_the_format() {
        assert_eq!(number("ИГ-{year}-{seq}", 2026, 42), "ИГ-2026-00042");
        assert_eq!(number("{seq}/{year}", 2026, 7), "00007/2026");
    }
}
