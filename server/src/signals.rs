//! Waiting for the signals that stop the server (SIGINT, SIGTERM). The handlers are installed
//! when [`StopSignals::install`] returns, not when the waiting starts: a process that says it is
//! ready before its handlers exist dies of a SIGTERM sent in between instead of stopping cleanly.

use std::io;

/// The installed handlers.
#[derive(Debug)]
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Installs the handlers (within a Tokio runtime).
    pub fn install() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for the first stop signal.
    pub async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_signal_sent_right_after_install_is_caught() {
        let signals = StopSignals::install().expect("handlers");
        // Sent before anyone waits: the default action (death) must not apply.
        let pid = std::process::id();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        signals.wait().await;
    }
}
