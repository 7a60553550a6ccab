//! Which steps a user may take on an assignment right now: the shared status machine says what the
//! status allows, the shared permission policy — the server's own — says who may take it, so
//! that we only offer what will work.

use chrono::NaiveDate;
use infogroups_shared::assignment::{self as machine, Facts, Refusal, Step};
use infogroups_shared::names::Lang;
use infogroups_shared::policy::{self, Actor, Resource};
use infogroups_shared::{city_time, pb};

use crate::features::assignments::urgency;
use crate::keymap::Command;
use crate::msg::step::Action;

/// The permission a step needs.
fn permission(action: Action) -> policy::Action {
    match action {
        Action::SubmitReport => policy::Action::ExecuteAssignment,
        Action::Accept | Action::Return => policy::Action::ControlAssignment,
    }
}

/// The facts the status machine needs about `a` today (as the server computes them).
pub fn facts(a: &pb::Assignment, today: NaiveDate) -> Facts {
    Facts {
        today,
        deadline: urgency::deadline(a).unwrap_or(NaiveDate::MAX),
        reported_on: a.reports.last().map(|r| city_time::date_at(r.at_ms)),
        extension_pending: a
            .extensions
            .last()
            .is_some_and(|e| e.state == pb::ExtensionState::Pending as i32),
    }
}

/// Whether `actor` may take `action` on `a` today, or why not.
pub fn check(
    a: &pb::Assignment,
    actor: &Actor,
    action: Action,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if policy::authorize(actor, permission(action), &Resource::of_assignment(a)).is_err() {
        return Err(Refusal {
            ru: "это действие вам недоступно",
            en: "this action is not yours to take",
        });
    }
    machine::next(urgency::status(a), action.step(), &facts(a, today)).map(|_| ())
}

/// Why `actor` may not take `action` on `a` today, in `lang`: the policy's own reason (who
/// takes the step under the regulation), else what the status machine says; `None` if they may.
pub fn why_not(
    a: &pb::Assignment,
    actor: &Actor,
    action: Action,
    today: NaiveDate,
    lang: Lang,
) -> Option<String> {
    if let Err(d) = policy::authorize(actor, permission(action), &Resource::of_assignment(a)) {
        return Some(lang.pick(&d.ru, &d.en).to_string());
    }
    machine::next(urgency::status(a), action.step(), &facts(a, today))
        .err()
        .map(|r| lang.pick(r.ru, r.en).to_string())
}

/// The actions `actor` may take on `a` today.
pub fn available(a: &pb::Assignment, actor: &Actor, today: NaiveDate) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|act| check(a, actor, *act, today).is_ok())
        .collect()
}

/// The other steps `actor` may take on `a` today, as commands: ask for an extension (executors),
/// decide one (the group's leader, the issuer, or the controller where delegated; never one's own
/// request), give part of it to someone (the responsible executor).
pub fn more(a: &pb::Assignment, actor: &Actor, today: NaiveDate) -> Vec<Command> {
    let f = facts(a, today);
    let s = urgency::status(a);
    let ok = |step| machine::next(s, step, &f).is_ok();
    let res = Resource::of_assignment(a);
    let may = |action| policy::authorize(actor, action, &res).is_ok();
    let mut c = Vec::new();
    if may(policy::Action::RequestExtension) && ok(Step::RequestExtension) {
        c.push(Command::RequestExtension);
    }
    let pending = a
        .extensions
        .last()
        .is_some_and(|e| e.state == pb::ExtensionState::Pending as i32);
    if pending && may(policy::Action::DecideExtension) && ok(Step::DecideExtension) {
        c.extend([Command::Grant, Command::Deny]);
    }
    if a.executor_id == actor.user_id && !machine::is_final(s) {
        c.push(Command::SubAssign);
    }
    c
}

/// Whether an extension request on `a` waits for `actor` to decide it.
pub fn awaits_my_decision(a: &pb::Assignment, actor: &Actor, today: NaiveDate) -> bool {
    more(a, actor, today).contains(&Command::Grant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::pb::AssignmentStatus as S;
    use infogroups_shared::validate;

    const EXECUTOR: u64 = 20;
    const CONTROLLER: u64 = 11;
    const ISSUER: u64 = 10;
    const GROUP: u64 = 1;

    fn who(id: u64) -> Actor {
        Actor {
            user_id: id,
            grants: Vec::new(),
        }
    }

    fn in_group(id: u64, role: pb::Role) -> Actor {
        Actor {
            user_id: id,
            grants: vec![pb::RoleGrant {
                role: role as i32,
                group_id: GROUP,
            }],
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 12).unwrap_or_default()
    }

    fn a(status: S) -> pb::Assignment {
        pb::Assignment {
            status: status as i32,
            executor_id: EXECUTOR,
            controller_id: CONTROLLER,
            issuer_id: ISSUER,
            group_id: GROUP,
            deadline: Some(pb::Deadline {
                date: Some(validate::from_naive(today())),
                predicted: false,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn the_executor_reports_the_controller_and_issuer_decide() {
        assert_eq!(
            available(&a(S::InProgress), &who(EXECUTOR), today()),
            [Action::SubmitReport]
        );
        assert!(available(&a(S::InProgress), &who(CONTROLLER), today()).is_empty());
        assert_eq!(
            available(&a(S::ReportSubmitted), &who(CONTROLLER), today()),
            [Action::Accept, Action::Return]
        );
        assert_eq!(
            available(&a(S::ReportSubmitted), &who(ISSUER), today()),
            [Action::Accept, Action::Return]
        );
        assert!(available(&a(S::ReportSubmitted), &who(EXECUTOR), today()).is_empty());
        assert!(available(&a(S::DoneOnTime), &who(CONTROLLER), today()).is_empty());
        assert!(available(&a(S::ReportSubmitted), &who(99), today()).is_empty());
    }

    #[test]
    fn an_executor_who_is_also_the_controller_still_cannot_accept_their_own_report() {
        let mut x = a(S::ReportSubmitted);
        x.controller_id = EXECUTOR;
        assert!(available(&x, &who(EXECUTOR), today()).is_empty());
    }

    #[test]
    fn a_returned_or_overdue_assignment_can_be_reported_again() {
        assert_eq!(
            available(&a(S::Returned), &who(EXECUTOR), today()),
            [Action::SubmitReport]
        );
        assert_eq!(
            available(&a(S::Overdue), &who(EXECUTOR), today()),
            [Action::SubmitReport]
        );
    }

    #[test]
    fn the_groups_secretary_controls_and_its_leader_decides_extensions() {
        let secretary = in_group(31, pb::Role::GroupSecretary);
        let leader = in_group(30, pb::Role::GroupLeader);
        assert_eq!(
            available(&a(S::ReportSubmitted), &secretary, today()),
            [Action::Accept, Action::Return]
        );
        let mut asked = a(S::InProgress);
        asked.extensions.push(pb::Extension {
            requested_by: EXECUTOR,
            state: pb::ExtensionState::Pending as i32,
            ..Default::default()
        });
        assert!(awaits_my_decision(&asked, &leader, today()));
        assert!(!awaits_my_decision(&asked, &secretary, today()));
        assert!(!awaits_my_decision(&asked, &who(EXECUTOR), today()));
    }
}
