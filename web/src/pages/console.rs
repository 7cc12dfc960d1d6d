//! The facilitator console, shaped as a run sheet: at the top the stage the room is in, the next
//! step and the counts to check (`components::run_sheet`); then the stages, moderation (its
//! count in the heading), the room controls (`components::controls`), statements in the
//! projector's divisive order with the spectrum's rounds (`components::spectrum_console`),
//! discussion tables and their notes, exports, closing the room. Anything that changes every
//! screen or discards work (a stage, a spectrum, forming tables again, dissolving them, closing)
//! is asked again first. Holds the room's key (from the URL fragment, then storage) and sends
//! it with every request.

use polyphony_protocol::{
    HostNote, ModerationItem, ModerationState, Stage, TableMode, TablesRequest, TablesView,
    DEFAULT_TABLE_SIZE,
};
use yew::prelude::*;

use crate::components::controls::closed_banner;
use crate::components::run_sheet::{Confirm, RunSheet};
use crate::components::tables::table_title;
use crate::components::JoinWatch;
use crate::components::{
    input_value, stage_key, CloseRoom, GroupCounts, RoomControlsPanel, SpectrumConsole, Tr,
};
use crate::hooks::{page_title, use_room_socket, use_title};
use crate::i18n::{t, Key, Lang};
use crate::pages::CodeProps;
use crate::routes::{api, page};
use crate::state::controls::names_by_label;
use crate::{nav, net, storage};

/// The room's facilitator key: from the URL fragment (then saved), else from storage.
fn host_key(code: &str) -> Option<String> {
    if let Some(k) = page::key_in_hash(&nav::hash()) {
        storage::save_facilitator_key(code, k);
        return Some(k.to_string());
    }
    storage::facilitator_key(code)
}

