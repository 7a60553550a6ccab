//! The connection to the server: one HTTP/2 channel shared by every call and the watch stream, a
//! bearer-token interceptor, and server errors turned into what the user should read.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use infogroups_shared::codec::ApiCodec;
use infogroups_shared::pb;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};
use tonic::{Code, Request, Status};

use crate::msg::error::RpcError;
use crate::replica::snapshot::Snapshot;

/// How long a unary call may take before the user is told the server does not answer.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// The largest snapshot the client accepts (the server's own limit is lower).
pub const SNAPSHOT_LIMIT: usize = 256 * 1024 * 1024;

/// The HTTP/2 flow-control window the client gives the server, per stream and per connection.
const SNAPSHOT_WINDOW: u32 = 8 * 1024 * 1024;

type Token = Arc<RwLock<Option<MetadataValue<Ascii>>>>;

/// Adds `authorization: Bearer …` to every call while a session is open.
#[derive(Clone)]
pub struct AuthInterceptor {
    token: Token,
}

impl Interceptor for AuthInterceptor {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        let token = self.token.read().ok().and_then(|t| t.clone());
        if let Some(value) = token {
            req.metadata_mut().insert("authorization", value);
        }
        Ok(req)
    }
}

/// A channel with the interceptor.
pub type Authed = InterceptedService<Channel, AuthInterceptor>;

/// The connection to one server. Cheap to clone; every clone shares the channel and the token.
#[derive(Clone)]
pub struct Connection {
    channel: Channel,
    token: Token,
    url: String,
}

/// Why a connection could not even be set up.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is not one we can use.
    #[error("invalid server address {0}: {1}")]
    BadUrl(String, String),
    /// The CA certificate could not be read.
    #[error("cannot read the CA certificate {0}: {1}")]
    Ca(String, std::io::Error),
}

impl Connection {
    /// A lazily connecting channel to `url`: nothing happens until the first call, and after a
    /// failure the next call connects again, so reconnecting is just calling again.
    pub fn new(url: &str, ca_cert: Option<&std::path::Path>) -> Result<Self, ConnectError> {
        let bad = |e: &dyn std::fmt::Display| ConnectError::BadUrl(url.to_string(), e.to_string());
        let mut endpoint = Endpoint::from_shared(url.to_string())
            .map_err(|e| bad(&e))?
            .connect_timeout(Duration::from_secs(3))
            .tcp_nodelay(true)
            // Long-lived watch streams over NAT and SSH tunnels need pings to stay open and to
            // notice a dead peer.
            .http2_keep_alive_interval(Duration::from_secs(20))
            .keep_alive_timeout(Duration::from_secs(10))
            .keep_alive_while_idle(true)
            // A city's snapshot is tens of megabytes: with HTTP/2's default 64 KiB windows it
            // would cross even a loopback in hundreds of stop-and-wait rounds.
            .initial_stream_window_size(Some(SNAPSHOT_WINDOW))
            .initial_connection_window_size(Some(SNAPSHOT_WINDOW));
        if url.starts_with("https://") {
            let mut tls = ClientTlsConfig::new();
            if let Some(path) = ca_cert {
                let pem = std::fs::read(path)
                    .map_err(|e| ConnectError::Ca(path.display().to_string(), e))?;
                tls = tls.ca_certificate(Certificate::from_pem(pem));
            }
            endpoint = endpoint.tls_config(tls).map_err(|e| bad(&e))?;
        }
        Ok(Self {
            channel: endpoint.connect_lazy(),
            token: Arc::default(),
            url: url.to_string(),
        })
    }

    /// The server's address as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Remembers the session's token for every later call.
    pub fn set_token(&self, token: &str) -> Result<(), RpcError> {
        let value: MetadataValue<Ascii> = format!("Bearer {token}").parse().map_err(|_| {
            RpcError::new(
                Code::Internal,
                "сервер выдал недопустимый токен",
                "the server sent an unusable token",
            )
        })?;
        if let Ok(mut slot) = self.token.write() {
            *slot = Some(value);
        }
        Ok(())
    }

    /// Forgets the token and returns it (to log the session out with it).
    pub fn take_token(&self) -> Option<MetadataValue<Ascii>> {
        self.token.write().ok().and_then(|mut t| t.take())
    }

    fn authed(&self) -> Authed {
        InterceptedService::new(
            self.channel.clone(),
            AuthInterceptor {
                token: self.token.clone(),
            },
        )
    }

