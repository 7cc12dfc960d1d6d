//! Writing to PostgreSQL: a new room's rows, and [`RoomWrites`] — room `room_id`'s writes on
//! the writer thread's connection, inside its open group transaction.

use polyphony_core::FrozenGroups;
use polyphony_protocol::{BriefCard, ModerationState, RoomControls};

use super::load::statement_of;
use super::{int, json_err, PgBackend};
use crate::store::{
    RoomField, RoomWrites, StoreError, StoredDraw, StoredNote, StoredParticipant, StoredPlan,
    StoredPosition, StoredSeat, StoredSnapshot, StoredSpectrum, StoredStatement, StoredVote,
};

impl PgBackend {
    pub(super) fn insert_statement(
        &mut self,
        room_id: i64,
        s: &StoredStatement,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO statements (room_id, sid, text, author, is_seed, moderation, created,
                                     client_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &room_id,
                &i64::from(s.sid),
                &s.text,
                &s.author.map(i64::from),
                &s.is_seed,
                &s.moderation.as_str(),
                &s.created,
                &s.client_id,
            ],
        )?;
        Ok(())
    }

    pub(super) fn insert_participant(
        &mut self,
        room_id: i64,
        p: &StoredParticipant,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO participants (room_id, pid, token, created) VALUES ($1, $2, $3, $4)",
            &[&room_id, &i64::from(p.pid), &p.token, &p.created],
        )?;
        Ok(())
    }

    pub(super) fn insert_vote(&mut self, room_id: i64, v: &StoredVote) -> Result<bool, StoreError> {
        let n = self.execute(
            "INSERT INTO votes (room_id, pid, sid, vote, time, client_id)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (room_id, pid, client_id) DO NOTHING",
            &[
                &room_id,
                &i64::from(v.pid),
                &i64::from(v.sid),
                &i64::from(v.vote.agree_positive()),
                &v.time,
                &v.client_id,
            ],
        )?;
        Ok(n == 1)
    }

    pub(super) fn update_brief(
        &mut self,
        room_id: i64,
        cards: &[BriefCard],
    ) -> Result<(), StoreError> {
        let json = if cards.is_empty() {
            None
        } else {
            Some(serde_json::to_string(cards).map_err(json_err)?)
        };
        self.execute(
            "UPDATE rooms SET brief = $1 WHERE id = $2",
            &[&json, &room_id],
        )?;
        Ok(())
    }
}

/// [`RoomWrites`] on PostgreSQL: room `room_id`'s writes on the writer thread's connection,
/// inside its open group transaction.
pub(super) struct PgRoomWrites<'a> {
    pub(super) pg: &'a mut PgBackend,
    pub(super) room_id: i64,
}

