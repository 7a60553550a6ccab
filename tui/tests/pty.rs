//! The real `infogroups` program in real pseudo-terminals, read back through a terminal emulator
//! (`vt100`), against a real server process on 127.0.0.1: people type, screens change, the server
//! is killed and started again, and the clients carry on by themselves.
//!
//! This program has its own small harness (`harness = false`) because it is also the server: run
//! as `pty --serve DIR ADDR [--seed [EXTRA]]` it serves the store in DIR on ADDR with the server library's
//! own `Server::open` + `serve` (what `infogroups-server serve` runs), so a test can SIGKILL it
//! and start it again on the same data and port. Nothing here sleeps to let things settle: every
//! wait is for something on a screen, with a generous deadline, and ends as soon as it is there.
//! `IG_PTY_DUMP=1` prints the screens as the flow goes.
//!
//! One entry is a measurement, not a test: `cargo test --release -p infogroups-tui --test pty --
//! --ignored` prints the client's first frame after login, memory and key-press figures with
//! large replicas.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use infogroups_server::{Config, Server};
use infogroups_shared::city_time;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, AssignmentStatus as S};
use nix::sys::termios::LocalFlags;
use portable_pty::{CommandBuilder, MasterPty, PtySize};
use tokio_util::sync::CancellationToken;

use infogroups_tui::msg::error::RpcError;
use infogroups_tui::net::connection::{Connection, request};
use infogroups_tui::strings;
use infogroups_tui::strings::Text;
use infogroups_tui::strings::work::W;

/// How long one wait may take before the test fails: a loaded 2-core machine building other
/// crates at the same time can be slow, and a wait ends as soon as its condition holds anyway.
const DEADLINE: Duration = Duration::from_secs(20);
/// The first argument that makes this program the server.
const SERVE: &str = "--serve";
/// The demo city's password of every account but `admin`.
const PASSWORD: &str = infogroups_server::demo::DEMO_PASSWORD;
/// The secretary of group 1 in the demo city: the controller of that group's assignments.
const SECRETARY: &str = "sek1";

type Test = fn() -> Result<()>;

/// The tests, run one after another: each starts its own server and clients, and two at once
/// would only compete for the same two cores. The last, a measurement, runs only when asked
/// (`--ignored`) and belongs in a release build.
const TESTS: &[(&str, Test, Ignored)] = &[
    (
        "report_is_seen_live_and_survives_a_server_restart",
        report_is_seen_live_and_survives_a_server_restart,
        Ignored::No,
    ),
    (
        "wrong_password_help_and_clean_quit_at_80x24",
        wrong_password_help_and_clean_quit_at_80x24,
        Ignored::No,
    ),
    (
        "figures_with_large_replicas",
        figures_with_large_replicas,
        Ignored::Yes,
    ),
];

