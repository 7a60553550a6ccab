//! The background sender: takes the outbox's due messages to the SMTP server one by one, and
//! records each outcome (sent and removed, retried later, or given up).

use std::time::Duration;

use infogroups_shared::pb;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::{self, Outcome};
use super::{MailConfig, MailTls};
use crate::services::Ctx;

/// How often the sender looks for due messages. Mail is not urgent to the second, and a look at
/// an empty outbox is one short scan.
const LOOK_EVERY: Duration = Duration::from_millis(500);

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The transport for the settings; fails only on a host TLS cannot name.
fn transport(mail: &MailConfig) -> Result<Transport, String> {
    let builder = match mail.tls {
        MailTls::StartTls => Transport::starttls_relay(&mail.host).map_err(|e| e.to_string())?,
        MailTls::Tls => Transport::relay(&mail.host).map_err(|e| e.to_string())?,
        MailTls::None => Transport::builder_dangerous(&mail.host),
    };
    let builder = builder.port(mail.port).timeout(Some(SMTP_TIMEOUT));
    let builder = match &mail.credentials {
        Some((user, password)) => {
            builder.credentials(Credentials::new(user.clone(), password.clone()))
        }
        None => builder,
    };
    Ok(builder.build())
}

/// The message as it goes on the wire; an error is permanent (an address that cannot be one).
pub fn build(from: &str, item: &pb::MailItem) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("from: {e}"))?;
    let mut b = Message::builder().from(from).subject(item.subject.clone());
    for to in &item.to {
        let to: Mailbox = to.parse().map_err(|e| format!("{to}: {e}"))?;
        b = b.to(to);
    }
    let text = SinglePart::plain(item.body.clone());
    let built = if item.attachments.is_empty() {
        b.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for a in &item.attachments {
            let kind = ContentType::parse(&a.content_type)
                .map_err(|e| format!("{}: {e}", a.content_type))?;
            parts = parts.singlepart(Attachment::new(a.name.clone()).body(a.data.clone(), kind));
        }
        b.multipart(parts)
    };
    built.map_err(|e| e.to_string())
}

/// One attempt at `item`.
async fn attempt(transport: &Transport, from: &str, item: &pb::MailItem) -> Outcome {
    let message = match build(from, item) {
        Ok(m) => m,
        Err(why) => return Outcome::Permanent(why),
    };
    match transport.send(message).await {
        Ok(_) => Outcome::Sent,
        Err(e) if e.is_permanent() => Outcome::Permanent(e.to_string()),
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

fn wall_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Sends until the server shuts down; returns at once when mail is off.
pub async fn run(ctx: Ctx) {
    let Some(mail) = ctx.config.mail.clone() else {
        return;
    };
    let transport = match transport(&mail) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, host = %mail.host, "mail is off: the SMTP server cannot be used");
            return;
        }
    };
    loop {
        match outbox::due(&ctx.db, wall_ms()) {
            Ok(items) => {
                for item in items {
                    if ctx.shutdown.is_cancelled() {
                        return;
                    }
                    let outcome = attempt(&transport, &mail.from, &item).await;
                    match &outcome {
                        Outcome::Sent => tracing::info!(id = item.id, "mail sent"),
                        Outcome::Retry(why) | Outcome::Permanent(why) => {
                            tracing::warn!(id = item.id, attempt = item.attempts + 1, error = %why, "mail not sent")
                        }
                    }
                    if let Err(e) = outbox::settle(&ctx.db, item, outcome, wall_ms(), &mail).await {
                        tracing::warn!(error = %e, "the outcome of a mail could not be recorded");
                        break;
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "the mail outbox could not be read"),
        }
        tokio::select! {
            () = ctx.shutdown.cancelled() => return,
            () = tokio::time::sleep(LOOK_EVERY) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(to: &str) -> pb::MailItem {
        pb::MailItem {
            to: vec![to.into()],
            subject: "Инфогруппы: срок истёк".into(),
            body: "Поручение 3/2026: срок истёк".into(),
            attachments: vec![outbox::attachment(
                "meeting-7.ics",
                "text/calendar; charset=utf-8",
                b"BEGIN:VCALENDAR".to_vec(),
            )],
            ..Default::default()
        }
    }

    #[test]
    fn a_message_carries_its_file_and_a_bad_address_is_refused_for_good() {
        let built = build("Инфогруппы <ig@example.org>", &item("ivanova@example.org"));
        let raw = built.map(|m| String::from_utf8_lossy(&m.formatted()).into_owned());
        assert!(
            raw.as_ref().is_ok_and(|r| r.contains("multipart/mixed")
                && r.contains("filename=\"meeting-7.ics\"")
                && r.contains("text/calendar")),
            "{raw:?}"
        );
        assert!(build("ig@example.org", &item("not an address")).is_err());
        assert!(build("nobody", &item("ivanova@example.org")).is_err());
    }
}
