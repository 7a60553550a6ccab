//! The role matrix through the real RPCs: every implemented RPC × every role, allowed or refused
//! exactly as `server/src/policy.rs` says, including group scope (group B's people acting on
//! group A's resources). A refusal writes nothing.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Days;
use infogroups_shared::pb::{self, Role, TransitionKind as T};
use infogroups_tests::fixtures::{
    self, add_user, api_date, create_assignment, global, id_of, request_id, save_territory,
    transition, version_of,
};
use infogroups_tests::{ADMIN_PASSWORD, Authed, City, TEST_PASSWORD, TestServer};
use tonic::{Code, Status};

/// Who acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Admin,
    Head,
    Control,
    General,
    Population,
    LeaderA,
    SecretaryA,
    MemberA,
    Executor,
    Executor2,
    LeaderB,
    SecretaryB,
}

use Who::*;

const EVERYONE: [Who; 12] = [
    Admin, Head, Control, General, Population, LeaderA, SecretaryA, MemberA, Executor, Executor2,
    LeaderB, SecretaryB,
];

/// Short column titles for the printed matrix.
fn column(w: Who) -> &'static str {
    match w {
        Admin => "admin",
        Head => "head",
        Control => "ctrl",
        General => "gen",
        Population => "pop",
        LeaderA => "ldrA",
        SecretaryA => "secA",
        MemberA => "memA",
        Executor => "exec",
        Executor2 => "exec2",
        LeaderB => "ldrB",
        SecretaryB => "secB",
    }
}

fn user(city: &City, w: Who) -> &Authed {
    match w {
        Admin => &city.admin,
        Head => &city.head,
        Control => &city.control,
        General => &city.general,
        Population => &city.population,
        LeaderA => &city.leader_a,
        SecretaryA => &city.secretary_a,
        MemberA => &city.member_a,
        Executor => &city.executor,
        Executor2 => &city.executor2,
        LeaderB => &city.leader_b,
        SecretaryB => &city.secretary_b,
    }
}

/// The RPCs of the matrix. Assignments are group A's, issued by A's leader to `executor`, with
/// A's secretary as the controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rpc {
    CreateUser,
    UpdateUser,
    SetOthersPassword,
    SetOwnPassword,
    GrantRole,
    RevokeRole,
    ArchiveUser,
    ListUsers,
    CreateTerritory,
    UpdateTerritory,
    SaveVenue,
    SaveDepartment,
    SaveOrganisation,
    ArchiveTerritory,
    SaveCalendarYear,
    ListDirectory,
    ComputeDeadline,
    CreateGroup,
    UpdateGroupA,
    ListGroups,
    CompositionHistoryA,
    CreateAssignmentInA,
    GetAssignment,
    ListAssignments,
    SubmitReport,
    Accept,
    Return,
    Resume,
    RemoveFromControl,
    RequestExtension,
    DecideExtension,
    CreateSubAssignment,
    Snapshot,
    ListAudit,
}

const RPCS: [Rpc; 34] = [
    Rpc::CreateUser,
    Rpc::UpdateUser,
    Rpc::SetOthersPassword,
    Rpc::SetOwnPassword,
    Rpc::GrantRole,
    Rpc::RevokeRole,
    Rpc::ArchiveUser,
    Rpc::ListUsers,
    Rpc::CreateTerritory,
    Rpc::UpdateTerritory,
    Rpc::SaveVenue,
    Rpc::SaveDepartment,
    Rpc::SaveOrganisation,
    Rpc::ArchiveTerritory,
    Rpc::SaveCalendarYear,
    Rpc::ListDirectory,
    Rpc::ComputeDeadline,
    Rpc::CreateGroup,
    Rpc::UpdateGroupA,
    Rpc::ListGroups,
    Rpc::CompositionHistoryA,
    Rpc::CreateAssignmentInA,
    Rpc::GetAssignment,
    Rpc::ListAssignments,
    Rpc::SubmitReport,
    Rpc::Accept,
    Rpc::Return,
    Rpc::Resume,
    Rpc::RemoveFromControl,
    Rpc::RequestExtension,
    Rpc::DecideExtension,
    Rpc::CreateSubAssignment,
    Rpc::Snapshot,
    Rpc::ListAudit,
];

