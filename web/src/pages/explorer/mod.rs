//! The explorer: choose a Polis export, see it analysed in the browser ([`analysis`]) with the
//! projector's components.

use std::rc::Rc;

use polyphony_protocol::RoomView;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{Consensus, Divisive, GroupCards, OpinionMap, Tr};
use crate::i18n::{t, Key};
use crate::pages::LangProps;

pub mod analysis;

/// The explorer page.
#[component]
pub fn ExplorePage(p: &LangProps) -> Html {
    let lang = p.lang;
    let result = use_state(|| None::<Result<RoomView, String>>);
    let polis = use_state(|| false);
    let files = use_mut_ref(Vec::<(String, String)>::new);
    let run = {
        let (result, polis, files) = (result.clone(), polis.clone(), files.clone());
        Rc::new(move || {
            let f = files.borrow().clone();
            if !f.is_empty() {
                result.set(Some(analysis::analyze(&f, *polis)));
            }
        })
    };
    let on_files = {
        let (files, run) = (files.clone(), run.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(list) = input.files() else { return };
            let (files, run) = (files.clone(), run.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut read = Vec::new();
                for i in 0..list.length() {
                    if let Some(file) = list.get(i) {
                        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                        if let Some(t) = text.ok().and_then(|v| v.as_string()) {
                            read.push((file.name(), t));
                        }
                    }
                }
                *files.borrow_mut() = read;
                run();
            });
        })
    };
    let on_preset = {
        let (polis, run) = (polis.clone(), run.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                polis.set(sel.value() == "polis");
                let run = run.clone();
                gloo_timers::callback::Timeout::new(0, move || run()).forget();
            }
        })
    };
    html! {
        <main class="page explore">
            <h1><Tr lang={lang} k={Key::ExploreTitle} /></h1>
            <p><Tr lang={lang} k={Key::ExploreHelp} /></p>
            <div class="explore-controls">
                <label for="files"><Tr lang={lang} k={Key::ChooseFiles} /></label>
                <input id="files" type="file" multiple=true accept=".csv,.json" onchange={on_files} />
                <label for="preset"><Tr lang={lang} k={Key::PresetLabel} /></label>
                <select id="preset" onchange={on_preset}>
                    <option value="workshop" selected={!*polis}>{ t(lang, Key::PresetWorkshop) }</option>
                    <option value="polis" selected={*polis}>{ t(lang, Key::PresetPolis) }</option>
                </select>
            </div>
            { match &*result {
                None => html! {},
                Some(Err(e)) => html! { <p class="error" role="alert"><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ e.clone() }</p> },
                Some(Ok(view)) => html! {
                    <div class="explore-result" id="explore-result">
                        <p class="counts-line"><Tr lang={lang} k={Key::Participants} />{ format!(": {} · ", view.voters) }
                            <Tr lang={lang} k={Key::Votes} />{ format!(": {}", view.votes) }</p>
                        <div class="groups-stage">
                            <OpinionMap lang={lang} view={view.clone()} />
                            <div class="side"><GroupCards lang={lang} view={view.clone()} /></div>
                        </div>
                        <Consensus lang={lang} view={view.clone()} limit={5} />
                        <Divisive lang={lang} items={view.divisive.clone()} limit={5} />
                    </div>
                },
            } }
        </main>
    }
}
