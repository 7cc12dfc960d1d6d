//! Each room's analysis task ([`Analyser`]): waits for changes, runs `Conversation::update` on
//! a blocking thread, saves the `EngineState` and publishes a [`Snapshot`]. A change in a quiet
//! room is analysed at once; what arrives while an update runs, or within `Limits::coalesce`
//! after it ended, gathers into the next one, which starts when that window ends (at most one
//! analysis per window under a burst, and the same pause between updates as before a quiet
//! room was served at once). Views go out through a `watch` channel: every
//! socket sees the latest snapshot and skips the ones it missed, so a slow phone cannot hold the
//! room back.
//!
//! The engine has its own mutex, used only here (inside `spawn_blocking`) and to copy the vote
//! matrix for an export, so a vote never waits for the math.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use polyphony_core::{Analysis, AnalysisParams, Conversation, EngineState, Preset, VoteMatrix};
use polyphony_protocol::{RoomView, ServerMessage};
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use super::error::RoomError;
use super::model::Room;
use super::views::{self, Reveal};
use crate::store::{RoomField, Store, StoredRoom};
use crate::util::{lock, read, write};

/// What the room's sockets watch: the latest analysis and the projector's view, serialised once
/// into reference-counted bytes that every socket's message shares (a clone is no copy).
pub struct Snapshot {
    /// Bumped on every publish.
    pub version: u64,
    /// The last engine result.
    pub analysis: Option<Arc<Analysis>>,
    /// The projector's view.
    pub room_view: Arc<RoomView>,
    /// `ServerMessage::Room(room_view)` as JSON.
    pub room_message: Utf8Bytes,
    /// What the facilitator's socket gets: the same as `room_message`, or, while something is
    /// hidden from the room, the view with nothing hidden.
    pub host_message: Utf8Bytes,
}

/// A room's engine, its last analysis and the snapshots its sockets watch.
pub(crate) struct Analyser {
    room_id: i64,
    engine: Arc<Mutex<Conversation>>,
    analysis: RwLock<Option<Arc<Analysis>>>,
    dirty: Notify,
    snapshot: watch::Sender<Arc<Snapshot>>,
    store: Store,
    coalesce: Duration,
    min_groups: u32,
    /// Held from taking the engine's input to storing its result, so a `refresh` called to
    /// settle (exports, tables, snapshots) waits for an update already running instead of
    /// reading the analysis from before it.
    updating: tokio::sync::Mutex<()>,
    /// Engine updates run so far (tests count them).
    updates: AtomicU64,
}

/// A fresh engine with `conv`'s parameters, for the room's remaining votes after participants
/// were removed (the engine cannot take votes back). It keeps the previous update's labelled
/// groups without the removed people, so the next update's groups keep their letters.
fn restarted_without(conv: &Conversation, removed: &BTreeSet<u32>) -> Conversation {
    let mut labels = conv.state().group_labels.clone();
    for g in &mut labels {
        g.members.retain(|m| !removed.contains(m));
    }
    let state = EngineState {
        group_labels: labels,
        ..EngineState::default()
    };
    Conversation::with_state(conv.params().clone(), state).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the labels cannot carry over; starting afresh");
        Conversation::new(conv.params().clone())
    })
}

