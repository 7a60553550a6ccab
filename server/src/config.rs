//! Server settings: command line, `INFOGROUPS_*` environment variables and a TOML file, in that
//! order of precedence, over built-in defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::clock::Clock;
use crate::db::retention::LogBounds;

/// The configuration file read when no `--config` is given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/infogroups/server.toml";

/// Every file setting `key` can also be set by the environment variable `INFOGROUPS_KEY`.
pub const ENV_PREFIX: &str = "INFOGROUPS_";

/// The default listen address: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50051";

/// The live store keeps the newest 10,000 events for replay: weeks of this city's changes, so an
/// ordinary reconnect (a network drop, a sleeping laptop, a server restart) always resumes; a
/// client away longer takes a snapshot. Audit records beyond the newest 4,096 move to cold
/// segment files in runs of 4,096 (about 0.5 MB each). The store's memory then follows these
/// bounds, not the length of the history.
pub const DEFAULT_LOG_BOUNDS: LogBounds = LogBounds {
    events: 10_000,
    audit_live: 4_096,
};

/// Everything the server needs to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the store lives.
    pub data_dir: PathBuf,
    /// Where online backups (`MaintenanceService.Backup`) are written.
    pub backup_dir: PathBuf,
    /// The store engine's page cache, in bytes (what it keeps in memory beyond the fact tables).
    pub store_cache_bytes: u64,
    /// The operator's backup passphrase; without it no backup is written (a backup holds every
    /// citizen's data, so it is never written in clear).
    pub backup_key: Option<crate::backup::BackupKey>,
    /// Where to listen (the binary binds it; `launch` takes a bound listener).
    pub listen: SocketAddr,
    /// PEM certificate and key for TLS.
    pub tls: Option<TlsFiles>,
    /// How long a login token lives.
    pub token_ttl: Duration,
    /// Failed logins in a row before an (account name, source address) pair is throttled.
    pub login_free_attempts: u32,
    /// Failed logins a minute, over all names, before every attempt waits its turn (slows
    /// spraying one guess over many names).
    pub login_global_free: u32,
    /// The largest request message the server decodes, in bytes; a larger one is refused
    /// (`OutOfRange`, tonic's answer) before it is parsed.
    pub max_request_bytes: usize,
    /// The largest login request, in bytes (logins are tiny and come before authentication).
    pub max_login_request_bytes: usize,
    /// HTTP/2 streams one connection may have open at once (calls in flight plus watches).
    pub max_concurrent_streams: u32,
    /// The first administrator's password when the store is empty; generated when absent.
    pub admin_password: Option<String>,
    /// How often an idle watch stream sends a heartbeat.
    pub heartbeat: Duration,
    /// Whether the deadline timer runs (overdue marks, reminders, late protocols). Off only for
    /// programs that must see the log change by their own writes alone (the fuzzer, benches).
    pub deadline_timer: bool,
    /// How often expired sessions are purged from the store.
    pub session_purge_every: Duration,
    /// How often, while serving, the store files are rewritten when a depersonalisation marked
    /// them: the bound on how long a depersonalised citizen's old data stays in the files.
    pub store_rewrite_every: Duration,
    /// Remind executors and controllers this many working days before a deadline (and on the day).
    pub reminder_days: u32,
    /// A quarter with no meeting held is at risk when this many working days or fewer are left.
    pub quarter_warning_days: u32,
    /// The appeal registration number; `{year}` and `{seq}` are filled in.
    pub appeal_number_format: String,
    /// What an appeal's 30-day deadline does when it lands on a non-working day, until an
    /// administrator sets it over the API (`MaintenanceService.SetAppealDeadlineRule`).
    pub appeal_non_working_rule: infogroups_shared::calendar::NonWorkingRule,
    /// An appeal is suggested as repeated when the same citizen raised the same topic within
    /// this many days.
    pub repeat_window_days: u32,
    /// Citizens' personal data is kept this many years, then depersonalised on request.
    pub retention_years: u32,
    /// How much of the event and audit logs the live store keeps (see [`LogBounds`]).
    pub log_bounds: LogBounds,
    /// Where the Prometheus endpoint listens (`/metrics`); none without it.
    pub metrics: Option<SocketAddr>,
    /// How often a backup is written to `backup_dir` by itself; never without it.
    pub backup_every: Option<Duration>,
    /// Scheduled backups kept; older ones are deleted after each new one.
    pub backup_keep: usize,
    /// Where the one-time download links are served (`/d/<token>`, `--download-links`); none
    /// without it.
    pub downloads: Option<SocketAddr>,
    /// The links' public address (`https://host:port`), when the listening address is not what
    /// a browser should open; derived from it otherwise.
    pub downloads_url: Option<String>,
    /// The operator accepts serving beyond loopback without TLS (`--insecure-listen`).
    pub insecure_listen: bool,
    /// The clock: the system's, or a training one (`serve --clock`).
    pub clock: Clock,
    /// The SMTP server the server's mail goes through; no mail without it.
    pub mail: Option<crate::mail::MailConfig>,
    /// The largest file kept on a record, in bytes.
    pub attachment_max_bytes: u64,
    /// A protocol is handed over to the control sector only with its signed scan attached.
    pub require_protocol_scan: bool,
}

