//! Where each part of the room goes on the phone: the current task whole on the first screen,
//! everything else folded under "my room".

use polyphony_protocol::RoomInfo;
use yew::prelude::*;

use super::mine::description;
use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::state::PhoneTask;

/// Each part of the room the phone can show, rendered once (empty where there is none);
/// [`task_and_rest`] orders them.
pub(super) struct Parts {
    pub(super) group: Html,
    pub(super) group_note: Html,
    pub(super) table: Html,
    pub(super) spectrum: Html,
    pub(super) voting: Html,
    pub(super) add: Html,
    pub(super) mine: Html,
    pub(super) report: Html,
    pub(super) brief: Html,
}

/// The current task, whole on the first screen, and everything else, which folds under "my
/// room". At collect, the statements one wrote belong to the task (one sees a statement arrive).
pub(super) fn task_and_rest(task: PhoneTask, p: Parts) -> (Html, Html) {
    let Parts {
        group,
        group_note,
        table,
        spectrum,
        voting,
        add,
        mine,
        report,
        brief,
    } = p;
    match task {
        PhoneTask::Vote | PhoneTask::AllVoted => (
            html! { <>{ voting }{ add }{ mine }</> },
            html! { <>{ group }{ table }</> },
        ),
        PhoneTask::Revote { .. } => (
            voting,
            html! { <>{ group }{ group_note }{ table }{ add }</> },
        ),
        PhoneTask::Groups => (
            html! { <>{ group }{ group_note }</> },
            html! { <>{ table }{ voting }{ add }</> },
        ),
        PhoneTask::Spectrum { .. } => (
            html! { <>{ spectrum }</> },
            html! { <>{ group }{ group_note }{ table }{ voting }{ add }</> },
        ),
        PhoneTask::Table => (
            html! { <>{ table }</> },
            html! { <>{ group }{ group_note }{ voting }{ add }</> },
        ),
        PhoneTask::Report => (html! { <>{ report }{ group }</> }, html! { <>{ table }</> }),
        PhoneTask::Start | PhoneTask::Closed => {
            (html! {}, html! { <>{ group }{ table }{ voting }{ add }</> })
        }
        PhoneTask::Brief => (brief, html! { <>{ group }{ table }{ voting }{ add }</> }),
    }
}

/// "My room", folded: what is not the current task, one's statements (unless the task shows
/// them), the room's background and its briefing (unless that is the task).
pub(super) fn my_room(
    lang: Lang,
    task: PhoneTask,
    rest: Html,
    mine: Html,
    room: &RoomInfo,
) -> Html {
    let collecting = matches!(task, PhoneTask::Vote | PhoneTask::AllVoted);
    html! {
        <details class="my-room" id="my-room">
            <summary><Tr lang={lang} k={Key::PhoneMyRoom} /></summary>
            { rest }
            if !collecting { { mine } }
            { description(&room.description) }
            if task != PhoneTask::Brief { { crate::components::brief_list(lang, &room.brief) } }
        </details>
    }
}
