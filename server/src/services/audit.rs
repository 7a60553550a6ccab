//! `AuditService`: the administrator reads the audit log; the personal-data officer reads its
//! views of citizens' personal data.

use infogroups_shared::pb::{self, audit_service_server::AuditService};
use tonic::{Request, Response, Status};

use super::{Ctx, page_size};
use crate::auth::caller;
use crate::entity::Kind;
use crate::error::{ApiError, ApiResult};
use crate::policy::{VIEW_PERSONAL_DATA, audit_scope};

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

/// Names the records a page of views is about by the numbers people know them by (the officer
/// sees no appeals or cards of their own to look the numbers up in).
fn label_views(ctx: &Ctx, records: &mut [pb::AuditRecord]) -> ApiResult<()> {
    let is_view = |r: &pb::AuditRecord, kind: Kind| {
        r.action == VIEW_PERSONAL_DATA && r.entity_kind == kind.name()
    };
    let cards: Vec<u64> = records
        .iter()
        .filter(|r| is_view(r, Kind::ReceptionCard))
        .map(|r| r.entity_id)
        .collect();
    let card_numbers = if cards.is_empty() {
        Default::default()
    } else {
        super::exports::card_numbers(ctx, &cards)?
    };
    for r in records.iter_mut() {
        if is_view(r, Kind::Appeal) {
            if let Some(a) = ctx.db.get::<pb::Appeal>(r.entity_id)? {
                r.entity_label = a.number;
            }
        } else if is_view(r, Kind::ReceptionCard) {
            r.entity_label = card_numbers.get(&r.entity_id).cloned().unwrap_or_default();
        }
    }
    Ok(())
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
        infogroups_shared::validate::optional_line("action", &req.action, 64)?;
        let scope = audit_scope(&c.actor).map_err(ApiError::from)?;
        let mut records = self
            .ctx
            .db
            .audit_before(req.before_seq, page_size(req.limit), |r| {
                scope.covers(&r.action)
                    && (req.action.is_empty() || r.action == req.action)
                    && (req.actor_id == 0 || r.actor_id == req.actor_id)
                    && (req.entity_kind.is_empty() || r.entity_kind == req.entity_kind)
                    && (req.entity_id == 0 || r.entity_id == req.entity_id)
            })
            .map_err(ApiError::from)?;
        label_views(&self.ctx, &mut records)?;
        Ok(Response::new(pb::ListAuditResponse { records }))
    }
}
