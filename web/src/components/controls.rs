//! The console's room controls: hide or reveal results, pause or resume voting, on the report
//! stage the projector's page (previous, next, turning by itself), a timer, the spotlight,
//! freezing the groups (updating or releasing them only after a confirmation), group names, a
//! second vote and the take-away report; and closing the room, with a confirmation.
//! Each button sends one `ControlRequest`; the screens read the new controls from the next room
//! view.

use std::collections::HashMap;

use polyphony_protocol::REVOTE_MAX_STATEMENTS;
use polyphony_protocol::{
    ControlRequest, GroupView, Revote, RoomControls, RoomInfo, RoomView, Stage, StatementId,
    StatementStats, Timer, TIMER_MAX_MINUTES,
};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{input_value, PageTurner, TimerClock, Tr};
use crate::group_colour;
use crate::i18n::{error_key, t, Key, Lang};
use crate::net::HttpError;
use crate::routes::{api, page};
use crate::state::controls::{by_divisiveness, live_groups_notice, revote_preselection};
use crate::state::projector::report_pages;
use crate::{nav, net};

/// What the console's panels need.
#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
    /// The facilitator key.
    pub host_key: String,
    /// The latest room view (its `room.controls` are the current controls).
    pub view: RoomView,
    /// Shows a request's failure (or clears it).
    pub on_error: Callback<Option<String>>,
}

/// A failed request in the facilitator's language: worded from its stable code, else the
/// server's sentence after "Something went wrong:".
pub fn worded(lang: Lang, e: HttpError) -> String {
    match e.code.and_then(error_key) {
        Some(k) => t(lang, k).to_string(),
        None => format!("{} {}", t(lang, Key::ErrorPrefix), e.message),
    }
}

/// A callback that POSTs one control to the room and reports the outcome.
pub fn control_sender(
    lang: Lang,
    code: &str,
    key: &str,
    on_error: &Callback<Option<String>>,
) -> Callback<ControlRequest> {
    let (url, key, on_error) = (api::controls(code), key.to_string(), on_error.clone());
    Callback::from(move |req: ControlRequest| {
        let (url, key, on_error) = (url.clone(), key.clone(), on_error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let r =
                net::post::<_, RoomInfo>(&url, &[(api::FACILITATOR_KEY_HEADER, &key)], Some(&req))
                    .await;
            on_error.emit(r.err().map(|e| worded(lang, e)));
        });
    })
}

/// A statement's text cut for a select's option.
fn short(text: &str) -> String {
    let mut s: String = text.chars().take(90).collect();
    if text.chars().count() > 90 {
        s.push('…');
    }
    s
}

/// A button's click that sends one control.
fn on_click(send: &Callback<ControlRequest>, req: ControlRequest) -> Callback<MouseEvent> {
    let send = send.clone();
    Callback::from(move |_: MouseEvent| send.emit(req.clone()))
}

/// The room controls panel: one control per job, each sending its own `ControlRequest`s.
#[component]
pub fn RoomControlsPanel(p: &ConsoleProps) -> Html {
    let lang = p.lang;
    let send = control_sender(lang, &p.code, &p.host_key, &p.on_error);
    let room = p.view.room.as_ref();
    let controls = room.map(|r| r.controls.clone()).unwrap_or_default();
    let closed = room.is_some_and(|r| r.closed);
    let report_stage = room.is_some_and(|r| r.stage == Stage::Report);
    let statements = by_divisiveness(&p.view.statements);
    let has_groups = !p.view.groups.is_empty();
    html! {
        <section class="card controls" id="room-controls">
            <h2><Tr lang={lang} k={Key::ControlsTitle} /></h2>
            <div class="control-grid">
                <div class="control" id="results-control">{ results_control(lang, controls.results_hidden, &send) }</div>
                <div class="control" id="voting-control">{ voting_control(lang, closed, controls.voting_paused, &send) }</div>
            </div>
            if report_stage {
                <PageTurner lang={lang} title={Key::ReportPagesTitle} pages={report_pages(&p.view).len()}
                    paging={controls.page_of(Stage::Report)} send={send.clone()} />
                // The report stage's own step (publish it): here, not under every other control.
                { report_control(lang, &p.code, &p.host_key, controls.report_published, &send) }
            }
            <TimerControl lang={lang} timer={controls.timer} send={send.clone()} />
            <SpotlightControl lang={lang} statements={statements.clone()} spotlight={controls.spotlight} send={send.clone()} />
            if has_groups || controls.groups_frozen {
                <FreezeGroupsControl lang={lang} frozen={controls.groups_frozen} notice={live_groups_notice(&p.view)} send={send.clone()} />
            }
            <GroupNamesControl lang={lang} groups={p.view.groups.clone()} controls={controls.clone()} send={send.clone()} />
            <RevoteControl lang={lang} statements={statements} revote={controls.revote.clone()}
                preselection={revote_preselection(&p.view)} send={send.clone()} />
            if !report_stage { { report_control(lang, &p.code, &p.host_key, controls.report_published, &send) } }
        </section>
    }
}

