//! Every error answer is `{"error": "..."}` JSON, as the protocol promises — including the ones
//! no handler writes: axum's own rejections (a path that is not UTF-8, a repeated query key, a
//! body over the limit), a method the path does not take (405, which keeps its `Allow` header),
//! and the web app's 404. [`json_errors`] wraps the whole router and rewrites any 4xx/5xx whose
//! body is not JSON; the handlers' own [`ApiError`]s pass through untouched, and so does a page
//! written for people and marked [`PageForPeople`] (the report's "not published yet").

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The most of a non-JSON error body read to word the sentence (axum's rejections are short).
const MAX_DETAIL: usize = 1024;

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// Marks an error answer that is a page for people to read (an HTML page in the reader's
/// language, such as the report's "not published yet"): [`json_errors`] lets it through.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PageForPeople;

/// The sentence for an error answer that came without one (or with a plain-text one).
fn sentence(status: StatusCode, method: &Method, path: &str, allow: &str, detail: &str) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED if allow.is_empty() => {
            format!("{path} does not take {method}")
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("{path} does not take {method}; it takes {allow}")
        }
        StatusCode::NOT_FOUND if path.starts_with("/api") => format!("no API endpoint {path}"),
        StatusCode::NOT_FOUND => format!("nothing at {path}"),
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large".into(),
        _ if !detail.is_empty() => detail.to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_lowercase(),
    }
}

/// Rewrites a 4xx/5xx answer that is not JSON into `{"error": "..."}`, keeping its status and
/// headers (such as a 405's `Allow`). A 5xx's detail goes to the log, not to the client.
pub(crate) async fn json_errors(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_json(resp.headers())
        || resp.extensions().get::<PageForPeople>().is_some()
    {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let detail = to_bytes(body, MAX_DETAIL)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let error = if status.is_server_error() {
        tracing::error!(%status, %path, detail, "request failed");
        ApiError::internal(status)
    } else {
        let allow = parts
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        ApiError::with_status(status, sentence(status, &method, &path, allow, &detail))
    };
    let fresh = error.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::TRANSFER_ENCODING);
    for (name, value) in fresh.headers() {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, fresh.into_body())
}
