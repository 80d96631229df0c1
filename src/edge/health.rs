//! Active health checks, run as a Pingora background service.
//!
//! Each tick reads the current state, so upstreams added by a reload are probed from the
//! next tick on, and removed ones are forgotten. Probes of one tick run concurrently.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use pingora::server::ShutdownWatch;
use pingora::services::background::BackgroundService;

use super::state::Shared;
use super::upstream::probe;

pub struct HealthChecker {
    pub shared: Shared,
}

const TICK: Duration = Duration::from_millis(250);

#[async_trait]
impl BackgroundService for HealthChecker {
    async fn start(&self, mut shutdown: ShutdownWatch) {
        let mut last: HashMap<String, Instant> = HashMap::new();
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = tokio::time::sleep(TICK) => {}
            }
            let state = self.shared.load_full();
            let mut probes = Vec::new();
            for (name, group) in &state.upstreams {
                let Some(hc) = &group.spec.health_check else {
                    continue;
                };
                let due = last.get(name).is_none_or(|t| t.elapsed() >= hc.interval);
                if !due {
                    continue;
                }
                last.insert(name.clone(), Instant::now());
                for b in &group.backends {
                    let (group, b, hc) = (group.clone(), b.clone(), hc.clone());
                    probes.push(async move {
                        let ok = probe(b.addr, hc.path.as_deref(), &hc.expected_status, hc.timeout)
                            .await;
                        group.record_probe(&b, ok);
                    });
                }
            }
            futures::future::join_all(probes).await;
        }
    }
}
