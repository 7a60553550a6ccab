//! Server settings: command line, `INFOGROUPS_*` environment variables and a TOML file, in that
//! order of precedence, over built-in defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::clock::Clock;
use crate::db::retention::LogBounds;

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
    /// The operator accepts serving beyond loopback without TLS (`--insecure-listen`).
    pub insecure_listen: bool,
    /// The clock: the system's, or a training one (`serve --clock`).
    pub clock: Clock,
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
            reminder_days: 2,
            quarter_warning_days: 10,
            appeal_number_format: "ИГ-{year}-{seq}".into(),
            appeal_non_working_rule: infogroups_shared::calendar::NonWorkingRule::DEFAULT,
            repeat_window_days: 365,
            retention_years: 5,
            log_bounds: DEFAULT_LOG_BOUNDS,
            insecure_listen: false,
            clock: Clock::system(),
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
}

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
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.display().to_string(),
            source,
        })
    }
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
