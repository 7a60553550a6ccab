//! Reports, aggregates and exports (issue 7), end to end through the real gRPC API: a small city
//! whose citizens carry distinctive names, appeals registered, extended and answered through
//! `AppealService` on a manual clock, meetings, reception cards and assignments staged straight in
//! the store (through the same write path as the services), then every report and export read
//! back and compared with figures computed by hand from the fixture — including the boundaries: a
//! meeting on the last day of a quarter, an appeal answered on its due date, an extension across
//! the year end. `.xlsx` files are parsed with calamine, `.docx` files unzipped; every output,
//! whatever its format, is searched for the citizens' names.
//!
//! No output may carry a citizen's name: reports count, and the reception card exported by a role
//! without the right to personal data (the head) is a copy that says openly it is depersonalised
//! (152-FZ), although the card in the system holds them. `.pdf` files are read with lopdf.

use std::io::{Cursor, Read};
use std::time::Duration;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use infogroups_server::Clock;
use infogroups_server::db::Db;
use infogroups_shared::pb::{self, AppealStatus as A, AssignmentStatus as S, QuestionResult as R};
use infogroups_tests::answer::ok;
use infogroups_tests::fixtures::{api_date, city_ms, id_of, request_id, version_of};
use infogroups_tests::{Authed, City, TestServer};

/// Sessions outlive the clock's jumps across the year.
const LONG_SESSIONS: Duration = Duration::from_secs(3 * 366 * 24 * 3600);

/// «Перебои в водоснабжении».
const WATER: &str = "0005.0005.0056.1154";
/// «Перебои в электроснабжении».
const POWER: &str = "0005.0005.0056.1153";
/// «Несанкционированная свалка мусора».
const DUMP: &str = "0005.0005.0056.1161";

/// The fixture's citizens: (surname, first name, patronymic). Distinctive, so a match in an
/// output can only be a leak.
const CITIZENS: [(&str, &str, &str); 6] = [
    ("Вольдемарова", "Аглая", "Феоктистовна"),
    ("Пантелеймонов", "Евстигней", "Акакиевич"),
    ("Ксенофонтова", "Руфина", "Власовна"),
    ("Мстиславский", "Нектарий", "Поликарпович"),
    ("Аристархова", "Феврония", "Елисеевна"),
    ("Зиновьев-Градский", "Онисим", "Пахомович"),
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
}

fn citizen(i: usize) -> pb::Citizen {
    let (surname, first_name, patronymic) = CITIZENS[i];
    pb::Citizen {
        surname: surname.into(),
        first_name: first_name.into(),
        patronymic: patronymic.into(),
        postal_address: format!("ул. Бульварная, д. {}", i + 101),
        contact: format!("+7 918 555-01-{:02}", i + 10),
        workplace: "ООО «Ромашка-Юг»".into(),
    }
}

fn naive(x: Option<&pb::Date>) -> NaiveDate {
    x.and_then(infogroups_shared::validate::to_naive)
        .expect("a date")
}

/// Everything the fixture made.
struct Fixture {
    server: TestServer,
    city: City,
    meeting_a: u64,
    card_a: u64,
    card_b: u64,
    /// Days from registration to answer of A2 (answered on its due date) and A3 (late).
    days_a2: i64,
    days_a3: i64,
}

impl Fixture {
    fn set_day(&self, day: NaiveDate) {
        self.server.clock().set_ms(city_ms(day, 12));
    }
}

async fn create<E: infogroups_server::entity::Entity>(db: &Db, e: E) -> E {
    db.write(0, |tx| tx.create(e, None))
        .await
        .expect("staged in the store")
}

async fn register(
    f: &Fixture,
    group: u64,
    territory: u64,
    who: usize,
    codes: &[&str],
    channel: pb::Channel,
    kind: pb::AppealKind,
) -> pb::Appeal {
    let today = infogroups_tests::fixtures::today(f.server.clock());
    ok(
        f.city
            .general
            .appeals()
            .register_appeal(pb::RegisterAppealRequest {
                request_id: request_id("appeal"),
                appeal: Some(pb::Appeal {
                    received: Some(api_date(today)),
                    channel: channel as i32,
                    kind: kind as i32,
                    territory_id: territory,
                    group_id: group,
                    questions: codes
                        .iter()
                        .map(|c| pb::AppealQuestion {
                            classifier_code: (*c).into(),
                            r#type: pb::QuestionType::Application as i32,
                            ..Default::default()
                        })
                        .collect(),
                    citizen: Some(citizen(who)),
                    text: "Прошу принять меры".into(),
                    ..Default::default()
                }),
                repeated_confirmed: false,
            })
            .await,
        "RegisterAppeal",
    )
}

async fn answer(f: &Fixture, a: &pb::Appeal, on: NaiveDate, result: R) -> pb::Appeal {
    f.set_day(on);
    ok(
        f.city
            .general
            .appeals()
            .answer_appeal(pb::AnswerAppealRequest {
                appeal_id: id_of(a.meta),
                expected_version: version_of(a.meta),
                answer: Some(pb::AppealAnswer {
                    date: Some(api_date(on)),
                    signed_by: "Заместитель главы Администрации".into(),
                    sent_via: "почта".into(),
                    summary: "Ответ по существу".into(),
                    on_time: false,
                }),
                results: vec![result as i32; a.questions.len()],
            })
            .await,
        "AnswerAppeal",
    )
}

