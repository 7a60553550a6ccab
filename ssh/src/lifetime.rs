//! When an SSH session must end without its person asking: a change to the account's roles.
//! The terminal client was drawn for the roles it signed in with; rather than redraw a session
//! whose rights shrank or grew under it, the session closes and the person signs in again.
//! (An archived account's session is also ended by its watch stream; both paths end the same.)

use infogroups_server::db::Db;
use infogroups_shared::pb;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_util::sync::CancellationToken;

/// Whether `event` changes account `user_id` away from holding exactly `roles`, or archives it.
pub fn ends_session(event: &pb::Event, user_id: u64, roles: &[pb::RoleGrant]) -> bool {
    match &event.entity {
        Some(pb::event::Entity::User(u)) if u.meta.is_some_and(|m| m.id == user_id) => {
            u.roles != roles || u.meta.is_some_and(|m| m.archived)
        }
        _ => false,
    }
}

/// Cancels `ended` as soon as account `user_id` no longer holds exactly `roles`; returns when
/// `ended` is cancelled either way (the client's own end included).
pub async fn watch(
    db: Db,
    mut events: broadcast::Receiver<std::sync::Arc<pb::Event>>,
    user_id: u64,
    roles: Vec<pb::RoleGrant>,
    ended: CancellationToken,
) {
    loop {
        let changed = tokio::select! {
            () = ended.cancelled() => return,
            event = events.recv() => match event {
                Ok(event) => ends_session(&event, user_id, &roles),
                // Events were missed: the account as stored now says whether its roles moved.
                Err(RecvError::Lagged(_)) => match db.get::<pb::User>(user_id) {
                    Ok(Some(u)) => u.roles != roles || u.meta.is_some_and(|m| m.archived),
                    Ok(None) | Err(_) => true,
                },
                Err(RecvError::Closed) => return,
            },
        };
        if changed {
            tracing::info!(
                user_id,
                "the account's roles changed: its SSH session closes"
            );
            ended.cancel();
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: pb::Role) -> pb::RoleGrant {
        pb::RoleGrant {
            role: role as i32,
            group_id: 0,
        }
    }

    fn user_event(id: u64, roles: Vec<pb::RoleGrant>, archived: bool) -> pb::Event {
        pb::Event {
            entity: Some(pb::event::Entity::User(pb::User {
                meta: Some(pb::Meta {
                    id,
                    archived,
                    ..Default::default()
                }),
                roles,
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    #[test]
    fn only_a_change_to_this_accounts_roles_or_archiving_ends_it() {
        let held = vec![grant(pb::Role::Administrator)];
        assert!(!ends_session(&user_event(7, held.clone(), false), 7, &held));
        assert!(ends_session(&user_event(7, vec![], false), 7, &held));
        assert!(ends_session(&user_event(7, held.clone(), true), 7, &held));
        assert!(!ends_session(&user_event(8, vec![], false), 7, &held));
        assert!(!ends_session(&pb::Event::default(), 7, &held));
    }
}
