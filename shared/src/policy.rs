//! The one permission policy: subject × action × resource → allowed, or denied with a reason.
//! Pure functions over the subject's *current* roles and the facts of the resource, used by every
//! server path (unary RPCs, snapshots, watch streams and their replays, exports, reports,
//! searches, warnings, idempotent replays) and by the client to decide what to offer.
//!
//! Access never follows a link a user made: the only facts beyond the resource's group are the
//! people the server itself bound to it (an assignment's executors, the executor of a reception
//! card the server put on control).

use crate::pb::{self, Role};

/// Who is acting (the subject): a signed-in user and the roles they hold *now*.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Actor {
    /// The user's id.
    pub user_id: u64,
    /// Roles held, group roles with their group.
    pub grants: Vec<pb::RoleGrant>,
}

impl Actor {
    /// Holds `role` (in any group, for group roles).
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role as i32)
    }

    /// Holds `role` in group `group_id`.
    pub fn has_in(&self, role: Role, group_id: u64) -> bool {
        group_id != 0
            && self
                .grants
                .iter()
                .any(|g| g.role == role as i32 && g.group_id == group_id)
    }

    /// Holds any group role in `group_id`.
    pub fn in_group(&self, group_id: u64) -> bool {
        [Role::GroupLeader, Role::GroupSecretary, Role::GroupMember]
            .iter()
            .any(|r| self.has_in(*r, group_id))
    }

    /// Sees every group's work (administrator, head, control sector).
    pub fn sees_all(&self) -> bool {
        self.has(Role::Administrator) || self.has(Role::Head) || self.has(Role::ControlSector)
    }

    /// The same user acting in one role only (the client works in one role at a time).
    pub fn in_role(user_id: u64, grant: Option<&pb::RoleGrant>) -> Self {
        Self {
            user_id,
            grants: grant.copied().into_iter().collect(),
        }
    }
}

/// Whether holding `role` lets its holder read citizens' personal data somewhere: the roles an
/// account may never grant itself.
pub fn role_reads_personal_data(role: i32) -> bool {
    [
        Role::GeneralDepartment,
        Role::ControlSector,
        Role::GroupLeader,
        Role::GroupSecretary,
        Role::PersonalDataOfficer,
    ]
    .iter()
    .any(|r| *r as i32 == role)
}

/// Everything a user can ask the server to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Create, change, archive accounts; set anyone's password; grant and revoke roles.
    ManageUsers,
    /// Change one's own password.
    ChangeOwnPassword,
    /// List accounts (names and roles) to pick people.
    ListUsers,
    /// Read the directories.
    ReadDirectory,
    /// Change the directories, the calendar and the classifier.
    EditDirectory,
    /// Create a group.
    CreateGroup,
    /// Change a group's composition (3.5.1).
    EditGroupComposition,
    /// See a group, its meetings and its work.
    ReadGroup,
    /// Plan and prepare a meeting, keep its protocol draft, hand it over (3.6).
    PrepareMeeting,
    /// Sign the protocol (3.5.7).
    SignProtocol,
    /// Acknowledge receipt of a protocol (3.6.9).
    AcknowledgeProtocol,
    /// Record informing residents (3.7).
    RecordInforming,
    /// Record publications and media invitations (3.8.1, 3.8.2, 3.8.7).
    RecordPublication,
    /// Register and process appeals and reception cards (3.8.3–3.8.5).
    ProcessAppeals,
    /// Fill a reception card at the group's meeting (3.5.6).
    FillReceptionCard,
    /// Extend an appeal's deadline (head or authorised person).
    ExtendAppeal,
    /// See a citizen's personal data.
    ReadPersonalData,
    /// Depersonalise records past retention.
    Depersonalise,
    /// Issue an assignment in a group.
    IssueAssignment,
    /// See an assignment.
    ReadAssignment,
    /// Submit a report or resume work (the executors).
    ExecuteAssignment,
    /// Ask for an extension (the executors).
    RequestExtension,
    /// Accept or return a report: the group's secretary, who controls execution (3.6.8), the
    /// leader who gives the group's assignments (3.5), the named controller and the issuer; never
    /// an executor their own report.
    ControlAssignment,
    /// Grant or refuse an extension: the group's leader, who sets deadlines, the issuer, or the
    /// controller if delegated; never one's own request.
    DecideExtension,
    /// Remove from control: the group's leader or the issuer.
    RemoveFromControl,
    /// Read reports and aggregates; export them.
    ReadReports,
    /// Read the audit log.
    ReadAudit,
    /// Take a backup of the whole store (everyone's data, password hashes included).
    Backup,
    /// Appoint or replace a group's leader (the administrator or the head).
    AppointLeader,
    /// Read who saw which citizen's personal data when (the administrator and the
    /// personal-data officer, 152-FZ art. 18.1).
    ReadPersonalDataViews,
    /// Change the server's settings (the appeal deadline rule) and move a training clock.
    ChangeSettings,
    /// Stop the correspondence with a citizen (59-FZ art. 11 p. 5: the head or an authorised
    /// person).
    StopCorrespondence,
}

