//! The explorer's engine runs in a Web Worker (`/explorer-worker.js`, written by `cargo xtask
//! web` over the JavaScript bindings of `polyphony-wasm`): the page posts the chosen files and
//! the method, the worker reads, parses and analyses them and posts its progress and the view
//! back. So the page stays responsive on a large export, and the phones' app, which is this
//! same app, carries no engine.

use std::cell::Cell;

use polyphony_protocol::ExploreView;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

use crate::routes::page;

/// How far the worker is.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// Reading the files: bytes read of all.
    Reading {
        /// Bytes read so far.
        done: f64,
        /// Bytes in all the files.
        total: f64,
    },
    /// Reading the export into votes (no fraction is known).
    Parsing,
    /// Computing the groups (no fraction is known).
    Analysing,
}

/// A message from the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// Still working.
    Progress(Progress),
    /// The view, and the method it was computed with.
    Done(Box<ExploreView>, String),
    /// What went wrong, in the engine's words.
    Failed(String),
    /// The worker or the engine could not load (said in the page's language).
    EngineFailed,
}

/// The running worker; dropping it stops it.
pub struct ExplorerWorker {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    last: std::rc::Rc<Cell<u32>>,
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads one of the worker's messages (see `web/static/explorer-worker.js`).
fn report(data: &JsValue) -> Option<Report> {
    Some(match get(data, "phase").as_string()?.as_str() {
        "reading" => Report::Progress(Progress::Reading {
            done: get(data, "done").as_f64()?,
            total: get(data, "total").as_f64()?,
        }),
        "parsing" => Report::Progress(Progress::Parsing),
        "analysing" => Report::Progress(Progress::Analysing),
        "done" => match serde_json::from_str(&get(data, "view").as_string()?) {
            Ok(view) => Report::Done(
                Box::new(view),
                get(data, "preset").as_string().unwrap_or_default(),
            ),
            Err(e) => Report::Failed(e.to_string()),
        },
        "error" => Report::Failed(get(data, "message").as_string().unwrap_or_default()),
        _ => return None,
    })
}

impl ExplorerWorker {
    /// Starts the worker; `on_report` hears only about the latest request.
    pub fn start(on_report: Callback<Report>) -> Result<ExplorerWorker, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(page::EXPLORER_WORKER, &options)
            .map_err(|e| format!("{e:?}"))?;
        let last = std::rc::Rc::new(Cell::new(0u32));
        let on_message = {
            let (last, on_report) = (last.clone(), on_report.clone());
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                let id = get(&data, "id").as_f64().unwrap_or(-1.0);
                if id == f64::from(last.get()) {
                    if let Some(r) = report(&data) {
                        on_report.emit(r);
                    }
                }
            })
        };
        // The worker could not load (its script or the engine).
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if let Some(e) = e.dyn_ref::<web_sys::ErrorEvent>() {
                web_sys::console::error_1(&e.message().into());
            }
            on_report.emit(Report::EngineFailed);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(ExplorerWorker {
            worker,
            _on_message: on_message,
            _on_error: on_error,
            last,
        })
    }

    /// Asks for the view of `files` (File objects; `None`: the export sent last) with `preset`
    /// (`workshop` or `polis`). Reports of earlier requests are ignored from now on.
    pub fn analyse(&self, files: Option<&js_sys::Array>, preset: &str) {
        let id = self.last.get() + 1;
        self.last.set(id);
        let message = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(&message, &JsValue::from_str(k), v);
        };
        set("id", &JsValue::from(id));
        set("preset", &JsValue::from_str(preset));
        if let Some(files) = files {
            set("files", files);
        }
        let _ = self.worker.post_message(&message);
    }
}

impl Drop for ExplorerWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
