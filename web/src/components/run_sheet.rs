//! The console's run sheet, at the top: the stage the room is in, the next step in one sentence
//! with the button that takes it, the projector's page (the first thing a facilitator opens),
//! and the counts to check first (who joined and voted, statements waiting, people placed in
//! the open round, notes waiting for release, the second vote's progress). Moving every screen
//! to another stage is asked again first, inside the run sheet: it stays on screen (sticky)
//! wherever the console is scrolled, so the question does too.

use polyphony_protocol::{HostNote, RoomView, Stage};
use yew::prelude::*;

use crate::components::{stage_key, Tr};
use crate::i18n::{t, Key, Lang};
use crate::routes::page;
use crate::state::run_sheet::{next_stage, next_step, stage_work_waits, RunCounts};

/// What the run sheet needs.
#[derive(Properties, PartialEq)]
pub struct RunSheetProps {
    /// The UI language.
    pub lang: Lang,
    /// The console's view of the room.
    pub view: RoomView,
    /// Every table's notes.
    pub notes: Vec<HostNote>,
    /// Asks to move the room to a stage (the console confirms, then sends it).
    pub on_stage: Callback<Stage>,
    /// The question asked before a stage changes every screen (shown inside the run sheet).
    #[prop_or_default]
    pub children: Html,
}

/// The run sheet.
#[component]
pub fn RunSheet(p: &RunSheetProps) -> Html {
    let lang = p.lang;
    let Some(room) = p.view.room.as_ref() else {
        return html! {};
    };
    let c = RunCounts::of(&p.view, &p.notes);
    let chip = |id: &'static str, k: Key, args: Vec<(&'static str, String)>, attention: bool| {
        html! {
            <li id={id} class={classes!("chip", attention.then_some("attention"))}><Tr lang={lang} k={k} {args} /></li>
        }
    };
    let stage_name = t(lang, stage_key(room.stage)).to_string();
    let work_waits = stage_work_waits(&p.view);
    html! {
        <section class="run-sheet" id="run-sheet" data-stage={room.stage.as_str()} aria-labelledby="run-now">
            if room.closed {
                <h2 id="run-now"><Tr lang={lang} k={Key::RunClosed} /></h2>
            } else {
                <h2 id="run-now"><Tr lang={lang} k={Key::RunNow} args={vec![("stage", stage_name)]} /></h2>
                <p class="next-step" id="next-step"><Tr lang={lang} k={next_step(room.stage)} /></p>
                if let Some(next) = next_stage(room.stage) {
                    // Not the primary step while the stage's own work waits (a round not yet
                    // revealed, tables not yet formed): the panel below is.
                    <button class={classes!((!work_waits).then_some("primary"))} id="go-next-stage" data-stage={next.as_str()}
                        disabled={next == Stage::Spectrum && p.view.spectrums.is_empty()}
                        onclick={ { let on = p.on_stage.clone(); Callback::from(move |_| on.emit(next)) } }>
                        <Tr lang={lang} k={Key::RunGoNext} args={vec![("stage", t(lang, stage_key(next)).to_string())]} />
                    </button>
                }
                // The projector's page, opened on the computer that holds the key (it shows the
                // joining code only there): the facilitator's first step, so it is here.
                <a class="run-link" href={page::screen(&room.code)} target="_blank" id="open-screen"><Tr lang={lang} k={Key::OpenScreen} /></a>
            }
            { p.children.clone() }
            <ul class="chips" id="run-counts">
                { chip("count-joined", Key::ChipJoined, vec![("n", c.joined.to_string())], false) }
                { chip("count-voted", Key::ChipVoted, vec![("n", c.voted.to_string())], false) }
                { chip("count-pending", Key::ChipPending, vec![("n", c.pending.to_string())], c.pending > 0) }
                // Only while the room stands on the line: a round left open when the room moved
                // on asks the phones nothing any more.
                if let Some((round, n)) = c.placed.filter(|_| room.stage == Stage::Spectrum) {
                    { chip("count-placed", Key::ChipPlaced, vec![("n", n.to_string()), ("round", round.to_string())], false) }
                }
                if c.notes_waiting > 0 {
                    { chip("count-notes", Key::ChipNotes, vec![("n", c.notes_waiting.to_string())], true) }
                }
                if let Some((done, asked)) = c.revote {
                    { chip("count-revote", Key::ChipRevote, vec![("done", done.to_string()), ("asked", asked.to_string())], false) }
                }
            </ul>
            if c.pending > 0 && !room.closed {
                <p><a href="#moderation" id="to-moderation"><Tr lang={lang} k={Key::RunToModeration} /></a></p>
            }
            if !room.closed && c.revote.is_none() && matches!(room.stage, Stage::Spectrum | Stage::Tables) {
                <p><a href="#revote-control" id="to-revote"><Tr lang={lang} k={Key::RunToRevote} /></a></p>
            }
        </section>
    }
}

/// "Show «Groups» on every screen now?" with yes and not yet.
#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    /// The UI language.
    pub lang: Lang,
    /// The element id (the tests find it).
    pub id: &'static str,
    /// The question.
    pub question: Key,
    /// Values for the question's placeholders.
    #[prop_or_default]
    pub args: Vec<(&'static str, String)>,
    /// The button that does it.
    pub yes: Key,
    /// Does it.
    pub on_yes: Callback<MouseEvent>,
    /// Leaves things as they are.
    pub on_no: Callback<MouseEvent>,
}

/// A question asked before something that changes every screen or discards work.
#[component]
pub fn Confirm(p: &ConfirmProps) -> Html {
    let lang = p.lang;
    let qid = format!("{}-question", p.id);
    html! {
        <div class="confirm" id={p.id} role="alertdialog" aria-labelledby={qid.clone()}>
            <p id={qid}><strong><Tr lang={lang} k={p.question} args={p.args.clone()} /></strong></p>
            <button class="primary" id={format!("{}-yes", p.id)} onclick={p.on_yes.clone()}><Tr lang={lang} k={p.yes} /></button>
            <button id={format!("{}-no", p.id)} onclick={p.on_no.clone()}><Tr lang={lang} k={Key::NotYet} /></button>
        </div>
    }
}
