//! The phone's current task: what the room is doing now, shown whole on the first screen; the
//! rest folds away under "my room". A participant looks at the phone for a few seconds between
//! conversations, so the phone follows the facilitator's stage, never its own history: an open
//! spectrum round after the room moved on to tables no longer asks where you stand.

use polyphony_protocol::Stage;

use super::PhoneModel;

/// What a phone shows first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneTask {
    /// The view has not arrived yet, or the rules are not accepted: nothing else to do.
    Start,
    /// The briefing: read the cards at one's own pace (the projector shows one at a time).
    Brief,
    /// Collect: vote on the statement on screen.
    Vote,
    /// Collect, every statement voted: add one, or wait for new ones.
    AllVoted,
    /// Groups or divisive: look at the screen; this phone's group first.
    Groups,
    /// A spectrum round is open on the spectrum stage: stand, then tap where you stand.
    Spectrum {
        /// The spectrum.
        spectrum: u32,
        /// Its open round.
        round: u8,
    },
    /// A second vote asks this statement again.
    Revote {
        /// The statement asked again.
        statement: u32,
    },
    /// Tables: find yours.
    Table,
    /// Report: what the room found (and the report once published).
    Report,
    /// The room is closed.
    Closed,
}

impl PhoneTask {
    /// A short name for the page (`data-task`) and the tests.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneTask::Start => "start",
            PhoneTask::Brief => "brief",
            PhoneTask::Vote => "vote",
            PhoneTask::AllVoted => "all-voted",
            PhoneTask::Groups => "groups",
            PhoneTask::Spectrum { .. } => "spectrum",
            PhoneTask::Revote { .. } => "revote",
            PhoneTask::Table => "table",
            PhoneTask::Report => "report",
            PhoneTask::Closed => "closed",
        }
    }

    /// Whether moving to this task should bring the phone to it at once (scroll to the top and
    /// a short vibration): the facilitator started something every phone takes part in.
    pub fn calls_the_room(self) -> bool {
        matches!(
            self,
            PhoneTask::Spectrum { .. } | PhoneTask::Revote { .. } | PhoneTask::Table
        )
    }
}

impl PhoneModel {
    /// The room's current task for this phone. A second vote comes first (the facilitator
    /// asked it of everyone now), then the stage's own task.
    pub fn task(&self) -> PhoneTask {
        let Some(view) = &self.view else {
            return PhoneTask::Start;
        };
        if view.room.closed {
            return PhoneTask::Closed;
        }
        if !self.consented() {
            return PhoneTask::Start;
        }
        let stage = view.room.stage;
        if stage != Stage::Report {
            if let Some(s) = self.current() {
                if self.asked_again(s.id).is_some() {
                    return PhoneTask::Revote { statement: s.id };
                }
            }
        }
        match stage {
            // A briefing stage without cards is a place to vote, as collecting is.
            Stage::Brief if !view.room.brief.is_empty() => PhoneTask::Brief,
            Stage::Brief if self.current().is_some() => PhoneTask::Vote,
            Stage::Brief => PhoneTask::AllVoted,
            Stage::Collect if self.current().is_some() => PhoneTask::Vote,
            Stage::Collect => PhoneTask::AllVoted,
            // Someone in no group yet (a late arrival) has one thing to do: vote.
            Stage::Groups | Stage::Divisive if self.unplaced_voter() => PhoneTask::Vote,
            Stage::Groups | Stage::Divisive => PhoneTask::Groups,
            Stage::Spectrum => match &view.spectrum {
                Some(p) => PhoneTask::Spectrum {
                    spectrum: p.spectrum,
                    round: p.round,
                },
                None if self.unplaced_voter() => PhoneTask::Vote,
                None => PhoneTask::Groups,
            },
            Stage::Tables if self.table().is_some() => PhoneTask::Table,
            Stage::Tables if self.unplaced_voter() => PhoneTask::Vote,
            Stage::Tables => PhoneTask::Groups,
            Stage::Report => PhoneTask::Report,
        }
    }

    /// In no group, with something left to vote on.
    fn unplaced_voter(&self) -> bool {
        self.view.as_ref().is_some_and(|v| v.group.is_none()) && self.current().is_some()
    }

