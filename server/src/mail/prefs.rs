//! Each person's mail preferences, kept on their account: the address mail goes to and which
//! notifications also come by mail. Nobody gets mail they did not ask for.

use infogroups_shared::validate::{self, FieldError};
use infogroups_shared::{names, pb};
use prost::Message;

use crate::db::{Db, Tx};
use crate::store::StoreError;

fn key(user_id: u64) -> Vec<u8> {
    let mut k = b"m/mail/pref/".to_vec();
    k.extend_from_slice(&user_id.to_be_bytes());
    k
}

fn decode(k: &[u8], raw: Option<Vec<u8>>) -> Result<pb::MailPreferences, StoreError> {
    raw.map_or(Ok(pb::MailPreferences::default()), |v| {
        crate::db::decode(k, &v)
    })
}

/// A person's preferences (none set: no mail).
pub fn get(db: &Db, user_id: u64) -> Result<pb::MailPreferences, StoreError> {
    let k = key(user_id);
    decode(&k, db.get_raw(&k)?)
}

/// A person's preferences as a write sees them.
pub fn get_in(tx: &Tx<'_>, user_id: u64) -> Result<pb::MailPreferences, StoreError> {
    let k = key(user_id);
    decode(&k, tx.get_raw(&k)?)
}

/// Stages a person's new preferences.
pub fn put(tx: &mut Tx<'_>, user_id: u64, prefs: &pb::MailPreferences) {
    tx.put_raw(key(user_id), prefs.encode_to_vec());
}

/// Checks preferences: the address is one, each kind chosen is a notification kind (any but
/// "unspecified"), and each kind turned off is one a person may turn off.
pub fn check(prefs: &pb::MailPreferences) -> Result<(), FieldError> {
    validate::email("email", prefs.email.trim())?;
    for (i, k) in prefs.kinds.iter().enumerate() {
        let known = pb::NotificationKind::try_from(*k)
            .is_ok_and(|k| k != pb::NotificationKind::Unspecified);
        if !known {
            return Err(FieldError::new(
                format!("kinds[{i}]"),
                "неизвестный вид уведомления",
                "an unknown notification kind",
            ));
        }
    }
    for (i, k) in prefs.muted.iter().enumerate() {
        let optional = pb::NotificationKind::try_from(*k).is_ok_and(names::notification_optional);
        if !optional {
            return Err(FieldError::new(
                format!("muted[{i}]"),
                "этот вид уведомлений отключить нельзя",
                "this kind of notification cannot be turned off",
            ));
        }
    }
    Ok(())
}

/// Where a person's mail goes: the address of their preferences, else their contact when it is
/// an address; none without either.
pub fn address(prefs: &pb::MailPreferences, user: &pb::User) -> Option<String> {
    let own = prefs.email.trim();
    if !own.is_empty() {
        return Some(own.to_string());
    }
    let contact = user.contact.trim();
    (contact.contains('@') && validate::email("contact", contact).is_ok())
        .then(|| contact.to_string())
}

/// Whether a person asked for `kind` by mail (never for a kind they turned off).
pub fn wants(prefs: &pb::MailPreferences, kind: pb::NotificationKind) -> bool {
    !prefs.email.trim().is_empty() && prefs.kinds.contains(&(kind as i32)) && !muted(prefs, kind)
}

/// Whether a person turned `kind` off altogether.
pub fn muted(prefs: &pb::MailPreferences, kind: pb::NotificationKind) -> bool {
    names::notification_optional(kind) && prefs.muted.contains(&(kind as i32))
}
