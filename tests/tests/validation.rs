//! Bad input is refused before anything is written: `InvalidArgument` with a `BadRequest` field
//! violation naming the field and messages in Russian and English; the event log and the audit
//! log do not move.

use chrono::Days;
use futures::future::BoxFuture;
use infogroups_shared::pb::{self, Role, TransitionKind as T};
use infogroups_shared::validate::FieldError;
use infogroups_tests::fixtures::{
    api_date, assignment_request, create_assignment, date, global, id_of, in_group, request_id,
    today, version_of,
};
use infogroups_tests::{Authed, City, TestServer, connect};
use tonic::{Code, Status};

/// One bad request: what it shows, the field the answer must name, and the call.
struct Case {
    label: String,
    field: &'static str,
    call: BoxFuture<'static, Result<(), Status>>,
}

/// Builds a [`Case`]: `call!(label, field, user, service.method(request))`.
macro_rules! case {
    ($label:expr, $field:expr, $who:expr, $svc:ident . $method:ident ($req:expr)) => {{
        let mut client = $who.$svc();
        let req = $req;
        Case {
            label: $label.to_string(),
            field: $field,
            call: Box::pin(async move { client.$method(req).await.map(|_| ()) }),
        }
    }};
}

/// A valid value with one change.
fn with<T>(mut value: T, change: impl FnOnce(&mut T)) -> T {
    change(&mut value);
    value
}

fn long(n: usize) -> String {
    "я".repeat(n)
}

fn new_user() -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        request_id: request_id("user"),
        username: "valid.name".into(),
        password: "Ветер над Грушевкой 1937".into(),
        full_name: "Иванова Мария Петровна".into(),
        ..Default::default()
    }
}

fn territory() -> pb::SaveTerritoryRequest {
    pb::SaveTerritoryRequest {
        request_id: request_id("territory"),
        expected_version: 0,
        territory: Some(pb::Territory {
            name: "Посёлок Радио".into(),
            kind: pb::TerritoryKind::Settlement as i32,
            ..Default::default()
        }),
    }
}

fn territory_with(change: impl FnOnce(&mut pb::Territory)) -> pb::SaveTerritoryRequest {
    with(territory(), |r| {
        if let Some(t) = r.territory.as_mut() {
            change(t);
        }
    })
}

fn venue_with(change: impl FnOnce(&mut pb::Venue)) -> pb::SaveVenueRequest {
    pb::SaveVenueRequest {
        request_id: request_id("venue"),
        expected_version: 0,
        venue: Some(with(
            pb::Venue {
                name: "МБОУ СОШ № 3".into(),
                address: "ул. Харьковская, 10".into(),
                kind: pb::VenueKind::Education as i32,
                ..Default::default()
            },
            change,
        )),
    }
}

fn department_with(change: impl FnOnce(&mut pb::Department)) -> pb::SaveDepartmentRequest {
    pb::SaveDepartmentRequest {
        request_id: request_id("department"),
        expected_version: 0,
        department: Some(with(
            pb::Department {
                name: "Управление ЖКХ".into(),
                ..Default::default()
            },
            change,
        )),
    }
}

fn organisation_with(change: impl FnOnce(&mut pb::Organisation)) -> pb::SaveOrganisationRequest {
    pb::SaveOrganisationRequest {
        request_id: request_id("organisation"),
        expected_version: 0,
        organisation: Some(with(
            pb::Organisation {
                name: "ООО «Водоканал»".into(),
                kind: pb::OrganisationKind::Utility as i32,
                ..Default::default()
            },
            change,
        )),
    }
}

fn group_with(city: &City, change: impl FnOnce(&mut pb::Group)) -> pb::CreateGroupRequest {
    pb::CreateGroupRequest {
        request_id: request_id("group"),
        group: Some(with(
            pb::Group {
                number: 9,
                name: "Информационная группа № 9".into(),
                leader_id: city.executor.user_id,
                secretary_id: city.executor2.user_id,
                ..Default::default()
            },
            change,
        )),
    }
}

fn calendar_with(change: impl FnOnce(&mut pb::CalendarYear)) -> pb::CalendarYear {
    with(
        pb::CalendarYear {
            year: 2099,
            days_off: vec![],
            working_weekends: vec![],
            decree: "Постановление № 1".into(),
            built_in: false,
        },
        change,
    )
}

const NO_SUCH_ID: u64 = 999_999;

