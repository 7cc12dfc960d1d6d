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

use polyphony_protocol::{
    ModerationState, PhoneGroup, PhoneView, RoomControls, RoomInfo, SpectrumPrompt, Stage,
    StatementView, Vote,
};
use yew::prelude::*;

use crate::components::phone_parts::{
    closing_screen, report_link, spotlight_card, stage_line, vote_key, AdmissionForm, JoinForm,
    PhoneTimer,
};
use crate::components::{error_text, input_value, reason_text, TableCard, Tr};
use crate::group_colour;
use crate::hooks::{page_title, use_participant_token, use_phone_socket, use_title, JoinFailure};
use crate::i18n::{t, Key, Lang};
use crate::pages::CodeProps;
use crate::state::fit::{phone_statement_size, text_lang};
use crate::state::{Notice, Outage, PhoneEvent, PhoneModel, PhoneTask};

/// The rules and the one button to accept them: that participation is anonymous always comes
/// first, then the room's own rules, or the standard ones.
fn consent_screen(lang: Lang, rules: &str, on_agree: Callback<MouseEvent>) -> Html {
    html! {
        <section class="consent" id="consent">
            <h2><Tr lang={lang} k={Key::ConsentTitle} /></h2>
            <ul class="rules" id="rules">
                <li id="rule-anonymous"><Tr lang={lang} k={Key::RuleAnonymous} /></li>
                if rules.trim().is_empty() {
                    <li><Tr lang={lang} k={Key::RuleShown} /></li>
                    <li><Tr lang={lang} k={Key::RuleNotes} /></li>
                }
            </ul>
            if !rules.trim().is_empty() {
                <p class="rules house-rules" id="house-rules">{ rules.to_string() }</p>
            }
            <button class="primary big" id="consent-agree" onclick={on_agree}><Tr lang={lang} k={Key::IAgree} /></button>
        </section>
    }
}

/// The room's background, as the facilitator wrote it (nothing when empty).
fn description(text: &str) -> Html {
    if text.trim().is_empty() {
        return html! {};
    }
    html! {
        <div class="description" id="description">
            { for text.lines().filter(|l| !l.trim().is_empty()).map(|l| html! { <p>{ l.to_string() }</p> }) }
        </div>
    }
}

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

/// Why the phone could not join: a wrong code (try again), a closed room (the closing screen,
/// with the report once published), or another refusal, worded from its code.
fn join_failure(lang: Lang, code: &str, f: &JoinFailure) -> Html {
    match f {
        JoinFailure::NoSuchRoom => html! {
            <main class="page phone" id="join-failed" data-reason="no_such_room">
                <p class="error" role="alert" id="join-error"><Tr lang={lang} k={Key::NoSuchRoom} /></p>
                <p class="hint"><Tr lang={lang} k={Key::PhoneTryAgain} /></p>
                <JoinForm lang={lang} initial={code.to_string()} />
            </main>
        },
        // A typed address is asked plainly for the code; a code that did not open the room is
        // an error to correct. Either way the phone says which room it is.
        JoinFailure::NeedsAdmission { tried, topic } => html! {
            <main class="page phone" id="join-failed" data-reason="admission" data-tried={tried.to_string()}>
                if let Some(topic) = topic { <h1 class="topic">{ topic.clone() }</h1> }
                if *tried {
                    <p class="error" role="alert" id="join-error"><Tr lang={lang} k={Key::ErrAdmission} /></p>
                } else {
                    <p class="join-ask" id="join-ask"><Tr lang={lang} k={Key::AdmissionAsk} /></p>
                }
                <AdmissionForm lang={lang} code={code.to_string()} />
            </main>
        },
        JoinFailure::Closed(info) => html! {
            <main class="page phone" id="join-failed" data-reason="closed">
                if let Some(i) = info { <h1 class="topic">{ i.topic.clone() }</h1> }
                { closing_screen(lang, code, info.as_ref().is_some_and(|i| i.controls.report_published), true) }
            </main>
        },
        JoinFailure::Refused { code: c, error } => html! {
            <main class="page phone" id="join-failed" data-reason="refused">
                <p class="error" role="alert" id="join-error">{ error_text(lang, *c, error) }</p>
                <JoinForm lang={lang} initial={code.to_string()} />
            </main>
        },
    }
}

