//! Field meetings by the regulation (issue 3), end to end through the real gRPC API: the
//! directories, the group's composition, the meeting's whole life with a refusal at every missing
//! step, who may do what at each step, invited participants, live notices and moves, the territory
//! brief, the five-working-day handover on the production calendar, assignments from decisions,
//! the quarterly minimum, calendar files, and one meeting followed through every role's watch
//! stream.
//!
//! Every server runs on a manual clock (`Clock::manual`) set to a city date: meetings are planned
//! ahead of "today" and the clock is moved to the meeting's day to hold it. Sessions are made long
//! enough to survive the clock jumps.

use std::time::Duration;

use chrono::NaiveDate;
use infogroups_server::{Clock, Config};
use infogroups_shared::pb::{self, MeetingStatus as M, QuarterState as Q};
use infogroups_shared::validate::FieldError;
use infogroups_tests::answer::{ok, refused, ru_message};
use infogroups_tests::client::Bearer;
use infogroups_tests::fixtures::{
    advance_clock_to, api_date, city_ms, id_of, request_id, version_of,
};
use infogroups_tests::watch::events_until;
use infogroups_tests::{Authed, City, STEP, TestServer};
use tonic::service::interceptor::InterceptedService;
use tonic::{Code, Response, Status, Streaming};

/// Sessions outlive every clock jump these tests make.
const LONG_SESSIONS: Duration = Duration::from_secs(20 * 366 * 24 * 3600);

/// The territory group A serves in every test.
const TERRITORY: &str = "Микрорайон Соцгород";

/// The education venue every meeting is planned at.
const SCHOOL: &str = "МБОУ СОШ № 3";

/// A calendar date (the tests only write real ones).
fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real date")
}

/// The field an `InvalidArgument` answer names.
fn bad_field(s: &Status) -> String {
    FieldError::from_status(s)
        .map(|f| f.field)
        .unwrap_or_default()
}

/// A meeting's status.
fn status(m: &pb::Meeting) -> M {
    M::try_from(m.status).unwrap_or(M::Unspecified)
}

/// A meeting's date.
fn date_of(m: &pb::Meeting) -> NaiveDate {
    let x = m.date.expect("the meeting has a date");
    d(x.year, x.month as u32, x.day as u32)
}

/// The handover's due date and whether it is predicted.
fn handover_due(m: &pb::Meeting) -> (pb::Date, bool) {
    let due = m
        .handover
        .clone()
        .and_then(|h| h.due)
        .expect("a handover due date");
    (due.date.expect("a due date"), due.predicted)
}

/// The step request for a meeting at the version held.
/// How many notifications `user` has in the store.
fn server_notes(env: &Env, user: u64) -> usize {
    env.server
        .db()
        .all::<pb::Notification>()
        .map_or(0, |all| all.iter().filter(|n| n.user_id == user).count())
}

fn step(m: &pb::Meeting) -> pb::MeetingStepRequest {
    pb::MeetingStepRequest {
        meeting_id: id_of(m.meta),
        expected_version: version_of(m.meta),
    }
}

/// A server on a training clock started at noon of `today` (city time) and moved forward over the
/// API, a city of users, a territory that group A serves and an education venue on it.
struct Env {
    server: TestServer,
    city: City,
    territory: u64,
    venue: u64,
}

impl Env {
    /// Starts with the test defaults.
    async fn start(today: NaiveDate) -> Self {
        Self::start_with(today, |_| {}).await
    }

    /// Starts with `tweak` applied to the configuration after the clock and session settings.
    async fn start_with(today: NaiveDate, tweak: impl FnOnce(&mut Config)) -> Self {
        let server = TestServer::start(|c| {
            c.clock = Clock::training(city_ms(today, 12));
            c.token_ttl = LONG_SESSIONS;
            tweak(c);
        })
        .await
        .expect("server");
        let mut city = City::build(&server).await.expect("city");
        let territory = ok(
            city.admin
                .directory()
                .save_territory(pb::SaveTerritoryRequest {
                    request_id: request_id("territory"),
                    expected_version: 0,
                    territory: Some(pb::Territory {
                        name: TERRITORY.into(),
                        kind: pb::TerritoryKind::Microdistrict as i32,
                        known_problems: "Нет уличного освещения на ул. Шахтёрской".into(),
                        ..Default::default()
                    }),
                })
                .await,
            "SaveTerritory",
        );
        let territory = id_of(territory.meta);
        let venue = save_venue(&city.admin, SCHOOL, pb::VenueKind::Education).await;
        city.group_a = serve(&city.admin, &city.group_a, territory).await;
        Self {
            server,
            city,
            territory,
            venue,
        }
    }

    /// Moves the server's training clock forward to noon of `day` (the administrator's
    /// `AdvanceClock`).
    async fn set_day(&self, day: NaiveDate) {
        advance_clock_to(&self.city.admin, day, 12)
            .await
            .expect("AdvanceClock");
    }

    /// The server's now.
    fn now_ms(&self) -> i64 {
        self.server.clock().now_ms()
    }

    /// `ms` was recorded by the server today, at or before now: the training clock runs, so
    /// the moment itself is not known in advance.
    fn recorded_now(&self, ms: i64) -> bool {
        let now = self.now_ms();
        ms <= now
            && infogroups_shared::city_time::date_at(ms)
                == infogroups_shared::city_time::date_at(now)
    }
}

/// Creates a venue (administrator) and returns its id.
async fn save_venue(admin: &Authed, name: &str, kind: pb::VenueKind) -> u64 {
    let v = ok(
        admin
            .directory()
            .save_venue(pb::SaveVenueRequest {
                request_id: request_id("venue"),
                expected_version: 0,
                venue: Some(pb::Venue {
                    name: name.into(),
                    address: "ул. Харьковская, 10".into(),
                    kind: kind as i32,
                    capacity: 120,
                    contact_person: "Директор Сидорова А. В.".into(),
                    ..Default::default()
                }),
            })
            .await,
        "SaveVenue",
    );
    id_of(v.meta)
}

/// Creates an outside organisation (administrator) and returns its id.
async fn save_organisation(admin: &Authed, name: &str, kind: pb::OrganisationKind) -> u64 {
    let o = ok(
        admin
            .directory()
            .save_organisation(pb::SaveOrganisationRequest {
                request_id: request_id("organisation"),
                expected_version: 0,
                organisation: Some(pb::Organisation {
                    name: name.into(),
                    kind: kind as i32,
                    ..Default::default()
                }),
            })
            .await,
        "SaveOrganisation",
    );
    id_of(o.meta)
}

/// Adds `territory` to the territories `group` serves, as `who`.
async fn serve(who: &Authed, group: &pb::Group, territory: u64) -> pb::Group {
    let mut g = group.clone();
    g.territory_ids.push(territory);
    ok(
        who.groups()
            .update_group(pb::UpdateGroupRequest {
                expected_version: version_of(group.meta),
                group: Some(g),
                reason: "Закреплена территория".into(),
            })
            .await,
        "UpdateGroup (territory)",
    )
}

/// The administrator records that `group` has worked since `day` (before the system knew it).
async fn working_since(admin: &Authed, group: &pb::Group, day: NaiveDate) -> pb::Group {
    ok(
        admin
            .groups()
            .update_group(pb::UpdateGroupRequest {
                expected_version: version_of(group.meta),
                group: Some(pb::Group {
                    formed: Some(api_date(day)),
                    ..group.clone()
                }),
                reason: "Группа работает с этого дня".into(),
            })
            .await,
        "UpdateGroup (formed)",
    )
}

/// The request planning group A's meeting on `on` at 17:00 at the school.
fn plan_request(env: &Env, on: NaiveDate) -> pb::PlanMeetingRequest {
    pb::PlanMeetingRequest {
        request_id: request_id("meeting"),
        group_id: env.city.a(),
        territory_id: env.territory,
        venue_id: env.venue,
        date: Some(api_date(on)),
        time: "17:00".into(),
    }
}

/// Group A's secretary plans a meeting on `on`.
async fn plan(env: &Env, on: NaiveDate) -> pb::Meeting {
    ok(
        env.city
            .secretary_a
            .meetings()
            .plan_meeting(plan_request(env, on))
            .await,
        "PlanMeeting",
    )
}

/// A venue agreement request for `m`.
fn agreement(
    m: &pb::Meeting,
    venue: u64,
    state: pb::AgreementStatus,
    reason: &str,
) -> pb::SetVenueAgreementRequest {
    pb::SetVenueAgreementRequest {
        meeting_id: id_of(m.meta),
        expected_version: version_of(m.meta),
        venue_id: venue,
        agreement: Some(pb::VenueAgreement {
            status: state as i32,
            contact: "Директор Сидорова А. В.".into(),
            // The day it was agreed is optional, and never one still to come.
            date: None,
            other_kind_reason: reason.into(),
        }),
    }
}

/// The secretary gets the venue agreed.
async fn agree(env: &Env, m: &pb::Meeting) -> pb::Meeting {
    ok(
        env.city
            .secretary_a
            .meetings()
            .set_venue_agreement(agreement(m, env.venue, pb::AgreementStatus::Agreed, ""))
            .await,
        "SetVenueAgreement",
    )
}

/// The secretary notifies the members and participants.
async fn notify(env: &Env, m: &pb::Meeting) -> pb::Meeting {
    ok(
        env.city
            .secretary_a
            .meetings()
            .notify_participants(pb::NotifyParticipantsRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
            })
            .await,
        "NotifyParticipants",
    )
}

/// Venue agreed, participants notified, announced — all by the secretary.
async fn announce(env: &Env, m: &pb::Meeting) -> pb::Meeting {
    let m = agree(env, m).await;
    let m = notify(env, &m).await;
    ok(
        env.city
            .secretary_a
            .meetings()
            .announce_meeting(step(&m))
            .await,
        "AnnounceMeeting",
    )
}

/// Moves the clock to the meeting's day and marks it held.
async fn hold(env: &Env, m: &pb::Meeting) -> pb::Meeting {
    env.set_day(date_of(m)).await;
    ok(
        env.city.secretary_a.meetings().mark_held(step(m)).await,
        "MarkHeld",
    )
}

/// A complete protocol of group A's meeting with two questions and `decisions`.
fn protocol(env: &Env, decisions: &[&str]) -> pb::Protocol {
    let c = &env.city;
    pb::Protocol {
        number: "1/2026".into(),
        start_time: "17:00".into(),
        end_time: "18:30".into(),
        residents_attending: 42,
        members_present: vec![
            c.leader_a.user_id,
            c.secretary_a.user_id,
            c.member_a.user_id,
        ],
        information_given: "О ходе ремонта дорог и о графике вывоза ТКО".into(),
        questions: vec![
            pb::RaisedQuestion {
                substance: "Нет уличного освещения на ул. Шахтёрской".into(),
                classifier_code: "0005.0005.0056.1153".into(),
                answer_mode: pb::AnswerMode::OnControl as i32,
                answer: "Взято на контроль".into(),
                appeal_id: 0,
            },
            pb::RaisedQuestion {
                substance: "Перебои с водой по вечерам".into(),
                classifier_code: "0005.0005.0056.1154".into(),
                answer_mode: pb::AnswerMode::Explained as i32,
                answer: "Разъяснён график ремонта водовода".into(),
                appeal_id: 0,
            },
        ],
        decisions: decisions
            .iter()
            .map(|t| pb::Decision {
                text: (*t).into(),
                assignment_ids: vec![],
            })
            .collect(),
        ..Default::default()
    }
}

/// The secretary saves the protocol draft.
async fn draft(env: &Env, m: &pb::Meeting, p: pb::Protocol) -> pb::Meeting {
    ok(
        env.city
            .secretary_a
            .meetings()
            .save_protocol(pb::SaveProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                protocol: Some(p),
            })
            .await,
        "SaveProtocol",
    )
}

/// The secretary sends the protocol for signature.
async fn send(env: &Env, m: &pb::Meeting) -> pb::Meeting {
    ok(
        env.city
            .secretary_a
            .meetings()
            .send_for_signature(step(m))
            .await,
        "SendForSignature",
    )
}

/// The secretary sends the protocol for signature and the leader signs it.
async fn sign(env: &Env, m: &pb::Meeting) -> pb::Meeting {
    let m = send(env, m).await;
    ok(
        env.city.leader_a.meetings().sign_protocol(step(&m)).await,
        "SignProtocol",
    )
}

