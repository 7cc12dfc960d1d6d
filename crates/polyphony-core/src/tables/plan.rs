//! Forming the plan, seating late joiners, drawing reporters.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::{TableMode, TableParams};
use crate::{Analysis, ParticipantId};

/// One participant to seat: who, their opinion group (none when outside the clustering or
/// joined late), and where they are on the map (none when they have not voted).
///
/// ```
/// use polyphony_core::Seat;
/// let clustered = Seat { participant: 7, group: Some(0), position: Some([0.4, -1.2]) };
/// let late = Seat::unplaced(8);
/// assert_eq!(late.group, None);
/// # let _ = clustered;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seat {
    /// Who.
    pub participant: ParticipantId,
    /// Their opinion group's id, if they are in one.
    pub group: Option<u32>,
    /// Their place on the opinion map, if they have one.
    pub position: Option<[f64; 2]>,
}

impl Seat {
    /// A participant with neither group nor place on the map (a late joiner, say).
    ///
    /// ```
    /// let s = polyphony_core::Seat::unplaced(3);
    /// assert!(s.group.is_none() && s.position.is_none());
    /// ```
    pub fn unplaced(participant: ParticipantId) -> Self {
        Self {
            participant,
            group: None,
            position: None,
        }
    }

    /// Every participant of an analysis, with their group and place, then each of `others`
    /// (joined but not yet in the analysis) unplaced.
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Conversation, Preset, Seat, Vote, VoteEvent};
    /// let mut conv = Conversation::new(AnalysisParams::builder(Preset::Workshop).build()?);
    /// conv.add_votes(&[VoteEvent::new(1, 0, Vote::Agree, 0)]);
    /// let seats = Seat::from_analysis(&conv.update(), &[1, 2]);
    /// // Participant 1 is on the map; 2 joined but has not voted; nobody is seated twice.
    /// assert_eq!(seats.len(), 2);
    /// assert!(seats[0].position.is_some() && seats[1].position.is_none());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn from_analysis(analysis: &Analysis, others: &[ParticipantId]) -> Vec<Seat> {
        let mut seats: BTreeMap<ParticipantId, Seat> = analysis
            .participants
            .iter()
            .map(|p| {
                (
                    p.participant,
                    Seat {
                        participant: p.participant,
                        group: p.group,
                        position: Some(p.position),
                    },
                )
            })
            .collect();
        for &p in others {
            seats.entry(p).or_insert_with(|| Seat::unplaced(p));
        }
        seats.into_values().collect()
    }
}

/// A member of a table, with the group they had when seated (for counts, never shown with who).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableMember {
    /// Who.
    pub participant: ParticipantId,
    /// Their opinion group's id when they were seated.
    pub group: Option<u32>,
}

/// One discussion table.
///
/// ```
/// use polyphony_core::{DiscussionTable, TableMember};
/// let t = DiscussionTable {
///     number: 3,
///     group: Some(1),
///     members: vec![TableMember { participant: 9, group: Some(1) }],
/// };
/// assert_eq!(t.group_counts().get(&Some(1)), Some(&1));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscussionTable {
    /// 1, 2, 3, …: the number on the sign people look for.
    pub number: u32,
    /// In a same-group plan, the group the table was formed from (none for a table of people
    /// outside the groups, and for every table of a mixed plan).
    pub group: Option<u32>,
    /// Who sits here, in seating order.
    pub members: Vec<TableMember>,
}

impl DiscussionTable {
    /// How many members of each group (and outside any group, `None`) sit here: what the
    /// facilitator and the projector may see of a table.
    ///
    /// ```
    /// use polyphony_core::{DiscussionTable, TableMember};
    /// let m = |participant, group| TableMember { participant, group };
    /// let t = DiscussionTable { number: 1, group: None, members: vec![m(1, Some(0)), m(2, Some(1)), m(3, None)] };
    /// assert_eq!(t.group_counts().len(), 3);
    /// ```
    pub fn group_counts(&self) -> BTreeMap<Option<u32>, u32> {
        let mut counts = BTreeMap::new();
        for m in &self.members {
            *counts.entry(m.group).or_insert(0) += 1;
        }
        counts
    }

