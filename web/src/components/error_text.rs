//! A server error in the reader's language: worded from its stable code; the server's English
//! sentence only for a code this build has no words for.

use polyphony_protocol::ErrorCode;
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{error_key, Key, Lang};

/// One error, as a screen shows it.
pub fn error_text(lang: Lang, code: Option<ErrorCode>, error: &str) -> Html {
    match code.and_then(error_key) {
        Some(k) => html! { <Tr lang={lang} k={k} /> },
        None => html! { <><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ error.to_string() }</> },
    }
}
