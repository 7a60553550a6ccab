//! Long text fields as a user types and pastes into them: new lines, undo, a paste of thousands
//! of characters arriving as one event, and the form that stays above the hints at 80×24.

mod common;

use std::time::Instant;

use common::*;
use crossterm::event::{KeyCode, KeyModifiers};
use infogroups_shared::names::Lang;
use infogroups_tui::app;
use infogroups_tui::app::State;
use infogroups_tui::msg::call::Call;
use infogroups_tui::msg::{Cmd, Msg};
use infogroups_tui::ui::form_engine::FormPopup;
use infogroups_tui::ui::popup::Popup;

const SMALL: (u16, u16) = (80, 24);

fn top_form(s: &State) -> Option<&FormPopup> {
    match s.popups.last() {
        Some(Popup::Form(f)) => Some(f),
        _ => None,
    }
}

fn select(s: &mut State, number: &str) {
    press(s, KeyCode::Home);
    for _ in 0..20 {
        if selected_number(s).as_deref() == Some(number) {
            return;
        }
        press(s, KeyCode::Down);
    }
    panic!("{number} not in the list");
}

/// The executor's extension request for 2026/0004: a date, then a long text (the reason).
fn extension_form(size: (u16, u16)) -> State {
    let mut s = signed_in(Lang::Ru, size, ISP1);
    select(&mut s, "2026/0004");
    press(&mut s, KeyCode::Char('e'));
    assert!(top_form(&s).is_some(), "the extension form opens");
    s
}

fn reason(s: &State) -> String {
    top_form(s).map_or_else(String::new, |f| f.fields[1].value())
}

fn sent_reason(cmds: &[Cmd]) -> Option<String> {
    cmds.iter().find_map(|c| match c {
        Cmd::Call { call, .. } => match call.as_ref() {
            Call::RequestExtension(r) => Some(r.reason.clone()),
            _ => None,
        },
        _ => None,
    })
}

#[test]
fn enter_starts_a_new_line_in_a_long_text_and_ctrl_s_sends() {
    let mut s = extension_form(SMALL);
    type_text(&mut s, "29.05.2026");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Ждём подрядчика");
    assert!(
        press(&mut s, KeyCode::Enter).is_empty(),
        "Enter sends nothing here"
    );
    type_text(&mut s, "и материалы");
    assert_eq!(reason(&s), "Ждём подрядчика\nи материалы");
    // ↑ goes to the first line; Ctrl+Z undoes what was typed last.
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::End);
    type_text(&mut s, "!");
    assert_eq!(reason(&s), "Ждём подрядчика!\nи материалы");
    press_with(&mut s, KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(reason(&s), "Ждём подрядчика\nи материалы");
    let screen = screen_text(&s);
    assert!(screen.contains("Ctrl+S отправить"), "{screen}");
    insta::assert_snapshot!("extension_two_lines_ru_80x24", draw(&s).backend());
    assert_eq!(
        sent_reason(&send_text(&mut s)).as_deref(),
        Some("Ждём подрядчика\nи материалы")
    );
}

#[test]
fn five_thousand_pasted_characters_arrive_at_once_and_land_in_the_field() {
    let mut s = extension_form(SMALL);
    press(&mut s, KeyCode::Tab);
    let line = "Подрядчик не вышел на объект, ждём материалы. ";
    let mut pasted = String::new();
    while pasted.chars().count() < 5_000 {
        pasted.push_str(line);
        if pasted.chars().count().is_multiple_of(7) {
            pasted.push('\n');
        }
    }
    let pasted: String = pasted.chars().take(5_000).collect();
    let started = Instant::now();
    app::update(&mut s, Msg::Paste(pasted.clone()));
    let applied = started.elapsed();
    draw(&s);
    let drawn = started.elapsed();
    eprintln!("paste of 5000 characters: applied in {applied:?}, applied and drawn in {drawn:?}");
    assert_eq!(reason(&s), pasted.trim());
    // One paste is one change: one undo takes all of it back.
    press_with(&mut s, KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(reason(&s), "");
}

#[test]
fn a_paste_into_a_one_line_field_stays_on_one_line() {
    let mut s = extension_form(SMALL);
    app::update(&mut s, Msg::Paste("29.05.\n2026".into()));
    assert_eq!(
        top_form(&s).map(|f| f.fields[0].value()).as_deref(),
        Some("29.05. 2026")
    );
}

#[test]
fn the_report_form_takes_several_lines_and_a_paste() {
    let mut s = signed_in(Lang::Ru, SMALL, ISP1);
    select(&mut s, "2026/0001");
    press(&mut s, KeyCode::Char('r'));
    type_text(&mut s, "Заменены светильники");
    press(&mut s, KeyCode::Enter);
    app::update(&mut s, Msg::Paste("Акт приложен".into()));
    let cmds = send_text(&mut s);
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Step { text, .. }
            if text == "Заменены светильники\nАкт приложен")),
        "{cmds:?}"
    );
}

