//! The console's statements and spectrum: every accepted statement in the projector's divisive
//! order, with a labelled "how divisive" column and a button to start a spectrum on it (asked
//! again first: every screen switches to it); and the round
//! controls of the latest spectrum (open the next round, reveal or hide the open round's
//! counts, close).

use polyphony_protocol::{ControlRequest, SpectrumView, MAX_SPECTRUM_ROUNDS};
use yew::prelude::*;

use crate::components::controls::{control_sender, worded, ConsoleProps};
use crate::components::run_sheet::Confirm;
use crate::components::Tr;
use crate::i18n::Key;
use crate::net;
use crate::routes::api;
use crate::state::controls::by_divisiveness;

/// The statements by divisiveness, and the latest spectrum's rounds.
#[component]
pub fn SpectrumConsole(p: &ConsoleProps) -> Html {
    let lang = p.lang;
    let send = control_sender(lang, &p.code, &p.host_key, &p.on_error);
    // Starting a spectrum switches every screen at once: asked again first.
    let asking = use_state(|| None::<u32>);
    // POST `body` to `url` with the key; report the outcome.
    let post = {
        let (key, on_error) = (p.host_key.clone(), p.on_error.clone());
        move |url: String, body: serde_json::Value| {
            let (key, on_error) = (key.clone(), on_error.clone());
            Callback::from(move |_: MouseEvent| {
                let (url, key, body, on_error) =
                    (url.clone(), key.clone(), body.clone(), on_error.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let r = net::post::<_, serde_json::Value>(
                        &url,
                        &[(api::FACILITATOR_KEY_HEADER, &key)],
                        Some(&body),
                    )
                    .await;
                    on_error.emit(r.err().map(|e| worded(lang, e)));
                });
            })
        }
    };
    let click = |req: ControlRequest| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(req.clone()))
    };
    let counts_shown = p
        .view
        .room
        .as_ref()
        .is_some_and(|r| r.controls.spectrum_counts_shown);
    let latest: Option<&SpectrumView> = p
        .view
        .spectrums
        .iter()
        .rev()
        .find(|s| s.open_round.is_some())
        .or(p.view.spectrums.last());
    let rounds = latest.map(|sp| {
        let next = sp.rounds.len() as u8 + 1;
        let open = sp.open_round;
        let placed = open
            .and_then(|r| sp.rounds.iter().find(|x| x.round == r))
            .map_or(0, |x| x.placed);
        html! {
            <div class="spectrum-controls" id="spectrum-controls" data-spectrum={sp.id.to_string()}>
                <p class="spectrum-statement"><strong>{ sp.statement.text.clone() }</strong></p>
                if let Some(r) = open {
                    <p class="status-note" id="round-status" data-round={r.to_string()}>
                        <Tr lang={lang} k={Key::RoundStatus} args={vec![("round", r.to_string()), ("n", placed.to_string())]} />{ " " }
                        <Tr lang={lang} k={if counts_shown { Key::CountsShownNote } else { Key::CountsHiddenNote }} />
                    </p>
                } else {
                    <p class="status-note" id="round-status" data-round="">
                        <Tr lang={lang} k={Key::SpectrumClosedNote} args={vec![("n", sp.rounds.len().to_string())]} />
                    </p>
                }
                <div class="row">
                    if open.is_some() {
                        if counts_shown {
                            <button id="hide-spectrum" onclick={click(ControlRequest::HideSpectrum)}><Tr lang={lang} k={Key::HideCounts} /></button>
                        } else {
                            <button id="reveal-spectrum" class="primary" onclick={click(ControlRequest::RevealSpectrum)}><Tr lang={lang} k={Key::RevealCounts} /></button>
                        }
                    }
                    if next <= MAX_SPECTRUM_ROUNDS {
                        <button id={format!("open-round-{next}")} class="open-next-round"
                            onclick={post(api::spectrum_round(&p.code, sp.id), serde_json::json!({"open": next}))}>
                            <Tr lang={lang} k={Key::OpenRound} args={vec![("round", next.to_string())]} />
                        </button>
                    }
                    if open.is_some() {
                        <button id="close-spectrum" onclick={post(api::spectrum_round(&p.code, sp.id), serde_json::json!({"open": null}))}>
                            <Tr lang={lang} k={Key::CloseSpectrum} /></button>
                    }
                </div>
            </div>
        }
    });
    let rows = by_divisiveness(&p.view.statements);
    html! {
        <section class="card" id="statements-panel">
            <h2><Tr lang={lang} k={Key::SpectrumListTitle} /></h2>
            { for rounds }
            <p class="hint"><Tr lang={lang} k={Key::DivisiveHint} /></p>
            <table class="statements">
                <thead><tr>
                    <th scope="col"><Tr lang={lang} k={Key::ColStatement} /></th>
                    <th scope="col" class="num"><Tr lang={lang} k={Key::ColDivisive} /></th>
                    <th scope="col" class="num"><Tr lang={lang} k={Key::ColVotes} /></th>
                    <th scope="col"><span class="sr-only"><Tr lang={lang} k={Key::StartSpectrum} /></span></th>
                </tr></thead>
                <tbody>{ for rows.iter().map(|(s, d)| html! { <>
                    <tr data-statement={s.statement.id.to_string()} data-divisiveness={d.map(|d| format!("{d:.3}")).unwrap_or_default()}>
                        <td>{ s.statement.text.clone() }</td>
                        <td class="num divisiveness">
                            if let Some(d) = d {
                                <span class="meter" aria-hidden="true"><span style={format!("width:{:.0}%", d * 100.0)}></span></span>
                                { format!("{:.0}%", d * 100.0) }
                            } else { { "–" } }
                        </td>
                        <td class="num">{ format!("{} / {} / {}", s.agree, s.disagree, s.pass) }</td>
                        <td><button class="start-spectrum" onclick={ { let (asking, id) = (asking.clone(), s.statement.id); Callback::from(move |_: MouseEvent| asking.set(Some(id))) } }>
                            <Tr lang={lang} k={Key::StartSpectrum} /></button></td>
                    </tr>
                    if *asking == Some(s.statement.id) {
                        <tr class="confirm-row"><td colspan="4">
                            <Confirm lang={lang} id="confirm-spectrum" question={Key::ConfirmSpectrum} yes={Key::ConfirmSpectrumYes}
                                on_yes={ { let (go, asking) = (post(api::spectrums(&p.code), serde_json::json!({"statement": s.statement.id})), asking.clone());
                                    Callback::from(move |e: MouseEvent| { asking.set(None); go.emit(e); crate::nav::scroll_to_top(); }) } }
                                on_no={ { let asking = asking.clone(); Callback::from(move |_: MouseEvent| asking.set(None)) } } />
                        </td></tr>
                    }
                </> }) }</tbody>
            </table>
        </section>
    }
}
