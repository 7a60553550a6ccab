//! Every role's workspace: which tabs it has, what each main screen looks like (snapshots at
//! 80×24 and 160×48, Russian and English), and what its keys do — forms that check their fields,
//! confirmations that say what they confirm, the calls they make and what the answers change.

mod common;

use common::*;
use crossterm::event::KeyCode;
use infogroups_shared::names::Lang;
use infogroups_shared::pb::{self, MeetingStatus as M, Role};
use infogroups_shared::validate;
use tonic::Code;

use infogroups_tui::app;
use infogroups_tui::app::State;
use infogroups_tui::msg::call::{Call, Origin, Reply, ReportKind};
use infogroups_tui::msg::error::RpcError;
use infogroups_tui::msg::{Cmd, Link, LoginOk, Msg, SyncEvent};
use infogroups_tui::ui::popup::Popup;
use infogroups_tui::ui::text;

const KONTROL: u64 = 110;
const GLAVA: u64 = 111;
const OBSHIY: u64 = 112;
const NASELENIE: u64 = 113;
const ADMIN: u64 = 114;
const TERRITORY: u64 = 30;
const SIGN_ME: u64 = 201;
const HANDED: u64 = 202;
const ANNOUNCED: u64 = 203;
const PUBLISHED: u64 = 204;
const PLANNED: u64 = 205;

fn date(d: chrono::NaiveDate) -> Option<pb::Date> {
    Some(validate::from_naive(d))
}

fn meeting(id: u64, status: M, on: chrono::NaiveDate) -> pb::Meeting {
    pb::Meeting {
        meta: meta(id, 3),
        group_id: GROUP1,
        territory_id: TERRITORY,
        venue_id: 40,
        date: date(on),
        time: "17:00".into(),
        status: status as i32,
        handover: Some(pb::Handover {
            due: Some(pb::Deadline {
                date: date(on + chrono::Days::new(7)),
                predicted: false,
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn protocol() -> pb::Protocol {
    pb::Protocol {
        number: "1-4".into(),
        start_time: "17:00".into(),
        end_time: "18:30".into(),
        residents_attending: 42,
        members_present: vec![RUK1, SEK1],
        information_given: "О ремонте дорог".into(),
        questions: vec![pb::RaisedQuestion {
            substance: "Не вывозится мусор с ул. Садовой".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The little city with meetings in several states, appeals, a card and a publication.
fn city() -> pb::SnapshotResponse {
    let mut s = snapshot(40);
    s.users.extend([
        user(
            KONTROL,
            "kontrol",
            "Петров Н. П.",
            &[(Role::ControlSector, 0)],
        ),
        user(GLAVA, "glava", "Иванова А. В.", &[(Role::Head, 0)]),
        user(
            OBSHIY,
            "obshiy",
            "Сидоренко С. И.",
            &[(Role::GeneralDepartment, 0)],
        ),
        user(
            NASELENIE,
            "naselenie",
            "Кузнецова Е. А.",
            &[(Role::PopulationDepartment, 0)],
        ),
        user(ADMIN, "admin", "Администратор", &[(Role::Administrator, 0)]),
    ]);
    s.territories = vec![pb::Territory {
        meta: meta(TERRITORY, 1),
        name: "микрорайон Молодёжный".into(),
        ..Default::default()
    }];
    s.venues = vec![pb::Venue {
        meta: meta(40, 1),
        name: "МБОУ СОШ № 3".into(),
        ..Default::default()
    }];
    s.departments = vec![pb::Department {
        meta: meta(50, 1),
        name: "Отдел жилищно-коммунального хозяйства".into(),
        short_name: "ОЖКХ".into(),
        head_user_id: ISP1,
    }];
    s.organisations = vec![pb::Organisation {
        meta: meta(60, 1),
        name: "ООО «УК Молодёжная»".into(),
        kind: pb::OrganisationKind::Utility as i32,
        contact_person: "Белова Т. С.".into(),
        contact: "8 (86369) 2-00-00".into(),
    }];
    let mut sign = meeting(SIGN_ME, M::AwaitingSignature, day(5, 8));
    sign.protocol = Some(protocol());
    let mut handed = meeting(HANDED, M::HandedOver, day(4, 20));
    handed.protocol = Some(pb::Protocol {
        signed_by: RUK1,
        signed_at_ms: at(4, 22),
        ..protocol()
    });
    if let Some(h) = handed.handover.as_mut() {
        h.handed_at_ms = at(4, 24);
    }
    let mut announced = meeting(ANNOUNCED, M::Announced, day(5, 20));
    announced.notifications = vec![pb::NotificationRecord::default()];
    announced.informing = Some(pb::InformingTask::default());
    announced.publications = vec![pb::Publication {
        kind: pb::PublicationKind::Announcement as i32,
        draft_text: "20 мая 2026 года в 17:00 в МБОУ СОШ № 3 состоится встреча информационной группы № 1 с жителями микрорайона Молодёжный.".into(),
        ..Default::default()
    }];
    let mut published = meeting(PUBLISHED, M::ResultsPublished, day(2, 10));
    published.publications = vec![pb::Publication {
        kind: pb::PublicationKind::Results as i32,
        draft_text: "Итоги встречи".into(),
        published: true,
        place: "официальный сайт".into(),
        date: date(day(2, 20)),
        ..Default::default()
    }];
    s.meetings = vec![sign, handed, announced, published];
    s.appeals = vec![
        pb::Appeal {
            meta: meta(300, 2),
            number: "ИГ-2026-00042".into(),
            received: date(day(4, 1)),
            registered: date(day(4, 2)),
            status: pb::AppealStatus::Extended as i32,
            due: Some(pb::Deadline {
                date: date(day(5, 4)),
                predicted: false,
            }),
            territory_id: TERRITORY,
            group_id: GROUP1,
            depersonalised: true,
            text: "Просьба отремонтировать освещение во дворе".into(),
            ..Default::default()
        },
        pb::Appeal {
            meta: meta(301, 2),
            number: "ИГ-2026-00051".into(),
            registered: date(day(5, 6)),
            status: pb::AppealStatus::Registered as i32,
            due: Some(pb::Deadline {
                date: date(day(6, 5)),
                predicted: false,
            }),
            territory_id: TERRITORY,
            depersonalised: true,
            text: "О вывозе мусора".into(),
            ..Default::default()
        },
    ];
    s.reception_cards = vec![pb::ReceptionCard {
        meta: meta(400, 1),
        date: date(day(5, 8)),
        group_id: GROUP1,
        received_by: RUK1,
        depersonalised: true,
        content: "Уличное освещение на ул. Садовой".into(),
        classifier_code: "0003.0009.0099.0690".into(),
        territory_id: TERRITORY,
        ..Default::default()
    }];
    s
}

fn login(lang: Lang, size: (u16, u16), user_id: u64) -> (State, Vec<Cmd>) {
    let mut s = state(lang, size, false);
    let snap = city();
    let cmds = sign_in_with(&mut s, snap, user_id);
    (s, cmds)
}

fn signed(lang: Lang, size: (u16, u16), user_id: u64) -> State {
    login(lang, size, user_id).0
}

fn name(what: &str, lang: Lang, size: (u16, u16)) -> String {
    let l = match lang {
        Lang::Ru => "ru",
        Lang::En => "en",
    };
    format!("{what}_{l}_{}x{}", size.0, size.1)
}

fn each(mut f: impl FnMut(Lang, (u16, u16))) {
    for lang in [Lang::Ru, Lang::En] {
        for size in [(80, 24), (160, 48)] {
            f(lang, size);
        }
    }
}

fn tab(s: &mut State, n: char) {
    press(s, KeyCode::Char(n));
}

/// The first call `cmds` make, leaving out the calendar's years that every snapshot asks for
/// (checked on their own below).
fn call_of(cmds: &[Cmd]) -> Option<(Origin, Call)> {
    cmds.iter().find_map(|c| match c {
        Cmd::Call { origin, call } if *origin != Origin::Calendar => {
            Some((*origin, (**call).clone()))
        }
        _ => None,
    })
}

/// The server refuses the form's request, naming `field`.
fn refused_field(s: &mut State, field: &str, ru: &str, en: &str) {
    let status = validate::FieldError::new(field, ru, en).to_status();
    app::update(
        s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Err(RpcError::from_status(&status)),
        },
    );
}

/// The stream brings `entity`, created or changed.
fn stream(s: &mut State, seq: u64, action: pb::EventAction, entity: pb::event::Entity) -> Vec<Cmd> {
    sync(
        s,
        SyncEvent::Event(Box::new(pb::Event {
            seq,
            action: action as i32,
            entity: Some(entity),
            ..Default::default()
        })),
    )
}

/// The stream brings a new version of an appeal.
fn appeal_changed(s: &mut State, seq: u64, a: pb::Appeal) {
    stream(
        s,
        seq,
        pb::EventAction::Updated,
        pb::event::Entity::Appeal(a),
    );
}

fn top_form(s: &State) -> Option<&infogroups_tui::ui::form_engine::FormPopup> {
    match s.popups.last() {
        Some(Popup::Form(f)) => Some(f),
        _ => None,
    }
}

#[test]
fn each_role_opens_its_own_workspace() {
    let first_tab = |user| {
        let s = signed(Lang::En, (120, 30), user);
        let text = screen_text(&s);
        text.lines().next().unwrap_or_default().to_string()
    };
    assert!(first_tab(SEK1).contains("1 Assignments"));
    assert!(first_tab(RUK1).contains("2 To sign"));
    assert!(first_tab(KONTROL).contains("1 Protocols"));
    assert!(first_tab(GLAVA).contains("1 Dashboard"));
    assert!(first_tab(OBSHIY).contains("3 Publications"));
    assert!(first_tab(NASELENIE).contains("1 Informing"));
    assert!(first_tab(ISP1).contains("1 My assignments"));
}

#[test]
fn main_screens_of_every_role() {
    each(|lang, size| {
        let mut s = signed(lang, size, SEK1);
        tab(&mut s, '2');
        insta::assert_snapshot!(name("meetings", lang, size), draw(&s).backend());
        tab(&mut s, '5');
        insta::assert_snapshot!(name("notifications", lang, size), draw(&s).backend());

        let mut s = signed(lang, size, RUK1);
        tab(&mut s, '2');
        insta::assert_snapshot!(name("to_sign", lang, size), draw(&s).backend());
        press(&mut s, KeyCode::Char('s'));
        insta::assert_snapshot!(name("sign_confirm", lang, size), draw(&s).backend());

        let s = signed(lang, size, KONTROL);
        insta::assert_snapshot!(name("protocols_due", lang, size), draw(&s).backend());

        let mut s = signed(lang, size, OBSHIY);
        insta::assert_snapshot!(name("appeals", lang, size), draw(&s).backend());
        tab(&mut s, '3');
        press(&mut s, KeyCode::Enter);
        insta::assert_snapshot!(name("publication_draft", lang, size), draw(&s).backend());

        let s = signed(lang, size, NASELENIE);
        insta::assert_snapshot!(name("informing", lang, size), draw(&s).backend());
    });
}

fn aggregate_table() -> pb::Table {
    let row = |name: &str, n: f64, share: f64| pb::Row {
        cells: vec![name.into(), format!("{n}"), format!("{share}")],
        values: vec![0.0, n, share],
    };
    pb::Table {
        title: "Обращения по территориям".into(),
        columns: vec![
            "Территория".into(),
            "Вопросов".into(),
            "Ответ в срок, %".into(),
        ],
        rows: vec![
            row("микрорайон Молодёжный", 120.0, 91.5),
            // A name that must stay whole: water supply or sewage?
            row("Перебои в водоснабжении и водоотведении", 42.0, 76.2),
            row("посёлок Западный", 60.0, 88.0),
            row("посёлок Самбек", 15.0, 100.0),
        ],
        totals: Some(pb::Row {
            cells: vec!["Итого".into(), "195".into(), "91".into()],
            values: vec![0.0, 195.0, 91.0],
        }),
    }
}

/// The head's most frequent problems as the server words them: the topic in full.
fn top_problems_table() -> pb::Table {
    let row = |name: &str, n: f64, top: &str| pb::Row {
        cells: vec![name.into(), format!("{n}"), top.into()],
        values: vec![0.0, n],
    };
    pb::Table {
        title: "Наиболее частые проблемы по территориям".into(),
        columns: vec![
            "Территория".into(),
            "Обращений за год".into(),
            "Чаще всего".into(),
        ],
        rows: vec![
            row(
                "микрорайон Молодёжный",
                120.0,
                "0005.0005.0056.1156 Перебои в водоснабжении (12)",
            ),
            row(
                "посёлок Западный",
                60.0,
                "0005.0005.0056.1157 Перебои в водоотведении (канализации) (7)",
            ),
        ],
        totals: None,
    }
}

#[test]
fn report_screens_show_what_the_server_computed() {
    each(|lang, size| {
        let (mut s, cmds) = login(lang, size, GLAVA);
        // The dashboard is asked for as soon as the data is in.
        assert_eq!(
            call_of(&cmds),
            Some((Origin::Report(ReportKind::Dashboard, 1), Call::Dashboard))
        );
        app::update(
            &mut s,
            Msg::CallDone {
                origin: Origin::Report(ReportKind::Dashboard, 1),
                result: Ok(Reply::Dashboard(Box::new(pb::DashboardResponse {
                    meetings_held: 18,
                    meetings_planned: 6,
                    appeals_open: 240,
                    appeals_overdue: 3,
                    assignments_open: 310,
                    assignments_overdue: 12,
                    on_time_share: 0.87,
                    protocols_late: 1,
                    top_problems: Some(top_problems_table()),
                    period: Some(pb::DateRange {
                        from: date(day(1, 1)),
                        to: date(day(12, 31)),
                    }),
                    as_of: date(day(5, 14)),
                }))),
            },
        );
        insta::assert_snapshot!(name("dashboard", lang, size), draw(&s).backend());

        let mut s = signed(lang, size, KONTROL);
        let cmds = press(&mut s, KeyCode::Char('4'));
        assert!(matches!(
            call_of(&cmds),
            Some((
                Origin::Report(ReportKind::Aggregates, 1),
                Call::Aggregate(_)
            ))
        ));
        app::update(
            &mut s,
            Msg::CallDone {
                origin: Origin::Report(ReportKind::Aggregates, 1),
                result: Ok(Reply::Table(aggregate_table())),
            },
        );
        insta::assert_snapshot!(name("aggregates", lang, size), draw(&s).backend());

        let cmds = press(&mut s, KeyCode::Char('3'));
        assert!(matches!(
            call_of(&cmds),
            Some((
                _,
                Call::Quarterly(pb::QuarterlyMinimumRequest { year: 2026 })
            ))
        ));
        let cells = (1..=4)
            .map(|q| pb::QuarterCell {
                group_id: GROUP1,
                quarter: q,
                state: match q {
                    1 => pb::QuarterState::Met,
                    2 => pb::QuarterState::AtRisk,
                    _ => pb::QuarterState::Open,
                } as i32,
                held: u32::from(q == 1),
            })
            .collect();
        app::update(
            &mut s,
            Msg::CallDone {
                origin: Origin::Report(ReportKind::Quarterly, 1),
                result: Ok(Reply::Quarterly(pb::QuarterlyMinimumResponse { cells })),
            },
        );
        insta::assert_snapshot!(name("quarterly", lang, size), draw(&s).backend());
    });
}

#[test]
fn changing_the_grouping_asks_again_and_an_error_is_shown_not_hidden() {
    let mut s = signed(Lang::Ru, (100, 30), KONTROL);
    press(&mut s, KeyCode::Char('4'));
    let cmds = press(&mut s, KeyCode::Char('v'));
    let Some((_, Call::Aggregate(r))) = call_of(&cmds) else {
        panic!("no aggregate asked for");
    };
    assert_eq!(r.group_by, [pb::Dimension::Group as i32]);
    // The answer to the first request comes late: it is not shown under the new grouping.
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Report(ReportKind::Aggregates, 1),
            result: Ok(Reply::Table(aggregate_table())),
        },
    );
    let report = |s: &State| match &s.screen {
        app::Screen::Work(w) => w
            .report(ReportKind::Aggregates)
            .map(|r| (r.loading, r.data.is_some())),
        _ => None,
    };
    assert_eq!(
        report(&s),
        Some((true, false)),
        "still waiting for the second"
    );
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Report(ReportKind::Aggregates, 2),
            result: Err(RpcError::new(Code::Unavailable, "сервер занят", "busy")),
        },
    );
    assert!(screen_text(&s).contains("сервер занят"));
}

#[test]
fn the_secretary_sends_a_finished_draft_for_signature_and_only_then_the_leader_sees_it() {
    let mut s = signed(Lang::Ru, (160, 40), SEK1);
    tab(&mut s, '2');
    // The secretary's draft, not yet sent: `S` is offered, and the leader's list is empty of it.
    let mut draft = city().meetings[0].clone();
    draft.status = M::ProtocolDrafted as i32;
    if let Some(m) = draft.meta.as_mut() {
        m.version = 4;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(draft),
    );
    let text = screen_text(&s);
    assert!(text.contains("отправить на подпись"), "{text}");
    press(&mut s, KeyCode::Down);
    let text = screen_text(&s);
    assert!(text.contains("S на подпись"), "{text}");
    press(&mut s, KeyCode::Char('S'));
    let text = screen_text(&s);
    assert!(text.contains("Отправить протокол руководителю"), "{text}");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        call_of(&cmds),
        Some((
            Origin::Form,
            Call::SendForSignature(pb::MeetingStepRequest {
                meeting_id: SIGN_ME,
                expected_version: 4
            })
        ))
    );
    // Sent (the fixture's own state): the secretary is no longer offered `S`, only waits.
    let mut sent = city().meetings[0].clone();
    if let Some(m) = sent.meta.as_mut() {
        m.version = 5;
    }
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Meeting(Box::new(sent.clone()))),
        },
    );
    assert!(
        top_form(&s).is_none(),
        "the confirmation closes on the answer"
    );
    stream(
        &mut s,
        42,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(sent),
    );
    let text = screen_text(&s);
    assert!(text.contains("ждёт подписи руководителя"), "{text}");
    assert!(!text.contains("S на подпись"), "{text}");
    // Keys that do not apply say why: signing is the leader's; sending again is refused.
    press(&mut s, KeyCode::Char('s'));
    let text = screen_text(&s);
    assert!(text.contains("s (подписать) сейчас недоступно"), "{text}");
    press(&mut s, KeyCode::Char('S'));
    let text = screen_text(&s);
    assert!(text.contains("уже на подписи у руководителя"), "{text}");
    press(&mut s, KeyCode::Char('%'));
    assert!(
        !screen_text(&s).contains("%"),
        "a key bound to nothing stays quiet"
    );
}

#[test]
fn the_leader_signs_what_the_confirmation_shows() {
    let mut s = signed(Lang::Ru, (100, 40), RUK1);
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('s'));
    let text = screen_text(&s);
    // The confirmation shows the protocol being signed.
    assert!(text.contains("Протокол № 1-4"), "{text}");
    assert!(text.contains("Не вывозится мусор"), "{text}");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        call_of(&cmds),
        Some((
            Origin::Form,
            Call::SignProtocol(pb::MeetingStepRequest {
                meeting_id: SIGN_ME,
                expected_version: 3
            })
        ))
    );
    // The secretary changed the protocol meanwhile: the confirmation closes with the server's
    // message, so Enter cannot sign text that was never shown; opened again, it shows the change.
    let mut newer = city().meetings[0].clone();
    if let Some(m) = newer.meta.as_mut() {
        m.version = 4;
    }
    if let Some(p) = newer.protocol.as_mut() {
        p.residents_attending = 73;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(newer.clone()),
    );
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Err(RpcError::new(Code::Aborted, "протокол изменён", "changed")),
        },
    );
    assert!(s.popups.is_empty(), "the stale confirmation is closed");
    assert!(screen_text(&s).contains("протокол изменён"));
    // Enter opens the record (and asks for its files), it signs nothing.
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(
        !cmds.iter().any(
            |c| matches!(c, Cmd::Call { call, .. } if matches!(**call, Call::SignProtocol(_)))
        ),
        "{cmds:?}"
    );
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('s'));
    let text = screen_text(&s);
    assert!(text.contains("73"), "the new count is shown: {text}");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(matches!(
        call_of(&cmds),
        Some((
            _,
            Call::SignProtocol(pb::MeetingStepRequest {
                expected_version: 4,
                ..
            })
        ))
    ));
    let mut signed_m = newer;
    signed_m.status = M::ProtocolSigned as i32;
    if let Some(m) = signed_m.meta.as_mut() {
        m.version = 5;
    }
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Meeting(Box::new(signed_m))),
        },
    );
    assert!(s.popups.is_empty());
    let text = screen_text(&s);
    assert!(text.contains("Протокол подписан"), "{text}");
    assert!(text.contains("Протоколов на подпись нет"), "{text}");
}

