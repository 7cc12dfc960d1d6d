//! The live room's discussion tables: how each table command reaches the database, and the
//! [`LiveRoom`] methods the endpoints call. Every one goes through [`LiveRoom::commit`].

use polyphony_protocol::{
    Consent, Done, HostNote, HostView, NewNote, NoteAck, PassReporter, Stage, TablesRequest,
    TablesView, WithdrawNote,
};
use rusqlite::Connection;

use super::{LiveRoom, Persist};
use crate::room::commands::{self as cmd, Outcome};
use crate::room::error::RoomError;
use crate::room::table_views;
use crate::store::{self, RoomField, StoreError};
use crate::util::{lock, next_time};
use std::time::Instant;

impl Persist for cmd::FormTables {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::insert_plan(conn, room_id, &self.plan)?;
        for d in &self.draws {
            store::insert_draw(conn, room_id, d)?;
        }
        if let Some((controls, groups)) = &self.freeze {
            store::update_controls(conn, room_id, controls)?;
            store::update_frozen_groups(conn, room_id, Some(groups))?;
        }
        store::update_room_field(conn, room_id, RoomField::Stage(Stage::Tables))
    }
}

impl Persist for cmd::DissolveTables {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<(), StoreError> {
        store::dissolve_plan(conn, room_id, self.plan)
    }
}

impl Persist for cmd::AddNote {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<Option<u32>, StoreError> {
        store::insert_note_once(conn, room_id, &self.note)
    }
}

impl Persist for cmd::Withdraw {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<Outcome, StoreError> {
        if store::request_seen(conn, room_id, self.pid, &self.client_id)? {
            return Ok(Outcome::Resent);
        }
        if !store::withdraw_note(conn, room_id, self.note)? {
            return Ok(Outcome::Refused);
        }
        store::insert_request(conn, room_id, self.pid, &self.client_id, "withdraw")?;
        Ok(Outcome::Done)
    }
}

impl Persist for cmd::Release {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<bool, StoreError> {
        store::release_note(conn, room_id, self.note)
    }
}

impl Persist for cmd::Pass {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<Outcome, StoreError> {
        if !store::insert_request(conn, room_id, self.pid, &self.client_id, "pass")? {
            return Ok(Outcome::Resent);
        }
        // A pass racing another one of the same table finds its draw taken: it changes nothing.
        if !store::insert_draw(conn, room_id, &self.draw)? {
            return Ok(Outcome::Refused);
        }
        Ok(Outcome::Done)
    }
}

impl Persist for cmd::Agree {
    fn write(&self, conn: &Connection, room_id: i64) -> Result<bool, StoreError> {
        store::insert_request(conn, room_id, self.pid, &self.client_id, "consent")?;
        store::insert_consent(conn, room_id, self.pid, next_time())
    }
}

impl LiveRoom {
    /// Forms the tables from the latest analysis (replacing any plan in force), draws a
    /// reporter for every table and moves the room to the tables stage.
    pub async fn form_tables(&self, req: TablesRequest) -> Result<TablesView, RoomError> {
        // Tables (and the groups they freeze) from every acknowledged vote.
        self.settle().await;
        let analysis = self.analysis();
        {
            // No join in flight meanwhile: every joiner is applied before the plan is checked
            // (and seated by it), or checked after the plan is applied (and seated late).
            let _seating = self.seating.write().await;
            let created = next_time();
            self.commit(|room| cmd::check_form_tables(room, analysis.as_deref(), &req, created))
                .await?;
        }
        self.take_snapshot(polyphony_protocol::Stage::Tables).await;
        let room = lock(&self.state);
        table_views::tables_view(&room, analysis.as_deref())
            .ok_or_else(|| RoomError::Internal("the new table plan is missing".into()))
    }

    /// Dissolves the tables in force.
    pub async fn dissolve_tables(&self) -> Result<(), RoomError> {
        self.commit(cmd::check_dissolve_tables).await
    }

    /// A note for the participant's own table.
    pub async fn add_note(&self, pid: u32, req: NewNote) -> Result<NoteAck, RoomError> {
        let (created, now) = (next_time(), Instant::now());
        self.commit(|room| {
            let step = cmd::check_add_note(room, pid, &req, created);
            cmd::limited(room, pid, now, step)
        })
        .await
    }

    /// The author withdraws a note that is not released.
    pub async fn withdraw_note(&self, pid: u32, req: WithdrawNote) -> Result<Done, RoomError> {
        let now = Instant::now();
        self.commit(|room| cmd::limited(room, pid, now, cmd::check_withdraw_note(room, pid, &req)))
            .await?
    }

    /// The facilitator releases a note to the projector and the report.
    pub async fn release_note(&self, id: u32) -> Result<HostNote, RoomError> {
        self.commit(|room| cmd::check_release_note(room, id))
            .await?
    }

    /// The table's reporter passes the role on; another member is drawn.
    pub async fn pass_reporter(&self, pid: u32, req: PassReporter) -> Result<Done, RoomError> {
        let now = Instant::now();
        self.commit(|room| cmd::limited(room, pid, now, cmd::check_pass_reporter(room, pid, &req)))
            .await
    }

    /// The participant accepts the room's rules.
    pub async fn consent(&self, pid: u32, req: Consent) -> Result<Done, RoomError> {
        let now = Instant::now();
        self.commit(|room| cmd::limited(room, pid, now, cmd::check_consent(room, pid, &req)))
            .await
    }

    /// What only the facilitator sees: every note of the plan in force.
    pub fn host_view(&self) -> HostView {
        table_views::host_view(&lock(&self.state))
    }
}
