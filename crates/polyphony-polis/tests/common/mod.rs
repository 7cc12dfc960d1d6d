//! Shared helpers: where the read-only Polis data lives.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/data` beside the project root. Tests fail loudly if it is missing.
pub fn shared_data() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        p.is_dir(),
        "the shared Polis data is missing at {} (it must sit beside the project root)",
        p.display()
    );
    p
}

pub fn blob_dir(name: &str) -> PathBuf {
    shared_data().join("polis-math-blobs").join(name)
}

pub fn open_data(name: &str) -> PathBuf {
    shared_data().join("polis-open-data").join(name)
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}
