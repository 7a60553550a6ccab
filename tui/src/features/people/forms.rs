//! The administrator's forms on accounts: a new account with its first role, its details, its
//! password, the roles granted and taken away, and archiving it. Field names follow the
//! requests' fields, so the server's field errors land under the right one.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, Target, choice_of, group_by_number, value,
};

/// The roles an administrator grants, in the order the choice offers them.
pub const GRANTABLE: [pb::Role; 10] = [
    pb::Role::Executor,
    pb::Role::GroupMember,
    pb::Role::GroupSecretary,
    pb::Role::GroupLeader,
    pb::Role::GeneralDepartment,
    pb::Role::PopulationDepartment,
    pb::Role::ControlSector,
    pb::Role::Head,
    pb::Role::Administrator,
    pb::Role::PersonalDataOfficer,
];

/// A new account's fields.
pub fn user_fields(lang: Lang) -> Vec<Field> {
    vec![
        Field::new("username", W::FieldUsername, K::Line, true),
        Field::new("full_name", W::FieldFullName, K::Line, true),
        Field::new("position", W::FieldPosition, K::Line, false),
        Field::new("contact", W::FieldContact, K::Line, false),
        Field::new("password", W::FieldPassword, K::Secret, true),
        Field::new("password_again", W::FieldPasswordAgain, K::Secret, true),
        Field::choice(
            "roles",
            W::FieldFirstRole,
            GRANTABLE
                .iter()
                .map(|r| names::role(lang, *r).to_string())
                .collect(),
        ),
        Field::new("group_id", W::FieldGroupNumber, K::Line, false),
    ]
}

/// The account's editable fields (its login, roles and password have their own steps).
pub fn edit_user_fields(departments: &[(u64, String)]) -> Vec<Field> {
    let mut deps = vec!["—".to_string()];
    deps.extend(departments.iter().map(|(_, n)| n.clone()));
    vec![
        Field::new("full_name", W::FieldFullName, K::Line, true),
        Field::new("position", W::FieldPosition, K::Line, false),
        Field::choice("department_id", W::FieldDepartment, deps),
        Field::new("contact", W::FieldContact, K::Line, false),
    ]
}

/// The account's change.
pub fn edit_user_call(
    user_id: u64,
    expected_version: u64,
    departments: &[(u64, String)],
    fields: &[Field],
) -> pb::UpdateUserRequest {
    pb::UpdateUserRequest {
        user_id,
        expected_version,
        full_name: value(fields, "full_name").to_string(),
        position: value(fields, "position").to_string(),
        department_id: match choice_of(fields, "department_id") {
            0 => 0,
            i => departments.get(i - 1).map_or(0, |(id, _)| *id),
        },
        contact: value(fields, "contact").to_string(),
    }
}

/// The new-password fields.
pub fn password_fields() -> Vec<Field> {
    vec![
        Field::new("new_password", W::FieldPassword, K::Secret, true),
        Field::new("password_again", W::FieldPasswordAgain, K::Secret, true),
    ]
}

fn same_password(fields: &[Field], name: &'static str) -> Result<String, FieldError> {
    let password = value(fields, name);
    if password != value(fields, "password_again") {
        return Err(FieldError::new(
            "password_again",
            W::PasswordsDiffer.get(Lang::Ru),
            W::PasswordsDiffer.get(Lang::En),
        ));
    }
    Ok(password.to_string())
}

/// Creating an account with its first role.
pub fn user_call(request_id: &str, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
    let password = same_password(fields, "password")?;
    let role = GRANTABLE[choice_of(fields, "roles") % GRANTABLE.len()];
    let group_id = if validate::is_group_role(role) {
        group_by_number(ctx, "group_id", value(fields, "group_id"))?
    } else {
        0
    };
    Ok(Call::CreateUser(Box::new(pb::CreateUserRequest {
        request_id: request_id.to_string(),
        username: value(fields, "username").to_string(),
        password,
        full_name: value(fields, "full_name").to_string(),
        position: value(fields, "position").to_string(),
        contact: value(fields, "contact").to_string(),
        roles: vec![pb::RoleGrant {
            role: role as i32,
            group_id,
        }],
        ..Default::default()
    })))
}

