//! `update` as plain data: messages in, state and commands out. No terminal, no network.

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyModifiers};
use infogroups_server::demo::DEMO_PASSWORD;
use infogroups_shared::names::Lang;
use infogroups_shared::pb::{self, AssignmentStatus as S};
use tonic::Code;

use infogroups_tui::app;
use infogroups_tui::app::Screen;
use infogroups_tui::demo::ADMIN_PASSWORD;
use infogroups_tui::features::login::screen::LoginError;
use infogroups_tui::msg::error::RpcError;
use infogroups_tui::msg::step::Action;
use infogroups_tui::msg::{Cmd, Link, LoginOk, Msg, Secret, SyncEvent};
use infogroups_tui::ui::popup::Popup;

const SIZE: (u16, u16) = (80, 24);

fn status_of(s: &app::State, id: u64) -> Option<S> {
    s.replica
        .assignments
        .get(id)
        .and_then(|a| S::try_from(a.status).ok())
}

fn with(
    id: u64,
    version: u64,
    status: S,
    change: impl FnOnce(&mut pb::Assignment),
) -> pb::Assignment {
    let mut a = assignments()
        .into_iter()
        .find(|a| a.meta.is_some_and(|m| m.id == id))
        .unwrap_or_default();
    if let Some(m) = a.meta.as_mut() {
        m.version = version;
    }
    a.status = status as i32;
    change(&mut a);
    a
}

fn login_error(s: &app::State) -> Option<LoginError> {
    match &s.screen {
        Screen::Login(l) => l.error.clone(),
        Screen::Work(_) => None,
    }
}

#[test]
fn signing_in_checks_the_fields_then_asks_the_server_and_starts_syncing() {
    let mut s = state(Lang::Ru, SIZE, false);
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(matches!(login_error(&s), Some(LoginError::Field(..))));
    type_text(&mut s, "sek1");
    // Enter in the username field moves on to the empty password instead of complaining.
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(login_error(&s), None);
    type_text(&mut s, DEMO_PASSWORD);
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        [Cmd::Login {
            username: "sek1".into(),
            password: Secret(DEMO_PASSWORD.into())
        }]
    );
    assert!(
        !format!("{cmds:?}").contains(DEMO_PASSWORD),
        "passwords stay out of Debug"
    );
    // A second Enter while the call is in flight sends nothing.
    assert!(press(&mut s, KeyCode::Enter).is_empty());

    let cmds = app::update(
        &mut s,
        Msg::LoginDone(Ok(LoginOk {
            user_id: SEK1,
            username: "sek1".into(),
            full_name: "Егорова Е. А.".into(),
            roles: grants(&[(pb::Role::GroupSecretary, GROUP1)]),
        })),
    );
    assert!(matches!(s.screen, Screen::Work(_)));
    // Sync starts, and a draft the last session left is looked for.
    assert_eq!(
        cmds,
        [
            Cmd::StartSync {
                generation: s.generation
            },
            Cmd::LoadDraft {
                user: "sek1".into()
            }
        ]
    );
    assert_eq!(s.link, Link::Connecting);
}

#[test]
fn login_errors_are_shown_in_the_users_language() {
    let mut s = state(Lang::Ru, SIZE, false);
    type_text(&mut s, "sek1");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "wrong");
    press(&mut s, KeyCode::Enter);
    let wrong = RpcError::new(
        Code::Unauthenticated,
        "неверное имя пользователя или пароль",
        "wrong username or password",
    );
    app::update(&mut s, Msg::LoginDone(Err(wrong)));
    assert_eq!(
        login_error(&s),
        Some(LoginError::General(
            "неверное имя пользователя или пароль".into()
        ))
    );

    let throttled = RpcError::new(
        Code::ResourceExhausted,
        "слишком много неудачных попыток; повторите через 30 с",
        "too many failed attempts; retry in 30 s",
    );
    press(&mut s, KeyCode::Enter);
    app::update(&mut s, Msg::LoginDone(Err(throttled)));
    assert!(
        matches!(login_error(&s), Some(LoginError::General(m)) if m.contains("30 с")),
        "the wait is shown"
    );

    let unreachable = RpcError::from_status(&tonic::Status::unavailable("tcp connect error"));
    press(&mut s, KeyCode::Enter);
    app::update(&mut s, Msg::LoginDone(Err(unreachable)));
    assert!(
        matches!(login_error(&s), Some(LoginError::General(m)) if m.contains("http://127.0.0.1:50051") && m.contains("недоступен"))
    );
}

