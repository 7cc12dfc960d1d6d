//! One live room: its state in memory, every change it accepts (each committed to SQLite before
//! it is applied or acknowledged), and the task that keeps its analysis and views current.
//!
//! Locking: `state` is a plain mutex held only for short, non-async sections; the engine has its
//! own mutex, used only by the analysis task (inside `spawn_blocking`), so a vote never waits for
//! the math. Views go out through a `watch` channel: every socket sees the latest snapshot and
//! skips the ones it missed, so a slow phone cannot hold the room back.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use polyphony_core::{
    Analysis, AnalysisParams, Conversation, EngineState, Moderation, Preset, StatementStatus, Vote,
    VoteEvent,
};
use polyphony_protocol::{
    ModerationItem, ModerationMode, ModerationState, NewStatement, PhoneView, RoomInfo,
    RoomSettings, RoomView, ServerMessage, SpectrumAck, SpectrumPosition, SpectrumView, Stage,
    StatementAdded, StatementView, VoteAck, VoteRequest, MAX_STATEMENT_MAX_CHARS,
};
use tokio::sync::{watch, Notify};

use crate::error::ServerError;
use crate::store::{
    self, RoomField, Store, StoredPosition, StoredRoom, StoredSpectrum, StoredStatement, StoredVote,
};
use crate::views;
use crate::Limits;

/// Locks a mutex, recovering the data if a panicking thread poisoned it (the data is still
/// consistent: every section that mutates it finishes without panicking paths).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

static LAST_TIME: AtomicI64 = AtomicI64::new(0);

/// Milliseconds since the epoch, strictly increasing across the process, so that the commit
/// order of two votes is also their time order (later vote wins).
pub(crate) fn next_time() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let mut last = LAST_TIME.load(Ordering::Relaxed);
    loop {
        let t = now.max(last + 1);
        match LAST_TIME.compare_exchange_weak(last, t, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return t,
            Err(seen) => last = seen,
        }
    }
}

/// A token bucket: `rate` per second, at most `burst` at once.
#[derive(Clone, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn new(burst: u32) -> Bucket {
        Bucket {
            tokens: f64::from(burst),
            at: Instant::now(),
        }
    }

    fn take(&mut self, rate: u32, burst: u32) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * f64::from(rate);
        self.tokens = (self.tokens + refill).min(f64::from(burst));
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A participant in memory.
#[derive(Clone, Debug)]
pub(crate) struct Participant {
    /// Latest vote and its time, by statement.
    pub votes: BTreeMap<u32, (Vote, i64)>,
    /// The statement currently shown to this phone (kept until voted on, so a new analysis
    /// never swaps the statement under a reader's thumb).
    pub showing: Option<u32>,
    bucket: Bucket,
}

/// A spectrum in memory.
#[derive(Clone, Debug)]
pub(crate) struct Spectrum {
    pub id: u32,
    pub sid: u32,
    pub open_round: Option<u8>,
    pub created: i64,
    /// Round 1 and round 2 positions by participant.
    pub positions: [BTreeMap<u32, i8>; 2],
}

/// A room's state in memory, rebuilt from the database at start.
pub(crate) struct Room {
    pub id: i64,
    pub info: RoomInfo,
    pub key: String,
    pub seed: u64,
    pub statements: BTreeMap<u32, StoredStatement>,
    pub participants: BTreeMap<u32, Participant>,
    pub tokens: HashMap<String, u32>,
    /// Every vote event (re-votes included), for the Polis export.
    pub events: Vec<VoteEvent>,
    /// (participant, client id) of every committed vote.
    vote_ids: HashSet<(u32, String)>,
    pub spectrums: Vec<Spectrum>,
    /// Votes the engine has not seen yet.
    pending_votes: Vec<VoteEvent>,
    /// Moderation changed since the last engine update.
    statuses_changed: bool,
    next_sid: u32,
    next_pid: u32,
}