    /// The authentication service.
    pub fn auth(&self) -> pb::auth_service_client::AuthServiceClient<Authed> {
        pb::auth_service_client::AuthServiceClient::new(self.authed())
    }

    /// The sync service. Its answers may be large: a snapshot of a whole city's records is far
    /// over tonic's 4 MB default.
    pub fn sync(&self) -> pb::sync_service_client::SyncServiceClient<Authed> {
        pb::sync_service_client::SyncServiceClient::new(self.authed())
            .max_decoding_message_size(SNAPSHOT_LIMIT)
    }

    /// The snapshot, with its assignments left encoded as they arrive (see [`Snapshot`]): the
    /// generated client would decode them all first.
    pub async fn snapshot(&self) -> Result<Snapshot, Status> {
        let mut grpc =
            tonic::client::Grpc::new(self.authed()).max_decoding_message_size(SNAPSHOT_LIMIT);
        grpc.ready()
            .await
            .map_err(|e| Status::unavailable(format!("the connection is not ready: {e}")))?;
        let path = PathAndQuery::from_static("/infogroups.v1.SyncService/Snapshot");
        let codec = ApiCodec::<pb::SnapshotRequest, Snapshot>::default();
        let answer = grpc
            .unary(request(pb::SnapshotRequest {}), path, codec)
            .await?;
        Ok(answer.into_inner())
    }

    /// The assignment service.
    pub fn assignments(&self) -> pb::assignment_service_client::AssignmentServiceClient<Authed> {
        pb::assignment_service_client::AssignmentServiceClient::new(self.authed())
    }

    /// The meeting service.
    pub fn meetings(&self) -> pb::meeting_service_client::MeetingServiceClient<Authed> {
        pb::meeting_service_client::MeetingServiceClient::new(self.authed())
    }

    /// The notification service.
    pub fn notifications(
        &self,
    ) -> pb::notification_service_client::NotificationServiceClient<Authed> {
        pb::notification_service_client::NotificationServiceClient::new(self.authed())
    }

    /// The report service.
    pub fn reports(&self) -> pb::report_service_client::ReportServiceClient<Authed> {
        pb::report_service_client::ReportServiceClient::new(self.authed())
    }

    /// The attachment service (files kept on records).
    pub fn attachments(&self) -> pb::attachment_service_client::AttachmentServiceClient<Authed> {
        pb::attachment_service_client::AttachmentServiceClient::new(self.authed())
    }

    /// The user service.
    pub fn users(&self) -> pb::user_service_client::UserServiceClient<Authed> {
        pb::user_service_client::UserServiceClient::new(self.authed())
    }

    /// The group service.
    pub fn groups(&self) -> pb::group_service_client::GroupServiceClient<Authed> {
        pb::group_service_client::GroupServiceClient::new(self.authed())
    }

    /// The appeal service.
    pub fn appeals(&self) -> pb::appeal_service_client::AppealServiceClient<Authed> {
        pb::appeal_service_client::AppealServiceClient::new(self.authed())
    }

    /// The directory service.
    pub fn directory(&self) -> pb::directory_service_client::DirectoryServiceClient<Authed> {
        pb::directory_service_client::DirectoryServiceClient::new(self.authed())
    }

    /// The maintenance service (settings, the training clock).
    pub fn maintenance(&self) -> pb::maintenance_service_client::MaintenanceServiceClient<Authed> {
        pb::maintenance_service_client::MaintenanceServiceClient::new(self.authed())
    }

    /// The audit service (the view log of citizens' personal data).
    pub fn audit(&self) -> pb::audit_service_client::AuditServiceClient<Authed> {
        pb::audit_service_client::AuditServiceClient::new(self.authed())
    }

    /// Revokes the session of `token` (best effort: the server may already be gone).
    pub async fn logout(&self, token: MetadataValue<Ascii>) {
        let mut client = pb::auth_service_client::AuthServiceClient::new(self.channel.clone());
        let mut req = Request::new(pb::LogoutRequest {});
        req.metadata_mut().insert("authorization", token);
        req.set_timeout(Duration::from_secs(2));
        if let Err(e) = client.logout(req).await {
            tracing::debug!(code = ?e.code(), "logout failed");
        }
    }
}

/// A unary request with the standard timeout.
pub fn request<T>(message: T) -> Request<T> {
    let mut req = Request::new(message);
    req.set_timeout(CALL_TIMEOUT);
    req
}
