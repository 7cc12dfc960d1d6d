//! What a view may show of the room's results now: the facilitator's hides (results hidden, an
//! open round's counts withheld) as one decision, [`Visibility`], that every screen and the
//! published report follow; the console and the facilitator's download see everything
//! ([`Reveal::All`]).

use polyphony_core::Analysis;

use crate::room::model::{Room, Spectrum};

/// Whether anything is withheld from the room right now (results, or an open round's counts):
/// then the facilitator's console gets its own, complete view.
pub(crate) fn withholding(room: &Room) -> bool {
    let shown = visibility(room, Reveal::AsControlled);
    !shown.results()
        || room
            .spectrums()
            .iter()
            .any(|s| s.open_round.is_some_and(|r| !shown.round_counts(s, r)))
}

/// What a view may show of the room's results: the one decision every view (projector, phone,
/// spectrum) and the published report follow. Made by [`visibility`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Visibility {
    results: bool,
    open_round_counts: bool,
}

/// What the room shows now: with `Reveal::AsControlled` (every screen, the report page) the
/// facilitator's hides hold — results hidden withholds the map, groups, consensus, divisive,
/// per-group splits, the change and every spectrum count; an open round's counts are withheld
/// until revealed. `Reveal::All` (the facilitator's console, their download) shows everything.
pub(crate) fn visibility(room: &Room, reveal: Reveal) -> Visibility {
    let c = &room.info().controls;
    match reveal {
        Reveal::All => Visibility {
            results: true,
            open_round_counts: true,
        },
        Reveal::AsControlled => Visibility {
            results: !c.results_hidden,
            open_round_counts: c.spectrum_counts_shown,
        },
    }
}

impl Visibility {
    /// Whether the analysis' results show (map, groups, consensus, divisive, splits, change).
    pub(crate) fn results(self) -> bool {
        self.results
    }

    /// The analysis, if its results show.
    pub(crate) fn analysis(self, analysis: Option<&Analysis>) -> Option<&Analysis> {
        analysis.filter(|_| self.results)
    }

    /// Whether round `round` of `sp` shows its counts (and the movement it is part of).
    pub(crate) fn round_counts(self, sp: &Spectrum, round: u8) -> bool {
        self.results && (sp.open_round != Some(round) || self.open_round_counts)
    }

    /// The analysis as a reader that takes a whole one (the report) may see it: itself, or with
    /// results hidden only its counts (people, votes, statements) — no map, groups, consensus,
    /// divisive statements or clusters.
    pub(crate) fn analysis_as_shown(self, analysis: &Analysis) -> Analysis {
        if self.results {
            return analysis.clone();
        }
        Analysis {
            pca: Default::default(),
            participants: Vec::new(),
            base_clusters: Vec::new(),
            base_tallies: Vec::new(),
            groups: None,
            consensus: Default::default(),
            group_aware_consensus: Default::default(),
            divisive: Vec::new(),
            ..analysis.clone()
        }
    }
}

/// Whether a spectrum view follows the facilitator's hide/reveal (screens) or shows every
/// count (the take-away report, made after the workshop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reveal {
    AsControlled,
    All,
}
