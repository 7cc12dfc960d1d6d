//! The projector screen: the QR code to join, then the stage the facilitator chose. Every stage
//! fits one screen without scrolling (sizes in `style.css` scale with the viewport: body text
//! 36 px at 1920 × 1080); lists show only what fits ([`crate::state::fit`]).
//!
//! The facilitator's controls (`RoomInfo.controls`) shape it: hidden results give a panel
//! instead of the map, the groups, what divides them and the report; paused voting puts a banner
//! under the heading line; a running timer shows large beside the stage's plain line (never
//! over the topic), says "Time" for a minute at zero and then leaves by itself; a spotlight puts
//! one statement alone on the screen; group names stand beside their letters; the report stage
//! opens on its first page and turns only as the console turns it (by hand, or every 20 s when
//! the facilitator lets it turn by itself); each stage has one plain line saying what the room
//! sees. A closed room says the workshop has ended, with the report's address once published.

use gloo_timers::callback::Timeout;
use polyphony_protocol::{RoomInfo, RoomView, Stage, Timer};
use yew::prelude::*;

use crate::components::consensus::{consensus_shown, consensus_that_fit};
use crate::components::room_line::room_line_text;
use crate::components::use_page_turns;
use crate::components::{
    group_cards_lines, qr_svg, stage_key, BriefScreen, ChangeSummary, Consensus, Divisive,
    GroupCards, OpinionMap, ResultsHidden, RoomLine, Spectrum, Spotlight, TablesBoard, TimerClock,
    Tr,
};
use crate::hooks::{page_title, use_admission, use_room_socket, use_title, Admission};
use crate::i18n::{t, Key, Lang};
use crate::nav;
use crate::pages::CodeProps;
use crate::routes::{api, page};
use crate::state::controls::names_by_label;
use crate::state::fit::text_width;
use crate::state::projector::{
    report_pages, shown_page, timer_gone_in, timer_phase, ReportPage, TimerPhase,
};
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
/// The opinion map's column on the groups stage (38vw, as `style.css`), and the lines the map
/// takes in it (its caption, and the map 640/900 as tall as wide).
const MAP_COLS: f64 = 20.0;
const MAP_LINES: f64 = 12.5;
/// Half the screen (the report's summary page).
const HALF: Fit = Fit {
    cols: 24.0,
    lines: BODY.lines,
};
/// Lines the paused-voting banner takes (its larger type and padding).
const PAUSED_LINES: f64 = 1.7;
/// Width of the timer beside the plain line, in ems ("00:00 Time" in large type).
const TIMER_EMS: f64 = 10.0;

/// The most statements a projector list shows (the divisive ones the server sends); how many
/// of them fit is measured on the page (`components::list_fit`).
const LIST_MAX: usize = 10;

