//! Discussion tables as stored: plans, late joiners' seats, reporter draws, notes, consent and
//! the client ids of passes, consents and withdrawals. Each write that a resent client id may
//! repeat decides inside its own transaction whether it counts (the rows' unique keys).

use polyphony_core::TablePlan;
use rusqlite::{params, Connection, OptionalExtension};

use super::{db_err, StoreError};

/// Migration 2: house rules and everything about discussion tables.
pub(super) const MIGRATION: &str = r#"
ALTER TABLE rooms ADD COLUMN rules TEXT NOT NULL DEFAULT '';
CREATE TABLE table_plans (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    plan INTEGER NOT NULL,
    mode TEXT NOT NULL,
    size INTEGER NOT NULL,
    plan_json TEXT NOT NULL,
    dissolved INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    PRIMARY KEY (room_id, plan)
);
CREATE TABLE table_seats (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    plan INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    PRIMARY KEY (room_id, plan, pid)
);
CREATE TABLE reporter_draws (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    plan INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    draw INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    passed TEXT NOT NULL,
    PRIMARY KEY (room_id, plan, table_no, draw)
);
CREATE TABLE notes (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    id INTEGER NOT NULL,
    plan INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    author INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    text TEXT NOT NULL,
    released INTEGER NOT NULL DEFAULT 0,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    PRIMARY KEY (room_id, id),
    UNIQUE (room_id, author, client_id)
);
CREATE TABLE consents (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    pid INTEGER NOT NULL,
    time INTEGER NOT NULL,
    PRIMARY KEY (room_id, pid)
);
CREATE TABLE client_requests (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    pid INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (room_id, pid, client_id)
);
"#;

/// Everything about a room's tables, as stored.
#[derive(Clone, Debug, Default)]
pub struct StoredTables {
    /// Plans by number.
    pub plans: Vec<StoredPlan>,
    /// Late joiners' seats, in commit order.
    pub seats: Vec<StoredSeat>,
    /// Reporter draws by plan, table and draw.
    pub draws: Vec<StoredDraw>,
    /// Notes by id.
    pub notes: Vec<StoredNote>,
    /// Participants who consented.
    pub consents: Vec<u32>,
    /// (participant, client id) of every pass, consent and withdrawal.
    pub requests: Vec<(u32, String)>,
}

/// A table plan as formed.
#[derive(Clone, Debug)]
pub struct StoredPlan {
    /// 1, 2, … in the room.
    pub number: u32,
    /// The plan as formed (late joiners are in [`StoredSeat`]s).
    pub plan: TablePlan,
    /// Dissolved by the facilitator.
    pub dissolved: bool,
    /// Creation time (ms).
    pub created: i64,
}

/// A late joiner seated at a table of a plan.
#[derive(Clone, Debug)]
pub struct StoredSeat {
    /// Plan number.
    pub plan: u32,
    /// Participant.
    pub pid: u32,
    /// Table number.
    pub table: u32,
}

/// One reporter draw of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDraw {
    /// Plan number.
    pub plan: u32,
    /// Table number.
    pub table: u32,
    /// 0 for the first draw, then one more per pass.
    pub draw: u32,
    /// Who was drawn.
    pub pid: u32,
    /// Who had passed before this draw.
    pub passed: Vec<u32>,
}

/// A note as stored.
#[derive(Clone, Debug)]
pub struct StoredNote {
    /// Note id in the room.
    pub id: u32,
    /// Plan number.
    pub plan: u32,
    /// Table number.
    pub table: u32,
    /// Author (never shown).
    pub author: u32,
    /// The author's client id.
    pub client_id: String,
    /// Text.
    pub text: String,
    /// Released by the facilitator.
    pub released: bool,
    /// Withdrawn by its author.
    pub withdrawn: bool,
    /// Creation time (ms).
    pub created: i64,
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Failed(e.to_string())
}