impl RoomWrites for PgRoomWrites<'_> {
    fn insert_participant(&mut self, p: &StoredParticipant) -> Result<(), StoreError> {
        self.pg.insert_participant(self.room_id, p)
    }

    fn delete_idle_participants(&mut self, pids: &[u32]) -> Result<(), StoreError> {
        for pid in pids {
            self.pg.execute(
                "DELETE FROM participants WHERE room_id = $1 AND pid = $2
                   AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.room_id = $1 AND v.pid = $2)
                   AND NOT EXISTS (SELECT 1 FROM statements s
                                   WHERE s.room_id = $1 AND s.author = $2)
                   AND NOT EXISTS (SELECT 1 FROM spectrum_positions p
                                   WHERE p.room_id = $1 AND p.pid = $2)",
                &[&self.room_id, &i64::from(*pid)],
            )?;
        }
        Ok(())
    }

    fn remove_participants(&mut self, pids: &[u32], time: i64) -> Result<usize, StoreError> {
        let mut n = 0;
        for pid in pids {
            n += self.pg.execute(
                "UPDATE participants SET removed = $3
                 WHERE room_id = $1 AND pid = $2 AND removed IS NULL",
                &[&self.room_id, &i64::from(*pid), &time],
            )?;
        }
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn insert_vote(&mut self, v: &StoredVote) -> Result<bool, StoreError> {
        self.pg.insert_vote(self.room_id, v)
    }

    fn insert_statement_once(
        &mut self,
        s: &StoredStatement,
    ) -> Result<Option<StoredStatement>, StoreError> {
        if let (Some(author), Some(id)) = (s.author, s.client_id.as_deref()) {
            let existing = self.pg.query_opt(
                "SELECT sid, text, author, is_seed, moderation, created, client_id
                 FROM statements WHERE room_id = $1 AND author = $2 AND client_id = $3",
                &[&self.room_id, &i64::from(author), &id],
            )?;
            if let Some(r) = existing {
                return Ok(Some(statement_of(&r)?));
            }
        }
        self.pg.insert_statement(self.room_id, s)?;
        Ok(None)
    }

    fn update_moderation(&mut self, sid: u32, state: ModerationState) -> Result<(), StoreError> {
        self.pg.execute(
            "UPDATE statements SET moderation = $1 WHERE room_id = $2 AND sid = $3",
            &[&state.as_str(), &self.room_id, &i64::from(sid)],
        )?;
        Ok(())
    }

    fn update_room_field(&mut self, field: RoomField) -> Result<(), StoreError> {
        let id = &self.room_id;
        match field {
            RoomField::Settings(s) => {
                let json = serde_json::to_string(&s).map_err(json_err)?;
                self.pg
                    .execute("UPDATE rooms SET settings = $1 WHERE id = $2", &[&json, id])?
            }
            RoomField::Stage(s) => self.pg.execute(
                "UPDATE rooms SET stage = $1 WHERE id = $2",
                &[&s.as_str(), id],
            )?,
            RoomField::Closed(c) => self
                .pg
                .execute("UPDATE rooms SET closed = $1 WHERE id = $2", &[&c, id])?,
            RoomField::EngineState(s) => self.pg.execute(
                "UPDATE rooms SET engine_state = $1 WHERE id = $2",
                &[&s, id],
            )?,
        };
        Ok(())
    }

    fn update_controls(&mut self, controls: &RoomControls) -> Result<(), StoreError> {
        let json = serde_json::to_string(controls).map_err(json_err)?;
        self.pg.execute(
            "UPDATE rooms SET controls = $1 WHERE id = $2",
            &[&json, &self.room_id],
        )?;
        Ok(())
    }

    fn update_frozen_groups(&mut self, frozen: Option<&FrozenGroups>) -> Result<(), StoreError> {
        let json = frozen
            .map(serde_json::to_string)
            .transpose()
            .map_err(json_err)?;
        self.pg.execute(
            "UPDATE rooms SET frozen_groups = $1 WHERE id = $2",
            &[&json, &self.room_id],
        )?;
        Ok(())
    }

    fn update_brief(&mut self, cards: &[BriefCard]) -> Result<(), StoreError> {
        self.pg.update_brief(self.room_id, cards)
    }

    fn insert_snapshot(&mut self, s: &StoredSnapshot) -> Result<(), StoreError> {
        let json = serde_json::to_string(&s.analysis).map_err(json_err)?;
        self.pg.execute(
            "INSERT INTO snapshots (room_id, seq, stage, time, analysis)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (room_id, seq) DO NOTHING",
            &[
                &self.room_id,
                &i64::from(s.seq),
                &s.stage.as_str(),
                &s.time,
                &json,
            ],
        )?;
        Ok(())
    }

    fn upsert_spectrum(&mut self, s: &StoredSpectrum) -> Result<(), StoreError> {
        self.pg.execute(
            "INSERT INTO spectrums (room_id, id, sid, open_round, created, rounds)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (room_id, id) DO UPDATE SET open_round = excluded.open_round,
                 rounds = GREATEST(spectrums.rounds, excluded.rounds)",
            &[
                &self.room_id,
                &i64::from(s.id),
                &i64::from(s.sid),
                &s.open_round.map(i64::from),
                &s.created,
                &i64::from(s.rounds),
            ],
        )?;
        Ok(())
    }

    fn upsert_position(&mut self, p: &StoredPosition, time: i64) -> Result<(), StoreError> {
        self.pg.execute(
            "INSERT INTO spectrum_positions (room_id, spectrum, round, pid, position, time)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (room_id, spectrum, round, pid)
             DO UPDATE SET position = excluded.position, time = excluded.time",
            &[
                &self.room_id,
                &i64::from(p.spectrum),
                &i64::from(p.round),
                &i64::from(p.pid),
                &i64::from(p.position),
                &time,
            ],
        )?;
        Ok(())
    }

    fn insert_plan(&mut self, p: &StoredPlan) -> Result<(), StoreError> {
        let json = serde_json::to_string(&p.plan).map_err(json_err)?;
        let mode = serde_json::to_string(&p.plan.params.mode).map_err(json_err)?;
        self.pg.execute(
            "INSERT INTO table_plans (room_id, plan, mode, size, plan_json, dissolved, created)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &self.room_id,
                &i64::from(p.number),
                &mode.trim_matches('"'),
                &i64::from(p.plan.params.size),
                &json,
                &p.dissolved,
                &p.created,
            ],
        )?;
        Ok(())
    }

    fn dissolve_plan(&mut self, plan: u32) -> Result<(), StoreError> {
        self.pg.execute(
            "UPDATE table_plans SET dissolved = TRUE WHERE room_id = $1 AND plan = $2",
            &[&self.room_id, &i64::from(plan)],
        )?;
        Ok(())
    }

    fn insert_seat(&mut self, s: &StoredSeat) -> Result<(), StoreError> {
        self.pg.execute(
            "INSERT INTO table_seats (room_id, plan, pid, table_no) VALUES ($1, $2, $3, $4)",
            &[
                &self.room_id,
                &i64::from(s.plan),
                &i64::from(s.pid),
                &i64::from(s.table),
            ],
        )?;
        Ok(())
    }

    fn insert_draw(&mut self, d: &StoredDraw) -> Result<bool, StoreError> {
        let passed = serde_json::to_string(&d.passed).map_err(json_err)?;
        let n = self.pg.execute(
            "INSERT INTO reporter_draws (room_id, plan, table_no, draw, pid, passed)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (room_id, plan, table_no, draw) DO NOTHING",
            &[
                &self.room_id,
                &i64::from(d.plan),
                &i64::from(d.table),
                &i64::from(d.draw),
                &i64::from(d.pid),
                &passed,
            ],
        )?;
        Ok(n == 1)
    }

    fn insert_note_once(&mut self, n: &StoredNote) -> Result<Option<u32>, StoreError> {
        let existing = self.pg.query_opt(
            "SELECT id FROM notes WHERE room_id = $1 AND author = $2 AND client_id = $3",
            &[&self.room_id, &i64::from(n.author), &n.client_id],
        )?;
        if let Some(r) = existing {
            return Ok(Some(int(&r, 0)?));
        }
        self.pg.execute(
            "INSERT INTO notes (room_id, id, plan, table_no, author, client_id, text, released,
                                withdrawn, created)
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, FALSE, $8)",
            &[
                &self.room_id,
                &i64::from(n.id),
                &i64::from(n.plan),
                &i64::from(n.table),
                &i64::from(n.author),
                &n.client_id,
                &n.text,
                &n.created,
            ],
        )?;
        Ok(None)
    }

    fn release_note(&mut self, id: u32) -> Result<bool, StoreError> {
        let n = self.pg.execute(
            "UPDATE notes SET released = TRUE WHERE room_id = $1 AND id = $2 AND NOT withdrawn",
            &[&self.room_id, &i64::from(id)],
        )?;
        Ok(n == 1)
    }

    fn withdraw_note(&mut self, id: u32) -> Result<bool, StoreError> {
        let n = self.pg.execute(
            "UPDATE notes SET withdrawn = TRUE WHERE room_id = $1 AND id = $2 AND NOT released",
            &[&self.room_id, &i64::from(id)],
        )?;
        Ok(n == 1)
    }

    fn insert_request(
        &mut self,
        pid: u32,
        client_id: &str,
        kind: &str,
    ) -> Result<bool, StoreError> {
        let n = self.pg.execute(
            "INSERT INTO client_requests (room_id, pid, client_id, kind) VALUES ($1, $2, $3, $4)
             ON CONFLICT (room_id, pid, client_id) DO NOTHING",
            &[&self.room_id, &i64::from(pid), &client_id, &kind],
        )?;
        Ok(n == 1)
    }

    fn request_seen(&mut self, pid: u32, client_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .pg
            .query_opt(
                "SELECT 1 FROM client_requests WHERE room_id = $1 AND pid = $2 AND client_id = $3",
                &[&self.room_id, &i64::from(pid), &client_id],
            )?
            .is_some())
    }

    fn insert_consent(&mut self, pid: u32, time: i64) -> Result<bool, StoreError> {
        let n = self.pg.execute(
            "INSERT INTO consents (room_id, pid, time) VALUES ($1, $2, $3)
             ON CONFLICT (room_id, pid) DO NOTHING",
            &[&self.room_id, &i64::from(pid), &time],
        )?;
        Ok(n == 1)
    }
}
