//! The console's run sheet: where the room is, what comes next, and the counts a facilitator
//! checks before moving on — at the top of the console, not 3,000 px down.

use polyphony_protocol::{HostNote, RoomView, Stage};

use crate::i18n::Key;

/// The stage after `stage` in workshop order (`None` after the last).
pub fn next_stage(stage: Stage) -> Option<Stage> {
    let all = Stage::ALL;
    let i = all.iter().position(|s| *s == stage)?;
    all.get(i + 1).copied()
}

/// The one sentence saying what to do now, by stage.
pub fn next_step(stage: Stage) -> Key {
    match stage {
        Stage::Brief => Key::RunNextBrief,
        Stage::Collect => Key::RunNextCollect,
        Stage::Groups => Key::RunNextGroups,
        Stage::Divisive => Key::RunNextDivisive,
        Stage::Spectrum => Key::RunNextSpectrum,
        Stage::Tables => Key::RunNextTables,
        Stage::Report => Key::RunNextReport,
    }
}

/// The stage's own work is not done yet: a spectrum round is open and its counts are not
/// revealed on the screens, or the tables stage has no tables. Moving on is then not the next
/// step; the stage's panel is. Read from the room's controls: the console's own view shows
/// every count (its rounds are never `hidden`), whatever the screens show.
pub fn stage_work_waits(view: &RoomView) -> bool {
    let Some(room) = view.room.as_ref() else {
        return false;
    };
    match room.stage {
        Stage::Spectrum => {
            !room.controls.spectrum_counts_shown
                && view.spectrums.iter().any(|sp| sp.open_round.is_some())
        }
        Stage::Tables => view.tables.is_none(),
        _ => false,
    }
}

/// The counts the run sheet shows, each worth a glance right now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// People who joined.
    pub joined: u32,
    /// People who voted at least once.
    pub voted: u32,
    /// Statements waiting for moderation.
    pub pending: u32,
    /// The open spectrum round and how many placed themselves in it.
    pub placed: Option<(u8, u32)>,
    /// Table notes written and not released (nor withdrawn).
    pub notes_waiting: u32,
    /// The open second vote: (done, asked).
    pub revote: Option<(u32, u32)>,
}

impl RunCounts {
    /// The counts from the console's view and the tables' notes.
    pub fn of(view: &RoomView, notes: &[HostNote]) -> RunCounts {
        let placed = view.spectrums.iter().rev().find_map(|sp| {
            let r = sp.open_round?;
            let round = sp.rounds.iter().find(|x| x.round == r)?;
            Some((r, round.placed))
        });
        RunCounts {
            joined: view.participants,
            voted: view.voters,
            pending: view.pending,
            placed,
            notes_waiting: notes.iter().filter(|n| !n.released).count() as u32,
            revote: view.revote_progress.map(|p| (p.done, p.asked)),
        }
    }
}

#[cfg(test)]
mod tests {
    use polyphony_protocol::{RevoteProgress, SpectrumRoundView, SpectrumView, StatementView};

    use super::*;

    #[test]
    fn every_stage_but_the_last_has_a_next() {
        assert_eq!(next_stage(Stage::Brief), Some(Stage::Collect));
        assert_eq!(next_stage(Stage::Collect), Some(Stage::Groups));
        assert_eq!(next_stage(Stage::Tables), Some(Stage::Report));
        assert_eq!(next_stage(Stage::Report), None);
        for s in Stage::ALL {
            // Every stage says what to do.
            let _ = next_step(s);
        }
    }

    #[test]
    fn moving_on_waits_for_an_unrevealed_round_and_for_tables() {
        use polyphony_protocol::{RoomInfo, SpectrumRoundView, SpectrumView, StatementView};
        let room_shown = |stage, counts_shown| RoomInfo {
            code: "ABC234".into(),
            topic: "t".into(),
            description: String::new(),
            language: "en".into(),
            settings: polyphony_protocol::RoomSettings::default(),
            stage,
            closed: false,
            created: 0,
            rules: String::new(),
            controls: polyphony_protocol::RoomControls {
                spectrum_counts_shown: counts_shown,
                ..polyphony_protocol::RoomControls::default()
            },
            brief: vec![],
        };
        let room = |stage| room_shown(stage, false);
        // The console's view: every count there (never `hidden`), whatever the screens show.
        let spectrum = |open: bool| SpectrumView {
            id: 0,
            statement: StatementView {
                id: 1,
                text: "s".into(),
                is_seed: true,
                moderation: polyphony_protocol::ModerationState::Accepted,
            },
            open_round: open.then_some(1),
            rounds: vec![SpectrumRoundView {
                round: 1,
                placed: 3,
                hidden: false,
                counts: [1, 0, 0, 1, 1],
                by_group: vec![],
            }],
            movement: vec![],
            movement_from: 1,
            movement_to: 1,
        };
        let mut view = RoomView {
            room: Some(room(Stage::Spectrum)),
            spectrums: vec![spectrum(true)],
            ..RoomView::default()
        };
        assert!(
            stage_work_waits(&view),
            "round 1 not revealed on the screens"
        );
        view.room = Some(room_shown(Stage::Spectrum, true));
        assert!(!stage_work_waits(&view), "revealed");
        view.room = Some(room(Stage::Spectrum));
        view.spectrums = vec![spectrum(false)];
        assert!(!stage_work_waits(&view), "no round open");
        view.room = Some(room(Stage::Tables));
        assert!(stage_work_waits(&view), "no tables yet");
        view.room = Some(room(Stage::Groups));
        assert!(!stage_work_waits(&view));
    }

    #[test]
    fn the_counts_read_the_view() {
        let round = |round, placed| SpectrumRoundView {
            round,
            placed,
            hidden: true,
            counts: [0; 5],
            by_group: vec![],
        };
        let view = RoomView {
            participants: 16,
            voters: 12,
            pending: 3,
            spectrums: vec![SpectrumView {
                id: 0,
                statement: StatementView {
                    id: 1,
                    text: "s".into(),
                    is_seed: true,
                    moderation: polyphony_protocol::ModerationState::Accepted,
                },
                open_round: Some(2),
                rounds: vec![round(1, 14), round(2, 9)],
                movement: vec![],
                movement_from: 1,
                movement_to: 2,
            }],
            revote_progress: Some(RevoteProgress { asked: 10, done: 4 }),
            ..RoomView::default()
        };
        let note = |id, released| HostNote {
            id,
            plan: 1,
            table: 1,
            text: "n".into(),
            released,
        };
        let c = RunCounts::of(&view, &[note(0, true), note(1, false), note(2, false)]);
        assert_eq!(
            c,
            RunCounts {
                joined: 16,
                voted: 12,
                pending: 3,
                placed: Some((2, 9)),
                notes_waiting: 2,
                revote: Some((4, 10)),
            }
        );
    }
}
