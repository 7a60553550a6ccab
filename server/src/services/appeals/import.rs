//! `ImportAppeals`: an appeal register read from a spreadsheet. The preview writes nothing; the
//! commit registers each accepted row through `RegisterAppeal` itself, so the rules, rights,
//! numbering, deadlines and audit of a hand-made registration hold for every imported row.

use infogroups_shared::pb::{self, appeal_service_server::AppealService};
use infogroups_shared::register;
use tonic::{Request, Response, Status};

use super::AppealSvc;
use crate::auth::caller;
use crate::error::ApiError;
use crate::imports::{self, Known};
use crate::policy::{Action, may_read_group};

/// The summary of a row shown in the preview: date, code and the start of the text, never the
/// citizen.
fn summary(a: &pb::Appeal) -> String {
    let date = a.received.as_ref().map_or_else(String::new, |d| {
        format!("{:02}.{:02}.{}", d.day, d.month, d.year)
    });
    let code = a
        .questions
        .first()
        .map_or("", |q| q.classifier_code.as_str());
    let text: String = a.text.chars().take(60).collect();
    format!("{date} {code} {text}")
}

impl AppealSvc {
    /// The directory as `actor` sees it, for matching a register's names.
    fn known(&self, actor: &crate::policy::Actor) -> Result<Known, ApiError> {
        let db = &self.ctx.db;
        let index = self.ctx.classifier.clone();
        Ok(Known {
            groups: db
                .all::<pb::Group>()?
                .into_iter()
                .filter(|g| may_read_group(actor, g.meta.as_ref().map_or(0, |m| m.id)))
                .collect(),
            territories: db.all::<pb::Territory>()?,
            users: Vec::new(),
            code_known: Box::new(move |code| {
                index
                    .read()
                    .map(|c| c.0.get(code).is_some_and(|n| !n.archived))
                    .unwrap_or(false)
            }),
        })
    }

    /// Reads the register and, when asked, registers its accepted rows.
    pub(super) async fn import(
        &self,
        req: Request<pb::ImportRegisterRequest>,
    ) -> Result<Response<pb::ImportRegisterResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let known = self.known(&c.actor)?;
        imports::may_in_some_group(
            &c.actor,
            Action::ProcessAppeals,
            &known.groups,
            crate::policy::Denied {
                ru: "нет права регистрировать обращения".into(),
                en: "you may not register appeals".into(),
            },
        )?;
        let sha = imports::sha256(&req.content);
        let rows = imports::rows(&req.file_name, &req.content)?;
        let read =
            register::appeals(&rows, self.today(), &known).map_err(|e| imports::unreadable(&e))?;
        let mut out = imports::response(&sha, read.refused);
        for (row, appeal) in read.accepted {
            if let Err(r) =
                imports::row_allowed(&c.actor, Action::ProcessAppeals, row, appeal.group_id)
            {
                out.refused.push(r);
                continue;
            }
            if let Err(e) = self.check_appeal(&appeal) {
                out.refused.push(imports::refused_field(row, e));
                continue;
            }
            let summary = summary(&appeal);
            if !req.commit {
                out.accepted.push(pb::ImportedRow {
                    row,
                    summary,
                    ..Default::default()
                });
                continue;
            }
            let mut one = Request::new(pb::RegisterAppealRequest {
                request_id: imports::request_id("appeal", &sha, row),
                appeal: Some(appeal),
                // The register is the office's own record: its rows are registered as written,
                // not held back as possibly repeated.
                repeated_confirmed: true,
            });
            one.extensions_mut().insert(c.clone());
            let made = self.register_appeal(one).await.map(|saved| {
                let saved = saved.into_inner();
                (saved.meta.map_or(0, |m| m.id), saved.number)
            });
            imports::settle(&mut out, row, summary, made);
        }
        out.refused.sort_by_key(|r| r.row);
        Ok(Response::new(out))
    }
}
