//! The report stage's pages as the console turns them: the turns counted while the pages turn by
//! themselves ([`use_page_turns`], the same count on the projector and the console), and the
//! console's page turner ([`PageTurner`]: previous, next, and "turn pages by itself", each one
//! `ControlRequest::ShowPage`).

use std::rc::Rc;

use gloo_timers::callback::Interval;
use polyphony_protocol::ControlRequest;
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::state::projector::{shown_page, REPORT_PAGE_MS};

/// The turns counted for one paging (page, auto) since it was set.
#[derive(Default, PartialEq)]
struct PageTurns {
    since: Option<(u32, bool)>,
    n: usize,
}

/// A step of [`PageTurns`].
enum Turn {
    /// The console set a page: count from zero for it.
    Reset((u32, bool)),
    /// Another [`REPORT_PAGE_MS`] went by.
    Next,
}

impl Reducible for PageTurns {
    type Action = Turn;
    fn reduce(self: Rc<Self>, action: Turn) -> Rc<Self> {
        Rc::new(match action {
            Turn::Reset(paging) => PageTurns {
                since: Some(paging),
                n: 0,
            },
            Turn::Next => PageTurns {
                since: self.since,
                n: self.n.wrapping_add(1),
            },
        })
    }
}

/// How many times the pages turned by themselves since the console set `paging` (page, auto):
/// one every [`REPORT_PAGE_MS`] while `active` (the stage is on) and `auto`, else 0.
#[hook]
pub fn use_page_turns(active: bool, paging: (u32, bool)) -> usize {
    let turns = use_reducer(PageTurns::default);
    {
        let dispatcher = turns.dispatcher();
        let turning = active && paging.1;
        use_effect_with((active, paging), move |&(_, paging)| {
            dispatcher.dispatch(Turn::Reset(paging));
            let interval = turning
                .then(|| Interval::new(REPORT_PAGE_MS, move || dispatcher.dispatch(Turn::Next)));
            move || drop(interval)
        });
    }
    if active && turns.since == Some(paging) {
        turns.n
    } else {
        0
    }
}

/// The console's page turner.
#[derive(Properties, PartialEq)]
pub struct PageTurnerProps {
    /// The UI language.
    pub lang: Lang,
    /// The control's heading.
    pub title: Key,
    /// How many pages the projector has.
    pub pages: usize,
    /// The page the console set and whether the pages turn by themselves
    /// (`RoomControls::page_of`).
    pub paging: (u32, bool),
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// "The projector shows page 2 of 3", then previous, next (each stops the pages turning by
/// themselves) and "turn pages by itself" (pressed while they do).
#[component]
pub fn PageTurner(p: &PageTurnerProps) -> Html {
    let lang = p.lang;
    let (page, auto) = p.paging;
    let turns = use_page_turns(true, p.paging);
    let shown = shown_page(page, auto, turns, p.pages);
    let show = |page: usize, auto: bool| {
        let send = p.send.clone();
        let page = u32::try_from(page).unwrap_or_default();
        Callback::from(move |_: MouseEvent| send.emit(ControlRequest::ShowPage { page, auto }))
    };
    let total = p.pages.max(1);
    html! {
        <div class="control" id="paging-control" data-page={shown.to_string()} data-auto={auto.to_string()}>
            <h3><Tr lang={lang} k={p.title} /></h3>
            <p class="status-note" id="paging-status">
                <Tr lang={lang} k={Key::PagingNote} args={vec![("n", (shown + 1).to_string()), ("total", total.to_string())]} />
                if auto { { " " }<Tr lang={lang} k={Key::PagingAutoNote} /> }
            </p>
            <div class="row">
                <button id="page-previous" disabled={shown == 0} onclick={show(shown.saturating_sub(1), false)}>
                    <span aria-hidden="true">{ "‹ " }</span><Tr lang={lang} k={Key::PreviousPage} />
                </button>
                <button id="page-next" disabled={shown + 1 >= total} onclick={show(shown + 1, false)}>
                    <Tr lang={lang} k={Key::NextPage} /><span aria-hidden="true">{ " ›" }</span>
                </button>
                <button id="page-auto" aria-pressed={auto.to_string()} onclick={show(shown, !auto)}>
                    <Tr lang={lang} k={Key::AutoPages} />
                </button>
            </div>
        </div>
    }
}
