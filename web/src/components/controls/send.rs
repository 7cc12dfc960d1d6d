//! How a console control reaches the room: one `ControlRequest` POSTed with the facilitator key,
//! and a failure worded in the facilitator's language.

use polyphony_protocol::{ControlRequest, RoomInfo};
use yew::prelude::*;

use crate::i18n::{error_key, t, Key, Lang};
use crate::net::{self, HttpError};
use crate::routes::api;

/// A failed request in the facilitator's language: worded from its stable code, else the
/// server's sentence after "Something went wrong:".
pub fn worded(lang: Lang, e: HttpError) -> String {
    match e.code.and_then(error_key) {
        Some(k) => t(lang, k).to_string(),
        None => format!("{} {}", t(lang, Key::ErrorPrefix), e.message),
    }
}

/// A callback that POSTs one control to the room and reports the outcome.
pub fn control_sender(
    lang: Lang,
    code: &str,
    key: &str,
    on_error: &Callback<Option<String>>,
) -> Callback<ControlRequest> {
    let (url, key, on_error) = (api::controls(code), key.to_string(), on_error.clone());
    Callback::from(move |req: ControlRequest| {
        let (url, key, on_error) = (url.clone(), key.clone(), on_error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let r =
                net::post::<_, RoomInfo>(&url, &[(api::FACILITATOR_KEY_HEADER, &key)], Some(&req))
                    .await;
            on_error.emit(r.err().map(|e| worded(lang, e)));
        });
    })
}

/// A button's click that sends one control.
pub(super) fn on_click(
    send: &Callback<ControlRequest>,
    req: ControlRequest,
) -> Callback<MouseEvent> {
    let send = send.clone();
    Callback::from(move |_: MouseEvent| send.emit(req.clone()))
}
