//! The embedded web app through the router: each file in the coding the client takes (brotli,
//! then gzip, then plain) with `Content-Encoding` and `Vary`, the same bytes once decoded;
//! content-hashed names cached for a year, `index.html` revalidated on every page route.
//! Needs the web app built into the binary (`cargo xtask web`, as `cargo xtask test` does
//! first); without it the test fails and says so, rather than pass having checked nothing.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read as _;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use common::*;
use tower::ServiceExt;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

async fn get(
    r: &Router,
    uri: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(k, *v);
    }
    let res = r
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, headers, body.to_vec())
}

fn decode(coding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        Some("br") => {
            brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        None => out.extend_from_slice(body),
        Some(other) => panic!("unexpected coding {other}"),
    }
    out
}

/// The path in `html` that starts with `prefix` and ends with `ext`.
fn named(html: &str, prefix: &str, ext: &str) -> String {
    let start = html
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in index.html"));
    let end = html[start..].find(ext).unwrap() + start + ext.len();
    html[start..end].to_string()
}

const CHROMIUM: &str = "gzip, deflate, br, zstd";

#[tokio::test]
async fn the_web_app_is_served_compressed_and_cached() {
    let (_s, r, _d) = fresh(test_limits()).await;
    assert!(
        polyphony_server::web_app_embedded(),
        "the web app is not built into this test binary, so none of its files can be checked: \
         run `cargo xtask web` (it writes target/web-dist/, or set POLYPHONY_WEB_DIST), then \
         this test again; `cargo xtask test` does both"
    );
    // index.html on every page route, in every coding, never cached without asking again.
    let (status, h, body) = get(&r, "/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(h.get(header::CONTENT_ENCODING).is_none());
    let index = String::from_utf8(body).unwrap();
    for page in [
        "/",
        "/index.html",
        "/explore",
        "/r/ABCDEF",
        "/r/ABCDEF/screen",
        "/r/ABCDEF/host",
    ] {
        for (accept, coding) in [
            (CHROMIUM, Some("br")),
            ("gzip", Some("gzip")),
            ("identity", None),
        ] {
            let (status, h, body) = get(&r, page, &[(header::ACCEPT_ENCODING, accept)]).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_eq!(h[header::CACHE_CONTROL], "no-cache", "{page}");
            assert_eq!(
                h[header::CONTENT_TYPE],
                "text/html; charset=utf-8",
                "{page}"
            );
            assert_eq!(h[header::VARY], "accept-encoding", "{page}");
            let got = h.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap());
            assert_eq!(got, coding, "{page} with {accept:?}");
            assert_eq!(
                decode(got, &body),
                index.as_bytes(),
                "{page} with {accept:?}"
            );
        }
    }
    // A revisit that still has index.html is answered 304, without a body.
    let (_, h, _) = get(&r, "/r/ABCDEF", &[(header::ACCEPT_ENCODING, CHROMIUM)]).await;
    let etag = h[header::ETAG].to_str().unwrap().to_string();
    let (status, h, body) = get(
        &r,
        "/r/ABCDEF",
        &[
            (header::ACCEPT_ENCODING, CHROMIUM),
            (header::IF_NONE_MATCH, &etag),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");

    // The wasm, its JS and the style sheet under content-hashed names, kept for a year.
    let files = [
        (
            named(&index, "/polyphony_web_bg.", ".wasm"),
            "application/wasm",
        ),
        (
            named(&index, "/polyphony_web.", ".js"),
            "text/javascript; charset=utf-8",
        ),
        (named(&index, "/style.", ".css"), "text/css; charset=utf-8"),
    ];
    for (path, kind) in &files {
        let hash = path.split('.').nth(1).unwrap();
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{path}"
        );
        assert!(
            !index.contains(&path.replace(&format!(".{hash}"), "")),
            "index.html names plain {path}"
        );
        let (status, _, plain) = get(&r, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let mut sizes = Vec::new();
        for (accept, coding) in [
            (CHROMIUM, Some("br")),
            ("br;q=1.0, gzip;q=0.8", Some("br")),
            ("gzip, deflate", Some("gzip")),
            ("br;q=0, gzip", Some("gzip")),
            ("", None),
        ] {
            let (status, h, body) = get(&r, path, &[(header::ACCEPT_ENCODING, accept)]).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(h[header::CACHE_CONTROL], IMMUTABLE, "{path}");
            assert_eq!(h[header::CONTENT_TYPE], *kind, "{path}");
            assert_eq!(h[header::VARY], "accept-encoding", "{path}");
            let got = h.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap());
            assert_eq!(got, coding, "{path} with {accept:?}");
            assert_eq!(decode(got, &body), plain, "{path} with {accept:?}");
            sizes.push(body.len());
        }
        // Brotli is smaller than gzip, gzip than the plain bytes.
        assert!(
            sizes[0] < sizes[2] && sizes[2] < sizes[4],
            "{path}: {sizes:?}"
        );
    }
    // The unhashed names of the wasm, JS and CSS are not served, nor the siblings on their own.
    for path in ["/polyphony_web_bg.wasm", "/polyphony_web.js", "/style.css"] {
        assert_eq!(get(&r, path, &[]).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let sibling = format!("{}.br", files[0].0);
    assert_eq!(get(&r, &sibling, &[]).await.0, StatusCode::NOT_FOUND);
}