/// Whether the screens show results: the state, and the button that changes it.
fn results_control(lang: Lang, hidden: bool, send: &Callback<ControlRequest>) -> Html {
    if hidden {
        html! { <>
            <p class="status-note" id="results-status" data-hidden="true"><Tr lang={lang} k={Key::ResultsHiddenNote} /></p>
            <button id="reveal-results" class="primary" onclick={on_click(send, ControlRequest::RevealResults)}><Tr lang={lang} k={Key::RevealResults} /></button>
        </> }
    } else {
        html! { <>
            <p class="status-note" id="results-status" data-hidden="false"><Tr lang={lang} k={Key::ResultsShownNote} /></p>
            <button id="hide-results" onclick={on_click(send, ControlRequest::HideResults)}><Tr lang={lang} k={Key::HideResults} /></button>
        </> }
    }
}

/// Whether phones may vote: the state, and the button that changes it (none once closed).
fn voting_control(lang: Lang, closed: bool, paused: bool, send: &Callback<ControlRequest>) -> Html {
    if closed {
        html! { <p class="status-note" id="voting-status" data-closed="true"><Tr lang={lang} k={Key::VotingClosedNote} /></p> }
    } else if paused {
        html! { <>
            <p class="status-note" id="voting-status" data-paused="true"><Tr lang={lang} k={Key::VotingPausedNote} /></p>
            <button id="resume-voting" class="primary" onclick={on_click(send, ControlRequest::ResumeVoting)}><Tr lang={lang} k={Key::ResumeVoting} /></button>
        </> }
    } else {
        html! { <>
            <p class="status-note" id="voting-status" data-paused="false"><Tr lang={lang} k={Key::VotingOpenNote} /></p>
            <button id="pause-voting" onclick={on_click(send, ControlRequest::PauseVoting)}><Tr lang={lang} k={Key::PauseVoting} /></button>
        </> }
    }
}

/// The timer control.
#[derive(Properties, PartialEq)]
pub struct TimerControlProps {
    /// The UI language.
    pub lang: Lang,
    /// The running timer, if any.
    pub timer: Option<Timer>,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// Minutes to start a timer with, and while one runs, its clock and a stop button.
#[component]
pub fn TimerControl(p: &TimerControlProps) -> Html {
    let lang = p.lang;
    // The minutes as typed: a value outside 1–30 is said, not silently changed.
    let minutes_text = use_state(|| "5".to_string());
    let minutes = minutes_text
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=TIMER_MAX_MINUTES).contains(m));
    let on_minutes = {
        let minutes_text = minutes_text.clone();
        Callback::from(move |e: InputEvent| minutes_text.set(input_value(&e)))
    };
    let start_timer = {
        let send = p.send.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(minutes) = minutes {
                send.emit(ControlRequest::StartTimer { minutes })
            }
        })
    };
    html! {
        <div class="control" id="timer-control">
            <label for="timer-minutes"><Tr lang={lang} k={Key::TimerMinutes} /></label>
            <div class="row">
                <input id="timer-minutes" class="size-input" type="number" min="1" max={TIMER_MAX_MINUTES.to_string()}
                    value={(*minutes_text).clone()} oninput={on_minutes} aria-invalid={minutes.is_none().to_string()} />
                <button id="start-timer" onclick={start_timer} disabled={minutes.is_none()}><Tr lang={lang} k={Key::StartTimer} /></button>
                if let Some(timer) = p.timer {
                    <TimerClock lang={lang} timer={timer} id="console-timer" />
                    <button id="stop-timer" onclick={on_click(&p.send, ControlRequest::StopTimer)}><Tr lang={lang} k={Key::StopTimer} /></button>
                }
            </div>
            if minutes.is_none() {
                <p class="error" id="timer-range" role="alert"><Tr lang={lang} k={Key::TimerRange} args={vec![("max", TIMER_MAX_MINUTES.to_string())]} /></p>
            }
        </div>
    }
}