/// The newest notification `user` has, as stored.
fn last_note(env: &Env, user: u64) -> pb::Notification {
    env.server
        .db()
        .all::<pb::Notification>()
        .ok()
        .and_then(|all| {
            all.into_iter()
                .filter(|n| n.user_id == user)
                .max_by_key(|n| id_of(n.meta))
        })
        .unwrap_or_default()
}

/// Plans a meeting on `on`, announces it, holds it (the clock moves to `on`), keeps and signs a
/// protocol with `decisions`.
async fn signed_meeting(env: &Env, on: NaiveDate, decisions: &[&str]) -> pb::Meeting {
    let m = plan(env, on).await;
    let m = announce(env, &m).await;
    let m = hold(env, &m).await;
    let m = draft(env, &m, protocol(env, decisions)).await;
    sign(env, &m).await
}

/// A publication request.
fn publication(
    m: &pb::Meeting,
    kind: pb::PublicationKind,
    on: NaiveDate,
) -> pb::RecordPublicationRequest {
    pb::RecordPublicationRequest {
        meeting_id: id_of(m.meta),
        expected_version: version_of(m.meta),
        publication: Some(pb::Publication {
            kind: kind as i32,
            place: "Официальный сайт Администрации города".into(),
            date: Some(api_date(on)),
            link: "https://novoshakhtinsk.org/news/1".into(),
            ..Default::default()
        }),
    }
}

/// The publication of `kind` a meeting holds.
fn publication_of(m: &pb::Meeting, kind: pb::PublicationKind) -> pb::Publication {
    m.publications
        .iter()
        .find(|p| p.kind == kind as i32)
        .cloned()
        .expect("the meeting holds the publication")
}

/// A participant request (index 0 adds one).
fn participant(m: &pb::Meeting, p: pb::Participant) -> pb::SaveParticipantRequest {
    pb::SaveParticipantRequest {
        meeting_id: id_of(m.meta),
        expected_version: version_of(m.meta),
        participant: Some(p),
    }
}

/// A participant's state by index.
fn participant_at(m: &pb::Meeting, index: u32) -> pb::Participant {
    m.participants
        .iter()
        .find(|p| p.index == index)
        .cloned()
        .expect("the participant exists")
}

/// Saves a territory as the administrator and returns its id: a write every watcher sees, so
/// reading a stream up to it proves everything committed before it has been delivered.
async fn sentinel(admin: &Authed) -> u64 {
    let t = ok(
        admin
            .directory()
            .save_territory(infogroups_tests::fixtures::territory_request("Отметка"))
            .await,
        "SaveTerritory (sentinel)",
    );
    id_of(t.meta)
}

/// Reads a stream up to the sentinel territory `mark` and returns everything before it.
async fn read_to(stream: &mut Streaming<pb::WatchEvent>, mark: u64) -> Vec<pb::Event> {
    let mut events = events_until(
        stream,
        STEP,
        |ev| matches!(&ev.entity, Some(pb::event::Entity::Territory(t)) if id_of(t.meta) == mark),
    )
    .await
    .expect("the stream reaches the sentinel");
    events.pop();
    events
}

