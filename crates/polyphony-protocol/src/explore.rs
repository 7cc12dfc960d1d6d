//! What the explorer's Web Worker sends the explorer page: the view of an export, its map thinned
//! to what a page can draw.

use serde::{Deserialize, Serialize};

use crate::RoomView;

/// The most dots the explorer's map draws: beyond it the map shows an even sample (every
/// participant still counts in the groups and numbers). A workshop room has at most a few
/// hundred people; a research export may have 100,000, which a page cannot draw as dots.
pub const MAP_POINTS_MAX: usize = 2_000;

/// The explorer's view of an export: the room's view with at most [`MAP_POINTS_MAX`] dots on
/// its map, and how many participants the whole map has.
///
/// ```
/// use polyphony_protocol::{ExploreView, MapPoint, RoomView};
/// let dot = |x: f64| MapPoint { position: [x, 0.0], group: None };
/// let room = RoomView { map: (0..10).map(|i| dot(f64::from(i))).collect(), ..RoomView::default() };
/// let view = ExploreView::thinned(room, 4);
/// assert_eq!((view.room.map.len(), view.map_total), (4, 10));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExploreView {
    /// The view (its `map` an even sample when it had more than the limit).
    pub room: RoomView,
    /// Participants on the whole map.
    pub map_total: usize,
}

impl ExploreView {
    /// `room` with its map thinned to at most `max` dots, evenly through it (the same dots each
    /// time for the same map).
    pub fn thinned(mut room: RoomView, max: usize) -> ExploreView {
        let map_total = room.map.len();
        if map_total > max && max > 0 {
            room.map = (0..max)
                .map(|i| room.map[i * map_total / max].clone())
                .collect();
        }
        ExploreView { room, map_total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MapPoint;

    #[test]
    fn a_long_map_is_thinned_evenly_and_a_short_one_kept() {
        let dot = |x: f64| MapPoint {
            position: [x, 0.0],
            group: None,
        };
        let room = RoomView {
            map: (0..10).map(|i| dot(f64::from(i))).collect(),
            ..RoomView::default()
        };
        let thin = ExploreView::thinned(room.clone(), 4);
        assert_eq!(thin.map_total, 10);
        let xs: Vec<f64> = thin.room.map.iter().map(|m| m.position[0]).collect();
        assert_eq!(xs, vec![0.0, 2.0, 5.0, 7.0]);
        let whole = ExploreView::thinned(room, 10);
        assert_eq!((whole.room.map.len(), whole.map_total), (10, 10));
    }
}
