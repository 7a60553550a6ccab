//! The group's quarterly minimum (3.1) as its leader and secretary see it beside their meetings:
//! each quarter of this year met, missed or still open — worked out from the meetings in the
//! replica by the rule the server's reports use ([`quarters::state`]).

use chrono::{Datelike, NaiveDate};
use infogroups_shared::quarters::{self, QuarterState};
use infogroups_shared::{meeting, pb, validate};

use crate::ui::Ctx;

/// This year's four quarters for group `group_id`; none when the replica has no such group.
pub fn this_year(ctx: &Ctx<'_>, group_id: u64) -> Option<(i32, [QuarterState; 4])> {
    let group = ctx.replica.groups.get(group_id)?;
    let held: Vec<NaiveDate> = ctx
        .replica
        .meetings
        .iter()
        .filter(|m| m.group_id == group_id)
        .filter(|m| meeting::was_held(pb::MeetingStatus::try_from(m.status).unwrap_or_default()))
        .filter_map(|m| m.date.as_ref().and_then(validate::to_naive))
        .collect();
    let year = ctx.today.year();
    let formed = quarters::formed_on(group);
    let state = |q| quarters::state(ctx.calendar, year, q, &held, ctx.today, 0, formed);
    Some((year, [state(1), state(2), state(3), state(4)]))
}