async fn serve_territory(admin: &Authed, group: &pb::Group, territory: u64) {
    let mut g = group.clone();
    g.territory_ids.push(territory);
    ok(
        admin
            .groups()
            .update_group(pb::UpdateGroupRequest {
                expected_version: version_of(group.meta),
                group: Some(g),
                reason: "Закреплена территория".into(),
            })
            .await,
        "UpdateGroup",
    );
}

fn meeting(
    group: u64,
    territory: u64,
    venue: u64,
    on: NaiveDate,
    status: pb::MeetingStatus,
) -> pb::Meeting {
    pb::Meeting {
        group_id: group,
        territory_id: territory,
        venue_id: venue,
        date: Some(api_date(on)),
        time: "17:00".into(),
        status: status as i32,
        ..Default::default()
    }
}

fn protocol(number: &str, residents: u32, questions: &[(&str, pb::AnswerMode)]) -> pb::Protocol {
    pb::Protocol {
        number: number.into(),
        start_time: "17:00".into(),
        end_time: "18:30".into(),
        residents_attending: residents,
        information_given: "О графике ремонта водовода".into(),
        questions: questions
            .iter()
            .map(|(code, mode)| pb::RaisedQuestion {
                substance: "Вопрос жителей о коммунальных услугах".into(),
                classifier_code: (*code).into(),
                answer_mode: *mode as i32,
                answer: "Дан ответ".into(),
                appeal_id: 0,
            })
            .collect(),
        ..Default::default()
    }
}

fn handover(on: NaiveDate, late: bool) -> pb::Handover {
    pb::Handover {
        handed_at_ms: city_ms(on, 10),
        late,
        ..Default::default()
    }
}

#[allow(clippy::too_many_arguments)]
fn assignment(
    group: u64,
    department: u64,
    executor: u64,
    number: &str,
    issued: NaiveDate,
    deadline: NaiveDate,
    status: S,
    completed: Option<NaiveDate>,
    extended_from: Option<NaiveDate>,
) -> pb::Assignment {
    pb::Assignment {
        number: number.into(),
        text: "Устранить нарушение".into(),
        kind: pb::AssignmentKind::Task as i32,
        group_id: group,
        executor_id: executor,
        department_id: department,
        issued: Some(api_date(issued)),
        deadline: Some(pb::Deadline {
            date: Some(api_date(deadline)),
            predicted: false,
        }),
        status: status as i32,
        completed: completed.map(api_date),
        extensions: extended_from
            .map(|prev| pb::Extension {
                reason: "Погодные условия".into(),
                requested_date: Some(api_date(deadline)),
                state: pb::ExtensionState::Granted as i32,
                previous_deadline: Some(api_date(prev)),
                ..Default::default()
            })
            .into_iter()
            .collect(),
        ..Default::default()
    }
}

