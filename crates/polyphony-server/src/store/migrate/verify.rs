//! The checks made before anything is written: the source is a Polyphony SQLite database this
//! build can read, both databases have exactly the tables and columns [`super::tables`] lists
//! (a column this build does not copy would be lost), and no join code of the source is taken
//! in the target. Each only reads.

use postgres::Client;
use rusqlite::{Connection, OpenFlags};

use super::rows::sqlite_err;
use super::tables::{expected, NOT_COPIED, SCHEMA_VERSION, TABLES};
use super::MigrateError;
use crate::store::pg::{self, pg_err};
use crate::store::{schema, StoreError};

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
    let known = schema::MIGRATIONS.len();
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
pub(super) fn sqlite_columns(conn: &Connection, table: &str) -> Result<Vec<String>, StoreError> {
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

/// Checks both databases have exactly the tables and columns listed here: a column this build
/// does not copy would be lost, so it refuses instead.
pub(super) fn check_columns(conn: &Connection, client: &mut Client) -> Result<(), StoreError> {
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

pub(super) fn taken(client: &mut Client, codes: &[String]) -> Result<Vec<String>, StoreError> {
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
