//! The web app, embedded at build time (see `build.rs`): static files by path, and `index.html`
//! for every page route (`/`, `/r/{code}`, `/r/{code}/screen`, `/r/{code}/host`, `/explore`).
//!
//! `cargo xtask web` writes each file's `.br` and `.gz` siblings; the response is the one the
//! client takes (`Accept-Encoding`: brotli, then gzip, then the plain bytes) with
//! `Content-Encoding` and `Vary: Accept-Encoding`. A file whose name carries a content hash
//! (`polyphony_web_bg.0123456789abcdef.wasm`) is kept by browsers for a year
//! (`immutable`); `index.html` and any other file is revalidated on every visit (`no-cache`,
//! answered `304` when its entity tag still matches), so a new build reaches every phone.
//!
//! Hand-written rather than a crate's: tower-http's `ServeDir` serves precompressed siblings
//! from disk only, and this binary carries its files inside; `axum-embed` (0.1, axum 0.7)
//! serves the first encoding the client lists (Chromium sends `gzip, deflate, br, zstd`, so
//! gzip); `memory-serve` brotli-compresses again in the server's own build script and gzips
//! at start-up, ignoring the build's siblings, and has one `Cache-Control` for every file that
//! is not HTML.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

/// One file of the web app.
pub struct Asset {
    /// Its URL path, `/index.html`.
    pub path: &'static str,
    /// The file as built, when it has no gzip sibling to unpack it from (see [`plain`]).
    pub raw: Option<&'static [u8]>,
    /// Its brotli sibling, when the build wrote one.
    pub br: Option<&'static [u8]>,
    /// Its gzip sibling, when the build wrote one.
    pub gz: Option<&'static [u8]>,
    /// Whether its name carries a hash of its content (so it never changes).
    pub hashed: bool,
    /// A weak entity tag of its content.
    pub etag: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// How long a browser keeps a file whose name carries its content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `index.html` and unhashed files: revalidated on every use.
pub const NO_CACHE: &str = "no-cache";

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
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// Whether the web app was built into this binary.
pub fn embedded() -> bool {
    find("/index.html").is_some()
}

/// A content coding the response can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// Brotli (`br`).
    Brotli,
    /// gzip.
    Gzip,
    /// The bytes as they are.
    Identity,
}

/// The client's weight for `coding` in an `Accept-Encoding` value (RFC 9110 §12.5.3): its own
/// entry, else `*`'s, else `None` (not listed).
fn weight(accept: &str, coding: &str) -> Option<f32> {
    let mut star = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            return Some(q);
        }
        if name == "*" {
            star = Some(q);
        }
    }
    star
}

/// The coding to answer with, among those the asset has (`br`, `gz`): brotli if the client
/// takes it, then gzip, then the plain bytes.
pub fn negotiate(headers: &HeaderMap, br: bool, gz: bool) -> Coding {
    let accept = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let takes = |coding| weight(&accept, coding).is_some_and(|q| q > 0.0);
    if br && takes("br") {
        Coding::Brotli
    } else if gz && takes("gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// The file as built: embedded, or unpacked from its gzip copy at the first request that needs
/// it and kept (a client that takes neither brotli nor gzip is rare — `curl` without
/// `--compressed` — and each of the binary's files is unpacked once, however often it is asked
/// for). `None` only if the embedded gzip copy does not unpack.
fn plain(asset: &'static Asset) -> Option<Cow<'static, [u8]>> {
    static UNPACKED: LazyLock<Vec<OnceLock<Option<Vec<u8>>>>> =
        LazyLock::new(|| ASSETS.iter().map(|_| OnceLock::new()).collect());
    if let Some(raw) = asset.raw {
        return Some(Cow::Borrowed(raw));
    }
    let gz = asset.gz?;
    let unpack = || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz), &mut out)
            .ok()
            .map(|_| out)
    };
    match ASSETS.iter().position(|a| std::ptr::eq(a, asset)) {
        Some(i) => UNPACKED[i]
            .get_or_init(unpack)
            .as_deref()
            .map(Cow::Borrowed),
        None => unpack().map(Cow::Owned),
    }
}

