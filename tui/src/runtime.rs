//! The event loop: the one reader of terminal input, the app's message queue, the clock tick and
//! frame pacing. Messages are drained in batches and the screen is drawn at most once per frame —
//! except right after the user's own input, which is drawn at once: a person types far slower
//! than 60 keys a second, and waiting out the frame would only add up to 16 ms to every key.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

use crate::app::{self, Msg, State};
use crate::effects::Effects;
use crate::terminal::Term;
use crate::view;

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
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

/// Runs the app until it quits or the terminal's input ends.
pub async fn run(
    terminal: &mut Term,
    state: &mut State,
    effects: &mut Effects,
    tx: UnboundedSender<Msg>,
    mut rx: UnboundedReceiver<Msg>,
) -> std::io::Result<()> {
    // Keep our own sender alive so `recv` never reports a closed queue while the app runs.
    let _tx = tx;
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size()?;
    let mut batch = vec![Msg::Resize {
        width: size.width,
        height: size.height,
    }];
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        // Apply everything queued, then draw if due.
        let typed = batch
            .iter()
            .any(|m| matches!(m, Msg::Key(_) | Msg::Resize { .. }));
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
        let now = Instant::now();
        if dirty && (typed || now >= last_draw + FRAME) {
            terminal.draw(|frame| view::view(state, frame))?;
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
        // Poll the input with this task's own waker (a no-op waker would be kept by crossterm's
        // reader thread, and the next key would only be noticed at the next tick).
        loop {
            tokio::select! {
                biased;
                event = input.next() => match event {
                    Some(Ok(event)) => batch.extend(translate(event)),
                    _ => break,
                },
                () = std::future::ready(()) => break,
            }
        }
    }
}
