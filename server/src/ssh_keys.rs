//! The SSH public keys a person signs in with over SSH, stored with their account: parsed and
//! checked when added, matched against the key an SSH client proved it holds.

use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;
pub use ssh_key::PublicKey;
use ssh_key::{Algorithm, HashAlg};

use crate::db::{Db, Tx, decode, keys};
use crate::entity::Kind;
use crate::error::ApiError;
use crate::store::StoreError;

/// The longest key line accepted; an ed25519 line is under 100 characters, a comment adds a few.
const MAX_LINE: usize = 2048;
/// How many keys one account may hold: a few devices, not a key store.
pub const MAX_KEYS: usize = 16;

/// An account's keys as stored: `p/` user.
#[derive(Clone, PartialEq, prost::Message)]
struct Stored {
    #[prost(message, repeated, tag = "1")]
    keys: Vec<pb::SshKey>,
}

fn invalid(ru: &str, en: &str) -> FieldError {
    FieldError::new("public_key", ru, en)
}

/// Parses one OpenSSH public key line (`ssh-ed25519 AAAA… comment`) into the key to store,
/// without its time of adding. Only algorithms the SSH front end verifies are taken.
pub fn parse(line: &str) -> Result<(pb::SshKey, PublicKey), FieldError> {
    let line = line.trim();
    if line.is_empty() {
        return Err(invalid(
            "вставьте открытый ключ: строку «ssh-ed25519 AAAA… комментарий»",
            "paste a public key: a line `ssh-ed25519 AAAA… comment`",
        ));
    }
    if line.len() > MAX_LINE || line.contains(['\n', '\r']) {
        return Err(invalid(
            "открытый ключ — одна строка не длиннее 2048 знаков",
            "a public key is one line of at most 2048 characters",
        ));
    }
    if line.starts_with("-----") {
        return Err(invalid(
            "это закрытый ключ; вставьте открытый (файл .pub)",
            "this is a private key; paste the public one (the .pub file)",
        ));
    }
    let key = PublicKey::from_openssh(line).map_err(|_| {
        invalid(
            "не открытый ключ OpenSSH: ожидается «ssh-ed25519 AAAA… комментарий»",
            "not an OpenSSH public key: expected `ssh-ed25519 AAAA… comment`",
        )
    })?;
    let algorithm = key.algorithm();
    if !matches!(algorithm, Algorithm::Ed25519 | Algorithm::Ecdsa { .. }) {
        return Err(invalid(
            "этот вид ключа не принимается; нужен ssh-ed25519 или ecdsa-sha2-nistp256/384/521",
            "this kind of key is not accepted; use ssh-ed25519 or ecdsa-sha2-nistp256/384/521",
        ));
    }
    let public_key = key
        .to_openssh()
        .map_err(|_| invalid("открытый ключ не читается", "the public key cannot be read"))?;
    Ok((
        pb::SshKey {
            fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
            algorithm: algorithm.as_str().to_string(),
            comment: key.comment().to_string(),
            public_key,
            added_at_ms: 0,
        },
        key,
    ))
}

fn read(raw: Option<Vec<u8>>, user_id: u64) -> Result<Vec<pb::SshKey>, StoreError> {
    raw.map(|v| decode::<Stored>(&keys::ssh_keys(user_id), &v).map(|s| s.keys))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// The keys of account `user_id`, oldest first.
pub fn of(db: &Db, user_id: u64) -> Result<Vec<pb::SshKey>, StoreError> {
    read(db.get_raw(&keys::ssh_keys(user_id))?, user_id)
}

/// Whether account `user_id` holds exactly this key (its comment aside).
pub fn holds(db: &Db, user_id: u64, key: &PublicKey) -> Result<bool, StoreError> {
    Ok(of(db, user_id)?.iter().any(|k| {
        PublicKey::from_openssh(&k.public_key)
            .is_ok_and(|stored| stored.key_data() == key.key_data())
    }))
}

/// Whether the account named `username` holds this key; false when no such account exists.
pub fn named_holds(db: &Db, username: &str, key: &PublicKey) -> Result<bool, StoreError> {
    match db
        .get_raw(&keys::unique("username", username))?
        .and_then(|v| keys::trailing_u64(&v))
    {
        Some(id) => holds(db, id, key),
        None => Ok(false),
    }
}

fn put(tx: &mut Tx<'_>, user_id: u64, keys: Vec<pb::SshKey>) {
    let key = keys::ssh_keys(user_id);
    if keys.is_empty() {
        tx.remove_raw(key);
    } else {
        tx.put_raw(key, prost::Message::encode_to_vec(&Stored { keys }));
    }
}

/// Stages adding `key` to account `user_id`, audited; a key already there or one past
/// [`MAX_KEYS`] is refused.
pub fn stage_add(
    tx: &mut Tx<'_>,
    user_id: u64,
    mut key: pb::SshKey,
) -> Result<pb::SshKey, ApiError> {
    let mut all = read(tx.get_raw(&keys::ssh_keys(user_id))?, user_id)?;
    if all.iter().any(|k| k.fingerprint == key.fingerprint) {
        return Err(ApiError::AlreadyExists {
            ru: "этот ключ уже добавлен".into(),
            en: "this key is already added".into(),
        });
    }
    if all.len() >= MAX_KEYS {
        return Err(FieldError::new(
            "public_key",
            "у учётной записи уже 16 ключей; удалите ненужный",
            "the account already has 16 keys; remove one first",
        )
        .into());
    }
    key.added_at_ms = tx.now_ms();
    all.push(key.clone());
    put(tx, user_id, all);
    tx.audit(Kind::User, user_id, "ssh_key_added", 0);
    Ok(key)
}

/// Stages removing the key named by `fingerprint` from account `user_id`, audited.
pub fn stage_remove(tx: &mut Tx<'_>, user_id: u64, fingerprint: &str) -> Result<(), ApiError> {
    let mut all = read(tx.get_raw(&keys::ssh_keys(user_id))?, user_id)?;
    let before = all.len();
    all.retain(|k| k.fingerprint != fingerprint);
    if all.len() == before {
        return Err(ApiError::NotFound {
            kind: "ssh key",
            id: user_id,
        });
    }
    put(tx, user_id, all);
    tx.audit(Kind::User, user_id, "ssh_key_removed", 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILM+rvN+ot98qgEN796jTiQfZfG1KaT0PtFDJ/XFSqti foo@bar.com";

    #[test]
    fn an_openssh_line_is_parsed_with_its_fingerprint_and_comment() {
        let (key, _) = parse(&format!("  {ED25519}\n")).expect("parsed");
        assert_eq!(key.algorithm, "ssh-ed25519");
        assert_eq!(key.comment, "foo@bar.com");
        assert!(
            key.fingerprint.starts_with("SHA256:"),
            "{}",
            key.fingerprint
        );
        assert_eq!(key.public_key, ED25519);
    }

    #[test]
    fn a_bad_key_names_the_field() {
        for bad in [
            "",
            "ssh-ed25519 not-base64",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "ssh-ed25519 AAAA\nssh-ed25519 AAAA",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.field, "public_key");
            assert!(!e.ru.is_empty() && !e.en.is_empty());
        }
    }
}
