//! Rows as both databases hold them: a [`Cell`] per column, read from SQLite or PostgreSQL
//! as the column's [`Kind`] says (a value of another kind is an error, never a guess), and
//! written into PostgreSQL a few hundred rows a statement.

use postgres::types::ToSql;
use postgres::Client;
use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::tables::{names, Kind, Kind::*};
use crate::store::pg::pg_err;
use crate::store::StoreError;

/// A value as both databases hold it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cell {
    Int(Option<i64>),
    Bool(bool),
    Text(Option<String>),
}

impl Cell {
    pub(super) fn to_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Cell::Int(v) => v,
            Cell::Bool(v) => v,
            Cell::Text(v) => v,
        }
    }
}

/// A SQLite failure, saying what the migration was doing (`reading votes`).
pub(super) fn sqlite_err(what: &str, e: rusqlite::Error) -> StoreError {
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

/// Every row `sql` (with `?1` the room's id) returns, as `columns`.
pub(super) fn sqlite_rows(
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

pub(super) fn pg_rows(
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
pub(super) fn insert_rows(
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