impl Action {
    /// Every action, for the matrix test.
    pub const ALL: [Action; 32] = [
        Action::ManageUsers,
        Action::ChangeOwnPassword,
        Action::ListUsers,
        Action::ReadDirectory,
        Action::EditDirectory,
        Action::CreateGroup,
        Action::EditGroupComposition,
        Action::ReadGroup,
        Action::PrepareMeeting,
        Action::SignProtocol,
        Action::AcknowledgeProtocol,
        Action::RecordInforming,
        Action::RecordPublication,
        Action::ProcessAppeals,
        Action::FillReceptionCard,
        Action::ExtendAppeal,
        Action::ReadPersonalData,
        Action::Depersonalise,
        Action::IssueAssignment,
        Action::ReadAssignment,
        Action::ExecuteAssignment,
        Action::RequestExtension,
        Action::ControlAssignment,
        Action::DecideExtension,
        Action::RemoveFromControl,
        Action::ReadReports,
        Action::ReadAudit,
        Action::Backup,
        Action::AppointLeader,
        Action::ReadPersonalDataViews,
        Action::ChangeSettings,
        Action::StopCorrespondence,
    ];
}

/// What an action is done to: the group it belongs to and the people bound to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resource {
    /// The group; 0 when the resource belongs to none.
    pub group_id: u64,
    /// The responsible executor and co-executors (assignments).
    pub executors: Vec<u64>,
    /// The controller (assignments).
    pub controller_id: u64,
    /// The issuer (assignments).
    pub issuer_id: u64,
    /// The issuer let the controller decide extensions.
    pub delegated: bool,
    /// Who asked for the pending extension.
    pub requester_id: u64,
    /// The user the resource is about (accounts, notifications).
    pub subject_user_id: u64,
}

/// Whether `actor` may give `role` to the account `to`: nobody grants themselves a role that
/// reads citizens' personal data (least privilege: a second person decides that).
pub fn may_grant(actor: &Actor, to: u64, role: i32) -> Result<(), Denied> {
    allow_if(
        to != actor.user_id || !role_reads_personal_data(role),
        "роль с доступом к персональным данным себе не назначают",
        "nobody grants themselves a role that reads personal data",
    )
}

/// An appeal's or a card's facts for personal data: its group and the executors the server
/// bound to it under a rule (never those of assignments a user linked to it).
pub fn personal_data_resource(group_id: u64, bound_executors: Vec<u64>) -> Resource {
    Resource {
        group_id,
        executors: bound_executors,
        ..Resource::default()
    }
}

/// Who executes assignment `a`: the responsible executor first, then the co-executors. The
/// permission checks, the server's notices and the client's "mine" list all mean these people.
pub fn executors(a: &pb::Assignment) -> Vec<u64> {
    let mut who = vec![a.executor_id];
    who.extend(a.co_executors.iter().map(|c| c.user_id));
    who
}

/// Whether `user_id` executes assignment `a` (responsible or co-executor).
pub fn executes(a: &pb::Assignment, user_id: u64) -> bool {
    a.executor_id == user_id || a.co_executors.iter().any(|c| c.user_id == user_id)
}

impl Resource {
    /// A resource of one group.
    pub fn group(group_id: u64) -> Self {
        Self {
            group_id,
            ..Self::default()
        }
    }

    /// An assignment's resource.
    pub fn of_assignment(a: &pb::Assignment) -> Self {
        let executors = executors(a);
        let requester_id = a
            .extensions
            .iter()
            .rev()
            .find(|e| e.state == pb::ExtensionState::Pending as i32)
            .map_or(0, |e| e.requested_by);
        Self {
            group_id: a.group_id,
            executors,
            controller_id: a.controller_id,
            issuer_id: a.issuer_id,
            delegated: a.extensions_delegated,
            requester_id,
            subject_user_id: 0,
        }
    }
}

