//! `AssignmentService`: issuing assignments and moving them through their life (3.6.7, 3.6.8).
//! The status machine is `infogroups_shared::assignment`; this module applies it with the policy.

use chrono::NaiveDate;
use infogroups_shared::assignment::{self as machine, Facts, Step};
use infogroups_shared::basis::{self, Named};
use infogroups_shared::pb::{
    self, AssignmentStatus as S, assignment_service_server::AssignmentService,
};
use infogroups_shared::validate::{self, FieldError, MAX_TEXT, caps};
use infogroups_shared::{city_time, dating, discipline, names};
use tonic::{Request, Response, Status};

use super::Ctx;
use super::directory::preset_of;
use super::users::paginate;
use crate::auth::{Caller, caller};
use crate::db::Tx;
use crate::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::notify;
use crate::policy::{Action, Resource, authorize, executes, executors};

mod import;

/// The assignment service.
pub struct AssignmentSvc {
    ctx: Ctx,
}

impl AssignmentSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

fn deadline_of(a: &pb::Assignment) -> NaiveDate {
    a.deadline
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive)
        .unwrap_or(NaiveDate::MAX)
}

/// The facts the status machine needs about an assignment today.
pub fn facts(a: &pb::Assignment, today: NaiveDate) -> Facts {
    Facts {
        today,
        deadline: deadline_of(a),
        reported_on: a.reports.last().map(|r| city_time::date_at(r.at_ms)),
        extension_pending: a
            .extensions
            .last()
            .is_some_and(|e| e.state == pb::ExtensionState::Pending as i32),
    }
}

fn refusal(r: machine::Refusal) -> ApiError {
    ApiError::precondition(r.ru, r.en)
}

fn status_of(a: &pb::Assignment) -> S {
    S::try_from(a.status).unwrap_or(S::Unspecified)
}

/// Moves `a` to `to`, recording who, when and why.
pub fn set_status(a: &mut pb::Assignment, to: S, by: u64, at_ms: i64, comment: &str) {
    let from = status_of(a);
    a.history.push(pb::StatusChange {
        from: from as i32,
        to: to as i32,
        by_user_id: by,
        at_ms,
        comment: comment.to_string(),
        by_system: false,
    });
    a.status = to as i32;
    if machine::is_final(to) {
        a.completed = Some(validate::from_naive(city_time::date_at(at_ms)));
    }
}

fn notify_all(
    tx: &mut Tx<'_>,
    users: &[u64],
    kind: pb::NotificationKind,
    a: &pb::Assignment,
    ru: &str,
    en: &str,
) -> ApiResult<()> {
    notify::stage_all(tx, users, 0, &notify::Notice::assignment(kind, a, ru, en))
}

impl AssignmentSvc {
    fn today(&self) -> NaiveDate {
        city_time::date_at(self.ctx.db.clock().now_ms())
    }

    fn load_visible(&self, c: &Caller, id: u64) -> ApiResult<pb::Assignment> {
        let a: pb::Assignment = self.ctx.db.get(id)?.ok_or(ApiError::NotFound {
            kind: "assignment",
            id,
        })?;
        if authorize(
            &c.actor,
            Action::ReadAssignment,
            &Resource::of_assignment(&a),
        )
        .is_err()
        {
            return Err(ApiError::NotFound {
                kind: "assignment",
                id,
            });
        }
        Ok(a)
    }
}

