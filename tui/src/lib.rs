//! The Infogroups terminal client.
//!
//! The shape (see `docs/architecture.md`): one owner of terminal input ([`term::runtime`]), a
//! sync task ([`net::sync`]) that keeps a local [`replica`] current, and an Elm-style [`app`] —
//! `update(state, message) → commands` and a pure [`view`]. Commands run in [`net::effects`] and
//! come back as messages. Each feature ([`features`]) has its screens, lists and forms, built on
//! feature-free components ([`ui`]); keys map to named commands ([`keymap`]); every string is in
//! [`strings`].

#![warn(missing_docs)]

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod features;
pub mod keymap;
pub mod logging;
pub mod msg;
pub mod net;
pub mod replica;
pub mod session;
pub mod signed_in;
pub mod strings;
pub mod term;
pub mod ui;
pub mod view;

use anyhow::Context;
use crossterm::event::EventStream;
use infogroups_shared::names::Lang;

use crate::app::{Init, State};
use crate::cli::Cli;
use crate::demo::DemoServer;
use crate::net::connection::Connection;
use crate::net::effects::Effects;
use crate::ui::theme::Theme;

/// Runs the client with these arguments until the user quits.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let loaded = config::load(cli.config.as_deref())?;
    let lang: Lang = cli.lang.map(Lang::from).or(loaded.lang).unwrap_or_default();
    let log = logging::init(cli.log_file.as_deref());
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        demo = cli.demo,
        "client starting"
    );

    // The terminal first: keys typed while the demo starts are neither echoed (a password would
    // stand on the screen in the clear) nor left for the login form (see `term::runtime`).
    let mut guard = term::terminal::enter().context("cannot use this terminal")?;
    let mut input = EventStream::new();
    let theme = Theme::from_env();
    let demo = if cli.demo {
        let start = DemoServer::start(cli.listen, cli.clock);
        match term::runtime::starting(&mut guard.terminal, &mut input, lang, theme, start).await {
            Ok(Ok(d)) => Some(d),
            Ok(Err(e)) => return Err(anyhow::Error::from(e).context("demo")),
            Err(e) => return Err(anyhow::Error::from(e).context("cannot use this terminal")),
        }
    } else {
        None
    };
    let server = demo
        .as_ref()
        .map_or_else(|| cli.server.clone(), DemoServer::url);
    let conn = match Connection::new(&server, cli.ca_cert.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            drop(guard);
            if let Some(d) = demo {
                d.stop().await;
            }
            return Err(e.into());
        }
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let downloads =
        net::saving::Downloads::resolve(cli.downloads.as_deref().or(loaded.downloads.as_deref()));
    let drafts = net::drafts::DraftStore::resolve(cli.drafts.as_deref(), &server);
    let mut effects = Effects::new(conn, tx.clone(), downloads).with_drafts(drafts);
    let mut state = State::new(Init {
        lang,
        theme,
        keymap: loaded.keymap,
        server: server.clone(),
        demo: demo
            .as_ref()
            .map(|d| d.accounts().to_vec())
            .unwrap_or_default(),
        username: cli.user.clone(),
        now_ms: term::runtime::now_ms(),
        size: (80, 24),
    });

    let result = term::runtime::run(
        &mut guard.terminal,
        &mut state,
        &mut effects,
        input,
        (tx, rx),
        term::runtime::Until::Quit,
    )
    .await
    .map_err(anyhow::Error::from);
    drop(guard);
    effects.shutdown().await;
    if let Some(d) = demo {
        d.stop().await;
    }
    if let Err(e) = &result {
        tracing::error!(error = %e, "client stopped with an error");
    }
    tracing::info!("client stopped");
    if result.is_err()
        && let Some(path) = log
    {
        eprintln!("log: {}", path.display());
    }
    result
}
