//! `/ai/v1/sast/`: submit code or Markdown for analysis, fetch a job, list the findings of
//! an answer. Same key auth as chat completions; a tenant sees only its own jobs.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

use super::{Downstream, Request, Shield};
use crate::error::HttpError;
use crate::store::jobs::NewJob;

#[derive(Deserialize)]
struct Submit {
    content: String,
    #[serde(default)]
    filename: Option<String>,
}

/// Largest submission accepted, in bytes.
const MAX_SUBMISSION: u64 = 1 << 20;

impl Shield {
    /// Serves `rest` (the path after `v1/sast/`); returns the status sent.
    pub(super) async fn sast(
        &self,
        req: &Request<'_>,
        down: &mut dyn Downstream,
        rest: &str,
    ) -> u16 {
        let result = self.sast_inner(req, down, rest).await;
        match result {
            Ok((status, body)) => {
                let headers = vec![("content-type", "application/json".to_string())];
                down.answer(status, headers, Bytes::from(body.to_string()))
                    .await
            }
            Err(e) => self.reject(req, down, &e, Vec::new()).await,
        }
    }

    async fn sast_inner(
        &self,
        req: &Request<'_>,
        down: &mut dyn Downstream,
        rest: &str,
    ) -> Result<(u16, serde_json::Value), HttpError> {
        let Some(pool) = &self.sast else {
            return Err(HttpError::new(
                404,
                "invalid_request_error",
                "sast_disabled",
                "SAST is not enabled on this gateway",
            ));
        };
        let key = self.authenticate(req).await.map_err(|s| s.into_error())?;
        let tenant = Some(key.tenant_id.as_str());
        let unavailable = |e: crate::store::StoreError| {
            tracing::error!(error = %e, "SAST store failed");
            HttpError::new(
                503,
                "service_unavailable",
                "store_unavailable",
                "the SAST store is unavailable; retry shortly",
            )
            .with_retry_after(1)
        };
        match (req.method, rest) {
            ("POST", "jobs") => {
                // A submission is CPU for the pool and rows in the store: it counts against
                // the key's and the tenant's request limits like a chat request.
                self.check_rate_limits(&key, &mut Vec::new()).await?;
                let raw = down
                    .read_body(MAX_SUBMISSION)
                    .await
                    .map_err(|e| e.ai_error())?;
                let s: Submit = serde_json::from_slice(&raw).map_err(|e| {
                    HttpError::bad_request(format!(
                        "expected {{\"content\": \"...\", \"filename\": \"optional.py\"}}: {e}"
                    ))
                    .with_param("content")
                })?;
                if s.content.trim().is_empty() {
                    return Err(HttpError::bad_request("content is empty").with_param("content"));
                }
                let id = pool
                    .submit(NewJob {
                        id: uuid::Uuid::new_v4(),
                        tenant_id: Some(key.tenant_id.clone()),
                        request_id: Some(req.request_id.to_string()),
                        source: "api",
                        filename: s.filename,
                        content: s.content,
                    })
                    .await
                    .map_err(unavailable)?;
                Ok((202, json!({"id": id, "status": "queued"})))
            }
            ("GET", "findings") => {
                let Some(rid) = query_param(req.query, "request_id") else {
                    return Err(
                        HttpError::bad_request("request_id is required").with_param("request_id")
                    );
                };
                let findings = pool
                    .store()
                    .findings_for_request(tenant, &rid)
                    .await
                    .map_err(unavailable)?;
                Ok((200, json!({"request_id": rid, "findings": findings})))
            }
            ("GET", r) if r.starts_with("jobs/") => {
                let id = &r["jobs/".len()..];
                match pool.store().job(tenant, id).await.map_err(unavailable)? {
                    Some(job) => Ok((200, serde_json::to_value(job).unwrap_or_default())),
                    None => Err(HttpError::new(
                        404,
                        "invalid_request_error",
                        "job_not_found",
                        "no such job",
                    )),
                }
            }
            _ => Err(HttpError::new(
                404,
                "invalid_request_error",
                "unknown_endpoint",
                "no such endpoint under /v1/sast/",
            )),
        }
    }
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}
