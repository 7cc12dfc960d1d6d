//! Why a phone could not join its room, as the phone says it.

use yew::prelude::*;

use crate::components::phone_parts::{closing_screen, AdmissionForm, JoinForm};
use crate::components::{error_text, Tr};
use crate::hooks::JoinFailure;
use crate::i18n::{Key, Lang};

/// Why the phone could not join: a wrong code (try again), a closed room (the closing screen,
/// with the report once published), or another refusal, worded from its code. `left`: the room
/// forgot this phone's token on this page, so a join that needs the code says so.
pub(super) fn join_failure(lang: Lang, code: &str, f: &JoinFailure, left: bool) -> Html {
    match f {
        JoinFailure::NoSuchRoom => html! {
            <main class="page phone" id="join-failed" data-reason="no_such_room">
                <p class="error" role="alert" id="join-error"><Tr lang={lang} k={Key::NoSuchRoom} /></p>
                <p class="hint"><Tr lang={lang} k={Key::PhoneTryAgain} /></p>
                <JoinForm lang={lang} initial={code.to_string()} />
            </main>
        },
        // A typed address is asked plainly for the code; a code that did not open the room is
        // an error to correct. Either way the phone says which room it is.
        JoinFailure::NeedsAdmission { tried, topic } => html! {
            <main class="page phone" id="join-failed" data-reason="admission" data-tried={tried.to_string()}>
                if let Some(topic) = topic { <h1 class="topic">{ topic.clone() }</h1> }
                if left {
                    // Its token forgotten (removed, or expired) and the code it came with spent:
                    // it did nothing wrong, it is asked to come back.
                    <p class="join-ask" id="join-ask" role="alert" data-left="true"><Tr lang={lang} k={Key::PhoneLeftRoom} /></p>
                } else if *tried {
                    <p class="error" role="alert" id="join-error"><Tr lang={lang} k={Key::ErrAdmission} /></p>
                } else {
                    <p class="join-ask" id="join-ask"><Tr lang={lang} k={Key::AdmissionAsk} /></p>
                }
                <AdmissionForm lang={lang} code={code.to_string()} />
            </main>
        },
        JoinFailure::Closed(info) => html! {
            <main class="page phone" id="join-failed" data-reason="closed">
                if let Some(i) = info { <h1 class="topic">{ i.topic.clone() }</h1> }
                { closing_screen(lang, code, info.as_ref().is_some_and(|i| i.controls.report_published), true) }
            </main>
        },
        JoinFailure::Refused { code: c, error } => html! {
            <main class="page phone" id="join-failed" data-reason="refused">
                <p class="error" role="alert" id="join-error">{ error_text(lang, *c, error) }</p>
                <JoinForm lang={lang} initial={code.to_string()} />
            </main>
        },
    }
}