#[test]
fn an_extension_request_checks_its_fields_before_and_after_the_server() {
    let mut s = signed(Lang::Ru, (100, 30), ISP1);
    // 2026/0004 is ISP1's and in progress.
    press(&mut s, KeyCode::Home);
    for _ in 0..10 {
        if selected_number(&s).as_deref() == Some("2026/0004") {
            break;
        }
        press(&mut s, KeyCode::Down);
    }
    press(&mut s, KeyCode::Char('e'));
    assert!(top_form(&s).is_some(), "the extension form opens");
    // Empty: both fields are required, nothing is sent.
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none());
    assert!(top_form(&s).is_some_and(|f| f.fields.iter().all(|x| x.error.is_some())));
    type_text(&mut s, "послезавтра");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Ждём подрядчика");
    let cmds = send_text(&mut s);
    assert!(call_of(&cmds).is_none(), "not a date");
    assert!(screen_text(&s).contains("ДД.ММ.ГГГГ"));
    // The focus went back to the field in error.
    for _ in 0.."послезавтра".chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    // A day the month lacks says so, whatever the shape typed.
    type_text(&mut s, "31.2.26");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none());
    assert!(
        screen_text(&s).contains("в этом месяце 28"),
        "{}",
        screen_text(&s)
    );
    for _ in 0.."31.2.26".chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    // A short date on a Saturday: the Friday before is offered, and Enter again takes it.
    type_text(&mut s, "30.5.26");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none(), "warned first");
    let text = screen_text(&s);
    assert!(text.contains("суббота, нерабочий день"), "{text}");
    assert_eq!(
        top_form(&s).map(|f| f.fields[0].value()),
        Some("29.05.2026".to_string())
    );
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::RequestExtension(r))) = call_of(&cmds) else {
        panic!("no request sent");
    };
    assert_eq!(r.reason, "Ждём подрядчика");
    assert_eq!(
        r.new_deadline.and_then(|d| validate::to_naive(&d)),
        Some(day(5, 29))
    );
    // The server's field error lands under the field it names.
    refused_field(
        &mut s,
        "new_deadline",
        "не позже срока родителя",
        "not after the parent's",
    );
    let form = top_form(&s).expect("still open");
    assert_eq!(
        form.fields[0].error.as_deref(),
        Some("не позже срока родителя")
    );
    assert!(form.error.is_none());
}

#[test]
fn notifications_are_marked_read_without_a_question() {
    let mut s = signed(Lang::En, (100, 30), SEK1);
    tab(&mut s, '5');
    let cmds = press(&mut s, KeyCode::Char(' '));
    assert_eq!(
        call_of(&cmds),
        Some((
            Origin::Quick,
            Call::MarkRead(pb::MarkReadRequest { ids: vec![50] })
        ))
    );
}

#[test]
fn a_meeting_changed_elsewhere_moves_on_in_every_list_that_shows_it() {
    let mut s = signed(Lang::Ru, (120, 30), SEK1);
    tab(&mut s, '2');
    assert!(screen_text(&s).contains("провести встречу"));
    let mut held = city().meetings[2].clone();
    held.status = M::Held as i32;
    if let Some(m) = held.meta.as_mut() {
        m.version = 9;
    }
    stream(
        &mut s,
        42,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(held),
    );
    let text = screen_text(&s);
    assert!(!text.contains("провести встречу"), "{text}");
    assert!(text.contains("оформить протокол"), "{text}");
}

#[test]
fn a_report_is_saved_where_the_user_says_in_the_chosen_format() {
    let mut s = signed(Lang::En, (100, 30), KONTROL);
    press(&mut s, KeyCode::Char('5'));
    press(&mut s, KeyCode::Char('w'));
    // Format: xlsx → pdf with →; then the file name.
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "/tmp/half-year");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::Export { request, path })) = call_of(&cmds) else {
        panic!("no export");
    };
    assert_eq!(request.format, pb::FileFormat::Pdf as i32);
    assert_eq!(request.kind, pb::ExportKind::GroupsReport as i32);
    let path = path.unwrap_or_default();
    assert_eq!(path, std::path::PathBuf::from("/tmp/half-year.pdf"));
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Saved(path)),
        },
    );
    assert!(screen_text(&s).contains("/tmp/half-year.pdf"));
}

