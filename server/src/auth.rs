//! Passwords (argon2id), bearer tokens (random, stored only as a SHA-256 hash), sessions with
//! expiry, and the interceptor that turns a token into an [`Actor`] (throttling and the end of
//! sessions are in [`crate::sessions`]).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use infogroups_shared::pb;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tonic::{Request, Status};

use crate::db::{Db, decode, keys};
use crate::error::{ApiError, localized};
use crate::policy::Actor;

/// A stored session: who and until when. Kept under the token's hash only.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Session {
    /// The user.
    #[prost(uint64, tag = "1")]
    pub user_id: u64,
    /// Expiry, UTC ms.
    #[prost(int64, tag = "2")]
    pub expires_at_ms: i64,
    /// The token's hash again, compared in constant time after the key lookup.
    #[prost(bytes = "vec", tag = "3")]
    pub token_hash: Vec<u8>,
}

/// A stored password hash (PHC string).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Credential {
    /// `$argon2id$…`.
    #[prost(string, tag = "1")]
    pub phc: String,
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| crate::store::StoreError::Engine(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| crate::store::StoreError::Engine(e.to_string()).into())
}

/// Checks a password against a PHC hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A real hash of a random password, verified against when the account name is unknown so that
/// a failed login takes as long whether or not the name exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&generate_password()).unwrap_or_default())
}

/// A new random token (256 bits, hex) and its hash.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A random password for the first administrator when none is configured.
pub fn generate_password() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The keys of `user_id`'s stored sessions, but the one whose token hash is `keep`: what a
/// password change ends. Scanned outside the write (transactions cannot scan); a login racing
/// with the change may survive it, as it would if it had come a moment later.
pub fn sessions_of(db: &Db, user_id: u64, keep: Option<&[u8]>) -> Result<Vec<Vec<u8>>, ApiError> {
    let prefix = keys::session(&[]);
    let mut out = Vec::new();
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = db.store().scan(&prefix, after.as_deref(), 1024)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = Some(last.clone());
        for (key, value) in &page {
            let session: Session = decode(key, value)?;
            if session.user_id == user_id && keep != Some(session.token_hash.as_slice()) {
                out.push(key.clone());
            }
        }
    }
    Ok(out)
}

/// The bearer token of a request, if any.
pub fn bearer<T>(req: &Request<T>) -> Option<String> {
    let value = req.metadata().get("authorization")?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_string())
}

/// The session behind a token, if it exists and has not expired.
pub fn session_for(db: &Db, token: &str) -> Result<Option<Session>, ApiError> {
    let hash = token_hash(token);
    let key = keys::session(&hash);
    let Some(bytes) = db.get_raw(&key)? else {
        return Ok(None);
    };
    let session: Session = decode(&key, &bytes)?;
    let same: bool = session.token_hash.ct_eq(&hash).into();
    if !same || session.expires_at_ms <= db.clock().now_ms() {
        return Ok(None);
    }
    Ok(Some(session))
}

/// The actor behind a token: a live session of an account that is not archived.
pub fn actor_for(db: &Db, token: &str) -> Result<(Actor, Session), ApiError> {
    let unauth = || {
        ApiError::unauthenticated(
            "сеанс недействителен или истёк; войдите снова",
            "the session is invalid or expired; sign in again",
        )
    };
    let session = session_for(db, token)?.ok_or_else(unauth)?;
    let user: pb::User = db.get(session.user_id)?.ok_or_else(unauth)?;
    if user.meta.is_some_and(|m| m.archived) {
        return Err(unauth());
    }
    Ok((
        Actor {
            user_id: session.user_id,
            grants: user.roles,
        },
        session,
    ))
}

/// The authenticated caller, put into request extensions by [`Authenticator`].
#[derive(Clone, Debug)]
pub struct Caller {
    /// Who.
    pub actor: Actor,
    /// Their session's expiry, UTC ms.
    pub expires_at_ms: i64,
    /// The token's hash (watch streams re-check the session).
    pub token_hash: Vec<u8>,
}

/// The interceptor in front of every service but authentication, health and reflection.
#[derive(Clone)]
pub struct Authenticator {
    db: Db,
}

impl Authenticator {
    /// Over a database.
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

impl tonic::service::Interceptor for Authenticator {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        let Some(token) = bearer(&req) else {
            return Err(localized(
                tonic::Code::Unauthenticated,
                "нужен вход в систему (заголовок authorization: Bearer …)",
                "sign in first (authorization: Bearer … header)",
            ));
        };
        let (actor, session) = actor_for(&self.db, &token).map_err(Status::from)?;
        req.extensions_mut().insert(Caller {
            actor,
            expires_at_ms: session.expires_at_ms,
            token_hash: session.token_hash,
        });
        Ok(req)
    }
}

/// The caller of an intercepted request.
pub fn caller<T>(req: &Request<T>) -> Result<Caller, Status> {
    req.extensions().get::<Caller>().cloned().ok_or_else(|| {
        localized(
            tonic::Code::Unauthenticated,
            "нужен вход в систему",
            "sign in first",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() -> Result<(), ApiError> {
        let h = hash_password("correct horse")?;
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        Ok(())
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), ha);
    }
}
