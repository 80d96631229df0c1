//! The edge: the Pingora service that replaces Nginx.
//!
//! `server` builds and runs the process, `app` and `preface` bound how long a client may
//! take to send its headers, and `proxy` is the only `ProxyHttp` implementation: it
//! identifies the client, routes, enforces limits and CORS, and hands `/ai/` to the shield.
//! Everything it reads per request comes from one [`state::State`] snapshot, swapped
//! atomically on reload.

pub mod access_log;
pub mod admin;
pub mod ai;
pub mod app;
pub mod body;
pub mod client_ip;
pub mod guard;
pub mod headers;
pub mod health;
pub mod preface;
pub mod proxy;
pub mod server;
pub mod state;
pub mod tls;
pub mod upstream;
