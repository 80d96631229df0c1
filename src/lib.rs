//! SecureTag Edge: a Pingora reverse proxy with an inline AI security gateway.
//!
//! A request's path through the crate, and the only direction data flows:
//!
//! ```text
//! edge (Pingora phases: TLS, client identity, routing, limits, headers)
//!   └─ shield (/ai/: auth, rate limits, credits, policy, scanning, providers)
//!        ├─ scan   (pure detectors: PII, secrets, prompt injection, redaction)
//!        ├─ store  (Postgres + Redis, or the embedded in-memory store)
//!        └─ audit  (batched writer with a disk spool)
//! ```
//!
//! `config` turns the YAML file into the validated `Config` every module reads; `metrics`
//! is the one Prometheus registry. Nothing below `edge` knows about Pingora sessions.

pub mod alerts;
pub mod appguard;
pub mod audit;
pub mod config;
pub mod crypto;
pub mod edge;
pub mod error;
pub mod metrics;
pub mod sast;
pub mod scan;
pub mod shield;
pub mod store;