/// Every bad request of the implemented API, with the field its answer must name.
fn cases(city: &City, task: &pb::Assignment) -> Vec<Case> {
    let admin = &city.admin;
    let leader = &city.leader_a;
    let executor = &city.executor;
    let (a, ex, ex2) = (city.a(), executor.user_id, city.executor2.user_id);
    let task_id = id_of(task.meta);
    let task_version = version_of(task.meta);
    let deadline = task
        .deadline
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(infogroups_shared::validate::to_naive)
        .expect("the task has a deadline");
    let after_deadline = api_date(deadline.checked_add_days(Days::new(3)).expect("date"));
    let yesterday = api_date(
        today(&infogroups_server::Clock::system())
            .pred_opt()
            .expect("date"),
    );
    let transition = |kind: T, text: &str| pb::TransitionRequest {
        assignment_id: task_id,
        expected_version: task_version,
        kind: kind as i32,
        text: text.into(),
    };
    let extension = |change: &dyn Fn(&mut pb::RequestExtensionRequest)| {
        with(
            pb::RequestExtensionRequest {
                assignment_id: task_id,
                expected_version: task_version,
                new_deadline: Some(after_deadline),
                reason: "Подрядчик".into(),
            },
            |r| change(r),
        )
    };
    let sub = |change: &dyn Fn(&mut pb::CreateSubAssignmentRequest)| {
        with(
            pb::CreateSubAssignmentRequest {
                request_id: request_id("sub"),
                parent_id: task_id,
                text: "Смета".into(),
                executor_id: ex2,
                deadline: Some(api_date(deadline)),
            },
            |r| change(r),
        )
    };
    let assignment = |change: &dyn Fn(&mut pb::CreateAssignmentRequest)| {
        with(assignment_request(a, ex), |r| change(r))
    };
    vec![
        // Accounts.
        case!(
            "empty request id",
            "request_id",
            admin,
            users.create_user(with(new_user(), |r| r.request_id.clear()))
        ),
        case!(
            "65-character request id",
            "request_id",
            admin,
            users.create_user(with(new_user(), |r| r.request_id = "r".repeat(65)))
        ),
        case!(
            "empty username",
            "username",
            admin,
            users.create_user(with(new_user(), |r| r.username.clear()))
        ),
        case!(
            "2-character username",
            "username",
            admin,
            users.create_user(with(new_user(), |r| r.username = "ab".into()))
        ),
        case!(
            "33-character username",
            "username",
            admin,
            users.create_user(with(new_user(), |r| r.username = "u".repeat(33)))
        ),
        case!(
            "cyrillic username",
            "username",
            admin,
            users.create_user(with(new_user(), |r| r.username = "иванова".into()))
        ),
        case!(
            "username with a bell",
            "username",
            admin,
            users.create_user(with(new_user(), |r| r.username = "ab\u{7}c".into()))
        ),
        case!(
            "7-character password",
            "password",
            admin,
            users.create_user(with(new_user(), |r| r.password = "1234567".into()))
        ),
        case!(
            "257-character password",
            "password",
            admin,
            users.create_user(with(new_user(), |r| r.password = "p".repeat(257)))
        ),
        case!(
            "blank full name",
            "full_name",
            admin,
            users.create_user(with(new_user(), |r| r.full_name = "   ".into()))
        ),
        case!(
            "301-character full name",
            "full_name",
            admin,
            users.create_user(with(new_user(), |r| r.full_name = long(301)))
        ),
        case!(
            "full name with NUL",
            "full_name",
            admin,
            users.create_user(with(new_user(), |r| r.full_name = "Иван\u{0}ов".into()))
        ),
        case!(
            "position with a line break",
            "position",
            admin,
            users.create_user(with(new_user(), |r| r.position = "a\nb".into()))
        ),
        case!(
            "unknown role",
            "roles[0].role",
            admin,
            users.create_user(with(new_user(), |r| r.roles = vec![pb::RoleGrant {
                role: 99,
                group_id: 0
            }]))
        ),
        case!(
            "unspecified role",
            "roles[0].role",
            admin,
            users.create_user(with(new_user(), |r| r.roles = vec![pb::RoleGrant {
                role: 0,
                group_id: 0
            }]))
        ),
        case!(
            "group role without a group",
            "roles[0].group_id",
            admin,
            users.create_user(with(new_user(), |r| r.roles =
                vec![in_group(Role::GroupLeader, 0)]))
        ),
        case!(
            "global role with a group",
            "roles[1].group_id",
            admin,
            users.create_user(with(new_user(), |r| r.roles =
                vec![global(Role::Executor), in_group(Role::Head, a)]))
        ),
        case!(
            "taken username",
            "username",
            admin,
            users.create_user(with(new_user(), |r| r.username = "executor".into()))
        ),
        case!(
            "update: zero user id",
            "user_id",
            admin,
            users.update_user(pb::UpdateUserRequest {
                user_id: 0,
                expected_version: 1,
                full_name: "Имя".into(),
                ..Default::default()
            })
        ),
        case!(
            "update: blank full name",
            "full_name",
            admin,
            users.update_user(pb::UpdateUserRequest {
                user_id: ex,
                expected_version: 1,
                full_name: String::new(),
                ..Default::default()
            })
        ),
        case!(
            "update: 301-character contact",
            "contact",
            admin,
            users.update_user(pb::UpdateUserRequest {
                user_id: ex,
                expected_version: 1,
                full_name: "Имя".into(),
                contact: long(301),
                ..Default::default()
            })
        ),
        case!(
            "set password: zero user id",
            "user_id",
            admin,
            users.set_password(pb::SetPasswordRequest {
                user_id: 0,
                new_password: "long-enough".into(),
                old_password: String::new()
            })
        ),
        case!(
            "set password: too short",
            "new_password",
            admin,
            users.set_password(pb::SetPasswordRequest {
                user_id: ex,
                new_password: "short".into(),
                old_password: String::new()
            })
        ),
        case!(
            "set password: a common one",
            "new_password",
            admin,
            users.set_password(pb::SetPasswordRequest {
                user_id: ex,
                new_password: "12345678".into(),
                old_password: String::new()
            })
        ),
        case!(
            "create user: a password built from the name",
            "password",
            admin,
            users.create_user(pb::CreateUserRequest {
                password: "valid.name2026".into(),
                ..new_user()
            })
        ),
        case!(
            "grant: zero user id",
            "user_id",
            admin,
            users.grant_role(pb::GrantRoleRequest {
                user_id: 0,
                expected_version: 1,
                grant: Some(global(Role::Head))
            })
        ),
        case!(
            "grant: no grant",
            "grant",
            admin,
            users.grant_role(pb::GrantRoleRequest {
                user_id: ex,
                expected_version: 1,
                grant: None
            })
        ),
        case!(
            "grant: unknown role",
            "grant.role",
            admin,
            users.grant_role(pb::GrantRoleRequest {
                user_id: ex,
                expected_version: 1,
                grant: Some(pb::RoleGrant {
                    role: 42,
                    group_id: 0
                })
            })
        ),
        case!(
            "grant: group role without a group",
            "grant.group_id",
            admin,
            users.grant_role(pb::GrantRoleRequest {
                user_id: ex,
                expected_version: 1,
                grant: Some(in_group(Role::GroupSecretary, 0))
            })
        ),
        case!(
            "grant: global role with a group",
            "grant.group_id",
            admin,
            users.grant_role(pb::GrantRoleRequest {
                user_id: ex,
                expected_version: 1,
                grant: Some(in_group(Role::Head, a))
            })
        ),
        case!(
            "grant: a group that does not exist",
            "grant.group_id",
            admin,
            users.grant_role(pb::GrantRoleRequest {
                user_id: ex,
                expected_version: 1,
                grant: Some(in_group(Role::GroupMember, NO_SUCH_ID))
            })
        ),
        case!(
            "revoke: no grant",
            "grant",
            admin,
            users.revoke_role(pb::RevokeRoleRequest {
                user_id: ex,
                expected_version: 1,
                grant: None
            })
        ),
        case!(
            "archive: zero user id",
            "user_id",
            admin,
            users.archive_user(pb::ArchiveUserRequest {
                user_id: 0,
                expected_version: 1
            })
        ),
        // Directories.
        case!(
            "no territory",
            "territory",
            admin,
            directory.save_territory(with(territory(), |r| r.territory = None))
        ),
        case!(
            "territory: empty request id",
            "request_id",
            admin,
            directory.save_territory(with(territory(), |r| r.request_id.clear()))
        ),
        case!(
            "territory: blank name",
            "territory.name",
            admin,
            directory.save_territory(territory_with(|t| t.name = " ".into()))
        ),
        case!(
            "territory: 301-character name",
            "territory.name",
            admin,
            directory.save_territory(territory_with(|t| t.name = long(301)))
        ),
        case!(
            "territory: escape sequence in the name",
            "territory.name",
            admin,
            directory.save_territory(territory_with(|t| t.name = "\u{1b}[31mкрасный".into()))
        ),
        case!(
            "territory: unspecified kind",
            "territory.kind",
            admin,
            directory.save_territory(territory_with(|t| t.kind = 0))
        ),
        case!(
            "territory: unknown kind",
            "territory.kind",
            admin,
            directory.save_territory(territory_with(|t| t.kind = 42))
        ),
        case!(
            "territory: NUL in the description",
            "territory.description",
            admin,
            directory.save_territory(territory_with(|t| t.description = "a\u{0}b".into()))
        ),
        case!(
            "territory: 20,001-character problems",
            "territory.known_problems",
            admin,
            directory.save_territory(territory_with(|t| t.known_problems = long(20_001)))
        ),
        case!(
            "venue: blank address",
            "venue.address",
            admin,
            directory.save_venue(venue_with(|v| v.address.clear()))
        ),
        case!(
            "venue: unspecified kind",
            "venue.kind",
            admin,
            directory.save_venue(venue_with(|v| v.kind = 0))
        ),
        case!(
            "department: blank name",
            "department.name",
            admin,
            directory.save_department(department_with(|d| d.name.clear()))
        ),
        case!(
            "department: 61-character short name",
            "department.short_name",
            admin,
            directory.save_department(department_with(|d| d.short_name = long(61)))
        ),
        case!(
            "organisation: unknown kind",
            "organisation.kind",
            admin,
            directory.save_organisation(organisation_with(|o| o.kind = 77))
        ),
        case!(
            "archive: unspecified kind",
            "kind",
            admin,
            directory.archive(pb::ArchiveRequest {
                kind: 0,
                id: 1,
                expected_version: 1
            })
        ),
        case!(
            "archive: unknown kind",
            "kind",
            admin,
            directory.archive(pb::ArchiveRequest {
                kind: 9,
                id: 1,
                expected_version: 1
            })
        ),
        case!(
            "archive: zero id",
            "id",
            admin,
            directory.archive(pb::ArchiveRequest {
                kind: pb::DirectoryKind::Venue as i32,
                id: 0,
                expected_version: 1
            })
        ),
        case!(
            "calendar: no decree",
            "decree",
            admin,
            directory.save_calendar_year(calendar_with(|y| y.decree.clear()))
        ),
        case!(
            "calendar: 30 February",
            "days_off[0]",
            admin,
            directory.save_calendar_year(calendar_with(|y| y.days_off = vec![date(2099, 2, 30)]))
        ),
        case!(
            "calendar: month 13",
            "working_weekends[0]",
            admin,
            directory.save_calendar_year(calendar_with(
                |y| y.working_weekends = vec![date(2099, 13, 1)]
            ))
        ),
        case!(
            "calendar: year 1999",
            "days_off[1]",
            admin,
            directory.save_calendar_year(calendar_with(
                |y| y.days_off = vec![date(2099, 1, 1), date(1999, 1, 1)]
            ))
        ),
        case!(
            "deadline: no start",
            "start",
            admin,
            directory.compute_deadline(pb::ComputeDeadlineRequest {
                start: None,
                preset: 1
            })
        ),
        case!(
            "deadline: 31 April",
            "start",
            admin,
            directory.compute_deadline(pb::ComputeDeadlineRequest {
                start: Some(date(2026, 4, 31)),
                preset: 1
            })
        ),
        case!(
            "deadline: unspecified preset",
            "preset",
            admin,
            directory.compute_deadline(pb::ComputeDeadlineRequest {
                start: Some(date(2026, 4, 1)),
                preset: 0
            })
        ),
        case!(
            "deadline: unknown preset",
            "preset",
            admin,
            directory.compute_deadline(pb::ComputeDeadlineRequest {
                start: Some(date(2026, 4, 1)),
                preset: 99
            })
        ),
        // Groups.
        case!(
            "group: missing",
            "group",
            admin,
            groups.create_group(pb::CreateGroupRequest {
                request_id: request_id("g"),
                group: None
            })
        ),
        case!(
            "group: empty request id",
            "request_id",
            admin,
            groups.create_group(with(group_with(city, |_| {}), |r| r.request_id.clear()))
        ),
        case!(
            "group: number 0",
            "group.number",
            admin,
            groups.create_group(group_with(city, |g| g.number = 0))
        ),
        case!(
            "group: blank name",
            "group.name",
            admin,
            groups.create_group(group_with(city, |g| g.name = "\t".into()))
        ),
        case!(
            "group: no leader",
            "group.leader_id",
            admin,
            groups.create_group(group_with(city, |g| g.leader_id = 0))
        ),
        case!(
            "group: no secretary",
            "group.secretary_id",
            admin,
            groups.create_group(group_with(city, |g| g.secretary_id = 0))
        ),
        case!(
            "group: secretary is the leader",
            "group.secretary_id",
            admin,
            groups.create_group(group_with(city, |g| g.secretary_id = g.leader_id))
        ),
        case!(
            "update group: missing",
            "group",
            admin,
            groups.update_group(pb::UpdateGroupRequest {
                expected_version: 1,
                group: None,
                reason: String::new()
            })
        ),
        case!(
            "update group: zero id",
            "group.meta.id",
            admin,
            groups.update_group(pb::UpdateGroupRequest {
                expected_version: 1,
                group: Some(with(city.group_a.clone(), |g| g.meta = None)),
                reason: String::new()
            })
        ),
        case!(
            "update group: reason with a bell",
            "reason",
            admin,
            groups.update_group(pb::UpdateGroupRequest {
                expected_version: 1,
                group: Some(city.group_a.clone()),
                reason: "\u{7}".into()
            })
        ),
        case!(
            "history: zero group",
            "group_id",
            admin,
            groups.composition_history(pb::CompositionHistoryRequest { group_id: 0 })
        ),
        // Assignments.
        case!(
            "assignment: empty request id",
            "request_id",
            leader,
            assignments.create_assignment(assignment(&|r| r.request_id.clear()))
        ),
        case!(
            "assignment: blank text",
            "text",
            leader,
            assignments.create_assignment(assignment(&|r| r.text = " \n\t ".into()))
        ),
        case!(
            "assignment: NUL in the text",
            "text",
            leader,
            assignments.create_assignment(assignment(&|r| r.text = "a\u{0}".into()))
        ),
        case!(
            "assignment: 20,001-character text",
            "text",
            leader,
            assignments.create_assignment(assignment(&|r| r.text = long(20_001)))
        ),
        case!(
            "assignment: unspecified kind",
            "kind",
            leader,
            assignments.create_assignment(assignment(&|r| r.kind = 0))
        ),
        case!(
            "assignment: unknown kind",
            "kind",
            leader,
            assignments.create_assignment(assignment(&|r| r.kind = 5))
        ),
        case!(
            "assignment: zero group",
            "group_id",
            leader,
            assignments.create_assignment(assignment(&|r| r.group_id = 0))
        ),
        case!(
            "assignment: zero executor",
            "executor_id",
            leader,
            assignments.create_assignment(assignment(&|r| r.executor_id = 0))
        ),
        case!(
            "assignment: unknown preset",
            "preset",
            leader,
            assignments.create_assignment(assignment(&|r| r.preset = 99))
        ),
        case!(
            "assignment: 30 February",
            "deadline",
            leader,
            assignments.create_assignment(assignment(&|r| r.deadline = Some(date(2026, 2, 30))))
        ),
        case!(
            "assignment: month 0",
            "deadline",
            leader,
            assignments.create_assignment(assignment(&|r| r.deadline = Some(date(2026, 0, 10))))
        ),
        case!(
            "assignment: year 2101",
            "deadline",
            leader,
            assignments.create_assignment(assignment(&|r| r.deadline = Some(date(2101, 1, 10))))
        ),
        case!(
            "assignment: deadline yesterday",
            "deadline",
            leader,
            assignments.create_assignment(assignment(&|r| r.deadline = Some(yesterday)))
        ),
        case!(
            "assignment: zero co-executor",
            "co_executors[0].user_id",
            leader,
            assignments.create_assignment(assignment(&|r| r.co_executors = vec![pb::CoExecutor {
                user_id: 0,
                ..Default::default()
            }]))
        ),
        case!(
            "assignment: co-executor is the executor",
            "co_executors[0].user_id",
            leader,
            assignments.create_assignment(assignment(&|r| r.co_executors = vec![pb::CoExecutor {
                user_id: ex,
                ..Default::default()
            }]))
        ),
        case!(
            "assignment: co-executor's 31 June",
            "co_executors[0].deadline",
            leader,
            assignments.create_assignment(assignment(&|r| r.co_executors = vec![pb::CoExecutor {
                user_id: ex2,
                deadline: Some(date(2026, 6, 31)),
                ..Default::default()
            }]))
        ),
        case!(
            "assignment: executor does not exist",
            "executor_id",
            leader,
            assignments.create_assignment(assignment(&|r| r.executor_id = NO_SUCH_ID))
        ),
        case!(
            "assignment: co-executor does not exist",
            "co_executors[0].user_id",
            leader,
            assignments.create_assignment(assignment(&|r| r.co_executors = vec![pb::CoExecutor {
                user_id: NO_SUCH_ID,
                ..Default::default()
            }]))
        ),
        case!(
            "transition: zero assignment",
            "assignment_id",
            executor,
            assignments.transition(pb::TransitionRequest {
                assignment_id: 0,
                ..transition(T::SubmitReport, "отчёт")
            })
        ),
        case!(
            "transition: unspecified step",
            "kind",
            executor,
            assignments.transition(transition(T::Unspecified, "отчёт"))
        ),
        case!(
            "transition: unknown step",
            "kind",
            executor,
            assignments.transition(pb::TransitionRequest {
                kind: 99,
                ..transition(T::SubmitReport, "отчёт")
            })
        ),
        case!(
            "transition: report without text",
            "text",
            executor,
            assignments.transition(transition(T::SubmitReport, "  "))
        ),
        case!(
            "transition: report with an escape",
            "text",
            executor,
            assignments.transition(transition(T::SubmitReport, "\u{1b}c"))
        ),
        case!(
            "extension: zero assignment",
            "assignment_id",
            executor,
            assignments.request_extension(extension(&|r| r.assignment_id = 0))
        ),
        case!(
            "extension: no date",
            "new_deadline",
            executor,
            assignments.request_extension(extension(&|r| r.new_deadline = None))
        ),
        case!(
            "extension: 30 February",
            "new_deadline",
            executor,
            assignments.request_extension(extension(&|r| r.new_deadline = Some(date(2027, 2, 30))))
        ),
        case!(
            "extension: not later than the deadline",
            "new_deadline",
            executor,
            assignments
                .request_extension(extension(&|r| r.new_deadline = Some(api_date(deadline))))
        ),
        case!(
            "extension: no reason",
            "reason",
            executor,
            assignments.request_extension(extension(&|r| r.reason.clear()))
        ),
        case!(
            "decision: refusal without a comment",
            "comment",
            leader,
            assignments.decide_extension(pb::DecideExtensionRequest {
                assignment_id: task_id,
                expected_version: task_version,
                grant: false,
                comment: String::new()
            })
        ),
        case!(
            "sub-assignment: empty request id",
            "request_id",
            executor,
            assignments.create_sub_assignment(sub(&|r| r.request_id.clear()))
        ),
        case!(
            "sub-assignment: zero parent",
            "parent_id",
            executor,
            assignments.create_sub_assignment(sub(&|r| r.parent_id = 0))
        ),
        case!(
            "sub-assignment: blank text",
            "text",
            executor,
            assignments.create_sub_assignment(sub(&|r| r.text.clear()))
        ),
        case!(
            "sub-assignment: zero executor",
            "executor_id",
            executor,
            assignments.create_sub_assignment(sub(&|r| r.executor_id = 0))
        ),
        case!(
            "sub-assignment: no deadline",
            "deadline",
            executor,
            assignments.create_sub_assignment(sub(&|r| r.deadline = None))
        ),
        case!(
            "sub-assignment: after the parent's deadline",
            "deadline",
            executor,
            assignments.create_sub_assignment(sub(&|r| r.deadline = Some(after_deadline)))
        ),
        case!(
            "sub-assignment: executor does not exist",
            "executor_id",
            executor,
            assignments.create_sub_assignment(sub(&|r| r.executor_id = NO_SUCH_ID))
        ),
        case!(
            "get: zero id",
            "assignment_id",
            executor,
            assignments.get_assignment(pb::GetAssignmentRequest { assignment_id: 0 })
        ),
        case!(
            "list: range ends before it starts",
            "deadline_range.to",
            leader,
            assignments.list_assignments(pb::ListAssignmentsRequest {
                deadline_range: Some(pb::DateRange {
                    from: Some(date(2026, 5, 1)),
                    to: Some(date(2026, 4, 1))
                }),
                ..Default::default()
            })
        ),
        case!(
            "list: 29 February 2027",
            "deadline_range.from",
            leader,
            assignments.list_assignments(pb::ListAssignmentsRequest {
                deadline_range: Some(pb::DateRange {
                    from: Some(date(2027, 2, 29)),
                    to: Some(date(2027, 4, 1))
                }),
                ..Default::default()
            })
        ),
        case!(
            "list: bad page token",
            "page.page_token",
            leader,
            assignments.list_assignments(pb::ListAssignmentsRequest {
                page: Some(pb::PageRequest {
                    page_size: 10,
                    page_token: "not-a-number".into()
                }),
                ..Default::default()
            })
        ),
        // Audit.
        case!(
            "audit: kind with a bell",
            "entity_kind",
            admin,
            audit.list_audit(pb::ListAuditRequest {
                entity_kind: "\u{7}".into(),
                ..Default::default()
            })
        ),
    ]
}

