//! The server's logs: to standard error, which is the journal under systemd. The filter follows
//! `RUST_LOG` as every Rust service does, with `INFOGROUPS_LOG` kept as an alias (it wins when
//! both are set, being the more specific); colour only on a terminal, so files and the journal get
//! no escape codes; JSON lines for a collector. Nothing logs tokens, passwords or personal data.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (for the journal's collectors, Loki, Elasticsearch).
    Json,
}

/// The filter directives from the two variables (values as read from the environment), or
/// `default` when neither is set to something non-empty.
pub fn directives(infogroups_log: Option<&str>, rust_log: Option<&str>, default: &str) -> String {
    [infogroups_log, rust_log]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or(default)
        .to_string()
}

/// The filter from `INFOGROUPS_LOG` or `RUST_LOG`, else `default`. A directive that does not
/// parse is skipped (and said so on standard error by the filter), never fatal.
pub fn env_filter(default: &str) -> EnvFilter {
    let own = std::env::var("INFOGROUPS_LOG").ok();
    let rust = std::env::var("RUST_LOG").ok();
    EnvFilter::builder().parse_lossy(directives(own.as_deref(), rust.as_deref(), default))
}

/// Whether to colour: only on a terminal, and never with `NO_COLOR` set (https://no-color.org).
pub fn colour(is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Installs the server's subscriber writing to standard error.
pub fn init(format: LogFormat) {
    let filter = env_filter("info");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .log_internal_errors(false);
    // `try_init`: a second subscriber (tests running `main` twice) keeps the first.
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(colour(
                std::io::stderr().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
            ))
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn the_own_variable_wins_then_rust_log_then_the_default() {
        let cases = [
            (Some("debug"), Some("warn"), "debug"),
            (None, Some("warn,sled=error"), "warn,sled=error"),
            (Some(""), Some("warn"), "warn"),
            (Some("  "), None, "info"),
            (None, None, "info"),
        ];
        for (own, rust, want) in cases {
            assert_eq!(directives(own, rust, "info"), want, "{own:?} {rust:?}");
        }
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some(OsStr::new(""))));
        assert!(!colour(true, Some(OsStr::new("1"))));
        assert!(!colour(false, None));
    }
}
