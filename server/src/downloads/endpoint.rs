//! The download port: serves `GET /d/<token>` over HTTPS (plain HTTP only where gRPC may go
//! plain too) until the server stops. Each fetch is audited in the name of the account that
//! made the link and logged with the fetching address, never with the token.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Response, StatusCode};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

use super::Link;
use super::http::{content_disposition, content_type, token_of};
use crate::services::Ctx;
use crate::tls::Certificate;

/// What the audit records for a fetch.
pub const DOWNLOAD_ACTION: &str = "download";

/// A TLS handshake or a request that has not come in this long is dropped.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

const GONE_PAGE: &str = "<!doctype html><meta charset=\"utf-8\"><title>Ссылка не действует</title>\
<p>Ссылка не действует: она уже была использована или её срок истёк. Получите новую в программе.\
<p>This link no longer works: it was used already or it has expired. Get a new one in the program.\n";

/// Why the download port could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Binding or reading the address failed.
    #[error("{0}")]
    Listen(String),
    /// Serving beyond loopback in clear without the operator's explicit flag.
    #[error("{0}")]
    Insecure(String),
}

/// Opens the download port at `addr` under the same rule as the API's (TLS, or loopback, or
/// `--insecure-listen`), starts handing out links under its public address and serves it.
pub async fn open(
    addr: SocketAddr,
    tls: Option<Arc<Certificate>>,
    ctx: &Ctx,
) -> Result<tokio::task::JoinHandle<()>, OpenError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| OpenError::Listen(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| OpenError::Listen(e.to_string()))?;
    let config = &ctx.config;
    crate::config::check_listen(bound, tls.is_some(), config.insecure_listen)
        .map_err(|e| OpenError::Insecure(e.to_string()))?;
    let base = config
        .downloads_url
        .clone()
        .unwrap_or_else(|| derived_url(bound, tls.is_some()));
    tracing::info!(addr = %bound, url = %base, "download links served");
    ctx.downloads.enable(&base);
    Ok(tokio::spawn(serve(listener, tls, ctx.clone())))
}

/// The address a browser opens when none is configured: the bound one (a wildcard address
/// names this host, which only the operator can spell — the warning says so).
fn derived_url(bound: SocketAddr, tls: bool) -> String {
    let scheme = if tls { "https" } else { "http" };
    if bound.ip().is_unspecified() {
        tracing::warn!(
            addr = %bound,
            "download links listen on every address; set download_links_url to the name browsers should open"
        );
        return format!("{scheme}://localhost:{}", bound.port());
    }
    format!("{scheme}://{bound}")
}

/// Serves the download links on `listener` until `ctx.shutdown` fires; over TLS with `tls`.
pub async fn serve(listener: TcpListener, tls: Option<Arc<Certificate>>, ctx: Ctx) {
    let acceptor = tls.as_ref().map(Certificate::http1_acceptor);
    loop {
        let (tcp, peer) = tokio::select! {
            () = ctx.shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of descriptors or a reset before accept: the next one may do.
                Err(e) => {
                    tracing::debug!(error = %e, "downloads accept failed");
                    continue;
                }
            },
        };
        let ctx = ctx.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    match tokio::time::timeout(IDLE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => connection(stream, peer, ctx).await,
                        Ok(Err(e)) => tracing::debug!(error = %e, "downloads TLS handshake failed"),
                        Err(_) => tracing::debug!("downloads TLS handshake timed out"),
                    }
                }
                None => connection(tcp, peer, ctx).await,
            }
        });
    }
}

async fn connection<S>(stream: S, peer: SocketAddr, ctx: Ctx)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let ctx = ctx.clone();
        async move {
            let answer = respond(&ctx, req.method(), req.uri().path(), peer).await;
            Ok::<_, Infallible>(answer)
        }
    });
    let io = hyper_util::rt::TokioIo::new(stream);
    let _ = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(IDLE_TIMEOUT)
        .timer(hyper_util::rt::TokioTimer::new())
        .serve_connection(io, svc)
        .await;
}

async fn respond(
    ctx: &Ctx,
    method: &Method,
    path: &str,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    if method != Method::GET {
        return page(StatusCode::METHOD_NOT_ALLOWED, GONE_PAGE);
    }
    let now = ctx.db.clock().now_ms();
    let Some((token, link)) = token_of(path).and_then(|t| Some((t, ctx.downloads.take(t, now)?)))
    else {
        tracing::info!(peer = %peer, "download link unknown, used or expired");
        return page(StatusCode::NOT_FOUND, GONE_PAGE);
    };
    if let Err(e) = audit(ctx, &link).await {
        // Not handed out unaudited: the link stays for another try.
        tracing::warn!(error = %e, "cannot audit a download");
        ctx.downloads.restore(token, link);
        return page(StatusCode::SERVICE_UNAVAILABLE, GONE_PAGE);
    }
    tracing::info!(
        owner = link.owner,
        what = %link.what,
        entity = link.subject.map_or(0, |(_, id)| id),
        file = %link.file_name,
        peer = %peer,
        "document downloaded by link"
    );
    let mut r = Response::new(Full::new(Bytes::from(link.content)));
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&link.file_name)),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&link.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    no_store(headers);
    r
}

async fn audit(ctx: &Ctx, link: &Link) -> crate::error::ApiResult<()> {
    let Some((kind, id)) = link.subject else {
        return Ok(());
    };
    ctx.db
        .write(link.owner, |tx| {
            tx.audit(kind, id, DOWNLOAD_ACTION, 0);
            Ok(())
        })
        .await
}

fn no_store(headers: &mut hyper::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

fn page(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_store(r.headers_mut());
    r
}
