//! `ImportAssignments`: an assignment register read from a spreadsheet. The preview writes
//! nothing; the commit issues each accepted row through `CreateAssignment` itself, so the rights,
//! numbering, deadline rules, notifications and audit of an assignment issued by hand hold for
//! every imported row.

use infogroups_shared::pb::{self, assignment_service_server::AssignmentService};
use infogroups_shared::register::{self, AssignmentDraft};
use infogroups_shared::validate;
use tonic::{Request, Response, Status};

use super::AssignmentSvc;
use crate::auth::caller;
use crate::error::ApiError;
use crate::imports::{self, Known};
use crate::policy::{Action, may_read_group};

/// The assignment's text: the register's grounds, which name no record of the system, are kept
/// in it as written.
fn text_of(d: &AssignmentDraft) -> String {
    if d.basis.is_empty() {
        d.text.clone()
    } else {
        format!("{} (основание: {})", d.text, d.basis)
    }
}

/// The preview's line: the due date and the start of the text.
fn summary(d: &AssignmentDraft) -> String {
    let text: String = d.text.chars().take(60).collect();
    format!("{} {text}", d.due.format("%d.%m.%Y"))
}

impl AssignmentSvc {
    /// Reads the register and, when asked, issues its accepted rows.
    pub(super) async fn import(
        &self,
        req: Request<pb::ImportRegisterRequest>,
    ) -> Result<Response<pb::ImportRegisterResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let db = &self.ctx.db;
        let known = Known {
            groups: db
                .all::<pb::Group>()
                .map_err(ApiError::from)?
                .into_iter()
                .filter(|g| may_read_group(&c.actor, g.meta.as_ref().map_or(0, |m| m.id)))
                .collect(),
            territories: Vec::new(),
            users: db.all::<pb::User>().map_err(ApiError::from)?,
            code_known: Box::new(|_| false),
        };
        imports::may_in_some_group(
            &c.actor,
            Action::IssueAssignment,
            &known.groups,
            crate::policy::Denied {
                ru: "нет права давать поручения".into(),
                en: "you may not issue assignments".into(),
            },
        )?;
        let sha = imports::sha256(&req.content);
        let rows = imports::rows(&req.file_name, &req.content)?;
        let read = register::assignments(&rows, self.today(), &known)
            .map_err(|e| imports::unreadable(&e))?;
        let mut out = imports::response(&sha, read.refused);
        for (row, d) in read.accepted {
            if let Err(r) = imports::row_allowed(&c.actor, Action::IssueAssignment, row, d.group_id)
            {
                out.refused.push(r);
                continue;
            }
            let summary = summary(&d);
            let one = pb::CreateAssignmentRequest {
                request_id: imports::request_id("assignment", &sha, row),
                text: text_of(&d),
                kind: pb::AssignmentKind::Task as i32,
                group_id: d.group_id,
                executor_id: d.executor_id,
                deadline: Some(validate::from_naive(d.due)),
                ..Default::default()
            };
            if !req.commit {
                if let Err(e) = validate::text("text", &one.text, true, validate::MAX_TEXT) {
                    out.refused.push(imports::refused_field(row, e));
                } else {
                    out.accepted.push(pb::ImportedRow {
                        row,
                        summary,
                        ..Default::default()
                    });
                }
                continue;
            }
            let mut call = Request::new(one);
            call.extensions_mut().insert(c.clone());
            let made = self.create_assignment(call).await.map(|saved| {
                let saved = saved.into_inner();
                (saved.meta.map_or(0, |m| m.id), saved.number)
            });
            imports::settle(&mut out, row, summary, made);
        }
        out.refused.sort_by_key(|r| r.row);
        Ok(Response::new(out))
    }
}
