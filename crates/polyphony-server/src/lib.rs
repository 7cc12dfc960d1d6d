//! The live workshop server: rooms, anonymous phones, votes, statements, stages and spectrum
//! rounds over HTTP and WebSocket, stored in one SQLite file, with every room's analysis kept
//! current by `polyphony-core` and pushed to the projector and the phones.
//!
//! The binary (`polyphony serve`) only parses flags and calls [`AppState::open`], [`serve`]
//! (which serves [`app`]) and [`AppState::shutdown`]:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use polyphony_server::{app, AppState, Limits};
//! let state = AppState::open(std::path::Path::new("polyphony.db"), Limits::default()).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! // The app with the connection limits (timeouts, per-address caps) of `Limits`.
//! polyphony_server::serve(listener, state.clone()).await?;
//! state.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The wire types are in `polyphony-protocol`; `docs/protocol.md` documents every endpoint and
//! message. Guarantees: a vote is acknowledged only after it is committed (WAL, `synchronous =
//! FULL`); a resent vote id counts once; bad input gets a 4xx with `{"error": "..."}`; what goes wrong in a room is a
//! [`RoomError`], given its HTTP status in one place at the edge.

mod api;
mod assets;
mod backup;
mod cluster;
mod compression;
mod conn;
mod convert;
mod create;
mod dispatch;
mod error;
mod export;
mod extract;
mod guard;
mod json_errors;
mod limits;
mod migrate;
mod report;
mod request_log;
mod room;
mod state;
mod store;
mod util;
mod ws;

pub use api::app;
pub use assets::embedded as web_app_embedded;
pub use backup::{backup_database, backup_path, restore_database, Restored};
pub use conn::{raise_fd_limit, serve};
pub use limits::Limits;
pub use migrate::{migrate_to_postgres, MigratedRoom};
pub use room::{LiveRoom, RoomError, Snapshot};
pub use state::{normalize_code, AppState};
pub use store::{Database, Instance, MigrateError, StoreError};