/// References to entities that do not exist, which the server should refuse naming the field.
fn dangling_reference_cases(city: &City) -> Vec<Case> {
    let (admin, leader) = (&city.admin, &city.leader_a);
    let (a, ex) = (city.a(), city.executor.user_id);
    vec![
        case!("user: member of a group that does not exist", "roles[0].group_id", admin, users.create_user(with(new_user(), |r| r.roles = vec![in_group(Role::GroupMember, NO_SUCH_ID)]))),
        case!("group: leader does not exist", "group.leader_id", admin, groups.create_group(group_with(city, |g| g.leader_id = NO_SUCH_ID))),
        case!("group: territory does not exist", "group.territory_ids[0]", admin, groups.create_group(group_with(city, |g| g.territory_ids = vec![NO_SUCH_ID]))),
        case!("assignment: controller does not exist", "controller_id", leader, assignments.create_assignment(with(assignment_request(a, ex), |r| r.controller_id = NO_SUCH_ID))),
        case!("assignment: territory does not exist", "territory_id", leader, assignments.create_assignment(with(assignment_request(a, ex), |r| r.territory_id = NO_SUCH_ID))),
        case!("assignment: unknown basis kind", "basis.kind", leader, assignments.create_assignment(with(assignment_request(a, ex), |r| r.basis = Some(pb::Basis { kind: 99, ..Default::default() })))),
        case!("user: department does not exist", "department_id", admin, users.create_user(with(new_user(), |r| r.department_id = NO_SUCH_ID))),
        case!("venue: territory does not exist", "venue.territory_id", admin, directory.save_venue(venue_with(|v| v.territory_id = NO_SUCH_ID))),
        case!("department: head does not exist", "department.head_user_id", admin, directory.save_department(department_with(|d| d.head_user_id = NO_SUCH_ID))),
    ]
}