impl Room {
    fn from_stored(s: StoredRoom, burst: u32) -> Room {
        let mut participants = BTreeMap::new();
        let mut tokens = HashMap::new();
        for p in &s.participants {
            tokens.insert(p.token.clone(), p.pid);
            participants.insert(
                p.pid,
                Participant {
                    votes: BTreeMap::new(),
                    showing: None,
                    bucket: Bucket::new(burst),
                },
            );
        }
        let mut events = Vec::with_capacity(s.votes.len());
        let mut vote_ids = HashSet::with_capacity(s.votes.len());
        for v in &s.votes {
            if let Some(p) = participants.get_mut(&v.pid) {
                let newer = p.votes.get(&v.sid).is_none_or(|(_, t)| *t <= v.time);
                if newer {
                    p.votes.insert(v.sid, (v.vote, v.time));
                }
            }
            events.push(VoteEvent::new(v.pid, v.sid, v.vote, v.time));
            vote_ids.insert((v.pid, v.client_id.clone()));
        }
        let mut spectrums: Vec<Spectrum> = s
            .spectrums
            .iter()
            .map(|x| Spectrum {
                id: x.id,
                sid: x.sid,
                open_round: x.open_round,
                created: x.created,
                positions: [BTreeMap::new(), BTreeMap::new()],
            })
            .collect();
        for p in &s.positions {
            if let Some(sp) = spectrums.iter_mut().find(|x| x.id == p.spectrum) {
                if (1..=2).contains(&p.round) {
                    sp.positions[usize::from(p.round - 1)].insert(p.pid, p.position);
                }
            }
        }
        let statements: BTreeMap<u32, StoredStatement> =
            s.statements.into_iter().map(|x| (x.sid, x)).collect();
        let next_sid = statements.keys().next_back().map_or(0, |k| k + 1);
        let next_pid = participants.keys().next_back().map_or(0, |k| k + 1);
        Room {
            id: s.id,
            info: RoomInfo {
                code: s.code,
                topic: s.topic,
                description: s.description,
                language: s.language,
                settings: s.settings,
                stage: s.stage,
                closed: s.closed,
                created: s.created,
            },
            key: s.facilitator_key,
            seed: s.seed,
            statements,
            participants,
            tokens,
            pending_votes: events.clone(),
            statuses_changed: true,
            events,
            vote_ids,
            spectrums,
            next_sid,
            next_pid,
        }
    }

    /// Whether participants see this statement.
    pub fn visible(s: &StoredStatement) -> bool {
        s.moderation == ModerationState::Accepted
    }

    pub fn statement_view(s: &StoredStatement) -> StatementView {
        StatementView {
            id: s.sid,
            text: s.text.clone(),
            is_seed: s.is_seed,
            moderation: s.moderation,
        }
    }

    fn engine_status(s: &StoredStatement) -> StatementStatus {
        StatementStatus {
            moderation: match s.moderation {
                ModerationState::Accepted => Moderation::Accepted,
                ModerationState::Pending => Moderation::Unmoderated,
                ModerationState::Rejected => Moderation::Rejected,
            },
            is_meta: false,
        }
    }

    fn open_for_changes(&self) -> Result<(), ServerError> {
        if self.info.closed {
            Err(ServerError::Conflict("the room is closed".into()))
        } else {
            Ok(())
        }
    }

    fn spectrum_view(
        &self,
        id: u32,
        analysis: Option<&Analysis>,
    ) -> Result<SpectrumView, ServerError> {
        let sp = self
            .spectrums
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| ServerError::NotFound(format!("no spectrum {id} in this room")))?;
        Ok(views::spectrum_view(self, sp, analysis))
    }
}

/// What the room's sockets watch: the latest analysis and the projector's view, serialised once.
pub struct Snapshot {
    /// Bumped on every publish.
    pub version: u64,
    /// The last engine result.
    pub analysis: Option<Arc<Analysis>>,
    /// The projector's view.
    pub room_view: Arc<RoomView>,
    /// `ServerMessage::Room(room_view)` as JSON.
    pub room_message: Arc<str>,
}

/// A room being served.
pub struct LiveRoom {
    /// Join code.
    pub code: String,
    room_id: i64,
    state: Mutex<Room>,
    engine: Arc<Mutex<Conversation>>,
    analysis: RwLock<Option<Arc<Analysis>>>,
    dirty: Notify,
    snapshot: watch::Sender<Arc<Snapshot>>,
    store: Store,
    limits: Limits,
    min_groups: u32,
}

/// Random hex string of `bytes` random bytes from the OS.
pub(crate) fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn check_client_id(id: &str) -> Result<(), ServerError> {
    if id.is_empty() || id.chars().count() > 64 {
        return Err(ServerError::Unprocessable(
            "a client id must be 1 to 64 characters".into(),
        ));
    }
    Ok(())
}

