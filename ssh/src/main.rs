//! `infogroups-server`: serve the API, or administer the store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use infogroups_server::completions::Generate;
use infogroups_server::config::{self, Config, FileConfig, TlsFiles};
use infogroups_server::db::Db;
use infogroups_server::logging::LogFormat;
use infogroups_server::signals::StopSignals;
use infogroups_server::store::{SledStore, Store};
use infogroups_server::{Clock, Server, accounts, auth, backup, integrity};
use infogroups_shared::pb::{self, Role};
use infogroups_shared::validate;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "infogroups-server",
    version = infogroups_server::LONG_VERSION,
    about = "The Infogroups server"
)]
struct Cli {
    /// Log line format: text, coloured only on a terminal, or JSON lines for a collector.
    #[arg(
        long,
        global = true,
        env = "INFOGROUPS_LOG_FORMAT",
        value_enum,
        default_value_t
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gRPC API.
    Serve(ServeArgs),
    /// Administer a stopped server's store.
    Admin(AdminArgs),
    /// Check the configuration.
    Config(ConfigArgs),
    /// Generate shell completions or man pages.
    Generate {
        #[command(subcommand)]
        what: Generate,
    },
}

#[derive(Args)]
struct ConfigArgs {
    #[command(subcommand)]
    action: ConfigAction,
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Validate the configuration file and print the settings `serve` would use with the same
    /// arguments and environment (secrets masked).
    Check(ServeArgs),
}

#[derive(Args)]
struct Common {
    /// Configuration file (TOML) [default: /etc/infogroups/server.toml when it exists]; every
    /// key `k` may also be set by the variable INFOGROUPS_K.
    #[arg(long, env = "INFOGROUPS_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory [default: the platform's data directory].
    #[arg(long, env = "INFOGROUPS_DATA")]
    data: Option<PathBuf>,
    /// A file holding the backup passphrase (else INFOGROUPS_BACKUP_PASSPHRASE); backups are
    /// written only encrypted, and restored only with it.
    #[arg(long, env = "INFOGROUPS_BACKUP_PASSPHRASE_FILE")]
    backup_passphrase_file: Option<PathBuf>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Address to listen on [default: 127.0.0.1:50051].
    #[arg(long, env = "INFOGROUPS_LISTEN")]
    listen: Option<SocketAddr>,
    /// TLS certificate (PEM).
    #[arg(long, env = "INFOGROUPS_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "INFOGROUPS_TLS_KEY")]
    tls_key: Option<PathBuf>,
    /// Login token lifetime in hours [default: 12].
    #[arg(long, env = "INFOGROUPS_TOKEN_TTL_HOURS")]
    token_ttl_hours: Option<u64>,
    /// Where online backups are written [default: the data directory's name + "-backups"].
    #[arg(long, env = "INFOGROUPS_BACKUP_DIR")]
    backup_dir: Option<PathBuf>,
    /// Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9464).
    #[arg(long, env = "INFOGROUPS_METRICS", value_name = "ADDR")]
    metrics: Option<SocketAddr>,
    /// Hand out documents by one-time links served at https://ADDR/d/… (e.g. 0.0.0.0:8443);
    /// TLS with the API's certificate, plain HTTP only where the API may go plain.
    #[arg(long, env = "INFOGROUPS_DOWNLOAD_LINKS", value_name = "ADDR")]
    download_links: Option<SocketAddr>,
    /// The links' public address when browsers reach the port by another name
    /// (e.g. https://infogroups.example.org:8443) [default: from --download-links].
    #[arg(long, env = "INFOGROUPS_DOWNLOAD_LINKS_URL", value_name = "URL")]
    download_links_url: Option<String>,
    /// Also serve the terminal client over SSH at ADDR (e.g. 0.0.0.0:2222): staff run
    /// `ssh -p 2222 LOGIN@host` and sign in with their account's password. Off by default.
    #[arg(long, env = "INFOGROUPS_SSH", value_name = "ADDR")]
    ssh: Option<SocketAddr>,
    /// Serve beyond loopback without TLS (only behind a tunnel or on a trusted network).
    #[arg(long, env = "INFOGROUPS_INSECURE_LISTEN")]
    insecure_listen: bool,
    /// Training: start the server's clock at this Moscow time (e.g. 2026-03-02T09:00); it runs
    /// at normal speed and an administrator moves it forward (MaintenanceService.AdvanceClock).
    /// Every client says «учебное время». Never on a production server.
    #[arg(long, value_name = "YYYY-MM-DDTHH:MM")]
    clock: Option<String>,
}

