//! E-mail from the server (issue 17, point 3), end to end against an SMTP sink this test starts on
//! loopback: the outbox survives a restart, a refusing SMTP server leads to retries and then a
//! failed message an administrator sees.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use infogroups_server::Config;
use infogroups_server::mail::outbox::{self, Letter};
use infogroups_server::mail::{MailConfig, MailTls};
use infogroups_shared::pb;
use infogroups_tests::smtp::SmtpSink;
use infogroups_tests::{Authed, STEP, TestServer};

/// Mail through `sink`, in clear on loopback, retrying after 50 ms, 100 ms… up to 3 attempts.
fn via(sink: &SmtpSink) -> impl FnOnce(&mut Config) + use<> {
    let port = sink.addr().port();
    move |c: &mut Config| {
        c.mail = Some(MailConfig {
            host: "127.0.0.1".into(),
            port,
            tls: MailTls::None,
            credentials: None,
            from: "Инфогруппы <infogroups@test.local>".into(),
            max_attempts: 3,
            retry_base: Duration::from_millis(50),
        });
    }
}

fn letter(to: &str) -> Letter {
    Letter {
        to: vec![to.into()],
        subject: "Поручение 12/2026: срок истекает сегодня".into(),
        body: "Проверка почты".into(),
        attachments: vec![outbox::attachment(
            "protocol.pdf",
            "application/pdf",
            b"%PDF-1.7".to_vec(),
        )],
    }
}

/// The outbox once `done` holds for it: the sender records an outcome just after the SMTP
/// server's answer, so a test that saw the answer looks again until the record is there (at most
/// [`STEP`]).
async fn outbox_until(
    admin: &Authed,
    failed_only: bool,
    done: impl Fn(&[pb::MailItem]) -> bool,
) -> Result<Vec<pb::MailItem>> {
    let deadline = tokio::time::Instant::now() + STEP;
    loop {
        let items = admin
            .maintenance()
            .list_mail(pb::ListMailRequest { failed_only })
            .await?
            .into_inner()
            .items;
        if done(&items) {
            return Ok(items);
        }
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the outbox did not settle: {items:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_outbox_survives_a_restart_and_delivers_after_it() -> Result<()> {
    // Mail is off at first: the message waits in the store.
    let server = TestServer::start_default().await?;
    server
        .db()
        .write(0, |tx| outbox::enqueue(tx, letter("ivanova@test.local")))
        .await?;
    let admin = server.admin().await?;
    let queued = admin
        .maintenance()
        .list_mail(pb::ListMailRequest::default())
        .await?
        .into_inner()
        .items;
    ensure!(queued.len() == 1, "one queued: {queued:?}");
    ensure!(queued[0].state == pb::MailState::Queued as i32);
    ensure!(
        queued[0].attachments[0].data.is_empty() && queued[0].attachments[0].size == 8,
        "a listing leaves the contents out"
    );
    let sink = SmtpSink::start().await?;
    let server = server.restart_with(via(&sink)).await?;
    let got = sink.wait_for(1).await?;
    let mail = got.first().context("one message")?;
    ensure!(mail.rcpt == ["ivanova@test.local"], "{:?}", mail.rcpt);
    ensure!(
        mail.subject() == "Поручение 12/2026: срок истекает сегодня",
        "{}",
        mail.subject()
    );
    ensure!(
        mail.attachments() == [("protocol.pdf".to_string(), "application/pdf".to_string())],
        "{:?}",
        mail.attachments()
    );
    // Sent messages leave the outbox (the outcome is written right after the SMTP answer).
    let admin = server.admin().await?;
    outbox_until(&admin, false, |items| items.is_empty()).await?;
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_refusing_smtp_server_is_retried_then_the_message_is_listed_failed() -> Result<()> {
    let sink = SmtpSink::start_failing().await?;
    let server = TestServer::start(via(&sink)).await?;
    server
        .db()
        .write(0, |tx| outbox::enqueue(tx, letter("petrov@test.local")))
        .await?;
    sink.wait_for(3).await?;
    let admin = server.admin().await?;
    let failed = outbox_until(&admin, true, |items| !items.is_empty()).await?;
    let item = failed.first().context("the message is listed failed")?;
    ensure!(item.attempts == 3, "{item:?}");
    ensure!(
        item.last_error.contains("451") || item.last_error.contains("try again"),
        "{}",
        item.last_error
    );
    ensure!(sink.delivered().is_empty());
    ensure!(
        sink.attempts() == 3,
        "no attempt after giving up: {}",
        sink.attempts()
    );
    server.stop().await?;
    Ok(())
}