#[test]
fn a_second_role_brings_its_own_tabs() {
    let mut s = signed(Lang::En, (120, 30), ISP2);
    assert!(screen_text(&s).contains("My assignments"));
    press(&mut s, KeyCode::F(2));
    let text = screen_text(&s);
    assert!(text.contains("2 Meetings"), "{text}");
}

#[test]
fn no_panic_at_any_size_on_any_tab() {
    for user in [SEK1, RUK1, KONTROL, GLAVA, OBSHIY, NASELENIE, ISP1] {
        let mut s = signed(Lang::Ru, (80, 24), user);
        for t in '1'..='7' {
            tab(&mut s, t);
            press(&mut s, KeyCode::Enter);
            for (w, h) in [(1, 1), (20, 5), (40, 10), (79, 23), (200, 60)] {
                app::update(
                    &mut s,
                    Msg::Resize {
                        width: w,
                        height: h,
                    },
                );
                draw(&s);
            }
            app::update(
                &mut s,
                Msg::Resize {
                    width: 80,
                    height: 24,
                },
            );
            press(&mut s, KeyCode::Esc);
        }
    }
    let _ = text::width("");
}

#[test]
fn the_administrator_grants_a_group_role_by_the_groups_number() {
    let mut s = signed(Lang::Ru, (100, 30), ADMIN);
    // Users are listed by name; pick Смирнов (isp1).
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "isp1");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('+'));
    assert!(top_form(&s).is_some(), "the grant form opens");
    // Executor → member → secretary.
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "9");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none(), "there is no group 9");
    assert!(screen_text(&s).contains("нет группы с таким номером"));
    press(&mut s, KeyCode::Backspace);
    type_text(&mut s, "1");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        call_of(&cmds),
        Some((
            Origin::Form,
            Call::GrantRole(pb::GrantRoleRequest {
                user_id: ISP1,
                expected_version: 1,
                grant: Some(pb::RoleGrant {
                    role: Role::GroupSecretary as i32,
                    group_id: GROUP1
                }),
            })
        ))
    );
    let mut u = city()
        .users
        .into_iter()
        .find(|u| u.username == "isp1")
        .unwrap_or_default();
    u.roles.push(pb::RoleGrant {
        role: Role::GroupSecretary as i32,
        group_id: GROUP1,
    });
    if let Some(m) = u.meta.as_mut() {
        m.version = 2;
    }
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::User(Box::new(u))),
        },
    );
    let text = screen_text(&s);
    assert!(text.contains("Роль назначена"), "{text}");
    assert!(text.contains("Секретарь группы, № 1"), "{text}");
}

#[test]
fn administrator_screens() {
    each(|lang, size| {
        let (mut s, _) = login(lang, size, ADMIN);
        insta::assert_snapshot!(name("users", lang, size), draw(&s).backend());
        press(&mut s, KeyCode::Char('2'));
        insta::assert_snapshot!(name("groups", lang, size), draw(&s).backend());
        press(&mut s, KeyCode::Char('3'));
        insta::assert_snapshot!(name("territories", lang, size), draw(&s).backend());
        press(&mut s, KeyCode::Char('4'));
        insta::assert_snapshot!(name("venues", lang, size), draw(&s).backend());
        press(&mut s, KeyCode::Char('5'));
        insta::assert_snapshot!(name("departments", lang, size), draw(&s).backend());
        press(&mut s, KeyCode::Char('6'));
        insta::assert_snapshot!(name("organisations", lang, size), draw(&s).backend());
        let cmds = press(&mut s, KeyCode::Char('7'));
        assert_eq!(
            call_of(&cmds),
            Some((
                Origin::Report(ReportKind::Directories, 1),
                Call::CalendarYears
            ))
        );
        let year = |y: i32, built_in: bool| pb::CalendarYear {
            year: y,
            days_off: vec![pb::Date::default(); 14],
            working_weekends: vec![pb::Date::default(); usize::from(!built_in)],
            decree: if built_in {
                String::new()
            } else {
                "Постановление Правительства РФ".into()
            },
            built_in,
        };
        app::update(
            &mut s,
            Msg::CallDone {
                origin: Origin::Report(ReportKind::Directories, 1),
                result: Ok(Reply::CalendarYears(pb::ListCalendarYearsResponse {
                    years: vec![year(2026, true), year(2027, true), year(2028, false)],
                })),
            },
        );
        press(&mut s, KeyCode::Char('I'));
        insta::assert_snapshot!(name("calendar_import", lang, size), draw(&s).backend());
    });
}

#[test]
fn assignments_can_be_ordered_by_number_deadline_and_executor() {
    let mut s = signed(Lang::Ru, (100, 30), SEK1);
    let urgent = row_numbers(&s);
    press(&mut s, KeyCode::Char('o'));
    let mut by_number = urgent.clone();
    by_number.sort();
    assert_eq!(row_numbers(&s), by_number);
    assert!(screen_text(&s).contains("по номеру"));
    press(&mut s, KeyCode::Char('o'));
    press(&mut s, KeyCode::Char('o'));
    let names: Vec<String> = row_numbers(&s)
        .iter()
        .filter_map(|n| s.replica.assignments.iter().find(|a| &a.number == n))
        .filter_map(|a| s.replica.user_name(a.executor_id).map(str::to_string))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    press(&mut s, KeyCode::Char('o'));
    assert_eq!(row_numbers(&s), urgent);
}

#[test]
fn the_general_department_registers_an_appeal_and_confirms_a_repeat() {
    let mut s = signed(Lang::Ru, (80, 24), OBSHIY);
    press(&mut s, KeyCode::Char('N'));
    assert!(top_form(&s).is_some(), "the registration form opens");
    insta::assert_snapshot!("register_appeal_ru_80x24", draw(&s).backend());
    // The classifier code and the text are required, and so is the surname of a named
    // applicant: all three are marked at once. The date of receipt is today's already.
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none());
    let form = top_form(&s).expect("still open");
    let errors: Vec<&str> = form
        .fields
        .iter()
        .filter(|f| f.error.is_some())
        .map(|f| f.name)
        .collect();
    assert_eq!(errors, ["classifier_code", "surname", "text"]);
    // The focus went to the first of them, scrolled into view at 80×24.
    type_text(&mut s, "0003.0009.0097.0688");
    for _ in 0..7 {
        press(&mut s, KeyCode::Tab);
    }
    type_text(&mut s, "Прошу отремонтировать освещение во дворе");
    let screen = screen_text(&s);
    assert!(screen.contains("Прошу отремонтировать"), "{screen}");
    // Not anonymous, so the applicant's surname and address are needed.
    let cmds = send_text(&mut s);
    assert!(call_of(&cmds).is_none(), "no surname");
    assert!(screen_text(&s).contains("укажите фамилию"));
    type_text(&mut s, "Кравченко");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Ольга");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "ул. Садовая, 5, кв. 3");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::RegisterAppeal(first))) = call_of(&cmds) else {
        panic!("no registration sent");
    };
    let a = first.appeal.clone().unwrap_or_default();
    assert_eq!(
        a.received.and_then(|d| validate::to_naive(&d)),
        Some(s.today())
    );
    assert_eq!(a.channel, pb::Channel::Post as i32);
    assert_eq!(a.questions.len(), 1);
    assert_eq!(a.questions[0].classifier_code, "0003.0009.0097.0688");
    assert_eq!(
        a.citizen
            .as_ref()
            .map(|c| (c.surname.as_str(), c.postal_address.as_str())),
        Some(("Кравченко", "ул. Садовая, 5, кв. 3"))
    );
    assert!(!a.anonymous && !first.repeated_confirmed);
    // The server suspects a repeat: its words are shown, and the next Enter confirms it under the
    // same request id (a resend is never a second appeal).
    let repeat = RpcError::from_status(&tonic::Status::failed_precondition(
        "похоже на повторное обращение (ранее ИГ-2026-00042); подтвердите отметку «повторное» и отправьте снова",
    ));
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Err(repeat),
        },
    );
    let text = screen_text(&s);
    assert!(text.contains("ИГ-2026-00042"), "{text}");
    assert!(
        text.contains("Enter — зарегистрировать как"),
        "what to press: {text}"
    );
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::RegisterAppeal(second))) = call_of(&cmds) else {
        panic!("no second send");
    };
    assert!(second.repeated_confirmed);
    assert_eq!(second.request_id, first.request_id);
}

#[test]
fn an_open_appeal_is_answered_with_a_result_for_its_question() {
    let mut s = signed(Lang::En, (100, 30), OBSHIY);
    // The first row is the extended appeal ИГ-2026-00042 (due first); give it a question.
    let mut a = city().appeals.remove(0);
    a.questions = vec![pb::AppealQuestion {
        classifier_code: "0003.0009.0097.0688".into(),
        ..Default::default()
    }];
    if let Some(m) = a.meta.as_mut() {
        m.version = 3;
    }
    appeal_changed(&mut s, 50, a);
    press(&mut s, KeyCode::Home);
    press(&mut s, KeyCode::Char('r'));
    let form = top_form(&s).expect("the answer form opens");
    assert_eq!(
        form.fields.len(),
        5,
        "date, signer, sent via, summary, one result"
    );
    // The signer defaults to the head of administration; what the answer said is written; the
    // result is chosen with →.
    for _ in 0..3 {
        press(&mut s, KeyCode::Tab);
    }
    type_text(&mut s, "Lamps replaced");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::AnswerAppeal(r))) = call_of(&cmds) else {
        panic!("no answer sent");
    };
    assert_eq!((r.appeal_id, r.expected_version), (300, 3));
    let ans = r.answer.unwrap_or_default();
    assert_eq!(ans.signed_by, "Иванова А. В.");
    assert_eq!(ans.sent_via, "by post");
    assert_eq!(
        ans.date.and_then(|d| validate::to_naive(&d)),
        Some(s.today())
    );
    assert_eq!(r.results, vec![pb::QuestionResult::Supported as i32]);
    // An answered appeal (now last: finished ones follow the open) offers no second answer.
    let mut done = city().appeals.remove(0);
    done.status = pb::AppealStatus::Answered as i32;
    if let Some(m) = done.meta.as_mut() {
        m.version = 4;
    }
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Appeal(Box::new(done))),
        },
    );
    assert!(top_form(&s).is_none(), "the form closed");
    assert!(screen_text(&s).contains("Answer recorded"));
    press(&mut s, KeyCode::End);
    assert!(screen_text(&s).contains("Answered"));
    let cmds = press(&mut s, KeyCode::Char('r'));
    assert!(call_of(&cmds).is_none() && top_form(&s).is_none());
}

#[test]
fn the_administrator_creates_an_account_and_sets_a_password() {
    let mut s = signed(Lang::Ru, (100, 30), ADMIN);
    press(&mut s, KeyCode::Char('N'));
    assert!(top_form(&s).is_some(), "the new-account form opens");
    type_text(&mut s, "isp9");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Орлова Мария Петровна");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "специалист");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "секрет 12345");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "секрет 1234");
    // The password shows as dots, never as typed.
    let screen = screen_text(&s);
    assert!(
        !screen.contains("секрет") && screen.contains("•••"),
        "{screen}"
    );
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none(), "the passwords differ");
    assert!(screen_text(&s).contains("пароли не совпадают"));
    type_text(&mut s, "5");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::CreateUser(r))) = call_of(&cmds) else {
        panic!("no account created");
    };
    assert_eq!(
        (
            r.username.as_str(),
            r.full_name.as_str(),
            r.password.as_str()
        ),
        ("isp9", "Орлова Мария Петровна", "секрет 12345")
    );
    assert_eq!(
        r.roles,
        vec![pb::RoleGrant {
            role: Role::Executor as i32,
            group_id: 0
        }]
    );
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::User(Box::new(user(
                120,
                "isp9",
                "Орлова Мария Петровна",
                &[(Role::Executor, 0)],
            )))),
        },
    );
    let screen = screen_text(&s);
    assert!(
        screen.contains("Учётная запись создана") && screen.contains("Орлова"),
        "{screen}"
    );

    // A new password for isp1: the form warns that the user's other sessions end.
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "isp1");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('P'));
    assert!(screen_text(&s).contains("Прочие сеансы пользователя будут завершены"));
    type_text(&mut s, "новый-пароль-1");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "новый-пароль-1");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        call_of(&cmds),
        Some((
            Origin::Form,
            Call::SetPassword(pb::SetPasswordRequest {
                user_id: ISP1,
                new_password: "новый-пароль-1".into(),
                old_password: String::new(),
            })
        ))
    );
}

