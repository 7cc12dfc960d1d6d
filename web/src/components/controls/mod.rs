//! The console's room controls: hide or reveal results, pause or resume voting, on the report
//! stage the projector's page (previous, next, turning by itself), a timer, the spotlight,
//! freezing the groups (updating or releasing them only after a confirmation), group names, a
//! second vote and the take-away report; and closing the room, with a confirmation.
//! Each button sends one `ControlRequest`; the screens read the new controls from the next room
//! view.
//!
//! One file per control: `send.rs` (how a control reaches the room), `timer.rs`,
//! `spotlight.rs`, `freeze.rs`, `group_names.rs`, `revote.rs`, `report.rs`, `close.rs`; the
//! panel that holds them, with the two toggles (results, voting), is here.

use polyphony_protocol::{ControlRequest, RoomView, Stage};
use yew::prelude::*;

use crate::components::{PageTurner, Tr};
use crate::i18n::{Key, Lang};
use crate::state::controls::{by_divisiveness, live_groups_notice, revote_preselection};
use crate::state::projector::report_pages;

mod close;
mod freeze;
mod group_names;
mod report;
mod revote;
mod send;
mod spotlight;
mod timer;

pub use close::{closed_banner, CloseRoom};
use freeze::FreezeGroupsControl;
use group_names::GroupNamesControl;
use report::report_control;
use revote::RevoteControl;
use send::on_click;
pub use send::{control_sender, worded};
use spotlight::SpotlightControl;
use timer::TimerControl;

/// What the console's panels need.
#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
    /// The facilitator key.
    pub host_key: String,
    /// The latest room view (its `room.controls` are the current controls).
    pub view: RoomView,
    /// Shows a request's failure (or clears it).
    pub on_error: Callback<Option<String>>,
}

/// The room controls panel: one control per job, each sending its own `ControlRequest`s.
#[component]
pub fn RoomControlsPanel(p: &ConsoleProps) -> Html {
    let lang = p.lang;
    let send = control_sender(lang, &p.code, &p.host_key, &p.on_error);
    let room = p.view.room.as_ref();
    let controls = room.map(|r| r.controls.clone()).unwrap_or_default();
    let closed = room.is_some_and(|r| r.closed);
    let report_stage = room.is_some_and(|r| r.stage == Stage::Report);
    let statements = by_divisiveness(&p.view.statements);
    let has_groups = !p.view.groups.is_empty();
    if closed {
        // A closed room takes no votes, rounds, tables or second vote (the server refuses
        // them): what is left to do is the report, and the group names it prints.
        return html! {
            <section class="card controls" id="room-controls" data-closed="true">
                <h2><Tr lang={lang} k={Key::ControlsTitle} /></h2>
                { report_control(lang, &p.code, &p.host_key, (controls.report_published, true), &send) }
                <GroupNamesControl lang={lang} groups={p.view.groups.clone()} controls={controls.clone()} send={send.clone()} />
            </section>
        };
    }
    html! {
        <section class="card controls" id="room-controls">
            <h2><Tr lang={lang} k={Key::ControlsTitle} /></h2>
            <div class="control-grid">
                <div class="control" id="results-control">{ results_control(lang, controls.results_hidden, &send) }</div>
                <div class="control" id="voting-control">{ voting_control(lang, closed, controls.voting_paused, &send) }</div>
            </div>
            if report_stage {
                <PageTurner lang={lang} title={Key::ReportPagesTitle} pages={report_pages(&p.view).len()}
                    paging={controls.page_of(Stage::Report)} send={send.clone()} />
                // The report stage's own step (publish it): here, not under every other control.
                { report_control(lang, &p.code, &p.host_key, (controls.report_published, true), &send) }
            }
            <TimerControl lang={lang} timer={controls.timer} send={send.clone()} />
            <SpotlightControl lang={lang} statements={statements.clone()} spotlight={controls.spotlight} send={send.clone()} />
            if has_groups || controls.groups_frozen {
                <FreezeGroupsControl lang={lang} frozen={controls.groups_frozen} notice={live_groups_notice(&p.view)} send={send.clone()} />
            }
            <GroupNamesControl lang={lang} groups={p.view.groups.clone()} controls={controls.clone()} send={send.clone()} />
            <RevoteControl lang={lang} statements={statements} revote={controls.revote.clone()}
                preselection={revote_preselection(&p.view)} send={send.clone()} />
            if !report_stage { { report_control(lang, &p.code, &p.host_key, (controls.report_published, false), &send) } }
        </section>
    }
}

/// Whether the screens show results: the state, and the button that changes it.
fn results_control(lang: Lang, hidden: bool, send: &Callback<ControlRequest>) -> Html {
    if hidden {
        html! { <>
            <p class="status-note" id="results-status" data-hidden="true"><Tr lang={lang} k={Key::ResultsHiddenNote} /></p>
            <button id="reveal-results" class="primary" onclick={on_click(send, ControlRequest::RevealResults)}><Tr lang={lang} k={Key::RevealResults} /></button>
        </> }
    } else {
        html! { <>
            <p class="status-note" id="results-status" data-hidden="false"><Tr lang={lang} k={Key::ResultsShownNote} /></p>
            <button id="hide-results" onclick={on_click(send, ControlRequest::HideResults)}><Tr lang={lang} k={Key::HideResults} /></button>
        </> }
    }
}

/// Whether phones may vote: the state, and the button that changes it (none once closed).
fn voting_control(lang: Lang, closed: bool, paused: bool, send: &Callback<ControlRequest>) -> Html {
    if closed {
        html! { <p class="status-note" id="voting-status" data-closed="true"><Tr lang={lang} k={Key::VotingClosedNote} /></p> }
    } else if paused {
        html! { <>
            <p class="status-note" id="voting-status" data-paused="true"><Tr lang={lang} k={Key::VotingPausedNote} /></p>
            <button id="resume-voting" class="primary" onclick={on_click(send, ControlRequest::ResumeVoting)}><Tr lang={lang} k={Key::ResumeVoting} /></button>
        </> }
    } else {
        html! { <>
            <p class="status-note" id="voting-status" data-paused="false"><Tr lang={lang} k={Key::VotingOpenNote} /></p>
            <button id="pause-voting" onclick={on_click(send, ControlRequest::PauseVoting)}><Tr lang={lang} k={Key::PauseVoting} /></button>
        </> }
    }
}
