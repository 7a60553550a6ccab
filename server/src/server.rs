//! Starting and stopping the server: one `launch` used by the binary, the tests and the client's
//! embedded demo mode.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::pb;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::server::TcpIncoming;

use crate::auth::Authenticator;
use crate::bootstrap;
use crate::config::Config;
use crate::db::{Db, retention};
use crate::deadlines;
use crate::downloads::endpoint::OpenError;
use crate::services::{self, Ctx};
use crate::sessions::{Streams, Throttle};
use crate::store::StoreError;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The first administrator could not be created.
    #[error("bootstrap: {0}")]
    Bootstrap(String),
    /// TLS files could not be read.
    #[error("TLS: {0}")]
    Tls(String),
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// Reflection could not be built.
    #[error("reflection: {0}")]
    Reflection(String),
    /// Serving beyond loopback in clear without the operator's explicit flag.
    #[error("{0}")]
    Insecure(String),
    /// The download links' port could not be opened.
    #[error("downloads: {0}")]
    Downloads(String),
}

/// How long a stop waits for open streams it does not own before closing the connections.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1500);

/// Every gRPC service the server answers, by its full name (health reports each).
pub const SERVICES: [&str; 13] = [
    "infogroups.v1.AuthService",
    "infogroups.v1.UserService",
    "infogroups.v1.DirectoryService",
    "infogroups.v1.GroupService",
    "infogroups.v1.MeetingService",
    "infogroups.v1.AppealService",
    "infogroups.v1.AssignmentService",
    "infogroups.v1.NotificationService",
    "infogroups.v1.ReportService",
    "infogroups.v1.SyncService",
    "infogroups.v1.AuditService",
    "infogroups.v1.MaintenanceService",
    "infogroups.v1.AttachmentService",
];

async fn set_health(
    reporter: &tonic_health::server::HealthReporter,
    status: tonic_health::ServingStatus,
) {
    reporter.set_service_status("", status).await;
    for name in SERVICES {
        reporter.set_service_status(name, status).await;
    }
}

/// An opened server, ready to serve.
pub struct Server {
    ctx: Ctx,
    /// The store, for rewriting its files while serving.
    files: Arc<crate::files::LiveStore>,
    generated_admin_password: Option<String>,
    tls: Option<Arc<crate::tls::Certificate>>,
}

