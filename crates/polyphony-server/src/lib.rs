//! The live workshop server: rooms, anonymous phones, votes, statements, stages and spectrum
//! rounds over HTTP and WebSocket, stored in one SQLite file, with every room's analysis kept
//! current by `polyphony-core` and pushed to the projector and the phones.
//!
//! The binary (`polyphony serve`) only parses flags and calls [`AppState::open`], [`app`] and
//! [`AppState::shutdown`]:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use polyphony_server::{app, AppState, Limits};
//! let state = AppState::open(std::path::Path::new("polyphony.db"), Limits::default()).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let service = app(state.clone())
//!     .into_make_service_with_connect_info::<std::net::SocketAddr>();
//! axum::serve(listener, service)
//!     .with_graceful_shutdown(state.shutdown_requested())
//!     .await?;
//! state.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The wire types are in `polyphony-protocol`; `docs/protocol.md` documents every endpoint and
//! message. Guarantees: a vote is acknowledged only after it is committed (WAL, `synchronous =
//! FULL`); a resent vote id counts once; bad input gets a 4xx with `{"error": "..."}`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use polyphony_core::Moderation;
use polyphony_polis::PolisConversation;
use polyphony_protocol::{ModerationState, NewRoom, RoomCreated, RoomSettings, Stage};
use tokio::sync::watch;
use tokio::task::JoinHandle;

mod api;
mod assets;
mod error;
mod export;
mod room;
mod store;
mod views;
mod ws;

pub use api::app;
pub use assets::embedded as web_app_embedded;
pub use error::ServerError;
pub use room::{LiveRoom, Snapshot};

use room::{check_settings, check_statement_text, lock, next_time, random_hex};
use store::{Store, StoredParticipant, StoredRoom, StoredStatement, StoredVote};

/// Limits that keep one room or one address from hurting the others. The defaults suit a hall
/// of 500 phones.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body (default 64 KiB); larger bodies get 413.
    pub max_body_bytes: usize,
    /// Votes a participant may send per second, sustained (default 10).
    pub votes_per_second: u32,
    /// Votes a participant may send at once, e.g. a queue replayed after a wifi drop (default 60).
    pub vote_burst: u32,
    /// Rooms one network address may create per hour (default 30).
    pub rooms_per_address_per_hour: u32,
    /// Participants per room (default 5000).
    pub max_participants_per_room: u32,
    /// Statements per room, seeds included (default 1000).
    pub max_statements_per_room: u32,
    /// Longest topic in characters (default 300).
    pub topic_max_chars: u32,
    /// Longest description in characters (default 5000).
    pub description_max_chars: u32,
    /// How long a burst of votes may gather before the analysis runs (default 150 ms).
    pub coalesce: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            votes_per_second: 10,
            vote_burst: 60,
            rooms_per_address_per_hour: 30,
            max_participants_per_room: 5000,
            max_statements_per_room: 1000,
            topic_max_chars: 300,
            description_max_chars: 5000,
            coalesce: Duration::from_millis(150),
        }
    }
}

struct Inner {
    rooms: RwLock<HashMap<String, Arc<LiveRoom>>>,
    store: Store,
    limits: Limits,
    shutdown: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    creations: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

/// Everything the server holds: the rooms, the database writer and the limits. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
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
    /// Opens the database (creating and migrating it if needed), loads every room, runs each
    /// room's analysis once and starts their update tasks.
    pub async fn open(db: &Path, limits: Limits) -> Result<AppState, ServerError> {
        let path = db.to_path_buf();
        let (store, stored) = tokio::task::spawn_blocking(move || Store::open(&path))
            .await
            .map_err(|e| ServerError::Storage(e.to_string()))??;
        let (shutdown, _) = watch::channel(false);
        let state = AppState {
            inner: Arc::new(Inner {
                rooms: RwLock::new(HashMap::new()),
                store,
                limits,
                shutdown,
                tasks: Mutex::new(Vec::new()),
                creations: Mutex::new(HashMap::new()),
            }),
        };
        for room in stored {
            state.start_room(room).await?;
        }
        Ok(state)
    }

