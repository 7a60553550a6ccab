//! Prometheus metrics (`serve --metrics 127.0.0.1:9464`): what a monitoring system needs to see
//! that the service answers, keeps up and is backed up. The `metrics` macros cost almost nothing
//! while no recorder is installed, so the code records unconditionally.
//!
//! Series (all prefixed `infogroups_`): `requests_total{rpc,code}` and
//! `request_duration_seconds{rpc}`; `commit_batch_writers` and `commit_flush_seconds` of each group
//! commit; `watchers_connected` and `watchers_lagged_total`; `store_bytes`;
//! `assignments_overdue`, `appeals_overdue`, `protocols_handover_overdue`;
//! `backup_last_success_timestamp_seconds`, `backup_failures_total`.

use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower::{Layer, Service};

/// Requests answered, by RPC path and gRPC code.
pub const REQUESTS: &str = "infogroups_requests_total";
/// Time to the response headers, by RPC (a stream's first answer, not its whole life).
pub const REQUEST_SECONDS: &str = "infogroups_request_duration_seconds";
/// Writers acknowledged together by one group commit.
pub const COMMIT_BATCH: &str = "infogroups_commit_batch_writers";
/// Time to apply and make durable one group commit.
pub const COMMIT_SECONDS: &str = "infogroups_commit_flush_seconds";
/// Watch streams open now.
pub const WATCHERS: &str = "infogroups_watchers_connected";
/// Watchers that fell behind the event stream and were told to resynchronise.
pub const WATCHERS_LAGGED: &str = "infogroups_watchers_lagged_total";
/// Bytes of the store's files on disk.
pub const STORE_BYTES: &str = "infogroups_store_bytes";
/// Assignments past their deadline and not executed.
pub const ASSIGNMENTS_OVERDUE: &str = "infogroups_assignments_overdue";
/// Appeals past their answer's due day and not answered.
pub const APPEALS_OVERDUE: &str = "infogroups_appeals_overdue";
/// Held meetings whose protocol is past its handover day and not handed over.
pub const PROTOCOLS_OVERDUE: &str = "infogroups_protocols_handover_overdue";
/// When the last backup (scheduled or asked for) was written, Unix seconds.
pub const BACKUP_LAST_SUCCESS: &str = "infogroups_backup_last_success_timestamp_seconds";
/// Backups that failed.
pub const BACKUP_FAILURES: &str = "infogroups_backup_failures_total";

/// How often the gauges read from the store are refreshed.
pub const OBSERVE_EVERY: Duration = Duration::from_secs(30);

/// Latency buckets, seconds: a lookup takes under a millisecond, a report export seconds.
const SECONDS_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Writers per commit: one when idle, hundreds under a storm.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// Why metrics could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The recorder could not be built or installed (a second one in the process).
    #[error("cannot install the metrics recorder: {0}")]
    Build(#[from] metrics_exporter_prometheus::BuildError),
}

/// Installs the process-wide recorder; the handle renders the exposition text.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)?
        .set_buckets_for_metric(Matcher::Full(COMMIT_BATCH.into()), BATCH_BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(handle)
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(REQUESTS, "gRPC requests answered, by RPC and code");
    describe_histogram!(
        REQUEST_SECONDS,
        metrics::Unit::Seconds,
        "time to the response headers"
    );
    describe_histogram!(COMMIT_BATCH, "writers acknowledged by one group commit");
    describe_histogram!(
        COMMIT_SECONDS,
        metrics::Unit::Seconds,
        "apply and fsync of a group commit"
    );
    describe_gauge!(WATCHERS, "watch streams open");
    describe_counter!(
        WATCHERS_LAGGED,
        "watchers that fell behind and were told to resync"
    );
    describe_gauge!(
        STORE_BYTES,
        metrics::Unit::Bytes,
        "size of the store's files"
    );
    describe_gauge!(ASSIGNMENTS_OVERDUE, "assignments overdue and not executed");
    describe_gauge!(
        APPEALS_OVERDUE,
        "appeals past their due day and not answered"
    );
    describe_gauge!(
        PROTOCOLS_OVERDUE,
        "protocols past their handover day, not handed over"
    );
    describe_gauge!(
        BACKUP_LAST_SUCCESS,
        metrics::Unit::Seconds,
        "Unix time of the last backup"
    );
    describe_counter!(BACKUP_FAILURES, "backups that failed");
    // Present from the start, so an alert on "no backup yet" or "any failure" has a series.
    metrics::gauge!(WATCHERS).set(0.0);
    metrics::counter!(BACKUP_FAILURES).absolute(0);
}

