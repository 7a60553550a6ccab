//! The durable outbox: each message is one raw record written in the same transaction as what
//! caused it, so a crash or a restart loses none, and the sender takes them from there. A message
//! sent is removed; one given up stays, marked failed and without its files' contents, for an
//! administrator to see.

use infogroups_shared::pb;
use prost::Message;

use crate::db::{Db, Tx};
use crate::error::ApiResult;
use crate::store::StoreError;

/// Where the outbox's records live: `m/mail/q/<id, big-endian>`, oldest first.
const PREFIX: &[u8] = b"m/mail/q/";

/// The counter that numbers the outbox's messages.
const COUNTER: &str = "mail-outbox";

fn key(id: u64) -> Vec<u8> {
    let mut k = PREFIX.to_vec();
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// A message to send: recipients, subject, plain-text body and files.
#[derive(Clone, Debug, Default)]
pub struct Letter {
    /// The recipients' addresses.
    pub to: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Attached files (name, MIME type, contents).
    pub attachments: Vec<pb::MailAttachment>,
}

/// A file to attach.
pub fn attachment(name: &str, content_type: &str, data: Vec<u8>) -> pb::MailAttachment {
    pb::MailAttachment {
        name: name.to_string(),
        content_type: content_type.to_string(),
        size: data.len() as u64,
        data,
    }
}

/// Stages `letter` in the outbox within `tx`: one record, due at once. Returns its number.
pub fn enqueue(tx: &mut Tx<'_>, letter: Letter) -> ApiResult<u64> {
    let id = tx.next_number(COUNTER)?;
    let item = pb::MailItem {
        id,
        to: letter.to,
        subject: letter.subject,
        body: letter.body,
        attachments: letter.attachments,
        attempts: 0,
        next_try_ms: 0,
        last_error: String::new(),
        state: pb::MailState::Queued as i32,
        created_ms: tx.now_ms(),
    };
    tx.put_raw(key(id), item.encode_to_vec());
    Ok(id)
}

/// Every message of the outbox, oldest first.
pub fn all(db: &Db) -> Result<Vec<pb::MailItem>, StoreError> {
    let mut out = Vec::new();
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = db.store().scan(PREFIX, after.as_deref(), 256)?;
        let Some((last, _)) = page.last() else { break };
        after = Some(last.clone());
        for (k, v) in &page {
            out.push(crate::db::decode::<pb::MailItem>(k, v)?);
        }
    }
    Ok(out)
}

/// The messages waiting whose next try is due at `now_ms`.
pub fn due(db: &Db, now_ms: i64) -> Result<Vec<pb::MailItem>, StoreError> {
    Ok(all(db)?
        .into_iter()
        .filter(|m| m.state == pb::MailState::Queued as i32 && m.next_try_ms <= now_ms)
        .collect())
}

/// The outbox as an administrator lists it: the files' contents left out.
pub fn listed(db: &Db, failed_only: bool) -> Result<Vec<pb::MailItem>, StoreError> {
    Ok(all(db)?
        .into_iter()
        .filter(|m| !failed_only || m.state == pb::MailState::Failed as i32)
        .map(|mut m| {
            for a in &mut m.attachments {
                a.data.clear();
            }
            m
        })
        .collect())
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered to the SMTP server: the message leaves the outbox.
    Sent,
    /// Failed for now: tried again later unless attempts are used up.
    Retry(String),
    /// Refused for good (a bad address, a permanent SMTP answer): given up at once.
    Permanent(String),
}

/// The delay before the attempt after `attempts` failed ones: `base` doubled each time, at most a
/// day.
pub fn backoff(base: std::time::Duration, attempts: u32) -> std::time::Duration {
    let factor = 1u32 << attempts.saturating_sub(1).min(16);
    base.saturating_mul(factor)
        .min(std::time::Duration::from_secs(86_400))
}

/// Marks a message given up. Its files' contents go: a document may carry a citizen's data, which
/// must not outlive its purpose in a record nobody sends; the names and sizes stay for the list.
fn give_up(item: &mut pb::MailItem) {
    item.state = pb::MailState::Failed as i32;
    for a in &mut item.attachments {
        a.data = Vec::new();
    }
}

/// Records the outcome of an attempt on `item` at `now_ms`.
pub async fn settle(
    db: &Db,
    mut item: pb::MailItem,
    outcome: Outcome,
    now_ms: i64,
    mail: &super::MailConfig,
) -> ApiResult<()> {
    let k = key(item.id);
    db.write(0, |tx| {
        match outcome {
            Outcome::Sent => tx.remove_raw(k),
            Outcome::Retry(why) => {
                item.attempts += 1;
                item.last_error = why;
                if item.attempts >= mail.max_attempts {
                    give_up(&mut item);
                } else {
                    let wait = backoff(mail.retry_base, item.attempts);
                    item.next_try_ms = now_ms.saturating_add(wait.as_millis() as i64);
                }
                tx.put_raw(k, item.encode_to_vec());
            }
            Outcome::Permanent(why) => {
                item.attempts += 1;
                item.last_error = why;
                give_up(&mut item);
                tx.put_raw(k, item.encode_to_vec());
            }
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn retries_wait_longer_each_time_up_to_a_day() {
        let base = Duration::from_secs(60);
        assert_eq!(backoff(base, 1), Duration::from_secs(60));
        assert_eq!(backoff(base, 2), Duration::from_secs(120));
        assert_eq!(backoff(base, 3), Duration::from_secs(240));
        assert_eq!(backoff(base, 40), Duration::from_secs(86_400));
    }
}
