//! The server's own clock work: marks assignments overdue the moment their deadline passes, as an
//! ordinary committed event, so that no screen has to poll.

use std::time::Duration;

use infogroups_shared::assignment::{self as machine, Step};
use infogroups_shared::city_time;
use infogroups_shared::pb::{self, AssignmentStatus as S};

use crate::db::Db;
use crate::error::ApiResult;
use crate::notify;
use crate::services::assignments::{facts, set_status};

/// Marks every assignment whose deadline has passed; returns how many changed.
pub async fn mark_overdue(db: &Db) -> ApiResult<usize> {
    let today = city_time::date_at(db.clock().now_ms());
    let due: Vec<u64> = db
        .all::<pb::Assignment>()?
        .into_iter()
        .filter(|a| {
            let s = S::try_from(a.status).unwrap_or(S::Unspecified);
            machine::next(s, Step::MarkOverdue, &facts(a, today)).is_ok()
        })
        .filter_map(|a| a.meta.map(|m| m.id))
        .collect();
    if due.is_empty() {
        return Ok(0);
    }
    // One write for the whole round: one flush, and watchers see the round in one burst.
    db.write(0, |tx| {
        let mut changed = 0;
        for id in &due {
            let mut a = tx.require::<pb::Assignment>(*id)?;
            let s = S::try_from(a.status).unwrap_or(S::Unspecified);
            if machine::next(s, Step::MarkOverdue, &facts(&a, today)).is_err() {
                continue;
            }
            set_status(&mut a, S::Overdue, 0, tx.now_ms(), "срок истёк");
            let a = tx.update_current(a, "mark_overdue")?;
            let mut who = vec![a.executor_id, a.controller_id];
            who.extend(a.co_executors.iter().map(|c| c.user_id));
            who.dedup();
            for u in who {
                notify::stage(
                    tx,
                    u,
                    pb::NotificationKind::Overdue,
                    format!("Поручение {}: срок истёк", a.number),
                    format!("Assignment {}: overdue", a.number),
                    *id,
                )?;
            }
            changed += 1;
        }
        Ok(changed)
    })
    .await
}

/// Runs [`mark_overdue`] every `every` until the shutdown token fires.
pub async fn run(db: Db, every: Duration, shutdown: tokio_util::sync::CancellationToken) {
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => {
                if let Err(e) = mark_overdue(&db).await {
                    tracing::warn!(error = %e, "overdue marking failed; retrying next round");
                }
            }
        }
    }
}
