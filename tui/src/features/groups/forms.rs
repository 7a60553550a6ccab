//! The information group's form (regulation 3.5.1): its number and name, the leader and the
//! secretary, the members and the territories it serves. The administrator creates groups and
//! changes them; the leader changes the composition of their own. The server grants and takes
//! the group roles that follow from the composition.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, Target, date_field, items, kept_as, set_meta_version, user_id,
    user_ids, value,
};
use crate::ui::{Ctx, person_match};

/// The group's fields; `editing` adds the reason recorded in the composition history.
pub fn group_fields(editing: bool) -> Vec<Field> {
    let mut f = vec![
        Field::new("number", W::FieldGroupOwnNumber, K::Line, true),
        Field::new("name", W::FieldGroupName, K::Line, false),
        Field::new("leader_id", W::FieldGroupLeader, K::Person, true),
        Field::new("secretary_id", W::FieldGroupSecretary, K::Person, true),
        Field::new("member_ids", W::FieldGroupMembers, K::Line, false),
        Field::new("territory_ids", W::FieldGroupTerritories, K::Line, false),
    ];
    if editing {
        f.push(Field::new("reason", W::FieldReason, K::Line, false));
    }
    // Last: the administrator's, set once for a group that worked before the system.
    f.push(Field::new("formed", W::FieldGroupFormed, K::Date, false));
    f
}

/// The group's members, written as `login, login, …`.
pub fn members_text(ctx: &Ctx<'_>, ids: &[u64]) -> String {
    ids.iter()
        .filter_map(|id| ctx.replica.users.get(*id))
        .map(|u| u.username.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The people of group `group_id` as a checklist offers them (key: the id; shown: the name and
/// login), the leader and the secretary first.
pub fn people_choices(ctx: &Ctx<'_>, group_id: u64) -> Vec<(u64, String)> {
    let Some(g) = ctx.replica.groups.get(group_id) else {
        return Vec::new();
    };
    let mut ids = vec![g.leader_id, g.secretary_id];
    ids.extend(&g.member_ids);
    let mut out: Vec<(u64, String)> = Vec::new();
    for id in ids {
        if out.iter().any(|(x, _)| *x == id) {
            continue;
        }
        if let Some(u) = ctx.replica.users.get(id) {
            out.push((id, format!("{} ({})", u.full_name, u.username)));
        }
    }
    out
}

/// The group's territories, written as `name, name, …`.
pub fn territories_text(ctx: &Ctx<'_>, ids: &[u64]) -> String {
    ids.iter()
        .filter_map(|id| ctx.replica.territories.get(*id))
        .map(|t| t.name.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The territory a name names: the exact name, else the only one whose words the typed words
/// start («пос зап» for «посёлок Западный»).
fn territory_id(ctx: &Ctx<'_>, name: &str) -> Result<u64, FieldError> {
    use person_match::fold;
    let needle = fold(name);
    let live: Vec<&pb::Territory> = ctx
        .replica
        .territories
        .iter()
        .filter(|t| !t.meta.is_some_and(|m| m.archived))
        .collect();
    if let Some(t) = live.iter().find(|t| fold(&t.name) == needle) {
        return Ok(t.meta.map_or(0, |m| m.id));
    }
    let starting: Vec<&&pb::Territory> = live
        .iter()
        .filter(|t| person_match::words_match(&fold(&t.name), &needle))
        .collect();
    match starting.as_slice() {
        [only] => Ok(only.meta.map_or(0, |m| m.id)),
        [] => Err(FieldError::new(
            "territory_ids",
            format!("нет территории «{name}»"),
            format!("no territory «{name}»"),
        )),
        _ => Err(FieldError::new(
            "territory_ids",
            format!("«{name}» подходит к нескольким территориям: уточните"),
            format!("«{name}» matches several territories: type more"),
        )),
    }
}

/// The group as the form describes it, over `base` (its id and version when editing).
pub fn group_of(
    base: &pb::Group,
    fields: &[Field],
    ctx: &Ctx<'_>,
) -> Result<pb::Group, FieldError> {
    let number: u32 = value(fields, "number")
        .parse()
        .map_err(|_| FieldError::new("number", "номер — целое число", "a whole number"))?;
    let mut name = value(fields, "name").to_string();
    if name.is_empty() {
        name = format!("Информационная группа № {number}");
    }
    let member_ids = user_ids(ctx, "member_ids", value(fields, "member_ids"))?;
    let territory_ids = items(value(fields, "territory_ids"))
        .map(|t| territory_id(ctx, t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(pb::Group {
        meta: base.meta,
        number,
        name,
        territory_ids,
        leader_id: user_id(ctx, "leader_id", value(fields, "leader_id"))?,
        secretary_id: user_id(ctx, "secretary_id", value(fields, "secretary_id"))?,
        member_ids,
        // Empty keeps the day it has (or, for a new group, today): the quarters count from it.
        formed: match value(fields, "formed") {
            "" => base.formed,
            text => Some(date_field("formed", text)?),
        },
    })
}

/// Create a group or change it (a new one has no id).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SaveGroup {
    /// The group as it was.
    #[serde(with = "crate::ui::form_engine::kept::boxed")]
    pub base: Box<pb::Group>,
    /// The id of a creating request.
    pub request_id: String,
}

impl FormSpec for SaveGroup {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("save_group", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        group_fields(self.base.meta.is_some_and(|m| m.id != 0))
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let group = group_of(&self.base, fields, ctx)?;
        Ok(match self.base.meta.filter(|m| m.id != 0) {
            Some(m) => Call::UpdateGroup(pb::UpdateGroupRequest {
                expected_version: m.version,
                group: Some(group),
                reason: value(fields, "reason").to_string(),
            }),
            None => Call::CreateGroup(pb::CreateGroupRequest {
                request_id: self.request_id.clone(),
                group: Some(group),
            }),
        })
    }

    fn done(&self) -> W {
        W::DoneGroup
    }

    fn target(&self) -> Option<Target> {
        self.base
            .meta
            .filter(|m| m.id != 0)
            .map(|m| Target::Group(m.id))
    }

    fn set_version(&mut self, v: u64) {
        set_meta_version(&mut self.base.meta, v);
    }
}
