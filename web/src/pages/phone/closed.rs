//! A closed room on the phone: the closing screen and one's group, nothing left to tap.

use polyphony_protocol::PhoneView;
use yew::prelude::*;

use crate::components::phone_parts::closing_screen;
use crate::i18n::Lang;

/// The workshop is over: thanks, the report once published, one's group, nothing left to tap.
pub(super) fn closed_page(lang: Lang, view: &PhoneView, group: Option<Html>) -> Html {
    html! {
        <main class="page phone" data-closed="true" data-stage={view.room.stage.as_str()} data-task="closed">
            <h1 class="topic">{ view.room.topic.clone() }</h1>
            { closing_screen(lang, &view.room.code, view.room.controls.report_published, false) }
            { for group }
        </main>
    }
}
