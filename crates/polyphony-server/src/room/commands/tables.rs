//! Discussion tables: form and dissolve them, and where a late joiner sits ([`late_seat`]).
//! A table's notes, its reporter and the rules' consent are `super::notes`,
//! `super::reporter` and `super::consent`.

use polyphony_core::{draw_reporter, Analysis, Seat, TableParams, TablePlan};
use polyphony_protocol::{HostView, Stage, TablesRequest, TablesView};

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::Room;
use crate::room::tables::Plan;
use crate::room::views;
use crate::store::{RoomField, RoomWrites, StoreError, StoredDraw, StoredPlan, StoredSeat};
use crate::util::{lock, next_time};

/// The seed of plan `number` of a room seeded with `seed`.
fn plan_seed(seed: u64, number: u32) -> u64 {
    seed ^ u64::from(number).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Logs a reporter draw: room, plan, table and draw number, never who.
pub(super) fn log_draw(room: &Room, d: &StoredDraw) {
    tracing::info!(
        room = %room.info.code,
        plan = d.plan,
        table = d.table,
        draw = d.draw,
        "reporter drawn"
    );
}

// ---- form, dissolve ----

/// A new table plan with a reporter drawn for every table; the room moves to the tables stage.
#[derive(Clone, Debug)]
pub(crate) struct FormTables {
    pub(crate) plan: StoredPlan,
    pub(crate) draws: Vec<StoredDraw>,
    /// Groups not frozen yet are frozen with the tables (the groups the tables were made
    /// from): the controls that say so, and who is in which group.
    pub(crate) freeze: Option<(
        polyphony_protocol::RoomControls,
        polyphony_core::FrozenGroups,
    )>,
}

/// Tables for every joined participant, from the latest `analysis` (groups and places on the
/// map); participants outside it are seated too.
pub(crate) fn check_form_tables(
    room: &Room,
    analysis: Option<&Analysis>,
    req: &TablesRequest,
    created: i64,
) -> Result<Step<FormTables>, RoomError> {
    room.open_for_changes()?;
    let number = room.tables.next_plan;
    let params = TableParams::builder(req.mode)
        .size(req.size)
        .seed(plan_seed(room.seed, number))
        .build()
        .map_err(|_| RoomError::BadTableSize(req.size))?;
    let pids: Vec<u32> = room.participants.keys().copied().collect();
    let seats: Vec<Seat> = match analysis {
        Some(a) => Seat::from_analysis(a, &pids)
            .into_iter()
            .filter(|s| room.participants.contains_key(&s.participant))
            .collect(),
        None => pids.iter().map(|&p| Seat::unplaced(p)).collect(),
    };
    let plan = TablePlan::form(&seats, &params);
    let draws = plan
        .tables
        .iter()
        .filter_map(|t| {
            Some(StoredDraw {
                plan: number,
                table: t.number,
                draw: 0,
                pid: draw_reporter(t, params.seed, 0, &[])?,
                passed: Vec::new(),
            })
        })
        .collect();
    let freeze = match (&room.frozen, analysis) {
        (None, Some(a)) => {
            let groups = polyphony_core::FrozenGroups::from_live(a);
            (!groups.is_empty()).then(|| {
                let mut controls = room.info.controls.clone();
                controls.groups_frozen = true;
                (controls, groups)
            })
        }
        _ => None,
    };
    Ok(Step::Write(FormTables {
        plan: StoredPlan {
            number,
            plan,
            dissolved: false,
            created,
        },
        draws,
        freeze,
    }))
}

impl Change for FormTables {
    type Written = ();
    /// The plan's number.
    type Output = u32;

    fn reserve(&self, room: &mut Room) {
        room.tables.next_plan = room.tables.next_plan.max(self.plan.number + 1);
    }

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.insert_plan(&self.plan)?;
        for d in &self.draws {
            store.insert_draw(d)?;
        }
        if let Some((controls, groups)) = &self.freeze {
            store.update_controls(controls)?;
            store.update_frozen_groups(Some(groups))?;
        }
        store.update_room_field(RoomField::Stage(Stage::Tables))
    }

    fn apply(self, room: &mut Room, (): ()) -> (u32, Effects) {
        let number = self.plan.number;
        let mut plan = Plan {
            number,
            plan: self.plan.plan,
            dissolved: false,
            reporters: Default::default(),
            late: Default::default(),
        };
        for d in self.draws {
            log_draw(room, &d);
            plan.record_draw(d);
        }
        room.tables.plans.push(plan);
        room.tables.plans.sort_by_key(|p| p.number);
        room.info.stage = Stage::Tables;
        if let Some((controls, groups)) = self.freeze {
            room.info.controls = controls;
            room.frozen = Some(groups);
            room.inbox.frozen_changed = true;
            return (number, Effects::BOTH);
        }
        (number, Effects::PUBLISH)
    }
}

