//! Running Infogroups as a service (issue 21): the install script into a temporary root, `config
//! check`, completions and man pages, the Prometheus endpoint of a real `serve`, and scheduled
//! backups. The programs are the shipped ones, built again by this crate as `ig-server-cli` and
//! `ig-client-cli`.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use infogroups_server::{Clock, schedule};
use infogroups_shared::pb;
use infogroups_tests::server::{TEST_BACKUP_PASSPHRASE, test_backup_key};
use infogroups_tests::watch::events_until;
use infogroups_tests::{ADMIN_PASSWORD, STEP, TestServer, login, try_login};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

const SERVER: &str = env!("CARGO_BIN_EXE_ig-server-cli");
const CLIENT: &str = env!("CARGO_BIN_EXE_ig-client-cli");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs a program to its end (within [`STEP`]) with no `INFOGROUPS_*` settings of the caller's.
async fn run(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Output> {
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null()).kill_on_drop(true);
    for (k, _) in std::env::vars() {
        if k.starts_with("INFOGROUPS_") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    tokio::time::timeout(STEP, cmd.output())
        .await
        .with_context(|| format!("{} {args:?} did not finish", program.display()))?
        .with_context(|| format!("running {}", program.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_install_script_puts_everything_in_its_place() -> Result<()> {
    let root = tempfile::tempdir()?;
    let dest = root.path().to_str().context("a UTF-8 temporary path")?;
    let script = repo_root().join("deploy/install.sh");
    let env = [
        ("DESTDIR", dest),
        ("SERVER_BIN", SERVER),
        ("CLIENT_BIN", CLIENT),
    ];
    let out = run(
        Path::new("sh"),
        &[script.to_str().unwrap_or_default()],
        &env,
    )
    .await?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    for file in [
        "usr/bin/infogroups-server",
        "usr/bin/infogroups",
        "usr/share/man/man1/infogroups-server.1.gz",
        "usr/share/man/man1/infogroups-server-serve.1.gz",
        "usr/share/man/man1/infogroups-server-admin-create-user.1.gz",
        "usr/share/man/man1/infogroups.1.gz",
        "usr/share/bash-completion/completions/infogroups-server",
        "usr/share/bash-completion/completions/infogroups",
        "usr/share/zsh/vendor-completions/_infogroups-server",
        "usr/share/fish/vendor_completions.d/infogroups.fish",
        "usr/lib/systemd/system/infogroups-server.service",
        "usr/share/doc/infogroups/server.toml.example",
        "etc/infogroups/server.toml",
    ] {
        let path = root.path().join(file);
        let meta = std::fs::metadata(&path).with_context(|| format!("{file} installed"))?;
        assert!(meta.len() > 0, "{file} is empty");
    }
    let unit = std::fs::read_to_string(
        root.path()
            .join("usr/lib/systemd/system/infogroups-server.service"),
    )?;
    for line in [
        "Type=notify",
        "User=infogroups",
        "ProtectSystem=strict",
        "StateDirectory=infogroups",
        "UMask=0077",
    ] {
        assert!(unit.lines().any(|l| l == line), "the unit has {line}");
    }

    // The installed program runs, names its commit and accepts the example configuration.
    let installed = root.path().join("usr/bin/infogroups-server");
    let version = run(&installed, &["--version"], &[]).await?;
    assert!(text(&version.stdout).starts_with("infogroups-server 0."));
    assert!(
        text(&version.stdout).contains("(commit "),
        "{}",
        text(&version.stdout)
    );
    let config = root.path().join("etc/infogroups/server.toml");
    let check = run(
        &installed,
        &[
            "config",
            "check",
            "--config",
            config.to_str().unwrap_or_default(),
        ],
        &[("INFOGROUPS_BACKUP_PASSPHRASE", TEST_BACKUP_PASSPHRASE)],
    )
    .await?;
    let shown = text(&check.stdout);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(
        shown.contains("data = \"/var/lib/infogroups/store\""),
        "{shown}"
    );
    assert!(shown.contains("metrics = \"127.0.0.1:9464\""), "{shown}");
    assert!(shown.contains("backup_every = \"86400s\""), "{shown}");

    // Run again over an edited configuration: the administrator's file stays.
    std::fs::write(&config, "listen = \"127.0.0.1:50099\"\n")?;
    let again = run(
        Path::new("sh"),
        &[script.to_str().unwrap_or_default()],
        &env,
    )
    .await?;
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        std::fs::read_to_string(&config)?,
        "listen = \"127.0.0.1:50099\"\n"
    );
    Ok(())
}

#[tokio::test]
async fn config_check_prints_the_effective_settings_with_secrets_masked() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("server.toml");
    std::fs::write(
        &file,
        "reminder_days = 3\nbackup_keep = 4\nbackup_every = \"6h\"\nstore_cache_mb = 48\n",
    )?;
    let file = file.to_str().context("UTF-8")?;
    let data = dir.path().join("store");
    let data = data.to_str().context("UTF-8")?;
    let env = [
        ("INFOGROUPS_REMINDER_DAYS", "5"),
        ("INFOGROUPS_ADMIN_PASSWORD", "s3cret-first-pass"),
        ("INFOGROUPS_METRICS", "127.0.0.1:9999"),
        ("INFOGROUPS_BACKUP_PASSPHRASE", TEST_BACKUP_PASSPHRASE),
    ];
    let out = run(
        Path::new(SERVER),
        &["config", "check", "--config", file, "--data", data],
        &env,
    )
    .await?;
    let shown = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        shown.contains(&format!("# configuration file: {file} (valid)")),
        "{shown}"
    );
    for line in [
        "reminder_days = 5".to_string(),
        "backup_keep = 4".into(),
        "store_cache_mb = 48".into(),
        "store_rewrite_every = \"600s\"".into(),
        "backup_every = \"21600s\"".into(),
        "metrics = \"127.0.0.1:9999\"".into(),
        format!("data = \"{data}\""),
        format!("backup_dir = \"{data}-backups\""),
        "admin_password = ********".into(),
        "backup_passphrase = ********".into(),
        "tls_cert = (none)".into(),
    ] {
        assert!(shown.lines().any(|l| l == line), "{line} in\n{shown}");
    }
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(!shown.contains(TEST_BACKUP_PASSPHRASE), "{shown}");
    // Scheduled backups are encrypted like every backup: without a passphrase they are refused.
    let unkeyed = run(
        Path::new(SERVER),
        &["config", "check", "--config", file],
        &[],
    )
    .await?;
    assert!(!unkeyed.status.success());
    let why = text(&unkeyed.stderr);
    assert!(
        why.contains("backup_every needs a backup passphrase"),
        "{why}"
    );

    // Refusals name what is wrong.
    std::fs::write(dir.path().join("bad.toml"), "listne = \"0.0.0.0:1\"\n")?;
    let bad_file = dir.path().join("bad.toml");
    let bad = run(
        Path::new(SERVER),
        &[
            "config",
            "check",
            "--config",
            bad_file.to_str().unwrap_or_default(),
        ],
        &[],
    )
    .await?;
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("listne"),
        "{}",
        text(&bad.stderr)
    );
    let env = [
        ("INFOGROUPS_BACKUP_EVERY", "weekly"),
        ("INFOGROUPS_BACKUP_PASSPHRASE", TEST_BACKUP_PASSPHRASE),
    ];
    let bad = run(
        Path::new(SERVER),
        &["config", "check", "--config", file],
        &env,
    )
    .await?;
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("backup_every"),
        "{}",
        text(&bad.stderr)
    );
    let env = [("INFOGROUPS_MAX_REQUEST_BYTES", "lots")];
    let bad = run(
        Path::new(SERVER),
        &["config", "check", "--config", file],
        &env,
    )
    .await?;
    assert!(
        text(&bad.stderr).contains("INFOGROUPS_MAX_REQUEST_BYTES"),
        "{}",
        text(&bad.stderr)
    );
    Ok(())
}