#[test]
fn demo_accounts_are_picked_with_the_arrows() {
    let mut s = state(Lang::Ru, SIZE, true);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        [Cmd::Login {
            username: "glava".into(),
            password: Secret(DEMO_PASSWORD.into())
        }]
    );
    let mut s = state(Lang::Ru, SIZE, true);
    press(&mut s, KeyCode::Down);
    assert_eq!(
        press(&mut s, KeyCode::Enter),
        [Cmd::Login {
            username: "admin".into(),
            password: Secret(ADMIN_PASSWORD.into())
        }]
    );
}

#[test]
fn the_list_is_sorted_by_urgency() {
    let s = signed_in(Lang::Ru, SIZE, SEK1);
    assert_eq!(
        row_numbers(&s),
        [
            "2026/0002", // overdue
            "2026/0004", // due tomorrow
            "2026/0003", // report awaits a decision
            "2026/0001",
            "2026/0005",
            "2026/0009", // 2028, a forecast
            "2026/0006", // closed, newest first
            "2026/0007",
            "2026/0008",
        ]
    );
}

#[test]
fn events_update_rows_live_and_stale_ones_are_ignored() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    // The executor reports on 0001: it moves on the list and the indicator lights up.
    let reported = with(1, 3, S::ReportSubmitted, |_| {});
    sync(&mut s, event(41, pb::EventAction::Updated, reported));
    assert_eq!(status_of(&s, 1), Some(S::ReportSubmitted));
    assert_eq!(s.replica.seq, 41);
    assert_eq!(s.last_event_ms, Some(now_ms()));

    // An older version (the snapshot already had something newer) changes nothing.
    let old = with(1, 2, S::Overdue, |_| {});
    sync(&mut s, event(42, pb::EventAction::Updated, old));
    assert_eq!(status_of(&s, 1), Some(S::ReportSubmitted));
    assert_eq!(s.replica.seq, 42);

    // A new assignment appears in its place by urgency.
    let new = pb::Assignment {
        meta: Some(pb::Meta {
            id: 20,
            version: 1,
            ..Default::default()
        }),
        number: "2026/0020".into(),
        ..with(2, 1, S::Overdue, |_| {})
    };
    sync(&mut s, event(43, pb::EventAction::Created, new));
    assert_eq!(row_numbers(&s)[..2], ["2026/0002", "2026/0020"]);

    // A removal drops it.
    let gone = with(8, 3, S::Removed, |_| {});
    sync(&mut s, event(44, pb::EventAction::Removed, gone));
    assert!(!row_numbers(&s).contains(&"2026/0008".to_string()));
}

#[test]
fn a_previous_sessions_late_messages_are_ignored() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    let old_generation = s.generation - 1;
    let ev = event(41, pb::EventAction::Updated, with(1, 9, S::Removed, |_| {}));
    app::update(
        &mut s,
        Msg::Sync {
            generation: old_generation,
            event: ev,
        },
    );
    assert_eq!(status_of(&s, 1), Some(S::InProgress));
}

#[test]
fn a_resync_snapshot_replaces_the_replica_and_keeps_the_selection() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0003"));
    let mut fresh = snapshot(900);
    fresh.assignments.retain(|a| a.number != "2026/0002");
    sync(&mut s, SyncEvent::Snapshot(Box::new(fresh.into())));
    assert_eq!(s.replica.seq, 900);
    assert!(!row_numbers(&s).contains(&"2026/0002".to_string()));
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0003"));
}

#[test]
fn the_selection_follows_its_assignment_when_rows_reorder() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0001"));
    // 0001 becomes overdue and jumps to the top: the selection goes with it.
    sync(
        &mut s,
        event(41, pb::EventAction::Updated, with(1, 5, S::Overdue, |_| {})),
    );
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0001"));
}

