//! Need-to-know on every path (issue 14), one end-to-end test per point of the issue, each
//! against a fresh server on 127.0.0.1:0: links users make grant nothing and out-of-scope
//! references are refused like missing ones; every return of personal data is audited and the
//! personal-data officer reads who saw whom; depersonalised means gone from the log, the copies,
//! backups and the store files; private, encrypted files; throttled logins and sessions whose
//! streams end with them; only the administrator or the head appoints a leader; bounded,
//! validated input; idempotency keys scoped to (account, RPC); no clear text beyond loopback.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use infogroups_server::backup::{BackupKey, read_backup};
use infogroups_server::server::{LaunchError, Server};
use infogroups_server::{Clock, Config};
use infogroups_shared::pb::{self, Role};
use infogroups_shared::validate::FieldError;
use infogroups_tests::answer::{ok, refused};
use infogroups_tests::fixtures::{
    add_user, api_date, city_ms, global, id_of, in_group, request_id, save_territory, version_of,
};
use infogroups_tests::server::test_backup_key;
use infogroups_tests::watch::entity_of;
use infogroups_tests::{
    ADMIN_PASSWORD, Authed, City, Received, STEP, TEST_PASSWORD, TestServer, login, next_message,
    try_login,
};
use tonic::transport::Endpoint;
use tonic::{Code, Response, Status};

/// «Перебои в электроснабжении».
const POWER: &str = "0005.0005.0056.1153";

/// Sessions outlive the clock jumps of these tests (past the five-year retention).
const LONG_SESSIONS: Duration = Duration::from_secs(20 * 366 * 24 * 3600);

fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real date")
}

/// Asserts an `InvalidArgument` naming `field`; returns the English message.
#[track_caller]
fn invalid<T: std::fmt::Debug>(answer: Result<Response<T>, Status>, field: &str) -> String {
    let s = refused(answer, Code::InvalidArgument, "");
    let f = FieldError::from_status(&s).expect("a field error");
    assert_eq!(f.field, field, "{s:?}");
    f.en
}

/// A citizen nobody else in these tests is called.
fn citizen() -> pb::Citizen {
    pb::Citizen {
        surname: "Кравчукова".into(),
        first_name: "Зинаида".into(),
        patronymic: "Ильинична".into(),
        postal_address: "ул. Гагаринская, д. 41".into(),
        contact: "8 928 123-45-67".into(),
        workplace: String::new(),
    }
}

/// A valid appeal of `group_id` received on `today`.
fn appeal(group_id: u64, today: NaiveDate) -> pb::Appeal {
    pb::Appeal {
        received: Some(api_date(today)),
        channel: pb::Channel::Post as i32,
        kind: pb::AppealKind::Application as i32,
        group_id,
        questions: vec![pb::AppealQuestion {
            classifier_code: POWER.into(),
            r#type: pb::QuestionType::Application as i32,
            ..Default::default()
        }],
        citizen: Some(citizen()),
        text: "Прошу починить фонари".into(),
        ..Default::default()
    }
}

async fn register(who: &Authed, a: pb::Appeal, rid: &str) -> Result<Response<pb::Appeal>, Status> {
    who.appeals()
        .register_appeal(pb::RegisterAppealRequest {
            request_id: rid.to_string(),
            appeal: Some(a),
            repeated_confirmed: true,
        })
        .await
}

/// A reception card of group A by its leader, put on control with `executor`.
fn card(city: &City, today: NaiveDate, executor: u64) -> pb::ReceptionCard {
    pb::ReceptionCard {
        date: Some(api_date(today)),
        place: "МБОУ СОШ № 3, выездная встреча".into(),
        group_id: city.a(),
        received_by: city.leader_a.user_id,
        citizen: Some(citizen()),
        content: "Кравчукова просит перезвонить: 8 928 123-45-67, фонари не горят".into(),
        classifier_code: POWER.into(),
        question_type: pb::QuestionType::Complaint as i32,
        identity_checked: true,
        on_control: executor != 0,
        executor_id: executor,
        deadline: (executor != 0).then(|| api_date(today + Days::new(10))),
        ..Default::default()
    }
}

async fn save_card(
    who: &Authed,
    c: pb::ReceptionCard,
) -> Result<Response<pb::ReceptionCard>, Status> {
    who.appeals()
        .save_reception_card(pb::SaveReceptionCardRequest {
            request_id: request_id("card"),
            expected_version: 0,
            card: Some(c),
        })
        .await
}

async fn start(today: NaiveDate, tweak: impl FnOnce(&mut Config)) -> (TestServer, City) {
    let server = TestServer::start(|c| {
        c.clock = Clock::manual(city_ms(today, 12));
        c.token_ttl = LONG_SESSIONS;
        tweak(c);
    })
    .await
    .expect("server");
    let city = City::build(&server).await.expect("city");
    (server, city)
}

