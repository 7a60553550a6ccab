//! The demo city: a realistic Novoshakhtinsk with users for every role, groups, territories,
//! venues, departments, meetings and assignments in every state, so that a newcomer sees every
//! screen populated. Used by `infogroups --demo` and by the benchmarks.

use chrono::{Days, NaiveDate};
use infogroups_shared::pb::{self, AssignmentStatus as S, MeetingStatus as M, Role};
use infogroups_shared::{city_time, validate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::accounts;
use crate::auth;
use crate::db::Db;
use crate::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::services::assignments::set_status;
use crate::services::groups::stage_new_group;

/// The password of every demo account except `admin`.
pub const DEMO_PASSWORD: &str = "demo1234";

/// A demo account as the login screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// The role shown beside it, in Russian.
    pub role_ru: String,
    /// The role shown beside it, in English.
    pub role_en: String,
}

const TERRITORIES: [(&str, pb::TerritoryKind, &str); 12] = [
    (
        "микрорайон Центральный",
        pb::TerritoryKind::Microdistrict,
        "освещение дворов, парковки",
    ),
    (
        "микрорайон Молодёжный",
        pb::TerritoryKind::Microdistrict,
        "детские площадки, ТКО",
    ),
    (
        "микрорайон Лиманный",
        pb::TerritoryKind::Microdistrict,
        "дороги, водоотведение",
    ),
    (
        "микрорайон Северный",
        pb::TerritoryKind::Microdistrict,
        "капремонт домов",
    ),
    (
        "посёлок Соколово-Кундрюченский",
        pb::TerritoryKind::Settlement,
        "водоснабжение, подтопления",
    ),
    (
        "посёлок Новая Соколовка",
        pb::TerritoryKind::Settlement,
        "газификация, транспорт",
    ),
    (
        "посёлок Западный",
        pb::TerritoryKind::Settlement,
        "аварийные дома шахт",
    ),
    (
        "посёлок Несветай",
        pb::TerritoryKind::Settlement,
        "свалки, освещение",
    ),
    (
        "посёлок Пчеловодный",
        pb::TerritoryKind::Settlement,
        "дороги, автобус",
    ),
    (
        "посёлок Радио",
        pb::TerritoryKind::Settlement,
        "водоснабжение",
    ),
    (
        "посёлок Самбек",
        pb::TerritoryKind::Settlement,
        "переселение из ветхого жилья",
    ),
    (
        "посёлок Комиссаровка",
        pb::TerritoryKind::Other,
        "покос, освещение",
    ),
];

const DEPARTMENTS: [(&str, &str); 8] = [
    ("Управление ЖКХ", "УЖКХ"),
    ("Отдел благоустройства", "ОБ"),
    ("Отдел транспорта и связи", "ОТС"),
    ("Управление социальной защиты населения", "УСЗН"),
    ("Управление образования", "УО"),
    ("Отдел культуры", "ОК"),
    ("Отдел архитектуры и градостроительства", "ОАиГ"),
    ("Отдел по вопросам шахтёрских посёлков", "ОШП"),
];

const TASKS: [&str; 16] = [
    "Организовать ремонт уличного освещения по ул. Шахтёрской",
    "Принять меры по ликвидации несанкционированной свалки у балки",
    "Проверить соблюдение графика вывоза ТКО",
    "Подготовить информацию о сроках капитального ремонта дома по ул. Ленина, 12",
    "Обследовать состояние дороги по пер. Садовому и определить объём ямочного ремонта",
    "Принять меры по восстановлению водоснабжения по ул. Советской",
    "Организовать покос сорной растительности на пустыре",
    "Рассмотреть обращение жителей о переселении из аварийного дома",
    "Провести проверку работы управляющей компании",
    "Рассмотреть вопрос об установке дорожного знака у школы № 5",
    "Изменить расписание автобусного маршрута № 7 в выходные дни",
    "Рассмотреть вопрос об установке детской площадки во дворе",
    "Организовать очистку ливневой канализации",
    "Представить сведения о ходе газификации посёлка",
    "Проверить состояние контейнерной площадки",
    "Организовать встречу с представителями ресурсоснабжающей организации",
];