/// This screen's clock, ms since the epoch.
fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The projector page: the heading line, the paused banner, the stage's plain line with a
/// running timer, and the stage's body in the room they leave.
#[component]
pub fn ScreenPage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let model = use_room_socket(Some(api::ws_screen(&p.code)));
    let admission = use_admission(&p.code, 0);
    let topic = model.borrow().topic();
    use_title(page_title(t(lang, Key::TitleScreen), topic.as_deref()));
    let (stage_now, controls_now) = model
        .borrow()
        .view
        .as_ref()
        .and_then(|v| v.room.as_ref())
        .map(|r| (Some(r.stage), r.controls.clone()))
        .unwrap_or_default();
    // The report's pages turn by themselves only when the console says so, from its page.
    let turns = use_page_turns(
        stage_now == Some(Stage::Report),
        controls_now.page_of(Stage::Report),
    );
    use_redraw_when_gone(controls_now.timer);
    let m = model.borrow();
    let Some(view) = m.view.clone() else {
        return html! { <main class="page screen"><p role="status"><Tr lang={lang} k={Key::Loading} /></p></main> };
    };
    let Some(room) = view.room.clone() else {
        return html! {};
    };
    let join = Join::new(lang, &room, &admission);
    let controls = &room.controls;
    let spotlit = controls
        .spotlight
        .filter(|id| view.statements.iter().any(|s| s.statement.id == *id));
    let timer = controls
        .timer
        .filter(|t| !room.closed && timer_phase(t, now_ms()) != TimerPhase::Gone);
    let paused = controls.voting_paused && !room.closed;
    let line = spotlit
        .is_none()
        .then(|| room_line_text(lang, &view))
        .flatten();
    // The paused banner, the stage's plain line and a running timer beside it take room from
    // the body.
    let extra =
        sub_lines(line.as_deref(), timer.is_some()) + if paused { PAUSED_LINES } else { 0.0 };
    let fit = Fit {
        lines: BODY.lines - extra,
        ..BODY
    };
    let pages = report_pages(&view);
    let (page, auto) = controls.page_of(Stage::Report);
    let page_no = shown_page(page, auto, turns, pages.len());
    let hidden = controls.results_hidden
        && matches!(room.stage, Stage::Groups | Stage::Divisive | Stage::Report);
    let body = match room.stage {
        _ if room.closed => ended(lang, &room.code, controls.report_published),
        _ if spotlit.is_some() => html! {
            <Spotlight lang={lang} view={view.clone()} statement={spotlit.unwrap_or_default()} />
        },
        _ if hidden => html! { <ResultsHidden lang={lang} view={view.clone()} /> },
        _ => stage_body(lang, &view, &room, &join, fit, (&pages, page_no)),
    };
    let report_page = (room.stage == Stage::Report
        && !room.closed
        && !hidden
        && spotlit.is_none()
        && pages.len() > 1)
        .then(|| report_page_of(lang, page_no, pages.len(), auto));
    html! {
        <main class="page screen" data-stage={room.stage.as_str()} data-online={m.online.to_string()}
            data-results-hidden={controls.results_hidden.to_string()} data-closed={room.closed.to_string()}
            data-paused={paused.to_string()} style={format!("--extra:{extra:.2}em")}>
            <div class="screen-head">
                <span class="stage-name"><Tr lang={lang} k={stage_key(room.stage)} /></span>
                <h1 class="topic">{ room.topic.clone() }</h1>
                { for report_page }
                if room.stage != Stage::Collect || room.closed || spotlit.is_some() {
                    { corner(lang, &view, &room, &join, room.stage != Stage::Brief || room.closed || spotlit.is_some()) }
                }
                if !m.online { <span class="offline-dot" role="status"><Tr lang={lang} k={Key::Reconnecting} /></span> }
            </div>
            if paused { { paused_banner(lang) } }
            if !room.closed && (line.is_some() || timer.is_some()) {
                <div class="screen-sub">
                    if spotlit.is_none() { <RoomLine lang={lang} view={view.clone()} /> }
                    if let Some(timer) = timer { <TimerClock lang={lang} timer={timer} fades={true} /> }
                </div>
            }
            <div class="screen-body">{ body }</div>
        </main>
    }
}

/// An ended timer leaves the screen a minute after zero: draw the screen again then.
#[hook]
fn use_redraw_when_gone(timer: Option<Timer>) {
    let redraw = use_force_update();
    use_effect_with(timer, move |timer| {
        let later = timer.and_then(|t| timer_gone_in(&t, now_ms())).map(|ms| {
            let ms = u32::try_from(ms + 50).unwrap_or(u32::MAX);
            Timeout::new(ms, move || redraw.force_update())
        });
        move || drop(later)
    });
}

/// The body of the stage the room is at, in `fit` (`report`: the report's pages and the one
/// shown).
fn stage_body(
    lang: Lang,
    view: &RoomView,
    room: &RoomInfo,
    join: &Join,
    fit: Fit,
    (pages, page_no): (&[ReportPage], usize),
) -> Html {
    match room.stage {
        Stage::Brief => {
            // The briefing: the card the console turned to, or every 20 s by itself, above the
            // address to join by.
            let (page, auto) = room.controls.page_of(Stage::Brief);
            let fit = Fit {
                lines: fit.lines - join_bar_lines(lang, join),
                ..fit
            };
            html! { <>
                <BriefScreen lang={lang} cards={room.brief.clone()} {page} {auto} {fit} />
                { join_bar(lang, join) }
            </> }
        }
        Stage::Collect => collect_stage(lang, view, room, join),
        Stage::Groups => groups_stage(lang, view, fit),
        Stage::Divisive => divisive(lang, view, fit),
        Stage::Spectrum => spectrum(lang, view, fit, true),
        Stage::Tables => tables_stage(lang, view),
        Stage::Report => report_stage(lang, view, fit, pages[page_no], page_no),
    }
}