#[test]
fn the_filter_narrows_the_list_as_you_type_and_esc_clears_it() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "свалк");
    assert_eq!(row_numbers(&s), ["2026/0002"]);
    // While typing, q is a letter, not quit.
    type_text(&mut s, "q");
    assert!(!s.quit);
    assert!(row_numbers(&s).is_empty());
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Enter);
    assert_eq!(row_numbers(&s), ["2026/0002"]);
    // By executor name and by status too.
    press(&mut s, KeyCode::Char('/'));
    press_with(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut s, "васильева");
    assert_eq!(row_numbers(&s).len(), 4);
    press_with(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut s, "просрочено");
    assert_eq!(row_numbers(&s), ["2026/0002"]);
    press(&mut s, KeyCode::Esc);
    assert_eq!(row_numbers(&s).len(), 9);
    // An applied filter is cleared with Esc from the list too.
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "свалк");
    press(&mut s, KeyCode::Enter);
    assert_eq!(row_numbers(&s).len(), 1);
    press(&mut s, KeyCode::Esc);
    assert_eq!(row_numbers(&s).len(), 9);
}

#[test]
fn paging_moves_by_the_visible_height() {
    let mut s = signed_in(Lang::Ru, (80, 8), SEK1);
    // 8 rows: tabs, count line, table header, 3 rows, hints, status.
    press(&mut s, KeyCode::PageDown);
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0001"));
    press(&mut s, KeyCode::End);
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0008"));
    press(&mut s, KeyCode::PageUp);
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0009"));
    press(&mut s, KeyCode::Home);
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0002"));
    press(&mut s, KeyCode::Char('j'));
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0004"));
    press(&mut s, KeyCode::Char('k'));
    press(&mut s, KeyCode::Up);
    assert_eq!(selected_number(&s).as_deref(), Some("2026/0002"));
}

/// Selects the row of `number`.
fn select(s: &mut app::State, number: &str) {
    press(s, KeyCode::Home);
    for _ in 0..20 {
        if selected_number(s).as_deref() == Some(number) {
            return;
        }
        press(s, KeyCode::Down);
    }
    panic!("{number} not in the list");
}

fn top_popup(s: &app::State) -> Option<&Popup> {
    s.popups.last()
}

#[test]
fn only_allowed_steps_are_offered() {
    // The controller cannot report; the executor cannot accept.
    let mut sek = signed_in(Lang::Ru, SIZE, SEK1);
    select(&mut sek, "2026/0001");
    press(&mut sek, KeyCode::Char('r'));
    assert!(sek.popups.is_empty());
    let mut isp = signed_in(Lang::Ru, SIZE, ISP1);
    select(&mut isp, "2026/0003");
    press(&mut isp, KeyCode::Char('a'));
    assert!(isp.popups.is_empty());
    // Nothing at all on a closed one.
    select(&mut sek, "2026/0006");
    press(&mut sek, KeyCode::Char('a'));
    press(&mut sek, KeyCode::Char('b'));
    assert!(sek.popups.is_empty());
}

#[test]
fn the_executor_reports_and_the_answer_updates_the_row_at_once() {
    let mut s = signed_in(Lang::Ru, SIZE, ISP1);
    select(&mut s, "2026/0001");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('r'));
    assert!(matches!(top_popup(&s), Some(Popup::Step(p)) if p.action == Action::SubmitReport));
    // An empty report is refused here, as the server would.
    assert!(send_text(&mut s).is_empty());
    assert!(
        matches!(top_popup(&s), Some(Popup::Step(p)) if p.error.as_ref().is_some_and(|e| e.under_field))
    );
    type_text(&mut s, "Фонари заменены");
    let cmds = send_text(&mut s);
    assert_eq!(
        cmds,
        [Cmd::Step {
            assignment_id: 1,
            expected_version: 2,
            action: Action::SubmitReport,
            text: "Фонари заменены".into(),
        }]
    );
    app::update(
        &mut s,
        Msg::StepDone {
            assignment_id: 1,
            action: Action::SubmitReport,
            result: Ok(Box::new(with(1, 3, S::ReportSubmitted, |_| {}))),
        },
    );
    assert!(s.popups.is_empty());
    assert_eq!(status_of(&s, 1), Some(S::ReportSubmitted));
    assert_eq!(
        s.flash.as_ref().map(|f| f.text.as_str()),
        Some("Отчёт отправлен")
    );
    // The event that follows carries the same version: nothing changes twice.
    sync(
        &mut s,
        event(
            41,
            pb::EventAction::Updated,
            with(1, 3, S::ReportSubmitted, |_| {}),
        ),
    );
    assert_eq!(status_of(&s, 1), Some(S::ReportSubmitted));
}

