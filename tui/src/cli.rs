//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use infogroups_shared::names::Lang;

/// The default server address.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:50051";

/// An interface language on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Russian.
    Ru,
    /// English.
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Ru => Lang::Ru,
            LangArg::En => Lang::En,
        }
    }
}

/// Infogroups: the terminal client of the information groups of the Novoshakhtinsk city
/// administration.
#[derive(Debug, Clone, Parser)]
#[command(name = "infogroups", version = infogroups_server::LONG_VERSION, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    /// Start a demo server inside this program (a fresh demo city, gone on exit) and connect to it.
    #[arg(long)]
    pub demo: bool,

    /// With --demo: the address the embedded server listens on, so that other clients can join
    /// it with --server (default: a free loopback port).
    #[arg(long, requires = "demo", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// With --demo: start the demo's training clock at this Moscow time (e.g. 2026-03-02T09:00)
    /// instead of now. The demo always runs a training clock that the administrator moves
    /// forward, so a trainer can show a whole quarter in an hour.
    #[arg(long, requires = "demo", value_name = "YYYY-MM-DDTHH:MM", value_parser = parse_clock)]
    pub clock: Option<i64>,

    /// The server to connect to (not used with --demo, which connects to its own).
    #[arg(
        long,
        value_name = "URL",
        env = "INFOGROUPS_SERVER",
        default_value = DEFAULT_SERVER
    )]
    pub server: String,

    /// PEM file of the certificate authority that signed the server's TLS certificate (https URLs).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Interface language [default: ru].
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Username to put in the login form.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// Configuration file (TOML: `lang`, `[keys]`) [default: ~/.config/infogroups/tui.toml].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Folder documents and exports are saved into [default: the XDG download folder, else
    /// ~/Downloads]; a file already there is never replaced.
    #[arg(long, value_name = "DIR", env = "INFOGROUPS_DOWNLOADS")]
    pub downloads: Option<PathBuf>,

    /// Folder the drafts of unsent forms are kept in, one file per user and server, until sent
    /// or dropped [default: ~/.local/state/infogroups/drafts]; an embedding passes its own.
    #[arg(long, value_name = "DIR", env = "INFOGROUPS_DRAFTS")]
    pub drafts: Option<PathBuf>,

    /// Log file [default: ~/.local/state/infogroups/infogroups.log], rotated at 5 MiB; level from
    /// RUST_LOG or INFOGROUPS_LOG.
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    /// Instead of starting the interface: generate shell completions or man pages.
    #[command(subcommand)]
    pub command: Option<Tool>,
}

/// What the client does instead of starting its interface.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Tool {
    /// Generate shell completions or man pages.
    Generate {
        /// What to generate.
        #[command(subcommand)]
        what: infogroups_server::completions::Generate,
    },
}

/// Reads `--clock`: a Moscow time as `YYYY-MM-DDTHH:MM`, to UTC milliseconds.
fn parse_clock(text: &str) -> Result<i64, String> {
    infogroups_shared::city_time::parse_minute(text)
        .ok_or_else(|| format!("expected a Moscow time like 2026-03-02T09:00, not {text:?}"))
}

const AFTER_HELP: &str = "\
Examples:
  infogroups --demo                         try it with a demo city
  infogroups --demo --listen 127.0.0.1:50061  a demo others can join
  infogroups --demo --clock 2026-03-02T09:00  a demo on training time from that moment
  infogroups --server http://127.0.0.1:50061 --user sek1

Keys: ? shows them on every screen; q quits; key bindings can be changed in the configuration
file, e.g.
  [keys]
  quit = \"x\"
  submit_report = [\"r\", \"ctrl+r\"]";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let demo = Cli::try_parse_from(["infogroups", "--demo", "--listen", "127.0.0.1:50061"]);
        assert!(demo.is_ok_and(|c| c.demo && c.listen.is_some()));
        assert!(Cli::try_parse_from(["infogroups", "--listen", "127.0.0.1:1"]).is_err());
        let en = Cli::try_parse_from(["infogroups", "--lang", "en", "--user", "sek1"]);
        assert!(en.is_ok_and(|c| c.lang == Some(LangArg::En) && c.user.as_deref() == Some("sek1")));
    }
}