/// The lines the stage's plain line and a running timer beside it take under the heading.
fn sub_lines(line: Option<&str>, timer: bool) -> f64 {
    if line.is_none() && !timer {
        return 0.0;
    }
    let line_cols = BODY.cols - if timer { TIMER_EMS } else { 0.0 };
    line.map_or(0.0, |l| text_lines(l, line_cols))
        .max(if timer { 1.6 } else { 0.0 })
        + 0.25
}

/// How phones join, as this screen can say it: the phone page's address, the admission code
/// when this browser knows it (never in a closed room), and the QR code carrying both.
struct Join {
    phone_url: String,
    code: Option<String>,
    /// A QR code is shown (else the screen asks to join from the phone).
    qr_shown: bool,
    qr: Html,
}

impl Join {
    fn new(lang: Lang, room: &RoomInfo, admission: &Admission) -> Join {
        let phone_url = nav::absolute(&page::phone(&room.code));
        // The QR code carries the admission code (`#join=`: never sent to the server by the
        // browser, read by the phone's page); a typed address asks for it on the phone.
        let open = room.settings.open_admission;
        // A closed room takes no joins: no joining code in its corner.
        let code = admission
            .code()
            .filter(|_| !room.closed)
            .map(str::to_string);
        let join_url = match &code {
            Some(c) => format!("{phone_url}#join={c}"),
            None => phone_url.clone(),
        };
        // Without the key this screen cannot know the code: a QR code would let nobody in.
        let qr_shown = open || !matches!(admission, Admission::NoKey);
        let qr = match (admission, open) {
            (_, true) | (Admission::Known(_), _) => html! {
                <div class="qr" aria-label={t(lang, Key::ScanToJoin)} role="img" data-join={code.clone().unwrap_or_default()}>{ qr_svg(&join_url) }</div>
            },
            (Admission::NoKey, false) => html! {
                <p class="qr-missing" id="qr-needs-console" role="status"><Tr lang={lang} k={Key::ScreenNeedsConsole} /></p>
            },
            (Admission::Loading, false) => html! { <div class="qr" /> },
        };
        Join {
            phone_url,
            code,
            qr_shown,
            qr,
        }
    }
}

/// The briefing's join bar, under the card: the phone page's address to type and the joining
/// code, in large type, for whoever comes in during the briefing and cannot scan a code (the
/// card has the screen; the QR code comes with collecting). The address the collect stage
/// writes under its QR code; the corner leaves the codes to it.
fn join_bar(lang: Lang, join: &Join) -> Html {
    html! {
        <div class="join-bar" id="join-bar">
            <span class="join-label"><Tr lang={lang} k={Key::JoinOnPhone} /></span>
            <span class="url" id="brief-join-url">{ join.phone_url.clone() }</span>
            if let Some(c) = &join.code {
                <span class="code-line"><Tr lang={lang} k={Key::JoinCode} /><span class="code" id="brief-join-code">{ c.clone() }</span></span>
            }
        </div>
    }
}

/// Lines the join bar takes under the briefing's card (as `style.css`: the address and the code
/// at 1.4 `--u`, a rule and a gap above): one row when its label, the address and the code fit
/// side by side, else two.
fn join_bar_lines(lang: Lang, join: &Join) -> f64 {
    const BIG: f64 = 1.4;
    let code = join.code.as_deref().map_or(0.0, |c| {
        text_width(t(lang, Key::JoinCode)) + 0.4 + BIG * 1.15 * text_width(c) + 1.0
    });
    let width = text_width(t(lang, Key::JoinOnPhone))
        + 1.0
        + BIG * 1.1 * text_width(&join.phone_url)
        + code;
    let rows = if width <= BODY.cols { 1.0 } else { 2.0 };
    rows * BIG + 0.6
}