#[test]
fn the_administrator_edits_a_territory_and_adds_a_venue_on_it() {
    let mut s = signed(Lang::Ru, (100, 30), ADMIN);
    tab(&mut s, '3');
    press(&mut s, KeyCode::Char('E'));
    let form = top_form(&s).expect("the territory form opens");
    assert_eq!(form.fields[0].value(), "микрорайон Молодёжный", "filled in");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Нет освещения во дворах по ул. Садовой");
    let cmds = send_text(&mut s);
    let Some((Origin::Form, Call::SaveTerritory(r))) = call_of(&cmds) else {
        panic!("nothing saved");
    };
    let t = r.territory.unwrap_or_default();
    assert_eq!(
        (t.meta.map(|m| m.id), r.expected_version),
        (Some(TERRITORY), 1)
    );
    assert_eq!(t.name, "микрорайон Молодёжный");
    assert_eq!(t.known_problems, "Нет освещения во дворах по ул. Садовой");
    // A stale version: the form takes the current one and the next Enter retries with it.
    let mut newer = city().territories.remove(0);
    if let Some(m) = newer.meta.as_mut() {
        m.version = 2;
    }
    stream(
        &mut s,
        60,
        pb::EventAction::Updated,
        pb::event::Entity::Territory(newer),
    );
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Err(RpcError::from_status(&tonic::Status::aborted(
                "запись изменена другим пользователем",
            ))),
        },
    );
    let cmds = send_text(&mut s);
    let Some((_, Call::SaveTerritory(again))) = call_of(&cmds) else {
        panic!("no retry");
    };
    assert_eq!(again.expected_version, 2);
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Done),
        },
    );

    // A new venue on that territory.
    tab(&mut s, '4');
    press(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "ДК им. Ленина");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "ул. Ленина, 10");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "много");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none());
    assert!(screen_text(&s).contains("целое число мест"));
    for _ in 0.."много".chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "250");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::SaveVenue(r))) = call_of(&cmds) else {
        panic!("no venue saved");
    };
    let v = r.venue.unwrap_or_default();
    assert_eq!(v.meta, None, "a new one");
    assert!(!r.request_id.is_empty());
    assert_eq!(
        (
            v.name.as_str(),
            v.address.as_str(),
            v.capacity,
            v.territory_id
        ),
        ("ДК им. Ленина", "ул. Ленина, 10", 250, TERRITORY)
    );
    assert_eq!(v.kind, pb::VenueKind::Culture as i32);
}

#[test]
fn decree_years_from_the_server_go_into_the_clients_calendar() {
    let (mut s, cmds) = login(Lang::Ru, (100, 30), SEK1);
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::Call { origin: Origin::Calendar, call } if **call == Call::CalendarYears
    )));
    // 2030: a year past the bundled data; the decree makes Monday 4 March a day off.
    let monday = chrono::NaiveDate::from_ymd_opt(2030, 3, 4).unwrap_or_default();
    assert!(s.calendar.is_working_day(monday));
    // A decree lists every public holiday on a weekday, and here one more day off.
    let mut days_off: Vec<pb::Date> = infogroups_shared::calendar::STATUTORY_HOLIDAYS
        .iter()
        .filter_map(|(m, d)| chrono::NaiveDate::from_ymd_opt(2030, *m, *d))
        .filter(|d| chrono::Datelike::weekday(d).number_from_monday() <= 5)
        .map(validate::from_naive)
        .collect();
    days_off.push(validate::from_naive(monday));
    let decree = pb::CalendarYear {
        year: 2030,
        days_off,
        working_weekends: Vec::new(),
        decree: "Постановление Правительства РФ № 1 от 01.09.2029".into(),
        built_in: false,
    };
    let built_in = pb::CalendarYear {
        year: 2026,
        built_in: true,
        ..Default::default()
    };
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Calendar,
            result: Ok(Reply::CalendarYears(pb::ListCalendarYearsResponse {
                years: vec![built_in, decree],
            })),
        },
    );
    assert!(!s.calendar.is_working_day(monday));
    assert!(
        s.calendar.decree_year(2026).is_none(),
        "built-in years stay as bundled"
    );
}

#[test]
fn the_applicant_is_shown_on_request_and_kept_nowhere() {
    let mut s = signed(Lang::Ru, (100, 30), OBSHIY);
    press(&mut s, KeyCode::Home);
    let cmds = press(&mut s, KeyCode::Char('D'));
    assert_eq!(call_of(&cmds), Some((Origin::Quick, Call::Applicant(300))));
    let mut a = city().appeals.remove(0);
    a.depersonalised = false;
    a.citizen = Some(pb::Citizen {
        surname: "Кравченко".into(),
        first_name: "Ольга".into(),
        postal_address: "ул. Садовая, 5, кв. 3".into(),
        ..Default::default()
    });
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Quick,
            result: Ok(Reply::Applicant(Box::new(a))),
        },
    );
    let screen = screen_text(&s);
    assert!(
        screen.contains("Кравченко") && screen.contains("ул. Садовая, 5, кв. 3"),
        "{screen}"
    );
    assert!(
        s.replica
            .appeals
            .get(300)
            .is_some_and(|a| a.citizen.is_none()),
        "the replica keeps no personal data"
    );
    press(&mut s, KeyCode::Esc);
    assert!(
        !screen_text(&s).contains("Кравченко"),
        "gone with the popup"
    );
    // An answer that carries the citizen (the registration's) is kept without them.
    let mut answered = city().appeals.remove(1);
    answered.citizen = Some(pb::Citizen {
        surname: "Кравченко".into(),
        ..Default::default()
    });
    if let Some(m) = answered.meta.as_mut() {
        m.version = 5;
    }
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Appeal(Box::new(answered))),
        },
    );
    assert!(
        s.replica
            .appeals
            .get(301)
            .is_some_and(|a| a.citizen.is_none() && a.depersonalised)
    );
}

#[test]
fn the_reception_card_form_fits_a_small_terminal_and_offers_the_written_appeal() {
    let mut s = signed(Lang::Ru, (80, 24), SEK1);
    tab(&mut s, '4');
    let cmds = press(&mut s, KeyCode::Char('O'));
    let form = top_form(&s).expect("the card's question can become a written appeal");
    assert!(form.is_confirmation() && call_of(&cmds).is_none());
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::CardToAppeal(r))) = call_of(&cmds) else {
        panic!("no appeal made");
    };
    assert_eq!((r.card_id, r.expected_version), (400, 1));
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('N'));
    insta::assert_snapshot!("reception_card_ru_80x24", draw(&s).backend());
    let form = top_form(&s).expect("the card form opens");
    assert_eq!(form.fields[2].value(), "1", "the secretary's group");
    assert_eq!(form.fields[3].value(), "ruk1", "received by its leader");
}

#[test]
fn a_card_that_became_an_appeal_shows_its_number_and_opens_it() {
    let mut s = signed(Lang::Ru, (160, 40), SEK1);
    tab(&mut s, '4');
    let mut card = city().reception_cards.remove(0);
    card.appeal_id = 300;
    if let Some(m) = card.meta.as_mut() {
        m.version = 2;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::ReceptionCard(card),
    );
    let text = screen_text(&s);
    assert!(text.contains("Стала обращением №: ИГ-2026-00042"), "{text}");
    assert!(
        text.contains("J к записи") && !text.contains("O "),
        "{text}"
    );
    press(&mut s, KeyCode::Char('J'));
    let text = screen_text(&s);
    assert!(
        text.contains("Просьба отремонтировать освещение во дворе"),
        "{text}"
    );
    assert!(text.contains("3 Обращения"), "{text}");
}

#[test]
fn an_assignment_step_that_is_not_the_users_says_why() {
    let mut s = signed(Lang::Ru, (160, 40), SEK1);
    tab(&mut s, '1');
    // The secretary controls; reporting is the executor's.
    press(&mut s, KeyCode::Char('r'));
    let text = screen_text(&s);
    assert!(text.contains("сейчас недоступно:"), "{text}");
    assert!(top_form(&s).is_none());
}

#[test]
fn the_head_extends_an_appeal_by_the_days_left() {
    let mut s = signed(Lang::Ru, (100, 30), GLAVA);
    tab(&mut s, '5');
    press(&mut s, KeyCode::Home);
    // ИГ-2026-00042 is overdue: the deadline can no longer be extended.
    press(&mut s, KeyCode::Home);
    let cmds = press(&mut s, KeyCode::Char('e'));
    assert!(call_of(&cmds).is_none() && top_form(&s).is_none());
    // Due later and extended by 10 days already: 20 are left.
    let mut a = city().appeals.remove(0);
    a.extensions = vec![pb::AppealExtension {
        days: 10,
        ..Default::default()
    }];
    a.due = Some(pb::Deadline {
        date: date(day(5, 20)),
        predicted: false,
    });
    if let Some(m) = a.meta.as_mut() {
        m.version = 3;
    }
    appeal_changed(&mut s, 70, a);
    press(&mut s, KeyCode::Home);
    press(&mut s, KeyCode::Char('?'));
    let help = screen_text(&s);
    assert!(
        help.contains("продлить срок ответа"),
        "the head extends, not asks: {help}"
    );
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('e'));
    let form = top_form(&s).expect("the extension form opens");
    assert_eq!(form.fields[0].value(), "20");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Нужна выездная проверка с участием подрядчика");
    let cmds = send_text(&mut s);
    let Some((Origin::Form, Call::ExtendAppeal(r))) = call_of(&cmds) else {
        panic!("no extension sent");
    };
    let e = r.extension.unwrap_or_default();
    assert_eq!((r.appeal_id, r.expected_version, e.days), (300, 3, 20));
    assert_eq!(e.granted_by, 0, "who granted it is the server's to record");
    assert_eq!(
        e.notice_date.and_then(|d| validate::to_naive(&d)),
        Some(s.today())
    );
}

#[test]
fn the_administrator_enters_a_calendar_year_from_a_decree() {
    let mut s = signed(Lang::Ru, (100, 30), ADMIN);
    tab(&mut s, '7');
    press(&mut s, KeyCode::Char('N'));
    assert!(top_form(&s).is_some(), "the calendar year form opens");
    type_text(&mut s, "2030");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Постановление Правительства РФ № 1 от 01.09.2029");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "01.01.2030, 02.01.2030 31.02.2030");
    let cmds = send_text(&mut s);
    assert!(call_of(&cmds).is_none());
    assert!(screen_text(&s).contains("«31.02.2030» — не дата"));
    for _ in 0.."31.02.2030".chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "04.03.2030");
    let cmds = send_text(&mut s);
    let Some((Origin::Form, Call::SaveCalendarYear(y))) = call_of(&cmds) else {
        panic!("no year sent");
    };
    let days: Vec<_> = y.days_off.iter().filter_map(validate::to_naive).collect();
    assert_eq!(y.year, 2030);
    assert_eq!(days.len(), 3);
    // The server names the day it refuses; the message goes under the days-off field.
    refused_field(
        &mut s,
        "days_off[2]",
        "праздник 07.01.2030 не указан нерабочим",
        "the holiday 07.01.2030 is not off",
    );
    let form = top_form(&s).expect("still open");
    assert_eq!(
        form.fields[2].error.as_deref(),
        Some("праздник 07.01.2030 не указан нерабочим")
    );
    // Accepted: the client's calendar has the year at once, and the tab asks for the years again.
    let monday = chrono::NaiveDate::from_ymd_opt(2030, 3, 4).unwrap_or_default();
    let mut saved = y.clone();
    saved.days_off = infogroups_shared::calendar::STATUTORY_HOLIDAYS
        .iter()
        .filter_map(|(m, d)| chrono::NaiveDate::from_ymd_opt(2030, *m, *d))
        .filter(|d| chrono::Datelike::weekday(d).number_from_monday() <= 5)
        .chain([monday])
        .map(validate::from_naive)
        .collect();
    let cmds = app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::CalendarYear(saved)),
        },
    );
    assert!(!s.calendar.is_working_day(monday));
    assert_eq!(
        call_of(&cmds),
        Some((
            Origin::Report(ReportKind::Directories, 2),
            Call::CalendarYears
        ))
    );
}