/// The UTC moment of a Moscow date and time given as `YYYY-MM-DDTHH:MM`.
fn training_start(text: &str) -> Result<i64> {
    infogroups_shared::city_time::parse_minute(text)
        .with_context(|| format!("--clock {text:?}: expected a Moscow time like 2026-03-02T09:00"))
}

#[derive(Args)]
struct AdminArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    action: AdminAction,
}

#[derive(Subcommand)]
enum AdminAction {
    /// Create a user (the password is read from INFOGROUPS_NEW_PASSWORD or asked for).
    CreateUser {
        /// Login name.
        username: String,
        /// Full name.
        #[arg(long)]
        full_name: String,
        /// Position.
        #[arg(long, default_value = "")]
        position: String,
    },
    /// Set a user's password (read from INFOGROUPS_NEW_PASSWORD or asked for).
    SetPassword {
        /// Login name.
        username: String,
    },
    /// Grant a role: administrator, head, control-sector, general-department,
    /// population-department, executor; group-leader, group-secretary, group-member need --group.
    Grant {
        /// Login name.
        username: String,
        /// The role.
        role: String,
        /// The group id for group roles.
        #[arg(long, default_value_t = 0)]
        group: u64,
    },
    /// Revoke a role.
    Revoke {
        /// Login name.
        username: String,
        /// The role.
        role: String,
        /// The group id for group roles.
        #[arg(long, default_value_t = 0)]
        group: u64,
    },
    /// List users and their roles.
    ListUsers,
    /// Write the whole store to one file.
    Backup {
        /// The backup file to write.
        file: PathBuf,
    },
    /// Replace the store with a backup file (checked before anything is changed).
    Restore {
        /// The backup file to read.
        file: PathBuf,
    },
    /// Check the store's integrity: values decode, the event and audit logs have no gap, entities
    /// agree with their events.
    Check,
}

fn data_dir(common: &Common, file: &FileConfig) -> PathBuf {
    common
        .data
        .clone()
        .or_else(|| file.data.clone())
        .unwrap_or_else(config::default_data_dir)
}

/// The file's settings overridden by the environment's, and the file read (if any).
fn file_config(common: &Common) -> Result<(FileConfig, Option<PathBuf>)> {
    Ok(FileConfig::layered(common.config.as_deref(), &|k| {
        std::env::var(k).ok()
    })?)
}

/// The role names the command line uses, in both directions.
const ROLE_NAMES: [(&str, Role); 10] = [
    ("administrator", Role::Administrator),
    ("head", Role::Head),
    ("control-sector", Role::ControlSector),
    ("general-department", Role::GeneralDepartment),
    ("population-department", Role::PopulationDepartment),
    ("group-leader", Role::GroupLeader),
    ("group-secretary", Role::GroupSecretary),
    ("group-member", Role::GroupMember),
    ("executor", Role::Executor),
    ("personal-data-officer", Role::PersonalDataOfficer),
];

fn parse_role(s: &str) -> Result<Role> {
    ROLE_NAMES
        .iter()
        .find(|(name, _)| *name == s)
        .map(|(_, r)| *r)
        .with_context(|| format!("unknown role {s:?}; see --help"))
}

fn role_name(r: i32) -> &'static str {
    ROLE_NAMES
        .iter()
        .find(|(_, role)| *role as i32 == r)
        .map_or("?", |(name, _)| name)
}

