//! Copying rooms from a SQLite store into a PostgreSQL one (`polyphony migrate`), row by row.
//!
//! Why rows and not [`super::StoredRoom`]s: a loaded room leaves out what the server never reads
//! back (when a position was taken, a participant removed or consent given, the address that
//! created the room, what kind of request a client id was). A move must not lose any of it,
//! so every column of every table is copied as stored, and each table is listed here with its
//! columns. The list is checked against both databases before anything is written (a column or
//! a table this build does not know refuses the copy), and a test holds it to the schema's
//! migrations, so a new migration cannot silently go uncopied.
//!
//! Everything is written in one PostgreSQL transaction on the connection `serve` would use
//! (`PgBackend`, TLS included), which stays open while the caller checks the copy: every copied
//! row is read back inside it equal to the SQLite row, and the rooms are loaded inside it as
//! `serve` loads them ([`PendingCopy::target_rooms`]). Until [`PendingCopy::commit`] nothing is
//! visible to anyone else (no instance of a cluster can claim a room half copied), and any
//! failure (a join code already taken, a dropped connection, a difference) leaves the target as
//! it was.

use postgres::types::ToSql;
use postgres::Client;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::lease::{Fences, Instance};
use super::pg::{self, PgBackend};
use super::{StoreError, StoredRoom};

/// The schema version (migrations run) whose tables [`TABLES`] and [`NOT_COPIED`] list.
pub(crate) const SCHEMA_VERSION: usize = 8;

/// Tables a SQLite store has that hold no room's data, and why they stay behind.
const NOT_COPIED: &[(&str, &str)] = &[
    (
        "room_leases",
        "which instance serves a room: the target's own instances claim the rooms",
    ),
    (
        "polyphony_cluster",
        "the secret a cluster's instances share: the target's, never a laptop's",
    ),
    (
        "cluster_members",
        "the target's live instances, which announce themselves",
    ),
];

/// A column's type in both dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `INTEGER` / `BIGINT`, not null.
    Int,
    /// `INTEGER` / `BIGINT`, nullable.
    OptInt,
    /// `INTEGER` 0 or 1 / `BOOLEAN`.
    Bool,
    /// `TEXT`, not null.
    Text,
    /// `TEXT`, nullable.
    OptText,
}

use Kind::*;

/// One table as copied: its columns (besides `room_id`), and the order that lists a room's
/// rows the same way in both databases.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// `ORDER BY` on SQLite.
    sqlite_order: &'static str,
    /// `ORDER BY` on PostgreSQL.
    pg_order: &'static str,
    /// Columns only SQLite has (`votes.seq`: PostgreSQL numbers the copies itself, in the
    /// order they are inserted, which is SQLite's `seq` order).
    sqlite_only: &'static [&'static str],
    /// Columns only PostgreSQL has (`table_seats.seq` stands for SQLite's implicit `rowid`).
    pg_only: &'static [&'static str],
}

/// The `rooms` row, but its `id` (PostgreSQL gives the copy a new one).
const ROOM_COLUMNS: &[(&str, Kind)] = &[
    ("code", Text),
    ("facilitator_key", Text),
    ("topic", Text),
    ("description", Text),
    ("language", Text),
    ("settings", Text),
    ("stage", Text),
    ("closed", Bool),
    ("seed", Int),
    ("created", Int),
    ("creator_address", OptText),
    ("engine_state", OptText),
    ("rules", Text),
    ("controls", OptText),
    ("frozen_groups", OptText),
    ("brief", OptText),
];

