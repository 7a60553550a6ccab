//! An SSH channel as the client's terminal: frames are written into a buffer and sent on the
//! channel as one data message per flush; the size is the one the PTY request and the
//! window-change messages gave (a remote terminal cannot be asked with an ioctl); the screen
//! modes a local terminal gets on the way in and out are written into the channel.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::{Backend, ClearType as RatatuiClear, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc::UnboundedSender;

/// The remote terminal's size in cells, shared by the channel's handler and the backend.
#[derive(Debug, Clone)]
pub struct SharedSize(Arc<Mutex<Size>>);

impl SharedSize {
    /// Starting at `width` × `height`.
    pub fn new(width: u16, height: u16) -> Self {
        Self(Arc::new(Mutex::new(Size { width, height })))
    }

    /// The size now.
    pub fn get(&self) -> Size {
        self.0.lock().map_or(Size::new(80, 24), |s| *s)
    }

    /// The terminal was resized.
    pub fn set(&self, width: u16, height: u16) {
        if let Ok(mut s) = self.0.lock() {
            *s = Size { width, height };
        }
    }
}

/// Bytes for the channel, sent as one message per flush.
#[derive(Debug)]
pub struct ChannelOut {
    buffer: Vec<u8>,
    sink: UnboundedSender<Vec<u8>>,
}

impl ChannelOut {
    /// Writing into `sink`, which a task forwards to the channel.
    pub fn new(sink: UnboundedSender<Vec<u8>>) -> Self {
        Self {
            buffer: Vec::with_capacity(16 * 1024),
            sink,
        }
    }
}

impl Write for ChannelOut {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buffer);
        self.sink
            .send(bytes)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the SSH channel is closed"))
    }
}

/// The ratatui backend over a channel: crossterm's escapes, the channel's size.
pub struct ChannelBackend {
    inner: CrosstermBackend<ChannelOut>,
    size: SharedSize,
    cursor: Position,
}

impl ChannelBackend {
    /// Over `out`, sized by `size`.
    pub fn new(out: ChannelOut, size: SharedSize) -> Self {
        Self {
            inner: CrosstermBackend::new(out),
            size,
            cursor: Position::ORIGIN,
        }
    }

    /// What a local terminal gets on the way in: the alternate screen, bracketed paste, no
    /// cursor, a clear screen.
    pub fn enter(&mut self) -> io::Result<()> {
        crossterm::execute!(
            self.inner,
            EnterAlternateScreen,
            EnableBracketedPaste,
            Hide,
            Clear(ClearType::All)
        )
    }

    /// And on the way out: the person's own screen back as it was.
    pub fn leave(&mut self) -> io::Result<()> {
        crossterm::execute!(
            self.inner,
            DisableBracketedPaste,
            LeaveAlternateScreen,
            Show
        )
    }
}

impl Write for ChannelBackend {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.inner.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl Backend for ChannelBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        match self.inner.show_cursor() {
            // The person is gone (the terminal is dropped after the channel closed): there is no
            // cursor left to show.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }

    /// Where the cursor was last put: asking the remote terminal would mean waiting for its
    /// answer among the keys.
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.cursor = position;
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: RatatuiClear) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size.get())
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size.get(),
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_goes_out_as_one_message_at_flush_and_the_size_is_the_channels() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let size = SharedSize::new(40, 10);
        let mut terminal =
            ratatui::Terminal::new(ChannelBackend::new(ChannelOut::new(tx), size.clone()))
                .expect("terminal");
        terminal
            .draw(|f| f.render_widget(ratatui::widgets::Paragraph::new("Привет"), f.area()))
            .expect("drawn");
        let sent = rx.try_recv().expect("one message");
        assert!(String::from_utf8_lossy(&sent).contains("Привет"));
        assert!(rx.try_recv().is_err(), "one frame, one message");
        size.set(60, 20);
        assert_eq!(terminal.size().expect("size"), Size::new(60, 20));
    }
}
