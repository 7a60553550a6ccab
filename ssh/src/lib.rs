//! The SSH front end of the Infogroups server: `ssh -p 2222 login@host` and the person is at
//! work. Each SSH session is the terminal client over that channel, signed in as the account
//! the SSH login named — authenticated by the server's own login (the same throttling and audit
//! as the API's), then talking to the server's own API over loopback with that account's token,
//! so every permission is exactly as through gRPC. Nothing else is offered: no shell, no
//! commands, no forwarding, no file transfer.

pub mod host_key;
pub mod input;
pub mod lifetime;
pub mod session;
pub mod terminal;

use std::sync::Arc;
use std::time::Duration;

use infogroups_server::services::Ctx;
use russh::keys::PrivateKey;
use russh::server::Config;
use russh::{MethodKind, MethodSet};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use session::Api;

/// The SSH server's settings: its host key, and how long a silent connection is kept.
pub fn config(host_key: PrivateKey) -> Config {
    Config {
        keys: vec![host_key],
        methods: MethodSet::from(&[MethodKind::PublicKey, MethodKind::Password][..]),
        // A refused password or key costs a second on top of the login's own throttling.
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 3,
        inactivity_timeout: None,
        // A terminal left open for hours is normal; a dead peer is noticed by keepalives.
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 4,
        nodelay: true,
        ..Config::default()
    }
}

/// Accepts SSH connections on `listener` until `shutdown`, each one a terminal client over
/// the server's API at `api`, its logins checked in `ctx`.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    ctx: Ctx,
    api: Api,
    shutdown: CancellationToken,
) {
    let config = Arc::new(config);
    let api = Arc::new(api);
    // The clients' threads, one per core of the small machines this runs on.
    let clients = tokio_util::task::LocalPoolHandle::new(
        std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
    );
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let (socket, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors and the like: wait a little rather than spin.
                tracing::warn!(error = %e, "cannot accept an SSH connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let handler =
            session::Connection::new(ctx.clone(), api.clone(), clients.clone(), Some(peer));
        let config = config.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let running = match russh::server::run_stream(config, socket, handler).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::info!(peer = %peer, error = %e, "SSH handshake failed");
                    return;
                }
            };
            tokio::select! {
                ended = running => if let Err(e) = ended {
                    tracing::info!(peer = %peer, error = %e, "SSH connection ended");
                },
                () = shutdown.cancelled() => {}
            }
        });
    }
}
