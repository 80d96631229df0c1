//! SecureTag Edge: a Pingora reverse proxy with an inline AI security gateway.

pub mod sast;