/// The new password: from `INFOGROUPS_NEW_PASSWORD` (scripts), typed twice without echo on a
/// terminal, or one line of a pipe.
fn new_password() -> Result<String> {
    use std::io::IsTerminal;
    if let Ok(p) = std::env::var("INFOGROUPS_NEW_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("New password: ")?;
    let again = rpassword::prompt_password("Repeat it: ")?;
    if first != again {
        bail!("the two passwords differ; nothing changed");
    }
    Ok(first)
}

/// The settings in force: command line over environment over file over defaults.
fn build_config(args: ServeArgs) -> Result<Config> {
    let (file, _) = file_config(&args.common)?;
    let mut config = Config::new(data_dir(&args.common, &file));
    if let Some(rule) = file.appeal_rule()? {
        config.appeal_non_working_rule = rule;
    }
    config.listen = args
        .listen
        .or(file.listen)
        .unwrap_or(config::DEFAULT_LISTEN.parse()?);
    config.tls = match (
        args.tls_cert.or(file.tls_cert),
        args.tls_key.or(file.tls_key),
    ) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        _ => bail!(config::ConfigError::HalfTls),
    };
    if let Some(h) = args.token_ttl_hours.or(file.token_ttl_hours) {
        config.token_ttl = config::token_ttl_hours(h)?;
    }
    if let Some(n) = file.login_free_attempts {
        config.login_free_attempts = n;
    }
    if let Some(n) = file.reminder_days {
        config.reminder_days = n;
    }
    if let Some(start) = &args.clock {
        config.clock = Clock::training(training_start(start)?);
        tracing::warn!(start = %start, "training clock: time starts at the given Moscow time and an administrator can move it forward");
    }
    if let Some(n) = file.max_request_bytes {
        config.max_request_bytes = n;
    }
    if let Some(n) = file.max_concurrent_streams {
        config.max_concurrent_streams = n;
    }
    if let Some(mb) = file.attachment_max_mb {
        config.attachment_max_bytes = mb.saturating_mul(1 << 20);
    }
    if let Some(on) = file.require_protocol_scan {
        config.require_protocol_scan = on;
    }
    if let Some(n) = file.event_log_keep {
        config.log_bounds.events = n;
    }
    if let Some(n) = file.audit_live_keep {
        config.log_bounds.audit_live = n;
    }
    if let Some(dir) = args.backup_dir.or(file.backup_dir) {
        config.backup_dir = dir;
    }
    // Only an empty store uses it; the first start refuses a weak one (bootstrap::first_admin).
    config.admin_password = std::env::var("INFOGROUPS_ADMIN_PASSWORD").ok();
    config.backup_key =
        backup::BackupKey::from_operator(args.common.backup_passphrase_file.as_deref())?;
    config.insecure_listen = args.insecure_listen;
    config::check_listen(config.listen, config.tls.is_some(), config.insecure_listen)?;
    config.metrics = args.metrics.or(file.metrics);
    config.downloads = args.download_links.or(file.download_links);
    config.downloads_url = args.download_links_url.or(file.download_links_url);
    if let Some(addr) = config.downloads {
        config::check_listen(addr, config.tls.is_some(), config.insecure_listen)?;
    }
    if let Some(every) = &file.backup_every {
        config.backup_every = Some(config::parse_every("backup_every", every)?);
    }
    if let Some(n) = file.backup_keep {
        config.backup_keep = n.max(1);
    }
    if let Some(mail) = &file.mail {
        config.mail = Some(
            mail.resolve(&|k| std::env::var(k).ok())
                .map_err(config::ConfigError::from)?,
        );
    }
    if let Some(every) = &file.store_rewrite_every {
        config.store_rewrite_every = config::parse_every("store_rewrite_every", every)?;
    }
    if let Some(mb) = file.store_cache_mb {
        // At least one MiB: sled cannot work without a cache.
        config.store_cache_bytes = mb.max(1).saturating_mul(1 << 20);
    }
    if config.backup_every.is_some() && config.backup_key.is_none() {
        bail!(config::ConfigError::ScheduleWithoutKey);
    }
    Ok(config)
}

