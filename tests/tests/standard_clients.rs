//! What standard gRPC tools see (health and reflection, without any of our code), and the
//! graceful stop: health goes NOT_SERVING, open watch streams end, `serve` returns promptly.

use std::time::Duration;

use futures::StreamExt;
use infogroups_tests::{Received, STEP, TestServer, connect, next_message};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

/// What a graceful stop may take (the binary gives itself 5 s after the signal).
const PROMPT: Duration = Duration::from_secs(5);

/// Our services, as reflection must list them.
const OURS: [&str; 7] = [
    "infogroups.v1.AuthService",
    "infogroups.v1.UserService",
    "infogroups.v1.DirectoryService",
    "infogroups.v1.GroupService",
    "infogroups.v1.AssignmentService",
    "infogroups.v1.SyncService",
    "infogroups.v1.AuditService",
];

/// Every service of the API's descriptor that health reports as served (later issues add more).
async fn served(health: &mut HealthClient<tonic::transport::Channel>) -> Vec<String> {
    let set = <prost_types::FileDescriptorSet as prost::Message>::decode(
        infogroups_shared::pb::FILE_DESCRIPTOR_SET,
    )
    .expect("the API's descriptor set decodes");
    let mut out = Vec::new();
    for file in &set.file {
        for service in &file.service {
            let name = format!("{}.{}", file.package(), service.name());
            if health.check(check(&name)).await.is_ok() {
                out.push(name);
            }
        }
    }
    out
}

fn check(service: &str) -> HealthCheckRequest {
    HealthCheckRequest {
        service: service.to_string(),
    }
}

#[tokio::test]
async fn health_answers_serving_for_the_server_and_each_service() {
    let server = TestServer::start_default().await.expect("server");
    let mut health = HealthClient::new(connect(server.addr()).await.expect("connect"));
    for service in std::iter::once("").chain(OURS) {
        let status = health
            .check(check(service))
            .await
            .unwrap_or_else(|s| panic!("Check {service:?}: {s:?}"))
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service:?}");
    }
    let unknown = health
        .check(check("no.such.Service"))
        .await
        .expect_err("unknown services are NotFound");
    assert_eq!(unknown.code(), tonic::Code::NotFound);
    drop(health);
    server.stop().await.expect("stop");
}

/// The service names a reflection stream answers to `list_services`, for both versions.
mod reflect {
    use futures::StreamExt;
    use tonic::transport::Channel;