/// Every table that holds a room's rows (by `room_id`), in an order that satisfies the
/// foreign keys.
const TABLES: &[Table] = &[
    Table {
        name: "participants",
        columns: &[
            ("pid", Int),
            ("token", Text),
            ("created", Int),
            ("removed", OptInt),
        ],
        sqlite_order: "pid",
        pg_order: "pid",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "statements",
        columns: &[
            ("sid", Int),
            ("text", Text),
            ("author", OptInt),
            ("is_seed", Bool),
            ("moderation", Text),
            ("created", Int),
            ("client_id", OptText),
        ],
        sqlite_order: "sid",
        pg_order: "sid",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "votes",
        columns: &[
            ("pid", Int),
            ("sid", Int),
            ("vote", Int),
            ("time", Int),
            ("client_id", Text),
        ],
        sqlite_order: "seq",
        pg_order: "seq",
        sqlite_only: &["seq"],
        pg_only: &["seq"],
    },
    Table {
        name: "spectrums",
        columns: &[
            ("id", Int),
            ("sid", Int),
            ("open_round", OptInt),
            ("created", Int),
            ("rounds", Int),
        ],
        sqlite_order: "id",
        pg_order: "id",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "spectrum_positions",
        columns: &[
            ("spectrum", Int),
            ("round", Int),
            ("pid", Int),
            ("position", Int),
            ("time", Int),
        ],
        sqlite_order: "spectrum, round, pid",
        pg_order: "spectrum, round, pid",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "table_plans",
        columns: &[
            ("plan", Int),
            ("mode", Text),
            ("size", Int),
            ("plan_json", Text),
            ("dissolved", Bool),
            ("created", Int),
        ],
        sqlite_order: "plan",
        pg_order: "plan",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "table_seats",
        columns: &[("plan", Int), ("pid", Int), ("table_no", Int)],
        sqlite_order: "rowid",
        pg_order: "seq",
        sqlite_only: &[],
        pg_only: &["seq"],
    },
    Table {
        name: "reporter_draws",
        columns: &[
            ("plan", Int),
            ("table_no", Int),
            ("draw", Int),
            ("pid", Int),
            ("passed", Text),
        ],
        sqlite_order: "plan, table_no, draw",
        pg_order: "plan, table_no, draw",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "notes",
        columns: &[
            ("id", Int),
            ("plan", Int),
            ("table_no", Int),
            ("author", Int),
            ("client_id", Text),
            ("text", Text),
            ("released", Bool),
            ("withdrawn", Bool),
            ("created", Int),
        ],
        sqlite_order: "id",
        pg_order: "id",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "consents",
        columns: &[("pid", Int), ("time", Int)],
        sqlite_order: "pid",
        pg_order: "pid",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "client_requests",
        columns: &[("pid", Int), ("client_id", Text), ("kind", Text)],
        sqlite_order: "pid, client_id",
        pg_order: "pid, client_id",
        sqlite_only: &[],
        pg_only: &[],
    },
    Table {
        name: "snapshots",
        columns: &[
            ("seq", Int),
            ("stage", Text),
            ("time", Int),
            ("analysis", Text),
        ],
        sqlite_order: "seq",
        pg_order: "seq",
        sqlite_only: &[],
        pg_only: &[],
    },
];

/// Why a migration was refused or failed. Nothing of it is kept in the target in any case.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The source is not a Polyphony SQLite database (or not one this build can read).
    #[error("{path}: {why}")]
    Source {
        /// The source file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// The target already holds rooms with these join codes.
    #[error(
        "the target already holds room(s) {}: nothing was copied (a room moves once; to copy it \
         again, delete it from the target first)",
        .0.join(", ")
    )]
    CodesTaken(Vec<String>),
    /// A copied room differs between the two databases; the transaction was rolled back.
    #[error(
        "room {code}: {what} differs between SQLite and PostgreSQL; nothing of the move is kept \
         in the target"
    )]
    Differs {
        /// The room's join code.
        code: String,
        /// What differs (a table, an export file).
        what: String,
    },
    /// A database failure.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// A room as copied: its code, its row ids in both databases, and how many rows of each table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopiedRoom {
    /// Join code.
    pub code: String,
    /// `rooms.id` in the source.
    pub source_id: i64,
    /// `rooms.id` of the copy.
    pub target_id: i64,
    /// Rows copied per table (`rooms` first), read back equal.
    pub rows: Vec<(&'static str, usize)>,
}

/// A value as both databases hold it.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Int(Option<i64>),
    Bool(bool),
    Text(Option<String>),
}

impl Cell {
    fn to_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Cell::Int(v) => v,
            Cell::Bool(v) => v,
            Cell::Text(v) => v,
        }
    }
}

fn pg_err(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Failed(format!(
            "postgres: {} ({}){}",
            db.message(),
            db.code().code(),
            db.detail().map(|d| format!(": {d}")).unwrap_or_default()
        )),
        None => StoreError::Failed(format!("postgres: {e}")),
    }
}