/// A refusal, with the reason in Russian and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct Denied {
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

fn deny(ru: &str, en: &str) -> Result<(), Denied> {
    Err(Denied {
        ru: ru.to_string(),
        en: en.to_string(),
    })
}

fn allow_if(cond: bool, ru: &str, en: &str) -> Result<(), Denied> {
    if cond { Ok(()) } else { deny(ru, en) }
}

/// Decides whether `actor` may do `action` to `res`.
pub fn authorize(actor: &Actor, action: Action, res: &Resource) -> Result<(), Denied> {
    use Action as A;
    let admin = actor.has(Role::Administrator);
    let g = res.group_id;
    let leader = actor.has_in(Role::GroupLeader, g);
    let secretary = actor.has_in(Role::GroupSecretary, g);
    let me = actor.user_id;
    let is_executor = res.executors.contains(&me);
    match action {
        A::ManageUsers
        | A::EditDirectory
        | A::CreateGroup
        | A::ReadAudit
        | A::Depersonalise
        | A::Backup
        | A::ChangeSettings => allow_if(
            admin,
            "нужна роль администратора",
            "needs the administrator role",
        ),
        A::ChangeOwnPassword => allow_if(
            res.subject_user_id == me || admin,
            "можно менять только свой пароль",
            "you can change only your own password",
        ),
        A::ListUsers | A::ReadDirectory => Ok(()),
        A::AppointLeader => allow_if(
            admin || actor.has(Role::Head),
            "руководителя группы назначает администратор или глава",
            "only the administrator or the head appoints a group's leader",
        ),
        A::ReadPersonalDataViews => allow_if(
            admin || actor.has(Role::PersonalDataOfficer),
            "журнал просмотров персональных данных — администратору и ответственному за ПДн",
            "the personal-data view log is for the administrator and the personal-data officer",
        ),
        A::EditGroupComposition => allow_if(
            admin || leader,
            "состав группы меняет только её руководитель (п. 3.5.1)",
            "only the group's leader changes its composition (3.5.1)",
        ),
        A::ReadGroup => allow_if(
            actor.sees_all()
                || actor.in_group(g)
                || actor.has(Role::GeneralDepartment)
                || actor.has(Role::PopulationDepartment),
            "вы не состоите в этой группе",
            "you are not in this group",
        ),
        A::PrepareMeeting => allow_if(
            leader || secretary,
            "встречу готовят руководитель и секретарь группы",
            "only the group's leader and secretary prepare its meetings",
        ),
        A::SignProtocol => allow_if(
            leader,
            "протокол подписывает только руководитель группы (п. 3.5.7)",
            "only the group's leader signs the protocol (3.5.7)",
        ),
        A::AcknowledgeProtocol => allow_if(
            actor.has(Role::ControlSector),
            "получение протокола отмечает контрольно-организационный сектор",
            "only the control sector acknowledges protocols",
        ),
        A::RecordInforming => allow_if(
            actor.has(Role::PopulationDepartment),
            "информирование жителей отмечает отдел по работе с населением (п. 3.7)",
            "only the population-relations department records informing residents (3.7)",
        ),
        A::RecordPublication => allow_if(
            actor.has(Role::GeneralDepartment),
            "публикации отмечает общий отдел (п. 3.8)",
            "only the general department records publications (3.8)",
        ),
        A::ProcessAppeals => allow_if(
            actor.has(Role::GeneralDepartment) || secretary,
            "обращения обрабатывают общий отдел и секретарь группы",
            "appeals are processed by the general department and the group's secretary",
        ),
        A::FillReceptionCard => allow_if(
            actor.has(Role::GeneralDepartment) || actor.in_group(g),
            "карточку приёма заполняют общий отдел и состав группы",
            "reception cards are filled by the general department and the group",
        ),
        A::ExtendAppeal => allow_if(
            actor.has(Role::Head),
            "продлевает срок рассмотрения глава или уполномоченное лицо",
            "only the head or an authorised person extends an appeal",
        ),
        A::StopCorrespondence => allow_if(
            actor.has(Role::Head),
            "прекратить переписку решает глава или уполномоченное лицо (ст. 11 ч. 5)",
            "only the head or an authorised person stops the correspondence (art. 11 p. 5)",
        ),
        A::ReadPersonalData => allow_if(
            actor.has(Role::GeneralDepartment)
                || actor.has(Role::ControlSector)
                || leader
                || secretary
                || is_executor,
            "персональные данные заявителя вам недоступны",
            "you may not see the citizen's personal data",
        ),
        A::IssueAssignment => allow_if(
            leader || secretary,
            "поручения в группе даёт руководитель (секретарь — по его поручению)",
            "assignments in a group are issued by its leader (or its secretary)",
        ),
        A::ReadAssignment => allow_if(
            actor.sees_all()
                || leader
                || secretary
                || is_executor
                || res.controller_id == me
                || res.issuer_id == me,
            "поручение вам недоступно",
            "you may not see this assignment",
        ),
        A::ExecuteAssignment | A::RequestExtension => allow_if(
            is_executor,
            "это могут только исполнители поручения",
            "only the assignment's executors can do this",
        ),
        A::ControlAssignment => {
            if res.executors.first() == Some(&me) || (is_executor && res.controller_id != me) {
                return deny(
                    "исполнитель не принимает собственный отчёт",
                    "an executor cannot accept or return their own report",
                );
            }
            allow_if(
                secretary || leader || res.controller_id == me || res.issuer_id == me,
                "отчёт принимают секретарь и руководитель группы, контролёр или автор поручения",
                "a report is accepted or returned by the group's secretary or leader, the controller or the issuer",
            )
        }
        A::DecideExtension => {
            if res.requester_id == me {
                return deny(
                    "нельзя решать по собственной просьбе о продлении",
                    "nobody decides their own extension request",
                );
            }
            allow_if(
                leader || res.issuer_id == me || (res.delegated && res.controller_id == me),
                "о продлении решает руководитель группы или автор поручения (контролёр — если ему поручено)",
                "extensions are decided by the group's leader or the issuer (the controller where delegated)",
            )
        }
        A::RemoveFromControl => allow_if(
            leader || res.issuer_id == me,
            "снимают с контроля руководитель группы и автор поручения",
            "only the group's leader or the issuer removes an assignment from control",
        ),
        A::ReadReports => allow_if(
            actor.sees_all() || actor.has(Role::GeneralDepartment),
            "отчёты доступны контрольному сектору, главе и общему отделу",
            "reports are for the control sector, the head and the general department",
        ),
    }
}

