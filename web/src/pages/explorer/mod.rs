//! The explorer: choose a Polis export, see it analysed in this browser (nothing is uploaded)
//! with the projector's components. The engine runs in a Web Worker ([`worker`]), so the page
//! answers while a large export is read and analysed, and a progress bar says how far it is.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{Consensus, Divisive, GroupCards, OpinionMap, Tr};
use crate::i18n::{fill, t, Key, Lang};
use crate::pages::LangProps;

pub mod worker;

use worker::{ExplorerWorker, Progress, Report};

/// The progress bar and its line: a fraction while the files are read, indeterminate after
/// (the engine's steps have no fraction to show).
fn progress_bar(lang: Lang, progress: &Progress) -> Html {
    let (line, value) = match progress {
        Progress::Reading { done, total } => {
            let percent = if *total > 0.0 {
                (done / total * 100.0).floor().clamp(0.0, 100.0)
            } else {
                0.0
            };
            (
                fill(
                    t(lang, Key::ExploreReading),
                    &[("percent", format!("{percent:.0}"))],
                ),
                Some(format!("{percent:.0}")),
            )
        }
        Progress::Parsing => (t(lang, Key::ExploreParsing).to_string(), None),
        Progress::Analysing => (t(lang, Key::ExploreAnalysing).to_string(), None),
    };
    html! {
        <div class="explore-progress" id="explore-progress">
            <p role="status" aria-live="polite">{ line.clone() }</p>
            <progress max="100" value={value} aria-label={line}></progress>
        </div>
    }
}

/// Why there is no result.
#[derive(Clone, Debug, PartialEq)]
enum Failure {
    /// The engine refused the files (its sentence, naming the file and line).
    Engine(String),
    /// The worker or the engine could not load.
    Load,
}

/// The explorer page.
#[component]
pub fn ExplorePage(p: &LangProps) -> Html {
    let lang = p.lang;
    let result =
        use_state(|| None::<Result<(Rc<polyphony_protocol::ExploreView>, String), Failure>>);
    let progress = use_state(|| None::<Progress>);
    let preset = use_mut_ref(|| "workshop".to_string());
    let engine: Rc<RefCell<Option<ExplorerWorker>>> = use_mut_ref(|| None);
    // Starts the worker on first use; then asks it for a view.
    let analyse = {
        let (result, progress, engine, preset) = (
            result.clone(),
            progress.clone(),
            engine.clone(),
            preset.clone(),
        );
        Rc::new(move |files: Option<js_sys::Array>| {
            if engine.borrow().is_none() {
                let (shown, progress) = (result.clone(), progress.clone());
                let on_report = Callback::from(move |r: Report| match r {
                    Report::Progress(p) => progress.set(Some(p)),
                    Report::Done(view, method) => {
                        progress.set(None);
                        shown.set(Some(Ok((Rc::new(*view), method))));
                    }
                    Report::Failed(e) => {
                        progress.set(None);
                        shown.set(Some(Err(Failure::Engine(e))));
                    }
                    Report::EngineFailed => {
                        progress.set(None);
                        shown.set(Some(Err(Failure::Load)));
                    }
                });
                match ExplorerWorker::start(on_report) {
                    Ok(w) => *engine.borrow_mut() = Some(w),
                    Err(e) => {
                        web_sys::console::error_1(&e.into());
                        result.set(Some(Err(Failure::Load)));
                        return;
                    }
                }
            }
            if let Some(w) = engine.borrow().as_ref() {
                progress.set(Some(if files.is_some() {
                    Progress::Reading {
                        done: 0.0,
                        total: 1.0,
                    }
                } else {
                    Progress::Analysing
                }));
                w.analyse(files.as_ref(), &preset.borrow());
            }
        })
    };
    let chosen = use_state(|| false);
    let on_files = {
        let (analyse, chosen) = (analyse.clone(), chosen.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(list) = input.files() else { return };
            if list.length() == 0 {
                return;
            }
            let files = js_sys::Array::new();
            for i in 0..list.length() {
                if let Some(file) = list.get(i) {
                    files.push(&file);
                }
            }
            chosen.set(true);
            analyse(Some(files));
        })
    };
    let on_preset = {
        let (analyse, preset, chosen) = (analyse.clone(), preset.clone(), chosen.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                *preset.borrow_mut() = sel.value();
                // The export already read is analysed again; nothing is read twice.
                if *chosen {
                    analyse(None);
                }
            }
        })
    };
    let polis = *preset.borrow() == "polis";
    html! {
        <main class="page explore">
            <h1><Tr lang={lang} k={Key::ExploreTitle} /></h1>
            <p><Tr lang={lang} k={Key::ExploreHelp} /></p>
            <div class="explore-controls">
                <label for="files"><Tr lang={lang} k={Key::ChooseFiles} /></label>
                <input id="files" type="file" multiple=true accept=".csv,.json" onchange={on_files} />
                <label for="preset"><Tr lang={lang} k={Key::PresetLabel} /></label>
                <select id="preset" onchange={on_preset}>
                    <option value="workshop" selected={!polis}>{ t(lang, Key::PresetWorkshop) }</option>
                    <option value="polis" selected={polis}>{ t(lang, Key::PresetPolis) }</option>
                </select>
            </div>
            { progress.as_ref().map(|p| progress_bar(lang, p)).unwrap_or_default() }
            { match &*result {
                None => html! {},
                Some(Err(Failure::Engine(e))) => html! { <p class="error" role="alert"><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ e.clone() }</p> },
                Some(Err(Failure::Load)) => html! { <p class="error" role="alert"><Tr lang={lang} k={Key::ExploreEngineFailed} /></p> },
                Some(Ok((explored, method))) => {
                    let view = explored.room.clone();
                    html! {
                        <div class="explore-result" id="explore-result" data-method={method.clone()}>
                            <p class="counts-line"><Tr lang={lang} k={Key::Participants} />{ format!(": {} · ", view.voters) }
                                <Tr lang={lang} k={Key::Votes} />{ format!(": {}", view.votes) }</p>
                            <div class="groups-stage">
                                <OpinionMap lang={lang} view={view.clone()} />
                                <div class="side"><GroupCards lang={lang} view={view.clone()} /></div>
                            </div>
                            { if view.map.len() < explored.map_total {
                                html! { <p class="map-sample" id="map-sample">{ fill(t(lang, Key::ExploreMapSample), &[
                                    ("n", view.map.len().to_string()),
                                    ("total", explored.map_total.to_string()),
                                ]) }</p> }
                            } else { html! {} } }
                            <Consensus lang={lang} view={view.clone()} limit={5} />
                            <Divisive lang={lang} items={view.divisive.clone()} limit={5} />
                        </div>
                    }
                }
            } }
        </main>
    }
}
