//! Connecting to a server and calling it as a signed-in user: one HTTP/2 connection per
//! [`Authed`], typed clients that add `authorization: Bearer <token>` to every call.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use infogroups_shared::pb;
use infogroups_shared::pb::{
    appeal_service_client::AppealServiceClient, assignment_service_client::AssignmentServiceClient,
    attachment_service_client::AttachmentServiceClient, audit_service_client::AuditServiceClient,
    auth_service_client::AuthServiceClient, directory_service_client::DirectoryServiceClient,
    group_service_client::GroupServiceClient, maintenance_service_client::MaintenanceServiceClient,
    meeting_service_client::MeetingServiceClient,
    notification_service_client::NotificationServiceClient,
    report_service_client::ReportServiceClient, sync_service_client::SyncServiceClient,
    user_service_client::UserServiceClient,
};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status, Streaming};

/// The largest answer the test clients accept (snapshots of big stores).
const MAX_ANSWER: usize = 256 * 1024 * 1024;

/// Opens one HTTP/2 connection to a server on `addr`.
pub async fn connect(addr: SocketAddr) -> Result<Channel> {
    Endpoint::from_shared(format!("http://{addr}"))?
        .tcp_nodelay(true)
        .connect()
        .await
        .with_context(|| format!("connecting to {addr}"))
}

/// Adds the bearer token (if any) to every request.
#[derive(Clone, Debug, Default)]
pub struct Bearer(Option<MetadataValue<Ascii>>);

impl Bearer {
    /// A bearer token header for `token`.
    pub fn new(token: &str) -> Result<Self> {
        let value = format!("Bearer {token}")
            .parse()
            .context("the token is not a valid header value")?;
        Ok(Self(Some(value)))
    }

    /// No header at all.
    pub fn none() -> Self {
        Self(None)
    }
}

impl Interceptor for Bearer {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = &self.0 {
            req.metadata_mut().insert("authorization", value.clone());
        }
        Ok(req)
    }
}

/// A channel whose calls carry a bearer token.
pub type AuthedChannel = InterceptedService<Channel, Bearer>;

/// A signed-in user (or an anonymous caller): a connection, the token and typed clients.
#[derive(Clone, Debug)]
pub struct Authed {
    channel: Channel,
    bearer: Bearer,
    /// The login name (empty for an anonymous caller).
    pub username: String,
    /// The bearer token (empty for an anonymous caller).
    pub token: String,
    /// The account's id (0 for an anonymous caller).
    pub user_id: u64,
    /// The roles the login answered with.
    pub roles: Vec<pb::RoleGrant>,
}

/// Logs in on a new connection, returning the gRPC status on refusal.
pub async fn try_login(
    addr: SocketAddr,
    username: &str,
    password: &str,
) -> Result<Result<Authed, Status>> {
    let channel = connect(addr).await?;
    Authed::login_on(channel, username, password).await
}

/// Logs in on a new connection; a refusal is an error.
pub async fn login(addr: SocketAddr, username: &str, password: &str) -> Result<Authed> {
    try_login(addr, username, password)
        .await?
        .map_err(|s| anyhow::anyhow!("login of {username} refused: {s:?}"))
}

impl Authed {
    /// Logs in over an existing connection, returning the gRPC status on refusal.
    pub async fn login_on(
        channel: Channel,
        username: &str,
        password: &str,
    ) -> Result<Result<Self, Status>> {
        let answer = AuthServiceClient::new(channel.clone())
            .login(pb::LoginRequest {
                username: username.to_string(),
                password: password.to_string(),
            })
            .await;
        let answer = match answer {
            Ok(a) => a.into_inner(),
            Err(status) => return Ok(Err(status)),
        };
        Ok(Ok(Self {
            bearer: Bearer::new(&answer.token)?,
            channel,
            username: username.to_string(),
            token: answer.token,
            user_id: answer.user_id,
            roles: answer.roles,
        }))
    }

    /// A caller that presents `token` (possibly a forged or revoked one) on `channel`.
    pub fn with_token(channel: Channel, token: &str) -> Result<Self> {
        Ok(Self {
            bearer: Bearer::new(token)?,
            channel,
            username: String::new(),
            token: token.to_string(),
            user_id: 0,
            roles: Vec::new(),
        })
    }