fn sqlite_err(what: &str, e: rusqlite::Error) -> StoreError {
    StoreError::Failed(format!("{what}: {e}"))
}

/// A SQLite value read as `kind`.
fn sqlite_cell(v: ValueRef<'_>, kind: Kind, at: &dyn Fn() -> String) -> Result<Cell, StoreError> {
    let bad = || StoreError::Failed(format!("{}: unexpected value {v:?}", at()));
    Ok(match (kind, v) {
        (Int | OptInt, ValueRef::Integer(i)) => Cell::Int(Some(i)),
        (OptInt, ValueRef::Null) => Cell::Int(None),
        (Bool, ValueRef::Integer(0)) => Cell::Bool(false),
        (Bool, ValueRef::Integer(1)) => Cell::Bool(true),
        (Text | OptText, ValueRef::Text(t)) => {
            Cell::Text(Some(std::str::from_utf8(t).map_err(|_| bad())?.to_owned()))
        }
        (OptText, ValueRef::Null) => Cell::Text(None),
        _ => return Err(bad()),
    })
}

fn pg_cell(row: &postgres::Row, i: usize, kind: Kind) -> Result<Cell, StoreError> {
    Ok(match kind {
        Int | OptInt => Cell::Int(row.try_get(i).map_err(pg_err)?),
        Bool => Cell::Bool(row.try_get(i).map_err(pg_err)?),
        Text | OptText => Cell::Text(row.try_get(i).map_err(pg_err)?),
    })
}

fn names(columns: &[(&str, Kind)]) -> String {
    columns
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every row `sql` (with `?1` the room's id) returns, as `columns`.
fn sqlite_rows(
    conn: &Connection,
    sql: &str,
    room_id: i64,
    columns: &[(&str, Kind)],
    table: &str,
) -> Result<Vec<Vec<Cell>>, StoreError> {
    let mut stmt = conn
        .prepare(sql)
        .map_err(|e| sqlite_err(&format!("reading {table}"), e))?;
    let mut rows = stmt
        .query([room_id])
        .map_err(|e| sqlite_err(&format!("reading {table}"), e))?;
    let mut out = Vec::new();
    while let Some(row) = rows
        .next()
        .map_err(|e| sqlite_err(&format!("reading {table}"), e))?
    {
        let n = out.len();
        let mut cells = Vec::with_capacity(columns.len());
        for (i, (name, kind)) in columns.iter().enumerate() {
            let v = row
                .get_ref(i)
                .map_err(|e| sqlite_err(&format!("reading {table}"), e))?;
            cells.push(sqlite_cell(v, *kind, &|| {
                format!("{table}.{name}, row {n} of room {room_id}")
            })?);
        }
        out.push(cells);
    }
    Ok(out)
}

fn pg_rows(
    tx: &mut Client,
    sql: &str,
    room_id: i64,
    columns: &[(&str, Kind)],
) -> Result<Vec<Vec<Cell>>, StoreError> {
    tx.query(sql, &[&room_id])
        .map_err(pg_err)?
        .iter()
        .map(|row| {
            columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| pg_cell(row, i, *kind))
                .collect()
        })
        .collect()
}

/// Rows per `INSERT` (PostgreSQL takes at most 65,535 parameters a statement).
const ROWS_PER_INSERT: usize = 500;

/// Inserts `rows` (each `room_id` then `columns`) into `table`, a few hundred a statement.
fn insert_rows(
    tx: &mut Client,
    table: &str,
    columns: &[(&str, Kind)],
    room_id: i64,
    rows: &[Vec<Cell>],
) -> Result<(), StoreError> {
    let width = columns.len() + 1;
    let room = Cell::Int(Some(room_id));
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|r| {
                let params: Vec<String> =
                    (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} (room_id, {}) VALUES {}",
            names(columns),
            tuples.join(", ")
        );
        let params: Vec<&(dyn ToSql + Sync)> = chunk
            .iter()
            .flat_map(|row| std::iter::once(&room).chain(row.iter()))
            .map(Cell::to_sql)
            .collect();
        tx.execute(sql.as_str(), &params).map_err(pg_err)?;
    }
    Ok(())
}