#[test]
fn the_executor_is_found_by_a_surname_or_initial_and_chosen_with_the_arrows() {
    let mut s = signed(Lang::Ru, (80, 24), RUK1);
    press(&mut s, KeyCode::Char('i'));
    type_text(&mut s, "Вывезти мусор с ул. Мира");
    press(&mut s, KeyCode::Tab);
    // «с» starts Смирнов and the initials С. of Новиков and Сидоренко: three people, none
    // exactly, so the form lists them and will not guess.
    type_text(&mut s, "с");
    insta::assert_snapshot!("issue_executor_matches_ru_80x24", draw(&s).backend());
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "30.06.2026");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none(), "three people match «с»");
    let form = top_form(&s).expect("the form stays");
    assert_eq!(
        form.fields[1].error.as_deref(),
        Some("подходят 3: уточните или выберите ↑/↓")
    );
    // The focus is back on the executor: ↓ goes through the matches by name, ↑ from the first
    // wraps to the last.
    assert_eq!(form.focus, 1);
    press(&mut s, KeyCode::Down);
    assert_eq!(
        top_form(&s).map(|f| f.fields[1].value()),
        Some("ruk1".into())
    );
    press(&mut s, KeyCode::Down);
    assert_eq!(
        top_form(&s).map(|f| f.fields[1].value()),
        Some("obshiy".into())
    );
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Up);
    assert_eq!(
        top_form(&s).map(|f| f.fields[1].value()),
        Some("isp1".into())
    );
    assert!(
        top_form(&s).is_some_and(|f| f.fields[1].error.is_none()),
        "choosing clears the error"
    );
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::CreateAssignment(r))) = call_of(&cmds) else {
        panic!("no assignment issued: {cmds:?}");
    };
    assert_eq!(r.executor_id, ISP1);
    assert_eq!(
        r.controller_id, 0,
        "the server puts the group's secretary in control"
    );

    // A surname alone is enough when it names one person.
    let mut s = signed(Lang::En, (80, 24), RUK1);
    press(&mut s, KeyCode::Char('i'));
    type_text(&mut s, "Check the lighting");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "васил");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "30.06.2026");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::CreateAssignment(r))) = call_of(&cmds) else {
        panic!("no assignment issued: {cmds:?}");
    };
    assert_eq!(r.executor_id, ISP2);
}

#[test]
fn keys_inside_forms_follow_the_key_file() {
    use infogroups_tui::keymap::KeySpec;
    use infogroups_tui::keymap::Keymap;
    use std::collections::BTreeMap;
    let mut s = signed(Lang::Ru, (80, 24), SEK1);
    let overrides = BTreeMap::from([
        ("next_option".to_string(), KeySpec::One("ctrl+n".into())),
        ("line_start".to_string(), KeySpec::One("ctrl+b".into())),
    ]);
    s.keymap = match Keymap::with_overrides(&overrides) {
        Ok(map) => map,
        Err(e) => panic!("the key file: {e}"),
    };
    // The group serves the territory (the administrator set it).
    let mut group = city().groups[0].clone();
    group.territory_ids = vec![TERRITORY];
    if let Some(m) = group.meta.as_mut() {
        m.version += 1;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Group(group),
    );
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('N'));
    // The time field: Home no longer goes to the start, the key given for it does.
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Home);
    type_text(&mut s, "1");
    press_with(
        &mut s,
        KeyCode::Char('b'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    type_text(&mut s, "2");
    assert_eq!(
        top_form(&s).map(|f| f.fields[1].value()),
        Some("218:001".to_string())
    );
    // The venue choice: → and Space no longer change it, the key given for it does.
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Char(' '));
    assert_eq!(top_form(&s).map(|f| f.fields[3].choice), Some(0));
    press_with(
        &mut s,
        KeyCode::Char('n'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    assert_eq!(top_form(&s).map(|f| f.fields[3].choice), Some(1));
    // The help over the form lists the keys inside it as the key file gives them.
    use infogroups_tui::keymap::Command;
    let help = s.keymap.first(Command::Help, true).unwrap_or_default();
    app::update(&mut s, Msg::ShowHelp);
    let Some(Popup::Help(h)) = s.popups.last() else {
        panic!("the help opens over the form (its key: {help})")
    };
    for (command, keys) in [
        (Command::NextOption, "Ctrl+n"),
        (Command::LineStart, "Ctrl+b"),
        (Command::DeleteBack, "Backspace"),
    ] {
        let what = infogroups_tui::strings::command(Lang::Ru, command);
        assert!(
            h.entries
                .iter()
                .any(|(k, w)| *w == what && k.to_lowercase().contains(&keys.to_lowercase())),
            "{command:?} as {keys} in {:?}",
            h.entries
        );
    }
}

#[test]
fn the_secretary_plans_a_meeting_and_prepares_it() {
    let mut s = signed(Lang::Ru, (80, 24), SEK1);
    // The group serves the territory (the administrator set it).
    let mut group = city().groups[0].clone();
    group.territory_ids = vec![TERRITORY];
    if let Some(m) = group.meta.as_mut() {
        m.version += 1;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Group(group),
    );
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('N'));
    insta::assert_snapshot!("plan_meeting_ru_80x24", draw(&s).backend());
    type_text(&mut s, "20.07.2026");
    press(&mut s, KeyCode::Tab);
    press_with(
        &mut s,
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    type_text(&mut s, "17:30");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::PlanMeeting(r))) = call_of(&cmds) else {
        panic!("no meeting planned: {cmds:?}");
    };
    assert_eq!(
        (r.group_id, r.territory_id, r.venue_id, r.time.as_str()),
        (GROUP1, TERRITORY, 0, "17:30")
    );
    assert_eq!(r.date, date(day(7, 20)));
    assert!(!r.request_id.is_empty());
    press(&mut s, KeyCode::Esc);

    // The planned meeting arrives with its checklist; it is the latest on the timeline.
    let mut planned = meeting(PLANNED, M::Planned, day(7, 20));
    planned.venue_id = 0;
    planned.checklist = ["Помещение подготовлено", "Звукоусиление"]
        .map(|t| pb::ChecklistItem {
            title: t.into(),
            ..Default::default()
        })
        .to_vec();
    stream(
        &mut s,
        42,
        pb::EventAction::Created,
        pb::event::Entity::Meeting(planned),
    );
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "20.07.2026");
    press(&mut s, KeyCode::Enter);
    // Not announced before the venue is agreed; moving and cancelling ask for a reason.
    press(&mut s, KeyCode::Char('a'));
    assert!(s.popups.is_empty(), "no announcement yet");
    for (key, title) in [('M', "Перенос встречи"), ('X', "Отмена встречи")]
    {
        press(&mut s, KeyCode::Char(key));
        let text = screen_text(&s);
        assert!(text.contains(title) && text.contains("Причина"), "{text}");
        press(&mut s, KeyCode::Esc);
    }

    // The venue: the first one, agreed today by default.
    press(&mut s, KeyCode::Char('V'));
    press(&mut s, KeyCode::Right);
    // Agreed with whom: an answered agreement names the person at the venue.
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none());
    assert!(
        screen_text(&s).contains("с кем согласовано"),
        "{}",
        screen_text(&s)
    );
    type_text(&mut s, "директор Петрова Н. В.");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::SetVenueAgreement(r))) = call_of(&cmds) else {
        panic!("no venue recorded: {cmds:?}");
    };
    assert_eq!(
        (r.meeting_id, r.expected_version, r.venue_id),
        (PLANNED, 3, 40)
    );
    let a = r.agreement.unwrap_or_default();
    assert_eq!(a.status, pb::AgreementStatus::Agreed as i32);
    assert_eq!(a.contact, "директор Петрова Н. В.");
    assert_eq!(a.date, date(day(5, 12)), "today");
    press(&mut s, KeyCode::Esc);

    // The checklist: each item by its own title; the second marked ready.
    press(&mut s, KeyCode::Char('C'));
    assert!(screen_text(&s).contains("Звукоусиление:"));
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::SaveChecklist(r))) = call_of(&cmds) else {
        panic!("no checklist saved: {cmds:?}");
    };
    assert_eq!(
        r.items.iter().map(|i| i.done).collect::<Vec<_>>(),
        [false, true]
    );
    press(&mut s, KeyCode::Esc);

    // No brief saved yet: the server is asked for a draft first.
    let cmds = press(&mut s, KeyCode::Char('B'));
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Call { call, .. } if matches!(**call, Call::DraftBrief(pb::DraftBriefRequest { meeting_id: PLANNED })))),
        "{cmds:?}"
    );
}

#[test]
fn the_leader_changes_the_groups_composition() {
    let mut s = signed(Lang::Ru, (80, 24), RUK1);
    tab(&mut s, '5');
    press(&mut s, KeyCode::Char('E'));
    let form = top_form(&s).expect("the composition form opens");
    let filled: Vec<String> = form.fields.iter().map(|f| f.value()).collect();
    // The default name is left empty: it follows the number.
    assert_eq!(filled[..5], ["1", "", "ruk1", "sek1", "isp2"]);
    for _ in 0..4 {
        press(&mut s, KeyCode::Tab);
    }
    type_text(&mut s, ", смирн");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "новый член группы");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::UpdateGroup(r))) = call_of(&cmds) else {
        panic!("no composition change: {cmds:?}");
    };
    let g = r.group.unwrap_or_default();
    assert_eq!(
        (
            r.expected_version,
            g.leader_id,
            g.secretary_id,
            g.member_ids
        ),
        (1, RUK1, SEK1, vec![ISP2, ISP1])
    );
    assert_eq!(r.reason, "новый член группы");
}

#[test]
fn the_leader_sees_the_requested_date_and_reason_before_deciding() {
    let mut s = signed(Lang::Ru, (80, 24), RUK1);
    let mut a = assignment(
        77,
        "2026/0077",
        pb::AssignmentStatus::InProgress,
        day(5, 20),
        ISP2,
        &"Провести обследование всех дворовых территорий микрорайона и подготовить смету. "
            .repeat(4),
    );
    a.extensions.push(pb::Extension {
        requested_by: ISP2,
        reason: "подрядчик не вышел на объект".into(),
        requested_date: date(day(6, 10)),
        state: pb::ExtensionState::Pending as i32,
        ..Default::default()
    });
    if let Some(m) = a.meta.as_mut() {
        m.version = 3;
    }
    let a_copy = a.clone();
    stream(
        &mut s,
        41,
        pb::EventAction::Created,
        pb::event::Entity::Assignment(a),
    );
    tab(&mut s, '3');
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('y'));
    let text = screen_text(&s);
    assert!(text.contains("10.06.2026"), "the requested date: {text}");
    assert!(text.contains("подрядчик не вышел"), "the reason: {text}");

    // Granted: the assignment leaves the extensions list, and the card with it.
    let mut granted = a_copy;
    granted.extensions[0].state = pb::ExtensionState::Granted as i32;
    if let Some(m) = granted.meta.as_mut() {
        m.version = 4;
    }
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Assignment(Box::new(granted))),
        },
    );
    assert!(s.popups.is_empty());
    let text = screen_text(&s);
    assert!(
        !text.contains("подрядчик не вышел"),
        "no card left over: {text}"
    );
    assert!(text.contains("0 из"), "the list, now empty: {text}");
    assert!(!text.contains('┌'), "not an empty card: {text}");
}

#[test]
fn the_dashboard_follows_changes_at_a_steady_pace() {
    let (mut s, cmds) = login(Lang::Ru, (100, 30), GLAVA);
    assert!(matches!(
        call_of(&cmds),
        Some((Origin::Report(ReportKind::Dashboard, 1), Call::Dashboard))
    ));
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Report(ReportKind::Dashboard, 1),
            result: Ok(Reply::Dashboard(Box::default())),
        },
    );
    let tick = |s: &mut State, after_ms: i64| {
        app::update(
            s,
            Msg::Tick {
                now_ms: now_ms() + after_ms,
            },
        )
    };
    assert!(call_of(&tick(&mut s, 5_000)).is_none(), "nothing changed");

    // An appeal is answered elsewhere: the figures are asked for again at once, then not more
    // than once in two seconds however many events come.
    let changed = |s: &mut State, seq: u64, mut a: pb::Appeal| {
        if let Some(m) = a.meta.as_mut() {
            m.version += seq;
        }
        stream(
            s,
            seq,
            pb::EventAction::Updated,
            pb::event::Entity::Appeal(a),
        )
    };
    let cmds = changed(&mut s, 41, city().appeals[0].clone());
    assert!(matches!(
        call_of(&cmds),
        Some((Origin::Report(ReportKind::Dashboard, 2), Call::Dashboard))
    ));
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Report(ReportKind::Dashboard, 2),
            result: Ok(Reply::Dashboard(Box::default())),
        },
    );
    assert!(call_of(&changed(&mut s, 42, city().appeals[1].clone())).is_none());
    assert!(call_of(&tick(&mut s, 6_000)).is_none(), "too soon");
    assert!(
        matches!(
            call_of(&tick(&mut s, 7_100)),
            Some((Origin::Report(ReportKind::Dashboard, 3), Call::Dashboard))
        ),
        "two seconds on"
    );
}

