//! `UserService`: accounts and roles.

use infogroups_shared::pb::{self, user_service_server::UserService};
use infogroups_shared::validate;
use tonic::{Request, Response, Status};

use super::{Ctx, page_size};
use crate::accounts;
use crate::auth::{self, caller};
use crate::entity::{Entity, Kind};
use crate::error::ApiError;
use crate::policy::{Action, Resource, authorize, may_grant};
use crate::sessions::Gate;

/// The user service.
pub struct UserSvc {
    ctx: Ctx,
}

impl UserSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| ApiError::ShuttingDown)?
}

#[tonic::async_trait]
impl UserService for UserSvc {
    async fn create_user(
        &self,
        req: Request<pb::CreateUserRequest>,
    ) -> Result<Response<pb::User>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::request_id("request_id", &req.request_id)?;
        accounts::validate_new(&req)?;
        authorize(&c.actor, Action::ManageUsers, &Resource::default()).map_err(ApiError::from)?;
        let phc = hash(req.password.clone()).await?;
        let user = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                if let Some(done) = tx.replayed::<pb::User>("CreateUser", &req.request_id)? {
                    return Ok(done);
                }
                accounts::stage_new(tx, &req, phc)
            })
            .await?;
        Ok(Response::new(user))
    }

    async fn update_user(
        &self,
        req: Request<pb::UpdateUserRequest>,
    ) -> Result<Response<pb::User>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("user_id", req.user_id)?;
        validate::name_line("full_name", &req.full_name, validate::MAX_LINE, true)?;
        validate::optional_line("position", &req.position, validate::MAX_LINE)?;
        validate::optional_line("contact", &req.contact, validate::MAX_LINE)?;
        authorize(&c.actor, Action::ManageUsers, &Resource::default()).map_err(ApiError::from)?;
        let user = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                crate::refs::exists::<pb::Department>(tx, "department_id", req.department_id)?;
                let mut u = tx.require::<pb::User>(req.user_id)?;
                u.full_name = req.full_name.trim().to_string();
                u.position = req.position.trim().to_string();
                u.department_id = req.department_id;
                u.contact = req.contact.trim().to_string();
                tx.update(u, req.expected_version, "update")
            })
            .await?;
        Ok(Response::new(user))
    }

    async fn set_password(
        &self,
        req: Request<pb::SetPasswordRequest>,
    ) -> Result<Response<pb::User>, Status> {
        let c = caller(&req)?;
        let from = req.remote_addr().map(|a| a.ip());
        let req = req.into_inner();
        validate::id("user_id", req.user_id)?;
        let target: pb::User = self
            .ctx
            .db
            .get(req.user_id)
            .map_err(ApiError::from)?
            .unwrap_or_default();
        validate::password_policy(
            "new_password",
            &req.new_password,
            &[&target.username, &target.full_name],
        )?;
        let res = Resource {
            subject_user_id: req.user_id,
            ..Resource::default()
        };
        let admin = authorize(&c.actor, Action::ManageUsers, &res).is_ok();
        if !admin {
            authorize(&c.actor, Action::ChangeOwnPassword, &res).map_err(ApiError::from)?;
            // Guessing the current password through here is throttled like a login.
            let who = req.user_id.to_string();
            self.ctx.throttle.check(Gate::OldPassword, &who, from)?;
            let key = crate::db::keys::credential(req.user_id);
            let stored = self
                .ctx
                .db
                .get_raw(&key)
                .map_err(ApiError::from)?
                .map(|v| crate::db::decode::<auth::Credential>(&key, &v))
                .transpose()
                .map_err(ApiError::from)?
                .map(|c| c.phc)
                .unwrap_or_default();
            let old = req.old_password.clone();
            let ok = tokio::task::spawn_blocking(move || auth::verify_password(&old, &stored))
                .await
                .unwrap_or(false);
            if !ok {
                self.ctx.throttle.failed(Gate::OldPassword, &who, from);
                tracing::warn!(
                    user_id = req.user_id,
                    "a wrong current password in SetPassword"
                );
                let actor = c.actor.user_id;
                self.ctx
                    .db
                    .write(actor, |tx| {
                        tx.audit(Kind::User, actor, "set_password_failed", 0);
                        Ok(())
                    })
                    .await?;
                return Err(validate::FieldError::new(
                    "old_password",
                    "текущий пароль неверен",
                    "the current password is wrong",
                )
                .to_status());
            }
        }
        let phc = hash(req.new_password.clone()).await?;
        // The caller's own session goes on when they change their own password.
        let keep = (req.user_id == c.actor.user_id).then_some(c.token_hash.as_slice());
        let user = accounts::set_password(
            &self.ctx.db,
            c.actor.user_id,
            req.user_id,
            phc,
            keep,
            Some(&self.ctx.streams),
        )
        .await?;
        Ok(Response::new(user))
    }

    async fn grant_role(
        &self,
        req: Request<pb::GrantRoleRequest>,
    ) -> Result<Response<pb::User>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("user_id", req.user_id)?;
        let grant = validate::grant("grant", req.grant.as_ref())?;
        authorize(&c.actor, Action::ManageUsers, &Resource::default()).map_err(ApiError::from)?;
        may_grant(&c.actor, req.user_id, grant.role).map_err(ApiError::from)?;
        let user = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                accounts::stage_grant(tx, req.user_id, Some(req.expected_version), grant)
            })
            .await?;
        Ok(Response::new(user))
    }

    async fn revoke_role(
        &self,
        req: Request<pb::RevokeRoleRequest>,
    ) -> Result<Response<pb::User>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("user_id", req.user_id)?;
        let grant = validate::grant("grant", req.grant.as_ref())?;
        authorize(&c.actor, Action::ManageUsers, &Resource::default()).map_err(ApiError::from)?;
        let user = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                accounts::stage_revoke(tx, req.user_id, Some(req.expected_version), grant)
            })
            .await?;
        Ok(Response::new(user))
    }

    async fn archive_user(
        &self,
        req: Request<pb::ArchiveUserRequest>,
    ) -> Result<Response<pb::User>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("user_id", req.user_id)?;
        authorize(&c.actor, Action::ManageUsers, &Resource::default()).map_err(ApiError::from)?;
        if req.user_id == c.actor.user_id {
            return Err(ApiError::precondition(
                "нельзя отключить собственную учётную запись",
                "you cannot archive your own account",
            )
            .into());
        }
        let user = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                let mut u = tx.require::<pb::User>(req.user_id)?;
                u.meta_mut().archived = true;
                tx.update(u, req.expected_version, "archive")
            })
            .await?;
        Ok(Response::new(user))
    }

    async fn list_users(
        &self,
        req: Request<pb::ListUsersRequest>,
    ) -> Result<Response<pb::ListUsersResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        authorize(&c.actor, Action::ListUsers, &Resource::default()).map_err(ApiError::from)?;
        let all: Vec<pb::User> = self.ctx.db.all().map_err(ApiError::from)?;
        let (users, page) = paginate(
            all.into_iter()
                .filter(|u| req.include_archived || !u.meta.is_some_and(|m| m.archived))
                .collect(),
            req.page.as_ref(),
        )?;
        Ok(Response::new(pb::ListUsersResponse {
            users,
            page: Some(page),
        }))
    }
}

/// One page of an in-memory list; the token is the offset.
pub fn paginate<T>(
    items: Vec<T>,
    page: Option<&pb::PageRequest>,
) -> Result<(Vec<T>, pb::PageResponse), ApiError> {
    let size = page_size(page.map_or(0, |p| p.page_size));
    let offset = match page.map(|p| p.page_token.as_str()).unwrap_or("") {
        "" => 0,
        t => t.parse::<usize>().map_err(|_| {
            validate::FieldError::new(
                "page.page_token",
                "неверный маркер страницы",
                "invalid page token",
            )
        })?,
    };
    let total = items.len();
    let rest: Vec<T> = items.into_iter().skip(offset).take(size).collect();
    let next = offset + rest.len();
    Ok((
        rest,
        pb::PageResponse {
            next_page_token: if next < total {
                next.to_string()
            } else {
                String::new()
            },
            total: total as u64,
        },
    ))
}
