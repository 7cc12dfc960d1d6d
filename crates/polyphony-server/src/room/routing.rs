//! Which statement a phone shows next: weighted by the engine's routing priorities, seeded, and
//! sticky until voted on ([`polyphony_protocol::routing::keep_or_choose`] states that rule once
//! for the server and the web app). Choosing reads the room; recording the choice is the
//! explicit step [`Room::show`], done by the live room, never by building a view.

use polyphony_core::Analysis;
use polyphony_protocol::routing::keep_or_choose;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::model::{visible, Room};

/// Where a phone stands: what it has left to vote on and what to show next.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Route {
    /// The statement to show (`None` when every visible statement is voted on).
    pub(crate) next: Option<u32>,
    /// Visible statements this participant has not voted on: those asked again in a second
    /// vote first, then the rest, each by id.
    pub(crate) unvoted: Vec<u32>,
    /// Visible statements this participant voted on.
    pub(crate) voted: u32,
    /// Visible statements.
    pub(crate) total: u32,
}

/// The route of participant `pid`: keeps the statement showing while it is unvoted and
/// visible, else chooses one with [`choose_next`].
pub(crate) fn route(room: &Room, pid: u32, analysis: Option<&Analysis>) -> Route {
    let participant = room.participants().get(&pid);
    // A statement asked again in a second vote counts as voted only by a vote cast since.
    let revote = room.info().controls.revote.as_ref();
    let voted_on = |sid: &u32| {
        participant.is_some_and(|p| {
            p.votes.get(sid).is_some_and(|(_, time)| {
                revote.is_none_or(|r| *time >= r.opened || !r.statements.contains(sid))
            })
        })
    };
    let visible: Vec<u32> = room
        .statements()
        .values()
        .filter(|s| visible(s))
        .map(|s| s.sid)
        .collect();
    let mut unvoted: Vec<u32> = visible.iter().copied().filter(|s| !voted_on(s)).collect();
    let voted = (visible.len() - unvoted.len()) as u32;
    // In a second vote the statements asked again come first (the facilitator asked the room
    // for them now; new statements wait), in the list the phone keeps as well, so that it
    // counts them and shows them first offline.
    let asked_again = |sid: &u32| {
        revote.is_some_and(|r| r.statements.contains(sid))
            && participant.is_some_and(|p| p.votes.contains_key(sid))
    };
    unvoted.sort_by_key(|s| !asked_again(s));
    let first = unvoted.iter().take_while(|s| asked_again(s)).count();
    let pool = if first > 0 {
        &unvoted[..first]
    } else {
        &unvoted[..]
    };
    let showing = participant.and_then(|p| p.showing);
    let next = keep_or_choose(
        showing,
        |s| unvoted.contains(&s),
        || choose_next(pool, analysis, room.seed(), pid, voted),
    );
    Route {
        next,
        unvoted,
        voted,
        total: visible.len() as u32,
    }
}

/// Picks a statement at random, weighted by the engine's routing priority (as Polis does), from
/// a source seeded by the room, the participant and how many they have voted on: the same room
/// state gives the same choice, and phones spread over the statements instead of all seeing the
/// same one. Statements the engine has not ranked yet (no votes) get the highest weight seen, so
/// new statements are shown soon.
pub(crate) fn choose_next(
    unvoted: &[u32],
    analysis: Option<&Analysis>,
    seed: u64,
    pid: u32,
    voted: u32,
) -> Option<u32> {
    if unvoted.is_empty() {
        return None;
    }
    let priorities = analysis.map(|a| &a.priorities);
    let top = priorities
        .and_then(|p| {
            p.values()
                .copied()
                .filter(|w| w.is_finite())
                .reduce(f64::max)
        })
        .filter(|w| *w > 0.0)
        .unwrap_or(1.0);
    let weights: Vec<f64> = unvoted
        .iter()
        .map(|s| {
            let w = priorities.and_then(|p| p.get(s)).copied().unwrap_or(top);
            if w.is_finite() && w > 0.0 {
                w
            } else {
                1e-9
            }
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let mix = seed ^ (u64::from(pid) << 32) ^ u64::from(voted).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix);
    let mut x = rng.gen::<f64>() * total;
    for (s, w) in unvoted.iter().zip(&weights) {
        if x < *w {
            return Some(*s);
        }
        x -= w;
    }
    unvoted.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_statement_is_deterministic_and_never_a_voted_one() {
        let unvoted = [1, 4, 7];
        let a = choose_next(&unvoted, None, 5, 3, 2);
        assert_eq!(a, choose_next(&unvoted, None, 5, 3, 2));
        assert!(a.is_some_and(|s| unvoted.contains(&s)));
        assert_eq!(choose_next(&[], None, 5, 3, 2), None);
        // Across participants, every statement gets chosen first by someone.
        let firsts: std::collections::BTreeSet<u32> = (0..60)
            .filter_map(|pid| choose_next(&unvoted, None, 5, pid, 0))
            .collect();
        assert_eq!(firsts.len(), 3);
    }
}