/// Every event of the log from the start, as `who` receives it, up to a marker territory.
async fn replay(who: &Authed, admin: &Authed) -> Vec<pb::Event> {
    let marker = id_of(save_territory(admin, "Маркер").await.expect("marker").meta);
    let mut stream = who.watch(0).await.expect("watch");
    let mut out = Vec::new();
    loop {
        let ev = infogroups_tests::next_event(&mut stream, STEP)
            .await
            .expect("an event in time");
        if entity_of(&ev) == ("territory", marker) {
            return out;
        }
        out.push(ev);
    }
}

/// Moves past the retention period and depersonalises: one appeal and one card are due.
async fn depersonalise_one_of_each(server: &TestServer, admin: &Authed) {
    server.clock().set_ms(city_ms(d(2031, 2, 1), 12));
    let done = ok(
        admin
            .appeals()
            .depersonalise(pb::DepersonaliseRequest { dry_run: false })
            .await,
        "Depersonalise",
    );
    assert_eq!((done.appeals, done.cards), (1, 1));
}

/// Whether any file under `dir` holds `needle`.
fn files_hold(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("read dir") {
                todo.push(e.expect("entry").path());
            }
        } else if let Ok(bytes) = std::fs::read(&p)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            found.push(p.display().to_string());
        }
    }
    found
}

// 1. One access rule ----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_users_make_grant_nothing_and_references_out_of_scope_are_refused_like_missing_ones()
{
    let today = d(2026, 4, 6);
    let (server, c) = start(today, |_| {}).await;
    let of_b = ok(
        register(&c.secretary_b, appeal(c.b(), today), &request_id("b")).await,
        "RegisterAppeal in B",
    );
    let of_none = ok(
        register(&c.general, appeal(0, today), &request_id("none")).await,
        "RegisterAppeal without a group",
    );
    // A card naming another group's appeal: the link is the server's to make.
    let mut linked = card(&c, today, c.executor.user_id);
    linked.appeal_id = id_of(of_b.meta);
    invalid(save_card(&c.leader_a, linked).await, "card.appeal_id");
    // An assignment on an appeal of no group, of another group, or of none at all: one answer.
    let basis = |appeal_id| pb::CreateAssignmentRequest {
        basis: Some(pb::Basis {
            kind: pb::BasisKind::Appeal as i32,
            appeal_id,
            ..Default::default()
        }),
        ..infogroups_tests::fixtures::assignment_request(c.a(), c.executor.user_id)
    };
    let mut answers = Vec::new();
    for id in [id_of(of_none.meta), id_of(of_b.meta), 999_999] {
        answers.push(invalid(
            c.leader_a.assignments().create_assignment(basis(id)).await,
            "basis.appeal_id",
        ));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    // A territory that does not exist.
    let mut nowhere = appeal(c.a(), today);
    nowhere.territory_id = 999_999;
    invalid(
        register(&c.general, nowhere, &request_id("t")).await,
        "appeal.territory_id",
    );
    // The executor of nothing the server bound sees no citizen of B's appeal.
    let hidden = c
        .executor
        .appeals()
        .get_appeal(pb::GetAppealRequest {
            appeal_id: id_of(of_b.meta),
        })
        .await;
    refused(hidden, Code::NotFound, "");

    // The repeated-appeal warning tells nobody of another group's appeal: the same citizen on
    // the same topic in group A is no repeat for A's secretary, who cannot see B's.
    let same_citizen = ok(
        c.secretary_a
            .appeals()
            .register_appeal(pb::RegisterAppealRequest {
                request_id: request_id("repeat"),
                appeal: Some(appeal(c.a(), today)),
                repeated_confirmed: false,
            })
            .await,
        "RegisterAppeal of B's citizen in A",
    );
    assert!(!same_citizen.number.is_empty());
    let warned = c
        .general
        .appeals()
        .register_appeal(pb::RegisterAppealRequest {
            request_id: request_id("repeat-general"),
            appeal: Some(appeal(c.a(), today)),
            repeated_confirmed: false,
        })
        .await;
    // The general department sees every group's appeals, so it is told.
    refused(warned, Code::FailedPrecondition, "repeated");

    // A replay from sequence 0 is filtered by the roles held now, not by former ones.
    let mover = add_user(
        server.db(),
        "mover",
        &[in_group(Role::GroupSecretary, c.b())],
    )
    .await
    .expect("user");
    let before = ok(
        register(&c.secretary_b, appeal(c.b(), today), &request_id("b2")).await,
        "RegisterAppeal in B",
    );
    let mover_now = ok(
        c.admin
            .users()
            .revoke_role(pb::RevokeRoleRequest {
                user_id: id_of(mover.meta),
                expected_version: version_of(mover.meta),
                grant: Some(in_group(Role::GroupSecretary, c.b())),
            })
            .await,
        "RevokeRole",
    );
    assert!(mover_now.roles.is_empty());
    let mover = login(server.addr(), "mover", TEST_PASSWORD)
        .await
        .expect("login");
    let seen = replay(&mover, &c.admin).await;
    let leaked: Vec<_> = seen
        .iter()
        .filter(|e| matches!(&e.entity, Some(pb::event::Entity::Appeal(a)) if a.group_id == c.b()))
        .collect();
    assert!(
        leaked.is_empty(),
        "group B's appeals (e.g. {}) reached a former secretary: {leaked:?}",
        id_of(before.meta)
    );
}

// 2. Least privilege, written down: views are audited ------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_return_of_personal_data_is_audited_and_the_officer_reads_who_saw_whom() {
    let today = d(2026, 4, 6);
    let (server, c) = start(today, |_| {}).await;
    let a = ok(
        register(&c.general, appeal(c.a(), today), &request_id("a")).await,
        "RegisterAppeal",
    );
    assert!(a.citizen.is_some(), "the registrar sees what they entered");
    let saved = ok(
        save_card(&c.leader_a, card(&c, today, 0)).await,
        "SaveReceptionCard",
    );
    assert!(saved.citizen.is_some());
    let member_view = ok(
        c.member_a
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: id_of(a.meta),
            })
            .await,
        "GetAppeal by a member",
    );
    assert!(
        member_view.citizen.is_none(),
        "a member has no duty that needs the citizen"
    );
    add_user(server.db(), "pdo", &[global(Role::PersonalDataOfficer)])
        .await
        .expect("officer");
    let officer = login(server.addr(), "pdo", TEST_PASSWORD)
        .await
        .expect("login");
    let views = ok(
        officer
            .audit()
            .list_audit(pb::ListAuditRequest::default())
            .await,
        "ListAudit by the officer",
    )
    .records;
    assert!(
        views.iter().all(|r| r.action == "view_personal_data"),
        "{views:?}"
    );
    let saw = |actor: u64, kind: &str, id: u64| {
        views
            .iter()
            .any(|r| r.actor_id == actor && r.entity_kind == kind && r.entity_id == id)
    };
    assert!(
        saw(c.general.user_id, "appeal", id_of(a.meta)),
        "the registration"
    );
    assert!(
        saw(c.leader_a.user_id, "reception_card", id_of(saved.meta)),
        "the card save"
    );
    assert!(
        !saw(c.member_a.user_id, "appeal", id_of(a.meta)),
        "no data, no view"
    );
    refused(
        c.head
            .audit()
            .list_audit(pb::ListAuditRequest::default())
            .await,
        Code::PermissionDenied,
        "",
    );
}

