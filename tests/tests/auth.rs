//! Authentication end to end: login, logout, expiry, throttling, the token on every RPC, and the
//! first administrator.

use std::time::Duration;

use infogroups_server::Clock;
use infogroups_shared::pb::{self, Role};
use infogroups_tests::fixtures::{add_user, global, id_of, version_of};
use infogroups_tests::{
    ADMIN_PASSWORD, Authed, TEST_PASSWORD, TestServer, code_of, connect, try_login,
};
use prost::Message;
use tonic::Code;

/// 2026-03-02 12:00 Moscow time.
const NOON: i64 = 1_772_442_000_000;

async fn who_am_i(user: &Authed) -> Code {
    code_of(&user.auth().who_am_i(pb::WhoAmIRequest {}).await)
}

async fn list_users(user: &Authed) -> Code {
    code_of(
        &user
            .users()
            .list_users(pb::ListUsersRequest::default())
            .await,
    )
}

#[tokio::test]
async fn login_answers_a_token_the_user_and_the_roles() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin login");
    assert_eq!(admin.token.len(), 64, "a 256-bit hex token");
    assert!(admin.roles.contains(&global(Role::Administrator)));
    let me = admin
        .auth()
        .who_am_i(pb::WhoAmIRequest {})
        .await
        .expect("WhoAmI")
        .into_inner();
    assert_eq!(me.username, "admin");
    assert_eq!(me.user_id, admin.user_id);
    assert!(me.expires_at_ms > 0);
    assert_eq!(list_users(&admin).await, Code::Ok);
    let again = server.admin().await.expect("second login");
    assert_ne!(again.token, admin.token, "every login gets a new token");
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_look_the_same() {
    let server = TestServer::start_default().await.expect("server");
    let wrong = try_login(server.addr(), "admin", "not-the-password")
        .await
        .expect("connect")
        .expect_err("a wrong password is refused");
    let unknown = try_login(server.addr(), "nobody", "not-the-password")
        .await
        .expect("connect")
        .expect_err("an unknown name is refused");
    assert_eq!(wrong.code(), Code::Unauthenticated);
    assert_eq!(unknown.code(), Code::Unauthenticated);
    assert_eq!(
        wrong.message(),
        unknown.message(),
        "the answer must not tell which names exist"
    );
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn logout_ends_that_session_only() {
    let server = TestServer::start_default().await.expect("server");
    let first = server.admin().await.expect("login");
    let second = server.admin().await.expect("login");
    first
        .auth()
        .logout(pb::LogoutRequest {})
        .await
        .expect("Logout");
    assert_eq!(who_am_i(&first).await, Code::Unauthenticated);
    assert_eq!(list_users(&first).await, Code::Unauthenticated);
    assert_eq!(
        code_of(&first.auth().logout(pb::LogoutRequest {}).await),
        Code::Unauthenticated,
        "a second logout finds no session"
    );
    assert_eq!(
        who_am_i(&second).await,
        Code::Ok,
        "the other session lives on"
    );
    assert_eq!(list_users(&second).await, Code::Ok);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn a_token_expires_when_the_clock_passes_its_lifetime() {
    let clock = Clock::manual(NOON);
    let server = TestServer::start(|c| {
        c.clock = clock.clone();
        c.token_ttl = Duration::from_secs(3600);
    })
    .await
    .expect("server");
    let admin = server.admin().await.expect("login");
    let me = admin
        .auth()
        .who_am_i(pb::WhoAmIRequest {})
        .await
        .expect("WhoAmI")
        .into_inner();
    assert_eq!(me.expires_at_ms, NOON + 3_600_000);
    clock.set_ms(NOON + 3_600_000 - 1);
    assert_eq!(
        list_users(&admin).await,
        Code::Ok,
        "valid until the last ms"
    );
    clock.set_ms(NOON + 3_600_000);
    assert_eq!(list_users(&admin).await, Code::Unauthenticated);
    assert_eq!(who_am_i(&admin).await, Code::Unauthenticated);
    let fresh = server.admin().await.expect("a new login works");
    assert_eq!(list_users(&fresh).await, Code::Ok);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn repeated_failures_throttle_even_the_right_password() {
    let server = TestServer::start(|c| c.login_free_attempts = 3)
        .await
        .expect("server");
    add_user(server.db(), "bystander", &[global(Role::Head)])
        .await
        .expect("user");
    for attempt in 1..=3 {
        let refused = try_login(server.addr(), "admin", "guess-number-x")
            .await
            .expect("connect")
            .expect_err("wrong password");
        assert_eq!(refused.code(), Code::Unauthenticated, "attempt {attempt}");
    }
    let throttled = try_login(server.addr(), "admin", ADMIN_PASSWORD)
        .await
        .expect("connect")
        .expect_err("throttled");
    assert_eq!(throttled.code(), Code::ResourceExhausted, "{throttled:?}");
    assert!(throttled.message().contains("retry"), "{throttled:?}");
    let other = try_login(server.addr(), "bystander", TEST_PASSWORD)
        .await
        .expect("connect");
    assert!(other.is_ok(), "other accounts are not throttled: {other:?}");
    server.stop().await.expect("stop");
}

/// Every method of every service in the API's descriptor, as `/package.Service/Method`.
fn all_methods() -> Vec<(String, String)> {
    let set = prost_types::FileDescriptorSet::decode(pb::FILE_DESCRIPTOR_SET)
        .expect("the API's descriptor set decodes");
    let mut out = Vec::new();
    for file in &set.file {
        for service in &file.service {
            let full = format!("{}.{}", file.package(), service.name());
            for method in &service.method {
                out.push((full.clone(), format!("/{full}/{}", method.name())));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_rpc_but_login_refuses_a_missing_or_forged_token() {
    let server = TestServer::start_default().await.expect("server");
    let channel = connect(server.addr()).await.expect("connect");
    let anonymous = Authed::anonymous(channel.clone());
    let forged = Authed::with_token(channel.clone(), &"0".repeat(64)).expect("token");
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let mut wrong = Vec::new();
    let mut unserved = Vec::new();
    let methods = all_methods();
    assert!(methods.len() > 40, "the whole API: {}", methods.len());
    for (service, path) in methods {
        let served = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.clone(),
            })
            .await
            .is_ok();
        let expected = match path.as_str() {
            "/infogroups.v1.AuthService/Login" => Code::InvalidArgument,
            _ => Code::Unauthenticated,
        };
        for (who, caller) in [("no token", &anonymous), ("forged token", &forged)] {
            let got = code_of(&caller.call_empty(&path).await.expect("call"));
            if !served {
                // Services of later issues are described but not registered yet.
                if got != Code::Unimplemented && got != Code::Unauthenticated {
                    wrong.push(format!("{path} ({who}, not served): {got:?}"));
                }
                unserved.push(path.clone());
            } else if got != expected {
                wrong.push(format!("{path} ({who}): {got:?}, expected {expected:?}"));
            }
        }
    }
    unserved.dedup();
    println!(
        "{} methods are described but not served yet (they answer Unimplemented): {unserved:?}",
        unserved.len()
    );
    assert!(wrong.is_empty(), "wrong answers:\n{}", wrong.join("\n"));
    drop((anonymous, forged, health, channel));
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn the_first_start_creates_admin_and_later_starts_never_reset_it() {
    let server = TestServer::start(|c| c.admin_password = Some("terrikon-first-start-61".into()))
        .await
        .expect("server");
    let admin = infogroups_tests::login(server.addr(), "admin", "terrikon-first-start-61")
        .await
        .expect("the configured password works");
    admin
        .users()
        .set_password(pb::SetPasswordRequest {
            user_id: admin.user_id,
            new_password: "changed-password".into(),
            old_password: "terrikon-first-start-61".into(),
        })
        .await
        .expect("SetPassword");
    drop(admin);
    let server = server
        .restart_with(|c| c.admin_password = Some("terrikon-second-start-62".into()))
        .await
        .expect("restart");
    for stale in ["terrikon-first-start-61", "terrikon-second-start-62"] {
        let refused = try_login(server.addr(), "admin", stale)
            .await
            .expect("connect")
            .expect_err("a restart does not reset the password");
        assert_eq!(refused.code(), Code::Unauthenticated, "{stale}");
    }
    let admin = infogroups_tests::login(server.addr(), "admin", "changed-password")
        .await
        .expect("the changed password survives restarts");
    let users = admin
        .users()
        .list_users(pb::ListUsersRequest::default())
        .await
        .expect("ListUsers")
        .into_inner()
        .users;
    assert_eq!(
        users.iter().filter(|u| u.username == "admin").count(),
        1,
        "one admin account"
    );
    drop(admin);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn a_user_changes_their_own_password_only_with_the_old_one() {
    let server = TestServer::start_default().await.expect("server");
    let user = add_user(server.db(), "changer", &[global(Role::Executor)])
        .await
        .expect("user");
    let me = infogroups_tests::login(server.addr(), "changer", TEST_PASSWORD)
        .await
        .expect("login");
    let bad = me
        .users()
        .set_password(pb::SetPasswordRequest {
            user_id: id_of(user.meta),
            new_password: "a-new-password".into(),
            old_password: "not-the-old-one".into(),
        })
        .await
        .expect_err("wrong old password");
    let field = infogroups_shared::validate::FieldError::from_status(&bad).expect("field error");
    assert_eq!(field.field, "old_password");
    me.users()
        .set_password(pb::SetPasswordRequest {
            user_id: id_of(user.meta),
            new_password: "a-new-password".into(),
            old_password: TEST_PASSWORD.into(),
        })
        .await
        .expect("SetPassword");
    assert!(
        try_login(server.addr(), "changer", TEST_PASSWORD)
            .await
            .expect("connect")
            .is_err()
    );
    infogroups_tests::login(server.addr(), "changer", "a-new-password")
        .await
        .expect("the new password works");
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn an_archived_account_loses_its_sessions_and_cannot_sign_in() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let user = add_user(server.db(), "leaving", &[global(Role::Executor)])
        .await
        .expect("user");
    let leaving = infogroups_tests::login(server.addr(), "leaving", TEST_PASSWORD)
        .await
        .expect("login");
    assert_eq!(who_am_i(&leaving).await, Code::Ok);
    let archived = admin
        .users()
        .archive_user(pb::ArchiveUserRequest {
            user_id: id_of(user.meta),
            expected_version: version_of(user.meta),
        })
        .await
        .expect("ArchiveUser")
        .into_inner();
    assert!(
        archived.meta.is_some_and(|m| m.archived),
        "ArchiveUser answered an account that is not archived: {:?}",
        archived.meta
    );
    assert_eq!(who_am_i(&leaving).await, Code::Unauthenticated);
    assert_eq!(list_users(&leaving).await, Code::Unauthenticated);
    let refused = try_login(server.addr(), "leaving", TEST_PASSWORD)
        .await
        .expect("connect")
        .expect_err("archived accounts cannot sign in");
    assert_eq!(refused.code(), Code::Unauthenticated);
    server.stop().await.expect("stop");
}
