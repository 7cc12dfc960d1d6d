//! The UI language: the one to start with, `<html lang>`, and the switcher.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{t, Key, Lang};
use crate::nav;
use crate::storage;

/// The language chosen before on this browser, else the browser's own.
pub fn initial_lang() -> Lang {
    if let Some(saved) = storage::lang() {
        if let Some(l) = Lang::ALL.into_iter().find(|l| l.tag() == saved) {
            return l;
        }
    }
    let browser = nav::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    Lang::from_tag(&browser)
}

/// Sets `<html lang>`.
pub fn set_document_lang(lang: Lang) {
    if let Some(el) = nav::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

/// The current language and what to do when another is chosen.
#[derive(Properties, PartialEq)]
pub struct LangSwitchProps {
    /// The current language.
    pub lang: Lang,
    /// Called with the chosen language.
    pub on_change: Callback<Lang>,
}

/// The language switcher in the top bar.
#[component]
pub fn LangSwitch(p: &LangSwitchProps) -> Html {
    let on_change = {
        let cb = p.on_change.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                let v = sel.value();
                if let Some(l) = Lang::ALL.into_iter().find(|l| l.tag() == v) {
                    cb.emit(l);
                }
            }
        })
    };
    html! {
        <label class="lang-switch">
            <Tr lang={p.lang} k={Key::Language} />
            <select id="lang" onchange={on_change} aria-label={t(p.lang, Key::Language)}>
                { for Lang::ALL.into_iter().map(|l| html! {
                    <option value={l.tag()} selected={l == p.lang} lang={l.tag()}>{ l.endonym() }</option>
                }) }
            </select>
        </label>
    }
}
