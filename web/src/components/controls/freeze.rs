//! Freezing the opinion groups from the console: "Freeze groups" once groups exist; while frozen,
//! what the votes draw now and the two ways out, each asked for again first.

use polyphony_protocol::ControlRequest;
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{Key, Lang};

/// What the facilitator is asked to confirm about the frozen groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GroupsAsk {
    /// Take the groups the votes draw now.
    Update,
    /// Let the groups follow the votes again.
    Unfreeze,
}

/// Freezing the groups.
#[derive(Properties, PartialEq)]
pub struct FreezeGroupsProps {
    /// The UI language.
    pub lang: Lang,
    /// The groups are frozen.
    pub frozen: bool,
    /// While frozen: `(live, frozen)` group counts when they differ, and how many people now
    /// vote more like another group (`state::controls::live_groups_notice`).
    pub notice: (Option<(u32, u32)>, u32),
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// "Freeze groups" once groups exist; while frozen, what the votes draw now and the two ways
/// out (update to the votes, or let the groups follow them), each asked for again first: both
/// change every phone and the projector.
#[component]
pub fn FreezeGroupsControl(p: &FreezeGroupsProps) -> Html {
    let lang = p.lang;
    let asking = use_state(|| None::<GroupsAsk>);
    {
        // A change of state (from this console or another) closes any question.
        let asking = asking.clone();
        use_effect_with(p.frozen, move |_| asking.set(None));
    }
    let ask = |what: Option<GroupsAsk>| {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(what))
    };
    let confirm = |req: ControlRequest| {
        let (send, asking) = (p.send.clone(), asking.clone());
        Callback::from(move |_: MouseEvent| {
            asking.set(None);
            send.emit(req.clone());
        })
    };
    let freeze = {
        let send = p.send.clone();
        Callback::from(move |_: MouseEvent| send.emit(ControlRequest::FreezeGroups))
    };
    let (differ, switched) = p.notice;
    let question = |id: &'static str, question: Key, yes_id: &'static str, yes: Key, req| {
        let question_id = format!("{id}-question");
        html! {
            <div class="confirm" id={id} role="alertdialog" aria-labelledby={question_id.clone()}>
                <p id={question_id}><strong><Tr lang={lang} k={question} /></strong></p>
                <button id={yes_id} class="primary" onclick={confirm(req)}><Tr lang={lang} k={yes} /></button>
                <button id="keep-groups" onclick={ask(None)}><Tr lang={lang} k={Key::KeepGroups} /></button>
            </div>
        }
    };
    html! {
        <div class="control" id="freeze-control" data-frozen={p.frozen.to_string()}>
            if p.frozen {
                <p class="status-note" id="groups-status"><strong><Tr lang={lang} k={Key::GroupsFrozenNote} /></strong></p>
            }
            <p class="hint"><Tr lang={lang} k={Key::FreezeGroupsHint} /></p>
            if p.frozen {
                if let Some((live, kept)) = differ {
                    <p class="status-note" id="live-groups">
                        <Tr lang={lang} k={Key::LiveGroupsDiffer} args={vec![("live", live.to_string()), ("frozen", kept.to_string())]} />
                    </p>
                }
                if switched > 0 {
                    <p class="status-note" id="groups-switched">
                        <Tr lang={lang} k={Key::FrozenSwitched} args={vec![("n", switched.to_string())]} />
                    </p>
                }
                { match *asking {
                    Some(GroupsAsk::Update) => question("update-groups-confirm", Key::UpdateGroupsConfirm,
                        "confirm-update-groups", Key::ConfirmUpdateGroups, ControlRequest::FreezeGroups),
                    Some(GroupsAsk::Unfreeze) => question("unfreeze-groups-confirm", Key::UnfreezeGroupsConfirm,
                        "confirm-unfreeze-groups", Key::ConfirmUnfreezeGroups, ControlRequest::UnfreezeGroups),
                    None => html! {
                        <div class="row">
                            <button id="update-groups" onclick={ask(Some(GroupsAsk::Update))}><Tr lang={lang} k={Key::UpdateGroups} /></button>
                            <button id="unfreeze-groups" onclick={ask(Some(GroupsAsk::Unfreeze))}><Tr lang={lang} k={Key::UnfreezeGroups} /></button>
                        </div>
                    },
                } }
            } else {
                <button id="freeze-groups" onclick={freeze}><Tr lang={lang} k={Key::FreezeGroups} /></button>
            }
        </div>
    }
}
