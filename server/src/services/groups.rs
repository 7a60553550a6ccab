//! `GroupService`: information groups and their composition (3.3–3.5.1). The composition is the
//! source of truth for the group roles: changing it grants and revokes them in the same write.

use infogroups_shared::city_time;
use infogroups_shared::pb::{self, Role, group_service_server::GroupService};
use infogroups_shared::validate::{self, FieldError, MAX_LINE, caps};
use tonic::{Request, Response, Status};

use super::Ctx;
use crate::auth::caller;
use crate::db::{Tx, decode};
use crate::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Action, Resource, authorize, may_read_group};

/// The group service.
pub struct GroupSvc {
    ctx: Ctx,
}

impl GroupSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

fn history_key(group_id: u64, at_ms: i64, n: u64) -> Vec<u8> {
    let mut k = history_prefix(group_id);
    k.extend_from_slice(&at_ms.to_be_bytes());
    k.extend_from_slice(&n.to_be_bytes());
    k
}

fn history_prefix(group_id: u64) -> Vec<u8> {
    let mut k = b"h/group/".to_vec();
    k.extend_from_slice(&group_id.to_be_bytes());
    k.push(b'/');
    k
}

/// Validates a group's fields.
pub fn validate_group(g: &pb::Group) -> Result<(), FieldError> {
    if g.number == 0 {
        return Err(FieldError::new(
            "group.number",
            "укажите номер",
            "is required",
        ));
    }
    validate::name_line("group.name", &g.name, MAX_LINE, true)?;
    validate::at_most("group.member_ids", g.member_ids.len(), caps::GROUP_MEMBERS)?;
    validate::at_most(
        "group.territory_ids",
        g.territory_ids.len(),
        caps::GROUP_TERRITORIES,
    )?;
    validate::id("group.leader_id", g.leader_id)?;
    validate::id("group.secretary_id", g.secretary_id)?;
    if g.leader_id == g.secretary_id {
        return Err(FieldError::new(
            "group.secretary_id",
            "секретарь и руководитель — разные люди",
            "the secretary must differ from the leader",
        ));
    }
    Ok(())
}

fn grants_of(g: &pb::Group, id: u64) -> Vec<(u64, pb::RoleGrant)> {
    let grant = |user, role: Role| {
        (
            user,
            pb::RoleGrant {
                role: role as i32,
                group_id: id,
            },
        )
    };
    let mut out = vec![
        grant(g.leader_id, Role::GroupLeader),
        grant(g.secretary_id, Role::GroupSecretary),
    ];
    out.extend(g.member_ids.iter().map(|m| grant(*m, Role::GroupMember)));
    out
}

/// Refuses people and territories that do not exist, naming the field.
/// A group's number is its own, and a territory is served by one group: checked against the
/// other live groups.
fn check_unique(others: &[pb::Group], g: &pb::Group) -> Result<(), FieldError> {
    for o in others
        .iter()
        .filter(|o| o.meta().id != g.meta().id && !o.meta().archived)
    {
        if o.number == g.number {
            return Err(FieldError::new(
                "group.number",
                format!("номер {} уже у другой группы", g.number),
                format!("number {} belongs to another group", g.number),
            ));
        }
        if let Some(i) = g
            .territory_ids
            .iter()
            .position(|t| o.territory_ids.contains(t))
        {
            return Err(FieldError::new(
                format!("group.territory_ids[{i}]"),
                format!("эту территорию обслуживает группа № {}", o.number),
                format!("group {} serves this territory", o.number),
            ));
        }
    }
    Ok(())
}

/// What only the administrator changes in a group: its number, territories and the day it
/// began. The leader decides its people (3.5.1) and may rename it.
fn check_leader_change(old: &pb::Group, new: &pb::Group) -> Result<(), FieldError> {
    let refuse = |field: &str| {
        Err(FieldError::new(
            field,
            "номер и территории группы задаёт администратор; руководитель определяет её состав",
            "the administrator sets the group's number and territories; the leader its people",
        ))
    };
    if new.number != old.number {
        return refuse("group.number");
    }
    if new.territory_ids != old.territory_ids {
        return refuse("group.territory_ids");
    }
    // When the group began is the administrator's; unset leaves it as it is.
    if new.formed.is_some() && new.formed != old.formed {
        return Err(FieldError::new(
            "group.formed",
            "день начала работы группы задаёт администратор",
            "the administrator sets the day the group began its work",
        ));
    }
    Ok(())
}