/// How many people joined and how many votes they cast.
fn counts(lang: Lang, view: &RoomView) -> Html {
    html! {
        <div class="counts">
            <div><span class="big" id="participant-count">{ view.participants }</span><Tr lang={lang} k={Key::Participants} /></div>
            <div><span class="big" id="vote-count">{ view.votes }</span><Tr lang={lang} k={Key::Votes} /></div>
        </div>
    }
}

/// "Page 2 of 3" in the heading line while the report has more than one page.
fn report_page_of(lang: Lang, page_no: usize, pages: usize, auto: bool) -> Html {
    html! {
        <span id="report-page" class="report-page" data-pages={pages.to_string()}
            data-page={page_no.to_string()} data-auto={auto.to_string()}>
            <Tr lang={lang} k={Key::PageOf} args={vec![("n", (page_no + 1).to_string()), ("total", pages.to_string())]} />
        </span>
    }
}

/// The heading line's corner: the codes (with `codes`) above the counts, so that the topic keeps
/// the width (in English the four side by side cut it on every stage). While collecting, the
/// join panel says them, and during the briefing the join bar under the card; a spotlight takes
/// their place, so the corner says them instead: latecomers can still join.
fn corner(lang: Lang, view: &RoomView, room: &RoomInfo, join: &Join, codes: bool) -> Html {
    html! {
        <div class="corner">
            if codes {
                <span class="mini-join" title={join.phone_url.clone()}><Tr lang={lang} k={Key::RoomCode} />{ " " }<strong>{ room.code.clone() }</strong>
                    if let Some(c) = join.code.clone() { { " · " }<Tr lang={lang} k={Key::JoinCode} />{ " " }<strong id="mini-join-code">{ c }</strong> }</span>
            }
            { counts(lang, view) }
        </div>
    }
}

/// "Voting is paused", under the heading line.
fn paused_banner(lang: Lang) -> Html {
    html! {
        <p class="paused-banner" id="voting-paused" role="status">
            <span class="paused-mark" aria-hidden="true">{ "❚❚" }</span><Tr lang={lang} k={Key::ScreenPaused} />
        </p>
    }
}

/// Collecting: the QR code, the address and the codes to join, the counts, how many voters
/// groups still need, and the room's background.
fn collect_stage(lang: Lang, view: &RoomView, room: &RoomInfo, join: &Join) -> Html {
    // A line of its own under the room's code: side by side, the two codes did not fit beside
    // the QR code and broke in the middle.
    let join_code_line = join.code.as_ref().map(|c| {
        html! { <p class="code-line"><Tr lang={lang} k={Key::JoinCode} />{ " " }<span class="code" id="join-code">{ c.clone() }</span></p> }
    });
    html! {
        <div class="collect">
            { join.qr.clone() }
            <div class="join-text">
                if join.qr_shown {
                    <h2><Tr lang={lang} k={Key::ScanToJoin} /></h2>
                    <p><Tr lang={lang} k={Key::OrOpen} /></p>
                } else {
                    <h2 id="join-on-phone"><Tr lang={lang} k={Key::JoinOnPhone} /></h2>
                }
                <p class="url">{ join.phone_url.clone() }</p>
                <p class="code-line"><Tr lang={lang} k={Key::RoomCode} />{ " " }<span class="code" id="room-code">{ room.code.clone() }</span></p>
                { join_code_line }
                { counts(lang, view) }
                if view.groups.is_empty() && view.min_participants_for_groups > 0 {
                    <p class="groups-need" id="groups-need"><Tr lang={lang} k={Key::VotersOfNeeded}
                        args={vec![("n", view.voters.to_string()), ("min", view.min_participants_for_groups.to_string())]} /></p>
                }
                if !room.description.trim().is_empty() {
                    <p class="description" id="room-description">{ room.description.clone() }</p>
                }
            </div>
        </div>
    }
}

