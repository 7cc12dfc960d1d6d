//! The projector screen: the QR code to join, then the stage the facilitator chose. Every stage
//! fits one screen without scrolling (sizes in `style.css` scale with the viewport: body text
//! 36 px at 1920 × 1080); lists show only what fits ([`crate::state::fit`]), and the report
//! turns its pages by itself (or on a tap of the page number).
//!
//! The facilitator's controls (`RoomInfo.controls`) shape it: hidden results give a panel
//! instead of the map, the groups, what divides them and the report; a running timer shows
//! large in the heading line; a spotlight puts one statement alone on the screen; group names
//! stand beside their letters; each stage has one plain line saying what the room sees.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use polyphony_protocol::Stage;
use yew::prelude::*;

use crate::components::change::change_worth_showing;
use crate::components::room_line::room_line_text;
use crate::components::{
    group_cards_lines, qr_svg, stage_key, ChangeSummary, Consensus, Divisive, GroupCards,
    OpinionMap, ResultsHidden, RoomLine, Spectrum, Spotlight, TablesBoard, TimerClock, Tr,
};
use crate::hooks::use_room_socket;
use crate::i18n::{t, Key};
use crate::nav;
use crate::pages::CodeProps;
use crate::routes::{api, page};
use crate::state::{text_lines, Fit};

/// The room below the projector's heading line, in its text unit (see `style.css`: the screen is
/// about 52 × 29 ems; less padding and the heading line, about 50 ems by 19 lines of text).
const BODY: Fit = Fit {
    cols: 50.0,
    lines: 19.0,
};
/// The column beside the opinion map on the groups stage.
const BESIDE_MAP: Fit = Fit {
    cols: 29.0,
    lines: BODY.lines,
};
/// Half the screen (the report's summary page).
const HALF: Fit = Fit {
    cols: 24.0,
    lines: BODY.lines,
};
/// How long a report page stays up before the next, in milliseconds.
const REPORT_PAGE_MS: u32 = 20_000;

/// The report's page counter: one step a tick or a tap.
#[derive(Default, PartialEq)]
struct PageTurn(usize);

impl Reducible for PageTurn {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(PageTurn(self.0.wrapping_add(1)))
    }
}

/// The report's pages.
#[derive(Clone, Copy, PartialEq)]
enum ReportPage {
    /// Common ground and the groups.
    Summary,
    /// How the room changed since the groups first appeared.
    Change,
    /// Where the groups differ.
    Divisive,
    /// The latest spectrum and who moved.
    Spectrum,
}