/// Setting a user's password.
pub fn password_call(user_id: u64, fields: &[Field]) -> Result<Call, FieldError> {
    Ok(Call::SetPassword(pb::SetPasswordRequest {
        user_id,
        new_password: same_password(fields, "new_password")?,
        old_password: String::new(),
    }))
}

/// Create an account with its first role.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateUser {
    /// The id of the creating request.
    pub request_id: String,
}

impl FormSpec for CreateUser {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        user_fields(lang)
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        user_call(&self.request_id, fields, ctx)
    }

    fn done(&self) -> W {
        W::DoneUserCreated
    }
}

/// Change an account's name, position, department and contact.
#[derive(Debug, Clone, PartialEq)]
pub struct EditUser {
    /// The account.
    pub user_id: u64,
    /// The version the administrator saw.
    pub version: u64,
    /// The departments, as the choice offers them after «—».
    pub departments: Vec<(u64, String)>,
}

impl FormSpec for EditUser {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        edit_user_fields(&self.departments)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::UpdateUser(edit_user_call(
            self.user_id,
            self.version,
            &self.departments,
            fields,
        )))
    }

    fn done(&self) -> W {
        W::DoneUserSaved
    }

    fn target(&self) -> Option<Target> {
        Some(Target::User(self.user_id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Set a user's password.
#[derive(Debug, Clone, PartialEq)]
pub struct SetPassword {
    /// The user.
    pub user_id: u64,
}

impl FormSpec for SetPassword {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        password_fields()
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        password_call(self.user_id, fields)
    }

    fn done(&self) -> W {
        W::DonePasswordSet
    }
}

/// Give a user a role.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantRole {
    /// The user.
    pub user_id: u64,
    /// The version the administrator saw.
    pub version: u64,
}

impl FormSpec for GrantRole {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        vec![
            Field::choice(
                "grant.role",
                W::FieldRole,
                GRANTABLE
                    .iter()
                    .map(|r| names::role(lang, *r).to_string())
                    .collect(),
            ),
            Field::new("grant.group_id", W::FieldGroupNumber, K::Line, false),
        ]
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let role = GRANTABLE[choice_of(fields, "grant.role") % GRANTABLE.len()];
        let group = value(fields, "grant.group_id");
        let group_id = if validate::is_group_role(role) {
            group_by_number(ctx, "grant.group_id", group)?
        } else {
            0
        };
        Ok(Call::GrantRole(pb::GrantRoleRequest {
            user_id: self.user_id,
            expected_version: self.version,
            grant: Some(pb::RoleGrant {
                role: role as i32,
                group_id,
            }),
        }))
    }

    fn done(&self) -> W {
        W::DoneGrantedRole
    }

    fn target(&self) -> Option<Target> {
        Some(Target::User(self.user_id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Take one of a user's roles away.
#[derive(Debug, Clone, PartialEq)]
pub struct RevokeRole {
    /// The user.
    pub user_id: u64,
    /// The version the administrator saw.
    pub version: u64,
    /// The roles held (the choice picks one).
    pub grants: Vec<pb::RoleGrant>,
    /// How the choice names them («Секретарь группы, № 1»).
    pub labels: Vec<String>,
}

impl FormSpec for RevokeRole {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        vec![Field::choice("grant", W::FieldRole, self.labels.clone())]
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::RevokeRole(pb::RevokeRoleRequest {
            user_id: self.user_id,
            expected_version: self.version,
            grant: self.grants.get(choice_of(fields, "grant")).copied(),
        }))
    }

    fn done(&self) -> W {
        W::DoneRevokedRole
    }

    fn target(&self) -> Option<Target> {
        Some(Target::User(self.user_id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Archive an account (its sessions end; its records keep its name).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveUser {
    /// The account.
    pub user_id: u64,
    /// The version the administrator saw.
    pub version: u64,
}

impl FormSpec for ArchiveUser {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        Vec::new()
    }

    fn call(&self, _fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::ArchiveUser(pb::ArchiveUserRequest {
            user_id: self.user_id,
            expected_version: self.version,
        }))
    }

    fn done(&self) -> W {
        W::DoneArchived
    }

    fn target(&self) -> Option<Target> {
        Some(Target::User(self.user_id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}
