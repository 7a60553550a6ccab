//! Settings an administrator changes on a running server. The configuration file gives each
//! one's starting value; a value set over the API is kept in the store and wins from then on, so
//! a restart does not undo what an administrator decided.

use infogroups_shared::calendar::NonWorkingRule;
use infogroups_shared::pb;

use crate::db::Db;
use crate::error::ApiResult;
use crate::services::Ctx;

const APPEAL_RULE_KEY: &[u8] = b"m/settings/appeal_deadline_rule";

/// The rule for an appeal's last day on a non-working day that applies now.
pub fn appeal_rule(ctx: &Ctx) -> ApiResult<NonWorkingRule> {
    let stored = ctx.db.get_raw(APPEAL_RULE_KEY)?;
    Ok(stored
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|name| NonWorkingRule::from_name(&name))
        .unwrap_or(ctx.config.appeal_non_working_rule))
}

/// Stores a new rule for appeals registered from now on, with an audit record.
pub async fn set_appeal_rule(db: &Db, actor_id: u64, rule: NonWorkingRule) -> ApiResult<()> {
    db.write(actor_id, |tx| {
        tx.put_raw(APPEAL_RULE_KEY.to_vec(), rule.name().as_bytes().to_vec());
        tx.audit(
            crate::entity::Kind::User,
            actor_id,
            &format!("settings_appeal_deadline_rule_{}", rule.name()),
            0,
        );
        Ok(())
    })
    .await
}

pub use infogroups_shared::appeal::{rule_from_pb, rule_pb};

/// The settings as clients see them.
pub fn current(ctx: &Ctx) -> ApiResult<pb::Settings> {
    Ok(pb::Settings {
        appeal_deadline_rule: rule_pb(appeal_rule(ctx)?) as i32,
        training_clock: ctx.db.clock().is_training(),
        server_time_ms: ctx.db.clock().now_ms(),
    })
}
