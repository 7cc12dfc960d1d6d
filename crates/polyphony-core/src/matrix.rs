//! The participants × statements vote matrix.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vote::{ParticipantId, StatementId, Vote, VoteEvent};

/// Polis's cap on distinct participants (`:max-ptpts`).
pub const MAX_PARTICIPANTS: u32 = 100_000;
/// Polis's cap on distinct statements (`:max-cmts`).
pub const MAX_STATEMENTS: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Cell {
    column: u32,
    vote: Vote,
    time: i64,
}

/// Every participant's latest vote on every statement, stored sparsely.
///
/// Rows are participants in the order each was first seen, columns are statements in the order
/// each was first seen, as in Polis's named matrix (§1.1). Those orders matter: k-means starts
/// from the first distinct points in row order. Within one [`VoteMatrix::apply`] call, events are
/// taken in (statement, participant, time) order, which is how Polis reads a batch, so the result
/// does not depend on the order events arrive in. A re-vote replaces the earlier vote when its
/// time is not older; an event older than the stored vote is ignored.
///
/// Storage is one sorted sparse row per participant, so 100k × 10k at a few percent density fits
/// in memory easily.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// m.apply(&[
///     VoteEvent::new(10, 1, Vote::Agree, 1),
///     VoteEvent::new(10, 1, Vote::Disagree, 2),
///     VoteEvent::new(11, 0, Vote::Pass, 1),
/// ]);
/// assert_eq!(m.participants(), &[11, 10]);
/// assert_eq!(m.statements(), &[0, 1]);
/// assert_eq!(m.vote(10, 1), Some(Vote::Disagree));
/// assert_eq!(m.vote_count(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct VoteMatrix {
    participants: Vec<ParticipantId>,
    statements: Vec<StatementId>,
    row_of: BTreeMap<ParticipantId, u32>,
    /// `row_of` again for ids below [`DENSE_ROW_IDS`], indexed by id (`u32::MAX`: no row): the
    /// engine looks rows up by participant for every group's tallies, and ids are small
    /// numbers in practice (Polis's and the server's are counters).
    dense_row_of: Vec<u32>,
    column_of: BTreeMap<StatementId, u32>,
    rows: Vec<Vec<Cell>>,
    cells: u64,
}

/// What [`VoteMatrix::apply`] carries from one event of a batch to the next.
#[derive(Default)]
struct Batch {
    report: ApplyReport,
    /// The last event's statement and its column.
    last_column: Option<(StatementId, u32)>,
    /// For a large batch, how many of its events each participant id (below
    /// [`DENSE_ROW_IDS`]) has: a new row is allocated at that size once instead of growing
    /// vote by vote (an export's 50,000 votes made 6,000 reallocations).
    expected_cells: Vec<u32>,
}

/// Below this many events a batch's rows grow as votes come (a phone's vote, a live update).
const PRESIZE_BATCH: usize = 1024;

/// Each participant id's number of events in `events` (see [`Batch::expected_cells`]), indexed
/// by id; empty for a small batch.
fn expected_cells(events: &[VoteEvent]) -> Vec<u32> {
    let mut counts: Vec<u32> = Vec::new();
    if events.len() < PRESIZE_BATCH {
        return counts;
    }
    for e in events.iter().filter(|e| e.participant < DENSE_ROW_IDS) {
        let i = e.participant as usize;
        if counts.len() <= i {
            counts.resize(i + 1, 0);
        }
        counts[i] += 1;
    }
    counts
}

/// Participant ids below this are also looked up by index (at most 4 MiB for the index).
const DENSE_ROW_IDS: u32 = 1 << 20;

/// What one [`VoteMatrix::apply`] did with its events.
///
/// ```
/// use polyphony_core::{ApplyReport, Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// m.apply(&[VoteEvent::new(1, 1, Vote::Agree, 5)]);
/// // A late-arriving older vote does not replace the newer one.
/// let r = m.apply(&[VoteEvent::new(1, 1, Vote::Pass, 3), VoteEvent::new(2, 1, Vote::Pass, 3)]);
/// assert_eq!(r, ApplyReport { stored: 1, superseded: 1, dropped_by_cap: 0 });
/// assert_eq!(m.vote(1, 1), Some(Vote::Agree));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// Events that are now the stored vote of their cell (or replaced it).
    pub stored: u64,
    /// Events older than the vote already stored for the same cell.
    pub superseded: u64,
    /// Events from a new participant or statement after a cap was reached (Polis drops them).
    pub dropped_by_cap: u64,
}

impl VoteMatrix {
    /// An empty matrix whose row and column orders are fixed in advance.
    ///
    /// Used to rebuild a matrix from stored votes in the order a persisted engine state expects,
    /// so a restart sees the same rows in the same places.
    ///
    /// ```
    /// use polyphony_core::{Vote, VoteEvent, VoteMatrix};
    /// let mut m = VoteMatrix::with_order(&[5, 3], &[9]);
    /// m.apply(&[VoteEvent::new(3, 9, Vote::Agree, 0)]);
    /// assert_eq!(m.participants(), &[5, 3]);
    /// ```
    pub fn with_order(participants: &[ParticipantId], statements: &[StatementId]) -> Self {
        let mut m = VoteMatrix::default();
        for &p in participants {
            m.row_index_or_insert(p);
        }
        for &s in statements {
            m.column_index_or_insert(s);
        }
        m
    }

