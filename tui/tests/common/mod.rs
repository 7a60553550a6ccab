//! A fixed little city for the client's tests: people, a group, assignments in every state, a
//! fixed "now" — so screens and updates are the same on every run.

#![allow(dead_code)] // each test file uses part of it

use chrono::{NaiveDate, TimeZone};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use infogroups_server::demo::DEMO_PASSWORD;
use infogroups_shared::names::Lang;
use infogroups_shared::pb::{self, AssignmentStatus as S, Role};
use infogroups_shared::{city_time, validate};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use infogroups_tui::app;
use infogroups_tui::app::{Init, State};
use infogroups_tui::demo::ADMIN_PASSWORD;
use infogroups_tui::features::login::screen::DemoLogin;
use infogroups_tui::keymap::Keymap;
use infogroups_tui::msg::{Cmd, Link, LoginOk, Msg, SyncEvent};
use infogroups_tui::ui::theme::Theme;

pub const SEK1: u64 = 100;
pub const ISP1: u64 = 101;
pub const RUK1: u64 = 102;
pub const ISP2: u64 = 103;
pub const GROUP1: u64 = 7;

/// Tuesday 12 May 2026, 10:00 in the city.
pub fn now_ms() -> i64 {
    city_time::offset()
        .with_ymd_and_hms(2026, 5, 12, 10, 0, 0)
        .single()
        .map_or(0, |t| t.timestamp_millis())
}

pub fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

/// 10:00 in the city on 2026-`m`-`d`, UTC ms.
pub fn at(m: u32, d: u32) -> i64 {
    city_time::midnight_ms(day(m, d)) + 10 * 3_600_000
}

pub fn meta(id: u64, version: u64) -> Option<pb::Meta> {
    Some(pb::Meta {
        id,
        version,
        ..Default::default()
    })
}

pub fn user(id: u64, username: &str, full_name: &str, roles: &[(Role, u64)]) -> pb::User {
    pb::User {
        meta: meta(id, 1),
        username: username.into(),
        full_name: full_name.into(),
        roles: grants(roles),
        ..Default::default()
    }
}

pub fn grants(roles: &[(Role, u64)]) -> Vec<pb::RoleGrant> {
    roles
        .iter()
        .map(|(r, g)| pb::RoleGrant {
            role: *r as i32,
            group_id: *g,
        })
        .collect()
}

/// An assignment of group 1: issued by ruk1, controlled by sek1.
pub fn assignment(
    id: u64,
    number: &str,
    status: S,
    deadline: NaiveDate,
    executor: u64,
    text: &str,
) -> pb::Assignment {
    let issued = deadline - chrono::Days::new(20);
    let mut a = pb::Assignment {
        meta: meta(id, 2),
        number: number.into(),
        text: text.into(),
        kind: pb::AssignmentKind::Task as i32,
        group_id: GROUP1,
        issuer_id: RUK1,
        executor_id: executor,
        controller_id: SEK1,
        issued: Some(validate::from_naive(issued)),
        deadline: Some(pb::Deadline {
            date: Some(validate::from_naive(deadline)),
            predicted: false,
        }),
        status: status as i32,
        history: vec![pb::StatusChange {
            from: S::Unspecified as i32,
            to: S::InProgress as i32,
            by_user_id: RUK1,
            at_ms: city_time::midnight_ms(issued) + 9 * 3_600_000,
            comment: String::new(),
            by_system: false,
        }],
        ..Default::default()
    };
    if matches!(
        status,
        S::ReportSubmitted | S::DoneOnTime | S::DoneLate | S::Returned
    ) {
        let reported = at(5, 8);
        a.reports.push(pb::ExecutionReport {
            by_user_id: executor,
            text: "Работы выполнены, фотоотчёт приложен.".into(),
            at_ms: reported,
        });
        a.history.push(pb::StatusChange {
            from: S::InProgress as i32,
            to: S::ReportSubmitted as i32,
            by_user_id: executor,
            at_ms: reported,
            comment: String::new(),
            by_system: false,
        });
    }
    if status == S::Returned {
        a.history.push(pb::StatusChange {
            from: S::ReportSubmitted as i32,
            to: S::Returned as i32,
            by_user_id: SEK1,
            at_ms: at(5, 11),
            comment: "Нет фотографий после работ".into(),
            by_system: false,
        });
    }
    a
}

