//! People: the leader's view of the group's composition and the administrator's list of accounts.

use infogroups_shared::names;
use infogroups_shared::pb::{self, Role};

use crate::features::people::forms::{
    ArchiveUser, CreateUser, EditUser, GrantRole, RevokeRole, SetPassword,
};
use crate::features::record_list::row::{Column, DetailLine, RecordRow, Start, Tone, field};
use crate::features::record_list::source::Source;
use crate::keymap::Command;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{FormPopup, FormSpec, request_id};

/// The columns.
pub const COLUMNS: &[Column] = &[
    Column::new(W::ColLogin, 12).squeeze(8).priority(1),
    Column::new(W::ColName, 30).squeeze(16).priority(0),
    Column::grows(W::ColRoles),
];

fn roles(ctx: &Ctx<'_>, u: &pb::User) -> String {
    u.roles
        .iter()
        .map(|g| crate::session::role_name(ctx.lang, ctx.replica, Some(g)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The group's position of `user` in the current role's group (leader first).
fn position(group: &pb::Group, user: u64) -> Option<u8> {
    if group.leader_id == user {
        Some(0)
    } else if group.secretary_id == user {
        Some(1)
    } else if group.member_ids.contains(&user) {
        Some(2)
    } else {
        None
    }
}

/// The composition of the user's group, or every account.
pub fn rows(source: Source, ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let group = ctx
        .session
        .and_then(|s| s.role())
        .map(|g| g.group_id)
        .and_then(|id| ctx.replica.groups.get(id));
    let mut keyed: Vec<((u8, String), RecordRow)> = ctx
        .replica
        .users
        .iter()
        .filter_map(|u| {
            let id = u.meta.map_or(0, |m| m.id);
            let rank = match (source, group) {
                (Source::Composition, Some(g)) => position(g, id)?,
                (Source::Composition, None) => return None,
                _ => 0,
            };
            let tone = if u.roles.is_empty() || u.meta.is_some_and(|m| m.archived) {
                Tone::Done
            } else {
                Tone::Normal
            };
            let mut role_text = roles(ctx, u);
            if u.meta.is_some_and(|m| m.archived) {
                role_text = W::InArchive.get(ctx.lang).to_string();
            }
            let row = RecordRow::new(
                id,
                tone,
                vec![u.username.clone(), u.full_name.clone(), role_text],
            );
            Some(((rank, u.full_name.clone()), row))
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, r)| r).collect()
}

fn is_admin(ctx: &Ctx<'_>) -> bool {
    ctx.may_in(infogroups_shared::policy::Action::ManageUsers, 0)
}

/// The administrator creates accounts, gives and takes roles and sets passwords.
pub fn commands(source: Source, id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    if source != Source::Users || !is_admin(ctx) {
        return Vec::new();
    }
    let mut c = vec![Command::New];
    if let Some(u) = id.and_then(|id| ctx.replica.users.get(id)) {
        if u.meta.is_some_and(|m| m.archived) {
            return c;
        }
        c.push(Command::Edit);
        c.push(Command::GrantRole);
        if !u.roles.is_empty() {
            c.push(Command::RevokeRole);
        }
        c.push(Command::SetPassword);
        if u.meta.map_or(0, |m| m.id) != ctx.me() {
            c.push(Command::Archive);
        }
    }
    c
}

/// The forms for a new account, its roles and its password.
pub fn start(source: Source, command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if !commands(source, id, ctx).contains(&command) {
        return None;
    }
    let lang = ctx.lang;
    if command == Command::New {
        return Some(Start::Form(Box::new(FormPopup::new(
            CreateUser {
                request_id: request_id(),
            },
            W::NewUserTitle.get(lang).to_string(),
            Vec::new(),
            lang,
        ))));
    }
    let u = ctx.replica.users.get(id?)?;
    let meta = u.meta.unwrap_or_default();
    let mut summary = vec![format!("{} ({})", u.full_name, u.username), roles(ctx, u)];
    if command == Command::SetPassword {
        summary.push(W::SetPasswordHint.get(lang).to_string());
    }
    if command == Command::Archive {
        summary.push(String::new());
        summary.push(W::ArchiveUserQuestion.get(lang).to_string());
    }
    let departments =
        crate::features::directory::records::choices(ctx.replica.departments.iter(), |d| &d.name);
    let department = departments
        .iter()
        .position(|(id, _)| *id == u.department_id)
        .map_or(0, |i| i + 1);
    let (spec, title): (Box<dyn FormSpec>, W) = match command {
        Command::Edit => (
            Box::new(EditUser {
                user_id: meta.id,
                version: meta.version,
                departments,
            }),
            W::EditUserTitle,
        ),
        Command::Archive => (
            Box::new(ArchiveUser {
                user_id: meta.id,
                version: meta.version,
            }),
            W::ArchiveUserTitle,
        ),
        Command::GrantRole => (
            Box::new(GrantRole {
                user_id: meta.id,
                version: meta.version,
            }),
            W::GrantRoleTitle,
        ),
        Command::SetPassword => (
            Box::new(SetPassword { user_id: meta.id }),
            W::SetPasswordTitle,
        ),
        _ => (
            Box::new(RevokeRole {
                user_id: meta.id,
                version: meta.version,
                grants: u.roles.clone(),
                labels: u
                    .roles
                    .iter()
                    .map(|g| crate::session::role_name(ctx.lang, ctx.replica, Some(g)))
                    .collect(),
            }),
            W::RevokeRoleTitle,
        ),
    };
    Some(Start::Form(Box::new(
        FormPopup::new(spec, title.get(ctx.lang).to_string(), summary, ctx.lang)
            .prefill("full_name", u.full_name.clone())
            .prefill("position", u.position.clone())
            .choose("department_id", department)
            .prefill("contact", u.contact.clone()),
    )))
}

/// A person's card.
pub fn detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(u) = ctx.replica.users.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(u.full_name.clone()),
        field(lang, W::ColLogin, u.username.clone()),
        field(lang, W::Position, u.position.clone()),
    ];
    if let Some(d) = ctx.replica.departments.get(u.department_id) {
        out.push(field(lang, W::Department, d.name.clone()));
    }
    if !u.contact.is_empty() {
        out.push(field(lang, W::Contact, u.contact.clone()));
    }
    out.push(DetailLine::Blank);
    out.push(DetailLine::Heading(W::ColRoles.get(lang).to_string()));
    for g in &u.roles {
        let role = Role::try_from(g.role).unwrap_or_default();
        let mut line = names::role(lang, role).to_string();
        if let Some(n) = ctx.replica.group_number(g.group_id) {
            line = format!("{line} — {}", crate::strings::group_number(lang, n));
        }
        out.push(DetailLine::Text(line));
    }
    out
}