/// Trims a statement and checks it against the room's limit.
pub(crate) fn check_statement_text(text: &str, max_chars: u32) -> Result<String, ServerError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ServerError::Unprocessable("the statement is empty".into()));
    }
    let n = t.chars().count();
    if n > max_chars as usize {
        return Err(ServerError::TooLarge(format!(
            "the statement has {n} characters; this room takes at most {max_chars}"
        )));
    }
    Ok(t.to_string())
}

/// Checks settings a facilitator sends.
pub(crate) fn check_settings(s: &RoomSettings) -> Result<(), ServerError> {
    if s.statement_max_chars == 0 || s.statement_max_chars > MAX_STATEMENT_MAX_CHARS {
        return Err(ServerError::Unprocessable(format!(
            "statement_max_chars must be between 1 and {MAX_STATEMENT_MAX_CHARS}"
        )));
    }
    Ok(())
}

impl LiveRoom {
    /// Builds a live room from what the database holds and runs its first analysis.
    pub(crate) async fn start(
        stored: StoredRoom,
        store: Store,
        limits: Limits,
    ) -> Result<Arc<LiveRoom>, ServerError> {
        let params = AnalysisParams::builder(Preset::Workshop)
            .seed(stored.seed)
            .build()
            .map_err(|e| ServerError::Storage(format!("engine parameters: {e}")))?;
        let min_groups = params.min_participants_for_groups();
        let engine = match stored
            .engine_state
            .as_deref()
            .and_then(|s| serde_json::from_str::<EngineState>(s).ok())
        {
            Some(state) => Conversation::with_state(params.clone(), state)
                .unwrap_or_else(|_| Conversation::new(params)),
            None => Conversation::new(params),
        };
        let room = Room::from_stored(stored, limits.vote_burst);
        let code = room.info.code.clone();
        let room_id = room.id;
        let empty = Arc::new(RoomView::default());
        let (snapshot, _) = watch::channel(Arc::new(Snapshot {
            version: 0,
            analysis: None,
            room_message: Arc::from(""),
            room_view: empty,
        }));
        let live = Arc::new(LiveRoom {
            code,
            room_id,
            state: Mutex::new(room),
            engine: Arc::new(Mutex::new(engine)),
            analysis: RwLock::new(None),
            dirty: Notify::new(),
            snapshot,
            store,
            limits,
            min_groups,
        });
        live.refresh().await;
        Ok(live)
    }

