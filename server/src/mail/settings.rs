//! The `[mail]` table of the configuration file: which SMTP server carries the server's mail,
//! how it is reached, and who the mail is from. Mail is off when the table is absent.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailTls {
    /// Plain connection upgraded with STARTTLS (port 587); refused if the server cannot.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for an SMTP server on this host (a local relay, a test sink).
    None,
}

impl MailTls {
    /// The mode named in the file: `starttls`, `tls` or `none`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// The mode's name as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::StartTls => "starttls",
            Self::Tls => "tls",
            Self::None => "none",
        }
    }
}

/// The `[mail]` table as written; every key but `host` and `from` optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailFile {
    /// The SMTP server's host name or address.
    pub host: String,
    /// Its port; 587 for `starttls`, 465 for `tls`, 25 for `none` by default.
    pub port: Option<u16>,
    /// `starttls` (the default), `tls` or `none`.
    pub tls: Option<String>,
    /// The SMTP account; no authentication without it.
    pub user: Option<String>,
    /// The environment variable holding the account's password.
    pub password_env: Option<String>,
    /// A file holding the account's password (its first line).
    pub password_file: Option<PathBuf>,
    /// The sender address, e.g. `Инфогруппы <infogroups@novoshakhtinsk.ru>`.
    pub from: String,
    /// Attempts before a message is marked failed (5 by default).
    pub max_attempts: Option<u32>,
    /// The delay before the first retry, in seconds (60 by default); each next one doubles.
    pub retry_seconds: Option<u64>,
}

/// The mail settings in force.
#[derive(Clone)]
pub struct MailConfig {
    /// The SMTP server's host.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How the connection is protected.
    pub tls: MailTls,
    /// The SMTP account and its password, when the server asks for a login.
    pub credentials: Option<(String, String)>,
    /// The sender address.
    pub from: String,
    /// Attempts before a message is marked failed.
    pub max_attempts: u32,
    /// The delay before the first retry; each next one doubles.
    pub retry_base: Duration,
}

// By hand, so a debug print never shows the password.
impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .field("from", &self.from)
            .field("max_attempts", &self.max_attempts)
            .field("retry_base", &self.retry_base)
            .finish()
    }
}

/// Why the `[mail]` table cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    /// The TLS mode is not one of the three.
    #[error("mail.tls must be starttls, tls or none, not {0:?}")]
    Tls(String),
    /// Clear text to a host beyond this one.
    #[error(
        "mail.tls = \"none\" is allowed only for an SMTP server on this host, not {0:?}: the \
         password and the mail would cross the network in clear"
    )]
    ClearBeyondLoopback(String),
    /// The sender address does not parse.
    #[error("mail.from is not a mail address: {0}")]
    From(String),
    /// A user without a password, or a password without a user.
    #[error("mail.user needs mail.password_env or mail.password_file, and they need mail.user")]
    HalfLogin,
    /// The password's variable is not set.
    #[error("mail.password_env names {0}, which is not set")]
    PasswordEnv(String),
    /// The password's file cannot be read.
    #[error("cannot read mail.password_file {path}: {source}")]
    PasswordFile {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The host is empty.
    #[error("mail.host is empty")]
    Host,
}

/// Whether `host` names this machine.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl MailFile {
    /// The settings in force, the password read from where the file points (`env` reads a
    /// variable).
    pub fn resolve(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<MailConfig, MailConfigError> {
        let host = self.host.trim().to_string();
        if host.is_empty() {
            return Err(MailConfigError::Host);
        }
        let tls = match self.tls.as_deref() {
            None => MailTls::StartTls,
            Some(name) => {
                MailTls::from_name(name).ok_or_else(|| MailConfigError::Tls(name.to_string()))?
            }
        };
        if tls == MailTls::None && !is_loopback(&host) {
            return Err(MailConfigError::ClearBeyondLoopback(host));
        }
        self.from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| MailConfigError::From(e.to_string()))?;
        let password = match (&self.password_env, &self.password_file) {
            (Some(var), _) => {
                Some(env(var).ok_or_else(|| MailConfigError::PasswordEnv(var.clone()))?)
            }
            (None, Some(path)) => Some(
                std::fs::read_to_string(path)
                    .map_err(|source| MailConfigError::PasswordFile {
                        path: path.display().to_string(),
                        source,
                    })?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ),
            (None, None) => None,
        };
        let credentials = match (&self.user, password) {
            (Some(u), Some(p)) => Some((u.clone(), p)),
            (None, None) => None,
            _ => return Err(MailConfigError::HalfLogin),
        };
        let port = self.port.unwrap_or(match tls {
            MailTls::StartTls => 587,
            MailTls::Tls => 465,
            MailTls::None => 25,
        });
        Ok(MailConfig {
            host,
            port,
            tls,
            credentials,
            from: self.from.clone(),
            max_attempts: self.max_attempts.unwrap_or(5).max(1),
            retry_base: Duration::from_secs(self.retry_seconds.unwrap_or(60).max(1)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> MailFile {
        toml::from_str(text).unwrap_or_default()
    }

    #[test]
    fn defaults_follow_the_tls_mode_and_clear_text_stays_on_this_host() {
        let no_env = |_: &str| None;
        let c = file("host = \"smtp.example.org\"\nfrom = \"ig@example.org\"\n").resolve(&no_env);
        assert!(
            c.is_ok_and(|c| c.tls == MailTls::StartTls && c.port == 587 && c.credentials.is_none())
        );
        let c = file("host = \"smtp.example.org\"\ntls = \"tls\"\nfrom = \"ig@example.org\"\n")
            .resolve(&no_env);
        assert!(c.is_ok_and(|c| c.port == 465));
        let clear =
            file("host = \"smtp.example.org\"\ntls = \"none\"\nfrom = \"ig@example.org\"\n");
        assert!(matches!(
            clear.resolve(&no_env),
            Err(MailConfigError::ClearBeyondLoopback(_))
        ));
        let local =
            file("host = \"127.0.0.1\"\nport = 2525\ntls = \"none\"\nfrom = \"ig@example.org\"\n");
        assert!(local.resolve(&no_env).is_ok_and(|c| c.port == 2525));
        let bad = file("host = \"h\"\ntls = \"ssl\"\nfrom = \"ig@example.org\"\n");
        assert!(matches!(bad.resolve(&no_env), Err(MailConfigError::Tls(_))));
        let bad_from = file("host = \"h\"\nfrom = \"not an address\"\n");
        assert!(matches!(
            bad_from.resolve(&no_env),
            Err(MailConfigError::From(_))
        ));
    }

    #[test]
    fn the_password_comes_from_its_variable_and_is_never_printed() {
        let f = file(
            "host = \"h\"\nfrom = \"ig@example.org\"\nuser = \"ig\"\npassword_env = \"IG_SMTP\"\n",
        );
        assert!(matches!(
            f.resolve(&|_| None),
            Err(MailConfigError::PasswordEnv(v)) if v == "IG_SMTP"
        ));
        let env = |k: &str| (k == "IG_SMTP").then(|| "s3cret".to_string());
        let c = f.resolve(&env);
        assert!(
            c.as_ref()
                .is_ok_and(|c| c.credentials == Some(("ig".to_string(), "s3cret".to_string())))
        );
        assert!(c.is_ok_and(|c| !format!("{c:?}").contains("s3cret")));
        let half = file("host = \"h\"\nfrom = \"ig@example.org\"\nuser = \"ig\"\n");
        assert!(matches!(
            half.resolve(&|_| None),
            Err(MailConfigError::HalfLogin)
        ));
    }
}
