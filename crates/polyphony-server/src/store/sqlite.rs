//! The SQLite backend: one connection, owned by the writer thread, in WAL mode with
//! `synchronous = FULL` (a commit survives a killed process and a power cut). Its SQL is in
//! `write.rs`, `tables.rs`, `controls.rs`, `brief.rs` and `schema.rs`.

use std::path::Path;

use rusqlite::Connection;

use super::room_writes::SqliteRoomWrites;
use super::{db_err, schema, Backend, RoomWrites, StoreError, StoredRoom};

/// The writer thread's SQLite connection.
pub(crate) struct SqliteBackend {
    conn: Connection,
}

impl SqliteBackend {
    /// Opens (creating if needed) the file, migrates it and loads every room.
    pub(crate) fn open(path: &Path) -> Result<(SqliteBackend, Vec<StoredRoom>), StoreError> {
        let mut conn = Connection::open(path).map_err(|e| {
            StoreError::Failed(format!("cannot open database {}: {e}", path.display()))
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_err)?;
        schema::migrate(&mut conn)?;
        let rooms = schema::load_rooms(&conn)?;
        Ok((SqliteBackend { conn }, rooms))
    }
}

impl Backend for SqliteBackend {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db_err)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(db_err)
    }

    fn rollback(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }

    fn savepoint(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("SAVEPOINT job").map_err(db_err)
    }

    fn release(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("RELEASE job").map_err(db_err)
    }

    fn rollback_to_savepoint(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK TO job; RELEASE job");
    }

    fn room_writes(&mut self, room_id: i64) -> Box<dyn RoomWrites + '_> {
        Box::new(SqliteRoomWrites {
            conn: &self.conn,
            room_id,
        })
    }

    fn insert_room(
        &mut self,
        room: &StoredRoom,
        creator_address: Option<&str>,
    ) -> Result<i64, StoreError> {
        super::insert_room(&self.conn, room, creator_address)
    }

    fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(db_err)
    }
}
