//! The PostgreSQL backend (`--db postgres://user@host/db`): the same schema and migrations as
//! SQLite's (`../schema.rs` and the `MIGRATION` constants it lists), in PostgreSQL's dialect,
//! with the same version numbers (`schema.rs` here), and the same writes (`writes.rs`);
//! loading rooms is `load.rs`, leases `../lease.rs`. This file is the connection.
//!
//! The driver is rust-postgres's `postgres` crate: the blocking face of `tokio-postgres`, which
//! runs the protocol on a small runtime of its own. The store's writer thread owns the one
//! connection, so a command's persist step (synchronous, inside the group transaction) calls
//! it directly; the server's async runtime never waits on the database except for the answer
//! to a commit, as with SQLite. One transaction per batch keeps "acknowledged" meaning
//! "committed" (the default `synchronous_commit = on` flushes the WAL at each commit), and every
//! idempotency decision is a unique constraint hit inside that transaction
//! (`ON CONFLICT DO NOTHING`), as SQLite's `INSERT OR IGNORE`.
//!
//! Dialect differences, and why: integers are `BIGINT` (SQLite's `INTEGER` is 64-bit; every id
//! fits and the driver maps one Rust type), flags are `BOOLEAN`, row ids are identity columns
//! (`rooms.id`, `votes.seq`), `table_seats` has an explicit `seq` where SQLite orders by its
//! implicit `rowid`, and the schema version is a row of `polyphony_schema` instead of
//! `PRAGMA user_version`.

mod load;
mod schema;
mod tls;
mod writes;

use std::collections::{HashMap, HashSet};

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};

use super::lease::{Fences, Instance};
use super::{Backend, RoomWrites, StoreError, StoredRoom};
use schema::migrate;
use writes::PgRoomWrites;

/// The URL for logs and messages: the password, if any, replaced.
pub(crate) fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

/// Connects to `url` as `name` (its `application_name`, unless the URL sets one); over TLS
/// with `sslmode=require` or `sslrootcert=FILE` (`tls.rs`).
pub(crate) fn connect_as(url: &str, name: &str) -> Result<Client, StoreError> {
    let failed = |e: postgres::Error| {
        StoreError::Failed(format!("cannot connect to {}: {}", redact(url), pg_err(e)))
    };
    let (rest, root_cert) = tls::split_root_cert(url);
    let mut config: postgres::Config = rest.parse().map_err(failed)?;
    if config.get_application_name().is_none() {
        config.application_name(name);
    }
    let require = matches!(config.get_ssl_mode(), postgres::config::SslMode::Require);
    if require || root_cert.is_some() {
        config.ssl_mode(postgres::config::SslMode::Require);
        let tls = tls::connector(root_cert.as_deref())?;
        config.connect(tls).map_err(failed)
    } else {
        config.connect(NoTls).map_err(failed)
    }
}

/// A driver error as the log should read it: PostgreSQL's own message and code when the server
/// answered one (the driver's `Display` alone says only "db error").
pub(crate) fn pg_err(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Failed(format!(
            "postgres: {} ({}){}",
            db.message(),
            db.code().code(),
            db.detail().map(|d| format!(": {d}")).unwrap_or_default()
        )),
        // The driver's own text ("error performing TLS handshake") with its causes ("invalid
        // peer certificate: UnknownIssuer"), which say what to fix.
        None => {
            let mut text = format!("postgres: {e}");
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                text.push_str(&format!(": {c}"));
                cause = c.source();
            }
            StoreError::Failed(text)
        }
    }
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Failed(e.to_string())
}

/// A column that must fit a narrower integer than the `BIGINT` it is stored in.
fn int<T: TryFrom<i64>>(row: &Row, i: usize) -> Result<T, StoreError> {
    let v: i64 = row.try_get(i).map_err(pg_err)?;
    T::try_from(v).map_err(|_| StoreError::Failed(format!("value {v} out of range in column {i}")))
}

fn opt_int<T: TryFrom<i64>>(row: &Row, i: usize) -> Result<Option<T>, StoreError> {
    let v: Option<i64> = row.try_get(i).map_err(pg_err)?;
    v.map(|v| T::try_from(v).map_err(|_| StoreError::Failed(format!("value {v} out of range"))))
        .transpose()
}

fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T, StoreError> {
    row.try_get(i).map_err(pg_err)
}

/// The writer thread's PostgreSQL connection, with its prepared statements (each write's SQL is
/// parsed once per connection, not once per vote).
pub(crate) struct PgBackend {
    client: Client,
    prepared: HashMap<&'static str, Statement>,
    /// To connect again when the server dropped the connection (a restart, a failover, an
    /// administrator's `pg_terminate_backend`).
    url: String,
    /// Who this process is among the instances (the lease rows' owner).
    pub(super) instance: Instance,
    /// The rooms this instance holds and their epochs (shared with the lease thread).
    pub(super) fences: Fences,
    /// Rooms whose lease this transaction already read `FOR KEY SHARE` (`lease.rs`).
    pub(super) fenced: HashSet<i64>,
}

