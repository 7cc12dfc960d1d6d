//! [`AppState`]: every room being served, the database writer, the limits, and shutdown.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::cluster::Cluster;
use crate::room::{LiveRoom, RoomError};
use crate::store::{Database, Instance, Store, StoredRoom};
use crate::util::{lock, read, write};
use crate::Limits;

pub(crate) struct Inner {
    rooms: RwLock<HashMap<String, Arc<LiveRoom>>>,
    pub(crate) store: Store,
    pub(crate) limits: Limits,
    shutdown: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    pub(crate) creations: Mutex<HashMap<IpAddr, Vec<Instant>>>,
    /// Joins in the last minute, per address and per room.
    pub(crate) joins: Mutex<crate::guard::JoinWindows>,
    /// Open WebSockets per address.
    pub(crate) sockets: Arc<crate::guard::Slots>,
    /// KiB of large messages on their way to sockets (`Limits::socket_send_budget_bytes`).
    pub(crate) send_budget: Arc<tokio::sync::Semaphore>,
    /// The database (a SQLite file is what backups copy).
    pub(crate) db: Database,
    /// Wakes the backup task at once (a stage change).
    pub(crate) backup_now: tokio::sync::Notify,
    /// On PostgreSQL: leases, and the other instances (`crate::cluster`).
    pub(crate) cluster: Option<Cluster>,
}

/// Everything the server holds: the rooms, the database writer and the limits. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

/// Join codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 6;

fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// Normalises a join code as typed on a phone ("abc 234" → "ABC234").
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

impl AppState {
    /// Opens the SQLite file `db` (creating and migrating it if needed), loads every room, runs
    /// each room's analysis once and starts their update tasks.
    pub async fn open(db: &Path, limits: Limits) -> Result<AppState, RoomError> {
        AppState::open_database(&Database::Sqlite(db.to_path_buf()), limits).await
    }

    /// [`AppState::open`] on either backend: a SQLite file or a PostgreSQL database. Nothing
    /// after this line knows which.
    pub async fn open_database(db: &Database, limits: Limits) -> Result<AppState, RoomError> {
        AppState::open_as(db, limits, Instance::solo()).await
    }

    /// [`AppState::open_database`] as one of several instances on a PostgreSQL database
    /// ([`Instance::member`]): it serves the rooms it claims, forwards the others' requests to
    /// their owners and takes over rooms whose owner stopped (`crate::cluster`).
    pub async fn open_as(
        db: &Database,
        limits: Limits,
        instance: Instance,
    ) -> Result<AppState, RoomError> {
        let budget_kib = (limits.socket_send_budget_bytes / 1024).clamp(1, u32::MAX as usize);
        let to_open = db.clone();
        let (store, stored, cluster) = tokio::task::spawn_blocking(move || {
            let (store, stored) = Store::open_as(&to_open, instance)?;
            let cluster = store.leasing().map(Cluster::start).transpose()?;
            Ok::<_, crate::store::StoreError>((store, stored, cluster))
        })
        .await
        .map_err(|e| RoomError::Internal(format!("opening the database: {e}")))??;
        let (cluster, events) = match cluster {
            Some((c, e)) => (Some(c), Some(e)),
            None => (None, None),
        };
        let (shutdown, _) = watch::channel(false);
        let state = AppState {
            inner: Arc::new(Inner {
                rooms: RwLock::new(HashMap::new()),
                store,
                limits,
                shutdown,
                tasks: Mutex::new(Vec::new()),
                creations: Mutex::new(HashMap::new()),
                joins: Mutex::new(crate::guard::JoinWindows::default()),
                sockets: Arc::new(crate::guard::Slots::default()),
                send_budget: Arc::new(tokio::sync::Semaphore::new(budget_kib)),
                db: db.clone(),
                backup_now: tokio::sync::Notify::new(),
                cluster,
            }),
        };
        if let Some(events) = events {
            let weak = Arc::downgrade(&state.inner);
            tokio::spawn(crate::cluster::serve_events(weak, events));
        }
        for room in stored {
            state.start_room(room).await?;
        }
        tracing::info!(rooms = state.room_codes().len(), db = %db.describe(), "rooms loaded");
        Ok(state)
    }

