//! The app: the top bar (home link, language switcher) and the page the URL names; the
//! projector has no bar, only a corner with the language and a full-screen button. Every UI
//! string goes through [`Tr`] (which marks it with `data-i18n` for the browser tests); the
//! room's own texts are shown as entered.

use yew::prelude::*;

use crate::components::language::{initial_lang, set_document_lang};
use crate::components::{FullscreenButton, LangSwitch, Tr};
use crate::i18n::{Key, Lang};
use crate::pages::{ExplorePage, HostPage, PhonePage, ScreenPage, StartPage};
use crate::routes::{page, Route};
use crate::{nav, storage};

/// The whole app.
#[component]
pub fn App() -> Html {
    let lang = use_state(initial_lang);
    set_document_lang(*lang);
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |l: Lang| {
            storage::save_lang(l.tag());
            lang.set(l);
        })
    };
    let l = *lang;
    let route = Route::parse(&nav::path());
    if let Route::Screen(code) = route {
        // The projector is the whole screen: no site bar, only a small corner with the language
        // and the full-screen button.
        return html! {
            <>
                <ScreenPage lang={l} code={code} />
                <div class="screen-controls">
                    <FullscreenButton lang={l} />
                    <LangSwitch lang={l} on_change={on_lang} />
                </div>
            </>
        };
    }
    let page = match route {
        Route::Start => html! { <StartPage lang={l} /> },
        Route::Phone(code) => html! { <PhonePage lang={l} code={code} /> },
        Route::Screen(code) => html! { <ScreenPage lang={l} code={code} /> },
        Route::Host(code) => html! { <HostPage lang={l} code={code} /> },
        Route::Explore => html! { <ExplorePage lang={l} /> },
        Route::NotFound => {
            html! { <main class="page"><p><Tr lang={l} k={Key::NoSuchRoom} /></p></main> }
        }
    };
    html! {
        <>
            <header class="topbar">
                <a class="brand" href={page::HOME}>{ "Polyphony" }</a>
                <LangSwitch lang={l} on_change={on_lang} />
            </header>
            { page }
        </>
    }
}
