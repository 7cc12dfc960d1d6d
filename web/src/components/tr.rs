//! [`Tr`]: one translated string, marked for the browser tests.

use yew::prelude::*;

use crate::i18n::{fill, t, Key, Lang};

/// A translation key, with values for its `{placeholders}`.
#[derive(Properties, PartialEq)]
pub struct TrProps {
    /// The UI language.
    pub lang: Lang,
    /// The string.
    pub k: Key,
    /// Values for the placeholders, if any.
    #[prop_or_default]
    pub args: Vec<(&'static str, String)>,
}

/// One translated string, marked for the browser tests: `data-i18n` (or `data-i18n-template`
/// when it has placeholders) names its key.
#[component]
pub fn Tr(p: &TrProps) -> Html {
    let text = t(p.lang, p.k);
    if p.args.is_empty() {
        html! { <span data-i18n={p.k.name()}>{ text }</span> }
    } else {
        html! { <span data-i18n-template={p.k.name()}>{ fill(text, &p.args) }</span> }
    }
}
