//! The lab's side of the researcher's commands ([`crate::commands::compare`], and
//! [`crate::commands::analyze`]'s `--replay / --timelapse / --polis-state`). The lab crate does
//! the work without I/O; this module reads files, owns the clock and prints.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use polyphony_core::Stance;
use polyphony_core::{Analysis, AnalysisParams, Conversation, Preset, StatementStatus};
use polyphony_lab::{
    Cadence, CompareParams, Comparison, ConsensusForm, LabData, ReplayParams, StatementComparison,
};
use polyphony_polis::PolisConversation;

/// How `analyze` gets its analysis.
pub struct AnalyzeHow {
    /// Feed the votes in time order, updating as Polis's math worker does.
    pub replay: bool,
    /// `--every DURATION`.
    pub every: Option<String>,
    /// `--every-votes N`.
    pub every_votes: Option<u32>,
    /// `--timelapse OUT.json`.
    pub timelapse: Option<PathBuf>,
    /// `--polis-state math-pca2.json`.
    pub polis_state: Option<PathBuf>,
}

/// The lab's view of an export: votes (times in ms), moderation, Polis's groups.
pub fn lab_data(data: &PolisConversation) -> LabData {
    LabData::new(data.votes.clone())
        .with_statements(
            data.statements
                .iter()
                .map(|s| {
                    (
                        s.id,
                        StatementStatus {
                            moderation: s.moderation,
                            is_meta: s.is_meta,
                        },
                    )
                })
                .collect(),
        )
        .with_reference_groups(data.polis_groups.clone())
        .with_times_in_seconds()
}

/// The conversation and analysis `analyze` prints: a cold update, a replay, or one update from
/// the state a Polis math blob implies. With `release_votes`, a cold update empties
/// `data.votes` once the conversation holds them (the caller prints nothing that reads them):
/// the update then reuses that memory instead of taking more (an export of a million votes
/// holds 24 MB of them).
pub fn analysis(
    data: &mut PolisConversation,
    params: AnalysisParams,
    how: &AnalyzeHow,
    release_votes: bool,
) -> Result<(Conversation, Analysis)> {
    if let Some(blob_path) = &how.polis_state {
        let text = std::fs::read_to_string(blob_path)
            .with_context(|| format!("cannot read {}", blob_path.display()))?;
        let blob: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", blob_path.display()))?;
        let state = polyphony_polis::engine_state_from_blob(&blob)
            .with_context(|| format!("cannot restore the state of {}", blob_path.display()))?;
        // A Polis blob is reproduced by the polis preset, whatever --preset says, and with the
        // moderation its tick saw (a moderator may have acted since).
        let params = AnalysisParams::builder(Preset::Polis)
            .seed(params.seed())
            .build()?;
        let at_tick = polyphony_polis::moderation_at_blob_tick(&blob, data)
            .with_context(|| format!("cannot read the moderation of {}", blob_path.display()))?;
        let mut conv = at_tick
            .to_conversation_with_state(params, state)
            .with_context(|| format!("cannot restore the state of {}", blob_path.display()))?;
        let analysis = conv.update();
        return Ok((conv, analysis));
    }
    if !how.replay {
        let mut conv = data.to_conversation(params);
        if release_votes {
            data.votes = Vec::new();
        }
        let analysis = conv.update();
        return Ok((conv, analysis));
    }
    let cadence = match (&how.every, how.every_votes) {
        (Some(every), _) => every.parse::<Cadence>()?,
        (None, Some(votes)) => Cadence::EveryVotes { votes },
        (None, None) => Cadence::default(),
    };
    let lab = lab_data(data);
    let replay_params = ReplayParams::builder()
        .analysis(params.clone())
        .cadence(cadence)
        .build()?;
    let replayed = if let Some(out) = &how.timelapse {
        let (r, t) =
            polyphony_lab::replay_with_timelapse(&lab, &replay_params).context("cannot replay")?;
        std::fs::write(out, serde_json::to_string(&t)?)
            .with_context(|| format!("cannot write the time-lapse to {}", out.display()))?;
        eprintln!(
            "Wrote {} frames of {} updates to {}",
            t.frames.len(),
            t.updates,
            out.display()
        );
        r
    } else {
        polyphony_lab::replay(&lab, &replay_params).context("cannot replay")?
    };
    let (analysis, state) = (replayed.analysis, replayed.state);
    // A conversation holding the replayed state and every vote, for the Polis blob format.
    let conv = data.to_conversation_with_state(params, state)?;
    Ok((conv, analysis))
}

