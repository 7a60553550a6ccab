//! TLS with a certificate that can be replaced while the server runs: `SIGHUP` (`systemctl
//! reload`) reads the files again, so a renewed certificate (certbot, an internal CA) takes
//! effect without dropping a connection. New handshakes get the new certificate; a file that no
//! longer parses leaves the old one in force.

use std::sync::{Arc, RwLock};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_util::sync::CancellationToken;

use crate::config::TlsFiles;

/// A handshake that has not finished in this long is dropped (a client that connects and says
/// nothing must not hold a task forever).
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The certificate in force and the files it comes from.
#[derive(Debug)]
pub struct Certificate {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
}

fn load(files: &TlsFiles) -> Result<Arc<CertifiedKey>, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| format!("{}: {e}", files.cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", files.cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate", files.cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| format!("{}: {e}", files.key.display()))?;
    let signer = rustls::crypto::ring::sign::any_supported_type(&key)
        .map_err(|e| format!("{}: {e}", files.key.display()))?;
    Ok(Arc::new(CertifiedKey::new(chain, signer)))
}

impl Certificate {
    /// Reads the certificate chain and key.
    pub fn open(files: TlsFiles) -> Result<Arc<Self>, String> {
        let key = load(&files)?;
        Ok(Arc::new(Self {
            files,
            current: RwLock::new(key),
        }))
    }

    /// Reads the files again; on an error the certificate in force stays.
    pub fn reload(&self) -> Result<(), String> {
        let key = load(&self.files)?;
        let mut current = self
            .current
            .write()
            .map_err(|_| "the certificate lock is poisoned".to_string())?;
        *current = key;
        Ok(())
    }

    /// The DER bytes of the certificate presented now (the chain's first), for a client that
    /// pins it, such as the readiness probe.
    pub fn end_entity(&self) -> Option<Vec<u8>> {
        let current = self.current.read().ok()?;
        current.cert.first().map(|c| c.as_ref().to_vec())
    }

    /// An acceptor for plain HTTP/1.1 (the download links' port), with the same certificate.
    pub fn http1_acceptor(self: &Arc<Self>) -> TlsAcceptor {
        self.acceptor(b"http/1.1")
    }

    fn acceptor(self: &Arc<Self>, alpn: &[u8]) -> TlsAcceptor {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|_| ServerConfig::builder());
        let mut config = builder
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(Resolver(self.clone())));
        config.alpn_protocols = vec![alpn.to_vec()];
        TlsAcceptor::from(Arc::new(config))
    }
}

#[derive(Debug)]
struct Resolver(Arc<Certificate>);

impl ResolvesServerCert for Resolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.0.current.read().ok().map(|k| k.clone())
    }
}

/// The accepted TLS connections of `listener`, handshakes done concurrently, until `stop`.
pub fn incoming(
    listener: TcpListener,
    cert: &Arc<Certificate>,
    stop: CancellationToken,
) -> tokio_stream::wrappers::ReceiverStream<Result<TlsStream<TcpStream>, std::io::Error>> {
    // gRPC is HTTP/2 only.
    let acceptor = cert.acceptor(b"h2");
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(async move {
        loop {
            let tcp = tokio::select! {
                () = stop.cancelled() => return,
                accepted = listener.accept() => match accepted {
                    Ok((tcp, _)) => tcp,
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        continue;
                    }
                },
            };
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => {
                        let _ = tx.send(Ok(tls)).await;
                    }
                    // A client that failed its handshake concerns only itself.
                    Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

/// Installs the `SIGHUP` handler (before the server says it is ready, so a reload sent right
/// after never kills it): the certificate is read again; without TLS there is nothing to reload
/// and the signal is only logged.
pub fn reload_on_hangup(cert: Option<Arc<Certificate>>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangups = signal(SignalKind::hangup())?;
        tokio::spawn(async move {
            while hangups.recv().await.is_some() {
                match &cert {
                    Some(cert) => match cert.reload() {
                        Ok(()) => tracing::info!("reloaded the TLS certificate"),
                        Err(e) => tracing::error!(
                            error = %e,
                            "cannot reload the TLS certificate; the one in force stays"
                        ),
                    },
                    None => tracing::info!("SIGHUP: no TLS certificate to reload"),
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = cert;
    Ok(())
}
