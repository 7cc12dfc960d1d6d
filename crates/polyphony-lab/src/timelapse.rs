//! Time-lapse: snapshots of a replay, in one map basis.
//!
//! **Alignment.** Each update's map is the projection on that update's two PCA components,
//! whose signs are a historical accident (§3.4 of the math spec: power iteration keeps the sign
//! of its start vector), whose order can swap when two eigenvalues are close, and whose columns
//! grow as statements arrive. Every frame is put in the final update's basis by the orthogonal
//! 2 × 2 matrix (a rotation or a reflection, so distances on the map are kept) that brings the
//! frame's two components closest, in least squares, to the final two over the statements both
//! have: the orthogonal Procrustes problem, solved in closed form in two dimensions
//! ([`procrustes`]). A sign flip or a swap of axes is such a matrix, so a map does not flip or
//! spin from one frame to the next; a frame with fewer than two components, or sharing no
//! statement with the final one, keeps its own axes (by sign when it has one component).

use std::collections::BTreeMap;

use polyphony_core::{Analysis, ParticipantId, StatementId};
use serde::{Deserialize, Serialize};

use crate::replay::{batches, run, Cadence};
use crate::{LabData, LabError, ReplayParams};

/// A replay's snapshots, as `polyphony analyze --replay --timelapse` writes them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timelapse {
    /// `"polyphony-timelapse/1"`.
    pub format: String,
    /// The replay's cadence.
    pub cadence: Cadence,
    /// Updates the replay ran (frames are a subset, first and last included).
    pub updates: u64,
    /// How the frames' positions are aligned, in words.
    pub basis: String,
    /// The snapshots, in time order.
    pub frames: Vec<Frame>,
}

/// One snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Which update (0-based).
    pub update: u64,
    /// Time of the last vote in it (ms).
    pub time: i64,
    /// Votes so far (the matrix's cells).
    pub votes: u64,
    /// Participants so far.
    pub participants: u32,
    /// Groups shown (`None` before there are any).
    pub k: Option<u32>,
    /// Every participant's position, in the final basis, and group.
    pub points: Vec<FramePoint>,
    /// The groups.
    pub groups: Vec<FrameGroup>,
    /// Per statement, each group's votes.
    pub statements: Vec<FrameStatement>,
}

/// A participant in a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FramePoint {
    /// Who.
    pub participant: ParticipantId,
    /// Where, in the final basis.
    pub position: [f64; 2],
    /// Group, when grouped.
    pub group: Option<u32>,
}

/// A group in a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameGroup {
    /// Group id.
    pub id: u32,
    /// "A", "B", ….
    pub label: String,
    /// Members.
    pub members: u32,
    /// Centre, in the final basis.
    pub center: [f64; 2],
}

/// A statement's votes per group in a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameStatement {
    /// Which statement.
    pub statement: StatementId,
    /// One tally per group, in group order.
    pub groups: Vec<GroupTally>,
}

/// One group's votes on one statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTally {
    /// Group id.
    pub group: u32,
    /// Agrees.
    pub agree: u32,
    /// Disagrees.
    pub disagree: u32,
    /// Passes.
    pub pass: u32,
}

/// Replays `data` as [`replay`](crate::replay) does and keeps up to `params.frames()` snapshots,
/// evenly spread over the updates (the first and last always), aligned to the final basis.
///
/// # Errors
/// As [`replay`](crate::replay).
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// use polyphony_lab::{timelapse, LabData, ReplayParams};
/// let votes: Vec<VoteEvent> = (0..40u32)
///     .map(|i| VoteEvent::new(i % 10, i / 10, if i % 3 == 0 { Vote::Agree } else { Vote::Disagree }, i64::from(i) * 1000))
///     .collect();
/// let t = timelapse(&LabData::new(votes), &ReplayParams::builder().frames(5).build()?)?;
/// assert_eq!(t.updates, 40);
/// assert_eq!(t.frames.len(), 5);
/// assert_eq!(t.frames.last().map(|f| f.update), Some(39));
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
pub fn timelapse(data: &LabData, params: &ReplayParams) -> Result<Timelapse, LabError> {
    replay_with_timelapse(data, params).map(|(_, t)| t)
}