    async fn start_room(&self, stored: StoredRoom) -> Result<Arc<LiveRoom>, ServerError> {
        let live =
            LiveRoom::start(stored, self.inner.store.clone(), self.inner.limits.clone()).await?;
        self.inner
            .rooms
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(live.code.clone(), Arc::clone(&live));
        let task = tokio::spawn(Arc::clone(&live).run(self.inner.shutdown.subscribe()));
        lock(&self.inner.tasks).push(task);
        Ok(live)
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// A room by join code (any case, spaces ignored).
    pub fn room(&self, code: &str) -> Result<Arc<LiveRoom>, ServerError> {
        let code = normalize_code(code);
        self.inner
            .rooms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&code)
            .cloned()
            .ok_or_else(|| ServerError::NotFound(format!("no room with code {code}")))
    }

    /// Join codes of every room.
    pub fn room_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .inner
            .rooms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        codes.sort();
        codes
    }

    fn unused_code(&self) -> String {
        let rooms = self.inner.rooms.read().unwrap_or_else(|e| e.into_inner());
        loop {
            let code = new_code();
            if !rooms.contains_key(&code) {
                return code;
            }
        }
    }

    fn allow_creation(&self, from: Option<IpAddr>) -> Result<(), ServerError> {
        let Some(addr) = from else {
            return Ok(());
        };
        let limit = self.inner.limits.rooms_per_address_per_hour as usize;
        let mut map = lock(&self.inner.creations);
        let now = Instant::now();
        let times = map.entry(addr).or_default();
        times.retain(|t| now.duration_since(*t) < Duration::from_secs(3600));
        if times.len() >= limit {
            return Err(ServerError::TooManyRequests(format!(
                "this address created {limit} rooms in the last hour; try again later"
            )));
        }
        times.push(now);
        Ok(())
    }

    /// Creates a room with its seed statements. `from` is the caller's address (rate limit;
    /// `None` for in-process callers).
    pub async fn create_room(
        &self,
        req: NewRoom,
        from: Option<IpAddr>,
    ) -> Result<RoomCreated, ServerError> {
        let limits = &self.inner.limits;
        let topic = req.topic.trim().to_string();
        if topic.is_empty() {
            return Err(ServerError::Unprocessable("the topic is empty".into()));
        }
        if topic.chars().count() > limits.topic_max_chars as usize {
            return Err(ServerError::TooLarge(format!(
                "the topic is longer than {} characters",
                limits.topic_max_chars
            )));
        }
        if req.description.chars().count() > limits.description_max_chars as usize {
            return Err(ServerError::TooLarge(format!(
                "the description is longer than {} characters",
                limits.description_max_chars
            )));
        }
        check_settings(&req.settings)?;
        let language = req.language.unwrap_or_else(|| "en".into());
        if language.is_empty()
            || language.len() > 35
            || !language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ServerError::Unprocessable(format!(
                "language {language:?} is not a language tag such as zh-TW, en, ja or ko"
            )));
        }
        if req.statements.len() > limits.max_statements_per_room as usize {
            return Err(ServerError::TooLarge(format!(
                "at most {} statements per room",
                limits.max_statements_per_room
            )));
        }
        let created = next_time();
        let mut statements = Vec::new();
        for (i, text) in req.statements.iter().enumerate() {
            let text = check_statement_text(text, req.settings.statement_max_chars).map_err(
                |e| match e {
                    ServerError::TooLarge(m) => {
                        ServerError::TooLarge(format!("statement {}: {m}", i + 1))
                    }
                    ServerError::Unprocessable(m) => {
                        ServerError::Unprocessable(format!("statement {}: {m}", i + 1))
                    }
                    other => other,
                },
            )?;
            statements.push(StoredStatement {
                sid: i as u32,
                text,
                author: None,
                is_seed: true,
                moderation: ModerationState::Accepted,
                created,
                client_id: None,
            });
        }
        self.allow_creation(from)?;
        let room = StoredRoom {
            id: 0,
            code: self.unused_code(),
            facilitator_key: random_hex(32),
            topic,
            description: req.description.trim().to_string(),
            language,
            settings: req.settings,
            stage: Stage::Collect,
            closed: false,
            seed: req.seed.unwrap_or_else(rand::random),
            created,
            engine_state: None,
            participants: Vec::new(),
            statements,
            votes: Vec::new(),
            spectrums: Vec::new(),
            positions: Vec::new(),
        };
        self.insert_and_start(room, from).await
    }

    async fn insert_and_start(
        &self,
        mut room: StoredRoom,
        from: Option<IpAddr>,
    ) -> Result<RoomCreated, ServerError> {
        let to_insert = room.clone();
        let addr = from.map(|a| a.to_string());
        room.id = self
            .inner
            .store
            .write(move |c| store::insert_room(c, &to_insert, addr.as_deref()))
            .await?;
        let key = room.facilitator_key.clone();
        let live = self.start_room(room).await?;
        Ok(RoomCreated {
            room: live.info(),
            facilitator_key: key,
        })
    }

    /// Creates a room from a Polis export (demos and replays): its statements keep their ids and
    /// texts, every voter becomes an anonymous participant with their Polis id, every vote
    /// event is kept with its time.
    pub async fn import_polis(
        &self,
        data: &PolisConversation,
        topic: &str,
        seed: u64,
    ) -> Result<RoomCreated, ServerError> {
        let created = next_time();
        let statements = data
            .statements
            .iter()
            .map(|s| StoredStatement {
                sid: s.id,
                text: s.text.clone(),
                author: s.author,
                is_seed: s.is_seed,
                moderation: match s.moderation {
                    Moderation::Rejected => ModerationState::Rejected,
                    Moderation::Accepted | Moderation::Unmoderated => ModerationState::Accepted,
                },
                created: s.created.unwrap_or(created),
                client_id: None,
            })
            .collect::<Vec<_>>();
        let mut pids: Vec<u32> = data
            .votes
            .iter()
            .map(|v| v.participant)
            .chain(data.statements.iter().filter_map(|s| s.author))
            .collect();
        pids.sort_unstable();
        pids.dedup();
        let known: std::collections::BTreeSet<u32> = statements.iter().map(|s| s.sid).collect();
        let votes = data
            .votes
            .iter()
            .filter(|v| known.contains(&v.statement))
            .enumerate()
            .map(|(i, v)| StoredVote {
                pid: v.participant,
                sid: v.statement,
                vote: v.vote,
                time: v.time,
                client_id: format!("import-{i}"),
            })
            .collect();
        let topic = topic.trim();
        let room = StoredRoom {
            id: 0,
            code: self.unused_code(),
            facilitator_key: random_hex(32),
            topic: if topic.is_empty() {
                "Imported conversation".into()
            } else {
                topic.into()
            },
            description: data
                .summary
                .get("conversation-description")
                .cloned()
                .unwrap_or_default(),
            language: "en".into(),
            settings: RoomSettings {
                statement_max_chars: polyphony_protocol::MAX_STATEMENT_MAX_CHARS,
                ..RoomSettings::default()
            },
            stage: Stage::Groups,
            closed: false,
            seed,
            created,
            engine_state: None,
            participants: pids
                .into_iter()
                .map(|pid| StoredParticipant {
                    pid,
                    token: random_hex(16),
                    created,
                })
                .collect(),
            statements,
            votes,
            spectrums: Vec::new(),
            positions: Vec::new(),
        };
        self.insert_and_start(room, None).await
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
    /// every write and checkpoints the WAL into the database file.
    pub async fn shutdown(&self) {
        self.request_shutdown();
        let tasks: Vec<JoinHandle<()>> = std::mem::take(&mut *lock(&self.inner.tasks));
        for t in tasks {
            let _ = t.await;
        }
        if let Err(e) = self.inner.store.checkpoint().await {
            eprintln!("polyphony: checkpoint at shutdown failed: {e}");
        }
    }
}