/// One asset, in the coding the client takes, with its caching headers.
fn respond(asset: &'static Asset, headers: &HeaderMap) -> Response {
    let cache = if asset.hashed { IMMUTABLE } else { NO_CACHE };
    let mut out = HeaderMap::new();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(asset.path)),
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    out.insert(header::ETAG, HeaderValue::from_static(asset.etag));
    if asset.br.is_some() || asset.gz.is_some() {
        out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if not_modified(headers, asset.etag) {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    let (body, coding) = match (
        negotiate(headers, asset.br.is_some(), asset.gz.is_some()),
        asset.br,
        asset.gz,
    ) {
        (Coding::Brotli, Some(br), _) => (Cow::Borrowed(br), Some("br")),
        (Coding::Gzip, _, Some(gz)) => (Cow::Borrowed(gz), Some("gzip")),
        _ => match plain(asset) {
            Some(raw) => (raw, None),
            None => {
                let msg = "this file's embedded copy is damaged";
                return (StatusCode::INTERNAL_SERVER_ERROR, msg).into_response();
            }
        },
    };
    if let Some(coding) = coding {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    (out, body).into_response()
}

/// Serves a file of the web app, or `index.html` for page routes.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if let Some(asset) = find(path) {
        return respond(asset, &headers);
    }
    let page_route = path == "/" || path == "/explore" || path.starts_with("/r/");
    if !page_route {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match find("/index.html") {
        Some(index) => respond(index, &headers),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn brotli_then_gzip_then_identity() {
        let cases = [
            ("gzip, deflate, br, zstd", Coding::Brotli),
            ("br", Coding::Brotli),
            ("gzip", Coding::Gzip),
            ("gzip, br;q=0", Coding::Gzip),
            ("BR;Q=0.1, gzip", Coding::Brotli),
            ("*", Coding::Brotli),
            ("gzip;q=0, *;q=0.5", Coding::Brotli),
            ("br;q=0, *", Coding::Gzip),
            ("br;q=0, gzip;q=0", Coding::Identity),
            ("identity", Coding::Identity),
            ("deflate", Coding::Identity),
            ("", Coding::Identity),
        ];
        for (value, want) in cases {
            assert_eq!(negotiate(&accept(value), true, true), want, "{value:?}");
        }
        assert_eq!(
            negotiate(&HeaderMap::new(), true, true),
            Coding::Identity,
            "no header"
        );
        // Only what the file has: gzip when there is no brotli copy, and not the other way.
        let h = accept("gzip, br");
        assert_eq!(negotiate(&h, false, true), Coding::Gzip);
        assert_eq!(negotiate(&h, true, false), Coding::Brotli);
        assert_eq!(negotiate(&accept("br"), false, true), Coding::Identity);
        assert_eq!(negotiate(&accept("gzip"), true, false), Coding::Identity);
    }

    static HASHED: Asset = Asset {
        path: "/app.0123456789abcdef.js",
        raw: Some(b"plain"),
        br: Some(b"brotli"),
        gz: Some(b"gzip"),
        hashed: true,
        etag: "W/\"1\"",
    };

    static PLAIN: Asset = Asset {
        path: "/index.html",
        raw: Some(b"<!doctype html>"),
        br: None,
        gz: Some(b"gzip"),
        hashed: false,
        etag: "W/\"2\"",
    };

    fn parts(asset: &'static Asset, headers: &HeaderMap) -> (StatusCode, HeaderMap) {
        let r = respond(asset, headers);
        (r.status(), r.headers().clone())
    }

    #[test]
    fn encodings_and_caching() {
        let (status, h) = parts(&HASHED, &accept("gzip, deflate, br"));
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_ENCODING], "br");
        assert_eq!(h[header::VARY], "accept-encoding");
        assert_eq!(h[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(h[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        let (_, h) = parts(&HASHED, &accept("gzip"));
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        let (_, h) = parts(&HASHED, &HeaderMap::new());
        assert!(h.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(h[header::VARY], "accept-encoding");
        // No brotli sibling: gzip for a client that takes both.
        let (_, h) = parts(&PLAIN, &accept("br, gzip"));
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        assert_eq!(h[header::CACHE_CONTROL], NO_CACHE);
        // A client that takes brotli only gets the plain bytes.
        let (_, h) = parts(&PLAIN, &accept("br"));
        assert!(h.get(header::CONTENT_ENCODING).is_none());
    }

    /// Carried as gzip only (the build embeds no plain copy beside a gzip one).
    static GZIP_ONLY: Asset = Asset {
        path: "/only.html",
        raw: None,
        br: Some(b"brotli"),
        // gzip of `<!doctype html><p>unpacked</p>`
        gz: Some(&[
            31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 179, 81, 76, 201, 79, 46, 169, 44, 72, 85, 200, 40,
            201, 205, 177, 179, 41, 176, 43, 205, 43, 72, 76, 206, 78, 77, 177, 209, 47, 176, 3, 0,
            180, 210, 119, 218, 30, 0, 0, 0,
        ]),
        hashed: false,
        etag: "W/\"4\"",
    };

    #[tokio::test]
    async fn a_client_without_gzip_gets_the_file_unpacked_from_its_gzip_copy() {
        use http_body_util::BodyExt as _;
        for _ in 0..2 {
            let r = respond(&GZIP_ONLY, &accept("identity"));
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers().get(header::CONTENT_ENCODING).is_none());
            let body = r.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(&body[..], b"<!doctype html><p>unpacked</p>");
        }
        let (_, h) = parts(&GZIP_ONLY, &accept("gzip"));
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        // The binary's own files: every one can be answered plainly.
        for a in ASSETS {
            let plain = plain(a).unwrap_or_else(|| panic!("{} does not unpack", a.path));
            assert!(!plain.is_empty() || a.path.ends_with(".txt"), "{}", a.path);
        }
    }

    #[test]
    fn a_matching_entity_tag_is_not_sent_again() {
        let mut h = accept("br");
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"9\", W/\"2\""),
        );
        let (status, out) = parts(&PLAIN, &h);
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert_eq!(out[header::CACHE_CONTROL], NO_CACHE);
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("W/\"3\""));
        assert_eq!(parts(&PLAIN, &h).0, StatusCode::OK);
    }

    #[test]
    fn hashed_names_are_recognised_by_the_build_script() {
        // What build.rs marks `hashed` is what the xtask writes: name.{16 hex}.ext.
        for a in ASSETS {
            let name = a.path.rsplit('/').next().unwrap_or_default();
            let looks_hashed = name
                .split('.')
                .rev()
                .nth(1)
                .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_eq!(a.hashed, looks_hashed, "{}", a.path);
        }
    }
}