    /// Whether `participant` sits at this table.
    ///
    /// ```
    /// use polyphony_core::{DiscussionTable, TableMember};
    /// let t = DiscussionTable { number: 1, group: None, members: vec![TableMember { participant: 4, group: None }] };
    /// assert!(t.has(4) && !t.has(5));
    /// ```
    pub fn has(&self, participant: ParticipantId) -> bool {
        self.members.iter().any(|m| m.participant == participant)
    }
}

/// The room's tables.
///
/// ```
/// use polyphony_core::{Seat, TableMode, TablePlan, TableParams};
/// // Two camps of 10 on the map, tables of at most 8.
/// let seats: Vec<Seat> = (0..20)
///     .map(|p| Seat { participant: p, group: Some(p % 2), position: Some([p as f64, 0.0]) })
///     .collect();
/// let same = TablePlan::form(&seats, &TableParams::builder(TableMode::SameGroup).build()?);
/// // Each camp of 10 needs two tables of 5: four tables, each of one camp.
/// assert_eq!(same.tables.len(), 4);
/// assert!(same.tables.iter().all(|t| t.group_counts().len() == 1));
/// let mixed = TablePlan::form(&seats, &TableParams::builder(TableMode::Mixed).build()?);
/// // Twenty people need three tables (7, 7, 6), each holding both camps.
/// assert_eq!(mixed.tables.len(), 3);
/// assert!(mixed.tables.iter().all(|t| t.group_counts().len() == 2));
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TablePlan {
    /// The settings it was formed with.
    pub params: TableParams,
    /// The tables, by number (1, 2, 3, …).
    pub tables: Vec<DiscussionTable>,
}