/// The spotlight control.
#[derive(Properties, PartialEq)]
pub struct SpotlightControlProps {
    /// The UI language.
    pub lang: Lang,
    /// The statements, most divisive first (`state::controls::by_divisiveness`).
    pub statements: Vec<(StatementStats, Option<f64>)>,
    /// The statement in the spotlight, if any.
    pub spotlight: Option<StatementId>,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// A statement to put alone on the screen (the most divisive first), and the one there now.
#[component]
pub fn SpotlightControl(p: &SpotlightControlProps) -> Html {
    let lang = p.lang;
    let chosen = use_state(|| None::<StatementId>);
    let current = chosen
        .or(p.spotlight)
        .or_else(|| p.statements.first().map(|(s, _)| s.statement.id));
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                chosen.set(sel.value().parse().ok());
            }
        })
    };
    let show_spotlight = {
        let send = p.send.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(id) = current {
                send.emit(ControlRequest::Spotlight {
                    statement: Some(id),
                });
            }
        })
    };
    let spotlit_text = p.spotlight.and_then(|id| {
        p.statements
            .iter()
            .find(|(s, _)| s.statement.id == id)
            .map(|(s, _)| s.statement.text.clone())
    });
    html! {
        <div class="control" id="spotlight-control">
            <label for="spotlight-select"><Tr lang={lang} k={Key::SpotlightLabel} /></label>
            <select id="spotlight-select" onchange={on_choose}>
                { for p.statements.iter().map(|(s, _)| html! {
                    <option value={s.statement.id.to_string()} selected={current == Some(s.statement.id)}>
                        { format!("#{} {}", s.statement.id, short(&s.statement.text)) }
                    </option>
                }) }
            </select>
            <div class="row">
                <button id="spotlight-show" onclick={show_spotlight} disabled={current.is_none()}><Tr lang={lang} k={Key::SpotlightShow} /></button>
                if p.spotlight.is_some() {
                    <button id="spotlight-clear" onclick={on_click(&p.send, ControlRequest::Spotlight { statement: None })}><Tr lang={lang} k={Key::SpotlightClear} /></button>
                }
            </div>
            if let Some(text) = spotlit_text {
                <p class="status-note" id="spotlight-now"><Tr lang={lang} k={Key::SpotlightNow} />{ " " }<strong>{ text }</strong></p>
            }
        </div>
    }
}

/// The group names control.
#[derive(Properties, PartialEq)]
pub struct GroupNamesProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's groups.
    pub groups: Vec<GroupView>,
    /// The current controls (the names given so far).
    pub controls: RoomControls,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// A name for each group, typed and saved one group at a time (nothing until groups exist).