/// Whether a test runs only with `--ignored` (or `--include-ignored`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ignored {
    No,
    Yes,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(SERVE) {
        return match serve(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("pty server: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    run_tests(&args)
}

// ---------------------------------------------------------------------------------------------
// The harness: libtest's command line as far as `cargo test` uses it, and its report lines.

fn run_tests(args: &[String]) -> ExitCode {
    let mut filters = Vec::new();
    let mut skips = Vec::new();
    let (mut exact, mut list, mut ignored, mut include_ignored) = (false, false, false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--list" => list = true,
            "--exact" => exact = true,
            "--ignored" => ignored = true,
            "--include-ignored" => include_ignored = true,
            "--skip" => skips.extend(it.next().cloned()),
            // Options with a value that mean nothing here.
            "--test-threads" | "--format" | "--color" | "--logfile" | "-Z" => {
                it.next();
            }
            other if other.starts_with('-') => {}
            other => filters.push(other.to_string()),
        }
    }
    let matches = |name: &str, pattern: &str| {
        if exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    let chosen: Vec<&(&str, Test, Ignored)> = TESTS
        .iter()
        .filter(|(name, ..)| filters.is_empty() || filters.iter().any(|f| matches(name, f)))
        .filter(|(name, ..)| !skips.iter().any(|s| matches(name, s)))
        .filter(|(.., ig)| !ignored || *ig == Ignored::Yes)
        .collect();
    if list {
        for (name, ..) in &chosen {
            println!("{name}: test");
        }
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let plural = if chosen.len() == 1 { "" } else { "s" };
    println!("\nrunning {} test{plural}", chosen.len());
    let (mut passed, mut skipped) = (0, 0);
    let mut failed = Vec::new();
    for (name, test, ig) in &chosen {
        if *ig == Ignored::Yes && !ignored && !include_ignored {
            println!("test {name} ... ignored");
            skipped += 1;
            continue;
        }
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(test)
            .unwrap_or_else(|panic| Err(anyhow!("panicked: {}", panic_text(&panic))));
        match outcome {
            Ok(()) => {
                println!("test {name} ... ok ({:.1} s)", t.elapsed().as_secs_f64());
                passed += 1;
            }
            Err(e) => {
                println!("test {name} ... FAILED");
                failed.push((name, e));
            }
        }
    }
    for (name, e) in &failed {
        println!("\n---- {name} ----\n{e:#}");
    }
    println!(
        "\ntest result: {}. {passed} passed; {} failed; {skipped} ignored; 0 measured; {} \
         filtered out; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len(),
        TESTS.len() - chosen.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

// ---------------------------------------------------------------------------------------------
// The server child process.

/// `--serve DIR ADDR [--seed [EXTRA]]`: bind ADDR, open the store in DIR (filling it with the
/// demo city when `--seed`, and EXTRA more assignments of group 1), print the bound address as
/// the first line, serve until killed.
fn serve(args: &[String]) -> Result<()> {
    let [dir, addr, rest @ ..] = args else {
        bail!("usage: pty --serve DIR ADDR [--seed [EXTRA]]");
    };
    let seed = rest.first().is_some_and(|a| a == "--seed");
    let extra: usize = match rest.get(1) {
        Some(n) => n.parse().context("the number of extra assignments")?,
        None => 0,
    };
    let addr: SocketAddr = addr.parse().context("the address")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let mut config = Config::new(dir);
        config.admin_password = Some(infogroups_tui::demo::ADMIN_PASSWORD.into());
        let server = Server::open(config).await?;
        if seed {
            infogroups_server::demo::seed(server.db()).await?;
            add_assignments(server.db(), extra).await?;
        }
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", listener.local_addr()?)?;
        out.flush()?;
        drop(out);
        // Never cancelled: the test ends this process with SIGKILL.
        server.serve(listener, CancellationToken::new()).await?;
        Ok(())
    })
}

/// Adds `n` copies of the assignments the secretary controls (so she sees them all), in writes
/// of a few thousand, through the same `create` as the demo.
async fn add_assignments(db: &infogroups_server::db::Db, n: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    let secretary = db
        .all::<pb::User>()?
        .into_iter()
        .find(|u| u.username == SECRETARY)
        .and_then(|u| u.meta)
        .context("no secretary in the demo city")?
        .id;
    let group1: Vec<pb::Assignment> = db
        .all::<pb::Assignment>()?
        .into_iter()
        .filter(|a| a.controller_id == secretary)
        .collect();
    ensure!(!group1.is_empty(), "the secretary controls nothing");
    let mut made = 0;
    while made < n {
        let batch: Vec<pb::Assignment> = (made..n.min(made + 5_000))
            .map(|i| {
                let mut a = group1[i % group1.len()].clone();
                a.number = format!("{}-{i}", a.number);
                a
            })
            .collect();
        made += batch.len();
        db.write(0, |tx| {
            for a in &batch {
                tx.create(a.clone(), None)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// The server child process, killed when dropped.
struct ServerProcess {
    child: Child,
    addr: SocketAddr,
    data: PathBuf,
}

impl ServerProcess {
    /// Starts it on `data` and `addr` (with `seed`: the demo city and that many more assignments
    /// of group 1) and waits for the address it prints.
    fn start(data: &Path, addr: SocketAddr, seed: Option<usize>) -> Result<Self> {
        let mut cmd = Command::new(std::env::current_exe()?);
        cmd.arg(SERVE).arg(data).arg(addr.to_string());
        if let Some(extra) = seed {
            cmd.arg("--seed").arg(extra.to_string());
        }
        let mut child = cmd
            .env_remove("INFOGROUPS_ADMIN_PASSWORD")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        // A thread, so that a server that never answers cannot hang the test past its deadline.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = tx.send(BufReader::new(stdout).read_line(&mut line).map(|_| line));
        });
        let addr = match rx.recv_timeout(DEADLINE) {
            Ok(Ok(line)) => line
                .trim()
                .parse::<SocketAddr>()
                .map_err(|e| anyhow!("the server's first line is not an address ({e}): {line:?}")),
            Ok(Err(e)) => Err(anyhow!("reading the server's address: {e}")),
            Err(_) => Err(anyhow!("the server printed no address within {DEADLINE:?}")),
        };
        let addr = match addr {
            Ok(a) => a,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        Ok(Self {
            child,
            addr,
            data: data.to_path_buf(),
        })
    }

    /// The URL clients connect to.
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL (no flush, no goodbye to the clients); runs `while_down` (checks of what the
    /// clients show meanwhile); then starts it again on the same data and port.
    fn kill_and_restart_with(mut self, while_down: impl FnOnce() -> Result<()>) -> Result<Self> {
        self.child.kill().context("killing the server")?;
        self.child.wait().context("waiting for the server")?;
        while_down()?;
        Self::start(&self.data, self.addr, None)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// A client in a pseudo-terminal.

/// What the reader thread keeps: the emulated screen and whether the terminal has closed.
struct Shared {
    parser: vt100::Parser<Answers>,
    closed: bool,
}

/// The terminal's answers to the program's queries. The client asks where the cursor is when it
/// starts (ratatui's `Terminal::clear`, through crossterm) and gives up on a terminal that does
/// not say within 2 s; every real terminal answers, so this one does too.
#[derive(Default)]
struct Answers {
    pending: Vec<u8>,
}

impl vt100::Callbacks for Answers {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        // DSR 6, "report the cursor position": ESC [ row ; col R, counted from 1.
        if c == 'n' && i1.is_none() && params == [&[6][..]] {
            let (row, col) = screen.cursor_position();
            let answer = format!("\x1b[{};{}R", row + 1, col + 1);
            self.pending.extend_from_slice(answer.as_bytes());
        }
    }
}

/// The `infogroups` program in a pseudo-terminal of a fixed size.
struct Client {
    name: String,
    shared: Arc<(Mutex<Shared>, Condvar)>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    log: PathBuf,
}

impl Client {
    /// Starts the client with `args` in a `cols`×`rows` terminal (TERM=xterm-256color), with its
    /// home, configuration and log in `home`.
    fn start(name: &str, home: &Path, (cols, rows): (u16, u16), args: &[&str]) -> Result<Self> {
        let pty = portable_pty::native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| anyhow!("openpty: {e}"))?;
        let log = home.join(format!("{name}.log"));
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_infogroups"));
        cmd.args(args);
        cmd.arg("--log-file");
        cmd.arg(&log);
        cmd.cwd(home);
        cmd.env("TERM", "xterm-256color");
        // A home of its own: no configuration file of whoever runs the tests.
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        // Drafts too: a form left by another run must not be offered here.
        cmd.env("XDG_STATE_HOME", home.join("state"));
        for var in [
            "INFOGROUPS_SERVER",
            "INFOGROUPS_CONFIG",
            "INFOGROUPS_DRAFTS",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        let child = pty
            .slave
            .spawn_command(cmd)
            .map_err(|e| anyhow!("starting infogroups: {e}"))?;
        // Only the child holds the terminal's other end now, so its exit ends our reads.
        drop(pty.slave);
        let rows_nz = NonZeroU16::new(rows).context("zero rows")?;
        let cols_nz = NonZeroU16::new(cols).context("zero columns")?;
        let shared = Arc::new((
            Mutex::new(Shared {
                parser: vt100::Parser::new_with_callbacks(rows_nz, cols_nz, 0, Answers::default()),
                closed: false,
            }),
            Condvar::new(),
        ));
        let mut reader = pty
            .master
            .try_clone_reader()
            .map_err(|e| anyhow!("pty reader: {e}"))?;
        let writer: Arc<Mutex<Box<dyn Write + Send>>> = Arc::new(Mutex::new(
            pty.master
                .take_writer()
                .map_err(|e| anyhow!("pty writer: {e}"))?,
        ));
        let feed = Arc::clone(&shared);
        let answer = Arc::clone(&writer);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let (lock, changed) = &*feed;
                let Ok(mut s) = lock.lock() else { return };
                if n == 0 {
                    s.closed = true;
                    changed.notify_all();
                    return;
                }
                s.parser.process(&buf[..n]);
                let answers = std::mem::take(&mut s.parser.callbacks_mut().pending);
                changed.notify_all();
                drop(s);
                if !answers.is_empty()
                    && let Ok(mut w) = answer.lock()
                {
                    let _ = w.write_all(&answers).and_then(|()| w.flush());
                }
            }
        });
        Ok(Self {
            name: name.to_string(),
            shared,
            writer,
            master: pty.master,
            child,
            log,
        })
    }

    /// Types `keys` (text, or escape sequences such as [`ENTER`]).
    fn send(&mut self, keys: &str) -> Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        w.write_all(keys.as_bytes())?;
        w.flush()?;
        Ok(())
    }

    /// Row `n` of the screen now.
    fn row(&self, n: usize) -> String {
        let lock = self.shared.0.lock().unwrap_or_else(|p| p.into_inner());
        let screen = lock.parser.screen();
        screen
            .rows(0, screen.size().1.get())
            .nth(n)
            .unwrap_or_default()
    }

    /// Waits until `ready` holds for the screen; returns how long that took. Fails after
    /// [`DEADLINE`] with the screen and the end of the client's log.
    fn wait_for(&self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) -> Result<Duration> {
        let start = Instant::now();
        let (lock, changed) = &*self.shared;
        let mut s = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if ready(s.parser.screen()) {
                if std::env::var_os("IG_PTY_DUMP").is_some() {
                    println!("[{}] {what}:\n{}", self.name, s.parser.screen().contents());
                }
                return Ok(start.elapsed());
            }
            let left = DEADLINE.saturating_sub(start.elapsed());
            if left.is_zero() || s.closed {
                let contents = s.parser.screen().contents();
                drop(s);
                bail!(
                    "{}: {} {what}; the screen:\n{contents}\nthe end of its log:\n{}",
                    self.name,
                    if left.is_zero() {
                        format!("waited {DEADLINE:?} for")
                    } else {
                        "the terminal closed while waiting for".into()
                    },
                    log_tail(&self.log)
                );
            }
            s = changed
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Waits until one row holds every one of `parts`.
    fn wait_row(&self, what: &str, parts: &[&str]) -> Result<Duration> {
        self.wait_for(what, |screen| row_with(screen, parts))
    }

    /// Waits until the status bar (the last row) holds `text`.
    fn wait_status_bar(&self, text: &str) -> Result<Duration> {
        self.wait_status_bar_any(&[text])
    }

    /// Waits until the status bar holds one of `texts`.
    fn wait_status_bar_any(&self, texts: &[&str]) -> Result<Duration> {
        self.wait_for(&format!("{texts:?} in the status bar"), |screen| {
            let (rows, cols) = screen.size();
            screen
                .rows(0, cols.get())
                .nth(usize::from(rows.get() - 1))
                .is_some_and(|r| texts.iter().any(|t| r.contains(t)))
        })
    }

    /// Waits for the process to exit; its exit status.
    fn wait_exit(&mut self) -> Result<portable_pty::ExitStatus> {
        let start = Instant::now();
        {
            // The terminal closes when the process has gone; then `try_wait` answers at once.
            let (lock, changed) = &*self.shared;
            let s = lock.lock().unwrap_or_else(|p| p.into_inner());
            let (s, _) = changed
                .wait_timeout_while(s, DEADLINE, |s| !s.closed)
                .unwrap_or_else(|p| p.into_inner());
            ensure!(
                s.closed,
                "{}: the terminal stayed open {DEADLINE:?} after quitting; the screen:\n{}",
                self.name,
                s.parser.screen().contents()
            );
        }
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            ensure!(
                start.elapsed() < DEADLINE,
                "{} did not exit within {DEADLINE:?}",
                self.name
            );
            // Closed but not yet reaped: the kernel finishes that within moments.
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The terminal's line discipline flags now (the client's raw mode shows here).
    fn local_flags(&self) -> Result<LocalFlags> {
        Ok(self
            .master
            .get_termios()
            .context("cannot read the terminal's settings")?
            .local_flags)
    }

    /// Signs in by typing the username and password into the login form.
    fn sign_in(&mut self, username: &str, password: &str, lang: Lang) -> Result<()> {
        self.wait_for("the login form", |s| {
            screen_has(s, Text::LoginTitle.get(lang)) && screen_has(s, Text::Password.get(lang))
        })?;
        self.send(username)?;
        self.send(TAB)?;
        self.send(password)?;
        self.send(ENTER)?;
        Ok(())
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

const ENTER: &str = "\r";
/// Ctrl+S: sends a form from its long text field (there Enter starts a new line).
const SEND_TEXT: &str = "\x13";
const TAB: &str = "\t";
const ESC: &str = "\x1b";

fn row_with(screen: &vt100::Screen, parts: &[&str]) -> bool {
    screen
        .rows(0, screen.size().1.get())
        .any(|row| parts.iter().all(|p| row.contains(p)))
}

fn screen_has(screen: &vt100::Screen, text: &str) -> bool {
    row_with(screen, &[text])
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

fn status(lang: Lang, s: S) -> &'static str {
    names::assignment_status(lang, s)
}

/// A status as a list's row says it (its short label).
fn row_status(lang: Lang, s: S) -> &'static str {
    strings::status::assignment(lang, s)
}

// ---------------------------------------------------------------------------------------------
// The data set, seen through the API.

/// An assignment of the secretary's group that its executor can report on.
struct Picked {
    id: u64,
    number: String,
    executor: String,
}

/// Signs in to the API as `username`.
async fn api_login(url: &str, username: &str) -> Result<Connection> {
    let conn = Connection::new(url, None)?;
    let answer = conn
        .auth()
        .login(request(pb::LoginRequest {
            username: username.into(),
            password: PASSWORD.into(),
        }))
        .await
        .with_context(|| format!("API login as {username}"))?
        .into_inner();
    conn.set_token(&answer.token)
        .map_err(|e| anyhow!("{}", e.en))?;
    Ok(conn)
}

/// Picks, as the secretary sees it, the assignment in progress she controls with the latest
/// deadline (far from any day boundary), with an `isp…` executor.
async fn pick_assignment(url: &str) -> Result<Picked> {
    let conn = api_login(url, SECRETARY).await?;
    let snap = conn
        .sync()
        .snapshot(request(pb::SnapshotRequest {}))
        .await?
        .into_inner();
    let me = snap
        .users
        .iter()
        .find(|u| u.username == SECRETARY)
        .and_then(|u| u.meta)
        .context("the secretary is not in her snapshot")?
        .id;
    let username = |id: u64| {
        snap.users
            .iter()
            .find(|u| u.meta.is_some_and(|m| m.id == id))
            .map(|u| u.username.clone())
    };
    let deadline = infogroups_tui::features::assignments::urgency::deadline;
    let today = city_time::date_at(snap.server_time_ms);
    snap.assignments
        .iter()
        .filter(|a| a.controller_id == me && a.status == S::InProgress as i32)
        .filter(|a| deadline(a).is_some_and(|d| d > today))
        .filter(|a| username(a.executor_id).is_some_and(|u| u.starts_with("isp")))
        .max_by_key(|a| (deadline(a), a.meta.map(|m| m.id)))
        .map(|a| Picked {
            id: a.meta.map_or(0, |m| m.id),
            number: a.number.clone(),
            executor: username(a.executor_id).unwrap_or_default(),
        })
        .context("the demo city has no assignment in progress for the secretary")
}

/// Returns the assignment for rework through the API, as the secretary.
async fn api_return(url: &str, id: u64) -> Result<()> {
    let conn = api_login(url, SECRETARY).await?;
    let snap = conn
        .sync()
        .snapshot(request(pb::SnapshotRequest {}))
        .await?
        .into_inner();
    let version = snap
        .assignments
        .iter()
        .find_map(|a| a.meta.filter(|m| m.id == id))
        .context("the assignment is gone")?
        .version;
    conn.assignments()
        .transition(request(pb::TransitionRequest {
            assignment_id: id,
            expected_version: version,
            kind: pb::TransitionKind::Return as i32,
            text: "Приложите акт выполненных работ".into(),
        }))
        .await
        .context("returning the assignment")?;
    Ok(())
}

/// What the client shows for a wrong password: the server's refusal, rendered by the client's
/// own rule (so a reworded message does not break this test, a missing one does).
async fn wrong_password_message(url: &str, lang: Lang) -> Result<String> {
    let conn = Connection::new(url, None)?;
    let refusal = conn
        .auth()
        .login(request(pb::LoginRequest {
            username: SECRETARY.into(),
            password: "not-the-password".into(),
        }))
        .await
        .err()
        .context("a wrong password was accepted")?;
    Ok(RpcError::from_status(&refusal).message(lang, url))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// The secretary and an executor sign in by typing; the executor reports and the secretary's
/// list shows it live; the server is killed and restarted on the same data and port, both show
/// the reconnection and come back by themselves, and a change made meanwhile through the API
/// reaches both; then the executor reports again and the secretary accepts, each seeing the
/// other's step; finally both quit cleanly.
fn report_is_seen_live_and_survives_a_server_restart() -> Result<()> {
    let lang = Lang::En;
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let mut server = ServerProcess::start(&data, "127.0.0.1:0".parse()?, Some(0))?;
    let url = server.url();
    let rt = runtime()?;
    let a = rt.block_on(pick_assignment(&url))?;
    let args = ["--server", url.as_str(), "--lang", "en"];
    let mut sek = Client::start(SECRETARY, dir.path(), (120, 40), &args)?;
    let mut isp = Client::start(&a.executor, dir.path(), (120, 40), &args)?;
    let online = Text::Online.get(lang);

    sek.sign_in(SECRETARY, PASSWORD, lang)?;
    isp.sign_in(&a.executor, PASSWORD, lang)?;
    for c in [&sek, &isp] {
        c.wait_status_bar(online)?;
        // The secretary's first tab is the group's assignments, the executor's their own.
        c.wait_for("the assignments list", |s| {
            screen_has(s, W::TabAssignments.get(lang)) || screen_has(s, W::TabMine.get(lang))
        })?;
    }

    // Both narrow their lists to the one assignment with the filter.
    for c in [&mut sek, &mut isp] {
        c.send("/")?;
        c.send(&a.number)?;
        c.send(ENTER)?;
        c.wait_row(
            "the filtered row in progress",
            &[&a.number, row_status(lang, S::InProgress)],
        )?;
    }

    // The executor opens it and submits a report.
    isp.send(ENTER)?;
    isp.wait_for("the assignment's detail", |s| {
        screen_has(s, &strings::assignment_title(lang, &a.number))
    })?;
    isp.send("r")?;
    isp.wait_for("the report form", |s| {
        screen_has(s, Text::ReportTitle.get(lang))
    })?;
    isp.send("Знак установлен 27.11, фото приложено")?;
    isp.send(SEND_TEXT)?;
    let seen = sek.wait_row(
        "the report on the secretary's screen",
        &[&a.number, row_status(lang, S::ReportSubmitted)],
    )?;
    println!(
        "    report sent → the secretary's screen: {} ms",
        seen.as_millis()
    );
    isp.wait_row(
        "the new status in the executor's detail",
        &[Text::Status.get(lang), status(lang, S::ReportSubmitted)],
    )?;

    // The server dies without a goodbye; both notice and try again by themselves.
    server = server.kill_and_restart_with(|| {
        // "Reconnecting" comes first; after three failed attempts it says "offline" (and goes
        // on trying), which a slow machine may reach before the screen is looked at.
        let trying = [Text::Reconnecting.get(lang), Text::Offline.get(lang)];
        for c in [&sek, &isp] {
            c.wait_status_bar_any(&trying)?;
        }
        Ok(())
    })?;
    // At once, while the clients are still backing off or resuming: a change neither saw made.
    rt.block_on(api_return(&server.url(), a.id))?;
    sek.wait_row(
        "the return made during the reconnection (secretary)",
        &[&a.number, row_status(lang, S::Returned)],
    )?;
    isp.wait_row(
        "the return made during the reconnection (executor)",
        &[Text::Status.get(lang), status(lang, S::Returned)],
    )?;
    for c in [&sek, &isp] {
        c.wait_status_bar(online)?;
    }

    // After the restart the clients work as before: the executor reports again…
    isp.send("r")?;
    isp.wait_for("the report form again", |s| {
        screen_has(s, Text::ReportTitle.get(lang))
    })?;
    isp.send("Акт приложен")?;
    isp.send(SEND_TEXT)?;
    sek.wait_row(
        "the second report on the secretary's screen",
        &[&a.number, row_status(lang, S::ReportSubmitted)],
    )?;
    // …and the secretary opens it and accepts, with the confirmation.
    sek.send(ENTER)?;
    sek.wait_for("the assignment's detail (secretary)", |s| {
        screen_has(s, &strings::assignment_title(lang, &a.number))
    })?;
    sek.send("a")?;
    sek.wait_for("the confirmation", |s| {
        screen_has(s, Text::AcceptQuestion.get(lang))
    })?;
    sek.send(ENTER)?;
    for c in [&sek, &isp] {
        c.wait_row(
            "the accepted report",
            &[Text::Status.get(lang), status(lang, S::DoneOnTime)],
        )?;
    }

    // `q` leaves the detail's screen too: both exit 0.
    for c in [&mut sek, &mut isp] {
        c.send("q")?;
        let exit = c.wait_exit()?;
        ensure!(exit.success(), "{} exited with {exit:?}", c.name);
    }
    drop(server);
    Ok(())
}

/// At 80×24 in Russian (the default): a wrong password is refused on the login form, the right
/// one signs in, `?` opens the keys and Esc closes them, `q` quits with exit status 0 and the
/// terminal is given back as it was: the main screen, the cursor shown, line editing and echo on.
fn wrong_password_help_and_clean_quit_at_80x24() -> Result<()> {
    let lang = Lang::Ru;
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&dir.path().join("data"), "127.0.0.1:0".parse()?, Some(0))?;
    let url = server.url();
    let refusal = runtime()?.block_on(wrong_password_message(&url, lang))?;
    let mut c = Client::start(SECRETARY, dir.path(), (80, 24), &["--server", url.as_str()])?;

    c.sign_in(SECRETARY, "not-the-password", lang)?;
    // The form starts a message with a capital letter; the words are the server's.
    let refusal = refusal.to_lowercase();
    c.wait_for("the refusal on the login form", |s| {
        s.rows(0, s.size().1.get())
            .any(|row| row.to_lowercase().contains(&refusal))
            && screen_has(s, Text::LoginTitle.get(lang))
    })?;
    ensure!(
        !c.local_flags()?.contains(LocalFlags::ICANON),
        "the client runs without raw mode"
    );

    // The username stays and the focus stays on the password, which is erased and typed again.
    c.send(&"\x7f".repeat("not-the-password".len()))?;
    c.send(PASSWORD)?;
    c.send(ENTER)?;
    c.wait_status_bar(Text::Online.get(lang))?;
    c.wait_for("the assignments list", |s| {
        screen_has(s, Text::AssignmentsTitle.get(lang))
    })?;

    let help = strings::help_title(lang, Text::AssignmentsTitle.get(lang));
    c.send("?")?;
    c.wait_for("the help", |s| screen_has(s, &help))?;
    c.send(ESC)?;
    c.wait_for("the help to close", |s| !screen_has(s, &help))?;

    c.send("q")?;
    let exit = c.wait_exit()?;
    ensure!(exit.success(), "the client exited with {exit:?}");
    let shared = c.shared.0.lock().unwrap_or_else(|p| p.into_inner());
    let screen = shared.parser.screen();
    ensure!(
        !screen.alternate_screen(),
        "the alternate screen was left on"
    );
    ensure!(!screen.hide_cursor(), "the cursor was left hidden");
    drop(shared);
    let after = c.local_flags()?;
    ensure!(
        after.contains(LocalFlags::ICANON | LocalFlags::ECHO),
        "raw mode was left on: {after:?}"
    );
    drop(server);
    Ok(())
}

/// Figures, not checks (`--ignored`, in release): the real client against a real server with the
/// demo city and 10,000 and 100,000 more assignments the secretary sees (`IG_PTY_SIZES=10000,…`
/// changes the sizes). For each: the snapshot's size on the wire, the first frame after the
/// Enter that signs in (login, snapshot, replica, draw, all through the terminal), the client's
/// memory then, and key presses (PgDn) to the next drawn frame.
fn figures_with_large_replicas() -> Result<()> {
    let sizes: Vec<usize> = match std::env::var("IG_PTY_SIZES") {
        Ok(v) => v
            .split(',')
            .map(|n| n.trim().parse())
            .collect::<Result<_, _>>()
            .context("IG_PTY_SIZES")?,
        Err(_) => vec![10_000, 100_000],
    };
    if cfg!(debug_assertions) {
        println!("    (a debug build: run with --release for figures that mean something)");
    }
    for extra in sizes {
        measure(extra)?;
    }
    Ok(())
}

fn measure(extra: usize) -> Result<()> {
    let lang = Lang::En;
    let dir = tempfile::tempdir()?;
    let t = Instant::now();
    let server = ServerProcess::start(
        &dir.path().join("data"),
        "127.0.0.1:0".parse()?,
        Some(extra),
    )?;
    let seeded = t.elapsed();
    let url = server.url();
    let s = runtime()?.block_on(snapshot_size(&url))?;
    println!(
        "    +{extra}: the secretary sees {} assignments; snapshot {:.1} MB encoded \
         (server seeded in {:.1} s); over the API, asked a second time: login {} ms, snapshot {} ms",
        s.count,
        s.bytes as f64 / 1e6,
        seeded.as_secs_f64(),
        s.login.as_millis(),
        s.snapshot.as_millis()
    );
    let count = s.count;
    let mut c = Client::start(
        SECRETARY,
        dir.path(),
        (120, 40),
        &["--server", &url, "--lang", "en"],
    )?;
    c.wait_for("the login form", |s| {
        screen_has(s, Text::Password.get(lang))
    })?;
    c.send(SECRETARY)?;
    c.send(TAB)?;
    c.send(PASSWORD)?;
    let before = rss_kb(&c)?;
    c.send(ENTER)?;
    let header = strings::shown_of(lang, count, count);
    let first = c.wait_for("the whole list", |s| screen_has(s, &header))?;
    let after = rss_kb(&c)?;
    println!(
        "    +{extra}: Enter on the login form → first frame of the list: {} ms",
        first.as_millis()
    );
    println!(
        "    +{extra}: client memory (VmRSS): {:.1} MB at the login form, {:.1} MB with the \
         list drawn, peak {:.1} MB",
        before.rss as f64 / 1024.0,
        after.rss as f64 / 1024.0,
        after.peak as f64 / 1024.0
    );
    // Keys 40 ms apart (a held key repeats every 33–40 ms), then back to back: each key as soon
    // as the previous page is on the screen.
    for (pace, gap) in [
        ("40 ms apart", Duration::from_millis(40)),
        ("back to back", Duration::ZERO),
    ] {
        let mut presses = Vec::new();
        // Row 3 is the list's first row (under the tabs, the count line and the header).
        for _ in 0..30 {
            std::thread::sleep(gap);
            let top = c.row(3);
            c.send("\x1b[6~")?;
            presses.push(c.wait_for("the next page", |s| {
                s.rows(0, s.size().1.get()).nth(3).is_some_and(|r| r != top)
            })?);
        }
        presses.sort();
        println!(
            "    +{extra}: PgDn → next page drawn, through the terminal, keys {pace}: median \
             {:.1} ms, max {:.1} ms (30 presses)",
            presses[presses.len() / 2].as_secs_f64() * 1e3,
            presses[presses.len() - 1].as_secs_f64() * 1e3
        );
    }
    c.send("q")?;
    let exit = c.wait_exit()?;
    ensure!(exit.success(), "the client exited with {exit:?}");
    drop(server);
    Ok(())
}

/// The secretary's snapshot as a plain API client gets it the second time: how many
/// assignments, its encoded size, and how long the login and the snapshot call took (the latter
/// the server's scan, the transfer and prost's decoding), asked with no message size limit on
/// our side.
struct SnapshotFigures {
    count: usize,
    bytes: usize,
    login: Duration,
    snapshot: Duration,
}

async fn snapshot_size(url: &str) -> Result<SnapshotFigures> {
    use prost::Message;
    // Twice: the first login also waits for the flush of everything the seeding wrote.
    let mut figures = None;
    for _ in 0..2 {
        let t = Instant::now();
        let conn = api_login(url, SECRETARY).await?;
        let login = t.elapsed();
        let t = Instant::now();
        let snap = conn
            .sync()
            .max_decoding_message_size(usize::MAX)
            .snapshot(request(pb::SnapshotRequest {}))
            .await?
            .into_inner();
        figures = Some(SnapshotFigures {
            count: snap.assignments.len(),
            bytes: snap.encoded_len(),
            login,
            snapshot: t.elapsed(),
        });
    }
    figures.context("no snapshot")
}

/// A process's resident memory now and at its peak, in KiB.
struct Rss {
    rss: u64,
    peak: u64,
}

fn rss_kb(c: &Client) -> Result<Rss> {
    let pid = c.child.process_id().context("no process id")?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .with_context(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok(Rss {
        rss: field("VmRSS:")?,
        peak: field("VmHWM:")?,
    })
}
