//! Answers of more than a kilobyte go over gzip when the client takes it: a phone on a venue's
//! Wi-Fi fetches a room's view (277 KB of JSON for 900 statements, 38 KB in gzip), the report
//! page and exports. At gzip's fastest level, well under a millisecond of CPU for the largest
//! view. The web app's files carry their own precompressed copies and pass untouched (an answer
//! that already has a `Content-Encoding` is not compressed again), as do WebSocket upgrades
//! (no body) and a room forwarded from the instance that serves it (compressed there). Tests:
//! `tests/compression.rs`.

use tower_http::compression::predicate::{And, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel, DefaultPredicate};

/// The router's compression layer (outside the JSON-error rewrite, which reads plain bodies).
pub(crate) fn layer() -> CompressionLayer<And<DefaultPredicate, SizeAbove>> {
    CompressionLayer::new()
        .quality(CompressionLevel::Fastest)
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(1024)))
}