/// TLS certificate and key files.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

impl Config {
    /// Defaults for a store in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        Self {
            backup_dir: default_backup_dir(&data_dir),
            backup_key: None,
            store_cache_bytes: crate::store::DEFAULT_CACHE_BYTES,
            data_dir,
            listen: SocketAddr::from(([127, 0, 0, 1], 50051)),
            tls: None,
            token_ttl: Duration::from_secs(12 * 3600),
            login_free_attempts: 5,
            login_global_free: 30,
            // Requests are small; the classifier import is the largest and stays well under it.
            max_request_bytes: 4 * 1024 * 1024,
            max_login_request_bytes: 64 * 1024,
            // A client holds one watch and a handful of calls; the bench opens one per client.
            max_concurrent_streams: 128,
            admin_password: None,
            heartbeat: Duration::from_secs(15),
            deadline_timer: true,
            session_purge_every: Duration::from_secs(30),
            store_rewrite_every: DEFAULT_STORE_REWRITE_EVERY,
            reminder_days: 2,
            quarter_warning_days: 10,
            appeal_number_format: "ИГ-{year}-{seq}".into(),
            appeal_non_working_rule: infogroups_shared::calendar::NonWorkingRule::DEFAULT,
            repeat_window_days: 365,
            retention_years: 5,
            log_bounds: DEFAULT_LOG_BOUNDS,
            metrics: None,
            downloads: None,
            downloads_url: None,
            backup_every: None,
            // A week of daily backups.
            backup_keep: 7,
            insecure_listen: false,
            clock: Clock::system(),
            mail: None,
            attachment_max_bytes: DEFAULT_ATTACHMENT_MAX_BYTES,
            require_protocol_scan: false,
        }
    }
}

/// The platform's data directory for the server (`~/.local/share/infogroups` on Linux).
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("ru", "novoshakhtinsk", "infogroups")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("infogroups-data"))
}

/// Backups beside the store, not inside it: `/var/lib/infogroups` → `/var/lib/infogroups-backups`.
pub fn default_backup_dir(data_dir: &Path) -> PathBuf {
    // Collecting the components drops a trailing slash, which would put the suffix inside.
    let mut name = data_dir.components().collect::<PathBuf>().into_os_string();
    name.push("-backups");
    PathBuf::from(name)
}

/// The TOML configuration file's contents; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Data directory.
    pub data: Option<PathBuf>,
    /// Online backup directory.
    pub backup_dir: Option<PathBuf>,
    /// Listen address.
    pub listen: Option<SocketAddr>,
    /// TLS certificate.
    pub tls_cert: Option<PathBuf>,
    /// TLS key.
    pub tls_key: Option<PathBuf>,
    /// Token lifetime in hours.
    pub token_ttl_hours: Option<u64>,
    /// Failed logins before throttling.
    pub login_free_attempts: Option<u32>,
    /// The largest request, in bytes.
    pub max_request_bytes: Option<usize>,
    /// HTTP/2 streams one connection may have open at once.
    pub max_concurrent_streams: Option<u32>,
    /// Working days before a deadline to remind.
    pub reminder_days: Option<u32>,
    /// Events the live store keeps for replay to reconnecting clients (older ones are deleted).
    pub event_log_keep: Option<u64>,
    /// Audit records the live store keeps before moving older ones to cold segment files.
    pub audit_live_keep: Option<u64>,
    /// An appeal's last day on a non-working day: `previous` (the default), `next` or
    /// `unchanged`.
    pub appeal_deadline_rule: Option<String>,
    /// The Prometheus endpoint's address.
    pub metrics: Option<SocketAddr>,
    /// Where the one-time download links are served.
    pub download_links: Option<SocketAddr>,
    /// Where the terminal client is served over SSH (`--ssh`); off without it.
    pub ssh: Option<SocketAddr>,
    /// The links' public address (`https://host:port`).
    pub download_links_url: Option<String>,
    /// How often to back up by itself: `30m`, `6h`, `1d` (see [`parse_every`]).
    pub backup_every: Option<String>,
    /// Scheduled backups kept.
    pub backup_keep: Option<usize>,
    /// The store engine's page cache in MiB.
    pub store_cache_mb: Option<u64>,
    /// How often to rewrite the store files a depersonalisation marked: `10m` (see
    /// [`parse_every`]).
    pub store_rewrite_every: Option<String>,
    /// The SMTP server for the server's mail (a `[mail]` table); no mail without it.
    pub mail: Option<crate::mail::MailFile>,
    /// The largest file kept on a record, in MB (MiB).
    pub attachment_max_mb: Option<u64>,
    /// Hand a protocol over only with its signed scan attached.
    pub require_protocol_scan: Option<bool>,
}