/// The console page.
#[component]
pub fn HostPage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let code = p.code.clone();
    let key = use_memo(code.clone(), |c| host_key(c));
    let path = (*key).as_ref().map(|k| api::ws_host(&code, k));
    let model = use_room_socket(path);
    let topic = model.borrow().topic();
    use_title(page_title(t(lang, Key::HostTitle), topic.as_deref()));
    let queue = use_state(Vec::<ModerationItem>::new);
    let error = use_state(|| None::<String>);
    // A stage the facilitator asked for, waiting for "yes" (it changes every screen).
    let asking_stage = use_state(|| None::<Stage>);
    let pending_and_count = {
        let m = model.borrow();
        m.view
            .as_ref()
            .map_or((0, 0), |v| (v.pending, v.statements.len()))
    };
    {
        let (queue, code, key) = (queue.clone(), code.clone(), (*key).clone());
        use_effect_with(pending_and_count, move |_| {
            if let Some(key) = key {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(items) = net::get::<Vec<ModerationItem>>(
                        &api::statements(&code),
                        &[(api::FACILITATOR_KEY_HEADER, &key)],
                    )
                    .await
                    {
                        queue.set(items);
                    }
                });
            }
        });
    }
    let Some(key) = (*key).clone() else {
        return html! { <main class="page host"><p class="error"><Tr lang={lang} k={Key::KeyMissing} /></p></main> };
    };
    let m = model.borrow();
    let view = m.view.clone().unwrap_or_default();
    let notes = m.host.as_ref().map(|h| h.notes.clone()).unwrap_or_default();
    let on_error = {
        let error = error.clone();
        Callback::from(move |e: Option<String>| error.set(e))
    };
    // A button's click: POST `body` to `url` (an `api` path) with the key; show any error.
    let act = {
        let (key, error) = (key.clone(), error.clone());
        move |url: String, body: serde_json::Value| {
            let (key, error) = (key.clone(), error.clone());
            Callback::from(move |_: MouseEvent| {
                let (url, key, body, error) =
                    (url.clone(), key.clone(), body.clone(), error.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let r = net::post::<_, serde_json::Value>(
                        &url,
                        &[(api::FACILITATOR_KEY_HEADER, &key)],
                        Some(&body),
                    )
                    .await;
                    error.set(r.err().map(|e| e.message));
                });
            })
        }
    };
    let stage = view.room.as_ref().map_or(Stage::Collect, |r| r.stage);
    let closed = view.room.as_ref().is_some_and(|r| r.closed);
    let waiting: Vec<&ModerationItem> = queue
        .iter()
        .filter(|i| i.statement.moderation == ModerationState::Pending)
        .collect();
    // Rejected statements stay listed, newest first, so a rejection can be undone.
    let mut rejected: Vec<&ModerationItem> = queue
        .iter()
        .filter(|i| i.statement.moderation == ModerationState::Rejected)
        .collect();
    rejected.sort_by_key(|i| std::cmp::Reverse(i.created));
    let ask_stage = {
        let asking = asking_stage.clone();
        Callback::from(move |s: Stage| asking.set(Some(s)))
    };
    let stage_question = (*asking_stage).filter(|s| *s != stage).map(|s| {
        let go = act(api::stage(&code), serde_json::json!({"stage": s.as_str()}));
        let on_yes = {
            let asking = asking_stage.clone();
            Callback::from(move |e: MouseEvent| {
                asking.set(None);
                go.emit(e);
                // The new stage's panel is at the top, under the run sheet.
                nav::scroll_to_top();
            })
        };
        let on_no = {
            let asking = asking_stage.clone();
            Callback::from(move |_: MouseEvent| asking.set(None))
        };
        html! {
            <Confirm lang={lang} id="confirm-stage" question={Key::ConfirmStage}
                args={vec![("stage", t(lang, stage_key(s)).to_string())]} yes={Key::ConfirmStageYes} {on_yes} {on_no} />
        }
    });
    let focus = Focus::of(stage);
    let moderation = html! {
            <section class="card" id="moderation">
            <h2><Tr lang={lang} k={Key::ModerationQueue} />{ format!(" ({})", waiting.len()) }</h2>
            if waiting.is_empty() { <p class="hint"><Tr lang={lang} k={Key::NothingPending} /></p> }
            <ul class="queue">{ for waiting.iter().map(|i| html! {
                <li>{ i.statement.text.clone() }{ " " }
                    <button class="accept" onclick={act(api::moderation(&code, i.statement.id), serde_json::json!({"state": "accepted"}))}><Tr lang={lang} k={Key::Accept} /></button>
                    <button class="reject" onclick={act(api::moderation(&code, i.statement.id), serde_json::json!({"state": "rejected"}))}><Tr lang={lang} k={Key::Reject} /></button>
                    if i.from_participant {
                        <button class="reject-author" onclick={act(api::reject_pending(&code), serde_json::json!({"author_of": i.statement.id}))}><Tr lang={lang} k={Key::RejectAllFromAuthor} /></button>
                    }
                </li>
            }) }</ul>
            if waiting.len() > 1 {
                <button id="reject-all-pending" onclick={act(api::reject_pending(&code), serde_json::json!({}))}><Tr lang={lang} k={Key::RejectAllPending} /></button>
            }
            if !rejected.is_empty() {
                <h3><Tr lang={lang} k={Key::RejectedTitle} /></h3>
                <ul class="queue rejected" id="rejected-list">{ for rejected.iter().map(|i| html! {
                    <li>{ i.statement.text.clone() }{ " " }
                        <button class="undo-reject" onclick={act(api::moderation(&code, i.statement.id), serde_json::json!({"state": "accepted"}))}><Tr lang={lang} k={Key::UndoReject} /></button>
                    </li>
                }) }</ul>
            }
        </section>
    };
    let brief = html! { <crate::components::BriefEditor lang={lang} code={code.clone()} host_key={key.clone()} view={view.clone()} on_error={on_error.clone()} /> };
    let controls = html! { <RoomControlsPanel lang={lang} code={code.clone()} host_key={key.clone()} view={view.clone()} on_error={on_error.clone()} /> };
    let spectrum = html! { <SpectrumConsole lang={lang} code={code.clone()} host_key={key.clone()} view={view.clone()} on_error={on_error.clone()} /> };
    // The exports and closing the room: at the report stage right under its controls (the
    // run sheet says "publish it, then close the room"), else last.
    let export = html! {
        <section class="card" id="export">
            <h2><Tr lang={lang} k={Key::ExportTitle} /></h2>
            <ul class="exports">{ for api::EXPORT_FILES.into_iter().map(|f| html! {
                <li><a href={api::export(&code, f, &key)} download={format!("{code}-{f}")}>{ f }</a></li>
            }) }</ul>
            <CloseRoom lang={lang} code={code.clone()} host_key={key.clone()} {closed} on_error={on_error.clone()} />
        </section>
    };
    let tables = html! { <TablesPanel lang={lang} code={code.clone()} host_key={key.clone()} tables={view.tables.clone()} names={names_by_label(&view)} notes={notes.clone()} on_error={on_error.clone()} /> };
    let title = html! {
        <h1><Tr lang={lang} k={Key::HostTitle} />{ " · " }{ view.room.as_ref().map(|r| r.topic.clone()).unwrap_or_default() }</h1>
    };
    if closed {
        // The workshop is over: no stage, round, table or second vote can start (the server
        // refuses them), so none is offered; what is left is the report and the data.
        return html! {
            <main class="page host" data-closed="true">
                { title }
                if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
                <RunSheet lang={lang} view={view.clone()} notes={notes.clone()} on_stage={ask_stage.clone()} />
                <div class="console-focus" id="console-focus" data-focus="closed">
                    { closed_banner(lang) }
                    { controls }
                    { export }
                </div>
                <p class="hint"><Tr lang={lang} k={Key::KeepLink} /></p>
            </main>
        };
    }
    html! {
        <main class="page host">
            { title }
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <RunSheet lang={lang} view={view.clone()} notes={notes.clone()} on_stage={ask_stage.clone()}>
                { for stage_question.clone() }
            </RunSheet>
            // The stage's own controls right under the run sheet: what its next step asks for
            // is here, not thousands of pixels down.
            <div class="console-focus" id="console-focus" data-focus={focus.as_str()}>
                { match focus {
                    Focus::Brief => brief.clone(),
                    Focus::Moderation => moderation.clone(),
                    Focus::Controls => controls.clone(),
                    Focus::Report => html! { <>{ controls.clone() }{ export.clone() }</> },
                    Focus::Spectrum => spectrum.clone(),
                    Focus::Tables => tables.clone(),
                } }
            </div>
            <div class="console-grid">
            <div class="console-col">
            <p class="hint"><Tr lang={lang} k={Key::KeepLink} /></p>
            <p>
                <Tr lang={lang} k={Key::PhoneLink} />{ ": " }<strong id="phone-url">{ nav::absolute(&page::phone(&code)) }</strong>
            </p>
            <JoinWatch lang={lang} code={code.clone()} fresh={(u64::from(view.participants) << 32) | u64::from(view.voters)} />
            <section class="card">
                <h2><Tr lang={lang} k={Key::StageLabel} /></h2>
                <div class="stage-buttons">
                    // The spectrum stage opens with a spectrum (started from a statement below):
                    // before one exists, the room would only be told that nothing is started.
                    { for Stage::ALL.into_iter().map(|s| html! {
                        <button id={format!("stage-{}", s.as_str())} class={classes!((s == stage).then_some("chosen"))}
                            aria-pressed={(s == stage).to_string()}
                            disabled={s == Stage::Spectrum && s != stage && view.spectrums.is_empty()}
                            onclick={ { let ask = ask_stage.clone(); Callback::from(move |_: MouseEvent| ask.emit(s)) } }>
                            <Tr lang={lang} k={stage_key(s)} />
                        </button>
                    }) }
                </div>
                if view.spectrums.is_empty() {
                    <p class="hint" id="spectrum-first"><Tr lang={lang} k={Key::StartSpectrumFirst} /></p>
                }
            </section>
            { if focus != Focus::Moderation { moderation.clone() } else { html! {} } }
            </div>
            <div class="console-col">
            if !matches!(focus, Focus::Controls | Focus::Report) { { controls.clone() } }
            if focus != Focus::Spectrum { { spectrum.clone() } }
            if focus != Focus::Tables { { tables.clone() } }
            // The briefing's editor: first at the briefing stage, else out of the way.
            if focus != Focus::Brief { { brief.clone() } }
            if focus != Focus::Report { { export.clone() } }
            </div>
            </div>
        </main>
    }
}