#[test]
fn a_question_is_found_in_the_classifier_by_its_words() {
    let mut s = signed(Lang::Ru, (80, 24), SEK1);
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "08.05.2026");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('Q'));
    type_text(&mut s, "Перебои с водой по вечерам");
    press(&mut s, KeyCode::Tab);
    let cmds = type_text(&mut s, "перебои");
    let searched: Vec<String> = cmds
        .iter()
        .filter_map(|c| match c {
            Cmd::Call {
                origin: Origin::Classifier,
                call,
            } => match &**call {
                Call::SearchClassifier(r) => Some(r.query.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(searched.last().map(String::as_str), Some("перебои"));
    let found = |query: &str| Msg::CallDone {
        origin: Origin::Classifier,
        result: Ok(Reply::Classifier {
            query: query.into(),
            found: vec![
                (
                    "0005.0005.0056.1154".into(),
                    "Перебои в водоснабжении".into(),
                ),
                (
                    "0005.0005.0056.1157".into(),
                    "Перебои в теплоснабжении".into(),
                ),
            ],
        }),
    };
    // An answer to an earlier query is not shown under what is typed now.
    app::update(&mut s, found("пере"));
    assert!(top_form(&s).is_some_and(|f| f.fields[1].found.is_empty()));
    app::update(&mut s, found("перебои"));
    insta::assert_snapshot!("question_classifier_ru_80x24", draw(&s).backend());
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(
        call_of(&cmds).is_none(),
        "two questions found: one must be chosen"
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::SaveProtocol(r))) = call_of(&cmds) else {
        panic!("no protocol saved: {cmds:?}");
    };
    let p = r.protocol.unwrap_or_default();
    let q = p.questions.last().cloned().unwrap_or_default();
    assert_eq!(
        (q.substance.as_str(), q.classifier_code.as_str()),
        ("Перебои с водой по вечерам", "0005.0005.0056.1157")
    );
    assert_eq!(
        p.questions.len(),
        protocol().questions.len() + 1,
        "kept the others"
    );
}

#[test]
fn the_secretary_sees_the_control_sector_receive_the_protocol() {
    let mut s = signed(Lang::Ru, (100, 30), SEK1);
    tab(&mut s, '2');
    assert!(!screen_text(&s).contains("Протокол получен"));
    let mut m = city()
        .meetings
        .into_iter()
        .find(|m| m.meta.is_some_and(|x| x.id == HANDED))
        .unwrap_or_default();
    if let Some(x) = m.meta.as_mut() {
        x.version += 1;
    }
    if let Some(h) = m.handover.as_mut() {
        h.acknowledged_at_ms = at(4, 27);
        h.acknowledged_by = KONTROL;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(m),
    );
    let text = screen_text(&s);
    assert!(text.contains("Протокол получен"), "{text}");
}

#[test]
fn a_filtered_list_prints_as_a_register_of_what_it_shows() {
    let mut s = signed(Lang::Ru, (100, 30), SEK1);
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "2026");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('W'));
    assert!(top_form(&s).is_some(), "the save form opens");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::Export { request, .. })) = call_of(&cmds) else {
        panic!("nothing saved: {cmds:?}");
    };
    assert_eq!(request.kind, pb::ExportKind::Register as i32);
    let register = request.register.clone().unwrap_or_default();
    assert_eq!(register.kind, pb::RegisterKind::Assignments as i32);
    assert_eq!(register.filter, "2026");
    assert!(!register.ids.is_empty());
}

#[test]
fn a_meetings_papers_are_saved_as_documents_only() {
    let mut s = signed(Lang::Ru, (100, 30), SEK1);
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "08.05.2026");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('w'));
    let form = top_form(&s).expect("the save form opens");
    let field = |name: &str| form.fields.iter().find(|f| f.name == name);
    assert_eq!(
        field("format").map(|f| f.options.clone()),
        Some(vec!["pdf".to_string(), "docx".to_string()])
    );
    let documents = field("document")
        .map(|f| f.options.clone())
        .unwrap_or_default();
    assert_eq!(
        documents.first().map(String::as_str),
        Some("протокол"),
        "{documents:?}"
    );
    assert!(documents.iter().any(|d| d == "объявление"), "{documents:?}");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::Export { request, path })) = call_of(&cmds) else {
        panic!("nothing saved: {cmds:?}");
    };
    assert_eq!(request.kind, pb::ExportKind::Protocol as i32);
    assert_eq!(request.format, pb::FileFormat::Pdf as i32);
    assert_eq!(
        path, None,
        "nothing typed: saved under the server's name for the protocol"
    );
}

#[test]
fn the_administrator_edits_and_archives_an_account_and_a_directory_entry() {
    let mut s = signed(Lang::Ru, (100, 30), ADMIN);
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "isp1");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('E'));
    let form = top_form(&s).expect("the account form opens");
    assert_eq!(form.fields[0].value(), "Смирнов В. Г.", "filled in");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "начальник отдела");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::UpdateUser(r))) = call_of(&cmds) else {
        panic!("no change sent: {cmds:?}");
    };
    assert_eq!(
        (
            r.user_id,
            r.full_name.as_str(),
            r.position.as_str(),
            r.department_id
        ),
        (ISP1, "Смирнов В. Г.", "начальник отдела", 50)
    );
    press(&mut s, KeyCode::Esc);

    press(&mut s, KeyCode::Char('X'));
    let text = screen_text(&s);
    assert!(
        text.contains("Вход будет закрыт"),
        "what archiving means: {text}"
    );
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(matches!(
        call_of(&cmds),
        Some((
            Origin::Form,
            Call::ArchiveUser(pb::ArchiveUserRequest { user_id: ISP1, .. })
        ))
    ));
    press(&mut s, KeyCode::Esc);

    // A venue no longer used.
    tab(&mut s, '4');
    press(&mut s, KeyCode::Char('X'));
    assert!(
        screen_text(&s).contains("МБОУ СОШ № 3"),
        "names what is archived"
    );
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::Archive(r))) = call_of(&cmds) else {
        panic!("nothing archived: {cmds:?}");
    };
    assert_eq!(
        (r.kind, r.id, r.expected_version),
        (pb::DirectoryKind::Venue as i32, 40, 1)
    );
}

#[test]
fn a_wide_report_scrolls_sideways_and_pages_without_skipping_rows() {
    let mut s = signed(Lang::Ru, (80, 24), KONTROL);
    press(&mut s, KeyCode::Char('5'));
    let mut columns = vec!["Показатель".to_string()];
    columns.extend((1..=12).map(|g| format!("Группа № {g}")));
    columns.push("Итого".into());
    let rows = (1..=40)
        .map(|r| pb::Row {
            cells: std::iter::once(format!("строка {r:02}"))
                .chain((1..=13).map(|c| (r * 100 + c).to_string()))
                .collect(),
            values: vec![0.0; 14],
        })
        .collect();
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Report(ReportKind::GroupsReport, 1),
            result: Ok(Reply::Table(pb::Table {
                title: "Отчёт".into(),
                columns,
                rows,
                totals: None,
            })),
        },
    );
    let text = screen_text(&s);
    assert!(
        text.contains('▶') && !text.contains("Итого"),
        "cut on the right: {text}"
    );
    for _ in 0..12 {
        press(&mut s, KeyCode::Char('>'));
    }
    let text = screen_text(&s);
    assert!(
        text.contains("◀") && text.contains("Итого"),
        "the last column: {text}"
    );
    assert!(text.contains("Показатель"), "the labels stay");
    press(&mut s, KeyCode::Char('<'));

    // A page down shows the row after the last one shown: none skipped.
    let visible = |s: &State| -> Vec<String> {
        screen_text(s)
            .lines()
            .filter_map(|l| l.find("строка ").map(|i| l[i..i + 16].to_string()))
            .collect()
    };
    let before = visible(&s);
    press(&mut s, KeyCode::PageDown);
    let after = visible(&s);
    let last: u32 = before
        .last()
        .and_then(|l| l[14..].trim().parse().ok())
        .unwrap_or(0);
    let first: u32 = after
        .first()
        .and_then(|l| l[14..].trim().parse().ok())
        .unwrap_or(0);
    assert_eq!(first, last + 1, "{before:?} then {after:?}");
}

#[test]
fn a_notification_leads_to_its_assignment() {
    let mut s = signed(Lang::Ru, (100, 30), SEK1);
    let a = s.replica.assignments.iter().last().unwrap_or_default();
    let id = a.meta.map_or(0, |m| m.id);
    sync(
        &mut s,
        SyncEvent::Event(Box::new(pb::Event {
            seq: 41,
            action: pb::EventAction::Created as i32,
            entity: Some(pb::event::Entity::Notification(pb::Notification {
                meta: meta(900, 1),
                user_id: SEK1,
                kind: pb::NotificationKind::ReportSubmitted as i32,
                text_ru: format!("Поручение {}: представлен отчёт", a.number),
                text_en: "report submitted".into(),
                assignment_id: id,
                ..Default::default()
            })),
            ..Default::default()
        })),
    );
    tab(&mut s, '5');
    assert!(screen_text(&s).contains("● "), "unread is marked");
    let cmds = press(&mut s, KeyCode::Char('J'));
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Call { call, .. }
            if matches!(&**call, Call::MarkRead(r) if r.ids == [900]))),
        "going to it reads it: {cmds:?}"
    );
    let text = screen_text(&s);
    assert!(
        matches!(&s.screen, app::Screen::Work(w) if w.active == 0),
        "on the assignments tab"
    );
    let start: String = a.text.chars().take(15).collect();
    assert!(text.contains(&start), "its card: {text}");
}

#[test]
fn revoking_names_the_group_by_its_number() {
    let mut s = signed(Lang::Ru, (100, 30), ADMIN);
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "sek1");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('-'));
    let form = top_form(&s).expect("the revoke form opens");
    assert_eq!(form.fields[0].options, ["Секретарь группы, № 1"]);
}

#[test]
fn a_protocol_longer_than_the_screen_is_read_to_its_end_before_signing() {
    let mut s = signed(Lang::Ru, (80, 24), RUK1);
    // A long protocol: twelve questions.
    let mut m = city().meetings[0].clone();
    if let Some(x) = m.meta.as_mut() {
        x.version += 1;
    }
    if let Some(p) = m.protocol.as_mut() {
        p.questions = (1..=12)
            .map(|i| pb::RaisedQuestion {
                substance: format!("Вопрос жителей номер {i}"),
                ..Default::default()
            })
            .collect();
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(m),
    );
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('s'));
    let text = screen_text(&s);
    assert!(text.contains("↓ ещё строк"), "{text}");
    assert!(!text.contains("номер 12"), "the end is below: {text}");
    let mut enters = 0;
    let call = loop {
        enters += 1;
        let cmds = press(&mut s, KeyCode::Enter);
        if let Some(call) = call_of(&cmds) {
            break call;
        }
        assert!(enters < 10, "never signed");
    };
    assert!(enters > 1, "the first Enter showed the rest");
    assert!(matches!(call, (Origin::Form, Call::SignProtocol(_))));
    assert!(screen_text(&s).contains("номер 12"), "the end was shown");
}

#[test]
fn roles_changed_elsewhere_reach_the_running_client() {
    let mut s = signed(Lang::Ru, (100, 30), ISP1);
    let tabs = |s: &State| match &s.screen {
        app::Screen::Work(w) => w.tabs.len(),
        _ => 0,
    };
    let before = tabs(&s);
    // The leader adds isp1 to the group: a second role, the current one kept.
    let mut me = user(
        ISP1,
        "isp1",
        "Смирнов В. Г.",
        &[(Role::Executor, 0), (Role::GroupMember, GROUP1)],
    );
    if let Some(m) = me.meta.as_mut() {
        m.version = 2;
    }
    let event = |s: &mut State, u: pb::User, seq: u64| {
        stream(s, seq, pb::EventAction::Updated, pb::event::Entity::User(u));
    };
    event(&mut s, me.clone(), 41);
    assert_eq!(s.session.as_ref().map(|x| x.roles.len()), Some(2));
    assert_eq!(tabs(&s), before, "still working as the executor");
    assert!(screen_text(&s).contains("Ваши роли изменились"));
    // Then the executor role is taken away: the workspace becomes the member's.
    me.roles = grants(&[(Role::GroupMember, GROUP1)]);
    if let Some(m) = me.meta.as_mut() {
        m.version = 3;
    }
    event(&mut s, me, 42);
    assert_eq!(
        s.session.as_ref().and_then(|x| x.role()).map(|g| g.role),
        Some(Role::GroupMember as i32)
    );
    assert!(screen_text(&s).contains("Встречи"), "the member's tabs");
}

