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
pub const DEMO_PASSWORD: &str = "shakhty-demo-2026";

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

/// The venues, one per territory of [`TERRITORIES`]: name, kind, address.
const VENUES: [(&str, pb::VenueKind, &str); 12] = [
    (
        "Дворец культуры им. Ленина",
        pb::VenueKind::Culture,
        "ул. Ленина, 27",
    ),
    (
        "МБОУ СОШ № 3",
        pb::VenueKind::Education,
        "ул. Молодёжная, 8",
    ),
    (
        "МБОУ СОШ № 24",
        pb::VenueKind::Education,
        "ул. Лиманная, 14",
    ),
    ("Библиотека № 5", pb::VenueKind::Culture, "ул. Северная, 3"),
    (
        "Дом культуры пос. Соколово-Кундрюченский",
        pb::VenueKind::Culture,
        "пос. Соколово-Кундрюченский, ул. Шахтёрская, 2",
    ),
    (
        "МБОУ СОШ № 14",
        pb::VenueKind::Education,
        "пос. Новая Соколовка, ул. Школьная, 1",
    ),
    (
        "Клуб посёлка Западный",
        pb::VenueKind::Culture,
        "пос. Западный, ул. Горняцкая, 1",
    ),
    (
        "МБОУ ООШ № 16",
        pb::VenueKind::Education,
        "пос. Несветай, ул. Садовая, 5",
    ),
    (
        "Сельский клуб пос. Пчеловодный",
        pb::VenueKind::Culture,
        "пос. Пчеловодный, ул. Мира, 4",
    ),
    (
        "Библиотека-филиал № 9",
        pb::VenueKind::Culture,
        "пос. Радио, ул. Победы, 2",
    ),
    (
        "МБОУ СОШ № 27",
        pb::VenueKind::Education,
        "пос. Самбек, ул. Советская, 11",
    ),
    (
        "Двор дома по ул. Харьковской, 10",
        pb::VenueKind::Other,
        "пос. Комиссаровка, ул. Харьковская, 10",
    ),
];

/// What residents raise, each with the classifier question it belongs to, and the decision and
/// assignment a meeting takes on it.
const TOPICS: [(&str, &str, &str); 12] = [
    (
        "Перебои с электроснабжением домов по ул. Шахтёрской по вечерам",
        "0005.0005.0056.1153",
        "Обратиться в сетевую организацию о замене трансформатора на ул. Шахтёрской",
    ),
    (
        "Нет холодной воды в домах по ул. Советской третий день",
        "0005.0005.0056.1154",
        "Принять меры по восстановлению водоснабжения по ул. Советской",
    ),
    (
        "Низкое давление газа в частном секторе посёлка",
        "0005.0005.0056.1155",
        "Запросить у газораспределительной организации график работ по давлению газа",
    ),
    (
        "Холодные батареи в доме по ул. Ленина, 12",
        "0005.0005.0056.1156",
        "Проверить работу теплоснабжающей организации по дому ул. Ленина, 12",
    ),
    (
        "Засор канализации и подтопление подвала дома по ул. Мира, 7",
        "0005.0005.0056.1157",
        "Организовать прочистку канализации и откачку подвала по ул. Мира, 7",
    ),
    (
        "Нарушается график вывоза ТКО с контейнерной площадки",
        "0005.0005.0056.1160",
        "Проверить соблюдение графика вывоза ТКО региональным оператором",
    ),
    (
        "Несанкционированная свалка у балки за ул. Горняцкой",
        "0005.0005.0056.1161",
        "Принять меры по ликвидации несанкционированной свалки у балки",
    ),
    (
        "Управляющая компания не отвечает на заявки жителей",
        "0005.0005.0056.1164",
        "Провести проверку работы управляющей компании",
    ),
    (
        "Не убираются подъезды и придомовая территория",
        "0005.0005.0056.1168",
        "Обязать управляющую компанию восстановить уборку подъездов",
    ),
    (
        "Когда будет капитальный ремонт кровли дома по ул. Победы, 5",
        "0005.0005.0056.1170",
        "Подготовить информацию о сроках капитального ремонта кровли по ул. Победы, 5",
    ),
    (
        "Переселение из домов, ставших непригодными от горных работ шахты",
        "0005.0005.0055.1138",
        "Представить сведения о ходе переселения с ветхого жилья ликвидированных шахт",
    ),
    (
        "Переселение из аварийного дома по ул. Комсомольской, 3",
        "0005.0005.0055.1122",
        "Рассмотреть обращение жителей о переселении из аварийного дома",
    ),
];

