//! The end-to-end harness of Infogroups: a real server on `127.0.0.1:0` (in this process or as a
//! child process that can be killed with SIGKILL), typed clients that carry a bearer token,
//! fixtures that fill a small city, and watch-stream helpers with a timeout around every read.
//!
//! The rules the tests live by (see `shared/docs/architecture.md`): bind before spawning the
//! server, never sleep to wait for something, one temporary directory per server, a timeout
//! around every `stream.next()`, and streams dropped before a server is stopped.

pub mod answer;
pub mod child;
pub mod client;
pub mod fixtures;
pub mod fuzz;
pub mod links;
pub mod offline;
pub mod pg;
pub mod review;
pub mod server;
pub mod smtp;
pub mod ssh;
pub mod watch;

use std::time::Duration;

pub use child::ChildServer;
pub use client::{Authed, Bearer, connect, login, try_login};
pub use fixtures::City;
pub use server::TestServer;
pub use watch::{Received, next_event, next_message};

/// The first administrator's password in every test server.
pub const ADMIN_PASSWORD: &str = "Терриконы над Несветаем 42";

/// The password of every account the fixtures create.
pub const TEST_PASSWORD: &str = "Шахтёрская 7, фонари горят";

/// How long a test waits for one thing to happen (an event, an answer, a shutdown) before it
/// fails. Generous: a loaded 2-core CI machine runs several test binaries' servers at once.
pub const STEP: Duration = Duration::from_secs(10);

/// The gRPC code of an answer: `Ok` for a success, the status's code otherwise.
pub fn code_of<T>(answer: &Result<T, tonic::Status>) -> tonic::Code {
    match answer {
        Ok(_) => tonic::Code::Ok,
        Err(status) => status.code(),
    }
}