/// The view log as the client asks for it: views only, newest first, `limit` from `before_seq`.
async fn view_log(who: &Authed, req: pb::ListAuditRequest) -> Vec<pb::AuditRecord> {
    ok(
        who.audit()
            .list_audit(pb::ListAuditRequest {
                action: "view_personal_data".into(),
                ..req
            })
            .await,
        "ListAudit of views",
    )
    .records
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_view_log_names_the_records_pages_back_and_filters_by_person_and_record() {
    let today = d(2026, 4, 6);
    let (server, c) = start(today, |_| {}).await;
    let a = ok(
        register(&c.general, appeal(c.a(), today), &request_id("a")).await,
        "RegisterAppeal",
    );
    let saved = ok(
        save_card(&c.leader_a, card(&c, today, 0)).await,
        "SaveReceptionCard",
    );
    ok(
        c.leader_a
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: id_of(a.meta),
            })
            .await,
        "GetAppeal by the leader",
    );
    // The administrator, asking for views, gets views only, each named by its number.
    let all = view_log(&c.admin, pb::ListAuditRequest::default()).await;
    assert!(
        all.iter().all(|r| r.action == "view_personal_data"),
        "{all:?}"
    );
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let appeal_views: Vec<_> = all.iter().filter(|r| r.entity_kind == "appeal").collect();
    assert!(
        appeal_views.len() >= 2,
        "the registration and the leader's look: {all:?}"
    );
    assert!(
        appeal_views.iter().all(|r| r.entity_label == a.number),
        "{all:?}"
    );
    let card_view = all
        .iter()
        .find(|r| r.entity_kind == "reception_card" && r.entity_id == id_of(saved.meta))
        .expect("the card's save is a view");
    assert!(card_view.entity_label.starts_with("ЛП-"), "{card_view:?}");
    // Without the filter the administrator reads the rest of the log too.
    let everything = ok(
        c.admin
            .audit()
            .list_audit(pb::ListAuditRequest::default())
            .await,
        "ListAudit",
    )
    .records;
    assert!(everything.iter().any(|r| r.action != "view_personal_data"));
    // Paging back: one record at a time, each page strictly older than the last.
    let first = view_log(
        &c.admin,
        pb::ListAuditRequest {
            limit: 1,
            ..Default::default()
        },
    )
    .await;
    let second = view_log(
        &c.admin,
        pb::ListAuditRequest {
            limit: 1,
            before_seq: first[0].seq,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(second[0].seq, all[1].seq);
    // By person, by record.
    let leaders = view_log(
        &c.admin,
        pb::ListAuditRequest {
            actor_id: c.leader_a.user_id,
            ..Default::default()
        },
    )
    .await;
    assert!(!leaders.is_empty() && leaders.iter().all(|r| r.actor_id == c.leader_a.user_id));
    let of_appeal = view_log(
        &c.admin,
        pb::ListAuditRequest {
            entity_kind: "appeal".into(),
            entity_id: id_of(a.meta),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(of_appeal.len(), appeal_views.len());
    // The officer asking for something other than views gets nothing of the rest of the log.
    add_user(server.db(), "pdo", &[global(Role::PersonalDataOfficer)])
        .await
        .expect("officer");
    let officer = login(server.addr(), "pdo", TEST_PASSWORD)
        .await
        .expect("login");
    assert_eq!(
        view_log(&officer, pb::ListAuditRequest::default()).await,
        all
    );
    let creates = ok(
        officer
            .audit()
            .list_audit(pb::ListAuditRequest {
                action: "create".into(),
                ..Default::default()
            })
            .await,
        "ListAudit of creates by the officer",
    )
    .records;
    assert!(creates.is_empty(), "{creates:?}");
}

// 3. Depersonalised means gone ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn depersonalised_is_gone_from_the_log_the_copies_later_backups_and_the_store_files() {
    let today = d(2026, 1, 15);
    let (server, c) = start(today, |_| {}).await;
    let saved = ok(
        save_card(&c.leader_a, card(&c, today, c.executor.user_id)).await,
        "SaveReceptionCard on control",
    );
    let appeal = ok(
        c.secretary_a
            .appeals()
            .card_to_appeal(pb::CardToAppealRequest {
                request_id: request_id("to-appeal"),
                card_id: id_of(saved.meta),
                expected_version: version_of(saved.meta),
            })
            .await,
        "CardToAppeal",
    );
    let copied = ok(
        c.executor
            .assignments()
            .get_assignment(pb::GetAssignmentRequest {
                assignment_id: saved.assignment_id,
            })
            .await,
        "GetAssignment",
    );
    assert!(
        copied.text.contains("Кравчукова"),
        "the card's text was copied: {}",
        copied.text
    );
    depersonalise_one_of_each(&server, &c.admin).await;
    let leaks = |text: &str| -> Vec<&'static str> {
        ["Кравчукова", "Зинаида", "Гагаринская", "123-45-67"]
            .into_iter()
            .filter(|n| text.contains(n))
            .collect()
    };
    // The copy: the assignment made from the card.
    let copied = ok(
        c.executor
            .assignments()
            .get_assignment(pb::GetAssignmentRequest {
                assignment_id: saved.assignment_id,
            })
            .await,
        "GetAssignment",
    );
    assert!(leaks(&copied.text).is_empty(), "{}", copied.text);
    assert!(
        copied.text.contains("фонари не горят"),
        "the substance stays: {}",
        copied.text
    );
    // Every logged version, replayed from the start to the administrator, who sees everything.
    let log = format!("{:?}", replay(&c.admin, &c.admin).await);
    assert!(
        leaks(&log).is_empty(),
        "the log still holds {:?}",
        leaks(&log)
    );
    let again = ok(
        c.general
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: id_of(appeal.meta),
            })
            .await,
        "GetAppeal",
    );
    assert!(again.citizen.is_none() && again.depersonalised);
    // A backup taken afterwards holds none of it.
    let backup = ok(
        c.admin
            .maintenance()
            .backup(pb::BackupRequest {
                name: "after.igbak".into(),
            })
            .await,
        "Backup",
    );
    let entries = read_backup(Path::new(&backup.path), &test_backup_key()).expect("read backup");
    let needle = "Кравчукова".as_bytes();
    let holding = entries
        .iter()
        .filter(|(_, v)| v.windows(needle.len()).any(|w| w == needle))
        .count();
    assert_eq!(holding, 0, "entries of the backup still name the citizen");
    // The store files, after the restart that rewrites them (while serving: see the next test).
    let server = server.restart().await.expect("restart");
    let data = server.data_dir().to_path_buf();
    let found = files_hold(&data, needle);
    assert!(found.is_empty(), "old versions remain in {found:?}");
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn depersonalised_data_leaves_the_store_files_while_the_server_serves() {
    let today = d(2026, 1, 15);
    let (server, c) = start(today, |c| {
        c.store_rewrite_every = Duration::from_millis(200)
    })
    .await;
    ok(
        save_card(&c.leader_a, card(&c, today, 0)).await,
        "SaveReceptionCard",
    );
    ok(
        register(&c.general, appeal(c.a(), today), &request_id("a")).await,
        "RegisterAppeal",
    );
    let data = server.data_dir().to_path_buf();
    // Sent to the disk: the files hold the citizen before the depersonalisation.
    server.db().store().flush().expect("flush");
    assert!(!files_hold(&data, "Кравчукова".as_bytes()).is_empty());
    let mut rewrites = server.store_rewrites();
    let before = *rewrites.borrow_and_update();
    depersonalise_one_of_each(&server, &c.admin).await;
    tokio::time::timeout(STEP, rewrites.wait_for(|n| *n > before))
        .await
        .expect("a rewrite within the period")
        .expect("the server runs");
    for needle in ["Кравчукова", "123-45-67", "Гагаринская"] {
        let found = files_hold(&data, needle.as_bytes());
        assert!(found.is_empty(), "{needle} remains in {found:?}");
    }
    // Still serving, from the new files.
    ok(
        register(&c.general, appeal(c.a(), d(2031, 2, 1)), &request_id("b")).await,
        "RegisterAppeal after the rewrite",
    );
    server.stop().await.expect("stop");
}