#[test]
fn an_amendment_shows_on_the_protocol() {
    let mut s = signed(Lang::Ru, (160, 48), SEK1);
    tab(&mut s, '2');
    let mut m = city()
        .meetings
        .into_iter()
        .find(|m| m.meta.is_some_and(|x| x.id == HANDED))
        .unwrap_or_default();
    if let Some(x) = m.meta.as_mut() {
        x.version += 1;
    }
    if let Some(p) = m.protocol.as_mut() {
        p.amendments.push(pb::Amendment {
            text: "Число присутствовавших — 57, а не 55".into(),
            by_user_id: SEK1,
            at_ms: at(4, 25),
        });
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(m),
    );
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "20.04.2026");
    press(&mut s, KeyCode::Enter);
    let text = screen_text(&s);
    assert!(
        text.contains("Поправка: Число присутствовавших — 57"),
        "{text}"
    );
}

/// A server on a training clock (`serve --clock`), as a heartbeat tells the client.
fn training(s: &mut State) {
    sync(
        s,
        SyncEvent::Heartbeat {
            server_time_ms: at(3, 2) + 9 * 3_600_000,
            training_clock: true,
        },
    );
}

#[test]
fn training_time_is_said_in_the_status_bar_and_the_administrator_moves_it_a_day() {
    // A production server: no «учебное время», and no key to move its clock.
    let mut admin = signed(Lang::Ru, (80, 24), ADMIN);
    assert!(!screen_text(&admin).contains("учебное время"));
    assert_eq!(call_of(&press(&mut admin, KeyCode::F(8))), None);

    training(&mut admin);
    let text = screen_text(&admin);
    let status_bar = text.lines().last().unwrap_or_default();
    assert!(
        status_bar.contains("учебное время 02.03.2026"),
        "{status_bar}"
    );
    let (origin, call) = call_of(&press(&mut admin, KeyCode::F(8))).expect("a call");
    assert_eq!(origin, Origin::Quick);
    assert_eq!(
        call,
        Call::AdvanceClock(pb::AdvanceClockRequest { minutes: 24 * 60 })
    );
    // The answer moves every date on screen at once.
    app::update(
        &mut admin,
        Msg::CallDone {
            origin: Origin::Quick,
            result: Ok(Reply::Settings(pb::Settings {
                appeal_deadline_rule: pb::NonWorkingRule::Previous as i32,
                training_clock: true,
                server_time_ms: at(3, 3) + 9 * 3_600_000,
            })),
        },
    );
    let text = screen_text(&admin);
    assert!(text.contains("учебное время 03.03.2026"), "{text}");

    // Everyone sees training time; only an administrator moves it.
    let mut control = signed(Lang::En, (80, 24), KONTROL);
    training(&mut control);
    let status_bar = screen_text(&control);
    assert!(
        status_bar
            .lines()
            .last()
            .unwrap_or_default()
            .contains("training time"),
        "{status_bar}"
    );
    assert_eq!(call_of(&press(&mut control, KeyCode::F(8))), None);
}

#[test]
fn the_secretary_enters_a_past_meeting_after_the_fact() {
    let mut s = signed(Lang::Ru, (80, 24), SEK1);
    let mut group = city().groups[0].clone();
    group.territory_ids = vec![TERRITORY];
    if let Some(m) = group.meta.as_mut() {
        m.version += 1;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Group(group),
    );
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('H'));
    let form = top_form(&s).expect("the past meeting's form opens");
    assert!(form.title.contains("задним числом"), "{}", form.title);
    let fill = |s: &mut State, text: &str| {
        press_with(
            s,
            KeyCode::Char('u'),
            crossterm::event::KeyModifiers::CONTROL,
        );
        type_text(s, text);
        press(s, KeyCode::Tab);
    };
    fill(&mut s, "10.02.2026");
    fill(&mut s, "17:30");
    // The territory and the venue keep their first choices.
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    fill(&mut s, "1-2026/1");
    fill(&mut s, "19:00");
    fill(&mut s, "42");
    // Those present are ticked on the group's checklist: the leader, then the secretary.
    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Tab);
    fill(&mut s, "О ремонте водовода");
    fill(&mut s, "11.02.2026");
    press_with(
        &mut s,
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    type_text(&mut s, "16.02.2026");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::RecordPastMeeting(r))) = call_of(&cmds) else {
        panic!("no past meeting entered: {cmds:?}");
    };
    assert_eq!((r.group_id, r.territory_id), (GROUP1, TERRITORY));
    assert_eq!(r.date, date(day(2, 10)));
    assert_eq!(r.signed_on, date(day(2, 11)));
    assert_eq!(r.handed_over_on, date(day(2, 16)));
    let p = r.protocol.unwrap_or_default();
    assert_eq!(
        (
            p.number.as_str(),
            p.start_time.as_str(),
            p.end_time.as_str()
        ),
        ("1-2026/1", "17:30", "19:00")
    );
    assert_eq!(p.residents_attending, 42);
    assert_eq!(p.members_present, [RUK1, SEK1]);
}

#[test]
fn the_registration_form_says_when_the_answer_is_due_by_the_rule_in_force() {
    let mut s = state(Lang::Ru, (80, 24), false);
    let mut snap = city();
    snap.settings = Some(pb::Settings {
        appeal_deadline_rule: pb::NonWorkingRule::Previous as i32,
        training_clock: false,
        server_time_ms: at(3, 2),
    });
    let u = snap
        .users
        .iter()
        .find(|u| u.meta.is_some_and(|m| m.id == OBSHIY))
        .cloned()
        .unwrap_or_default();
    app::update(
        &mut s,
        Msg::LoginDone(Ok(LoginOk {
            user_id: OBSHIY,
            username: u.username,
            full_name: u.full_name,
            roles: u.roles,
        })),
    );
    sync(&mut s, SyncEvent::Snapshot(Box::new(snap.into())));
    sync(&mut s, SyncEvent::Link(Link::Online));
    press(&mut s, KeyCode::Char('N'));
    let form = top_form(&s).expect("the registration form opens");
    // The line after the hint: the date and the rule that gave it.
    assert_eq!(form.summary.len(), 2, "{:?}", form.summary);
    let due = &form.summary[1];
    assert!(due.starts_with("Срок ответа: "), "{due}");
    assert!(due.contains("предыдущий рабочий день"), "{due}");
}

#[test]
fn a_protocol_can_be_had_as_a_link_for_the_browser_of_ones_own_computer() {
    let mut s = signed(Lang::Ru, (100, 30), SEK1);
    tab(&mut s, '2');
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "08.05.2026");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('w'));
    // Document, format, name, then how to get it: → picks the link.
    for _ in 0..3 {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::ShareExport(request))) = call_of(&cmds) else {
        panic!("no link asked for: {cmds:?}");
    };
    assert_eq!(request.kind, pb::ExportKind::Protocol as i32);
    assert_eq!(request.format, pb::FileFormat::Pdf as i32);
    let url = "https://ig.example.org:8443/d/00112233445566778899aabbccddeeff";
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Shared(pb::ShareResponse {
                url: url.into(),
                file_name: "Протокол.pdf".into(),
                expires_at_ms: 0,
            })),
        },
    );
    let text = screen_text(&s);
    assert!(text.contains(url), "{text}");
    assert!(text.contains("Ссылка на скачивание"), "{text}");
    assert!(top_form(&s).is_none(), "the form gave way to the link");
    let cmds = press(&mut s, KeyCode::Char('l'));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::CopyToClipboard(u) if u == url)),
        "the key copies the link: {cmds:?}"
    );
}

#[test]
fn the_control_sector_returns_a_handed_over_protocol_with_the_reason() {
    let mut s = signed(Lang::Ru, (100, 30), KONTROL);
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "20.04.2026");
    press(&mut s, KeyCode::Enter);
    assert!(
        screen_text(&s).contains("вернуть"),
        "the hints offer it: {}",
        screen_text(&s)
    );
    press(&mut s, KeyCode::Char('b'));
    assert!(top_form(&s).is_some(), "the reason form opens");
    assert!(screen_text(&s).contains("Возврат протокола секретарю"));
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none(), "no reason, nothing sent");
    type_text(&mut s, "Нет списка присутствовавших");
    let cmds = send_text(&mut s);
    let Some((Origin::Form, Call::ReturnProtocol(r))) = call_of(&cmds) else {
        panic!("not returned: {cmds:?}");
    };
    assert_eq!(r.meeting_id, HANDED);
    assert_eq!(r.reason, "Нет списка присутствовавших");
}

#[test]
fn each_person_pastes_an_ssh_key_and_removes_one_of_their_own() {
    let mut s = signed(Lang::Ru, (160, 30), SEK1);
    tab(&mut s, '5');
    assert!(
        screen_text(&s).contains("K ключи SSH"),
        "{}",
        screen_text(&s)
    );
    let cmds = press(&mut s, KeyCode::Char('K'));
    assert_eq!(call_of(&cmds), Some((Origin::Quick, Call::SshKeys)));
    let held = pb::SshKey {
        fingerprint: "SHA256:abc".into(),
        algorithm: "ssh-ed25519".into(),
        comment: "sek1@laptop".into(),
        ..Default::default()
    };
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Quick,
            result: Ok(Reply::SshKeys(vec![held.clone()])),
        },
    );
    assert!(top_form(&s).is_some(), "the form opens on the keys held");
    assert!(
        screen_text(&s).contains("sek1@laptop"),
        "{}",
        screen_text(&s)
    );
    // Saving with nothing pasted and nothing chosen asks for a key; a pasted line is sent as is.
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none(), "nothing to do");
    type_text(&mut s, "ssh-ed25519 AAAAC3Nza новый");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        call_of(&cmds),
        Some((
            Origin::Form,
            Call::AddSshKey("ssh-ed25519 AAAAC3Nza новый".into())
        ))
    );
    // Opened afresh, the held key is chosen under «Удалить ключ»: its removal is sent.
    press(&mut s, KeyCode::Esc);
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Quick,
            result: Ok(Reply::SshKeys(vec![held])),
        },
    );
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        call_of(&cmds),
        Some((Origin::Form, Call::RemoveSshKey("SHA256:abc".into())))
    );
}

#[test]
fn each_person_chooses_which_notifications_to_get_and_which_also_by_mail() {
    let mut s = signed(Lang::Ru, (160, 30), SEK1);
    tab(&mut s, '5');
    assert!(
        screen_text(&s).contains("M настройка"),
        "{}",
        screen_text(&s)
    );
    let cmds = press(&mut s, KeyCode::Char('M'));
    assert_eq!(call_of(&cmds), Some((Origin::Quick, Call::MailPreferences)));
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Quick,
            result: Ok(Reply::MailPreferences(pb::MailPreferences {
                email: "sek1@novoshakhtinsk.example".into(),
                kinds: vec![pb::NotificationKind::Reminder as i32],
                control_digest: false,
                muted: vec![pb::NotificationKind::Digest as i32],
            })),
        },
    );
    let form = top_form(&s).expect("the form opens on what is saved");
    assert_eq!(form.fields[0].value(), "sek1@novoshakhtinsk.example");
    assert_eq!(form.fields[2].caption.as_deref(), Some("срок приближается"));
    assert_eq!(form.fields[2].choice, 1, "reminders by mail, as saved");
    assert!(
        form.fields.iter().all(|f| f.name != "control_digest"),
        "the digest is the control sector's"
    );
    // Overdue notices by mail too (the third field, one step right); new assignments off (the
    // second, two steps right).
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::SetMailPreferences(p))) = call_of(&cmds) else {
        panic!("not saved: {cmds:?}");
    };
    assert_eq!(p.email, "sek1@novoshakhtinsk.example");
    assert_eq!(
        p.kinds,
        [
            pb::NotificationKind::Reminder as i32,
            pb::NotificationKind::Overdue as i32
        ]
    );
    assert_eq!(
        p.muted,
        [
            pb::NotificationKind::NewAssignment as i32,
            pb::NotificationKind::Digest as i32
        ]
    );
}

