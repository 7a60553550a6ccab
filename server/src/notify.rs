//! Staging notifications to users inside the write that causes them, so they arrive live with it
//! (and, for those who asked for their kind by mail, their mail copy is queued in the same write).

use infogroups_shared::pb;

use crate::db::Tx;
use crate::error::ApiResult;

/// Stages one notification for `user_id` (nothing for user 0).
pub fn stage(
    tx: &mut Tx<'_>,
    user_id: u64,
    kind: pb::NotificationKind,
    ru: String,
    en: String,
    assignment_id: u64,
) -> ApiResult<()> {
    if user_id == 0 {
        return Ok(());
    }
    crate::mail::letters::notification(tx, user_id, kind, &ru)?;
    tx.create(
        pb::Notification {
            meta: None,
            user_id,
            kind: kind as i32,
            text_ru: ru,
            text_en: en,
            assignment_id,
            meeting_id: 0,
            read: false,
            appeal_id: 0,
        },
        None,
    )?;
    Ok(())
}

/// What a notification not about an assignment concerns.
#[derive(Debug, Clone, Copy)]
pub enum About {
    /// A meeting (its protocol).
    Meeting(u64),
    /// An appeal.
    Appeal(u64),
}

/// Stages a notification about a meeting or an appeal; none for user 0.
pub fn stage_about(
    tx: &mut Tx<'_>,
    user_id: u64,
    kind: pb::NotificationKind,
    ru: String,
    en: String,
    about: About,
) -> ApiResult<()> {
    if user_id == 0 {
        return Ok(());
    }
    crate::mail::letters::notification(tx, user_id, kind, &ru)?;
    let (meeting_id, appeal_id) = match about {
        About::Meeting(id) => (id, 0),
        About::Appeal(id) => (0, id),
    };
    tx.create(
        pb::Notification {
            user_id,
            kind: kind as i32,
            text_ru: ru,
            text_en: en,
            meeting_id,
            appeal_id,
            ..Default::default()
        },
        None,
    )?;
    Ok(())
}
