//! A table's reporter passes the role on: a new draw among the members who have not passed
//! (two passes racing: the store's insert of the draw decides, inside the commit).

use std::time::Instant;

use polyphony_core::draw_reporter;
use polyphony_protocol::{Done, PassReporter};

use super::tables::apply_draw;
use super::{done, Outcome};
use crate::room::change::{limited, Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{check_client_id, Room};
use crate::store::{RoomWrites, StoreError, StoredDraw};

/// The reporter hands the role on: a new draw without those who passed.
#[derive(Clone, Debug)]
pub(crate) struct Pass {
    pub(crate) pid: u32,
    pub(crate) client_id: String,
    pub(crate) draw: StoredDraw,
}

/// `pid`, their table's current reporter, passes the role on.
pub(crate) fn check_pass_reporter(
    room: &Room,
    pid: u32,
    req: &PassReporter,
) -> Result<Step<Pass>, RoomError> {
    check_client_id(&req.id)?;
    if room.tables.requests.contains(&(pid, req.id.clone())) {
        return Ok(Step::Done(done(&req.id, true)));
    }
    if room.tables.current().is_none() {
        return Err(RoomError::NoTables);
    }
    let (plan, number) = room.tables.seat_of(pid).ok_or(RoomError::NotSeated)?;
    let last = plan.reporters.get(&number).ok_or(RoomError::NotReporter)?;
    if last.pid != pid {
        return Err(RoomError::NotReporter);
    }
    let table = plan.plan.table(number).ok_or(RoomError::NotSeated)?;
    let mut passed = last.passed.clone();
    if !passed.contains(&pid) {
        passed.push(pid);
    }
    let draw = last.draw + 1;
    let who = draw_reporter(table, plan.plan.params.seed, draw, &passed)
        .ok_or_else(|| RoomError::Internal("a table without members".into()))?;
    Ok(Step::Write(Pass {
        pid,
        client_id: req.id.clone(),
        draw: StoredDraw {
            plan: plan.number,
            table: number,
            draw,
            pid: who,
            passed,
        },
    }))
}

impl Change for Pass {
    type Written = Outcome;
    type Output = Done;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<Outcome, StoreError> {
        if !store.insert_request(self.pid, &self.client_id, "pass")? {
            return Ok(Outcome::Resent);
        }
        // A pass racing another one of the same table finds its draw taken: it changes nothing.
        if !store.insert_draw(&self.draw)? {
            return Ok(Outcome::Refused);
        }
        Ok(Outcome::Done)
    }

    fn apply(self, room: &mut Room, w: Outcome) -> (Done, Effects) {
        room.tables
            .requests
            .insert((self.pid, self.client_id.clone()));
        if w != Outcome::Done {
            return (done(&self.client_id, true), Effects::NONE);
        }
        apply_draw(room, self.draw);
        (done(&self.client_id, false), Effects::PUBLISH)
    }
}

impl LiveRoom {
    /// The table's reporter passes the role on; another member is drawn.
    pub async fn pass_reporter(&self, pid: u32, req: PassReporter) -> Result<Done, RoomError> {
        let now = Instant::now();
        self.commit(|room| limited(room, pid, now, check_pass_reporter(room, pid, &req)))
            .await
    }
}
