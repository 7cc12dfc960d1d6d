//! The console's second vote: statements to ask again (a few preselected), or while one is open,
//! closing it.

use polyphony_protocol::{
    ControlRequest, Revote, StatementId, StatementStats, REVOTE_MAX_STATEMENTS,
};
use yew::prelude::*;

use super::send::on_click;
use crate::components::Tr;
use crate::i18n::{Key, Lang};

/// The second vote control.
#[derive(Properties, PartialEq)]
pub struct RevoteControlProps {
    /// The UI language.
    pub lang: Lang,
    /// The statements, most divisive first (`state::controls::by_divisiveness`).
    pub statements: Vec<(StatementStats, Option<f64>)>,
    /// The second vote open now, if any.
    pub revote: Option<Revote>,
    /// The statements ticked until the facilitator changes them
    /// (`state::controls::revote_preselection`).
    pub preselection: Vec<StatementId>,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// Statements to ask again (a few preselected), or while a second vote is open, closing it.
#[component]
pub fn RevoteControl(p: &RevoteControlProps) -> Html {
    let lang = p.lang;
    let picked = use_state(|| None::<Vec<StatementId>>);
    let selection: Vec<StatementId> = (*picked).clone().unwrap_or_else(|| p.preselection.clone());
    let toggle = |id: StatementId| {
        let (picked, selection) = (picked.clone(), selection.clone());
        Callback::from(move |_: Event| {
            let mut s = selection.clone();
            if let Some(i) = s.iter().position(|x| *x == id) {
                s.remove(i);
            } else {
                s.push(id);
            }
            picked.set(Some(s));
        })
    };
    let open_revote = {
        let (send, selection) = (p.send.clone(), selection.clone());
        Callback::from(move |_: MouseEvent| {
            send.emit(ControlRequest::OpenRevote {
                statements: selection.clone(),
            })
        })
    };
    let can_open = !selection.is_empty() && selection.len() <= REVOTE_MAX_STATEMENTS;
    html! {
        <div class="control" id="revote-control">
            <h3><Tr lang={lang} k={Key::RevoteTitle} /></h3>
            if let Some(r) = &p.revote {
                <p class="status-note" id="revote-status"><Tr lang={lang} k={Key::RevoteOpenNote} args={vec![("n", r.statements.len().to_string())]} /></p>
                <button id="close-revote" onclick={on_click(&p.send, ControlRequest::CloseRevote)}><Tr lang={lang} k={Key::CloseRevote} /></button>
            } else {
                <p class="hint"><Tr lang={lang} k={Key::RevoteHint} /></p>
                <ul class="revote-list" id="revote-list">{ for p.statements.iter().map(|(s, _)| {
                    let id = s.statement.id;
                    let box_id = format!("revote-{id}");
                    html! {
                        <li>
                            <input type="checkbox" id={box_id.clone()} data-statement={id.to_string()}
                                checked={selection.contains(&id)} onchange={toggle(id)} />
                            <label for={box_id} class="check-label">{ s.statement.text.clone() }</label>
                        </li>
                    }
                }) }</ul>
                <button id="open-revote" class="primary" onclick={open_revote} disabled={!can_open}><Tr lang={lang} k={Key::OpenRevote} /></button>
            }
        </div>
    }
}