/// The hours meetings start at: after work on weekdays, with a few in the daytime.
const HOURS: [(&str, &str); 6] = [
    ("17:00", "18:40"),
    ("17:30", "19:00"),
    ("18:00", "19:30"),
    ("16:00", "17:30"),
    ("11:00", "12:30"),
    ("15:00", "16:20"),
];

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
        // One venue on each territory, mostly schools and culture houses (3.2).
        let mut venues = Vec::new();
        for (i, (name, kind, address)) in VENUES.into_iter().enumerate() {
            let v = tx.create(
                pb::Venue {
                    name: name.into(),
                    address: format!("г. Новошахтинск, {address}"),
                    kind: kind as i32,
                    capacity: 60 + 20 * (i as u32 % 5),
                    contact_person: format!(
                        "{} {}",
                        SURNAMES[(i + 17) % SURNAMES.len()],
                        INITIALS[i % INITIALS.len()]
                    ),
                    territory_id: territories[i % territories.len()],
                    ..Default::default()
                },
                None,
            )?;
            venues.push(v.meta().id);
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
            let req = pb::CreateUserRequest {
                username,
                password: DEMO_PASSWORD.into(),
                full_name,
                position: position.into(),
                department_id,
                roles,
                ..Default::default()
            };
            // Demo accounts pass the same checks, the password policy included, as any other.
            accounts::validate_new(&req)?;
            accounts::stage_new(tx, &req, phc.clone())
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
                    // The groups work since the resolution of 31.01.2020 № 44.
                    formed: NaiveDate::from_ymd_opt(2020, 1, 31).map(validate::from_naive),
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
        let people = DemoPeople {
            groups: groups.clone(),
            executors: executors
                .iter()
                .map(|e| (e.meta().id, e.department_id))
                .collect(),
            venues,
            organisations: tx_ids::<pb::Organisation>(tx, 5),
        };
        seed_meetings(tx, &people, today)?;
        seed_assignments(tx, &people, today, &mut rng)?;
        seed_appeals(tx, &people, today, &mut rng)?;
        Ok(())
    })
    .await?;
    Ok(accounts_out)
}

/// Who and what the generated records refer to.
struct DemoPeople {
    /// Each group with its leader, secretary and two territories.
    groups: Vec<(pb::Group, u64, u64, [u64; 2])>,
    /// Executors with their departments.
    executors: Vec<(u64, u64)>,
    /// Venue ids, one per territory in the order of [`TERRITORIES`].
    venues: Vec<u64>,
    /// Outside organisations' ids: the Duma, the prosecutor's office, the police, the paper, the
    /// water company.
    organisations: Vec<u64>,
}

/// The ids `1..=n` of a kind just created in this write.
fn tx_ids<E: Entity>(tx: &crate::db::Tx<'_>, n: u64) -> Vec<u64> {
    (1..=n)
        .filter(|id| matches!(tx.get::<E>(*id), Ok(Some(_))))
        .collect()
}

fn days_from(today: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        today.checked_add_days(Days::new(offset as u64))
    } else {
        today.checked_sub_days(Days::new(offset.unsigned_abs()))
    }
    .unwrap_or(today)
}

/// The working day at or before (`back`) or at or after `date`: meetings are held on working
/// days only — never on a Sunday, on 7 January or on any other day off.
fn working_day(
    cal: &infogroups_shared::calendar::ProductionCalendar,
    mut date: NaiveDate,
    back: bool,
) -> NaiveDate {
    for _ in 0..30 {
        if cal.is_working_day(date) {
            break;
        }
        date = days_from(date, if back { -1 } else { 1 });
    }
    date
}

/// The days of one group's meetings, `offsets` days from `today` in ascending order, each moved
/// to a working day — and, where two past ones would then fall on the same day (the day before
/// and three days before a Monday are both the Friday), the earlier one moved to the working day
/// before, so a group never holds two meetings on one day.
fn meeting_days(
    cal: &infogroups_shared::calendar::ProductionCalendar,
    today: NaiveDate,
    offsets: &[i64],
) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = offsets
        .iter()
        .map(|&offset| working_day(cal, days_from(today, offset), offset < 0))
        .collect();
    for k in (0..days.len().saturating_sub(1)).rev() {
        if days[k] >= days[k + 1] {
            days[k] = working_day(cal, days_from(days[k + 1], -1), true);
        }
    }
    days
}