impl PgBackend {
    /// Connects, migrates (under an advisory lock, so instances starting together take turns),
    /// claims the rooms this instance may serve at start (`lease.rs`) and loads them.
    pub(crate) fn open(
        url: &str,
        instance: Instance,
        fences: Fences,
    ) -> Result<(PgBackend, Vec<StoredRoom>), StoreError> {
        let mut backend = PgBackend::connect(url, "polyphony-writer", instance, fences)?;
        // The writer's transactions are milliseconds long: one whose client stopped talking
        // (a paused instance) is ended by the server, releasing the lease rows it read.
        backend.simple("SET idle_in_transaction_session_timeout = '2s'")?;
        let claimed = backend.claim_free(true)?;
        let ids: Vec<i64> = claimed.iter().map(|(id, _)| *id).collect();
        let rooms = backend.load_rooms_with_ids(&ids)?;
        Ok((backend, rooms))
    }

    /// Connects and migrates, loading nothing (the lease thread's connection). `name` is the
    /// connection's `application_name` (what `pg_stat_activity` shows an administrator).
    pub(crate) fn connect(
        url: &str,
        name: &'static str,
        instance: Instance,
        fences: Fences,
    ) -> Result<PgBackend, StoreError> {
        let mut client = connect_as(url, name)?;
        migrate(&mut client)?;
        Ok(PgBackend {
            client,
            prepared: HashMap::new(),
            url: url.to_owned(),
            instance,
            fences,
            fenced: HashSet::new(),
        })
    }

    /// Whether the connection was lost (the lease thread connects again).
    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The connection itself, for SQL built at run time (`polyphony migrate` copies tables by
    /// name, inside the transaction it then loads the copied rooms in).
    pub(in crate::store) fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    pub(super) fn prepared(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(pg_err)?;
        self.prepared.insert(sql, s.clone());
        Ok(s)
    }

    pub(super) fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        let s = self.prepared(sql)?;
        self.client.execute(&s, params).map_err(pg_err)
    }

    pub(super) fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let s = self.prepared(sql)?;
        self.client.query(&s, params).map_err(pg_err)
    }

    pub(super) fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, StoreError> {
        let s = self.prepared(sql)?;
        self.client.query_opt(&s, params).map_err(pg_err)
    }

    pub(super) fn simple(&mut self, sql: &str) -> Result<(), StoreError> {
        self.client.batch_execute(sql).map_err(pg_err)
    }
}

impl Backend for PgBackend {
    fn begin(&mut self) -> Result<(), StoreError> {
        // A lost connection fails the batch that found it lost (nothing of it acknowledged;
        // phones resend); the next batch connects again instead of failing for ever.
        if self.client.is_closed() {
            tracing::warn!("the PostgreSQL connection was lost; connecting again");
            self.client = connect_as(&self.url, "polyphony-writer")?;
            self.prepared.clear();
        }
        self.unfence();
        self.simple("BEGIN")
    }

    fn fence(&mut self, room_id: i64) -> Result<(), StoreError> {
        self.check_fence(room_id)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.simple("COMMIT")
    }

    fn rollback(&mut self) {
        let _ = self.simple("ROLLBACK");
    }

    fn savepoint(&mut self) -> Result<(), StoreError> {
        self.simple("SAVEPOINT job")
    }

    fn release(&mut self) -> Result<(), StoreError> {
        self.simple("RELEASE SAVEPOINT job")
    }

    fn rollback_to_savepoint(&mut self) {
        let _ = self.simple("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job");
        // The savepoint's locks went with it: check again next time.
        self.unfence();
    }

    fn room_writes(&mut self, room_id: i64) -> Box<dyn RoomWrites + '_> {
        Box::new(PgRoomWrites { pg: self, room_id })
    }

    fn insert_room(
        &mut self,
        room: &StoredRoom,
        creator_address: Option<&str>,
    ) -> Result<i64, StoreError> {
        let settings = serde_json::to_string(&room.settings).map_err(json_err)?;
        let row = self.query_opt(
            "INSERT INTO rooms (code, facilitator_key, topic, description, language, settings,
                                stage, closed, seed, created, creator_address, rules)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             RETURNING id",
            &[
                &room.code,
                &room.facilitator_key,
                &room.topic,
                &room.description,
                &room.language,
                &settings,
                &room.stage.as_str(),
                &room.closed,
                &(room.seed as i64),
                &room.created,
                &creator_address,
                &room.rules,
            ],
        )?;
        let id: i64 = match row {
            Some(r) => get(&r, 0)?,
            None => return Err(StoreError::Failed("inserting a room returned no id".into())),
        };
        for s in &room.statements {
            self.insert_statement(id, s)?;
        }
        for p in &room.participants {
            self.insert_participant(id, p)?;
        }
        for v in &room.votes {
            self.insert_vote(id, v)?;
        }
        if !room.brief.is_empty() {
            self.update_brief(id, &room.brief)?;
        }
        self.lease_new_room(id, &room.code)?;
        Ok(id)
    }

    fn checkpoint(&mut self) -> Result<(), StoreError> {
        // Every commit is already durable in PostgreSQL's WAL; its checkpointer folds it back.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_never_reaches_the_log() {
        assert_eq!(
            redact("postgres://me:secret@db.example:5432/poly"),
            "postgres://me:***@db.example:5432/poly"
        );
        assert_eq!(
            redact("postgres://me@127.0.0.1/poly"),
            "postgres://me@127.0.0.1/poly"
        );
        assert_eq!(
            redact("postgresql:///poly?host=/tmp"),
            "postgresql:///poly?host=/tmp"
        );
    }
}
