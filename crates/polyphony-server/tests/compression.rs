//! Answers over gzip, on a real server on 127.0.0.1: a room's view (what a phone fetches on a
//! venue's Wi-Fi) comes gzipped to a client that takes gzip, and the same bytes once decoded;
//! plain to one that does not; a short answer plain; an error still the protocol's JSON. (The web
//! app's precompressed files, through the same router, are decoded once: `web_assets.rs`.)
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read as _;

use common::*;

async fn get(
    http: &reqwest::Client,
    url: &str,
    gzip: bool,
) -> (reqwest::StatusCode, Option<String>, Vec<u8>) {
    let mut req = http.get(url);
    if gzip {
        req = req.header("accept-encoding", "gzip");
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let coding = res
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string());
    (status, coding, res.bytes().await.unwrap().to_vec())
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn a_rooms_view_goes_over_gzip_to_a_phone_that_takes_it() {
    let (state, router, _dir) = fresh(test_limits()).await;
    let (code, _key) = create_room(&router, 300, "").await;
    let (addr, _server) = serve(&state, router).await;
    let http = reqwest::Client::new();
    let view = format!("http://{addr}/api/rooms/{code}/view");

    let (status, coding, plain) = get(&http, &view, false).await;
    assert_eq!(status, 200);
    assert_eq!(coding, None, "no gzip for a client that did not ask for it");
    let json: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(json["statements"].as_array().unwrap().len(), 300);

    let (status, coding, packed) = get(&http, &view, true).await;
    assert_eq!(status, 200);
    assert_eq!(coding.as_deref(), Some("gzip"));
    assert_eq!(gunzip(&packed), plain, "the same view once decoded");
    assert!(
        packed.len() * 4 < plain.len(),
        "{} bytes in gzip for {} plain",
        packed.len(),
        plain.len()
    );

    // A short answer is not worth compressing.
    let (status, coding, _) = get(&http, &format!("http://{addr}/api/health"), true).await;
    assert_eq!(status, 200);
    assert_eq!(coding, None);

    // An error answer, for a client that takes gzip, is still the protocol's JSON.
    let (status, coding, body) =
        get(&http, &format!("http://{addr}/api/rooms/NOROOM/view"), true).await;
    assert_eq!(status, 404);
    let body = if coding.as_deref() == Some("gzip") {
        gunzip(&body)
    } else {
        body
    };
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(error["error"].is_string(), "{error}");
}