/// Opens the source read-only and checks it is a Polyphony database this build can copy:
/// SQLite's integrity check, a schema version (Polyphony sets one with its first migration)
/// not newer than this build's, and the first schema's tables. Nothing is written to it.
pub(crate) fn check_source(path: &std::path::Path) -> Result<usize, MigrateError> {
    let refuse = |why: String| MigrateError::Source {
        path: path.display().to_string(),
        why,
    };
    if !path.is_file() {
        return Err(refuse("no such file".into()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| refuse(format!("cannot open it: {e}")))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| refuse(format!("not a Polyphony database (not a SQLite file: {e})")))?;
    if check != "ok" {
        return Err(refuse(format!("damaged database: {check}")));
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| refuse(format!("cannot read its schema version: {e}")))?;
    if version < 1 {
        return Err(refuse(format!(
            "not a Polyphony database (schema version {version}; a Polyphony database's is 1 or more)"
        )));
    }
    let known = super::schema::MIGRATIONS.len();
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > known {
        return Err(refuse(format!(
            "the database is from a newer Polyphony (schema {version}, this build knows {known}): \
             migrate it with that version"
        )));
    }
    for table in ["rooms", "participants", "statements", "votes"] {
        let found: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| refuse(format!("cannot read its tables: {e}")))?;
        if !found {
            return Err(refuse(format!(
                "not a Polyphony database (no `{table}` table, schema version {version})"
            )));
        }
    }
    Ok(version)
}

/// The columns of `table` in the SQLite database.
fn sqlite_columns(conn: &Connection, table: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY name")
        .map_err(|e| sqlite_err("reading the schema", e))?;
    let cols = stmt
        .query_map([table], |r| r.get::<_, String>(0))
        .map_err(|e| sqlite_err("reading the schema", e))?
        .collect::<Result<Vec<String>, _>>()
        .map_err(|e| sqlite_err("reading the schema", e))?;
    Ok(cols)
}

fn pg_columns(client: &mut Client, table: &str) -> Result<Vec<String>, StoreError> {
    Ok(client
        .query(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name",
            &[&table],
        )
        .map_err(pg_err)?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect())
}

fn expected(table: Option<&Table>, extra: &[&str]) -> Vec<String> {
    let mut cols: Vec<String> = match table {
        None => std::iter::once("id")
            .chain(ROOM_COLUMNS.iter().map(|(c, _)| *c))
            .map(String::from)
            .collect(),
        Some(t) => std::iter::once("room_id")
            .chain(t.columns.iter().map(|(c, _)| *c))
            .chain(extra.iter().copied())
            .map(String::from)
            .collect(),
    };
    cols.sort();
    cols
}

/// Checks both databases have exactly the tables and columns listed here: a column this build
/// does not copy would be lost, so it refuses instead.
fn check_columns(conn: &Connection, client: &mut Client) -> Result<(), StoreError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| sqlite_err("reading the schema version", e))?;
    if usize::try_from(version).ok() != Some(SCHEMA_VERSION) {
        return Err(StoreError::Failed(format!(
            "this build copies schema {SCHEMA_VERSION}; the source is at {version}"
        )));
    }
    let mismatch = |db: &str, table: &str, found: &[String], want: &[String]| {
        StoreError::Failed(format!(
            "{db} table {table} has columns {found:?}, this build copies {want:?}: nothing copied"
        ))
    };
    let rooms = expected(None, &[]);
    let found = sqlite_columns(conn, "rooms")?;
    if found != rooms {
        return Err(mismatch("SQLite", "rooms", &found, &rooms));
    }
    let found = pg_columns(client, "rooms")?;
    if found != rooms {
        return Err(mismatch("PostgreSQL", "rooms", &found, &rooms));
    }
    for t in TABLES {
        let want = expected(Some(t), t.sqlite_only);
        let found = sqlite_columns(conn, t.name)?;
        if found != want {
            return Err(mismatch("SQLite", t.name, &found, &want));
        }
        let want = expected(Some(t), t.pg_only);
        let found = pg_columns(client, t.name)?;
        if found != want {
            return Err(mismatch("PostgreSQL", t.name, &found, &want));
        }
    }
    // A table of the source that is not listed would not be copied.
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )
        .map_err(|e| sqlite_err("reading the schema", e))?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|e| sqlite_err("reading the schema", e))?
        .collect::<Result<Vec<String>, _>>()
        .map_err(|e| sqlite_err("reading the schema", e))?;
    for name in tables {
        let known = name == "rooms"
            || TABLES.iter().any(|t| t.name == name)
            || NOT_COPIED.iter().any(|(t, _)| *t == name);
        if !known {
            return Err(StoreError::Failed(format!(
                "the source has a table `{name}` this build does not copy: nothing copied"
            )));
        }
    }
    Ok(())
}

