//! The logs and the async runtime of the commands that run [`polyphony_server`] in this
//! process: `serve`, `import` and `migrate`.

use anyhow::{Context, Result};

/// Logs go to stderr through `tracing`; `RUST_LOG` chooses what (e.g. `RUST_LOG=debug` for a
/// span per request). Without it: warnings from libraries, the server's own start lines. The
/// URLs and the QR code are not logs: they go to stdout whatever the filter.
const DEFAULT_LOG: &str = "warn,polyphony=info,polyphony_server=info";

pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG));
    // A second call (serve after import in one process, tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