/// The groups: the opinion map, the group cards beside it, and common ground where it fits
/// best: under the map (its column's bottom third), or beside it under the group cards when
/// more of it fits there.
fn groups_stage(lang: Lang, view: &RoomView, fit: Fit) -> Html {
    let beside_map = Fit {
        lines: fit.lines,
        ..BESIDE_MAP
    };
    let beside = Fit {
        lines: beside_map.lines - group_cards_lines(&view.groups, beside_map) - 0.5,
        ..beside_map
    };
    let under = Fit {
        cols: MAP_COLS,
        lines: fit.lines - MAP_LINES,
    };
    let whole_beside = consensus_that_fit(&view.consensus, beside);
    let under_shown = consensus_shown(&view.consensus, under).0;
    let put_beside = whole_beside > 0 && whole_beside >= under_shown;
    html! {
        <div class="groups-stage">
            <div class="map-col">
                <OpinionMap lang={lang} view={view.clone()} />
                if !put_beside { <Consensus lang={lang} view={view.clone()} limit={LIST_MAX} fit={under} /> }
            </div>
            <div class="side">
                <GroupCards lang={lang} view={view.clone()} fit={beside_map} />
                if put_beside { <Consensus lang={lang} view={view.clone()} limit={LIST_MAX} fit={beside} /> }
            </div>
        </div>
    }
}

/// What divides the groups.
fn divisive(lang: Lang, view: &RoomView, fit: Fit) -> Html {
    let names = view
        .room
        .as_ref()
        .map(|r| r.controls.group_names.clone())
        .unwrap_or_default();
    html! { <Divisive lang={lang} items={view.divisive.clone()} limit={LIST_MAX} {fit} {names} /> }
}

/// The last spectrum, or (with `hint`) a line saying there is none yet.
fn spectrum(lang: Lang, view: &RoomView, fit: Fit, hint: bool) -> Html {
    let names = view
        .room
        .as_ref()
        .map(|r| r.controls.group_names.clone())
        .unwrap_or_default();
    match view.spectrums.last() {
        Some(sp) => html! { <Spectrum lang={lang} spectrum={sp.clone()} {names} {fit} /> },
        None if hint => html! { <p class="hint"><Tr lang={lang} k={Key::NoSpectrumYet} /></p> },
        None => html! {},
    }
}

/// The discussion tables, or a line saying they are not formed yet.
fn tables_stage(lang: Lang, view: &RoomView) -> Html {
    match &view.tables {
        Some(tables) => {
            html! { <TablesBoard lang={lang} tables={tables.clone()} names={names_by_label(view)} /> }
        }
        None => {
            html! { <p class="hint" id="no-tables"><Tr lang={lang} k={Key::NoTablesYet} /></p> }
        }
    }
}

/// The report's page `page_no`: the summary (common ground beside the groups), what changed,
/// what divides, or the spectrum.
fn report_stage(lang: Lang, view: &RoomView, fit: Fit, page: ReportPage, page_no: usize) -> Html {
    let half = Fit {
        lines: fit.lines,
        ..HALF
    };
    let shown = match page {
        ReportPage::Summary => html! {
            <div class="report-summary">
                <Consensus lang={lang} view={view.clone()} limit={LIST_MAX} fit={half} />
                <GroupCards lang={lang} view={view.clone()} fit={half} />
            </div>
        },
        ReportPage::Change => html! { <ChangeSummary lang={lang} view={view.clone()} {fit} /> },
        ReportPage::Divisive => divisive(lang, view, fit),
        ReportPage::Spectrum => spectrum(lang, view, fit, false),
    };
    html! { <div class="report" data-page={page_no.to_string()}>{ shown }</div> }
}

/// The end of the workshop: thanks, and where to read the report once it is published (its
/// address and a code to scan).
fn ended(lang: Lang, code: &str, published: bool) -> Html {
    let report_url = nav::absolute(&page::report(code, None));
    html! {
        <div class="ended" id="room-ended" role="status">
            <div class="ended-text">
                <h2><Tr lang={lang} k={Key::ScreenEnded} /></h2>
                <p class="thanks"><Tr lang={lang} k={Key::ScreenThanks} /></p>
                if published {
                    <p class="report-at"><Tr lang={lang} k={Key::ScreenReportAt} /></p>
                    <p class="url" id="report-url">{ report_url.clone() }</p>
                }
            </div>
            if published {
                <div class="qr" aria-label={t(lang, Key::ScreenReportAt)} role="img">{ qr_svg(&report_url) }</div>
            }
        </div>
    }
}
