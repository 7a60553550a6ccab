//! Scheduled backups (`backup_every`, `backup_keep`): every period the server writes a backup
//! into `backup_dir` through the same path as `MaintenanceService.Backup` (so whatever that path
//! does to a backup, encryption among it, applies here too), then deletes the oldest scheduled
//! ones beyond `backup_keep`. Backups an administrator named are never deleted. A failure is
//! logged and counted in the metrics every time, and the administrators are notified once per
//! run of failures (not every period while a disk stays full).

use std::path::{Path, PathBuf};

use infogroups_shared::pb;

use crate::backup::{self, BackupKey};
use crate::db::Db;
use crate::notify;
use crate::services::Ctx;

/// Every scheduled backup's name starts with this; rotation touches only such files.
pub const PREFIX: &str = "scheduled-";
/// And ends with this.
pub const SUFFIX: &str = ".igbak";

/// Runs until shutdown; returns at once when no `backup_every` is set.
pub async fn run(ctx: Ctx) {
    let Some(every) = ctx.config.backup_every else {
        return;
    };
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    // A backup that took longer than the period is not followed by a burst of catch-up ones.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        tokio::select! {
            () = ctx.shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let written = match &ctx.config.backup_key {
            Some(key) => once(&ctx.db, &ctx.config.backup_dir, ctx.config.backup_keep, key).await,
            // `serve` refuses this configuration; a server built otherwise fails every period.
            None => {
                crate::metrics::backup_failed();
                Err("no backup passphrase is configured".to_string())
            }
        };
        match written {
            Ok(path) => {
                if failing {
                    tracing::info!(path = %path.display(), "scheduled backups work again");
                }
                failing = false;
            }
            Err(e) => {
                tracing::error!(error = %e, dir = %ctx.config.backup_dir.display(), "scheduled backup failed");
                if !failing {
                    notify_admins(&ctx, &e).await;
                }
                failing = true;
            }
        }
    }
}

/// Writes one scheduled backup of `db` into `dir`, encrypted with `key`, and keeps the newest
/// `keep` scheduled ones; returns the new file.
pub async fn once(db: &Db, dir: &Path, keep: usize, key: &BackupKey) -> Result<PathBuf, String> {
    let now = chrono::DateTime::from_timestamp_millis(db.clock().now_ms()).unwrap_or_default();
    let path = dir.join(format!(
        "{PREFIX}{}{SUFFIX}",
        now.format("%Y%m%d-%H%M%S-%3f")
    ));
    if let Err(e) = crate::files::secure_dir(dir) {
        // Counted here: the shared backup path is not reached.
        crate::metrics::backup_failed();
        return Err(format!("cannot create {}: {e}", dir.display()));
    }
    let summary = backup::backup_online(db, &path, key)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(path = %path.display(), entries = summary.entries, seq = summary.last_seq, "scheduled backup written");
    for old in rotate(dir, keep) {
        if let Err(e) = std::fs::remove_file(&old) {
            tracing::warn!(path = %old.display(), error = %e, "cannot delete an old scheduled backup");
        }
    }
    Ok(path)
}

/// The scheduled backups in `dir` beyond the newest `keep`, oldest first.
fn rotate(dir: &Path, keep: usize) -> Vec<PathBuf> {
    let names = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    beyond(names, keep)
        .into_iter()
        .map(|n| dir.join(n))
        .collect()
}

/// Of `names`, the scheduled backups beyond the newest `keep` (names sort by time).
pub fn beyond(names: Vec<String>, keep: usize) -> Vec<String> {
    let mut ours: Vec<String> = names
        .into_iter()
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        .collect();
    ours.sort();
    let extra = ours.len().saturating_sub(keep);
    ours.truncate(extra);
    ours
}

async fn notify_admins(ctx: &Ctx, error: &str) {
    let admins: Vec<u64> = match ctx.db.all::<pb::User>() {
        Ok(users) => users
            .iter()
            .filter(|u| !u.meta.is_some_and(|m| m.archived))
            .filter(|u| {
                u.roles
                    .iter()
                    .any(|g| g.role == pb::Role::Administrator as i32)
            })
            .filter_map(|u| u.meta.map(|m| m.id))
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "cannot list administrators to notify");
            return;
        }
    };
    let dir = ctx.config.backup_dir.display().to_string();
    let written = ctx
        .db
        .write(0, |tx| {
            let notice = notify::Notice::plain(
                pb::NotificationKind::BackupFailed,
                format!("Плановая резервная копия не записана в {dir}: {error}"),
                format!("The scheduled backup could not be written into {dir}: {error}"),
            );
            notify::stage_all(tx, &admins, 0, &notice)
        })
        .await;
    if let Err(e) = written {
        tracing::error!(error = %e, "cannot notify administrators of the failed backup");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_the_newest_scheduled_and_never_named_ones() {
        let names = [
            "scheduled-20260101-000000-000.igbak",
            "scheduled-20260103-000000-000.igbak",
            "before-upgrade.igbak",
            "scheduled-20260102-000000-000.igbak",
            "scheduled-20260104-000000-000.partial",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            beyond(names.clone(), 1),
            [
                "scheduled-20260101-000000-000.igbak",
                "scheduled-20260102-000000-000.igbak"
            ]
        );
        assert!(beyond(names.clone(), 3).is_empty());
        assert_eq!(beyond(names, 0).len(), 3);
    }
}
