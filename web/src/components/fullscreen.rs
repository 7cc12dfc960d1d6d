//! The projector's full-screen button (the Fullscreen API); hidden in full screen by the style
//! sheet (`:root:fullscreen`), and not shown where the browser cannot go full screen.

use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::nav;

/// The UI language.
#[derive(Properties, PartialEq)]
pub struct FullscreenProps {
    /// The UI language.
    pub lang: Lang,
}

/// "Full screen": puts the whole page in full screen.
#[component]
pub fn FullscreenButton(p: &FullscreenProps) -> Html {
    let document = nav::window().and_then(|w| w.document());
    if !document.as_ref().is_some_and(|d| d.fullscreen_enabled()) {
        return html! {};
    }
    let onclick = Callback::from(move |_: MouseEvent| {
        if let Some(el) = document.as_ref().and_then(|d| d.document_element()) {
            let _ = el.request_fullscreen();
        }
    });
    html! {
        <button id="fullscreen" class="fullscreen" type="button" {onclick}>
            <Tr lang={p.lang} k={Key::FullScreen} />
        </button>
    }
}
