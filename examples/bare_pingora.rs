use async_trait::async_trait;
use pingora::prelude::*;
use pingora::proxy::{ProxyHttp, Session};
use pingora::server::configuration::ServerConf;
use pingora::upstreams::peer::HttpPeer;

struct P(std::net::SocketAddr);
#[async_trait]
impl ProxyHttp for P {
    type CTX = ();
    fn new_ctx(&self) {}
    async fn upstream_peer(&self, _s: &mut Session, _c: &mut ()) -> Result<Box<HttpPeer>> {
        let mut p = HttpPeer::new(self.0, false, String::new());
        if std::env::var("TO").is_ok() {
            let d = Some(std::time::Duration::from_secs(60));
            p.options.connection_timeout = Some(std::time::Duration::from_secs(2));
            p.options.read_timeout = d;
            p.options.write_timeout = d;
            p.options.idle_timeout = d;
        }
        Ok(Box::new(p))
    }
}
fn main() {
    let threads: usize = std::env::var("T")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    let conf = ServerConf {
        threads,
        ..ServerConf::default()
    };
    let mut server = pingora::server::Server::new_with_opt_and_conf(None, conf);
    server.bootstrap();
    let mut svc = pingora::proxy::http_proxy_service(
        &server.configuration,
        P("127.0.0.1:18080".parse().unwrap()),
    );
    svc.add_tcp("127.0.0.1:18200");
    server.add_service(svc);
    server.run_forever();
}