#[tokio::test]
async fn both_programs_generate_completions_and_man_pages() -> Result<()> {
    for (program, name, option) in [
        (SERVER, "infogroups-server", "--data"),
        (CLIENT, "infogroups", "--server"),
    ] {
        for shell in ["bash", "zsh", "fish"] {
            let out = run(Path::new(program), &["generate", "completions", shell], &[]).await?;
            let script = text(&out.stdout);
            assert!(
                out.status.success()
                    && script.contains(name)
                    && script.contains(option.trim_start_matches('-')),
                "{name} {shell}: {script}"
            );
        }
        let man = run(Path::new(program), &["generate", "man"], &[]).await?;
        let page = text(&man.stdout);
        assert!(page.contains(&format!(".TH {name} 1")), "{page}");
        assert!(
            page.contains("commit "),
            "the page names the version: {page}"
        );
    }
    Ok(())
}

/// The value of `"addr":"…"` in a JSON log line whose message is `message`.
fn logged_addr(line: &str, message: &str) -> Option<String> {
    if !line.contains(&format!("\"message\":\"{message}\"")) {
        return None;
    }
    let start = line.find("\"addr\":\"")? + "\"addr\":\"".len();
    let len = line[start..].find('"')?;
    Some(line[start..start + len].to_string())
}