/// The console's part for the room's stage, shown first under the run sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Focus {
    /// The briefing cards' editor.
    Brief,
    /// Statements waiting for moderation.
    Moderation,
    /// The room's controls (group names, freezing, second vote, report).
    Controls,
    /// The room's controls with publishing the report first, then the exports and closing.
    Report,
    /// Statements by how divisive, and the spectrum's rounds.
    Spectrum,
    /// Forming tables and releasing notes.
    Tables,
}

impl Focus {
    fn of(stage: Stage) -> Focus {
        match stage {
            Stage::Brief => Focus::Brief,
            Stage::Collect => Focus::Moderation,
            Stage::Groups => Focus::Controls,
            Stage::Report => Focus::Report,
            Stage::Divisive | Stage::Spectrum => Focus::Spectrum,
            Stage::Tables => Focus::Tables,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Focus::Brief => "brief",
            Focus::Moderation => "moderation",
            Focus::Controls => "controls",
            Focus::Report => "report",
            Focus::Spectrum => "spectrum",
            Focus::Tables => "tables",
        }
    }
}

/// The tables panel's props.
#[derive(Properties, PartialEq)]
struct TablesProps {
    lang: Lang,
    code: String,
    host_key: String,
    /// The current plan, if tables are formed.
    tables: Option<TablesView>,
    /// The facilitator's names for the groups, by letter.
    names: Vec<(String, String)>,
    /// Every table's notes (the facilitator socket's `host` message).
    notes: Vec<HostNote>,
    /// Shows a request's failure (or clears it).
    on_error: Callback<Option<String>>,
}

