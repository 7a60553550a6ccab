//! Who sees a citizen's personal data: every role × every RPC that returns appeals × appeals of
//! the role's own group, another group, no group, and one made from a reception card the role
//! executes — checked against the table in the README ("Who sees a citizen's personal data"),
//! which this test reads, so the documentation and the server cannot drift apart.
//!
//! `GetAppeal` must show exactly what the table says; `ListAppeals`, `Snapshot` and `Watch` must
//! list the appeal exactly when the table does not say *hidden*, and never with the citizen.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{Days, NaiveDate};
use infogroups_server::Clock;
use infogroups_shared::pb::{self, Role};
use infogroups_tests::answer::ok;
use infogroups_tests::fixtures::{
    add_user, api_date, city_ms, global, id_of, request_id, save_territory, version_of,
};
use infogroups_tests::watch::entity_of;
use infogroups_tests::{Authed, City, STEP, TEST_PASSWORD, TestServer, login};
use tonic::Code;

/// What a role sees of one appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sees {
    Citizen,
    WithoutCitizen,
    Hidden,
}

impl Sees {
    fn parse(cell: &str) -> Self {
        match cell.trim() {
            "citizen" => Sees::Citizen,
            "without citizen" => Sees::WithoutCitizen,
            "hidden" => Sees::Hidden,
            other => panic!("unknown cell {other:?} in the README's table"),
        }
    }
}

/// The columns of the table, in order.
const SCOPES: [&str; 4] = [
    "own group",
    "other group",
    "no group",
    "from a card they execute",
];

/// The README's table: role → what it sees in each scope.
fn readme_table() -> BTreeMap<String, [Sees; 4]> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("### Who sees a citizen's personal data")
        .expect("the README has the section");
    let mut out = BTreeMap::new();
    for line in readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| role"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
    {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert!(cells.len() >= 5, "{line}");
        out.insert(
            cells[0].to_string(),
            [
                Sees::parse(cells[1]),
                Sees::parse(cells[2]),
                Sees::parse(cells[3]),
                Sees::parse(cells[4]),
            ],
        );
    }
    out
}

fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real date")
}

fn citizen(n: u32) -> pb::Citizen {
    pb::Citizen {
        surname: "Матрицына".into(),
        first_name: "Ольга".into(),
        patronymic: String::new(),
        postal_address: format!("ул. Садовая, д. {n}"),
        contact: String::new(),
        workplace: String::new(),
    }
}

fn appeal(group_id: u64, today: NaiveDate, n: u32) -> pb::Appeal {
    pb::Appeal {
        received: Some(api_date(today)),
        channel: pb::Channel::Post as i32,
        kind: pb::AppealKind::Application as i32,
        group_id,
        questions: vec![pb::AppealQuestion {
            classifier_code: "0005.0005.0056.1153".into(),
            r#type: pb::QuestionType::Application as i32,
            ..Default::default()
        }],
        citizen: Some(citizen(n)),
        text: "Прошу починить фонари".into(),
        ..Default::default()
    }
}

async fn register(who: &Authed, a: pb::Appeal) -> pb::Appeal {
    ok(
        who.appeals()
            .register_appeal(pb::RegisterAppealRequest {
                request_id: request_id("m"),
                appeal: Some(a),
                repeated_confirmed: true,
            })
            .await,
        "RegisterAppeal",
    )
}

/// What `GetAppeal` shows.
async fn get(who: &Authed, id: u64) -> Sees {
    match who
        .appeals()
        .get_appeal(pb::GetAppealRequest { appeal_id: id })
        .await
    {
        Ok(a) if a.get_ref().citizen.is_some() => Sees::Citizen,
        Ok(a) => {
            assert!(a.get_ref().depersonalised, "withheld data is marked");
            Sees::WithoutCitizen
        }
        Err(s) if s.code() == Code::NotFound => Sees::Hidden,
        Err(s) => panic!("GetAppeal by {}: {s:?}", who.username),
    }
}

