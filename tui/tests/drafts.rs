//! A changed, unsent form survives the client: it is kept on disk while it is filled (at most
//! once a second, at once on the way out or when the connection drops), offered at the next
//! sign-in and opened again with its values; it goes when sent or dropped on purpose.

mod common;

use common::*;
use crossterm::event::KeyCode;
use infogroups_shared::names::Lang;
use infogroups_tui::app;
use infogroups_tui::app::State;
use infogroups_tui::app::drafts::DRAFT_EVERY_MS;
use infogroups_tui::msg::call::{Call, Origin, Reply};
use infogroups_tui::msg::draft::Draft;
use infogroups_tui::msg::{Cmd, Link, LoginOk, Msg, SyncEvent};
use infogroups_tui::net::drafts::DraftStore;
use infogroups_tui::ui::form_engine::FormPopup;
use infogroups_tui::ui::popup::Popup;

const SMALL: (u16, u16) = (80, 24);

fn top_form(s: &State) -> Option<&FormPopup> {
    match s.popups.last() {
        Some(Popup::Form(f)) => Some(f),
        _ => None,
    }
}

/// The executor opens the extension request of 2026/0004 (a date and a long reason).
fn extension_form() -> State {
    let mut s = signed_in(Lang::Ru, SMALL, ISP1);
    press(&mut s, KeyCode::Home);
    for _ in 0..20 {
        if selected_number(&s).as_deref() == Some("2026/0004") {
            break;
        }
        press(&mut s, KeyCode::Down);
    }
    press(&mut s, KeyCode::Char('e'));
    assert!(top_form(&s).is_some(), "the extension form opens");
    s
}

fn kept(cmds: &[Cmd]) -> Option<&Draft> {
    cmds.iter().find_map(|c| match c {
        Cmd::KeepDraft { user, draft } if user == "isp1" => Some(draft.as_ref()),
        _ => None,
    })
}

fn dropped(cmds: &[Cmd]) -> bool {
    cmds.iter()
        .any(|c| matches!(c, Cmd::DropDraft { user } if user == "isp1"))
}

fn value<'a>(d: &'a Draft, name: &str) -> &'a str {
    d.values
        .iter()
        .find(|v| v.name == name)
        .map_or("", |v| v.text.as_str())
}

/// Time moves on by `ms`.
fn wait(s: &mut State, ms: i64) -> Vec<Cmd> {
    let now_ms = s.now_ms + ms;
    app::update(s, Msg::Tick { now_ms })
}

/// Does what the client's effects do with the draft commands, into `store`.
fn apply(store: &DraftStore, cmds: &[Cmd]) {
    for c in cmds {
        match c {
            Cmd::KeepDraft { user, draft } => store.save(user, draft).expect("kept"),
            Cmd::DropDraft { user } => store.remove(user).expect("removed"),
            _ => {}
        }
    }
}

#[test]
fn typing_keeps_the_draft_at_most_once_a_second_and_the_last_state_after_it() {
    let mut s = extension_form();
    let first = type_text(&mut s, "2");
    assert_eq!(kept(&first).map(|d| value(d, "new_deadline")), Some("2"));
    // Typed within the second: nothing written now.
    let more = type_text(&mut s, "9.05.2026");
    assert!(kept(&more).is_none(), "{more:?}");
    // The tick after the second writes what is there.
    let later = wait(&mut s, DRAFT_EVERY_MS);
    assert_eq!(
        kept(&later).map(|d| value(d, "new_deadline")),
        Some("29.05.2026")
    );
    // Nothing changed since: nothing written again.
    assert!(kept(&wait(&mut s, DRAFT_EVERY_MS)).is_none());
}

#[test]
fn leaving_or_losing_the_connection_keeps_the_draft_at_once() {
    let mut s = extension_form();
    type_text(&mut s, "29.05.2026");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "Ждём подрядчика");
    let lost = sync(&mut s, SyncEvent::Link(Link::Reconnecting));
    assert_eq!(
        kept(&lost).map(|d| value(d, "reason")),
        Some("Ждём подрядчика")
    );
    sync(&mut s, SyncEvent::Link(Link::Online));
    type_text(&mut s, " до мая");
    // Ctrl+C twice (the form asks first: y): the quit itself writes nothing new, the form is
    // closed on purpose. A quit key while the form is up, with the program ending, keeps it.
    let quit = app::update(&mut s, Msg::Quit);
    let quit = [quit, app::update(&mut s, Msg::Quit)].concat();
    assert!(s.quit, "the second quit key ends the program");
    assert_eq!(
        kept(&quit).map(|d| value(d, "reason")),
        Some("Ждём подрядчика до мая")
    );
}

