//! What a migration copies: every table that holds a room's rows, each with its columns and
//! their kinds, the `rooms` row's columns, and the tables that stay behind. The list is the
//! one source of truth for the copy ([`super::copy`]) and for the checks before it
//! ([`super::verify`]); its test holds it to the schema's migrations.

/// The schema version (migrations run) whose tables [`TABLES`] and [`NOT_COPIED`] list.
pub(crate) const SCHEMA_VERSION: usize = 8;

/// Tables a SQLite store has that hold no room's data, and why they stay behind.
pub(super) const NOT_COPIED: &[(&str, &str)] = &[
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
pub(super) enum Kind {
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

pub(super) use Kind::*;

/// One table as copied: its columns (besides `room_id`), and the order that lists a room's
/// rows the same way in both databases.
pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) columns: &'static [(&'static str, Kind)],
    /// `ORDER BY` on SQLite.
    pub(super) sqlite_order: &'static str,
    /// `ORDER BY` on PostgreSQL.
    pub(super) pg_order: &'static str,
    /// Columns only SQLite has (`votes.seq`: PostgreSQL numbers the copies itself, in the
    /// order they are inserted, which is SQLite's `seq` order).
    pub(super) sqlite_only: &'static [&'static str],
    /// Columns only PostgreSQL has (`table_seats.seq` stands for SQLite's implicit `rowid`).
    pub(super) pg_only: &'static [&'static str],
}

/// The `rooms` row, but its `id` (PostgreSQL gives the copy a new one).
pub(super) const ROOM_COLUMNS: &[(&str, Kind)] = &[
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
pub(super) const TABLES: &[Table] = &[
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

pub(super) fn names(columns: &[(&str, Kind)]) -> String {
    columns
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sorted column names `table` (the `rooms` table for `None`) has in a database, with
/// `extra` (a dialect's own columns) beside the listed ones.
pub(super) fn expected(table: Option<&Table>, extra: &[&str]) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use rusqlite::Connection;

    use super::*;
    use crate::store::migrate::verify::sqlite_columns;
    use crate::store::{schema, Database, Store};

    /// The tables and columns listed here are those of a database at this build's schema: a
    /// new migration must say how its rows are copied (here) before this passes again.
    #[test]
    fn the_copied_columns_are_the_schemas() {
        assert_eq!(SCHEMA_VERSION, schema::MIGRATIONS.len());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let (store, _) = Store::open(&Database::Sqlite(path.clone())).unwrap();
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
}