/// What the policy says: who may, and who may not even see the resource (NotFound). Everyone
/// else gets PermissionDenied.
struct Rule {
    ok: &'static [Who],
    hidden: &'static [Who],
}

const ADMIN_ONLY: Rule = Rule {
    ok: &[Admin],
    hidden: &[],
};
const ANYONE: Rule = Rule {
    ok: &EVERYONE,
    hidden: &[],
};
/// Those who may not read group A's assignment: not all-seeing, not in its leadership, not bound
/// to it.
const BLIND_TO_THE_ASSIGNMENT: &[Who] =
    &[General, Population, MemberA, Executor2, LeaderB, SecretaryB];

fn rule(rpc: Rpc) -> Rule {
    use Rpc as R;
    match rpc {
        R::CreateUser
        | R::UpdateUser
        | R::SetOthersPassword
        | R::GrantRole
        | R::RevokeRole
        | R::ArchiveUser
        | R::CreateTerritory
        | R::UpdateTerritory
        | R::SaveVenue
        | R::SaveDepartment
        | R::SaveOrganisation
        | R::ArchiveTerritory
        | R::SaveCalendarYear
        | R::CreateGroup
        | R::ListAudit => ADMIN_ONLY,
        R::SetOwnPassword
        | R::ListUsers
        | R::ListDirectory
        | R::ComputeDeadline
        | R::ListGroups
        | R::ListAssignments
        | R::Snapshot => ANYONE,
        // 3.5.1: the leader changes the composition (and the administrator).
        R::UpdateGroupA => Rule {
            ok: &[Admin, LeaderA],
            hidden: &[],
        },
        R::CompositionHistoryA => Rule {
            ok: &[
                Admin, Head, Control, General, Population, LeaderA, SecretaryA, MemberA,
            ],
            hidden: &[],
        },
        R::CreateAssignmentInA => Rule {
            ok: &[LeaderA, SecretaryA],
            hidden: &[],
        },
        R::GetAssignment => Rule {
            ok: &[Admin, Head, Control, LeaderA, SecretaryA, Executor],
            hidden: BLIND_TO_THE_ASSIGNMENT,
        },
        R::SubmitReport | R::Resume | R::RequestExtension | R::CreateSubAssignment => Rule {
            ok: &[Executor],
            hidden: BLIND_TO_THE_ASSIGNMENT,
        },
        // The controller (A's secretary) or the issuer (A's leader); never the executor.
        R::Accept | R::Return => Rule {
            ok: &[LeaderA, SecretaryA],
            hidden: BLIND_TO_THE_ASSIGNMENT,
        },
        // Only the issuer; the executor asked, so the executor cannot decide.
        R::RemoveFromControl | R::DecideExtension => Rule {
            ok: &[LeaderA],
            hidden: BLIND_TO_THE_ASSIGNMENT,
        },
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Denied,
    Hidden,
    Other(Code),
}

impl Outcome {
    fn of(answer: &Result<(), Status>) -> Self {
        match answer {
            Ok(()) => Outcome::Allowed,
            Err(s) if s.code() == Code::PermissionDenied => Outcome::Denied,
            Err(s) if s.code() == Code::NotFound => Outcome::Hidden,
            Err(s) => Outcome::Other(s.code()),
        }
    }

    fn expected(rpc: Rpc, who: Who) -> Self {
        let r = rule(rpc);
        if r.ok.contains(&who) {
            Outcome::Allowed
        } else if r.hidden.contains(&who) {
            Outcome::Hidden
        } else {
            Outcome::Denied
        }
    }

    fn cell(self) -> String {
        match self {
            Outcome::Allowed => "ok".into(),
            Outcome::Denied => "PD".into(),
            Outcome::Hidden => "NF".into(),
            Outcome::Other(c) => format!("{c:?}"),
        }
    }
}

/// What a cell acts on, made fresh for every cell so that one cell's success cannot change
/// another's answer.
#[derive(Default)]
struct Target {
    user: Option<pb::User>,
    /// A new group's leader and secretary.
    pair: Vec<pb::User>,
    territory: Option<pb::Territory>,
    assignment: Option<pb::Assignment>,
}

fn fresh_name(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(1);
    format!("{tag}{}", N.fetch_add(1, Ordering::Relaxed))
}

async fn fresh_assignment(city: &City) -> pb::Assignment {
    create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("fixture assignment")
}

async fn prepare(server: &TestServer, city: &City, rpc: Rpc) -> Target {
    use Rpc as R;
    let db = server.db();
    let mut t = Target::default();
    match rpc {
        R::UpdateUser | R::SetOthersPassword | R::GrantRole | R::ArchiveUser => {
            t.user = Some(
                add_user(db, &fresh_name("target"), &[])
                    .await
                    .expect("user"),
            );
        }
        R::RevokeRole => {
            let roles = [global(Role::Executor)];
            t.user = Some(
                add_user(db, &fresh_name("target"), &roles)
                    .await
                    .expect("user"),
            );
        }
        R::CreateGroup => {
            for tag in ["gleader", "gsecretary"] {
                t.pair
                    .push(add_user(db, &fresh_name(tag), &[]).await.expect("user"));
            }
        }
        R::UpdateTerritory | R::ArchiveTerritory => {
            let name = fresh_name("Территория ");
            t.territory = Some(save_territory(&city.admin, &name).await.expect("territory"));
        }
        R::GetAssignment
        | R::SubmitReport
        | R::RemoveFromControl
        | R::RequestExtension
        | R::CreateSubAssignment => t.assignment = Some(fresh_assignment(city).await),
        R::Accept | R::Return => {
            let a = fresh_assignment(city).await;
            let a = transition(&city.executor, &a, T::SubmitReport)
                .await
                .expect("report");
            t.assignment = Some(a);
        }
        R::Resume => {
            let a = fresh_assignment(city).await;
            let a = transition(&city.executor, &a, T::SubmitReport)
                .await
                .expect("report");
            let a = transition(&city.secretary_a, &a, T::Return)
                .await
                .expect("return");
            t.assignment = Some(a);
        }
        R::DecideExtension => {
            let a = fresh_assignment(city).await;
            let a = city
                .executor
                .assignments()
                .request_extension(extension_request(&a))
                .await
                .expect("extension request")
                .into_inner();
            t.assignment = Some(a);
        }
        _ => {}
    }
    t
}

fn deadline(a: &pb::Assignment) -> chrono::NaiveDate {
    a.deadline
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(infogroups_shared::validate::to_naive)
        .expect("the assignment has a deadline")
}

fn extension_request(a: &pb::Assignment) -> pb::RequestExtensionRequest {
    let later = deadline(a).checked_add_days(Days::new(7)).expect("date");
    pb::RequestExtensionRequest {
        assignment_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        new_deadline: Some(api_date(later)),
        reason: "Нужна экспертиза подрядчика".into(),
    }
}

/// Every statutory holiday as a day off: a calendar year the server accepts for any year.
fn calendar_year(year: i32) -> pb::CalendarYear {
    pb::CalendarYear {
        year,
        days_off: infogroups_shared::calendar::STATUTORY_HOLIDAYS
            .iter()
            .filter_map(|(m, d)| {
                Some(fixtures::date(
                    year,
                    i32::try_from(*m).ok()?,
                    i32::try_from(*d).ok()?,
                ))
            })
            .collect(),
        working_weekends: vec![],
        decree: "Постановление № 1 (тест)".into(),
        built_in: false,
    }
}

fn ok<T>(r: Result<tonic::Response<T>, Status>) -> Result<(), Status> {
    r.map(|_| ())
}

async fn call(
    server: &TestServer,
    city: &City,
    who: &Authed,
    rpc: Rpc,
    t: &Target,
) -> Result<(), Status> {
    use Rpc as R;
    let target_user = || t.user.clone().unwrap_or_default();
    let a = || t.assignment.clone().unwrap_or_default();
    let a_id = || id_of(t.assignment.as_ref().and_then(|a| a.meta));
    let a_version = || version_of(t.assignment.as_ref().and_then(|a| a.meta));
    match rpc {
        R::CreateUser => ok(who
            .users()
            .create_user(pb::CreateUserRequest {
                request_id: request_id("create-user"),
                username: fresh_name("newuser"),
                password: TEST_PASSWORD.into(),
                full_name: "Новый сотрудник".into(),
                ..Default::default()
            })
            .await),
        R::UpdateUser => ok(who
            .users()
            .update_user(pb::UpdateUserRequest {
                user_id: id_of(target_user().meta),
                expected_version: version_of(target_user().meta),
                full_name: "Переименованный сотрудник".into(),
                ..Default::default()
            })
            .await),
        R::SetOthersPassword => ok(who
            .users()
            .set_password(pb::SetPasswordRequest {
                user_id: id_of(target_user().meta),
                new_password: "another-password".into(),
                old_password: TEST_PASSWORD.into(),
            })
            .await),
        R::SetOwnPassword => {
            let password = if who.username == "admin" {
                ADMIN_PASSWORD
            } else {
                TEST_PASSWORD
            };
            ok(who
                .users()
                .set_password(pb::SetPasswordRequest {
                    user_id: who.user_id,
                    new_password: password.into(),
                    old_password: password.into(),
                })
                .await)
        }
        R::GrantRole => ok(who
            .users()
            .grant_role(pb::GrantRoleRequest {
                user_id: id_of(target_user().meta),
                expected_version: version_of(target_user().meta),
                grant: Some(global(Role::Executor)),
            })
            .await),
        R::RevokeRole => ok(who
            .users()
            .revoke_role(pb::RevokeRoleRequest {
                user_id: id_of(target_user().meta),
                expected_version: version_of(target_user().meta),
                grant: Some(global(Role::Executor)),
            })
            .await),
        R::ArchiveUser => ok(who
            .users()
            .archive_user(pb::ArchiveUserRequest {
                user_id: id_of(target_user().meta),
                expected_version: version_of(target_user().meta),
            })
            .await),
        R::ListUsers => ok(who
            .users()
            .list_users(pb::ListUsersRequest::default())
            .await),
        R::CreateTerritory => ok(who
            .directory()
            .save_territory(fixtures::territory_request(&fresh_name("Посёлок ")))
            .await),
        R::UpdateTerritory => {
            let mut territory = t.territory.clone().unwrap_or_default();
            territory.known_problems = "освещение".into();
            ok(who
                .directory()
                .save_territory(pb::SaveTerritoryRequest {
                    request_id: String::new(),
                    expected_version: version_of(territory.meta),
                    territory: Some(territory),
                })
                .await)
        }
        R::SaveVenue => ok(who
            .directory()
            .save_venue(pb::SaveVenueRequest {
                request_id: request_id("venue"),
                expected_version: 0,
                venue: Some(pb::Venue {
                    name: fresh_name("Школа № "),
                    address: "ул. Шахтёрская, 1".into(),
                    kind: pb::VenueKind::Education as i32,
                    ..Default::default()
                }),
            })
            .await),
        R::SaveDepartment => ok(who
            .directory()
            .save_department(pb::SaveDepartmentRequest {
                request_id: request_id("department"),
                expected_version: 0,
                department: Some(pb::Department {
                    name: fresh_name("Отдел "),
                    ..Default::default()
                }),
            })
            .await),
        R::SaveOrganisation => ok(who
            .directory()
            .save_organisation(pb::SaveOrganisationRequest {
                request_id: request_id("organisation"),
                expected_version: 0,
                organisation: Some(pb::Organisation {
                    name: fresh_name("ООО "),
                    kind: pb::OrganisationKind::Utility as i32,
                    ..Default::default()
                }),
            })
            .await),
        R::ArchiveTerritory => {
            let territory = t.territory.clone().unwrap_or_default();
            ok(who
                .directory()
                .archive(pb::ArchiveRequest {
                    kind: pb::DirectoryKind::Territory as i32,
                    id: id_of(territory.meta),
                    expected_version: version_of(territory.meta),
                })
                .await)
        }
        R::SaveCalendarYear => ok(who
            .directory()
            .save_calendar_year(calendar_year(2099))
            .await),
        R::ListDirectory => ok(who
            .directory()
            .list_directory(pb::ListDirectoryRequest {
                kind: pb::DirectoryKind::Territory as i32,
                include_archived: false,
            })
            .await),
        R::ComputeDeadline => ok(who
            .directory()
            .compute_deadline(pb::ComputeDeadlineRequest {
                start: Some(fixtures::date(2026, 3, 2)),
                preset: pb::DeadlinePreset::Urgent as i32,
            })
            .await),
        R::CreateGroup => {
            let (leader, secretary) = (&t.pair[0], &t.pair[1]);
            static NUMBER: AtomicU32 = AtomicU32::new(100);
            ok(who
                .groups()
                .create_group(pb::CreateGroupRequest {
                    request_id: request_id("group"),
                    group: Some(pb::Group {
                        number: NUMBER.fetch_add(1, Ordering::Relaxed),
                        name: "Новая группа".into(),
                        leader_id: id_of(leader.meta),
                        secretary_id: id_of(secretary.meta),
                        ..Default::default()
                    }),
                })
                .await)
        }
        R::UpdateGroupA => {
            let mut group: pb::Group = server
                .db()
                .get(city.a())
                .expect("read group A")
                .expect("group A exists");
            let version = version_of(group.meta);
            group.name = fresh_name("Информационная группа № 1, ред. ");
            ok(who
                .groups()
                .update_group(pb::UpdateGroupRequest {
                    expected_version: version,
                    group: Some(group),
                    reason: "уточнено название".into(),
                })
                .await)
        }
        R::ListGroups => ok(who
            .groups()
            .list_groups(pb::ListGroupsRequest::default())
            .await),
        R::CompositionHistoryA => ok(who
            .groups()
            .composition_history(pb::CompositionHistoryRequest { group_id: city.a() })
            .await),
        R::CreateAssignmentInA => ok(who
            .assignments()
            .create_assignment(fixtures::assignment_request(
                city.a(),
                city.executor.user_id,
            ))
            .await),
        R::GetAssignment => ok(who
            .assignments()
            .get_assignment(pb::GetAssignmentRequest {
                assignment_id: a_id(),
            })
            .await),
        R::ListAssignments => ok(who
            .assignments()
            .list_assignments(pb::ListAssignmentsRequest::default())
            .await),
        R::SubmitReport | R::Accept | R::Return | R::Resume | R::RemoveFromControl => {
            let kind = match rpc {
                R::SubmitReport => T::SubmitReport,
                R::Accept => T::Accept,
                R::Return => T::Return,
                R::Resume => T::Resume,
                _ => T::RemoveFromControl,
            };
            ok(who
                .assignments()
                .transition(pb::TransitionRequest {
                    assignment_id: a_id(),
                    expected_version: a_version(),
                    kind: kind as i32,
                    text: "Отчёт: работы выполнены".into(),
                })
                .await)
        }
        R::RequestExtension => ok(who
            .assignments()
            .request_extension(extension_request(&a()))
            .await),
        R::DecideExtension => ok(who
            .assignments()
            .decide_extension(pb::DecideExtensionRequest {
                assignment_id: a_id(),
                expected_version: a_version(),
                grant: true,
                comment: String::new(),
            })
            .await),
        R::CreateSubAssignment => ok(who
            .assignments()
            .create_sub_assignment(pb::CreateSubAssignmentRequest {
                request_id: request_id("sub"),
                parent_id: a_id(),
                text: "Подготовить смету".into(),
                executor_id: city.executor2.user_id,
                deadline: Some(api_date(deadline(&a()))),
            })
            .await),
        R::Snapshot => ok(who.sync().snapshot(pb::SnapshotRequest {}).await),
        R::ListAudit => ok(who
            .audit()
            .list_audit(pb::ListAuditRequest::default())
            .await),
    }
}

struct CellResult {
    rpc: Rpc,
    who: Who,
    want: Outcome,
    got: Outcome,
    /// Events were published although the call was refused.
    wrote_on_refusal: bool,
    detail: String,
}

impl CellResult {
    fn is_right(&self) -> bool {
        self.got == self.want && !self.wrote_on_refusal
    }
}

fn render(results: &[CellResult]) -> String {
    let mut out = String::new();
    let _ = write!(out, "{:<22}", "RPC \\ actor");
    for w in EVERYONE {
        let _ = write!(out, "{:>7}", column(w));
    }
    out.push('\n');
    for rpc in RPCS {
        let _ = write!(out, "{:<22}", format!("{rpc:?}"));
        for w in EVERYONE {
            let cell =
                results
                    .iter()
                    .find(|c| c.rpc == rpc && c.who == w)
                    .map_or("?".to_string(), |c| {
                        if c.is_right() {
                            c.got.cell()
                        } else {
                            format!("✗{}", c.got.cell())
                        }
                    });
            let _ = write!(out, "{cell:>7}");
        }
        out.push('\n');
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rpc_by_every_role_is_allowed_or_refused_as_the_policy_says() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let mut results = Vec::new();
    for rpc in RPCS {
        for who in EVERYONE {
            let target = prepare(&server, &city, rpc).await;
            let before = server.db().published_seq();
            let answer = call(&server, &city, user(&city, who), rpc, &target).await;
            let after = server.db().published_seq();
            let got = Outcome::of(&answer);
            results.push(CellResult {
                rpc,
                who,
                want: Outcome::expected(rpc, who),
                got,
                wrote_on_refusal: got != Outcome::Allowed && after != before,
                detail: answer
                    .err()
                    .map(|s| s.message().to_string())
                    .unwrap_or_default(),
            });
        }
    }
    let wrong: Vec<String> = results
        .iter()
        .filter(|c| !c.is_right())
        .map(|c| {
            format!(
                "{:?} by {:?}: got {}, want {}{} ({})",
                c.rpc,
                c.who,
                c.got.cell(),
                c.want.cell(),
                if c.wrote_on_refusal {
                    ", and the refusal wrote events"
                } else {
                    ""
                },
                c.detail
            )
        })
        .collect();
    let matrix = render(&results);
    println!("{matrix}");
    assert!(
        wrong.is_empty(),
        "the role matrix differs from the policy (ok = allowed, PD = PermissionDenied, NF = NotFound, ✗ = wrong):\n{matrix}\n{}",
        wrong.join("\n")
    );
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn a_secretary_of_group_a_can_do_nothing_to_group_b() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let b_task = create_assignment(&city.leader_b, city.b(), city.executor.user_id)
        .await
        .expect("B's assignment");
    let sec_a = &city.secretary_a;
    let before = server.db().published_seq();
    let mut answers: Vec<(&str, Code)> = Vec::new();
    answers.push((
        "CreateAssignment in B",
        infogroups_tests::code_of(
            &sec_a
                .assignments()
                .create_assignment(fixtures::assignment_request(
                    city.b(),
                    city.executor.user_id,
                ))
                .await,
        ),
    ));
    let mut group_b = city.group_b.clone();
    group_b.name = "Захвачена".into();
    answers.push((
        "UpdateGroup B",
        infogroups_tests::code_of(
            &sec_a
                .groups()
                .update_group(pb::UpdateGroupRequest {
                    expected_version: version_of(group_b.meta),
                    group: Some(group_b),
                    reason: String::new(),
                })
                .await,
        ),
    ));
    answers.push((
        "CompositionHistory B",
        infogroups_tests::code_of(
            &sec_a
                .groups()
                .composition_history(pb::CompositionHistoryRequest { group_id: city.b() })
                .await,
        ),
    ));
    answers.push((
        "GetAssignment of B",
        infogroups_tests::code_of(
            &sec_a
                .assignments()
                .get_assignment(pb::GetAssignmentRequest {
                    assignment_id: id_of(b_task.meta),
                })
                .await,
        ),
    ));
    for kind in [
        T::SubmitReport,
        T::Accept,
        T::Return,
        T::Resume,
        T::RemoveFromControl,
    ] {
        let code = infogroups_tests::code_of(
            &sec_a
                .assignments()
                .transition(pb::TransitionRequest {
                    assignment_id: id_of(b_task.meta),
                    expected_version: version_of(b_task.meta),
                    kind: kind as i32,
                    text: "попытка".into(),
                })
                .await,
        );
        answers.push((kind.as_str_name(), code));
    }
    answers.push((
        "DecideExtension on B",
        infogroups_tests::code_of(
            &sec_a
                .assignments()
                .decide_extension(pb::DecideExtensionRequest {
                    assignment_id: id_of(b_task.meta),
                    expected_version: version_of(b_task.meta),
                    grant: true,
                    comment: String::new(),
                })
                .await,
        ),
    ));
    let refused_all = answers
        .iter()
        .all(|(_, code)| matches!(code, Code::PermissionDenied | Code::NotFound));
    assert!(refused_all, "secretary of A acting on B: {answers:#?}");
    assert_eq!(
        server.db().published_seq(),
        before,
        "the refusals wrote nothing"
    );

    let groups = sec_a
        .groups()
        .list_groups(pb::ListGroupsRequest::default())
        .await
        .expect("ListGroups")
        .into_inner()
        .groups;
    assert_eq!(
        groups.iter().map(|g| id_of(g.meta)).collect::<Vec<_>>(),
        vec![city.a()],
        "A's secretary lists group A only"
    );
    let listed = sec_a
        .assignments()
        .list_assignments(pb::ListAssignmentsRequest::default())
        .await
        .expect("ListAssignments")
        .into_inner()
        .assignments;
    assert!(
        listed.iter().all(|a| a.group_id == city.a()),
        "A's secretary lists none of B's assignments"
    );
    let snapshot = sec_a
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner();
    assert!(snapshot.assignments.iter().all(|a| a.group_id == city.a()));
    assert!(snapshot.groups.iter().all(|g| id_of(g.meta) == city.a()));
    drop(city);
    server.stop().await.expect("stop");
}

/// 3.6.8: the group's secretary controls the execution of the leader's assignments even where
/// someone else is named controller; the leader decides extensions (he sets the deadlines) and
/// hears of each request; nobody accepts their own report and other groups see nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretary_controls_execution_and_the_leader_decides_extensions() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let mut req = fixtures::assignment_request(city.a(), city.executor.user_id);
    req.controller_id = city.member_a.user_id;
    let issue = |req: pb::CreateAssignmentRequest| async {
        city.leader_a
            .assignments()
            .create_assignment(req)
            .await
            .expect("assignment")
            .into_inner()
    };
    let a = issue(req.clone()).await;
    assert_eq!(a.controller_id, city.member_a.user_id);
    let a = transition(&city.executor, &a, T::SubmitReport)
        .await
        .expect("report");
    for (who, code) in [
        (&city.executor, Code::PermissionDenied),
        (&city.secretary_b, Code::NotFound),
        (&city.executor2, Code::NotFound),
    ] {
        let refused = transition(who, &a, T::Return)
            .await
            .expect_err(&who.username);
        let status = refused.downcast_ref::<Status>().map(Status::code);
        assert_eq!(status, Some(code), "{} returns", who.username);
    }
    let a = transition(&city.secretary_a, &a, T::Return)
        .await
        .expect("the secretary, not the named controller, returns it");
    let a = transition(&city.executor, &a, T::SubmitReport)
        .await
        .expect("reported again");
    let a = transition(&city.secretary_a, &a, T::Accept)
        .await
        .expect("the secretary accepts");
    assert_eq!(a.status, pb::AssignmentStatus::DoneOnTime as i32);

    req.request_id = request_id("extension");
    let b = issue(req).await;
    let b = fixtures::ask_for_days(&city.executor, &b, 7)
        .await
        .expect("extension request");
    let told = server
        .db()
        .all::<pb::Notification>()
        .expect("notifications")
        .into_iter()
        .any(|n| {
            n.user_id == city.leader_a.user_id
                && n.kind == pb::NotificationKind::ExtensionRequested as i32
                && n.assignment_id == id_of(b.meta)
        });
    assert!(told, "the leader hears of the request");
    for who in [&city.secretary_a, &city.member_a, &city.executor] {
        let refused = fixtures::grant_extension(who, &b)
            .await
            .expect_err(&who.username);
        assert_eq!(refused.code(), Code::PermissionDenied, "{}", who.username);
    }
    let b = fixtures::grant_extension(&city.leader_a, &b)
        .await
        .expect("the leader decides");
    assert_eq!(
        b.extensions.last().map(|e| e.state),
        Some(pb::ExtensionState::Granted as i32)
    );
}
