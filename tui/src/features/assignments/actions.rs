//! Which steps a user may take on an assignment right now: the shared status machine says what the
//! status allows, the user's relation to the assignment (executor, controller, issuer) says who may
//! take it — mirroring the server's policy so that we only offer what will work.

use chrono::NaiveDate;
use infogroups_shared::assignment::{self as machine, Facts, Refusal, Step};
use infogroups_shared::{city_time, pb, policy};

use crate::features::assignments::urgency;
use crate::keymap::Command;
use crate::msg::step::Action;

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

/// Whether `me` may take `action` on `a` (relation only, not status).
fn related(a: &pb::Assignment, me: u64, action: Action) -> bool {
    match action {
        Action::SubmitReport => policy::executes(a, me),
        Action::Accept | Action::Return => {
            // Nobody accepts their own report: the responsible executor never, a co-executor only
            // when they are also the controller.
            let own = a.executor_id == me || (policy::executes(a, me) && a.controller_id != me);
            !own && (a.controller_id == me || a.issuer_id == me)
        }
    }
}

/// Whether `me` may take `action` on `a` today, or why not.
pub fn check(a: &pb::Assignment, me: u64, action: Action, today: NaiveDate) -> Result<(), Refusal> {
    if !related(a, me, action) {
        return Err(Refusal {
            ru: "это действие вам недоступно",
            en: "this action is not yours to take",
        });
    }
    machine::next(urgency::status(a), action.step(), &facts(a, today)).map(|_| ())
}

/// The actions `me` may take on `a` today.
pub fn available(a: &pb::Assignment, me: u64, today: NaiveDate) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|act| check(a, me, *act, today).is_ok())
        .collect()
}

/// The other steps `me` may take on `a` today, as commands: ask for an extension (executors),
/// decide one (the issuer, or the controller where delegated; never one's own request), give part
/// of it to someone (the responsible executor).
pub fn more(a: &pb::Assignment, me: u64, today: NaiveDate) -> Vec<Command> {
    let f = facts(a, today);
    let s = urgency::status(a);
    let ok = |step| machine::next(s, step, &f).is_ok();
    let mut c = Vec::new();
    if policy::executes(a, me) && ok(Step::RequestExtension) {
        c.push(Command::RequestExtension);
    }
    let requester = a
        .extensions
        .last()
        .filter(|e| e.state == pb::ExtensionState::Pending as i32)
        .map(|e| e.requested_by);
    let decides = a.issuer_id == me || (a.extensions_delegated && a.controller_id == me);
    if decides && requester.is_some_and(|r| r != me) && ok(Step::DecideExtension) {
        c.extend([Command::Grant, Command::Deny]);
    }
    if a.executor_id == me && !machine::is_final(s) {
        c.push(Command::SubAssign);
    }
    c
}

/// Whether an extension request on `a` waits for `me` to decide it.
pub fn awaits_my_decision(a: &pb::Assignment, me: u64, today: NaiveDate) -> bool {
    more(a, me, today).contains(&Command::Grant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::pb::AssignmentStatus as S;
    use infogroups_shared::validate;

    const EXECUTOR: u64 = 20;
    const CONTROLLER: u64 = 11;
    const ISSUER: u64 = 10;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 12).unwrap_or_default()
    }

    fn a(status: S) -> pb::Assignment {
        pb::Assignment {
            status: status as i32,
            executor_id: EXECUTOR,
            controller_id: CONTROLLER,
            issuer_id: ISSUER,
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
            available(&a(S::InProgress), EXECUTOR, today()),
            [Action::SubmitReport]
        );
        assert!(available(&a(S::InProgress), CONTROLLER, today()).is_empty());
        assert_eq!(
            available(&a(S::ReportSubmitted), CONTROLLER, today()),
            [Action::Accept, Action::Return]
        );
        assert_eq!(
            available(&a(S::ReportSubmitted), ISSUER, today()),
            [Action::Accept, Action::Return]
        );
        assert!(available(&a(S::ReportSubmitted), EXECUTOR, today()).is_empty());
        assert!(available(&a(S::DoneOnTime), CONTROLLER, today()).is_empty());
        assert!(available(&a(S::ReportSubmitted), 99, today()).is_empty());
    }

    #[test]
    fn an_executor_who_is_also_the_controller_still_cannot_accept_their_own_report() {
        let mut x = a(S::ReportSubmitted);
        x.controller_id = EXECUTOR;
        assert!(available(&x, EXECUTOR, today()).is_empty());
    }

    #[test]
    fn a_returned_or_overdue_assignment_can_be_reported_again() {
        assert_eq!(
            available(&a(S::Returned), EXECUTOR, today()),
            [Action::SubmitReport]
        );
        assert_eq!(
            available(&a(S::Overdue), EXECUTOR, today()),
            [Action::SubmitReport]
        );
    }
}
