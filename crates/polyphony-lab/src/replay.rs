//! Replay: the votes in time order, updated the way Polis's math worker updates.
//!
//! **Cadence.** Polis's math worker (compdemocracy/polis `math/src/polismath/poller.clj`) polls
//! the votes table every `polling-interval` = 1,000 ms (`components/config.clj`; env
//! `VOTE_POLLING_INTERVAL`) for rows newer than the last one seen, and hands them to the
//! conversation's actor (`conv_man.clj`), which drains every queued batch and runs **one**
//! `conv-update` over all of them; a poll that finds nothing sends nothing, so no update runs.
//! The default [`Cadence`] is therefore one update per 1-second window (counted from the first
//! vote) in which at least one vote arrived, all of that window's votes in one batch. Two things
//! the worker does cannot be known from an export and are left out: while a slow update runs
//! the next polls pile up into one later update (so on a large conversation Polis's real
//! updates are, if anything, coarser), and a restart of the worker drops the per-k clusterings
//! and the k smoother (issue #2358). Moderation times are not in the exports either: the final
//! moderation applies from the start.
//!
//! Each update carries the whole [`EngineState`](polyphony_core::EngineState) into the next —
//! sticky in-conv, warm-started PCA, base clusters, per-k group clusterings, the k smoother —
//! which is what makes Polis's groups path-dependent.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use polyphony_core::{Analysis, AnalysisParams, Conversation, EngineState, Preset, VoteEvent};
use serde::{Deserialize, Serialize};

use crate::{LabData, LabError};

/// When the replay runs an update.
///
/// ```
/// use polyphony_lab::Cadence;
/// assert_eq!(Cadence::default(), Cadence::Every { millis: 1000 });
/// assert_eq!("10m".parse::<Cadence>()?, Cadence::Every { millis: 600_000 });
/// assert!("soon".parse::<Cadence>().is_err());
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// One update per window of this many milliseconds in which votes arrived (default: 1,000,
    /// Polis's vote polling interval).
    Every {
        /// Window length in milliseconds.
        millis: i64,
    },
    /// One update per this many votes (the last batch may be shorter).
    EveryVotes {
        /// Votes per update.
        votes: u32,
    },
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence::Every { millis: 1000 }
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cadence::Every { millis } => write!(f, "every {millis} ms with new votes"),
            Cadence::EveryVotes { votes } => write!(f, "every {votes} votes"),
        }
    }
}

/// Reads a duration: a number and a unit among `ms`, `s`, `m`, `h`, `d` (`1500ms`, `1s`,
/// `10m`, `2h`, `1d`; a bare number is seconds).
impl FromStr for Cadence {
    type Err = LabError;
    fn from_str(s: &str) -> Result<Self, LabError> {
        let t = s.trim();
        let split = t
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let value: f64 = number
            .parse()
            .map_err(|_| LabError::BadDuration(s.to_string()))?;
        let scale = match unit.trim() {
            "ms" => 1.0,
            "" | "s" => 1_000.0,
            "m" | "min" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return Err(LabError::BadDuration(s.to_string())),
        };
        let millis = (value * scale).round();
        if !(1.0..=1e15).contains(&millis) {
            return Err(LabError::BadDuration(s.to_string()));
        }
        Ok(Cadence::Every {
            millis: millis as i64,
        })
    }
}

/// What a replay runs, validated by [`ReplayParamsBuilder::build`].
///
/// Defaults: the `polis` preset with seed 0 (the engine as Polis runs), [`Cadence::default`]
/// (Polis's 1-second vote polling), and 100 time-lapse frames.
///
/// ```
/// use polyphony_lab::{Cadence, ReplayParams};
/// let p = ReplayParams::builder().cadence(Cadence::EveryVotes { votes: 500 }).build()?;
/// assert_eq!(p.cadence(), Cadence::EveryVotes { votes: 500 });
/// assert!(ReplayParams::builder().cadence(Cadence::EveryVotes { votes: 0 }).build().is_err());
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayParams {
    analysis: AnalysisParams,
    cadence: Cadence,
    frames: u32,
}

impl ReplayParams {
    /// A builder with the defaults above.
    pub fn builder() -> ReplayParamsBuilder {
        ReplayParamsBuilder {
            analysis: None,
            cadence: Cadence::default(),
            frames: 100,
        }
    }
    /// The engine's parameters.
    pub fn analysis(&self) -> &AnalysisParams {
        &self.analysis
    }
    /// When updates run.
    pub fn cadence(&self) -> Cadence {
        self.cadence
    }
    /// Time-lapse frames kept at most.
    pub fn frames(&self) -> u32 {
        self.frames
    }
}

