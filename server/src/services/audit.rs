//! `AuditService`: the administrator reads the audit log; the personal-data officer reads its
//! views of citizens' personal data.

use infogroups_shared::pb::{self, audit_service_server::AuditService};
use tonic::{Request, Response, Status};

use super::{Ctx, page_size};
use crate::auth::caller;
use crate::error::ApiError;
use crate::policy::{Action, Resource, authorize};
use crate::services::appeals::VIEW_PERSONAL_DATA;

/// The audit service.
pub struct AuditSvc {
    ctx: Ctx,
}

impl AuditSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

#[tonic::async_trait]
impl AuditService for AuditSvc {
    async fn list_audit(
        &self,
        req: Request<pb::ListAuditRequest>,
    ) -> Result<Response<pb::ListAuditResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        infogroups_shared::validate::optional_line("entity_kind", &req.entity_kind, 64)?;
        // The personal-data officer reads only who saw which citizen when; the administrator
        // reads everything.
        let views_only = match authorize(&c.actor, Action::ReadAudit, &Resource::default()) {
            Ok(()) => false,
            Err(denied) => {
                if authorize(
                    &c.actor,
                    Action::ReadPersonalDataViews,
                    &Resource::default(),
                )
                .is_err()
                {
                    return Err(ApiError::from(denied).into());
                }
                true
            }
        };
        let records = self
            .ctx
            .db
            .audit_before(req.before_seq, page_size(req.limit), |r| {
                (!views_only || r.action == VIEW_PERSONAL_DATA)
                    && (req.actor_id == 0 || r.actor_id == req.actor_id)
                    && (req.entity_kind.is_empty() || r.entity_kind == req.entity_kind)
                    && (req.entity_id == 0 || r.entity_id == req.entity_id)
            })
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListAuditResponse { records }))
    }
}