/// Inserts a plan.
pub fn insert_plan(conn: &Connection, room_id: i64, p: &StoredPlan) -> Result<(), StoreError> {
    let json = serde_json::to_string(&p.plan).map_err(json_err)?;
    let mode = serde_json::to_string(&p.plan.params.mode).map_err(json_err)?;
    conn.execute(
        "INSERT INTO table_plans (room_id, plan, mode, size, plan_json, dissolved, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            room_id,
            p.number,
            mode.trim_matches('"'),
            p.plan.params.size,
            json,
            p.dissolved,
            p.created
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Marks a plan dissolved.
pub fn dissolve_plan(conn: &Connection, room_id: i64, plan: u32) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE table_plans SET dissolved = 1 WHERE room_id = ?1 AND plan = ?2",
        params![room_id, plan],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Seats a late joiner.
pub fn insert_seat(conn: &Connection, room_id: i64, s: &StoredSeat) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO table_seats (room_id, plan, pid, table_no) VALUES (?1, ?2, ?3, ?4)",
        params![room_id, s.plan, s.pid, s.table],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Inserts a reporter draw unless this draw of the table is stored already (a racing pass);
/// returns whether it was inserted.
pub fn insert_draw(conn: &Connection, room_id: i64, d: &StoredDraw) -> Result<bool, StoreError> {
    let passed = serde_json::to_string(&d.passed).map_err(json_err)?;
    let n = conn
        .execute(
            "INSERT OR IGNORE INTO reporter_draws (room_id, plan, table_no, draw, pid, passed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![room_id, d.plan, d.table, d.draw, d.pid, passed],
        )
        .map_err(db_err)?;
    Ok(n == 1)
}

/// Inserts a note unless its author already stored this client id; returns the stored note's
/// id in that case (and inserts nothing).
pub fn insert_note_once(
    conn: &Connection,
    room_id: i64,
    n: &StoredNote,
) -> Result<Option<u32>, StoreError> {
    let existing: Option<u32> = conn
        .query_row(
            "SELECT id FROM notes WHERE room_id = ?1 AND author = ?2 AND client_id = ?3",
            params![room_id, n.author, n.client_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_err)?;
    if existing.is_some() {
        return Ok(existing);
    }
    conn.execute(
        "INSERT INTO notes (room_id, id, plan, table_no, author, client_id, text, released,
                            withdrawn, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8)",
        params![
            room_id,
            n.id,
            n.plan,
            n.table,
            n.author,
            n.client_id,
            n.text,
            n.created
        ],
    )
    .map_err(db_err)?;
    Ok(None)
}

/// Releases a note unless it was withdrawn; returns whether it is released.
pub fn release_note(conn: &Connection, room_id: i64, id: u32) -> Result<bool, StoreError> {
    let n = conn
        .execute(
            "UPDATE notes SET released = 1 WHERE room_id = ?1 AND id = ?2 AND withdrawn = 0",
            params![room_id, id],
        )
        .map_err(db_err)?;
    Ok(n == 1)
}

/// Withdraws a note unless it was released; returns whether it is withdrawn.
pub fn withdraw_note(conn: &Connection, room_id: i64, id: u32) -> Result<bool, StoreError> {
    let n = conn
        .execute(
            "UPDATE notes SET withdrawn = 1 WHERE room_id = ?1 AND id = ?2 AND released = 0",
            params![room_id, id],
        )
        .map_err(db_err)?;
    Ok(n == 1)
}

/// Records a participant's consent; returns whether it is new.
pub fn insert_consent(
    conn: &Connection,
    room_id: i64,
    pid: u32,
    time: i64,
) -> Result<bool, StoreError> {
    let n = conn
        .execute(
            "INSERT OR IGNORE INTO consents (room_id, pid, time) VALUES (?1, ?2, ?3)",
            params![room_id, pid, time],
        )
        .map_err(db_err)?;
    Ok(n == 1)
}

/// Records a client id of a pass, consent or withdrawal; returns whether it is new (false: a
/// resend, which must change nothing).
pub fn insert_request(
    conn: &Connection,
    room_id: i64,
    pid: u32,
    client_id: &str,
    kind: &str,
) -> Result<bool, StoreError> {
    let n = conn
        .execute(
            "INSERT OR IGNORE INTO client_requests (room_id, pid, client_id, kind)
             VALUES (?1, ?2, ?3, ?4)",
            params![room_id, pid, client_id, kind],
        )
        .map_err(db_err)?;
    Ok(n == 1)
}

/// Whether this participant's client id of a pass, consent or withdrawal is stored.
pub fn request_seen(
    conn: &Connection,
    room_id: i64,
    pid: u32,
    client_id: &str,
) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT 1 FROM client_requests WHERE room_id = ?1 AND pid = ?2 AND client_id = ?3",
        params![room_id, pid, client_id],
        |_| Ok(()),
    )
    .optional()
    .map(|r| r.is_some())
    .map_err(db_err)
}

/// Loads a room's tables.
pub(super) fn load(conn: &Connection, room_id: i64) -> Result<StoredTables, StoreError> {
    let plans = super::schema::room_rows(
        conn,
        "SELECT plan, plan_json, dissolved, created FROM table_plans WHERE room_id = ?
         ORDER BY plan",
        room_id,
        |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, i64>(3)?,
            ))
        },
    )?
    .into_iter()
    .map(|(number, json, dissolved, created)| {
        let plan = serde_json::from_str(&json)
            .map_err(|e| StoreError::Failed(format!("table plan {number}: {e}")))?;
        Ok(StoredPlan {
            number,
            plan,
            dissolved,
            created,
        })
    })
    .collect::<Result<_, StoreError>>()?;
    let seats = super::schema::room_rows(
        conn,
        "SELECT plan, pid, table_no FROM table_seats WHERE room_id = ? ORDER BY rowid",
        room_id,
        |r| {
            Ok(StoredSeat {
                plan: r.get(0)?,
                pid: r.get(1)?,
                table: r.get(2)?,
            })
        },
    )?;
    let draws = super::schema::room_rows(
        conn,
        "SELECT plan, table_no, draw, pid, passed FROM reporter_draws WHERE room_id = ?
         ORDER BY plan, table_no, draw",
        room_id,
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get::<_, String>(4)?,
            ))
        },
    )?
    .into_iter()
    .map(|(plan, table, draw, pid, passed)| {
        let passed = serde_json::from_str(&passed)
            .map_err(|e| StoreError::Failed(format!("reporter draw of table {table}: {e}")))?;
        Ok(StoredDraw {
            plan,
            table,
            draw,
            pid,
            passed,
        })
    })
    .collect::<Result<_, StoreError>>()?;
    let notes = super::schema::room_rows(
        conn,
        "SELECT id, plan, table_no, author, client_id, text, released, withdrawn, created
         FROM notes WHERE room_id = ? ORDER BY id",
        room_id,
        |r| {
            Ok(StoredNote {
                id: r.get(0)?,
                plan: r.get(1)?,
                table: r.get(2)?,
                author: r.get(3)?,
                client_id: r.get(4)?,
                text: r.get(5)?,
                released: r.get(6)?,
                withdrawn: r.get(7)?,
                created: r.get(8)?,
            })
        },
    )?;
    let consents = super::schema::room_rows(
        conn,
        "SELECT pid FROM consents WHERE room_id = ? ORDER BY pid",
        room_id,
        |r| r.get(0),
    )?;
    let requests = super::schema::room_rows(
        conn,
        "SELECT pid, client_id FROM client_requests WHERE room_id = ?",
        room_id,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(StoredTables {
        plans,
        seats,
        draws,
        notes,
        consents,
        requests,
    })
}
