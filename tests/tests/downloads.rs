//! One-time download links (issue 17, point 2), end to end: a secretary asks for a link to her
//! group's protocol, the link is fetched like a browser would — over HTTPS trusting the test
//! certificate, or in clear on loopback — and gives the PDF once; a second fetch and an expired
//! link find a short page and 404; a member of another group gets NotFound exactly as from
//! Export; each fetch is in the audit in the name of the link's maker.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use infogroups_server::Clock;
use infogroups_server::config::TlsFiles;
use infogroups_shared::pb;
use infogroups_tests::answer::ok;
use infogroups_tests::fixtures::city_ms;
use infogroups_tests::links::{Fetched, fetch_plain, get_over, meeting_with_protocol, split_url};
use infogroups_tests::{ADMIN_PASSWORD, Authed, City, STEP, TestServer};
use tokio_rustls::rustls;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
}

fn protocol_pdf(id: u64) -> pb::ExportRequest {
    pb::ExportRequest {
        kind: pb::ExportKind::Protocol as i32,
        format: pb::FileFormat::Pdf as i32,
        id,
        ..Default::default()
    }
}

/// Fetches an HTTPS link trusting only `ca_der`, naming the server `localhost`.
async fn fetch_tls(url: &str, ca_der: &[u8]) -> Result<Fetched> {
    let (scheme, host, path) = split_url(url)?;
    if scheme != "https" {
        bail!("expected an HTTPS link: {url}");
    }
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(ca_der.to_vec()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(host).await?;
    let name = rustls::pki_types::ServerName::try_from("localhost")?;
    let tls = connector.connect(name, tcp).await?;
    get_over(tls, host, path).await
}

fn pdf_text(bytes: &[u8]) -> Result<String> {
    let doc = lopdf::Document::load_mem(bytes)?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    Ok(doc.extract_text(&pages)?)
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

async fn downloads_of(server: &TestServer, entity: u64) -> Result<Vec<pb::AuditRecord>> {
    Ok(server
        .db()
        .audit_before(0, 100, |r| r.action == "download" && r.entity_id == entity)?)
}

#[tokio::test]
async fn a_protocol_link_downloads_once_before_it_expires_and_is_audited() -> Result<()> {
    let start = city_ms(d(2026, 12, 3), 12);
    let server = TestServer::start(|c| {
        c.clock = Clock::manual(start);
        c.token_ttl = Duration::from_secs(30 * 24 * 3600);
        c.downloads = Some("127.0.0.1:0".parse().expect("an address"));
    })
    .await?;
    let city = City::build(&server).await?;
    let meeting = meeting_with_protocol(&server, city.a()).await?;

    let link = ok(
        city.secretary_a
            .reports()
            .share_export(protocol_pdf(meeting))
            .await,
        "ShareExport",
    );
    assert!(link.file_name.ends_with(".pdf"), "{}", link.file_name);
    assert_eq!(link.expires_at_ms, start + 10 * 60 * 1000);
    let got = fetch_plain(&link.url).await?;
    assert_eq!(got.status, 200, "{}", got.head);
    assert_eq!(got.header("content-type"), Some("application/pdf"));
    let disposition = got.header("content-disposition").context("a disposition")?;
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert_eq!(got.header("cache-control"), Some("no-store"));
    assert!(got.body.starts_with(b"%PDF"));
    let text = squeeze(&pdf_text(&got.body)?);
    assert!(
        text.contains(&squeeze("Не горят фонари во дворе дома 5")),
        "the protocol's question reads back: {text}"
    );

    let again = fetch_plain(&link.url).await?;
    assert_eq!(again.status, 404, "a link works once");
    assert!(String::from_utf8_lossy(&again.body).contains("Ссылка не действует"));

    let audit = downloads_of(&server, meeting).await?;
    assert_eq!(audit.len(), 1, "one fetch, one record: {audit:?}");
    assert_eq!(audit[0].actor_id, city.secretary_a.user_id);
    assert_eq!(audit[0].entity_kind, "meeting");

    let late = ok(
        city.secretary_a
            .reports()
            .share_export(protocol_pdf(meeting))
            .await,
        "ShareExport",
    );
    server.clock().set_ms(start + 10 * 60 * 1000 + 1);
    assert_eq!(fetch_plain(&late.url).await?.status, 404, "an expired link");
    assert_eq!(downloads_of(&server, meeting).await?.len(), 1);

    let export = city
        .member_b
        .reports()
        .export(protocol_pdf(meeting))
        .await
        .err()
        .context("Export refuses another group's member")?;
    let share = city
        .member_b
        .reports()
        .share_export(protocol_pdf(meeting))
        .await
        .err()
        .context("ShareExport refuses another group's member")?;
    assert_eq!(share.code(), tonic::Code::NotFound);
    assert_eq!(share.code(), export.code());
    assert_eq!(share.message(), export.message());

    let ics = ok(
        city.secretary_a
            .meetings()
            .share_calendar_file(pb::CalendarFileRequest {
                meeting_id: meeting,
                group_id: 0,
            })
            .await,
        "ShareCalendarFile",
    );
    let got = fetch_plain(&ics.url).await?;
    assert_eq!(got.status, 200, "{}", got.head);
    assert_eq!(
        got.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(got.body.starts_with(b"BEGIN:VCALENDAR"));
    assert_eq!(downloads_of(&server, meeting).await?.len(), 2);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn without_the_setting_no_link_is_made() -> Result<()> {
    let server = TestServer::start_default().await?;
    let admin = server.admin().await?;
    let refused = admin
        .meetings()
        .share_calendar_file(pb::CalendarFileRequest {
            meeting_id: 0,
            group_id: 1,
        })
        .await
        .err()
        .context("no downloads port, no link")?;
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn the_link_is_https_with_the_api_certificate() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])?;
    let (cert_path, key_path) = (dir.path().join("server.pem"), dir.path().join("server.key"));
    std::fs::write(&cert_path, cert.cert.pem())?;
    std::fs::write(&key_path, cert.signing_key.serialize_pem())?;
    let server = TestServer::start(|c| {
        c.tls = Some(TlsFiles {
            cert: cert_path,
            key: key_path,
        });
        c.downloads = Some("127.0.0.1:0".parse().expect("an address"));
    })
    .await?;
    let tls = tonic::transport::ClientTlsConfig::new()
        .ca_certificate(tonic::transport::Certificate::from_pem(cert.cert.pem()))
        .domain_name("localhost");
    let channel = tonic::transport::Endpoint::from_shared(format!(
        "https://localhost:{}",
        server.addr().port()
    ))?
    .tls_config(tls)?
    .connect_timeout(STEP)
    .connect()
    .await?;
    let admin = Authed::login_on(channel, "admin", ADMIN_PASSWORD)
        .await?
        .map_err(|s| anyhow::anyhow!("admin login refused: {s:?}"))?;
    let meeting = meeting_with_protocol(&server, 1).await?;
    let link = ok(
        admin.reports().share_export(protocol_pdf(meeting)).await,
        "ShareExport",
    );
    let got = fetch_tls(&link.url, cert.cert.der()).await?;
    assert_eq!(got.status, 200, "{}", got.head);
    assert!(got.body.starts_with(b"%PDF"));
    assert_eq!(fetch_tls(&link.url, cert.cert.der()).await?.status, 404);
    server.stop().await?;
    Ok(())
}
