//! `MaintenanceService`: an administrator takes a consistent backup while the server runs (the
//! `admin backup` command needs the server stopped, since sled locks the store), sets the appeal
//! deadline rule, and moves a training clock.

use infogroups_shared::pb::{self, maintenance_service_server::MaintenanceService};
use infogroups_shared::validate::FieldError;
use tonic::{Request, Response, Status};

use super::Ctx;
use crate::auth::caller;
use crate::backup;
use crate::entity::Kind;
use crate::error::ApiError;
use crate::policy::{Action, Resource, authorize};
use crate::settings;
use crate::store::StoreError;

/// The longest file name accepted.
const MAX_NAME: usize = 100;

/// The furthest one call moves a training clock: a leap year, in minutes.
const MAX_ADVANCE_MINUTES: u32 = 366 * 24 * 60;

/// The maintenance service.
pub struct MaintenanceSvc {
    ctx: Ctx,
}

impl MaintenanceSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

/// A plain file name: no directory part, nothing hidden, nothing a shell or a path would read
/// differently.
fn file_name(name: &str) -> Result<(), FieldError> {
    let plain = !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        Ok(())
    } else {
        Err(FieldError::new(
            "name",
            format!(
                "имя файла: латинские буквы, цифры, '-', '_', '.', не более {MAX_NAME} знаков, без пути"
            ),
            format!(
                "a file name: letters, digits, '-', '_', '.', at most {MAX_NAME} characters, no path"
            ),
        ))
    }
}

#[tonic::async_trait]
impl MaintenanceService for MaintenanceSvc {
    async fn backup(
        &self,
        req: Request<pb::BackupRequest>,
    ) -> Result<Response<pb::BackupResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        if !req.name.is_empty() {
            file_name(&req.name).map_err(ApiError::from)?;
        }
        authorize(&c.actor, Action::Backup, &Resource::default()).map_err(ApiError::from)?;
        let db = &self.ctx.db;
        let name = if req.name.is_empty() {
            let now =
                chrono::DateTime::from_timestamp_millis(db.clock().now_ms()).unwrap_or_default();
            now.format("infogroups-%Y%m%d-%H%M%S.igbak").to_string()
        } else {
            req.name
        };
        let key = self.ctx.config.backup_key.as_ref().ok_or_else(|| {
            ApiError::precondition(
                "не задана парольная фраза резервных копий (INFOGROUPS_BACKUP_PASSPHRASE или --backup-passphrase-file)",
                "no backup passphrase is configured (INFOGROUPS_BACKUP_PASSPHRASE or --backup-passphrase-file)",
            )
        })?;
        let dir = &self.ctx.config.backup_dir;
        let path = dir.join(&name);
        let unwritable = |e: std::io::Error| {
            ApiError::precondition(
                format!(
                    "не удалось записать резервную копию в {}: {e}",
                    dir.display()
                ),
                format!("cannot write the backup into {}: {e}", dir.display()),
            )
        };
        std::fs::create_dir_all(dir).map_err(unwritable)?;
        crate::files::secure_dir(dir).map_err(unwritable)?;
        if path.exists() {
            return Err(ApiError::AlreadyExists {
                ru: format!("файл {name} уже есть; выберите другое имя"),
                en: format!("{name} already exists; choose another name"),
            }
            .into());
        }
        let summary = backup::backup_online(db, &path, key)
            .await
            .map_err(|e| match e {
                StoreError::Io(io) => unwritable(io),
                other => ApiError::from(other),
            })?;
        // Everyone's data left the store in one file: that is worth an audit record.
        let actor = c.actor.user_id;
        db.write(actor, |tx| {
            tx.audit(Kind::User, actor, "backup", 0);
            Ok(())
        })
        .await?;
        tracing::info!(path = %path.display(), entries = summary.entries, seq = summary.last_seq, "online backup written");
        Ok(Response::new(pb::BackupResponse {
            path: path.display().to_string(),
            entries: summary.entries,
            seq: summary.last_seq,
            sha256: hex::encode(summary.sha256),
        }))
    }

    async fn get_settings(
        &self,
        req: Request<pb::GetSettingsRequest>,
    ) -> Result<Response<pb::Settings>, Status> {
        caller(&req)?;
        Ok(Response::new(settings::current(&self.ctx)?))
    }

    async fn set_appeal_deadline_rule(
        &self,
        req: Request<pb::SetAppealDeadlineRuleRequest>,
    ) -> Result<Response<pb::Settings>, Status> {
        let c = caller(&req)?;
        let rule = settings::rule_from_pb(req.into_inner().rule).ok_or_else(|| {
            FieldError::new(
                "rule",
                "выберите правило: предыдущий рабочий день, следующий или без переноса",
                "choose a rule: the previous working day, the next one, or unchanged",
            )
        })?;
        authorize(&c.actor, Action::ChangeSettings, &Resource::default())
            .map_err(ApiError::from)?;
        settings::set_appeal_rule(&self.ctx.db, c.actor.user_id, rule).await?;
        tracing::info!(rule = rule.name(), "appeal deadline rule set");
        Ok(Response::new(settings::current(&self.ctx)?))
    }

    async fn advance_clock(
        &self,
        req: Request<pb::AdvanceClockRequest>,
    ) -> Result<Response<pb::Settings>, Status> {
        let c = caller(&req)?;
        let minutes = req.into_inner().minutes;
        if !(1..=MAX_ADVANCE_MINUTES).contains(&minutes) {
            return Err(ApiError::from(FieldError::new(
                "minutes",
                format!("от 1 до {MAX_ADVANCE_MINUTES} минут"),
                format!("1 to {MAX_ADVANCE_MINUTES} minutes"),
            ))
            .into());
        }
        authorize(&c.actor, Action::ChangeSettings, &Resource::default())
            .map_err(ApiError::from)?;
        let clock = self.ctx.db.clock();
        if !clock.is_training() {
            return Err(ApiError::precondition(
                "сервер работает по настоящему времени; учебные часы есть только при запуске с --clock",
                "the server runs on the real clock; a training clock exists only with --clock",
            )
            .into());
        }
        clock
            .advance_ms(i64::from(minutes) * 60_000)
            .map_err(|e| ApiError::precondition(e.to_string(), e.to_string()))?;
        let actor = c.actor.user_id;
        self.ctx
            .db
            .write(actor, |tx| {
                tx.audit(
                    Kind::User,
                    actor,
                    &format!("advance_clock_{minutes}_min"),
                    0,
                );
                Ok(())
            })
            .await?;
        // What fell due meanwhile is marked before the answer, so whoever moved the clock sees
        // the new day as it stands (the timer task would do it a moment later; both are
        // idempotent).
        crate::deadlines::round(&self.ctx).await?;
        tracing::info!(minutes, "training clock moved forward");
        Ok(Response::new(settings::current(&self.ctx)?))
    }

    async fn list_mail(
        &self,
        req: Request<pb::ListMailRequest>,
    ) -> Result<Response<pb::ListMailResponse>, Status> {
        let c = caller(&req)?;
        authorize(&c.actor, Action::ChangeSettings, &Resource::default())
            .map_err(ApiError::from)?;
        let items = crate::mail::outbox::listed(&self.ctx.db, req.get_ref().failed_only)
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListMailResponse { items }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_are_accepted() {
        for ok in ["a.igbak", "infogroups-2026-11-27_1.igbak"] {
            assert!(file_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "../x",
            "a/b",
            ".hidden",
            "имя.igbak",
            "a b",
            &"x".repeat(101),
        ] {
            assert!(file_name(bad).is_err(), "{bad}");
        }
    }
}