/// Form tables (mode, size), form them again or dissolve them; the plan as counts; each table's
/// notes with a button to release each to the projector.
#[component]
fn TablesPanel(p: &TablesProps) -> Html {
    let lang = p.lang;
    let mode = use_state(|| TableMode::SameGroup);
    let size = use_state(|| DEFAULT_TABLE_SIZE);
    // Forming again or dissolving discards the plan in force: asked again first.
    let asking = use_state(|| None::<&'static str>);
    let send = {
        let (key, on_error) = (p.host_key.clone(), p.on_error.clone());
        move |url: String, what: Option<TablesRequest>, delete: bool| {
            let (key, on_error) = (key.clone(), on_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let headers = [(api::FACILITATOR_KEY_HEADER, key.as_str())];
                let r = if delete {
                    net::delete(&url, &headers).await
                } else {
                    net::post::<_, serde_json::Value>(&url, &headers, what.as_ref())
                        .await
                        .map(|_| ())
                };
                on_error.emit(r.err().map(|e| e.message));
            });
        }
    };
    let form = {
        let (send, url, mode, size) = (
            send.clone(),
            api::tables(&p.code),
            mode.clone(),
            size.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let req = TablesRequest {
                mode: *mode,
                size: *size,
            };
            send(url.clone(), Some(req), false);
        })
    };
    let dissolve = {
        let (send, url) = (send.clone(), api::tables(&p.code));
        Callback::from(move |_: MouseEvent| send(url.clone(), None, true))
    };
    let release = |note: u32| {
        let (send, url) = (send.clone(), api::release_note(&p.code, note));
        Callback::from(move |_: MouseEvent| send(url.clone(), None, false))
    };
    let on_size = {
        let size = size.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(n) = input_value(&e).trim().parse::<u8>() {
                size.set(n.clamp(2, 20));
            }
        })
    };
    let radio = |m: TableMode, id: &'static str, k: Key| {
        let set = {
            let mode = mode.clone();
            Callback::from(move |_| mode.set(m))
        };
        html! {
            <label class="radio"><input type="radio" name="table-mode" {id} checked={*mode == m} onchange={set} />
                <Tr lang={lang} k={k} /></label>
        }
    };
    let seated: u32 = p
        .tables
        .as_ref()
        .map_or(0, |t| t.tables.iter().map(|x| x.size).sum());
    let ask = |what: &'static str| {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(Some(what)))
    };
    let ask_none = {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(None))
    };
    let then_close = |action: Callback<MouseEvent>| {
        let asking = asking.clone();
        Callback::from(move |e: MouseEvent| {
            asking.set(None);
            action.emit(e);
        })
    };
    let plan = p.tables.as_ref().map(|t| {
        let people: u32 = t.tables.iter().map(|x| x.size).sum();
        html! {
            <div id="table-plan">
                <p><Tr lang={lang} k={Key::PlanSummary} args={vec![("plan", t.plan.to_string()), ("tables", t.tables.len().to_string()), ("people", people.to_string())]} />
                    if t.reporters_ready { { " · " }<Tr lang={lang} k={Key::ReportersReady} /> }</p>
                <ul class="plan">{ for t.tables.iter().map(|x| {
                    let notes: Vec<&HostNote> = p.notes.iter().filter(|n| n.plan == t.plan && n.table == x.number).collect();
                    html! {
                        <li class="plan-table" data-table={x.number.to_string()}>
                            <strong>{ table_title(lang, x.number, x.group.as_ref(), &p.names) }</strong>{ " · " }
                            <Tr lang={lang} k={Key::People} args={vec![("n", x.size.to_string())]} />
                            <GroupCounts lang={lang} groups={x.groups.clone()} />
                            <ul class="host-notes">{ for notes.iter().map(|n| html! {
                                <li data-note={n.id.to_string()} data-released={n.released.to_string()}>
                                    <span class="note-text">{ n.text.clone() }</span>{ " " }
                                    if n.released { <em class="released-mark"><Tr lang={lang} k={Key::ReleasedMark} /></em> }
                                    else { <button class="release-note" onclick={release(n.id)}><Tr lang={lang} k={Key::Release} /></button> }
                                </li>
                            }) }</ul>
                        </li>
                    }
                }) }</ul>
                if p.notes.is_empty() { <p class="hint"><Tr lang={lang} k={Key::NoNotesYet} /></p> }
            </div>
        }
    });
    html! {
        <section class="card" id="tables-panel">
            <h2><Tr lang={lang} k={Key::TablesTitle} /></h2>
            <fieldset>
                <legend><Tr lang={lang} k={Key::TableModeLabel} /></legend>
                { radio(TableMode::SameGroup, "mode-same-group", Key::ModeSameGroup) }
                { radio(TableMode::Mixed, "mode-mixed", Key::ModeMixed) }
            </fieldset>
            <label for="table-size"><Tr lang={lang} k={Key::TableSizeLabel} /></label>
            <input id="table-size" class="size-input" type="number" min="2" max="20" value={size.to_string()} oninput={on_size} />
            <div class="table-actions">
                if p.tables.is_some() {
                    <button id="form-tables" class="primary" onclick={ask("form")}><Tr lang={lang} k={Key::FormAgain} /></button>
                    <button id="dissolve-tables" onclick={ask("dissolve")}><Tr lang={lang} k={Key::Dissolve} /></button>
                } else {
                    <button id="form-tables" class="primary" onclick={form.clone()}><Tr lang={lang} k={Key::FormTables} /></button>
                }
            </div>
            if *asking == Some("form") {
                <Confirm lang={lang} id="confirm-form-again" question={Key::ConfirmFormAgain}
                    args={vec![("n", seated.to_string())]} yes={Key::ConfirmFormAgainYes} on_yes={then_close(form.clone())} on_no={ask_none.clone()} />
            }
            if *asking == Some("dissolve") {
                <Confirm lang={lang} id="confirm-dissolve" question={Key::ConfirmDissolve}
                    yes={Key::ConfirmDissolveYes} on_yes={then_close(dissolve.clone())} on_no={ask_none.clone()} />
            }
            { for plan }
        </section>
    }
}