/// Validates a create request; computes its deadline and says which record its basis names.
fn validate_create(
    req: &pb::CreateAssignmentRequest,
    cal: &infogroups_shared::calendar::ProductionCalendar,
    today: NaiveDate,
) -> Result<(pb::Deadline, Named), FieldError> {
    validate::request_id("request_id", &req.request_id)?;
    validate::text("text", &req.text, true, MAX_TEXT)?;
    if pb::AssignmentKind::try_from(req.kind).is_err() || req.kind == 0 {
        return Err(FieldError::new(
            "kind",
            "выберите вид поручения",
            "choose the kind",
        ));
    }
    validate::id("group_id", req.group_id)?;
    validate::id("executor_id", req.executor_id)?;
    let named = basis::named(req.basis.as_ref())?;
    if pb::DeadlinePreset::try_from(req.preset).is_err() {
        return Err(FieldError::new(
            "preset",
            "неизвестный срок",
            "unknown preset",
        ));
    }
    validate::at_most("co_executors", req.co_executors.len(), caps::CO_EXECUTORS)?;
    for (i, co) in req.co_executors.iter().enumerate() {
        validate::id(&format!("co_executors[{i}].user_id"), co.user_id)?;
        validate::owned::co_executor(i, co)?;
        if co.user_id == req.executor_id {
            return Err(FieldError::new(
                format!("co_executors[{i}].user_id"),
                "ответственный исполнитель уже назначен",
                "is already the responsible executor",
            ));
        }
    }
    let deadline = match req.deadline.as_ref() {
        Some(d) => {
            let date = validate::date("deadline", Some(d))?;
            dating::deadline_ahead("deadline", date, today)?;
            infogroups_shared::calendar::Deadline {
                date,
                predicted: cal.day(date).predicted,
            }
        }
        None => cal.preset_deadline(
            today,
            preset_of(pb::DeadlinePreset::try_from(req.preset).unwrap_or_default()),
        ),
    };
    // A co-executor's own deadline runs from today and ends with the assignment's.
    for (i, co) in req.co_executors.iter().enumerate() {
        if let Some(d) = co.deadline.as_ref() {
            let field = format!("co_executors[{i}].deadline");
            let date = validate::date(&field, Some(d))?;
            dating::deadline_within(&field, date, deadline.date, today)?;
        }
    }
    let deadline = pb::Deadline {
        date: Some(validate::from_naive(deadline.date)),
        predicted: deadline.predicted,
    };
    Ok((deadline, named))
}