const SURNAMES: [&str; 30] = [
    "Иванова",
    "Петров",
    "Сидоренко",
    "Кузнецова",
    "Смирнов",
    "Васильева",
    "Попов",
    "Морозова",
    "Волков",
    "Соколова",
    "Лебедев",
    "Козлова",
    "Новиков",
    "Егорова",
    "Павлов",
    "Орлова",
    "Семёнов",
    "Голубева",
    "Виноградов",
    "Богданова",
    "Воробьёв",
    "Фёдорова",
    "Михайлов",
    "Белова",
    "Тарасов",
    "Белоусова",
    "Комаров",
    "Киселёва",
    "Макаров",
    "Андреева",
];

const INITIALS: [&str; 10] = [
    "А. В.", "Н. П.", "С. И.", "Е. А.", "В. Г.", "О. Н.", "И. С.", "Т. М.", "М. Ю.", "Л. Д.",
];

fn date_field(d: NaiveDate) -> Option<pb::Date> {
    Some(validate::from_naive(d))
}

/// Fills an empty store with the demo city. Returns the demo accounts (all with
/// [`DEMO_PASSWORD`], except `admin`, whose password the server was configured with).
pub async fn seed(db: &Db) -> ApiResult<Vec<DemoAccount>> {
    if !db.all::<pb::Group>()?.is_empty() {
        return Err(ApiError::precondition(
            "демо-город уже создан",
            "the demo city already exists",
        ));
    }
    let phc = tokio::task::spawn_blocking(|| auth::hash_password(DEMO_PASSWORD))
        .await
        .map_err(|_| ApiError::ShuttingDown)??;
    let today = city_time::date_at(db.clock().now_ms());
    let mut rng = StdRng::seed_from_u64(20_260_131);
    let mut accounts_out = vec![DemoAccount {
        username: "admin".into(),
        full_name: "Администратор".into(),
        role_ru: "Администратор".into(),
        role_en: "Administrator".into(),
    }];
    db.write(0, |tx| {
        let mut territories = Vec::new();
        for (name, kind, problems) in TERRITORIES {
            let t = tx.create(
                pb::Territory {
                    name: name.into(),
                    kind: kind as i32,
                    known_problems: problems.into(),
                    ..Default::default()
                },
                None,
            )?;
            territories.push(t.meta().id);
        }
        for (i, (name, kind)) in [
            ("МБОУ СОШ № 3", pb::VenueKind::Education),
            ("МБОУ СОШ № 24", pb::VenueKind::Education),
            ("Дворец культуры им. Ленина", pb::VenueKind::Culture),
            ("Клуб посёлка Западный", pb::VenueKind::Culture),
            ("Библиотека № 5", pb::VenueKind::Culture),
            ("Двор дома ул. Харьковская, 10", pb::VenueKind::Other),
        ]
        .into_iter()
        .enumerate()
        {
            tx.create(
                pb::Venue {
                    name: name.into(),
                    address: format!("г. Новошахтинск, ул. Примерная, {}", i + 1),
                    kind: kind as i32,
                    capacity: 80 + 20 * i as u32,
                    contact_person: format!("{} {}", SURNAMES[i], INITIALS[i]),
                    territory_id: territories[i * 2 % territories.len()],
                    ..Default::default()
                },
                None,
            )?;
        }
        for (name, kind) in [
            ("Новошахтинская городская Дума", pb::OrganisationKind::Duma),
            (
                "Прокуратура г. Новошахтинска",
                pb::OrganisationKind::Prosecutor,
            ),
            (
                "ОМВД России по г. Новошахтинску",
                pb::OrganisationKind::Police,
            ),
            ("Газета «Знамя шахтёра»", pb::OrganisationKind::Media),
            ("ООО «Водоканал»", pb::OrganisationKind::Utility),
        ] {
            tx.create(
                pb::Organisation {
                    name: name.into(),
                    kind: kind as i32,
                    ..Default::default()
                },
                None,
            )?;
        }
        let mut departments = Vec::new();
        for (name, short) in DEPARTMENTS {
            let d = tx.create(
                pb::Department {
                    name: name.into(),
                    short_name: short.into(),
                    ..Default::default()
                },
                None,
            )?;
            departments.push(d.meta().id);
        }
        let mut person = 0usize;
        let mut new_user = |tx: &mut crate::db::Tx<'_>,
                            username: String,
                            position: &str,
                            department_id: u64,
                            roles: Vec<pb::RoleGrant>|
         -> ApiResult<pb::User> {
            let full_name = format!(
                "{} {}",
                SURNAMES[person % SURNAMES.len()],
                INITIALS[person % INITIALS.len()]
            );
            person += 1;
            accounts::stage_new(
                tx,
                &pb::CreateUserRequest {
                    username,
                    full_name,
                    position: position.into(),
                    department_id,
                    roles,
                    ..Default::default()
                },
                phc.clone(),
            )
        };
        let global = |r: Role| {
            vec![pb::RoleGrant {
                role: r as i32,
                group_id: 0,
            }]
        };
        let mut listed = Vec::new();
        for (username, position, role) in [
            ("glava", "Глава Администрации города", Role::Head),
            (
                "kontrol",
                "Заведующий контрольно-организационным сектором",
                Role::ControlSector,
            ),
            ("obshiy", "Начальник общего отдела", Role::GeneralDepartment),
            (
                "naselenie",
                "Начальник отдела по работе с населением",
                Role::PopulationDepartment,
            ),
        ] {
            let u = new_user(tx, username.into(), position, 0, global(role))?;
            listed.push((u, role));
        }
        let mut executors = Vec::new();
        for (i, dep) in departments.iter().enumerate() {
            let u = new_user(
                tx,
                format!("isp{}", i + 1),
                &format!("начальник: {}", DEPARTMENTS[i].0),
                *dep,
                global(Role::Executor),
            )?;
            if i < 2 {
                listed.push((u.clone(), Role::Executor));
            }
            executors.push(u);
        }
        let mut groups = Vec::new();
        for n in 1..=6u32 {
            let leader = new_user(
                tx,
                format!("ruk{n}"),
                "заместитель главы Администрации",
                0,
                vec![],
            )?;
            let secretary = new_user(tx, format!("sek{n}"), "ведущий специалист", 0, vec![])?;
            let member = new_user(tx, format!("chlen{n}"), "специалист", 0, vec![])?;
            let exec_member = executors[(n as usize) % executors.len()].meta().id;
            let t1 = territories[((n - 1) * 2) as usize];
            let t2 = territories[((n - 1) * 2 + 1) as usize];
            let g = stage_new_group(
                tx,
                pb::Group {
                    number: n,
                    name: format!("Информационная группа № {n}"),
                    territory_ids: vec![t1, t2],
                    leader_id: leader.meta().id,
                    secretary_id: secretary.meta().id,
                    member_ids: vec![member.meta().id, exec_member],
                    ..Default::default()
                },
                &format!("demo-group-{n}"),
            )?;
            if n <= 2 {
                listed.push((leader.clone(), Role::GroupLeader));
                listed.push((secretary.clone(), Role::GroupSecretary));
            }
            if n == 1 {
                listed.push((member.clone(), Role::GroupMember));
            }
            groups.push((g, leader.meta().id, secretary.meta().id, [t1, t2]));
        }
        for (u, role) in &listed {
            accounts_out.push(DemoAccount {
                username: u.username.clone(),
                full_name: u.full_name.clone(),
                role_ru: infogroups_shared::names::role(infogroups_shared::names::Lang::Ru, *role)
                    .into(),
                role_en: infogroups_shared::names::role(infogroups_shared::names::Lang::En, *role)
                    .into(),
            });
        }
        // A year of meetings per group, oldest first, in every state.
        for (g, _, _, terr) in &groups {
            for k in 0..6u64 {
                let date = today
                    .checked_sub_days(Days::new(330 - k * 60))
                    .unwrap_or(today);
                let status = match k {
                    0 | 1 => M::ResultsPublished,
                    2 => M::HandedOver,
                    3 => M::ProtocolSigned,
                    4 => M::ProtocolDrafted,
                    _ => M::Planned,
                };
                let date = if status == M::Planned {
                    today
                        .checked_add_days(Days::new(12 + g.number as u64))
                        .unwrap_or(today)
                } else {
                    date
                };
                tx.create(
                    pb::Meeting {
                        group_id: g.meta().id,
                        territory_id: terr[(k % 2) as usize],
                        date: date_field(date),
                        time: "17:00".into(),
                        status: status as i32,
                        ..Default::default()
                    },
                    None,
                )?;
            }
        }
        let now = tx.now_ms();
        for i in 0..300usize {
            let (g, leader, secretary, terr) = &groups[i % groups.len()];
            let executor = &executors[rng.random_range(0..executors.len())];
            let roll: u32 = rng.random_range(0..100);
            let (status, deadline_offset): (S, i64) = match roll {
                0..40 => (S::InProgress, rng.random_range(0..30)),
                40..50 => (S::ReportSubmitted, rng.random_range(-3..10)),
                50..75 => (S::DoneOnTime, rng.random_range(-120..-5)),
                75..83 => (S::DoneLate, rng.random_range(-120..-10)),
                83..88 => (S::Returned, rng.random_range(1..15)),
                88..96 => (S::Overdue, rng.random_range(-25..-1)),
                _ => (S::Removed, rng.random_range(-60..0)),
            };
            let deadline = if deadline_offset >= 0 {
                today.checked_add_days(Days::new(deadline_offset as u64))
            } else {
                today.checked_sub_days(Days::new(deadline_offset.unsigned_abs()))
            }
            .unwrap_or(today);
            let issued = deadline
                .checked_sub_days(Days::new(rng.random_range(10..40)))
                .unwrap_or(deadline);
            let year = issued.format("%Y").to_string();
            let n = tx.next_number(&format!("assignment/{year}"))?;
            let mut a = pb::Assignment {
                number: format!("{year}/{n:04}"),
                text: TASKS[rng.random_range(0..TASKS.len())].into(),
                kind: if roll.is_multiple_of(9) {
                    pb::AssignmentKind::InfoRequest
                } else {
                    pb::AssignmentKind::Task
                } as i32,
                basis: Some(pb::Basis {
                    kind: pb::BasisKind::ProtocolDecision as i32,
                    ..Default::default()
                }),
                group_id: g.meta().id,
                territory_id: terr[i % 2],
                issuer_id: *leader,
                executor_id: executor.meta().id,
                controller_id: *secretary,
                issued: date_field(issued),
                deadline: Some(pb::Deadline {
                    date: date_field(deadline),
                    predicted: false,
                }),
                department_id: executor.department_id,
                ..Default::default()
            };
            let issued_ms = city_time::midnight_ms(issued) + 10 * 3_600_000;
            set_status(&mut a, S::InProgress, *leader, issued_ms, "");
            if matches!(
                status,
                S::ReportSubmitted | S::DoneOnTime | S::DoneLate | S::Returned
            ) {
                let report_day = match status {
                    S::DoneLate => deadline.checked_add_days(Days::new(3)).unwrap_or(deadline),
                    S::ReportSubmitted => today.min(deadline),
                    _ => deadline.checked_sub_days(Days::new(2)).unwrap_or(deadline),
                };
                let at = (city_time::midnight_ms(report_day) + 12 * 3_600_000).min(now);
                a.reports.push(pb::ExecutionReport {
                    by_user_id: executor.meta().id,
                    text: "Работы выполнены, фотоотчёт приложен.".into(),
                    at_ms: at,
                });
                set_status(&mut a, S::ReportSubmitted, executor.meta().id, at, "");
            }
            if status != S::InProgress && status != S::ReportSubmitted {
                let by = if status == S::Overdue { 0 } else { *secretary };
                set_status(
                    &mut a,
                    status,
                    by,
                    now.min(city_time::midnight_ms(deadline) + 86_400_000),
                    "",
                );
            }
            tx.create(a, None)?;
        }
        Ok(())
    })
    .await?;
    Ok(accounts_out)
}