impl Analyser {
    /// The engine of a stored room, resumed from its saved state when that is still valid.
    pub(super) fn new(
        stored: &StoredRoom,
        store: Store,
        coalesce: Duration,
    ) -> Result<Analyser, RoomError> {
        let params = AnalysisParams::builder(Preset::Workshop)
            .seed(stored.seed)
            .build()
            .map_err(|e| RoomError::Internal(format!("engine parameters: {e}")))?;
        let min_groups = params.min_participants_for_groups();
        let saved = stored
            .engine_state
            .as_deref()
            .and_then(|s| match serde_json::from_str::<EngineState>(s) {
                Ok(state) => Some(state),
                // The room's votes are all stored: the engine starts afresh from them (its
                // groups may differ from before); say so rather than drop it silently.
                Err(e) => {
                    tracing::warn!(room = stored.id, error = %e, "the saved engine state cannot be read; starting afresh");
                    None
                }
            });
        // A state saved before a removal reached the engine still holds the removed people
        // (their rows, their clusters): start afresh from the remaining votes instead.
        let saved = saved.filter(|state| {
            let stale = state
                .participants
                .iter()
                .any(|p| stored.removed.contains(p));
            if stale {
                tracing::warn!(
                    room = stored.id,
                    "the saved engine state holds removed participants; starting afresh"
                );
            }
            !stale
        });
        let engine = match saved {
            Some(state) => Conversation::with_state(params.clone(), state).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "the saved engine state is refused; starting afresh");
                Conversation::new(params)
            }),
            None => Conversation::new(params),
        };
        let (snapshot, _) = watch::channel(Arc::new(Snapshot {
            version: 0,
            analysis: None,
            room_message: Utf8Bytes::from_static(""),
            host_message: Utf8Bytes::from_static(""),
            room_view: Arc::new(RoomView::default()),
        }));
        Ok(Analyser {
            room_id: stored.id,
            engine: Arc::new(Mutex::new(engine)),
            analysis: RwLock::new(None),
            dirty: Notify::new(),
            snapshot,
            store,
            coalesce,
            min_groups,
            updating: tokio::sync::Mutex::new(()),
            updates: AtomicU64::new(0),
        })
    }

    /// Runs until `shutdown` turns true: waits for a change, then updates the analysis and
    /// publishes, at once if the last update ended at least the coalescing window ago, else
    /// when that window ends. Changes made while an update runs wake the loop once (the
    /// `Notify` keeps one permit), so a burst gathers into one update per window, with the
    /// window's pause between updates (the phones' commits and views get the cores), and a
    /// vote in a quiet room reaches the projector after one update, not a window plus one.
    pub(super) async fn run(&self, room: &Mutex<Room>, mut shutdown: watch::Receiver<bool>) {
        let mut last_end: Option<Instant> = None;
        loop {
            tokio::select! {
                () = self.dirty.notified() => {}
                _ = shutdown.changed() => break,
            }
            if let Some(end) = last_end {
                tokio::select! {
                    () = tokio::time::sleep_until(end + self.coalesce) => {}
                    _ = shutdown.changed() => break,
                }
            }
            self.refresh(room).await;
            last_end = Some(Instant::now());
        }
        self.refresh(room).await;
    }

    /// Updates the engine if votes or moderation changed, persists its state, and publishes.
    pub(super) async fn refresh(&self, room: &Mutex<Room>) {
        let updating = self.updating.lock().await;
        let input = lock(room).take_engine_input();
        if !input.is_empty() {
            let engine = Arc::clone(&self.engine);
            let done = tokio::task::spawn_blocking(move || {
                let mut conv = lock(&engine);
                if let Some(removed) = &input.rebuild {
                    *conv = restarted_without(&conv, removed);
                }
                conv.add_votes(&input.events);
                for (sid, st) in input.statuses.into_iter().flatten() {
                    conv.set_statement(sid, st);
                }
                if let Some(frozen) = input.frozen {
                    conv.set_frozen_groups(frozen);
                }
                let analysis = conv.update();
                // A state that cannot be written is not saved (never an empty one in its place).
                let state = serde_json::to_string(conv.state())
                    .inspect_err(
                        |e| tracing::error!(error = %e, "cannot serialise the engine state"),
                    )
                    .ok();
                (analysis, state)
            })
            .await;
            self.updates.fetch_add(1, Ordering::Relaxed);
            match done {
                Ok((analysis, state)) => {
                    let room_id = self.room_id;
                    if let Some(state) = state {
                        let saved = self
                            .store
                            .write_room(room_id, move |w| {
                                w.update_room_field(RoomField::EngineState(state))
                            })
                            .await;
                        if let Err(e) = saved {
                            tracing::error!(error = %e, "cannot save the engine state");
                        }
                    }
                    *write(&self.analysis) = Some(Arc::new(analysis));
                }
                Err(e) => tracing::error!(error = %e, "the analysis failed"),
            }
        }
        drop(updating);
        self.publish(room);
    }

    /// The last analysis.
    pub(super) fn analysis(&self) -> Option<Arc<Analysis>> {
        read(&self.analysis).clone()
    }

    /// Rebuilds the projector view from the room and the last analysis, and wakes every socket.
    pub(super) fn publish(&self, room: &Mutex<Room>) {
        let analysis = self.analysis();
        let (view, host_view) = {
            let room = lock(room);
            let view = views::room_view(&room, analysis.as_deref(), self.min_groups);
            let host = views::withholding(&room).then(|| {
                views::room_view_as(&room, analysis.as_deref(), self.min_groups, Reveal::All)
            });
            (view, host)
        };
        // `Utf8Bytes` from a `String` takes its buffer: one allocation per view, shared.
        let message = Utf8Bytes::from(
            serde_json::to_string(&ServerMessage::Room(Box::new(view.clone()))).unwrap_or_default(),
        );
        let host_message = match host_view {
            Some(h) => Utf8Bytes::from(
                serde_json::to_string(&ServerMessage::Room(Box::new(h))).unwrap_or_default(),
            ),
            None => message.clone(),
        };
        let version = self.snapshot.borrow().version + 1;
        self.snapshot.send_replace(Arc::new(Snapshot {
            version,
            analysis,
            room_view: Arc::new(view),
            room_message: message,
            host_message,
        }));
    }

    /// Asks the task for an update (votes, joins, positions: coalesced).
    pub(super) fn mark_dirty(&self) {
        self.dirty.notify_one();
    }

    /// A receiver of the room's snapshots.
    pub(super) fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.snapshot.subscribe()
    }

    /// The latest snapshot.
    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.borrow())
    }

    /// How many engine updates ran so far.
    #[cfg(test)]
    pub(super) fn updates(&self) -> u64 {
        self.updates.load(Ordering::Relaxed)
    }

    /// The engine, held as an update holds it.
    #[cfg(test)]
    pub(super) fn hold_engine(&self) -> std::sync::MutexGuard<'_, Conversation> {
        lock(&self.engine)
    }

    /// A copy of the engine's vote matrix (rows and columns in the engine's first-seen order).
    pub(super) fn matrix(&self) -> VoteMatrix {
        lock(&self.engine).matrix().clone()
    }
}

#[cfg(test)]
mod tests;
