//! Closing the room from the console, asked for again before it is done, and the banner a closed
//! room's console shows.

use yew::prelude::*;

use super::send::worded;
use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::net;
use crate::routes::api;

/// "This room is closed", at the top of the console once it is.
pub fn closed_banner(lang: Lang) -> Html {
    html! {
        <p class="closed-banner" id="room-closed-banner" role="status"><Tr lang={lang} k={Key::RoomClosedBanner} /></p>
    }
}

/// Closing the room: the room's state, and what to do about it.
#[derive(Properties, PartialEq)]
pub struct CloseRoomProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
    /// The facilitator key.
    pub host_key: String,
    /// The room is closed already.
    pub closed: bool,
    /// Shows a request's failure (or clears it).
    pub on_error: Callback<Option<String>>,
}

/// "Close the room", asked for again before it is done (nothing once closed: see
/// [`closed_banner`]).
#[component]
pub fn CloseRoom(p: &CloseRoomProps) -> Html {
    let lang = p.lang;
    let asking = use_state(|| false);
    if p.closed {
        return html! {};
    }
    let ask = {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(true))
    };
    let keep = {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(false))
    };
    let close = {
        let (url, key, on_error, asking) = (
            api::close(&p.code),
            p.host_key.clone(),
            p.on_error.clone(),
            asking.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (url, key, on_error, asking) =
                (url.clone(), key.clone(), on_error.clone(), asking.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let r = net::post::<_, serde_json::Value>(
                    &url,
                    &[(api::FACILITATOR_KEY_HEADER, &key)],
                    Some(&serde_json::json!({})),
                )
                .await;
                asking.set(false);
                on_error.emit(r.err().map(|e| worded(lang, e)));
            });
        })
    };
    html! {
        <div class="close-room">
            if *asking {
                <div class="confirm" id="close-confirm" role="alertdialog" aria-labelledby="close-question">
                    <p id="close-question"><strong><Tr lang={lang} k={Key::CloseRoomConfirm} /></strong></p>
                    <button id="confirm-close" class="danger" onclick={close}><Tr lang={lang} k={Key::ConfirmClose} /></button>
                    <button id="keep-open" onclick={keep}><Tr lang={lang} k={Key::KeepOpen} /></button>
                </div>
            } else {
                <button id="close-room" onclick={ask}><Tr lang={lang} k={Key::CloseRoom} /></button>
            }
        </div>
    }
}