/// The largest file kept on a record by default: 25 MB, a scanned protocol of some pages or a
/// report with its photos.
pub const DEFAULT_ATTACHMENT_MAX_BYTES: u64 = 25 << 20;

/// How often the store files are rewritten after a depersonalisation by default: its citizens'
/// old data is gone from the files within about this long.
pub const DEFAULT_STORE_REWRITE_EVERY: Duration = Duration::from_secs(600);

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Reading failed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Parsing failed.
    #[error("invalid configuration file {path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why.
        source: toml::de::Error,
    },
    /// An environment variable holds a value its setting cannot take.
    #[error("invalid value of {var}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// Why.
        message: String,
    },
    /// A period that does not read as a number and a unit.
    #[error(
        "invalid {key} {value:?}: write a whole number and s, m, h or d, e.g. \"1d\" or \"6h\""
    )]
    Period {
        /// The setting.
        key: &'static str,
        /// The value given.
        value: String,
    },
    /// Scheduled backups without the passphrase that encrypts every backup.
    #[error(
        "backup_every needs a backup passphrase (INFOGROUPS_BACKUP_PASSPHRASE or --backup-passphrase-file)"
    )]
    ScheduleWithoutKey,
    /// Only one of the TLS files was given.
    #[error("TLS needs both a certificate and a key")]
    HalfTls,
    /// A token lifetime outside the allowed range.
    #[error(
        "token lifetime {0} h is outside {MIN_TOKEN_TTL_HOURS}..={MAX_TOKEN_TTL_HOURS} h (1 hour to 30 days)"
    )]
    TokenTtl(u64),
    /// Listening beyond loopback without TLS, and the operator did not say so.
    #[error(
        "{0} is reachable beyond this host and TLS is off: passwords and citizens' data would \
         cross the network in clear. Set --tls-cert and --tls-key, or pass --insecure-listen \
         if a tunnel or a trusted network carries the traffic"
    )]
    InsecureListen(SocketAddr),
    /// The deadline rule is not one of the three.
    #[error("appeal_deadline_rule must be previous, next or unchanged, not {0:?}")]
    DeadlineRule(String),
    /// The `[mail]` table cannot be used.
    #[error(transparent)]
    Mail(#[from] crate::mail::settings::MailConfigError),
}

/// The shortest login token lifetime an operator may set, in hours.
pub const MIN_TOKEN_TTL_HOURS: u64 = 1;
/// The longest login token lifetime an operator may set, in hours (30 days): a stolen token stops
/// working within a month at worst.
pub const MAX_TOKEN_TTL_HOURS: u64 = 30 * 24;

/// The login token lifetime for an operator's setting in hours, refused outside 1 h..30 days.
pub fn token_ttl_hours(hours: u64) -> Result<Duration, ConfigError> {
    if (MIN_TOKEN_TTL_HOURS..=MAX_TOKEN_TTL_HOURS).contains(&hours) {
        Ok(Duration::from_secs(hours * 3600))
    } else {
        Err(ConfigError::TokenTtl(hours))
    }
}

/// Refuses to serve beyond loopback in clear unless the operator said so explicitly.
pub fn check_listen(addr: SocketAddr, tls: bool, insecure_ok: bool) -> Result<(), ConfigError> {
    if addr.ip().is_loopback() || tls || insecure_ok {
        Ok(())
    } else {
        Err(ConfigError::InsecureListen(addr))
    }
}

