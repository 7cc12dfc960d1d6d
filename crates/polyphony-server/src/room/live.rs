//! [`LiveRoom`]: a room being served. Its [`Room`] sits behind a short-held mutex; every change
//! goes through [`LiveRoom::commit`]: check (and reserve) under the lock, the durable write
//! awaited, apply under the lock, then publish. An answer leaves only after its commit.
//!
//! This file knows no particular command: each command's entry point (`LiveRoom::vote`,
//! `LiveRoom::form_tables`, …) is in its own file under `super::commands`, beside its check,
//! its write and its apply. What is here is the commit path and the reads.
//!
//! Locking: `state` is a plain mutex held only for short, non-async sections; the engine is the
//! [`Analyser`]'s, behind its own mutex.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use polyphony_core::{Analysis, VoteMatrix};
use polyphony_protocol::{PhoneView, RoomInfo};
use tokio::sync::watch;

use super::change::{Change, Step};
use super::error::RoomError;
use super::model::Room;
use super::task::{Analyser, Snapshot};
use super::{routing, views};
use crate::store::{Store, StoredRoom};
use crate::util::{lock, next_time, same_secret};
use crate::Limits;

/// A room being served.
pub struct LiveRoom {
    /// Join code.
    pub code: String,
    room_id: i64,
    pub(super) state: Mutex<Room>,
    analyser: Analyser,
    store: Store,
    /// Orders joins and table formation: a join holds it shared from its check to its apply,
    /// forming tables holds it alone. So whichever of the two comes second decides the seat in
    /// its own commit — a join checked after the plan is applied is seated by `late_seat`, a
    /// plan checked after the join is applied seats the joiner — and no join is checked
    /// before a plan is applied but applied after it was checked (or the other way round).
    pub(super) seating: tokio::sync::RwLock<()>,
    /// Turns true when another instance took the room over (its lease moved on): the task
    /// stops and the sockets close, so phones reconnect to the new owner.
    retired: watch::Sender<bool>,
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
            retired: watch::Sender::new(false),
        });
        live.analyser.refresh(&live.state).await;
        Ok(live)
    }

    /// Runs the room's analysis task until `shutdown` turns true (see [`Analyser::run`]), or
    /// until the room is retired (nothing more is written: another instance serves it).
    pub(crate) async fn run(self: Arc<Self>, shutdown: watch::Receiver<bool>) {
        let mut retired = self.retired.subscribe();
        if self.retired() {
            return;
        }
        tokio::select! {
            () = self.analyser.run(&self.state, shutdown) => {}
            _ = retired.changed() => {}
        }
    }

    /// The room's row id in the store.
    pub(crate) fn room_id(&self) -> i64 {
        self.room_id
    }

    /// Stops serving the room here (see `retired`).
    pub(crate) fn retire(&self) {
        self.retired.send_replace(true);
    }

    /// Whether the room was retired.
    pub(crate) fn retired(&self) -> bool {
        *self.retired.borrow()
    }

    /// A receiver that turns true when the room is retired.
    pub(crate) fn retirement(&self) -> watch::Receiver<bool> {
        self.retired.subscribe()
    }

    /// The one path every change takes: `check` decides under the lock (and the change reserves
    /// what it needs there), the write is awaited until its transaction committed, the change is
    /// applied under the lock, then the analysis is woken or the view published. Whether a
    /// resent id counts is decided in the check (memory) or, for a resend racing the first
    /// request, by the write itself, so an acknowledged change is always stored.
    pub(super) async fn commit<C: Change>(
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
        let to_write = change.clone();
        let written = match self
            .store
            .write_room(self.room_id, move |store| to_write.persist(store))
            .await
        {
            Ok(written) => written,
            Err(e) => {
                change.unreserve(&mut lock(&self.state));
                // Fenced off: another instance holds the room now. Nothing was written;
                // the phones reconnect and reach the new owner.
                if matches!(e, crate::store::StoreError::LeaseLost(_)) {
                    self.retire();
                }
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

    /// Whether the room still holds this participant (not removed, not expired).
    pub fn has_participant(&self, pid: u32) -> bool {
        lock(&self.state).participants().contains_key(&pid)
    }

    /// The participant a token names.
    pub fn participant(&self, token: Option<&str>) -> Result<u32, RoomError> {
        let token = token.ok_or(RoomError::TokenMissing)?;
        lock(&self.state)
            .participant_by_token(token)
            .ok_or(RoomError::WrongToken)
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

    /// Runs `f` on the room's state; `f` should only copy what it needs (exports build their
    /// files from the copy, outside the lock).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Room) -> T) -> T {
        f(&lock(&self.state))
    }

    /// A copy of the engine's vote matrix (rows and columns in the engine's first-seen order).
    pub(crate) fn matrix(&self) -> VoteMatrix {
        self.analyser.matrix()
    }

    /// The room's analysis task (its tests).
    #[cfg(test)]
    pub(crate) fn analyser(&self) -> &Analyser {
        &self.analyser
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