#[tonic::async_trait]
impl AssignmentService for AssignmentSvc {
    async fn create_assignment(
        &self,
        req: Request<pb::CreateAssignmentRequest>,
    ) -> Result<Response<pb::Assignment>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let today = self.today();
        let (deadline, named) = {
            let cal = self
                .ctx
                .calendar
                .read()
                .map_err(|_| ApiError::ShuttingDown)?;
            validate_create(&req, &cal, today)?
        };
        authorize(
            &c.actor,
            Action::IssueAssignment,
            &Resource::group(req.group_id),
        )
        .map_err(ApiError::from)?;
        let a = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if let Some(done) =
                    tx.replayed::<pb::Assignment>("CreateAssignment", &req.request_id)?
                {
                    return Ok(done);
                }
                let group = tx.require::<pb::Group>(req.group_id)?;
                let executor = tx.get::<pb::User>(req.executor_id)?.ok_or_else(|| {
                    FieldError::new("executor_id", "нет такого пользователя", "no such user")
                })?;
                if executor.meta().archived {
                    return Err(FieldError::new(
                        "executor_id",
                        "учётная запись в архиве: поручение ей не дать",
                        "the account is archived and takes no assignments",
                    )
                    .into());
                }
                crate::refs::exists::<pb::User>(tx, "controller_id", req.controller_id)?;
                crate::refs::exists::<pb::Territory>(tx, "territory_id", req.territory_id)?;
                let basis = basis_record(tx, &c.actor, req.group_id, named)?;
                for (i, co) in req.co_executors.iter().enumerate() {
                    if tx
                        .get::<pb::User>(co.user_id)?
                        .is_none_or(|u| u.meta().archived)
                    {
                        return Err(FieldError::new(
                            format!("co_executors[{i}].user_id"),
                            "нет такого пользователя",
                            "no such user",
                        )
                        .into());
                    }
                }
                let year = today.format("%Y").to_string();
                let n = tx.next_number(&format!("assignment/{year}"))?;
                let mut a = pb::Assignment {
                    number: format!("{year}/{n:04}"),
                    text: req.text.trim().to_string(),
                    kind: req.kind,
                    basis: req.basis,
                    group_id: req.group_id,
                    territory_id: req.territory_id,
                    // The group's assignments are its leader's (3.6.7): one the secretary enters
                    // is issued in the leader's name, so the leader decides its extensions.
                    issuer_id: if c.actor.user_id == group.secretary_id && group.leader_id != 0 {
                        group.leader_id
                    } else {
                        c.actor.user_id
                    },
                    executor_id: req.executor_id,
                    co_executors: req.co_executors.clone(),
                    controller_id: if req.controller_id == 0 {
                        group.secretary_id
                    } else {
                        req.controller_id
                    },
                    extensions_delegated: req.extensions_delegated,
                    issued: Some(validate::from_naive(today)),
                    deadline: Some(deadline),
                    preset: req.preset,
                    department_id: executor.department_id,
                    ..Default::default()
                };
                set_status(&mut a, S::InProgress, c.actor.user_id, tx.now_ms(), "");
                let a = tx.create(a, Some(&req.request_id))?;
                basis.link(tx, a.meta().id)?;
                notify_all(
                    tx,
                    &executors(&a),
                    pb::NotificationKind::NewAssignment,
                    &a,
                    "новое поручение",
                    "new assignment",
                )?;
                Ok(a)
            })
            .await?;
        Ok(Response::new(a))
    }

    async fn transition(
        &self,
        req: Request<pb::TransitionRequest>,
    ) -> Result<Response<pb::Assignment>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("assignment_id", req.assignment_id)?;
        let kind = pb::TransitionKind::try_from(req.kind)
            .ok()
            .filter(|k| *k != pb::TransitionKind::Unspecified)
            .ok_or_else(|| FieldError::new("kind", "неизвестный шаг", "unknown step"))?;
        let (step, action, needs_text) = match kind {
            pb::TransitionKind::SubmitReport => {
                (Step::SubmitReport, Action::ExecuteAssignment, true)
            }
            pb::TransitionKind::Accept => (Step::Accept, Action::ControlAssignment, false),
            pb::TransitionKind::Return => (Step::Return, Action::ControlAssignment, true),
            pb::TransitionKind::Resume => (Step::Resume, Action::ExecuteAssignment, false),
            _ => (Step::RemoveFromControl, Action::RemoveFromControl, true),
        };
        validate::text("text", &req.text, needs_text, MAX_TEXT)?;
        let current = self.load_visible(&c, req.assignment_id)?;
        authorize(&c.actor, action, &Resource::of_assignment(&current)).map_err(ApiError::from)?;
        let today = self.today();
        let a = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                let mut a =
                    tx.require_at::<pb::Assignment>(req.assignment_id, req.expected_version)?;
                let now = tx.now_ms();
                let me = c.actor.user_id;
                if step == Step::SubmitReport && me != a.executor_id {
                    // A co-executor reports their part to the responsible executor; the
                    // assignment's own status moves only with the responsible executor's report.
                    return stage_co_report(tx, a, me, req.text.trim(), req.expected_version);
                }
                let to = machine::next(status_of(&a), step, &facts(&a, today)).map_err(refusal)?;
                if step == Step::SubmitReport {
                    a.reports.push(pb::ExecutionReport {
                        by_user_id: me,
                        text: req.text.trim().to_string(),
                        at_ms: now,
                    });
                }
                set_status(&mut a, to, me, now, req.text.trim());
                if machine::is_final(to) {
                    machine::close_pending_extensions(&mut a, me, now);
                }
                let a = tx.update(
                    a,
                    req.expected_version,
                    &format!("transition:{}", kind.as_str_name().to_lowercase()),
                )?;
                let (who, ru, en) = match step {
                    Step::SubmitReport => (
                        vec![a.controller_id, a.issuer_id],
                        "представлен отчёт",
                        "report submitted",
                    ),
                    // The executors hear the decision; so do the controller and the issuer
                    // when the other of them (or the leader) took it.
                    _ => (
                        [executors(&a), vec![a.controller_id, a.issuer_id]].concat(),
                        names::assignment_status(names::Lang::Ru, to),
                        names::assignment_status(names::Lang::En, to),
                    ),
                };
                let mut who = who;
                who.sort_unstable();
                who.dedup();
                who.retain(|u| *u != me);
                let kind = match step {
                    Step::SubmitReport => pb::NotificationKind::ReportSubmitted,
                    Step::Accept => pb::NotificationKind::ReportAccepted,
                    Step::Return => pb::NotificationKind::ReportReturned,
                    Step::RemoveFromControl => pb::NotificationKind::RemovedFromControl,
                    _ => pb::NotificationKind::WorkResumed,
                };
                notify_all(tx, &who, kind, &a, ru, en)?;
                if machine::is_final(to) && a.parent_id != 0 {
                    let mut parent = tx.require::<pb::Assignment>(a.parent_id)?;
                    parent.children_done += 1;
                    tx.update_current(parent, "sub_assignment_done")?;
                }
                Ok(a)
            })
            .await?;
        Ok(Response::new(a))
    }

    async fn request_extension(
        &self,
        req: Request<pb::RequestExtensionRequest>,
    ) -> Result<Response<pb::Assignment>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("assignment_id", req.assignment_id)?;
        let new_date = validate::date("new_deadline", req.new_deadline.as_ref())?;
        validate::text("reason", &req.reason, true, MAX_TEXT)?;
        let current = self.load_visible(&c, req.assignment_id)?;
        dating::deadline_ahead("new_deadline", new_date, self.today())?;
        if new_date <= deadline_of(&current) {
            return Err(FieldError::new(
                "new_deadline",
                "новый срок должен быть позже текущего",
                "must be later than the current deadline",
            )
            .into());
        }
        authorize(
            &c.actor,
            Action::RequestExtension,
            &Resource::of_assignment(&current),
        )
        .map_err(ApiError::from)?;
        let today = self.today();
        let a = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                let mut a = tx.require::<pb::Assignment>(req.assignment_id)?;
                machine::next(status_of(&a), Step::RequestExtension, &facts(&a, today))
                    .map_err(refusal)?;
                a.extensions.push(pb::Extension {
                    requested_by: c.actor.user_id,
                    reason: req.reason.trim().to_string(),
                    requested_date: Some(validate::from_naive(new_date)),
                    requested_at_ms: tx.now_ms(),
                    state: pb::ExtensionState::Pending as i32,
                    previous_deadline: a.deadline.as_ref().and_then(|d| d.date),
                    ..Default::default()
                });
                // Whoever may decide hears of it: the issuer (or the controller where
                // delegated) and the group's leader, who sets the group's deadlines.
                let decider = if a.extensions_delegated {
                    a.controller_id
                } else {
                    a.issuer_id
                };
                let leader = tx.get::<pb::Group>(a.group_id)?.map_or(0, |g| g.leader_id);
                let mut deciders = vec![decider, leader];
                deciders.dedup();
                deciders.retain(|u| *u != c.actor.user_id);
                let a = tx.update(a, req.expected_version, "request_extension")?;
                notify_all(
                    tx,
                    &deciders,
                    pb::NotificationKind::ExtensionRequested,
                    &a,
                    "просьба о продлении срока",
                    "extension requested",
                )?;
                Ok(a)
            })
            .await?;
        Ok(Response::new(a))
    }

    async fn decide_extension(
        &self,
        req: Request<pb::DecideExtensionRequest>,
    ) -> Result<Response<pb::Assignment>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("assignment_id", req.assignment_id)?;
        validate::text("comment", &req.comment, !req.grant, MAX_TEXT)?;
        let current = self.load_visible(&c, req.assignment_id)?;
        authorize(
            &c.actor,
            Action::DecideExtension,
            &Resource::of_assignment(&current),
        )
        .map_err(ApiError::from)?;
        let today = self.today();
        let requested_predicted = current
            .extensions
            .last()
            .and_then(|e| e.requested_date.as_ref())
            .and_then(validate::to_naive)
            .is_some_and(|d| {
                self.ctx
                    .calendar
                    .read()
                    .is_ok_and(|cal| cal.day(d).predicted)
            });
        let a = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                let mut a = tx.require::<pb::Assignment>(req.assignment_id)?;
                machine::next(status_of(&a), Step::DecideExtension, &facts(&a, today))
                    .map_err(refusal)?;
                let now = tx.now_ms();
                let requester;
                {
                    let Some(ext) = a.extensions.last_mut() else {
                        return Err(ApiError::precondition(
                            "нет просьбы о продлении",
                            "no extension request",
                        ));
                    };
                    ext.state = if req.grant {
                        pb::ExtensionState::Granted
                    } else {
                        pb::ExtensionState::Refused
                    } as i32;
                    ext.decided_by = c.actor.user_id;
                    ext.decided_at_ms = now;
                    ext.comment = req.comment.trim().to_string();
                    requester = ext.requested_by;
                    if req.grant {
                        let new_date = ext.requested_date;
                        a.deadline = Some(pb::Deadline {
                            predicted: requested_predicted,
                            date: new_date,
                        });
                    }
                }
                if req.grant && status_of(&a) == S::Overdue {
                    set_status(&mut a, S::InProgress, c.actor.user_id, now, "срок продлён");
                }
                let a = tx.update(
                    a,
                    req.expected_version,
                    if req.grant {
                        "grant_extension"
                    } else {
                        "refuse_extension"
                    },
                )?;
                let (ru, en) = if req.grant {
                    ("срок продлён", "extension granted")
                } else {
                    ("в продлении отказано", "extension refused")
                };
                // The one who asked, and the one who controls execution (3.6.8): the
                // controller and the group's secretary.
                let secretary = tx
                    .get::<pb::Group>(a.group_id)?
                    .map_or(0, |g| g.secretary_id);
                let who: Vec<u64> = [requester, a.controller_id, secretary]
                    .into_iter()
                    .filter(|u| *u != c.actor.user_id)
                    .collect();
                notify_all(tx, &who, pb::NotificationKind::ExtensionDecided, &a, ru, en)?;
                Ok(a)
            })
            .await?;
        Ok(Response::new(a))
    }

    async fn create_sub_assignment(
        &self,
        req: Request<pb::CreateSubAssignmentRequest>,
    ) -> Result<Response<pb::Assignment>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::request_id("request_id", &req.request_id)?;
        validate::id("parent_id", req.parent_id)?;
        validate::text("text", &req.text, true, MAX_TEXT)?;
        validate::id("executor_id", req.executor_id)?;
        let date = validate::date("deadline", req.deadline.as_ref())?;
        let parent = self.load_visible(&c, req.parent_id)?;
        authorize(
            &c.actor,
            Action::ExecuteAssignment,
            &Resource::of_assignment(&parent),
        )
        .map_err(ApiError::from)?;
        dating::deadline_within("deadline", date, deadline_of(&parent), self.today())?;
        if machine::is_final(status_of(&parent)) {
            return Err(ApiError::precondition(
                "поручение уже закрыто",
                "the assignment is already closed",
            )
            .into());
        }
        let today = self.today();
        let predicted = self
            .ctx
            .calendar
            .read()
            .map(|cal| cal.day(date).predicted)
            .unwrap_or(false);
        let a = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if let Some(done) =
                    tx.replayed::<pb::Assignment>("CreateSubAssignment", &req.request_id)?
                {
                    return Ok(done);
                }
                let mut parent = tx.require::<pb::Assignment>(req.parent_id)?;
                let executor = tx.get::<pb::User>(req.executor_id)?.ok_or_else(|| {
                    FieldError::new("executor_id", "нет такого пользователя", "no such user")
                })?;
                if executor.meta().archived {
                    return Err(FieldError::new(
                        "executor_id",
                        "учётная запись в архиве: поручение ей не дать",
                        "the account is archived and takes no assignments",
                    )
                    .into());
                }
                let n = tx.next_number(&format!("sub/{}", req.parent_id))?;
                let mut child = pb::Assignment {
                    number: format!("{}.{n}", parent.number),
                    text: req.text.trim().to_string(),
                    kind: parent.kind,
                    basis: parent.basis,
                    group_id: parent.group_id,
                    territory_id: parent.territory_id,
                    issuer_id: c.actor.user_id,
                    executor_id: req.executor_id,
                    controller_id: c.actor.user_id,
                    issued: Some(validate::from_naive(today)),
                    deadline: Some(pb::Deadline {
                        date: Some(validate::from_naive(date)),
                        predicted,
                    }),
                    parent_id: req.parent_id,
                    department_id: executor.department_id,
                    ..Default::default()
                };
                set_status(&mut child, S::InProgress, c.actor.user_id, tx.now_ms(), "");
                let child = tx.create(child, Some(&req.request_id))?;
                parent.child_ids.push(child.meta().id);
                tx.update_current(parent, "add_sub_assignment")?;
                notify_all(
                    tx,
                    &[req.executor_id],
                    pb::NotificationKind::NewAssignment,
                    &child,
                    "новое поручение",
                    "new assignment",
                )?;
                Ok(child)
            })
            .await?;
        Ok(Response::new(a))
    }

    async fn get_assignment(
        &self,
        req: Request<pb::GetAssignmentRequest>,
    ) -> Result<Response<pb::Assignment>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("assignment_id", req.assignment_id)?;
        Ok(Response::new(self.load_visible(&c, req.assignment_id)?))
    }

    async fn list_assignments(
        &self,
        req: Request<pb::ListAssignmentsRequest>,
    ) -> Result<Response<pb::ListAssignmentsResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let range = validate::optional_range("deadline_range", req.deadline_range.as_ref())?;
        let today = self.today();
        let me = c.actor.user_id;
        let mut items: Vec<pb::Assignment> = self
            .ctx
            .db
            .all::<pb::Assignment>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|a| {
                authorize(
                    &c.actor,
                    Action::ReadAssignment,
                    &Resource::of_assignment(a),
                )
                .is_ok()
            })
            .filter(
                |a| match pb::AssignmentScope::try_from(req.scope).unwrap_or_default() {
                    pb::AssignmentScope::Mine => executes(a, me),
                    pb::AssignmentScope::Controlled => a.controller_id == me,
                    _ => true,
                },
            )
            .filter(|a| req.group_id == 0 || a.group_id == req.group_id)
            .filter(|a| req.executor_id == 0 || executes(a, req.executor_id))
            .filter(|a| req.department_id == 0 || a.department_id == req.department_id)
            .filter(|a| req.statuses.is_empty() || req.statuses.contains(&a.status))
            .filter(|a| range.is_none_or(|(f, t)| (f..=t).contains(&deadline_of(a))))
            .filter(|a| !req.overdue_only || status_of(a) == S::Overdue)
            .collect();
        match pb::AssignmentSort::try_from(req.sort).unwrap_or_default() {
            pb::AssignmentSort::Urgency => {
                items.sort_by_key(|a| std::cmp::Reverse(urgency(a, today)));
            }
            pb::AssignmentSort::Deadline => items.sort_by_key(deadline_of),
            pb::AssignmentSort::Number => items.sort_by(|a, b| a.number.cmp(&b.number)),
        }
        let (assignments, page) = paginate(items, req.page.as_ref())?;
        Ok(Response::new(pb::ListAssignmentsResponse {
            assignments,
            page: Some(page),
        }))
    }

    async fn discipline(
        &self,
        req: Request<pb::DisciplineRequest>,
    ) -> Result<Response<pb::DisciplineResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let (from, to) = validate::date_range("period", &req.period.unwrap_or_default())?;
        let by = match pb::DisciplineBy::try_from(req.by) {
            Ok(pb::DisciplineBy::Department) => discipline::By::Department,
            Ok(pb::DisciplineBy::Group) => discipline::By::Group,
            Ok(_) => discipline::By::Executor,
            Err(_) => {
                return Err(
                    FieldError::new("by", "неизвестная группировка", "unknown grouping").into(),
                );
            }
        };
        let db = &self.ctx.db;
        // Everyone gets the summary of what they may see: the control sector the whole city, a
        // secretary their group, an executor their own assignments.
        let visible: Vec<pb::Assignment> = db
            .all::<pb::Assignment>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|a| {
                authorize(
                    &c.actor,
                    Action::ReadAssignment,
                    &Resource::of_assignment(a),
                )
                .is_ok()
            })
            .collect();
        let (rows, total) = discipline::summarise(&visible, by, from, to, self.today());
        let name = |id: u64| -> Result<String, ApiError> {
            Ok(match by {
                discipline::By::Executor => db.get::<pb::User>(id)?.map(|u| u.full_name),
                discipline::By::Department => db.get::<pb::Department>(id)?.map(|d| d.name),
                discipline::By::Group => db.get::<pb::Group>(id)?.map(|g| g.name),
            }
            .unwrap_or_else(|| "—".into()))
        };
        let row = |key_id: u64, name: String, t: &discipline::Tally| pb::DisciplineRow {
            key_id,
            name,
            total: t.total,
            on_time: t.on_time,
            late: t.late,
            extended: t.extended,
            overdue: t.overdue,
            in_progress: t.in_progress,
        };
        let mut out = Vec::with_capacity(rows.len());
        for (k, t) in &rows {
            out.push(row(*k, name(*k)?, t));
        }
        Ok(Response::new(pb::DisciplineResponse {
            rows: out,
            total: Some(row(0, "Итого".into(), &total)),
        }))
    }

    async fn import_assignments(
        &self,
        req: Request<pb::ImportRegisterRequest>,
    ) -> Result<Response<pb::ImportRegisterResponse>, Status> {
        self.import(req).await
    }
}

