//! Who a phone is: its participant token in the room (joined once, then kept in storage) and
//! the random prefix of its request ids (new on every page load, so ids never repeat).

use polyphony_protocol::Joined;
use yew::prelude::*;

use crate::net;
use crate::routes::api;
use crate::storage;

/// Why a phone could not join its room.
#[derive(Clone, Debug, PartialEq)]
pub enum JoinFailure {
    /// The server knows no such room (404).
    NoSuchRoom,
    /// Anything else, in the server's (or the browser's) words.
    Error(String),
}

/// This browser's participant token in the room: the saved one, else a new one from joining
/// (then saved). `None` until known.
#[hook]
pub fn use_participant_token(code: &str) -> Option<Result<String, JoinFailure>> {
    let token = use_state_eq(|| None);
    {
        let token = token.clone();
        use_effect_with(code.to_string(), move |code: &String| {
            let code = code.clone();
            wasm_bindgen_futures::spawn_local(async move {
                token.set(Some(participant_token(&code).await));
            });
        });
    }
    (*token).clone()
}

async fn participant_token(code: &str) -> Result<String, JoinFailure> {
    if let Some(t) = storage::participant_token(code) {
        return Ok(t);
    }
    match net::post::<(), Joined>(&api::join(code), &[], None).await {
        Ok(j) => {
            storage::save_participant_token(code, &j.participant_token);
            Ok(j.participant_token)
        }
        Err(e) if e.status == 404 => Err(JoinFailure::NoSuchRoom),
        Err(e) => Err(JoinFailure::Error(e.message)),
    }
}

/// A random hex string: the prefix of this page load's request ids.
pub fn request_prefix() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{a:08x}{b:08x}")
}