impl FileConfig {
    /// The deadline rule the file sets, if it sets one.
    pub fn appeal_rule(
        &self,
    ) -> Result<Option<infogroups_shared::calendar::NonWorkingRule>, ConfigError> {
        self.appeal_deadline_rule
            .as_deref()
            .map(|name| {
                infogroups_shared::calendar::NonWorkingRule::from_name(name)
                    .ok_or_else(|| ConfigError::DeadlineRule(name.to_string()))
            })
            .transpose()
    }

    /// Reads a TOML file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        Self::from_table(read_table(path)?, path)
    }

    /// The settings of the file at `path` (or of [`DEFAULT_CONFIG_FILE`] when `path` is `None`
    /// and that file exists), each overridden by its environment variable as `env` reads it.
    /// Returns the file actually read, if any.
    pub fn layered(
        path: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(Self, Option<PathBuf>), ConfigError> {
        let path = match path {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|p| p.exists()),
        };
        let mut table = match &path {
            Some(p) => read_table(p)?,
            None => toml::Table::new(),
        };
        // The file's own keys are checked first, so an error names the file, not a variable.
        if let Some(p) = &path {
            Self::from_table(table.clone(), p)?;
        }
        table.extend(env_table(env)?);
        let merged = Self::from_table(table, Path::new("(environment)"))?;
        Ok((merged, path))
    }

    fn from_table(table: toml::Table, path: &Path) -> Result<Self, ConfigError> {
        toml::Value::Table(table)
            .try_into()
            .map_err(|source| ConfigError::Parse {
                path: path.display().to_string(),
                source,
            })
    }
}

fn read_table(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.display().to_string(),
        source,
    })
}

/// A period such as `90s`, `30m`, `6h` or `1d` (whole numbers, above zero).
pub fn parse_every(key: &'static str, value: &str) -> Result<Duration, ConfigError> {
    let bad = || ConfigError::Period {
        key,
        value: value.to_string(),
    };
    let v = value.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (n, unit) = v.split_at(split);
    let n: u64 = n.parse().map_err(|_| bad())?;
    let unit_secs = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    match n.checked_mul(unit_secs) {
        Some(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(bad()),
    }
}

/// The name of the environment variable of a file setting: `backup_keep` → `INFOGROUPS_BACKUP_KEEP`.
pub fn env_var(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}

/// The settings given by environment variables, one per key of [`FileConfig`]. A value is read
/// as TOML (`8`, `true`, `"x"`) when it takes the setting that way, else as a plain string (a
/// path, an address), so `INFOGROUPS_DATA=/var/lib/infogroups` needs no quotes.
fn env_table(env: &dyn Fn(&str) -> Option<String>) -> Result<toml::Table, ConfigError> {
    let mut table = toml::Table::new();
    for key in file_keys() {
        let var = env_var(key);
        let Some(raw) = env(&var) else { continue };
        let typed = toml::from_str::<toml::Table>(&format!("v = {raw}"))
            .ok()
            .and_then(|mut t| t.remove("v"));
        let candidates = typed.into_iter().chain([toml::Value::String(raw)]);
        let mut last = String::new();
        let mut accepted = None;
        for value in candidates {
            let one = toml::Table::from_iter([(key.to_string(), value.clone())]);
            match toml::Value::Table(one).try_into::<FileConfig>() {
                Ok(_) => {
                    accepted = Some(value);
                    break;
                }
                Err(e) => last = e.message().to_string(),
            }
        }
        let value = accepted.ok_or(ConfigError::Env { var, message: last })?;
        table.insert(key.to_string(), value);
    }
    Ok(table)
}

/// The keys of [`FileConfig`], as serde knows them: a setting added to the struct is settable
/// from the environment with no list to keep in step.
pub fn file_keys() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = FileConfig::deserialize(Introspect(&mut fields));
    fields
}

/// A deserializer that only records the field names a struct asks for.
struct Introspect<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for Introspect<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom(
            "only a struct's field names are read",
        ))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Whether a setting's value is a secret, shown masked by `config check`.
pub fn is_secret(key: &str) -> bool {
    ["password", "passphrase", "secret"]
        .iter()
        .any(|w| key.contains(w))
}