/// The meetings among `events`.
fn meeting_events(events: &[pb::Event]) -> Vec<pb::Meeting> {
    events
        .iter()
        .filter_map(|ev| match &ev.entity {
            Some(pb::event::Entity::Meeting(m)) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

/// The notifications among `events`.
fn notification_events(events: &[pb::Event]) -> Vec<pb::Notification> {
    events
        .iter()
        .filter_map(|ev| match &ev.entity {
            Some(pb::event::Entity::Notification(n)) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// The statuses a stream showed a meeting in, consecutive repeats collapsed.
fn status_progression(events: &[pb::Event], meeting: u64) -> Vec<M> {
    let mut out: Vec<M> = meeting_events(events)
        .iter()
        .filter(|m| id_of(m.meta) == meeting)
        .map(status)
        .collect();
    out.dedup();
    out
}

/// The ids of the entries a directory listing holds, with their archived flag.
fn listed(r: &pb::ListDirectoryResponse) -> Vec<(u64, bool)> {
    let pair = |m: Option<pb::Meta>| (id_of(m), m.is_some_and(|m| m.archived));
    r.territories
        .iter()
        .map(|x| pair(x.meta))
        .chain(r.venues.iter().map(|x| pair(x.meta)))
        .chain(r.departments.iter().map(|x| pair(x.meta)))
        .chain(r.organisations.iter().map(|x| pair(x.meta)))
        .collect()
}

/// The group roles a user holds in `group`, by WhoAmI.
async fn group_roles(user: &Authed, group: u64) -> Vec<pb::Role> {
    let me = ok(user.auth().who_am_i(pb::WhoAmIRequest {}).await, "WhoAmI");
    me.roles
        .iter()
        .filter(|g| g.group_id == group)
        .map(|g| pb::Role::try_from(g.role).unwrap_or(pb::Role::Unspecified))
        .collect()
}

/// The request changing group A's composition to `change(group)`.
fn composition(
    group: &pb::Group,
    reason: &str,
    change: impl FnOnce(&mut pb::Group),
) -> pb::UpdateGroupRequest {
    let mut g = group.clone();
    change(&mut g);
    pb::UpdateGroupRequest {
        expected_version: version_of(group.meta),
        group: Some(g),
        reason: reason.into(),
    }
}

/// The quarterly-minimum cell of `group` and quarter `q`.
fn cell(t: &pb::QuarterlyMinimumResponse, group: u64, q: u32) -> (Q, u32) {
    let c = t
        .cells
        .iter()
        .find(|c| c.group_id == group && c.quarter == q)
        .unwrap_or_else(|| panic!("no cell for group {group}, quarter {q}"));
    (Q::try_from(c.state).unwrap_or(Q::Unspecified), c.held)
}

/// The iCalendar text with folded lines joined back.
fn unfolded(ics: &str) -> String {
    ics.replace("\r\n ", "")
}

// ---------------------------------------------------------------------------------------------
// 1. Directories
// ---------------------------------------------------------------------------------------------

/// One entry of each directory, saved by the administrator (the territory also renamed once):
/// (kind, id, current version).
async fn one_of_each(admin: &Authed) -> [(pb::DirectoryKind, u64, u64); 4] {
    let mut dir = admin.directory();
    let t = ok(
        dir.save_territory(pb::SaveTerritoryRequest {
            request_id: request_id("territory"),
            expected_version: 0,
            territory: Some(pb::Territory {
                name: "Посёлок Соколово-Кундрюченский".into(),
                kind: pb::TerritoryKind::Settlement as i32,
                description: "ул. Шахтёрская, ул. Садовая".into(),
                known_problems: "Перебои в водоснабжении".into(),
                ..Default::default()
            }),
        })
        .await,
        "SaveTerritory",
    );
    let renamed = ok(
        dir.save_territory(pb::SaveTerritoryRequest {
            request_id: String::new(),
            expected_version: version_of(t.meta),
            territory: Some(pb::Territory {
                name: "пос. Соколово-Кундрюченский".into(),
                ..t.clone()
            }),
        })
        .await,
        "SaveTerritory (update)",
    );
    assert_eq!(version_of(renamed.meta), 2, "an update is a new version");
    assert_eq!(renamed.name, "пос. Соколово-Кундрюченский");
    let venue = save_venue(admin, "ДК им. Ленина", pb::VenueKind::Culture).await;
    let dep = ok(
        dir.save_department(pb::SaveDepartmentRequest {
            request_id: request_id("department"),
            expected_version: 0,
            department: Some(pb::Department {
                name: "Управление жилищно-коммунального хозяйства".into(),
                short_name: "УЖКХ".into(),
                ..Default::default()
            }),
        })
        .await,
        "SaveDepartment",
    );
    let org = save_organisation(
        admin,
        "Новошахтинская городская Дума",
        pb::OrganisationKind::Duma,
    )
    .await;
    [
        (pb::DirectoryKind::Territory, id_of(t.meta), 2),
        (pb::DirectoryKind::Venue, venue, 1),
        (
            pb::DirectoryKind::Department,
            id_of(dep.meta),
            version_of(dep.meta),
        ),
        (pb::DirectoryKind::Organisation, org, 1),
    ]
}

/// Lists one directory as `reader`.
async fn list(
    reader: &Authed,
    kind: pb::DirectoryKind,
    include_archived: bool,
) -> Vec<(u64, bool)> {
    let r = ok(
        reader
            .directory()
            .list_directory(pb::ListDirectoryRequest {
                kind: kind as i32,
                include_archived,
            })
            .await,
        "ListDirectory",
    );
    listed(&r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directories_are_edited_by_the_administrator_only_and_read_by_everyone() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let entries = one_of_each(&city.admin).await;

    for who in [
        &city.head,
        &city.control,
        &city.general,
        &city.population,
        &city.leader_a,
        &city.secretary_a,
        &city.member_a,
        &city.executor,
    ] {
        let mut dir = who.directory();
        let t_req = infogroups_tests::fixtures::territory_request("Чужая территория");
        refused(
            dir.save_territory(t_req).await,
            Code::PermissionDenied,
            "administrator",
        );
        let venue = pb::SaveVenueRequest {
            request_id: request_id("venue"),
            expected_version: 0,
            venue: Some(pb::Venue {
                name: "Кафе".into(),
                address: "ул. Ленина, 1".into(),
                kind: pb::VenueKind::Other as i32,
                ..Default::default()
            }),
        };
        refused(
            dir.save_venue(venue).await,
            Code::PermissionDenied,
            "administrator",
        );
        let department = pb::SaveDepartmentRequest {
            request_id: request_id("department"),
            expected_version: 0,
            department: Some(pb::Department {
                name: "Отдел".into(),
                ..Default::default()
            }),
        };
        refused(
            dir.save_department(department).await,
            Code::PermissionDenied,
            "administrator",
        );
        let organisation = pb::SaveOrganisationRequest {
            request_id: request_id("organisation"),
            expected_version: 0,
            organisation: Some(pb::Organisation {
                name: "Прокуратура".into(),
                kind: pb::OrganisationKind::Prosecutor as i32,
                ..Default::default()
            }),
        };
        refused(
            dir.save_organisation(organisation).await,
            Code::PermissionDenied,
            "administrator",
        );
        for (kind, id, version) in entries {
            let archive = pb::ArchiveRequest {
                kind: kind as i32,
                id,
                expected_version: version,
            };
            refused(
                dir.archive(archive).await,
                Code::PermissionDenied,
                "administrator",
            );
        }
    }
    // Everyone signed in reads every directory.
    for (kind, id, _) in entries {
        for who in [&city.member_b, &city.executor, &city.population] {
            assert!(
                list(who, kind, false).await.contains(&(id, false)),
                "{} reads {kind:?}",
                who.username
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archived_directory_entries_are_hidden_from_pickers_but_never_deleted() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let entries = one_of_each(&c.admin).await;
    for (kind, id, version) in entries {
        let archived = ok(
            c.admin
                .directory()
                .archive(pb::ArchiveRequest {
                    kind: kind as i32,
                    id,
                    expected_version: version,
                })
                .await,
            "Archive",
        );
        assert_eq!(
            archived.version,
            version + 1,
            "{kind:?}: archiving is a change"
        );
        assert!(
            !list(&c.secretary_a, kind, false)
                .await
                .iter()
                .any(|(x, _)| *x == id),
            "{kind:?} {id}: an archived entry is hidden from pickers"
        );
        assert!(
            list(&c.secretary_a, kind, true).await.contains(&(id, true)),
            "{kind:?} {id}: the archived entry is kept and marked archived"
        );
    }
    // An archived venue is not offered for a new meeting.
    let venue = entries[1].1;
    let s = refused(
        c.secretary_a
            .meetings()
            .plan_meeting(pb::PlanMeetingRequest {
                venue_id: venue,
                ..plan_request(&env, d(2026, 4, 29))
            })
            .await,
        Code::InvalidArgument,
        "no such venue",
    );
    assert_eq!(bad_field(&s), "venue_id");
}

// ---------------------------------------------------------------------------------------------
// 2. The group's composition
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_leader_or_an_administrator_changes_the_composition_and_the_roles_follow() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let a = c.a();
    let newcomer = c.executor2.user_id;
    let add = |g: &pb::Group| {
        composition(g, "Включён начальник УЖКХ", |g| {
            g.member_ids.push(newcomer)
        })
    };

    for who in [
        &c.secretary_a,
        &c.member_a,
        &c.leader_b,
        &c.general,
        &c.head,
        &c.control,
    ] {
        let s = refused(
            who.groups().update_group(add(&c.group_a)).await,
            Code::PermissionDenied,
            "only the group's leader changes its composition",
        );
        assert!(ru_message(&s).contains("3.5.1"), "{s:?}");
    }
    assert!(group_roles(&c.executor2, a).await.is_empty());

    // The leader adds a member: the role is granted in the same write.
    let g = ok(
        c.leader_a.groups().update_group(add(&c.group_a)).await,
        "UpdateGroup by the leader",
    );
    let added_at = env.now_ms();
    assert!(g.member_ids.contains(&newcomer));
    assert_eq!(group_roles(&c.executor2, a).await, [pb::Role::GroupMember]);
    let visible = ok(
        c.executor2
            .groups()
            .list_groups(pb::ListGroupsRequest::default())
            .await,
        "ListGroups",
    );
    assert!(visible.groups.iter().any(|x| id_of(x.meta) == a));

    // A day later the administrator removes a member: the role is revoked.
    env.set_day(d(2026, 4, 7)).await;
    let member = c.member_a.user_id;
    let g = ok(
        c.admin
            .groups()
            .update_group(composition(
                &g,
                "Выбыл по собственному желанию",
                |g| g.member_ids.retain(|m| *m != member),
            ))
            .await,
        "UpdateGroup by the administrator",
    );
    let removed_at = env.now_ms();
    assert!(!g.member_ids.contains(&member));
    assert!(group_roles(&c.member_a, a).await.is_empty());
    let visible = ok(
        c.member_a
            .groups()
            .list_groups(pb::ListGroupsRequest::default())
            .await,
        "ListGroups",
    );
    assert!(!visible.groups.iter().any(|x| id_of(x.meta) == a));

    // Every change is recorded with who and when.
    let history = ok(
        c.secretary_a
            .groups()
            .composition_history(pb::CompositionHistoryRequest { group_id: a })
            .await,
        "CompositionHistory",
    )
    .changes;
    let by_leader = history
        .iter()
        .find(|h| h.added == [newcomer])
        .expect("the leader's change is recorded");
    assert_eq!(by_leader.changed_by, c.leader_a.user_id);
    assert!(by_leader.at_ms <= added_at && by_leader.at_ms > city_ms(d(2026, 4, 6), 0));
    assert_eq!(by_leader.reason, "Включён начальник УЖКХ");
    let by_admin = history
        .iter()
        .find(|h| h.removed == [member])
        .expect("the administrator's change is recorded");
    assert_eq!(by_admin.changed_by, c.admin.user_id);
    assert!(by_admin.at_ms <= removed_at && by_admin.at_ms > added_at);
    assert!(
        history
            .first()
            .is_some_and(|h| h.new_leader_id == c.leader_a.user_id),
        "the creation is the first entry: {history:?}"
    );
    refused(
        c.member_b
            .groups()
            .composition_history(pb::CompositionHistoryRequest { group_id: a })
            .await,
        Code::PermissionDenied,
        "not in this group",
    );
}

// ---------------------------------------------------------------------------------------------
// 3. The meeting's whole life
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_life_of_a_meeting_refuses_every_step_whose_condition_is_missing() {
    let day = d(2026, 4, 29);
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let sec = || c.secretary_a.meetings();

    refused(
        sec().plan_meeting(plan_request(&env, d(2026, 4, 18))).await,
        Code::InvalidArgument,
        "in the past",
    );
    let mut other_territory = plan_request(&env, day);
    other_territory.territory_id = id_of(
        infogroups_tests::fixtures::save_territory(&c.admin, "Посёлок Радио")
            .await
            .expect("territory")
            .meta,
    );
    let s = refused(
        sec().plan_meeting(other_territory).await,
        Code::InvalidArgument,
        "does not serve",
    );
    assert_eq!(bad_field(&s), "territory_id");

    let m = plan(&env, day).await;
    assert_eq!(status(&m), M::Planned);
    assert_eq!(handover_due(&m), (api_date(d(2026, 5, 7)), false));
    assert_eq!(m.checklist.len(), 5, "the default checklist");
    let announcement = publication_of(&m, pb::PublicationKind::Announcement);
    assert!(!announcement.published);
    for part in ["29.04.2026 в 17:00", SCHOOL, "№ 1", TERRITORY] {
        assert!(
            announcement.draft_text.contains(part),
            "the announcement draft names {part:?}: {}",
            announcement.draft_text
        );
    }

    // Announce needs the venue agreed, then the participants notified.
    let s = refused(
        sec().announce_meeting(step(&m)).await,
        Code::FailedPrecondition,
        "cannot announce: the venue is not agreed",
    );
    assert!(
        ru_message(&s).contains("место проведения не согласовано"),
        "{s:?}"
    );
    refused(
        sec().mark_held(step(&m)).await,
        Code::FailedPrecondition,
        "the meeting was not announced",
    );
    refused(
        sec()
            .save_protocol(pb::SaveProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                protocol: Some(protocol(&env, &[])),
            })
            .await,
        Code::FailedPrecondition,
        "the protocol is kept once the meeting is held",
    );
    let m = agree(&env, &m).await;
    assert_eq!(status(&m), M::VenueAgreed);
    refused(
        sec().announce_meeting(step(&m)).await,
        Code::FailedPrecondition,
        "the participants have not been notified",
    );
    let m = notify(&env, &m).await;
    let m = ok(sec().announce_meeting(step(&m)).await, "AnnounceMeeting");
    assert_eq!(status(&m), M::Announced);

    // Held only on or after the meeting's date.
    refused(
        sec().mark_held(step(&m)).await,
        Code::FailedPrecondition,
        "the meeting's date has not come",
    );
    let m = hold(&env, &m).await;
    assert_eq!(status(&m), M::Held);
    refused(
        sec().mark_held(step(&m)).await,
        Code::FailedPrecondition,
        "already marked held",
    );
    refused(
        c.leader_a.meetings().sign_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "cannot sign: there is no protocol draft",
    );
    refused(
        sec().hand_over_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "the leader has not signed the protocol",
    );

    // A draft without its number cannot be signed.
    let incomplete = pb::Protocol {
        number: String::new(),
        ..protocol(&env, &["Восстановить освещение на ул. Шахтёрской"])
    };
    let m = draft(&env, &m, incomplete).await;
    assert_eq!(status(&m), M::ProtocolDrafted);
    refused(
        sec().send_for_signature(step(&m)).await,
        Code::FailedPrecondition,
        "lacks its number or the attendance",
    );
    refused(
        c.leader_a.meetings().sign_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "has not sent the protocol for signature",
    );
    let mut stranger = protocol(&env, &[]);
    stranger.members_present.push(c.member_b.user_id);
    let s = refused(
        sec()
            .save_protocol(pb::SaveProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                protocol: Some(stranger),
            })
            .await,
        Code::InvalidArgument,
        "not in the group",
    );
    assert_eq!(bad_field(&s), "protocol.members_present");
    let mut backwards = protocol(&env, &[]);
    backwards.start_time = "19:00".into();
    let s = refused(
        sec()
            .save_protocol(pb::SaveProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                protocol: Some(backwards),
            })
            .await,
        Code::InvalidArgument,
        "ends before it starts",
    );
    assert_eq!(bad_field(&s), "protocol.end_time");
    let m = draft(
        &env,
        &m,
        protocol(&env, &["Восстановить освещение на ул. Шахтёрской"]),
    )
    .await;
    refused(
        sec()
            .amend_protocol(pb::AmendProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                text: "Поправка".into(),
            })
            .await,
        Code::FailedPrecondition,
        "edit the draft instead",
    );
    refused(
        c.general
            .meetings()
            .record_publication(publication(&m, pb::PublicationKind::Results, day))
            .await,
        Code::FailedPrecondition,
        "results are published from the signed protocol",
    );

    // The secretary sends it for signature: the leader is told, with the meeting and the
    // protocol's 3.6.9 day. Editing it afterwards takes it back until it is sent again.
    refused(
        c.leader_a.meetings().sign_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "has not sent the protocol for signature",
    );
    let m = send(&env, &m).await;
    assert_eq!(status(&m), M::AwaitingSignature);
    let p = m.protocol.clone().expect("protocol");
    assert_eq!(p.sent_by, c.secretary_a.user_id);
    assert!(env.recorded_now(p.sent_at_ms));
    let note = last_note(&env, c.leader_a.user_id);
    assert_eq!(note.kind, pb::NotificationKind::ProtocolForSignature as i32);
    assert_eq!(note.meeting_id, id_of(m.meta));
    assert!(note.subject.contains("протокол № 1/2026"), "{note:?}");
    assert!(note.deadline.is_some(), "the 3.6.9 day: {note:?}");
    refused(
        sec().send_for_signature(step(&m)).await,
        Code::FailedPrecondition,
        "already with the leader",
    );
    let m = draft(
        &env,
        &m,
        pb::Protocol {
            sent_by: c.secretary_a.user_id,
            sent_at_ms: p.sent_at_ms,
            ..protocol(&env, &["Восстановить освещение на ул. Шахтёрской"])
        },
    )
    .await;
    assert_eq!(
        status(&m),
        M::ProtocolDrafted,
        "edited: back with the secretary"
    );
    assert_eq!(m.protocol.as_ref().map(|p| p.sent_by), Some(0));

    // The leader signs: who and when; the text is frozen; the secretary is told.
    let m = sign(&env, &m).await;
    assert_eq!(status(&m), M::ProtocolSigned);
    let p = m.protocol.clone().expect("protocol");
    assert_eq!(p.signed_by, c.leader_a.user_id);
    assert!(env.recorded_now(p.signed_at_ms));
    let note = last_note(&env, c.secretary_a.user_id);
    assert_eq!(note.kind, pb::NotificationKind::ProtocolSigned as i32);
    assert_eq!(note.meeting_id, id_of(m.meta));
    let results = publication_of(&m, pb::PublicationKind::Results);
    assert!(
        results.draft_text.contains("Присутствовало жителей: 42")
            && results.draft_text.contains("Восстановить освещение"),
        "the results draft comes from the signed protocol: {}",
        results.draft_text
    );
    refused(
        sec()
            .save_protocol(pb::SaveProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                protocol: Some(protocol(&env, &["Другое решение"])),
            })
            .await,
        Code::FailedPrecondition,
        "the protocol is signed: changes are recorded as amendments",
    );
    let m = ok(
        sec()
            .amend_protocol(pb::AmendProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                text: "Уточнён срок по решению 1: до 15.05.2026".into(),
            })
            .await,
        "AmendProtocol",
    );
    let p = m.protocol.clone().expect("protocol");
    assert_eq!(
        p.decisions[0].text,
        "Восстановить освещение на ул. Шахтёрской"
    );
    assert_eq!(p.amendments.len(), 1);
    assert_eq!(p.amendments[0].by_user_id, c.secretary_a.user_id);
    assert!(env.recorded_now(p.amendments[0].at_ms));
    refused(
        c.leader_a.meetings().sign_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "already signed",
    );

    // Handed over to the control sector, which acknowledges receipt once.
    refused(
        c.control.meetings().acknowledge_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "has not been handed over",
    );
    let m = ok(sec().hand_over_protocol(step(&m)).await, "HandOverProtocol");
    assert_eq!(status(&m), M::HandedOver);
    let h = m.handover.clone().expect("handover");
    assert!(env.recorded_now(h.handed_at_ms));
    assert!(!h.late, "handed over on the day of the meeting");
    refused(
        sec().acknowledge_protocol(step(&m)).await,
        Code::PermissionDenied,
        "control sector",
    );

    // The control sector may send it back to the secretary instead, saying why; it is then
    // signed, not handed over, until the secretary hands it over again.
    let back = |m: &pb::Meeting, reason: &str| pb::ReturnProtocolRequest {
        meeting_id: id_of(m.meta),
        expected_version: version_of(m.meta),
        reason: reason.into(),
    };
    let why = "Не приложен список присутствовавших";
    refused(
        sec().return_protocol(back(&m, why)).await,
        Code::PermissionDenied,
        "control sector",
    );
    refused(
        c.control.meetings().return_protocol(back(&m, "  ")).await,
        Code::InvalidArgument,
        "reason",
    );
    let before = server_notes(&env, c.secretary_a.user_id);
    let m = ok(
        c.control.meetings().return_protocol(back(&m, why)).await,
        "ReturnProtocol",
    );
    assert_eq!(status(&m), M::ProtocolSigned);
    let h = m.handover.clone().expect("handover");
    assert_eq!(h.handed_at_ms, 0, "no longer handed over");
    let r = h.returns.last().cloned().unwrap_or_default();
    assert_eq!((r.by_user_id, r.reason.as_str()), (c.control.user_id, why));
    assert!(env.recorded_now(r.at_ms) && r.handed_at_ms != 0);
    assert_eq!(
        server_notes(&env, c.secretary_a.user_id),
        before + 1,
        "the secretary is told"
    );
    let note = last_note(&env, c.secretary_a.user_id);
    assert_eq!(note.kind, pb::NotificationKind::ProtocolReturned as i32);
    assert!(
        note.text_ru.contains(why),
        "the reason is in the notice: {note:?}"
    );
    assert!(
        note.deadline.is_some(),
        "due again by its 3.6.9 day: {note:?}"
    );
    refused(
        c.control.meetings().acknowledge_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "has not been handed over",
    );
    refused(
        c.control.meetings().return_protocol(back(&m, why)).await,
        Code::FailedPrecondition,
        "only a protocol that has been handed over",
    );
    let m = ok(
        sec().hand_over_protocol(step(&m)).await,
        "HandOverProtocol again",
    );
    assert_eq!(status(&m), M::HandedOver);

    let m = ok(
        c.control.meetings().acknowledge_protocol(step(&m)).await,
        "AcknowledgeProtocol",
    );
    for who in [&c.secretary_a, &c.leader_a] {
        let note = last_note(&env, who.user_id);
        assert_eq!(
            note.kind,
            pb::NotificationKind::ProtocolReceived as i32,
            "{}",
            who.username
        );
        assert_eq!(note.deadline, None, "handed over: nothing is due");
    }
    refused(
        c.control.meetings().return_protocol(back(&m, why)).await,
        Code::FailedPrecondition,
        "receipt is acknowledged",
    );
    let h = m.handover.clone().expect("handover");
    assert_eq!(h.acknowledged_by, c.control.user_id);
    assert!(env.recorded_now(h.acknowledged_at_ms));
    refused(
        c.control.meetings().acknowledge_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "already acknowledged",
    );

    // Held meetings are neither cancelled nor moved.
    refused(
        sec()
            .cancel_meeting(pb::CancelMeetingRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                reason: "Ошибка".into(),
            })
            .await,
        Code::FailedPrecondition,
        "cannot be cancelled",
    );
    refused(
        sec()
            .move_meeting(pb::MoveMeetingRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                date: Some(api_date(d(2026, 5, 20))),
                time: "17:00".into(),
                venue_id: 0,
                reason: "Ошибка".into(),
            })
            .await,
        Code::FailedPrecondition,
        "cannot be moved",
    );

    // The general department publishes the results.
    let m = ok(
        c.general
            .meetings()
            .record_publication(publication(&m, pb::PublicationKind::Results, day))
            .await,
        "RecordPublication (results)",
    );
    assert_eq!(status(&m), M::ResultsPublished);
    let results = publication_of(&m, pb::PublicationKind::Results);
    assert!(results.published);
    assert!(results.draft_text.contains("Присутствовало жителей: 42"));
    assert_eq!(results.link, "https://novoshakhtinsk.org/news/1");

    // A stale version is refused, never silently overwritten.
    refused(
        c.general
            .meetings()
            .record_publication(pb::RecordPublicationRequest {
                expected_version: version_of(m.meta) - 1,
                ..publication(&m, pb::PublicationKind::Results, day)
            })
            .await,
        Code::Aborted,
        "changed by someone else",
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Who may do what
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_does_only_its_own_part_of_the_meeting() {
    let today = d(2026, 4, 19);
    let day = d(2026, 4, 29);
    let env = Env::start(today).await;
    let c = &env.city;

    for who in [
        &c.member_a,
        &c.leader_b,
        &c.secretary_b,
        &c.general,
        &c.population,
        &c.control,
        &c.head,
        &c.admin,
        &c.executor,
    ] {
        refused(
            who.meetings().plan_meeting(plan_request(&env, day)).await,
            Code::PermissionDenied,
            "only the group's leader and secretary prepare",
        );
    }
    let by_leader = ok(
        c.leader_a
            .meetings()
            .plan_meeting(plan_request(&env, d(2026, 6, 10)))
            .await,
        "PlanMeeting by the leader",
    );
    assert_eq!(status(&by_leader), M::Planned);
    let m = plan(&env, day).await;

    // The population-relations department records informing residents, and nothing else.
    let informing = pb::RecordInformingRequest {
        meeting_id: id_of(m.meta),
        expected_version: version_of(m.meta),
        informing: Some(pb::InformingTask {
            method: "Объявления на подъездах, обход домов по ул. Шахтёрской".into(),
            date: Some(api_date(today)),
            ..Default::default()
        }),
    };
    refused(
        c.secretary_a
            .meetings()
            .record_informing(informing.clone())
            .await,
        Code::PermissionDenied,
        "population-relations department",
    );
    let m = ok(
        c.population.meetings().record_informing(informing).await,
        "RecordInforming",
    );
    let inf = m.informing.clone().expect("informing");
    assert!(inf.done);
    assert_eq!(inf.recorded_by, c.population.user_id);
    let pop = || c.population.meetings();
    refused(
        pop()
            .save_checklist(pb::SaveChecklistRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                items: vec![],
            })
            .await,
        Code::PermissionDenied,
        "",
    );
    refused(
        pop()
            .notify_participants(pb::NotifyParticipantsRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
            })
            .await,
        Code::PermissionDenied,
        "",
    );
    refused(
        pop()
            .set_venue_agreement(agreement(&m, env.venue, pb::AgreementStatus::Agreed, ""))
            .await,
        Code::PermissionDenied,
        "",
    );
    refused(
        pop()
            .record_publication(publication(&m, pb::PublicationKind::Announcement, today))
            .await,
        Code::PermissionDenied,
        "general department",
    );
    refused(
        pop()
            .draft_brief(pb::DraftBriefRequest {
                meeting_id: id_of(m.meta),
            })
            .await,
        Code::PermissionDenied,
        "",
    );

    // The secretary keeps the checklist.
    let mut items = m.checklist.clone();
    items[0].done = true;
    items[0].responsible = "Завхоз школы".into();
    let m = ok(
        c.secretary_a
            .meetings()
            .save_checklist(pb::SaveChecklistRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                items,
            })
            .await,
        "SaveChecklist",
    );
    assert!(m.checklist[0].done);

    // The general department publishes the announcement (once the venue is agreed) and invites
    // the media; it does not invite other participants or keep the checklist.
    refused(
        c.general
            .meetings()
            .record_publication(publication(&m, pb::PublicationKind::Announcement, today))
            .await,
        Code::FailedPrecondition,
        "once the venue is agreed",
    );
    let m = agree(&env, &m).await;
    let m = ok(
        c.general
            .meetings()
            .record_publication(publication(&m, pb::PublicationKind::Announcement, today))
            .await,
        "RecordPublication (announcement)",
    );
    let ann = publication_of(&m, pb::PublicationKind::Announcement);
    assert!(ann.published && ann.draft_text.contains(SCHOOL), "{ann:?}");
    assert_eq!(ann.date, Some(api_date(today)));
    let media = save_organisation(
        &c.admin,
        "Газета «Знамя шахтёра»",
        pb::OrganisationKind::Media,
    )
    .await;
    let m = ok(
        c.general
            .meetings()
            .save_participant(participant(
                &m,
                pb::Participant {
                    organisation_id: media,
                    position: "корреспондент".into(),
                    status: pb::ParticipantStatus::Invited as i32,
                    media: true,
                    ..Default::default()
                },
            ))
            .await,
        "SaveParticipant (media) by the general department",
    );
    assert!(
        m.participants
            .iter()
            .any(|p| p.media && p.organisation_id == media)
    );
    refused(
        c.general
            .meetings()
            .save_participant(participant(
                &m,
                pb::Participant {
                    name: "Иванов И. И.".into(),
                    status: pb::ParticipantStatus::Invited as i32,
                    ..Default::default()
                },
            ))
            .await,
        Code::PermissionDenied,
        "",
    );
    refused(
        c.general
            .meetings()
            .save_checklist(pb::SaveChecklistRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                items: vec![],
            })
            .await,
        Code::PermissionDenied,
        "",
    );

    // Only the group's leader signs.
    let m = notify(&env, &m).await;
    let m = ok(
        c.secretary_a.meetings().announce_meeting(step(&m)).await,
        "AnnounceMeeting",
    );
    let m = hold(&env, &m).await;
    let m = draft(&env, &m, protocol(&env, &["Решение"])).await;
    for who in [&c.member_a, &c.control, &c.general] {
        refused(
            who.meetings().send_for_signature(step(&m)).await,
            Code::PermissionDenied,
            "",
        );
    }
    refused(
        c.secretary_b.meetings().send_for_signature(step(&m)).await,
        Code::NotFound,
        "not found",
    );
    let m = send(&env, &m).await;
    let s = refused(
        c.secretary_a.meetings().sign_protocol(step(&m)).await,
        Code::PermissionDenied,
        "only the group's leader signs the protocol",
    );
    assert!(ru_message(&s).contains("3.5.7"), "{s:?}");
    for who in [
        &c.population,
        &c.general,
        &c.control,
        &c.head,
        &c.admin,
        &c.member_a,
    ] {
        refused(
            who.meetings().sign_protocol(step(&m)).await,
            Code::PermissionDenied,
            "leader",
        );
    }
    refused(
        c.leader_b.meetings().sign_protocol(step(&m)).await,
        Code::NotFound,
        "not found",
    );
    let m = ok(
        c.leader_a.meetings().sign_protocol(step(&m)).await,
        "SignProtocol",
    );
    refused(
        c.member_a.meetings().hand_over_protocol(step(&m)).await,
        Code::PermissionDenied,
        "",
    );
    refused(
        c.general.meetings().acknowledge_protocol(step(&m)).await,
        Code::PermissionDenied,
        "control sector",
    );

    // Group B sees nothing of group A's meeting; the departments and the head see it.
    let id = id_of(m.meta);
    for who in [&c.member_b, &c.secretary_b, &c.leader_b, &c.executor] {
        refused(
            who.meetings()
                .get_meeting(pb::GetMeetingRequest { meeting_id: id })
                .await,
            Code::NotFound,
            "not found",
        );
        refused(
            who.meetings()
                .calendar_file(pb::CalendarFileRequest {
                    meeting_id: id,
                    group_id: 0,
                })
                .await,
            Code::NotFound,
            "not found",
        );
        for group_id in [0, c.a()] {
            let list = ok(
                who.meetings()
                    .list_meetings(pb::ListMeetingsRequest {
                        group_id,
                        ..Default::default()
                    })
                    .await,
                "ListMeetings",
            );
            assert!(list.meetings.is_empty(), "{}: {list:?}", who.username);
        }
    }
    for who in [
        &c.general,
        &c.population,
        &c.control,
        &c.head,
        &c.member_a,
        &c.leader_a,
    ] {
        let list = ok(
            who.meetings()
                .list_meetings(pb::ListMeetingsRequest::default())
                .await,
            "ListMeetings",
        );
        assert!(
            list.meetings.iter().any(|x| id_of(x.meta) == id),
            "{} sees group A's meeting",
            who.username
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 5. The venue's kind (3.2)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_venue_outside_education_and_culture_needs_a_reason() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let cafe = save_venue(&c.admin, "Кафе «Шахтёр»", pb::VenueKind::Other).await;
    let club = save_venue(&c.admin, "ДК им. Ленина", pb::VenueKind::Culture).await;
    let sec = || c.secretary_a.meetings();
    let m = plan(&env, d(2026, 4, 29)).await;

    for state in [pb::AgreementStatus::Requested, pb::AgreementStatus::Agreed] {
        let s = refused(
            sec()
                .set_venue_agreement(agreement(&m, cafe, state, "  "))
                .await,
            Code::InvalidArgument,
            "education and culture",
        );
        assert_eq!(bad_field(&s), "agreement.other_kind_reason");
        assert!(ru_message(&s).contains("п. 3.2"), "{s:?}");
    }
    let reason = "Здание школы на капитальном ремонте";
    let m = ok(
        sec()
            .set_venue_agreement(agreement(&m, cafe, pb::AgreementStatus::Requested, reason))
            .await,
        "SetVenueAgreement (requested)",
    );
    assert_eq!((status(&m), m.venue_id), (M::Planned, cafe));
    // Agreed or refused says by whom; a request without a name is fine.
    for state in [pb::AgreementStatus::Agreed, pb::AgreementStatus::Refused] {
        let mut nameless = agreement(&m, cafe, state, reason);
        if let Some(a) = nameless.agreement.as_mut() {
            a.contact = "  ".into();
        }
        let s = refused(
            sec().set_venue_agreement(nameless).await,
            Code::InvalidArgument,
            "who answered at the venue",
        );
        assert_eq!(bad_field(&s), "agreement.contact");
    }
    let m = ok(
        sec()
            .set_venue_agreement(agreement(&m, cafe, pb::AgreementStatus::Agreed, reason))
            .await,
        "SetVenueAgreement (agreed, with a reason)",
    );
    assert_eq!(status(&m), M::VenueAgreed);
    assert_eq!(
        m.venue_agreement
            .as_ref()
            .map(|a| a.other_kind_reason.as_str()),
        Some(reason)
    );
    // A refusal sends the meeting back to planned; a culture venue needs no reason.
    let m = ok(
        sec()
            .set_venue_agreement(agreement(&m, club, pb::AgreementStatus::Refused, ""))
            .await,
        "SetVenueAgreement (refused)",
    );
    assert_eq!(status(&m), M::Planned);
    let m = ok(
        sec()
            .set_venue_agreement(agreement(&m, club, pb::AgreementStatus::Agreed, ""))
            .await,
        "SetVenueAgreement (culture)",
    );
    assert_eq!((status(&m), m.venue_id), (M::VenueAgreed, club));
}

// ---------------------------------------------------------------------------------------------
// 6. Invited participants (3.5.4)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invited_participants_are_confirmed_or_decline_and_attend_only_after_the_meeting() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let duma = save_organisation(&c.admin, "Городская Дума", pb::OrganisationKind::Duma).await;
    let prosecutor = save_organisation(
        &c.admin,
        "Прокуратура города",
        pb::OrganisationKind::Prosecutor,
    )
    .await;
    let leader = || c.leader_a.meetings();
    let invite = |org: u64, position: &str, name: &str| pb::Participant {
        organisation_id: org,
        position: position.into(),
        name: name.into(),
        status: pb::ParticipantStatus::Invited as i32,
        ..Default::default()
    };
    let m = plan(&env, d(2026, 4, 29)).await;
    let m = ok(
        leader()
            .save_participant(participant(
                &m,
                invite(duma, "депутат", "Петров Пётр Петрович"),
            ))
            .await,
        "SaveParticipant",
    );
    let m = ok(
        leader()
            .save_participant(participant(
                &m,
                invite(prosecutor, "помощник прокурора", ""),
            ))
            .await,
        "SaveParticipant",
    );
    assert_eq!(
        m.participants.iter().map(|p| p.index).collect::<Vec<_>>(),
        [1, 2]
    );
    let set = |m: &pb::Meeting, index: u32, state: pb::ParticipantStatus| {
        let p = pb::Participant {
            status: state as i32,
            ..participant_at(m, index)
        };
        participant(m, p)
    };
    let m = ok(
        leader()
            .save_participant(set(&m, 1, pb::ParticipantStatus::Confirmed))
            .await,
        "confirm",
    );
    let m = ok(
        leader()
            .save_participant(set(&m, 2, pb::ParticipantStatus::Declined))
            .await,
        "decline",
    );
    refused(
        leader()
            .save_participant(set(&m, 1, pb::ParticipantStatus::Attended))
            .await,
        Code::FailedPrecondition,
        "attendance is marked after the meeting",
    );
    let mut ghost = participant_at(&m, 1);
    ghost.index = 9;
    let s = refused(
        leader().save_participant(participant(&m, ghost)).await,
        Code::InvalidArgument,
        "no such participant",
    );
    assert_eq!(bad_field(&s), "participant.index");
    let s = refused(
        leader()
            .save_participant(participant(&m, invite(999_999, "x", "")))
            .await,
        Code::InvalidArgument,
        "no such organisation",
    );
    assert_eq!(bad_field(&s), "participant.organisation_id");
    let s = refused(
        leader()
            .save_participant(participant(&m, invite(0, "житель", " ")))
            .await,
        Code::InvalidArgument,
        "organisation or a name",
    );
    assert_eq!(bad_field(&s), "participant.name");

    // Notices go to the confirmed participant, not to the one who declined.
    let m = announce(&env, &m).await;
    assert!(env.recorded_now(participant_at(&m, 1).notified_at_ms));
    assert_eq!(participant_at(&m, 2).notified_at_ms, 0);
    assert!(
        m.notifications
            .iter()
            .any(|n| n.user_id == 0 && n.participant_index == 1)
    );
    assert!(
        !m.notifications
            .iter()
            .any(|n| n.user_id == 0 && n.participant_index == 2)
    );
    let ann = publication_of(&m, pb::PublicationKind::Announcement);
    assert!(
        ann.draft_text
            .contains("Городская Дума — депутат Петров Пётр Петрович"),
        "the announcement lists the participants: {}",
        ann.draft_text
    );

    // After the meeting the confirmed one is marked attended and is in the protocol.
    let m = hold(&env, &m).await;
    let notified = participant_at(&m, 1).notified_at_ms;
    let m = ok(
        leader()
            .save_participant(set(&m, 1, pb::ParticipantStatus::Attended))
            .await,
        "attended",
    );
    let p = participant_at(&m, 1);
    assert_eq!(p.status, pb::ParticipantStatus::Attended as i32);
    assert_eq!(p.notified_at_ms, notified, "the notice record is kept");
    let s = refused(
        c.secretary_a
            .meetings()
            .save_protocol(pb::SaveProtocolRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                protocol: Some(pb::Protocol {
                    participants_present: vec![7],
                    ..protocol(&env, &[])
                }),
            })
            .await,
        Code::InvalidArgument,
        "no invited participant 7",
    );
    assert_eq!(bad_field(&s), "protocol.participants_present");
    let m = draft(
        &env,
        &m,
        pb::Protocol {
            participants_present: vec![1],
            ..protocol(&env, &[])
        },
    )
    .await;
    assert_eq!(m.protocol.expect("protocol").participants_present, [1]);
}

