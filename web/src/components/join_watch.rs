//! Who has been joining, on the console: joins in the last minute, who takes part and who only
//! joined, and a warning when one network address holds most of the room (a venue's wifi, or
//! one machine making identities: the facilitator can tell which from the room).

use yew::prelude::*;

use crate::components::Tr;
use crate::hooks::{use_admission, Admission};
use crate::i18n::{Key, Lang};

/// The props of [`JoinWatch`].
#[derive(Properties, PartialEq)]
pub struct JoinWatchProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
}

/// From this many participants, one address holding half of them is worth a word.
const WORTH_A_WARNING: u32 = 10;

/// The console's join figures, read every 15 s.
#[component]
pub fn JoinWatch(p: &JoinWatchProps) -> Html {
    let lang = p.lang;
    let Admission::Known(v) = use_admission(&p.code) else {
        return html! {};
    };
    let everyone = v.active + v.idle;
    let one_address = everyone >= WORTH_A_WARNING && v.top_address_percent >= 50;
    html! {
        <p class="join-watch" id="join-watch" data-joins={v.joins_last_minute.to_string()}
            data-active={v.active.to_string()} data-idle={v.idle.to_string()}>
            <Tr lang={lang} k={Key::JoinsLastMinute} args={vec![("n", v.joins_last_minute.to_string())]} />
            { " · " }
            <Tr lang={lang} k={Key::ActiveIdle} args={vec![("active", v.active.to_string()), ("idle", v.idle.to_string())]} />
            if let Some(code) = v.code.clone() {
                { " · " }<Tr lang={lang} k={Key::JoinCode} />{ " " }<strong id="console-join-code">{ code }</strong>
            }
            if one_address {
                <span class="warning" id="one-address" role="status"><br />
                    <Tr lang={lang} k={Key::OneAddress} args={vec![
                        ("percent", v.top_address_percent.to_string()),
                        ("n", v.top_address_participants.to_string()),
                    ]} />
                </span>
            }
        </p>
    }
}
