//! The client's plumbing against the real server (the embedded demo on a free port): login, the
//! sync task's snapshot and stream, a step by one user reaching another's replica, and the
//! errors the login screen shows. No terminal: messages are read from the app's queue.

use infogroups_server::demo::DEMO_PASSWORD;
use std::time::Duration;

use infogroups_shared::names::Lang;
use infogroups_shared::{pb, policy};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use infogroups_tui::app;
use infogroups_tui::app::{Init, Screen, State};
use infogroups_tui::demo::{ADMIN_PASSWORD, DemoServer};
use infogroups_tui::features::assignments::actions;
use infogroups_tui::keymap::Keymap;
use infogroups_tui::msg::call::{Call, Reply};
use infogroups_tui::msg::step::Action;
use infogroups_tui::msg::{Cmd, Link, Msg, Secret};
use infogroups_tui::net::calls;
use infogroups_tui::net::connection::Connection;
use infogroups_tui::net::effects::Effects;
use infogroups_tui::net::saving::Downloads;
use infogroups_tui::ui::theme::Theme;

/// A client without a terminal: state, effects and the message queue.
struct Client {
    state: State,
    effects: Effects,
    conn: Connection,
    rx: UnboundedReceiver<Msg>,
    /// Where this client saves files, as its effects do.
    downloads: Downloads,
    /// Keeps that folder for the client's life; removed with it.
    _folder: tempfile::TempDir,
}

impl Client {
    fn new(url: &str) -> Client {
        let conn = Connection::new(url, None).unwrap_or_else(|e| panic!("{e}"));
        let (tx, rx) = unbounded_channel();
        let state = State::new(Init {
            lang: Lang::Ru,
            theme: Theme { color: false },
            keymap: Keymap::default(),
            server: url.to_string(),
            demo: Vec::new(),
            username: None,
            now_ms: infogroups_tui::term::runtime::now_ms(),
            size: (120, 40),
        });
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let downloads = Downloads::resolve(Some(folder.path()));
        Client {
            state,
            effects: Effects::new(conn.clone(), tx, downloads.clone()),
            conn,
            rx,
            downloads,
            _folder: folder,
        }
    }

    fn run(&mut self, cmds: Vec<Cmd>) {
        for c in cmds {
            self.effects.run(c);
        }
    }

    /// Applies messages until `done` holds (or fails after 10 s).
    async fn until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(&self.state) {
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; {}", shown(&self.state)))
                .unwrap_or_else(|| panic!("queue closed waiting for {what}"));
            let cmds = app::update(&mut self.state, msg);
            self.run(cmds);
        }
    }

    async fn login(&mut self, username: &str, password: &str) {
        self.run(vec![Cmd::Login {
            username: username.into(),
            password: Secret(password.into()),
        }]);
        self.until(
            "login",
            |s| !matches!(&s.screen, Screen::Login(l) if l.pending || l.error.is_none()),
        )
        .await;
    }
}

/// What the user would see of a step's outcome: the flashed message and the open form's errors.
fn shown(s: &State) -> String {
    let form = match s.popups.last() {
        Some(infogroups_tui::ui::popup::Popup::Form(f)) => format!(
            "form {:?}: {:?}",
            f.title,
            f.fields
                .iter()
                .map(|x| (x.name, x.error.clone()))
                .chain(std::iter::once(("", f.error.clone())))
                .filter(|(_, e)| e.is_some())
                .collect::<Vec<_>>()
        ),
        _ => "no form".into(),
    };
    format!("flash {:?}, {form}", s.flash.as_ref().map(|f| &f.text))
}

