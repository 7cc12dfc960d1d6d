//! Loading rooms from PostgreSQL: every row of the rooms asked for, into `StoredRoom`s.

use polyphony_core::{FrozenGroups, Vote};
use polyphony_protocol::{BriefCard, ModerationState, RoomControls, RoomSettings, Stage};
use postgres::Row;

use super::{get, int, opt_int, PgBackend};
use crate::store::{
    StoreError, StoredDraw, StoredNote, StoredParticipant, StoredPlan, StoredPosition, StoredRoom,
    StoredSeat, StoredSnapshot, StoredSpectrum, StoredStatement, StoredTables, StoredVote,
};

impl PgBackend {
    /// The rooms with these row ids, whole.
    pub(in crate::store) fn load_rooms_with_ids(
        &mut self,
        ids: &[i64],
    ) -> Result<Vec<StoredRoom>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query(
            "SELECT id, code, facilitator_key, topic, description, language, settings, stage,
                    closed, seed, created, engine_state, rules, controls, frozen_groups, brief
             FROM rooms WHERE id = ANY($1) ORDER BY id",
            &[&ids],
        )?;
        let mut rooms = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = get(r, 0)?;
            let code: String = get(r, 1)?;
            let settings: String = get(r, 6)?;
            let settings: RoomSettings = serde_json::from_str(&settings)
                .map_err(|e| StoreError::Failed(format!("room {code}: settings: {e}")))?;
            let stage: String = get(r, 7)?;
            let stage = Stage::parse(&stage)
                .ok_or_else(|| StoreError::Failed(format!("room {code}: stage {stage}")))?;
            let seed: i64 = get(r, 9)?;
            let controls: Option<String> = get(r, 13)?;
            let controls = match controls {
                None => RoomControls::default(),
                Some(j) => serde_json::from_str(&j)
                    .map_err(|e| StoreError::Failed(format!("room {id}: controls: {e}")))?,
            };
            let frozen: Option<String> = get(r, 14)?;
            let frozen_groups: Option<FrozenGroups> = frozen
                .map(|j| {
                    serde_json::from_str(&j)
                        .map_err(|e| StoreError::Failed(format!("room {id}: frozen groups: {e}")))
                })
                .transpose()?;
            let brief: Option<String> = get(r, 15)?;
            let brief: Vec<BriefCard> = brief.map_or(Ok(Vec::new()), |j| {
                serde_json::from_str(&j)
                    .map_err(|e| StoreError::Failed(format!("room {id}: brief: {e}")))
            })?;
            rooms.push(StoredRoom {
                id,
                code,
                facilitator_key: get(r, 2)?,
                topic: get(r, 3)?,
                description: get(r, 4)?,
                rules: get(r, 12)?,
                language: get(r, 5)?,
                settings,
                stage,
                closed: get(r, 8)?,
                seed: seed as u64,
                created: get(r, 10)?,
                engine_state: get(r, 11)?,
                participants: Vec::new(),
                statements: Vec::new(),
                votes: Vec::new(),
                spectrums: Vec::new(),
                positions: Vec::new(),
                tables: StoredTables::default(),
                controls,
                snapshots: Vec::new(),
                frozen_groups,
                brief,
                removed: Vec::new(),
            });
        }
        for room in &mut rooms {
            self.load_room_rows(room)?;
        }
        Ok(rooms)
    }

    fn load_room_rows(&mut self, room: &mut StoredRoom) -> Result<(), StoreError> {
        let id = &room.id;
        for r in self.query(
            "SELECT pid, token, created, removed FROM participants WHERE room_id = $1
             ORDER BY pid",
            &[id],
        )? {
            let pid = int(&r, 0)?;
            room.participants.push(StoredParticipant {
                pid,
                token: get(&r, 1)?,
                created: get(&r, 2)?,
            });
            if get::<Option<i64>>(&r, 3)?.is_some() {
                room.removed.push(pid);
            }
        }
        for r in self.query(
            "SELECT sid, text, author, is_seed, moderation, created, client_id FROM statements
             WHERE room_id = $1 ORDER BY sid",
            &[id],
        )? {
            room.statements.push(statement_of(&r)?);
        }
        for r in self.query(
            "SELECT pid, sid, vote, time, client_id FROM votes WHERE room_id = $1 ORDER BY seq",
            &[id],
        )? {
            let value: i64 = get(&r, 2)?;
            room.votes.push(StoredVote {
                pid: int(&r, 0)?,
                sid: int(&r, 1)?,
                vote: Vote::from_agree_positive(value).ok_or_else(|| {
                    StoreError::Failed(format!("vote value {value} in the database"))
                })?,
                time: get(&r, 3)?,
                client_id: get(&r, 4)?,
            });
        }
        for r in self.query(
            "SELECT id, sid, open_round, created, rounds FROM spectrums WHERE room_id = $1
             ORDER BY id",
            &[id],
        )? {
            room.spectrums.push(StoredSpectrum {
                id: int(&r, 0)?,
                sid: int(&r, 1)?,
                open_round: opt_int(&r, 2)?,
                created: get(&r, 3)?,
                rounds: int(&r, 4)?,
            });
        }
        for r in self.query(
            "SELECT spectrum, round, pid, position FROM spectrum_positions WHERE room_id = $1
             ORDER BY spectrum, round, pid",
            &[id],
        )? {
            room.positions.push(StoredPosition {
                spectrum: int(&r, 0)?,
                round: int(&r, 1)?,
                pid: int(&r, 2)?,
                position: int(&r, 3)?,
            });
        }
        let id = room.id;
        room.tables = self.load_tables(id)?;
        for r in self.query(
            "SELECT seq, stage, time, analysis FROM snapshots WHERE room_id = $1 ORDER BY seq",
            &[&id],
        )? {
            let seq: u32 = int(&r, 0)?;
            let stage: String = get(&r, 1)?;
            let json: String = get(&r, 3)?;
            // As on SQLite: a snapshot an older engine wrote that no longer reads is skipped;
            // the report loses a comparison, the room still opens.
            let (Some(stage), Ok(analysis)) = (Stage::parse(&stage), serde_json::from_str(&json))
            else {
                tracing::warn!(
                    room_id = id,
                    seq,
                    "a stored analysis snapshot does not read; skipped"
                );
                continue;
            };
            room.snapshots.push(StoredSnapshot {
                seq,
                stage,
                time: get(&r, 2)?,
                analysis,
            });
        }
        Ok(())
    }

    fn load_tables(&mut self, room_id: i64) -> Result<StoredTables, StoreError> {
        let id = &room_id;
        let mut t = StoredTables::default();
        for r in self.query(
            "SELECT plan, plan_json, dissolved, created FROM table_plans WHERE room_id = $1
             ORDER BY plan",
            &[id],
        )? {
            let number: u32 = int(&r, 0)?;
            let json: String = get(&r, 1)?;
            t.plans.push(StoredPlan {
                number,
                plan: serde_json::from_str(&json)
                    .map_err(|e| StoreError::Failed(format!("table plan {number}: {e}")))?,
                dissolved: get(&r, 2)?,
                created: get(&r, 3)?,
            });
        }
        for r in self.query(
            "SELECT plan, pid, table_no FROM table_seats WHERE room_id = $1 ORDER BY seq",
            &[id],
        )? {
            t.seats.push(StoredSeat {
                plan: int(&r, 0)?,
                pid: int(&r, 1)?,
                table: int(&r, 2)?,
            });
        }
        for r in self.query(
            "SELECT plan, table_no, draw, pid, passed FROM reporter_draws WHERE room_id = $1
             ORDER BY plan, table_no, draw",
            &[id],
        )? {
            let table: u32 = int(&r, 1)?;
            let passed: String = get(&r, 4)?;
            t.draws.push(StoredDraw {
                plan: int(&r, 0)?,
                table,
                draw: int(&r, 2)?,
                pid: int(&r, 3)?,
                passed: serde_json::from_str(&passed).map_err(|e| {
                    StoreError::Failed(format!("reporter draw of table {table}: {e}"))
                })?,
            });
        }
        for r in self.query(
            "SELECT id, plan, table_no, author, client_id, text, released, withdrawn, created
             FROM notes WHERE room_id = $1 ORDER BY id",
            &[id],
        )? {
            t.notes.push(StoredNote {
                id: int(&r, 0)?,
                plan: int(&r, 1)?,
                table: int(&r, 2)?,
                author: int(&r, 3)?,
                client_id: get(&r, 4)?,
                text: get(&r, 5)?,
                released: get(&r, 6)?,
                withdrawn: get(&r, 7)?,
                created: get(&r, 8)?,
            });
        }
        for r in self.query(
            "SELECT pid FROM consents WHERE room_id = $1 ORDER BY pid",
            &[id],
        )? {
            t.consents.push(int(&r, 0)?);
        }
        for r in self.query(
            "SELECT pid, client_id FROM client_requests WHERE room_id = $1",
            &[id],
        )? {
            t.requests.push((int(&r, 0)?, get(&r, 1)?));
        }
        Ok(t)
    }

    // ---- writes shared by a new room and the commands ----
}

pub(super) fn statement_of(r: &Row) -> Result<StoredStatement, StoreError> {
    let sid = int(r, 0)?;
    let moderation: String = get(r, 4)?;
    Ok(StoredStatement {
        sid,
        text: get(r, 1)?,
        author: opt_int(r, 2)?,
        is_seed: get(r, 3)?,
        moderation: ModerationState::parse(&moderation).ok_or_else(|| {
            StoreError::Failed(format!("statement {sid}: moderation {moderation}"))
        })?,
        created: get(r, 5)?,
        client_id: get(r, 6)?,
    })
}
