//! Who a phone is: its participant token in the room (joined once, then kept in storage) and
//! the random prefix of its request ids (new on every page load, so ids never repeat).

use std::time::Duration;

use polyphony_protocol::{ErrorCode, Joined, RoomInfo};
use yew::prelude::*;

use crate::net;
use crate::routes::api;
use crate::storage;

/// Why a phone could not join its room.
#[derive(Clone, Debug, PartialEq)]
pub enum JoinFailure {
    /// The server knows no such room (404).
    NoSuchRoom,
    /// The room takes joins with the projector's code, and this phone has none (a typed
    /// address: `tried` false, asked plainly) or one that did not open it (scanned minutes
    /// ago, or mistyped: `tried`). `topic`: the room's, when its public facts could be read,
    /// so the phone says which room it is asking for.
    NeedsAdmission {
        /// A code came with the address and the room refused it.
        tried: bool,
        /// The room's topic.
        topic: Option<String>,
    },
    /// The room is closed (a late arrival); its public facts when they could be read (is the
    /// report published?).
    Closed(Option<Box<RoomInfo>>),
    /// Anything else: the server's stable code (worded from the tables) and its sentence.
    Refused {
        /// Why, as a stable code.
        code: Option<ErrorCode>,
        /// Why, in English (shown only for a code without words).
        error: String,
    },
}

/// This browser's participant token in the room: the saved one, else a new one from joining
/// (then saved). `None` until known.
#[hook]
pub fn use_participant_token(code: &str) -> ParticipantToken {
    let token = use_state_eq(|| None);
    // Bumped to join again after the room forgot this phone's token.
    let attempt = use_state_eq(|| 0u32);
    let left = use_state_eq(|| false);
    {
        let token = token.clone();
        use_effect_with(
            (code.to_string(), *attempt),
            move |(code, _): &(String, u32)| {
                let code = code.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    token.set(Some(participant_token(&code).await));
                });
            },
        );
    }
    let forget = {
        let (code, token, attempt, left) = (
            code.to_string(),
            token.clone(),
            attempt.clone(),
            left.clone(),
        );
        Callback::from(move |()| {
            // Every copy of it: the saved one and the join `index.html` made at the first
            // visit, which still holds the same token when the app found it saved (joining
            // again took that one and reconnected with the forgotten token: a second 403
            // before the phone really joined again).
            storage::forget_participant_token(&code);
            drop_early_join();
            left.set(true);
            token.set(None);
            attempt.set(*attempt + 1);
        })
    };
    ParticipantToken {
        token: (*token).clone(),
        forget,
        left: *left,
    }
}

/// A phone's identity in its room, as its page sees it.
#[derive(Clone, PartialEq)]
pub struct ParticipantToken {
    /// The token once known, or why the phone could not join; `None` while joining.
    pub token: Option<Result<String, JoinFailure>>,
    /// Forgets the token and joins again: the room no longer knows it (the identity expired
    /// or was removed), so keeping it would leave the phone reconnecting forever.
    pub forget: Callback<()>,
    /// The room forgot this phone's token on this page (it joins again, or asks for the code
    /// to): the page says the phone is no longer in the room rather than anything else.
    pub left: bool,
}

