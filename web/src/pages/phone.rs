//! A participant's phone: accept the room's rules once, vote on one statement at a time, see
//! their group and their discussion table, place themselves on a spectrum, add statements and
//! table notes. Works offline: votes, consent and notes queue and go out on reconnect
//! ([`crate::hooks::use_phone_socket`]).

use polyphony_protocol::{ModerationState, Stage, Vote};
use yew::prelude::*;

use crate::components::{input_value, reason_text, TableCard, Tr};
use crate::group_colour;
use crate::hooks::{use_participant_token, use_phone_socket, JoinFailure};
use crate::i18n::{t, Key, Lang};
use crate::pages::CodeProps;
use crate::state::{Notice, PhoneEvent};

/// The rules and the one button to accept them: the room's own rules, or the standard ones.
fn consent_screen(lang: Lang, rules: &str, on_agree: Callback<MouseEvent>) -> Html {
    html! {
        <section class="consent" id="consent">
            <h2><Tr lang={lang} k={Key::ConsentTitle} /></h2>
            if rules.trim().is_empty() {
                <ul class="rules" id="rules">
                    <li><Tr lang={lang} k={Key::RuleAnonymous} /></li>
                    <li><Tr lang={lang} k={Key::RuleShown} /></li>
                    <li><Tr lang={lang} k={Key::RuleNotes} /></li>
                </ul>
            } else {
                <p class="rules house-rules" id="rules">{ rules.to_string() }</p>
            }
            <button class="primary big" id="consent-agree" onclick={on_agree}><Tr lang={lang} k={Key::IAgree} /></button>
        </section>
    }
}

