//! The documents in official form (issue 16), end to end through `ReportService.Export` and
//! `MeetingService.CalendarFile`: every DOCX is opened and its XML read (the table grid and cell
//! widths, the header-row and no-split flags, the page-number field, the requisites in order);
//! every PDF's text is extracted with lopdf and the requisites and table rows are found in order;
//! the reception card names the citizen only for roles allowed to see personal data; a register
//! holds only what the caller may see; an .ics file follows the meeting's moves.

use std::io::{Cursor, Read};
use std::time::Duration;

use chrono::NaiveDate;
use infogroups_server::Clock;
use infogroups_server::db::Db;
use infogroups_shared::pb;
use infogroups_tests::answer::ok;
use infogroups_tests::fixtures::{api_date, city_ms, id_of, version_of};
use infogroups_tests::{Authed, City, TestServer};
use quick_xml::events::Event;

const HEAT: &str = "0005.0005.0056.1156";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
}

struct Fixture {
    server: TestServer,
    city: City,
    signed: u64,
    draft: u64,
    planned: u64,
    other_group: u64,
    card: u64,
    assignment: u64,
}

async fn create<E: infogroups_server::entity::Entity>(db: &Db, e: E) -> E {
    db.write(0, |tx| tx.create(e, None))
        .await
        .expect("staged in the store")
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

/// A protocol long enough to run onto a second page.
fn long_protocol(signed_by: u64, assignment: u64) -> pb::Protocol {
    pb::Protocol {
        start_time: "17:00".into(),
        end_time: "18:45".into(),
        residents_attending: 31,
        questions: (1..=12)
            .map(|i| pb::RaisedQuestion {
                substance: format!(
                    "Вопрос {i}: перебои с отоплением в многоквартирных домах по ул. Ленина, \
                     жители просят ускорить ремонт теплотрассы"
                ),
                classifier_code: HEAT.into(),
                answer_mode: pb::AnswerMode::OnControl as i32,
                answer: "Проверка назначена".into(),
                appeal_id: 0,
            })
            .collect(),
        decisions: (1..=30)
            .map(|i| pb::Decision {
                text: format!("Решение {i}: провести проверку теплотрассы и сообщить жителям"),
                assignment_ids: if i == 1 { vec![assignment] } else { vec![] },
            })
            .collect(),
        signed_by,
        signed_at_ms: if signed_by == 0 {
            0
        } else {
            city_ms(d(2026, 12, 3), 9)
        },
        ..Default::default()
    }
}

async fn fixture() -> Fixture {
    let server = TestServer::start(|c| {
        c.clock = Clock::manual(city_ms(d(2026, 12, 3), 12));
        c.token_ttl = Duration::from_secs(30 * 24 * 3600);
    })
    .await
    .expect("server");
    let mut city = City::build(&server).await.expect("city");
    let db = server.db().clone();
    let t = id_of(
        infogroups_tests::fixtures::save_territory(&city.admin, "Микрорайон Центральный")
            .await
            .expect("territory")
            .meta,
    );
    serve_territory(&city.admin, &city.group_a, t).await;
    city.group_a = db.get(city.a()).expect("read").expect("group A");
    let venue = create(
        &db,
        pb::Venue {
            name: "МБОУ СОШ № 3".into(),
            address: "ул. Ленина, 1".into(),
            territory_id: t,
            ..Default::default()
        },
    )
    .await;
    let asg = create(
        &db,
        pb::Assignment {
            number: "2026/0153".into(),
            text: "Провести проверку теплотрассы".into(),
            kind: pb::AssignmentKind::Task as i32,
            group_id: city.a(),
            issuer_id: city.leader_a.user_id,
            executor_id: city.executor.user_id,
            controller_id: city.secretary_a.user_id,
            issued: Some(api_date(d(2026, 12, 3))),
            deadline: Some(pb::Deadline {
                date: Some(api_date(d(2026, 12, 25))),
                predicted: false,
            }),
            status: pb::AssignmentStatus::InProgress as i32,
            extensions: vec![pb::Extension {
                requested_by: city.executor.user_id,
                reason: "Ждём подрядчика".into(),
                requested_date: Some(api_date(d(2026, 12, 25))),
                state: pb::ExtensionState::Granted as i32,
                decided_by: city.leader_a.user_id,
                previous_deadline: Some(api_date(d(2026, 12, 15))),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await;
    let meeting = |status: pb::MeetingStatus, day: u32| pb::Meeting {
        group_id: city.a(),
        territory_id: t,
        venue_id: id_of(venue.meta),
        date: Some(api_date(d(2026, 12, day))),
        time: "17:00".into(),
        status: status as i32,
        ..Default::default()
    };
    let mut signed = meeting(pb::MeetingStatus::HandedOver, 2);
    signed.protocol = Some(long_protocol(city.leader_a.user_id, id_of(asg.meta)));
    signed.handover = Some(pb::Handover {
        handed_at_ms: city_ms(d(2026, 12, 3), 10),
        ..Default::default()
    });
    signed.brief = Some(pb::Brief {
        text: "Справка о проблемах территории «Микрорайон Центральный»\n\nИзношены теплосети."
            .into(),
        open_appeals: 3,
        open_assignments: 1,
        top_topics: vec![pb::TopicCount {
            code: HEAT.into(),
            name: "Перебои в теплоснабжении".into(),
            count: 4,
        }],
        saved_at_ms: 0,
    });
    let signed = create(&db, signed).await;
    let mut draft = meeting(pb::MeetingStatus::ProtocolDrafted, 1);
    draft.protocol = Some(long_protocol(0, id_of(asg.meta)));
    let draft = create(&db, draft).await;
    let planned = create(&db, meeting(pb::MeetingStatus::Planned, 20)).await;
    let mut other = meeting(pb::MeetingStatus::Planned, 21);
    other.group_id = city.b();
    let other = create(&db, other).await;
    let card = create(
        &db,
        pb::ReceptionCard {
            date: Some(api_date(d(2026, 12, 2))),
            place: "МБОУ СОШ № 3, выездная встреча".into(),
            group_id: city.a(),
            received_by: city.leader_a.user_id,
            citizen: Some(pb::Citizen {
                surname: "Вольдемарова".into(),
                first_name: "Аглая".into(),
                patronymic: "Феоктистовна".into(),
                postal_address: "ул. Бульварная, д. 101".into(),
                ..Default::default()
            }),
            content: "Не горят фонари во дворе".into(),
            classifier_code: HEAT.into(),
            question_type: pb::QuestionType::Complaint as i32,
            identity_checked: true,
            territory_id: t,
            oral_answer_given: true,
            oral_answer: "Ремонт назначен".into(),
            ..Default::default()
        },
    )
    .await;
    Fixture {
        server,
        city,
        signed: id_of(signed.meta),
        draft: id_of(draft.meta),
        planned: id_of(planned.meta),
        other_group: id_of(other.meta),
        card: id_of(card.meta),
        assignment: id_of(asg.meta),
    }
}

async fn export(
    who: &Authed,
    kind: pb::ExportKind,
    format: pb::FileFormat,
    id: u64,
) -> pb::ExportResponse {
    let got = ok(
        who.reports()
            .export(pb::ExportRequest {
                kind: kind as i32,
                format: format as i32,
                id,
                ..Default::default()
            })
            .await,
        &format!("{kind:?} {format:?}"),
    );
    infogroups_tests::review::keep(&got);
    got
}

/// One row of a DOCX table: the header flag, the no-split flag, the cells' widths and texts.
type DocxRow = (bool, bool, Vec<(u32, String)>);

/// One table of a DOCX as its XML says.
#[derive(Debug, Default)]
struct DocxTable {
    grid: Vec<u32>,
    /// Per row: the header flag, the no-split flag, the cells' widths and texts.
    rows: Vec<DocxRow>,
}

/// What a DOCX holds: the body's paragraphs (outside tables) in order, its tables, the text of
/// its header parts, and whether the first page has its own (empty) header.
#[derive(Debug, Default)]
struct Docx {
    paragraphs: Vec<String>,
    /// The paragraphs and the tables' cells, in the order of the body.
    flow: Vec<String>,
    tables: Vec<DocxTable>,
    headers: String,
    title_page: bool,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

fn part(bytes: &[u8], name: &str) -> Option<String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut xml = String::new();
    z.by_name(name).ok()?.read_to_string(&mut xml).ok()?;
    Some(xml)
}

/// Reads a DOCX with an XML parser.
fn read_docx(bytes: &[u8]) -> Docx {
    let xml = part(bytes, "word/document.xml").expect("word/document.xml");
    let mut out = Docx::default();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut depth, mut para, mut cell) = (0usize, String::new(), String::new());
    let mut cell_width = 0u32;
    let mut row: Option<DocxRow> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:tbl" => {
                    depth += 1;
                    out.tables.push(DocxTable::default());
                }
                "w:gridCol" => {
                    if let Some(t) = out.tables.last_mut() {
                        t.grid
                            .push(attr(&e, "w:w").and_then(|w| w.parse().ok()).unwrap_or(0));
                    }
                }
                "w:tr" => row = Some((false, false, Vec::new())),
                "w:tblHeader" => {
                    if let Some(r) = row.as_mut() {
                        r.0 = true;
                    }
                }
                "w:cantSplit" => {
                    if let Some(r) = row.as_mut() {
                        r.1 = true;
                    }
                }
                "w:tcW" => cell_width = attr(&e, "w:w").and_then(|w| w.parse().ok()).unwrap_or(0),
                "w:tab" if depth == 0 => para.push('\t'),
                _ => {}
            },
            Event::Text(t) => {
                let raw = t.into_inner();
                // No-break spaces (initials, «№») read as spaces.
                let text = quick_xml::escape::unescape(&raw)
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| raw.into_owned())
                    .replace('\u{a0}', " ");
                if depth == 0 {
                    para.push_str(&text);
                } else {
                    cell.push_str(&text);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:p" if depth == 0 => {
                    out.flow.push(para.clone());
                    out.paragraphs.push(std::mem::take(&mut para));
                }
                "w:p" => cell.push('\n'),
                "w:tc" => {
                    if let Some(r) = row.as_mut() {
                        r.2.push((cell_width, cell.trim_end().to_string()));
                    }
                    out.flow.push(cell.trim_end().to_string());
                    cell.clear();
                }
                "w:tr" => {
                    if let (Some(r), Some(t)) = (row.take(), out.tables.last_mut()) {
                        t.rows.push(r);
                    }
                }
                "w:tbl" => depth -= 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    out.title_page = xml.contains("<w:titlePg");
    for i in 1..=3 {
        if let Some(h) = part(bytes, &format!("word/header{i}.xml")) {
            out.headers.push_str(&h);
        }
    }
    out
}

fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| doc.extract_text(&[*p]).expect("the page's text"))
        .collect()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// Every piece occurs in `text` after the one before, spaces aside.
fn assert_in_order(what: &str, text: &str, pieces: &[&str]) {
    let hay = squeeze(text);
    let mut at = 0;
    for p in pieces {
        let p = squeeze(p);
        match hay[at..].find(&p) {
            Some(i) => at += i + p.len(),
            None => panic!("{what}: {p:?} missing after position {at} of\n{text}"),
        }
    }
}

/// The requisites of every document, in order, then `rest`.
fn requisites<'a>(kind: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "АДМИНИСТРАЦИЯ ГОРОДА НОВОШАХТИНСКА",
        kind,
        "г. Новошахтинск",
    ];
    v.extend_from_slice(rest);
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocol_docx_has_its_grid_widths_header_rows_page_numbers_and_requisites() {
    let f = fixture().await;
    use pb::{ExportKind as K, FileFormat as F};
    let file = export(&f.city.secretary_a, K::Protocol, F::Docx, f.signed).await;
    assert_eq!(
        file.file_name, "protocol-1-2026-2.docx",
        "the office's number, not the id"
    );
    let doc = read_docx(&file.content);
    // Requisites, top to bottom: no «ПРОЕКТ» on a signed protocol.
    assert_eq!(doc.paragraphs[0], "АДМИНИСТРАЦИЯ ГОРОДА НОВОШАХТИНСКА");
    let body = doc.paragraphs.join("\n");
    assert!(!body.contains("ПРОЕКТ"));
    assert_in_order(
        "protocol.docx",
        &body,
        &[
            "ПРОТОКОЛ",
            "02.12.2026\t№ 1-2026/2",
            "г. Новошахтинск",
            "выездной встречи информационной группы № 1 с жителями территории «Микрорайон Центральный»",
            "Время проведения: 17:00–18:45",
            "1. СЛУШАЛИ:",
            "Вопрос по классификатору: 0005.0005.0056.1156 Перебои в теплоснабжении",
            "РЕШИЛИ:",
            "Подписан 03.12.2026",
            "Передан в контрольно-организационный сектор 03.12.2026",
        ],
    );
    // The decisions table: grid = cell widths, fitted (the «№» narrow), header repeated, rows whole.
    let t = &doc.tables[0];
    assert_eq!(t.grid.len(), 4);
    assert!(t.grid.iter().all(|w| *w > 0));
    let total: u32 = t.grid.iter().sum();
    assert!(
        (9600..=9680).contains(&total),
        "the table fills the text width: {total}"
    );
    assert!(t.grid[0] * 4 < t.grid[1], "«№» is narrow: {:?}", t.grid);
    assert_eq!(
        t.rows[0].2.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(),
        ["№", "Решение", "Исполнитель", "Срок"]
    );
    for (i, (header, whole, cells)) in t.rows.iter().enumerate() {
        assert_eq!(*header, i == 0, "row {i}'s header flag");
        assert!(*whole, "row {i} may split");
        let widths: Vec<u32> = cells.iter().map(|c| c.0).collect();
        assert_eq!(widths, t.grid, "row {i}'s cell widths");
    }
    assert_eq!(t.rows[1].2[3].1, "25.12.2026");
    assert!(t.rows[1].2[1].1.contains("поручение № 2026/0153"));
    // Signatures: position at the left, initials before the surname at the right.
    let signatures = &doc.tables[1];
    let names: Vec<&str> = signatures.rows.iter().map(|r| r.2[2].1.as_str()).collect();
    assert_eq!(names, ["П.L. Тестовый", "П.S. Тестовый"]);
    assert_eq!(
        signatures.rows[0].2[0].1,
        "Руководитель информационной группы"
    );
    // Page numbers from the second page on.
    assert!(doc.title_page);
    assert!(doc.headers.contains("PAGE"), "{}", doc.headers);

    // The draft says «ПРОЕКТ» at the top and carries no signing date.
    let draft = read_docx(
        &export(&f.city.secretary_a, K::Protocol, F::Docx, f.draft)
            .await
            .content,
    );
    assert_eq!(draft.paragraphs[0], "ПРОЕКТ");
    assert!(!draft.paragraphs.join("\n").contains("Подписан"));
    f.server.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocol_pdf_reads_in_order_and_repeats_the_header_on_every_page() {
    let f = fixture().await;
    use pb::{ExportKind as K, FileFormat as F};
    let file = export(&f.city.control, K::Protocol, F::Pdf, f.signed).await;
    assert_eq!(file.file_name, "protocol-1-2026-2.pdf");
    let pages = pdf_pages(&file.content);
    assert!(
        pages.len() >= 2,
        "the long protocol runs on: {} page(s)",
        pages.len()
    );
    let all = pages.join("\n");
    assert_in_order(
        "protocol.pdf",
        &all,
        &requisites(
            "ПРОТОКОЛ",
            &[
                "выездной встречи информационной группы № 1",
                "Жителей присутствовало: 31",
                "1. СЛУШАЛИ:",
                "0005.0005.0056.1156 Перебои в теплоснабжении",
                "РЕШИЛИ:",
                "№ Решение Исполнитель Срок",
                "1 Решение 1: провести проверку теплотрассы и сообщить жителям (поручение № 2026/0153)",
                "Решение 2:",
                "Решение 30:",
                "Руководитель информационной группы",
                "П.L. Тестовый",
                "Секретарь информационной группы",
                "П.S. Тестовый",
                "Подписан 03.12.2026",
            ],
        ),
    );
    assert!(!squeeze(&all).contains("ПРОЕКТ"));
    // Every page after the first that continues the table repeats its header row.
    for (i, p) in pages.iter().enumerate().skip(1) {
        if squeeze(p).contains("Решение") && squeeze(p).contains("сообщитьжителям")
        {
            assert!(
                squeeze(p).contains(&squeeze("№ Решение Исполнитель Срок")),
                "page {}",
                i + 1
            );
        }
    }
    f.server.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reception_card_names_the_citizen_only_for_those_allowed() {
    let f = fixture().await;
    use pb::{ExportKind as K, FileFormat as F};
    for format in [F::Docx, F::Pdf] {
        let text = |file: &pb::ExportResponse| {
            if format == F::Pdf {
                pdf_pages(&file.content).join("\n")
            } else {
                read_docx(&file.content).paragraphs.join("\n")
            }
        };
        let full = export(&f.city.general, K::ReceptionCard, format, f.card).await;
        assert_in_order(
            "card",
            &text(&full),
            &requisites(
                "КАРТОЧКА",
                &[
                    "личного приёма гражданина",
                    "Приём провёл: Тестовый пользователь leader_a",
                    "Фамилия, имя, отчество: Вольдемарова Аглая Феоктистовна",
                    "Адрес: ул. Бульварная, д. 101",
                    "Вид вопроса: Жалоба",
                    "с согласия гражданина дан устный ответ по существу: Ремонт назначен",
                ],
            ),
        );
        assert!(!full.file_name.contains("depersonalised"));
        let copy = export(&f.city.head, K::ReceptionCard, format, f.card).await;
        let copy_text = text(&copy);
        assert!(
            squeeze(&copy_text).contains("КОПИЯОБЕЗЛИЧЕНА"),
            "{copy_text}"
        );
        assert!(!copy_text.contains("Вольдемарова") && !copy_text.contains("Бульварная"));
        assert!(
            copy.file_name.contains("depersonalised"),
            "{}",
            copy.file_name
        );
    }
    f.server.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meetings_papers_and_the_control_card_are_documents() {
    let f = fixture().await;
    use pb::{ExportKind as K, FileFormat as F};
    let who = &f.city.secretary_a;
    for (kind, id, want) in [
        (
            K::Brief,
            f.signed,
            requisites(
                "СПРАВКА",
                &[
                    "о проблемах территории «Микрорайон Центральный»",
                    "Изношены теплосети.",
                    "0005.0005.0056.1156 Перебои в теплоснабжении",
                ],
            ),
        ),
        (
            K::Announcement,
            f.planned,
            requisites(
                "ОБЪЯВЛЕНИЕ",
                &[
                    "20.12.2026 в 17:00",
                    "МБОУ СОШ № 3, ул. Ленина, 1",
                    "Состав информационной группы:",
                    "Тестовый пользователь leader_a",
                    "Вопросы можно направить заранее:",
                ],
            ),
        ),
        (
            K::Results,
            f.signed,
            requisites(
                "ИНФОРМАЦИЯ",
                &["об итогах выездной встречи", "Присутствовало жителей: 31"],
            ),
        ),
        (
            K::ControlCard,
            f.assignment,
            requisites(
                "КАРТОЧКА",
                &[
                    "контроля исполнения поручения № 2026/0153",
                    "Первоначальный срок: 15.12.2026",
                    "Текущий срок: 25.12.2026",
                    "Ждём подрядчика",
                    "Снято с контроля: нет",
                ],
            ),
        ),
    ] {
        for format in [F::Pdf, F::Docx] {
            let file = export(who, kind, format, id).await;
            let text = if format == F::Pdf {
                pdf_pages(&file.content).join("\n")
            } else {
                read_docx(&file.content).flow.join("\n")
            };
            assert_in_order(&file.file_name, &text, &want);
        }
    }
    // A planned meeting has no results yet.
    let early = who
        .reports()
        .export(pb::ExportRequest {
            kind: K::Results as i32,
            format: F::Pdf as i32,
            id: f.planned,
            ..Default::default()
        })
        .await;
    assert_eq!(
        early.map(|_| ()).map_err(|s| s.code()),
        Err(tonic::Code::FailedPrecondition)
    );
    f.server.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_register_prints_what_the_list_shows_that_the_caller_may_see() {
    let f = fixture().await;
    use pb::FileFormat as F;
    let req = |format: F| pb::ExportRequest {
        kind: pb::ExportKind::Register as i32,
        format: format as i32,
        register: Some(pb::RegisterRequest {
            kind: pb::RegisterKind::Meetings as i32,
            ids: vec![f.planned, f.other_group, f.signed],
            filter: "декабрь".into(),
        }),
        ..Default::default()
    };
    let csv = ok(
        f.city.secretary_a.reports().export(req(F::Csv)).await,
        "register csv",
    );
    infogroups_tests::review::keep(&csv);
    assert_eq!(csv.file_name, "register-meetings-03-12-2026.csv");
    let text = String::from_utf8(csv.content).expect("UTF-8");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "№;Дата;Время;Группа;Территория;Место;Состояние");
    assert_eq!(
        lines.len(),
        3,
        "group B's meeting is not the secretary A's to print:\n{text}"
    );
    assert!(
        lines[1].starts_with("1;20.12.2026;17:00;№ 1;"),
        "{}",
        lines[1]
    );
    assert!(lines[2].ends_with(";Протокол передан"), "{}", lines[2]);
    let pdf = ok(
        f.city.secretary_a.reports().export(req(F::Pdf)).await,
        "register pdf",
    );
    infogroups_tests::review::keep(&pdf);
    assert_in_order(
        "register.pdf",
        &pdf_pages(&pdf.content).join("\n"),
        &requisites(
            "РЕЕСТР",
            &[
                "выездных встреч на 03.12.2026 (отбор: декабрь)",
                "20.12.2026",
                "02.12.2026",
            ],
        ),
    );
    f.server.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_file_follows_a_move_with_the_same_uid_and_a_higher_sequence() {
    let f = fixture().await;
    let who = &f.city.secretary_a;
    let file = |id: u64| async move {
        let r = ok(
            who.meetings()
                .calendar_file(pb::CalendarFileRequest {
                    meeting_id: id,
                    group_id: 0,
                })
                .await,
            "CalendarFile",
        );
        String::from_utf8(r.content).expect("UTF-8")
    };
    let before = file(f.planned).await;
    assert!(before.contains("SEQUENCE:0\r\n"), "{before}");
    assert!(before.contains("DTSTART;TZID=Europe/Moscow:20261220T170000\r\n"));
    assert!(before.contains("ORGANIZER;CN="), "{before}");
    let m: pb::Meeting = f
        .server
        .db()
        .get(f.planned)
        .expect("read")
        .expect("the meeting");
    ok(
        who.meetings()
            .move_meeting(pb::MoveMeetingRequest {
                meeting_id: f.planned,
                expected_version: version_of(m.meta),
                date: Some(api_date(d(2026, 12, 22))),
                time: "18:00".into(),
                venue_id: 0,
                reason: "Зал занят".into(),
            })
            .await,
        "MoveMeeting",
    );
    let after = file(f.planned).await;
    let uid = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("UID:"))
            .map(str::to_string)
    };
    assert_eq!(uid(&before), uid(&after));
    assert!(after.contains("SEQUENCE:1\r\n"), "{after}");
    assert!(after.contains("DTSTART;TZID=Europe/Moscow:20261222T180000\r\n"));
    // The held meeting ends when its protocol says.
    let held = file(f.signed).await;
    assert!(
        held.contains("DTEND;TZID=Europe/Moscow:20261202T184500\r\n"),
        "{held}"
    );
    f.server.stop().await.expect("stopped");
}
