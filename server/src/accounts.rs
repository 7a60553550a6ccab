//! Creating accounts and changing their passwords and roles: shared by the user service, the
//! first-start bootstrap, the `admin` command and the demo city.

use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};

use crate::auth::{self, Credential};
use crate::db::{Db, Tx, keys};
use crate::error::{ApiError, ApiResult};

/// Validates a new account's fields, its password by the policy every password meets (the API,
/// the `admin` command, the first administrator and the demo city alike).
pub fn validate_new(req: &pb::CreateUserRequest) -> Result<(), FieldError> {
    validate::username("username", &req.username)?;
    validate::name_line("full_name", &req.full_name, validate::MAX_LINE, true)?;
    validate::password_policy("password", &req.password, &[&req.username, &req.full_name])?;
    validate::at_most("roles", req.roles.len(), validate::caps::ROLES)?;
    validate::optional_line("position", &req.position, validate::MAX_LINE)?;
    validate::optional_line("contact", &req.contact, validate::MAX_LINE)?;
    for (i, g) in req.roles.iter().enumerate() {
        validate::grant(&format!("roles[{i}]"), Some(g))?;
    }
    Ok(())
}

/// Stages a new account with an already computed password hash. Refuses a taken username.
pub fn stage_new(tx: &mut Tx<'_>, req: &pb::CreateUserRequest, phc: String) -> ApiResult<pb::User> {
    let index = keys::unique("username", &req.username);
    if tx.get_raw(&index)?.is_some() {
        return Err(FieldError::new(
            "username",
            "такое имя пользователя уже есть",
            "this username is taken",
        )
        .into());
    }
    for (i, g) in req.roles.iter().enumerate() {
        check_group_exists(tx, &format!("roles[{i}].group_id"), g)?;
    }
    crate::refs::exists::<pb::Department>(tx, "department_id", req.department_id)?;
    let mut roles = req.roles.clone();
    roles.dedup();
    let user = tx.create(
        pb::User {
            meta: None,
            username: req.username.clone(),
            full_name: req.full_name.trim().to_string(),
            position: req.position.trim().to_string(),
            department_id: req.department_id,
            roles,
            contact: req.contact.trim().to_string(),
        },
        (!req.request_id.is_empty()).then_some(req.request_id.as_str()),
    )?;
    let id = user.meta.map_or(0, |m| m.id);
    tx.put_raw(index, id.to_be_bytes().to_vec());
    tx.put_raw(
        keys::credential(id),
        prost::Message::encode_to_vec(&Credential { phc }),
    );
    Ok(user)
}

/// Refuses a grant naming a group that does not exist.
pub fn check_group_exists(tx: &Tx<'_>, field: &str, g: &pb::RoleGrant) -> ApiResult<()> {
    crate::refs::exists::<pb::Group>(tx, field, g.group_id)
}

/// Stages a new password hash.
pub fn stage_password(tx: &mut Tx<'_>, user_id: u64, phc: String) -> ApiResult<()> {
    tx.require::<pb::User>(user_id)?;
    tx.put_raw(
        keys::credential(user_id),
        prost::Message::encode_to_vec(&Credential { phc }),
    );
    tx.audit(crate::entity::Kind::User, user_id, "set_password", 0);
    Ok(())
}

/// Sets `user_id`'s password (`phc`, already hashed) and ends every session of the account but
/// the one whose token hash is `keep` (the caller's own, when they change their own password):
/// whoever knew the old password may hold the others. Returns the account.
pub async fn set_password(
    db: &Db,
    actor_id: u64,
    user_id: u64,
    phc: String,
    keep: Option<&[u8]>,
    streams: Option<&crate::sessions::Streams>,
) -> ApiResult<pb::User> {
    let ended = auth::sessions_of(db, user_id, keep)?;
    let user = db
        .write(actor_id, |tx| {
            stage_password(tx, user_id, phc)?;
            for key in &ended {
                tx.remove_raw(key.clone());
            }
            tx.require::<pb::User>(user_id)
        })
        .await?;
    // Their watch streams end now too, not at the next heartbeat.
    if let Some(streams) = streams {
        streams.end(
            ended
                .iter()
                .filter_map(|k| k.strip_prefix(b"s/".as_slice())),
        );
    }
    Ok(user)
}