/// Every tab of every role at 80×24 and 160×48: what a person of each role sees on each tab
/// before doing anything (report tabs wait for the server, which these frames do not answer).
#[test]
fn every_tab_of_every_role() {
    use infogroups_tui::app::Screen;
    let roles = [
        ("secretary", SEK1, false),
        ("leader", RUK1, false),
        ("executor", ISP1, false),
        ("member", ISP2, true),
        ("control", KONTROL, false),
        ("head", GLAVA, false),
        ("general", OBSHIY, false),
        ("population", NASELENIE, false),
        ("admin", ADMIN, false),
    ];
    for size in [(80, 24), (160, 48)] {
        for (role, user, switch) in roles {
            let mut s = signed(Lang::Ru, size, user);
            if switch {
                // The second of the account's roles: the group member's.
                press(&mut s, KeyCode::F(2));
                if !s.popups.is_empty() {
                    press(&mut s, KeyCode::Down);
                    press(&mut s, KeyCode::Enter);
                }
            }
            let count = match &s.screen {
                Screen::Work(w) => w.tabs.len(),
                Screen::Login(_) => 0,
            };
            assert!(count > 0, "{role}: no workspace");
            for n in 1..=count.min(9) {
                let digit = char::from_digit(u32::try_from(n).unwrap_or(1), 10).unwrap_or('1');
                tab(&mut s, digit);
                let what = format!("tab_{role}_{n}");
                insta::assert_snapshot!(name(&what, Lang::Ru, size), draw(&s).backend());
            }
        }
    }
}

#[test]
fn the_files_key_lists_a_meetings_files_attaches_one_by_its_path_and_the_card_shows_them() {
    let mut s = signed(Lang::Ru, (160, 48), SEK1);
    tab(&mut s, '2');
    let cmds = press(&mut s, KeyCode::Char('f'));
    let Some((Origin::Quick, Call::ListAttachments(record))) = call_of(&cmds) else {
        panic!("no list asked: {cmds:?}");
    };
    assert_eq!(record.kind, pb::RecordKind::Meeting as i32);
    let scan = pb::Attachment {
        id: 1,
        record: Some(record),
        file_name: "протокол подписанный.pdf".into(),
        size: 3 << 20,
        media_type: "application/pdf".into(),
        uploaded_at_ms: s.now_ms,
        ..Default::default()
    };
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Quick,
            result: Ok(Reply::Attachments {
                record,
                files: vec![scan.clone()],
            }),
        },
    );
    let text = screen_text(&s);
    assert!(text.contains("Файлы записи"), "{text}");
    assert!(text.contains("протокол подписанный.pdf · 3 МБ"), "{text}");
    // Attach is the first choice; the path goes in the last field, `~` as the home folder.
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "~/Сканы/ответ.pdf");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::Attach { record: to, path })) = call_of(&cmds) else {
        panic!("no attach: {cmds:?}");
    };
    assert_eq!(to, record);
    assert!(path.ends_with("Сканы/ответ.pdf"), "{path:?}");
    if let Some(home) = std::env::var_os("HOME") {
        assert!(path.starts_with(home), "{path:?}");
    }
    let answer = pb::Attachment {
        id: 2,
        file_name: "ответ.pdf".into(),
        ..scan
    };
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Attachments {
                record,
                files: vec![answer],
            }),
        },
    );
    assert!(s.popups.is_empty(), "the form closed");
    let text = screen_text(&s);
    assert!(text.contains("Готово"), "{text}");
    assert!(
        text.contains("ответ.pdf · 3 МБ"),
        "the card lists the file: {text}"
    );
}

#[test]
fn those_present_are_ticked_on_the_groups_checklist_not_typed() {
    let mut s = signed(Lang::Ru, (80, 24), SEK1);
    tab(&mut s, '2');
    let mut draft = city().meetings[0].clone();
    draft.status = M::ProtocolDrafted as i32;
    if let Some(m) = draft.meta.as_mut() {
        m.version = 4;
    }
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(draft),
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char('p'));
    // Number, start, end, residents: the fifth field is the checklist.
    for _ in 0..4 {
        press(&mut s, KeyCode::Tab);
    }
    let text = screen_text(&s);
    // The protocol's own list is ticked; the group's other member is offered, unticked.
    assert!(text.contains("[x] Новиков С. И. (ruk1)"), "{text}");
    assert!(text.contains("[x] Егорова Е. А. (sek1)"), "{text}");
    assert!(text.contains("[ ] Васильева О. Н. (isp2)"), "{text}");
    insta::assert_snapshot!("protocol_checklist_ru_80x24", draw(&s).backend());
    // Typing narrows the list to the names with a word starting so; Space ticks the one shown.
    type_text(&mut s, "вас");
    let text = screen_text(&s);
    assert!(!text.contains("Новиков С. И. (ruk1)"), "{text}");
    press(&mut s, KeyCode::Char(' '));
    // And another: the secretary, unticked.
    press_with(
        &mut s,
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    type_text(&mut s, "егор");
    press(&mut s, KeyCode::Char(' '));
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::SaveProtocol(r))) = call_of(&cmds) else {
        panic!("no protocol saved: {cmds:?}");
    };
    assert_eq!(r.protocol.unwrap_or_default().members_present, [RUK1, ISP2]);
}

#[test]
fn the_control_sector_asks_for_the_figures_of_any_days() {
    let mut s = signed(Lang::Ru, (80, 24), KONTROL);
    press(&mut s, KeyCode::Char('4'));
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Report(ReportKind::Aggregates, 1),
            result: Ok(Reply::Table(aggregate_table())),
        },
    );
    press(&mut s, KeyCode::Char('T'));
    let text = screen_text(&s);
    assert!(text.contains("Произвольный период"), "{text}");
    let clear = |s: &mut State| {
        press_with(
            s,
            KeyCode::Char('u'),
            crossterm::event::KeyModifiers::CONTROL,
        );
    };
    // The end before the start: said under the end, nothing asked.
    clear(&mut s);
    type_text(&mut s, "15.2.26");
    press(&mut s, KeyCode::Tab);
    clear(&mut s);
    type_text(&mut s, "1.2.26");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(call_of(&cmds).is_none(), "{cmds:?}");
    let text = screen_text(&s);
    assert!(text.contains("конец периода раньше начала"), "{text}");
    // Short forms are read in full; the tab asks for those days, grouped as it was.
    clear(&mut s);
    type_text(&mut s, "20.12.26");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Report(ReportKind::Aggregates, 2), Call::Aggregate(r))) = call_of(&cmds)
    else {
        panic!("no aggregate asked: {cmds:?}");
    };
    let period = r.period.unwrap_or_default();
    assert_eq!(
        (period.from, period.to),
        (date(day(2, 15)), date(day(12, 20)))
    );
    assert!(s.popups.is_empty(), "the form closed");
    let text = screen_text(&s);
    assert!(
        text.contains("произвольный период (15.02.2026 – 20.12.2026)"),
        "{text}"
    );
    // `t` goes back to the ready periods.
    press(&mut s, KeyCode::Char('t'));
    assert!(screen_text(&s).contains("текущий квартал"));
}

/// The city with a second group and a second department, each holding one assignment.
fn two_groups() -> pb::SnapshotResponse {
    let mut snap = city();
    snap.groups.push(pb::Group {
        meta: meta(12, 1),
        number: 2,
        name: "Информационная группа № 2".into(),
        ..Default::default()
    });
    snap.departments.push(pb::Department {
        meta: meta(51, 1),
        name: "Отдел благоустройства".into(),
        short_name: "ОБ".into(),
        head_user_id: ISP2,
    });
    snap.assignments[0].group_id = 12;
    snap.assignments[0].department_id = 51;
    snap.assignments[1].department_id = 50;
    snap
}

#[test]
fn the_control_sectors_board_sorts_and_filters_by_group_and_department() {
    let snap = two_groups();
    let numbers = |i: usize| snap.assignments[i].number.clone();
    let mut s = state(Lang::Ru, (80, 24), false);
    sign_in_with(&mut s, snap.clone(), KONTROL);
    tab(&mut s, '6');
    let all = row_numbers(&s).len();
    // `o` steps through the orders: urgency, number, deadline, executor, group, department.
    for _ in 0..4 {
        press(&mut s, KeyCode::Char('o'));
    }
    let text = screen_text(&s);
    assert!(text.contains("по группе"), "{text}");
    let rows = row_numbers(&s);
    assert_eq!(rows.last(), Some(&numbers(0)), "group 2 after group 1");
    press(&mut s, KeyCode::Char('o'));
    assert!(screen_text(&s).contains("по отделу"));
    let rows = row_numbers(&s);
    // ОБ before ОЖКХ, the rows with no department after both.
    assert_eq!(rows[..2], [numbers(0), numbers(1)]);
    assert_eq!(rows.len(), all);

    // `/` narrows the board to a group, or to a department.
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "гр. 2");
    press(&mut s, KeyCode::Enter);
    assert_eq!(row_numbers(&s), [numbers(0)]);
    insta::assert_snapshot!("board_by_group_ru_80x24", draw(&s).backend());
    press(&mut s, KeyCode::Char('/'));
    press_with(
        &mut s,
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    type_text(&mut s, "ожкх");
    press(&mut s, KeyCode::Enter);
    assert_eq!(row_numbers(&s), [numbers(1)]);
}

#[test]
fn a_protocols_draft_keeps_who_was_ticked() {
    let mut s = signed(Lang::Ru, (80, 24), SEK1);
    tab(&mut s, '2');
    let mut draft = city().meetings[0].clone();
    draft.status = M::ProtocolDrafted as i32;
    stream(
        &mut s,
        41,
        pb::EventAction::Updated,
        pb::event::Entity::Meeting(draft),
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char('p'));
    for _ in 0..4 {
        press(&mut s, KeyCode::Tab);
    }
    // Untick the leader, tick the member.
    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char(' '));
    let Some(Popup::Form(form)) = s.popups.last() else {
        panic!("the protocol form");
    };
    let kept = form.draft().expect("a changed protocol is kept");
    let back = infogroups_tui::features::drafts::reopen(&kept, Lang::Ru).expect("reopened");
    let ticks = back
        .fields
        .iter()
        .find(|f| f.name == "members_present")
        .map(|f| f.picked_keys().join(","));
    assert_eq!(ticks, Some(format!("{SEK1},{ISP2}")));
    assert!(back.changed());
}

#[test]
fn the_import_key_previews_an_appeal_register_and_registers_it_on_confirmation() {
    let mut s = signed(Lang::Ru, (160, 48), OBSHIY);
    press(&mut s, KeyCode::Char('I'));
    let text = screen_text(&s);
    assert!(text.contains("Реестр обращений из файла"), "{text}");
    // An empty path is refused in the form, before any call.
    assert!(call_of(&press(&mut s, KeyCode::Enter)).is_none());
    type_text(&mut s, "~/Реестры/март.xlsx");
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((Origin::Form, Call::ImportAppeals { path, commit })) = call_of(&cmds) else {
        panic!("no preview asked: {cmds:?}");
    };
    assert!(!commit, "the first call only previews");
    assert!(path.ends_with("Реестры/март.xlsx"), "{path:?}");
    if let Some(home) = std::env::var_os("HOME") {
        assert!(path.starts_with(home), "{path:?}");
    }
    let refused = |row: u32, field: &str, ru: &str| pb::RefusedRow {
        row,
        field: field.into(),
        reason_ru: ru.into(),
        reason_en: String::new(),
    };
    let response = pb::ImportRegisterResponse {
        accepted: vec![pb::ImportedRow::default(); 3],
        refused: vec![
            refused(4, "Дата", "не заполнено"),
            refused(9, "Группа", "нет группы «99»"),
        ],
        ..Default::default()
    };
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Register {
                path: path.clone(),
                commit: false,
                response: response.clone(),
            }),
        },
    );
    let text = screen_text(&s);
    assert!(text.contains("принято 3, отклонено 2"), "{text}");
    assert!(text.contains("строка 4 «Дата»: не заполнено"), "{text}");
    assert!(
        text.contains("строка 9 «Группа»: нет группы «99»"),
        "{text}"
    );
    let cmds = press(&mut s, KeyCode::Enter);
    let Some((
        Origin::Form,
        Call::ImportAppeals {
            path: again,
            commit,
        },
    )) = call_of(&cmds)
    else {
        panic!("no import asked: {cmds:?}");
    };
    assert!(commit, "confirming registers");
    assert_eq!(again, path);
    app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Register {
                path,
                commit: true,
                response,
            }),
        },
    );
    assert!(s.popups.is_empty(), "the confirmation closed");
    let text = screen_text(&s);
    assert!(
        text.contains("Реестр загружен: принято 3, отклонено 2"),
        "{text}"
    );
}
