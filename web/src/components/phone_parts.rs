//! Parts of the phone page: the stage line, the small timer, the spotlight, the closing screen,
//! the report link and the join form (also on the start page, and where a wrong code leads).

use polyphony_protocol::{Stage, Timer, Vote};
use yew::prelude::*;

use crate::components::{input_value, stage_key, Tr};
use crate::i18n::{t, Key, Lang};
use crate::nav;
use crate::routes::page;
use crate::state::controls::{mm_ss, remaining_ms};

/// The word for a vote.
pub fn vote_key(v: Vote) -> Key {
    match v {
        Vote::Agree => Key::Agree,
        Vote::Disagree => Key::Disagree,
        Vote::Pass => Key::Pass,
    }
}

/// "Now: Groups · Look at the screen."
pub fn stage_line(lang: Lang, stage: Stage, now: Option<Key>, hint: Key) -> Html {
    // What the phone is doing now: the stage, or a task running inside it (a second vote at
    // the tables is "Second vote", not "Tables · find your table").
    let now = now.unwrap_or(stage_key(stage));
    html! {
        <p class="stage-line" id="stage-line" data-stage={stage.as_str()}>
            <strong><Tr lang={lang} k={Key::PhoneStageNow} args={vec![("stage", t(lang, now).to_string())]} /></strong>
            { " · " }<Tr lang={lang} k={hint} />
        </p>
    }
}

/// The statement the room is discussing, with this phone's vote on it.
pub fn spotlight_card(lang: Lang, id: u32, text: Option<String>, vote: Option<Vote>) -> Html {
    html! {
        <section class="spotlight" id="spotlight" data-statement={id.to_string()} aria-labelledby="spotlight-title">
            <h2 id="spotlight-title"><Tr lang={lang} k={Key::SpotlightTitle} /></h2>
            if let Some(text) = text { <p class="statement-text">{ text }</p> }
            else { <p class="hint"><Tr lang={lang} k={Key::Loading} /></p> }
            if let Some(v) = vote {
                <p class="my-vote"><Tr lang={lang} k={Key::PhoneYourVote} args={vec![("vote", t(lang, vote_key(v)).to_string())]} /></p>
            }
        </section>
    }
}

/// The link to the room's published report.
pub fn report_link(lang: Lang, code: &str) -> Html {
    html! {
        <a class="report-link" id="report-link" href={format!("{}?lang={}", page::report(code, None), lang.tag())}><Tr lang={lang} k={Key::PhoneReadReport} /></a>
    }
}

/// What a closed room shows: thanks (or, to a late arrival, that the workshop is over) and the
/// report once it is published.
pub fn closing_screen(lang: Lang, code: &str, report_published: bool, late: bool) -> Html {
    html! {
        <section class="closing" id="closing" data-late={late.to_string()}>
            if late {
                <h2><Tr lang={lang} k={Key::ErrRoomClosed} /></h2>
                <p><Tr lang={lang} k={Key::PhoneLateClosed} /></p>
            } else {
                <h2><Tr lang={lang} k={Key::PhoneClosingTitle} /></h2>
                <p><Tr lang={lang} k={Key::RoomClosed} /></p>
            }
            if report_published { { report_link(lang, code) } }
            else { <p class="hint"><Tr lang={lang} k={Key::PhoneReportLater} /></p> }
        </section>
    }
}

/// The small countdown's properties.
#[derive(Properties, PartialEq)]
pub struct PhoneTimerProps {
    /// The UI language.
    pub lang: Lang,
    /// The facilitator's timer.
    pub timer: Timer,
}

/// The facilitator's countdown, small, counted with this phone's clock; "Time is up." at the end.
#[component]
pub fn PhoneTimer(p: &PhoneTimerProps) -> Html {
    let now = use_state(|| js_sys::Date::now() as i64);
    {
        let now = now.clone();
        use_effect_with(p.timer, move |_| {
            now.set(js_sys::Date::now() as i64);
            let tick = gloo_timers::callback::Interval::new(500, move || {
                now.set(js_sys::Date::now() as i64);
            });
            move || drop(tick)
        });
    }
    let left = remaining_ms(&p.timer, *now);
    let lang = p.lang;
    html! {
        <p class={classes!("phone-timer", (left == 0).then_some("time-up"))} id="phone-timer" role="timer"
            data-left={((left + 999) / 1000).to_string()}>
            if left > 0 { <Tr lang={lang} k={Key::TimerLeft} args={vec![("time", mm_ss(left))]} /> }
            else { <Tr lang={lang} k={Key::TimerDone} /> }
        </p>
    }
}

/// The join form's properties.
#[derive(Properties, PartialEq)]
pub struct JoinFormProps {
    /// The UI language.
    pub lang: Lang,
    /// The code in the box at first (the wrong one, to correct).
    #[prop_or_default]
    pub initial: String,
}

/// Join a room by its code: goes to the room's phone page.
#[component]
pub fn JoinForm(p: &JoinFormProps) -> Html {
    let lang = p.lang;
    let code = use_state(|| p.initial.clone());
    let on_join = {
        let code = code.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let c: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            if !c.is_empty() {
                nav::go(&page::phone(&c.to_uppercase()));
            }
        })
    };
    let on_input = {
        let code = code.clone();
        Callback::from(move |e: InputEvent| code.set(input_value(&e)))
    };
    html! {
        <form class="card join-form" id="join-form" onsubmit={on_join}>
            <h2><Tr lang={lang} k={Key::JoinTitle} /></h2>
            <label for="join-code"><Tr lang={lang} k={Key::CodeLabel} /></label>
            <input id="join-code" class="code-input" autocomplete="off" autocapitalize="characters"
                maxlength="12" value={(*code).clone()} oninput={on_input} />
            <button type="submit" class="primary"><Tr lang={lang} k={Key::JoinButton} /></button>
        </form>
    }
}

/// The props of [`AdmissionForm`].
#[derive(Properties, PartialEq)]
pub struct AdmissionFormProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
}

/// The projector's six-digit joining code, typed: for a phone that came by a typed address or
/// scanned the QR code minutes ago. Loads the room's page again with the code.
#[component]
pub fn AdmissionForm(p: &AdmissionFormProps) -> Html {
    let lang = p.lang;
    let digits = use_state(String::new);
    let on_join = {
        let (digits, code) = (digits.clone(), p.code.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let d: String = digits.chars().filter(char::is_ascii_digit).collect();
            if d.len() == 6 {
                nav::reload_at(&page::phone_admitted(&code, &d));
            }
        })
    };
    let on_input = {
        let digits = digits.clone();
        Callback::from(move |e: InputEvent| digits.set(input_value(&e)))
    };
    html! {
        <form class="card join-form" id="admission-form" onsubmit={on_join}>
            <label for="admission-code"><Tr lang={lang} k={Key::AdmissionLabel} /></label>
            <input id="admission-code" class="code-input" autocomplete="one-time-code" inputmode="numeric"
                pattern="[0-9]*" maxlength="6" value={(*digits).clone()} oninput={on_input} />
            <button type="submit" class="primary"><Tr lang={lang} k={Key::JoinButton} /></button>
        </form>
    }
}