/// `FROM..TO` of `--change`: two durations after the first vote (ms), the earlier first; `0`
/// is the first vote itself.
pub fn parse_moments(text: &str) -> Result<(i64, i64)> {
    let Some((from, to)) = text.split_once("..") else {
        bail!("--change wants FROM..TO, two durations after the first vote (e.g. 1h..2d), not `{text}`");
    };
    let ms = |d: &str| -> Result<i64> {
        if d.trim() == "0" {
            return Ok(0);
        }
        match d.parse::<Cadence>()? {
            Cadence::Every { millis } => Ok(millis),
            Cadence::EveryVotes { .. } => bail!("`{d}` is not a duration"),
        }
    };
    let (from, to) = (ms(from)?, ms(to)?);
    if from >= to {
        bail!("--change {text}: the first moment must come before the second");
    }
    Ok((from, to))
}

/// The replay's opinion change between two moments (`--replay --change FROM..TO`), with the
/// same cadence as the replay.
pub fn replay_change(
    data: &PolisConversation,
    params: AnalysisParams,
    how: &AnalyzeHow,
    from: i64,
    to: i64,
) -> Result<polyphony_lab::ReplayChange> {
    let cadence = match (&how.every, how.every_votes) {
        (Some(every), _) => every.parse::<Cadence>()?,
        (None, Some(votes)) => Cadence::EveryVotes { votes },
        (None, None) => Cadence::default(),
    };
    let replay_params = ReplayParams::builder()
        .analysis(params)
        .cadence(cadence)
        .build()?;
    Ok(polyphony_lab::replay_change(
        &lab_data(data),
        &replay_params,
        from,
        to,
    )?)
}

/// What `polyphony compare` was asked.
pub struct CompareHow {
    /// Bootstrap resamples.
    pub bootstrap: u32,
    /// Seed.
    pub seed: u64,
    /// The form of group-informed consensus.
    pub consensus: ConsensusForm,
    /// Representative statements under Benjamini–Hochberg at this rate.
    pub fdr: Option<f64>,
    /// JSON rather than text.
    pub json: bool,
}

/// `polyphony compare`.
pub fn compare(data: &PolisConversation, how: &CompareHow) -> Result<String> {
    let params = CompareParams::builder()
        .bootstrap(how.bootstrap)
        .seed(how.seed)
        .consensus(how.consensus)
        .repness_fdr(how.fdr)
        .build()?;
    let origin = Instant::now();
    let mut clock = || origin.elapsed().as_secs_f64() * 1000.0;
    let result = polyphony_lab::compare_with_clock(&lab_data(data), &params, &mut clock)?;
    if how.json {
        return Ok(serde_json::to_string_pretty(&result)?);
    }
    let mut out = compare_text(&result);
    statements_text(&mut out, data, &result.statements);
    Ok(out.trim_end().to_string())
}