/// [`replay`](crate::replay) and [`timelapse`] in one pass: the replay's end and its snapshots.
///
/// # Errors
/// As [`replay`](crate::replay).
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// let votes: Vec<VoteEvent> = (0..12u32).map(|i| VoteEvent::new(i % 4, i / 4, Vote::Agree, i64::from(i) * 2000)).collect();
/// let params = polyphony_lab::ReplayParams::builder().build()?;
/// let (replay, lapse) = polyphony_lab::replay_with_timelapse(&polyphony_lab::LabData::new(votes), &params)?;
/// assert_eq!(replay.updates, lapse.updates);
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
pub fn replay_with_timelapse(
    data: &LabData,
    params: &ReplayParams,
) -> Result<(crate::Replay, Timelapse), LabError> {
    let (_, ranges) = batches(data, params.cadence())?;
    let updates = ranges.len() as u64;
    let keep = frame_indices(updates, u64::from(params.frames()));
    let mut raw: Vec<(u64, i64, Analysis)> = Vec::with_capacity(keep.len());
    let mut next = keep.iter().peekable();
    let replayed = run(data, params, |i, time, analysis| {
        if next.peek() == Some(&&i) {
            next.next();
            raw.push((i, time, analysis.clone()));
        }
    })?;
    let final_axes = axes(&replayed.analysis);
    let frames = raw
        .into_iter()
        .map(|(update, time, a)| {
            let turn = procrustes(&axes(&a), &final_axes);
            frame(update, time, &a, turn)
        })
        .collect();
    let lapse = Timelapse {
        format: "polyphony-timelapse/1".into(),
        cadence: params.cadence(),
        updates,
        basis: "each frame turned (rotation or reflection) to the final update's PCA basis: the \
                orthogonal 2x2 matrix bringing its components closest to the final ones over \
                the statements they share (orthogonal Procrustes)"
            .into(),
        frames,
    };
    Ok((replayed, lapse))
}

/// `count` update indices spread evenly over `0..updates`, first and last included.
fn frame_indices(updates: u64, count: u64) -> Vec<u64> {
    if updates <= count {
        return (0..updates).collect();
    }
    let mut out: Vec<u64> = (0..count)
        .map(|i| {
            let x = i as f64 * (updates - 1) as f64 / (count - 1) as f64;
            x.round() as u64
        })
        .collect();
    out.dedup();
    out
}

/// Each component as statement → loading.
fn axes(a: &Analysis) -> Vec<BTreeMap<StatementId, f64>> {
    a.pca
        .components
        .iter()
        .map(|c| {
            a.statements
                .iter()
                .copied()
                .zip(c.iter().copied())
                .collect()
        })
        .collect()
}

/// A 2 × 2 matrix, row by row; a position `p` becomes `[m[0]·p, m[1]·p]`.
type Turn = [[f64; 2]; 2];

const IDENTITY: Turn = [[1.0, 0.0], [0.0, 1.0]];

/// The orthogonal matrix `R` (a rotation or a reflection) minimising
/// `Σ_s |R·o_s − t_s|²` over the statements `s` both bases have, where `o_s` and `t_s` are a
/// statement's loadings on our two components and on the target's: the orthogonal Procrustes
/// problem. With `N = Σ_s o_s t_sᵀ`, a rotation by θ scores `cos θ (N₀₀ + N₁₁) + sin θ (N₀₁ −
/// N₁₀)` and a reflection `cos θ (N₀₀ − N₁₁) + sin θ (N₀₁ + N₁₀)`; each is best at the θ of its
/// vector, and the larger wins (the rotation on a tie). Fewer than two components on either
/// side: a sign per shared axis; nothing shared: the identity.
fn procrustes(ours: &[BTreeMap<StatementId, f64>], target: &[BTreeMap<StatementId, f64>]) -> Turn {
    let (Some(o), Some(t)) = (ours.get(..2), target.get(..2)) else {
        let mut turn = IDENTITY;
        for (k, row) in turn.iter_mut().enumerate() {
            if let (Some(o), Some(t)) = (ours.get(k), target.get(k)) {
                let dot: f64 = o.iter().filter_map(|(s, x)| t.get(s).map(|y| x * y)).sum();
                if dot < 0.0 {
                    row[k] = -1.0;
                }
            }
        }
        return turn;
    };
    let mut n = [[0.0f64; 2]; 2];
    for (s, &o0) in &o[0] {
        let (Some(&o1), Some(&t0), Some(&t1)) = (o[1].get(s), t[0].get(s), t[1].get(s)) else {
            continue;
        };
        n[0][0] += o0 * t0;
        n[0][1] += o0 * t1;
        n[1][0] += o1 * t0;
        n[1][1] += o1 * t1;
    }
    let (rc, rs) = (n[0][0] + n[1][1], n[0][1] - n[1][0]);
    let (fc, fs) = (n[0][0] - n[1][1], n[0][1] + n[1][0]);
    let (rotation, reflection) = (rc.hypot(rs), fc.hypot(fs));
    if rotation == 0.0 && reflection == 0.0 {
        return IDENTITY;
    }
    if rotation >= reflection {
        let (c, s) = (rc / rotation, rs / rotation);
        [[c, -s], [s, c]]
    } else {
        let (c, s) = (fc / reflection, fs / reflection);
        [[c, s], [s, -c]]
    }
}

