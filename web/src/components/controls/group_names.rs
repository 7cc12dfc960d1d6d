//! The console's group names: a name for each opinion group, typed and saved one group at a time.

use std::collections::HashMap;

use polyphony_protocol::{ControlRequest, GroupView, RoomControls};
use yew::prelude::*;

use crate::components::{input_value, Tr};
use crate::group_colour;
use crate::i18n::{t, Key, Lang};

/// The group names control.
#[derive(Properties, PartialEq)]
pub struct GroupNamesProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's groups.
    pub groups: Vec<GroupView>,
    /// The current controls (the names given so far).
    pub controls: RoomControls,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// A name for each group, typed and saved one group at a time (nothing until groups exist).
/// Always mounted, so that names being typed survive the groups going and coming back.
#[component]
pub fn GroupNamesControl(p: &GroupNamesProps) -> Html {
    let lang = p.lang;
    let drafts = use_state(HashMap::<u32, String>::new);
    if p.groups.is_empty() {
        return html! {};
    }
    let names = p.groups.iter().map(|g| {
        let id = g.id;
        let saved = p.controls.group_name(id).unwrap_or_default().to_string();
        let value = drafts.get(&id).cloned().unwrap_or(saved);
        let on_input = {
            let drafts = drafts.clone();
            Callback::from(move |e: InputEvent| {
                let mut d = (*drafts).clone();
                d.insert(id, input_value(&e));
                drafts.set(d);
            })
        };
        let on_submit = {
            let (send, value) = (p.send.clone(), value.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                send.emit(ControlRequest::NameGroup {
                    group: id,
                    name: value.trim().to_string(),
                });
            })
        };
        let input_id = format!("group-name-{}", g.label);
        html! {
            <form class="group-name-form" data-group={g.label.clone()} onsubmit={on_submit}>
                <label for={input_id.clone()} class="name-label">
                    <span class="letter" style={format!("--group:{}", group_colour(&g.label))}>{ g.label.clone() }</span>
                    <Tr lang={lang} k={Key::GroupName} args={vec![("group", g.label.clone())]} />
                </label>
                <input id={input_id} type="text" maxlength="40" value={value} oninput={on_input}
                    placeholder={t(lang, Key::NamePlaceholder)} />
                <button type="submit" id={format!("save-group-name-{}", g.label)}><Tr lang={lang} k={Key::SaveName} /></button>
            </form>
        }
    });
    html! {
        <div class="control" id="group-names">
            <h3><Tr lang={lang} k={Key::GroupNamesTitle} /></h3>
            <p class="hint"><Tr lang={lang} k={Key::GroupNamesHint} /></p>
            { for names }
        </div>
    }
}