/// `config check`: the file parses, TLS files are readable, and the effective settings.
fn config_check(args: ServeArgs) -> Result<()> {
    let (file, read) = file_config(&args.common)?;
    let ssh = args.ssh.or(file.ssh);
    let config = build_config(args)?;
    if let Some(tls) = &config.tls {
        for f in [&tls.cert, &tls.key] {
            std::fs::File::open(f).with_context(|| format!("cannot read {}", f.display()))?;
        }
    }
    match read {
        Some(p) => println!("# configuration file: {} (valid)", p.display()),
        None => println!("# configuration file: none; defaults and the environment"),
    }
    for (key, value) in config::effective(&config) {
        println!("{key} = {value}");
    }
    match ssh {
        Some(addr) => {
            println!("ssh = {addr}");
            let key_file = infogroups_ssh::host_key::path_for(&config.data_dir);
            if key_file.exists() {
                let key = infogroups_ssh::host_key::load_or_create(&key_file)?;
                println!(
                    "ssh_host_key = ED25519 {}",
                    infogroups_ssh::host_key::fingerprint(&key)
                );
            } else {
                println!("ssh_host_key = (made on the first start)");
            }
        }
        None => println!("ssh = off"),
    }
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<()> {
    let ssh_addr = args.ssh.or(file_config(&args.common)?.0.ssh);
    let config = build_config(args)?;
    if config.tls.is_none() && !config.listen.ip().is_loopback() {
        tracing::warn!(
            listen = %config.listen,
            "listening beyond loopback without TLS (--insecure-listen): passwords and citizens' data cross the network in clear"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let data = config.data_dir.clone();
    // Bound before the store opens, like the API's port: a taken port fails the start at once.
    let metrics = match config.metrics {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen for metrics on {addr}"))?,
        ),
        None => None,
    };
    // Bound before the store opens too; the host key is made or read now, so a bad key file
    // fails the start rather than the first SSH login.
    let ssh = match ssh_addr {
        Some(addr) => {
            let key = infogroups_ssh::host_key::load_or_create(
                &infogroups_ssh::host_key::path_for(&data),
            )?;
            let fingerprint = infogroups_ssh::host_key::fingerprint(&key);
            let bound = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen for SSH on {addr}"))?;
            println!("SSH host key fingerprint: ED25519 {fingerprint}");
            Some((bound, key, fingerprint))
        }
        None => None,
    };
    // The SSH sessions' drafts live beside the host key, outside the store's directory (which a
    // rewrite replaces whole), owner-only like every file the server writes.
    let drafts = infogroups_ssh::host_key::path_for(&data)
        .parent()
        .map_or_else(|| data.join("drafts"), |dir| dir.join("drafts"));
    let api = loopback_api(listener.local_addr()?, config.tls.as_ref(), drafts);
    let server = Server::open(config)
        .await
        .with_context(|| format!("cannot open the store in {}", data.display()))?;
    if let Some(p) = server.generated_admin_password() {
        // Printed once, to the operator's terminal only: it is never stored in clear.
        println!("Created the administrator account 'admin' with password: {p}");
        println!("Change it after the first login.");
    }
    if let Some(listener) = metrics {
        let handle = infogroups_server::metrics::install()?;
        tracing::info!(addr = %listener.local_addr()?, "metrics at /metrics");
        let ctx = server.ctx().clone();
        infogroups_server::metrics_endpoint::refresh(&ctx).await;
        tokio::spawn(infogroups_server::metrics_endpoint::observe(
            handle.clone(),
            ctx.clone(),
        ));
        tokio::spawn(infogroups_server::metrics_endpoint::serve(
            listener, handle, ctx,
        ));
    }
    tracing::info!(addr = %listener.local_addr()?, data = %data.display(), "serving");
    let shutdown = CancellationToken::new();
    let stop = StopSignals::install().context("cannot install the signal handlers")?;
    infogroups_server::tls::reload_on_hangup(server.tls())
        .context("cannot install the SIGHUP handler")?;
    tokio::spawn(signals(stop, shutdown.clone()));
    if let Some((bound, key, fingerprint)) = ssh {
        tracing::info!(addr = %bound.local_addr()?, fingerprint = %fingerprint, "serving the terminal client over SSH");
        tokio::spawn(infogroups_ssh::serve(
            bound,
            infogroups_ssh::config(key),
            server.ctx().clone(),
            api,
            shutdown.clone(),
        ));
    }
    let probe = infogroups_server::readiness::probe_addr(listener.local_addr()?);
    let answered = infogroups_server::readiness::until_answered(probe, server.tls());
    let serving = server.serve(listener, shutdown.clone());
    tokio::pin!(serving, answered);
    let mut ready = false;
    loop {
        tokio::select! {
            r = &mut serving => return r.map_err(Into::into),
            () = &mut answered, if !ready => {
                ready = true;
                tracing::info!("answered its own health check; ready");
                // Without systemd (no NOTIFY_SOCKET) this does nothing.
                if let Err(e) = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]) {
                    tracing::warn!(error = %e, "cannot notify systemd of readiness");
                }
            }
            () = async { shutdown.cancelled().await; tokio::time::sleep(Duration::from_secs(5)).await } => {
                bail!("the server did not stop within 5 s of the signal");
            }
        }
    }
}

