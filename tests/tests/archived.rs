//! An archived account signs in no more, and is given no assignment.

use infogroups_shared::pb;
use infogroups_tests::fixtures::{assignment_request, version_of};
use infogroups_tests::{City, TestServer};
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_account_takes_no_assignment() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let user: pb::User = server
        .db()
        .get(city.executor2.user_id)
        .expect("read")
        .expect("exists");
    city.admin
        .users()
        .archive_user(pb::ArchiveUserRequest {
            user_id: city.executor2.user_id,
            expected_version: version_of(user.meta),
        })
        .await
        .expect("archived");
    let refused = city
        .leader_a
        .assignments()
        .create_assignment(assignment_request(city.a(), city.executor2.user_id))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(refused.message().starts_with("executor_id"), "{refused:?}");
}