/// The record an assignment's basis names, found before anything is written, to be linked to
/// the assignment in the same write.
enum BasisRecord {
    /// Nothing to link (no basis, the leader's own, or a reception card: the card's own
    /// assignment is the one the server made when it was put on control).
    Nothing,
    /// A protocol's decision lists the assignments made from it (3.6.7).
    Decision(Box<pb::Meeting>, usize),
    /// An appeal lists what was done on it.
    Appeal(Box<pb::Appeal>),
}

impl BasisRecord {
    fn link(self, tx: &mut Tx<'_>, assignment_id: u64) -> ApiResult<()> {
        match self {
            Self::Nothing => Ok(()),
            Self::Decision(mut m, index) => {
                if let Some(d) = m.protocol.as_mut().and_then(|p| p.decisions.get_mut(index)) {
                    d.assignment_ids.push(assignment_id);
                }
                tx.update_current(*m, "link_assignment").map(drop)
            }
            Self::Appeal(mut appeal) => {
                appeal.assignment_ids.push(assignment_id);
                tx.update_current(*appeal, "link_assignment").map(drop)
            }
        }
    }
}

/// Checks the record the basis names: it must exist, belong to the assignment's own group and
/// be visible to the caller; one of another group, of none, or hidden from the caller is refused
/// exactly like a missing one. The link grants the executors nothing: personal data follows the
/// group and the server's own bindings only.
fn basis_record(
    tx: &Tx<'_>,
    actor: &crate::policy::Actor,
    group_id: u64,
    named: Named,
) -> ApiResult<BasisRecord> {
    let in_scope = |g: u64| g != 0 && g == group_id && crate::policy::may_read_group(actor, g);
    match named {
        Named::Nothing => Ok(BasisRecord::Nothing),
        Named::Decision { meeting_id, index } => {
            let m = tx
                .get::<pb::Meeting>(meeting_id)?
                .filter(|m| in_scope(m.group_id))
                .ok_or_else(|| {
                    FieldError::new(
                        "basis.meeting_id",
                        "нет такой встречи в группе",
                        "no such meeting in the group",
                    )
                })?;
            let index = index as usize;
            if m.protocol
                .as_ref()
                .is_none_or(|p| p.decisions.get(index).is_none())
            {
                return Err(FieldError::new(
                    "basis.decision_index",
                    "в протоколе нет такого решения",
                    "the protocol has no such decision",
                )
                .into());
            }
            Ok(BasisRecord::Decision(Box::new(m), index))
        }
        Named::Appeal(id) => {
            let appeal = crate::refs::in_scope::<pb::Appeal>(tx, "basis.appeal_id", id, |x| {
                in_scope(x.group_id)
            })?;
            Ok(appeal.map_or(BasisRecord::Nothing, |a| BasisRecord::Appeal(Box::new(a))))
        }
        Named::ReceptionCard(id) => {
            crate::refs::in_scope::<pb::ReceptionCard>(tx, "basis.reception_card_id", id, |x| {
                in_scope(x.group_id)
            })?;
            Ok(BasisRecord::Nothing)
        }
    }
}

