//! The admin listener: `/healthz` for orchestrators and `/metrics` for Prometheus.
//!
//! It binds to loopback by default and is a separate Pingora service, so a flood on the
//! public listeners cannot starve the probes that decide whether this instance is alive.

use async_trait::async_trait;
use http::Response;
use pingora::apps::http_app::ServeHttp;
use pingora::protocols::http::ServerSession;

use super::proxy::IN_FLIGHT;
use super::state::Shared;
use crate::metrics;

pub struct Admin {
    pub shared: Shared,
}

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("content-length", body.len())
        .body(body)
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

#[async_trait]
impl ServeHttp for Admin {
    async fn response(&self, session: &mut ServerSession) -> Response<Vec<u8>> {
        match session.req_header().uri.path() {
            "/healthz" => {
                let state = self.shared.load();
                let upstreams: serde_json::Map<String, serde_json::Value> = state
                    .upstreams
                    .iter()
                    .map(|(name, g)| {
                        let up = g.backends.iter().filter(|b| b.is_up()).count();
                        (
                            name.clone(),
                            serde_json::json!({"up": up, "total": g.backends.len()}),
                        )
                    })
                    .collect();
                let body = serde_json::json!({
                    "status": "ok",
                    "version": env!("CARGO_PKG_VERSION"),
                    "in_flight": IN_FLIGHT.load(std::sync::atomic::Ordering::Relaxed),
                    "upstreams": upstreams,
                });
                reply(200, "application/json", body.to_string().into_bytes())
            }
            "/metrics" => {
                // A backend's passive ejection ends by the clock, with no event to publish
                // it: the gauges are brought up to date when they are read.
                for g in self.shared.load().upstreams.values() {
                    g.publish();
                }
                reply(200, "text/plain; version=0.0.4", metrics::get().render())
            }
            // The one error shape every listener answers with.
            _ => reply(
                404,
                "application/json",
                crate::error::HttpError::new(
                    404,
                    "invalid_request_error",
                    "not_found",
                    "the admin listener serves /healthz and /metrics",
                )
                .body("")
                .to_vec(),
            ),
        }
    }
}
