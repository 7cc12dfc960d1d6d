//! A participant's phone: accept the room's rules once, vote on one statement at a time, see
//! their group and their discussion table, place themselves on a spectrum, add statements and
//! table notes. Works offline: votes, consent and notes queue and go out on reconnect
//! ([`crate::hooks::use_phone_socket`]).
//!
//! It says which stage the room is in (and "look at the screen" where the screen matters), and
//! follows the facilitator's hand: voting paused (votes wait), results hidden, a small timer,
//! the spotlight's statement on top, group names, statements asked again in a second vote. A
//! closed room shows a closing screen with the report once published; a wrong code leads back
//! to the join form; every refusal is worded from its code in the reader's language.
//!
//! Here the page and what decides its screen; beside it `join_failure.rs`, `consent.rs`,
//! `closed.rs` (the whole-page screens), `banners.rs`, `tasks.rs` (vote, spectrum, add a
//! statement), `mine.rs` (one's group, table and statements) and `layout.rs` (the task first,
//! the rest folded under "my room").

use polyphony_protocol::{PhoneView, Stage};
use yew::prelude::*;

use crate::components::phone_parts::{report_link, spotlight_card, stage_line, PhoneTimer};
use crate::components::Tr;
use crate::hooks::{page_title, use_participant_token, use_phone_socket, use_title};
use crate::i18n::Key;
use crate::pages::CodeProps;
use crate::state::{PhoneModel, PhoneTask};

mod banners;
mod closed;
mod consent;
mod join_failure;
mod layout;
mod mine;
mod tasks;

use banners::{offline_banner, paused_banner, refused};
use closed::closed_page;
use consent::consent_page;
use join_failure::join_failure;
use layout::{my_room, task_and_rest, Parts};
use mine::{group_badge, group_note, my_statements, my_table};
use tasks::{add_statement, spectrum_prompt, vote_card};

/// A task the facilitator starts (a spectrum round, a second vote, tables) calls the phone to
/// it; the first view after loading does not.
#[hook]
fn use_call_to_task(task: PhoneTask) {
    let last = use_mut_ref(|| None::<PhoneTask>);
    use_effect_with(task, move |task| {
        let before = last.borrow_mut().replace(*task);
        if before.is_some_and(|b| b != *task) && task.calls_the_room() {
            call_to_task();
        }
    });
}

/// Brings the phone to a task the facilitator just started: back to the top, and a short
/// vibration where the browser allows it.
fn call_to_task() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
        let _ = w.navigator().vibrate_with_duration(200);
    }
}

/// The phone page: which screen (a failed join, loading, closed, the rules, or the room), and
/// in the room the banners, the status line, the current task and "my room".
#[component]
pub fn PhonePage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let identity = use_participant_token(&p.code);
    let token = identity.token.clone();
    let phone = use_phone_socket(
        &p.code,
        token.clone().and_then(Result::ok),
        identity.forget.clone(),
    );
    let dispatch = phone.dispatch();
    let draft = use_state(String::new);
    let task = phone.model().task();
    let topic = phone.model().view.as_ref().map(|v| v.room.topic.clone());
    use_title(page_title("Polyphony", topic.as_deref()));
    use_call_to_task(task);

    if let Some(Err(f)) = &token {
        return join_failure(lang, &p.code, f, identity.left);
    }
    // The room forgot this phone's token: joining again (the old room's view is not this
    // phone's any more).
    if token.is_none() && identity.left {
        return html! {
            <main class="page phone" id="rejoining"><p role="status"><Tr lang={lang} k={Key::PhoneRejoining} /></p></main>
        };
    }
    let m = phone.model();
    let Some(view) = m.view.clone() else {
        return html! { <main class="page phone"><p role="status"><Tr lang={lang} k={Key::Loading} /></p></main> };
    };
    let controls = &view.room.controls;
    let stage = view.room.stage;
    let group = view
        .group
        .as_ref()
        .filter(|_| m.shows_group())
        .map(|g| group_badge(lang, g, controls));
    if view.room.closed {
        return closed_page(lang, &view, group);
    }
    let queued = m.queued_votes();
    if !m.consented() {
        return consent_page(lang, &view, m.online, m.outage, queued, &dispatch);
    }
    let paused = m.voting_paused();
    // No spectrum buttons once the room has moved on to its report.
    let prompt = view.spectrum.as_ref().filter(|_| stage != Stage::Report);
    let revote = matches!(task, PhoneTask::Revote { .. });
    let parts = Parts {
        group_note: group_note(lang, group.is_some(), controls.results_hidden, stage),
        group: group.unwrap_or_default(),
        table: my_table(lang, &m, &view, &dispatch),
        spectrum: prompt
            .map(|sp| spectrum_prompt(lang, &m, sp, &dispatch))
            .unwrap_or_default(),
        voting: vote_card(lang, &m, stage, &dispatch),
        add: add_statement(lang, &m, &view, &draft, &dispatch),
        mine: my_statements(lang, &view.my_statements),
        report: if stage == Stage::Report && controls.report_published {
            report_link(lang, &view.room.code)
        } else {
            html! {}
        },
        brief: crate::components::brief_list(lang, &view.room.brief),
    };
    let mine = parts.mine.clone();
    let (first, rest) = task_and_rest(task, parts);
    html! {
        <main class="page phone" data-online={m.online.to_string()} data-stage={stage.as_str()} data-paused={paused.to_string()}
            data-task={task.as_str()}>
            { offline_banner(lang, m.online, m.outage, queued) }
            if paused { { paused_banner(lang, m.online, queued) } }
            <h1 class="topic">{ view.room.topic.clone() }</h1>
            <div class="phone-status">
                { stage_line(lang, stage, revote.then_some(Key::RevoteTitle), hint_key(&m, &view, task, paused)) }
                if let Some(timer) = controls.timer { <PhoneTimer lang={lang} {timer} /> }
            </div>
            <div class="task" id="task" data-task={task.as_str()}>{ first }</div>
            { for m.spotlight().map(|(id, s, v)| spotlight_card(lang, id, s.map(|s| s.text.clone()), v)) }
            { refused(lang, &m) }
            { my_room(lang, task, rest, mine, &view.room) }
        </main>
    }
}

/// The status line's hint: what to do now.
fn hint_key(m: &PhoneModel, view: &PhoneView, task: PhoneTask, paused: bool) -> Key {
    let prompt = view
        .spectrum
        .as_ref()
        .filter(|_| view.room.stage != Stage::Report);
    match view.room.stage {
        // Paused: nothing to vote on now (the banner says why).
        _ if paused && matches!(task, PhoneTask::Vote | PhoneTask::Revote { .. }) => {
            Key::PhoneLookAtScreen
        }
        _ if matches!(task, PhoneTask::Revote { .. }) => Key::PhoneHintRevote,
        Stage::Collect => Key::PhoneHintCollect,
        Stage::Brief if !view.room.brief.is_empty() => Key::BriefReadHint,
        Stage::Spectrum if prompt.is_some() => Key::PhoneHintSpectrum,
        Stage::Tables if m.table().is_some() => Key::PhoneHintTables,
        _ => Key::PhoneLookAtScreen,
    }
}
