//! The room's admission code and join figures, for the projector (its QR code carries the code)
//! and the console (who has been joining). Read with the facilitator key this browser holds:
//! the projector opened from the console on the same computer has it; a screen elsewhere has
//! not, and says so instead of showing a QR code that would not let anyone in.

use std::time::Duration;

use gloo_timers::callback::Timeout;
use polyphony_protocol::AdmissionView;
use yew::prelude::*;

use crate::net;
use crate::routes::api::{self, FACILITATOR_KEY_HEADER};
use crate::storage;

/// What the page knows of the room's admission.
#[derive(Clone, Debug, PartialEq)]
pub enum Admission {
    /// Not read yet.
    Loading,
    /// This browser has no facilitator key for the room.
    NoKey,
    /// The latest reading.
    Known(AdmissionView),
}

impl Admission {
    /// The code a phone's QR code should carry, when there is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Admission::Known(v) => v.code.as_deref(),
            _ => None,
        }
    }
}

/// How often the figures are read again at most (the code is also read again as it changes).
const EVERY: Duration = Duration::from_secs(15);

/// The room's admission, read now, again when the code changes, every 15 s, and whenever
/// `fresh` changes (the console passes the room's counts: its join figures then agree with the
/// run sheet's "16 joined" at once, not up to 15 s later).
#[hook]
pub fn use_admission(code: &str, fresh: u64) -> Admission {
    let state = use_state(|| Admission::Loading);
    let tick = use_state(|| 0u32);
    {
        let state = state.clone();
        let tick = tick.clone();
        use_effect_with((code.to_string(), *tick, fresh), move |(code, n, _)| {
            match storage::facilitator_key(code) {
                None => state.set(Admission::NoKey),
                Some(key) => {
                    let code = code.clone();
                    let n = *n;
                    let (state, tick) = (state.clone(), tick.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let url = api::admission(&code);
                        let read =
                            net::get::<AdmissionView>(&url, &[(FACILITATOR_KEY_HEADER, &key)])
                                .await;
                        let wait = match read {
                            Ok(v) => {
                                let next = u64::from(v.changes_in_ms) + 300;
                                state.set(Admission::Known(v));
                                next.min(EVERY.as_millis() as u64)
                            }
                            Err(e) if e.status == 401 || e.status == 403 => {
                                state.set(Admission::NoKey);
                                return;
                            }
                            // Offline for a moment: keep what is shown, try again soon.
                            Err(_) => 3000,
                        };
                        // Read again later (a reading after the page is gone is dropped).
                        Timeout::new(wait as u32, move || tick.set(n.wrapping_add(1))).forget();
                    });
                }
            }
        });
    }
    (*state).clone()
}
