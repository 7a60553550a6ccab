//! The terminal: raw mode, the alternate screen and bracketed paste (pasted text arrives as one
//! event, not as thousands of keys) on the way in, restored on the way out — on a
//! normal exit, on an error and on a panic (in any thread: a panic in a background task would
//! otherwise leave a raw terminal under a program that carries on drawing).

use std::io::{self, Stdout};

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal the client draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct Guard {
    /// The terminal.
    pub terminal: Term,
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as we found it; safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
}

/// Enters raw mode and the alternate screen, with a panic hook that restores the terminal, logs
/// the panic and ends the process (the panic message is printed on the restored terminal).
pub fn enter() -> io::Result<Guard> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!(panic = %info, "panic");
        previous(info);
        std::process::exit(101);
    }));
    enable_raw_mode()?;
    if let Err(e) = execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    let mut terminal = match Terminal::new(CrosstermBackend::new(io::stdout())) {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(e);
        }
    };
    terminal.hide_cursor()?;
    // Cleared directly: ratatui's `clear` asks the terminal where its cursor is, and a terminal
    // that does not answer would keep the program from starting. The first frame is drawn whole
    // anyway.
    execute!(io::stdout(), Clear(ClearType::All))?;
    Ok(Guard { terminal })
}