/// The projector page.
#[component]
pub fn ScreenPage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let model = use_room_socket(Some(api::ws_screen(&p.code)));
    let turn = use_reducer(PageTurn::default);
    {
        let dispatcher = turn.dispatcher();
        use_effect_with((), move |_| {
            let timer = Interval::new(REPORT_PAGE_MS, move || dispatcher.dispatch(()));
            move || drop(timer)
        });
    }
    let m = model.borrow();
    let Some(view) = m.view.clone() else {
        return html! { <main class="page screen"><p role="status"><Tr lang={lang} k={Key::Loading} /></p></main> };
    };
    let Some(room) = view.room.clone() else {
        return html! {};
    };
    let phone_url = nav::absolute(&page::phone(&room.code));
    let counts = html! {
        <div class="counts">
            <div><span class="big" id="participant-count">{ view.participants }</span><Tr lang={lang} k={Key::Participants} /></div>
            <div><span class="big" id="vote-count">{ view.votes }</span><Tr lang={lang} k={Key::Votes} /></div>
        </div>
    };
    let controls = room.controls.clone();
    // The stage's plain line and a running timer take room from the body.
    let line = room_line_text(lang, &view);
    let extra = line
        .as_ref()
        .map_or(0.0, |l| text_lines(l, BODY.cols) + 0.2)
        + if controls.timer.is_some() { 0.5 } else { 0.0 };
    let body_fit = Fit {
        lines: BODY.lines - extra,
        ..BODY
    };
    let beside_map = Fit {
        lines: body_fit.lines,
        ..BESIDE_MAP
    };
    let half = Fit {
        lines: body_fit.lines,
        ..HALF
    };
    let names = controls.group_names.clone();
    let mut pages = vec![ReportPage::Summary];
    if view.change.as_ref().is_some_and(change_worth_showing) {
        pages.push(ReportPage::Change);
    }
    if !view.divisive.is_empty() {
        pages.push(ReportPage::Divisive);
    }
    if !view.spectrums.is_empty() {
        pages.push(ReportPage::Spectrum);
    }
    let page_no = turn.0 % pages.len();
    let spectrum = |hint: bool| match view.spectrums.last() {
        Some(sp) => {
            html! { <Spectrum lang={lang} spectrum={sp.clone()} names={names.clone()} fit={body_fit} /> }
        }
        None if hint => html! { <p class="hint"><Tr lang={lang} k={Key::NoSpectrumYet} /></p> },
        None => html! {},
    };
    let divisive = html! { <Divisive lang={lang} items={view.divisive.clone()} limit={5} fit={body_fit} names={names.clone()} /> };
    let hidden = controls.results_hidden
        && matches!(room.stage, Stage::Groups | Stage::Divisive | Stage::Report);
    let spotlit = controls
        .spotlight
        .filter(|id| view.statements.iter().any(|s| s.statement.id == *id));
    let body = match room.stage {
        _ if spotlit.is_some() => html! {
            <Spotlight lang={lang} view={view.clone()} statement={spotlit.unwrap_or_default()} />
        },
        _ if hidden => html! { <ResultsHidden lang={lang} view={view.clone()} /> },
        Stage::Collect => html! {
            <div class="collect">
                <div class="qr" aria-label={t(lang, Key::ScanToJoin)} role="img">{ qr_svg(&phone_url) }</div>
                <div class="join-text">
                    <h2><Tr lang={lang} k={Key::ScanToJoin} /></h2>
                    <p><Tr lang={lang} k={Key::OrOpen} /></p>
                    <p class="url">{ phone_url.clone() }</p>
                    <p class="code-line"><Tr lang={lang} k={Key::RoomCode} />{ " " }<span class="code" id="room-code">{ room.code.clone() }</span></p>
                    { counts.clone() }
                    if view.groups.is_empty() && view.min_participants_for_groups > 0 {
                        <p class="groups-need" id="groups-need"><Tr lang={lang} k={Key::VotersOfNeeded}
                            args={vec![("n", view.voters.to_string()), ("min", view.min_participants_for_groups.to_string())]} /></p>
                    }
                    if !room.description.trim().is_empty() {
                        <p class="description" id="room-description">{ room.description.clone() }</p>
                    }
                </div>
            </div>
        },
        Stage::Groups => {
            let left = Fit {
                lines: beside_map.lines - group_cards_lines(&view.groups, beside_map) - 0.5,
                ..beside_map
            };
            html! {
                <div class="groups-stage">
                    <OpinionMap lang={lang} view={view.clone()} />
                    <div class="side">
                        <GroupCards lang={lang} view={view.clone()} fit={beside_map} />
                        <Consensus lang={lang} view={view.clone()} limit={3} fit={left} />
                    </div>
                </div>
            }
        }
        Stage::Divisive => divisive.clone(),
        Stage::Spectrum => spectrum(true),
        Stage::Tables => match &view.tables {
            Some(tables) => html! { <TablesBoard lang={lang} tables={tables.clone()} /> },
            None => {
                html! { <p class="hint" id="no-tables"><Tr lang={lang} k={Key::NoTablesYet} /></p> }
            }
        },
        Stage::Report => {
            let shown = match pages[page_no] {
                ReportPage::Summary => html! {
                    <div class="report-summary">
                        <Consensus lang={lang} view={view.clone()} limit={5} fit={half} />
                        <GroupCards lang={lang} view={view.clone()} fit={half} />
                    </div>
                },
                ReportPage::Change => {
                    html! { <ChangeSummary lang={lang} view={view.clone()} fit={body_fit} /> }
                }
                ReportPage::Divisive => divisive.clone(),
                ReportPage::Spectrum => spectrum(false),
            };
            html! { <div class="report" data-page={page_no.to_string()}>{ shown }</div> }
        }
    };
    let next_page = {
        let dispatcher = turn.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(()))
    };
    html! {
        <main class="page screen" data-stage={room.stage.as_str()} data-online={m.online.to_string()}
            data-results-hidden={controls.results_hidden.to_string()} style={format!("--extra:{extra:.2}em")}>
            <div class="screen-head">
                <span class="stage-name"><Tr lang={lang} k={stage_key(room.stage)} /></span>
                <h1 class="topic">{ room.topic.clone() }</h1>
                if room.stage == Stage::Report && pages.len() > 1 {
                    <button id="report-page" class="report-page" type="button" onclick={next_page}
                        data-pages={pages.len().to_string()}>
                        { format!("{} / {} ›", page_no + 1, pages.len()) }
                        <span class="sr-only"><Tr lang={lang} k={Key::NextPage} /></span>
                    </button>
                }
                if room.stage != Stage::Collect {
                    <span class="mini-join" title={phone_url}><Tr lang={lang} k={Key::RoomCode} />{ " " }<strong>{ room.code.clone() }</strong></span>
                    { counts }
                }
                if !m.online { <span class="offline-dot" role="status"><Tr lang={lang} k={Key::Reconnecting} /></span> }
                if let Some(timer) = controls.timer { <TimerClock lang={lang} timer={timer} /> }
            </div>
            if spotlit.is_none() { <RoomLine lang={lang} view={view.clone()} /> }
            <div class="screen-body">{ body }</div>
        </main>
    }
}
