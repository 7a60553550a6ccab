//! Which tabs each role works in. Pure: the role decides the tabs, in the order of the day's work
//! (the first one opens after login).

pub mod screen;

use chrono::NaiveDate;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::pb::{self, Role};
use infogroups_shared::policy;

use crate::features::assignments::urgency::Urgency;
use crate::features::assignments::{actions, urgency};
use crate::features::record_list::source::Source;
use crate::msg::call::ReportKind;
use crate::strings::work::W;

/// Which assignments an assignments tab lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every assignment the user may see (for a group's leader and secretary: the group's).
    All,
    /// Those the user executes (responsible or co-executor).
    Mine,
    /// Those with an extension request the user may decide.
    Extensions,
    /// Overdue ones (the control sector's board).
    Overdue,
}

impl Scope {
    /// Whether assignment `a` belongs on a list of this scope for `actor` on `today`. The
    /// "mine" list means the people the server's own "mine" list and permission checks mean.
    pub fn includes(
        self,
        a: &pb::Assignment,
        actor: &policy::Actor,
        today: NaiveDate,
        calendar: &ProductionCalendar,
    ) -> bool {
        match self {
            Scope::All => true,
            Scope::Mine => policy::executes(a, actor.user_id),
            Scope::Extensions => actions::awaits_my_decision(a, actor, today),
            Scope::Overdue => urgency::classify(a, today, calendar) == Urgency::Overdue,
        }
    }
}

/// A tab of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabKind {
    /// Assignments.
    Assignments(Scope),
    /// A list of records.
    Records(Source),
    /// Figures asked from the server.
    Report(ReportKind),
    /// Who saw which citizen's personal data when (the audit's views).
    ViewLog,
}

impl TabKind {
    /// The tab's name (its title line, the help's title).
    pub fn title(self) -> W {
        match self {
            TabKind::Assignments(Scope::All) => W::TabAssignments,
            TabKind::Assignments(Scope::Mine) => W::TabMine,
            TabKind::Assignments(Scope::Extensions) => W::TabExtensions,
            TabKind::Assignments(Scope::Overdue) => W::TabOverdue,
            TabKind::Records(s) => s.title(),
            TabKind::Report(k) => report_title(k),
            TabKind::ViewLog => W::TabViewLog,
        }
    }
}

/// A report tab's name.
fn report_title(kind: ReportKind) -> W {
    match kind {
        ReportKind::Dashboard => W::TabDashboard,
        ReportKind::Quarterly => W::TabQuarterly,
        ReportKind::Aggregates => W::TabAggregates,
        ReportKind::GroupsReport => W::TabGroupsReport,
        ReportKind::AppealsAnalysis => W::TabAppealsAnalysis,
        ReportKind::Directories => W::TabDirectories,
    }
}

/// The tabs of a role, the first opened after login.
pub fn tabs_for(role: Role) -> Vec<TabKind> {
    use ReportKind as R;
    use Scope as S;
    use Source as Src;
    use TabKind::{Assignments as A, Records as Rec, Report as Rep};
    let mut tabs = match role {
        Role::GroupSecretary => vec![
            A(S::All),
            Rec(Src::Meetings),
            Rec(Src::Appeals),
            Rec(Src::Cards),
        ],
        Role::GroupLeader => vec![
            A(S::All),
            Rec(Src::ProtocolsToSign),
            A(S::Extensions),
            Rec(Src::Meetings),
            Rec(Src::Composition),
        ],
        Role::GroupMember => vec![A(S::Mine), Rec(Src::Meetings)],
        Role::Executor => vec![A(S::Mine)],
        Role::GeneralDepartment => vec![
            Rec(Src::Appeals),
            Rec(Src::Cards),
            Rec(Src::Publications),
            Rep(R::AppealsAnalysis),
        ],
        Role::PopulationDepartment => vec![Rec(Src::Informing), Rec(Src::Meetings)],
        Role::ControlSector => vec![
            Rec(Src::ProtocolsDue),
            A(S::Overdue),
            Rep(R::Quarterly),
            Rep(R::Aggregates),
            Rep(R::GroupsReport),
            A(S::All),
        ],
        Role::Head => vec![
            Rep(R::Dashboard),
            Rep(R::Aggregates),
            Rep(R::GroupsReport),
            A(S::Overdue),
            Rec(Src::Appeals),
        ],
        Role::Administrator => vec![
            Rec(Src::Users),
            Rec(Src::Groups),
            Rec(Src::Territories),
            Rec(Src::Venues),
            Rec(Src::Departments),
            Rec(Src::Organisations),
            Rep(R::Directories),
        ],
        // The officer sees no records of their own: the view log below is their work.
        Role::PersonalDataOfficer => vec![],
        Role::Unspecified => vec![A(S::All)],
    };
    if reads_view_log(role) {
        tabs.push(TabKind::ViewLog);
    }
    tabs.push(Rec(Src::Notifications));
    tabs
}