/// How the SSH sessions' clients reach this process's own API: the port it listens on, over
/// loopback when it listens there or on every address, else at the one address it listens on;
/// with TLS by the name `localhost` (or that address), trusting the API's own certificate.
fn loopback_api(
    listen: SocketAddr,
    tls: Option<&TlsFiles>,
    drafts: PathBuf,
) -> infogroups_ssh::Api {
    let drafts = Some(drafts);
    let port = listen.port();
    let local = listen.ip().is_unspecified() || listen.ip().is_loopback();
    match tls {
        Some(files) => infogroups_ssh::Api {
            url: if local {
                format!("https://localhost:{port}")
            } else {
                format!("https://{listen}")
            },
            ca_cert: Some(files.cert.clone()),
            drafts,
        },
        None => {
            let ip = if local {
                std::net::IpAddr::from([127, 0, 0, 1])
            } else {
                listen.ip()
            };
            infogroups_ssh::Api {
                url: format!("http://{}", SocketAddr::new(ip, port)),
                ca_cert: None,
                drafts,
            }
        }
    }
}

async fn signals(signals: StopSignals, shutdown: CancellationToken) {
    signals.wait().await;
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
    // Cancel first: if the log's reader is gone, logging must not keep the server running.
    shutdown.cancel();
    tracing::info!("signal received; stopping");
}