/// Counts one open watch stream while it lives.
#[derive(Debug)]
pub struct Watching(());

impl Watching {
    /// A watch stream opened.
    pub fn start() -> Self {
        metrics::gauge!(WATCHERS).increment(1.0);
        Self(())
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        metrics::gauge!(WATCHERS).decrement(1.0);
    }
}

/// A watcher fell behind.
pub fn watcher_lagged() {
    metrics::counter!(WATCHERS_LAGGED).increment(1);
}

/// One group commit of `writers` writers took `flush`.
pub fn commit(writers: usize, flush: Duration) {
    metrics::histogram!(COMMIT_BATCH).record(writers as f64);
    metrics::histogram!(COMMIT_SECONDS).record(flush.as_secs_f64());
}

/// A backup was written at `now_ms`.
pub fn backup_succeeded(now_ms: i64) {
    metrics::gauge!(BACKUP_LAST_SUCCESS).set(now_ms as f64 / 1000.0);
}

/// A backup failed.
pub fn backup_failed() {
    metrics::counter!(BACKUP_FAILURES).increment(1);
}

/// Counts and times every request ([`REQUESTS`], [`REQUEST_SECONDS`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct RpcMetricsLayer;

impl<S> Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;

    fn layer(&self, inner: S) -> RpcMetrics<S> {
        RpcMetrics { inner }
    }
}

/// The service [`RpcMetricsLayer`] makes.
#[derive(Debug, Clone)]
pub struct RpcMetrics<S> {
    inner: S,
}

/// The gRPC code of a response: in the headers for an error answered at once (trailers-only),
/// else `OK` (a stream's later failure is in its trailers, which this does not wait for).
fn code_of(headers: &hyper::HeaderMap) -> tonic::Code {
    headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.parse::<i32>().ok())
        .map_or(tonic::Code::Ok, tonic::Code::from_i32)
}

impl<S, B, RB> Service<hyper::Request<B>> for RpcMetrics<S>
where
    S: Service<hyper::Request<B>, Response = hyper::Response<RB>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: hyper::Request<B>) -> Self::Future {
        let path = req.uri().path().to_string();
        let start = Instant::now();
        let answer = self.inner.call(req);
        Box::pin(async move {
            let result = answer.await;
            let code = match &result {
                Ok(r) => code_of(r.headers()),
                Err(_) => tonic::Code::Unknown,
            };
            // A path the server does not serve is the caller's to choose: one label for all of
            // them keeps a scanner from growing the series without bound.
            let rpc = if code == tonic::Code::Unimplemented {
                "unknown".to_string()
            } else {
                path
            };
            metrics::counter!(REQUESTS, "rpc" => rpc.clone(), "code" => format!("{code:?}"))
                .increment(1);
            metrics::histogram!(REQUEST_SECONDS, "rpc" => rpc)
                .record(start.elapsed().as_secs_f64());
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_comes_from_the_headers_else_ok() {
        let mut h = hyper::HeaderMap::new();
        assert_eq!(code_of(&h), tonic::Code::Ok);
        h.insert("grpc-status", hyper::header::HeaderValue::from_static("7"));
        assert_eq!(code_of(&h), tonic::Code::PermissionDenied);
    }
}
