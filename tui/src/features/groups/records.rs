//! The information groups (regulation 3.5): the administrator's list of every group with its
//! leader, secretary, members and territories; a new group or a changed composition; the leader
//! changes the composition of their own group from its composition tab.

use infogroups_shared::pb::{self, Role};

use crate::features::groups::forms::{SaveGroup, members_text, territories_text};
use crate::features::record_list::row::{
    Column, DetailLine, RecordRow, Start, Tone, field, person, territory,
};
use crate::features::record_list::source::Source;
use crate::keymap::Command;
use crate::strings::work::W;
use crate::ui::form_engine::{FormPopup, request_id};
use crate::ui::{Ctx, text};

/// The columns.
pub const COLUMNS: &[Column] = &[
    Column::new(W::ColGroupNo, 4).priority(0),
    Column::new(W::ColLeader, 20).squeeze(15).priority(1),
    Column::new(W::ColSecretary, 20).squeeze(15).priority(2),
    Column::new(W::ColMembers, 6).priority(3),
    Column::grows(W::ColTerritories),
];

/// Every group, by number.
pub fn rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let mut groups: Vec<&pb::Group> = ctx.replica.groups.iter().collect();
    groups.sort_by_key(|g| g.number);
    groups
        .into_iter()
        .map(|g| {
            let archived = g.meta.is_some_and(|m| m.archived);
            let mut row = RecordRow::new(
                g.meta.map_or(0, |m| m.id),
                if archived { Tone::Done } else { Tone::Normal },
                vec![
                    g.number.to_string(),
                    person(ctx, g.leader_id),
                    person(ctx, g.secretary_id),
                    g.member_ids.len().to_string(),
                    territories_text(ctx, &g.territory_ids),
                ],
            );
            // Numbers sort as numbers.
            row.sort[0] = format!("{:06}", g.number);
            row.sort[3] = format!("{:06}", g.member_ids.len());
            row
        })
        .collect()
}

/// A group's card.
pub fn detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(g) = ctx.replica.groups.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(g.name.clone()),
        field(lang, W::ColLeader, person(ctx, g.leader_id)),
        field(lang, W::ColSecretary, person(ctx, g.secretary_id)),
        DetailLine::Blank,
        DetailLine::Heading(W::FieldGroupMembers.get(lang).to_string()),
    ];
    out.extend(
        g.member_ids
            .iter()
            .map(|m| DetailLine::Text(person(ctx, *m))),
    );
    out.push(DetailLine::Blank);
    out.push(DetailLine::Heading(
        W::FieldGroupTerritories.get(lang).to_string(),
    ));
    out.extend(
        g.territory_ids
            .iter()
            .map(|t| DetailLine::Text(territory(ctx, *t))),
    );
    out
}

fn role(ctx: &Ctx<'_>) -> Option<(Role, u64)> {
    let g = ctx.session?.role()?;
    Some((Role::try_from(g.role).ok()?, g.group_id))
}

/// The group a composition change on `source` would change: the selected one for the
/// administrator, their own for a leader.
fn editable(source: Source, id: Option<u64>, ctx: &Ctx<'_>) -> Option<u64> {
    use infogroups_shared::policy::Action;
    match (source, role(ctx)?) {
        (Source::Groups, (Role::Administrator, _)) => {
            id.filter(|g| ctx.may_in(Action::EditGroupComposition, *g))
        }
        (Source::Composition, (Role::GroupLeader, g)) => {
            ctx.may_in(Action::EditGroupComposition, g).then_some(g)
        }
        _ => None,
    }
}

/// New groups (administrator) and composition changes.
pub fn commands(source: Source, id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    let mut c = Vec::new();
    if source == Source::Groups
        && ctx.may(
            infogroups_shared::policy::Action::CreateGroup,
            &infogroups_shared::policy::Resource::default(),
        )
    {
        c.push(Command::New);
    }
    if editable(source, id, ctx).is_some() {
        c.push(Command::Edit);
    }
    c
}

/// The group form: blank for a new group, filled with the group's current composition to edit.
pub fn start(source: Source, command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if !commands(source, id, ctx).contains(&command) {
        return None;
    }
    let lang = ctx.lang;
    let form = if command == Command::New {
        FormPopup::new(
            SaveGroup {
                base: Box::default(),
                request_id: request_id(),
            },
            W::NewGroupTitle.get(lang).to_string(),
            Vec::new(),
            lang,
        )
    } else {
        let g = ctx.replica.groups.get(editable(source, id, ctx)?)?;
        let login = |id: u64| {
            ctx.replica
                .users
                .get(id)
                .map(|u| u.username.clone())
                .unwrap_or_default()
        };
        FormPopup::new(
            SaveGroup {
                base: Box::new(g.clone()),
                request_id: request_id(),
            },
            W::EditGroupTitle.get(lang).to_string(),
            vec![g.name.clone()],
            lang,
        )
        .prefill("number", g.number.to_string())
        // A name that is only the default follows the number (left empty, it is made again).
        .prefill(
            "name",
            if g.name == format!("Информационная группа № {}", g.number) {
                String::new()
            } else {
                g.name.clone()
            },
        )
        .prefill("leader_id", login(g.leader_id))
        .prefill("secretary_id", login(g.secretary_id))
        .prefill("member_ids", members_text(ctx, &g.member_ids))
        .prefill("territory_ids", territories_text(ctx, &g.territory_ids))
        .prefill(
            "formed",
            g.formed
                .as_ref()
                .map(|d| text::date(Some(d)))
                .unwrap_or_default(),
        )
    };
    Some(Start::Form(Box::new(form)))
}
