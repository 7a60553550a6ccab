//! The messages the server writes: reminders that repeat a notification, the control sector's
//! digest. A subject says only what kind of message it is — never a citizen's personal data;
//! the body repeats what the person already sees in the application.

use infogroups_shared::{names, pb};

use super::outbox::{self, Letter};
use super::prefs;
use crate::db::Tx;
use crate::error::ApiResult;

/// The subject of a notification's mail copy: only what kind of message it is.
pub fn subject_of(kind: pb::NotificationKind) -> String {
    format!(
        "Инфогруппы: {}",
        names::notification_kind(names::Lang::Ru, kind)
    )
}

/// Stages the mail copy of a notification to `user_id` when that person asked for its kind by
/// mail and has an address; nothing otherwise (and nothing for an archived account).
pub fn notification(
    tx: &mut Tx<'_>,
    user_id: u64,
    kind: pb::NotificationKind,
    text: &str,
) -> ApiResult<()> {
    let p = prefs::get_in(tx, user_id)?;
    if !prefs::wants(&p, kind) {
        return Ok(());
    }
    let Some(user) = tx.get::<pb::User>(user_id)? else {
        return Ok(());
    };
    if user.meta.is_some_and(|m| m.archived) {
        return Ok(());
    }
    let Some(to) = prefs::address(&p, &user) else {
        return Ok(());
    };
    outbox::enqueue(
        tx,
        Letter {
            to: vec![to],
            subject: subject_of(kind),
            body: format!(
                "{text}\n\nЭто письмо отправлено системой «Инфогруппы», потому что вы выбрали \
                 получать такие уведомления по почте."
            ),
            attachments: Vec::new(),
        },
    )?;
    Ok(())
}
