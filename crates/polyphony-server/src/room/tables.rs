//! A room's discussion tables as plain data: every plan (the current one is the last, unless
//! dissolved), each table's latest reporter draw, the notes, consent, and the client ids of
//! passes, consents and withdrawals. Rebuilt from the database alone.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use polyphony_core::{DiscussionTable, TableMember, TablePlan};

use crate::store::{StoredDraw, StoredNote, StoredTables};

/// A table plan in memory.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// 1, 2, … in the room.
    pub(crate) number: u32,
    /// The plan, late joiners included.
    pub(crate) plan: TablePlan,
    /// Dissolved by the facilitator.
    pub(crate) dissolved: bool,
    /// The latest draw of each table, by table number.
    pub(crate) reporters: BTreeMap<u32, StoredDraw>,
    /// Who sat down after the plan was formed (joined while tables were formed). A table's
    /// notes were written for the people at it: someone seated later reads them once the
    /// facilitator releases them, not before (else one phone, joining again and again, sat at
    /// each table in turn and read every table's unreleased notes).
    pub(crate) late: BTreeSet<u32>,
}

impl Plan {
    /// The current reporter of `table`.
    pub(crate) fn reporter(&self, table: u32) -> Option<u32> {
        self.reporters.get(&table).map(|d| d.pid)
    }

    /// Seats a late joiner at table `table` (a new table when it is the next number).
    pub(crate) fn seat(&mut self, pid: u32, table: u32) {
        if self.plan.table_of(pid).is_some() {
            return;
        }
        self.late.insert(pid);
        let member = TableMember {
            participant: pid,
            group: None,
        };
        match self.plan.tables.iter_mut().find(|t| t.number == table) {
            Some(t) => t.members.push(member),
            None => {
                self.plan.tables.push(DiscussionTable {
                    number: table,
                    group: None,
                    members: vec![member],
                });
                self.plan.tables.sort_by_key(|t| t.number);
            }
        }
    }

    /// Records a draw if it is the table's latest.
    pub(crate) fn record_draw(&mut self, d: StoredDraw) {
        let newer = self
            .reporters
            .get(&d.table)
            .is_none_or(|old| old.draw < d.draw);
        if newer {
            self.reporters.insert(d.table, d);
        }
    }
}

/// Everything about a room's tables.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables {
    pub(crate) plans: Vec<Plan>,
    /// Every note by id (withdrawn ones included, for the author's limit).
    pub(crate) notes: BTreeMap<u32, StoredNote>,
    pub(crate) consented: HashSet<u32>,
    /// (participant, client id) of every pass, consent and withdrawal.
    pub(crate) requests: HashSet<(u32, String)>,
    /// Numbers the next plan and note get (reserved at check time).
    pub(crate) next_plan: u32,
    pub(crate) next_note: u32,
}

impl Tables {
    /// The tables as the database holds them.
    pub(crate) fn from_stored(s: StoredTables) -> Tables {
        let mut plans: Vec<Plan> = s
            .plans
            .into_iter()
            .map(|p| Plan {
                number: p.number,
                plan: p.plan,
                dissolved: p.dissolved,
                reporters: BTreeMap::new(),
                late: BTreeSet::new(),
            })
            .collect();
        for seat in s.seats {
            if let Some(p) = plans.iter_mut().find(|p| p.number == seat.plan) {
                p.seat(seat.pid, seat.table);
            }
        }
        for d in s.draws {
            if let Some(p) = plans.iter_mut().find(|p| p.number == d.plan) {
                p.record_draw(d);
            }
        }
        let next_plan = plans.iter().map(|p| p.number + 1).max().unwrap_or(1);
        let next_note = s.notes.iter().map(|n| n.id + 1).max().unwrap_or(0);
        Tables {
            plans,
            notes: s.notes.into_iter().map(|n| (n.id, n)).collect(),
            consented: s.consents.into_iter().collect(),
            requests: s.requests.into_iter().collect(),
            next_plan,
            next_note,
        }
    }

    /// Everyone the tables hold on to: seated in any plan, consented, or a note's author.
    pub(crate) fn participants_known(&self) -> HashSet<u32> {
        let mut known: HashSet<u32> = self.consented.clone();
        known.extend(self.notes.values().map(|n| n.author));
        for p in &self.plans {
            for t in &p.plan.tables {
                known.extend(t.members.iter().map(|m| m.participant));
            }
        }
        known
    }

    /// The plan in force: the latest, unless dissolved.
    pub(crate) fn current(&self) -> Option<&Plan> {
        self.plans.last().filter(|p| !p.dissolved)
    }

    /// A plan by number.
    pub(crate) fn plan_mut(&mut self, number: u32) -> Option<&mut Plan> {
        self.plans.iter_mut().find(|p| p.number == number)
    }

    /// Where `pid` sits in the plan in force: (plan, table).
    pub(crate) fn seat_of(&self, pid: u32) -> Option<(&Plan, u32)> {
        let plan = self.current()?;
        Some((plan, plan.plan.table_of(pid)?))
    }

    /// Notes of the plan in force at `table`, not withdrawn, oldest first.
    pub(crate) fn table_notes(&self, plan: u32, table: u32) -> impl Iterator<Item = &StoredNote> {
        self.notes
            .values()
            .filter(move |n| n.plan == plan && n.table == table && !n.withdrawn)
    }
}