/// Always mounted, so that names being typed survive the groups going and coming back.
#[component]
pub fn GroupNamesControl(p: &GroupNamesProps) -> Html {
    let lang = p.lang;
    let drafts = use_state(HashMap::<u32, String>::new);
    if p.groups.is_empty() {
        return html! {};
    }
    let names = p.groups.iter().map(|g| {
        let id = g.id;
        let saved = p.controls.group_name(id).unwrap_or_default().to_string();
        let value = drafts.get(&id).cloned().unwrap_or(saved);
        let on_input = {
            let drafts = drafts.clone();
            Callback::from(move |e: InputEvent| {
                let mut d = (*drafts).clone();
                d.insert(id, input_value(&e));
                drafts.set(d);
            })
        };
        let on_submit = {
            let (send, value) = (p.send.clone(), value.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                send.emit(ControlRequest::NameGroup {
                    group: id,
                    name: value.trim().to_string(),
                });
            })
        };
        let input_id = format!("group-name-{}", g.label);
        html! {
            <form class="group-name-form" data-group={g.label.clone()} onsubmit={on_submit}>
                <label for={input_id.clone()} class="name-label">
                    <span class="letter" style={format!("--group:{}", group_colour(&g.label))}>{ g.label.clone() }</span>
                    <Tr lang={lang} k={Key::GroupName} args={vec![("group", g.label.clone())]} />
                </label>
                <input id={input_id} type="text" maxlength="40" value={value} oninput={on_input}
                    placeholder={t(lang, Key::NamePlaceholder)} />
                <button type="submit" id={format!("save-group-name-{}", g.label)}><Tr lang={lang} k={Key::SaveName} /></button>
            </form>
        }
    });
    html! {
        <div class="control" id="group-names">
            <h3><Tr lang={lang} k={Key::GroupNamesTitle} /></h3>
            <p class="hint"><Tr lang={lang} k={Key::GroupNamesHint} /></p>
            { for names }
        </div>
    }
}

/// The second vote control.
#[derive(Properties, PartialEq)]
pub struct RevoteControlProps {
    /// The UI language.
    pub lang: Lang,
    /// The statements, most divisive first (`state::controls::by_divisiveness`).
    pub statements: Vec<(StatementStats, Option<f64>)>,
    /// The second vote open now, if any.
    pub revote: Option<Revote>,
    /// The statements ticked until the facilitator changes them
    /// (`state::controls::revote_preselection`).
    pub preselection: Vec<StatementId>,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// Statements to ask again (a few preselected), or while a second vote is open, closing it.
#[component]
pub fn RevoteControl(p: &RevoteControlProps) -> Html {
    let lang = p.lang;
    let picked = use_state(|| None::<Vec<StatementId>>);
    let selection: Vec<StatementId> = (*picked).clone().unwrap_or_else(|| p.preselection.clone());
    let toggle = |id: StatementId| {
        let (picked, selection) = (picked.clone(), selection.clone());
        Callback::from(move |_: Event| {
            let mut s = selection.clone();
            if let Some(i) = s.iter().position(|x| *x == id) {
                s.remove(i);
            } else {
                s.push(id);
            }
            picked.set(Some(s));
        })
    };
    let open_revote = {
        let (send, selection) = (p.send.clone(), selection.clone());
        Callback::from(move |_: MouseEvent| {
            send.emit(ControlRequest::OpenRevote {
                statements: selection.clone(),
            })
        })
    };
    let can_open = !selection.is_empty() && selection.len() <= REVOTE_MAX_STATEMENTS;
    html! {
        <div class="control" id="revote-control">
            <h3><Tr lang={lang} k={Key::RevoteTitle} /></h3>
            if let Some(r) = &p.revote {
                <p class="status-note" id="revote-status"><Tr lang={lang} k={Key::RevoteOpenNote} args={vec![("n", r.statements.len().to_string())]} /></p>
                <button id="close-revote" onclick={on_click(&p.send, ControlRequest::CloseRevote)}><Tr lang={lang} k={Key::CloseRevote} /></button>
            } else {
                <p class="hint"><Tr lang={lang} k={Key::RevoteHint} /></p>
                <ul class="revote-list" id="revote-list">{ for p.statements.iter().map(|(s, _)| {
                    let id = s.statement.id;
                    let box_id = format!("revote-{id}");
                    html! {
                        <li>
                            <input type="checkbox" id={box_id.clone()} data-statement={id.to_string()}
                                checked={selection.contains(&id)} onchange={toggle(id)} />
                            <label for={box_id} class="check-label">{ s.statement.text.clone() }</label>
                        </li>
                    }
                }) }</ul>
                <button id="open-revote" class="primary" onclick={open_revote} disabled={!can_open}><Tr lang={lang} k={Key::OpenRevote} /></button>
            }
        </div>
    }
}

/// The take-away report: private or published, its address, and the file to download.
fn report_control(
    lang: Lang,
    code: &str,
    host_key: &str,
    published: bool,
    send: &Callback<ControlRequest>,
) -> Html {
    let public = page::report(code, None);
    let own = page::report(code, Some(host_key));
    html! {
        <div class="control" id="report-control">
            <h3><Tr lang={lang} k={Key::ReportTitle} /></h3>
            if published {
                <p class="status-note" id="report-status" data-published="true"><Tr lang={lang} k={Key::ReportPublishedNote} /></p>
                <p><a id="report-link" href={public.clone()} target="_blank">{ nav::absolute(&public) }</a></p>
                <button id="unpublish-report" onclick={on_click(send, ControlRequest::UnpublishReport)}><Tr lang={lang} k={Key::UnpublishReport} /></button>
            } else {
                <p class="status-note" id="report-status" data-published="false"><Tr lang={lang} k={Key::ReportPrivateNote} /></p>
                <p><a id="report-link" href={own} target="_blank"><Tr lang={lang} k={Key::ReportOpen} /></a></p>
                <button id="publish-report" class="primary" onclick={on_click(send, ControlRequest::PublishReport)}><Tr lang={lang} k={Key::PublishReport} /></button>
            }
            <p><a id="report-download" href={api::report_download(code, host_key)} download={format!("{code}-report.html")}>
                <Tr lang={lang} k={Key::ReportDownload} /></a></p>
        </div>
    }
}

/// What the facilitator is asked to confirm about the frozen groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GroupsAsk {
    /// Take the groups the votes draw now.
    Update,
    /// Let the groups follow the votes again.
    Unfreeze,
}