    pub async fn v1(channel: Channel) -> Vec<String> {
        use tonic_reflection::pb::v1::ServerReflectionRequest;
        use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
        use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
        use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        };
        let mut answers = ServerReflectionClient::new(channel)
            .server_reflection_info(futures::stream::iter([request]))
            .await
            .expect("reflection v1")
            .into_inner();
        let answer = answers.next().await.expect("an answer").expect("ok");
        match answer.message_response {
            Some(MessageResponse::ListServicesResponse(list)) => {
                list.service.into_iter().map(|s| s.name).collect()
            }
            other => panic!("unexpected reflection answer {other:?}"),
        }
    }

    pub async fn v1alpha(channel: Channel) -> Vec<String> {
        use tonic_reflection::pb::v1alpha::ServerReflectionRequest;
        use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
        use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
        use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        };
        let mut answers = ServerReflectionClient::new(channel)
            .server_reflection_info(futures::stream::iter([request]))
            .await
            .expect("reflection v1alpha")
            .into_inner();
        let answer = answers.next().await.expect("an answer").expect("ok");
        match answer.message_response {
            Some(MessageResponse::ListServicesResponse(list)) => {
                list.service.into_iter().map(|s| s.name).collect()
            }
            other => panic!("unexpected reflection answer {other:?}"),
        }
    }

    /// The file descriptor that defines `symbol`, through reflection v1.
    pub async fn file_of(channel: Channel, symbol: &str) -> Vec<Vec<u8>> {
        use tonic_reflection::pb::v1::ServerReflectionRequest;
        use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
        use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
        use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::FileContainingSymbol(symbol.to_string())),
        };
        let mut answers = ServerReflectionClient::new(channel)
            .server_reflection_info(futures::stream::iter([request]))
            .await
            .expect("reflection v1")
            .into_inner();
        let answer = answers.next().await.expect("an answer").expect("ok");
        match answer.message_response {
            Some(MessageResponse::FileDescriptorResponse(files)) => files.file_descriptor_proto,
            other => panic!("unexpected reflection answer for {symbol}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn reflection_v1_and_v1alpha_list_every_service_and_describe_them() {
    let server = TestServer::start_default().await.expect("server");
    let channel = connect(server.addr()).await.expect("connect");
    let mut served = served(&mut HealthClient::new(channel.clone())).await;
    for ours in OURS {
        assert!(served.iter().any(|s| s == ours), "{ours} is served");
    }
    served.push("grpc.health.v1.Health".into());
    for (version, listed) in [
        ("v1", reflect::v1(channel.clone()).await),
        ("v1alpha", reflect::v1alpha(channel.clone()).await),
    ] {
        for service in &served {
            assert!(
                listed.iter().any(|s| s == service),
                "reflection {version} lists {service}: {listed:?}"
            );
        }
    }
    let files = reflect::file_of(channel.clone(), "infogroups.v1.AuthService").await;
    let described = files.iter().any(|bytes| {
        <prost_types::FileDescriptorProto as prost::Message>::decode(bytes.as_slice())
            .is_ok_and(|f| f.service.iter().any(|s| s.name() == "AuthService"))
    });
    assert!(
        described,
        "reflection returns the file defining AuthService"
    );
    drop(channel);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_stop_goes_not_serving_ends_streams_and_returns_promptly() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let mut watch = admin.watch(0).await.expect("watch");
    let mut health = HealthClient::new(connect(server.addr()).await.expect("connect"));
    let mut statuses = health
        .watch(check(""))
        .await
        .expect("health watch")
        .into_inner();
    let first = tokio::time::timeout(STEP, statuses.next())
        .await
        .expect("a first status")
        .expect("open")
        .expect("ok");
    assert_eq!(first.status, ServingStatus::Serving as i32);

    server.request_shutdown();
    let next: Option<Result<HealthCheckResponse, tonic::Status>> =
        tokio::time::timeout(STEP, statuses.next())
            .await
            .expect("the health watch answers");
    let next = next.expect("a status before the end").expect("ok");
    assert_eq!(
        next.status,
        ServingStatus::NotServing as i32,
        "NOT_SERVING once the stop is requested"
    );
    // The health watch is a standard client's stream too; a tool that keeps it open must not hold
    // the server up, but this test lets go of it like a well-behaved client would.
    drop(statuses);
    drop(health);

    // The open watch stream ends (after whatever it had queued).
    while let Received::Message(_) = next_message(&mut watch, STEP)
        .await
        .expect("the watch ends in time")
    {}
    drop(watch);
    drop(admin);
    let took = server.stop().await.expect("stop");
    assert!(took < PROMPT, "the stop took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_health_watch_left_open_does_not_hold_up_the_stop() {
    let server = TestServer::start_default().await.expect("server");
    let mut health = HealthClient::new(connect(server.addr()).await.expect("connect"));
    let mut statuses = health
        .watch(check(""))
        .await
        .expect("health watch")
        .into_inner();
    let first = tokio::time::timeout(STEP, statuses.next())
        .await
        .expect("a first status");
    assert!(first.is_some());
    let took = tokio::time::timeout(PROMPT, server.stop())
        .await
        .expect("the server stops within 5 s although a health watch is open")
        .expect("stop");
    assert!(took < PROMPT);
    drop((statuses, health));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_goes_not_serving_when_the_stop_is_requested() {
    let server = TestServer::start_default().await.expect("server");
    let mut health = HealthClient::new(connect(server.addr()).await.expect("connect"));
    let mut streams = Vec::new();
    for service in served(&mut health).await {
        let mut statuses = health
            .watch(check(&service))
            .await
            .expect("health watch")
            .into_inner();
        let first = tokio::time::timeout(STEP, statuses.next())
            .await
            .expect("a first status")
            .expect("open")
            .expect("ok");
        assert_eq!(first.status, ServingStatus::Serving as i32, "{service}");
        streams.push((service, statuses));
    }
    server.request_shutdown();
    let mut still_serving = Vec::new();
    for (service, statuses) in &mut streams {
        let next = tokio::time::timeout(Duration::from_secs(2), statuses.next()).await;
        match next {
            Ok(Some(Ok(r))) if r.status == ServingStatus::NotServing as i32 => {}
            other => still_serving.push(format!("{service}: {other:?}")),
        }
    }
    drop((streams, health));
    assert!(
        still_serving.is_empty(),
        "not NOT_SERVING after the stop: {still_serving:#?}"
    );
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn data_survives_a_graceful_restart() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let t = infogroups_tests::fixtures::save_territory(&admin, "Посёлок Несветай")
        .await
        .expect("territory");
    let seq = admin.published_seq().await.expect("seq");
    drop(admin);
    let server = server.restart().await.expect("restart");
    let admin = server.admin().await.expect("admin");
    assert_eq!(admin.published_seq().await.expect("seq"), seq);
    let stored: Option<infogroups_shared::pb::Territory> = server
        .db()
        .get(infogroups_tests::fixtures::id_of(t.meta))
        .expect("read");
    assert_eq!(stored, Some(t));
    drop(admin);
    server.stop().await.expect("stop");
}