    /// Serves a stored room: builds it in memory and starts its analysis task (in a span
    /// named after the room).
    pub(crate) async fn start_room(&self, stored: StoredRoom) -> Result<Arc<LiveRoom>, RoomError> {
        let span = tracing::info_span!("room", code = %stored.code);
        let live = LiveRoom::start(stored, self.inner.store.clone(), self.inner.limits.clone())
            .instrument(span.clone())
            .await?;
        write(&self.inner.rooms).insert(live.code.clone(), Arc::clone(&live));
        let task = tokio::spawn(
            Arc::clone(&live)
                .run(self.inner.shutdown.subscribe())
                .instrument(span),
        );
        lock(&self.inner.tasks).push(task);
        Ok(live)
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// A room by join code (any case, spaces ignored), if this instance serves it.
    pub fn room(&self, code: &str) -> Result<Arc<LiveRoom>, RoomError> {
        let code = normalize_code(code);
        let found = read(&self.inner.rooms).get(&code).cloned();
        match found {
            // A room whose lease moved on is not served here any more.
            Some(room) if room.retired() => {
                self.retire_room_id(room.room_id());
                Err(RoomError::UnknownRoom(code))
            }
            Some(room) => Ok(room),
            None => Err(RoomError::UnknownRoom(code)),
        }
    }

    /// Stops serving the room with row id `room_id` (another instance holds its lease now):
    /// its task ends and its sockets close, so phones reconnect to the new owner. Answers its
    /// code if it was served here.
    pub(crate) fn retire_room_id(&self, room_id: i64) -> Option<String> {
        let mut rooms = write(&self.inner.rooms);
        let code = rooms
            .iter()
            .find(|(_, r)| r.room_id() == room_id)
            .map(|(c, _)| c.clone())?;
        let room = rooms.remove(&code)?;
        room.retire();
        Some(code)
    }

    /// The cluster this instance belongs to (on PostgreSQL).
    pub(crate) fn cluster(&self) -> Option<&Cluster> {
        self.inner.cluster.as_ref()
    }

    /// How many rooms this server holds (`Limits::max_rooms`).
    pub(crate) fn room_count(&self) -> usize {
        read(&self.inner.rooms).len()
    }

    /// Join codes of every room.
    pub fn room_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = read(&self.inner.rooms).keys().cloned().collect();
        codes.sort();
        codes
    }

    /// A join code no room has.
    pub(crate) fn unused_code(&self) -> String {
        let rooms = read(&self.inner.rooms);
        loop {
            let code = new_code();
            if !rooms.contains_key(&code) {
                return code;
            }
        }
    }

    /// Resolves when a shutdown was requested (Ctrl-C, SIGTERM, or [`AppState::request_shutdown`]):
    /// pass it to `axum::serve(..).with_graceful_shutdown`.
    pub fn shutdown_requested(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.inner.shutdown.subscribe();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }

    /// Asks every socket and room task to finish.
    pub fn request_shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    pub(crate) fn shutdown_receiver(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    /// Stops the room tasks (each runs a last update and saves its engine state), waits for
    /// every write and checkpoints (SQLite: the WAL into the database file).
    pub async fn shutdown(&self) {
        self.request_shutdown();
        let tasks: Vec<JoinHandle<()>> = std::mem::take(&mut *lock(&self.inner.tasks));
        for t in tasks {
            let _ = t.await;
        }
        if let Err(e) = self.inner.store.checkpoint().await {
            tracing::error!(error = %e, "checkpoint at shutdown failed");
        }
        // Every write is in: let the leases go, so another instance (or this server started
        // again) serves the rooms at once.
        if let Some(cluster) = self.cluster() {
            cluster.release().await;
        }
    }
}