/// Freezing the groups.
#[derive(Properties, PartialEq)]
pub struct FreezeGroupsProps {
    /// The UI language.
    pub lang: Lang,
    /// The groups are frozen.
    pub frozen: bool,
    /// While frozen: `(live, frozen)` group counts when they differ, and how many people now
    /// vote more like another group (`state::controls::live_groups_notice`).
    pub notice: (Option<(u32, u32)>, u32),
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// "Freeze groups" once groups exist; while frozen, what the votes draw now and the two ways
/// out (update to the votes, or let the groups follow them), each asked for again first: both
/// change every phone and the projector.
#[component]
pub fn FreezeGroupsControl(p: &FreezeGroupsProps) -> Html {
    let lang = p.lang;
    let asking = use_state(|| None::<GroupsAsk>);
    {
        // A change of state (from this console or another) closes any question.
        let asking = asking.clone();
        use_effect_with(p.frozen, move |_| asking.set(None));
    }
    let ask = |what: Option<GroupsAsk>| {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(what))
    };
    let confirm = |req: ControlRequest| {
        let (send, asking) = (p.send.clone(), asking.clone());
        Callback::from(move |_: MouseEvent| {
            asking.set(None);
            send.emit(req.clone());
        })
    };
    let freeze = {
        let send = p.send.clone();
        Callback::from(move |_: MouseEvent| send.emit(ControlRequest::FreezeGroups))
    };
    let (differ, switched) = p.notice;
    let question = |id: &'static str, question: Key, yes_id: &'static str, yes: Key, req| {
        let question_id = format!("{id}-question");
        html! {
            <div class="confirm" id={id} role="alertdialog" aria-labelledby={question_id.clone()}>
                <p id={question_id}><strong><Tr lang={lang} k={question} /></strong></p>
                <button id={yes_id} class="primary" onclick={confirm(req)}><Tr lang={lang} k={yes} /></button>
                <button id="keep-groups" onclick={ask(None)}><Tr lang={lang} k={Key::KeepGroups} /></button>
            </div>
        }
    };
    html! {
        <div class="control" id="freeze-control" data-frozen={p.frozen.to_string()}>
            if p.frozen {
                <p class="status-note" id="groups-status"><strong><Tr lang={lang} k={Key::GroupsFrozenNote} /></strong></p>
            }
            <p class="hint"><Tr lang={lang} k={Key::FreezeGroupsHint} /></p>
            if p.frozen {
                if let Some((live, kept)) = differ {
                    <p class="status-note" id="live-groups">
                        <Tr lang={lang} k={Key::LiveGroupsDiffer} args={vec![("live", live.to_string()), ("frozen", kept.to_string())]} />
                    </p>
                }
                if switched > 0 {
                    <p class="status-note" id="groups-switched">
                        <Tr lang={lang} k={Key::FrozenSwitched} args={vec![("n", switched.to_string())]} />
                    </p>
                }
                { match *asking {
                    Some(GroupsAsk::Update) => question("update-groups-confirm", Key::UpdateGroupsConfirm,
                        "confirm-update-groups", Key::ConfirmUpdateGroups, ControlRequest::FreezeGroups),
                    Some(GroupsAsk::Unfreeze) => question("unfreeze-groups-confirm", Key::UnfreezeGroupsConfirm,
                        "confirm-unfreeze-groups", Key::ConfirmUnfreezeGroups, ControlRequest::UnfreezeGroups),
                    None => html! {
                        <div class="row">
                            <button id="update-groups" onclick={ask(Some(GroupsAsk::Update))}><Tr lang={lang} k={Key::UpdateGroups} /></button>
                            <button id="unfreeze-groups" onclick={ask(Some(GroupsAsk::Unfreeze))}><Tr lang={lang} k={Key::UnfreezeGroups} /></button>
                        </div>
                    },
                } }
            } else {
                <button id="freeze-groups" onclick={freeze}><Tr lang={lang} k={Key::FreezeGroups} /></button>
            }
        </div>
    }
}