/// A setting's value as `config check` prints it: a secret as `********`.
pub fn shown(key: &str, value: String) -> String {
    if is_secret(key) && !value.is_empty() {
        "********".into()
    } else {
        value
    }
}

/// The settings in force, as `key = value` pairs in the file's names, secrets masked.
pub fn effective(c: &Config) -> Vec<(&'static str, String)> {
    let path = |p: &Path| format!("{:?}", p.display().to_string());
    let tls = |f: fn(&TlsFiles) -> &PathBuf| c.tls.as_ref().map_or("(none)".into(), |t| path(f(t)));
    let rows = [
        ("data", path(&c.data_dir)),
        ("backup_dir", path(&c.backup_dir)),
        ("listen", format!("\"{}\"", c.listen)),
        ("tls_cert", tls(|t| &t.cert)),
        ("tls_key", tls(|t| &t.key)),
        (
            "token_ttl_hours",
            (c.token_ttl.as_secs() / 3600).to_string(),
        ),
        ("login_free_attempts", c.login_free_attempts.to_string()),
        ("max_request_bytes", c.max_request_bytes.to_string()),
        (
            "max_concurrent_streams",
            c.max_concurrent_streams.to_string(),
        ),
        ("reminder_days", c.reminder_days.to_string()),
        ("event_log_keep", c.log_bounds.events.to_string()),
        ("audit_live_keep", c.log_bounds.audit_live.to_string()),
        (
            "metrics",
            c.metrics.map_or("(none)".into(), |a| format!("\"{a}\"")),
        ),
        (
            "download_links",
            c.downloads.map_or("(none)".into(), |a| format!("\"{a}\"")),
        ),
        (
            "download_links_url",
            c.downloads_url
                .as_ref()
                .map_or("(from download_links)".into(), |u| format!("{u:?}")),
        ),
        (
            "backup_every",
            c.backup_every
                .map_or("(never)".into(), |d| format!("\"{}s\"", d.as_secs())),
        ),
        ("backup_keep", c.backup_keep.to_string()),
        ("store_cache_mb", (c.store_cache_bytes >> 20).to_string()),
        (
            "attachment_max_mb",
            (c.attachment_max_bytes >> 20).to_string(),
        ),
        ("require_protocol_scan", c.require_protocol_scan.to_string()),
        (
            "store_rewrite_every",
            format!("\"{}s\"", c.store_rewrite_every.as_secs()),
        ),
        (
            "mail.host",
            c.mail
                .as_ref()
                .map_or("(none)".into(), |m| format!("{:?}", m.host)),
        ),
        (
            "mail.port",
            c.mail
                .as_ref()
                .map_or("(none)".into(), |m| m.port.to_string()),
        ),
        (
            "mail.tls",
            c.mail
                .as_ref()
                .map_or("(none)".into(), |m| format!("\"{}\"", m.tls.name())),
        ),
        (
            "mail.user",
            c.mail
                .as_ref()
                .and_then(|m| m.credentials.as_ref())
                .map_or("(none)".into(), |(u, _)| format!("{u:?}")),
        ),
        (
            "mail.from",
            c.mail
                .as_ref()
                .map_or("(none)".into(), |m| format!("{:?}", m.from)),
        ),
        (
            "mail.password",
            c.mail
                .as_ref()
                .and_then(|m| m.credentials.as_ref())
                .map_or(String::new(), |_| "set".into()),
        ),
        (
            "backup_passphrase",
            c.backup_key
                .as_ref()
                .map_or(String::new(), |_| "set".into()),
        ),
        (
            "admin_password",
            c.admin_password.clone().unwrap_or_default(),
        ),
    ];
    rows.into_iter()
        .map(|(k, v)| {
            let v = shown(k, v);
            (k, if v.is_empty() { "(none)".into() } else { v })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lifetimes_are_bounded_and_clear_text_stays_on_loopback() {
        assert!(token_ttl_hours(0).is_err());
        assert!(token_ttl_hours(u64::MAX).is_err());
        assert!(token_ttl_hours(721).is_err());
        assert_eq!(token_ttl_hours(1).ok(), Some(Duration::from_secs(3600)));
        assert!(token_ttl_hours(720).is_ok());
        let wide: SocketAddr = ([0, 0, 0, 0], 50051).into();
        let lo: SocketAddr = ([127, 0, 0, 1], 50051).into();
        assert!(check_listen(lo, false, false).is_ok());
        assert!(matches!(
            check_listen(wide, false, false),
            Err(ConfigError::InsecureListen(_))
        ));
        assert!(check_listen(wide, true, false).is_ok());
        assert!(check_listen(wide, false, true).is_ok());
    }

    #[test]
    fn file_config_parses_and_rejects_unknown_keys() {
        let ok: Result<FileConfig, _> = toml::from_str(
            "data = \"/var/lib/ig\"\nlisten = \"0.0.0.0:50051\"\ntoken_ttl_hours = 8\n\
             max_request_bytes = 1048576\nmax_concurrent_streams = 32\nevent_log_keep = 50000\n",
        );
        assert!(ok.is_ok_and(|c| c.token_ttl_hours == Some(8)
            && c.max_request_bytes == Some(1_048_576)
            && c.max_concurrent_streams == Some(32)
            && c.event_log_keep == Some(50_000)));
        let bad: Result<FileConfig, _> = toml::from_str("listne = \"x\"\n");
        assert!(bad.is_err());
    }

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn every_file_key_is_known_and_has_its_variable() {
        let keys = file_keys();
        for k in [
            "data",
            "listen",
            "tls_key",
            "event_log_keep",
            "audit_live_keep",
        ] {
            assert!(keys.contains(&k), "{k} in {keys:?}");
        }
        assert_eq!(env_var("max_request_bytes"), "INFOGROUPS_MAX_REQUEST_BYTES");
    }

    #[test]
    fn the_environment_overrides_the_file_and_takes_plain_values() -> Result<(), ConfigError> {
        let dir = tempfile::tempdir().map_err(|source| ConfigError::Read {
            path: "tempdir".into(),
            source,
        })?;
        let file = dir.path().join("server.toml");
        std::fs::write(
            &file,
            "data = \"/from/file\"\nreminder_days = 3\nmax_request_bytes = 100\n",
        )
        .map_err(|source| ConfigError::Read {
            path: file.display().to_string(),
            source,
        })?;
        let env = env_of(&[
            ("INFOGROUPS_DATA", "/from/env"),
            ("INFOGROUPS_LISTEN", "0.0.0.0:50051"),
            ("INFOGROUPS_REMINDER_DAYS", "5"),
            // Not a setting: the client's server URL, the admin password — never a file key.
            ("INFOGROUPS_SERVER", "http://x"),
        ]);
        let (c, read) = FileConfig::layered(Some(&file), &env)?;
        assert_eq!(read.as_deref(), Some(file.as_path()));
        assert_eq!(c.data, Some(PathBuf::from("/from/env")));
        assert_eq!(c.listen, "0.0.0.0:50051".parse().ok());
        assert_eq!(c.reminder_days, Some(5));
        assert_eq!(c.max_request_bytes, Some(100));
        Ok(())
    }

    #[test]
    fn a_bad_variable_is_named() {
        let env = env_of(&[("INFOGROUPS_REMINDER_DAYS", "soon")]);
        let e = FileConfig::layered(Some(Path::new("/nonexistent/x.toml")), &env);
        assert!(matches!(e, Err(ConfigError::Read { .. })));
        let dir = tempfile::tempdir().ok();
        let empty = dir.as_ref().map(|d| d.path().join("empty.toml"));
        if let Some(p) = &empty {
            assert!(std::fs::write(p, "").is_ok());
        }
        let e = FileConfig::layered(empty.as_deref(), &env);
        assert!(
            matches!(&e, Err(ConfigError::Env { var, .. }) if var == "INFOGROUPS_REMINDER_DAYS"),
            "{e:?}"
        );
    }

    #[test]
    fn secrets_are_masked_and_the_rest_shown() {
        let mut c = Config::new("/var/lib/infogroups");
        c.admin_password = Some("hunter2".into());
        let rows = effective(&c);
        let get = |k: &str| rows.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("admin_password"), Some("********"));
        assert_eq!(get("data"), Some("\"/var/lib/infogroups\""));
        assert_eq!(get("backup_dir"), Some("\"/var/lib/infogroups-backups\""));
        assert_eq!(get("tls_cert"), Some("(none)"));
        assert!(!rows.iter().any(|(_, v)| v.contains("hunter2")));
        let table = [
            ("backup_passphrase", true),
            ("admin_password", true),
            ("client_secret", true),
            ("token_ttl_hours", false),
            ("tls_key", false),
        ];
        for (k, secret) in table {
            assert_eq!(is_secret(k), secret, "{k}");
        }
        c.admin_password = None;
        assert_eq!(
            effective(&c)
                .iter()
                .find(|(n, _)| *n == "admin_password")
                .map(|(_, v)| v.as_str()),
            Some("(none)")
        );
    }

    #[test]
    fn the_download_links_settings_are_shown_under_their_file_keys() {
        let mut c = Config::new("/var/lib/infogroups");
        let get = |c: &Config, k: &str| {
            effective(c)
                .into_iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v)
        };
        assert_eq!(get(&c, "download_links").as_deref(), Some("(none)"));
        c.downloads = "0.0.0.0:8443".parse().ok();
        c.downloads_url = Some("https://ig.example.org:8443".into());
        assert_eq!(
            get(&c, "download_links").as_deref(),
            Some("\"0.0.0.0:8443\"")
        );
        assert_eq!(
            get(&c, "download_links_url").as_deref(),
            Some("\"https://ig.example.org:8443\"")
        );
        for k in ["download_links", "download_links_url"] {
            assert!(file_keys().contains(&k), "{k} is settable from the file");
        }
    }

    #[test]
    fn the_mail_table_parses_and_its_password_is_masked() {
        let file: Result<FileConfig, _> = toml::from_str(
            "[mail]\nhost = \"127.0.0.1\"\nport = 2525\ntls = \"none\"\nuser = \"ig\"\n\
             password_env = \"IG_SMTP\"\nfrom = \"ig@example.org\"\n",
        );
        let mail = file.ok().and_then(|f| f.mail);
        let env = |k: &str| (k == "IG_SMTP").then(|| "s3cret".to_string());
        let mut c = Config::new("/x");
        c.mail = mail.and_then(|m| m.resolve(&env).ok());
        let rows = effective(&c);
        let get = |k: &str| rows.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("mail.port"), Some("2525"));
        assert_eq!(get("mail.tls"), Some("\"none\""));
        assert_eq!(get("mail.password"), Some("********"));
        assert!(!rows.iter().any(|(_, v)| v.contains("s3cret")));
        let unknown: Result<FileConfig, _> =
            toml::from_str("[mail]\nhost = \"h\"\nfrom = \"a@b.c\"\npasword = \"x\"\n");
        assert!(unknown.is_err());
        assert_eq!(get("mail.host"), Some("\"127.0.0.1\""));
        assert!(
            effective(&Config::new("/x"))
                .iter()
                .any(|(k, v)| *k == "mail.host" && v == "(none)")
        );
    }

    #[test]
    fn periods_read_as_a_number_and_a_unit() {
        let ok = [
            ("90s", 90),
            ("30m", 1800),
            ("6h", 21_600),
            ("1d", 86_400),
            (" 2d ", 172_800),
        ];
        for (text, secs) in ok {
            assert_eq!(
                parse_every("backup_every", text).ok(),
                Some(Duration::from_secs(secs)),
                "{text}"
            );
        }
        for bad in [
            "",
            "d",
            "0h",
            "1.5h",
            "1w",
            "-1d",
            "h1",
            "99999999999999999999d",
        ] {
            assert!(
                matches!(
                    parse_every("backup_every", bad),
                    Err(ConfigError::Period { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_deadline_rule_is_one_of_three_and_previous_by_default() {
        use infogroups_shared::calendar::NonWorkingRule as R;
        assert_eq!(
            Config::new("/x").appeal_non_working_rule,
            R::PreviousWorkingDay
        );
        for (text, rule) in [
            ("previous", R::PreviousWorkingDay),
            ("next", R::NextWorkingDay),
            ("unchanged", R::Unchanged),
        ] {
            let file: FileConfig =
                toml::from_str(&format!("appeal_deadline_rule = \"{text}\"\n")).unwrap_or_default();
            assert_eq!(file.appeal_rule().ok().flatten(), Some(rule), "{text}");
        }
        let file: FileConfig =
            toml::from_str("appeal_deadline_rule = \"later\"\n").unwrap_or_default();
        assert!(file.appeal_rule().is_err());
        assert!(
            FileConfig::default()
                .appeal_rule()
                .is_ok_and(|r| r.is_none())
        );
    }

    #[test]
    fn backups_go_beside_the_data_directory() {
        assert_eq!(
            default_backup_dir(Path::new("/var/lib/infogroups/")),
            PathBuf::from("/var/lib/infogroups-backups")
        );
    }
}