/// The appeals a listing shows, by id, and whether any carried the citizen.
fn listed(appeals: &[pb::Appeal]) -> HashMap<u64, bool> {
    appeals
        .iter()
        .map(|a| (id_of(a.meta), a.citizen.is_some()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_sees_each_appeal_as_the_readmes_table_says_on_every_path() {
    let table = readme_table();
    assert_eq!(table.len(), 10, "one row per role: {:?}", table.keys());
    let today = d(2026, 4, 6);
    let server = TestServer::start(|c| {
        c.clock = Clock::manual(city_ms(today, 12));
        c.token_ttl = Duration::from_secs(24 * 3600);
    })
    .await
    .expect("server");
    let c = City::build(&server).await.expect("city");
    add_user(server.db(), "pdo", &[global(Role::PersonalDataOfficer)])
        .await
        .expect("officer");
    let officer = login(server.addr(), "pdo", TEST_PASSWORD)
        .await
        .expect("login");

    let own = register(&c.general, appeal(c.a(), today, 1)).await;
    let other = register(&c.general, appeal(c.b(), today, 2)).await;
    let none = register(&c.general, appeal(0, today, 3)).await;
    let card = ok(
        c.leader_a
            .appeals()
            .save_reception_card(pb::SaveReceptionCardRequest {
                request_id: request_id("card"),
                expected_version: 0,
                card: Some(pb::ReceptionCard {
                    date: Some(api_date(today)),
                    place: "МБОУ СОШ № 3".into(),
                    group_id: c.a(),
                    received_by: c.leader_a.user_id,
                    citizen: Some(citizen(4)),
                    content: "Не горят фонари".into(),
                    classifier_code: "0005.0005.0056.1153".into(),
                    question_type: pb::QuestionType::Complaint as i32,
                    identity_checked: true,
                    on_control: true,
                    executor_id: c.executor.user_id,
                    deadline: Some(api_date(today + Days::new(10))),
                    ..Default::default()
                }),
            })
            .await,
        "SaveReceptionCard",
    );
    let from_card = ok(
        c.secretary_a
            .appeals()
            .card_to_appeal(pb::CardToAppealRequest {
                request_id: request_id("to-appeal"),
                card_id: id_of(card.meta),
                expected_version: version_of(card.meta),
            })
            .await,
        "CardToAppeal",
    );
    let ids = [own, other, none, from_card].map(|a| id_of(a.meta));
    let marker = id_of(
        save_territory(&c.admin, "Маркер")
            .await
            .expect("marker")
            .meta,
    );

    let roles: [(&str, &Authed); 10] = [
        ("administrator", &c.admin),
        ("head", &c.head),
        ("control sector", &c.control),
        ("general department", &c.general),
        ("population department", &c.population),
        ("group leader", &c.leader_a),
        ("group secretary", &c.secretary_a),
        ("group member", &c.member_a),
        ("executor", &c.executor),
        ("personal-data officer", &officer),
    ];
    let mut cells = 0;
    let mut wrong = Vec::new();
    for (role, who) in roles {
        let expected = table
            .get(role)
            .unwrap_or_else(|| panic!("the README's table has no row {role:?}"));
        let list = ok(
            who.appeals()
                .list_appeals(pb::ListAppealsRequest::default())
                .await,
            "ListAppeals",
        );
        let list = listed(&list.appeals);
        let snapshot = ok(
            who.sync().snapshot(pb::SnapshotRequest {}).await,
            "Snapshot",
        );
        let snapshot = listed(&snapshot.appeals);
        let mut stream = who.watch(0).await.expect("watch");
        let mut watched = HashMap::new();
        loop {
            let ev = infogroups_tests::next_event(&mut stream, STEP)
                .await
                .expect("an event in time");
            if entity_of(&ev) == ("territory", marker) {
                break;
            }
            if let Some(pb::event::Entity::Appeal(a)) = &ev.entity {
                let with = watched.entry(id_of(a.meta)).or_insert(false);
                *with |= a.citizen.is_some();
            }
        }
        drop(stream);
        for (i, id) in ids.iter().enumerate() {
            let want = expected[i];
            let got = get(who, *id).await;
            cells += 1;
            if got != want {
                wrong.push(format!(
                    "{role} / GetAppeal / {}: {got:?}, not {want:?}",
                    SCOPES[i]
                ));
            }
            for (rpc, seen) in [
                ("ListAppeals", &list),
                ("Snapshot", &snapshot),
                ("Watch", &watched),
            ] {
                cells += 1;
                let got = match seen.get(id) {
                    None => Sees::Hidden,
                    Some(true) => Sees::Citizen,
                    Some(false) => Sees::WithoutCitizen,
                };
                let want = if want == Sees::Hidden {
                    Sees::Hidden
                } else {
                    Sees::WithoutCitizen
                };
                // A bound executor reads the appeal it works on directly; lists follow the group.
                let lists_follow_group = role == "executor" && i == 3;
                let want = if lists_follow_group {
                    Sees::Hidden
                } else {
                    want
                };
                if got != want {
                    wrong.push(format!(
                        "{role} / {rpc} / {}: {got:?}, not {want:?}",
                        SCOPES[i]
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    println!("pd matrix: {cells} cells checked (10 roles × 4 appeals × 4 RPCs), 0 differ");
    server.stop().await.expect("stop");
}
