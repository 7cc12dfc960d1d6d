//! [`LiveRoom`]: a room being served. Its [`Room`] sits behind a short-held mutex; every change
//! goes through [`LiveRoom::commit`]: check (and reserve) under the lock, the durable write
//! awaited, apply under the lock, then publish. An answer leaves only after its commit.
//!
//! Locking: `state` is a plain mutex held only for short, non-async sections; the engine is the
//! [`Analyser`]'s, behind its own mutex.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use polyphony_core::{Analysis, VoteMatrix};
use polyphony_protocol::{
    ControlRequest, ModerationItem, ModerationState, NewStatement, PhoneView, RoomInfo,
    RoomSettings, SpectrumAck, SpectrumPosition, SpectrumView, Stage, StatementAdded,
    StatementView, VoteAck, VoteRequest,
};
use rusqlite::Connection;
use tokio::sync::watch;

use super::commands::{self as cmd, Change, Step};
use super::error::RoomError;
use super::model::{statement_view, Room};
use super::task::{Analyser, Snapshot};
use super::{routing, views};
use crate::store::{self, RoomField, Store, StoreError, StoredRoom};
use crate::util::{lock, next_time, random_hex, same_secret};
use crate::Limits;

mod tables;

/// A room being served.
pub struct LiveRoom {
    /// Join code.
    pub code: String,
    room_id: i64,
    state: Mutex<Room>,
    analyser: Analyser,
    store: Store,
    /// Orders joins and table formation: a join holds it shared from its check to its apply,
    /// forming tables holds it alone. So whichever of the two comes second decides the seat in
    /// its own commit — a join checked after the plan is applied is seated by `late_seat`, a
    /// plan checked after the join is applied seats the joiner — and no join is checked
    /// before a plan is applied but applied after it was checked (or the other way round).
    seating: tokio::sync::RwLock<()>,
}

/// How a checked change reaches the database (the live half of [`Change`]).
pub(crate) trait Persist: Change {
    /// Runs inside the writer's group transaction.
    fn write(&self, conn: &Connection, room_id: i64) -> Result<Self::Written, StoreError>;
}

impl<C: Persist> Persist for cmd::Limited<C> {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<C::Written, StoreError> {
        self.change.write(conn, room_id)
    }
}

impl Persist for cmd::Join {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::insert_participant(conn, room_id, &self.participant)?;
        if !self.expire.is_empty() {
            store::delete_idle_participants(conn, room_id, &self.expire)?;
        }
        if let Some((seat, draw)) = &self.seat {
            store::insert_seat(conn, room_id, seat)?;
            if let Some(d) = draw {
                store::insert_draw(conn, room_id, d)?;
            }
        }
        Ok(())
    }
}

impl Persist for cmd::CastVote {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<cmd::VoteWritten, StoreError> {
        // The time is taken in commit order, so a later commit is a later vote.
        let time = next_time();
        let v = store::StoredVote {
            pid: self.pid,
            sid: self.sid,
            vote: self.vote,
            time,
            client_id: self.client_id.clone(),
        };
        let inserted = store::insert_vote(conn, room_id, &v)?;
        Ok(cmd::VoteWritten { inserted, time })
    }
}

impl Persist for cmd::AddStatement {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<Self::Written, StoreError> {
        store::insert_statement_once(conn, room_id, &self.statement)
    }
}

impl Persist for cmd::Moderate {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::update_moderation(conn, room_id, self.sid, self.state)?;
        if let Some(c) = &self.controls {
            store::update_controls(conn, room_id, c)?;
        }
        Ok(())
    }
}

impl Persist for cmd::SetControls {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        if let Some(frozen) = &self.frozen {
            store::update_frozen_groups(conn, room_id, frozen.as_ref())?;
        }
        store::update_controls(conn, room_id, &self.controls)
    }
}

impl Persist for cmd::SetBrief {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::update_brief(conn, room_id, &self.cards)
    }
}

impl Persist for cmd::TakeSnapshot {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::insert_snapshot(conn, room_id, &self.snapshot)
    }
}

impl Persist for cmd::RejectPending {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        for sid in &self.sids {
            store::update_moderation(conn, room_id, *sid, ModerationState::Rejected)?;
        }
        Ok(())
    }
}

impl Persist for cmd::SetField {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::update_room_field(conn, room_id, self.0.clone())
    }
}

