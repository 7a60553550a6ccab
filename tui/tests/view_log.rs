//! The view log of citizens' personal data («Журнал просмотров ПДн»): offered to the
//! administrator and the personal-data officer only, it asks the audit for views, names who saw
//! which record when, pages back, filters by person and record, and follows new views.

mod common;

use common::*;
use crossterm::event::KeyCode;
use infogroups_shared::names::Lang;
use infogroups_shared::pb::{self, Role};

use infogroups_tui::app;
use infogroups_tui::app::State;
use infogroups_tui::features::view_log::screen::{PAGE, REFRESH_PACE_MS};
use infogroups_tui::features::workspace::screen::Tab;
use infogroups_tui::msg::call::{Call, Origin, Reply};
use infogroups_tui::msg::{Cmd, Msg};

const ADMIN: u64 = 114;
const OFFICER: u64 = 115;
const HEAD: u64 = 111;

fn people() -> Vec<(u64, &'static str, &'static str, Role)> {
    vec![
        (ADMIN, "admin", "Администратор", Role::Administrator),
        (
            OFFICER,
            "pdo",
            "Ответственный за ПДн Орлова Т. М.",
            Role::PersonalDataOfficer,
        ),
        (HEAD, "glava", "Иванова А. В.", Role::Head),
    ]
}

fn sign_in(lang: Lang, size: (u16, u16), user_id: u64) -> (State, Vec<Cmd>) {
    let mut s = state(lang, size, false);
    let mut snap = snapshot(40);
    for (id, login, name, role) in people() {
        snap.users.push(user(id, login, name, &[(role, 0)]));
    }
    let cmds = sign_in_with(&mut s, snap, user_id);
    (s, cmds)
}

fn view(seq: u64, actor_id: u64, kind: &str, id: u64, label: &str, at_ms: i64) -> pb::AuditRecord {
    pb::AuditRecord {
        seq,
        actor_id,
        at_ms,
        entity_kind: kind.into(),
        entity_id: id,
        action: "view_personal_data".into(),
        version: 0,
        entity_label: label.into(),
    }
}

/// Views by the secretary, the leader and a deleted account, newest first.
fn page() -> Vec<pb::AuditRecord> {
    vec![
        view(907, SEK1, "appeal", 300, "ИГ-2026-00042", now_ms() - 60_000),
        view(
            905,
            RUK1,
            "reception_card",
            400,
            "ЛП-1-2026/3",
            now_ms() - 3_600_000,
        ),
        view(901, SEK1, "appeal", 301, "", at(5, 8)),
        view(880, 999, "appeal", 300, "ИГ-2026-00042", at(4, 2)),
    ]
}