/// The plan in force is dissolved.
#[derive(Clone, Debug)]
pub(crate) struct DissolveTables {
    pub(crate) plan: u32,
}

/// Dissolves the tables in force.
pub(crate) fn check_dissolve_tables(room: &Room) -> Result<Step<DissolveTables>, RoomError> {
    let plan = room.tables.current().ok_or(RoomError::NoTables)?;
    Ok(Step::Write(DissolveTables { plan: plan.number }))
}

impl Change for DissolveTables {
    type Written = ();
    type Output = ();

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.dissolve_plan(self.plan)
    }

    fn apply(self, room: &mut Room, (): ()) -> ((), Effects) {
        if let Some(p) = room.tables.plan_mut(self.plan) {
            p.dissolved = true;
        }
        ((), Effects::PUBLISH)
    }
}

// ---- late joiners ----

/// Where a participant joining now sits, while tables are formed: the smallest table (a new
/// one when all are full, with the joiner as its reporter).
pub(crate) fn late_seat(room: &Room, pid: u32) -> Option<(StoredSeat, Option<StoredDraw>)> {
    let current = room.tables.current()?;
    let mut plan = current.plan.clone();
    let table = plan.place(Seat::unplaced(pid));
    let draw = if current.plan.table(table).is_none() {
        let t = plan.table(table)?;
        Some(StoredDraw {
            plan: current.number,
            table,
            draw: 0,
            pid: draw_reporter(t, plan.params.seed, 0, &[])?,
            passed: Vec::new(),
        })
    } else {
        None
    };
    let seat = StoredSeat {
        plan: current.number,
        pid,
        table,
    };
    Some((seat, draw))
}

/// Seats a late joiner in memory (at check time, so that the next joiner's check sees it).
pub(crate) fn reserve_seat(room: &mut Room, seat: &StoredSeat) {
    if let Some(p) = room.tables.plan_mut(seat.plan) {
        p.seat(seat.pid, seat.table);
    }
}

/// Records a new table's first draw once committed.
pub(crate) fn apply_draw(room: &mut Room, draw: StoredDraw) {
    log_draw(room, &draw);
    if let Some(p) = room.tables.plan_mut(draw.plan) {
        p.record_draw(draw);
    }
}

impl LiveRoom {
    /// Forms the tables from the latest analysis (replacing any plan in force), draws a
    /// reporter for every table and moves the room to the tables stage.
    pub async fn form_tables(&self, req: TablesRequest) -> Result<TablesView, RoomError> {
        // Tables (and the groups they freeze) from every acknowledged vote.
        self.settle().await;
        let analysis = self.analysis();
        {
            // No join in flight meanwhile: every joiner is applied before the plan is checked
            // (and seated by it), or checked after the plan is applied (and seated late).
            let _seating = self.seating.write().await;
            let created = next_time();
            self.commit(|room| check_form_tables(room, analysis.as_deref(), &req, created))
                .await?;
        }
        self.take_snapshot(Stage::Tables).await;
        let room = lock(&self.state);
        views::tables_view(&room, analysis.as_deref())
            .ok_or_else(|| RoomError::Internal("the new table plan is missing".into()))
    }

    /// Dissolves the tables in force.
    pub async fn dissolve_tables(&self) -> Result<(), RoomError> {
        self.commit(check_dissolve_tables).await
    }

    /// What only the facilitator sees: every note of the plan in force.
    pub fn host_view(&self) -> HostView {
        views::host_view(&lock(&self.state))
    }
}