/// Builds the fixture city of this suite; the clock ends on 21.12.2026.
async fn fixture() -> Fixture {
    let server = TestServer::start(|c| {
        c.clock = Clock::manual(city_ms(d(2025, 12, 22), 12));
        c.token_ttl = LONG_SESSIONS;
    })
    .await
    .expect("server");
    let mut city = City::build(&server).await.expect("city");
    let db = server.db().clone();
    let t1 = id_of(
        infogroups_tests::fixtures::save_territory(&city.admin, "Микрорайон Соцгород")
            .await
            .expect("territory")
            .meta,
    );
    let t2 = id_of(
        infogroups_tests::fixtures::save_territory(&city.admin, "Посёлок Западный")
            .await
            .expect("territory")
            .meta,
    );
    serve_territory(&city.admin, &city.group_a, t1).await;
    serve_territory(&city.admin, &city.group_b, t2).await;
    city.group_a = db.get(city.a()).expect("read").expect("group A");
    city.group_b = db.get(city.b()).expect("read").expect("group B");
    let mut f = Fixture {
        server,
        city,
        meeting_a: 0,
        card_a: 0,
        card_b: 0,
        days_a2: 0,
        days_a3: 0,
    };
    let (ga, gb) = (f.city.a(), f.city.b());

    // A1: registered 22.12.2025, extended by the head across the year end, answered in time
    // within the extension on 10.02.2026. Counts in 2025 (the year of registration).
    let a1 = register(
        &f,
        ga,
        t1,
        0,
        &[WATER],
        pb::Channel::Post,
        pb::AppealKind::Complaint,
    )
    .await;
    f.set_day(d(2026, 1, 12));
    let a1 = ok(
        f.city
            .head
            .appeals()
            .extend_appeal(pb::ExtendAppealRequest {
                appeal_id: id_of(a1.meta),
                expected_version: version_of(a1.meta),
                extension: Some(pb::AppealExtension {
                    days: 30,
                    reason: "Нужно комиссионное обследование".into(),
                    notice_date: Some(api_date(d(2026, 1, 12))),
                    ..Default::default()
                }),
            })
            .await,
        "ExtendAppeal",
    );
    assert!(naive(a1.due.as_ref().and_then(|x| x.date.as_ref())) > d(2026, 2, 10));
    let a1 = answer(&f, &a1, d(2026, 2, 10), R::MeasuresTaken).await;
    assert!(a1.answer.as_ref().is_some_and(|x| x.on_time));

    // A2: answered on its due date: on time.
    f.set_day(d(2026, 2, 2));
    let a2 = register(
        &f,
        gb,
        t2,
        1,
        &[POWER],
        pb::Channel::Epgu,
        pb::AppealKind::Application,
    )
    .await;
    let due = naive(a2.due.as_ref().and_then(|x| x.date.as_ref()));
    let a2 = answer(&f, &a2, due, R::Explained).await;
    assert!(
        a2.answer.as_ref().is_some_and(|x| x.on_time),
        "answered on the due date"
    );
    f.days_a2 = (due - d(2026, 2, 2)).num_days();

    // A3: answered forty days after registration: late.
    f.set_day(d(2026, 3, 2));
    let a3 = register(
        &f,
        ga,
        t1,
        2,
        &[DUMP],
        pb::Channel::Post,
        pb::AppealKind::Complaint,
    )
    .await;
    let a3 = answer(&f, &a3, d(2026, 4, 11), R::NotSupported).await;
    assert_eq!(a3.status, A::Answered as i32);
    assert!(a3.answer.as_ref().is_some_and(|x| !x.on_time));
    f.days_a3 = 40;

    // A4: two questions, still open (and overdue by December).
    f.set_day(d(2026, 7, 1));
    register(
        &f,
        ga,
        t1,
        3,
        &[WATER, POWER],
        pb::Channel::Site,
        pb::AppealKind::Proposal,
    )
    .await;

    // The rest straight in the store.
    let venue = create(
        &db,
        pb::Venue {
            name: "МБОУ СОШ № 3".into(),
            address: "ул. Харьковская, 10".into(),
            kind: pb::VenueKind::Education as i32,
            ..Default::default()
        },
    )
    .await;
    let venue2 = create(
        &db,
        pb::Venue {
            name: "ДК «Шахтёр»".into(),
            address: "ул. Ленина, 1".into(),
            kind: pb::VenueKind::Culture as i32,
            ..Default::default()
        },
    )
    .await;
    let (v1, v2) = (id_of(venue.meta), id_of(venue2.meta));
    let department = create(
        &db,
        pb::Department {
            name: "Отдел жилищно-коммунального хозяйства".into(),
            ..Default::default()
        },
    )
    .await;
    let dep = id_of(department.meta);
    let executor = f.city.executor.user_id;
    use pb::AnswerMode as M;
    use pb::MeetingStatus as MS;
    // Group A: on the last day of Q1 (counts for Q1), and in Q2 with a late handover.
    let mut m = meeting(ga, t1, v1, d(2026, 3, 31), MS::HandedOver);
    m.protocol = Some(protocol(
        "7",
        25,
        &[(WATER, M::OnControl), (POWER, M::OnTheSpot)],
    ));
    m.handover = Some(handover(d(2026, 4, 3), false));
    let first = create(&db, m).await;
    f.meeting_a = id_of(first.meta);
    let mut m = meeting(ga, t1, v2, d(2026, 5, 15), MS::ResultsPublished);
    m.protocol = Some(protocol("8", 10, &[(DUMP, M::Explained)]));
    m.handover = Some(handover(d(2026, 5, 29), true));
    create(&db, m).await;
    // Group A in the second half-year: outside the first.
    let mut m = meeting(ga, t1, v1, d(2026, 7, 1), MS::HandedOver);
    m.protocol = Some(protocol("9", 5, &[(WATER, M::OnControl)]));
    m.handover = Some(handover(d(2026, 7, 3), false));
    create(&db, m).await;
    // Group B: Q1 only a cancelled meeting (missed), Q2 on its first day.
    create(&db, meeting(gb, t2, v2, d(2026, 3, 10), MS::Cancelled)).await;
    let mut m = meeting(gb, t2, v2, d(2026, 4, 1), MS::HandedOver);
    m.protocol = Some(protocol("3", 40, &[(WATER, M::OnControl)]));
    m.handover = Some(handover(d(2026, 4, 6), false));
    create(&db, m).await;

    let card = |group: u64, territory: u64, on: NaiveDate, who: usize| pb::ReceptionCard {
        date: Some(api_date(on)),
        place: "МБОУ СОШ № 3, выездная встреча".into(),
        group_id: group,
        received_by: f.city.leader_a.user_id,
        citizen: Some(citizen(who)),
        content: "Не горят фонари на ул. Шахтёрской".into(),
        classifier_code: POWER.into(),
        question_type: pb::QuestionType::Complaint as i32,
        identity_checked: true,
        territory_id: territory,
        oral_answer_given: true,
        oral_answer: "Ремонт назначен".into(),
        result: R::Explained as i32,
        ..Default::default()
    };
    let c = create(&db, card(ga, t1, d(2026, 3, 31), 4)).await;
    f.card_a = id_of(c.meta);
    let c = create(&db, card(gb, t2, d(2026, 7, 2), 5)).await;
    f.card_b = id_of(c.meta);

    // Assignments: two of group A in H1, one of group B issued on the last day of H1 (done late,
    // extended), and one issued in December 2025 whose deadline was extended into 2026.
    let a = assignment(
        ga,
        dep,
        executor,
        "1-И",
        d(2026, 3, 31),
        d(2026, 4, 10),
        S::DoneOnTime,
        Some(d(2026, 4, 8)),
        None,
    );
    create(&db, a).await;
    let a = assignment(
        ga,
        dep,
        executor,
        "2-И",
        d(2026, 4, 1),
        d(2026, 5, 1),
        S::Overdue,
        None,
        None,
    );
    create(&db, a).await;
    let a = assignment(
        gb,
        dep,
        executor,
        "3-И",
        d(2026, 6, 30),
        d(2026, 7, 15),
        S::DoneLate,
        Some(d(2026, 7, 20)),
        Some(d(2026, 7, 10)),
    );
    create(&db, a).await;
    let a = assignment(
        ga,
        dep,
        executor,
        "4-И",
        d(2025, 12, 25),
        d(2026, 1, 15),
        S::DoneOnTime,
        Some(d(2026, 1, 14)),
        Some(d(2025, 12, 30)),
    );
    create(&db, a).await;

    f.set_day(d(2026, 12, 21));
    f
}