/// The view log's requests among `cmds`.
fn log_calls(cmds: &[Cmd]) -> Vec<(u32, pb::ListAuditRequest)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Call { origin, call } => match (origin, &**call) {
                (Origin::ViewLog(n), Call::ListAudit(r)) => Some((*n, r.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, serial: u32, records: Vec<pb::AuditRecord>) -> Vec<Cmd> {
    app::update(
        s,
        Msg::CallDone {
            origin: Origin::ViewLog(serial),
            result: Ok(Reply::Audit(pb::ListAuditResponse { records })),
        },
    )
}

fn tab_titles(s: &State) -> Vec<&'static str> {
    s.screen
        .workspace()
        .map(|w| {
            w.tabs
                .iter()
                .map(|t| t.kind().title().get(Lang::En))
                .collect()
        })
        .unwrap_or_default()
}

fn name(what: &str, lang: Lang, size: (u16, u16)) -> String {
    let l = match lang {
        Lang::Ru => "ru",
        Lang::En => "en",
    };
    format!("{what}_{l}_{}x{}", size.0, size.1)
}

#[test]
fn only_the_administrator_and_the_officer_have_the_tab() {
    let (s, _) = sign_in(Lang::En, (120, 30), ADMIN);
    assert!(tab_titles(&s).contains(&"Personal data views"));
    let (s, cmds) = sign_in(Lang::En, (120, 30), OFFICER);
    assert_eq!(tab_titles(&s), ["Personal data views", "Notifications"]);
    // The officer's first tab asks for views at once.
    assert_eq!(log_calls(&cmds).len(), 1);
    let (s, _) = sign_in(Lang::En, (120, 30), HEAD);
    assert!(!tab_titles(&s).contains(&"Personal data views"));
    for other in [SEK1, RUK1, ISP1, ISP2] {
        let s = signed_in(Lang::En, (120, 30), other);
        assert!(!tab_titles(&s).contains(&"Personal data views"), "{other}");
    }
}

#[test]
fn the_log_names_who_saw_which_record_when() {
    for lang in [Lang::Ru, Lang::En] {
        for size in [(80, 24), (160, 48)] {
            let (mut s, cmds) = sign_in(lang, size, OFFICER);
            let calls = log_calls(&cmds);
            let (serial, req) = calls.first().cloned().unwrap_or_default();
            assert_eq!(req.action, "view_personal_data");
            assert_eq!((req.before_seq, req.actor_id, req.entity_id), (0, 0, 0));
            answer(&mut s, serial, page());
            insta::assert_snapshot!(name("view_log", lang, size), draw(&s).backend());
        }
    }
    // The administrator reaches it on the tab after the directories.
    let (mut s, _) = sign_in(Lang::Ru, (80, 24), ADMIN);
    let cmds = press(&mut s, KeyCode::Char('8'));
    let (serial, _) = log_calls(&cmds).first().cloned().unwrap_or_default();
    answer(&mut s, serial, page());
    press(&mut s, KeyCode::Down);
    insta::assert_snapshot!("view_log_admin_ru_80x24", draw(&s).backend());
    press(&mut s, KeyCode::Char('?'));
    insta::assert_snapshot!("view_log_help_ru_80x24", draw(&s).backend());
}

fn officer_with_page() -> State {
    let (mut s, cmds) = sign_in(Lang::En, (100, 30), OFFICER);
    let (serial, _) = log_calls(&cmds).first().cloned().unwrap_or_default();
    answer(&mut s, serial, page());
    s
}

#[test]
fn the_selected_rows_person_and_record_filter_the_log() {
    let mut s = officer_with_page();
    press(&mut s, KeyCode::Down);
    let cmds = press(&mut s, KeyCode::Char('f'));
    let (serial, req) = log_calls(&cmds).first().cloned().unwrap_or_default();
    assert_eq!(req.actor_id, RUK1, "the selected row's person");
    answer(&mut s, serial, vec![page()[1].clone()]);
    let cmds = press(&mut s, KeyCode::Char('r'));
    let (serial, req) = log_calls(&cmds).first().cloned().unwrap_or_default();
    assert_eq!(
        (req.actor_id, req.entity_kind.as_str(), req.entity_id),
        (RUK1, "reception_card", 400),
        "both filters at once"
    );
    answer(&mut s, serial, vec![page()[1].clone()]);
    insta::assert_snapshot!("view_log_filtered_en_100x30", draw(&s).backend());
    // `f` again drops the person; Esc drops every filter.
    let cmds = press(&mut s, KeyCode::Char('f'));
    let (serial, req) = log_calls(&cmds).first().cloned().unwrap_or_default();
    assert_eq!((req.actor_id, req.entity_id), (0, 400));
    answer(&mut s, serial, vec![page()[1].clone()]);
    let cmds = press(&mut s, KeyCode::Esc);
    let (_, req) = log_calls(&cmds).first().cloned().unwrap_or_default();
    assert_eq!(
        (req.actor_id, req.entity_id, req.entity_kind.as_str()),
        (0, 0, "")
    );
}

#[test]
fn a_full_page_leads_to_older_ones_and_back() {
    let (mut s, cmds) = sign_in(Lang::En, (100, 30), OFFICER);
    let (serial, _) = log_calls(&cmds).first().cloned().unwrap_or_default();
    // A short page has nothing older: the key is not offered.
    answer(&mut s, serial, page());
    assert!(log_calls(&press(&mut s, KeyCode::Char('n'))).is_empty());
    let cmds = press(&mut s, KeyCode::F(5));
    let (serial, _) = log_calls(&cmds).first().cloned().unwrap_or_default();
    let full: Vec<pb::AuditRecord> = (0..PAGE as u64)
        .map(|i| view(2000 - i, SEK1, "appeal", 300, "ИГ-2026-00042", now_ms()))
        .collect();
    answer(&mut s, serial, full);
    let cmds = press(&mut s, KeyCode::Char('n'));
    let (serial, req) = log_calls(&cmds).first().cloned().unwrap_or_default();
    assert_eq!(
        req.before_seq,
        2000 - PAGE as u64 + 1,
        "before the page's last record"
    );
    answer(&mut s, serial, page());
    let text = draw(&s).backend().to_string();
    assert!(text.contains("Page 2"), "{text}");
    let cmds = press(&mut s, KeyCode::Char('p'));
    let (_, req) = log_calls(&cmds).first().cloned().unwrap_or_default();
    assert_eq!(req.before_seq, 0, "back to the newest page");
}

#[test]
fn the_newest_page_follows_new_views_at_a_steady_pace_and_keeps_the_selection() {
    let mut s = officer_with_page();
    press(&mut s, KeyCode::Down);
    let soon = app::update(
        &mut s,
        Msg::Tick {
            now_ms: now_ms() + 1_000,
        },
    );
    assert!(log_calls(&soon).is_empty(), "not before the pace");
    let later = app::update(
        &mut s,
        Msg::Tick {
            now_ms: now_ms() + REFRESH_PACE_MS,
        },
    );
    let (serial, req) = log_calls(&later).first().cloned().unwrap_or_default();
    assert_eq!(req.before_seq, 0);
    let mut newer = vec![view(909, RUK1, "appeal", 301, "ИГ-2026-00051", now_ms())];
    newer.extend(page());
    answer(&mut s, serial, newer);
    let Some(Some(Tab::ViewLog(v))) = s.screen.workspace().map(|w| w.tab()) else {
        panic!("the view log is shown");
    };
    assert_eq!(v.records.get(v.selected).map(|r| r.seq), Some(905));
    // An older page does not change: nothing is asked while it is shown.
    let mut s = officer_with_page();
    let cmds = press(&mut s, KeyCode::F(5));
    let (serial, _) = log_calls(&cmds).first().cloned().unwrap_or_default();
    let full: Vec<pb::AuditRecord> = (0..PAGE as u64)
        .map(|i| view(2000 - i, SEK1, "appeal", 300, "", now_ms()))
        .collect();
    answer(&mut s, serial, full);
    let cmds = press(&mut s, KeyCode::Char('n'));
    let (serial, _) = log_calls(&cmds).first().cloned().unwrap_or_default();
    answer(&mut s, serial, page());
    let idle = app::update(
        &mut s,
        Msg::Tick {
            now_ms: now_ms() + 10 * REFRESH_PACE_MS,
        },
    );
    assert!(log_calls(&idle).is_empty());
}

#[test]
fn the_keys_are_rebindable() {
    let overrides = std::collections::BTreeMap::from([(
        "older_page".to_string(),
        infogroups_tui::keymap::KeySpec::One("ctrl+n".into()),
    )]);
    let map = infogroups_tui::keymap::Keymap::with_overrides(&overrides).unwrap_or_default();
    assert_eq!(
        map.describe(infogroups_tui::keymap::Command::OlderPage, false),
        "Ctrl+N"
    );
    for c in ["newer_page", "filter_person", "filter_record"] {
        assert!(
            infogroups_tui::keymap::Command::from_config_name(c).is_some(),
            "{c}"
        );
    }
}