fn check_refs(tx: &Tx<'_>, g: &pb::Group) -> ApiResult<()> {
    use crate::refs::exists;
    exists::<pb::User>(tx, "group.leader_id", g.leader_id)?;
    exists::<pb::User>(tx, "group.secretary_id", g.secretary_id)?;
    for (i, m) in g.member_ids.iter().enumerate() {
        exists::<pb::User>(tx, &format!("group.member_ids[{i}]"), *m)?;
    }
    for (i, t) in g.territory_ids.iter().enumerate() {
        exists::<pb::Territory>(tx, &format!("group.territory_ids[{i}]"), *t)?;
    }
    Ok(())
}

/// Stages a group's composition change: checks every person exists, moves the group roles from
/// the old composition to the new one, and records the change.
pub fn stage_composition(
    tx: &mut Tx<'_>,
    old: Option<&pb::Group>,
    new: &pb::Group,
    reason: &str,
) -> ApiResult<()> {
    let id = new.meta().id;
    let before = old.map(|o| grants_of(o, id)).unwrap_or_default();
    let after = grants_of(new, id);
    check_refs(tx, new)?;
    for (user, grant) in before.iter().filter(|x| !after.contains(x)) {
        let mut u = tx.require::<pb::User>(*user)?;
        u.roles.retain(|g| g != grant);
        tx.update_current(u, "revoke_role")?;
    }
    for (user, grant) in after.iter().filter(|x| !before.contains(x)) {
        let actor = crate::policy::Actor {
            user_id: tx.actor_id(),
            grants: Vec::new(),
        };
        crate::policy::may_grant(&actor, *user, grant.role)?;
        let mut u = tx.require::<pb::User>(*user)?;
        if !u.roles.contains(grant) {
            u.roles.push(*grant);
            tx.update_current(u, "grant_role")?;
        }
    }
    let old_members: Vec<u64> = old.map(|o| o.member_ids.clone()).unwrap_or_default();
    let change = pb::CompositionChange {
        changed_by: tx.actor_id(),
        at_ms: tx.now_ms(),
        added: new
            .member_ids
            .iter()
            .filter(|m| !old_members.contains(m))
            .copied()
            .collect(),
        removed: old_members
            .iter()
            .filter(|m| !new.member_ids.contains(m))
            .copied()
            .collect(),
        new_leader_id: if old.map(|o| o.leader_id) == Some(new.leader_id) {
            0
        } else {
            new.leader_id
        },
        new_secretary_id: if old.map(|o| o.secretary_id) == Some(new.secretary_id) {
            0
        } else {
            new.secretary_id
        },
        reason: reason.to_string(),
    };
    let n = tx.next_number(&format!("group-history/{id}"))?;
    tx.put_raw(
        history_key(id, tx.now_ms(), n),
        prost::Message::encode_to_vec(&change),
    );
    Ok(())
}

/// Stages a new group with its composition.
pub fn stage_new_group(
    tx: &mut Tx<'_>,
    group: pb::Group,
    request_id: &str,
) -> ApiResult<pb::Group> {
    if let Some(done) = tx.replayed::<pb::Group>("CreateGroup", request_id)? {
        return Ok(done);
    }
    check_refs(tx, &group)?;
    let mut group = group;
    // A group began its work the day it is entered, unless an earlier day was given.
    if group.formed.is_none() {
        group.formed = Some(validate::from_naive(city_time::date_at(tx.now_ms())));
    }
    let created = tx.create(group, Some(request_id))?;
    stage_composition(tx, None, &created, "создание группы")?;
    Ok(created)
}

impl GroupSvc {
    /// A group's first day is a day that has come.
    fn check_formed(&self, g: &pb::Group) -> Result<(), FieldError> {
        if let Some(d) = g.formed.as_ref() {
            let formed = validate::date("group.formed", Some(d))?;
            let today = city_time::date_at(self.ctx.db.clock().now_ms());
            infogroups_shared::dating::done_by("group.formed", formed, today)?;
        }
        Ok(())
    }
}