impl TablePlan {
    /// Forms the tables for `seats` (each participant once; a repeated participant is seated
    /// once). The plan depends only on the seats (not their order) and the params.
    ///
    /// - `SameGroup`: each group is shuffled (seeded) and split into ⌈n / size⌉ tables whose
    ///   sizes differ by at most one; tables are numbered group by group (A's first).
    /// - `Mixed`: ⌈n / size⌉ tables; each group, ordered along the map's first axis, is dealt
    ///   round the tables like cards, so every table gets ⌊n_g / tables⌋ or ⌈n_g / tables⌉ of
    ///   group g, table sizes differ by at most one, and neighbours on the map sit apart.
    ///
    /// In both, people outside the groups then fill the smallest tables (new tables only when
    /// every table is full).
    ///
    /// ```
    /// use polyphony_core::{Seat, TableMode, TablePlan, TableParams};
    /// let seats: Vec<Seat> = (0..5).map(Seat::unplaced).collect();
    /// let plan = TablePlan::form(&seats, &TableParams::builder(TableMode::SameGroup).size(4).build()?);
    /// // Nobody is in a group yet: five people make two tables, of 3 and 2.
    /// let mut sizes: Vec<usize> = plan.tables.iter().map(|t| t.members.len()).collect();
    /// sizes.sort();
    /// assert_eq!(sizes, vec![2, 3]);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn form(seats: &[Seat], params: &TableParams) -> TablePlan {
        let mut unique: BTreeMap<ParticipantId, Seat> = BTreeMap::new();
        for s in seats {
            unique.entry(s.participant).or_insert(*s);
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed ^ PLAN_SALT);
        let mut by_group: BTreeMap<u32, Vec<Seat>> = BTreeMap::new();
        let mut outside: Vec<Seat> = Vec::new();
        for s in unique.into_values() {
            match s.group {
                Some(g) => by_group.entry(g).or_default().push(s),
                None => outside.push(s),
            }
        }
        let size = usize::from(params.size.max(TableParams::MIN_SIZE));
        let mut plan = TablePlan {
            params: *params,
            tables: Vec::new(),
        };
        match params.mode {
            TableMode::SameGroup => {
                for (g, mut members) in by_group {
                    shuffle(&mut members, &mut rng);
                    let count = members.len().div_ceil(size);
                    let first = plan.tables.len();
                    plan.tables.extend((0..count).map(|_| DiscussionTable {
                        number: 0,
                        group: Some(g),
                        members: Vec::new(),
                    }));
                    deal(&mut plan.tables[first..], &members, 0);
                }
                // Outsiders fill the smallest tables; when they overflow, the new tables are
                // opened first so that they fill evenly too.
                let room: usize = plan
                    .tables
                    .iter()
                    .map(|t| size.saturating_sub(t.members.len()))
                    .sum();
                let extra = outside.len().saturating_sub(room).div_ceil(size);
                plan.tables.extend((0..extra).map(|_| DiscussionTable {
                    number: 0,
                    group: None,
                    members: Vec::new(),
                }));
                shuffle(&mut outside, &mut rng);
                for s in outside {
                    plan.place_seat(s);
                }
            }
            TableMode::Mixed => {
                let total = by_group.values().map(Vec::len).sum::<usize>() + outside.len();
                let count = total.div_ceil(size);
                plan.tables = (0..count)
                    .map(|_| DiscussionTable {
                        number: 0,
                        group: None,
                        members: Vec::new(),
                    })
                    .collect();
                let mut sequence = Vec::with_capacity(total);
                for (_, mut members) in by_group {
                    shuffle(&mut members, &mut rng);
                    // Along the map's first axis; ties keep the shuffled order.
                    members.sort_by(|a, b| {
                        let x = |s: &Seat| s.position.map_or(0.0, |p| p[0]);
                        x(a).total_cmp(&x(b))
                    });
                    sequence.extend(members);
                }
                shuffle(&mut outside, &mut rng);
                sequence.extend(outside);
                let start = if count > 0 { index(&mut rng, count) } else { 0 };
                deal(&mut plan.tables, &sequence, start);
            }
        }
        plan.renumber();
        plan
    }

    /// Seats a late joiner at the smallest table (lowest number among equals), or at a new
    /// table when every table is full, and returns the table's number. Someone already seated
    /// keeps their table.
    ///
    /// ```
    /// use polyphony_core::{Seat, TableMode, TablePlan, TableParams};
    /// let seats: Vec<Seat> = (0..3).map(Seat::unplaced).collect();
    /// let mut plan = TablePlan::form(&seats, &TableParams::builder(TableMode::Mixed).size(2).build()?);
    /// // Tables of 2 and 1: the late joiner completes the second.
    /// let small = plan.tables.iter().find(|t| t.members.len() == 1).map(|t| t.number);
    /// assert_eq!(Some(plan.place(Seat::unplaced(9))), small);
    /// // Now both are full: the next one opens table 3.
    /// assert_eq!(plan.place(Seat::unplaced(10)), 3);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn place(&mut self, seat: Seat) -> u32 {
        if let Some(number) = self.table_of(seat.participant) {
            return number;
        }
        self.place_seat(seat);
        self.renumber();
        self.table_of(seat.participant).unwrap_or(0)
    }

    /// The number of the table `participant` sits at.
    ///
    /// ```
    /// use polyphony_core::{Seat, TableMode, TablePlan, TableParams};
    /// let plan = TablePlan::form(&[Seat::unplaced(5), Seat::unplaced(6)], &TableParams::builder(TableMode::Mixed).build()?);
    /// assert_eq!(plan.table_of(5), Some(1));
    /// assert_eq!(plan.table_of(7), None);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn table_of(&self, participant: ParticipantId) -> Option<u32> {
        self.tables
            .iter()
            .find(|t| t.has(participant))
            .map(|t| t.number)
    }

    /// The table with this number.
    ///
    /// ```
    /// use polyphony_core::{Seat, TableMode, TablePlan, TableParams};
    /// let plan = TablePlan::form(&[Seat::unplaced(5)], &TableParams::builder(TableMode::Mixed).build()?);
    /// assert!(plan.table(1).is_some_and(|t| t.has(5)));
    /// assert!(plan.table(2).is_none());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn table(&self, number: u32) -> Option<&DiscussionTable> {
        self.tables.iter().find(|t| t.number == number)
    }

    fn place_seat(&mut self, seat: Seat) {
        let size = usize::from(self.params.size.max(TableParams::MIN_SIZE));
        let smallest = self
            .tables
            .iter_mut()
            .filter(|t| t.members.len() < size)
            .min_by_key(|t| t.members.len());
        let member = TableMember {
            participant: seat.participant,
            group: seat.group,
        };
        match smallest {
            Some(t) => t.members.push(member),
            None => self.tables.push(DiscussionTable {
                number: 0,
                group: None,
                members: vec![member],
            }),
        }
    }

    fn renumber(&mut self) {
        for (i, t) in self.tables.iter_mut().enumerate() {
            t.number = i as u32 + 1;
        }
    }
}