/// "This room is closed", at the top of the console once it is.
pub fn closed_banner(lang: Lang) -> Html {
    html! {
        <p class="closed-banner" id="room-closed-banner" role="status"><Tr lang={lang} k={Key::RoomClosedBanner} /></p>
    }
}

/// Closing the room: the room's state, and what to do about it.
#[derive(Properties, PartialEq)]
pub struct CloseRoomProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
    /// The facilitator key.
    pub host_key: String,
    /// The room is closed already.
    pub closed: bool,
    /// Shows a request's failure (or clears it).
    pub on_error: Callback<Option<String>>,
}

/// "Close the room", asked for again before it is done (nothing once closed: see
/// [`closed_banner`]).
#[component]
pub fn CloseRoom(p: &CloseRoomProps) -> Html {
    let lang = p.lang;
    let asking = use_state(|| false);
    if p.closed {
        return html! {};
    }
    let ask = {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(true))
    };
    let keep = {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(false))
    };
    let close = {
        let (url, key, on_error, asking) = (
            api::close(&p.code),
            p.host_key.clone(),
            p.on_error.clone(),
            asking.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (url, key, on_error, asking) =
                (url.clone(), key.clone(), on_error.clone(), asking.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let r = net::post::<_, serde_json::Value>(
                    &url,
                    &[(api::FACILITATOR_KEY_HEADER, &key)],
                    Some(&serde_json::json!({})),
                )
                .await;
                asking.set(false);
                on_error.emit(r.err().map(|e| worded(lang, e)));
            });
        })
    };
    html! {
        <div class="close-room">
            if *asking {
                <div class="confirm" id="close-confirm" role="alertdialog" aria-labelledby="close-question">
                    <p id="close-question"><strong><Tr lang={lang} k={Key::CloseRoomConfirm} /></strong></p>
                    <button id="confirm-close" class="danger" onclick={close}><Tr lang={lang} k={Key::ConfirmClose} /></button>
                    <button id="keep-open" onclick={keep}><Tr lang={lang} k={Key::KeepOpen} /></button>
                </div>
            } else {
                <button id="close-room" onclick={ask}><Tr lang={lang} k={Key::CloseRoom} /></button>
            }
        </div>
    }
}