#[test]
fn the_controller_accepts_with_a_confirmation() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    select(&mut s, "2026/0003");
    press(&mut s, KeyCode::Char('a'));
    assert!(matches!(top_popup(&s), Some(Popup::Step(p)) if p.action == Action::Accept));
    // Esc says no.
    press(&mut s, KeyCode::Esc);
    assert!(s.popups.is_empty());
    press(&mut s, KeyCode::Char('a'));
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        [Cmd::Step {
            assignment_id: 3,
            expected_version: 2,
            action: Action::Accept,
            text: String::new(),
        }]
    );
}

#[test]
fn server_refusals_show_in_the_form_and_a_stale_version_is_refreshed() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    select(&mut s, "2026/0003");
    press(&mut s, KeyCode::Char('b'));
    type_text(&mut s, "Нет фото");
    send_text(&mut s);
    // Meanwhile someone else changed it.
    sync(
        &mut s,
        event(
            41,
            pb::EventAction::Updated,
            with(3, 4, S::ReportSubmitted, |_| {}),
        ),
    );
    app::update(
        &mut s,
        Msg::StepDone {
            assignment_id: 3,
            action: Action::Return,
            result: Err(RpcError::new(
                Code::Aborted,
                "запись уже изменена другим пользователем",
                "the record was changed by someone else",
            )),
        },
    );
    let Some(Popup::Step(p)) = top_popup(&s) else {
        panic!("the form stays open");
    };
    assert!(!p.pending);
    assert_eq!(
        p.error.as_ref().map(|e| e.text.as_str()),
        Some("запись уже изменена другим пользователем")
    );
    assert_eq!(p.expected_version, 4);
    // The next send retries against what the user now sees.
    assert_eq!(
        send_text(&mut s),
        [Cmd::Step {
            assignment_id: 3,
            expected_version: 4,
            action: Action::Return,
            text: "Нет фото".into(),
        }]
    );
    // A field error goes under the field, in English when the interface is English.
    let field = infogroups_shared::validate::FieldError::new("text", "слишком длинно", "too long");
    app::update(
        &mut s,
        Msg::StepDone {
            assignment_id: 3,
            action: Action::Return,
            result: Err(RpcError::from_status(&field.to_status())),
        },
    );
    assert!(
        matches!(top_popup(&s), Some(Popup::Step(p)) if p.error.as_ref().is_some_and(|e| e.under_field && e.text == "слишком длинно"))
    );
}

#[test]
fn an_ended_session_goes_back_to_login_and_forgets_the_data() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    let cmds = sync(
        &mut s,
        SyncEvent::SessionEnded(RpcError::new(
            Code::Unauthenticated,
            "сеанс истёк или завершён; войдите снова",
            "the session expired",
        )),
    );
    assert_eq!(cmds, [Cmd::StopSync]);
    assert!(s.session.is_none());
    assert!(s.replica.assignments.is_empty());
    let Screen::Login(login) = &s.screen else {
        panic!("back at the login screen");
    };
    assert_eq!(login.username.text(), "sek1");
    assert!(matches!(&login.error, Some(LoginError::General(m)) if m.contains("войдите снова")));
    // A step refused for the same reason does the same.
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    app::update(
        &mut s,
        Msg::StepDone {
            assignment_id: 3,
            action: Action::Accept,
            result: Err(RpcError::new(
                Code::Unauthenticated,
                "сеанс истёк",
                "expired",
            )),
        },
    );
    assert!(matches!(s.screen, Screen::Login(_)));
}