/// What the server-owned cases change: records as their owners last read them.
struct Stored {
    appeal: pb::Appeal,
    card: pb::ReceptionCard,
    meeting: pb::Meeting,
    territory: pb::Territory,
    group: pb::Group,
}

/// «Перебои в электроснабжении».
const POWER: &str = "0005.0005.0056.1153";

fn new_appeal(city: &City, today: chrono::NaiveDate) -> pb::Appeal {
    pb::Appeal {
        received: Some(api_date(today)),
        channel: pb::Channel::Post as i32,
        kind: pb::AppealKind::Application as i32,
        group_id: city.a(),
        questions: vec![pb::AppealQuestion {
            classifier_code: POWER.into(),
            r#type: pb::QuestionType::Application as i32,
            ..Default::default()
        }],
        citizen: Some(pb::Citizen {
            surname: "Лозовая".into(),
            first_name: "Анна".into(),
            postal_address: "ул. Шевченко, 5".into(),
            ..Default::default()
        }),
        text: "Прошу починить фонари".into(),
        ..Default::default()
    }
}

fn new_card(city: &City, today: chrono::NaiveDate) -> pb::ReceptionCard {
    pb::ReceptionCard {
        date: Some(api_date(today)),
        place: "МБОУ СОШ № 3".into(),
        group_id: city.a(),
        received_by: city.leader_a.user_id,
        citizen: new_appeal(city, today).citizen,
        content: "Фонари не горят".into(),
        classifier_code: POWER.into(),
        question_type: pb::QuestionType::Complaint as i32,
        ..Default::default()
    }
}

fn past_meeting(city: &City, s: &Stored, today: chrono::NaiveDate) -> pb::RecordPastMeetingRequest {
    let held = today - Days::new(10);
    pb::RecordPastMeetingRequest {
        request_id: request_id("past"),
        group_id: city.a(),
        territory_id: id_of(s.territory.meta),
        date: Some(api_date(held)),
        time: "18:00".into(),
        protocol: Some(pb::Protocol {
            number: "1".into(),
            ..Default::default()
        }),
        signed_on: Some(api_date(held)),
        handed_over_on: Some(api_date(held)),
        ..Default::default()
    }
}