// 4. Files --------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_and_backups_are_private_and_backups_are_encrypted() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    let data = server.data_dir().to_path_buf();
    assert_eq!(mode(&data), 0o700);
    let mut todo = vec![data.clone()];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            assert_eq!(mode(&p), 0o700, "{}", p.display());
            for e in std::fs::read_dir(&p).expect("read dir") {
                todo.push(e.expect("entry").path());
            }
        } else {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
    let b = ok(
        admin
            .maintenance()
            .backup(pb::BackupRequest {
                name: "private.igbak".into(),
            })
            .await,
        "Backup",
    );
    let file = Path::new(&b.path);
    assert_eq!(mode(file), 0o600);
    let raw = std::fs::read(file).expect("read");
    assert!(raw.starts_with(b"age-encryption.org/v1"), "an age file");
    assert!(
        !raw.windows(5).any(|w| w == b"admin"),
        "no plain text inside"
    );
    let wrong = BackupKey::new("not the operator's passphrase").expect("key");
    assert!(
        read_backup(file, &wrong).is_err(),
        "refused without the passphrase"
    );
    assert!(read_backup(file, &test_backup_key()).is_ok());
    // A directory someone loosened is made private again on the next start.
    drop(admin);
    let server = {
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        server.restart().await.expect("restart")
    };
    assert_eq!(mode(server.data_dir()), 0o700);
    server.stop().await.expect("stop");
}