    /// Adds a batch of vote events (latest time wins per cell; see the type's docs).
    ///
    /// ```
    /// use polyphony_core::{Vote, VoteEvent, VoteMatrix};
    /// let mut m = VoteMatrix::default();
    /// m.apply(&[VoteEvent::new(0, 0, Vote::Agree, 0)]);
    /// assert_eq!(m.vote(0, 0), Some(Vote::Agree));
    /// ```
    pub fn apply(&mut self, events: &[VoteEvent]) -> ApplyReport {
        // Events with equal keys are equal in every field, so an unstable sort gives the same
        // sequence as a stable one.
        let key = |e: &VoteEvent| (e.statement, e.participant, e.time, e.vote);
        let mut batch = Batch {
            expected_cells: expected_cells(events),
            ..Batch::default()
        };
        // An export lists its votes in (statement, participant) order already, re-votes of
        // one cell side by side in any time order: only those runs need sorting, and no
        // sorted copy of the whole batch is made.
        let cell = |e: &VoteEvent| (e.statement, e.participant);
        if events.is_sorted_by_key(cell) {
            for run in events.chunk_by(|a, b| cell(a) == cell(b)) {
                if let [e] = run {
                    self.apply_one(e, &mut batch);
                } else {
                    let mut order: Vec<&VoteEvent> = run.iter().collect();
                    order.sort_unstable_by_key(|e| key(e));
                    for e in order {
                        self.apply_one(e, &mut batch);
                    }
                }
            }
        } else {
            let mut order: Vec<&VoteEvent> = events.iter().collect();
            order.sort_unstable_by_key(|e| key(e));
            for e in order {
                self.apply_one(e, &mut batch);
            }
        }
        batch.report
    }

    /// One event of a batch taken in (statement, participant, time) order.
    fn apply_one(&mut self, e: &VoteEvent, batch: &mut Batch) {
        let report = &mut batch.report;
        // Events come grouped by statement: look each statement's column up once.
        let column = match batch.last_column {
            Some((s, c)) if s == e.statement => Some(c),
            _ => self.column_of.get(&e.statement).copied(),
        };
        let row = self.row_index(e.participant);
        if (row.is_none() && self.participants.len() as u32 >= MAX_PARTICIPANTS)
            || (column.is_none() && self.statements.len() as u32 >= MAX_STATEMENTS)
        {
            report.dropped_by_cap += 1;
            return;
        }
        let column = match column {
            Some(c) => c,
            None => self.column_index_or_insert(e.statement),
        };
        batch.last_column = Some((e.statement, column));
        let row = match row {
            Some(r) => r as usize,
            None => {
                let r = self.row_index_or_insert(e.participant) as usize;
                if let Some(&n) = batch.expected_cells.get(e.participant as usize) {
                    self.rows[r].reserve_exact(n as usize);
                }
                r
            }
        };
        let cells = &mut self.rows[row];
        // Statement order means a row's new cell usually goes last: look there before
        // searching.
        let place = match cells.last() {
            None => Err(0),
            Some(last) if last.column < column => Err(cells.len()),
            Some(last) if last.column == column => Ok(cells.len() - 1),
            Some(_) => cells.binary_search_by_key(&column, |c| c.column),
        };
        match place {
            Ok(i) => {
                if e.time >= cells[i].time {
                    cells[i].vote = e.vote;
                    cells[i].time = e.time;
                    report.stored += 1;
                } else {
                    report.superseded += 1;
                }
            }
            Err(i) => {
                cells.insert(
                    i,
                    Cell {
                        column,
                        vote: e.vote,
                        time: e.time,
                    },
                );
                self.cells += 1;
                report.stored += 1;
            }
        }
    }

    /// The row of `p`, by index for a small id.
    fn row_index(&self, p: ParticipantId) -> Option<u32> {
        if p < DENSE_ROW_IDS {
            return self
                .dense_row_of
                .get(p as usize)
                .copied()
                .filter(|&r| r != u32::MAX);
        }
        self.row_of.get(&p).copied()
    }

    fn row_index_or_insert(&mut self, p: ParticipantId) -> u32 {
        if let Some(r) = self.row_index(p) {
            return r;
        }
        let r = self.participants.len() as u32;
        self.participants.push(p);
        self.row_of.insert(p, r);
        if p < DENSE_ROW_IDS {
            if self.dense_row_of.len() <= p as usize {
                self.dense_row_of.resize(p as usize + 1, u32::MAX);
            }
            self.dense_row_of[p as usize] = r;
        }
        self.rows.push(Vec::new());
        r
    }

    fn column_index_or_insert(&mut self, s: StatementId) -> u32 {
        if let Some(&c) = self.column_of.get(&s) {
            return c;
        }
        let c = self.statements.len() as u32;
        self.statements.push(s);
        self.column_of.insert(s, c);
        c
    }

