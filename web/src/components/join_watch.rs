//! Who has been joining, on the console: joins in the last minute, who takes part and who only
//! joined, and a warning when one network address holds most of the room (a venue's wifi, or
//! one machine making identities: the facilitator can tell which from the room).

use polyphony_protocol::{JoinMinute, RemoveJoined, RemovedJoined};
use yew::prelude::*;

use crate::components::run_sheet::Confirm;
use crate::components::Tr;
use crate::hooks::{use_admission, Admission};
use crate::i18n::{Key, Lang};
use crate::routes::api;
use crate::{net, storage};

/// The props of [`JoinWatch`].
#[derive(Properties, PartialEq)]
pub struct JoinWatchProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
    /// Changes whenever someone joins or first votes (the figures are read again then).
    #[prop_or_default]
    pub fresh: u64,
}

/// From this many participants, one address holding half of them is worth a word.
const WORTH_A_WARNING: u32 = 10;

/// The console's join figures, read every 15 s and whenever someone joins or first votes.
#[component]
pub fn JoinWatch(p: &JoinWatchProps) -> Html {
    let lang = p.lang;
    let Admission::Known(v) = use_admission(&p.code, p.fresh) else {
        return html! {};
    };
    let everyone = v.active + v.idle;
    let one_address = everyone >= WORTH_A_WARNING && v.top_address_percent >= 50;
    // Always there (it says nothing without joins), so that its "Removed 13" stays when the
    // removal empties the joins by minute.
    let removal = html! { <RemoveJoins lang={lang} code={p.code.clone()} minutes={v.joins_by_minute.clone()} /> };
    html! {
        <>
        <p class="join-watch" id="join-watch" data-joins={v.joins_last_minute.to_string()}
            data-active={v.active.to_string()} data-idle={v.idle.to_string()}>
            <Tr lang={lang} k={Key::JoinsLastMinute} args={vec![("n", v.joins_last_minute.to_string())]} />
            { " · " }
            <Tr lang={lang} k={Key::ActiveIdle} args={vec![("active", v.active.to_string()), ("idle", v.idle.to_string())]} />
            if let Some(code) = v.code.clone() {
                { " · " }<Tr lang={lang} k={Key::JoinCode} />{ " " }<strong id="console-join-code">{ code }</strong>
            }
            if one_address {
                <span class="warning" id="one-address" role="status"><br />
                    <Tr lang={lang} k={Key::OneAddress} args={vec![
                        ("percent", v.top_address_percent.to_string()),
                        ("n", v.top_address_participants.to_string()),
                    ]} />
                </span>
            }
        </p>
        { removal }
        </>
    }
}

/// `HH:MM` of a time (ms since the epoch), in this browser's time zone.
fn clock(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The props of [`RemoveJoins`].
#[derive(Properties, PartialEq)]
pub struct RemoveJoinsProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
    /// Joins by minute, oldest first.
    pub minutes: Vec<JoinMinute>,
}

/// Joins by minute over the last hour, and the facilitator's answer to a flood: remove the
/// identities that joined in a window of minutes (asked again first, with how many).
#[component]
pub fn RemoveJoins(p: &RemoveJoinsProps) -> Html {
    let lang = p.lang;
    // The window, as minute starts; the busiest minute until the facilitator picks.
    let busiest = p
        .minutes
        .iter()
        .max_by_key(|m| (m.joined, m.minute))
        .map_or(0, |m| m.minute);
    let from = use_state(|| None::<i64>);
    let to = use_state(|| None::<i64>);
    let only_idle = use_state(|| false);
    let asking = use_state(|| false);
    let note = use_state(|| None::<RemovedJoined>);
    let (f, t) = (from.unwrap_or(busiest), to.unwrap_or(busiest));
    let (f, t) = (f.min(t), f.max(t));
    let picked: u32 = p
        .minutes
        .iter()
        .filter(|m| (f..=t).contains(&m.minute))
        .map(|m| {
            if *only_idle {
                m.joined - m.voted.min(m.joined)
            } else {
                m.joined
            }
        })
        .sum();
    let pick = |state: UseStateHandle<Option<i64>>| {
        Callback::from(move |e: Event| {
            let v = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<i64>().ok());
            state.set(v);
        })
    };
    let options = |chosen: i64| {
        p.minutes
            .iter()
            .map(|m| html! {
                <option value={m.minute.to_string()} selected={m.minute == chosen}>{ clock(m.minute) }</option>
            })
            .collect::<Html>()
    };
    let removed_note = (*note).map(|done| {
        html! {
            <p class="status-note" id="removed-note" role="status">
                <Tr lang={lang} k={Key::RemovedNote} args={vec![("n", done.removed.to_string()), ("voters", done.voters.to_string())]} />
            </p>
        }
    });
    // Nobody joined in the last hour (or the removal took them all): only what was removed.
    if p.minutes.is_empty() {
        return html! { { for removed_note } };
    }
    let remove = {
        let (code, asking, note) = (p.code.clone(), asking.clone(), note.clone());
        let only_idle = *only_idle;
        Callback::from(move |_: MouseEvent| {
            asking.set(false);
            let Some(key) = storage::facilitator_key(&code) else {
                return;
            };
            let (url, note) = (api::remove_joined(&code), note.clone());
            let body = RemoveJoined {
                from: f,
                to: t + 60_000,
                only_idle,
            };
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(done) = net::post::<_, RemovedJoined>(
                    &url,
                    &[(api::FACILITATOR_KEY_HEADER, &key)],
                    Some(&body),
                )
                .await
                {
                    note.set(Some(done));
                }
            });
        })
    };
    html! {
        <details class="joins-by-minute" id="joins-by-minute">
            <summary><Tr lang={lang} k={Key::JoinsByMinute} /></summary>
            <ul class="join-minutes">{ for p.minutes.iter().rev().map(|m| html! {
                <li data-minute={m.minute.to_string()}>
                    <Tr lang={lang} k={Key::JoinMinuteRow} args={vec![
                        ("time", clock(m.minute)), ("joined", m.joined.to_string()), ("voted", m.voted.to_string()),
                    ]} />
                </li>
            }) }</ul>
            <p class="remove-window">
                <label for="remove-from"><Tr lang={lang} k={Key::RemoveFrom} /></label>{ " " }
                <select id="remove-from" onchange={pick(from.clone())}>{ options(f) }</select>{ " " }
                <label for="remove-to"><Tr lang={lang} k={Key::RemoveTo} /></label>{ " " }
                <select id="remove-to" onchange={pick(to.clone())}>{ options(t) }</select>
            </p>
            <p>
                <label><input type="checkbox" id="remove-only-idle" checked={*only_idle}
                    onchange={ { let o = only_idle.clone(); Callback::from(move |_: Event| o.set(!*o)) } } />
                { " " }<Tr lang={lang} k={Key::RemoveOnlyIdle} /></label>
            </p>
            <button id="remove-joins" disabled={picked == 0}
                onclick={ { let a = asking.clone(); Callback::from(move |_: MouseEvent| a.set(true)) } }>
                <Tr lang={lang} k={Key::RemoveButton} args={vec![("n", picked.to_string())]} />
            </button>
            if *asking {
                <Confirm lang={lang} id="confirm-remove" question={Key::RemoveConfirm}
                    args={vec![("n", picked.to_string()), ("from", clock(f)), ("to", clock(t + 60_000))]}
                    yes={Key::RemoveYes} on_yes={remove}
                    on_no={ { let a = asking.clone(); Callback::from(move |_: MouseEvent| a.set(false)) } } />
            }
            { for removed_note }
        </details>
    }
}