async fn admin(args: AdminArgs) -> Result<()> {
    let (file, _) = file_config(&args.common)?;
    let dir = data_dir(&args.common, &file);
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&dir)?);
    let key = || -> Result<backup::BackupKey> {
        backup::BackupKey::from_operator(args.common.backup_passphrase_file.as_deref())?.context(
            "no backup passphrase: set INFOGROUPS_BACKUP_PASSPHRASE or --backup-passphrase-file",
        )
    };
    if let AdminAction::Restore { file } = &args.action {
        let n = backup::restore_store(store.as_ref(), file, &key()?)?;
        println!(
            "Restored {n} entries from {} into {}",
            file.display(),
            dir.display()
        );
        return Ok(());
    }
    if let AdminAction::Check = &args.action {
        let r = integrity::check(store.as_ref())?;
        println!(
            "{}: sound — {} entries, {} entities, events {}..{}, audit records {}..{}, {} files \
             whole",
            dir.display(),
            r.entries,
            r.entities,
            r.events.0,
            r.events.1,
            r.audits.0,
            r.audits.1,
            r.files
        );
        return Ok(());
    }
    let db = Db::open(store, Clock::system(), &dir.display().to_string())?;
    let find = |db: &Db, username: &str| -> Result<pb::User> {
        db.all::<pb::User>()?
            .into_iter()
            .find(|u| u.username == username)
            .with_context(|| format!("no user {username:?}"))
    };
    // The account a grant or a revocation names, and the grant checked as the API checks it.
    let account_and_grant = |db: &Db, username: &str, role: &str, group| -> Result<(u64, _)> {
        let grant = validate::grant(
            "grant",
            Some(&pb::RoleGrant {
                role: parse_role(role)? as i32,
                group_id: group,
            }),
        )?;
        Ok((find(db, username)?.meta.map_or(0, |m| m.id), grant))
    };
    match args.action {
        AdminAction::CreateUser {
            username,
            full_name,
            position,
        } => {
            let req = pb::CreateUserRequest {
                username,
                password: new_password()?,
                full_name,
                position,
                ..Default::default()
            };
            accounts::validate_new(&req)?;
            let phc = auth::hash_password(&req.password)?;
            let u = db.write(0, |tx| accounts::stage_new(tx, &req, phc)).await?;
            println!(
                "Created user {} (id {})",
                u.username,
                u.meta.map_or(0, |m| m.id)
            );
        }
        AdminAction::SetPassword { username } => {
            let user = find(&db, &username)?;
            let password = new_password()?;
            validate::password_policy("password", &password, &[&username, &user.full_name])?;
            let phc = auth::hash_password(&password)?;
            let id = user.meta.map_or(0, |m| m.id);
            // As through the API: a new password ends every session of the account.
            accounts::set_password(&db, 0, id, phc, None, None).await?;
            println!("Password of {username} changed; its sessions ended");
        }
        AdminAction::Grant {
            username,
            role,
            group,
        } => {
            let (id, grant) = account_and_grant(&db, &username, &role, group)?;
            db.write(0, |tx| accounts::stage_grant(tx, id, None, grant))
                .await?;
            println!("Granted {role} to {username}");
        }
        AdminAction::Revoke {
            username,
            role,
            group,
        } => {
            let (id, grant) = account_and_grant(&db, &username, &role, group)?;
            db.write(0, |tx| accounts::stage_revoke(tx, id, None, grant))
                .await?;
            println!("Revoked {role} from {username}");
        }
        AdminAction::ListUsers => {
            for u in db.all::<pb::User>()? {
                let roles: Vec<String> = u
                    .roles
                    .iter()
                    .map(|g| {
                        let r = role_name(g.role).to_string();
                        if g.group_id == 0 {
                            r
                        } else {
                            format!("{r}@{}", g.group_id)
                        }
                    })
                    .collect();
                let archived = if u.meta.is_some_and(|m| m.archived) {
                    " (archived)"
                } else {
                    ""
                };
                println!(
                    "{:>5}  {:<16} {}{}  [{}]",
                    u.meta.map_or(0, |m| m.id),
                    u.username,
                    u.full_name,
                    archived,
                    roles.join(", ")
                );
            }
        }
        AdminAction::Backup { file } => {
            let s = backup::backup_online(&db, &file, &key()?).await?;
            println!(
                "Wrote {} entries (events up to {}) to {}; SHA-256 {}",
                s.entries,
                s.last_seq,
                file.display(),
                hex::encode(s.sha256)
            );
        }
        AdminAction::Restore { .. } | AdminAction::Check => {}
    }
    db.close().await?;
    Ok(())
}

fn main() -> Result<()> {
    // Before the runtime starts its threads.
    infogroups_server::allocator::tune();
    tokio::runtime::Runtime::new()?.block_on(run())
}

async fn run() -> Result<()> {
    let cli = Cli::parse();
    infogroups_server::logging::init(cli.log_format);
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Admin(args) => admin(args).await,
        Command::Config(ConfigArgs {
            action: ConfigAction::Check(args),
        }) => config_check(args),
        Command::Generate { what } => {
            use clap::CommandFactory;
            let mut out = std::io::stdout().lock();
            infogroups_server::completions::generate(Cli::command(), &what, &mut out)?;
            Ok(())
        }
    }
}