    /// Participants in row order.
    ///
    /// ```
    /// assert!(polyphony_core::VoteMatrix::default().participants().is_empty());
    /// ```
    pub fn participants(&self) -> &[ParticipantId] {
        &self.participants
    }

    /// Statements in column order (Polis's `tids`).
    ///
    /// ```
    /// assert!(polyphony_core::VoteMatrix::default().statements().is_empty());
    /// ```
    pub fn statements(&self) -> &[StatementId] {
        &self.statements
    }

    /// The row of a participant, if they ever voted.
    ///
    /// ```
    /// let m = polyphony_core::VoteMatrix::with_order(&[4], &[]);
    /// assert_eq!(m.row_of(4), Some(0));
    /// ```
    pub fn row_of(&self, participant: ParticipantId) -> Option<usize> {
        self.row_index(participant).map(|r| r as usize)
    }

    /// The column of a statement, if it ever received a vote.
    ///
    /// ```
    /// let m = polyphony_core::VoteMatrix::with_order(&[], &[8]);
    /// assert_eq!(m.column_of(8), Some(0));
    /// ```
    pub fn column_of(&self, statement: StatementId) -> Option<usize> {
        self.column_of.get(&statement).map(|&c| c as usize)
    }

    /// The latest vote of a participant on a statement.
    ///
    /// ```
    /// assert_eq!(polyphony_core::VoteMatrix::default().vote(1, 1), None);
    /// ```
    pub fn vote(&self, participant: ParticipantId, statement: StatementId) -> Option<Vote> {
        let row = self.row_of(participant)?;
        let column = self.column_of(statement)? as u32;
        let cells = &self.rows[row];
        cells
            .binary_search_by_key(&column, |c| c.column)
            .ok()
            .map(|i| cells[i].vote)
    }

    /// The (column, vote) cells of one row, sorted by column.
    ///
    /// ```
    /// use polyphony_core::{Vote, VoteEvent, VoteMatrix};
    /// let mut m = VoteMatrix::default();
    /// m.apply(&[VoteEvent::new(0, 5, Vote::Pass, 0)]);
    /// assert_eq!(m.row(0).collect::<Vec<_>>(), vec![(0, Vote::Pass)]);
    /// ```
    pub fn row(&self, row: usize) -> impl Iterator<Item = (usize, Vote)> + '_ {
        // A plain slice iterator (an unknown row is empty): the tallies' inner loop.
        self.rows
            .get(row)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|c| (c.column as usize, c.vote))
    }

    /// Number of votes in a row (Polis's user-vote-count: passes and moderated statements count).
    ///
    /// ```
    /// assert_eq!(polyphony_core::VoteMatrix::with_order(&[1], &[]).row_len(0), 0);
    /// ```
    pub fn row_len(&self, row: usize) -> usize {
        self.rows.get(row).map_or(0, Vec::len)
    }

    /// Number of non-empty cells (latest votes).
    ///
    /// ```
    /// assert_eq!(polyphony_core::VoteMatrix::default().vote_count(), 0);
    /// ```
    pub fn vote_count(&self) -> u64 {
        self.cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn events() -> impl Strategy<Value = Vec<VoteEvent>> {
        // Few ids and times, so re-votes of one cell (and exact ties) are common.
        let vote = prop_oneof![Just(Vote::Agree), Just(Vote::Disagree), Just(Vote::Pass)];
        prop::collection::vec((0u32..6, 0u32..5, vote, 0i64..4), 0..1500).prop_map(|v| {
            v.into_iter()
                .map(|(p, s, vote, t)| VoteEvent::new(p, s, vote, t))
                .collect()
        })
    }

    fn cells(m: &VoteMatrix) -> Vec<(ParticipantId, Vec<Cell>)> {
        m.participants()
            .iter()
            .zip(&m.rows)
            .map(|(&p, r)| (p, r.clone()))
            .collect()
    }

    proptest! {
        /// An export's order (by statement and participant, re-votes of a cell in any time
        /// order), a shuffled batch and the fully sorted one all give the same matrix and report.
        #[test]
        fn a_batch_gives_the_same_matrix_in_any_order(events in events(), seed in any::<u64>()) {
            let key = |e: &VoteEvent| (e.statement, e.participant, e.time, e.vote);
            let mut sorted = events.clone();
            sorted.sort_by_key(key);
            // Runs of one cell reversed: still in (statement, participant) order.
            let mut export = Vec::new();
            for run in sorted.chunk_by(|a, b| (a.statement, a.participant) == (b.statement, b.participant)) {
                export.extend(run.iter().rev().copied());
            }
            let mut shuffled = events.clone();
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let apply = |batch: &[VoteEvent]| {
                let mut m = VoteMatrix::default();
                let report = m.apply(batch);
                (report, m.statements().to_vec(), cells(&m), m.vote_count())
            };
            let expected = apply(&sorted);
            prop_assert_eq!(apply(&export), expected.clone());
            prop_assert_eq!(apply(&shuffled), expected);
        }
    }
}
