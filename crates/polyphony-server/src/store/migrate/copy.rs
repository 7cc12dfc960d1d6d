//! The copy: every room's rows moved in one PostgreSQL transaction, each row read back equal
//! inside it, and the transaction left open as a [`PendingCopy`] for the caller's verdict.

use postgres::types::ToSql;
use rusqlite::{Connection, OpenFlags};

use super::rows::{insert_rows, pg_rows, sqlite_err, sqlite_rows, Cell};
use super::tables::{names, ROOM_COLUMNS, TABLES};
use super::verify::{check_columns, taken};
use super::{CopiedRoom, MigrateError};
use crate::store::lease::{Fences, Instance};
use crate::store::pg::{pg_err, PgBackend};
use crate::store::{StoreError, StoredRoom};

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

/// Copies every room of the SQLite database `source` (at
/// [`SCHEMA_VERSION`](super::tables::SCHEMA_VERSION), not written to) into the PostgreSQL
/// database at `url` (its schema created or migrated first, as `serve` does) in one transaction,
/// left open: refused when a join code is taken there; every copied row read back equal inside
/// the transaction; the copied rooms loaded as `serve` loads them.
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
    use postgres::Client;

    use super::*;
    use crate::store::test_postgres::fresh_postgres;
    use crate::store::{Database, Store};

    /// A SQLite store at this build's schema holding room `code` with a participant, a
    /// statement, two votes and a consent.
    fn source(dir: &std::path::Path, code: &str) -> std::path::PathBuf {
        let path = dir.join(format!("{code}.db"));
        let (store, _) = Store::open(&Database::Sqlite(path.clone())).unwrap();
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
        let url = fresh_postgres("polyphony_unit_migrate");
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
}