fn frame(update: u64, time: i64, a: &Analysis, turn: Turn) -> Frame {
    let flip = |p: [f64; 2]| {
        [
            turn[0][0] * p[0] + turn[0][1] * p[1],
            turn[1][0] * p[0] + turn[1][1] * p[1],
        ]
    };
    let groups = a
        .groups
        .as_ref()
        .map(|g| g.groups.as_slice())
        .unwrap_or(&[]);
    Frame {
        update,
        time,
        votes: a.vote_count,
        participants: a.participant_count,
        k: (!groups.is_empty()).then_some(groups.len() as u32),
        points: a
            .participants
            .iter()
            .map(|p| FramePoint {
                participant: p.participant,
                position: flip(p.position),
                group: p.group,
            })
            .collect(),
        groups: groups
            .iter()
            .map(|g| FrameGroup {
                id: g.id,
                label: g.label.clone(),
                members: g.members.len() as u32,
                center: flip(g.center),
            })
            .collect(),
        statements: a
            .statements
            .iter()
            .enumerate()
            .map(|(col, &statement)| FrameStatement {
                statement,
                groups: groups
                    .iter()
                    .filter_map(|g| {
                        let t = g.tallies.get(col)?;
                        Some(GroupTally {
                            group: g.id,
                            agree: t.agree,
                            disagree: t.disagree,
                            pass: t.seen.saturating_sub(t.agree + t.disagree),
                        })
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two components over statements 0..6 (not orthogonal to each other on purpose: the
    /// rotation must be found from the loadings alone).
    fn target() -> Vec<BTreeMap<StatementId, f64>> {
        let a = [0.5, -0.2, 0.7, 0.1, -0.4, 0.3];
        let b = [0.1, 0.6, -0.3, 0.5, 0.2, -0.45];
        vec![(0..6u32).zip(a).collect(), (0..6u32).zip(b).collect()]
    }

    /// `ours` such that `turn · ours_s = target_s`: ours_s = turnᵀ · target_s.
    fn turned_back(
        turn: Turn,
        t: &[BTreeMap<StatementId, f64>],
        keep: impl Fn(u32) -> bool,
    ) -> Vec<BTreeMap<StatementId, f64>> {
        let mut o = vec![BTreeMap::new(), BTreeMap::new()];
        for (&s, &t0) in &t[0] {
            if !keep(s) {
                continue;
            }
            let t1 = t[1][&s];
            o[0].insert(s, turn[0][0] * t0 + turn[1][0] * t1);
            o[1].insert(s, turn[0][1] * t0 + turn[1][1] * t1);
        }
        o
    }

    fn close(a: Turn, b: Turn) -> bool {
        (0..2).all(|i| (0..2).all(|j| (a[i][j] - b[i][j]).abs() < 1e-9))
    }

    #[test]
    fn a_rotated_or_reflected_basis_is_turned_back() {
        let t = target();
        let th = 0.9_f64;
        let (c, s) = (th.cos(), th.sin());
        let cases: [Turn; 5] = [
            IDENTITY,
            [[c, -s], [s, c]],
            [[c, s], [s, -c]],
            [[-1.0, 0.0], [0.0, 1.0]],
            // The axes swapped.
            [[0.0, 1.0], [1.0, 0.0]],
        ];
        for turn in cases {
            let ours = turned_back(turn, &t, |_| true);
            let found = procrustes(&ours, &t);
            assert!(close(found, turn), "{turn:?} → {found:?}");
            // A statement only the final basis has does not matter.
            let fewer = turned_back(turn, &t, |s| s != 3);
            assert!(close(procrustes(&fewer, &t), turn));
        }
    }

    #[test]
    fn without_two_shared_components_the_axes_stay() {
        let t = target();
        assert_eq!(procrustes(&[], &t), IDENTITY);
        let none: Vec<BTreeMap<StatementId, f64>> =
            vec![BTreeMap::from([(9, 1.0)]), BTreeMap::from([(9, 0.5)])];
        assert_eq!(procrustes(&none, &t), IDENTITY);
        let one: Vec<BTreeMap<StatementId, f64>> =
            vec![t[0].iter().map(|(&s, &x)| (s, -x)).collect()];
        assert_eq!(procrustes(&one, &t), [[-1.0, 0.0], [0.0, 1.0]]);
    }
}
