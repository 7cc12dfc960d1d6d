//! The web app, embedded at build time (see `build.rs`): static files by path, and `index.html`
//! for every page route (`/`, `/r/{code}`, `/r/{code}/screen`, `/r/{code}/host`, `/explore`).

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn find(path: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

/// Whether the web app was built into this binary.
pub fn embedded() -> bool {
    find("/index.html").is_some()
}

/// Serves a file of the web app, or `index.html` for page routes.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path();
    if let Some(bytes) = find(path) {
        let cache = if path.ends_with(".html") {
            "no-cache"
        } else {
            "public, max-age=300"
        };
        return (
            [
                (header::CONTENT_TYPE, content_type(path)),
                (header::CACHE_CONTROL, cache),
            ],
            bytes,
        )
            .into_response();
    }
    let page_route = path == "/" || path == "/explore" || path.starts_with("/r/");
    if !page_route {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match find("/index.html") {
        Some(index) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            index,
        )
            .into_response(),
        None => Html(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Polyphony</title>\
             <h1>Polyphony</h1><p>The workshop server is running, but this binary was built \
             without the web app. Build it with <code>cargo xtask web</code> (or start the \
             server with <code>cargo xtask serve</code>). The API is under <code>/api</code> \
             (see docs/protocol.md).</p></html>",
        )
        .into_response(),
    }
}