/// "You are in group A · Safety first", with the statement that sets the group apart most.
fn group_badge(lang: Lang, g: &PhoneGroup, controls: &RoomControls) -> Html {
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

/// The five steps of the spectrum, strongly disagree first.
const STEPS: [(i8, Key); 5] = [
    (-2, Key::StronglyDisagree),
    (-1, Key::SomewhatDisagree),
    (0, Key::Neutral),
    (1, Key::SomewhatAgree),
    (2, Key::StronglyAgree),
];

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
        return join_failure(lang, &p.code, f);
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

/// The workshop is over: thanks, the report once published, one's group, nothing left to tap.
fn closed_page(lang: Lang, view: &PhoneView, group: Option<Html>) -> Html {
    html! {
        <main class="page phone" data-closed="true" data-stage={view.room.stage.as_str()} data-task="closed">
            <h1 class="topic">{ view.room.topic.clone() }</h1>
            { closing_screen(lang, &view.room.code, view.room.controls.report_published, false) }
            { for group }
        </main>
    }
}

/// Before anything else: the topic, the room's background and its rules to accept.
fn consent_page(
    lang: Lang,
    view: &PhoneView,
    online: bool,
    outage: Outage,
    queued: usize,
    dispatch: &Callback<PhoneEvent>,
) -> Html {
    let agree = {
        let d = dispatch.clone();
        Callback::from(move |_| d.emit(PhoneEvent::Consent))
    };
    html! {
        <main class="page phone" data-online={online.to_string()}>
            { offline_banner(lang, online, outage, queued) }
            <h1 class="topic">{ view.room.topic.clone() }</h1>
            { description(&view.room.description) }
            { consent_screen(lang, &view.room.rules, agree) }
        </main>
    }
}

/// While the socket is closed, what is true: "Offline" when the phone's own network is down,
/// "Reconnecting to the room…" when it is not (the room moving to another server, say); and how
/// many votes wait to go out. Nothing while online.
fn offline_banner(lang: Lang, online: bool, outage: Outage, queued: usize) -> Html {
    if online {
        return html! {};
    }
    let (key, why) = match outage {
        Outage::NoNetwork => (Key::Offline, "no-network"),
        Outage::Reconnecting => (Key::RoomReconnecting, "reconnecting"),
    };
    html! {
        <div class="offline" role="status" id="offline" data-outage={why}>
            <Tr lang={lang} k={key} />
            if queued > 0 { <br />{ queued_votes(lang, queued) } }
        </div>
    }
}

/// "Voting is paused": votes are held, and how many wait (when online; offline says it).
fn paused_banner(lang: Lang, online: bool, queued: usize) -> Html {
    html! {
        <div class="paused" role="status" id="paused">
            <strong><Tr lang={lang} k={Key::PhonePaused} /></strong>
            <p><Tr lang={lang} k={Key::PhoneHeldVotes} /></p>
            if queued > 0 && online { <p>{ queued_votes(lang, queued) }</p> }
        </div>
    }
}

/// "1 vote waiting to be sent", "3 votes waiting to be sent".
fn queued_votes(lang: Lang, queued: usize) -> Html {
    if queued == 1 {
        html! { <Tr lang={lang} k={Key::QueuedVote} /> }
    } else {
        html! { <Tr lang={lang} k={Key::QueuedVotes} args={vec![("n", queued.to_string())]} /> }
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

/// This phone's discussion table, with its group's name (nothing before tables are formed).
fn my_table(lang: Lang, m: &PhoneModel, view: &PhoneView, dispatch: &Callback<PhoneEvent>) -> Html {
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

/// A spectrum round: the statement, one's place in the round before, and the five steps.
fn spectrum_prompt(
    lang: Lang,
    m: &PhoneModel,
    sp: &SpectrumPrompt,
    dispatch: &Callback<PhoneEvent>,
) -> Html {
    let chosen = m.position(sp.spectrum, sp.round);
    let before = sp.previous_position.filter(|_| sp.round > 1).map(|pos| {
        let k = STEPS.iter().find(|(p, _)| *p == pos).map_or(Key::Neutral, |(_, k)| *k);
        let args = vec![("round", (sp.round - 1).to_string()), ("position", t(lang, k).to_string())];
        html! { <p class="hint" id="previous-position"><Tr lang={lang} k={Key::PhonePreviousRound} {args} /></p> }
    });
    html! {
        <section class="spectrum-prompt" id="spectrum" data-round={sp.round.to_string()}>
            <h2><Tr lang={lang} k={Key::SpectrumTitle} />{ " · " }<Tr lang={lang} k={Key::Round} args={vec![("round", sp.round.to_string())]} /></h2>
            <p class={classes!("statement-text", phone_statement_size(&sp.statement.text, true))} lang={statement_lang(m, &sp.statement.text)}>{ sp.statement.text.clone() }</p>
            { for before }
            <div class="scale" role="group">
                { for STEPS.iter().map(|&(pos, k)| {
                    let d = dispatch.clone();
                    let (spectrum, round) = (sp.spectrum, sp.round);
                    let onclick = Callback::from(move |_| d.emit(PhoneEvent::Spectrum { spectrum, round, position: pos }));
                    html! {
                        <button class={classes!("step", (chosen == Some(pos)).then_some("chosen"))}
                            aria-pressed={(chosen == Some(pos)).to_string()} data-position={pos.to_string()} {onclick}>
                            <Tr lang={lang} k={k} />
                        </button>
                    }
                }) }
            </div>
        </section>
    }
}

/// A statement's `lang` (where its lines may break: Korean between words, Japanese between
/// phrases, whatever language the phone's own words are in): by its script, else the room's.
fn statement_lang(m: &PhoneModel, text: &str) -> Option<String> {
    m.view.as_ref().map(|v| text_lang(text, &v.room.language))
}

/// The statement to vote on (with the earlier vote when asked again), or "all voted".
fn vote_card(lang: Lang, m: &PhoneModel, stage: Stage, dispatch: &Callback<PhoneEvent>) -> Html {
    let Some(s) = m.current().cloned() else {
        // At the report stage, "new ones may still come" no longer holds: the screen says what
        // the room found.
        if stage == Stage::Report {
            return html! {};
        }
        return html! { <p class="done" id="all-voted"><Tr lang={lang} k={Key::AllVoted} /></p> };
    };
    let vote = |statement: u32, v: Vote| {
        let d = dispatch.clone();
        Callback::from(move |_| d.emit(PhoneEvent::Vote { statement, vote: v }))
    };
    let (voted, total) = m.progress();
    let again = m.asked_again(s.id);
    html! {
        <section class="vote-card" id="vote-card" data-statement={s.id.to_string()} data-again={again.is_some().to_string()}>
            if let Some(v) = again {
                <p class="asked-again" id="asked-again"><strong><Tr lang={lang} k={Key::PhoneAskedAgain} /></strong>{ " · " }
                    <Tr lang={lang} k={Key::PhoneEarlierVote} args={vec![("vote", t(lang, vote_key(v)).to_string())]} /></p>
            } else {
                <p class="progress"><Tr lang={lang} k={Key::Progress} args={vec![("n", (voted + 1).min(total).to_string()), ("total", total.to_string())]} /></p>
            }
            <p class={classes!("statement-text", phone_statement_size(&s.text, false))} id="statement" lang={statement_lang(m, &s.text)}>{ s.text.clone() }</p>
            <div class="vote-buttons">
                <button class="agree" id="agree" onclick={vote(s.id, Vote::Agree)}><Tr lang={lang} k={Key::Agree} /></button>
                <button class="disagree" id="disagree" onclick={vote(s.id, Vote::Disagree)}><Tr lang={lang} k={Key::Disagree} /></button>
                <button class="pass" id="pass" onclick={vote(s.id, Vote::Pass)}><Tr lang={lang} k={Key::Pass} /></button>
            </div>
        </section>
    }
}

/// The form to add a statement, where the room allows it (none once at the report). The
/// draft lives in the page, so that it survives the form moving between the task and "my room".
fn add_statement(
    lang: Lang,
    m: &PhoneModel,
    view: &PhoneView,
    draft: &UseStateHandle<String>,
    dispatch: &Callback<PhoneEvent>,
) -> Html {
    if !view.room.settings.participants_can_add || view.room.stage == Stage::Report {
        return html! {};
    }
    let on_submit = {
        let (d, draft) = (dispatch.clone(), draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            d.emit(PhoneEvent::AddStatement((*draft).clone()));
            draft.set(String::new());
        })
    };
    let on_input = {
        let d = draft.clone();
        Callback::from(move |e: InputEvent| d.set(input_value(&e)))
    };
    let max = view.room.settings.statement_max_chars.to_string();
    html! {
        <form class="add-statement" id="add-statement" onsubmit={on_submit}>
            <label for="new-statement"><Tr lang={lang} k={Key::AddTitle} /></label>
            <textarea id="new-statement" rows="2" maxlength={max} placeholder={t(lang, Key::AddPlaceholder)}
                value={(**draft).clone()} oninput={on_input} />
            <button type="submit"><Tr lang={lang} k={Key::Send} /></button>
            if m.notice == Some(Notice::StatementSent) { <p class="hint" role="status"><Tr lang={lang} k={Key::StatementSent} /></p> }
        </form>
    }
}

/// The last refusal, worded from its code (nothing without one).
fn refused(lang: Lang, m: &PhoneModel) -> Html {
    match &m.notice {
        Some(Notice::Refused { code: c, error }) => {
            html! { <p class="error" role="alert" id="refused">{ error_text(lang, *c, error) }</p> }
        }
        _ => html! {},
    }
}

/// Without a group to show: why (results hidden, or groups still to come).
fn group_note(lang: Lang, has_group: bool, results_hidden: bool, stage: Stage) -> Html {
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
fn my_statements(lang: Lang, mine: &[StatementView]) -> Html {
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

/// Each part of the room the phone can show, rendered once (empty where there is none);
/// [`task_and_rest`] orders them.
struct Parts {
    group: Html,
    group_note: Html,
    table: Html,
    spectrum: Html,
    voting: Html,
    add: Html,
    mine: Html,
    report: Html,
    brief: Html,
}

/// The current task, whole on the first screen, and everything else, which folds under "my
/// room". At collect, the statements one wrote belong to the task (one sees a statement arrive).
fn task_and_rest(task: PhoneTask, p: Parts) -> (Html, Html) {
    let Parts {
        group,
        group_note,
        table,
        spectrum,
        voting,
        add,
        mine,
        report,
        brief,
    } = p;
    match task {
        PhoneTask::Vote | PhoneTask::AllVoted => (
            html! { <>{ voting }{ add }{ mine }</> },
            html! { <>{ group }{ table }</> },
        ),
        PhoneTask::Revote { .. } => (
            voting,
            html! { <>{ group }{ group_note }{ table }{ add }</> },
        ),
        PhoneTask::Groups => (
            html! { <>{ group }{ group_note }</> },
            html! { <>{ table }{ voting }{ add }</> },
        ),
        PhoneTask::Spectrum { .. } => (
            html! { <>{ spectrum }</> },
            html! { <>{ group }{ group_note }{ table }{ voting }{ add }</> },
        ),
        PhoneTask::Table => (
            html! { <>{ table }</> },
            html! { <>{ group }{ group_note }{ voting }{ add }</> },
        ),
        PhoneTask::Report => (html! { <>{ report }{ group }</> }, html! { <>{ table }</> }),
        PhoneTask::Start | PhoneTask::Closed => {
            (html! {}, html! { <>{ group }{ table }{ voting }{ add }</> })
        }
        PhoneTask::Brief => (brief, html! { <>{ group }{ table }{ voting }{ add }</> }),
    }
}

/// "My room", folded: what is not the current task, one's statements (unless the task shows
/// them), the room's background and its briefing (unless that is the task).
fn my_room(lang: Lang, task: PhoneTask, rest: Html, mine: Html, room: &RoomInfo) -> Html {
    let collecting = matches!(task, PhoneTask::Vote | PhoneTask::AllVoted);
    html! {
        <details class="my-room" id="my-room">
            <summary><Tr lang={lang} k={Key::PhoneMyRoom} /></summary>
            { rest }
            if !collecting { { mine } }
            { description(&room.description) }
            if task != PhoneTask::Brief { { crate::components::brief_list(lang, &room.brief) } }
        </details>
    }
}
