//! Prometheus metrics: one registry for the process, rendered by the admin listener.
//!
//! Metrics are process-global because every part of the proxy records into them and the
//! admin listener renders them; passing a registry through every call would buy nothing.
//! Label values are bounded: route and upstream names come from the configuration, status
//! codes are numbers, and nothing a client sends becomes a label.

use std::sync::LazyLock;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// All metric families of the process.
pub struct Metrics {
    pub registry: Registry,
    pub requests: IntCounterVec,
    pub request_duration: HistogramVec,
    pub upstream_duration: HistogramVec,
    pub upstream_errors: IntCounterVec,
    pub upstream_healthy: IntGaugeVec,
    pub in_flight: IntGauge,
    pub open_connections: IntGauge,
    pub config_reloads: IntCounterVec,
}

/// Buckets in seconds, dense below 10 ms where the proxy's own cost lives.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0, 120.0,
];

const DEFINED: &str = "built-in metric definitions are valid";

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::build);

/// The process's metrics.
pub fn get() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    fn build() -> Metrics {
        let registry = Registry::new_custom(Some("securetag".into()), None)
            .unwrap_or_else(|_| Registry::new());
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "Requests answered, by route and status",
            ),
            &["route", "status"],
        );
        let request_duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from request headers to the end of the response, by route",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["route"],
        );
        let upstream_duration = HistogramVec::new(
            HistogramOpts::new(
                "upstream_response_duration_seconds",
                "Time from sending the request upstream to the end of its response",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["upstream"],
        );
        let upstream_errors = IntCounterVec::new(
            Opts::new(
                "upstream_errors_total",
                "Failed upstream attempts, by upstream and kind (connect, timeout, io)",
            ),
            &["upstream", "kind"],
        );
        let upstream_healthy = IntGaugeVec::new(
            Opts::new(
                "upstream_healthy",
                "1 when the backend takes traffic, 0 when it is out",
            ),
            &["upstream", "address"],
        );
        let in_flight = IntGauge::new("http_requests_in_flight", "Requests being served now");
        let open_connections = IntGauge::new(
            "downstream_connections_open",
            "Client connections open now (HTTP/1 and HTTP/2)",
        );
        let config_reloads = IntCounterVec::new(
            Opts::new("config_reloads_total", "Configuration reloads, by result"),
            &["result"],
        );
        // These definitions are constants: they fail only if this file is wrong, which the
        // unit test below catches before any release.
        let m = Metrics {
            requests: requests.expect(DEFINED),
            request_duration: request_duration.expect(DEFINED),
            upstream_duration: upstream_duration.expect(DEFINED),
            upstream_errors: upstream_errors.expect(DEFINED),
            upstream_healthy: upstream_healthy.expect(DEFINED),
            in_flight: in_flight.expect(DEFINED),
            open_connections: open_connections.expect(DEFINED),
            config_reloads: config_reloads.expect(DEFINED),
            registry,
        };
        m.register_all();
        m
    }

    fn register_all(&self) {
        let r = &self.registry;
        let _ = r.register(Box::new(self.requests.clone()));
        let _ = r.register(Box::new(self.request_duration.clone()));
        let _ = r.register(Box::new(self.upstream_duration.clone()));
        let _ = r.register(Box::new(self.upstream_errors.clone()));
        let _ = r.register(Box::new(self.upstream_healthy.clone()));
        let _ = r.register(Box::new(self.in_flight.clone()));
        let _ = r.register(Box::new(self.open_connections.clone()));
        let _ = r.register(Box::new(self.config_reloads.clone()));
        #[cfg(target_os = "linux")]
        let _ = r.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ));
    }

    /// Registers a collector owned by another module (shield, alerts, sast).
    pub fn register(&self, c: Box<dyn prometheus::core::Collector>) {
        if let Err(e) = self.registry.register(c) {
            tracing::error!(error = %e, "metric registration failed");
        }
    }

    /// The text exposition format served at `/metrics`.
    pub fn render(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(16 * 1024);
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::error!(error = %e, "metrics encoding failed");
        }
        buf
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_family_is_registered_and_rendered() {
        let m = super::get();
        m.requests.with_label_values(&["t", "200"]).inc();
        m.in_flight.set(0);
        let text = String::from_utf8(m.render()).unwrap();
        assert!(text.contains("securetag_http_requests_total{route=\"t\",status=\"200\"}"));
        assert!(text.contains("securetag_http_requests_in_flight 0"));
    }
}
