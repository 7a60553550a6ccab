//! What the screens look like: snapshots of whole frames drawn on a test terminal from a fixed
//! replica and a fixed "now", at 80×24 and 160×48, in Russian and English; and no panic at any
//! size.

mod common;

use common::*;
use crossterm::event::KeyCode;
use infogroups_shared::names::Lang;
use ratatui::style::{Color, Modifier};

use infogroups_tui::app;
use infogroups_tui::app::State;
use infogroups_tui::msg::error::RpcError;
use infogroups_tui::msg::{Link, Msg, SyncEvent};
use infogroups_tui::ui::theme::Theme;

const SMALL: (u16, u16) = (80, 24);
const LARGE: (u16, u16) = (160, 48);

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "ru",
        Lang::En => "en",
    }
}

fn name(what: &str, lang: Lang, size: (u16, u16)) -> String {
    format!("{what}_{}_{}x{}", lang_name(lang), size.0, size.1)
}

/// Every combination of language and size.
fn each(mut f: impl FnMut(Lang, (u16, u16))) {
    for lang in [Lang::Ru, Lang::En] {
        for size in [SMALL, LARGE] {
            f(lang, size);
        }
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

#[test]
fn login_with_demo_accounts() {
    each(|lang, size| {
        let mut s = state(lang, size, true);
        for _ in 0..5 {
            press(&mut s, KeyCode::Down);
        }
        insta::assert_snapshot!(name("login_demo", lang, size), draw(&s).backend());
    });
}

#[test]
fn starting_is_said_while_the_demo_starts() {
    for lang in [Lang::Ru, Lang::En] {
        let (w, h) = SMALL;
        let mut terminal = match ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)) {
            Ok(t) => t,
            Err(e) => match e {},
        };
        if let Err(e) =
            terminal.draw(|f| infogroups_tui::view::starting::draw(lang, Theme { color: true }, f))
        {
            match e {}
        }
        insta::assert_snapshot!(name("starting", lang, SMALL), terminal.backend());
    }
}

#[test]
fn login_errors() {
    for lang in [Lang::Ru, Lang::En] {
        let mut s = state(lang, SMALL, false);
        type_text(&mut s, "sek1");
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Enter);
        insta::assert_snapshot!(name("login_field_error", lang, SMALL), draw(&s).backend());
        type_text(&mut s, "secret");
        press(&mut s, KeyCode::Enter);
        let e = RpcError::from_status(&tonic::Status::unavailable("tcp connect error"));
        app::update(&mut s, Msg::LoginDone(Err(e)));
        insta::assert_snapshot!(name("login_unreachable", lang, SMALL), draw(&s).backend());
    }
}

#[test]
fn assignments_list() {
    each(|lang, size| {
        let mut s = signed_in(lang, size, SEK1);
        // The last event lit the indicator a moment ago.
        sync(
            &mut s,
            event(
                41,
                infogroups_shared::pb::EventAction::Updated,
                assignments().into_iter().next().unwrap_or_default(),
            ),
        );
        insta::assert_snapshot!(name("assignments", lang, size), draw(&s).backend());
    });
}

#[test]
fn assignment_detail() {
    each(|lang, size| {
        let mut s = signed_in(lang, size, SEK1);
        select(&mut s, "2026/0005");
        press(&mut s, KeyCode::Enter);
        insta::assert_snapshot!(name("detail_returned", lang, size), draw(&s).backend());
        press(&mut s, KeyCode::Esc);
        select(&mut s, "2026/0003");
        press(&mut s, KeyCode::Enter);
        insta::assert_snapshot!(
            name("detail_report_submitted", lang, size),
            draw(&s).backend()
        );
    });
}

#[test]
fn help_overlay() {
    each(|lang, size| {
        let mut s = signed_in(lang, size, SEK1);
        select(&mut s, "2026/0003");
        press(&mut s, KeyCode::Char('?'));
        insta::assert_snapshot!(name("help", lang, size), draw(&s).backend());
    });
    // On a short, narrow terminal the help wraps its descriptions and scrolls by pages.
    for lang in [Lang::Ru, Lang::En] {
        let size = (60, 16);
        let mut s = signed_in(lang, size, SEK1);
        press(&mut s, KeyCode::Char('?'));
        press(&mut s, KeyCode::PageDown);
        insta::assert_snapshot!(name("help_scrolled", lang, size), draw(&s).backend());
    }
}

#[test]
fn step_forms() {
    for lang in [Lang::Ru, Lang::En] {
        let mut s = signed_in(lang, SMALL, ISP1);
        select(&mut s, "2026/0001");
        press(&mut s, KeyCode::Char('r'));
        type_text(
            &mut s,
            "Заменены 12 светильников, освещение восстановлено по всей улице",
        );
        insta::assert_snapshot!(name("report_form", lang, SMALL), draw(&s).backend());
        press(&mut s, KeyCode::Esc);

        let mut s = signed_in(lang, SMALL, SEK1);
        select(&mut s, "2026/0003");
        press(&mut s, KeyCode::Char('a'));
        insta::assert_snapshot!(name("accept_confirm", lang, SMALL), draw(&s).backend());
    }
}