/// Builder of [`ReplayParams`].
#[derive(Clone, Debug)]
pub struct ReplayParamsBuilder {
    analysis: Option<AnalysisParams>,
    cadence: Cadence,
    frames: u32,
}

impl ReplayParamsBuilder {
    /// The engine's parameters (default: `polis` preset, seed 0).
    pub fn analysis(mut self, analysis: AnalysisParams) -> Self {
        self.analysis = Some(analysis);
        self
    }
    /// When updates run (default: every 1 s with new votes).
    pub fn cadence(mut self, cadence: Cadence) -> Self {
        self.cadence = cadence;
        self
    }
    /// Time-lapse frames kept at most, 2..=100,000, evenly spread over the updates with the
    /// first and last always kept (default 100).
    pub fn frames(mut self, frames: u32) -> Self {
        self.frames = frames;
        self
    }
    /// Checks the parameters.
    ///
    /// # Errors
    /// [`LabError::InvalidParams`] for a window under 1 ms, 0 votes per update, or a frame
    /// count out of range.
    pub fn build(self) -> Result<ReplayParams, LabError> {
        match self.cadence {
            Cadence::Every { millis } if millis < 1 => {
                return Err(LabError::InvalidParams(format!("cadence of {millis} ms")))
            }
            Cadence::EveryVotes { votes: 0 } => {
                return Err(LabError::InvalidParams("cadence of 0 votes".into()))
            }
            _ => {}
        }
        if !(2..=100_000).contains(&self.frames) {
            return Err(LabError::InvalidParams(format!(
                "frames {} is not in 2..=100000",
                self.frames
            )));
        }
        let analysis = match self.analysis {
            Some(a) => a,
            None => AnalysisParams::builder(Preset::Polis).build()?,
        };
        Ok(ReplayParams {
            analysis,
            cadence: self.cadence,
            frames: self.frames,
        })
    }
}

/// The end of a replay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Replay {
    /// Updates run.
    pub updates: u64,
    /// Vote events fed.
    pub votes: u64,
    /// Time of the first vote (ms).
    pub first_time: i64,
    /// Time of the last vote (ms).
    pub last_time: i64,
    /// The last update's analysis: the replayed groups.
    pub analysis: Analysis,
    /// The engine state after it, to carry on from.
    pub state: EngineState,
}

/// Replays `data`'s votes in time order, one update per cadence step, carrying the state.
///
/// Complexity: one engine update per step (for the default cadence, per second of the
/// conversation in which someone voted).
///
/// # Errors
/// [`LabError::NoVotes`] without votes; [`LabError::NoTimestamps`] when every vote carries the
/// same time (an export read from `participants-votes.csv` only).
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// use polyphony_lab::{replay, Cadence, LabData, ReplayParams};
/// let votes: Vec<VoteEvent> = (0..30u32)
///     .map(|i| VoteEvent::new(i % 10, i / 10, Vote::Agree, i64::from(i) * 400))
///     .collect();
/// let r = replay(&LabData::new(votes), &ReplayParams::builder().build()?)?;
/// assert_eq!(r.updates, 12); // 30 votes 0.4 s apart: twelve 1-second windows
/// assert_eq!(r.analysis.participant_count, 10);
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
pub fn replay(data: &LabData, params: &ReplayParams) -> Result<Replay, LabError> {
    run(data, params, |_, _, _| {})
}

/// The votes in time order (stable), and the batches of one update each.
pub(crate) fn batches(
    data: &LabData,
    cadence: Cadence,
) -> Result<(Vec<VoteEvent>, Vec<Range<usize>>), LabError> {
    if data.votes.is_empty() {
        return Err(LabError::NoVotes);
    }
    if !data.has_timestamps() {
        return Err(LabError::NoTimestamps);
    }
    let mut votes = data.votes.clone();
    votes.sort_by_key(|v| v.time);
    let mut ranges = Vec::new();
    match cadence {
        Cadence::EveryVotes { votes: n } => {
            let n = n.max(1) as usize;
            let mut start = 0;
            while start < votes.len() {
                let end = (start + n).min(votes.len());
                ranges.push(start..end);
                start = end;
            }
        }
        Cadence::Every { millis } => {
            let t0 = votes[0].time;
            let window = |t: i64| (t - t0).div_euclid(millis.max(1));
            let mut start = 0;
            for i in 1..=votes.len() {
                if i == votes.len() || window(votes[i].time) != window(votes[start].time) {
                    ranges.push(start..i);
                    start = i;
                }
            }
        }
    }
    Ok((votes, ranges))
}