/// Join codes the PostgreSQL database at `url` already holds (none when it has no `rooms`
/// table yet). Reads only: a refused move leaves even an empty database without tables.
pub(crate) fn codes_in_target(url: &str, codes: &[String]) -> Result<Vec<String>, StoreError> {
    let mut client = pg::connect_as(url, "polyphony-migrate")?;
    let has_rooms: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables
                            WHERE table_schema = current_schema() AND table_name = 'rooms')",
            &[],
        )
        .map_err(pg_err)?
        .get(0);
    if !has_rooms {
        return Ok(Vec::new());
    }
    taken(&mut client, codes)
}

fn taken(client: &mut Client, codes: &[String]) -> Result<Vec<String>, StoreError> {
    Ok(client
        .query(
            "SELECT code FROM rooms WHERE code = ANY($1) ORDER BY code",
            &[&codes],
        )
        .map_err(pg_err)?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect())
}

/// A copy inside an open PostgreSQL transaction, waiting for its caller's verdict: nothing of
/// it is visible to anyone else until [`PendingCopy::commit`]; dropped, the connection closes
/// and PostgreSQL rolls it back.
pub(crate) struct PendingCopy {
    backend: PgBackend,
    /// The rooms copied, with their row counts.
    pub(crate) copied: Vec<CopiedRoom>,
    /// The copied rooms as `serve` loads them, read inside the transaction.
    pub(crate) target_rooms: Vec<StoredRoom>,
}

impl PendingCopy {
    /// Makes the copy durable and visible.
    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        self.backend.simple("COMMIT")
    }

    /// Undoes the copy.
    pub(crate) fn rollback(mut self) {
        let _ = self.backend.simple("ROLLBACK");
    }
}

/// Copies every room of the SQLite database `source` (at [`SCHEMA_VERSION`], not written to)
/// into the PostgreSQL database at `url` (its schema created or migrated first, as `serve`
/// does) in one transaction, left open: refused when a join code is taken there; every copied
/// row read back equal inside the transaction; the copied rooms loaded as `serve` loads them.
pub(crate) fn copy_rooms(source: &std::path::Path, url: &str) -> Result<PendingCopy, MigrateError> {
    let conn = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| sqlite_err("opening the source", e))?;
    // The writer's connection and migrations, without claiming a room (no lease is taken).
    let mut backend = PgBackend::connect(
        url,
        "polyphony-migrate",
        Instance::solo(),
        Fences::default(),
    )?;
    check_columns(&conn, backend.client())?;
    backend.simple("BEGIN")?;
    match copy_in(&conn, &mut backend) {
        Ok(copied) => {
            let ids: Vec<i64> = copied.iter().map(|c| c.target_id).collect();
            match backend.load_rooms_with_ids(&ids) {
                Ok(target_rooms) => Ok(PendingCopy {
                    backend,
                    copied,
                    target_rooms,
                }),
                Err(e) => {
                    let _ = backend.simple("ROLLBACK");
                    Err(e.into())
                }
            }
        }
        Err(e) => {
            let _ = backend.simple("ROLLBACK");
            Err(e)
        }
    }
}