#[test]
fn filtered_list_and_connection_trouble() {
    for lang in [Lang::Ru, Lang::En] {
        let mut s = signed_in(lang, SMALL, SEK1);
        press(&mut s, KeyCode::Char('/'));
        type_text(&mut s, "прин");
        sync(&mut s, SyncEvent::Link(Link::Reconnecting));
        insta::assert_snapshot!(name("filter_reconnecting", lang, SMALL), draw(&s).backend());
        press(&mut s, KeyCode::Char('z'));
        sync(&mut s, SyncEvent::Link(Link::Offline));
        insta::assert_snapshot!(
            name("nothing_found_offline", lang, SMALL),
            draw(&s).backend()
        );
    }
}

fn cells_of_row(
    t: &ratatui::Terminal<ratatui::backend::TestBackend>,
    y: u16,
) -> Vec<ratatui::buffer::Cell> {
    let buf = t.backend().buffer();
    (0..buf.area.width).map(|x| buf[(x, y)].clone()).collect()
}

fn row_text(cells: &[ratatui::buffer::Cell]) -> String {
    cells.iter().map(|c| c.symbol()).collect()
}

#[test]
fn colours_mark_urgency_and_no_color_keeps_the_meaning_in_text() {
    let mut s = signed_in(Lang::Ru, SMALL, SEK1);
    // Select a row that is neither overdue nor closed so it does not hide their styles.
    select(&mut s, "2026/0001");
    let t = draw(&s);
    // Row 3 is the first data row (under the tabs, the count line and the header): 0002, overdue.
    let overdue = cells_of_row(&t, 3);
    assert!(row_text(&overdue).starts_with("! 2026/0002"));
    assert_eq!(overdue[2].fg, Color::Red);
    let soon = cells_of_row(&t, 4);
    assert!(row_text(&soon).starts_with("* 2026/0004"));
    assert_eq!(soon[2].fg, Color::Yellow);
    let closed = cells_of_row(&t, 9);
    assert!(row_text(&closed).contains("2026/0006"));
    assert!(closed[2].modifier.contains(Modifier::DIM));

    s.theme = Theme { color: false };
    let t = draw(&s);
    let buf = t.backend().buffer();
    for cell in &buf.content {
        assert_eq!(cell.fg, Color::Reset, "no colours with NO_COLOR");
        assert_eq!(cell.bg, Color::Reset, "no colours with NO_COLOR");
    }
    let overdue = cells_of_row(&t, 3);
    assert!(row_text(&overdue).starts_with("! 2026/0002"));
    assert!(overdue[2].modifier.contains(Modifier::BOLD));
    // The selection is visible without colour.
    let selected = cells_of_row(&t, 6);
    assert!(row_text(&selected).contains("2026/0001"));
    assert!(selected[2].modifier.contains(Modifier::REVERSED));
}

/// Every screen and popup at sizes from nothing to huge, with keys pressed at each.
#[test]
fn no_panic_at_any_size() {
    let sizes = [
        (0, 0),
        (1, 1),
        (10, 3),
        (3, 10),
        (20, 5),
        (40, 12),
        (79, 23),
        (80, 24),
        (139, 40),
        (140, 40),
        (250, 80),
    ];
    let keys = [
        KeyCode::Down,
        KeyCode::PageDown,
        KeyCode::End,
        KeyCode::Enter,
        KeyCode::PageDown,
        KeyCode::End,
        KeyCode::Char('?'),
        KeyCode::Down,
        KeyCode::Esc,
        KeyCode::Esc,
        KeyCode::Char('/'),
        KeyCode::Char('x'),
        KeyCode::Enter,
    ];
    for size in sizes {
        for lang in [Lang::Ru, Lang::En] {
            let mut login = state(lang, size, true);
            draw(&login);
            press(&mut login, KeyCode::Down);
            press(&mut login, KeyCode::Char('?'));
            draw(&login);

            for user in [SEK1, ISP1] {
                let mut s = signed_in(lang, size, user);
                draw(&s);
                for k in keys {
                    press(&mut s, k);
                    draw(&s);
                }
                press(&mut s, KeyCode::Esc);
                press(&mut s, KeyCode::Home);
                for k in ['a', 'b', 'r'] {
                    press(&mut s, KeyCode::Char(k));
                    draw(&s);
                    type_text(&mut s, "текст");
                    draw(&s);
                    press(&mut s, KeyCode::Esc);
                }
                // Resizing between frames.
                app::update(
                    &mut s,
                    Msg::Resize {
                        width: size.1,
                        height: size.0,
                    },
                );
                draw(&s);
            }
        }
    }
}