impl Persist for cmd::StartSpectrum {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        for s in &self.closing {
            store::upsert_spectrum(conn, room_id, s)?;
        }
        store::upsert_spectrum(conn, room_id, &self.new)?;
        store::update_controls(conn, room_id, &self.controls)?;
        store::update_room_field(conn, room_id, RoomField::Stage(Stage::Spectrum))
    }
}

impl Persist for cmd::SpectrumRound {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        for s in &self.changes {
            store::upsert_spectrum(conn, room_id, s)?;
        }
        if let Some(c) = &self.controls {
            store::update_controls(conn, room_id, c)?;
        }
        Ok(())
    }
}

impl Persist for cmd::PlacePosition {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::upsert_position(conn, room_id, &self.position, next_time())
    }
}

impl LiveRoom {
    /// Builds a live room from what the database holds and runs its first analysis.
    pub(crate) async fn start(
        stored: StoredRoom,
        store: Store,
        limits: Limits,
    ) -> Result<Arc<LiveRoom>, RoomError> {
        let analyser = Analyser::new(&stored, store.clone(), limits.coalesce)?;
        let room_id = stored.id;
        let room = Room::from_stored(stored, limits, Instant::now());
        let live = Arc::new(LiveRoom {
            code: room.info().code.clone(),
            room_id,
            state: Mutex::new(room),
            analyser,
            store,
            seating: tokio::sync::RwLock::new(()),
        });
        live.analyser.refresh(&live.state).await;
        Ok(live)
    }

    /// Runs the room's analysis task until `shutdown` turns true (see [`Analyser::run`]).
    pub(crate) async fn run(self: Arc<Self>, shutdown: watch::Receiver<bool>) {
        self.analyser.run(&self.state, shutdown).await;
    }

    /// The one path every change takes: `check` decides under the lock (and the change reserves
    /// what it needs there), the write is awaited until its transaction committed, the change is
    /// applied under the lock, then the analysis is woken or the view published. Whether a
    /// resent id counts is decided in the check (memory) or, for a resend racing the first
    /// request, by the write itself, so an acknowledged change is always stored.
    async fn commit<C: Persist>(
        &self,
        check: impl FnOnce(&Room) -> Result<Step<C>, RoomError>,
    ) -> Result<C::Output, RoomError> {
        let change = {
            let mut room = lock(&self.state);
            match check(&room)? {
                Step::Done(answer) => return Ok(answer),
                Step::Write(change) => {
                    change.reserve(&mut room);
                    change
                }
            }
        };
        let (room_id, to_write) = (self.room_id, change.clone());
        let written = match self
            .store
            .write(move |conn| to_write.write(conn, room_id))
            .await
        {
            Ok(written) => written,
            Err(e) => {
                change.unreserve(&mut lock(&self.state));
                return Err(e.into());
            }
        };
        let (answer, effects) = change.apply(&mut lock(&self.state), written);
        if effects.analyse {
            self.analyser.mark_dirty();
        }
        if effects.publish {
            self.analyser.publish(&self.state);
        }
        Ok(answer)
    }

    /// Public room facts.
    pub fn info(&self) -> RoomInfo {
        lock(&self.state).info().clone()
    }

    /// Checks a facilitator key.
    pub fn check_key(&self, key: Option<&str>) -> Result<(), RoomError> {
        let key = key.ok_or(RoomError::KeyMissing)?;
        if same_secret(key, lock(&self.state).key()) {
            Ok(())
        } else {
            Err(RoomError::WrongKey)
        }
    }

    /// The participant a token belongs to.
    pub fn participant(&self, token: Option<&str>) -> Result<u32, RoomError> {
        let token = token.ok_or(RoomError::TokenMissing)?;
        lock(&self.state)
            .participant_by_token(token)
            .ok_or(RoomError::WrongToken)
    }

    /// A new anonymous participant; answers their token.
    pub async fn join(&self) -> Result<String, RoomError> {
        self.join_as(None, None, None).await
    }

    /// A new participant from a phone at `origin` who brought `admission` (the projector's
    /// code, checked unless the room's admission is open), whose vote bucket starts with
    /// `burst` tokens (see `Limits::full_bursts_per_address_per_minute`); answers their token.
    pub(crate) async fn join_from(
        &self,
        origin: Option<std::net::IpAddr>,
        burst: u32,
        admission: Option<String>,
    ) -> Result<String, RoomError> {
        let origin = origin.map(crate::guard::addr_key);
        self.join_as(origin, Some(burst), Some(cmd::Admission::Code(admission)))
            .await
    }