pub fn assignments() -> Vec<pb::Assignment> {
    let mut predicted = assignment(
        9,
        "2026/0009",
        S::InProgress,
        NaiveDate::from_ymd_opt(2028, 3, 1).unwrap_or_default(),
        ISP2,
        "Разработать программу благоустройства дворов на 2028 год",
    );
    if let Some(d) = predicted.deadline.as_mut() {
        d.predicted = true;
    }
    vec![
        assignment(
            1,
            "2026/0001",
            S::InProgress,
            day(5, 20),
            ISP1,
            "Организовать ремонт уличного освещения по ул. Шахтёрской",
        ),
        assignment(
            2,
            "2026/0002",
            S::Overdue,
            day(5, 6),
            ISP2,
            "Принять меры по ликвидации несанкционированной свалки у балки",
        ),
        assignment(
            3,
            "2026/0003",
            S::ReportSubmitted,
            day(5, 14),
            ISP1,
            "Проверить соблюдение графика вывоза ТКО",
        ),
        assignment(
            4,
            "2026/0004",
            S::InProgress,
            day(5, 13),
            ISP1,
            "Обследовать состояние дороги по пер. Садовому и определить объём ямочного ремонта",
        ),
        assignment(
            5,
            "2026/0005",
            S::Returned,
            day(5, 25),
            ISP2,
            "Принять меры по восстановлению водоснабжения по ул. Советской",
        ),
        assignment(
            6,
            "2026/0006",
            S::DoneOnTime,
            day(5, 8),
            ISP1,
            "Организовать покос сорной растительности на пустыре",
        ),
        assignment(
            7,
            "2026/0007",
            S::DoneLate,
            day(4, 20),
            ISP2,
            "Рассмотреть обращение жителей о переселении из аварийного дома",
        ),
        assignment(
            8,
            "2026/0008",
            S::Removed,
            day(4, 1),
            ISP1,
            "Изменить расписание автобусного маршрута № 7 в выходные дни",
        ),
        predicted,
    ]
}

pub fn snapshot(seq: u64) -> pb::SnapshotResponse {
    pb::SnapshotResponse {
        seq,
        users: vec![
            user(
                SEK1,
                "sek1",
                "Егорова Е. А.",
                &[(Role::GroupSecretary, GROUP1)],
            ),
            user(ISP1, "isp1", "Смирнов В. Г.", &[(Role::Executor, 0)]),
            user(
                RUK1,
                "ruk1",
                "Новиков С. И.",
                &[(Role::GroupLeader, GROUP1)],
            ),
            user(
                ISP2,
                "isp2",
                "Васильева О. Н.",
                &[(Role::Executor, 0), (Role::GroupMember, GROUP1)],
            ),
        ],
        groups: vec![pb::Group {
            meta: meta(GROUP1, 1),
            number: 1,
            name: "Информационная группа № 1".into(),
            leader_id: RUK1,
            secretary_id: SEK1,
            member_ids: vec![ISP2],
            ..Default::default()
        }],
        assignments: assignments(),
        notifications: vec![pb::Notification {
            meta: Some(pb::Meta {
                id: 50,
                version: 1,
                created_at_ms: at(5, 11) + 25 * 60_000,
                ..Default::default()
            }),
            user_id: SEK1,
            kind: pb::NotificationKind::ReportSubmitted as i32,
            text_ru: "Поручение 2026/0003: представлен отчёт".into(),
            text_en: "Assignment 2026/0003: report submitted".into(),
            assignment_id: 3,
            subject: "Поручение 2026/0003".into(),
            deadline: Some(validate::from_naive(day(5, 20))),
            ..Default::default()
        }],
        server_time_ms: now_ms(),
        ..Default::default()
    }
}

pub fn demo_accounts() -> Vec<DemoLogin> {
    [
        ("admin", "Администратор", "Администратор", "Administrator"),
        (
            "glava",
            "Иванова А. В.",
            "Глава Администрации",
            "Head of administration",
        ),
        ("isp1", "Смирнов В. Г.", "Исполнитель", "Executor"),
        (
            "ruk1",
            "Новиков С. И.",
            "Руководитель группы",
            "Group leader",
        ),
        (
            "sek1",
            "Егорова Е. А.",
            "Секретарь группы",
            "Group secretary",
        ),
    ]
    .into_iter()
    .map(|(u, n, ru, en)| DemoLogin {
        username: u.into(),
        full_name: n.into(),
        role_ru: ru.into(),
        role_en: en.into(),
        password: if u == "admin" {
            ADMIN_PASSWORD
        } else {
            DEMO_PASSWORD
        }
        .into(),
    })
    .collect()
}

/// A fresh client at the login screen.
pub fn state(lang: Lang, size: (u16, u16), demo: bool) -> State {
    State::new(Init {
        lang,
        theme: Theme { color: true },
        keymap: Keymap::default(),
        server: "http://127.0.0.1:50051".into(),
        demo: if demo { demo_accounts() } else { Vec::new() },
        username: None,
        now_ms: now_ms(),
        size,
    })
}