/// The outside participants of a meeting (3.5.4, 3.8.2): a Duma deputy, the prosecutor's office,
/// the police and the city paper, in the states a meeting of that age has.
fn participants(p: &DemoPeople, k: usize, held: bool, notified: bool) -> Vec<pb::Participant> {
    let org = |n: usize| p.organisations.get(n).copied().unwrap_or(0);
    let (attended, confirmed) = (
        pb::ParticipantStatus::Attended,
        pb::ParticipantStatus::Confirmed,
    );
    let came = |yes: bool| {
        if held && yes {
            attended
        } else if notified {
            confirmed
        } else {
            pb::ParticipantStatus::Invited
        }
    };
    vec![
        pb::Participant {
            index: 1,
            organisation_id: org(0),
            position: "депутат Новошахтинской городской Думы".into(),
            name: format!(
                "{} {}",
                SURNAMES[(k + 3) % SURNAMES.len()],
                INITIALS[k % INITIALS.len()]
            ),
            status: came(true) as i32,
            ..Default::default()
        },
        pb::Participant {
            index: 2,
            organisation_id: org(1),
            position: "помощник прокурора города".into(),
            name: format!(
                "{} {}",
                SURNAMES[(k + 9) % SURNAMES.len()],
                INITIALS[(k + 2) % INITIALS.len()]
            ),
            status: if k.is_multiple_of(3) {
                pb::ParticipantStatus::Declined
            } else {
                came(true)
            } as i32,
            ..Default::default()
        },
        pb::Participant {
            index: 3,
            organisation_id: org(2),
            position: "участковый уполномоченный полиции".into(),
            name: format!(
                "{} {}",
                SURNAMES[(k + 12) % SURNAMES.len()],
                INITIALS[(k + 4) % INITIALS.len()]
            ),
            status: came(k.is_multiple_of(2)) as i32,
            ..Default::default()
        },
        pb::Participant {
            index: 4,
            organisation_id: org(3),
            position: "корреспондент".into(),
            name: format!(
                "{} {}",
                SURNAMES[(k + 21) % SURNAMES.len()],
                INITIALS[(k + 6) % INITIALS.len()]
            ),
            status: came(true) as i32,
            media: true,
            ..Default::default()
        },
    ]
}

