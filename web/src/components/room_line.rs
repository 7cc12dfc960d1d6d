//! One plain line per projector stage saying what the room sees ("These statements split the
//! groups most: A mostly agrees, B mostly disagrees"), and the panel shown instead of results
//! while the facilitator keeps them hidden.

use polyphony_protocol::{RoomView, Stage};
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{fill, t, Key, Lang};
use crate::state::controls::{group_title, lean, Lean};

/// The line for the room's stage, as a key and its values (none for a stage without results
/// yet to explain).
pub fn room_line(lang: Lang, view: &RoomView) -> Option<(Key, Vec<(&'static str, String)>)> {
    let room = view.room.as_ref()?;
    let hidden = room.controls.results_hidden;
    match room.stage {
        Stage::Collect => Some((Key::LineCollect, vec![])),
        Stage::Groups if !hidden && !view.groups.is_empty() => Some((Key::LineGroups, vec![])),
        Stage::Divisive if !hidden => {
            let top = view.divisive.first()?;
            let joiner = match lang {
                Lang::ZhTw | Lang::Ja => "、",
                Lang::En | Lang::Ko => ", ",
            };
            let parts: Vec<String> = top
                .groups
                .iter()
                .map(|g| {
                    let k = match lean(g) {
                        Lean::Agrees => Key::MostlyAgrees,
                        Lean::Disagrees => Key::MostlyDisagrees,
                        Lean::Split => Key::IsSplit,
                    };
                    let name = group_title(Some(&room.controls), Some(g.group), &g.label);
                    fill(t(lang, k), &[("group", name)])
                })
                .collect();
            Some((Key::LineDivisive, vec![("groups", parts.join(joiner))]))
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
        };
        info.controls.results_hidden = hidden;
        info.controls.group_names = vec![GroupName {
            group: 0,
            name: "Safety first".into(),
        }];
        info
    }

    #[test]
    fn the_divisive_line_says_how_each_group_leans() {
        let view = RoomView {
            room: Some(room(Stage::Divisive, false)),
            divisive: vec![DivisiveView {
                statement: StatementView {
                    id: 4,
                    text: "s".into(),
                    is_seed: true,
                    moderation: ModerationState::Accepted,
                },
                divisiveness: 0.9,
                groups: vec![stance(0, "A", 9, 1), stance(1, "B", 1, 9)],
            }],
            ..Default::default()
        };
        assert_eq!(
            room_line_text(Lang::En, &view).as_deref(),
            Some("These statements split the groups most: A · Safety first mostly agrees, B mostly disagrees.")
        );
        let hidden = RoomView {
            room: Some(room(Stage::Divisive, true)),
            ..view
        };
        assert_eq!(
            room_line(Lang::En, &hidden),
            None,
            "nothing to explain while hidden"
        );
    }
}