/// Draws the member of `table` who reports back to the room, leaving out those in `passed`
/// (members who handed the role on; when everyone has, anyone may be drawn again). `draw`
/// counts the draws made for this table (0 for the first), so each pass gives a fresh, seeded
/// draw. `None` only for an empty table.
///
/// ```
/// use polyphony_core::{draw_reporter, DiscussionTable, TableMember};
/// let members = (1..=6).map(|participant| TableMember { participant, group: None }).collect();
/// let table = DiscussionTable { number: 2, group: None, members };
/// let first = draw_reporter(&table, 7, 0, &[]).unwrap();
/// // Same seed and draw, same reporter; after they pass, someone else.
/// assert_eq!(draw_reporter(&table, 7, 0, &[]), Some(first));
/// assert_ne!(draw_reporter(&table, 7, 1, &[first]), Some(first));
/// ```
pub fn draw_reporter(
    table: &DiscussionTable,
    seed: u64,
    draw: u32,
    passed: &[ParticipantId],
) -> Option<ParticipantId> {
    let mut candidates: Vec<ParticipantId> = table
        .members
        .iter()
        .map(|m| m.participant)
        .filter(|p| !passed.contains(p))
        .collect();
    if candidates.is_empty() {
        candidates = table.members.iter().map(|m| m.participant).collect();
    }
    if candidates.is_empty() {
        return None;
    }
    candidates.sort_unstable();
    let mixed = seed
        ^ REPORTER_SALT
        ^ u64::from(table.number).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(draw).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mixed);
    Some(candidates[index(&mut rng, candidates.len())])
}

/// Keeps the plan's random stream apart from the engine's, which uses the same room seed.
const PLAN_SALT: u64 = 0x7AB1_E5EA_7ED0_0001;
const REPORTER_SALT: u64 = 0x8E90_87E8_0000_0002;

/// A uniform index below `len`, drawn as a `u64` so that it is the same on 32- and 64-bit
/// targets (natively and in wasm32).
fn index(rng: &mut Xoshiro256PlusPlus, len: usize) -> usize {
    rng.gen_range(0..len as u64) as usize
}

/// Fisher–Yates with [`index`]: the same permutation natively and in wasm32.
fn shuffle<T>(items: &mut [T], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..items.len()).rev() {
        let j = index(rng, i + 1);
        items.swap(i, j);
    }
}

/// Deals `seats` round `tables` like cards, starting at table `start`.
fn deal(tables: &mut [DiscussionTable], seats: &[Seat], start: usize) {
    if tables.is_empty() {
        return;
    }
    for (i, s) in seats.iter().enumerate() {
        tables[(start + i) % tables.len()]
            .members
            .push(TableMember {
                participant: s.participant,
                group: s.group,
            });
    }
}