/// The copy itself, inside the transaction `backend` has open.
fn copy_in(conn: &Connection, backend: &mut PgBackend) -> Result<Vec<CopiedRoom>, MigrateError> {
    let client = backend.client();
    let rooms: Vec<(i64, String)> = {
        let mut stmt = conn
            .prepare("SELECT id, code FROM rooms ORDER BY id")
            .map_err(|e| sqlite_err("reading rooms", e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| sqlite_err("reading rooms", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| sqlite_err("reading rooms", e))?
    };
    let codes: Vec<String> = rooms.iter().map(|(_, c)| c.clone()).collect();
    // Checked again inside the transaction (the unique code decides a race either way).
    let clash = taken(client, &codes)?;
    if !clash.is_empty() {
        return Err(MigrateError::CodesTaken(clash));
    }
    let room_sql_sqlite = format!("SELECT {} FROM rooms WHERE id = ?1", names(ROOM_COLUMNS));
    let room_sql_pg = format!("SELECT {} FROM rooms WHERE id = $1", names(ROOM_COLUMNS));
    let room_insert = format!(
        "INSERT INTO rooms ({}) VALUES ({}) RETURNING id",
        names(ROOM_COLUMNS),
        (1..=ROOM_COLUMNS.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut copied = Vec::with_capacity(rooms.len());
    for (source_id, code) in rooms {
        let row = sqlite_rows(conn, &room_sql_sqlite, source_id, ROOM_COLUMNS, "rooms")?;
        let params: Vec<&(dyn ToSql + Sync)> = row
            .iter()
            .flat_map(|r| r.iter())
            .map(Cell::to_sql)
            .collect();
        let target_id: i64 = client
            .query_one(room_insert.as_str(), &params)
            .map_err(pg_err)?
            .get(0);
        if pg_rows(client, &room_sql_pg, target_id, ROOM_COLUMNS)? != row {
            return Err(MigrateError::Differs {
                code,
                what: "the rooms row".into(),
            });
        }
        let mut counts = vec![("rooms", 1)];
        for t in TABLES {
            let sql = format!(
                "SELECT {} FROM {} WHERE room_id = ?1 ORDER BY {}",
                names(t.columns),
                t.name,
                t.sqlite_order
            );
            let rows = sqlite_rows(conn, &sql, source_id, t.columns, t.name)?;
            insert_rows(client, t.name, t.columns, target_id, &rows)?;
            let sql = format!(
                "SELECT {} FROM {} WHERE room_id = $1 ORDER BY {}",
                names(t.columns),
                t.name,
                t.pg_order
            );
            if pg_rows(client, &sql, target_id, t.columns)? != rows {
                return Err(MigrateError::Differs {
                    code,
                    what: format!("table {}", t.name),
                });
            }
            counts.push((t.name, rows.len()));
        }
        copied.push(CopiedRoom {
            code,
            source_id,
            target_id,
            rows: counts,
        });
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The tables and columns listed here are those of a database at this build's schema: a
    /// new migration must say how its rows are copied (here) before this passes again.
    #[test]
    fn the_copied_columns_are_the_schemas() {
        assert_eq!(SCHEMA_VERSION, super::super::schema::MIGRATIONS.len());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let (store, _) =
            super::super::Store::open(&super::super::Database::Sqlite(path.clone())).unwrap();
        drop(store);
        let conn = Connection::open(&path).unwrap();
        assert_eq!(sqlite_columns(&conn, "rooms").unwrap(), expected(None, &[]));
        for t in TABLES {
            assert_eq!(
                sqlite_columns(&conn, t.name).unwrap(),
                expected(Some(t), t.sqlite_only),
                "{}",
                t.name
            );
        }
        let mut stmt = conn
            .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap();
        let tables: i64 = stmt.query_row([], |r| r.get(0)).unwrap();
        assert_eq!(
            tables as usize,
            TABLES.len() + 1 + NOT_COPIED.len(),
            "every table is listed"
        );
    }

    /// A new database on the test PostgreSQL server (`POLYPHONY_TEST_POSTGRES`, which `cargo
    /// xtask test` starts); fails, never skips, without it.
    fn fresh_postgres(name: &str) -> String {
        let Ok(base) = std::env::var("POLYPHONY_TEST_POSTGRES") else {
            panic!(
                "this test needs PostgreSQL: set POLYPHONY_TEST_POSTGRES to a server URL whose \
                 role may create databases, or run `cargo xtask test`"
            );
        };
        let mut c = Client::connect(&base, postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let authority_end = base
            .find("://")
            .map(|i| i + 3 + base[i + 3..].find('/').unwrap_or(base.len() - i - 3))
            .unwrap();
        format!("{}/{name}", &base[..authority_end])
    }

    /// A SQLite store at this build's schema holding room `code` with a participant, a
    /// statement, two votes and a consent.
    fn source(dir: &std::path::Path, code: &str) -> std::path::PathBuf {
        let path = dir.join(format!("{code}.db"));
        let (store, _) =
            super::super::Store::open(&super::super::Database::Sqlite(path.clone())).unwrap();
        drop(store);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO rooms (code, facilitator_key, topic, description, language, settings,
                                stage, seed, created)
             VALUES ('{code}', 'k', 't', '', 'en', '{{}}', 'collect', 1, 2);
             INSERT INTO participants (room_id, pid, token, created) VALUES (1, 0, 'tok-{code}', 3);
             INSERT INTO statements (room_id, sid, text, is_seed, moderation, created)
                 VALUES (1, 0, 's', 1, 'accepted', 4);
             INSERT INTO votes (room_id, pid, sid, vote, time, client_id) VALUES (1, 0, 0, 1, 5, 'a');
             INSERT INTO votes (room_id, pid, sid, vote, time, client_id) VALUES (1, 0, 0, -1, 6, 'b');
             INSERT INTO consents (room_id, pid, time) VALUES (1, 0, 7);"
        ))
        .unwrap();
        path
    }

    fn count(url: &str, table: &str) -> i64 {
        let mut c = Client::connect(url, postgres::NoTls).unwrap();
        c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    }

    /// The copy waits in its transaction: rolled back, the target holds no row of it (the
    /// tables `serve` creates stay); committed, it does; the same code again is refused inside
    /// the transaction, and a room that was there before is never touched.
    #[test]
    fn a_pending_copy_is_all_or_nothing() {
        let url = fresh_postgres(&format!("polyphony_unit_migrate_{}", std::process::id()));
        let dir = tempfile::tempdir().unwrap();
        let kept = copy_rooms(&source(dir.path(), "KEPT22"), &url).unwrap();
        assert_eq!(
            kept.copied[0].rows.iter().find(|(t, _)| *t == "votes"),
            Some(&("votes", 2))
        );
        // Inside the transaction, the room loads as `serve` loads it.
        assert_eq!(kept.target_rooms.len(), 1);
        assert_eq!(kept.target_rooms[0].votes.len(), 2);
        assert_eq!(kept.target_rooms[0].tables.consents, [0]);
        kept.commit().unwrap();
        let moved = source(dir.path(), "MOVED2");
        copy_rooms(&moved, &url).unwrap().rollback();
        for (table, left) in [
            ("rooms", 1),
            ("participants", 1),
            ("statements", 1),
            ("votes", 2),
            ("consents", 1),
        ] {
            assert_eq!(count(&url, table), left, "{table}");
        }
        // Dropped without a verdict: rolled back as well.
        drop(copy_rooms(&moved, &url).unwrap());
        assert_eq!(count(&url, "rooms"), 1);
        let mut c = Client::connect(&url, postgres::NoTls).unwrap();
        let code: String = c.query_one("SELECT code FROM rooms", &[]).unwrap().get(0);
        assert_eq!(code, "KEPT22");
        let kept_db = dir.path().join("KEPT22.db");
        let taken = copy_rooms(&kept_db, &url);
        assert!(matches!(taken, Err(MigrateError::CodesTaken(ref c)) if c == &["KEPT22"]));
        assert_eq!(count(&url, "votes"), 2);
    }

    #[test]
    fn sqlite_values_read_as_their_kind_or_fail() {
        let at = || "t.c".to_string();
        assert_eq!(
            sqlite_cell(ValueRef::Integer(1), Bool, &at).unwrap(),
            Cell::Bool(true)
        );
        assert!(sqlite_cell(ValueRef::Integer(2), Bool, &at).is_err());
        assert!(sqlite_cell(ValueRef::Null, Int, &at).is_err());
        assert_eq!(
            sqlite_cell(ValueRef::Null, OptText, &at).unwrap(),
            Cell::Text(None)
        );
        assert!(sqlite_cell(ValueRef::Text(b"x"), Int, &at).is_err());
        assert!(sqlite_cell(ValueRef::Real(1.5), Int, &at).is_err());
    }
}
