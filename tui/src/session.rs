//! Who is signed in, with which roles, and the role worked in now.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;

use crate::replica::Replica;
use crate::strings;
use crate::strings::Text;

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user's id.
    pub user_id: u64,
    /// The login name.
    pub username: String,
    /// The full name, for the status bar.
    pub full_name: String,
    /// The roles held.
    pub roles: Vec<pb::RoleGrant>,
    /// The role the user works in now.
    pub role_index: usize,
}

impl Session {
    /// The current role.
    pub fn role(&self) -> Option<&pb::RoleGrant> {
        self.roles.get(self.role_index)
    }
}

/// The name of a role grant as the status bar shows it.
pub fn role_name(lang: Lang, replica: &Replica, grant: Option<&pb::RoleGrant>) -> String {
    match grant {
        None => Text::NoRole.get(lang).to_string(),
        Some(g) => {
            let role = pb::Role::try_from(g.role).unwrap_or_default();
            let group = (g.group_id != 0)
                .then(|| replica.group_number(g.group_id).unwrap_or(0))
                .filter(|n| *n != 0);
            strings::role_in_group(lang, role, group)
        }
    }
}