/// The phone page.
#[component]
pub fn PhonePage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let token = use_participant_token(&p.code);
    let phone = use_phone_socket(&p.code, token.clone().and_then(Result::ok));
    let dispatch = phone.dispatch();
    let draft = use_state(String::new);

    if let Some(Err(f)) = &token {
        return html! {
            <main class="page phone">
                if let JoinFailure::Error(e) = f { <p class="error" role="alert"><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ e.clone() }</p> }
                else { <p class="error" role="alert"><Tr lang={lang} k={Key::NoSuchRoom} /></p> }
            </main>
        };
    }
    let m = phone.model();
    let Some(view) = m.view.clone() else {
        return html! { <main class="page phone"><p role="status"><Tr lang={lang} k={Key::Loading} /></p></main> };
    };
    let vote = |statement: u32, v: Vote| {
        let d = dispatch.clone();
        Callback::from(move |_| d.emit(PhoneEvent::Vote { statement, vote: v }))
    };
    let (voted, total) = m.progress();
    let queued = m.queued_votes();
    let offline_banner = if m.online {
        html! {}
    } else {
        html! {
            <div class="offline" role="status" id="offline">
                <Tr lang={lang} k={Key::Offline} />
                if queued > 0 { <br /><Tr lang={lang} k={Key::QueuedVotes} args={vec![("n", queued.to_string())]} /> }
            </div>
        }
    };
    if !m.consented() && !view.room.closed {
        let agree = {
            let d = dispatch.clone();
            Callback::from(move |_| d.emit(PhoneEvent::Consent))
        };
        return html! {
            <main class="page phone" data-online={m.online.to_string()}>
                { offline_banner }
                <h1 class="topic">{ view.room.topic.clone() }</h1>
                { consent_screen(lang, &view.room.rules, agree) }
            </main>
        };
    }
    let table = m.table().cloned().map(|table| html! {
        <TableCard lang={lang} {table} reporter={m.reporter()} notes={m.table_notes()} pending={m.pending_notes()}
            note_sent={m.notice == Some(Notice::NoteSent)} on_event={dispatch.clone()} />
    });
    let group = view.group.as_ref().map(|g| {
        let colour = group_colour(&g.label);
        html! {
            <section class="group-badge" id="group-badge" style={format!("--group:{colour}")}>
                <div class="badge-letter" aria-hidden="true">{ g.label.clone() }</div>
                <div>
                    <strong><Tr lang={lang} k={Key::YouAreInGroup} args={vec![("group", g.label.clone())]} /></strong>
                    if let Some(r) = g.reasons.first() {
                        <p class="reason"><Tr lang={lang} k={Key::GroupReason} args={vec![("group", g.label.clone())]} />
                           { " " }{ reason_text(lang, r) }</p>
                    }
                </div>
            </section>
        }
    });
    let spectrum = view.spectrum.as_ref().map(|sp| {
        let chosen = m.position(sp.spectrum, sp.round);
        let steps = [
            (-2i8, Key::StronglyDisagree),
            (-1, Key::SomewhatDisagree),
            (0, Key::Neutral),
            (1, Key::SomewhatAgree),
            (2, Key::StronglyAgree),
        ];
        let first = sp.first_round_position.filter(|_| sp.round == 2).map(|pos| {
            let k = steps.iter().find(|(p, _)| *p == pos).map_or(Key::Neutral, |(_, k)| *k);
            html! { <p class="hint"><Tr lang={lang} k={Key::FirstRoundWas} args={vec![("position", t(lang, k).to_string())]} /></p> }
        });
        html! {
            <section class="spectrum-prompt" id="spectrum">
                <h2><Tr lang={lang} k={Key::SpectrumTitle} />{ " · " }<Tr lang={lang} k={Key::Round} args={vec![("round", sp.round.to_string())]} /></h2>
                <p class="statement-text">{ sp.statement.text.clone() }</p>
                <div class="scale" role="group">
                    { for steps.iter().map(|&(pos, k)| {
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
                { for first }
            </section>
        }
    });
    let current = m.current().cloned();
    let voting = match current {
        _ if view.room.closed => {
            html! { <p class="done"><Tr lang={lang} k={Key::RoomClosed} /></p> }
        }
        Some(s) => html! {
            <section class="vote-card" id="vote-card" data-statement={s.id.to_string()}>
                <p class="progress"><Tr lang={lang} k={Key::Progress} args={vec![("n", (voted + 1).min(total).to_string()), ("total", total.to_string())]} /></p>
                <p class="statement-text" id="statement">{ s.text.clone() }</p>
                <div class="vote-buttons">
                    <button class="agree" id="agree" onclick={vote(s.id, Vote::Agree)}><Tr lang={lang} k={Key::Agree} /></button>
                    <button class="disagree" id="disagree" onclick={vote(s.id, Vote::Disagree)}><Tr lang={lang} k={Key::Disagree} /></button>
                    <button class="pass" id="pass" onclick={vote(s.id, Vote::Pass)}><Tr lang={lang} k={Key::Pass} /></button>
                </div>
            </section>
        },
        None => html! { <p class="done" id="all-voted"><Tr lang={lang} k={Key::AllVoted} /></p> },
    };
    let add = if view.room.settings.participants_can_add && !view.room.closed {
        let on_submit = {
            let (d, draft) = (dispatch.clone(), draft.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                d.emit(PhoneEvent::AddStatement((*draft).clone()));
                draft.set(String::new());
            })
        };
        let max = view.room.settings.statement_max_chars.to_string();
        html! {
            <form class="add-statement" onsubmit={on_submit}>
                <label for="new-statement"><Tr lang={lang} k={Key::AddTitle} /></label>
                <textarea id="new-statement" rows="2" maxlength={max} placeholder={t(lang, Key::AddPlaceholder)}
                    value={(*draft).clone()} oninput={ { let d = draft.clone(); Callback::from(move |e: InputEvent| d.set(input_value(&e))) } } />
                <button type="submit"><Tr lang={lang} k={Key::Send} /></button>
                if m.notice == Some(Notice::StatementSent) { <p class="hint" role="status"><Tr lang={lang} k={Key::StatementSent} /></p> }
            </form>
        }
    } else {
        html! {}
    };
    let refused = match &m.notice {
        Some(Notice::Refused(why)) => {
            html! { <p class="error" role="alert"><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ why.clone() }</p> }
        }
        _ => html! {},
    };
    let waiting_groups = if view.group.is_none() && view.room.stage != Stage::Collect {
        html! { <p class="hint"><Tr lang={lang} k={Key::WaitingForGroups} /></p> }
    } else {
        html! {}
    };
    html! {
        <main class="page phone" data-online={m.online.to_string()}>
            { offline_banner }
            <h1 class="topic">{ view.room.topic.clone() }</h1>
            { for table }
            { for group }
            { waiting_groups }
            { for spectrum }
            { voting }
            { refused }
            { add }
            if !view.my_statements.is_empty() {
                <ul class="mine">
                    { for view.my_statements.iter().map(|s| html! {
                        <li>{ s.text.clone() }
                            if s.moderation == ModerationState::Pending { { " · " }<em><Tr lang={lang} k={Key::Pending} /></em> }
                        </li>
                    }) }
                </ul>
            }
        </main>
    }
}
