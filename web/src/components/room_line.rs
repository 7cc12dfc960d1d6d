//! One plain line per projector stage saying what the room sees ("Each dot is one person…"),
//! and the panel shown instead of results while the facilitator keeps them hidden. The divisive
//! stage's line says only what the list is: how each group leans is worded under each statement
//! from its own bars (`divisive.rs`), so no sentence speaks for a statement it was not read from.

use polyphony_protocol::{RoomView, Stage};
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{fill, t, Key, Lang};

/// The line for the room's stage, as a key and its values (none for a stage without results
/// yet to explain). No line words values today; `_lang` is the language one would be worded in.
pub fn room_line(_lang: Lang, view: &RoomView) -> Option<(Key, Vec<(&'static str, String)>)> {
    let room = view.room.as_ref()?;
    let hidden = room.controls.results_hidden;
    // A second vote runs inside a stage (often the tables): the room is told it is on, and
    // how far it has got (counts of people, as the console has them).
    if let Some(p) = view.revote_progress.filter(|_| !room.closed) {
        return Some((
            Key::LineRevote,
            vec![("done", p.done.to_string()), ("asked", p.asked.to_string())],
        ));
    }
    match room.stage {
        Stage::Collect => Some((Key::LineCollect, vec![])),
        Stage::Groups if !hidden && !view.groups.is_empty() => Some((Key::LineGroups, vec![])),
        Stage::Divisive if !hidden && !view.divisive.is_empty() => {
            Some((Key::LineDivisiveEach, vec![]))
        }
        Stage::Spectrum if !view.spectrums.is_empty() => Some((Key::LineSpectrum, vec![])),
        Stage::Tables if view.tables.is_some() => Some((Key::LineTables, vec![])),
        Stage::Report if !hidden => Some((Key::LineReport, vec![])),
        _ => None,
    }
}

/// The line's text, filled (for fitting the screen).
pub fn room_line_text(lang: Lang, view: &RoomView) -> Option<String> {
    room_line(lang, view).map(|(k, args)| fill(t(lang, k), &args))
}

/// The room and the language.
#[derive(Properties, PartialEq)]
pub struct RoomLineProps {
    /// The UI language.
    pub lang: Lang,
    /// The room.
    pub view: RoomView,
}

/// The stage's plain line, if it has one.
#[component]
pub fn RoomLine(p: &RoomLineProps) -> Html {
    match room_line(p.lang, &p.view) {
        Some((k, args)) => html! {
            <p class="room-line" id="room-line"><Tr lang={p.lang} k={k} args={args} /></p>
        },
        None => html! {},
    }
}

/// "Results hidden — the facilitator will reveal them", shown instead of the map, the groups,
/// what divides them and the report while results are hidden.
#[component]
pub fn ResultsHidden(p: &RoomLineProps) -> Html {
    html! {
        <div class="results-hidden" id="results-hidden" role="status">
            <span class="hidden-mark" aria-hidden="true">{ "◐" }</span>
            <p><Tr lang={p.lang} k={Key::ResultsHiddenPanel} /></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyphony_protocol::{
        DivisiveView, GroupName, GroupStance, ModerationState, RoomInfo, RoomSettings,
        StatementView,
    };

    fn stance(group: u32, label: &str, agree: u32, disagree: u32) -> GroupStance {
        GroupStance {
            group,
            label: label.into(),
            agree,
            disagree,
            passes: 0,
            seen: agree + disagree,
            agree_rate: f64::from(agree) / f64::from(agree + disagree),
        }
    }

    fn room(stage: Stage, hidden: bool) -> RoomInfo {
        let mut info = RoomInfo {
            code: "ABC234".into(),
            topic: "t".into(),
            description: String::new(),
            language: "en".into(),
            settings: RoomSettings::default(),
            stage,
            closed: false,
            rules: String::new(),
            created: 0,
            controls: Default::default(),
            brief: vec![],
        };
        info.controls.results_hidden = hidden;
        info.controls.group_names = vec![GroupName {
            group: 0,
            name: "Safety first".into(),
        }];
        info
    }

    #[test]
    fn an_open_second_vote_is_the_line_at_any_stage() {
        let view = RoomView {
            room: Some(room(Stage::Tables, false)),
            revote_progress: Some(polyphony_protocol::RevoteProgress { asked: 16, done: 5 }),
            ..Default::default()
        };
        assert_eq!(
            room_line_text(Lang::En, &view).as_deref(),
            Some("Second vote on your phone: 5 of 16 people have voted again.")
        );
        let closed = RoomView {
            revote_progress: None,
            ..view
        };
        assert_ne!(
            room_line(Lang::En, &closed).map(|l| l.0),
            Some(Key::LineRevote)
        );
    }

    #[test]
    fn the_divisive_line_speaks_for_no_single_statement() {
        let divisive = |id: u32, groups| DivisiveView {
            statement: StatementView {
                id,
                text: "s".into(),
                is_seed: true,
                moderation: ModerationState::Accepted,
            },
            divisiveness: 0.9,
            groups,
        };
        // The walk-through's room: the first statement has C agreeing, the second C disagreeing
        // to a person; the line must not word either for both.
        let view = RoomView {
            room: Some(room(Stage::Divisive, false)),
            divisive: vec![
                divisive(4, vec![stance(0, "A", 1, 9), stance(2, "C", 9, 1)]),
                divisive(5, vec![stance(0, "A", 9, 1), stance(2, "C", 0, 10)]),
            ],
            ..Default::default()
        };
        let line = room_line_text(Lang::ZhTw, &view).unwrap_or_default();
        assert_eq!(line, t(Lang::ZhTw, Key::LineDivisiveEach));
        for word in ["多數同意", "多數不同意", "意見分歧"] {
            assert!(!line.contains(word), "{line}");
        }
        let hidden = RoomView {
            room: Some(room(Stage::Divisive, true)),
            ..view.clone()
        };
        assert_eq!(
            room_line(Lang::En, &hidden),
            None,
            "nothing to explain while hidden"
        );
        let empty = RoomView {
            divisive: vec![],
            ..view
        };
        assert_eq!(room_line(Lang::En, &empty), None, "no list, no line");
    }
}