/// Every server-owned field a write RPC carries, sent with a value of the client's own: on a
/// create anything but empty, on a change anything but the stored value.
fn server_owned_cases(city: &City, s: &Stored, today: chrono::NaiveDate) -> Vec<Case> {
    let (admin, general, leader, secretary) = (
        &city.admin,
        &city.general,
        &city.leader_a,
        &city.secretary_a,
    );
    let (a, ex, ex2) = (city.a(), city.executor.user_id, city.executor2.user_id);
    let register = |change: &dyn Fn(&mut pb::Appeal)| pb::RegisterAppealRequest {
        request_id: request_id("appeal"),
        appeal: Some(with(new_appeal(city, today), change)),
        repeated_confirmed: true,
    };
    let update = |change: &dyn Fn(&mut pb::Appeal)| pb::UpdateAppealRequest {
        expected_version: version_of(s.appeal.meta),
        appeal: Some(with(s.appeal.clone(), change)),
    };
    let forged_meta = |change: &dyn Fn(&mut pb::Meta)| Some(with(pb::Meta::default(), change));
    let card = |change: &dyn Fn(&mut pb::ReceptionCard)| pb::SaveReceptionCardRequest {
        request_id: request_id("card"),
        expected_version: 0,
        card: Some(with(new_card(city, today), change)),
    };
    let appeal_id = id_of(s.appeal.meta);
    let appeal_version = version_of(s.appeal.meta);
    let extension = |change: &dyn Fn(&mut pb::AppealExtension)| pb::ExtendAppealRequest {
        appeal_id,
        expected_version: appeal_version,
        extension: Some(with(
            pb::AppealExtension {
                days: 10,
                reason: "Нужна проверка на месте".into(),
                notice_date: Some(api_date(today)),
                ..Default::default()
            },
            change,
        )),
    };
    let co = |report: &str, at: i64| {
        with(assignment_request(a, ex), |r| {
            r.co_executors = vec![pb::CoExecutor {
                user_id: ex2,
                report: report.into(),
                reported_at_ms: at,
                ..Default::default()
            }]
        })
    };
    let (meeting_id, meeting_version) = (id_of(s.meeting.meta), version_of(s.meeting.meta));
    let protocol = |change: &dyn Fn(&mut pb::Protocol)| pb::SaveProtocolRequest {
        meeting_id,
        expected_version: meeting_version,
        protocol: Some(with(
            pb::Protocol {
                number: "1".into(),
                decisions: vec![pb::Decision {
                    text: "Заменить лампы".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            change,
        )),
    };
    let brief = |change: &dyn Fn(&mut pb::Brief)| pb::SaveBriefRequest {
        meeting_id,
        expected_version: meeting_version,
        brief: Some(with(
            pb::Brief {
                text: "Справка по территории".into(),
                ..Default::default()
            },
            change,
        )),
    };
    let saved_territory = |change: &dyn Fn(&mut pb::Territory)| pb::SaveTerritoryRequest {
        request_id: String::new(),
        expected_version: version_of(s.territory.meta),
        territory: Some(with(s.territory.clone(), change)),
    };
    vec![
        case!(
            "register: an id",
            "appeal.meta.id",
            general,
            appeals.register_appeal(register(&|x| x.meta = forged_meta(&|m| m.id = 77)))
        ),
        case!(
            "register: a version",
            "appeal.meta.version",
            general,
            appeals.register_appeal(register(&|x| x.meta = forged_meta(&|m| m.version = 5)))
        ),
        case!(
            "register: a creation time",
            "appeal.meta.created_at_ms",
            general,
            appeals.register_appeal(register(&|x| x.meta = forged_meta(&|m| m.created_at_ms = 1)))
        ),
        case!(
            "register: a change time",
            "appeal.meta.updated_at_ms",
            general,
            appeals.register_appeal(register(&|x| x.meta = forged_meta(&|m| m.updated_at_ms = 1)))
        ),
        case!(
            "register: a creator",
            "appeal.meta.created_by",
            general,
            appeals.register_appeal(register(&|x| x.meta = forged_meta(&|m| m.created_by = ex)))
        ),
        case!(
            "register: archived",
            "appeal.meta.archived",
            general,
            appeals.register_appeal(register(&|x| x.meta = forged_meta(&|m| m.archived = true)))
        ),
        case!(
            "register: a number",
            "appeal.number",
            general,
            appeals.register_appeal(register(&|x| x.number = "ИГ-2026-99999".into()))
        ),
        case!(
            "register: a registration date",
            "appeal.registered",
            general,
            appeals.register_appeal(register(&|x| x.registered = Some(api_date(today))))
        ),
        case!(
            "register: late",
            "appeal.late_registration",
            general,
            appeals.register_appeal(register(&|x| x.late_registration = true))
        ),
        case!(
            "register: a card link",
            "appeal.reception_card_id",
            general,
            appeals.register_appeal(register(&|x| x.reception_card_id = id_of(s.card.meta)))
        ),
        case!(
            "register: depersonalised",
            "appeal.depersonalised",
            general,
            appeals.register_appeal(register(&|x| x.depersonalised = true))
        ),
        case!(
            "register: a status",
            "appeal.status",
            general,
            appeals.register_appeal(register(&|x| x.status = pb::AppealStatus::Answered as i32))
        ),
        case!(
            "register: a deadline",
            "appeal.due",
            general,
            appeals.register_appeal(register(&|x| x.due = Some(pb::Deadline {
                date: Some(api_date(today)),
                predicted: false
            })))
        ),
        case!(
            "register: a deadline rule",
            "appeal.due_rule",
            general,
            appeals.register_appeal(register(&|x| x.due_rule = pb::NonWorkingRule::Next as i32))
        ),
        case!(
            "register: extensions",
            "appeal.extensions",
            general,
            appeals.register_appeal(register(&|x| x.extensions = vec![pb::AppealExtension {
                days: 30,
                ..Default::default()
            }]))
        ),
        case!(
            "register: a forwarding",
            "appeal.forwarding",
            general,
            appeals.register_appeal(register(&|x| x.forwarding = Some(pb::Forwarding {
                body: "Прокуратура".into(),
                ..Default::default()
            })))
        ),
        case!(
            "register: an answer",
            "appeal.answer",
            general,
            appeals.register_appeal(register(&|x| x.answer = Some(pb::AppealAnswer {
                summary: "Готово".into(),
                ..Default::default()
            })))
        ),
        case!(
            "register: assignment links",
            "appeal.assignment_ids",
            general,
            appeals.register_appeal(register(&|x| x.assignment_ids = vec![1]))
        ),
        case!(
            "register: overdue",
            "appeal.overdue",
            general,
            appeals.register_appeal(register(&|x| x.overdue = true))
        ),
        case!(
            "register: a question's result",
            "appeal.questions[0].result",
            general,
            appeals.register_appeal(register(
                &|x| x.questions[0].result = pb::QuestionResult::Supported as i32
            ))
        ),
        case!(
            "update: another status",
            "appeal.status",
            general,
            appeals.update_appeal(update(&|x| x.status = pb::AppealStatus::Answered as i32))
        ),
        case!(
            "update: another number",
            "appeal.number",
            general,
            appeals.update_appeal(update(&|x| x.number = "ИГ-2026-99999".into()))
        ),
        case!(
            "update: a question's result",
            "appeal.questions[0].result",
            general,
            appeals.update_appeal(update(
                &|x| x.questions[0].result = pb::QuestionResult::Supported as i32
            ))
        ),
        case!(
            "update: another creator",
            "appeal.meta.created_by",
            general,
            appeals.update_appeal(update(&|x| x.meta = Some(pb::Meta {
                created_by: ex,
                ..x.meta.unwrap_or_default()
            })))
        ),
        case!(
            "update: overdue",
            "appeal.overdue",
            general,
            appeals.update_appeal(update(&|x| x.overdue = true))
        ),
        case!(
            "extend: who granted",
            "extension.granted_by",
            &city.head,
            appeals.extend_appeal(extension(&|e| e.granted_by = ex))
        ),
        case!(
            "extend: the new date",
            "extension.new_due",
            &city.head,
            appeals.extend_appeal(extension(
                &|e| e.new_due = Some(api_date(today + Days::new(60)))
            ))
        ),
        case!(
            "forward: in time",
            "forwarding.on_time",
            general,
            appeals.forward_appeal(pb::ForwardAppealRequest {
                appeal_id,
                expected_version: appeal_version,
                forwarding: Some(pb::Forwarding {
                    body: "Прокуратура".into(),
                    date: Some(api_date(today)),
                    notice_date: Some(api_date(today)),
                    on_time: true
                })
            })
        ),
        case!(
            "answer: in time",
            "answer.on_time",
            general,
            appeals.answer_appeal(pb::AnswerAppealRequest {
                appeal_id,
                expected_version: appeal_version,
                answer: Some(pb::AppealAnswer {
                    date: Some(api_date(today)),
                    signed_by: "Иванов И. И.".into(),
                    sent_via: "почта".into(),
                    on_time: true,
                    summary: "Разъяснено".into()
                }),
                results: vec![pb::QuestionResult::Explained as i32]
            })
        ),
        case!(
            "card: a version",
            "card.meta.version",
            leader,
            appeals.save_reception_card(card(&|x| x.meta = forged_meta(&|m| m.version = 3)))
        ),
        case!(
            "card: depersonalised",
            "card.depersonalised",
            leader,
            appeals.save_reception_card(card(&|x| x.depersonalised = true))
        ),
        case!(
            "card: an appeal link",
            "card.appeal_id",
            leader,
            appeals.save_reception_card(card(&|x| x.appeal_id = appeal_id))
        ),
        case!(
            "card: an assignment link",
            "card.assignment_id",
            leader,
            appeals.save_reception_card(card(&|x| x.assignment_id = 1))
        ),
        case!(
            "card update: another appeal link",
            "card.appeal_id",
            leader,
            appeals.save_reception_card(pb::SaveReceptionCardRequest {
                request_id: String::new(),
                expected_version: version_of(s.card.meta),
                card: Some(with(s.card.clone(), |x| x.appeal_id = appeal_id))
            })
        ),
        case!(
            "co-executor: a report",
            "co_executors[0].report",
            leader,
            assignments.create_assignment(co("Выполнено", 0))
        ),
        case!(
            "co-executor: a report time",
            "co_executors[0].reported_at_ms",
            leader,
            assignments.create_assignment(co("", 1))
        ),
        case!(
            "group: an id",
            "group.meta.id",
            admin,
            groups.create_group(group_with(city, |g| g.meta = Some(pb::Meta {
                id: 77,
                ..Default::default()
            })))
        ),
        case!(
            "group: a creation time",
            "group.meta.created_at_ms",
            admin,
            groups.create_group(group_with(city, |g| g.meta = Some(pb::Meta {
                created_at_ms: 1,
                ..Default::default()
            })))
        ),
        case!(
            "group update: another creator",
            "group.meta.created_by",
            admin,
            groups.update_group(pb::UpdateGroupRequest {
                expected_version: version_of(s.group.meta),
                group: Some(with(s.group.clone(), |g| g.meta = Some(pb::Meta {
                    created_by: ex,
                    ..g.meta.unwrap_or_default()
                }))),
                reason: String::new()
            })
        ),
        case!(
            "territory: a version",
            "territory.meta.version",
            admin,
            directory.save_territory(territory_with(|t| t.meta = Some(pb::Meta {
                version: 5,
                ..Default::default()
            })))
        ),
        case!(
            "territory update: archived",
            "territory.meta.archived",
            admin,
            directory.save_territory(saved_territory(&|t| t.meta = Some(pb::Meta {
                archived: true,
                ..t.meta.unwrap_or_default()
            })))
        ),
        case!(
            "territory update: another change time",
            "territory.meta.updated_at_ms",
            admin,
            directory.save_territory(saved_territory(&|t| t.meta = Some(pb::Meta {
                updated_at_ms: 1,
                ..t.meta.unwrap_or_default()
            })))
        ),
        case!(
            "venue: a creation time",
            "venue.meta.created_at_ms",
            admin,
            directory.save_venue(venue_with(|v| v.meta = Some(pb::Meta {
                created_at_ms: 1,
                ..Default::default()
            })))
        ),
        case!(
            "department: a change time",
            "department.meta.updated_at_ms",
            admin,
            directory.save_department(department_with(|d| d.meta = Some(pb::Meta {
                updated_at_ms: 1,
                ..Default::default()
            })))
        ),
        case!(
            "organisation: a creator",
            "organisation.meta.created_by",
            admin,
            directory.save_organisation(organisation_with(|o| o.meta = Some(pb::Meta {
                created_by: ex,
                ..Default::default()
            })))
        ),
        case!(
            "calendar: built in",
            "built_in",
            admin,
            directory.save_calendar_year(calendar_with(|y| y.built_in = true))
        ),
        case!(
            "participant: notified",
            "participant.notified_at_ms",
            secretary,
            meetings.save_participant(pb::SaveParticipantRequest {
                meeting_id,
                expected_version: meeting_version,
                participant: Some(pb::Participant {
                    name: "Петров П. П.".into(),
                    position: "директор".into(),
                    status: pb::ParticipantStatus::Invited as i32,
                    notified_at_ms: 1,
                    ..Default::default()
                })
            })
        ),
        case!(
            "brief: open appeals",
            "brief.open_appeals",
            secretary,
            meetings.save_brief(brief(&|b| b.open_appeals = 999))
        ),
        case!(
            "brief: open assignments",
            "brief.open_assignments",
            secretary,
            meetings.save_brief(brief(&|b| b.open_assignments = 999))
        ),
        case!(
            "brief: topics",
            "brief.top_topics",
            secretary,
            meetings.save_brief(brief(&|b| b.top_topics = vec![pb::TopicCount {
                code: POWER.into(),
                name: "Свет".into(),
                count: 999
            }]))
        ),
        case!(
            "brief: a save time",
            "brief.saved_at_ms",
            secretary,
            meetings.save_brief(brief(&|b| b.saved_at_ms = 1))
        ),
        case!(
            "informing: who recorded",
            "informing.recorded_by",
            &city.population,
            meetings.record_informing(pb::RecordInformingRequest {
                meeting_id,
                expected_version: meeting_version,
                informing: Some(pb::InformingTask {
                    done: true,
                    method: "объявления".into(),
                    date: Some(api_date(today)),
                    recorded_by: ex
                })
            })
        ),
        case!(
            "protocol: a signer",
            "protocol.signed_by",
            secretary,
            meetings.save_protocol(protocol(&|p| p.signed_by = city.leader_a.user_id))
        ),
        case!(
            "protocol: a signing time",
            "protocol.signed_at_ms",
            secretary,
            meetings.save_protocol(protocol(&|p| p.signed_at_ms = 1))
        ),
        case!(
            "protocol: amendments",
            "protocol.amendments",
            secretary,
            meetings.save_protocol(protocol(&|p| p.amendments = vec![pb::Amendment {
                text: "Исправлено".into(),
                ..Default::default()
            }]))
        ),
        case!(
            "protocol: a decision's assignments",
            "protocol.decisions[0].assignment_ids",
            secretary,
            meetings.save_protocol(protocol(&|p| p.decisions[0].assignment_ids = vec![1]))
        ),
        case!(
            "past meeting: a signer",
            "protocol.signed_by",
            secretary,
            meetings.record_past_meeting(with(past_meeting(city, s, today), |r| {
                if let Some(p) = r.protocol.as_mut() {
                    p.signed_by = ex
                }
            }))
        ),
        case!(
            "past meeting: amendments",
            "protocol.amendments",
            secretary,
            meetings.record_past_meeting(with(past_meeting(city, s, today), |r| {
                if let Some(p) = r.protocol.as_mut() {
                    p.amendments = vec![pb::Amendment::default()]
                }
            }))
        ),
        case!(
            "past meeting: a decision's assignments",
            "protocol.decisions[0].assignment_ids",
            secretary,
            meetings.record_past_meeting(with(past_meeting(city, s, today), |r| {
                if let Some(p) = r.protocol.as_mut() {
                    p.decisions = vec![pb::Decision {
                        text: "Заменить лампы".into(),
                        assignment_ids: vec![1],
                    }]
                }
            }))
        ),
    ]
}

/// Fields a client gives when a record is made and may not change afterwards, or that a path
/// would otherwise take and not keep: each sent with another value must be refused naming it,
/// never silently kept as stored or dropped.
fn fixed_field_cases(city: &City, s: &Stored, today: chrono::NaiveDate) -> Vec<Case> {
    let (general, leader, secretary) = (&city.general, &city.leader_a, &city.secretary_a);
    let update = |change: &dyn Fn(&mut pb::Appeal)| pb::UpdateAppealRequest {
        expected_version: version_of(s.appeal.meta),
        appeal: Some(with(s.appeal.clone(), change)),
    };
    let card = |change: &dyn Fn(&mut pb::ReceptionCard)| pb::SaveReceptionCardRequest {
        request_id: String::new(),
        expected_version: version_of(s.card.meta),
        card: Some(with(s.card.clone(), change)),
    };
    let group = |change: &dyn Fn(&mut pb::Group)| pb::UpdateGroupRequest {
        expected_version: version_of(s.group.meta),
        group: Some(with(s.group.clone(), change)),
        reason: "Состав группы".into(),
    };
    let (b, meeting_id, leader_b) = (city.b(), id_of(s.meeting.meta), city.leader_b.user_id);
    vec![
        case!(
            "update: another group",
            "appeal.group_id",
            general,
            appeals.update_appeal(update(&|a| a.group_id = b))
        ),
        case!(
            "update: no group",
            "appeal.group_id",
            general,
            appeals.update_appeal(update(&|a| a.group_id = 0))
        ),
        case!(
            "update: a meeting",
            "appeal.meeting_id",
            general,
            appeals.update_appeal(update(&|a| a.meeting_id = meeting_id))
        ),
        case!(
            "update: another day of receipt",
            "appeal.received",
            general,
            appeals.update_appeal(update(
                &|a| a.received = Some(api_date(today - Days::new(1)))
            ))
        ),
        case!(
            "update: no day of receipt",
            "appeal.received",
            general,
            appeals.update_appeal(update(&|a| a.received = None))
        ),
        case!(
            "card: another group",
            "card.group_id",
            general,
            appeals.save_reception_card(card(&|c| {
                c.group_id = b;
                c.received_by = leader_b;
            }))
        ),
        case!(
            "group: the leader moves the day it began",
            "group.formed",
            leader,
            groups.update_group(group(&|g| g.formed = Some(api_date(today - Days::new(30)))))
        ),
        case!(
            "past meeting: participants present, none invited",
            "protocol.participants_present",
            secretary,
            meetings.record_past_meeting(with(past_meeting(city, s, today), |r| {
                if let Some(p) = r.protocol.as_mut() {
                    p.participants_present = vec![1]
                }
            }))
        ),
    ]
}

/// Runs every case; returns one line per wrong answer.
async fn run(cases: Vec<Case>, admin: &Authed, server: &TestServer) -> Vec<String> {
    let tried = cases.len();
    let mut wrong = Vec::new();
    for case in cases {
        let seq = server.db().published_seq();
        let audit = admin.last_audit_seq().await.expect("audit");
        let answer = case.call.await;
        let wrote = server.db().published_seq() != seq
            || admin.last_audit_seq().await.expect("audit") != audit;
        let problem = match &answer {
            Ok(()) => Some("accepted".to_string()),
            Err(status) if status.code() != Code::InvalidArgument => {
                Some(format!("{:?}: {}", status.code(), status.message()))
            }
            Err(status) => match FieldError::from_status(status) {
                None => Some("InvalidArgument without a BadRequest field violation".into()),
                Some(f) if f.field != case.field => Some(format!("names field {:?}", f.field)),
                Some(f) if f.en.trim().is_empty() || f.ru.trim().is_empty() => Some(format!(
                    "a message is missing: ru {:?}, en {:?}",
                    f.ru, f.en
                )),
                Some(f)
                    if !f
                        .ru
                        .chars()
                        .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))) =>
                {
                    Some(format!("the Russian message is not Russian: {:?}", f.ru))
                }
                Some(_) => None,
            },
        };
        let problem = match (problem, wrote) {
            (None, false) => continue,
            (None, true) => "refused, but something was written".to_string(),
            (Some(p), false) => p,
            (Some(p), true) => format!("{p}, and something was written"),
        };
        wrong.push(format!("{} (want {}): {problem}", case.label, case.field));
    }
    // The README's figure of bad inputs tried is the sum of these lines.
    println!(
        "bad requests tried: {tried}, answered wrongly: {}",
        wrong.len()
    );
    wrong
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_is_refused_naming_the_field_and_nothing_is_written() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let task = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    let cases = cases(&city, &task);
    let total = cases.len();
    let wrong = run(cases, &city.admin, &server).await;
    assert!(
        wrong.is_empty(),
        "{} of {total} bad requests were answered wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_to_missing_entities_are_refused_naming_the_field() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let cases = dangling_reference_cases(&city);
    let total = cases.len();
    let wrong = run(cases, &city.admin, &server).await;
    assert!(
        wrong.is_empty(),
        "{} of {total} dangling references were answered wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_owned_fields_are_refused_naming_the_field_and_nothing_changes() {
    let server = TestServer::start_default().await.expect("server");
    let c = City::build(&server).await.expect("city");
    let day = today(server.clock());
    let territory = admin_territory(&c).await;
    let group = c
        .admin
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(c.group_a.meta),
            group: Some(pb::Group {
                territory_ids: vec![id_of(territory.meta)],
                ..c.group_a.clone()
            }),
            reason: "Территория группы".into(),
        })
        .await
        .expect("UpdateGroup")
        .into_inner();
    let appeal = c
        .general
        .appeals()
        .register_appeal(pb::RegisterAppealRequest {
            request_id: request_id("appeal"),
            appeal: Some(new_appeal(&c, day)),
            repeated_confirmed: true,
        })
        .await
        .expect("RegisterAppeal")
        .into_inner();
    let card = c
        .leader_a
        .appeals()
        .save_reception_card(pb::SaveReceptionCardRequest {
            request_id: request_id("card"),
            expected_version: 0,
            card: Some(new_card(&c, day)),
        })
        .await
        .expect("SaveReceptionCard")
        .into_inner();
    let meeting = c
        .secretary_a
        .meetings()
        .plan_meeting(pb::PlanMeetingRequest {
            request_id: request_id("meeting"),
            group_id: c.a(),
            territory_id: id_of(territory.meta),
            venue_id: 0,
            date: Some(api_date(day + Days::new(14))),
            time: "18:00".into(),
        })
        .await
        .expect("PlanMeeting")
        .into_inner();
    let stored = Stored {
        appeal,
        card,
        meeting,
        territory,
        group,
    };
    let mut cases = server_owned_cases(&c, &stored, day);
    cases.extend(fixed_field_cases(&c, &stored, day));
    let total = cases.len();
    let wrong = run(cases, &c.admin, &server).await;
    assert!(
        wrong.is_empty(),
        "{} of {total} server-owned fields were answered wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // What a client read and sends back whole is not a forgery: the stored values pass.
    let echoed = c
        .general
        .appeals()
        .update_appeal(pb::UpdateAppealRequest {
            expected_version: version_of(stored.appeal.meta),
            appeal: Some(pb::Appeal {
                text: "Прошу починить фонари во дворе".into(),
                ..stored.appeal.clone()
            }),
        })
        .await
        .expect("an update echoing the stored fields")
        .into_inner();
    assert_eq!(echoed.number, stored.appeal.number);
    assert_eq!(version_of(echoed.meta), version_of(stored.appeal.meta) + 1);
    drop(c);
    server.stop().await.expect("stop");
}

/// What a write takes it keeps, or it refuses it: a past meeting keeps its reception cards (of
/// its own group only); a card on control refuses a new executor, deadline or release, which
/// are its assignment's, rather than keeping what the assignment never gets; the day a group
/// began, moved by the administrator, is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_write_takes_it_keeps_or_refuses_it() {
    let server = TestServer::start_default().await.expect("server");
    let c = City::build(&server).await.expect("city");
    let day = today(server.clock());
    let territory = admin_territory(&c).await;
    let began = api_date(day - Days::new(60));
    let group = c
        .admin
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(c.group_a.meta),
            group: Some(pb::Group {
                territory_ids: vec![id_of(territory.meta)],
                formed: Some(began),
                ..c.group_a.clone()
            }),
            reason: "Группа работала до системы".into(),
        })
        .await
        .expect("UpdateGroup by the administrator")
        .into_inner();
    assert_eq!(group.formed, Some(began), "the administrator's day is kept");
    // The leader sending the group back as read, the day unset or as stored, changes nothing.
    let renamed = c
        .leader_a
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(group.meta),
            group: Some(pb::Group {
                name: "Группа у терриконов".into(),
                formed: None,
                ..group.clone()
            }),
            reason: String::new(),
        })
        .await
        .expect("UpdateGroup by the leader")
        .into_inner();
    assert_eq!(renamed.formed, Some(began));

    let on_control = c
        .leader_a
        .appeals()
        .save_reception_card(pb::SaveReceptionCardRequest {
            request_id: request_id("card"),
            expected_version: 0,
            card: Some(pb::ReceptionCard {
                on_control: true,
                executor_id: c.executor.user_id,
                deadline: Some(api_date(day + Days::new(10))),
                ..new_card(&c, day)
            }),
        })
        .await
        .expect("a card put on control")
        .into_inner();
    let assignment_id = on_control.assignment_id;
    assert_ne!(assignment_id, 0);
    let resave = |change: &dyn Fn(&mut pb::ReceptionCard)| pb::SaveReceptionCardRequest {
        request_id: String::new(),
        expected_version: version_of(on_control.meta),
        card: Some(with(on_control.clone(), change)),
    };
    let seq = server.db().published_seq();
    for (what, req) in [
        (
            "another executor",
            resave(&|x| x.executor_id = c.executor2.user_id),
        ),
        (
            "another deadline",
            resave(&|x| x.deadline = Some(api_date(day + Days::new(20)))),
        ),
        ("off control", resave(&|x| x.on_control = false)),
    ] {
        let status = c
            .leader_a
            .appeals()
            .save_reception_card(req)
            .await
            .expect_err(what);
        assert_eq!(
            status.code(),
            Code::FailedPrecondition,
            "{what}: {status:?}"
        );
    }
    assert_eq!(
        server.db().published_seq(),
        seq,
        "nothing refused was written"
    );
    let edited = c
        .leader_a
        .appeals()
        .save_reception_card(resave(&|x| {
            x.content = "Фонари не горят третью неделю".into()
        }))
        .await
        .expect("an edit of the content")
        .into_inner();
    assert_eq!(edited.executor_id, c.executor.user_id);
    assert_eq!(edited.assignment_id, assignment_id);

    let card_b = c
        .leader_b
        .appeals()
        .save_reception_card(pb::SaveReceptionCardRequest {
            request_id: request_id("card"),
            expected_version: 0,
            card: Some(pb::ReceptionCard {
                group_id: c.b(),
                received_by: c.leader_b.user_id,
                ..new_card(&c, day)
            }),
        })
        .await
        .expect("a card of group B")
        .into_inner();
    let held = day - Days::new(10);
    let past = |cards: Vec<u64>| pb::RecordPastMeetingRequest {
        request_id: request_id("past"),
        group_id: c.a(),
        territory_id: id_of(territory.meta),
        date: Some(api_date(held)),
        time: "18:00".into(),
        protocol: Some(pb::Protocol {
            number: "7".into(),
            reception_card_ids: cards,
            ..Default::default()
        }),
        signed_on: Some(api_date(held)),
        handed_over_on: Some(api_date(held)),
        ..Default::default()
    };
    let refused = c
        .secretary_a
        .meetings()
        .record_past_meeting(past(vec![id_of(card_b.meta)]))
        .await
        .expect_err("another group's card");
    assert_eq!(
        FieldError::from_status(&refused).map(|f| f.field),
        Some("protocol.reception_card_ids[0]".to_string()),
        "{refused:?}"
    );
    let meeting = c
        .secretary_a
        .meetings()
        .record_past_meeting(past(vec![id_of(edited.meta)]))
        .await
        .expect("RecordPastMeeting with the group's card")
        .into_inner();
    let kept = c
        .secretary_a
        .meetings()
        .get_meeting(pb::GetMeetingRequest {
            meeting_id: id_of(meeting.meta),
        })
        .await
        .expect("GetMeeting")
        .into_inner();
    assert_eq!(
        kept.protocol.map(|p| p.reception_card_ids),
        Some(vec![id_of(edited.meta)]),
        "the protocol keeps its reception cards"
    );
    drop(c);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn login_input_is_validated_before_the_password_is_checked() {
    let server = TestServer::start_default().await.expect("server");
    let channel = connect(server.addr()).await.expect("connect");
    for (username, password, field) in [
        ("", "whatever-password", "username"),
        ("admin", "", "password"),
        ("a\u{0}b", "whatever-password", "username"),
    ] {
        let status = Authed::login_on(channel.clone(), username, password)
            .await
            .expect("call")
            .expect_err("refused");
        let f = FieldError::from_status(&status)
            .unwrap_or_else(|| panic!("{username:?}/{password:?}: {status:?}"));
        assert_eq!(f.field, field);
    }
    drop(channel);
    server.stop().await.expect("stop");
}

