//! The event loop: the one reader of terminal input, the app's message queue, the clock tick and
//! frame pacing. Messages are drained in batches and the screen is drawn at most once per frame —
//! except right after the user's own input, which is drawn at once: a person types far slower
//! than 60 keys a second, and waiting out the frame would only add up to 16 ms to every key.
//!
//! Keys typed before the login screen is first drawn are dropped: they were typed blind (the
//! embedded demo takes seconds to start) and would land in whichever field happened to have the
//! focus — half a password in the user name is worse than typing it again.

use std::future::Future;
use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use infogroups_shared::names::Lang;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

use crate::app::State;
use crate::msg::Msg;
use crate::net::effects::Effects;
use crate::ui::theme::Theme;
use crate::{app, view};

/// The shortest time between two frames (~60 per second).
const FRAME: Duration = Duration::from_millis(16);
/// How often time moves on for the app (live indicator, flash expiry, the day's change).
const TICK: Duration = Duration::from_millis(250);

/// The local clock, UTC ms.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn translate(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

/// The next input event if one is ready now, without waiting. Polled with this task's own waker
/// (a no-op waker would be kept by crossterm's reader thread, and the next key would only be
/// noticed at the next tick).
async fn ready_event<S>(input: &mut S) -> Option<io::Result<Event>>
where
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    tokio::select! {
        biased;
        event = input.next() => event,
        () = std::future::ready(()) => None,
    }
}

/// Takes every input event already waiting, before the first frame: keys are dropped (typed
/// blind), resizes are kept.
pub async fn typed_ahead<S>(input: &mut S) -> Vec<Msg>
where
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut kept = Vec::new();
    let mut dropped = 0usize;
    while let Some(Ok(event)) = ready_event(input).await {
        match translate(event) {
            Some(Msg::Key(_) | Msg::Paste(_)) => dropped += 1,
            Some(msg) => kept.push(msg),
            None => {}
        }
    }
    if dropped > 0 {
        tracing::info!(keys = dropped, "dropped keys typed before the first frame");
    }
    kept
}

/// Shows "Starting…" while `work` runs (the embedded demo server starting); keys typed meanwhile
/// are dropped, a resize draws the frame again.
pub async fn starting<T, B, S>(
    terminal: &mut Terminal<B>,
    input: &mut S,
    lang: Lang,
    theme: Theme,
    work: impl Future<Output = T>,
) -> io::Result<T>
where
    B: Backend<Error = io::Error>,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut work = std::pin::pin!(work);
    let mut input_open = true;
    loop {
        terminal.draw(|frame| view::starting::draw(lang, theme, frame))?;
        loop {
            tokio::select! {
                done = &mut work => return Ok(done),
                event = input.next(), if input_open => match event {
                    Some(Ok(Event::Resize(..))) => break,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e),
                    // The app's loop notices the end of input; the start is not cut short.
                    None => input_open = false,
                },
            }
        }
    }
}

/// When the app's loop ends besides quitting and the end of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Only then: back at the login screen the next person may sign in (the own terminal).
    Quit,
    /// Also when the session ends (signed out, revoked, archived): a terminal that came signed
    /// in (an SSH session) has no one else to sign in, so it is closed.
    SignedOut,
}

/// Runs the app on `terminal` (any backend: the process's own terminal or an SSH channel) with
/// events from `input` until it quits, the input ends, or `until` says so.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    effects: &mut Effects,
    mut input: S,
    channel: (UnboundedSender<Msg>, UnboundedReceiver<Msg>),
    until: Until,
) -> io::Result<()>
where
    B: Backend<Error = io::Error> + io::Write,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let (tx, mut rx) = channel;
    // Keep our own sender alive so `recv` never reports a closed queue while the app runs.
    let _tx = tx;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size()?;
    let mut batch = vec![Msg::Resize {
        width: size.width,
        height: size.height,
    }];
    batch.extend(typed_ahead(&mut input).await);
    let mut dirty = true;
    let mut signed_in = false;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        // Apply everything queued, then draw if due.
        let typed = batch
            .iter()
            .any(|m| matches!(m, Msg::Key(_) | Msg::Paste(_) | Msg::Resize { .. }));
        if !batch.is_empty() {
            for cmd in app::update_all(state, batch.drain(..)) {
                effects.run(cmd);
            }
            dirty = true;
        }
        if state.quit {
            tracing::info!("quit");
            return Ok(());
        }
        // Signed in once and signed out since: the login is not offered again.
        signed_in |= state.session.is_some();
        if until == Until::SignedOut && signed_in && state.session.is_none() {
            tracing::info!("session ended; closing the terminal");
            return Ok(());
        }
        let now = Instant::now();
        if dirty && (typed || now >= last_draw + FRAME) {
            let drawn = terminal.draw(|frame| view::view(state, frame))?;
            let link = crate::term::links::shown_link(state)
                .and_then(|url| Some((crate::term::links::find_in(drawn.buffer, url)?, url)));
            if let Some((at, url)) = link {
                crate::term::links::mark_link(terminal.backend_mut(), at, url)?;
            }
            last_draw = now;
            dirty = false;
        }
        let next_frame = last_draw + FRAME;
        tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => batch.extend(translate(event)),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "terminal input failed");
                    return Err(e);
                }
                None => {
                    tracing::info!("terminal input ended");
                    for cmd in app::drafts::at_input_end(state) {
                        effects.run(cmd);
                    }
                    return Ok(());
                }
            },
            Some(msg) = rx.recv() => batch.push(msg),
            _ = tick.tick() => batch.push(Msg::Tick { now_ms: now_ms() }),
            () = tokio::time::sleep_until(next_frame), if dirty => {}
        }
        // Drain what else is ready without waiting: a burst of events becomes one frame.
        while let Ok(msg) = rx.try_recv() {
            batch.push(msg);
        }
        while let Some(Ok(event)) = ready_event(&mut input).await {
            batch.extend(translate(event));
        }
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use futures::stream;

    use super::*;

    fn key(code: KeyCode) -> io::Result<Event> {
        Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    #[tokio::test]
    async fn keys_typed_before_the_first_frame_are_dropped_and_a_resize_is_kept() {
        let early = vec![
            key(KeyCode::Char('p')),
            key(KeyCode::Char('w')),
            Ok(Event::Resize(100, 30)),
            key(KeyCode::Enter),
        ];
        // Nothing more is typed yet: the stream waits after them.
        let mut input = stream::iter(early).chain(stream::pending());
        let kept = typed_ahead(&mut input).await;
        assert!(
            matches!(
                kept.as_slice(),
                [Msg::Resize {
                    width: 100,
                    height: 30
                }]
            ),
            "{kept:?}"
        );
    }

    #[tokio::test]
    async fn a_key_typed_after_the_first_frame_reaches_the_app() {
        let (typed, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut input = tokio_stream::wrappers::UnboundedReceiverStream::new(rx);
        typed.send(key(KeyCode::Char('x'))).ok();
        assert!(typed_ahead(&mut input).await.is_empty());
        // The input is drained, not closed: what is typed next is read by the app's loop.
        typed.send(key(KeyCode::Char('s'))).ok();
        let next = ready_event(&mut input).await;
        assert!(
            matches!(next, Some(Ok(Event::Key(k))) if k.code == KeyCode::Char('s')),
            "{next:?}"
        );
    }
}
