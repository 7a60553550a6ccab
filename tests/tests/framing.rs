//! Requests whose gRPC framing is broken — a bad compression flag, a compressed message with no
//! encoding named, a body cut inside a frame, no message, two messages, a length over the limit —
//! sent as raw HTTP/2 requests on a real server. Each is refused with a clean status
//! (`InvalidArgument` naming `grpc-frame`, `OutOfRange` for the size) and changes nothing; a
//! well-framed request on the same path still works.

use std::future::poll_fn;

use http_body_util::{BodyExt, Full};
use infogroups_shared::pb;
use infogroups_tests::TestServer;
use infogroups_tests::client::connect;
use prost::Message;
use tonic::Code;
use tonic::body::Body;
use tonic::codegen::Service;
use tonic::codegen::http;
use tonic::transport::Channel;

const PATH: &str = "/infogroups.v1.DirectoryService/SaveTerritory";

fn frame(flag: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![flag];
    f.extend_from_slice(
        &u32::try_from(payload.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    f.extend_from_slice(payload);
    f
}

/// Sends `body` as a gRPC request; the status code and message the server answered.
async fn raw(
    channel: &mut Channel,
    server: &TestServer,
    token: &str,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) -> (Code, String) {
    let mut req = http::Request::builder()
        .method("POST")
        .uri(format!("http://{}{PATH}", server.addr()))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .header("authorization", format!("Bearer {token}"));
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let req = req
        .body(Body::new(Full::new(bytes::Bytes::from(body))))
        .unwrap_or_else(|e| panic!("{e}"));
    poll_fn(|cx| channel.poll_ready(cx))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let resp = channel.call(req).await.unwrap_or_else(|e| panic!("{e}"));
    let (parts, body) = resp.into_parts();
    let mut headers = parts.headers;
    if headers.get("grpc-status").is_none() {
        let collected = body.collect().await.unwrap_or_else(|e| panic!("{e}"));
        if let Some(t) = collected.trailers() {
            headers = t.clone();
        }
    }
    let code = headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map_or(Code::Unknown, Code::from_i32);
    let message = headers
        .get("grpc-message")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (code, message)
}

#[tokio::test]
async fn broken_frames_are_refused_cleanly_and_change_nothing() {
    let server = TestServer::start_default()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let admin = server.admin().await.unwrap_or_else(|e| panic!("{e}"));
    let mut channel = connect(server.addr())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let request = |name: &str| {
        pb::SaveTerritoryRequest {
            request_id: format!("framing-{name}"),
            expected_version: 0,
            territory: Some(pb::Territory {
                name: name.into(),
                kind: pb::TerritoryKind::Other as i32,
                ..Default::default()
            }),
        }
        .encode_to_vec()
    };
    let territories = || {
        server
            .db()
            .all::<pb::Territory>()
            .unwrap_or_else(|e| panic!("{e}"))
            .len()
    };
    let before = territories();
    let good = request("посёлок Северный");
    let mut two = frame(0, &good);
    two.extend(frame(0, &good));
    let whole = frame(0, &good);
    let cases: Vec<(&str, Vec<u8>, Code)> = vec![
        (
            "a bad compression flag",
            frame(7, &good),
            Code::InvalidArgument,
        ),
        (
            "compressed, no encoding",
            frame(1, &good),
            Code::InvalidArgument,
        ),
        (
            "cut inside the message",
            whole[..whole.len() - 3].to_vec(),
            Code::InvalidArgument,
        ),
        (
            "cut inside the header",
            whole[..3].to_vec(),
            Code::InvalidArgument,
        ),
        ("no message", Vec::new(), Code::InvalidArgument),
        ("two messages", two, Code::InvalidArgument),
        // A header declaring 1 GB, and nothing more: refused without waiting for the bytes.
        ("over the limit", vec![0, 0x40, 0, 0, 0], Code::OutOfRange),
    ];
    for (what, body, expected) in cases {
        let (code, message) = raw(&mut channel, &server, &admin.token, body, &[]).await;
        assert_eq!(code, expected, "{what}: {message}");
        assert!(!message.is_empty(), "{what}: a message says why");
    }
    assert_eq!(territories(), before, "nothing was written");

    // The same path with a well-formed frame works.
    let (code, message) = raw(&mut channel, &server, &admin.token, frame(0, &good), &[]).await;
    assert_eq!(code, Code::Ok, "{message}");
    assert_eq!(territories(), before + 1);
}
