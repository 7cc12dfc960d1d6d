//! The phone's banners and notices: offline or reconnecting, voting paused, votes waiting to go
//! out, and the last refusal worded from its code.

use yew::prelude::*;

use crate::components::{error_text, Tr};
use crate::i18n::{Key, Lang};
use crate::state::{Notice, Outage, PhoneModel};

/// While the socket is closed, what is true: "Offline" when the phone's own network is down,
/// "Reconnecting to the room…" when it is not (the room moving to another server, say); and how
/// many votes wait to go out. Nothing while online.
pub(super) fn offline_banner(lang: Lang, online: bool, outage: Outage, queued: usize) -> Html {
    if online {
        return html! {};
    }
    let (key, why) = match outage {
        Outage::NoNetwork => (Key::Offline, "no-network"),
        Outage::Reconnecting => (Key::RoomReconnecting, "reconnecting"),
    };
    html! {
        <div class="offline" role="status" id="offline" data-outage={why}>
            <Tr lang={lang} k={key} />
            if queued > 0 { <br />{ queued_votes(lang, queued) } }
        </div>
    }
}

/// "Voting is paused": votes are held, and how many wait (when online; offline says it).
pub(super) fn paused_banner(lang: Lang, online: bool, queued: usize) -> Html {
    html! {
        <div class="paused" role="status" id="paused">
            <strong><Tr lang={lang} k={Key::PhonePaused} /></strong>
            <p><Tr lang={lang} k={Key::PhoneHeldVotes} /></p>
            if queued > 0 && online { <p>{ queued_votes(lang, queued) }</p> }
        </div>
    }
}

/// "1 vote waiting to be sent", "3 votes waiting to be sent".
fn queued_votes(lang: Lang, queued: usize) -> Html {
    if queued == 1 {
        html! { <Tr lang={lang} k={Key::QueuedVote} /> }
    } else {
        html! { <Tr lang={lang} k={Key::QueuedVotes} args={vec![("n", queued.to_string())]} /> }
    }
}

/// The last refusal, worded from its code (nothing without one).
pub(super) fn refused(lang: Lang, m: &PhoneModel) -> Html {
    match &m.notice {
        Some(Notice::Refused { code: c, error }) => {
            html! { <p class="error" role="alert" id="refused">{ error_text(lang, *c, error) }</p> }
        }
        _ => html! {},
    }
}