/// A table's row by its first cell.
fn row<'a>(t: &'a pb::Table, label: &str) -> &'a pb::Row {
    t.rows
        .iter()
        .find(|r| r.cells.first().is_some_and(|c| c == label))
        .unwrap_or_else(|| panic!("no row {label:?} in {:?}", t.title))
}

/// Every text a table carries.
fn table_text(t: &pb::Table) -> String {
    let mut out = format!("{}\n{}\n", t.title, t.columns.join("\t"));
    for r in t.rows.iter().chain(t.totals.iter()) {
        out.push_str(&r.cells.join("\t"));
        out.push('\n');
    }
    out
}

/// Fails if `text` names any of the fixture's citizens (surname, first name, patronymic,
/// address or contact).
#[track_caller]
fn assert_no_citizen(what: &str, text: &str) {
    for i in 0..CITIZENS.len() {
        let c = citizen(i);
        for part in [
            &c.surname,
            &c.first_name,
            &c.patronymic,
            &c.postal_address,
            &c.contact,
        ] {
            assert!(!text.contains(part.as_str()), "{what} carries {part:?}");
        }
    }
}

/// The text of every entry of a zip file (docx, xlsx), tags removed, paragraphs on lines.
fn unzip_text(bytes: &[u8]) -> (String, String) {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut all = String::new();
    let mut document = String::new();
    for i in 0..z.len() {
        let mut entry = z.by_index(i).expect("an entry");
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let mut xml = String::new();
        entry.read_to_string(&mut xml).expect("UTF-8 XML");
        let text = strip_tags(&xml);
        all.push_str(&text);
        all.push('\n');
        if name == "word/document.xml" {
            document = text;
        }
    }
    (document, all)
}

fn strip_tags(xml: &str) -> String {
    let xml = xml.replace("</w:p>", "\n");
    let mut out = String::new();
    let mut inside = false;
    for ch in xml.chars() {
        match ch {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The first sheet of an `.xlsx` as rows of cells (numbers as numbers).
fn read_xlsx(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("a readable sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

fn xlsx_row<'a>(rows: &'a [Vec<Data>], label: &str) -> &'a [Data] {
    rows.iter()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == label))
        .unwrap_or_else(|| panic!("no row {label:?} in the workbook"))
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("{other:?} is not a number"),
    }
}

/// Exports `kind` in `format`, checks it carries no citizen, and returns the file.
async fn export(who: &Authed, req: pb::ExportRequest) -> pb::ExportResponse {
    let what = format!("{:?} {:?}", req.kind(), req.format());
    let file = ok(who.reports().export(req).await, &what);
    assert!(!file.content.is_empty(), "{what} is empty");
    infogroups_tests::review::keep(&file);
    // Raw bytes first (CSV is plain UTF-8), then every entry of a zip, then a PDF's text.
    assert_no_citizen(&what, &String::from_utf8_lossy(&file.content));
    if file.content.starts_with(b"PK") {
        assert_no_citizen(&what, &unzip_text(&file.content).1);
    }
    if file.content.starts_with(b"%PDF") {
        assert_no_citizen(&what, &pdf_text(&file.content));
    }
    file
}

/// The text of every page of a PDF.
fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("the PDF's text")
}

/// Spaces and line breaks removed: a PDF's text keeps words, not the layout's breaks.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

fn export_req(kind: pb::ExportKind, format: pb::FileFormat) -> pb::ExportRequest {
    pb::ExportRequest {
        kind: kind as i32,
        format: format as i32,
        ..Default::default()
    }
}