    /// Whether this phone shows its group: once the room has moved past collecting (the
    /// projector then shows the groups), and only when it has one.
    pub fn shows_group(&self) -> bool {
        self.view
            .as_ref()
            .is_some_and(|v| v.group.is_some() && v.room.stage != Stage::Collect)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use polyphony_protocol::{
        CastVote, ModerationState, PhoneGroup, PhoneTable, PhoneView, Revote, RoomControls,
        RoomInfo, RoomSettings, ServerMessage, SpectrumPrompt, StatementView, Vote,
    };

    use super::*;
    use crate::state::PhoneEvent;

    fn statement(id: u32) -> StatementView {
        StatementView {
            id,
            text: format!("s{id}"),
            is_seed: true,
            moderation: ModerationState::Accepted,
        }
    }

    /// A consented phone at `stage`, with `next` to vote on and these votes.
    fn at(stage: Stage, next: Option<u32>, votes: &[(u32, Vote)]) -> PhoneView {
        PhoneView {
            room: RoomInfo {
                code: "ABC234".into(),
                topic: "t".into(),
                description: String::new(),
                language: "en".into(),
                settings: RoomSettings::default(),
                stage,
                closed: false,
                created: 0,
                rules: String::new(),
                controls: RoomControls::default(),
                brief: vec![],
            },
            next: next.map(statement),
            upcoming: vec![],
            voted: votes.len() as u32,
            total: 4,
            votes: votes
                .iter()
                .map(|&(statement, vote)| CastVote { statement, vote })
                .collect(),
            group: Some(PhoneGroup {
                id: 1,
                label: "B".into(),
                size: 5,
                reasons: vec![],
            }),
            spectrum: None,
            my_statements: vec![],
            table: None,
            consented: true,
            spotlight: None,
        }
    }

    fn model(v: PhoneView) -> PhoneModel {
        let mut m = PhoneModel::new("p", vec![]);
        m.apply(PhoneEvent::Server(ServerMessage::Phone(Box::new(v))));
        m
    }

    fn prompt(round: u8) -> SpectrumPrompt {
        SpectrumPrompt {
            spectrum: 3,
            round,
            statement: statement(2),
            position: None,
            first_round_position: None,
            previous_position: None,
        }
    }

    fn table() -> PhoneTable {
        PhoneTable {
            plan: 1,
            number: 2,
            group: None,
            size: 6,
            reporter: false,
            notes: vec![],
        }
    }

    #[test]
    fn each_stage_has_one_task() {
        assert_eq!(
            model(at(Stage::Collect, Some(0), &[])).task(),
            PhoneTask::Vote
        );
        assert_eq!(
            model(at(Stage::Collect, None, &[])).task(),
            PhoneTask::AllVoted
        );
        assert_eq!(
            model(at(Stage::Groups, Some(0), &[])).task(),
            PhoneTask::Groups
        );
        assert_eq!(
            model(at(Stage::Divisive, None, &[])).task(),
            PhoneTask::Groups
        );
        assert_eq!(
            model(at(Stage::Report, Some(0), &[])).task(),
            PhoneTask::Report
        );
        let mut v = at(Stage::Spectrum, None, &[]);
        v.spectrum = Some(prompt(3));
        assert_eq!(
            model(v).task(),
            PhoneTask::Spectrum {
                spectrum: 3,
                round: 3
            }
        );
        let mut v = at(Stage::Tables, None, &[]);
        v.table = Some(table());
        assert_eq!(model(v).task(), PhoneTask::Table);
        let mut v = at(Stage::Tables, None, &[]);
        v.room.closed = true;
        assert_eq!(model(v).task(), PhoneTask::Closed);
    }

    #[test]
    fn a_stage_the_room_has_left_asks_nothing() {
        // A round still open when the facilitator moved on to tables: the table, not the round.
        let mut v = at(Stage::Tables, None, &[]);
        v.spectrum = Some(prompt(3));
        v.table = Some(table());
        assert_eq!(model(v).task(), PhoneTask::Table);
        // Nor at the report.
        let mut v = at(Stage::Report, None, &[]);
        v.spectrum = Some(prompt(1));
        assert_eq!(model(v).task(), PhoneTask::Report);
    }

    #[test]
    fn a_second_vote_comes_first_and_calls_the_room() {
        let mut v = at(Stage::Tables, Some(2), &[(2, Vote::Disagree)]);
        v.table = Some(table());
        v.room.controls.revote = Some(Revote {
            id: 1,
            statements: vec![2],
            opened: 5,
        });
        let t = model(v).task();
        assert_eq!(t, PhoneTask::Revote { statement: 2 });
        assert!(t.calls_the_room());
        assert!(!PhoneTask::Groups.calls_the_room());
    }

    #[test]
    fn a_late_arrival_without_a_group_votes() {
        let mut v = at(Stage::Divisive, Some(3), &[]);
        v.group = None;
        assert_eq!(model(v).task(), PhoneTask::Vote);
        let mut v = at(Stage::Divisive, None, &[]);
        v.group = None;
        assert_eq!(
            model(v).task(),
            PhoneTask::Groups,
            "nothing left to vote: look at the screen"
        );
    }

    #[test]
    fn the_group_shows_once_the_room_has_left_collecting() {
        assert!(!model(at(Stage::Collect, Some(0), &[])).shows_group());
        assert!(model(at(Stage::Groups, Some(0), &[])).shows_group());
        let mut v = at(Stage::Groups, None, &[]);
        v.group = None;
        assert!(!model(v).shows_group());
    }

    #[test]
    fn the_briefing_is_read_on_the_phone_and_without_cards_it_votes() {
        let mut v = at(Stage::Brief, Some(0), &[]);
        v.room.brief = vec![polyphony_protocol::BriefCard {
            title: "Licences".into(),
            ..Default::default()
        }];
        let t = model(v).task();
        assert_eq!(t, PhoneTask::Brief);
        assert_eq!(t.as_str(), "brief");
        assert!(!t.calls_the_room());
        assert_eq!(
            model(at(Stage::Brief, Some(0), &[])).task(),
            PhoneTask::Vote
        );
        assert_eq!(
            model(at(Stage::Brief, None, &[])).task(),
            PhoneTask::AllVoted
        );
    }

    #[test]
    fn no_task_before_the_rules_are_accepted() {
        let mut v = at(Stage::Collect, Some(0), &[]);
        v.consented = false;
        assert_eq!(model(v).task(), PhoneTask::Start);
    }
}
