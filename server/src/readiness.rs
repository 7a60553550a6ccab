//! Readiness as a client sees it: the server asks its own health service over the port it
//! serves (through TLS when configured), so systemd hears `READY=1` only once a request is
//! really answered — not merely when the port is bound.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{self, CryptoProvider};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{self, ClientConfig, DigitallySignedStruct, SignatureScheme};
use tonic::transport::{Endpoint, Uri};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use crate::tls::Certificate;

/// How long one probe may take before it counts as failed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Why a probe was not answered.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The channel to the server could not be made.
    #[error("cannot connect to the server's own port: {0}")]
    Connect(#[from] tonic::transport::Error),
    /// The health service did not answer SERVING.
    #[error("the health check was not answered: {0}")]
    Check(String),
}

/// The address a probe connects to: a wildcard listen address is reached over loopback.
pub fn probe_addr(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bound.port())
}

/// Asks the health service at `addr` once; with `tls`, the server must present exactly the
/// certificate in force (the probe knows it, so it needs neither a CA nor a host name).
pub async fn check(addr: SocketAddr, tls: Option<Arc<Certificate>>) -> Result<(), ProbeError> {
    let endpoint = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(PROBE_TIMEOUT)
        .timeout(PROBE_TIMEOUT);
    let channel = match tls {
        None => endpoint.connect().await?,
        Some(cert) => {
            let connector = pinned_connector(cert);
            endpoint
                .connect_with_connector(tower::service_fn(move |_: Uri| {
                    let connector = connector.clone();
                    async move {
                        let tcp = TcpStream::connect(addr).await?;
                        tcp.set_nodelay(true)?;
                        let name = ServerName::IpAddress(addr.ip().into());
                        let tls = connector.connect(name, tcp).await?;
                        Ok::<_, std::io::Error>(TokioIo::new(tls))
                    }
                }))
                .await?
        }
    };
    let answer = HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await
        .map_err(|s| ProbeError::Check(s.message().to_string()))?;
    match answer.into_inner().status() {
        tonic_health::pb::health_check_response::ServingStatus::Serving => Ok(()),
        other => Err(ProbeError::Check(format!("{other:?}"))),
    }
}

/// Probes until answered, pausing between tries; returns once the server answers.
pub async fn until_answered(addr: SocketAddr, tls: Option<Arc<Certificate>>) {
    let mut pause = Duration::from_millis(20);
    loop {
        match check(addr, tls.clone()).await {
            Ok(()) => return,
            Err(e) => tracing::debug!(error = %e, "readiness probe not answered yet"),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

fn pinned_connector(cert: Arc<Certificate>) -> TlsConnector {
    let provider = Arc::new(crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|_| ClientConfig::builder());
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned { cert, provider }))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    TlsConnector::from(Arc::new(config))
}

/// Trusts only the certificate the server itself holds: the probe talks to its own process.
#[derive(Debug)]
struct Pinned {
    cert: Arc<Certificate>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.cert.end_entity().as_deref() == Some(end_entity.as_ref()) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "the probe reached a server with another certificate".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_address_is_probed_over_loopback() {
        let v4: SocketAddr = "0.0.0.0:50051".parse().unwrap();
        assert_eq!(probe_addr(v4), "127.0.0.1:50051".parse().unwrap());
        let v6: SocketAddr = "[::]:7".parse().unwrap();
        assert_eq!(probe_addr(v6), "[::1]:7".parse().unwrap());
        let given: SocketAddr = "10.0.0.5:443".parse().unwrap();
        assert_eq!(probe_addr(given), given);
    }

    #[tokio::test]
    async fn nothing_listening_is_not_ready() {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = free.local_addr().unwrap();
        drop(free);
        assert!(check(addr, None).await.is_err());
    }
}
