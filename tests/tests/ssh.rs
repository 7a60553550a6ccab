//! The terminal client over SSH, driven by a real SSH client: a password login draws the work
//! screen, the terminal resizes, `q` closes the session; a member's screen lacks what only an
//! administrator sees; a session of an account archived meanwhile closes at once; a wrong
//! password is refused and, past the free attempts, so is the right one, as on the API. A key a
//! person added to their own account signs them in; any other key is refused. A role taken
//! away closes the account's SSH session at once. A form left by a dropped connection is offered
//! at the next login; a download link asked for over SSH opens in the person's own browser.

use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;
use infogroups_tests::fixtures::version_of;
use infogroups_tests::links::{fetch_plain, meeting_with_protocol};
use infogroups_tests::ssh::{
    Refused, SshFront, SshTerminal, exec_refused, host_key_file, new_key, public_line,
};
use infogroups_tests::{ADMIN_PASSWORD, City, STEP, TEST_PASSWORD, TestServer};

/// What only an administrator's tab bar shows: the users' tab.
const ADMIN_ONLY: &str = "Польз.";
/// The status line's link indicator, once the session's snapshot is in.
const ONLINE: &str = "подключено";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ssh_login_is_the_work_screen_and_every_permission_is_the_accounts() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");

    let mut admin = SshTerminal::open(&front, "admin", ADMIN_PASSWORD, (100, 30))
        .await
        .expect("connected")
        .expect("signed in");
    admin.wait_for(ONLINE, STEP).await.expect("work screen");
    assert!(admin.text().contains(ADMIN_ONLY), "{}", admin.text());
    assert!(admin.text().contains("Администратор"), "{}", admin.text());

    // The window shrinks: the frame is drawn again at the new size, the status on its last row.
    admin.resize(70, 20).await.expect("resized");
    let until = std::time::Instant::now() + STEP;
    while !admin.last_row().contains(ONLINE) {
        assert!(
            std::time::Instant::now() < until,
            "not redrawn:\n{}",
            admin.text()
        );
        admin.read_some(STEP).await.expect("read");
    }

    let mut member = SshTerminal::open(&front, "member_a", TEST_PASSWORD, (100, 30))
        .await
        .expect("connected")
        .expect("signed in");
    member.wait_for(ONLINE, STEP).await.expect("work screen");
    assert!(!member.text().contains(ADMIN_ONLY), "{}", member.text());

    // The administrator archives the account: its SSH session closes at once.
    let user: pb::User = server
        .db()
        .get(city.member_a.user_id)
        .expect("read")
        .expect("exists");
    city.admin
        .users()
        .archive_user(pb::ArchiveUserRequest {
            user_id: city.member_a.user_id,
            expected_version: version_of(user.meta),
        })
        .await
        .expect("archived");
    member.wait_closed(STEP).await.expect("closed on archiving");

    // `q` quits: the channel closes.
    admin.send(b"q").await.expect("typed");
    admin.wait_closed(STEP).await.expect("closed on quit");
    admin.disconnect().await.expect("disconnected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_closes_the_session_and_commands_are_refused() {
    let server = TestServer::start_default().await.expect("server");
    let _city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let refused = exec_refused(&front, "executor", TEST_PASSWORD, "cat /etc/passwd")
        .await
        .expect("asked");
    assert!(refused, "a command must not run");
    let mut term = SshTerminal::open(&front, "executor", TEST_PASSWORD, (80, 24))
        .await
        .expect("connected")
        .expect("signed in");
    term.wait_for(ONLINE, STEP).await.expect("work screen");
    // F10 signs out: no login screen is offered to whoever sits down next; the session closes.
    term.send(b"\x1b[21~").await.expect("typed");
    term.wait_closed(STEP).await.expect("closed on signing out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_ends_its_client_and_its_token() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let id = city.executor2.user_id;
    // The fixture's own API login is one session; the SSH login adds another.
    let before = infogroups_server::auth::sessions_of(server.db(), id, None)
        .expect("sessions")
        .len();
    let mut term = SshTerminal::open(&front, "executor2", TEST_PASSWORD, (80, 24))
        .await
        .expect("connected")
        .expect("signed in");
    term.wait_for(ONLINE, STEP).await.expect("work screen");
    let open = infogroups_server::auth::sessions_of(server.db(), id, None)
        .expect("sessions")
        .len();
    assert_eq!(open, before + 1);
    term.disconnect().await.expect("dropped");
    // The client notices the end of its input and revokes its token; waited for, bounded.
    let until = std::time::Instant::now() + STEP;
    loop {
        let now = infogroups_server::auth::sessions_of(server.db(), id, None)
            .expect("sessions")
            .len();
        if now == before {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "the SSH session's token outlived it"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_and_throttled_like_the_api_login() {
    let server = TestServer::start_default().await.expect("server");
    let _city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let free = server.config().login_free_attempts;
    for _ in 0..free {
        let refused = SshTerminal::open(&front, "secretary_a", "не тот пароль", (80, 24))
            .await
            .expect("connected");
        assert_eq!(refused.err(), Some(Refused::Password));
    }
    // Locked now: even the right password is refused for a while.
    let locked = SshTerminal::open(&front, "secretary_a", TEST_PASSWORD, (80, 24))
        .await
        .expect("connected");
    assert_eq!(locked.err(), Some(Refused::Password));
    // Another person from the same address is not locked out.
    let other = SshTerminal::open(&front, "secretary_b", TEST_PASSWORD, (80, 24))
        .await
        .expect("connected");
    assert!(other.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_added_to_ones_own_account_signs_in_and_no_other_key_does() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let mine = new_key("member_a@laptop").expect("key");
    let added = city
        .member_a
        .auth()
        .add_ssh_key(pb::AddSshKeyRequest {
            public_key: public_line(&mine).expect("public line"),
        })
        .await
        .expect("added")
        .into_inner();
    assert!(added.fingerprint.starts_with("SHA256:"), "{added:?}");
    assert_eq!(added.comment, "member_a@laptop");

    // A line that is no public key is refused, naming the field, in both languages.
    let bad = city
        .member_a
        .auth()
        .add_ssh_key(pb::AddSshKeyRequest {
            public_key: "ssh-ed25519 это-не-ключ".into(),
        })
        .await
        .expect_err("refused");
    let field = FieldError::from_status(&bad).expect("a field error");
    assert_eq!(field.field, "public_key");
    assert!(!field.ru.is_empty() && !field.en.is_empty());

    // The person and the administrator see the key; another member does not.
    let listed = |user_id| pb::ListSshKeysRequest { user_id };
    let own = city
        .member_a
        .auth()
        .list_ssh_keys(listed(0))
        .await
        .expect("own keys");
    assert_eq!(own.into_inner().keys, vec![added.clone()]);
    let by_admin = city
        .admin
        .auth()
        .list_ssh_keys(listed(city.member_a.user_id))
        .await
        .expect("the administrator lists");
    assert_eq!(by_admin.into_inner().keys.len(), 1);
    let nosy = city
        .member_b
        .auth()
        .list_ssh_keys(listed(city.member_a.user_id))
        .await
        .expect_err("another member may not list");
    assert_eq!(nosy.code(), tonic::Code::PermissionDenied);

    // The key signs its account in: the member's own screen, audited as a login.
    let logins = |records: &[pb::AuditRecord]| {
        records
            .iter()
            .filter(|r| r.action == "login" && r.entity_id == city.member_a.user_id)
            .count()
    };
    let audit = || async {
        city.admin
            .audit()
            .list_audit(pb::ListAuditRequest::default())
            .await
            .expect("audit")
            .into_inner()
            .records
    };
    let before = logins(&audit().await);
    let mut term = SshTerminal::open_with_key(&front, "member_a", &mine, (100, 30))
        .await
        .expect("connected")
        .expect("signed in by key");
    term.wait_for(ONLINE, STEP).await.expect("work screen");
    assert!(!term.text().contains(ADMIN_ONLY), "{}", term.text());
    assert_eq!(
        logins(&audit().await),
        before + 1,
        "the key login is audited"
    );
    term.send(b"q").await.expect("typed");
    term.wait_closed(STEP).await.expect("closed on quit");

    // A key nobody added is refused; so is another account's key.
    let stranger = new_key("stranger").expect("key");
    let refused = SshTerminal::open_with_key(&front, "member_a", &stranger, (80, 24))
        .await
        .expect("connected");
    assert_eq!(refused.err(), Some(Refused::Key));
    let theirs = new_key("member_b@desk").expect("key");
    city.member_b
        .auth()
        .add_ssh_key(pb::AddSshKeyRequest {
            public_key: public_line(&theirs).expect("public line"),
        })
        .await
        .expect("added");
    let refused = SshTerminal::open_with_key(&front, "member_a", &theirs, (80, 24))
        .await
        .expect("connected");
    assert_eq!(refused.err(), Some(Refused::Key));

    // The administrator removes the key: it no longer opens the account.
    city.admin
        .auth()
        .remove_ssh_key(pb::RemoveSshKeyRequest {
            user_id: city.member_a.user_id,
            fingerprint: added.fingerprint.clone(),
        })
        .await
        .expect("removed");
    let refused = SshTerminal::open_with_key(&front, "member_a", &mine, (80, 24))
        .await
        .expect("connected");
    assert_eq!(refused.err(), Some(Refused::Key));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_taken_away_closes_the_accounts_ssh_session() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let id = city.secretary_a.user_id;
    let mut term = SshTerminal::open(&front, "secretary_a", TEST_PASSWORD, (100, 30))
        .await
        .expect("connected")
        .expect("signed in");
    term.wait_for(ONLINE, STEP).await.expect("work screen");
    let user: pb::User = server.db().get(id).expect("read").expect("exists");
    let grant = user
        .roles
        .first()
        .cloned()
        .expect("a secretary holds a role");
    city.admin
        .users()
        .revoke_role(pb::RevokeRoleRequest {
            user_id: id,
            expected_version: version_of(user.meta),
            grant: Some(grant),
        })
        .await
        .expect("revoked");
    term.wait_closed(STEP)
        .await
        .expect("closed on the role change");
    // The account's other sessions go on: only the SSH terminal, drawn for the old roles, ends.
    city.secretary_a
        .auth()
        .who_am_i(pb::WhoAmIRequest {})
        .await
        .expect("the API session is still live");
}

/// The OpenSSH client, where the `ssh` program exists: the password from an askpass program, a
/// PTY forced with `-tt`, the host key pinned in a known-hosts file of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openssh_client_signs_in_draws_the_work_screen_and_quits() {
    use std::os::unix::fs::PermissionsExt;

    if !openssh_exists() {
        return;
    }
    let server = TestServer::start_default().await.expect("server");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let dir = tempfile::tempdir().expect("temp dir");
    let askpass = dir.path().join("askpass");
    std::fs::write(&askpass, "#!/bin/sh\nprintf '%s\\n' \"$IG_PASSWORD\"\n").expect("askpass");
    std::fs::set_permissions(&askpass, std::fs::Permissions::from_mode(0o700)).expect("mode");
    let mut ssh = openssh(&server, &front, dir.path());
    ssh.args([
        "-o",
        "PreferredAuthentications=password",
        "-o",
        "NumberOfPasswordPrompts=1",
        "admin@127.0.0.1",
    ])
    .env("SSH_ASKPASS", &askpass)
    .env("SSH_ASKPASS_REQUIRE", "force")
    .env("IG_PASSWORD", ADMIN_PASSWORD);
    openssh_work_screen_then_quit(ssh).await;
}

/// `ssh -i` with a key the account holds signs in without a password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openssh_client_signs_in_by_key() {
    use std::os::unix::fs::PermissionsExt;

    if !openssh_exists() {
        return;
    }
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let key = new_key("admin@desk").expect("key");
    city.admin
        .auth()
        .add_ssh_key(pb::AddSshKeyRequest {
            public_key: public_line(&key).expect("public line"),
        })
        .await
        .expect("added");
    let dir = tempfile::tempdir().expect("temp dir");
    let identity = dir.path().join("id_ed25519");
    key.write_openssh_file(&identity, russh::keys::ssh_key::LineEnding::LF)
        .expect("key file");
    std::fs::set_permissions(&identity, std::fs::Permissions::from_mode(0o600)).expect("mode");
    let mut ssh = openssh(&server, &front, dir.path());
    ssh.arg("-i").arg(&identity).args([
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "IdentityAgent=none",
        "-o",
        "PreferredAuthentications=publickey",
        "-o",
        "BatchMode=yes",
        "admin@127.0.0.1",
    ]);
    openssh_work_screen_then_quit(ssh).await;
}

fn openssh_exists() -> bool {
    let there = std::process::Command::new("ssh").arg("-V").output().is_ok();
    if !there {
        eprintln!("no `ssh` program here; the russh client tests cover the protocol");
    }
    there
}

/// `ssh` to `front` with a PTY forced and the host key pinned in a known-hosts file in `dir`;
/// the caller adds how to sign in and the destination.
fn openssh(
    server: &TestServer,
    front: &SshFront,
    dir: &std::path::Path,
) -> tokio::process::Command {
    let key = infogroups_ssh::host_key::load_or_create(&host_key_file(server)).expect("host key");
    let public = key.public_key().to_openssh().expect("public key");
    let known = dir.join("known_hosts");
    std::fs::write(
        &known,
        format!("[127.0.0.1]:{} {public}\n", front.addr.port()),
    )
    .expect("known hosts");
    let mut ssh = tokio::process::Command::new("ssh");
    ssh.args(["-F", "/dev/null", "-tt", "-p"])
        .arg(front.addr.port().to_string())
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", known.display()))
        .args(["-o", "StrictHostKeyChecking=yes"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    ssh
}

/// Runs `ssh`, waits for the administrator's work screen, types `q` and expects a clean end.
async fn openssh_work_screen_then_quit(mut ssh: tokio::process::Command) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut child = ssh.spawn().expect("ssh started");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let (rows, cols) = (
        std::num::NonZeroU16::new(24).expect("rows"),
        std::num::NonZeroU16::new(80).expect("cols"),
    );
    let mut screen = vt100::Parser::new(rows, cols, 0);
    let until = std::time::Instant::now() + STEP;
    let mut buf = vec![0u8; 64 * 1024];
    while !screen.screen().contents().contains(ONLINE) {
        let left = until.saturating_duration_since(std::time::Instant::now());
        let n = tokio::time::timeout(left, stdout.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no work screen:\n{}", screen.screen().contents()))
            .expect("read");
        assert!(n > 0, "ssh ended:\n{}", screen.screen().contents());
        screen.process(&buf[..n]);
    }
    assert!(screen.screen().contents().contains(ADMIN_ONLY));
    stdin.write_all(b"q").await.expect("typed");
    stdin.flush().await.expect("sent");
    let status = tokio::time::timeout(STEP, child.wait())
        .await
        .expect("ssh ended after q")
        .expect("status");
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_left_by_a_dropped_connection_is_offered_at_the_next_ssh_login() {
    let server = TestServer::start_default().await.expect("server");
    let _city = City::build(&server).await.expect("city");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let mut term = SshTerminal::open(&front, "admin", ADMIN_PASSWORD, (100, 30))
        .await
        .expect("connected")
        .expect("signed in");
    term.wait_for(ONLINE, STEP).await.expect("work screen");
    // The territories' tab, a new entry, a name typed — and the connection drops mid-form.
    term.send(b"3").await.expect("typed");
    term.send(b"N").await.expect("typed");
    term.wait_for("Новая", STEP).await.expect("the form");
    // The first change is kept at once; the next, within the second, only when the terminal goes.
    term.send("Посёлок".as_bytes()).await.expect("typed");
    term.wait_for("Посёлок", STEP).await.expect("echoed");
    term.send(" Западный".as_bytes()).await.expect("typed");
    term.wait_for("Посёлок Западный", STEP)
        .await
        .expect("echoed");
    term.disconnect().await.expect("dropped");

    let mut again = SshTerminal::open(&front, "admin", ADMIN_PASSWORD, (100, 30))
        .await
        .expect("connected")
        .expect("signed in");
    again
        .wait_for("Есть несохранённый черновик", STEP)
        .await
        .expect("the draft is offered");
    again.send(b"y").await.expect("typed");
    again
        .wait_for("Посёлок Западный", STEP)
        .await
        .expect("the form comes back with what was typed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_link_asked_for_over_ssh_opens_on_the_persons_own_computer() {
    let server = TestServer::start(|c| {
        c.downloads = Some("127.0.0.1:0".parse().expect("an address"));
    })
    .await
    .expect("server");
    let city = City::build(&server).await.expect("city");
    meeting_with_protocol(&server, city.a())
        .await
        .expect("a meeting with a protocol");
    let front = SshFront::start(&server).await.expect("ssh front end");
    let mut term = SshTerminal::open(&front, "secretary_a", TEST_PASSWORD, (120, 30))
        .await
        .expect("connected")
        .expect("signed in");
    term.wait_for(ONLINE, STEP).await.expect("work screen");
    // The meetings' tab, the meeting of 02.12.2026, `w`; the last choice of the form is the link.
    term.send(b"2").await.expect("typed");
    term.wait_for("02.12.2026", STEP)
        .await
        .expect("the meeting");
    term.send(b"/02.12.2026\r").await.expect("typed");
    term.send(b"w").await.expect("typed");
    term.wait_for("Формат", STEP)
        .await
        .expect("the export form");
    term.send(b"\t\t\t\x1b[C\r").await.expect("typed");
    term.wait_for("/d/", STEP).await.expect("the link is shown");
    let text = term.text();
    let url = text
        .split_whitespace()
        .find(|w| w.starts_with("http://") && w.contains("/d/"))
        .expect("a link on the screen")
        .to_string();
    let fetched = fetch_plain(&url).await.expect("fetched");
    assert_eq!(fetched.status, 200, "{}", fetched.head);
    assert!(fetched.body.starts_with(b"%PDF"), "a PDF comes back");
}
