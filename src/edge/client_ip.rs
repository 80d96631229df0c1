//! The client's real address, trusting forwarding headers only from trusted proxies.
//!
//! Behind Cloudflare every connection comes from a Cloudflare address, and the client is in
//! `CF-Connecting-IP` / `X-Forwarded-For`. Anyone else can write those headers too, so they
//! are read only when the TCP peer is inside `trusted_proxies`; otherwise the peer is the
//! client. `X-Forwarded-For` is read right to left, skipping trusted hops, because the
//! left part is whatever the client chose to send.

use std::net::IpAddr;

use http::HeaderMap;
use ipnet::IpNet;

use crate::config::ClientIpPolicy;

/// Whether `ip` belongs to one of the trusted networks.
pub fn is_trusted(trusted: &[IpNet], ip: IpAddr) -> bool {
    let ip = canonical(ip);
    trusted.iter().any(|n| n.contains(&ip))
}

/// The client address for a request from `peer` with `headers`.
pub fn resolve(policy: &ClientIpPolicy, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let peer = canonical(peer);
    if !is_trusted(&policy.trusted, peer) {
        return peer;
    }
    for name in &policy.headers {
        let values = headers.get_all(name);
        if name.as_str() == "x-forwarded-for" {
            if let Some(ip) = from_forwarded_for(&policy.trusted, values.iter()) {
                return ip;
            }
        } else if let Some(ip) = values
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(parse_ip)
        {
            return ip;
        }
    }
    peer
}

fn from_forwarded_for<'a>(
    trusted: &[IpNet],
    values: impl DoubleEndedIterator<Item = &'a http::HeaderValue>,
) -> Option<IpAddr> {
    let mut leftmost = None;
    for v in values.rev() {
        let Ok(s) = v.to_str() else { return leftmost };
        for part in s.rsplit(',') {
            // A malformed hop ends the trusted chain: nothing left of it can be believed.
            let Some(ip) = parse_ip(part) else {
                return leftmost;
            };
            if !is_trusted(trusted, ip) {
                return Some(ip);
            }
            leftmost = Some(ip);
        }
    }
    leftmost
}

/// Parses `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` and `[2001:db8::1]:443`.
fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sa) = s.parse::<std::net::SocketAddr>() {
        return Some(canonical(sa.ip()));
    }
    None
}

/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`, from dual-stack sockets) compares as IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderName, HeaderValue};

    fn policy(trusted: &[&str]) -> ClientIpPolicy {
        ClientIpPolicy {
            trusted: trusted.iter().map(|t| t.parse().unwrap()).collect(),
            headers: vec![
                HeaderName::from_static("cf-connecting-ip"),
                HeaderName::from_static("x-forwarded-for"),
            ],
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn untrusted_peer_headers_are_ignored() {
        let p = policy(&["173.245.48.0/20"]);
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("cf-connecting-ip", "2.2.2.2"),
        ]);
        assert_eq!(
            resolve(&p, "9.9.9.9".parse().unwrap(), &h),
            "9.9.9.9".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn trusted_peer_cf_header_wins() {
        let p = policy(&["173.245.48.0/20"]);
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("cf-connecting-ip", "2.2.2.2"),
        ]);
        assert_eq!(
            resolve(&p, "173.245.48.7".parse().unwrap(), &h),
            "2.2.2.2".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn forwarded_for_is_read_right_to_left_skipping_trusted_hops() {
        let p = policy(&["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 5.5.5.5, 10.0.0.2")]);
        assert_eq!(
            resolve(&p, "10.0.0.1".parse().unwrap(), &h),
            "5.5.5.5".parse::<IpAddr>().unwrap()
        );
        let h = headers(&[("x-forwarded-for", "garbage, 10.0.0.3")]);
        assert_eq!(
            resolve(&p, "10.0.0.1".parse().unwrap(), &h),
            "10.0.0.3".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn mapped_ipv6_peers_match_ipv4_ranges() {
        let p = policy(&["127.0.0.0/8"]);
        let h = headers(&[("cf-connecting-ip", "[2001:db8::1]:443")]);
        let peer: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(
            resolve(&p, peer, &h),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
    }
}