/// Records a co-executor's report on their part and tells the responsible executor.
fn stage_co_report(
    tx: &mut Tx<'_>,
    mut a: pb::Assignment,
    me: u64,
    text: &str,
    expected_version: u64,
) -> ApiResult<pb::Assignment> {
    if machine::is_final(status_of(&a)) {
        return Err(ApiError::precondition(
            "поручение уже закрыто",
            "the assignment is already closed",
        ));
    }
    let now = tx.now_ms();
    let Some(part) = a.co_executors.iter_mut().find(|c| c.user_id == me) else {
        return Err(ApiError::precondition(
            "вы не соисполнитель этого поручения",
            "you are not a co-executor of this assignment",
        ));
    };
    part.report = text.to_string();
    part.reported_at_ms = now;
    let a = tx.update(a, expected_version, "co_executor_report")?;
    notify_all(
        tx,
        &[a.executor_id],
        pb::NotificationKind::ReportSubmitted,
        &a,
        "соисполнитель представил отчёт",
        "a co-executor reported",
    )?;
    Ok(a)
}

/// The urgency ranking: closed ones last; then the more overdue, the sooner due, and the more
/// often extended, the higher.
pub fn urgency(a: &pb::Assignment, today: NaiveDate) -> i64 {
    if machine::is_final(status_of(a)) {
        return i64::MIN;
    }
    let days_left = (deadline_of(a) - today).num_days().clamp(-10_000, 10_000);
    let extensions = a
        .extensions
        .iter()
        .filter(|e| e.state == pb::ExtensionState::Granted as i32)
        .count() as i64;
    -days_left * 10 + extensions * 5
}
