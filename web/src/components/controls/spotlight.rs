//! The console's spotlight: a statement to put alone on the screen, chosen from the statements
//! most divisive first, and the one there now.

use polyphony_protocol::{ControlRequest, StatementId, StatementStats};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::send::on_click;
use crate::components::Tr;
use crate::i18n::{Key, Lang};

/// A statement's text cut for a select's option.
fn short(text: &str) -> String {
    let mut s: String = text.chars().take(90).collect();
    if text.chars().count() > 90 {
        s.push('…');
    }
    s
}

/// The spotlight control.
#[derive(Properties, PartialEq)]
pub struct SpotlightControlProps {
    /// The UI language.
    pub lang: Lang,
    /// The statements, most divisive first (`state::controls::by_divisiveness`).
    pub statements: Vec<(StatementStats, Option<f64>)>,
    /// The statement in the spotlight, if any.
    pub spotlight: Option<StatementId>,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// A statement to put alone on the screen (the most divisive first), and the one there now.
#[component]
pub fn SpotlightControl(p: &SpotlightControlProps) -> Html {
    let lang = p.lang;
    let chosen = use_state(|| None::<StatementId>);
    let current = chosen
        .or(p.spotlight)
        .or_else(|| p.statements.first().map(|(s, _)| s.statement.id));
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                chosen.set(sel.value().parse().ok());
            }
        })
    };
    let show_spotlight = {
        let send = p.send.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(id) = current {
                send.emit(ControlRequest::Spotlight {
                    statement: Some(id),
                });
            }
        })
    };
    let spotlit_text = p.spotlight.and_then(|id| {
        p.statements
            .iter()
            .find(|(s, _)| s.statement.id == id)
            .map(|(s, _)| s.statement.text.clone())
    });
    html! {
        <div class="control" id="spotlight-control">
            <label for="spotlight-select"><Tr lang={lang} k={Key::SpotlightLabel} /></label>
            <select id="spotlight-select" onchange={on_choose}>
                { for p.statements.iter().map(|(s, _)| html! {
                    <option value={s.statement.id.to_string()} selected={current == Some(s.statement.id)}>
                        { format!("#{} {}", s.statement.id, short(&s.statement.text)) }
                    </option>
                }) }
            </select>
            <div class="row">
                <button id="spotlight-show" onclick={show_spotlight} disabled={current.is_none()}><Tr lang={lang} k={Key::SpotlightShow} /></button>
                if p.spotlight.is_some() {
                    <button id="spotlight-clear" onclick={on_click(&p.send, ControlRequest::Spotlight { statement: None })}><Tr lang={lang} k={Key::SpotlightClear} /></button>
                }
            </div>
            if let Some(text) = spotlit_text {
                <p class="status-note" id="spotlight-now"><Tr lang={lang} k={Key::SpotlightNow} />{ " " }<strong>{ text }</strong></p>
            }
        </div>
    }
}