// ---------------------------------------------------------------------------------------------
// 7. Notices, moves and cancellation (3.6.3)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_reach_the_members_live_and_a_move_notifies_everyone_again() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let since = c.admin.published_seq().await.expect("seq");
    let people = [&c.leader_a, &c.secretary_a, &c.member_a];
    let mut streams = Vec::new();
    for who in people {
        streams.push(who.watch(since).await.expect("watch"));
    }
    let mut outsider = c.member_b.watch(since).await.expect("watch");

    let m = plan(&env, d(2026, 4, 29)).await;
    let id = id_of(m.meta);
    let m = agree(&env, &m).await;
    let m = ok(
        c.secretary_a
            .meetings()
            .save_participant(participant(
                &m,
                pb::Participant {
                    name: "Начальник ОМВД Смирнов С. С.".into(),
                    status: pb::ParticipantStatus::Invited as i32,
                    ..Default::default()
                },
            ))
            .await,
        "SaveParticipant",
    );
    let m = notify(&env, &m).await;
    let first: Vec<_> = m.notifications.clone();
    assert_eq!(
        first.len(),
        4,
        "three group people and one participant: {first:?}"
    );
    for who in people {
        assert!(
            first.iter().any(|n| n.user_id == who.user_id
                && n.reason == "оповещение"
                && env.recorded_now(n.at_ms)),
            "{} is recorded as notified",
            who.username
        );
    }

    // Each member's screen receives the notice live.
    for (who, stream) in people.iter().zip(streams.iter_mut()) {
        let evs = events_until(stream, STEP, |ev| {
            matches!(&ev.entity, Some(pb::event::Entity::Notification(n)) if n.meeting_id == id)
        })
        .await
        .unwrap_or_else(|e| panic!("{} receives the notice: {e}", who.username));
        let n = notification_events(&evs).pop().expect("a notification");
        assert_eq!(n.user_id, who.user_id);
        assert_eq!(n.kind, pb::NotificationKind::Meeting as i32);
        assert!(
            n.text_ru.contains("29.04.2026 17:00") && n.text_ru.contains(SCHOOL),
            "{}",
            n.text_ru
        );
    }

    let m = ok(
        c.secretary_a.meetings().announce_meeting(step(&m)).await,
        "AnnounceMeeting",
    );
    assert_eq!(handover_due(&m).0, api_date(d(2026, 5, 7)));
    let move_to =
        |m: &pb::Meeting, on: NaiveDate, venue: u64, reason: &str| pb::MoveMeetingRequest {
            meeting_id: id_of(m.meta),
            expected_version: version_of(m.meta),
            date: Some(api_date(on)),
            time: "18:00".into(),
            venue_id: venue,
            reason: reason.into(),
        };
    let s = refused(
        c.secretary_a
            .meetings()
            .move_meeting(move_to(&m, d(2026, 5, 6), 0, ""))
            .await,
        Code::InvalidArgument,
        "",
    );
    assert_eq!(bad_field(&s), "reason");
    let s = refused(
        c.secretary_a
            .meetings()
            .move_meeting(move_to(&m, d(2026, 4, 10), 0, "Перенос"))
            .await,
        Code::InvalidArgument,
        "in the past",
    );
    assert_eq!(bad_field(&s), "date");
    refused(
        c.member_a
            .meetings()
            .move_meeting(move_to(&m, d(2026, 5, 6), 0, "Перенос"))
            .await,
        Code::PermissionDenied,
        "",
    );

    // Moving re-notifies everyone already notified and recomputes the handover due date.
    let m = ok(
        c.secretary_a
            .meetings()
            .move_meeting(move_to(&m, d(2026, 5, 6), 0, "Совпадает с субботником"))
            .await,
        "MoveMeeting",
    );
    assert_eq!((status(&m), m.moves), (M::Announced, 1));
    assert_eq!(m.status_reason, "Совпадает с субботником");
    assert_eq!((date_of(&m), m.time.as_str()), (d(2026, 5, 6), "18:00"));
    assert_eq!(handover_due(&m), (api_date(d(2026, 5, 14)), false));
    let again: Vec<_> = m
        .notifications
        .iter()
        .filter(|n| n.reason == "перенос")
        .collect();
    assert_eq!(
        again.len(),
        first.len(),
        "everyone notified before is notified again"
    );
    for n in &first {
        assert!(
            again
                .iter()
                .any(|x| x.user_id == n.user_id && x.participant_index == n.participant_index),
            "{n:?} is notified of the move"
        );
    }
    for (who, stream) in people.iter().zip(streams.iter_mut()) {
        let evs = events_until(stream, STEP, |ev| {
            matches!(&ev.entity, Some(pb::event::Entity::Notification(n)) if n.meeting_id == id)
        })
        .await
        .unwrap_or_else(|e| panic!("{} receives the move notice: {e}", who.username));
        let n = notification_events(&evs).pop().expect("a notification");
        assert!(
            n.text_ru.contains("перенос") && n.text_ru.contains("06.05.2026 18:00"),
            "{}",
            n.text_ru
        );
    }

    // The venue cannot change behind the notified people's backs; a move with a new venue
    // needs a new agreement.
    let club = save_venue(&c.admin, "ДК им. Ленина", pb::VenueKind::Culture).await;
    refused(
        c.secretary_a
            .meetings()
            .set_venue_agreement(agreement(&m, club, pb::AgreementStatus::Agreed, ""))
            .await,
        Code::FailedPrecondition,
        "change the venue by moving the meeting",
    );
    let m = ok(
        c.secretary_a
            .meetings()
            .move_meeting(move_to(
                &m,
                d(2026, 5, 6),
                club,
                "Школа закрыта на карантин",
            ))
            .await,
        "MoveMeeting (venue)",
    );
    assert_eq!((status(&m), m.venue_id, m.moves), (M::Planned, club, 2));
    assert!(m.venue_agreement.is_none());
    refused(
        c.secretary_a.meetings().announce_meeting(step(&m)).await,
        Code::FailedPrecondition,
        "the venue is not agreed",
    );

    // A cancellation is told to everyone too, and closes the meeting.
    let m = ok(
        c.secretary_a
            .meetings()
            .cancel_meeting(pb::CancelMeetingRequest {
                meeting_id: id,
                expected_version: version_of(m.meta),
                reason: "Режим ЧС".into(),
            })
            .await,
        "CancelMeeting",
    );
    assert_eq!(status(&m), M::Cancelled);
    assert_eq!(
        m.notifications
            .iter()
            .filter(|n| n.reason == "отмена")
            .count(),
        first.len()
    );
    refused(
        notify_step(&c.secretary_a, &m).await,
        Code::FailedPrecondition,
        "the meeting is cancelled",
    );

    // Group B's member received nothing of it.
    let mark = sentinel(&c.admin).await;
    let evs = read_to(&mut outsider, mark).await;
    assert!(meeting_events(&evs).is_empty(), "{evs:?}");
    assert!(notification_events(&evs).is_empty(), "{evs:?}");
}