fn year_range(from: NaiveDate, to: NaiveDate) -> pb::DateRange {
    pb::DateRange {
        from: Some(api_date(from)),
        to: Some(api_date(to)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_report_and_export_counts_by_hand_and_names_no_citizen() {
    let f = fixture().await;
    let control = &f.city.control;
    let (ga, gb) = (f.city.a(), f.city.b());

    // The half-year report (3.9).
    let h1 = ok(
        control
            .reports()
            .groups_report(pb::GroupsReportRequest {
                year: 2026,
                period: pb::PeriodKind::FirstHalf as i32,
            })
            .await,
        "GroupsReport H1",
    );
    assert_no_citizen("GroupsReport H1", &table_text(&h1));
    assert_eq!(
        h1.columns,
        ["Показатель", "Группа № 1", "Группа № 2", "Итого"]
    );
    let v = |label: &str| row(&h1, label).values[1..].to_vec();
    assert_eq!(v("Встреч запланировано"), [2.0, 1.0, 3.0]);
    assert_eq!(v("Встреч проведено"), [2.0, 1.0, 3.0]);
    // Group A met Q1 through the meeting on 31 March; group B missed Q1 (cancelled only).
    assert_eq!(
        v("Кварталов с выполненным минимумом (п. 3.1)"),
        [2.0, 1.0, 3.0]
    );
    assert_eq!(v("Кварталов без встречи"), [0.0, 1.0, 1.0]);
    assert_eq!(v("Жителей присутствовало"), [35.0, 40.0, 75.0]);
    assert_eq!(v("Граждан принято на личном приёме"), [1.0, 0.0, 1.0]);
    assert_eq!(v("Мест проведения"), [2.0, 1.0, 3.0]);
    assert_eq!(v("Вопросов поднято"), [3.0, 1.0, 4.0]);
    assert_eq!(
        v("  из них отвечено на месте / разъяснено"),
        [2.0, 0.0, 2.0]
    );
    assert_eq!(v("  из них взято на контроль"), [1.0, 1.0, 2.0]);
    assert_eq!(v("Поручений дано"), [2.0, 1.0, 3.0]);
    assert_eq!(v("  исполнено в срок"), [1.0, 0.0, 1.0]);
    assert_eq!(v("  исполнено с нарушением срока"), [0.0, 1.0, 1.0]);
    assert_eq!(v("  продлено"), [0.0, 1.0, 1.0]);
    assert_eq!(v("  просрочено"), [1.0, 0.0, 1.0]);
    assert_eq!(v("Протоколов передано в срок"), [1.0, 1.0, 2.0]);
    assert_eq!(v("Протоколов передано с опозданием"), [1.0, 0.0, 1.0]);

    // The annual report adds the July meeting and its question.
    let year = ok(
        control
            .reports()
            .groups_report(pb::GroupsReportRequest {
                year: 2026,
                period: pb::PeriodKind::Year as i32,
            })
            .await,
        "GroupsReport year",
    );
    assert_no_citizen("GroupsReport year", &table_text(&year));
    let v = |label: &str| row(&year, label).values[1..].to_vec();
    assert_eq!(v("Встреч проведено"), [3.0, 1.0, 4.0]);
    assert_eq!(v("Жителей присутствовало"), [40.0, 40.0, 80.0]);
    assert_eq!(v("Граждан принято на личном приёме"), [1.0, 1.0, 2.0]);
    // Q3 met for A; B missed Q3; Q4 is under way on 21.12 (neither met nor missed).
    assert_eq!(
        v("Кварталов с выполненным минимумом (п. 3.1)"),
        [3.0, 1.0, 4.0]
    );
    assert_eq!(v("Кварталов без встречи"), [0.0, 2.0, 2.0]);
    let top = row(&year, "Наиболее часто поднимаемые проблемы");
    assert_eq!(
        top.cells[3],
        format!(
            "{WATER} Перебои в водоснабжении (3); {POWER} Перебои в электроснабжении (1); \
             {DUMP} Несанкционированная свалка мусора (1)"
        ),
        "every code with its name"
    );

    // The quarterly-minimum table (3.1) agrees with the report.
    let quarters = ok(
        control
            .meetings()
            .quarterly_minimum(pb::QuarterlyMinimumRequest { year: 2026 })
            .await,
        "QuarterlyMinimum",
    );
    let cell = |g: u64, q: u32| {
        quarters
            .cells
            .iter()
            .find(|c| c.group_id == g && c.quarter == q)
            .map(|c| {
                (
                    pb::QuarterState::try_from(c.state).unwrap_or_default(),
                    c.held,
                )
            })
            .expect("a cell")
    };
    assert_eq!(
        cell(ga, 1),
        (pb::QuarterState::Met, 1),
        "the meeting on 31 March is Q1's"
    );
    assert_eq!(cell(ga, 2), (pb::QuarterState::Met, 1));
    assert_eq!(cell(gb, 1), (pb::QuarterState::Missed, 0));
    assert_eq!(cell(gb, 2), (pb::QuarterState::Met, 1), "1 April is Q2's");
    assert_eq!(cell(gb, 3), (pb::QuarterState::Missed, 0));
    assert_no_citizen("QuarterlyMinimum", &format!("{quarters:?}"));

    // The annual analysis of appeals (3.8.6), 2026 beside 2025.
    let analysis = ok(
        f.city
            .general
            .reports()
            .appeals_analysis(pb::AppealsAnalysisRequest { year: 2026 })
            .await,
        "AppealsAnalysis",
    );
    assert_no_citizen("AppealsAnalysis", &table_text(&analysis));
    assert_eq!(
        analysis.columns,
        ["Показатель", "2025 год", "2026 год", "Изменение, %"]
    );
    let v = |label: &str| row(&analysis, label).values[1..].to_vec();
    assert_eq!(v("Обращений всего"), [1.0, 3.0, 200.0]);
    assert_eq!(v("Карточек личного приёма"), [0.0, 2.0, 0.0]);
    assert_eq!(v("Вопросов в обращениях"), [1.0, 4.0, 300.0]);
    assert_eq!(v("Повторных"), [0.0, 0.0, 0.0]);
    assert_eq!(v("Поддержано"), [1.0, 0.0, -100.0]);
    assert_eq!(v("  в т. ч. меры приняты"), [1.0, 0.0, -100.0]);
    assert_eq!(v("Разъяснено"), [0.0, 1.0, 0.0]);
    assert_eq!(v("Не поддержано"), [0.0, 1.0, 0.0]);
    // A1 answered within its extension; A2 on its due date (on time); A3 late.
    assert_eq!(v("Ответ дан в срок"), [1.0, 1.0, 0.0]);
    assert_eq!(v("Ответ дан с нарушением срока"), [0.0, 1.0, 0.0]);
    // The extension granted in January 2026 belongs to the appeal registered in 2025.
    assert_eq!(v("Срок рассмотрения продлевался"), [1.0, 0.0, -100.0]);
    assert_eq!(v("Территория: Микрорайон Соцгород"), [1.0, 2.0, 100.0]);
    assert_eq!(v("Территория: Посёлок Западный"), [0.0, 1.0, 0.0]);
    let channel = |c: pb::Channel| {
        format!(
            "Канал: {}",
            infogroups_shared::names::channel(infogroups_shared::names::Lang::Ru, c)
        )
    };
    assert_eq!(v(&channel(pb::Channel::Post)), [1.0, 1.0, 0.0]);
    assert_eq!(v(&channel(pb::Channel::Epgu)), [0.0, 1.0, 0.0]);
    assert_eq!(v(&channel(pb::Channel::Site)), [0.0, 1.0, 0.0]);

    // Ad-hoc: 2026 by territory × section.
    let agg_req = pb::AggregateRequest {
        period: Some(year_range(d(2026, 1, 1), d(2026, 12, 31))),
        group_by: vec![
            pb::Dimension::Territory as i32,
            pb::Dimension::Section as i32,
        ],
        ..Default::default()
    };
    let agg = ok(
        control.reports().aggregate(agg_req.clone()).await,
        "Aggregate",
    );
    assert_no_citizen("Aggregate", &table_text(&agg));
    assert_eq!(agg.rows.len(), 2);
    let t1_row = row(&agg, "Микрорайон Соцгород");
    assert!(
        t1_row.cells[1].starts_with("0005.0000.0000.0000"),
        "{:?}",
        t1_row.cells
    );
    // A3 (answered late, 40 days) and A4 (open, two questions, past due on 21.12: owed and
    // missing, so late too).
    assert_eq!(t1_row.values[2..], [2.0, 3.0, 0.0, f.days_a3 as f64]);
    let t2_row = row(&agg, "Посёлок Западный");
    assert_eq!(t2_row.values[2..], [1.0, 1.0, 100.0, f.days_a2 as f64]);
    let total = agg.totals.as_ref().expect("totals");
    let avg = ((f.days_a2 + f.days_a3) as f64 * 10.0 / 2.0).round() / 10.0;
    // One of the three answers owed by 21.12 was given in time.
    assert_eq!(total.values[2..], [3.0, 4.0, 33.3, avg]);

    // Ad-hoc: first half-year by channel × result, only group A.
    let by_channel = ok(
        control
            .reports()
            .aggregate(pb::AggregateRequest {
                period: Some(year_range(d(2026, 1, 1), d(2026, 6, 30))),
                group_by: vec![pb::Dimension::Channel as i32, pb::Dimension::Result as i32],
                group_id: ga,
                ..Default::default()
            })
            .await,
        "Aggregate by channel",
    );
    assert_no_citizen("Aggregate by channel", &table_text(&by_channel));
    assert_eq!(by_channel.rows.len(), 1, "{:?}", by_channel.rows);
    assert_eq!(by_channel.rows[0].values[2..], [1.0, 1.0, 0.0, 40.0]);

    // Ad-hoc over five years by group × тема with a classifier filter.
    let by_topic = ok(
        control
            .reports()
            .aggregate(pb::AggregateRequest {
                period: Some(year_range(d(2022, 1, 1), d(2026, 12, 31))),
                group_by: vec![pb::Dimension::Group as i32, pb::Dimension::Topic as i32],
                classifier_prefix: "0005.0005.0056".into(),
                ..Default::default()
            })
            .await,
        "Aggregate by topic",
    );
    assert_no_citizen("Aggregate by topic", &table_text(&by_topic));
    let total = by_topic.totals.as_ref().expect("totals");
    assert_eq!(total.values[2..4], [4.0, 5.0]);

    // Any range, not only the presets: 15.02–20.12.2026 leaves out A1 (registered 12.01), so it
    // counts one appeal fewer than the year; one day with none holds nothing.
    let range = |from, to| pb::AggregateRequest {
        period: Some(year_range(from, to)),
        group_by: vec![pb::Dimension::Territory as i32],
        ..Default::default()
    };
    let year = ok(
        control
            .reports()
            .aggregate(range(d(2026, 1, 1), d(2026, 12, 31)))
            .await,
        "Aggregate for the year",
    );
    let odd = ok(
        control
            .reports()
            .aggregate(range(d(2026, 2, 15), d(2026, 12, 20)))
            .await,
        "Aggregate for a range",
    );
    let appeals = |t: &pb::Table| t.totals.as_ref().map_or(0.0, |t| t.values[2]);
    assert_eq!((appeals(&year), appeals(&odd)), (4.0, 3.0));
    let none = ok(
        control
            .reports()
            .aggregate(range(d(2021, 3, 3), d(2021, 3, 3)))
            .await,
        "Aggregate for a day",
    );
    assert_eq!(appeals(&none), 0.0);
    // A range that ends before it starts, or spans more than ten years, is refused, naming the
    // end to correct.
    for (from, to) in [
        (d(2026, 5, 2), d(2026, 5, 1)),
        (d(2010, 1, 1), d(2026, 12, 31)),
    ] {
        let refused = control
            .reports()
            .aggregate(range(from, to))
            .await
            .err()
            .unwrap_or_else(|| panic!("{from}–{to} accepted"));
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{refused:?}");
        use tonic_types::StatusExt;
        let field = refused
            .get_error_details()
            .bad_request()
            .and_then(|b| b.field_violations.first().map(|v| v.field.clone()));
        assert_eq!(field.as_deref(), Some("period.to"), "{refused:?}");
    }

    // The head's dashboard (today 21.12.2026).
    let dash = ok(
        f.city
            .head
            .reports()
            .dashboard(pb::DashboardRequest {})
            .await,
        "Dashboard",
    );
    assert_no_citizen("Dashboard", &format!("{dash:?}"));
    assert_eq!((dash.meetings_held, dash.meetings_planned), (4, 4));
    // The figures say which days they count: the year's, and today for the ones of now.
    let period = dash.period.unwrap_or_default();
    assert_eq!(
        (naive(period.from.as_ref()), naive(period.to.as_ref())),
        (d(2026, 1, 1), d(2026, 12, 31))
    );
    assert_eq!(naive(dash.as_of.as_ref()), d(2026, 12, 21));
    assert_eq!((dash.appeals_open, dash.appeals_overdue), (1, 1));
    assert_eq!((dash.assignments_open, dash.assignments_overdue), (1, 1));
    assert!(
        (dash.on_time_share - 2.0 / 3.0).abs() < 1e-9,
        "{}",
        dash.on_time_share
    );
    let top = dash.top_problems.expect("top problems");
    assert_eq!(row(&top, "Микрорайон Соцгород").values[1], 2.0);
    assert_eq!(row(&top, "Посёлок Западный").values[1], 1.0);

    // Exports: each table in each format.
    use pb::ExportKind as K;
    use pb::FileFormat as F;
    let h1_req = pb::GroupsReportRequest {
        year: 2026,
        period: pb::PeriodKind::FirstHalf as i32,
    };
    for format in [F::Docx, F::Pdf, F::Xlsx, F::Csv] {
        let file = export(
            control,
            pb::ExportRequest {
                groups_report: Some(h1_req),
                ..export_req(K::GroupsReport, format)
            },
        )
        .await;
        check_table_file(&file, format, &h1, "Встреч проведено", &[2.0, 1.0, 3.0]);
        let file = export(
            &f.city.general,
            pb::ExportRequest {
                appeals_analysis: Some(pb::AppealsAnalysisRequest { year: 2026 }),
                ..export_req(K::AppealsAnalysis, format)
            },
        )
        .await;
        check_table_file(
            &file,
            format,
            &analysis,
            "Обращений всего",
            &[1.0, 3.0, 200.0],
        );
        let file = export(
            control,
            pb::ExportRequest {
                aggregate: Some(agg_req.clone()),
                ..export_req(K::Aggregate, format)
            },
        )
        .await;
        check_table_file(
            &file,
            format,
            &agg,
            "Посёлок Западный",
            &[1.0, 1.0, 100.0, f.days_a2 as f64],
        );
        let file = export(
            control,
            pb::ExportRequest {
                groups_report: Some(pb::GroupsReportRequest {
                    year: 2026,
                    period: pb::PeriodKind::Year as i32,
                }),
                ..export_req(K::Discipline, format)
            },
        )
        .await;
        // Deadlines in 2026: all four, the one issued in December 2025 and extended included.
        let discipline = pb::Table {
            title: "Исполнительская дисциплина за 2026 год".into(),
            ..Default::default()
        };
        check_table_file(
            &file,
            format,
            &discipline,
            "Отдел жилищно-коммунального хозяйства",
            &[4.0, 2.0, 1.0, 2.0, 1.0, 0.0],
        );
    }
    // The year before has nothing due: the extension moved the December deadline into 2026.
    let file = export(
        control,
        pb::ExportRequest {
            groups_report: Some(pb::GroupsReportRequest {
                year: 2025,
                period: pb::PeriodKind::Year as i32,
            }),
            ..export_req(K::Discipline, F::Csv)
        },
    )
    .await;
    let csv = String::from_utf8(file.content).expect("UTF-8");
    assert!(csv.contains("Итого;0;0;0;0;0;0"), "{csv}");

    // The protocol.
    let file = export(
        &f.city.secretary_a,
        pb::ExportRequest {
            id: f.meeting_a,
            ..export_req(K::Protocol, F::Docx)
        },
    )
    .await;
    let (doc, _) = unzip_text(&file.content);
    for expected in [
        "ПРОТОКОЛ",
        "31.03.2026",
        "№ 7",
        "выездной встречи информационной группы № 1 с жителями территории «Микрорайон Соцгород»",
        "Время проведения: 17:00–18:30",
        "Жителей присутствовало: 25",
        "МБОУ СОШ № 3, ул. Харьковская, 10",
        WATER,
        "взято на контроль",
        "Руководитель информационной группы",
        "П.L. Тестовый",
        "Секретарь информационной группы",
        "П.S. Тестовый",
        "Передан в контрольно-организационный сектор 03.04.2026",
    ] {
        assert!(
            doc.replace('\u{a0}', " ").contains(expected),
            "the protocol lacks {expected:?}:\n{doc}"
        );
    }

    // The reception cards, for the head (no right to personal data): an open depersonalised copy.
    for (id, date) in [(f.card_a, "31.03.2026"), (f.card_b, "02.07.2026")] {
        for format in [F::Docx, F::Pdf] {
            let file = export(
                &f.city.head,
                pb::ExportRequest {
                    id,
                    ..export_req(K::ReceptionCard, format)
                },
            )
            .await;
            let text = if format == F::Pdf {
                pdf_text(&file.content)
            } else {
                unzip_text(&file.content).0
            };
            for expected in [
                "КАРТОЧКА".to_string(),
                "личного приёма гражданина".to_string(),
                format!("Дата приёма: {date}"),
                "Место приёма: МБОУ СОШ № 3, выездная встреча".to_string(),
                "Приём провёл: Тестовый пользователь leader_a".to_string(),
                "КОПИЯ ОБЕЗЛИЧЕНА".to_string(),
                format!("Вопрос по классификатору: {POWER}"),
                "с согласия гражданина дан устный ответ по существу: Ремонт назначен".to_string(),
                "______________".to_string(),
            ] {
                assert!(
                    squeeze(&text).contains(&squeeze(&expected)),
                    "the card lacks {expected:?}:\n{text}"
                );
            }
        }
    }
    f.server.stop().await.expect("stopped");
}

/// Checks a table's file: the docx holds the heading, the title, the dated and numbered line and
/// the signature; the xlsx and csv hold `label`'s row with `values` (after the label).
fn check_table_file(
    file: &pb::ExportResponse,
    format: pb::FileFormat,
    table: &pb::Table,
    label: &str,
    values: &[f64],
) {
    match format {
        pb::FileFormat::Docx | pb::FileFormat::Pdf => {
            let pdf = format == pb::FileFormat::Pdf;
            let ext = if pdf { ".pdf" } else { ".docx" };
            assert!(file.file_name.ends_with(ext), "{}", file.file_name);
            assert!(file.file_name.contains("2026"), "{}", file.file_name);
            let doc = if pdf {
                pdf_text(&file.content)
            } else {
                unzip_text(&file.content).0
            };
            let year = table.title.contains("2026").then_some("2026");
            for expected in [
                "АДМИНИСТРАЦИЯ ГОРОДА НОВОШАХТИНСКА",
                "Контрольно-организационный сектор",
                "21.12.2026",
                "№ ________",
                "г. Новошахтинск",
                year.unwrap_or(""),
                "______________",
                label,
            ] {
                assert!(
                    squeeze(&doc).contains(&squeeze(expected)),
                    "{} lacks {expected:?}:\n{doc}",
                    file.file_name
                );
            }
        }
        pb::FileFormat::Xlsx => {
            assert!(file.file_name.ends_with(".xlsx"), "{}", file.file_name);
            let rows = read_xlsx(&file.content);
            assert!(
                matches!(rows.first().and_then(|r| r.first()), Some(Data::String(s)) if *s == table.title),
                "{}: {:?}",
                file.file_name,
                rows.first()
            );
            let r = xlsx_row(&rows, label);
            let found: Vec<f64> = r[r.len() - values.len()..].iter().map(num).collect();
            assert_eq!(found, values, "{}", file.file_name);
        }
        _ => {
            assert!(file.file_name.ends_with(".csv"), "{}", file.file_name);
            let text = String::from_utf8(file.content.clone()).expect("UTF-8");
            let line = text
                .lines()
                .find(|l| l.trim_start_matches('\u{feff}').starts_with(label))
                .unwrap_or_else(|| panic!("{} lacks {label:?}:\n{text}", file.file_name));
            let cells: Vec<&str> = line.split(';').collect();
            let found: Vec<f64> = cells[cells.len() - values.len()..]
                .iter()
                .map(|c| c.replace(',', ".").parse::<f64>().expect("a number"))
                .collect();
            assert_eq!(found, values, "{}", file.file_name);
        }
    }
}
