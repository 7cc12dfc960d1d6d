//! Time-lapse: snapshots of a replay, in one map basis.
//!
//! **Alignment.** Each update's map is the projection on that update's two PCA components,
//! whose signs are a historical accident (§3.4 of the math spec: power iteration keeps the sign
//! of its start vector) and whose columns grow as statements arrive. Every frame is put in the
//! final update's basis by a sign per axis: axis k of a frame is flipped when its component k,
//! over the statements it shares with the final component k, points away from it (negative dot
//! product). The components themselves are not rotated, so a frame whose axes had swapped order
//! (two near-equal eigenvalues) still shows them swapped; positions are otherwise the engine's
//! own numbers.

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
            let signs = signs_towards(&axes(&a), &final_axes);
            frame(update, time, &a, signs)
        })
        .collect();
    let lapse = Timelapse {
        format: "polyphony-timelapse/1".into(),
        cadence: params.cadence(),
        updates,
        basis: "each frame's PCA axes sign-flipped to agree with the final update's components \
                over the statements they share; no rotation"
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

fn signs_towards(
    ours: &[BTreeMap<StatementId, f64>],
    target: &[BTreeMap<StatementId, f64>],
) -> [f64; 2] {
    let mut signs = [1.0, 1.0];
    for (k, sign) in signs.iter_mut().enumerate() {
        if let (Some(o), Some(t)) = (ours.get(k), target.get(k)) {
            let dot: f64 = o.iter().filter_map(|(s, x)| t.get(s).map(|y| x * y)).sum();
            if dot < 0.0 {
                *sign = -1.0;
            }
        }
    }
    signs
}

fn frame(update: u64, time: i64, a: &Analysis, signs: [f64; 2]) -> Frame {
    let flip = |p: [f64; 2]| [p[0] * signs[0], p[1] * signs[1]];
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