    /// A caller with no token at all.
    pub fn anonymous(channel: Channel) -> Self {
        Self {
            bearer: Bearer::none(),
            channel,
            username: String::new(),
            token: String::new(),
            user_id: 0,
            roles: Vec::new(),
        }
    }

    /// The same user on a new connection of its own (load tests want one per client).
    pub async fn reconnect(&self, addr: SocketAddr) -> Result<Self> {
        Ok(Self {
            channel: connect(addr).await?,
            ..self.clone()
        })
    }

    /// The underlying connection.
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    fn authed(&self) -> AuthedChannel {
        InterceptedService::new(self.channel.clone(), self.bearer.clone())
    }

    /// `AuthService` (Logout and WhoAmI read the token too).
    pub fn auth(&self) -> AuthServiceClient<AuthedChannel> {
        AuthServiceClient::new(self.authed())
    }

    /// `UserService`.
    pub fn users(&self) -> UserServiceClient<AuthedChannel> {
        UserServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `DirectoryService`.
    pub fn directory(&self) -> DirectoryServiceClient<AuthedChannel> {
        DirectoryServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `GroupService`.
    pub fn groups(&self) -> GroupServiceClient<AuthedChannel> {
        GroupServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `AssignmentService`.
    pub fn assignments(&self) -> AssignmentServiceClient<AuthedChannel> {
        AssignmentServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `MeetingService`.
    pub fn meetings(&self) -> MeetingServiceClient<AuthedChannel> {
        MeetingServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `AppealService`.
    pub fn appeals(&self) -> AppealServiceClient<AuthedChannel> {
        AppealServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `ReportService`.
    pub fn reports(&self) -> ReportServiceClient<AuthedChannel> {
        ReportServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `SyncService`.
    pub fn sync(&self) -> SyncServiceClient<AuthedChannel> {
        SyncServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `AuditService`.
    pub fn audit(&self) -> AuditServiceClient<AuthedChannel> {
        AuditServiceClient::new(self.authed()).max_decoding_message_size(MAX_ANSWER)
    }

    /// `MaintenanceService`.
    pub fn maintenance(&self) -> MaintenanceServiceClient<AuthedChannel> {
        MaintenanceServiceClient::new(self.authed())
    }

    /// `AttachmentService`.
    pub fn attachments(&self) -> AttachmentServiceClient<AuthedChannel> {
        AttachmentServiceClient::new(self.authed())
    }

    /// `NotificationService`.
    pub fn notifications(&self) -> NotificationServiceClient<AuthedChannel> {
        NotificationServiceClient::new(self.authed())
    }

    /// The sequence number of the last published event, as `Snapshot` reports it.
    pub async fn published_seq(&self) -> Result<u64> {
        Ok(self
            .sync()
            .snapshot(pb::SnapshotRequest {})
            .await
            .context("Snapshot")?
            .into_inner()
            .seq)
    }

    /// Opens a watch stream after `since_seq`.
    pub async fn watch(&self, since_seq: u64) -> Result<Streaming<pb::WatchEvent>> {
        Ok(self
            .sync()
            .watch(pb::WatchRequest { since_seq })
            .await
            .with_context(|| format!("Watch since {since_seq} as {}", self.username))?
            .into_inner())
    }

    /// The newest audit record's sequence number (0 when there is none); needs an administrator.
    pub async fn last_audit_seq(&self) -> Result<u64> {
        let records = self
            .audit()
            .list_audit(pb::ListAuditRequest {
                limit: 1,
                ..Default::default()
            })
            .await
            .context("ListAudit")?
            .into_inner()
            .records;
        Ok(records.first().map_or(0, |r| r.seq))
    }

    /// Calls any unary method by its full path (`/infogroups.v1.UserService/CreateUser`) with an
    /// empty request, carrying this caller's token. For sweeps over every RPC of the API: the
    /// authentication interceptor answers before the request is even decoded.
    pub async fn call_empty(&self, path: &str) -> Result<Result<(), Status>> {
        let path = PathAndQuery::try_from(path.to_string())
            .with_context(|| format!("{path} is not a method path"))?;
        let mut grpc = tonic::client::Grpc::new(self.authed());
        grpc.ready()
            .await
            .map_err(|e| anyhow::anyhow!("connection not ready: {e}"))?;
        let codec = tonic_prost::ProstCodec::<(), ()>::default();
        Ok(grpc.unary(Request::new(()), path, codec).await.map(|_| ()))
    }
}