    async fn join_as(
        &self,
        origin: Option<std::net::IpAddr>,
        burst: Option<u32>,
        admission: Option<cmd::Admission>,
    ) -> Result<String, RoomError> {
        let _seating = self.seating.read().await;
        let req = cmd::JoinRequest {
            token: random_hex(16),
            created: next_time(),
            now: Instant::now(),
            origin,
            burst,
            admission,
        };
        self.commit(|room| cmd::check_join(room, req)).await
    }

    /// Records a vote; answers once it is committed. The same client id from the same participant
    /// is applied once.
    pub async fn vote(&self, pid: u32, req: VoteRequest) -> Result<VoteAck, RoomError> {
        let now = Instant::now();
        self.commit(|room| cmd::check_vote(room, pid, &req, now))
            .await
    }

    /// Adds a statement from a participant (`author = Some(pid)`) or the facilitator (`None`).
    pub async fn add_statement(
        &self,
        author: Option<u32>,
        req: NewStatement,
    ) -> Result<StatementAdded, RoomError> {
        let (created, now) = (next_time(), Instant::now());
        match author {
            Some(pid) => {
                self.commit(|room| {
                    let step = cmd::check_add_statement(room, author, &req, created);
                    cmd::limited(room, pid, now, step)
                })
                .await
            }
            None => {
                self.commit(|room| cmd::check_add_statement(room, author, &req, created))
                    .await
            }
        }
    }

