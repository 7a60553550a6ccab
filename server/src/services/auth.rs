//! `AuthService`: login, logout, who am I, and the SSH keys a person signs in with; and the
//! in-process login by a verified SSH key.

use infogroups_shared::pb::{self, auth_service_server::AuthService};
use infogroups_shared::validate;
use tonic::{Request, Response, Status};

use std::net::IpAddr;

use infogroups_shared::ssh_keys::KeyOp;

use super::Ctx;
use crate::auth::{self, Credential, Session};
use crate::db::{decode, keys};
use crate::entity::Kind;
use crate::error::ApiError;
use crate::sessions::Gate;
use crate::ssh_keys;

/// The authentication service; the only one callable without a token.
pub struct AuthSvc {
    ctx: Ctx,
}

impl AuthSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// Records a refused login in the audit log: the account when the name exists (0 when not),
    /// never the name typed or the password.
    async fn failed_audit(&self, user_id: Option<u64>, action: &str) -> Result<(), ApiError> {
        let id = user_id.unwrap_or(0);
        self.ctx
            .db
            .write(0, |tx| {
                tx.audit(Kind::User, id, action, 0);
                Ok(())
            })
            .await
    }

    /// Opens a session for `user`, whose credential was just verified: a new token, stored only
    /// as its hash, and the login audited.
    async fn open_session(
        &self,
        user_id: u64,
        user: pb::User,
    ) -> Result<pb::LoginResponse, ApiError> {
        let db = &self.ctx.db;
        let (token, hash) = auth::new_token();
        let ttl_ms = i64::try_from(self.ctx.config.token_ttl.as_millis()).unwrap_or(i64::MAX);
        // On the sessions' clock, which a training clock's moves do not advance.
        let expires_at_ms = db.clock().session_ms().saturating_add(ttl_ms);
        let session = Session {
            user_id,
            expires_at_ms,
            token_hash: hash.clone(),
        };
        let version = user.meta.map_or(0, |m| m.version);
        db.write(user_id, |tx| {
            tx.put_raw(
                keys::session(&hash),
                prost::Message::encode_to_vec(&session),
            );
            tx.audit(Kind::User, user_id, "login", version);
            Ok(())
        })
        .await?;
        tracing::info!(user_id, "login");
        Ok(pb::LoginResponse {
            token,
            expires_at_ms: db.clock().from_session_ms(expires_at_ms),
            roles: user.roles,
            user_id,
            full_name: user.full_name,
        })
    }

    /// Signs `username` in by an SSH public key the SSH front end has verified the client holds
    /// (its signature checked). Reachable only in-process: no gRPC method leads here, since over
    /// the network nothing proves the caller holds the key. The same throttling, audit and token
    /// as the password login; an archived account or a key not on the account is refused.
    pub async fn login_by_key(
        &self,
        username: &str,
        key: &ssh_keys::PublicKey,
        from: Option<IpAddr>,
    ) -> Result<pb::LoginResponse, ApiError> {
        validate::required_line("username", username, 64)?;
        let db = &self.ctx.db;
        let user_id = db
            .get_raw(&keys::unique("username", username))?
            .and_then(|v| keys::trailing_u64(&v));
        if let Err(e) = self.ctx.throttle.check(Gate::Login, username, from) {
            tracing::warn!(user_id = user_id.unwrap_or(0), from = ?from, "login throttled");
            self.failed_audit(user_id, "login_throttled").await?;
            return Err(e);
        }
        let user = match user_id {
            Some(id) if ssh_keys::holds(db, id, key)? => db.get::<pb::User>(id)?.map(|u| (id, u)),
            _ => None,
        };
        let Some((user_id, user)) = user.filter(|(_, u)| !u.meta.is_some_and(|m| m.archived))
        else {
            self.ctx.throttle.failed(Gate::Login, username, from);
            tracing::warn!(user_id = user_id.unwrap_or(0), from = ?from, "key login failed");
            self.failed_audit(user_id, "login_failed").await?;
            return Err(bad_key());
        };
        self.ctx.throttle.succeeded(Gate::Login, username, from);
        self.open_session(user_id, user).await
    }

    /// The caller of a key request and the account it is about (the caller's own when
    /// `user_id` is 0), once the caller may do `op` to that account's keys.
    fn key_owner<T>(
        &self,
        req: &Request<T>,
        user_id: u64,
        op: KeyOp,
    ) -> Result<(u64, u64), ApiError> {
        let token = auth::bearer(req)
            .ok_or_else(|| ApiError::unauthenticated("нужен вход в систему", "sign in first"))?;
        let (actor, _) = auth::actor_for(&self.ctx.db, &token)?;
        let owner = if user_id == 0 { actor.user_id } else { user_id };
        infogroups_shared::ssh_keys::may(&actor, owner, op)?;
        Ok((actor.user_id, owner))
    }
}

fn bad_key() -> ApiError {
    ApiError::unauthenticated(
        "этот ключ не открывает эту учётную запись",
        "this key does not open this account",
    )
}

fn bad_credentials() -> ApiError {
    ApiError::unauthenticated(
        "неверное имя пользователя или пароль",
        "wrong username or password",
    )
}