/// A year of meetings per group in every state, on working days at the hours offices keep, on
/// the venue of their territory, with invited participants, protocols whose questions carry the
/// classifier question they are about, decisions linked to the assignments issued on them,
/// reception cards of the personal reception, handovers and publications.
fn seed_meetings(tx: &mut crate::db::Tx<'_>, p: &DemoPeople, today: NaiveDate) -> ApiResult<()> {
    let cal = infogroups_shared::calendar::ProductionCalendar::new();
    let now = tx.now_ms();
    for (i, (g, leader, secretary, terr)) in p.groups.iter().enumerate() {
        let steps: [(i64, M); 9] = [
            (-330, M::ResultsPublished),
            (-270, M::ResultsPublished),
            (-200, M::ResultsPublished),
            (-130, M::HandedOver),
            (-60, M::ProtocolSigned),
            (-3, M::AwaitingSignature),
            (-1, M::Held),
            (10 + i as i64, M::Announced),
            (40 + i as i64, M::Planned),
        ];
        let days = meeting_days(&cal, today, &steps.map(|(offset, _)| offset));
        for (k, ((_, status), date)) in steps.into_iter().zip(days).enumerate() {
            let held = infogroups_shared::meeting::was_held(status);
            let signed = infogroups_shared::meeting::is_signed(status);
            let sent = signed || status == M::AwaitingSignature;
            let due = cal.fifth_working_day_after(date);
            let handed = infogroups_shared::meeting::reached(status, M::HandedOver);
            let handed_day = working_day(&cal, days_from(date, if k == 1 { 9 } else { 4 }), false);
            let (start, end) = HOURS[(i * 3 + k) % HOURS.len()];
            // The venue on the meeting's own territory.
            let territory = terr[k % 2];
            let venue = p.venues[(i * 2 + k % 2) % p.venues.len()];
            let topics: Vec<&(&str, &str, &str)> = (0..3)
                .map(|q| &TOPICS[(i * 5 + k * 3 + q) % TOPICS.len()])
                .collect();
            let notified = status != M::Planned;
            let invited = participants(p, i + k, held, notified);
            let protocol = held.then(|| pb::Protocol {
                number: format!("{}-{}/{}", g.number, date.format("%Y"), k + 1),
                start_time: start.into(),
                end_time: end.into(),
                residents_attending: 25 + (i as u32 * 7 + k as u32 * 5) % 60,
                members_present: vec![*leader, *secretary],
                participants_present: invited
                    .iter()
                    .filter(|x| x.status == pb::ParticipantStatus::Attended as i32)
                    .map(|x| x.index)
                    .collect(),
                information_given: "О ходе благоустройства, ремонта дорог и подготовки к отопительному сезону на территории.".into(),
                questions: topics
                    .iter()
                    .enumerate()
                    .map(|(q, (text, code, _))| {
                        let mode = [
                            pb::AnswerMode::OnTheSpot,
                            pb::AnswerMode::Explained,
                            pb::AnswerMode::OnControl,
                        ][q % 3];
                        pb::RaisedQuestion {
                            substance: (*text).into(),
                            classifier_code: (*code).into(),
                            answer_mode: mode as i32,
                            answer: match mode {
                                pb::AnswerMode::OnTheSpot => "Дан ответ на месте.".into(),
                                pb::AnswerMode::Explained => "Даны разъяснения о порядке и сроках.".into(),
                                _ => "Взято на контроль, дано поручение.".into(),
                            },
                            appeal_id: 0,
                        }
                    })
                    .collect(),
                // The question taken on control becomes the meeting's decision.
                decisions: vec![pb::Decision {
                    text: topics[2].2.into(),
                    assignment_ids: vec![],
                }],
                // Held for a day with the secretary, then sent for signature.
                sent_by: if sent { *secretary } else { 0 },
                sent_at_ms: if sent {
                    city_time::midnight_ms(working_day(&cal, days_from(date, 1), false))
                        + 9 * 3_600_000
                } else {
                    0
                },
                signed_by: if signed { *leader } else { 0 },
                signed_at_ms: if signed {
                    city_time::midnight_ms(working_day(&cal, days_from(date, 1), false))
                        + 11 * 3_600_000
                } else {
                    0
                },
                ..Default::default()
            });
            let published_results = status == M::ResultsPublished;
            let mut meeting = pb::Meeting {
                group_id: g.meta().id,
                territory_id: territory,
                venue_id: if status == M::Planned { 0 } else { venue },
                date: date_field(date),
                time: start.into(),
                status: status as i32,
                venue_agreement: notified.then(|| pb::VenueAgreement {
                    status: pb::AgreementStatus::Agreed as i32,
                    contact: "директор учреждения".into(),
                    date: date_field(working_day(&cal, days_from(date, -14), true).min(today)),
                    other_kind_reason: if p.venues.last() == Some(&venue) {
                        "в посёлке нет учреждения образования или культуры".into()
                    } else {
                        String::new()
                    },
                }),
                participants: invited,
                notifications: if notified {
                    vec![pb::NotificationRecord {
                        user_id: *secretary,
                        participant_index: 0,
                        at_ms: city_time::midnight_ms(days_from(date, -10).min(today))
                            + 10 * 3_600_000,
                        reason: "оповещение".into(),
                    }]
                } else {
                    vec![]
                },
                checklist: [
                    "Помещение подготовлено",
                    "Звукоусиление",
                    "Лист регистрации участников",
                ]
                .iter()
                .map(|t| pb::ChecklistItem {
                    title: (*t).into(),
                    done: notified,
                    responsible: String::new(),
                })
                .collect(),
                informing: Some(pb::InformingTask {
                    done: notified,
                    method: if notified {
                        "объявления на подъездах, социальные сети".into()
                    } else {
                        String::new()
                    },
                    date: notified.then(|| validate::from_naive(days_from(date, -7).min(today))),
                    recorded_by: 0,
                }),
                publications: vec![
                    pb::Publication {
                        kind: pb::PublicationKind::Announcement as i32,
                        draft_text: format!(
                            "Выездная встреча информационной группы № {} состоится {}",
                            g.number,
                            city_time::ru_date(date)
                        ),
                        published: infogroups_shared::meeting::reached(status, M::Announced),
                        place: "официальный сайт Администрации".into(),
                        // Posted a week ahead, or today for a meeting sooner than that.
                        date: date_field(days_from(date, -7).min(today)),
                        link: String::new(),
                    },
                    pb::Publication {
                        kind: pb::PublicationKind::Results as i32,
                        draft_text: String::new(),
                        published: published_results,
                        place: if published_results {
                            "официальный сайт Администрации".into()
                        } else {
                            String::new()
                        },
                        date: if published_results {
                            date_field(days_from(handed_day, 2).min(today))
                        } else {
                            None
                        },
                        link: String::new(),
                    },
                ],
                protocol,
                handover: Some(pb::Handover {
                    due: Some(pb::Deadline {
                        date: date_field(due.date),
                        predicted: due.predicted,
                    }),
                    handed_at_ms: if handed {
                        city_time::midnight_ms(handed_day) + 10 * 3_600_000
                    } else {
                        0
                    },
                    late: handed && handed_day > due.date,
                    acknowledged_at_ms: if handed {
                        city_time::midnight_ms(working_day(&cal, days_from(handed_day, 1), false))
                            + 10 * 3_600_000
                    } else {
                        0
                    },
                    acknowledged_by: 0,
                    returns: Vec::new(),
                }),
                ..Default::default()
            };
            // The texts the general department will copy, drafted as the service drafts them.
            crate::services::meetings::refresh_drafts(tx, &mut meeting)?;
            let mut meeting = tx.create(meeting, None)?;
            if !held {
                continue;
            }
            let meeting_id = meeting.meta().id;
            // The personal reception at the meeting (3.5.6, 3.8.4): one answered orally, one
            // put on control.
            let mut cards = Vec::new();
            for (c, (text, code, _)) in topics.iter().take(2).enumerate() {
                let on_control = c == 1;
                let n = i * 20 + k * 2 + c;
                let card = tx.create(
                    pb::ReceptionCard {
                        date: date_field(date),
                        place: VENUES[(i * 2 + k % 2) % VENUES.len()].0.into(),
                        meeting_id,
                        group_id: g.meta().id,
                        received_by: *leader,
                        citizen: Some(pb::Citizen {
                            surname: SURNAMES[n % SURNAMES.len()].into(),
                            first_name: first_name_for(SURNAMES[n % SURNAMES.len()], n).into(),
                            patronymic: String::new(),
                            postal_address: format!(
                                "г. Новошахтинск, ул. {}, д. {}",
                                STREETS[n % STREETS.len()],
                                1 + n % 60
                            ),
                            contact: format!("+7 863 69{:05}", 10_000 + n * 37),
                            workplace: String::new(),
                        }),
                        content: (*text).into(),
                        classifier_code: (*code).into(),
                        question_type: pb::QuestionType::Application as i32,
                        identity_checked: true,
                        oral_answer_given: !on_control,
                        oral_answer: if on_control {
                            String::new()
                        } else {
                            "Разъяснён порядок обращения в управляющую компанию.".into()
                        },
                        result: if on_control {
                            pb::QuestionResult::InProgress
                        } else {
                            pb::QuestionResult::Explained
                        } as i32,
                        on_control,
                        executor_id: if on_control {
                            p.executors[(i + k) % p.executors.len()].0
                        } else {
                            0
                        },
                        deadline: on_control.then(|| {
                            validate::from_naive(working_day(&cal, days_from(date, 30), false))
                        }),
                        territory_id: territory,
                        ..Default::default()
                    },
                    None,
                )?;
                cards.push(card.meta().id);
            }
            // The decision issued as an assignment once the leader signed the protocol.
            let mut linked = Vec::new();
            if signed {
                let (executor, department) = p.executors[(i * 3 + k) % p.executors.len()];
                let issued = working_day(&cal, days_from(date, 1), false);
                let deadline = working_day(&cal, days_from(issued, 30), false);
                let year = issued.format("%Y").to_string();
                let n = tx.next_number(&format!("assignment/{year}"))?;
                let mut a = pb::Assignment {
                    number: format!("{year}/{n:04}"),
                    text: topics[2].2.into(),
                    kind: pb::AssignmentKind::Task as i32,
                    basis: Some(pb::Basis {
                        kind: pb::BasisKind::ProtocolDecision as i32,
                        meeting_id,
                        decision_index: 0,
                        ..Default::default()
                    }),
                    group_id: g.meta().id,
                    territory_id: territory,
                    issuer_id: *leader,
                    executor_id: executor,
                    controller_id: *secretary,
                    issued: date_field(issued),
                    deadline: Some(pb::Deadline {
                        date: date_field(deadline),
                        predicted: false,
                    }),
                    department_id: department,
                    ..Default::default()
                };
                let issued_ms = city_time::midnight_ms(issued) + 10 * 3_600_000;
                set_status(&mut a, S::InProgress, *leader, issued_ms, "");
                if deadline < today {
                    let at =
                        (city_time::midnight_ms(days_from(deadline, -2)) + 12 * 3_600_000).min(now);
                    a.reports.push(pb::ExecutionReport {
                        by_user_id: executor,
                        text: "Работы выполнены, жители проинформированы.".into(),
                        at_ms: at,
                    });
                    set_status(&mut a, S::ReportSubmitted, executor, at, "");
                    set_status(
                        &mut a,
                        S::DoneOnTime,
                        *secretary,
                        (at + 3_600_000).min(now),
                        "",
                    );
                }
                linked.push(tx.create(a, None)?.meta().id);
            }
            if let Some(p) = meeting.protocol.as_mut() {
                p.reception_card_ids = cards;
                if let Some(d) = p.decisions.first_mut() {
                    d.assignment_ids = linked;
                }
            }
            tx.update_current(meeting, "demo_links")?;
        }
    }
    Ok(())
}