#[test]
fn a_form_killed_midway_comes_back_at_the_next_sign_in_and_goes_when_sent() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = DraftStore::resolve(Some(dir.path()), "http://127.0.0.1:50051").expect("store");
    {
        let mut s = extension_form();
        apply(&store, &type_text(&mut s, "29.05.2026"));
        apply(&store, &press(&mut s, KeyCode::Tab));
        apply(&store, &type_text(&mut s, "Ждём подрядчика"));
        apply(&store, &press(&mut s, KeyCode::Enter));
        apply(&store, &type_text(&mut s, "и смету"));
        apply(&store, &wait(&mut s, DRAFT_EVERY_MS));
        // The client dies here: no quit, no goodbye.
    }

    // The next sign-in looks for the draft.
    let mut s = state(Lang::Ru, SMALL, false);
    let cmds = app::update(
        &mut s,
        Msg::LoginDone(Ok(LoginOk {
            user_id: ISP1,
            username: "isp1".into(),
            full_name: "Смирнов В. Г.".into(),
            roles: grants(&[(infogroups_shared::pb::Role::Executor, 0)]),
        })),
    );
    assert!(
        cmds.contains(&Cmd::LoadDraft {
            user: "isp1".into()
        }),
        "{cmds:?}"
    );
    sync(&mut s, SyncEvent::Snapshot(Box::new(snapshot(40).into())));
    sync(&mut s, SyncEvent::Link(Link::Online));
    let draft = store.load("isp1").expect("the draft is on disk");
    app::update(&mut s, Msg::DraftFound(Box::new(draft)));
    let screen = screen_text(&s);
    assert!(
        screen.contains("Есть несохранённый черновик"),
        "the draft is offered:\n{screen}"
    );
    assert!(screen.contains("Ждём подрядчика"), "{screen}");

    // y: the same form, with what was typed.
    press(&mut s, KeyCode::Char('y'));
    let form = top_form(&s).expect("the form is back");
    assert_eq!(form.fields[0].value(), "29.05.2026");
    assert_eq!(form.fields[1].value(), "Ждём подрядчика\nи смету");
    assert!(form.changed(), "closing it asks first");

    // Sent and accepted: the draft goes.
    // The focus is on the first field, where Enter sends.
    let sent = press(&mut s, KeyCode::Enter);
    let call = sent.iter().find_map(|c| match c {
        Cmd::Call { call, .. } => match call.as_ref() {
            Call::RequestExtension(r) => Some(r.reason.clone()),
            _ => None,
        },
        _ => None,
    });
    assert_eq!(call.as_deref(), Some("Ждём подрядчика\nи смету"));
    let done = app::update(
        &mut s,
        Msg::CallDone {
            origin: Origin::Form,
            result: Ok(Reply::Assignment(Box::default())),
        },
    );
    assert!(top_form(&s).is_none(), "the form closed");
    assert!(dropped(&done), "{done:?}");
    apply(&store, &done);
    assert_eq!(store.load("isp1"), None);
}

#[test]
fn a_form_dropped_on_purpose_takes_its_draft_along() {
    let mut s = extension_form();
    type_text(&mut s, "29.05.2026");
    press(&mut s, KeyCode::Esc);
    let discarded = press(&mut s, KeyCode::Char('y'));
    assert!(top_form(&s).is_none());
    assert!(dropped(&discarded), "{discarded:?}");
}

#[test]
fn the_offer_deletes_with_n_and_asks_again_after_esc() {
    let mut s = extension_form();
    let draft = kept(&type_text(&mut s, "2")).cloned().expect("kept");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('y'));

    app::update(&mut s, Msg::DraftFound(Box::new(draft.clone())));
    let later = press(&mut s, KeyCode::Esc);
    assert!(s.popups.is_empty(), "Esc closes the offer");
    assert!(!dropped(&later), "and keeps the draft for next time");

    app::update(&mut s, Msg::DraftFound(Box::new(draft)));
    let no = press(&mut s, KeyCode::Char('n'));
    assert!(s.popups.is_empty());
    assert!(dropped(&no), "{no:?}");
}

#[test]
fn a_session_that_ends_under_the_form_leaves_the_draft() {
    let mut s = extension_form();
    type_text(&mut s, "29.05.2026");
    let ended = sync(
        &mut s,
        SyncEvent::SessionEnded(infogroups_tui::msg::error::RpcError {
            code: tonic::Code::Unauthenticated,
            ru: None,
            en: "expired".into(),
            field: None,
        }),
    );
    assert!(!dropped(&ended), "{ended:?}");
}

#[test]
fn a_report_being_written_is_kept_and_comes_back_too() {
    let mut s = signed_in(Lang::Ru, SMALL, ISP1);
    press(&mut s, KeyCode::Home);
    for _ in 0..20 {
        if selected_number(&s).as_deref() == Some("2026/0004") {
            break;
        }
        press(&mut s, KeyCode::Down);
    }
    press(&mut s, KeyCode::Char('r'));
    assert!(matches!(s.popups.last(), Some(Popup::Step(_))));
    type_text(&mut s, "Яма засыпана");
    let later = wait(&mut s, DRAFT_EVERY_MS);
    let draft = kept(&later).cloned().expect("the report is kept");
    assert_eq!(draft.kind, "assignment_step");

    let mut s = signed_in(Lang::Ru, SMALL, ISP1);
    app::update(&mut s, Msg::DraftFound(Box::new(draft)));
    assert!(screen_text(&s).contains("2026/0004"), "{}", screen_text(&s));
    press(&mut s, KeyCode::Char('y'));
    let Some(Popup::Step(step)) = s.popups.last() else {
        panic!("the report form is back");
    };
    assert_eq!(step.input.text(), "Яма засыпана");
    let sent = send_text(&mut s);
    assert!(
        sent.iter()
            .any(|c| matches!(c, Cmd::Step { text, .. } if text == "Яма засыпана")),
        "{sent:?}"
    );
}