/// The account with `username`, if any.
pub fn find_by_username(tx: &Tx<'_>, username: &str) -> ApiResult<Option<pb::User>> {
    match tx
        .get_raw(&keys::unique("username", username))?
        .and_then(|v| keys::trailing_u64(&v))
    {
        Some(id) => Ok(tx.get(id)?),
        None => Ok(None),
    }
}

/// The person a group's card names for the post `role` is (3.3: a group has one leader and one
/// secretary), if `role` is one of those posts.
pub fn post_holder(group: &pb::Group, role: i32) -> Option<u64> {
    match pb::Role::try_from(role).ok()? {
        pb::Role::GroupLeader => Some(group.leader_id),
        pb::Role::GroupSecretary => Some(group.secretary_id),
        _ => None,
    }
}

/// Adds a grant to a user (no-op when held); refuses unknown groups, and a group's leader or
/// secretary other than the one its card names: the post changes on the card (3.3, one of each
/// per group), so the card and the grants never disagree.
pub fn stage_grant(
    tx: &mut Tx<'_>,
    user_id: u64,
    expected_version: Option<u64>,
    grant: pb::RoleGrant,
) -> ApiResult<pb::User> {
    check_group_exists(tx, "grant.group_id", &grant)?;
    if grant.group_id != 0 {
        let group = tx.require::<pb::Group>(grant.group_id)?;
        if let Some(holder) = post_holder(&group, grant.role)
            && holder != user_id
        {
            let holder = tx
                .get::<pb::User>(holder)?
                .map_or_else(String::new, |u| u.full_name);
            let (ru, en) = if grant.role == pb::Role::GroupSecretary as i32 {
                ("секретарь", "secretary")
            } else {
                ("руководитель", "leader")
            };
            return Err(ApiError::precondition(
                format!(
                    "у группы № {} {ru} — {holder}; {ru} у группы один, сменить его можно в карточке группы",
                    group.number
                ),
                format!(
                    "group {} has its {en}, {holder}; a group has one, changed on the group's card",
                    group.number
                ),
            ));
        }
    }
    let mut user = tx.require::<pb::User>(user_id)?;
    let version = expected_version.unwrap_or(user.meta.map_or(0, |m| m.version));
    if !user.roles.contains(&grant) {
        user.roles.push(grant);
    }
    tx.update(user, version, "grant_role")
}

/// Removes a grant from a user.
pub fn stage_revoke(
    tx: &mut Tx<'_>,
    user_id: u64,
    expected_version: Option<u64>,
    grant: pb::RoleGrant,
) -> ApiResult<pb::User> {
    let mut user = tx.require::<pb::User>(user_id)?;
    let version = expected_version.unwrap_or(user.meta.map_or(0, |m| m.version));
    if !user.roles.contains(&grant) {
        return Err(ApiError::precondition(
            "у пользователя нет такой роли",
            "the user does not hold this role",
        ));
    }
    user.roles.retain(|g| *g != grant);
    tx.update(user, version, "revoke_role")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_groups_posts_are_its_leader_and_its_secretary() {
        let g = pb::Group {
            leader_id: 7,
            secretary_id: 8,
            member_ids: vec![9],
            ..Default::default()
        };
        assert_eq!(post_holder(&g, pb::Role::GroupLeader as i32), Some(7));
        assert_eq!(post_holder(&g, pb::Role::GroupSecretary as i32), Some(8));
        assert_eq!(post_holder(&g, pb::Role::GroupMember as i32), None);
        assert_eq!(post_holder(&g, pb::Role::Head as i32), None);
    }
}