    /// Every statement with its moderation state, for the facilitator.
    pub fn moderation_queue(&self) -> Vec<ModerationItem> {
        lock(&self.state)
            .statements()
            .values()
            .map(|s| ModerationItem {
                statement: statement_view(s),
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
    ) -> Result<StatementView, RoomError> {
        self.commit(|room| cmd::check_moderate(room, sid, state))
            .await?
    }

    /// Rejects every pending statement, or every pending one by the author of `author_of`;
    /// answers the ids rejected.
    pub async fn reject_pending(&self, author_of: Option<u32>) -> Result<Vec<u32>, RoomError> {
        self.commit(|room| cmd::check_reject_pending(room, author_of))
            .await
    }

    /// Changes the settings.
    pub async fn set_settings(&self, settings: RoomSettings) -> Result<RoomInfo, RoomError> {
        self.commit(|room| cmd::check_set_field(room, RoomField::Settings(settings)))
            .await
    }

    /// Moves the room to a stage, and keeps a snapshot of the analysis at that moment (the
    /// report compares them).
    pub async fn set_stage(&self, stage: Stage) -> Result<RoomInfo, RoomError> {
        let info = self
            .commit(|room| cmd::check_set_field(room, RoomField::Stage(stage)))
            .await?;
        self.take_snapshot(stage).await;
        Ok(info)
    }

    /// Applies one of the facilitator's controls. Opening a second vote keeps a snapshot of the
    /// analysis first, so the report can compare before and after.
    pub async fn control(&self, req: ControlRequest) -> Result<RoomInfo, RoomError> {
        if matches!(req, ControlRequest::OpenRevote { .. }) {
            let stage = self.info().stage;
            self.take_snapshot(stage).await;
        }
        if matches!(req, ControlRequest::FreezeGroups) {
            // Freeze what every acknowledged vote draws.
            self.settle().await;
        }
        let analysis = self.analysis();
        let now = next_time();
        self.commit(|room| cmd::check_control(room, &req, now, analysis.as_deref()))
            .await
    }

    /// Stores the analysis as it is now (every acknowledged vote included), marked with
    /// `stage`. A failure is logged: the stage change it follows is already committed.
    pub(super) async fn take_snapshot(&self, stage: Stage) {
        self.settle().await;
        let Some(analysis) = self.analysis() else {
            return;
        };
        let time = next_time();
        if let Err(e) = self
            .commit(|room| cmd::check_snapshot(room, stage, time, analysis))
            .await
        {
            tracing::warn!(error = %e, "cannot store an analysis snapshot");
        }
    }

    /// Replaces the briefing cards (the whole list; checked and normalised).
    pub async fn set_brief(
        &self,
        cards: Vec<polyphony_protocol::BriefCard>,
    ) -> Result<RoomInfo, RoomError> {
        self.commit(|room| cmd::check_set_brief(room, cards)).await
    }

    /// Closes the room: no more joins, votes or statements; views stay readable.
    pub async fn close(&self) -> Result<RoomInfo, RoomError> {
        self.commit(|room| cmd::check_set_field(room, RoomField::Closed(true)))
            .await
    }

    /// Starts a spectrum on a statement with round 1 open (closing any other), and moves the room
    /// to the spectrum stage.
    pub async fn start_spectrum(&self, sid: u32) -> Result<SpectrumView, RoomError> {
        let created = next_time();
        let id = self
            .commit(|room| cmd::check_start_spectrum(room, sid, created))
            .await?;
        self.take_snapshot(Stage::Spectrum).await;
        self.spectrum(id)
    }

    /// Opens round 1 or 2 of a spectrum (closing any other open one), or closes it (`None`).
    pub async fn spectrum_round(
        &self,
        id: u32,
        open: Option<u8>,
    ) -> Result<SpectrumView, RoomError> {
        self.commit(|room| cmd::check_spectrum_round(room, id, open))
            .await?;
        // The facilitator may close a spectrum whose statement was rejected, and sees it.
        let analysis = self.analysis();
        let room = lock(&self.state);
        let sp = room.spectrum(id)?;
        Ok(views::spectrum_view(&room, sp, analysis.as_deref()))
    }

    /// Records where a participant stands in the open round (latest wins).
    pub async fn spectrum_position(
        &self,
        pid: u32,
        req: SpectrumPosition,
    ) -> Result<SpectrumAck, RoomError> {
        let now = Instant::now();
        self.commit(|room| cmd::limited(room, pid, now, cmd::check_position(room, pid, &req)))
            .await
    }

    /// The projector's joining code now and the console's join figures.
    pub fn admission_view(&self) -> polyphony_protocol::AdmissionView {
        let now = next_time();
        let room = lock(&self.state);
        super::admission::admission_view(&room, now)
    }

    /// The phone's whole view. Routes the phone (the statement showing stays until voted on)
    /// and records the choice, then builds the view.
    pub fn phone_view(&self, pid: u32, analysis: Option<&Analysis>) -> PhoneView {
        let mut room = lock(&self.state);
        let route = routing::route(&room, pid, analysis);
        room.show(pid, route.next);
        views::phone_view(&room, pid, &route, analysis)
    }

    /// A spectrum's view (refused once its statement is rejected: it is gone from every view).
    pub fn spectrum(&self, id: u32) -> Result<SpectrumView, RoomError> {
        let analysis = self.analysis();
        let room = lock(&self.state);
        let sp = cmd::live_spectrum(&room, id)?;
        Ok(views::spectrum_view(&room, sp, analysis.as_deref()))
    }

    /// A spectrum's view with the movement between rounds `from` and `to` (any two rounds
    /// opened, `from` before `to`).
    pub fn spectrum_between(&self, id: u32, from: u8, to: u8) -> Result<SpectrumView, RoomError> {
        let analysis = self.analysis();
        let room = lock(&self.state);
        let sp = cmd::live_spectrum(&room, id)?;
        if from == 0 || from >= to || to > sp.rounds() {
            return Err(RoomError::BadRounds {
                rounds: sp.rounds(),
            });
        }
        Ok(views::spectrum_view_between(
            &room,
            sp,
            analysis.as_deref(),
            views::Reveal::AsControlled,
            (from, to),
        ))
    }

    /// Runs `f` on the room's state; `f` should only copy what it needs (exports build their
    /// files from the copy, outside the lock).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Room) -> T) -> T {
        f(&lock(&self.state))
    }

    /// A copy of the engine's vote matrix (rows and columns in the engine's first-seen order).
    pub(crate) fn matrix(&self) -> VoteMatrix {
        self.analyser.matrix()
    }

    /// The last analysis.
    pub fn analysis(&self) -> Option<Arc<Analysis>> {
        self.analyser.analysis()
    }

    /// A receiver of the room's snapshots.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.analyser.subscribe()
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.analyser.snapshot()
    }

    /// Runs an update now with whatever is pending (exports call it so files include every
    /// acknowledged vote).
    pub async fn settle(&self) {
        self.analyser.refresh(&self.state).await;
    }
}
