//! The room's rules, accepted once before anything else.

use polyphony_protocol::PhoneView;
use yew::prelude::*;

use super::banners::offline_banner;
use super::mine::description;
use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::state::{Outage, PhoneEvent};

/// The rules and the one button to accept them: that participation is anonymous always comes
/// first, then the room's own rules, or the standard ones.
fn consent_screen(lang: Lang, rules: &str, on_agree: Callback<MouseEvent>) -> Html {
    html! {
        <section class="consent" id="consent">
            <h2><Tr lang={lang} k={Key::ConsentTitle} /></h2>
            <ul class="rules" id="rules">
                <li id="rule-anonymous"><Tr lang={lang} k={Key::RuleAnonymous} /></li>
                if rules.trim().is_empty() {
                    <li><Tr lang={lang} k={Key::RuleShown} /></li>
                    <li><Tr lang={lang} k={Key::RuleNotes} /></li>
                }
            </ul>
            if !rules.trim().is_empty() {
                <p class="rules house-rules" id="house-rules">{ rules.to_string() }</p>
            }
            <button class="primary big" id="consent-agree" onclick={on_agree}><Tr lang={lang} k={Key::IAgree} /></button>
        </section>
    }
}

/// Before anything else: the topic, the room's background and its rules to accept.
pub(super) fn consent_page(
    lang: Lang,
    view: &PhoneView,
    online: bool,
    outage: Outage,
    queued: usize,
    dispatch: &Callback<PhoneEvent>,
) -> Html {
    let agree = {
        let d = dispatch.clone();
        Callback::from(move |_| d.emit(PhoneEvent::Consent))
    };
    html! {
        <main class="page phone" data-online={online.to_string()}>
            { offline_banner(lang, online, outage, queued) }
            <h1 class="topic">{ view.room.topic.clone() }</h1>
            { description(&view.room.description) }
            { consent_screen(lang, &view.room.rules, agree) }
        </main>
    }
}