/// A territory the administrator has saved.
async fn admin_territory(c: &City) -> pb::Territory {
    c.admin
        .directory()
        .save_territory(territory())
        .await
        .expect("SaveTerritory")
        .into_inner()
}

/// A meeting planned in `group`, on a territory the administrator gives the group first.
async fn meeting_in(
    c: &City,
    planner: &Authed,
    group: &pb::Group,
    day: chrono::NaiveDate,
) -> pb::Meeting {
    let territory = admin_territory(c).await;
    c.admin
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(group.meta),
            group: Some(pb::Group {
                territory_ids: vec![id_of(territory.meta)],
                ..group.clone()
            }),
            reason: "Территория группы".into(),
        })
        .await
        .expect("UpdateGroup");
    planner
        .meetings()
        .plan_meeting(pb::PlanMeetingRequest {
            request_id: request_id("meeting"),
            group_id: id_of(group.meta),
            territory_id: id_of(territory.meta),
            venue_id: 0,
            date: Some(api_date(day + Days::new(14))),
            time: "18:00".into(),
        })
        .await
        .expect("PlanMeeting")
        .into_inner()
}

/// An assignment's basis names exactly the record its kind says: the id the kind needs, set and
/// naming a record of the assignment's own group the caller sees, and no other id. A record of
/// another group, of none, or none at all is refused alike; nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_basis_names_exactly_the_record_its_kind_says() {
    let server = TestServer::start_default().await.expect("server");
    let c = City::build(&server).await.expect("city");
    let day = today(server.clock());
    let register = |who: &Authed, group_id: u64| {
        let mut appeals = who.appeals();
        let appeal = pb::Appeal {
            group_id,
            ..new_appeal(&c, day)
        };
        async move {
            appeals
                .register_appeal(pb::RegisterAppealRequest {
                    request_id: request_id("appeal"),
                    appeal: Some(appeal),
                    repeated_confirmed: true,
                })
                .await
                .expect("RegisterAppeal")
                .into_inner()
        }
    };
    let appeal_a = id_of(register(&c.general, c.a()).await.meta);
    let appeal_b = id_of(register(&c.general, c.b()).await.meta);
    let appeal_none = id_of(register(&c.general, 0).await.meta);
    let save_card = |who: &Authed, card: pb::ReceptionCard| {
        let mut appeals = who.appeals();
        async move {
            appeals
                .save_reception_card(pb::SaveReceptionCardRequest {
                    request_id: request_id("card"),
                    expected_version: 0,
                    card: Some(card),
                })
                .await
                .expect("SaveReceptionCard")
                .into_inner()
        }
    };
    let card_a = id_of(save_card(&c.leader_a, new_card(&c, day)).await.meta);
    let card_b = pb::ReceptionCard {
        group_id: c.b(),
        received_by: c.leader_b.user_id,
        ..new_card(&c, day)
    };
    let card_b = id_of(save_card(&c.leader_b, card_b).await.meta);
    // Planned, so without a protocol: no decision to name.
    let meeting_a = id_of(meeting_in(&c, &c.secretary_a, &c.group_a, day).await.meta);
    let meeting_b = id_of(meeting_in(&c, &c.secretary_b, &c.group_b, day).await.meta);

    use pb::BasisKind as K;
    let leader = &c.leader_a;
    let (a, ex) = (c.a(), c.executor.user_id);
    let on =
        |kind: K, meeting_id: u64, decision_index: u32, appeal_id: u64, reception_card_id: u64| {
            with(assignment_request(a, ex), |r| {
                r.basis = Some(pb::Basis {
                    kind: kind as i32,
                    meeting_id,
                    decision_index,
                    appeal_id,
                    reception_card_id,
                })
            })
        };
    let cases = vec![
        case!(
            "no kind, an appeal",
            "basis.appeal_id",
            leader,
            assignments.create_assignment(on(K::Unspecified, 0, 0, appeal_a, 0))
        ),
        case!(
            "the leader's own, a meeting",
            "basis.meeting_id",
            leader,
            assignments.create_assignment(on(K::Leader, meeting_a, 0, 0, 0))
        ),
        case!(
            "the leader's own, a decision",
            "basis.decision_index",
            leader,
            assignments.create_assignment(on(K::Leader, 0, 1, 0, 0))
        ),
        case!(
            "the leader's own, a card",
            "basis.reception_card_id",
            leader,
            assignments.create_assignment(on(K::Leader, 0, 0, 0, card_a))
        ),
        case!(
            "appeal: none named",
            "basis.appeal_id",
            leader,
            assignments.create_assignment(on(K::Appeal, 0, 0, 0, 0))
        ),
        case!(
            "appeal: a card besides",
            "basis.reception_card_id",
            leader,
            assignments.create_assignment(on(K::Appeal, 0, 0, appeal_a, card_a))
        ),
        case!(
            "appeal: a meeting besides",
            "basis.meeting_id",
            leader,
            assignments.create_assignment(on(K::Appeal, meeting_a, 0, appeal_a, 0))
        ),
        case!(
            "appeal: another group's",
            "basis.appeal_id",
            leader,
            assignments.create_assignment(on(K::Appeal, 0, 0, appeal_b, 0))
        ),
        case!(
            "appeal: of no group",
            "basis.appeal_id",
            leader,
            assignments.create_assignment(on(K::Appeal, 0, 0, appeal_none, 0))
        ),
        case!(
            "appeal: does not exist",
            "basis.appeal_id",
            leader,
            assignments.create_assignment(on(K::Appeal, 0, 0, NO_SUCH_ID, 0))
        ),
        case!(
            "card: none named",
            "basis.reception_card_id",
            leader,
            assignments.create_assignment(on(K::ReceptionCard, 0, 0, 0, 0))
        ),
        case!(
            "card: an appeal besides",
            "basis.appeal_id",
            leader,
            assignments.create_assignment(on(K::ReceptionCard, 0, 0, appeal_a, card_a))
        ),
        case!(
            "card: another group's",
            "basis.reception_card_id",
            leader,
            assignments.create_assignment(on(K::ReceptionCard, 0, 0, 0, card_b))
        ),
        case!(
            "card: does not exist",
            "basis.reception_card_id",
            leader,
            assignments.create_assignment(on(K::ReceptionCard, 0, 0, 0, NO_SUCH_ID))
        ),
        case!(
            "decision: no meeting",
            "basis.meeting_id",
            leader,
            assignments.create_assignment(on(K::ProtocolDecision, 0, 0, 0, 0))
        ),
        case!(
            "decision: an index but no meeting",
            "basis.meeting_id",
            leader,
            assignments.create_assignment(on(K::ProtocolDecision, 0, 2, 0, 0))
        ),
        case!(
            "decision: an appeal besides",
            "basis.appeal_id",
            leader,
            assignments.create_assignment(on(K::ProtocolDecision, meeting_a, 0, appeal_a, 0))
        ),
        case!(
            "decision: a card besides",
            "basis.reception_card_id",
            leader,
            assignments.create_assignment(on(K::ProtocolDecision, meeting_a, 0, 0, card_a))
        ),
        case!(
            "decision: another group's meeting",
            "basis.meeting_id",
            leader,
            assignments.create_assignment(on(K::ProtocolDecision, meeting_b, 0, 0, 0))
        ),
        case!(
            "decision: a meeting that does not exist",
            "basis.meeting_id",
            leader,
            assignments.create_assignment(on(K::ProtocolDecision, NO_SUCH_ID, 0, 0, 0))
        ),
        case!(
            "decision: a meeting without a protocol",
            "basis.decision_index",
            leader,
            assignments.create_assignment(on(K::ProtocolDecision, meeting_a, 0, 0, 0))
        ),
    ];
    let total = cases.len();
    let wrong = run(cases, &c.admin, &server).await;
    assert!(
        wrong.is_empty(),
        "{} of {total} bad bases were answered wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Out of scope and missing read the same.
    let mut answers = Vec::new();
    for id in [appeal_b, appeal_none, NO_SUCH_ID] {
        let refused = leader
            .assignments()
            .create_assignment(on(K::Appeal, 0, 0, id, 0))
            .await
            .expect_err("refused");
        answers.push(refused.message().to_string());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    // Each kind with exactly its record is taken.
    for (label, req) in [
        ("none", on(K::Unspecified, 0, 0, 0, 0)),
        ("the leader's own", on(K::Leader, 0, 0, 0, 0)),
        ("an appeal", on(K::Appeal, 0, 0, appeal_a, 0)),
        ("a card", on(K::ReceptionCard, 0, 0, 0, card_a)),
    ] {
        let made = leader
            .assignments()
            .create_assignment(req.clone())
            .await
            .unwrap_or_else(|s| panic!("{label}: {s:?}"))
            .into_inner();
        assert_eq!(made.basis, req.basis, "{label}");
    }
    drop(c);
    server.stop().await.expect("stop");
}