/// A client signed in as `user` with the fixture snapshot loaded and the stream online.
pub fn signed_in(lang: Lang, size: (u16, u16), user: u64) -> State {
    let mut s = state(lang, size, false);
    let (username, full_name, roles) = match user {
        SEK1 => (
            "sek1",
            "Егорова Е. А.",
            grants(&[(Role::GroupSecretary, GROUP1)]),
        ),
        ISP1 => ("isp1", "Смирнов В. Г.", grants(&[(Role::Executor, 0)])),
        ISP2 => (
            "isp2",
            "Васильева О. Н.",
            grants(&[(Role::Executor, 0), (Role::GroupMember, GROUP1)]),
        ),
        _ => (
            "ruk1",
            "Новиков С. И.",
            grants(&[(Role::GroupLeader, GROUP1)]),
        ),
    };
    let cmds = app::update(
        &mut s,
        Msg::LoginDone(Ok(LoginOk {
            user_id: user,
            username: username.into(),
            full_name: full_name.into(),
            roles,
        })),
    );
    assert!(cmds.contains(&Cmd::StartSync {
        generation: s.generation
    }));
    sync(&mut s, SyncEvent::Snapshot(Box::new(snapshot(40).into())));
    sync(&mut s, SyncEvent::Link(Link::Online));
    s
}

/// Signs `s` in as `user_id`, one of `snap`'s users, loads `snap` and brings the stream online;
/// returns what loading the snapshot asked for.
pub fn sign_in_with(s: &mut State, snap: pb::SnapshotResponse, user_id: u64) -> Vec<Cmd> {
    let u = snap
        .users
        .iter()
        .find(|u| u.meta.is_some_and(|m| m.id == user_id))
        .cloned()
        .unwrap_or_default();
    app::update(
        s,
        Msg::LoginDone(Ok(LoginOk {
            user_id,
            username: u.username,
            full_name: u.full_name,
            roles: u.roles,
        })),
    );
    let cmds = sync(s, SyncEvent::Snapshot(Box::new(snap.into())));
    sync(s, SyncEvent::Link(Link::Online));
    cmds
}

/// Posts a sync event of the current session.
pub fn sync(s: &mut State, event: SyncEvent) -> Vec<Cmd> {
    let generation = s.generation;
    app::update(s, Msg::Sync { generation, event })
}

/// An event carrying `a`.
pub fn event(seq: u64, action: pb::EventAction, a: pb::Assignment) -> SyncEvent {
    SyncEvent::Event(Box::new(pb::Event {
        seq,
        at_ms: now_ms(),
        actor_id: ISP1,
        action: action as i32,
        entity: Some(pb::event::Entity::Assignment(a)),
    }))
}

/// Presses a key.
pub fn press(s: &mut State, code: KeyCode) -> Vec<Cmd> {
    app::update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Presses a key with modifiers.
pub fn press_with(s: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Cmd> {
    app::update(s, Msg::Key(KeyEvent::new(code, modifiers)))
}

/// Sends a form from its long text field (Ctrl+S: there Enter starts a new line).
pub fn send_text(s: &mut State) -> Vec<Cmd> {
    press_with(s, KeyCode::Char('s'), KeyModifiers::CONTROL)
}

/// Types text, one key per character.
pub fn type_text(s: &mut State, text: &str) -> Vec<Cmd> {
    text.chars()
        .flat_map(|c| press(s, KeyCode::Char(c)))
        .collect()
}

/// Draws the state on a test terminal of its size.
pub fn draw(s: &State) -> Terminal<TestBackend> {
    let (w, h) = s.size;
    let mut terminal = match Terminal::new(TestBackend::new(w, h)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    if let Err(e) = terminal.draw(|f| infogroups_tui::view::view(s, f)) {
        match e {}
    }
    terminal
}

/// The whole screen as text, one line per row.
pub fn screen_text(s: &State) -> String {
    let t = draw(s);
    let buf = t.backend().buffer();
    let w = usize::from(buf.area.width);
    buf.content
        .chunks(w)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The numbers of the rows on the assignments tab, in order.
pub fn row_numbers(s: &State) -> Vec<String> {
    s.screen
        .workspace()
        .and_then(|w| w.assignments())
        .map(|list| {
            list.rows()
                .iter()
                .filter_map(|id| s.replica.assignments.get(*id))
                .map(|a| a.number.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The selected row's number.
pub fn selected_number(s: &State) -> Option<String> {
    let list = s.screen.workspace()?.assignments()?;
    list.selected_id()
        .and_then(|id| s.replica.assignments.get(id))
        .map(|a| a.number.clone())
}
