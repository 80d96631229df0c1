//! One Redis client per process, shared by the rate limiter and the login lockouts.
//!
//! Commands time out after 250 ms and fail fast while disconnected, so a dead Redis turns
//! into the in-process fallbacks instead of slow requests; the client reconnects on its own.

use std::time::Duration;

use fred::prelude::*;

/// A client for `url`; not connected until [`start`] runs on a long-lived runtime.
pub fn client(url: &str) -> Result<Client, String> {
    let config = Config::from_url(url).map_err(|e| format!("bad Redis URL: {e}"))?;
    Builder::from_config(config)
        .with_performance_config(|p| {
            p.default_command_timeout = Duration::from_millis(250);
        })
        .with_connection_config(|c| {
            c.connection_timeout = Duration::from_millis(500);
            c.internal_command_timeout = Duration::from_millis(500);
        })
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
        .build()
        .map_err(|e| format!("Redis client: {e}"))
}

/// Starts the connection task.
pub fn start(client: &Client) {
    // The handle only reports the connection task's end; the task runs detached.
    drop(client.connect());
}
