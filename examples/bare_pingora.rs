//! A bare Pingora reverse proxy: only `upstream_peer`, nothing else. The edge benchmark
//! (`bench/edge/compare.sh`) runs it beside securetag-edge and Nginx, so the numbers show
//! what Pingora itself costs and what our phases add on top.
//!
//!   LISTEN=127.0.0.1:18200 ORIGIN=127.0.0.1:18080 THREADS=2 TIMEOUTS=1 bare_pingora
//!
//! `TIMEOUTS=1` gives the upstream the same connect/read/write/idle timeouts the edge sets.

use std::time::Duration;

use async_trait::async_trait;
use pingora::prelude::*;
use pingora::proxy::{ProxyHttp, Session};
use pingora::server::configuration::ServerConf;
use pingora::upstreams::peer::HttpPeer;

struct Bare {
    origin: std::net::SocketAddr,
    timeouts: bool,
}

#[async_trait]
impl ProxyHttp for Bare {
    type CTX = ();
    fn new_ctx(&self) {}
    async fn upstream_peer(&self, _s: &mut Session, _c: &mut ()) -> Result<Box<HttpPeer>> {
        let mut p = HttpPeer::new(self.origin, false, String::new());
        if self.timeouts {
            p.options.connection_timeout = Some(Duration::from_secs(2));
            p.options.read_timeout = Some(Duration::from_secs(60));
            p.options.write_timeout = Some(Duration::from_secs(60));
            p.options.idle_timeout = Some(Duration::from_secs(60));
        }
        Ok(Box::new(p))
    }
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn main() {
    let threads = env("THREADS", "2").parse().unwrap_or(2);
    let Ok(origin) = env("ORIGIN", "127.0.0.1:8080").parse() else {
        eprintln!("ORIGIN must be IP:PORT");
        std::process::exit(2);
    };
    let conf = ServerConf {
        threads,
        ..ServerConf::default()
    };
    let mut server = pingora::server::Server::new_with_opt_and_conf(None, conf);
    server.bootstrap();
    let bare = Bare {
        origin,
        timeouts: std::env::var("TIMEOUTS").is_ok(),
    };
    let mut svc = pingora::proxy::http_proxy_service(&server.configuration, bare);
    svc.add_tcp(&env("LISTEN", "127.0.0.1:18200"));
    server.add_service(svc);
    server.run_forever();
}