/// Every directory under `root` is 0700 and every file 0600; the paths that are not, with their
/// modes.
fn loose_entries(root: &Path) -> Vec<String> {
    let mode = |p: &Path| {
        std::fs::symlink_metadata(p)
            .expect("stat")
            .permissions()
            .mode()
            & 0o777
    };
    let mut loose = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(p) = todo.pop() {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        if mode(&p) != want {
            loose.push(format!("{} {:o}", p.display(), mode(&p)));
        }
        if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("read dir") {
                todo.push(e.expect("entry").path());
            }
        }
    }
    loose
}

/// What the server writes while serving — the store after a write load, the rewritten store, the
/// fact tables' checkpoint, the log's segments, a backup — is private to its owner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_written_while_serving_is_private() {
    let today = d(2026, 1, 15);
    let (server, c) = start(today, |c| {
        c.store_rewrite_every = Duration::from_millis(200)
    })
    .await;
    for i in 0..200 {
        infogroups_tests::fixtures::save_territory(&c.admin, &format!("Посёлок {i}"))
            .await
            .expect("SaveTerritory");
    }
    ok(
        register(&c.general, appeal(c.a(), today), &request_id("a")).await,
        "RegisterAppeal",
    );
    ok(
        save_card(&c.leader_a, card(&c, today, 0)).await,
        "SaveReceptionCard",
    );
    let mut rewrites = server.store_rewrites();
    let before = *rewrites.borrow_and_update();
    depersonalise_one_of_each(&server, &c.admin).await;
    tokio::time::timeout(STEP, rewrites.wait_for(|n| *n > before))
        .await
        .expect("a rewrite within the period")
        .expect("the server runs");
    server.db().checkpoint_facts().await;
    let b = ok(
        c.admin
            .maintenance()
            .backup(pb::BackupRequest {
                name: "modes.igbak".into(),
            })
            .await,
        "Backup",
    );
    server.db().store().flush().expect("flush");
    let mut loose = loose_entries(server.data_dir());
    let backup = Path::new(&b.path);
    loose.extend(loose_entries(backup));
    if let Some(dir) = backup
        .parent()
        .filter(|d| !d.starts_with(server.data_dir()))
    {
        loose.extend(loose_entries(dir));
    }
    assert!(loose.is_empty(), "not private: {loose:#?}");
    server.stop().await.expect("stop");
}