async fn scrape(addr: &str) -> Result<String> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut answer = String::new();
    tokio::time::timeout(STEP, s.read_to_string(&mut answer)).await??;
    if !answer.starts_with("HTTP/1.1 200") {
        bail!("the scrape was refused: {answer}");
    }
    Ok(answer)
}

#[tokio::test]
async fn the_metrics_endpoint_answers_with_the_named_series_after_a_few_rpcs() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("store");
    let mut child = Command::new(SERVER)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--metrics",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data",
        ])
        .arg(&data)
        .env("INFOGROUPS_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("INFOGROUPS_BACKUP_PASSPHRASE", TEST_BACKUP_PASSPHRASE)
        .env("INFOGROUPS_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut lines = BufReader::new(child.stderr.take().context("stderr")?).lines();
    let (mut api, mut metrics) = (None, None);
    while api.is_none() || metrics.is_none() {
        let line = tokio::time::timeout(STEP, lines.next_line())
            .await
            .context("the server did not say where it listens")??
            .context("the server ended before serving")?;
        assert!(
            !line.contains("\u{1b}["),
            "no colour codes in a pipe: {line}"
        );
        api = api.or_else(|| logged_addr(&line, "serving"));
        metrics = metrics.or_else(|| logged_addr(&line, "metrics at /metrics"));
    }
    let (api, metrics) = (api.context("api")?.parse()?, metrics.context("metrics")?);

    let admin = login(api, "admin", ADMIN_PASSWORD).await?;
    let refused = try_login(api, "admin", "not-the-password").await?;
    assert!(refused.is_err());
    admin
        .users()
        .list_users(pb::ListUsersRequest::default())
        .await?;
    let backup = admin
        .maintenance()
        .backup(pb::BackupRequest {
            name: "before-upgrade.igbak".into(),
        })
        .await?;
    assert!(backup.into_inner().entries > 0);
    let watch = admin.watch(0).await?;

    let page = scrape(&metrics).await?;
    for series in [
        "infogroups_requests_total{rpc=\"/infogroups.v1.AuthService/Login\",code=\"Ok\"} 1",
        "infogroups_requests_total{rpc=\"/infogroups.v1.AuthService/Login\",code=\"Unauthenticated\"} 1",
        "infogroups_requests_total{rpc=\"/infogroups.v1.UserService/ListUsers\",code=\"Ok\"} 1",
        "infogroups_request_duration_seconds_bucket{rpc=\"/infogroups.v1.AuthService/Login\",le=\"",
        "infogroups_commit_batch_writers_bucket{le=\"1\"}",
        "infogroups_commit_flush_seconds_count",
        "infogroups_watchers_connected 1",
        "infogroups_store_bytes ",
        "infogroups_assignments_overdue 0",
        "infogroups_appeals_overdue 0",
        "infogroups_protocols_handover_overdue 0",
        "infogroups_backup_last_success_timestamp_seconds ",
        "infogroups_backup_failures_total 0",
    ] {
        assert!(page.contains(series), "{series} in\n{page}");
    }
    drop(watch);
    child.start_kill()?;
    let _ = tokio::time::timeout(STEP, child.wait()).await?;
    Ok(())
}

#[tokio::test]
async fn scheduled_backups_rotate_and_leave_named_ones() -> Result<()> {
    let start_ms = 1_780_000_000_000;
    let server = TestServer::start(|c| c.clock = Clock::manual(start_ms)).await?;
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("before-upgrade.igbak"),
        b"an administrator's",
    )?;
    let mut written = Vec::new();
    for i in 0..4 {
        server.clock().set_ms(start_ms + i * 60_000);
        written.push(
            schedule::once(server.db(), dir.path(), 2, &test_backup_key())
                .await
                .map_err(anyhow::Error::msg)?,
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let newest: Vec<String> = written[2..]
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(String::from))
        .collect();
    assert_eq!(
        names,
        [vec!["before-upgrade.igbak".to_string()], newest].concat()
    );
    // What is kept is a whole backup, read back by the restore path.
    let entries = infogroups_server::backup::read_backup(&written[3], &test_backup_key())?;
    assert!(!entries.is_empty());
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_failed_scheduled_backup_reaches_the_administrators() -> Result<()> {
    let blocker = tempfile::NamedTempFile::new()?;
    let not_a_dir = blocker.path().join("backups");
    let server = TestServer::start(|c| {
        c.backup_every = Some(Duration::from_millis(20));
        // Under a regular file: the directory can never be created.
        c.backup_dir = not_a_dir.clone();
    })
    .await?;
    let admin = server.admin().await?;
    let mut stream = admin.watch(0).await?;
    let evs = events_until(&mut stream, STEP, |ev| {
        matches!(&ev.entity, Some(pb::event::Entity::Notification(n))
            if n.kind == pb::NotificationKind::BackupFailed as i32)
    })
    .await?;
    let n = evs
        .iter()
        .find_map(|ev| match &ev.entity {
            Some(pb::event::Entity::Notification(n)) => Some(n.clone()),
            _ => None,
        })
        .context("a notification")?;
    assert_eq!(n.user_id, admin.user_id);
    assert!(n.text_en.contains("could not be written"), "{}", n.text_en);
    assert!(n.text_ru.contains("не записана"), "{}", n.text_ru);
    drop(stream);
    server.stop().await?;
    Ok(())
}

/// A channel that trusts only `ca_pem`, to `localhost:port`.
async fn tls_channel(port: u16, ca_pem: &str) -> Result<tonic::transport::Channel> {
    let tls = tonic::transport::ClientTlsConfig::new()
        .ca_certificate(tonic::transport::Certificate::from_pem(ca_pem))
        .domain_name("localhost");
    Ok(
        tonic::transport::Endpoint::from_shared(format!("https://localhost:{port}"))?
            .tls_config(tls)?
            .connect_timeout(STEP)
            .connect()
            .await?,
    )
}

async fn health(channel: tonic::transport::Channel) -> Result<()> {
    tonic_health::pb::health_client::HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await?;
    Ok(())
}

#[tokio::test]
async fn sighup_replaces_the_tls_certificate_without_a_restart() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (first, tls_args) = write_certificate(dir.path(), "localhost")?;
    let mut child = spawn_serve(dir.path(), &tls_args, &[])?;
    let mut lines = BufReader::new(child.stderr.take().context("stderr")?).lines();
    let mut next_line = async || -> Result<String> {
        tokio::time::timeout(STEP, lines.next_line())
            .await
            .context("the server fell silent")??
            .context("the server ended")
    };
    let addr: std::net::SocketAddr = loop {
        if let Some(a) = logged_addr(&next_line().await?, "serving") {
            break a.parse()?;
        }
    };
    health(tls_channel(addr.port(), &first.cert.pem()).await?).await?;

    let (second, _) = write_certificate(dir.path(), "localhost")?;
    let pid = child.id().context("the child's pid")?;
    let sent = Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .await?;
    assert!(sent.success());
    while !next_line().await?.contains("reloaded the TLS certificate") {}

    health(tls_channel(addr.port(), &second.cert.pem()).await?).await?;
    let old = match tls_channel(addr.port(), &first.cert.pem()).await {
        Ok(channel) => health(channel).await,
        Err(e) => Err(e),
    };
    assert!(
        old.is_err(),
        "the replaced certificate is no longer presented"
    );
    child.start_kill()?;
    let _ = tokio::time::timeout(STEP, child.wait()).await?;
    Ok(())
}

/// A fresh self-signed certificate for `name`, written into `dir` as `server.pem` and
/// `server.key` (replacing one written before), and the `serve` arguments that use it.
fn write_certificate(
    dir: &Path,
    name: &str,
) -> Result<(rcgen::CertifiedKey<rcgen::KeyPair>, Vec<std::ffi::OsString>)> {
    let (cert_path, key_path) = (dir.join("server.pem"), dir.join("server.key"));
    let cert = rcgen::generate_simple_self_signed(vec![name.to_string()])?;
    std::fs::write(&cert_path, cert.cert.pem())?;
    std::fs::write(&key_path, cert.signing_key.serialize_pem())?;
    let args = vec![
        "--tls-cert".into(),
        cert_path.into_os_string(),
        "--tls-key".into(),
        key_path.into_os_string(),
    ];
    Ok((cert, args))
}

/// Starts the shipped `serve` on a free loopback port with its store in `dir`, JSON logs on a
/// piped stderr, `extra` arguments and `env` variables.
fn spawn_serve(
    dir: &Path,
    extra: &[std::ffi::OsString],
    env: &[(&str, &Path)],
) -> Result<tokio::process::Child> {
    Ok(Command::new(SERVER)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data",
        ])
        .arg(dir.join("store"))
        .args(extra)
        .envs(env.iter().copied())
        .env("INFOGROUPS_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("INFOGROUPS_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?)
}

