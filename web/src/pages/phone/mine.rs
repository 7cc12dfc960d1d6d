//! What is the participant's own: their group, their table, the statements they wrote, and the
//! room's background.

use polyphony_protocol::{
    ModerationState, PhoneGroup, PhoneView, RoomControls, Stage, StatementView,
};
use yew::prelude::*;

use crate::components::{reason_text, TableCard, Tr};
use crate::group_colour;
use crate::i18n::{Key, Lang};
use crate::state::{Notice, PhoneEvent, PhoneModel};

/// "You are in group A · Safety first", with the statement that sets the group apart most.
pub(super) fn group_badge(lang: Lang, g: &PhoneGroup, controls: &RoomControls) -> Html {
    let colour = group_colour(&g.label);
    let name = controls.group_name(g.id).filter(|n| !n.trim().is_empty());
    html! {
        <section class="group-badge" id="group-badge" style={format!("--group:{colour}")}>
            <div class="badge-letter" aria-hidden="true">{ g.label.clone() }</div>
            <div>
                <strong><Tr lang={lang} k={Key::YouAreInGroup} args={vec![("group", g.label.clone())]} /></strong>
                if let Some(name) = name { { " · " }<strong class="group-given-name" id="group-name">{ name.to_string() }</strong> }
                if let Some(r) = g.reasons.first() {
                    <p class="reason"><Tr lang={lang} k={Key::GroupReason} args={vec![("group", g.label.clone())]} />
                       { " " }{ reason_text(lang, r) }</p>
                }
            </div>
        </section>
    }
}

/// This phone's discussion table, with its group's name (nothing before tables are formed).
pub(super) fn my_table(
    lang: Lang,
    m: &PhoneModel,
    view: &PhoneView,
    dispatch: &Callback<PhoneEvent>,
) -> Html {
    let Some(table) = m.table().cloned() else {
        return html! {};
    };
    let group_name = table
        .group
        .as_ref()
        .and_then(|label| view.group.as_ref().filter(|g| &g.label == label))
        .and_then(|g| view.room.controls.group_name(g.id))
        .filter(|n| !n.trim().is_empty())
        .map(String::from);
    html! {
        <TableCard lang={lang} {table} {group_name} reporter={m.reporter()} notes={m.table_notes()}
            pending={m.pending_notes()} note_sent={m.notice == Some(Notice::NoteSent)} on_event={dispatch.clone()} />
    }
}

/// Without a group to show: why (results hidden, or groups still to come).
pub(super) fn group_note(lang: Lang, has_group: bool, results_hidden: bool, stage: Stage) -> Html {
    if has_group {
        html! {}
    } else if results_hidden {
        html! { <p class="hint" id="results-hidden"><Tr lang={lang} k={Key::PhoneResultsHidden} /></p> }
    } else if stage != Stage::Collect && stage != Stage::Report {
        html! { <p class="hint"><Tr lang={lang} k={Key::WaitingForGroups} /></p> }
    } else {
        html! {}
    }
}

/// The statements this phone wrote and what became of them (nothing before the first).
pub(super) fn my_statements(lang: Lang, mine: &[StatementView]) -> Html {
    if mine.is_empty() {
        return html! {};
    }
    let any_rejected = mine
        .iter()
        .any(|s| s.moderation == ModerationState::Rejected);
    html! {
        <section class="mine" id="my-statements" aria-labelledby="my-statements-title">
            <h2 id="my-statements-title"><Tr lang={lang} k={Key::PhoneYourStatements} /></h2>
            <ul>
                { for mine.iter().map(|s| html! {
                    <li data-statement={s.id.to_string()} data-moderation={s.moderation.as_str()}>{ s.text.clone() }
                        if s.moderation == ModerationState::Pending { { " · " }<em><Tr lang={lang} k={Key::Pending} /></em> }
                        if s.moderation == ModerationState::Rejected { { " · " }<em class="not-shown"><Tr lang={lang} k={Key::PhoneNotShown} /></em> }
                    </li>
                }) }
            </ul>
            if any_rejected { <p class="hint" id="not-shown-why"><Tr lang={lang} k={Key::PhoneNotShownWhy} /></p> }
        </section>
    }
}

/// The room's background, as the facilitator wrote it (nothing when empty).
pub(super) fn description(text: &str) -> Html {
    if text.trim().is_empty() {
        return html! {};
    }
    html! {
        <div class="description" id="description">
            { for text.lines().filter(|l| !l.trim().is_empty()).map(|l| html! { <p>{ l.to_string() }</p> }) }
        </div>
    }
}
