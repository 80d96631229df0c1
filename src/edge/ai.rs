//! Hands `/ai/` requests to the shield: the shield's [`Downstream`] over a Pingora session.
//!
//! Every response written here carries the same headers as proxied ones (request id,
//! security headers, CORS), so clients cannot tell the gateway from the rest of the edge.

use async_trait::async_trait;
use bytes::Bytes;
use http::header;
use pingora::http::ResponseHeader;
use pingora::proxy::Session;

use super::proxy::{EdgeProxy, RequestCtx};
use crate::shield::{BodyError, Downstream, Gone};

pub struct SessionDownstream<'a> {
    pub proxy: &'a EdgeProxy,
    pub session: &'a mut Session,
    pub ctx: &'a mut RequestCtx,
}

impl SessionDownstream<'_> {
    fn head(
        &self,
        status: u16,
        headers: Vec<(&'static str, String)>,
    ) -> Result<ResponseHeader, Gone> {
        let mut resp = ResponseHeader::build(status, Some(headers.len() + 8)).map_err(|_| Gone)?;
        for (k, v) in headers {
            resp.insert_header(k, v).map_err(|_| Gone)?;
        }
        self.proxy.decorate(&mut resp, self.ctx).map_err(|_| Gone)?;
        Ok(resp)
    }
}

#[async_trait]
impl Downstream for SessionDownstream<'_> {
    async fn read_body(&mut self, limit: u64) -> Result<Bytes, BodyError> {
        let timeout = self
            .ctx
            .state
            .as_ref()
            .map_or(std::time::Duration::from_secs(60), |s| {
                s.config.limits.body_read_timeout
            });
        let (body, _) = super::body::read_whole(self.session, limit, timeout).await?;
        self.ctx.body_bytes = body.len() as u64;
        Ok(body)
    }

    async fn respond(
        &mut self,
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Bytes,
    ) -> Result<(), Gone> {
        let mut resp = self.head(status, headers)?;
        resp.insert_header(header::CONTENT_LENGTH, body.len().to_string())
            .map_err(|_| Gone)?;
        let end = body.is_empty();
        self.session
            .write_response_header(Box::new(resp), end)
            .await
            .map_err(|_| Gone)?;
        // Only a head that went out is the status sent; before, the client left (499).
        self.ctx.own_status = Some(status);
        if !end {
            self.session
                .write_response_body(Some(body), true)
                .await
                .map_err(|_| Gone)?;
        }
        Ok(())
    }

    async fn start_stream(
        &mut self,
        status: u16,
        headers: Vec<(&'static str, String)>,
    ) -> Result<(), Gone> {
        let mut resp = self.head(status, headers)?;
        if self.session.req_header().version == http::Version::HTTP_10 {
            // HTTP/1.0 has no chunked framing: the stream ends when the connection does.
            self.session.set_keepalive(None);
            resp.insert_header(header::CONNECTION, "close")
                .map_err(|_| Gone)?;
        } else if !self.session.is_http2() {
            // Without a length, HTTP/1.1 needs chunked framing or the client waits for close.
            resp.insert_header(header::TRANSFER_ENCODING, "chunked")
                .map_err(|_| Gone)?;
        }
        self.session
            .write_response_header(Box::new(resp), false)
            .await
            .map_err(|_| Gone)?;
        self.ctx.own_status = Some(status);
        Ok(())
    }

    async fn send(&mut self, chunk: Bytes, end: bool) -> Result<(), Gone> {
        if chunk.is_empty() && !end {
            return Ok(());
        }
        self.session
            .write_response_body(Some(chunk), end)
            .await
            .map_err(|_| Gone)
    }
}
