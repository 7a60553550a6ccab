//! The metrics endpoint (`serve --metrics ADDR`): serves `GET /metrics` and refreshes the gauges
//! read from the store. It sits above the services, whose context it reads; the series' names and
//! the recording functions stay in [`crate::metrics`], below the write path that records them.

use std::convert::Infallible;
use std::path::Path;

use http_body_util::Full;
use infogroups_shared::pb;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

use crate::metrics::{
    APPEALS_OVERDUE, ASSIGNMENTS_OVERDUE, OBSERVE_EVERY, PROTOCOLS_OVERDUE, STORE_BYTES,
};
use crate::reports::facts::NO_DAY;
use crate::services::Ctx;

/// Serves `GET /metrics` on `listener` until `ctx.shutdown` fires.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle, ctx: Ctx) {
    loop {
        let stream = tokio::select! {
            () = ctx.shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or a reset before accept: the next one may do.
                Err(e) => {
                    tracing::debug!(error = %e, "metrics accept failed");
                    continue;
                }
            },
        };
        let handle = handle.clone();
        tokio::spawn(async move {
            let svc =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let answer = respond(&handle, req.uri().path());
                    async move { Ok::<_, Infallible>(answer) }
                });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, svc)
                .await;
        });
    }
}

fn respond(handle: &PrometheusHandle, path: &str) -> hyper::Response<Full<bytes::Bytes>> {
    let (status, content_type, body) = if path == "/metrics" {
        (200, "text/plain; version=0.0.4", handle.render())
    } else {
        (404, "text/plain", "not found; try /metrics\n".to_string())
    };
    let mut r = hyper::Response::new(Full::new(bytes::Bytes::from(body)));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    if let Ok(v) = hyper::header::HeaderValue::from_str(content_type) {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

/// Refreshes the gauges read from the store every [`OBSERVE_EVERY`] until shutdown, and drains
/// the histograms' buffers (the recorder needs it done periodically). The caller refreshes once
/// with [`refresh`] before serving, so the first scrape already has every gauge.
pub async fn observe(handle: PrometheusHandle, ctx: Ctx) {
    let mut tick =
        tokio::time::interval_at(tokio::time::Instant::now() + OBSERVE_EVERY, OBSERVE_EVERY);
    loop {
        tokio::select! {
            () = ctx.shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        handle.run_upkeep();
        refresh(&ctx).await;
    }
}

/// Sets the gauges read from the store and its files.
pub async fn refresh(ctx: &Ctx) {
    let dir = ctx.config.data_dir.clone();
    if let Ok(bytes) = tokio::task::spawn_blocking(move || dir_bytes(&dir)).await {
        metrics::gauge!(STORE_BYTES).set(bytes as f64);
    }
    let today = infogroups_shared::city_time::date_at(ctx.db.clock().now_ms());
    match overdue(ctx, today) {
        Ok(o) => {
            metrics::gauge!(ASSIGNMENTS_OVERDUE).set(f64::from(o.assignments));
            metrics::gauge!(APPEALS_OVERDUE).set(f64::from(o.appeals));
            metrics::gauge!(PROTOCOLS_OVERDUE).set(f64::from(o.protocols));
        }
        Err(e) => tracing::warn!(error = %e, "cannot count overdue items for metrics"),
    }
}

/// What is overdue on a day.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Overdue {
    /// Assignments.
    pub assignments: u32,
    /// Appeals.
    pub appeals: u32,
    /// Protocols not handed over.
    pub protocols: u32,
}

fn overdue(ctx: &Ctx, today: chrono::NaiveDate) -> Result<Overdue, crate::store::StoreError> {
    let today_day = crate::reports::facts::day_of(today);
    let (assignments, appeals) = {
        let facts = ctx.db.facts()?;
        let mut tally = infogroups_shared::discipline::Tally::default();
        let a = &facts.assignments;
        for r in 0..a.len() {
            tally.add_parts(
                pb::AssignmentStatus::try_from(i32::from(a.status[r]))
                    .unwrap_or(pb::AssignmentStatus::Unspecified),
                a.extended[r],
                crate::reports::facts::date_of(a.deadline[r]),
                today,
            );
        }
        let p = &facts.appeals;
        let appeals = (0..p.len())
            .filter(|&r| {
                let status = pb::AppealStatus::try_from(i32::from(p.status[r]))
                    .unwrap_or(pb::AppealStatus::Unspecified);
                p.answered[r] == NO_DAY
                    && p.due[r] != NO_DAY
                    && p.due[r] < today_day
                    && !infogroups_shared::appeal::is_final(status)
            })
            .count();
        (tally.overdue, appeals)
    };
    let protocols = ctx
        .db
        .all::<pb::Meeting>()?
        .iter()
        .filter(|m| infogroups_shared::meeting::handover_overdue(m, today))
        .count();
    Ok(Overdue {
        assignments,
        appeals: u32::try_from(appeals).unwrap_or(u32::MAX),
        protocols: u32::try_from(protocols).unwrap_or(u32::MAX),
    })
}

/// The bytes of the files under `dir` (what the store takes on disk; unreadable entries count 0).
pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_size_counts_nested_files() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("a"), [0u8; 100])?;
        std::fs::create_dir(dir.path().join("sub"))?;
        std::fs::write(dir.path().join("sub").join("b"), [0u8; 23])?;
        assert_eq!(dir_bytes(dir.path()), 123);
        assert_eq!(dir_bytes(&dir.path().join("missing")), 0);
        Ok(())
    }
}
