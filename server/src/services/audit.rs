//! `AuditService`: the administrator reads the audit log.

use infogroups_shared::pb::{self, audit_service_server::AuditService};
use tonic::{Request, Response, Status};

use super::{Ctx, page_size};
use crate::auth::caller;
use crate::error::ApiError;
use crate::policy::{Action, Resource, authorize};

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
        authorize(&c.actor, Action::ReadAudit, &Resource::default()).map_err(ApiError::from)?;
        let records = self
            .ctx
            .db
            .audit_before(req.before_seq, page_size(req.limit), |r| {
                (req.actor_id == 0 || r.actor_id == req.actor_id)
                    && (req.entity_kind.is_empty() || r.entity_kind == req.entity_kind)
                    && (req.entity_id == 0 || r.entity_id == req.entity_id)
            })
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListAuditResponse { records }))
    }
}