fn assignment(s: &State, id: u64) -> Option<pb::Assignment> {
    s.replica.assignments.get(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_by_the_executor_reaches_the_controllers_screen() {
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let url = demo.url();

    let mut sek = Client::new(&url);
    sek.login("sek1", DEMO_PASSWORD).await;
    assert!(matches!(sek.state.screen, Screen::Work(_)), "signed in");
    sek.until("the snapshot and the stream", |s| {
        s.replica.loaded && s.link == Link::Online
    })
    .await;

    // An assignment of sek1's group that isp-someone can report on.
    let me = sek.state.session.as_ref().map_or(0, |s| s.user_id);
    let today = sek.state.today();
    let target = sek
        .state
        .replica
        .assignments
        .iter()
        .find(|a| {
            a.controller_id == me
                && a.status == pb::AssignmentStatus::InProgress as i32
                && a.co_executors.is_empty()
        })
        .unwrap_or_else(|| panic!("sek1 controls an assignment in progress"));
    let id = target.meta.map_or(0, |m| m.id);
    let executor = sek
        .state
        .replica
        .users
        .get(target.executor_id)
        .map(|u| u.username.clone())
        .unwrap_or_default();

    let mut isp = Client::new(&url);
    isp.login(&executor, DEMO_PASSWORD).await;
    isp.until("the executor's snapshot", |s| s.replica.loaded)
        .await;
    let mine = assignment(&isp.state, id).unwrap_or_default();
    let isp_actor = isp.state.session.as_ref().map_or_else(
        || policy::Actor::in_role(0, None),
        |s| policy::Actor::in_role(s.user_id, s.role()),
    );
    assert_eq!(
        actions::available(&mine, &isp_actor, today),
        [Action::SubmitReport]
    );
    isp.run(vec![Cmd::Step {
        assignment_id: id,
        expected_version: mine.meta.map_or(0, |m| m.version),
        action: Action::SubmitReport,
        text: "Проверено, выполнено".into(),
    }]);
    isp.until("the step's answer", |s| {
        assignment(s, id).is_some_and(|a| a.status == pb::AssignmentStatus::ReportSubmitted as i32)
    })
    .await;

    // The controller's replica follows within moments, and the indicator lights up.
    sek.until("the event on the controller's side", |s| {
        assignment(s, id).is_some_and(|a| a.status == pb::AssignmentStatus::ReportSubmitted as i32)
    })
    .await;
    assert!(sek.state.last_event_ms.is_some());

    // A stale version is refused with the server's Russian text, and nothing changes.
    sek.run(vec![Cmd::Step {
        assignment_id: id,
        expected_version: target.meta.map_or(0, |m| m.version),
        action: Action::Accept,
        text: String::new(),
    }]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let msg = tokio::time::timeout_at(deadline, sek.rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no answer to the stale step"))
            .unwrap_or_else(|| panic!("queue closed"));
        if let Msg::StepDone { result, .. } = &msg {
            let e = result
                .as_ref()
                .err()
                .cloned()
                .unwrap_or_else(|| panic!("refused"));
            assert_eq!(e.code, tonic::Code::Aborted);
            assert!(e.message(Lang::Ru, &url).contains("изменена"), "{e:?}");
            break;
        }
        let cmds = app::update(&mut sek.state, msg);
        sek.run(cmds);
    }

    sek.effects.shutdown().await;
    isp.effects.shutdown().await;
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_errors_come_back_as_the_user_should_read_them() {
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("sek1", "wrong-password").await;
    let Screen::Login(l) = &c.state.screen else {
        panic!("still at the login screen");
    };
    let text = format!("{:?}", l.error);
    assert!(
        text.contains("неверное имя пользователя или пароль"),
        "{text}"
    );
    demo.stop().await;

    // Nobody listens there any more.
    let mut gone = Client::new(&demo_url_of_a_closed_port().await);
    gone.login("sek1", DEMO_PASSWORD).await;
    let Screen::Login(l) = &gone.state.screen else {
        panic!("still at the login screen");
    };
    let text = format!("{:?}", l.error);
    assert!(text.contains("недоступен"), "{text}");
}

async fn demo_url_of_a_closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_task_reports_a_lost_server_and_a_session_the_new_one_does_not_know() {
    let listen = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().unwrap_or_else(|e| panic!("{e}"))
    };
    let demo = DemoServer::start(Some(listen), None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("isp1", DEMO_PASSWORD).await;
    c.until("online", |s| s.link == Link::Online).await;
    demo.stop().await;
    c.until("reconnecting", |s| {
        matches!(s.link, Link::Reconnecting | Link::Offline)
    })
    .await;
    // A new server on the same address with a new store: the token means nothing there.
    let again = DemoServer::start(Some(listen), None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    c.until("back at the login screen", |s| {
        matches!(s.screen, Screen::Login(_))
    })
    .await;
    assert!(c.state.replica.assignments.is_empty());
    again.stop().await;
}

/// `--ca-cert`: a client that trusts the server's certificate signs in over TLS; one that does
/// not is refused before any password leaves it.
#[tokio::test]
async fn over_tls_the_client_trusts_only_the_given_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cert_path = dir.path().join("server.pem");
    let key_path = dir.path().join("server.key");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap_or_else(|e| panic!("{e}"));
    let mut config = infogroups_server::Config::new(dir.path().join("data"));
    config.admin_password = Some(ADMIN_PASSWORD.into());
    config.tls = Some(infogroups_server::config::TlsFiles {
        cert: cert_path.clone(),
        key: key_path,
    });
    let server = infogroups_server::Server::open(config)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map_or(0, |a| a.port());
    let shutdown = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(server.serve(listener, shutdown.clone()));
    let url = format!("https://localhost:{port}");

    let login = |conn: Connection| async move {
        conn.auth()
            .login(pb::LoginRequest {
                username: "admin".into(),
                password: ADMIN_PASSWORD.into(),
            })
            .await
    };
    let trusted = Connection::new(&url, Some(&cert_path)).unwrap_or_else(|e| panic!("{e}"));
    let ok = login(trusted).await;
    assert!(ok.is_ok(), "{ok:?}");
    let untrusted = Connection::new(&url, None).unwrap_or_else(|e| panic!("{e}"));
    let refused = login(untrusted).await;
    assert!(
        matches!(&refused, Err(s) if s.code() == tonic::Code::Unavailable || s.code() == tonic::Code::Unknown),
        "{refused:?}"
    );
    shutdown.cancel();
    let _ = task.await;
}

impl Client {
    fn key(&mut self, code: crossterm::event::KeyCode) {
        let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
        let cmds = app::update(&mut self.state, Msg::Key(key));
        self.run(cmds);
    }

    /// Enter — or Ctrl+S where a long text field has the focus, since there Enter starts a new
    /// line (the hints say which).
    fn send(&mut self) {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        use infogroups_tui::ui::form_engine::FieldKind;
        use infogroups_tui::ui::popup::Popup;
        let long_text = match self.state.popups.last() {
            Some(Popup::Form(f)) => f
                .fields
                .get(f.focus)
                .is_some_and(|x| x.kind == FieldKind::Text),
            Some(Popup::Step(p)) => p.action.needs_text(),
            _ => false,
        };
        if long_text {
            let key = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
            let cmds = app::update(&mut self.state, Msg::Key(key));
            self.run(cmds);
        } else {
            self.key(KeyCode::Enter);
        }
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(crossterm::event::KeyCode::Char(c));
        }
    }

    /// Fills the applicant's fields from the surname on: surname, name, (no patronymic), address.
    fn applicant(&mut self) {
        use crossterm::event::KeyCode as K;
        self.type_text("Кравченко");
        self.key(K::Tab);
        self.type_text("Ольга");
        self.key(K::Tab);
        self.key(K::Tab);
        self.type_text("ул. Садовая, 5, кв. 3");
    }

    /// Narrows the list to rows matching `text` (`/`, the text, Enter).
    fn filter(&mut self, text: &str) {
        use crossterm::event::KeyCode as K;
        self.key(K::Char('/'));
        self.type_text(text);
        self.key(K::Enter);
    }

    fn form_open(&self) -> bool {
        matches!(
            self.state.popups.last(),
            Some(infogroups_tui::ui::popup::Popup::Form(_))
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_general_department_registers_and_answers_an_appeal_on_the_server() {
    use crossterm::event::KeyCode as K;
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("obshiy", DEMO_PASSWORD).await;
    c.until("the snapshot", |s| s.replica.loaded).await;
    let before = c.state.replica.appeals.len();

    c.key(K::Char('N'));
    assert!(c.form_open(), "the registration form opens");
    // Received today (filled), channel, kind, territory, group: as offered. Then the code.
    for _ in 0..5 {
        c.key(K::Tab);
    }
    c.type_text("0005.0005.0056.1153");
    for _ in 0..3 {
        c.key(K::Tab);
    }
    c.applicant();
    c.key(K::Tab);
    c.type_text("Прошу заменить лампы уличного освещения у дома 5");
    c.send();
    c.until("the registration's answer", |s| {
        s.replica.appeals.len() > before
            && !matches!(
                s.popups.last(),
                Some(infogroups_tui::ui::popup::Popup::Form(_))
            )
    })
    .await;
    let new = c
        .state
        .replica
        .appeals
        .iter()
        .find(|a| a.text.starts_with("Прошу заменить лампы"))
        .cloned()
        .unwrap_or_else(|| panic!("the new appeal is in the replica"));
    assert_eq!(new.status, pb::AppealStatus::Registered as i32);
    assert!(!new.number.is_empty(), "the server numbered it");
    assert!(
        c.state
            .flash
            .as_ref()
            .is_some_and(|f| f.text.ends_with(&new.number)),
        "the number is told: {}",
        shown(&c.state)
    );
    // The replica keeps no personal data: the stream carries appeals depersonalised.
    assert!(new.citizen.is_none());

    // Find it by its number; the applicant is shown on request (the server logs the view).
    c.filter(&new.number);
    c.key(K::Char('D'));
    c.until("the applicant", |s| {
        matches!(
            s.popups.last(),
            Some(infogroups_tui::ui::popup::Popup::Info(i))
                if i.lines.iter().any(|(_, v)| v == "Кравченко")
        )
    })
    .await;
    c.key(K::Esc);
    assert!(c.state.popups.is_empty());
    // And the answer.
    c.key(K::Char('r'));
    assert!(c.form_open(), "the answer form opens");
    // What the answer said is required: without it the form stays.
    c.send();
    assert!(c.form_open(), "no answer without its content");
    // The focus is on what is missing.
    c.type_text("Замена ламп включена в план работ на декабрь");
    c.send();
    let id = new.meta.map_or(0, |m| m.id);
    c.until("the answer", |s| {
        s.replica
            .appeals
            .get(id)
            .is_some_and(|a| a.status == pb::AppealStatus::Answered as i32)
    })
    .await;
    let answered = c.state.replica.appeals.get(id).cloned().unwrap_or_default();
    let ans = answered.answer.unwrap_or_default();
    assert!(ans.on_time, "answered on the day of registration");
    assert!(!ans.signed_by.is_empty(), "signed by the head by default");
    assert_eq!(
        answered.questions.first().map(|q| q.result),
        Some(pb::QuestionResult::Explained as i32)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_adds_a_territory_and_an_account_that_can_sign_in() {
    use crossterm::event::KeyCode as K;
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("admin", infogroups_tui::demo::ADMIN_PASSWORD).await;
    c.until("the snapshot", |s| s.replica.loaded).await;

    // Territories are the third tab.
    c.key(K::Char('3'));
    c.key(K::Char('N'));
    assert!(c.form_open(), "the territory form opens");
    c.type_text("посёлок Юбилейный");
    c.send();
    c.until("the new territory, and the form closed", |s| {
        s.popups.is_empty()
            && s.replica
                .territories
                .iter()
                .any(|t| t.name == "посёлок Юбилейный")
    })
    .await;

    // A department with its head, and an outside organisation.
    c.key(K::Char('5'));
    c.key(K::Char('N'));
    c.type_text("Отдел ЖКХ");
    c.key(K::Tab);
    c.type_text("ОЖКХ");
    c.key(K::Tab);
    c.type_text("isp1");
    c.send();
    c.until("the new department, and the form closed", |s| {
        s.popups.is_empty() && s.replica.departments.iter().any(|d| d.short_name == "ОЖКХ")
    })
    .await;
    let isp1 = c
        .state
        .replica
        .users
        .iter()
        .find(|u| u.username == "isp1")
        .and_then(|u| u.meta)
        .map(|m| m.id);
    assert_eq!(
        c.state
            .replica
            .departments
            .iter()
            .find(|d| d.short_name == "ОЖКХ")
            .map(|d| d.head_user_id),
        isp1
    );
    c.key(K::Char('6'));
    c.key(K::Char('N'));
    c.type_text("ООО «Управляющая компания Западная»");
    c.send();
    c.until("the new organisation, and the form closed", |s| {
        s.popups.is_empty()
            && s.replica
                .organisations
                .iter()
                .any(|o| o.name.contains("Западная"))
    })
    .await;

    c.key(K::Char('1'));
    c.key(K::Char('N'));
    c.type_text("isp9");
    c.key(K::Tab);
    c.type_text("Орлова Мария Петровна");
    c.key(K::Tab);
    c.key(K::Tab);
    c.key(K::Tab);
    c.type_text("orlova-pass-1");
    c.key(K::Tab);
    c.type_text("orlova-pass-1");
    c.send();
    c.until("the new account, and the form closed", |s| {
        s.popups.is_empty() && s.replica.users.iter().any(|u| u.username == "isp9")
    })
    .await;

    let mut isp9 = Client::new(&demo.url());
    isp9.login("isp9", "orlova-pass-1").await;
    isp9.until("the new user's snapshot", |s| s.replica.loaded)
        .await;
    assert!(matches!(isp9.state.screen, Screen::Work(_)), "signed in");

    // A new group led by the new account, serving the new territory: the roles follow.
    c.key(K::Char('2'));
    c.key(K::Char('N'));
    assert!(c.form_open(), "the group form opens");
    c.type_text("7");
    c.key(K::Tab);
    c.key(K::Tab);
    c.type_text("орлова мар");
    c.key(K::Tab);
    c.type_text("isp1");
    c.key(K::Tab);
    c.type_text("isp2");
    c.key(K::Tab);
    c.type_text("юбил");
    c.send();
    c.until("the new group, and its leader's role", |s| {
        let Some(g) = s.replica.groups.iter().find(|g| g.number == 7) else {
            return false;
        };
        let id = g.meta.map_or(0, |m| m.id);
        s.popups.is_empty()
            && g.name == "Информационная группа № 7"
            && g.territory_ids.len() == 1
            && s.replica.users.iter().any(|u| {
                u.username == "isp9"
                    && u.roles
                        .iter()
                        .any(|r| r.role == pb::Role::GroupLeader as i32 && r.group_id == id)
            })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretary_fills_a_reception_card_and_makes_it_a_written_appeal() {
    use crossterm::event::KeyCode as K;
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("sek1", DEMO_PASSWORD).await;
    c.until("the snapshot", |s| s.replica.loaded).await;
    let cards = c.state.replica.reception_cards.len();

    // Cards are the secretary's fourth tab; the date, the group and its leader are filled in.
    c.key(K::Char('4'));
    c.key(K::Char('N'));
    assert!(c.form_open(), "the card form opens");
    c.key(K::Tab);
    c.type_text("МБОУ СОШ № 3");
    for _ in 0..4 {
        c.key(K::Tab);
    }
    c.applicant();
    c.key(K::Tab);
    c.key(K::Tab);
    c.type_text("Не горят фонари во дворе дома 5 по ул. Садовой");
    c.key(K::Tab);
    c.type_text("0005.0005.0056.1153");
    c.send();
    c.until("the card, and the form closed", |s| {
        s.popups.is_empty() && s.replica.reception_cards.len() > cards
    })
    .await;
    let card = c
        .state
        .replica
        .reception_cards
        .iter()
        .find(|x| x.content.starts_with("Не горят фонари"))
        .cloned()
        .unwrap_or_else(|| panic!("the new card is listed"));
    assert!(card.citizen.is_none(), "kept without the citizen");
    let card_id = card.meta.map_or(0, |m| m.id);

    // Newest first: the card is on top. Make it a written appeal.
    c.key(K::Home);
    c.key(K::Char('O'));
    assert!(c.form_open(), "the confirmation opens");
    c.send();
    c.until("the written appeal", |s| {
        s.replica
            .appeals
            .iter()
            .any(|a| a.reception_card_id == card_id)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretary_plans_a_meeting_agrees_the_venue_and_announces_it() {
    use crossterm::event::KeyCode as K;
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("sek1", DEMO_PASSWORD).await;
    c.until("the snapshot", |s| s.replica.loaded).await;
    let day = c.state.ctx().today + chrono::Days::new(45);
    let on = day.format("%d.%m.%Y").to_string();
    let planned_on = |s: &State| {
        s.replica
            .meetings
            .iter()
            .find(|m| m.date == Some(infogroups_shared::validate::from_naive(day)))
            .cloned()
    };

    // Meetings are the secretary's second tab; N plans one, the venue still to be decided.
    c.key(K::Char('2'));
    c.key(K::Char('N'));
    assert!(c.form_open(), "the planning form opens");
    c.type_text(&on);
    c.send();
    c.until("the planned meeting", |s| {
        s.popups.is_empty() && planned_on(s).is_some()
    })
    .await;
    let m = planned_on(&c.state).unwrap_or_default();
    assert_eq!(m.status, pb::MeetingStatus::Planned as i32);
    assert_eq!(m.venue_id, 0);

    // Find it, choose the first venue, record it as agreed with the director.
    c.filter(&on);
    c.key(K::Char('V'));
    assert!(c.form_open(), "the venue form opens");
    c.key(K::Right);
    c.key(K::Tab);
    c.key(K::Tab);
    c.type_text("директор Петрова И. А.");
    c.send();
    c.until("the venue agreed", |s| {
        s.popups.is_empty()
            && planned_on(s).is_some_and(|m| m.status == pb::MeetingStatus::VenueAgreed as i32)
    })
    .await;

    // The checklist: the first item ready.
    c.key(K::Char('C'));
    c.key(K::Right);
    c.send();
    c.until("the checklist saved", |s| {
        s.popups.is_empty()
            && planned_on(s).is_some_and(|m| m.checklist.first().is_some_and(|i| i.done))
    })
    .await;

    // An outside participant: the utility company's engineer, invited.
    c.key(K::Char('U'));
    assert!(c.form_open(), "the participant form opens");
    c.key(K::Tab);
    c.key(K::Right);
    c.key(K::Tab);
    c.type_text("Гончаров П. Р.");
    c.key(K::Tab);
    c.type_text("главный инженер");
    c.send();
    c.until("the participant invited", |s| {
        s.popups.is_empty()
            && planned_on(s).is_some_and(|m| {
                m.participants.iter().any(|p| {
                    p.name == "Гончаров П. Р."
                        && p.organisation_id != 0
                        && p.status == pb::ParticipantStatus::Invited as i32
                })
            })
    })
    .await;

    // The brief: the server drafts it, the form opens on the draft, saving keeps it.
    c.key(K::Char('B'));
    c.until("the drafted brief", |s| !s.popups.is_empty()).await;
    c.send();
    c.until("the brief saved", |s| {
        s.popups.is_empty()
            && planned_on(s)
                .and_then(|m| m.brief)
                .is_some_and(|b| b.saved_at_ms != 0 && !b.text.is_empty())
    })
    .await;

    // Notify, then announce: each a confirmation.
    c.key(K::Char('n'));
    c.send();
    c.until("the participants notified", |s| {
        s.popups.is_empty() && planned_on(s).is_some_and(|m| !m.notifications.is_empty())
    })
    .await;
    c.key(K::Char('a'));
    assert!(c.form_open(), "the announcement asks first");
    c.send();
    c.until("the meeting announced", |s| {
        planned_on(s).is_some_and(|m| m.status == pb::MeetingStatus::Announced as i32)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretary_keeps_the_protocol_and_issues_an_assignment_on_its_decision() {
    use crossterm::event::KeyCode as K;
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("sek1", DEMO_PASSWORD).await;
    c.until("the snapshot", |s| s.replica.loaded).await;
    let held = c
        .state
        .replica
        .meetings
        .iter()
        .find(|m| m.status == pb::MeetingStatus::Held as i32)
        .cloned()
        .unwrap_or_else(|| panic!("the demo group has a held meeting"));
    let id = held.meta.map_or(0, |m| m.id);
    let on = infogroups_tui::ui::text::date(held.date.as_ref());
    let meeting = |s: &State| s.replica.meetings.get(id).cloned().unwrap_or_default();

    c.key(K::Char('2'));
    c.filter(&on);

    // A question: the classifier is searched by words, the first question found chosen.
    c.key(K::Char('Q'));
    assert!(c.form_open(), "the question form opens");
    c.type_text("Нет освещения во дворе дома 12");
    c.key(K::Tab);
    c.type_text("перебои вод");
    c.until("the classifier's answer", |s| match s.popups.last() {
        Some(infogroups_tui::ui::popup::Popup::Form(f)) => !f.fields[1].found.is_empty(),
        _ => false,
    })
    .await;
    c.key(K::Down);
    c.key(K::Tab);
    c.key(K::Right);
    c.key(K::Tab);
    c.type_text("Разъяснён график ремонта сетей");
    c.send();
    c.until("the question in the protocol", |s| {
        s.popups.is_empty()
            && meeting(s).protocol.is_some_and(|p| {
                p.questions.last().is_some_and(|q| {
                    q.substance.starts_with("Нет освещения")
                        && infogroups_shared::classifier::is_full_code(&q.classifier_code)
                })
            })
    })
    .await;

    // A decision, then an assignment on it.
    c.key(K::Char('R'));
    c.type_text("Восстановить освещение во дворе дома 12");
    c.send();
    c.until("the decision in the protocol", |s| {
        s.popups.is_empty() && meeting(s).protocol.is_some_and(|p| !p.decisions.is_empty())
    })
    .await;
    let last = meeting(&c.state)
        .protocol
        .map_or(0, |p| p.decisions.len() - 1);
    c.key(K::Char('i'));
    assert!(c.form_open(), "the assignment form opens");
    for _ in 0..last {
        c.key(K::Right);
    }
    c.key(K::Tab);
    c.key(K::Tab);
    c.type_text("isp1");
    c.key(K::Tab);
    // A working day, as a deadline should be (a day off is answered with an offer instead).
    let ctx = c.state.ctx();
    let due = (20..40)
        .map(|n| ctx.today + chrono::Days::new(n))
        .find(|d| ctx.calendar.is_working_day(*d))
        .expect("a working day within 40 days");
    c.type_text(&due.format("%d.%m.%Y").to_string());
    c.send();
    c.until("the assignment linked to the decision", |s| {
        s.popups.is_empty()
            && meeting(s)
                .protocol
                .and_then(|p| p.decisions.get(last).cloned())
                .is_some_and(|d| !d.assignment_ids.is_empty())
    })
    .await;
    // Its text followed the decision chosen.
    let d = meeting(&c.state)
        .protocol
        .and_then(|p| p.decisions.get(last).cloned())
        .unwrap_or_default();
    let a = d
        .assignment_ids
        .first()
        .and_then(|id| c.state.replica.assignments.get(*id))
        .unwrap_or_default();
    assert_eq!(a.text, "Восстановить освещение во дворе дома 12");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_general_department_forwards_one_appeal_and_closes_another_under_article_11() {
    use crossterm::event::KeyCode as K;
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::new(&demo.url());
    c.login("obshiy", DEMO_PASSWORD).await;
    c.until("the snapshot", |s| s.replica.loaded).await;
    let open: Vec<pb::Appeal> = c
        .state
        .replica
        .appeals
        .iter()
        .filter(|a| a.status == pb::AppealStatus::Registered as i32)
        .take(2)
        .cloned()
        .collect();
    assert_eq!(open.len(), 2, "the demo has open appeals");
    let status_of = |s: &State, a: &pb::Appeal| {
        s.replica
            .appeals
            .get(a.meta.map_or(0, |m| m.id))
            .map(|x| x.status)
    };
    c.filter(&open[0].number);
    c.key(K::Char('F'));
    assert!(c.form_open(), "the forwarding form opens");
    c.type_text("Министерство ЖКХ Ростовской области");
    c.send();
    c.until("the appeal forwarded", |s| {
        s.popups.is_empty() && status_of(s, &open[0]) == Some(pb::AppealStatus::Forwarded as i32)
    })
    .await;

    c.key(K::Esc);
    c.filter(&open[1].number);
    c.key(K::Char('Z'));
    assert!(c.form_open(), "the art. 11 form opens");
    c.key(K::Right);
    c.key(K::Right);
    c.key(K::Tab);
    c.type_text("Текст не поддаётся прочтению; заявителю направлено уведомление");
    c.send();
    c.until("the appeal closed as unreadable", |s| {
        s.popups.is_empty()
            && status_of(s, &open[1]) == Some(pb::AppealStatus::NoAnswerUnreadable as i32)
    })
    .await;
}

#[tokio::test]
async fn a_document_saved_twice_keeps_both_files_in_the_download_folder() {
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sek = Client::new(&demo.url());
    sek.login("sek1", DEMO_PASSWORD).await;
    assert!(matches!(sek.state.screen, Screen::Work(_)), "signed in");
    let export = || Call::Export {
        request: pb::ExportRequest {
            kind: pb::ExportKind::Register as i32,
            format: pb::FileFormat::Csv as i32,
            register: Some(pb::RegisterRequest {
                kind: pb::RegisterKind::Assignments as i32,
                ..Default::default()
            }),
            ..Default::default()
        },
        path: Some("Реестр поручений.csv".into()),
    };
    let mut saved = Vec::new();
    for _ in 0..2 {
        match calls::run(&sek.conn, export(), &sek.downloads).await {
            Ok(Reply::Saved(path)) => saved.push(path),
            other => panic!("not saved: {other:?}"),
        }
    }
    let folder = sek.downloads.dir();
    assert_eq!(
        saved,
        [
            folder.join("Реестр поручений.csv"),
            folder.join("Реестр поручений (2).csv")
        ]
    );
    for path in &saved {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!text.is_empty(), "{} holds the register", path.display());
    }
    demo.stop().await;
}

#[tokio::test]
async fn a_document_saved_without_a_name_takes_the_servers_name_with_its_number() {
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sek = Client::new(&demo.url());
    sek.login("sek1", DEMO_PASSWORD).await;
    sek.until("the data", |s| s.replica.loaded).await;
    let a = sek
        .state
        .replica
        .assignments
        .iter()
        .find(|a| !a.number.is_empty())
        .unwrap_or_else(|| panic!("the demo's secretary sees assignments"));
    let request = pb::ExportRequest {
        kind: pb::ExportKind::ControlCard as i32,
        id: a.meta.map_or(0, |m| m.id),
        format: pb::FileFormat::Pdf as i32,
        ..Default::default()
    };
    let named = sek
        .conn
        .reports()
        .export(infogroups_tui::net::connection::request(request.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_inner()
        .file_name;
    let number = a.number.replace('/', "-");
    assert!(named.contains(&number), "{named} names {}", a.number);
    let saved = match calls::run(
        &sek.conn,
        Call::Export {
            request,
            path: None,
        },
        &sek.downloads,
    )
    .await
    {
        Ok(Reply::Saved(path)) => path,
        other => panic!("not saved: {other:?}"),
    };
    assert_eq!(
        saved,
        sek.downloads
            .dir()
            .join(infogroups_tui::net::saving::safe_name(&named))
    );
    assert!(
        saved
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.contains(&number)),
        "{}",
        saved.display()
    );
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretary_attaches_a_scan_by_its_path_saves_it_twice_and_is_told_what_is_wrong() {
    let demo = DemoServer::start(None, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sek = Client::new(&demo.url());
    sek.login("sek1", DEMO_PASSWORD).await;
    sek.until("the snapshot", |s| s.replica.loaded).await;
    let me = sek.state.session.as_ref().map_or(0, |s| s.user_id);
    let r = &sek.state.replica;
    let meeting = r
        .meetings
        .iter()
        .find(|m| {
            r.groups
                .get(m.group_id)
                .is_some_and(|g| g.secretary_id == me)
        })
        .and_then(|m| m.meta)
        .map_or(0, |m| m.id);
    assert_ne!(meeting, 0, "a meeting of the secretary's group");
    let record = infogroups_tui::features::attachments::record(pb::RecordKind::Meeting, meeting);

    let here = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let scan = here.path().join("протокол 3.pdf");
    let bytes: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..3_000_000u32).map(|i| (i % 253) as u8))
        .collect();
    std::fs::write(&scan, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let attach = |path: std::path::PathBuf| Call::Attach { record, path };
    // The answer is the record's list as it is now, which its card shows.
    let files = match calls::run(&sek.conn, attach(scan.clone()), &sek.downloads).await {
        Ok(Reply::Attachments { files, .. }) => files,
        other => panic!("attach: {other:?}"),
    };
    assert_eq!(files.len(), 1);
    let listed = match calls::run(&sek.conn, Call::ListAttachments(record), &sek.downloads).await {
        Ok(Reply::Attachments { files, .. }) => files,
        other => panic!("list: {other:?}"),
    };
    assert_eq!(listed, files);
    sek.state
        .files
        .insert((record.kind, record.id), files.clone());
    let card = infogroups_tui::features::record_list::source::Source::Meetings
        .detail(meeting, &sek.state.ctx());
    let shown = format!("{card:?}");
    assert!(
        shown.contains("Файлы записи") && shown.contains("протокол 3.pdf · 2,9 МБ · "),
        "{shown}"
    );
    let kept = &files[0];
    assert_eq!(
        (kept.file_name.as_str(), kept.size, kept.media_type.as_str()),
        ("протокол 3.pdf", bytes.len() as u64, "application/pdf")
    );

    // Saved twice: the second save never replaces the first.
    let save = || Call::SaveAttachment {
        request: pb::DownloadAttachmentRequest {
            record: Some(record),
            attachment_id: kept.id,
        },
        file_name: kept.file_name.clone(),
        path: None,
    };
    let mut saved = Vec::new();
    for _ in 0..2 {
        match calls::run(&sek.conn, save(), &sek.downloads).await {
            Ok(Reply::Saved(path)) => saved.push(path),
            other => panic!("save: {other:?}"),
        }
    }
    assert_ne!(saved[0], saved[1]);
    for path in &saved {
        let back = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(back == bytes, "{} holds the file whole", path.display());
    }

    // A missing file and one over the limit are named under the path field.
    let missing = calls::run(
        &sek.conn,
        attach(here.path().join("нет.pdf")),
        &sek.downloads,
    )
    .await;
    let e = missing
        .err()
        .unwrap_or_else(|| panic!("a missing file is refused"));
    assert_eq!(e.field.as_ref().map(|f| f.field.as_str()), Some("path"));
    assert!(e.en.contains("нет.pdf"), "{}", e.en);
    let big = here.path().join("большой.pdf");
    std::fs::write(&big, vec![1u8; (25 << 20) + 1]).unwrap_or_else(|e| panic!("{e}"));
    let over = calls::run(&sek.conn, attach(big), &sek.downloads).await;
    let e = over
        .err()
        .unwrap_or_else(|| panic!("a file over the limit is refused"));
    assert_eq!(e.field.as_ref().map(|f| f.field.as_str()), Some("path"));
    assert!(e.en.contains("25 MB"), "{}", e.en);
    match calls::run(&sek.conn, Call::ListAttachments(record), &sek.downloads).await {
        Ok(Reply::Attachments { files, .. }) => assert_eq!(files.len(), 1, "nothing more kept"),
        other => panic!("list: {other:?}"),
    }
}
