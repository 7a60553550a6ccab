//! Request size limits: a request over the configured size is refused before it is parsed, with a
//! clean status, nothing is written, and the same connection goes on serving; under the size
//! limit, the per-field length limits of validation answer with the field named.

use infogroups_shared::pb;
use infogroups_shared::validate::{FieldError, MAX_LINE};
use infogroups_tests::fixtures::territory_request;
use infogroups_tests::{TestServer, code_of, try_login};
use tonic::Code;

/// The limit the tests configure: small, so an oversized request is cheap to send.
const LIMIT: usize = 64 * 1024;

fn oversized(code: Code) -> bool {
    // tonic refuses a message over the decoding limit with OutOfRange; ResourceExhausted is the
    // other answer gRPC implementations give.
    matches!(code, Code::OutOfRange | Code::ResourceExhausted)
}

#[tokio::test]
async fn an_oversized_request_is_refused_cleanly_and_the_server_keeps_serving() {
    let server = TestServer::start(|c| {
        c.max_request_bytes = LIMIT;
        c.max_login_request_bytes = 1024;
    })
    .await
    .expect("server");
    let admin = server.admin().await.expect("admin");
    let before = server.db().published_seq();

    let mut huge = territory_request("Микрорайон");
    huge.territory.as_mut().expect("territory").description = "ж".repeat(LIMIT);
    let answer = admin.directory().save_territory(huge).await;
    assert!(oversized(code_of(&answer)), "{answer:?}");
    assert_eq!(server.db().published_seq(), before, "nothing written");

    // Under the size limit, validation's own length limits name the field.
    let mut long = territory_request("Микрорайон");
    long.territory.as_mut().expect("territory").name = "ж".repeat(MAX_LINE + 1);
    let refused = admin
        .directory()
        .save_territory(long)
        .await
        .expect_err("too long a name");
    let field = FieldError::from_status(&refused).expect("a field error");
    assert_eq!(field.field, "territory.name");
    assert_eq!(server.db().published_seq(), before, "nothing written");

    // The same connection serves the next request.
    admin
        .directory()
        .save_territory(territory_request("Микрорайон Соцгород"))
        .await
        .expect("a normal request after the oversized one");
    assert_eq!(server.db().published_seq(), before + 1);

    // Logins come before authentication and have a tighter limit of their own.
    let login = try_login(server.addr(), "admin", &"x".repeat(2048))
        .await
        .expect("connect")
        .expect_err("an oversized login");
    assert!(oversized(login.code()), "{login:?}");
    server.admin().await.expect("a normal login after it");
    let who = admin.auth().who_am_i(pb::WhoAmIRequest {}).await;
    assert_eq!(code_of(&who), Code::Ok);
    drop(admin);
    server.stop().await.expect("stop");
}
