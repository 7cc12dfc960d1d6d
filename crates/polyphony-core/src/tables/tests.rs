use super::*;

fn camps(n: u32, groups: u32) -> Vec<Seat> {
    (0..n)
        .map(|p| Seat {
            participant: p,
            group: Some(p % groups),
            position: Some([f64::from(p), 0.0]),
        })
        .collect()
}

fn params(mode: TableMode, size: u8) -> TableParams {
    TableParams::builder(mode)
        .size(size)
        .seed(3)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn size_bounds_are_checked() {
    for bad in [0, 1, 21, 255] {
        assert!(TableParams::builder(TableMode::Mixed)
            .size(bad)
            .build()
            .is_err());
    }
    for good in [2, 8, 20] {
        assert!(TableParams::builder(TableMode::Mixed)
            .size(good)
            .build()
            .is_ok());
    }
}

#[test]
fn unknown_mode_is_refused() {
    assert!("tables".parse::<TableMode>().is_err());
}

#[test]
fn outsiders_fill_the_smallest_same_group_tables() {
    // Group 0 has 8 (one full table), group 1 has 3; two outsiders join group 1's table.
    let mut seats: Vec<Seat> = (0..8)
        .map(|p| Seat {
            participant: p,
            group: Some(0),
            position: None,
        })
        .collect();
    seats.extend((8..11).map(|p| Seat {
        participant: p,
        group: Some(1),
        position: None,
    }));
    seats.extend([Seat::unplaced(20), Seat::unplaced(21)]);
    let plan = TablePlan::form(&seats, &params(TableMode::SameGroup, 8));
    assert_eq!(plan.tables.len(), 2);
    let b = plan.table(2).unwrap_or_else(|| panic!("table 2"));
    assert_eq!(b.group, Some(1));
    assert_eq!(b.members.len(), 5);
    assert!(b.has(20) && b.has(21));
}

#[test]
fn mixed_neighbours_on_the_map_sit_apart() {
    let plan = TablePlan::form(&camps(24, 1), &params(TableMode::Mixed, 8));
    assert_eq!(plan.tables.len(), 3);
    for p in 0..23 {
        assert_ne!(plan.table_of(p), plan.table_of(p + 1), "{p} and {}", p + 1);
    }
}

#[test]
fn the_plan_ignores_input_order() {
    let seats = camps(37, 3);
    let mut reversed = seats.clone();
    reversed.reverse();
    for mode in [TableMode::SameGroup, TableMode::Mixed] {
        assert_eq!(
            TablePlan::form(&seats, &params(mode, 6)),
            TablePlan::form(&reversed, &params(mode, 6))
        );
    }
}

#[test]
fn another_seed_gives_another_plan() {
    let seats = camps(40, 2);
    let a = TablePlan::form(&seats, &params(TableMode::SameGroup, 8));
    let mut other = params(TableMode::SameGroup, 8);
    other.seed = 4;
    assert_ne!(a, TablePlan::form(&seats, &other));
}

#[test]
fn every_member_can_be_drawn_and_passing_moves_on() {
    let table = DiscussionTable {
        number: 1,
        group: None,
        members: (0..4)
            .map(|participant| TableMember {
                participant,
                group: None,
            })
            .collect(),
    };
    let drawn: std::collections::BTreeSet<_> = (0..200)
        .filter_map(|seed| draw_reporter(&table, seed, 0, &[]))
        .collect();
    assert_eq!(drawn.len(), 4);
    let everyone: Vec<u32> = (0..4).collect();
    assert!(draw_reporter(&table, 1, 9, &everyone).is_some());
    let empty = DiscussionTable {
        number: 2,
        group: None,
        members: vec![],
    };
    assert_eq!(draw_reporter(&empty, 1, 0, &[]), None);
}
