//! Drawing: a pure function of the state. Nothing here changes the state or talks to anything;
//! the same state always draws the same frame (which is what the snapshot tests rely on).

pub mod assignments;
pub mod detail;
pub mod login;
pub mod popup;
pub mod records;
pub mod report;
pub mod starting;
pub mod status_bar;
pub mod view_log;
pub mod widgets;
pub mod work;

use ratatui::Frame;

use crate::app::{Screen, State};

/// Draws the whole screen.
pub fn view(state: &State, frame: &mut Frame<'_>) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    match &state.screen {
        Screen::Login(login) => login::draw(state, login, frame, area),
        Screen::Work(work) => work::draw(state, work, frame, area),
    }
    for p in &state.popups {
        popup::draw(state, p, frame, area);
    }
}