// 5. Logins -------------------------------------------------------------------------------------

/// A login from the loopback address `from`.
async fn login_from(addr: SocketAddr, from: Ipv4Addr, password: &str) -> Result<Authed, Status> {
    let channel = Endpoint::from_shared(format!("http://{addr}"))
        .expect("endpoint")
        .local_address(Some(IpAddr::V4(from)))
        .connect()
        .await
        .expect("connect");
    Authed::login_on(channel, "admin", password)
        .await
        .expect("call")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_locks_only_the_guesser_weak_passwords_are_refused_and_sessions_end_with_their_streams()
 {
    let server = TestServer::start(|c| {
        c.login_free_attempts = 3;
        // No heartbeat comes to end the stream: only the logout can.
        c.heartbeat = Duration::from_secs(3600);
    })
    .await
    .expect("server");
    let attacker = Ipv4Addr::new(127, 0, 0, 2);
    for _ in 0..6 {
        let _ = login_from(server.addr(), attacker, "guess-number-x").await;
    }
    let locked = login_from(server.addr(), attacker, ADMIN_PASSWORD).await;
    assert_eq!(
        locked.err().map(|s| s.code()),
        Some(Code::ResourceExhausted)
    );
    let owner = login_from(server.addr(), Ipv4Addr::new(127, 0, 0, 3), ADMIN_PASSWORD).await;
    assert!(
        owner.is_ok(),
        "the owner elsewhere is not locked out: {owner:?}"
    );
    let admin = owner.expect("owner");
    let audit = ok(
        admin
            .audit()
            .list_audit(pb::ListAuditRequest::default())
            .await,
        "ListAudit",
    )
    .records;
    assert!(
        audit.iter().any(|r| r.action == "login_failed"),
        "failures are audited"
    );
    assert!(audit.iter().any(|r| r.action == "login_throttled"));

    // The password policy.
    let user = add_user(server.db(), "petrov", &[global(Role::Executor)])
        .await
        .expect("user");
    let petrov = login(server.addr(), "petrov", TEST_PASSWORD)
        .await
        .expect("login");
    for weak in ["12345678", "petrov-petrov", "password1"] {
        invalid(
            petrov
                .users()
                .set_password(pb::SetPasswordRequest {
                    user_id: id_of(user.meta),
                    new_password: weak.into(),
                    old_password: TEST_PASSWORD.into(),
                })
                .await,
            "new_password",
        );
    }
    // Guessing the old password through SetPassword is throttled like a login.
    let mut codes = Vec::new();
    for _ in 0..5 {
        let answer = petrov
            .users()
            .set_password(pb::SetPasswordRequest {
                user_id: id_of(user.meta),
                new_password: "Новый пароль у терриконов 17".into(),
                old_password: "a wrong guess".into(),
            })
            .await;
        codes.push(answer.err().map(|s| s.code()));
    }
    assert!(codes.contains(&Some(Code::ResourceExhausted)), "{codes:?}");

    // Logout ends the session's stream at once, and nothing arrives after it.
    let mut stream = petrov
        .watch(petrov.published_seq().await.expect("seq"))
        .await
        .expect("watch");
    ok(petrov.auth().logout(pb::LogoutRequest {}).await, "Logout");
    save_territory(&admin, "После выхода")
        .await
        .expect("territory");
    match next_message(&mut stream, STEP)
        .await
        .expect("an answer in time")
    {
        Received::Failed(s) => assert_eq!(s.code(), Code::Unauthenticated, "{s:?}"),
        other => panic!("expected the end of the session, got {other:?}"),
    }
    // Expired sessions are purged.
    let purged = infogroups_server::sessions::purge_expired(server.db())
        .await
        .expect("purge");
    assert_eq!(purged, 0, "nothing expired yet");
    drop(stream);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_administrator_and_the_demo_accounts_meet_the_password_policy() {
    for weak in ["admin1234", "12345678", "admin-admin"] {
        let dir = tempfile::tempdir().expect("dir");
        let mut config = infogroups_tests::server::test_config(dir.path());
        config.admin_password = Some(weak.into());
        match Server::open(config).await {
            Err(LaunchError::Bootstrap(m)) => assert!(
                m.contains("INFOGROUPS_ADMIN_PASSWORD") && m.contains("refused"),
                "{weak}: {m}"
            ),
            Err(other) => panic!("{weak}: refused for another reason: {other}"),
            Ok(_) => panic!("{weak}: a weak first password was accepted"),
        }
        // The refused start wrote no account: the next one still finds the store empty.
        let mut config = infogroups_tests::server::test_config(dir.path());
        config.admin_password = None;
        let again = Server::open(config)
            .await
            .expect("the same directory opens");
        assert!(
            again.generated_admin_password().is_some(),
            "{weak}: an account was written before the refusal"
        );
    }
    // The demo city's accounts pass the same check: seeding it refuses a weak password.
    let server = TestServer::start_default().await.expect("server");
    let accounts = infogroups_server::demo::seed(server.db())
        .await
        .expect("the demo city");
    assert!(accounts.len() >= 10, "{}", accounts.len());
    let demo = infogroups_server::demo::DEMO_PASSWORD;
    assert!(
        infogroups_shared::validate::password_policy("p", demo, &[]).is_ok(),
        "{demo}"
    );
    let sek = login(server.addr(), "sek1", demo)
        .await
        .expect("sek1 signs in");
    assert!(sek.user_id != 0);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sessions_are_purged() {
    let server = TestServer::start(|c| {
        c.clock = Clock::manual(city_ms(d(2026, 4, 6), 12));
        c.token_ttl = Duration::from_secs(3600);
    })
    .await
    .expect("server");
    let _admin = server.admin().await.expect("admin");
    server
        .clock()
        .set_ms(city_ms(d(2026, 4, 6), 12) + 2 * 3_600_000);
    let purged = infogroups_server::sessions::purge_expired(server.db())
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    let fresh = try_login(server.addr(), "admin", ADMIN_PASSWORD)
        .await
        .expect("connect");
    assert!(fresh.is_ok(), "a new login works after the purge");
    server.stop().await.expect("stop");
}

// 6. Least privilege in management --------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_administrator_or_the_head_appoints_a_leader_and_nobody_grants_themselves_pd() {
    let (_server, c) = start(d(2026, 4, 6), |_| {}).await;
    let mut g = c.group_a.clone();
    g.leader_id = c.member_a.user_id;
    g.member_ids = vec![c.leader_a.user_id];
    let request = |g: &pb::Group| pb::UpdateGroupRequest {
        expected_version: version_of(g.meta),
        group: Some(g.clone()),
        reason: "Замена руководителя".into(),
    };
    refused(
        c.leader_a.groups().update_group(request(&g)).await,
        Code::PermissionDenied,
        "",
    );
    // The head appoints, and only that: the people are the leader's to decide.
    refused(
        c.head.groups().update_group(request(&g)).await,
        Code::PermissionDenied,
        "",
    );
    let mut only_leader = c.group_a.clone();
    only_leader.leader_id = c.executor.user_id;
    ok(
        c.head.groups().update_group(request(&only_leader)).await,
        "UpdateGroup by the head",
    );
    // The administrator grants others, never themselves, a role that reads personal data.
    let me = ok(
        c.admin.auth().who_am_i(pb::WhoAmIRequest {}).await,
        "WhoAmI",
    );
    let users = ok(
        c.admin
            .users()
            .list_users(pb::ListUsersRequest::default())
            .await,
        "ListUsers",
    );
    let admin_user = users
        .users
        .iter()
        .find(|u| id_of(u.meta) == me.user_id)
        .expect("admin");
    refused(
        c.admin
            .users()
            .grant_role(pb::GrantRoleRequest {
                user_id: me.user_id,
                expected_version: version_of(admin_user.meta),
                grant: Some(global(Role::GeneralDepartment)),
            })
            .await,
        Code::PermissionDenied,
        "themselves",
    );
}

// 7. Bounded input ------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_is_capped_validated_whatever_its_flags_and_server_fields_are_refused() {
    let today = d(2026, 4, 6);
    let (_server, c) = start(today, |_| {}).await;
    let mut flagged = appeal(c.a(), today);
    flagged.depersonalised = true;
    invalid(
        register(&c.general, flagged, &request_id("f")).await,
        "appeal.depersonalised",
    );
    let mut bidi = appeal(c.a(), today);
    bidi.citizen.as_mut().expect("citizen").surname = "Кравчу\u{202E}кова".into();
    invalid(
        register(&c.general, bidi, &request_id("bidi")).await,
        "appeal.citizen.surname",
    );
    let mut zero_width = appeal(c.a(), today);
    zero_width.citizen.as_mut().expect("citizen").first_name = "Зина\u{200B}ида".into();
    invalid(
        register(&c.general, zero_width, &request_id("zw")).await,
        "appeal.citizen.first_name",
    );
    let many = pb::CreateAssignmentRequest {
        co_executors: (0..10_000u64)
            .map(|i| pb::CoExecutor {
                user_id: 1_000 + i,
                ..Default::default()
            })
            .collect(),
        ..infogroups_tests::fixtures::assignment_request(c.a(), c.executor.user_id)
    };
    invalid(
        c.leader_a.assignments().create_assignment(many).await,
        "co_executors",
    );
    let forged = pb::CreateAssignmentRequest {
        co_executors: vec![pb::CoExecutor {
            user_id: c.executor2.user_id,
            report: "Выполнено".into(),
            reported_at_ms: 1,
            ..Default::default()
        }],
        ..infogroups_tests::fixtures::assignment_request(c.a(), c.executor.user_id)
    };
    invalid(
        c.leader_a.assignments().create_assignment(forged).await,
        "co_executors[0].report",
    );
    let mut server_owned = appeal(c.a(), today);
    server_owned.reception_card_id = 1;
    invalid(
        register(&c.general, server_owned, &request_id("so")).await,
        "appeal.reception_card_id",
    );
}

// 8. Idempotency keys ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_is_scoped_to_the_account_and_the_rpc() {
    let today = d(2026, 4, 6);
    let (_server, c) = start(today, |_| {}).await;
    let key = request_id("shared-key");
    let first = ok(
        register(&c.general, appeal(c.a(), today), &key).await,
        "RegisterAppeal",
    );
    let again = ok(
        register(&c.general, appeal(c.a(), today), &key).await,
        "RegisterAppeal again",
    );
    assert_eq!(
        id_of(again.meta),
        id_of(first.meta),
        "a resend returns the first result"
    );
    let card = ok(
        save_card(&c.leader_a, card(&c, today, 0)).await,
        "SaveReceptionCard",
    );
    let reused = c
        .general
        .appeals()
        .card_to_appeal(pb::CardToAppealRequest {
            request_id: key.clone(),
            card_id: id_of(card.meta),
            expected_version: version_of(card.meta),
        })
        .await;
    invalid(reused, "request_id");
    let other_account = ok(
        register(&c.secretary_a, appeal(c.a(), today), &key).await,
        "RegisterAppeal by another account",
    );
    assert_ne!(id_of(other_account.meta), id_of(first.meta));
}

