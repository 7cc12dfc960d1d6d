//! [`RoomWrites`]: the one interface a room's commands write through. Each command's persist
//! step (`Change::persist`) is handed a `&mut dyn RoomWrites` for its room inside the group
//! transaction that commits it, and names what it stores ("insert this vote", "update the
//! controls"), never how: the commands hold no SQL and no connection. [`SqliteRoomWrites`] is
//! the SQLite backend (over the functions of `write.rs`, `tables.rs`, `controls.rs` and
//! `brief.rs`); another database implements the same trait and nothing above the store changes.
//!
//! The answers that decide idempotency (an insert that found the id already stored) come back
//! from inside the same transaction, so a resend racing its first request is decided by the
//! commit, whatever the backend.

use polyphony_core::FrozenGroups;
use polyphony_protocol::{BriefCard, ModerationState, RoomControls};
use rusqlite::Connection;

use super::{
    RoomField, StoreError, StoredDraw, StoredNote, StoredParticipant, StoredPlan, StoredPosition,
    StoredSeat, StoredSnapshot, StoredSpectrum, StoredStatement, StoredVote,
};

/// Every write a room's commands make, inside the transaction that commits them. The room is
/// fixed by whoever hands the writer out ([`super::Store::write_room`]).
pub(crate) trait RoomWrites {
    // ---- participants, votes, statements ----

    /// Inserts a participant.
    fn insert_participant(&mut self, p: &StoredParticipant) -> Result<(), StoreError>;
    /// Deletes idle identities (joined, never acted).
    fn delete_idle_participants(&mut self, pids: &[u32]) -> Result<(), StoreError>;
    /// Marks participants removed by the facilitator (their rows and votes stay as the record);
    /// returns how many were not removed before.
    fn remove_participants(&mut self, pids: &[u32], time: i64) -> Result<usize, StoreError>;
    /// Inserts a vote event; `false` when this participant's client id is already stored.
    fn insert_vote(&mut self, v: &StoredVote) -> Result<bool, StoreError>;
    /// Inserts a statement unless its author's client id is stored: then answers that row.
    fn insert_statement_once(
        &mut self,
        s: &StoredStatement,
    ) -> Result<Option<StoredStatement>, StoreError>;
    /// Sets a statement's moderation state.
    fn update_moderation(&mut self, sid: u32, state: ModerationState) -> Result<(), StoreError>;

    // ---- the room's own columns ----

    /// Updates one column of the room (settings, stage, closed, engine state).
    fn update_room_field(&mut self, field: RoomField) -> Result<(), StoreError>;
    /// Stores the facilitator's controls.
    fn update_controls(&mut self, controls: &RoomControls) -> Result<(), StoreError>;
    /// Stores (or, with `None`, clears) the frozen groups.
    fn update_frozen_groups(&mut self, frozen: Option<&FrozenGroups>) -> Result<(), StoreError>;
    /// Replaces the briefing cards.
    fn update_brief(&mut self, cards: &[BriefCard]) -> Result<(), StoreError>;
    /// Stores an analysis snapshot.
    fn insert_snapshot(&mut self, s: &StoredSnapshot) -> Result<(), StoreError>;

    // ---- spectrums ----

    /// Inserts or updates a spectrum.
    fn upsert_spectrum(&mut self, s: &StoredSpectrum) -> Result<(), StoreError>;
    /// Stores a spectrum position at `time` (latest wins).
    fn upsert_position(&mut self, p: &StoredPosition, time: i64) -> Result<(), StoreError>;

    // ---- discussion tables ----

    /// Inserts a table plan.
    fn insert_plan(&mut self, p: &StoredPlan) -> Result<(), StoreError>;
    /// Marks plan `plan` dissolved.
    fn dissolve_plan(&mut self, plan: u32) -> Result<(), StoreError>;
    /// Seats a late joiner.
    fn insert_seat(&mut self, s: &StoredSeat) -> Result<(), StoreError>;
    /// Inserts a reporter draw; `false` when that draw is already taken.
    fn insert_draw(&mut self, d: &StoredDraw) -> Result<bool, StoreError>;
    /// Inserts a note unless its author's client id is stored: then answers that note's id.
    fn insert_note_once(&mut self, n: &StoredNote) -> Result<Option<u32>, StoreError>;
    /// Releases a note; `false` when it was withdrawn meanwhile.
    fn release_note(&mut self, id: u32) -> Result<bool, StoreError>;
    /// Withdraws a note; `false` when it was released meanwhile.
    fn withdraw_note(&mut self, id: u32) -> Result<bool, StoreError>;
    /// Records a participant's request id of `kind`; `false` when it is already stored.
    fn insert_request(&mut self, pid: u32, client_id: &str, kind: &str)
        -> Result<bool, StoreError>;
    /// Whether a participant's request id is already stored.
    fn request_seen(&mut self, pid: u32, client_id: &str) -> Result<bool, StoreError>;
    /// Records a participant's consent at `time`; `false` when already recorded.
    fn insert_consent(&mut self, pid: u32, time: i64) -> Result<bool, StoreError>;
}

