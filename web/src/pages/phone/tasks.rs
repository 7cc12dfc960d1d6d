//! What a participant does on the phone: vote on a statement, place themselves on the spectrum,
//! add a statement.

use polyphony_protocol::{PhoneView, SpectrumPrompt, Stage, Vote};
use yew::prelude::*;

use crate::components::phone_parts::vote_key;
use crate::components::{input_value, Tr};
use crate::i18n::{t, Key, Lang};
use crate::state::fit::{phone_statement_size, text_lang};
use crate::state::{Notice, PhoneEvent, PhoneModel};

/// The five steps of the spectrum, strongly disagree first.
const STEPS: [(i8, Key); 5] = [
    (-2, Key::StronglyDisagree),
    (-1, Key::SomewhatDisagree),
    (0, Key::Neutral),
    (1, Key::SomewhatAgree),
    (2, Key::StronglyAgree),
];

/// A spectrum round: the statement, one's place in the round before, and the five steps.
pub(super) fn spectrum_prompt(
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
pub(super) fn vote_card(
    lang: Lang,
    m: &PhoneModel,
    stage: Stage,
    dispatch: &Callback<PhoneEvent>,
) -> Html {
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
                    if let Some((n, total)) = m.revote_place(s.id) {
                        <span class="revote-place"><Tr lang={lang} k={Key::Progress} args={vec![("n", n.to_string()), ("total", total.to_string())]} /></span>{ " · " }
                    }
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
pub(super) fn add_statement(
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