/// About 1,500 assignments in every state, deadlines around today.
fn seed_assignments(
    tx: &mut crate::db::Tx<'_>,
    p: &DemoPeople,
    today: NaiveDate,
    rng: &mut StdRng,
) -> ApiResult<()> {
    let now = tx.now_ms();
    for i in 0..1500usize {
        let (g, leader, secretary, terr) = &p.groups[i % p.groups.len()];
        let (executor, department) = p.executors[rng.random_range(0..p.executors.len())];
        let roll: u32 = rng.random_range(0..100);
        let (status, deadline_offset): (S, i64) = match roll {
            0..30 => (S::InProgress, rng.random_range(0..30)),
            30..38 => (S::ReportSubmitted, rng.random_range(-3..10)),
            38..70 => (S::DoneOnTime, rng.random_range(-330..-5)),
            70..80 => (S::DoneLate, rng.random_range(-330..-10)),
            80..85 => (S::Returned, rng.random_range(1..15)),
            85..95 => (S::Overdue, rng.random_range(-25..-1)),
            _ => (S::Removed, rng.random_range(-200..0)),
        };
        let deadline = days_from(today, deadline_offset);
        let issued = days_from(deadline, -rng.random_range(10..40));
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
            executor_id: executor,
            controller_id: *secretary,
            issued: date_field(issued),
            deadline: Some(pb::Deadline {
                date: date_field(deadline),
                predicted: false,
            }),
            department_id: department,
            ..Default::default()
        };
        if i % 11 == 0 {
            a.extensions.push(pb::Extension {
                requested_by: executor,
                reason: "Требуется дополнительное время на согласование с подрядчиком.".into(),
                requested_date: date_field(deadline),
                requested_at_ms: city_time::midnight_ms(days_from(deadline, -12)),
                state: pb::ExtensionState::Granted as i32,
                decided_by: *leader,
                decided_at_ms: city_time::midnight_ms(days_from(deadline, -11)),
                previous_deadline: date_field(days_from(deadline, -10)),
                comment: String::new(),
            });
        }
        let issued_ms = city_time::midnight_ms(issued) + 10 * 3_600_000;
        set_status(&mut a, S::InProgress, *leader, issued_ms, "");
        if matches!(
            status,
            S::ReportSubmitted | S::DoneOnTime | S::DoneLate | S::Returned
        ) {
            let report_day = match status {
                S::DoneLate => days_from(deadline, 3),
                S::ReportSubmitted => today.min(deadline),
                _ => days_from(deadline, -2),
            };
            let at = (city_time::midnight_ms(report_day) + 12 * 3_600_000).min(now);
            a.reports.push(pb::ExecutionReport {
                by_user_id: executor,
                text: "Работы выполнены, фотоотчёт приложен.".into(),
                at_ms: at,
            });
            set_status(&mut a, S::ReportSubmitted, executor, at, "");
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
}

const FIRST_NAMES: [&str; 10] = [
    "Анна",
    "Мария",
    "Ольга",
    "Елена",
    "Татьяна",
    "Иван",
    "Сергей",
    "Николай",
    "Александр",
    "Владимир",
];
/// A first name that agrees with the surname's gender (the women's surnames end in «а»; the
/// first five names are women's).
fn first_name_for(surname: &str, n: usize) -> &'static str {
    let female = surname.ends_with('а') || surname.ends_with('я');
    FIRST_NAMES[n % 5 + if female { 0 } else { 5 }]
}