/// [`RoomWrites`] on SQLite: room `room_id`'s writes on the writer thread's connection, inside
/// its open group transaction.
pub(super) struct SqliteRoomWrites<'c> {
    pub(super) conn: &'c Connection,
    pub(super) room_id: i64,
}

impl RoomWrites for SqliteRoomWrites<'_> {
    fn insert_participant(&mut self, p: &StoredParticipant) -> Result<(), StoreError> {
        super::insert_participant(self.conn, self.room_id, p)
    }

    fn delete_idle_participants(&mut self, pids: &[u32]) -> Result<(), StoreError> {
        super::delete_idle_participants(self.conn, self.room_id, pids)
    }

    fn remove_participants(&mut self, pids: &[u32], time: i64) -> Result<usize, StoreError> {
        super::remove_participants(self.conn, self.room_id, pids, time)
    }

    fn insert_vote(&mut self, v: &StoredVote) -> Result<bool, StoreError> {
        super::insert_vote(self.conn, self.room_id, v)
    }

    fn insert_statement_once(
        &mut self,
        s: &StoredStatement,
    ) -> Result<Option<StoredStatement>, StoreError> {
        super::insert_statement_once(self.conn, self.room_id, s)
    }

    fn update_moderation(&mut self, sid: u32, state: ModerationState) -> Result<(), StoreError> {
        super::update_moderation(self.conn, self.room_id, sid, state)
    }

    fn update_room_field(&mut self, field: RoomField) -> Result<(), StoreError> {
        super::update_room_field(self.conn, self.room_id, field)
    }

    fn update_controls(&mut self, controls: &RoomControls) -> Result<(), StoreError> {
        super::update_controls(self.conn, self.room_id, controls)
    }

    fn update_frozen_groups(&mut self, frozen: Option<&FrozenGroups>) -> Result<(), StoreError> {
        super::update_frozen_groups(self.conn, self.room_id, frozen)
    }

    fn update_brief(&mut self, cards: &[BriefCard]) -> Result<(), StoreError> {
        super::update_brief(self.conn, self.room_id, cards)
    }

    fn insert_snapshot(&mut self, s: &StoredSnapshot) -> Result<(), StoreError> {
        super::insert_snapshot(self.conn, self.room_id, s)
    }

    fn upsert_spectrum(&mut self, s: &StoredSpectrum) -> Result<(), StoreError> {
        super::upsert_spectrum(self.conn, self.room_id, s)
    }

    fn upsert_position(&mut self, p: &StoredPosition, time: i64) -> Result<(), StoreError> {
        super::upsert_position(self.conn, self.room_id, p, time)
    }

    fn insert_plan(&mut self, p: &StoredPlan) -> Result<(), StoreError> {
        super::insert_plan(self.conn, self.room_id, p)
    }

    fn dissolve_plan(&mut self, plan: u32) -> Result<(), StoreError> {
        super::dissolve_plan(self.conn, self.room_id, plan)
    }

    fn insert_seat(&mut self, s: &StoredSeat) -> Result<(), StoreError> {
        super::insert_seat(self.conn, self.room_id, s)
    }

    fn insert_draw(&mut self, d: &StoredDraw) -> Result<bool, StoreError> {
        super::insert_draw(self.conn, self.room_id, d)
    }

    fn insert_note_once(&mut self, n: &StoredNote) -> Result<Option<u32>, StoreError> {
        super::insert_note_once(self.conn, self.room_id, n)
    }

    fn release_note(&mut self, id: u32) -> Result<bool, StoreError> {
        super::release_note(self.conn, self.room_id, id)
    }

    fn withdraw_note(&mut self, id: u32) -> Result<bool, StoreError> {
        super::withdraw_note(self.conn, self.room_id, id)
    }

    fn insert_request(
        &mut self,
        pid: u32,
        client_id: &str,
        kind: &str,
    ) -> Result<bool, StoreError> {
        super::insert_request(self.conn, self.room_id, pid, client_id, kind)
    }

    fn request_seen(&mut self, pid: u32, client_id: &str) -> Result<bool, StoreError> {
        super::request_seen(self.conn, self.room_id, pid, client_id)
    }

    fn insert_consent(&mut self, pid: u32, time: i64) -> Result<bool, StoreError> {
        super::insert_consent(self.conn, self.room_id, pid, time)
    }
}