impl Server {
    /// Opens the store, loads the calendar and creates the first administrator on an empty store.
    pub async fn open(config: Config) -> Result<Self, LaunchError> {
        crate::files::private_umask();
        // Read first: a bad certificate fails the start before the store is touched.
        let tls = match &config.tls {
            Some(files) => {
                Some(crate::tls::Certificate::open(files.clone()).map_err(LaunchError::Tls)?)
            }
            None => None,
        };
        let files = Arc::new(crate::files::LiveStore::open(
            &config.data_dir,
            config.store_cache_bytes,
        )?);
        crate::files::secure_dir(&config.data_dir).map_err(StoreError::from)?;
        let db = Db::open(
            files.clone(),
            config.clock.clone(),
            &config.data_dir.display().to_string(),
        )?;
        let started = std::time::Instant::now();
        let classifier = crate::classifier_store::load(&db)?;
        let ctx = Ctx {
            classifier: Arc::new(RwLock::new(classifier)),
            db,
            throttle: Throttle::new(config.login_free_attempts, config.login_global_free),
            streams: Streams::default(),
            config: Arc::new(config),
            shutdown: CancellationToken::new(),
            calendar: Arc::new(RwLock::new(ProductionCalendar::new())),
            downloads: crate::downloads::Links::default(),
        };
        services::directory::load_calendar(&ctx)
            .map_err(|e| LaunchError::Bootstrap(e.to_string()))?;
        let generated_admin_password = bootstrap::first_admin(&ctx)
            .await
            .map_err(|e| LaunchError::Bootstrap(e.to_string()))?;
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "classifier, calendar and first administrator loaded"
        );
        Ok(Self {
            ctx,
            files,
            generated_admin_password,
            tls,
        })
    }

    /// The database (demo seeding, tests).
    pub fn db(&self) -> &Db {
        &self.ctx.db
    }

    /// Counts the store rewrites done while serving (tests wait on it).
    pub fn store_rewrites(&self) -> tokio::sync::watch::Receiver<u64> {
        self.files.rewrites()
    }

    /// The shared context of the services.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// The TLS certificate in force, to reload on SIGHUP; none without TLS.
    pub fn tls(&self) -> Option<Arc<crate::tls::Certificate>> {
        self.tls.clone()
    }

    /// The first administrator's password when this start created it without a configured one;
    /// shown once and never stored in clear.
    pub fn generated_admin_password(&self) -> Option<&str> {
        self.generated_admin_password.as_deref()
    }

    /// Serves on `listener` until `shutdown` fires: health goes NOT_SERVING, open streams end,
    /// the store is flushed.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: CancellationToken,
    ) -> Result<(), LaunchError> {
        // Checked on what was really bound: a library caller gets the same refusal as the binary.
        let bound = listener.local_addr().map_err(StoreError::from)?;
        let config = &self.ctx.config;
        crate::config::check_listen(bound, config.tls.is_some(), config.insecure_listen)
            .map_err(|e| LaunchError::Insecure(e.to_string()))?;
        use pb::{
            appeal_service_server::AppealServiceServer,
            assignment_service_server::AssignmentServiceServer,
            attachment_service_server::AttachmentServiceServer,
            audit_service_server::AuditServiceServer, auth_service_server::AuthServiceServer,
            directory_service_server::DirectoryServiceServer,
            group_service_server::GroupServiceServer,
            maintenance_service_server::MaintenanceServiceServer,
            meeting_service_server::MeetingServiceServer,
            notification_service_server::NotificationServiceServer,
            report_service_server::ReportServiceServer, sync_service_server::SyncServiceServer,
            user_service_server::UserServiceServer,
        };
        let ctx = self.ctx;
        let tls = self.tls;
        let files = self.files;
        let downloads = match ctx.config.downloads {
            Some(addr) => Some(
                crate::downloads::endpoint::open(addr, tls.clone(), &ctx)
                    .await
                    .map_err(|e| match e {
                        OpenError::Insecure(m) => LaunchError::Insecure(m),
                        OpenError::Listen(m) => LaunchError::Downloads(m),
                    })?,
            ),
            None => None,
        };
        let (reporter, health) = tonic_health::server::health_reporter();
        set_health(&reporter, tonic_health::ServingStatus::Serving).await;
        let reflection = |b: tonic_reflection::server::Builder<'static>| {
            b.register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        };
        let reflection_v1 = reflection(tonic_reflection::server::Builder::configure())
            .build_v1()
            .map_err(|e| LaunchError::Reflection(e.to_string()))?;
        let reflection_v1alpha = reflection(tonic_reflection::server::Builder::configure())
            .build_v1alpha()
            .map_err(|e| LaunchError::Reflection(e.to_string()))?;

        let auth = Authenticator::new(ctx.db.clone());
        let max_request = ctx.config.max_request_bytes;
        macro_rules! guarded {
            ($server:ident, $svc:expr) => {
                tonic::service::interceptor::InterceptedService::new(
                    $server::new($svc)
                        .max_decoding_message_size(max_request)
                        .max_encoding_message_size(64 * 1024 * 1024),
                    auth.clone(),
                )
            };
        }
        let builder = tonic::transport::Server::builder()
            .http2_keepalive_interval(Some(Duration::from_secs(20)))
            .http2_keepalive_timeout(Some(Duration::from_secs(10)))
            .max_concurrent_streams(Some(ctx.config.max_concurrent_streams))
            .tcp_nodelay(true);
        let router = builder
            .layer(crate::metrics::RpcMetricsLayer)
            .layer(crate::framing::FramingLayer::new(max_request))
            .add_service(health)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .add_service(
                AuthServiceServer::new(services::auth::AuthSvc::new(ctx.clone()))
                    .max_decoding_message_size(ctx.config.max_login_request_bytes),
            )
            .add_service(guarded!(
                UserServiceServer,
                services::users::UserSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                DirectoryServiceServer,
                services::directory::DirectorySvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                GroupServiceServer,
                services::groups::GroupSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                MeetingServiceServer,
                services::meetings::MeetingSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                AppealServiceServer,
                services::appeals::AppealSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                ReportServiceServer,
                services::reports::ReportSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                NotificationServiceServer,
                services::notifications::NotificationSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                AssignmentServiceServer,
                services::assignments::AssignmentSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                SyncServiceServer,
                services::sync::SyncSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                AuditServiceServer,
                services::audit::AuditSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                MaintenanceServiceServer,
                services::maintenance::MaintenanceSvc::new(ctx.clone())
            ))
            .add_service(guarded!(
                AttachmentServiceServer,
                services::attachments::AttachmentSvc::new(ctx.clone())
            ));

        let clock = ctx
            .config
            .deadline_timer
            .then(|| tokio::spawn(deadlines::run(ctx.clone())));
        let purge = tokio::spawn(crate::sessions::run_purge(
            ctx.db.clone(),
            ctx.config.session_purge_every,
            ctx.shutdown.clone(),
        ));
        let backups = tokio::spawn(crate::schedule::run(ctx.clone()));
        let mail = tokio::spawn(crate::mail::sender::run(ctx.clone()));
        let reopens = tokio::spawn(crate::files::run_reopens(
            files.clone(),
            ctx.shutdown.clone(),
        ));
        let rewrites = tokio::spawn(crate::files::run_rewrites(
            files,
            ctx.config.store_rewrite_every,
            ctx.shutdown.clone(),
        ));
        // Ends by itself when the database closes.
        let trimming = tokio::spawn(retention::run(ctx.db.clone(), ctx.config.log_bounds));
        let stop = {
            let shutdown = shutdown.clone();
            let inner = ctx.shutdown.clone();
            let reporter = reporter.clone();
            async move {
                shutdown.cancelled().await;
                set_health(&reporter, tonic_health::ServingStatus::NotServing).await;
                // Ends every watch stream, so the transport can finish.
                inner.cancel();
            }
        };
        // TLS is terminated here rather than by tonic, so the certificate can be replaced while
        // serving (`crate::tls`).
        let served: futures::future::BoxFuture<'_, Result<(), tonic::transport::Error>> = match &tls
        {
            Some(cert) => {
                let incoming = crate::tls::incoming(listener, cert, ctx.shutdown.clone());
                Box::pin(router.serve_with_incoming_shutdown(incoming, stop))
            }
            None => {
                let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
                Box::pin(router.serve_with_incoming_shutdown(incoming, stop))
            }
        };
        tokio::pin!(served);
        let served = tokio::select! {
            r = &mut served => r,
            // Streams we do not own (a health Watch left open by a probe) would hold the transport
            // forever; after a grace period the connections are dropped.
            () = async {
                ctx.shutdown.cancelled().await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => {
                tracing::warn!("streams still open after the grace period; closing them");
                Ok(())
            }
        };
        ctx.shutdown.cancel();
        if let Some(clock) = clock {
            let _ = clock.await;
        }
        let _ = purge.await;
        // Before the close: a mail under way records its outcome.
        let _ = mail.await;
        if let Some(downloads) = downloads {
            let _ = downloads.await;
        }
        // Before the close: a backup under way finishes (it holds the writers) or never starts.
        let _ = backups.await;
        // A rewrite under way finishes before the close (it holds the writers at its end).
        let _ = rewrites.await;
        let _ = reopens.await;
        ctx.db.close().await?;
        let _ = trimming.await;
        tracing::info!("server stopped; store flushed");
        served.map_err(LaunchError::from)
    }
}

/// Opens and serves in one call.
pub async fn launch(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), LaunchError> {
    Server::open(config).await?.serve(listener, shutdown).await
}