/// The statements part of `compare`'s text: the five best by bridging beside the five best by
/// group-informed consensus, then what survives false-discovery control.
fn statements_text(out: &mut String, data: &PolisConversation, s: &StatementComparison) {
    let text_of = |id: u32| {
        let t = data
            .statements
            .iter()
            .find(|x| x.id == id)
            .map_or("", |x| x.text.as_str());
        let mut short: String = t.chars().take(60).collect();
        if t.chars().count() > 60 {
            short.push('…');
        }
        short
    };
    let _ = writeln!(out);
    match &s.bridging {
        Some(b) => {
            let _ = writeln!(
                out,
                "Bridging (Community Notes' matrix factorisation, {} ratings by {} people, {} epochs, {}): the statement intercept, best first",
                b.ratings, b.raters, b.epochs, b.stop
            );
            for x in b.statements.iter().take(5) {
                let _ = writeln!(
                    out,
                    "  {:>5}  {:+.3}  factor {:+.3}  {:>4} agree {:>4} disagree  {}",
                    x.statement,
                    x.intercept,
                    x.factor,
                    x.agree,
                    x.disagree,
                    text_of(x.statement)
                );
            }
        }
        None => {
            let _ = writeln!(out, "Bridging: no agree or disagree vote to fit");
        }
    }
    let _ = writeln!(
        out,
        "Group-informed consensus ({}) over Polis's groups, best first",
        s.consensus_form
    );
    if s.group_consensus.is_empty() {
        let _ = writeln!(out, "  (no groups)");
    }
    for x in s.group_consensus.iter().take(5) {
        let _ = writeln!(
            out,
            "  {:>5}  {:.3}  {}",
            x.statement,
            x.score,
            text_of(x.statement)
        );
    }
    if let Some(f) = &s.repness_fdr {
        let _ = writeln!(
            out,
            "Representative statements: {} of {} tests pass Polis's uncorrected rule; {} survive Benjamini–Hochberg at q = {}",
            f.polis_sufficient, f.tested, f.survivors, f.q
        );
        for g in &f.groups {
            let list = g
                .statements
                .iter()
                .map(|x| {
                    let stance = if x.stance == Stance::Agree {
                        "agree"
                    } else {
                        "disagree"
                    };
                    format!("{} ({stance}, q {:.2e})", x.statement, x.q_value)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "  group {}: {} of {}: {list}",
                g.group,
                g.statements.len(),
                g.polis_sufficient
            );
        }
    }
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v:.digits$}"))
}

fn compare_text(c: &Comparison) -> String {
    let mut out = String::new();
    let reference = match c.reference_k {
        Some(k) => format!(
            "Polis's groups for {} participants (k = {k})",
            c.reference_participants
        ),
        None => "none in this export".into(),
    };
    let _ = writeln!(
        out,
        "{} participants clustered; reference: {reference}; {} bootstrap resamples, seed {}",
        c.participants.len(),
        c.bootstrap,
        c.seed
    );
    let _ = writeln!(
        out,
        "{:<8} {:>2}  {:<22} {:>10} {:>7} {:>9} {:>9} {:>10} {:>12}",
        "pipeline",
        "k",
        "group sizes",
        "silhouette",
        "ARI",
        "agreement",
        "stability",
        "time (ms)",
        "resamples ms"
    );
    for p in &c.pipelines {
        let mut sizes = p
            .group_sizes
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("/");
        if p.noise > 0 {
            let _ = write!(sizes, " +{} noise", p.noise);
        }
        let _ = writeln!(
            out,
            "{:<8} {:>2}  {:<22} {:>10} {:>7} {:>9} {:>9} {:>10} {:>12}",
            p.pipeline.to_string(),
            p.k.map_or_else(|| "-".into(), |k| k.to_string()),
            sizes,
            opt(p.silhouette, 3),
            opt(p.ari, 3),
            p.agreement
                .map_or_else(|| "-".into(), |a| format!("{:.1}%", a * 100.0)),
            opt(p.stability, 3),
            opt(p.time_ms, 1),
            opt(p.bootstrap_ms, 0),
        );
    }
    let _ = writeln!(out, "How k was chosen:");
    for p in &c.pipelines {
        match &p.error {
            Some(e) => {
                let _ = writeln!(out, "  {}: failed: {e}", p.pipeline);
            }
            None => {
                let _ = writeln!(out, "  {}: {}", p.pipeline, p.k_choice);
            }
        }
    }
    out.trim_end().to_string()
}

/// Refuses flag combinations clap cannot express.
pub fn check(how: &AnalyzeHow, path: &Path) -> Result<()> {
    if how.polis_state.is_some() && how.replay {
        bail!(
            "--polis-state and --replay cannot be combined ({})",
            path.display()
        );
    }
    Ok(())
}

/// A line scoring the analysis against the export's own Polis groups, when it has them.
pub fn reference_line(data: &PolisConversation, analysis: &Analysis) -> Option<String> {
    let (ari, agreement) = polyphony_lab::reference_scores(analysis, &data.polis_groups)?;
    Some(format!(
        "Against Polis's groups ({} participants): {:.1}% agreement, adjusted Rand index {ari:.3}",
        data.polis_groups.len(),
        agreement * 100.0
    ))
}