#[test]
fn esc_closes_an_unchanged_form_at_once_and_asks_on_a_changed_one() {
    let mut s = extension_form(SMALL);
    press(&mut s, KeyCode::Esc);
    assert!(s.popups.is_empty(), "nothing typed: closed at once");

    let mut s = extension_form(SMALL);
    type_text(&mut s, "29.05.2026");
    press(&mut s, KeyCode::Esc);
    assert!(top_form(&s).is_some(), "a changed form asks first");
    let screen = screen_text(&s);
    assert!(
        screen.contains("Закрыть форму? Введённое будет потеряно."),
        "{screen}"
    );
    assert!(screen.contains("y закрыть  n продолжить"), "{screen}");
    insta::assert_snapshot!("discard_question_ru_80x24", draw(&s).backend());
    // n goes back to the form with what was typed; typing goes on.
    press(&mut s, KeyCode::Char('n'));
    type_text(&mut s, "7");
    assert_eq!(
        top_form(&s).map(|f| f.fields[0].value()).as_deref(),
        Some("29.05.20267")
    );
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('y'));
    assert!(s.popups.is_empty(), "y closes it");
}

#[test]
fn ctrl_c_on_a_changed_form_asks_before_leaving() {
    let ctrl_c = |s: &mut State| press_with(s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    let mut s = extension_form(SMALL);
    type_text(&mut s, "29");
    ctrl_c(&mut s);
    assert!(!s.quit, "asked first");
    assert!(screen_text(&s).contains("Закрыть форму?"));
    press(&mut s, KeyCode::Esc);
    assert!(!s.quit && top_form(&s).is_some(), "Esc answers no");
    ctrl_c(&mut s);
    press(&mut s, KeyCode::Char('y'));
    assert!(s.quit, "y leaves");
    // Typed and then taken back: nothing is lost, so nothing is asked (Ctrl+C warns in the
    // hints line, visible under the form, and a second one leaves).
    let mut s = extension_form(SMALL);
    type_text(&mut s, "2");
    press(&mut s, KeyCode::Backspace);
    ctrl_c(&mut s);
    assert!(top_form(&s).is_some_and(|f| f.closing.is_none()));
    ctrl_c(&mut s);
    assert!(s.quit);
}

#[test]
fn every_wrong_field_is_marked_at_once() {
    let mut s = extension_form(SMALL);
    type_text(&mut s, "послезавтра");
    // The reason is empty and the date is no date: both are said at once, each under its field.
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    let form = top_form(&s).expect("still open");
    let errors: Vec<(&str, Option<&str>)> = form
        .fields
        .iter()
        .map(|f| (f.name, f.error.as_deref()))
        .collect();
    assert!(
        matches!(errors.as_slice(), [(_, Some(date)), (_, Some(_))] if date.contains("ДД.ММ.ГГГГ")),
        "{errors:?}"
    );
    assert_eq!(form.focus, 0, "the focus goes to the first of them");
}

#[test]
fn the_report_form_asks_before_dropping_a_typed_report() {
    let mut s = signed_in(Lang::Ru, SMALL, ISP1);
    select(&mut s, "2026/0001");
    press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Esc);
    assert!(s.popups.is_empty(), "nothing typed: closed at once");
    press(&mut s, KeyCode::Char('r'));
    type_text(&mut s, "Заменены светильники");
    press(&mut s, KeyCode::Esc);
    assert!(screen_text(&s).contains("Закрыть форму? Введённое будет потеряно."));
    press(&mut s, KeyCode::Char('n'));
    type_text(&mut s, "!");
    assert!(
        matches!(s.popups.last(), Some(Popup::Step(p)) if p.input.text() == "Заменены светильники!")
    );
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('y'));
    assert!(s.popups.is_empty(), "y closes it");
}

#[test]
fn a_pasted_login_lands_without_its_line_break() {
    let mut s = state(Lang::Ru, SMALL, false);
    app::update(&mut s, Msg::Paste("sek1\n".into()));
    let infogroups_tui::app::Screen::Login(login) = &s.screen else {
        panic!("the login screen");
    };
    assert_eq!(login.username.text(), "sek1");
}

#[test]
fn the_help_of_a_form_with_a_long_text_lists_its_editing_keys() {
    let mut s = extension_form(SMALL);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::F(1));
    let Some(Popup::Help(h)) = s.popups.last() else {
        panic!("the help opens");
    };
    for (keys, what) in [
        ("Ctrl+S", "отправить форму из длинного текста"),
        ("Enter", "новая строка в длинном тексте"),
        ("Ctrl+Z", "отменить правку текста"),
        ("Ctrl+Y", "вернуть отменённую правку"),
    ] {
        assert!(
            h.entries.iter().any(|(k, d)| k == keys && *d == what),
            "{keys}: {:?}",
            h.entries
        );
    }
}