/// The replay loop; `observe(update index, batch end time, analysis)` sees every update.
pub(crate) fn run(
    data: &LabData,
    params: &ReplayParams,
    mut observe: impl FnMut(u64, i64, &Analysis),
) -> Result<Replay, LabError> {
    let (votes, ranges) = batches(data, params.cadence)?;
    let mut conv: Conversation = data.empty_conversation(params.analysis.clone());
    let mut last = None;
    for (i, range) in ranges.iter().enumerate() {
        let batch = &votes[range.clone()];
        conv.add_votes(batch);
        let analysis = conv.update();
        let time = batch.last().map_or(0, |v| v.time);
        observe(i as u64, time, &analysis);
        last = Some(analysis);
    }
    let analysis = last.ok_or(LabError::NoVotes)?;
    Ok(Replay {
        updates: ranges.len() as u64,
        votes: votes.len() as u64,
        first_time: votes.first().map_or(0, |v| v.time),
        last_time: votes.last().map_or(0, |v| v.time),
        analysis,
        state: conv.state().clone(),
    })
}

/// The opinion change between two moments of a replay, measured on the same people
/// ([`polyphony_core::opinion_change`]): `from` and `to` are offsets from the first vote (ms);
/// each moment is the last update whose votes all came at or before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplayChange {
    /// Offset of the first moment (ms after the first vote).
    pub from: i64,
    /// Offset of the second.
    pub to: i64,
    /// Update number of the first moment's analysis.
    pub from_tick: u64,
    /// Update number of the second's.
    pub to_tick: u64,
    /// Group id → letter at either moment (the later wins).
    pub labels: std::collections::BTreeMap<u32, String>,
    /// What changed, person by person.
    pub change: polyphony_core::OpinionChange,
}

/// Replays `data` as [`replay`] does and compares the room at offset `from` with the room at
/// offset `to` (ms after the first vote), each person with themselves.
///
/// # Errors
/// As [`replay`]; [`LabError::BadMoments`] when `from >= to` or `from` comes before the first
/// update.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// use polyphony_lab::{replay_change, LabData, ReplayParams};
/// // Ten people vote on three statements in the first minute; an hour later four of them
/// // come round to statement 0.
/// let mut votes: Vec<VoteEvent> = (0..30u32)
///     .map(|i| VoteEvent::new(i % 10, i / 10, if i % 2 == 0 { Vote::Agree } else { Vote::Disagree }, i64::from(i) * 1000))
///     .collect();
/// for p in [1, 3, 5, 7] {
///     votes.push(VoteEvent::new(p, 0, Vote::Agree, 3_600_000));
/// }
/// let c = replay_change(&LabData::new(votes), &ReplayParams::builder().build()?, 60_000, 3_600_000)?;
/// let top = c.change.panel.most_moved(1);
/// assert_eq!((top[0].item, top[0].everyone.toward_agree), (0, 4));
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
pub fn replay_change(
    data: &LabData,
    params: &ReplayParams,
    from: i64,
    to: i64,
) -> Result<ReplayChange, LabError> {
    if from >= to {
        return Err(LabError::BadMoments(format!(
            "{from} ms is not before {to} ms"
        )));
    }
    let (votes, ranges) = batches(data, params.cadence)?;
    let t0 = votes.first().map_or(0, |v| v.time);
    let mut conv: Conversation = data.empty_conversation(params.analysis.clone());
    let mut before: Option<(Analysis, polyphony_core::VoteMatrix)> = None;
    let mut after: Option<Analysis> = None;
    for range in &ranges {
        let batch = &votes[range.clone()];
        let time = batch.last().map_or(0, |v| v.time) - t0;
        if time > to {
            break;
        }
        conv.add_votes(batch);
        let analysis = conv.update();
        if time <= from {
            before = Some((analysis.clone(), conv.matrix().clone()));
        }
        after = Some(analysis);
    }
    let ((b, b_votes), a) = before.zip(after).ok_or_else(|| {
        LabError::BadMoments(format!("no update by {from} ms after the first vote"))
    })?;
    let mut labels = std::collections::BTreeMap::new();
    for g in [&b, &a]
        .into_iter()
        .flat_map(|x| x.groups.iter().flat_map(|g| &g.groups))
    {
        labels.insert(g.id, g.label.clone());
    }
    Ok(ReplayChange {
        from,
        to,
        from_tick: b.tick,
        to_tick: a.tick,
        labels,
        change: polyphony_core::opinion_change(&b, &b_votes, &a, conv.matrix()),
    })
}