// 9. No clear text beyond loopback ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serving_beyond_loopback_without_tls_is_refused_without_the_flag() {
    let dir = tempfile::tempdir().expect("dir");
    let config = infogroups_tests::server::test_config(dir.path());
    let server = Server::open(config).await.expect("open");
    // Bound but never connected to: the server refuses before it accepts anything.
    let wide = tokio::net::TcpListener::bind("0.0.0.0:0")
        .await
        .expect("bind");
    let refusal = server
        .serve(wide, tokio_util::sync::CancellationToken::new())
        .await;
    match refusal {
        Err(LaunchError::Insecure(m)) => assert!(m.contains("--insecure-listen"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// 7 (continued). The caps hold at their bounds, for any length ------------------------------------

#[test]
fn a_repeated_field_is_refused_exactly_past_its_cap() {
    use infogroups_shared::validate::caps;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (server, c) = rt.block_on(start(d(2026, 4, 6), |_| {}));
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 48,
        ..Default::default()
    });
    runner
        .run(&(0usize..3 * caps::CO_EXECUTORS), |n| {
            let req = pb::CreateAssignmentRequest {
                // Ids no account has: within the cap the first one is refused by name.
                co_executors: (0..n as u64)
                    .map(|i| pb::CoExecutor {
                        user_id: 1_000_000 + i,
                        ..Default::default()
                    })
                    .collect(),
                ..infogroups_tests::fixtures::assignment_request(c.a(), c.executor.user_id)
            };
            let answer = rt.block_on(c.leader_a.assignments().create_assignment(req));
            let field = answer
                .err()
                .and_then(|s| FieldError::from_status(&s))
                .map(|f| f.field);
            let want = if n > caps::CO_EXECUTORS {
                Some("co_executors".to_string())
            } else if n > 0 {
                Some("co_executors[0].user_id".to_string())
            } else {
                None
            };
            proptest::prop_assert_eq!(field, want, "{} co-executors", n);
            Ok(())
        })
        .expect("the cap holds for every length");
    rt.block_on(server.stop()).expect("stop");
}