/// The audit action recorded for every return of a citizen's personal data.
pub const VIEW_PERSONAL_DATA: &str = "view_personal_data";

/// How much of the audit log a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditScope {
    /// Every record (the administrator).
    All,
    /// Only the views of citizens' personal data (the personal-data officer: who saw whom, when,
    /// and nothing else of the office's work).
    PersonalDataViews,
}

impl AuditScope {
    /// Whether a record of `action` is within the scope.
    pub fn covers(self, action: &str) -> bool {
        self == AuditScope::All || action == VIEW_PERSONAL_DATA
    }
}

/// What part of the audit log `actor` may read, or why none.
pub fn audit_scope(actor: &Actor) -> Result<AuditScope, Denied> {
    let none = Resource::default();
    match authorize(actor, Action::ReadAudit, &none) {
        Ok(()) => Ok(AuditScope::All),
        Err(denied) => authorize(actor, Action::ReadPersonalDataViews, &none)
            .map(|()| AuditScope::PersonalDataViews)
            .map_err(|_| denied),
    }
}

/// Whether `actor` may see a group's records (its meetings, appeals and cards; personal data is
/// decided separately by [`Action::ReadPersonalData`]).
pub fn may_read_group(actor: &Actor, group_id: u64) -> bool {
    authorize(actor, Action::ReadGroup, &Resource::group(group_id)).is_ok()
}

/// A record kind whose visibility to an actor the policy decides from the record itself, read in
/// place: a snapshot of a city's assignments asks this of every one of them.
pub trait Visible {
    /// Whether `actor` may see this record (a snapshot's rows, a watcher's events).
    fn visible_to(&self, actor: &Actor) -> bool;
}

macro_rules! visible_to_all {
    ($($ty:ty),*) => {$(
        impl Visible for $ty {
            fn visible_to(&self, _: &Actor) -> bool {
                true
            }
        }
    )*};
}

visible_to_all!(
    pb::User,
    pb::Territory,
    pb::Venue,
    pb::Department,
    pb::Organisation
);

impl Visible for pb::Group {
    fn visible_to(&self, actor: &Actor) -> bool {
        may_read_group(actor, self.meta.map_or(0, |m| m.id))
    }
}

