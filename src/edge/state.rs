//! What a request reads: the validated configuration plus the live upstream groups,
//! swapped as one unit on reload.
//!
//! A request takes one snapshot when it starts and keeps it to the end, so a reload in the
//! middle of a request never mixes an old route with a new upstream.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;

use super::upstream::UpstreamGroup;
use crate::appguard::Guards;
use crate::config::Config;
use crate::shield::Shield;

/// One consistent generation of configuration and runtime objects.
pub struct State {
    pub config: Arc<Config>,
    /// The configuration the process started with: its listeners are the sockets bound,
    /// which a reload cannot move or close.
    pub started: Arc<Config>,
    pub upstreams: HashMap<String, Arc<UpstreamGroup>>,
    /// The AI gateway, built once at start (its stores and queues outlive reloads).
    pub shield: Option<Arc<Shield>>,
    /// Rate limiter, lockouts and alerts of the per-route guards, built once at start.
    pub guards: Arc<Guards>,
}

/// The state the proxy, the health checker and the reloader share.
pub type Shared = Arc<ArcSwap<State>>;

impl State {
    /// Builds a generation, carrying backend health over from `previous`.
    pub fn build(
        config: Arc<Config>,
        previous: Option<&State>,
        shield: Option<Arc<Shield>>,
        guards: Arc<Guards>,
    ) -> State {
        let upstreams = config
            .upstreams
            .iter()
            .map(|(name, spec)| {
                let old = previous.and_then(|p| p.upstreams.get(name));
                (
                    name.clone(),
                    Arc::new(UpstreamGroup::new(spec.clone(), old.map(|g| g.as_ref()))),
                )
            })
            .collect::<HashMap<_, _>>();
        // A backend gone from the file leaves no gauge behind: a stale 0 would keep its
        // alert firing.
        for old in previous.iter().flat_map(|p| p.upstreams.values()) {
            old.retire();
            let kept = upstreams.get(&old.spec.name);
            for b in &old.backends {
                if !kept.is_some_and(|g| g.backends.iter().any(|k| k.addr == b.addr)) {
                    UpstreamGroup::unpublish(&old.spec.name, b.addr);
                }
            }
        }
        State {
            started: previous.map_or_else(|| config.clone(), |p| p.started.clone()),
            config,
            upstreams,
            shield,
            guards,
        }
    }

    pub fn group(&self, name: &str) -> Option<&Arc<UpstreamGroup>> {
        self.upstreams.get(name)
    }
}
