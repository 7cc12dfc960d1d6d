//! The statements side of a comparison: which statements bridge the room (Community Notes'
//! matrix factorisation) beside Polis's group-informed consensus (either form), and which
//! representative statements survive false-discovery control.

use polyphony_core::{Analysis, Conversation, StatementId, Tally};
use serde::{Deserialize, Serialize};

use super::CompareParams;
use crate::bridging::{bridging_of, Bridging, BridgingParams};
use crate::consensus::{group_informed_consensus, ConsensusForm};
use crate::fdr::{repness_fdr, RepnessFdr};

/// What `compare` finds about statements, beside the pipelines' groups.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// use polyphony_lab::{compare, CompareParams, ConsensusForm, LabData, Pipeline};
/// // Camps of 12 and 6 split on 20 statements; both agree with statement 99.
/// let mut votes = Vec::new();
/// for p in 0..18u32 {
///     for s in 0..20u32 {
///         let with_camp = (p < 12) == (s % 2 == 0);
///         let vote = if s == p { Vote::Pass } else if with_camp { Vote::Agree } else { Vote::Disagree };
///         votes.push(VoteEvent::new(p, s, vote, 0));
///     }
///     votes.push(VoteEvent::new(p, 99, Vote::Agree, 0));
/// }
/// let params = CompareParams::builder()
///     .bootstrap(0)
///     .pipelines(&[Pipeline::Polis])
///     .consensus(ConsensusForm::Geometric)
///     .repness_fdr(Some(0.05))
///     .build()?;
/// let s = compare(&LabData::new(votes), &params)?.statements;
/// assert_eq!(s.group_consensus[0].statement, 99);
/// assert_eq!(s.bridging.map(|b| b.statements[0].statement), Some(99));
/// assert!(s.repness_fdr.is_some_and(|r| r.survivors > 0));
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementComparison {
    /// The form of `group_consensus`.
    pub consensus_form: ConsensusForm,
    /// Group-informed consensus over the engine's groups of every statement not moderated out,
    /// best first (ties by id); empty when the engine found no groups.
    pub group_consensus: Vec<RankedStatement>,
    /// The bridging model (`None` when it was not asked for, or had no vote to fit).
    pub bridging: Option<Bridging>,
    /// Representative statements under Benjamini–Hochberg, when asked for and there are groups.
    pub repness_fdr: Option<RepnessFdr>,
}

/// A statement and its score in one ranking.
///
/// ```
/// let r = polyphony_lab::RankedStatement { statement: 2, score: 0.7 };
/// assert_eq!(r.statement, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankedStatement {
    /// The statement.
    pub statement: StatementId,
    /// Its score.
    pub score: f64,
}

pub(super) fn compare_statements(
    conv: &Conversation,
    analysis: &Analysis,
    params: &CompareParams,
) -> StatementComparison {
    let groups: Vec<(u32, Vec<Tally>)> = analysis
        .groups
        .as_ref()
        .map(|g| g.groups.iter().map(|g| (g.id, g.tallies.clone())).collect())
        .unwrap_or_default();
    let mut group_consensus: Vec<RankedStatement> = Vec::new();
    if !groups.is_empty() {
        for (col, &statement) in analysis.statements.iter().enumerate() {
            if analysis.mod_out.contains(&statement) {
                continue;
            }
            let tallies: Vec<Tally> = groups
                .iter()
                .map(|(_, t)| t.get(col).copied().unwrap_or_default())
                .collect();
            if let Some(score) = group_informed_consensus(&tallies, params.consensus) {
                group_consensus.push(RankedStatement { statement, score });
            }
        }
    }
    group_consensus.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.statement.cmp(&b.statement))
    });
    let bridging = params
        .bridging
        .then(|| {
            let p = BridgingParams {
                seed: params.seed,
                ..BridgingParams::default()
            };
            bridging_of(conv, &p).ok()
        })
        .flatten();
    let repness_fdr = params
        .repness_fdr
        .filter(|_| !groups.is_empty())
        .map(|q| repness_fdr(&groups, &analysis.statements, &analysis.mod_out, q));
    StatementComparison {
        consensus_form: params.consensus,
        group_consensus,
        bridging,
        repness_fdr,
    }
}