impl Visible for pb::Meeting {
    fn visible_to(&self, actor: &Actor) -> bool {
        may_read_group(actor, self.group_id)
    }
}

impl Visible for pb::Assignment {
    fn visible_to(&self, actor: &Actor) -> bool {
        authorize(
            actor,
            Action::ReadAssignment,
            &Resource::of_assignment(self),
        )
        .is_ok()
    }
}

impl Visible for pb::Appeal {
    fn visible_to(&self, actor: &Actor) -> bool {
        may_read_group(actor, self.group_id)
    }
}

impl Visible for pb::ReceptionCard {
    fn visible_to(&self, actor: &Actor) -> bool {
        may_read_group(actor, self.group_id)
    }
}

impl Visible for pb::Notification {
    fn visible_to(&self, actor: &Actor) -> bool {
        self.user_id == actor.user_id
    }
}

/// Whether a watcher may receive an event about this entity.
pub fn may_see(actor: &Actor, entity: &pb::event::Entity) -> bool {
    use pb::event::Entity as E;
    match entity {
        E::User(x) => x.visible_to(actor),
        E::Territory(x) => x.visible_to(actor),
        E::Venue(x) => x.visible_to(actor),
        E::Department(x) => x.visible_to(actor),
        E::Organisation(x) => x.visible_to(actor),
        E::Group(x) => x.visible_to(actor),
        E::Meeting(x) => x.visible_to(actor),
        E::Assignment(x) => x.visible_to(actor),
        E::Appeal(x) => x.visible_to(actor),
        E::ReceptionCard(x) => x.visible_to(actor),
        E::Notification(x) => x.visible_to(actor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: u64, grants: &[(Role, u64)]) -> Actor {
        Actor {
            user_id: id,
            grants: grants
                .iter()
                .map(|(r, g)| pb::RoleGrant {
                    role: *r as i32,
                    group_id: *g,
                })
                .collect(),
        }
    }

    fn assignment() -> pb::Assignment {
        pb::Assignment {
            group_id: 1,
            issuer_id: 10,
            executor_id: 20,
            co_executors: vec![pb::CoExecutor {
                user_id: 21,
                ..Default::default()
            }],
            controller_id: 11,
            ..Default::default()
        }
    }

    #[test]
    fn the_executors_are_the_responsible_one_then_the_co_executors() {
        let a = assignment();
        assert_eq!(executors(&a), vec![20, 21]);
        assert!(executes(&a, 20));
        assert!(executes(&a, 21));
        for other in [0, 10, 11] {
            assert!(
                !executes(&a, other),
                "{other} issues or controls, not executes"
            );
        }
        assert_eq!(
            Resource::of_assignment(&a).executors,
            executors(&a),
            "the permission checks mean the same people"
        );
    }

    #[test]
    fn the_officer_reads_only_the_views_and_nobody_else_reads_the_audit() {
        let admin = actor(1, &[(Role::Administrator, 0)]);
        let officer = actor(2, &[(Role::PersonalDataOfficer, 0)]);
        assert_eq!(audit_scope(&admin), Ok(AuditScope::All));
        assert_eq!(audit_scope(&officer), Ok(AuditScope::PersonalDataViews));
        assert!(AuditScope::PersonalDataViews.covers(VIEW_PERSONAL_DATA));
        assert!(!AuditScope::PersonalDataViews.covers("create"));
        assert!(AuditScope::All.covers("create"));
        for role in [
            Role::Head,
            Role::ControlSector,
            Role::GeneralDepartment,
            Role::PopulationDepartment,
            Role::Executor,
        ] {
            let denied = audit_scope(&actor(3, &[(role, 0)]));
            assert!(
                denied.is_err_and(|d| d.en.contains("administrator")),
                "{role:?}"
            );
        }
        assert!(audit_scope(&actor(4, &[(Role::GroupLeader, 1)])).is_err());
    }

    #[test]
    fn only_the_leader_of_the_group_signs() {
        let res = Resource::group(1);
        assert!(
            authorize(
                &actor(1, &[(Role::GroupLeader, 1)]),
                Action::SignProtocol,
                &res
            )
            .is_ok()
        );
        let sec = authorize(
            &actor(2, &[(Role::GroupSecretary, 1)]),
            Action::SignProtocol,
            &res,
        );
        assert!(sec.is_err_and(|d| d.en.contains("leader")));
        assert!(
            authorize(
                &actor(3, &[(Role::GroupLeader, 2)]),
                Action::SignProtocol,
                &res
            )
            .is_err()
        );
        assert!(
            authorize(
                &actor(4, &[(Role::Administrator, 0)]),
                Action::SignProtocol,
                &res
            )
            .is_err()
        );
    }

    #[test]
    fn a_secretary_of_one_group_can_do_nothing_to_another() {
        let sec_b = actor(2, &[(Role::GroupSecretary, 2)]);
        let res = Resource::group(1);
        for action in Action::ALL {
            if matches!(
                action,
                Action::ListUsers | Action::ReadDirectory | Action::ChangeOwnPassword
            ) {
                continue;
            }
            assert!(
                authorize(&sec_b, action, &res).is_err(),
                "{action:?} allowed"
            );
        }
    }

    #[test]
    fn executors_see_their_assignments_and_nobody_elses() {
        let a = assignment();
        let res = Resource::of_assignment(&a);
        assert!(
            authorize(
                &actor(20, &[(Role::Executor, 0)]),
                Action::ReadAssignment,
                &res
            )
            .is_ok()
        );
        assert!(
            authorize(
                &actor(21, &[(Role::Executor, 0)]),
                Action::ReadAssignment,
                &res
            )
            .is_ok()
        );
        assert!(
            authorize(
                &actor(22, &[(Role::Executor, 0)]),
                Action::ReadAssignment,
                &res
            )
            .is_err()
        );
        assert!(may_see(
            &actor(20, &[(Role::Executor, 0)]),
            &pb::event::Entity::Assignment(a.clone())
        ));
        assert!(!may_see(
            &actor(22, &[(Role::Executor, 0)]),
            &pb::event::Entity::Assignment(a)
        ));
    }

    #[test]
    fn execution_is_controlled_by_the_secretary_and_decided_by_the_leader() {
        // Group 1: leader 30, secretary 31; another group's secretary 32; the assignment of
        // `assignment()` (issuer 10, executor 20, co-executor 21, controller 11).
        let leader = actor(30, &[(Role::GroupLeader, 1)]);
        let secretary = actor(31, &[(Role::GroupSecretary, 1)]);
        let other_secretary = actor(32, &[(Role::GroupSecretary, 2)]);
        let mut a = assignment();
        a.extensions.push(pb::Extension {
            requested_by: 20,
            state: pb::ExtensionState::Pending as i32,
            ..Default::default()
        });
        let res = Resource::of_assignment(&a);
        let may = |who: &Actor, action| authorize(who, action, &res).is_ok();
        let rows = [
            (&secretary, [true, false, false]),
            (&leader, [true, true, true]),
            (&other_secretary, [false, false, false]),
            (&actor(11, &[]), [true, false, false]),
            (&actor(10, &[]), [true, true, true]),
            (&actor(20, &[(Role::Executor, 0)]), [false, false, false]),
        ];
        for (who, [control, decide, remove]) in rows {
            let id = who.user_id;
            assert_eq!(
                may(who, Action::ControlAssignment),
                control,
                "{id} controls"
            );
            assert_eq!(may(who, Action::DecideExtension), decide, "{id} decides");
            assert_eq!(may(who, Action::RemoveFromControl), remove, "{id} removes");
        }
        // The secretary who is also the responsible executor still never accepts their own report.
        a.executor_id = 31;
        let own = Resource::of_assignment(&a);
        assert!(authorize(&secretary, Action::ControlAssignment, &own).is_err());
    }

    #[test]
    fn a_co_executor_cannot_accept_and_nobody_decides_their_own_extension() {
        let mut a = assignment();
        let res = Resource::of_assignment(&a);
        assert!(authorize(&actor(21, &[]), Action::ControlAssignment, &res).is_err());
        assert!(authorize(&actor(20, &[]), Action::ControlAssignment, &res).is_err());
        assert!(authorize(&actor(11, &[]), Action::ControlAssignment, &res).is_ok());
        a.extensions.push(pb::Extension {
            requested_by: 10,
            state: pb::ExtensionState::Pending as i32,
            ..Default::default()
        });
        let res = Resource::of_assignment(&a);
        let own = authorize(&actor(10, &[]), Action::DecideExtension, &res);
        assert!(own.is_err_and(|d| d.en.contains("own")));
        assert!(authorize(&actor(11, &[]), Action::DecideExtension, &res).is_err());
        a.extensions_delegated = true;
        let res = Resource::of_assignment(&a);
        assert!(authorize(&actor(11, &[]), Action::DecideExtension, &res).is_ok());
    }
}
