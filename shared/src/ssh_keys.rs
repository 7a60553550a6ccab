//! Who may change which account's SSH public keys. A key is a way in as that account, so only
//! the person may add one; the administrator may see and remove them (when archiving an account
//! or when a key is lost), never add one.

use crate::pb::Role;
use crate::policy::{Actor, Denied};

/// What is done to an account's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOp {
    /// Add a key.
    Add,
    /// See the keys.
    List,
    /// Remove a key.
    Remove,
}

/// Whether `actor` may do `op` to the keys of account `owner`.
pub fn may(actor: &Actor, owner: u64, op: KeyOp) -> Result<(), Denied> {
    if actor.user_id == owner {
        return Ok(());
    }
    match op {
        KeyOp::List | KeyOp::Remove if actor.has(Role::Administrator) => Ok(()),
        KeyOp::Add => Err(Denied {
            ru: "ключ SSH можно добавить только к своей учётной записи".into(),
            en: "an SSH key can be added to your own account only".into(),
        }),
        KeyOp::List | KeyOp::Remove => Err(Denied {
            ru: "ключи SSH чужой учётной записи доступны только администратору".into(),
            en: "only an administrator may see or remove another account's SSH keys".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pb;

    fn actor(user_id: u64, roles: &[Role]) -> Actor {
        Actor {
            user_id,
            grants: roles
                .iter()
                .map(|r| pb::RoleGrant {
                    role: *r as i32,
                    ..Default::default()
                })
                .collect(),
        }
    }

    #[test]
    fn a_person_manages_their_own_keys() {
        let me = actor(7, &[]);
        for op in [KeyOp::Add, KeyOp::List, KeyOp::Remove] {
            assert!(may(&me, 7, op).is_ok(), "{op:?}");
            assert!(may(&me, 8, op).is_err(), "{op:?}");
        }
    }

    #[test]
    fn the_administrator_sees_and_removes_but_never_adds() {
        let admin = actor(1, &[Role::Administrator]);
        assert!(may(&admin, 7, KeyOp::List).is_ok());
        assert!(may(&admin, 7, KeyOp::Remove).is_ok());
        assert!(may(&admin, 7, KeyOp::Add).is_err());
    }
}