async fn participant_token(code: &str) -> Result<String, JoinFailure> {
    if let Some(t) = storage::participant_token(code) {
        // Saved by the early join, or before this visit: the early join, if any, is spent.
        drop_early_join();
        return Ok(t);
    }
    match early_join(code).await {
        Some(EarlyJoin::Joined(t)) => {
            storage::save_participant_token(code, &t);
            return Ok(t);
        }
        // The same join again would be refused the same way: ask for the code at once.
        Some(EarlyJoin::NeedsAdmission) => return Err(needs_admission(code).await),
        None => {}
    }
    let admission = crate::routes::page::admission_in(&crate::nav::hash());
    let url = api::join_with(code, admission.as_deref());
    let mut wait = 1000;
    loop {
        match net::post::<(), Joined>(&url, &[], None).await {
            Ok(j) => {
                storage::save_participant_token(code, &j.participant_token);
                return Ok(j.participant_token);
            }
            // The venue's wifi, or a crowd joining at once: try again (the page says "loading").
            Err(e) if e.status == 0 || e.status == 429 => {
                gloo_timers::future::sleep(Duration::from_millis(wait)).await;
                wait = (wait * 2).min(8000);
            }
            Err(e) if e.status == 404 || e.code == Some(ErrorCode::UnknownRoom) => {
                return Err(JoinFailure::NoSuchRoom)
            }
            Err(e) if e.code == Some(ErrorCode::AdmissionRequired) => {
                return Err(needs_admission(code).await)
            }
            Err(e) if e.code == Some(ErrorCode::RoomClosed) => {
                let info = net::get::<RoomInfo>(&api::room_info(code), &[]).await;
                return Err(JoinFailure::Closed(info.ok().map(Box::new)));
            }
            Err(e) => {
                return Err(JoinFailure::Refused {
                    code: e.code,
                    error: e.message,
                })
            }
        }
    }
}

/// The room wants the projector's code: was one tried, and which room is it (its topic, read
/// from its public facts; none when they cannot be read).
async fn needs_admission(code: &str) -> JoinFailure {
    let tried = crate::routes::page::admission_in(&crate::nav::hash()).is_some();
    let topic = net::get::<RoomInfo>(&api::room_info(code), &[])
        .await
        .ok()
        .map(|i| i.topic);
    JoinFailure::NeedsAdmission { tried, topic }
}

/// How the join `index.html` started ended, when it ended in a way the app can use.
#[derive(Debug, PartialEq)]
enum EarlyJoin {
    /// Joined: the participant token.
    Joined(String),
    /// Refused for want of the projector's code.
    NeedsAdmission,
}

/// The outcome of the join `index.html` started while the app downloaded (`polyphonyEarlyJoin`:
/// the room's code, a promise of the token or of null when that join did not end cleanly, and
/// `refused`, the error code of a refusal the app should not repeat). Taken once: a second
/// look finds nothing. `None`: the app joins by itself.
async fn early_join(code: &str) -> Option<EarlyJoin> {
    use wasm_bindgen::JsCast;
    let window = crate::nav::window()?;
    let name = wasm_bindgen::JsValue::from_str("polyphonyEarlyJoin");
    let early = js_sys::Reflect::get(&window, &name).ok()?;
    if early.is_undefined() || early.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(window.as_ref(), &name);
    let field = |f: &str| js_sys::Reflect::get(&early, &wasm_bindgen::JsValue::from_str(f)).ok();
    if field("code")?.as_string()? != code {
        return None;
    }
    let promise = field("token")?.dyn_into::<js_sys::Promise>().ok()?;
    let token = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    if let Some(t) = token.as_string() {
        return Some(EarlyJoin::Joined(t));
    }
    // Read after the promise settled: index.html sets it before resolving to null.
    let refused: Option<ErrorCode> = field("refused")
        .and_then(|r| r.as_string())
        .and_then(|r| serde_json::from_value(serde_json::Value::String(r)).ok());
    (refused == Some(ErrorCode::AdmissionRequired)).then_some(EarlyJoin::NeedsAdmission)
}

/// Discards the join `index.html` started (`polyphonyEarlyJoin`), unused or not: once a token
/// is saved or forgotten, its outcome is no identity to take.
fn drop_early_join() {
    if let Some(window) = crate::nav::window() {
        let name = wasm_bindgen::JsValue::from_str("polyphonyEarlyJoin");
        let _ = js_sys::Reflect::delete_property(window.as_ref(), &name);
    }
}

/// A random hex string: the prefix of this page load's request ids.
pub fn request_prefix() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{a:08x}{b:08x}")
}