/// Whether `role` may read the view log, by the server's own policy (so the tab is offered to
/// exactly those the server answers).
fn reads_view_log(role: Role) -> bool {
    let grant = pb::RoleGrant {
        role: role as i32,
        group_id: 0,
    };
    policy::authorize(
        &policy::Actor::in_role(0, Some(&grant)),
        policy::Action::ReadPersonalDataViews,
        &policy::Resource::default(),
    )
    .is_ok()
}

/// The tabs of a grant (unknown roles get the plain assignments list).
pub fn tabs_of(grant: Option<&pb::RoleGrant>) -> Vec<TabKind> {
    let role = grant
        .and_then(|g| Role::try_from(g.role).ok())
        .unwrap_or(Role::Unspecified);
    tabs_for(role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::pb::AssignmentStatus as S;
    use infogroups_shared::validate;

    const ISSUER: u64 = 10;
    const CONTROLLER: u64 = 11;
    const EXECUTOR: u64 = 20;
    const CO_EXECUTOR: u64 = 21;

    /// Tuesday 12 May 2026.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 12).unwrap_or_default()
    }

    /// An assignment in `status` due on `due`, its executor asking for more time.
    fn assignment(status: S, due: NaiveDate) -> pb::Assignment {
        pb::Assignment {
            status: status as i32,
            issuer_id: ISSUER,
            controller_id: CONTROLLER,
            executor_id: EXECUTOR,
            co_executors: vec![pb::CoExecutor {
                user_id: CO_EXECUTOR,
                ..Default::default()
            }],
            deadline: Some(pb::Deadline {
                date: Some(validate::from_naive(due)),
                predicted: false,
            }),
            extensions: vec![pb::Extension {
                requested_by: EXECUTOR,
                state: pb::ExtensionState::Pending as i32,
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn each_scope_lists_the_assignments_it_names() {
        let cal = ProductionCalendar::new();
        let later = today() + chrono::Days::new(30);
        let open = assignment(S::InProgress, later);
        let includes = |scope: Scope, a: &pb::Assignment, me: u64| {
            let actor = policy::Actor::in_role(me, None);
            scope.includes(a, &actor, today(), &cal)
        };
        for me in [ISSUER, CONTROLLER, EXECUTOR, CO_EXECUTOR, 99] {
            assert!(includes(Scope::All, &open, me), "{me}: all it sees");
        }
        assert!(includes(Scope::Mine, &open, EXECUTOR));
        assert!(includes(Scope::Mine, &open, CO_EXECUTOR));
        assert!(!includes(Scope::Mine, &open, CONTROLLER));
        assert!(!includes(Scope::Mine, &open, ISSUER));
        assert!(
            includes(Scope::Extensions, &open, ISSUER),
            "the issuer decides"
        );
        assert!(
            !includes(Scope::Extensions, &open, EXECUTOR),
            "never one's own request"
        );
        assert!(!includes(Scope::Overdue, &open, CONTROLLER));
        let late = assignment(S::InProgress, today() - chrono::Days::new(1));
        assert!(includes(Scope::Overdue, &late, CONTROLLER));
    }

    #[test]
    fn secretaries_start_in_the_deadline_view_and_everyone_has_notifications() {
        assert_eq!(
            tabs_for(Role::GroupSecretary).first(),
            Some(&TabKind::Assignments(Scope::All))
        );
        assert_eq!(
            tabs_for(Role::Head).first(),
            Some(&TabKind::Report(ReportKind::Dashboard))
        );
        for role in [
            Role::Administrator,
            Role::Head,
            Role::ControlSector,
            Role::GeneralDepartment,
            Role::PopulationDepartment,
            Role::GroupLeader,
            Role::GroupSecretary,
            Role::GroupMember,
            Role::Executor,
        ] {
            let tabs = tabs_for(role);
            assert!(tabs.len() <= 9, "{role:?}: every tab has a digit key");
            assert_eq!(
                tabs.last(),
                Some(&TabKind::Records(Source::Notifications)),
                "{role:?}"
            );
        }
    }

    #[test]
    fn only_the_administrator_and_the_personal_data_officer_get_the_view_log() {
        for role in [Role::Administrator, Role::PersonalDataOfficer] {
            assert!(tabs_for(role).contains(&TabKind::ViewLog), "{role:?}");
        }
        assert_eq!(
            tabs_for(Role::PersonalDataOfficer).first(),
            Some(&TabKind::ViewLog)
        );
        for role in [
            Role::Head,
            Role::ControlSector,
            Role::GeneralDepartment,
            Role::PopulationDepartment,
            Role::GroupLeader,
            Role::GroupSecretary,
            Role::GroupMember,
            Role::Executor,
            Role::Unspecified,
        ] {
            assert!(!tabs_for(role).contains(&TabKind::ViewLog), "{role:?}");
        }
    }

    #[test]
    fn the_leader_signs_and_decides_extensions() {
        let tabs = tabs_for(Role::GroupLeader);
        assert!(tabs.contains(&TabKind::Records(Source::ProtocolsToSign)));
        assert!(tabs.contains(&TabKind::Assignments(Scope::Extensions)));
        let control = tabs_for(Role::ControlSector);
        assert!(control.contains(&TabKind::Records(Source::ProtocolsDue)));
        assert!(control.contains(&TabKind::Report(ReportKind::Aggregates)));
    }
}