/// Starts `serve` with a `NOTIFY_SOCKET` of our own and returns the first datagram systemd would
/// get; `extra` adds arguments (TLS).
async fn readiness_of(dir: &Path, extra: &[std::ffi::OsString]) -> Result<String> {
    let socket_path = dir.join("notify.sock");
    let socket = tokio::net::UnixDatagram::bind(&socket_path)?;
    let mut child = spawn_serve(dir, extra, &[("NOTIFY_SOCKET", &socket_path)])?;
    let mut lines = BufReader::new(child.stderr.take().context("stderr")?).lines();
    let mut buf = [0u8; 256];
    let n = tokio::time::timeout(STEP, socket.recv(&mut buf))
        .await
        .context("no readiness notification")??;
    let message = String::from_utf8_lossy(&buf[..n]).into_owned();
    let mut answered_before_ready = false;
    while let Ok(Ok(Some(line))) = tokio::time::timeout(STEP, lines.next_line()).await {
        if line.contains("answered its own health check; ready") {
            answered_before_ready = true;
            break;
        }
    }
    assert!(
        answered_before_ready,
        "the notification follows the server's own answered health check"
    );
    child.start_kill()?;
    let _ = tokio::time::timeout(STEP, child.wait()).await?;
    Ok(message)
}

#[tokio::test]
async fn systemd_hears_ready_only_after_the_server_answered_its_own_health_check() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let message = readiness_of(dir.path(), &[]).await?;
    assert_eq!(message.trim(), "READY=1");
    Ok(())
}

#[tokio::test]
async fn readiness_over_tls_is_probed_through_the_certificate_in_force() -> Result<()> {
    let dir = tempfile::tempdir()?;
    // A name the probe cannot know: it pins the certificate instead of checking a host name.
    let (_, tls_args) = write_certificate(dir.path(), "infogroups.example")?;
    let message = readiness_of(dir.path(), &tls_args).await?;
    assert_eq!(message.trim(), "READY=1");
    Ok(())
}
