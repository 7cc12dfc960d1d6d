//! What the projector, a phone and the facilitator see of the discussion tables. Read only.
//!
//! The projector gets counts, group labels and released notes; a phone gets its own table only
//! (`reporter` true only on the reporter's phone); the facilitator gets every note of the plan
//! in force. No view names a note's author or who sits where.

use std::collections::HashMap;

use polyphony_core::{group_label, Analysis};
use polyphony_protocol::{
    HostNote, HostView, PhoneTable, ReleasedNote, TableGroupCount, TableNote, TableSummary,
    TablesView,
};

use crate::room::model::Room;
use crate::store::StoredNote;

/// Group id → label, from the analysis (the core's lettering otherwise).
fn labels(analysis: Option<&Analysis>) -> HashMap<u32, String> {
    analysis
        .and_then(|a| a.groups.as_ref())
        .map(|g| g.groups.iter().map(|g| (g.id, g.label.clone())).collect())
        .unwrap_or_default()
}

fn label(labels: &HashMap<u32, String>, group: u32) -> String {
    labels
        .get(&group)
        .cloned()
        .unwrap_or_else(|| group_label(group as usize))
}

/// The plan in force as the projector shows it, if any.
pub(crate) fn tables_view(room: &Room, analysis: Option<&Analysis>) -> Option<TablesView> {
    let t = room.tables();
    let plan = t.current()?;
    let labels = labels(analysis);
    let tables = plan
        .plan
        .tables
        .iter()
        .map(|table| TableSummary {
            number: table.number,
            group: table.group.map(|g| label(&labels, g)),
            size: table.members.len() as u32,
            groups: table
                .group_counts()
                .into_iter()
                .map(|(g, count)| TableGroupCount {
                    group: g.map(|g| label(&labels, g)),
                    count,
                })
                .collect(),
            notes: t
                .table_notes(plan.number, table.number)
                .filter(|n| n.released)
                .map(|n| ReleasedNote {
                    id: n.id,
                    text: n.text.clone(),
                })
                .collect(),
        })
        .collect();
    let reporters_ready = plan
        .plan
        .tables
        .iter()
        .all(|table| plan.reporter(table.number).is_some_and(|r| table.has(r)));
    Some(TablesView {
        plan: plan.number,
        mode: plan.plan.params.mode,
        size: plan.plan.params.size,
        tables,
        reporters_ready,
    })
}

/// A phone's own table in the plan in force, if it has a seat.
pub(crate) fn phone_table(
    room: &Room,
    pid: u32,
    analysis: Option<&Analysis>,
) -> Option<PhoneTable> {
    let t = room.tables();
    let (plan, number) = t.seat_of(pid)?;
    let table = plan.plan.table(number)?;
    let labels = labels(analysis);
    // Someone seated after the plan was formed reads the table's notes once released (and
    // their own), unless the draw made them the table's reporter: see `Plan::late`.
    let reporter = plan.reporter(number) == Some(pid);
    let late = plan.late.contains(&pid) && !reporter;
    Some(PhoneTable {
        plan: plan.number,
        number,
        group: table.group.map(|g| label(&labels, g)),
        size: table.members.len() as u32,
        reporter,
        notes: t
            .table_notes(plan.number, number)
            .filter(|n| !late || n.released || n.author == pid)
            .map(|n| TableNote {
                id: n.id,
                text: n.text.clone(),
                mine: n.author == pid,
                released: n.released,
            })
            .collect(),
    })
}

/// Whether the participant accepted the room's rules.
pub(crate) fn consented(room: &Room, pid: u32) -> bool {
    room.tables().consented.contains(&pid)
}

/// The facilitator's view: every note of the plan in force not withdrawn, by table then id.
pub(crate) fn host_view(room: &Room) -> HostView {
    let t = room.tables();
    let Some(plan) = t.current() else {
        return HostView::default();
    };
    let mut notes: Vec<_> = t
        .notes
        .values()
        .filter(|n| n.plan == plan.number && !n.withdrawn)
        .map(host_note)
        .collect();
    notes.sort_by_key(|n| (n.table, n.id));
    HostView { notes }
}

/// The note as the facilitator sees it.
pub(crate) fn host_note(n: &StoredNote) -> HostNote {
    HostNote {
        id: n.id,
        plan: n.plan,
        table: n.table,
        text: n.text.clone(),
        released: n.released,
    }
}
