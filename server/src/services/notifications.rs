//! `NotificationService`: a user's own notifications, and marking them read.

use infogroups_shared::pb::{self, notification_service_server::NotificationService};
use tonic::{Request, Response, Status};

use super::Ctx;
use super::users::paginate;
use crate::auth::caller;
use crate::entity::Entity;
use crate::entity::Kind;
use crate::error::ApiError;
use infogroups_shared::validate::FieldError;

/// The notification service.
pub struct NotificationSvc {
    ctx: Ctx,
}

impl NotificationSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

#[tonic::async_trait]
impl NotificationService for NotificationSvc {
    async fn list_notifications(
        &self,
        req: Request<pb::ListNotificationsRequest>,
    ) -> Result<Response<pb::ListNotificationsResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let mut mine: Vec<pb::Notification> = self
            .ctx
            .db
            .all::<pb::Notification>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|n| n.user_id == c.actor.user_id && (!req.unread_only || !n.read))
            .collect();
        mine.sort_by_key(|n| std::cmp::Reverse(n.meta().id));
        let (notifications, page) = paginate(mine, req.page.as_ref())?;
        Ok(Response::new(pb::ListNotificationsResponse {
            notifications,
            page: Some(page),
        }))
    }

    async fn mark_read(
        &self,
        req: Request<pb::MarkReadRequest>,
    ) -> Result<Response<pb::MarkReadResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        if req.ids.len() > 10_000 {
            return Err(infogroups_shared::validate::FieldError::new(
                "ids",
                "не более 10 000 за раз",
                "at most 10,000 at once",
            )
            .into());
        }
        let me = c.actor.user_id;
        let marked = self
            .ctx
            .db
            .write(me, |tx| {
                let mut marked = 0;
                for id in &req.ids {
                    // Someone else's notification is treated as absent, so ids do not leak.
                    match tx.get::<pb::Notification>(*id)? {
                        Some(mut n) if n.user_id == me && !n.read => {
                            n.read = true;
                            tx.update_current(n, "mark_read")?;
                            marked += 1;
                        }
                        _ => {}
                    }
                }
                Ok(marked)
            })
            .await?;
        Ok(Response::new(pb::MarkReadResponse { marked }))
    }

    async fn get_mail_preferences(
        &self,
        req: Request<pb::GetMailPreferencesRequest>,
    ) -> Result<Response<pb::MailPreferences>, Status> {
        let c = caller(&req)?;
        let prefs =
            crate::mail::prefs::get(&self.ctx.db, c.actor.user_id).map_err(ApiError::from)?;
        Ok(Response::new(prefs))
    }

    async fn set_mail_preferences(
        &self,
        req: Request<pb::MailPreferences>,
    ) -> Result<Response<pb::MailPreferences>, Status> {
        let c = caller(&req)?;
        let mut prefs = req.into_inner();
        prefs.email = prefs.email.trim().to_string();
        crate::mail::prefs::check(&prefs).map_err(ApiError::from)?;
        if prefs.control_digest && !c.actor.has(pb::Role::ControlSector) {
            return Err(ApiError::from(FieldError::new(
                "control_digest",
                "сводка — только для контрольно-организационного сектора",
                "the digest is for the control sector only",
            ))
            .into());
        }
        // Choosing mail on a server that cannot send it would queue messages nobody gets.
        if !prefs.kinds.is_empty() || prefs.control_digest {
            crate::mail::require_on(&self.ctx)?;
        }
        prefs.kinds.sort_unstable();
        prefs.kinds.dedup();
        let user = c.actor.user_id;
        let saved = prefs.clone();
        self.ctx
            .db
            .write(user, move |tx| {
                crate::mail::prefs::put(tx, user, &saved);
                tx.audit(Kind::User, user, "mail_preferences", 0);
                Ok(())
            })
            .await?;
        Ok(Response::new(prefs))
    }
}