#[tonic::async_trait]
impl AuthService for AuthSvc {
    async fn login(
        &self,
        req: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        let from = req.remote_addr().map(|a| a.ip());
        let req = req.into_inner();
        validate::required_line("username", &req.username, 64)?;
        validate::required_line("password", &req.password, 256).or_else(|e| {
            if req.password.is_empty() {
                Err(e)
            } else {
                Ok(())
            }
        })?;
        let db = &self.ctx.db;
        let user_id = db
            .get_raw(&keys::unique("username", &req.username))
            .map_err(ApiError::from)?
            .and_then(|v| keys::trailing_u64(&v));
        if let Err(e) = self.ctx.throttle.check(Gate::Login, &req.username, from) {
            // The password is never logged, nor the name (a mistyped password often lands there).
            tracing::warn!(user_id = user_id.unwrap_or(0), from = ?from, "login throttled");
            self.failed_audit(user_id, "login_throttled").await?;
            return Err(e.into());
        }
        let stored = match user_id {
            Some(id) => {
                let key = keys::credential(id);
                db.get_raw(&key)
                    .map_err(ApiError::from)?
                    .map(|v| decode::<Credential>(&key, &v))
                    .transpose()
                    .map_err(ApiError::from)?
                    .map(|c| (id, c.phc))
            }
            None => None,
        };
        let password = req.password.clone();
        // Verify even for unknown names so timing does not tell which names exist.
        let phc = stored
            .as_ref()
            .map_or_else(|| auth::decoy_hash().to_string(), |(_, p)| p.clone());
        let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
            .await
            .unwrap_or(false);
        let (Some((user_id, _)), true) = (stored, ok) else {
            self.ctx.throttle.failed(Gate::Login, &req.username, from);
            tracing::warn!(user_id = user_id.unwrap_or(0), from = ?from, "login failed");
            self.failed_audit(user_id, "login_failed").await?;
            return Err(bad_credentials().into());
        };
        let user: pb::User = db
            .get(user_id)
            .map_err(ApiError::from)?
            .ok_or_else(bad_credentials)?;
        if user.meta.is_some_and(|m| m.archived) {
            self.ctx.throttle.failed(Gate::Login, &req.username, from);
            tracing::warn!(user_id, from = ?from, "login to an archived account");
            self.failed_audit(Some(user_id), "login_failed").await?;
            return Err(bad_credentials().into());
        }
        self.ctx
            .throttle
            .succeeded(Gate::Login, &req.username, from);
        Ok(Response::new(self.open_session(user_id, user).await?))
    }

    async fn logout(
        &self,
        req: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        let token = auth::bearer(&req)
            .ok_or_else(|| ApiError::unauthenticated("нужен вход в систему", "sign in first"))?;
        let session = auth::session_for(&self.ctx.db, &token)?.ok_or_else(|| {
            ApiError::unauthenticated("сеанс уже завершён", "the session has already ended")
        })?;
        self.ctx
            .db
            .write(session.user_id, |tx| {
                tx.remove_raw(keys::session(&session.token_hash));
                tx.audit(Kind::User, session.user_id, "logout", 0);
                Ok(())
            })
            .await?;
        // The session's watch streams end now: not one more event after the logout.
        self.ctx.streams.end([session.token_hash.as_slice()]);
        Ok(Response::new(pb::LogoutResponse {}))
    }

    async fn who_am_i(
        &self,
        req: Request<pb::WhoAmIRequest>,
    ) -> Result<Response<pb::WhoAmIResponse>, Status> {
        let token = auth::bearer(&req)
            .ok_or_else(|| ApiError::unauthenticated("нужен вход в систему", "sign in first"))?;
        let (actor, session) = auth::actor_for(&self.ctx.db, &token)?;
        let user: pb::User = self
            .ctx
            .db
            .get(actor.user_id)
            .map_err(ApiError::from)?
            .unwrap_or_default();
        Ok(Response::new(pb::WhoAmIResponse {
            user_id: actor.user_id,
            username: user.username,
            full_name: user.full_name,
            roles: actor.grants,
            expires_at_ms: self.ctx.db.clock().from_session_ms(session.expires_at_ms),
        }))
    }
    async fn add_ssh_key(
        &self,
        req: Request<pb::AddSshKeyRequest>,
    ) -> Result<Response<pb::SshKey>, Status> {
        let (_, owner) = self.key_owner(&req, 0, KeyOp::Add)?;
        let (key, _) = ssh_keys::parse(&req.get_ref().public_key).map_err(ApiError::from)?;
        let added = self
            .ctx
            .db
            .write(owner, |tx| ssh_keys::stage_add(tx, owner, key))
            .await?;
        Ok(Response::new(added))
    }

    async fn list_ssh_keys(
        &self,
        req: Request<pb::ListSshKeysRequest>,
    ) -> Result<Response<pb::ListSshKeysResponse>, Status> {
        let (_, owner) = self.key_owner(&req, req.get_ref().user_id, KeyOp::List)?;
        let keys = ssh_keys::of(&self.ctx.db, owner).map_err(ApiError::from)?;
        Ok(Response::new(pb::ListSshKeysResponse { keys }))
    }

    async fn remove_ssh_key(
        &self,
        req: Request<pb::RemoveSshKeyRequest>,
    ) -> Result<Response<pb::RemoveSshKeyResponse>, Status> {
        let (actor, owner) = self.key_owner(&req, req.get_ref().user_id, KeyOp::Remove)?;
        let fingerprint = req.into_inner().fingerprint;
        validate::required_line("fingerprint", &fingerprint, 128)?;
        self.ctx
            .db
            .write(actor, |tx| ssh_keys::stage_remove(tx, owner, &fingerprint))
            .await?;
        Ok(Response::new(pb::RemoveSshKeyResponse {}))
    }
}