/// NotifyParticipants as `who`, returning the raw answer.
async fn notify_step(who: &Authed, m: &pb::Meeting) -> Result<Response<pb::Meeting>, Status> {
    who.meetings()
        .notify_participants(pb::NotifyParticipantsRequest {
            meeting_id: id_of(m.meta),
            expected_version: version_of(m.meta),
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// 8. The territory brief (3.6.1)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brief_is_drafted_from_what_the_system_holds_and_attached() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let later = plan(&env, d(2026, 4, 27)).await;
    let decision = "Восстановить освещение на ул. Шахтёрской";
    let earlier = signed_meeting(&env, d(2026, 4, 7), &[decision]).await;

    // An assignment from the earlier decision, on the territory.
    let a = ok(
        c.leader_a
            .assignments()
            .create_assignment(pb::CreateAssignmentRequest {
                territory_id: env.territory,
                basis: Some(pb::Basis {
                    kind: pb::BasisKind::ProtocolDecision as i32,
                    meeting_id: id_of(earlier.meta),
                    decision_index: 0,
                    ..Default::default()
                }),
                ..infogroups_tests::fixtures::assignment_request(c.a(), c.executor.user_id)
            })
            .await,
        "CreateAssignment",
    );
    // An appeal of the territory under consideration.
    let appeal = infogroups_shared::pb::appeal_service_client::AppealServiceClient::new(
        InterceptedService::new(
            c.general.channel().clone(),
            Bearer::new(&c.general.token).expect("token"),
        ),
    )
    .register_appeal(pb::RegisterAppealRequest {
        request_id: request_id("appeal"),
        appeal: Some(pb::Appeal {
            received: Some(api_date(d(2026, 4, 7))),
            channel: pb::Channel::Post as i32,
            kind: pb::AppealKind::Complaint as i32,
            territory_id: env.territory,
            group_id: c.a(),
            questions: vec![pb::AppealQuestion {
                classifier_code: "0005.0005.0056.1161".into(),
                r#type: pb::QuestionType::Complaint as i32,
                ..Default::default()
            }],
            citizen: Some(pb::Citizen {
                surname: "Кузнецова".into(),
                first_name: "Мария".into(),
                postal_address: "ул. Шахтёрская, д. 3".into(),
                ..Default::default()
            }),
            text: "Свалка у дома".into(),
            ..Default::default()
        }),
        repeated_confirmed: false,
    })
    .await;
    ok(appeal, "RegisterAppeal");

    refused(
        c.member_a
            .meetings()
            .draft_brief(pb::DraftBriefRequest {
                meeting_id: id_of(later.meta),
            })
            .await,
        Code::PermissionDenied,
        "",
    );
    refused(
        c.member_b
            .meetings()
            .draft_brief(pb::DraftBriefRequest {
                meeting_id: id_of(later.meta),
            })
            .await,
        Code::NotFound,
        "",
    );
    let brief = ok(
        c.secretary_a
            .meetings()
            .draft_brief(pb::DraftBriefRequest {
                meeting_id: id_of(later.meta),
            })
            .await,
        "DraftBrief",
    );
    assert_eq!(brief.open_appeals, 1);
    assert!(brief.open_assignments >= 1, "{brief:?}");
    for code in [
        "0005.0005.0056.1161",
        "0005.0005.0056.1153",
        "0005.0005.0056.1154",
    ] {
        assert!(
            brief
                .top_topics
                .iter()
                .any(|t| t.code == code && t.count == 1),
            "{code} is among the topics raised: {:?}",
            brief.top_topics
        );
    }
    for part in [
        TERRITORY,
        "Нет уличного освещения на ул. Шахтёрской",
        "Обращений на рассмотрении: 1",
        "07.04.2026: Восстановить освещение на ул. Шахтёрской (исполнено поручений 0 из 1)",
    ] {
        assert!(
            brief.text.contains(part),
            "the brief says {part:?}:\n{}",
            brief.text
        );
    }
    let linked = ok(
        c.secretary_a
            .meetings()
            .get_meeting(pb::GetMeetingRequest {
                meeting_id: id_of(earlier.meta),
            })
            .await,
        "GetMeeting",
    );
    assert_eq!(
        linked.protocol.expect("protocol").decisions[0].assignment_ids,
        [id_of(a.meta)]
    );

    // The secretary edits the draft and attaches it.
    let later = ok(
        c.secretary_a
            .meetings()
            .get_meeting(pb::GetMeetingRequest {
                meeting_id: id_of(later.meta),
            })
            .await,
        "GetMeeting",
    );
    let edited = format!(
        "{}\nДополнение секретаря: жалобы на свалку у дома 3.",
        brief.text
    );
    let s = refused(
        c.secretary_a
            .meetings()
            .save_brief(pb::SaveBriefRequest {
                meeting_id: id_of(later.meta),
                expected_version: version_of(later.meta),
                brief: Some(pb::Brief {
                    text: " ".into(),
                    ..brief.clone()
                }),
            })
            .await,
        Code::InvalidArgument,
        "",
    );
    assert_eq!(bad_field(&s), "brief.text");
    let later = ok(
        c.secretary_a
            .meetings()
            .save_brief(pb::SaveBriefRequest {
                meeting_id: id_of(later.meta),
                expected_version: version_of(later.meta),
                brief: Some(pb::Brief {
                    text: edited.clone(),
                    ..brief.clone()
                }),
            })
            .await,
        "SaveBrief",
    );
    let saved = later.brief.expect("the brief is attached");
    assert_eq!(saved.text, edited);
    assert!(env.recorded_now(saved.saved_at_ms));
    assert_eq!(saved.open_appeals, 1);
}

// ---------------------------------------------------------------------------------------------
// 9. The handover on the production calendar (3.6.9)
// ---------------------------------------------------------------------------------------------

/// A date as (year, month, day).
type Ymd = (i32, u32, u32);

/// Meeting dates and the fifth working day after them (domain-facts §3, and by hand): meeting
/// date, handover due date, whether the due date is predicted.
const HANDOVER_DATES: [(Ymd, Ymd, bool); 8] = [
    // 28–31 Oct, then the working Saturday 01.11.2025.
    ((2025, 10, 27), (2025, 11, 1), false),
    // 29–31 Oct, Sat 01.11 works, 2–4 Nov are off, then 05.11.
    ((2025, 10, 28), (2025, 11, 5), false),
    // 29, 30 Dec; 31.12.2025 and 1–11 Jan off; 12, 13, 14 Jan.
    ((2025, 12, 26), (2026, 1, 14), false),
    ((2026, 4, 29), (2026, 5, 7), false),
    ((2026, 5, 6), (2026, 5, 14), false),
    ((2026, 12, 28), (2027, 1, 13), false),
    // 12 June 2026 (Friday) is a holiday: 11, 15, 16, 17, 18.
    ((2026, 6, 10), (2026, 6, 18), false),
    // Crossing into 2028, a year with no official data: predicted.
    ((2027, 12, 28), (2028, 1, 12), true),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handover_is_due_on_the_fifth_working_day_by_the_production_calendar() {
    let env = Env::start(d(2025, 10, 20)).await;
    let c = &env.city;
    for ((y, m, dd), (dy, dm, ddd), predicted) in HANDOVER_DATES {
        let meeting = plan(&env, d(y, m, dd)).await;
        assert_eq!(
            handover_due(&meeting),
            (api_date(d(dy, dm, ddd)), predicted),
            "a meeting on {dd:02}.{m:02}.{y}"
        );
        let computed = ok(
            c.secretary_a
                .directory()
                .compute_deadline(pb::ComputeDeadlineRequest {
                    start: Some(api_date(d(y, m, dd))),
                    preset: pb::DeadlinePreset::FiveWorkingDays as i32,
                })
                .await,
            "ComputeDeadline",
        );
        assert_eq!(
            (computed.date.expect("date"), computed.predicted),
            (api_date(d(dy, dm, ddd)), predicted),
            "ComputeDeadline from {dd:02}.{m:02}.{y}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protocol_handed_over_after_the_fifth_working_day_is_flagged_late() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let on_time = signed_meeting(&env, d(2026, 4, 29), &["Решение"]).await;
    let late = signed_meeting(&env, d(2026, 4, 29), &["Решение"]).await;
    // The last day: 07.05.2026.
    env.set_day(d(2026, 5, 7)).await;
    let on_time = ok(
        c.secretary_a
            .meetings()
            .hand_over_protocol(step(&on_time))
            .await,
        "HandOverProtocol",
    );
    assert!(
        !on_time.handover.expect("handover").late,
        "the due day is on time"
    );
    env.set_day(d(2026, 5, 8)).await;
    // Late from midnight on, marked by the system: a new version.
    let late = ok(
        c.leader_a
            .meetings()
            .get_meeting(pb::GetMeetingRequest {
                meeting_id: id_of(late.meta),
            })
            .await,
        "GetMeeting",
    );
    assert!(
        late.handover
            .as_ref()
            .is_some_and(|h| h.late && h.handed_at_ms == 0)
    );
    let late = ok(
        c.leader_a.meetings().hand_over_protocol(step(&late)).await,
        "HandOverProtocol",
    );
    let h = late.handover.clone().expect("handover");
    assert!(h.late, "the day after the due date is late: {h:?}");
    assert!(env.recorded_now(h.handed_at_ms));
    assert_eq!(status(&late), M::HandedOver);
}

/// The head's dashboard: protocols late now.
async fn protocols_late(head: &Authed) -> u32 {
    ok(
        head.reports().dashboard(pb::DashboardRequest {}).await,
        "Dashboard",
    )
    .protocols_late
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protocol_not_handed_over_is_late_from_the_day_after_its_due_date_not_only_at_handover() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let m = signed_meeting(&env, d(2026, 4, 29), &["Решение"]).await;
    let since = c.admin.published_seq().await.expect("seq");
    let mut control = c.control.watch(since).await.expect("watch");
    let mut leader = c.leader_a.watch(since).await.expect("watch");
    // The due day itself (07.05.2026) is still in time.
    env.set_day(d(2026, 5, 7)).await;
    assert_eq!(protocols_late(&c.head).await, 0);
    // The trainer moves the clock past midnight: the protocol is late at that moment.
    advance_clock_to(&c.admin, d(2026, 5, 8), 0)
        .await
        .expect("clock");
    for (who, stream) in [(&c.control, &mut control), (&c.leader_a, &mut leader)] {
        let seen = events_until(stream, STEP, |ev| {
            matches!(&ev.entity, Some(pb::event::Entity::Notification(n))
                if n.kind == pb::NotificationKind::ProtocolLate as i32)
        })
        .await
        .unwrap_or_else(|e| panic!("{} is told the protocol is late: {e}", who.username));
        let note = notification_events(&seen).pop().expect("a notification");
        assert_eq!(note.meeting_id, id_of(m.meta));
        assert!(note.text_ru.contains("3.6.9"), "{}", note.text_ru);
        assert_eq!(
            seen.last().map(|e| e.actor_id),
            Some(0),
            "the system did it"
        );
    }
    let now = ok(
        c.control
            .meetings()
            .get_meeting(pb::GetMeetingRequest {
                meeting_id: id_of(m.meta),
            })
            .await,
        "GetMeeting",
    );
    let h = now.handover.clone().expect("handover");
    assert!(
        h.late && h.handed_at_ms == 0,
        "late while not handed: {h:?}"
    );
    assert_eq!(status(&now), M::ProtocolSigned);
    assert_eq!(protocols_late(&c.head).await, 1);
    // Handed over later it stays late, and the dashboard no longer counts it as waiting.
    let handed = ok(
        c.secretary_a
            .meetings()
            .hand_over_protocol(step(&now))
            .await,
        "HandOverProtocol",
    );
    assert!(handed.handover.expect("handover").late);
    assert_eq!(protocols_late(&c.head).await, 0);
}

// ---------------------------------------------------------------------------------------------
// 10. Assignments from decisions (3.6.7)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_made_from_a_decision_is_linked_into_the_protocol() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let m = signed_meeting(
        &env,
        d(2026, 4, 29),
        &[
            "Провести обследование водовода",
            "Установить контейнерную площадку",
        ],
    )
    .await;
    let from = |index: u32, meeting: u64, group: u64| pb::CreateAssignmentRequest {
        territory_id: env.territory,
        basis: Some(pb::Basis {
            kind: pb::BasisKind::ProtocolDecision as i32,
            meeting_id: meeting,
            decision_index: index,
            ..Default::default()
        }),
        ..infogroups_tests::fixtures::assignment_request(group, c.executor.user_id)
    };
    let first = ok(
        c.secretary_a
            .assignments()
            .create_assignment(from(1, id_of(m.meta), c.a()))
            .await,
        "CreateAssignment",
    );
    let second = ok(
        c.leader_a
            .assignments()
            .create_assignment(from(1, id_of(m.meta), c.a()))
            .await,
        "CreateAssignment",
    );
    let s = refused(
        c.leader_a
            .assignments()
            .create_assignment(from(5, id_of(m.meta), c.a()))
            .await,
        Code::InvalidArgument,
        "no such decision",
    );
    assert_eq!(bad_field(&s), "basis.decision_index");
    let s = refused(
        c.leader_b
            .assignments()
            .create_assignment(from(0, id_of(m.meta), c.b()))
            .await,
        Code::InvalidArgument,
        "no such meeting in the group",
    );
    assert_eq!(bad_field(&s), "basis.meeting_id");

    let m = ok(
        c.secretary_a
            .meetings()
            .get_meeting(pb::GetMeetingRequest {
                meeting_id: id_of(m.meta),
            })
            .await,
        "GetMeeting",
    );
    let p = m.protocol.clone().expect("protocol");
    assert!(p.decisions[0].assignment_ids.is_empty());
    assert_eq!(
        p.decisions[1].assignment_ids,
        [id_of(first.meta), id_of(second.meta)]
    );
    assert_eq!(
        p.signed_by, c.leader_a.user_id,
        "linking does not unsign the protocol"
    );
    assert_eq!(status(&m), M::ProtocolSigned);
    let basis = first.basis.expect("basis");
    assert_eq!(
        (basis.kind, basis.meeting_id, basis.decision_index),
        (pb::BasisKind::ProtocolDecision as i32, id_of(m.meta), 1)
    );
}

// ---------------------------------------------------------------------------------------------
// 11. The quarterly minimum (3.1)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quarterly_minimum_is_met_missed_or_at_risk() {
    let env = Env::start(d(2026, 3, 20)).await;
    let c = &env.city;
    let (a, b) = (c.a(), c.b());
    // A meeting on the last day of the first quarter.
    let m = plan(&env, d(2026, 3, 31)).await;
    let m = announce(&env, &m).await;
    hold(&env, &m).await;
    // A planned meeting that is not held counts for nothing.
    plan(&env, d(2026, 4, 15)).await;

    let table = |who: &Authed, year: i32| {
        let mut client = who.meetings();
        async move {
            ok(
                client
                    .quarterly_minimum(pb::QuarterlyMinimumRequest { year })
                    .await,
                "QuarterlyMinimum",
            )
        }
    };
    env.set_day(d(2026, 5, 20)).await;
    let t = table(&c.control, 2026).await;
    assert_eq!(
        cell(&t, a, 1),
        (Q::Met, 1),
        "the last day of a quarter is in it"
    );
    // Group B was formed on 20.03.2026, the day the system got it: it had no first quarter to
    // miss.
    assert_eq!(cell(&t, b, 1), (Q::NotFormed, 0));
    assert_eq!(cell(&t, a, 2), (Q::Open, 0));
    assert_eq!(cell(&t, a, 3), (Q::Open, 0));
    assert_eq!(cell(&t, b, 4), (Q::Open, 0));

    // Six working days before the end of the second quarter: at risk.
    env.set_day(d(2026, 6, 22)).await;
    let t = table(&c.control, 2026).await;
    assert_eq!(cell(&t, a, 2), (Q::AtRisk, 0));
    assert_eq!(cell(&t, b, 2), (Q::AtRisk, 0));
    assert_eq!(cell(&t, a, 1), (Q::Met, 1));
    let last_year = table(&c.control, 2025).await;
    for q in 1..=4 {
        assert_eq!(cell(&last_year, a, q), (Q::NotFormed, 0), "2025 Q{q}");
    }
    // Once the administrator records that group B has worked since 2025, its empty quarters
    // were missed.
    working_since(&c.admin, &c.group_b, d(2025, 1, 9)).await;
    let last_year = table(&c.control, 2025).await;
    assert_eq!(
        cell(&last_year, b, 1),
        (Q::NotFormed, 0),
        "formed after 01.01"
    );
    for q in 2..=4 {
        assert_eq!(cell(&last_year, b, q), (Q::Missed, 0), "2025 Q{q}");
    }
    let t = table(&c.control, 2026).await;
    assert_eq!(cell(&t, b, 1), (Q::Missed, 0));
    // The annual report counts the same quarters as the screen.
    let report = ok(
        c.control
            .reports()
            .groups_report(pb::GroupsReportRequest {
                year: 2025,
                period: pb::PeriodKind::Year as i32,
            })
            .await,
        "GroupsReport",
    );
    let row = |label: &str| {
        report
            .rows
            .iter()
            .find(|r| r.cells.first().is_some_and(|c| c.starts_with(label)))
            .map(|r| r.values.clone())
            .unwrap_or_else(|| panic!("no row {label}: {report:?}"))
    };
    let column = |g: u64| {
        1 + [c.group_a.clone(), c.group_b.clone()]
            .iter()
            .position(|x| id_of(x.meta) == g)
            .expect("a column")
    };
    let missed_on_screen = |g: u64| {
        (1..=4)
            .filter(|q| cell(&last_year, g, *q).0 == Q::Missed)
            .count() as f64
    };
    let missed = row("Кварталов без встречи");
    assert_eq!(missed[column(a)], missed_on_screen(a));
    assert_eq!(missed[column(b)], missed_on_screen(b));
    assert_eq!(missed[column(b)], 3.0);
    assert_eq!(row("Кварталов с выполненным минимумом")[column(a)], 0.0);
    // Only the administrator decides it, and never a day to come.
    let s = refused(
        c.admin
            .groups()
            .update_group(pb::UpdateGroupRequest {
                expected_version: version_of(c.group_a.meta),
                group: Some(pb::Group {
                    formed: Some(api_date(d(2026, 7, 1))),
                    ..c.group_a.clone()
                }),
                reason: String::new(),
            })
            .await,
        Code::InvalidArgument,
        "future",
    );
    assert_eq!(bad_field(&s), "group.formed");

    // Each sees their own groups' rows.
    let own = table(&c.member_b, 2026).await;
    assert!(own.cells.iter().all(|x| x.group_id == b), "{own:?}");
    assert_eq!(own.cells.len(), 4);
    let s = refused(
        c.control
            .meetings()
            .quarterly_minimum(pb::QuarterlyMinimumRequest { year: 1990 })
            .await,
        Code::InvalidArgument,
        "",
    );
    assert_eq!(bad_field(&s), "year");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quarter_at_risk_notifies_the_leader_and_the_secretary_of_that_group_only() {
    let env = Env::start(d(2026, 6, 1)).await;
    let c = &env.city;
    // Both groups worked the whole quarter.
    working_since(&c.admin, &c.group_b, d(2026, 1, 12)).await;
    // Group A holds its meeting of the quarter; group B holds none.
    let m = plan(&env, d(2026, 6, 2)).await;
    let m = announce(&env, &m).await;
    hold(&env, &m).await;
    let mut leader_b = c.leader_b.watch(0).await.expect("watch");
    let mut secretary_b = c.secretary_b.watch(0).await.expect("watch");
    env.set_day(d(2026, 6, 22)).await;

    let b = c.group_b.name.clone();
    for (who, stream) in [
        (&c.leader_b, &mut leader_b),
        (&c.secretary_b, &mut secretary_b),
    ] {
        let evs = events_until(stream, STEP, |ev| {
            matches!(&ev.entity, Some(pb::event::Entity::Notification(n))
                if n.kind == pb::NotificationKind::QuarterAtRisk as i32)
        })
        .await
        .unwrap_or_else(|e| panic!("{} is warned: {e}", who.username));
        let n = notification_events(&evs).pop().expect("a notification");
        assert_eq!(n.user_id, who.user_id);
        assert!(
            n.text_ru.contains(&b) && n.text_ru.contains("2 квартале"),
            "{}",
            n.text_ru
        );
        assert_eq!(
            evs.last().map(|e| e.actor_id),
            Some(0),
            "the server's clock acted"
        );
    }
    // The round is one write: group A's people got no warning in it, nor did a member.
    for who in [&c.leader_a, &c.secretary_a, &c.member_b] {
        let snap = ok(
            who.sync().snapshot(pb::SnapshotRequest {}).await,
            "Snapshot",
        );
        assert!(
            !snap
                .notifications
                .iter()
                .any(|n| n.kind == pb::NotificationKind::QuarterAtRisk as i32),
            "{} is not warned: {:?}",
            who.username,
            snap.notifications
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 12. Calendar files (3.6.3)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_files_for_a_meeting_and_for_a_groups_schedule() {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let m = plan(&env, d(2026, 4, 29)).await;
    let cancelled = plan(&env, d(2026, 5, 20)).await;
    ok(
        c.secretary_a
            .meetings()
            .cancel_meeting(pb::CancelMeetingRequest {
                meeting_id: id_of(cancelled.meta),
                expected_version: version_of(cancelled.meta),
                reason: "Совпадает с выборами".into(),
            })
            .await,
        "CancelMeeting",
    );

    let one = ok(
        c.member_a
            .meetings()
            .calendar_file(pb::CalendarFileRequest {
                meeting_id: id_of(m.meta),
                group_id: 0,
            })
            .await,
        "CalendarFile (meeting)",
    );
    assert_eq!(one.file_name, format!("meeting-{}.ics", id_of(m.meta)));
    let raw = String::from_utf8(one.content).expect("UTF-8");
    assert!(raw.starts_with("BEGIN:VCALENDAR\r\n") && raw.ends_with("END:VCALENDAR\r\n"));
    for line in raw.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line:?}");
        assert!(!line.contains('\n'), "lines end with CRLF: {line:?}");
    }
    let text = unfolded(&raw);
    for part in [
        "VERSION:2.0",
        "TZID:Europe/Moscow",
        "BEGIN:VEVENT",
        "DTSTART;TZID=Europe/Moscow:20260429T170000\r\n",
        "DTEND;TZID=Europe/Moscow:20260429T183000\r\n",
        "SUMMARY:Выездная встреча информационной группы № 1 — Микрорайон Соцгород",
        "LOCATION:МБОУ СОШ № 3\\, ул. Харьковская\\, 10",
        "END:VEVENT",
    ] {
        assert!(text.contains(part), "the file has {part:?}:\n{text}");
    }
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);

    let all = ok(
        c.head
            .meetings()
            .calendar_file(pb::CalendarFileRequest {
                meeting_id: 0,
                group_id: c.a(),
            })
            .await,
        "CalendarFile (group)",
    );
    assert_eq!(all.file_name, format!("group-{}.ics", c.a()));
    let text = unfolded(&String::from_utf8(all.content).expect("UTF-8"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    assert_eq!(text.matches("STATUS:CANCELLED").count(), 1, "{text}");
    assert!(text.contains("DTSTART;TZID=Europe/Moscow:20260520T170000"));

    refused(
        c.member_b
            .meetings()
            .calendar_file(pb::CalendarFileRequest {
                meeting_id: 0,
                group_id: c.a(),
            })
            .await,
        Code::PermissionDenied,
        "",
    );
}

// ---------------------------------------------------------------------------------------------
// 13. The scenario: one meeting, every role's stream
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_one_meeting_from_planning_to_published_results_through_every_roles_stream() {
    let today = d(2026, 4, 19);
    let day = d(2026, 4, 29);
    let env = Env::start(today).await;
    let c = &env.city;
    let since = c.admin.published_seq().await.expect("seq");
    let watchers = [
        &c.secretary_a,
        &c.leader_a,
        &c.control,
        &c.population,
        &c.general,
        &c.member_b,
    ];
    let mut streams = Vec::new();
    for who in watchers {
        streams.push(who.watch(since).await.expect("watch"));
    }

    // The secretary plans and prepares; the departments do their parts.
    let m = plan(&env, day).await;
    let id = id_of(m.meta);
    let brief = ok(
        c.secretary_a
            .meetings()
            .draft_brief(pb::DraftBriefRequest { meeting_id: id })
            .await,
        "DraftBrief",
    );
    let m = ok(
        c.secretary_a
            .meetings()
            .save_brief(pb::SaveBriefRequest {
                meeting_id: id,
                expected_version: version_of(m.meta),
                brief: Some(brief),
            })
            .await,
        "SaveBrief",
    );
    let duma = save_organisation(&c.admin, "Городская Дума", pb::OrganisationKind::Duma).await;
    let m = ok(
        c.leader_a
            .meetings()
            .save_participant(participant(
                &m,
                pb::Participant {
                    organisation_id: duma,
                    position: "депутат по округу № 5".into(),
                    name: "Петров П. П.".into(),
                    status: pb::ParticipantStatus::Invited as i32,
                    ..Default::default()
                },
            ))
            .await,
        "SaveParticipant",
    );
    let m = agree(&env, &m).await;
    let m = notify(&env, &m).await;
    let m = ok(
        c.population
            .meetings()
            .record_informing(pb::RecordInformingRequest {
                meeting_id: id,
                expected_version: version_of(m.meta),
                informing: Some(pb::InformingTask {
                    method: "Объявления в управляющих компаниях".into(),
                    date: Some(api_date(today)),
                    ..Default::default()
                }),
            })
            .await,
        "RecordInforming",
    );
    let m = ok(
        c.general
            .meetings()
            .record_publication(publication(&m, pb::PublicationKind::Announcement, today))
            .await,
        "RecordPublication (announcement)",
    );
    let m = ok(
        c.secretary_a.meetings().announce_meeting(step(&m)).await,
        "AnnounceMeeting",
    );

    // The meeting is held; the protocol is kept, signed, handed over, acknowledged; the results
    // are published.
    let m = hold(&env, &m).await;
    let m = draft(
        &env,
        &m,
        protocol(&env, &["Восстановить освещение на ул. Шахтёрской"]),
    )
    .await;
    let m = sign(&env, &m).await;
    let m = ok(
        c.secretary_a.meetings().hand_over_protocol(step(&m)).await,
        "HandOverProtocol",
    );
    let m = ok(
        c.control.meetings().acknowledge_protocol(step(&m)).await,
        "AcknowledgeProtocol",
    );
    let m = ok(
        c.general
            .meetings()
            .record_publication(publication(&m, pb::PublicationKind::Results, day))
            .await,
        "RecordPublication (results)",
    );
    assert_eq!(status(&m), M::ResultsPublished);
    assert!(!m.handover.expect("handover").late);

    // What each screen received.
    let mark = sentinel(&c.admin).await;
    let progression = [
        M::Planned,
        M::VenueAgreed,
        M::Announced,
        M::Held,
        M::ProtocolDrafted,
        M::AwaitingSignature,
        M::ProtocolSigned,
        M::HandedOver,
        M::ResultsPublished,
    ];
    let mut received = Vec::new();
    for (who, stream) in watchers.iter().zip(streams.iter_mut()) {
        received.push((*who, read_to(stream, mark).await));
    }
    for (who, evs) in &received {
        let seen = status_progression(evs, id);
        if who.user_id == c.member_b.user_id {
            assert!(seen.is_empty(), "group B's member sees nothing: {seen:?}");
            assert!(meeting_events(evs).is_empty());
            assert!(notification_events(evs).is_empty());
        } else {
            assert_eq!(seen, progression, "{}'s stream", who.username);
            let last = meeting_events(evs)
                .into_iter()
                .rfind(|x| id_of(x.meta) == id);
            assert_eq!(
                last.map(|x| version_of(x.meta)),
                Some(version_of(m.meta)),
                "{} ends on the final version",
                who.username
            );
        }
        for n in notification_events(evs) {
            assert_eq!(
                n.user_id, who.user_id,
                "{} sees only their own notices",
                who.username
            );
        }
    }
    let notices = |who: &Authed| -> Vec<pb::Notification> {
        received
            .iter()
            .find(|(w, _)| w.user_id == who.user_id)
            .map(|(_, evs)| notification_events(evs))
            .unwrap_or_default()
    };
    for who in [&c.secretary_a, &c.leader_a] {
        assert!(
            notices(who)
                .iter()
                .any(|n| n.meeting_id == id && n.text_ru.contains("оповещение")),
            "{} got the meeting notice",
            who.username
        );
    }
    assert!(
        notices(&c.control)
            .iter()
            .any(|n| n.meeting_id == id && n.text_ru.contains("Передан протокол № 1/2026")),
        "the control sector is told of the handover: {:?}",
        notices(&c.control)
    );
    assert!(notices(&c.population).is_empty() && notices(&c.general).is_empty());

    // Which actor made each change, as the control sector's stream shows it.
    let (_, control_events) = &received[2];
    let actors: Vec<(M, u64)> = control_events
        .iter()
        .filter_map(|ev| match &ev.entity {
            Some(pb::event::Entity::Meeting(x)) if id_of(x.meta) == id => {
                Some((status(x), ev.actor_id))
            }
            _ => None,
        })
        .collect();
    for (state, actor) in [
        (M::VenueAgreed, c.secretary_a.user_id),
        (M::ProtocolSigned, c.leader_a.user_id),
        (M::ResultsPublished, c.general.user_id),
    ] {
        assert!(
            actors.contains(&(state, actor)),
            "{state:?} by user {actor}: {actors:?}"
        );
    }
    assert!(
        actors.iter().any(|(_, a)| *a == c.population.user_id),
        "informing recorded"
    );
}

// ---------------------------------------------------------------------------------------------
// Meetings held before the system was introduced, entered after the fact
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_past_meeting_is_entered_after_the_fact_signed_and_handed_over_and_counts_for_its_quarter()
 {
    let env = Env::start(d(2026, 4, 19)).await;
    let c = &env.city;
    let past = |on: NaiveDate, signed: NaiveDate, handed: NaiveDate, present: Vec<u64>| {
        pb::RecordPastMeetingRequest {
            request_id: request_id("past"),
            group_id: c.a(),
            territory_id: env.territory,
            venue_id: env.venue,
            date: Some(api_date(on)),
            time: "17:30".into(),
            protocol: Some(pb::Protocol {
                number: "1-2026/1".into(),
                start_time: "17:30".into(),
                end_time: "19:00".into(),
                residents_attending: 42,
                members_present: present,
                information_given: "О ремонте водовода по ул. Шахтёрской".into(),
                questions: vec![pb::RaisedQuestion {
                    substance: "Нет уличного освещения".into(),
                    answer_mode: pb::AnswerMode::OnControl as i32,
                    ..Default::default()
                }],
                decisions: vec![pb::Decision {
                    text: "Восстановить освещение".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            signed_on: Some(api_date(signed)),
            handed_over_on: Some(api_date(handed)),
        }
    };
    let present = vec![c.leader_a.user_id, c.secretary_a.user_id];
    // The group came into the system on 19.04.2026; its earlier work needs its first day first.
    let s = refused(
        c.secretary_a
            .meetings()
            .record_past_meeting(past(
                d(2026, 2, 10),
                d(2026, 2, 11),
                d(2026, 2, 16),
                present.clone(),
            ))
            .await,
        Code::InvalidArgument,
        "works since",
    );
    assert_eq!(bad_field(&s), "date");
    let group = working_since(&c.admin, &c.group_a, d(2025, 1, 9)).await;
    assert!(group.formed.is_some());
    // Nothing of it on a day to come, and only the group's own people present.
    for (req, field) in [
        (
            past(
                d(2026, 4, 20),
                d(2026, 4, 20),
                d(2026, 4, 20),
                present.clone(),
            ),
            "date",
        ),
        (
            past(
                d(2026, 2, 10),
                d(2026, 2, 9),
                d(2026, 2, 16),
                present.clone(),
            ),
            "signed_on",
        ),
        (
            past(
                d(2026, 2, 10),
                d(2026, 2, 11),
                d(2026, 4, 21),
                present.clone(),
            ),
            "handed_over_on",
        ),
        (
            past(
                d(2026, 2, 10),
                d(2026, 2, 11),
                d(2026, 2, 16),
                vec![c.executor2.user_id],
            ),
            "protocol.members_present",
        ),
    ] {
        let s = refused(
            c.secretary_a.meetings().record_past_meeting(req).await,
            Code::InvalidArgument,
            "",
        );
        assert_eq!(bad_field(&s), field);
    }
    // Another group's secretary, or an executor, enters nothing for this group.
    for who in [&c.secretary_b, &c.executor] {
        refused(
            who.meetings()
                .record_past_meeting(past(
                    d(2026, 2, 10),
                    d(2026, 2, 11),
                    d(2026, 2, 16),
                    present.clone(),
                ))
                .await,
            Code::PermissionDenied,
            "",
        );
    }
    let m = ok(
        c.secretary_a
            .meetings()
            .record_past_meeting(past(
                d(2026, 2, 10),
                d(2026, 2, 11),
                d(2026, 2, 16),
                present.clone(),
            ))
            .await,
        "RecordPastMeeting",
    );
    assert!(m.retrospective, "marked as entered after the fact");
    assert_eq!(status(&m), M::HandedOver);
    let p = m.protocol.clone().expect("protocol");
    assert_eq!(
        p.signed_by, c.leader_a.user_id,
        "signed by the group's leader"
    );
    assert_eq!(
        infogroups_shared::city_time::date_at(p.signed_at_ms),
        d(2026, 2, 11)
    );
    let h = m.handover.clone().expect("handover");
    // Held on Tuesday 10.02.2026: due on the fifth working day, 17.02; handed over on 16.02.
    assert_eq!(handover_due(&m).0.day, 17);
    assert!(!h.late);
    // One handed over after its due date was late then, and the record says so.
    let late = ok(
        c.secretary_a
            .meetings()
            .record_past_meeting(pb::RecordPastMeetingRequest {
                protocol: Some(pb::Protocol {
                    number: "1-2025/4".into(),
                    ..past(
                        d(2025, 12, 26),
                        d(2025, 12, 26),
                        d(2026, 1, 15),
                        present.clone(),
                    )
                    .protocol
                    .unwrap_or_default()
                }),
                ..past(
                    d(2025, 12, 26),
                    d(2025, 12, 26),
                    d(2026, 1, 15),
                    present.clone(),
                )
            })
            .await,
        "RecordPastMeeting",
    );
    assert!(late.handover.expect("handover").late, "due 14.01.2026");
    // The quarters are whole: both met, by meetings entered after the fact.
    let q2026 = ok(
        c.control
            .meetings()
            .quarterly_minimum(pb::QuarterlyMinimumRequest { year: 2026 })
            .await,
        "QuarterlyMinimum",
    );
    assert_eq!(cell(&q2026, c.a(), 1), (Q::Met, 1));
    let q2025 = ok(
        c.control
            .meetings()
            .quarterly_minimum(pb::QuarterlyMinimumRequest { year: 2025 })
            .await,
        "QuarterlyMinimum",
    );
    assert_eq!(cell(&q2025, c.a(), 4), (Q::Met, 1));
    assert_eq!(cell(&q2025, c.a(), 3), (Q::Missed, 0));
    // The control sector acknowledges it as any other.
    let acknowledged = ok(
        c.control.meetings().acknowledge_protocol(step(&m)).await,
        "AcknowledgeProtocol",
    );
    assert!(acknowledged.retrospective);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_scan_required_a_protocol_is_handed_over_only_once_its_scan_is_attached() {
    let env = Env::start_with(d(2026, 4, 19), |c| c.require_protocol_scan = true).await;
    let c = &env.city;
    let m = signed_meeting(&env, d(2026, 4, 29), &["Решение"]).await;
    let s = refused(
        c.secretary_a.meetings().hand_over_protocol(step(&m)).await,
        Code::FailedPrecondition,
        "attach the signed protocol's scan",
    );
    assert!(ru_message(&s).contains("скан"), "{s:?}");
    let scan = pb::AttachmentUpload {
        record: Some(pb::RecordRef {
            kind: pb::RecordKind::Meeting as i32,
            id: id_of(m.meta),
        }),
        file_name: "протокол подписанный.pdf".into(),
        media_type: String::new(),
        data: b"%PDF-1.4 signed".to_vec(),
    };
    ok(
        c.secretary_a
            .attachments()
            .upload(futures::stream::iter([scan]))
            .await,
        "Upload the scan",
    );
    let m = ok(
        c.secretary_a.meetings().hand_over_protocol(step(&m)).await,
        "HandOverProtocol",
    );
    assert_eq!(status(&m), M::HandedOver);
}