#[test]
fn logout_revokes_the_token_and_returns_to_login() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    let cmds = press(&mut s, KeyCode::F(10));
    assert_eq!(cmds, [Cmd::StopSync, Cmd::Logout]);
    assert!(matches!(s.screen, Screen::Login(_)));
}

#[test]
fn tab_switches_between_the_users_roles() {
    let mut s = signed_in(Lang::Ru, SIZE, ISP2);
    let role = |s: &app::State| s.session.as_ref().map(|x| x.role_index);
    assert_eq!(role(&s), Some(0));
    press(&mut s, KeyCode::Tab);
    assert_eq!(role(&s), Some(1));
    assert_eq!(
        s.flash.as_ref().map(|f| f.text.as_str()),
        Some("Роль: Член группы, № 1")
    );
    press(&mut s, KeyCode::F(2));
    assert_eq!(role(&s), Some(0));
    // With one role Tab does nothing.
    let mut one = signed_in(Lang::Ru, SIZE, SEK1);
    press(&mut one, KeyCode::Tab);
    assert_eq!(role(&one), Some(0));
}

#[test]
fn help_lists_the_keys_of_the_screen_and_esc_closes_it() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    select(&mut s, "2026/0003");
    press(&mut s, KeyCode::Char('?'));
    let Some(Popup::Help(h)) = top_popup(&s) else {
        panic!("help is open");
    };
    assert!(
        h.entries
            .contains(&("q, Ctrl+C".into(), "выход из программы"))
    );
    assert!(h.entries.contains(&("a".into(), "принять отчёт")));
    assert!(h.entries.contains(&("/".into(), "фильтр по тексту")));
    press(&mut s, KeyCode::Esc);
    assert!(s.popups.is_empty());
    press(&mut s, KeyCode::Char('q'));
    assert!(s.quit);
}

#[test]
fn notifications_flash_as_they_arrive_and_count_as_unread() {
    let mut s = signed_in(Lang::En, SIZE, SEK1);
    assert_eq!(s.replica.unread(SEK1), 1);
    sync(
        &mut s,
        SyncEvent::Event(Box::new(pb::Event {
            seq: 41,
            action: pb::EventAction::Created as i32,
            entity: Some(pb::event::Entity::Notification(pb::Notification {
                meta: Some(pb::Meta {
                    id: 51,
                    version: 1,
                    ..Default::default()
                }),
                user_id: SEK1,
                text_ru: "Поручение 2026/0001: представлен отчёт".into(),
                text_en: "Assignment 2026/0001: report submitted".into(),
                ..Default::default()
            })),
            ..Default::default()
        })),
    );
    assert_eq!(s.replica.unread(SEK1), 2);
    assert_eq!(
        s.flash.as_ref().map(|f| f.text.as_str()),
        Some("Assignment 2026/0001: report submitted")
    );
    // It fades after a few seconds.
    app::update(
        &mut s,
        Msg::Tick {
            now_ms: now_ms() + 10_000,
        },
    );
    assert!(s.flash.is_none());
}