#[tonic::async_trait]
impl GroupService for GroupSvc {
    async fn create_group(
        &self,
        req: Request<pb::CreateGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::request_id("request_id", &req.request_id)?;
        let g = req
            .group
            .ok_or_else(|| FieldError::new("group", "не заполнено", "is required"))?;
        validate_group(&g)?;
        self.check_formed(&g)?;
        authorize(&c.actor, Action::CreateGroup, &Resource::default()).map_err(ApiError::from)?;
        validate::owned::group(&g, None)?;
        let others = self.ctx.db.all::<pb::Group>().map_err(ApiError::from)?;
        let group = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                // A resend returns the first result before anything is checked again.
                if let Some(done) = tx.replayed::<pb::Group>("CreateGroup", &req.request_id)? {
                    return Ok(done);
                }
                check_unique(&others, &g)?;
                stage_new_group(tx, g, &req.request_id)
            })
            .await?;
        Ok(Response::new(group))
    }

    async fn update_group(
        &self,
        req: Request<pb::UpdateGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let g = req
            .group
            .ok_or_else(|| FieldError::new("group", "не заполнено", "is required"))?;
        validate::id("group.meta.id", g.meta().id)?;
        validate_group(&g)?;
        validate::optional_line("reason", &req.reason, MAX_LINE)?;
        self.check_formed(&g)?;
        check_unique(&self.ctx.db.all::<pb::Group>().map_err(ApiError::from)?, &g)?;
        let res = Resource::group(g.meta().id);
        let composes = authorize(&c.actor, Action::EditGroupComposition, &res);
        let appoints = authorize(&c.actor, Action::AppointLeader, &res);
        if let (Err(denied), Err(_)) = (&composes, &appoints) {
            return Err(ApiError::from(denied.clone()).into());
        }
        let group = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                let old = tx.require_at::<pb::Group>(g.meta().id, req.expected_version)?;
                validate::owned::group(&g, Some(&old))?;
                // Only the administrator or the head appoints or replaces the leader; a leader
                // cannot hand the group (and its citizens' data) to someone else.
                let leader_changes = old.leader_id != g.leader_id;
                if leader_changes {
                    appoints.clone()?;
                }
                // The head appoints the leader and nothing else: the people are the leader's
                // (3.5.1).
                let only_leader = pb::Group {
                    leader_id: old.leader_id,
                    meta: old.meta,
                    formed: g.formed.or(old.formed),
                    ..g.clone()
                } == old;
                if composes.is_err() && !(leader_changes && only_leader) {
                    composes.clone()?;
                }
                if !c.actor.has(Role::Administrator) {
                    check_leader_change(&old, &g)?;
                }
                check_refs(tx, &g)?;
                let mut g = g;
                g.meta_mut().archived = old.meta().archived;
                // Unset on an update keeps the day the group began (the proto says so).
                if g.formed.is_none() {
                    g.formed = old.formed;
                }
                let updated = tx.update(g, req.expected_version, "update_composition")?;
                stage_composition(tx, Some(&old), &updated, &req.reason)?;
                Ok(updated)
            })
            .await?;
        Ok(Response::new(group))
    }

    async fn list_groups(
        &self,
        req: Request<pb::ListGroupsRequest>,
    ) -> Result<Response<pb::ListGroupsResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let groups = self
            .ctx
            .db
            .all::<pb::Group>()
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|g| req.include_archived || !g.meta().archived)
            .filter(|g| may_read_group(&c.actor, g.meta().id))
            .collect();
        Ok(Response::new(pb::ListGroupsResponse { groups }))
    }

    async fn composition_history(
        &self,
        req: Request<pb::CompositionHistoryRequest>,
    ) -> Result<Response<pb::CompositionHistoryResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::id("group_id", req.group_id)?;
        authorize(&c.actor, Action::ReadGroup, &Resource::group(req.group_id))
            .map_err(ApiError::from)?;
        let changes = self
            .ctx
            .db
            .store()
            .scan(&history_prefix(req.group_id), None, 10_000)
            .map_err(ApiError::from)?
            .into_iter()
            .map(|(k, v)| decode::<pb::CompositionChange>(&k, &v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::CompositionHistoryResponse { changes }))
    }
}