    /// Runs until `shutdown` turns true: waits for changes, lets a burst gather for the
    /// coalescing window, then updates the analysis once and publishes.
    pub(crate) async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                () = self.dirty.notified() => {}
                _ = shutdown.changed() => break,
            }
            tokio::time::sleep(self.limits.coalesce).await;
            self.refresh().await;
        }
        self.refresh().await;
    }

    /// Updates the engine if votes or moderation changed, persists its state, and publishes.
    async fn refresh(&self) {
        let (events, statuses) = {
            let mut room = lock(&self.state);
            let events = std::mem::take(&mut room.pending_votes);
            let statuses: Option<Vec<(u32, StatementStatus)>> = if room.statuses_changed {
                room.statuses_changed = false;
                Some(
                    room.statements
                        .values()
                        .map(|s| (s.sid, Room::engine_status(s)))
                        .collect(),
                )
            } else {
                None
            };
            (events, statuses)
        };
        if !events.is_empty() || statuses.is_some() {
            let engine = Arc::clone(&self.engine);
            let done = tokio::task::spawn_blocking(move || {
                let mut conv = lock(&engine);
                conv.add_votes(&events);
                for (sid, st) in statuses.into_iter().flatten() {
                    conv.set_statement(sid, st);
                }
                let analysis = conv.update();
                let state = serde_json::to_string(conv.state()).unwrap_or_default();
                (analysis, state)
            })
            .await;
            if let Ok((analysis, state)) = done {
                let room_id = self.room_id;
                if let Err(e) = self
                    .store
                    .write(move |c| {
                        store::update_room_field(c, room_id, RoomField::EngineState(state))
                    })
                    .await
                {
                    eprintln!(
                        "polyphony: room {}: cannot save the engine state: {e}",
                        self.code
                    );
                }
                *self.analysis.write().unwrap_or_else(|e| e.into_inner()) =
                    Some(Arc::new(analysis));
            }
        }
        self.publish();
    }

    /// The last analysis.
    pub fn analysis(&self) -> Option<Arc<Analysis>> {
        self.analysis
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Rebuilds the projector view from the current state and the last analysis, and wakes every
    /// socket.
    pub(crate) fn publish(&self) {
        let analysis = self.analysis();
        let view = {
            let room = lock(&self.state);
            views::room_view(&room, analysis.as_deref(), self.min_groups)
        };
        let message =
            serde_json::to_string(&ServerMessage::Room(Box::new(view.clone()))).unwrap_or_default();
        let version = self.snapshot.borrow().version + 1;
        self.snapshot.send_replace(Arc::new(Snapshot {
            version,
            analysis,
            room_view: Arc::new(view),
            room_message: Arc::from(message),
        }));
    }

    /// Asks the analysis task for an update (votes, joins, positions: coalesced).
    fn mark_dirty(&self) {
        self.dirty.notify_one();
    }

    /// A receiver of the room's snapshots.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.snapshot.subscribe()
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.borrow())
    }

    /// Public room facts.
    pub fn info(&self) -> RoomInfo {
        lock(&self.state).info.clone()
    }

    /// Checks a facilitator key.
    pub fn check_key(&self, key: Option<&str>) -> Result<(), ServerError> {
        let key = key.ok_or_else(|| {
            ServerError::Unauthorized("this needs the facilitator key (x-facilitator-key)".into())
        })?;
        if same_secret(key, &lock(&self.state).key) {
            Ok(())
        } else {
            Err(ServerError::Forbidden(
                "the facilitator key is not this room's".into(),
            ))
        }
    }

    /// The participant a token belongs to.
    pub fn participant(&self, token: Option<&str>) -> Result<u32, ServerError> {
        let token = token.ok_or_else(|| {
            ServerError::Unauthorized(
                "this needs a participant token (x-participant-token); join the room first".into(),
            )
        })?;
        lock(&self.state).tokens.get(token).copied().ok_or_else(|| {
            ServerError::Forbidden("this participant token is not from this room".into())
        })
    }

    /// A new anonymous participant.
    pub async fn join(&self) -> Result<String, ServerError> {
        let (pid, token) = {
            let mut room = lock(&self.state);
            room.open_for_changes()?;
            if room.participants.len() >= self.limits.max_participants_per_room as usize {
                return Err(ServerError::Conflict(format!(
                    "the room is full ({} participants)",
                    self.limits.max_participants_per_room
                )));
            }
            let pid = room.next_pid;
            room.next_pid += 1;
            (pid, random_hex(16))
        };
        let created = next_time();
        let p = store::StoredParticipant {
            pid,
            token: token.clone(),
            created,
        };
        let room_id = self.room_id;
        self.store
            .write(move |c| store::insert_participant(c, room_id, &p))
            .await?;
        {
            let mut room = lock(&self.state);
            room.tokens.insert(token.clone(), pid);
            room.participants.insert(
                pid,
                Participant {
                    votes: BTreeMap::new(),
                    showing: None,
                    bucket: Bucket::new(self.limits.vote_burst),
                },
            );
        }
        self.mark_dirty();
        Ok(token)
    }

    /// Records a vote; answers once it is committed. The same client id from the same participant
    /// is applied once.
    pub async fn vote(&self, pid: u32, req: VoteRequest) -> Result<VoteAck, ServerError> {
        check_client_id(&req.id)?;
        {
            let mut room = lock(&self.state);
            if room.vote_ids.contains(&(pid, req.id.clone())) {
                return Ok(VoteAck {
                    id: req.id,
                    duplicate: true,
                });
            }
            room.open_for_changes()?;
            match room.statements.get(&req.statement) {
                None => {
                    return Err(ServerError::NotFound(format!(
                        "no statement {} in this room",
                        req.statement
                    )))
                }
                Some(s) if s.moderation == ModerationState::Pending => {
                    return Err(ServerError::Conflict(format!(
                        "statement {} is waiting for moderation",
                        req.statement
                    )))
                }
                Some(_) => {}
            }
            let (rate, burst) = (self.limits.votes_per_second, self.limits.vote_burst);
            let p = room
                .participants
                .get_mut(&pid)
                .ok_or_else(|| ServerError::Forbidden("unknown participant".into()))?;
            if !p.bucket.take(rate, burst) {
                return Err(ServerError::TooManyRequests(format!(
                    "more than {rate} votes a second; resend in a moment"
                )));
            }
        }
        let room_id = self.room_id;
        let (vote, sid, client_id) = (req.vote, req.statement, req.id.clone());
        let (inserted, time) = self
            .store
            .write(move |c| {
                let time = next_time();
                let v = StoredVote {
                    pid,
                    sid,
                    vote,
                    time,
                    client_id,
                };
                Ok((store::insert_vote(c, room_id, &v)?, time))
            })
            .await?;
        {
            let mut room = lock(&self.state);
            room.vote_ids.insert((pid, req.id.clone()));
            if inserted {
                let event = VoteEvent::new(pid, sid, vote, time);
                room.events.push(event);
                room.pending_votes.push(event);
                if let Some(p) = room.participants.get_mut(&pid) {
                    if p.votes.get(&sid).is_none_or(|(_, t)| *t <= time) {
                        p.votes.insert(sid, (vote, time));
                    }
                    if p.showing == Some(sid) {
                        p.showing = None;
                    }
                }
            }
        }
        if inserted {
            self.mark_dirty();
        }
        Ok(VoteAck {
            id: req.id,
            duplicate: !inserted,
        })
    }

    /// Adds a statement from a participant (`author = Some(pid)`) or the facilitator (`None`).
    pub async fn add_statement(
        &self,
        author: Option<u32>,
        req: NewStatement,
    ) -> Result<StatementAdded, ServerError> {
        if let Some(id) = &req.id {
            check_client_id(id)?;
        }
        let (sid, text, moderation) = {
            let mut room = lock(&self.state);
            if let (Some(pid), Some(id)) = (author, &req.id) {
                if let Some(s) = room
                    .statements
                    .values()
                    .find(|s| s.author == Some(pid) && s.client_id.as_deref() == Some(id))
                {
                    return Ok(StatementAdded {
                        id: req.id.clone(),
                        statement: Room::statement_view(s),
                        duplicate: true,
                    });
                }
            }
            room.open_for_changes()?;
            if author.is_some() && !room.info.settings.participants_can_add {
                return Err(ServerError::Forbidden(
                    "participants cannot add statements in this room".into(),
                ));
            }
            if room.statements.len() >= self.limits.max_statements_per_room as usize {
                return Err(ServerError::Conflict(format!(
                    "the room has its maximum of {} statements",
                    self.limits.max_statements_per_room
                )));
            }
            let text = check_statement_text(&req.text, room.info.settings.statement_max_chars)?;
            let moderation = match (author, room.info.settings.moderation) {
                (Some(_), ModerationMode::Strict) => ModerationState::Pending,
                _ => ModerationState::Accepted,
            };
            let sid = room.next_sid;
            room.next_sid += 1;
            (sid, text, moderation)
        };
        let s = StoredStatement {
            sid,
            text,
            author,
            is_seed: false,
            moderation,
            created: next_time(),
            client_id: req.id.clone(),
        };
        let room_id = self.room_id;
        let stored = s.clone();
        let existing = self
            .store
            .write(move |c| {
                if let (Some(pid), Some(id)) = (stored.author, stored.client_id.as_deref()) {
                    if let Some(sid) = store::statement_by_client_id(c, room_id, pid, id)? {
                        return Ok(Some(sid));
                    }
                }
                store::insert_statement(c, room_id, &stored)?;
                Ok(None)
            })
            .await?;
        let view = {
            let mut room = lock(&self.state);
            match existing.and_then(|sid| room.statements.get(&sid)) {
                Some(old) => {
                    return Ok(StatementAdded {
                        id: req.id,
                        statement: Room::statement_view(old),
                        duplicate: true,
                    })
                }
                None => {
                    let view = Room::statement_view(&s);
                    room.statements.insert(sid, s);
                    room.statuses_changed = true;
                    view
                }
            }
        };
        self.mark_dirty();
        Ok(StatementAdded {
            id: req.id,
            statement: view,
            duplicate: false,
        })
    }

    /// Every statement with its moderation state, for the facilitator.
    pub fn moderation_queue(&self) -> Vec<ModerationItem> {
        lock(&self.state)
            .statements
            .values()
            .map(|s| ModerationItem {
                statement: Room::statement_view(s),
                from_participant: s.author.is_some(),
                created: s.created,
            })
            .collect()
    }

    /// Accepts or rejects a statement.
    pub async fn moderate(
        &self,
        sid: u32,
        state: ModerationState,
    ) -> Result<StatementView, ServerError> {
        if !lock(&self.state).statements.contains_key(&sid) {
            return Err(ServerError::NotFound(format!(
                "no statement {sid} in this room"
            )));
        }
        let room_id = self.room_id;
        self.store
            .write(move |c| store::update_moderation(c, room_id, sid, state))
            .await?;
        let view = {
            let mut room = lock(&self.state);
            let s = room
                .statements
                .get_mut(&sid)
                .ok_or_else(|| ServerError::NotFound(format!("no statement {sid} in this room")))?;
            s.moderation = state;
            let view = Room::statement_view(s);
            room.statuses_changed = true;
            if state != ModerationState::Accepted {
                for p in room.participants.values_mut() {
                    if p.showing == Some(sid) {
                        p.showing = None;
                    }
                }
            }
            view
        };
        self.mark_dirty();
        self.publish();
        Ok(view)
    }

    /// Commits one room column, then applies it and publishes.
    async fn set_field(&self, field: RoomField) -> Result<RoomInfo, ServerError> {
        let room_id = self.room_id;
        let write = field.clone();
        self.store
            .write(move |c| store::update_room_field(c, room_id, write))
            .await?;
        let info = {
            let mut room = lock(&self.state);
            match field {
                RoomField::Settings(s) => room.info.settings = s,
                RoomField::Stage(s) => room.info.stage = s,
                RoomField::Closed(c) => room.info.closed = c,
                RoomField::EngineState(_) => {}
            }
            room.info.clone()
        };
        self.publish();
        Ok(info)
    }

    /// Changes the settings.
    pub async fn set_settings(&self, settings: RoomSettings) -> Result<RoomInfo, ServerError> {
        check_settings(&settings)?;
        self.set_field(RoomField::Settings(settings)).await
    }

    /// Moves the room to a stage.
    pub async fn set_stage(&self, stage: Stage) -> Result<RoomInfo, ServerError> {
        self.set_field(RoomField::Stage(stage)).await
    }

    /// Closes the room: no more joins, votes or statements; views stay readable.
    pub async fn close(&self) -> Result<RoomInfo, ServerError> {
        self.set_field(RoomField::Closed(true)).await
    }

    /// Starts a spectrum on a statement with round 1 open (closing any other), and moves the room
    /// to the spectrum stage.
    pub async fn start_spectrum(&self, sid: u32) -> Result<SpectrumView, ServerError> {
        let (new, closing) = {
            let room = lock(&self.state);
            room.open_for_changes()?;
            if !room.statements.get(&sid).is_some_and(Room::visible) {
                return Err(ServerError::NotFound(format!(
                    "no accepted statement {sid} in this room"
                )));
            }
            let id = room.spectrums.iter().map(|s| s.id + 1).max().unwrap_or(0);
            let closing: Vec<StoredSpectrum> = room
                .spectrums
                .iter()
                .filter(|s| s.open_round.is_some())
                .map(|s| StoredSpectrum {
                    id: s.id,
                    sid: s.sid,
                    open_round: None,
                    created: s.created,
                })
                .collect();
            let new = StoredSpectrum {
                id,
                sid,
                open_round: Some(1),
                created: next_time(),
            };
            (new, closing)
        };
        let room_id = self.room_id;
        let (n, c) = (new.clone(), closing.clone());
        self.store
            .write(move |conn| {
                for s in &c {
                    store::upsert_spectrum(conn, room_id, s)?;
                }
                store::upsert_spectrum(conn, room_id, &n)?;
                store::update_room_field(conn, room_id, RoomField::Stage(Stage::Spectrum))
            })
            .await?;
        let view = {
            let mut room = lock(&self.state);
            for s in &mut room.spectrums {
                s.open_round = None;
            }
            room.spectrums.push(Spectrum {
                id: new.id,
                sid: new.sid,
                open_round: Some(1),
                created: new.created,
                positions: [BTreeMap::new(), BTreeMap::new()],
            });
            room.info.stage = Stage::Spectrum;
            room.spectrum_view(new.id, self.analysis().as_deref())?
        };
        self.publish();
        Ok(view)
    }

    /// Opens round 1 or 2 of a spectrum (closing any other open one), or closes it (`None`).
    pub async fn spectrum_round(
        &self,
        id: u32,
        open: Option<u8>,
    ) -> Result<SpectrumView, ServerError> {
        if let Some(r) = open {
            if !(1..=2).contains(&r) {
                return Err(ServerError::Unprocessable(
                    "a spectrum has rounds 1 and 2".into(),
                ));
            }
        }
        let changes: Vec<StoredSpectrum> = {
            let room = lock(&self.state);
            if open.is_some() {
                room.open_for_changes()?;
            }
            if !room.spectrums.iter().any(|s| s.id == id) {
                return Err(ServerError::NotFound(format!(
                    "no spectrum {id} in this room"
                )));
            }
            room.spectrums
                .iter()
                .filter(|s| s.id == id || s.open_round.is_some())
                .map(|s| StoredSpectrum {
                    id: s.id,
                    sid: s.sid,
                    open_round: if s.id == id { open } else { None },
                    created: s.created,
                })
                .collect()
        };
        let room_id = self.room_id;
        let c = changes.clone();
        self.store
            .write(move |conn| {
                for s in &c {
                    store::upsert_spectrum(conn, room_id, s)?;
                }
                Ok(())
            })
            .await?;
        let view = {
            let mut room = lock(&self.state);
            for ch in &changes {
                if let Some(s) = room.spectrums.iter_mut().find(|s| s.id == ch.id) {
                    s.open_round = ch.open_round;
                }
            }
            room.spectrum_view(id, self.analysis().as_deref())?
        };
        self.publish();
        Ok(view)
    }

    /// Records where a participant stands in the open round (latest wins).
    pub async fn spectrum_position(
        &self,
        pid: u32,
        req: SpectrumPosition,
    ) -> Result<SpectrumAck, ServerError> {
        if let Some(id) = &req.id {
            check_client_id(id)?;
        }
        if !(-2..=2).contains(&req.position) {
            return Err(ServerError::Unprocessable(
                "a spectrum position is -2 (strongly disagree) to 2 (strongly agree)".into(),
            ));
        }
        {
            let room = lock(&self.state);
            room.open_for_changes()?;
            let sp = room
                .spectrums
                .iter()
                .find(|s| s.id == req.spectrum)
                .ok_or_else(|| {
                    ServerError::NotFound(format!("no spectrum {} in this room", req.spectrum))
                })?;
            if sp.open_round != Some(req.round) {
                return Err(ServerError::Conflict(format!(
                    "round {} of this spectrum is not open",
                    req.round
                )));
            }
        }
        let p = StoredPosition {
            spectrum: req.spectrum,
            round: req.round,
            pid,
            position: req.position,
        };
        let room_id = self.room_id;
        let stored = p.clone();
        self.store
            .write(move |c| store::upsert_position(c, room_id, &stored, next_time()))
            .await?;
        {
            let mut room = lock(&self.state);
            if let Some(sp) = room.spectrums.iter_mut().find(|s| s.id == p.spectrum) {
                sp.positions[usize::from(p.round - 1)].insert(pid, p.position);
            }
        }
        self.mark_dirty();
        Ok(SpectrumAck {
            id: req.id,
            spectrum: req.spectrum,
            round: req.round,
            position: req.position,
        })
    }

    /// The phone's whole view. Picks (and remembers) the next statement to show.
    pub fn phone_view(&self, pid: u32, analysis: Option<&Analysis>) -> PhoneView {
        let mut room = lock(&self.state);
        views::phone_view(&mut room, pid, analysis)
    }

    /// A spectrum's view.
    pub fn spectrum(&self, id: u32) -> Result<SpectrumView, ServerError> {
        lock(&self.state).spectrum_view(id, self.analysis().as_deref())
    }

    /// Runs `f` on the room's state (exports).
    pub(crate) fn with_room<T>(&self, f: impl FnOnce(&Room) -> T) -> T {
        f(&lock(&self.state))
    }

    /// Runs `f` on the engine (exports).
    pub(crate) fn with_engine<T>(&self, f: impl FnOnce(&Conversation) -> T) -> T {
        f(&lock(&self.engine))
    }

    /// Runs an update now with whatever is pending (exports call it so files include every
    /// acknowledged vote).
    pub async fn settle(&self) {
        self.refresh().await;
    }
}