#[test]
fn the_next_day_reclassifies_the_rows() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    assert_eq!(row_numbers(&s)[1], "2026/0004");
    // Two days on, 0004 (due 13 May) is overdue too; 0002 (due 6 May) stays first as the older.
    app::update(&mut s, Msg::Tick { now_ms: at(5, 14) });
    assert_eq!(row_numbers(&s)[..2], ["2026/0002", "2026/0004"]);
    let overdue: Vec<_> = s
        .replica
        .assignments
        .iter()
        .filter(|a| {
            infogroups_tui::features::assignments::urgency::classify(a, s.today(), &s.calendar)
                == infogroups_tui::features::assignments::urgency::Urgency::Overdue
        })
        .map(|a| a.number.clone())
        .collect();
    assert_eq!(overdue, ["2026/0002", "2026/0004"]);
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut s = signed_in(Lang::Ru, SIZE, ISP1);
    select(&mut s, "2026/0001");
    press(&mut s, KeyCode::Char('r'));
    // From a form being filled, the second press quits (the first warns).
    press_with(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    press_with(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(s.quit);
    let mut login = state(Lang::Ru, SIZE, false);
    press_with(&mut login, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(login.quit);
}

#[test]
fn moving_one_row_gives_the_same_order_as_sorting_everything() {
    use S::*;
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    let mut seq = 41;
    let mut version = 10;
    let mut step = |s: &mut app::State, id: u64, status: S, action: pb::EventAction, day: u32| {
        seq += 1;
        version += 1;
        let a = with(id, version, status, |a| {
            if let Some(d) = a.deadline.as_mut() {
                d.date = Some(infogroups_shared::validate::from_naive(common::day(5, day)));
            }
            if a.meta.is_some_and(|m| m.id >= 100) || action == pb::EventAction::Created {
                a.number = format!("2026/{id:04}");
            }
        });
        let a = pb::Assignment {
            meta: Some(pb::Meta {
                id,
                version,
                ..Default::default()
            }),
            ..a
        };
        sync(s, event(seq, action, a));
    };
    step(&mut s, 1, Overdue, pb::EventAction::Updated, 2);
    step(&mut s, 100, InProgress, pb::EventAction::Created, 13);
    step(&mut s, 4, DoneOnTime, pb::EventAction::Updated, 13);
    step(&mut s, 101, Returned, pb::EventAction::Created, 30);
    step(&mut s, 6, Removed, pb::EventAction::Removed, 8);
    // With a filter on, rows come and go as they start or stop matching.
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "0");
    press(&mut s, KeyCode::Enter);
    step(&mut s, 3, DoneLate, pb::EventAction::Updated, 14);
    step(&mut s, 102, InProgress, pb::EventAction::Created, 12);
    let moved = row_numbers(&s);
    // A resize re-sorts everything from scratch.
    app::update(
        &mut s,
        Msg::Resize {
            width: 81,
            height: 24,
        },
    );
    assert_eq!(moved, row_numbers(&s));
    assert_eq!(moved.len(), 11);
}

#[test]
fn quitting_with_a_form_open_asks_for_a_second_key() {
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    press(&mut s, KeyCode::Char('i'));
    assert!(!s.popups.is_empty(), "the new assignment form opens");
    press_with(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!s.quit, "the first Ctrl+C only warns");
    assert!(s.flash.as_ref().is_some_and(|f| f.text.contains("Ещё раз")));
    press_with(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(s.quit, "the second one quits");

    // The executor's report form counts as a form too.
    let mut s = signed_in(Lang::Ru, SIZE, ISP1);
    press(&mut s, KeyCode::Char('r'));
    assert!(!s.popups.is_empty(), "the report form opens");
    press_with(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!s.quit, "the first Ctrl+C only warns");

    // Without a form, q quits at once.
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    press(&mut s, KeyCode::Char('q'));
    assert!(s.quit);
}

#[test]
fn the_list_filters_edit_with_the_keys_of_the_key_file() {
    use infogroups_tui::keymap::KeySpec;
    use infogroups_tui::keymap::Keymap;
    let mut s = signed_in(Lang::Ru, SIZE, SEK1);
    let overrides = std::collections::BTreeMap::from([(
        "clear_to_start".to_string(),
        KeySpec::One("ctrl+w".into()),
    )]);
    s.keymap = match Keymap::with_overrides(&overrides) {
        Ok(map) => map,
        Err(e) => panic!("the key file: {e}"),
    };
    // The assignments tab: Ctrl+U no longer clears the filter, the key given for it does.
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "свалк");
    assert_eq!(row_numbers(&s), ["2026/0002"]);
    press_with(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(row_numbers(&s), ["2026/0002"]);
    press_with(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(row_numbers(&s).len(), 9);
    press(&mut s, KeyCode::Esc);
    // A record tab's filter the same.
    press(&mut s, KeyCode::Char('2'));
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "ЖЖЖЖ");
    let shown = |s: &app::State| draw(s).backend().to_string().contains("ЖЖЖЖ");
    assert!(shown(&s), "the filter is drawn as typed");
    press_with(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert!(shown(&s), "Ctrl+U is no longer the clearing key");
    press_with(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert!(!shown(&s), "the key file's key cleared it");
}
