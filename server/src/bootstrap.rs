//! The first start: an empty store gets an `admin` account.

use infogroups_shared::pb::{self, Role};
use infogroups_shared::validate::FieldError;

use crate::accounts;
use crate::auth;
use crate::error::ApiResult;
use crate::services::Ctx;

/// Creates `admin` when the store has no accounts. Returns the generated password when none was
/// configured (the caller prints it once). Later starts never touch the account.
pub async fn first_admin(ctx: &Ctx) -> ApiResult<Option<String>> {
    if !ctx.db.all::<pb::User>()?.is_empty() {
        return Ok(None);
    }
    let (password, generated) = match &ctx.config.admin_password {
        Some(p) if !p.is_empty() => (p.clone(), false),
        _ => (auth::generate_password(), true),
    };
    let req = pb::CreateUserRequest {
        request_id: "bootstrap-admin".into(),
        username: "admin".into(),
        password: password.clone(),
        full_name: "Администратор".into(),
        roles: vec![pb::RoleGrant {
            role: Role::Administrator as i32,
            group_id: 0,
        }],
        ..Default::default()
    };
    // The first administrator's password meets the policy like every other: a weak one is
    // refused before anything is written, naming where it came from.
    accounts::validate_new(&req).map_err(|e| {
        if e.field == "password" {
            FieldError::new(
                "INFOGROUPS_ADMIN_PASSWORD",
                format!("пароль первого администратора не принят: {}", e.ru),
                format!("the first administrator's password is refused: {}", e.en),
            )
        } else {
            e
        }
    })?;
    let phc = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| crate::error::ApiError::ShuttingDown)??;
    ctx.db
        .write(0, |tx| accounts::stage_new(tx, &req, phc))
        .await?;
    tracing::info!("created the first administrator account 'admin'");
    Ok(generated.then_some(req.password))
}