const STREETS: [&str; 10] = [
    "Ленина",
    "Советская",
    "Шахтёрская",
    "Садовая",
    "Харьковская",
    "Горняцкая",
    "Мира",
    "Победы",
    "Молодёжная",
    "Комсомольская",
];

/// About 2,000 appeals over the last year in every state, and reception cards at meetings.
fn seed_appeals(
    tx: &mut crate::db::Tx<'_>,
    p: &DemoPeople,
    today: NaiveDate,
    rng: &mut StdRng,
) -> ApiResult<()> {
    let cal = infogroups_shared::calendar::ProductionCalendar::new();
    let rule = infogroups_shared::calendar::NonWorkingRule::DEFAULT;
    // The head grants the extensions (59-FZ art. 12 p. 2).
    let head = (1..=500u64)
        .find(|id| {
            tx.get::<pb::User>(*id)
                .ok()
                .flatten()
                .is_some_and(|u| u.username == "glava")
        })
        .unwrap_or(0);
    for i in 0..2000usize {
        let (g, _, _, terr) = &p.groups[i % p.groups.len()];
        let registered = days_from(today, -rng.random_range(0..365));
        let received = days_from(registered, -rng.random_range(0..5));
        let due = infogroups_shared::appeal::answer_due(&cal, registered, 0, rule);
        let age = (today - registered).num_days();
        let roll: u32 = rng.random_range(0..100);
        let status = if age < 30 {
            if roll < 85 {
                pb::AppealStatus::Registered
            } else {
                pb::AppealStatus::Answered
            }
        } else {
            // Extended ones run at most 30 days more; a few are late, as in any administration,
            // but not a year late.
            match roll {
                86..90 if age < 55 => pb::AppealStatus::Extended,
                80..86 => pb::AppealStatus::Forwarded,
                90..93 => pb::AppealStatus::NoAnswerAnonymous,
                93..95 => pb::AppealStatus::CorrespondenceStopped,
                95.. if age < 40 => pb::AppealStatus::Registered,
                _ => pb::AppealStatus::Answered,
            }
        };
        // The question's code is the one its text is about.
        let (topic, code, _) = TOPICS[rng.random_range(0..TOPICS.len())];
        let surname = rng.random_range(0..SURNAMES.len());
        let anonymous = status == pb::AppealStatus::NoAnswerAnonymous;
        let result = match status {
            pb::AppealStatus::Answered => [
                pb::QuestionResult::Explained,
                pb::QuestionResult::Supported,
                pb::QuestionResult::MeasuresTaken,
                pb::QuestionResult::NotSupported,
            ][rng.random_range(0..4)],
            pb::AppealStatus::Forwarded => pb::QuestionResult::Forwarded,
            pb::AppealStatus::Extended => pb::QuestionResult::Extended,
            _ => pb::QuestionResult::InProgress,
        };
        let answer_day = days_from(registered, rng.random_range(5..34));
        // An extended appeal carries its extension: the days, who granted them, the notice to the
        // citizen, and the answer deadline moved by them.
        let extension = (status == pb::AppealStatus::Extended).then(|| {
            let days = rng.random_range(10..=30u32);
            pb::AppealExtension {
                days,
                granted_by: head,
                reason: "Требуется дополнительная проверка на месте".into(),
                notice_date: date_field(days_from(due.date, -2).min(today)),
                // The days add to the statutory term, the rule applied once (art. 12 p. 2).
                new_due: date_field(
                    infogroups_shared::appeal::answer_due(&cal, registered, days, rule).date,
                ),
            }
        });
        let due_date = extension
            .as_ref()
            .and_then(|e| e.new_due.as_ref())
            .and_then(validate::to_naive)
            .unwrap_or(due.date);
        let seq = tx.next_number(&format!("appeal/{}", registered.format("%Y")))?;
        tx.create(
            pb::Appeal {
                number: format!("ИГ-{}-{seq:05}", registered.format("%Y")),
                received: date_field(received),
                registered: date_field(registered),
                late_registration: infogroups_shared::appeal::late_registration(
                    received, registered,
                ),
                channel: [
                    pb::Channel::Post,
                    pb::Channel::InPerson,
                    pb::Channel::Reception,
                    pb::Channel::FieldMeeting,
                    pb::Channel::Epgu,
                    pb::Channel::Site,
                ][i % 6] as i32,
                kind: [
                    pb::AppealKind::Application,
                    pb::AppealKind::Complaint,
                    pb::AppealKind::Proposal,
                ][i % 3] as i32,
                territory_id: terr[i % 2],
                group_id: g.meta().id,
                questions: vec![pb::AppealQuestion {
                    classifier_code: code.into(),
                    r#type: pb::QuestionType::Application as i32,
                    result: result as i32,
                    on_site: i % 7 == 0,
                    ..Default::default()
                }],
                citizen: (!anonymous).then(|| pb::Citizen {
                    surname: SURNAMES[surname].into(),
                    first_name: first_name_for(SURNAMES[surname], i).into(),
                    patronymic: String::new(),
                    postal_address: format!(
                        "г. Новошахтинск, ул. {}, д. {}",
                        STREETS[rng.random_range(0..STREETS.len())],
                        rng.random_range(1..120)
                    ),
                    contact: format!("+7 863 69{:05}", rng.random_range(0..100_000)),
                    workplace: String::new(),
                }),
                anonymous,
                text: format!("Прошу принять меры. {topic}."),
                collective: i % 13 == 0,
                signatories: if i % 13 == 0 { 12 } else { 0 },
                repeated: i % 17 == 0,
                status: status as i32,
                due: Some(pb::Deadline {
                    date: date_field(due_date),
                    predicted: due.predicted,
                }),
                extensions: extension.into_iter().collect(),
                due_rule: crate::settings::rule_pb(rule) as i32,
                answer: (status == pb::AppealStatus::Answered).then(|| pb::AppealAnswer {
                    date: date_field(answer_day.min(today)),
                    signed_by: "Глава Администрации".into(),
                    sent_via: "почта".into(),
                    on_time: answer_day.min(today) <= due.date,
                    summary: "Дан ответ по существу.".into(),
                }),
                ..Default::default()
            },
            None,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Clock;
    use crate::store::SledStore;
    use std::sync::Arc;

    #[test]
    fn a_group_never_holds_two_meetings_on_one_day_whatever_day_the_demo_starts() {
        let cal = infogroups_shared::calendar::ProductionCalendar::new();
        let offsets = [-330, -270, -200, -130, -60, -3, -1, 10, 40];
        // Every weekday, and the long New Year holidays.
        let starts =
            (0..14)
                .map(|d| days_from(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(), d))
                .chain((0..12).map(|d| {
                    days_from(NaiveDate::from_ymd_opt(2026, 12, 29).unwrap_or_default(), d)
                }));
        for today in starts {
            let days = meeting_days(&cal, today, &offsets);
            assert!(days.windows(2).all(|w| w[0] < w[1]), "{today}: {days:?}");
            assert!(
                days.iter().all(|d| cal.is_working_day(*d)),
                "{today}: {days:?}"
            );
            assert!(days[6] < today && days[7] > today, "{today}: {days:?}");
        }
    }

    #[tokio::test]
    async fn the_demo_city_has_every_role_and_every_state() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let clock = Clock::manual(
            city_time::midnight_ms(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default())
                + 9 * 3_600_000,
        );
        let db = Db::open(Arc::new(SledStore::open(dir.path())?), clock, "test")?;
        let accounts = seed(&db).await?;
        assert!(accounts.iter().any(|a| a.username == "sek1"));
        assert!(accounts.iter().any(|a| a.username == "glava"));
        assert_eq!(db.all::<pb::Group>()?.len(), 6);
        assert_eq!(db.all::<pb::Territory>()?.len(), 12);
        let assignments = db.all::<pb::Assignment>()?;
        // 1,500 on control, and one per decision of every signed protocol (six groups, five each).
        assert_eq!(assignments.len(), 1500 + 6 * 5);
        for s in [
            S::InProgress,
            S::ReportSubmitted,
            S::DoneOnTime,
            S::DoneLate,
            S::Returned,
            S::Overdue,
            S::Removed,
        ] {
            assert!(assignments.iter().any(|a| a.status == s as i32), "{s:?}");
        }
        let meetings = db.all::<pb::Meeting>()?;
        for s in [
            M::Planned,
            M::Announced,
            M::Held,
            M::AwaitingSignature,
            M::ProtocolSigned,
            M::HandedOver,
            M::ResultsPublished,
        ] {
            assert!(meetings.iter().any(|m| m.status == s as i32), "{s:?}");
        }
        let appeals = db.all::<pb::Appeal>()?;
        assert_eq!(appeals.len(), 2000);
        // An extended appeal carries its extension, and its deadline is the extended one.
        let extended: Vec<&pb::Appeal> = appeals
            .iter()
            .filter(|a| a.status == pb::AppealStatus::Extended as i32)
            .collect();
        assert!(!extended.is_empty());
        for a in extended {
            let e = a.extensions.first().ok_or("an extension")?;
            assert!(e.days > 0 && e.days <= 30 && e.granted_by != 0, "{e:?}");
            assert_eq!(a.due.as_ref().and_then(|d| d.date), e.new_due);
        }
        // Nothing is published in the future.
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        for m in &meetings {
            for p in m.publications.iter().filter(|p| p.published) {
                let on = p.date.as_ref().and_then(validate::to_naive);
                assert!(
                    on.is_some_and(|d| d <= today),
                    "{:?} published {on:?}",
                    p.kind
                );
            }
        }
        // A city an office would recognise: meetings on working days (never a Sunday or
        // 7 January) at varied hours, on a venue of their territory in Novoshakhtinsk, with
        // invited participants; questions whose code is the one their text is about; reception
        // cards; decisions linked to the assignments issued on them.
        let cal = infogroups_shared::calendar::ProductionCalendar::new();
        let venues = db.all::<pb::Venue>()?;
        assert!(venues.iter().all(
            |v| v.address.starts_with("г. Новошахтинск, ") && !v.address.contains("Примерная")
        ));
        let mut hours = std::collections::BTreeSet::new();
        for m in &meetings {
            let day = m
                .date
                .as_ref()
                .and_then(validate::to_naive)
                .ok_or("a date")?;
            assert!(cal.is_working_day(day), "a meeting on {day}");
            hours.insert(m.time.clone());
            if m.venue_id != 0 {
                let v = venues
                    .iter()
                    .find(|v| v.meta.map(|x| x.id) == Some(m.venue_id));
                assert_eq!(v.map(|v| v.territory_id), Some(m.territory_id));
            }
            assert!(!m.participants.is_empty());
            let Some(p) = &m.protocol else { continue };
            for q in &p.questions {
                let topic = TOPICS
                    .iter()
                    .find(|t| t.0 == q.substance)
                    .ok_or("a known topic")?;
                assert_eq!(topic.1, q.classifier_code, "{}", q.substance);
            }
            assert_eq!(
                p.reception_card_ids.len(),
                2,
                "the personal reception's cards"
            );
            if p.signed_by != 0 {
                let ids = &p.decisions[0].assignment_ids;
                assert_eq!(ids.len(), 1, "the decision is issued");
                let a = assignments
                    .iter()
                    .find(|a| a.meta.map(|x| x.id) == ids.first().copied())
                    .ok_or("the decision's assignment")?;
                let basis = a.basis.ok_or("a basis")?;
                assert_eq!(basis.meeting_id, m.meta.map_or(0, |x| x.id));
                assert_eq!(a.text, p.decisions[0].text);
            }
        }
        assert!(hours.len() >= 4, "{hours:?}");
        let cards = db.all::<pb::ReceptionCard>()?;
        assert!(cards.len() >= 6 * 7 * 2);
        for a in &appeals {
            let topic = TOPICS
                .iter()
                .find(|t| a.text.contains(t.0))
                .ok_or("an appeal about a known topic")?;
            assert_eq!(a.questions[0].classifier_code, topic.1);
        }
        assert!(seed(&db).await.is_err(), "seeding twice is refused");
        db.close().await?;
        Ok(())
    }
}
