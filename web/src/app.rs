//! The screens. Every UI string goes through [`Tr`] (which marks it with `data-i18n` for the
//! browser tests); the room's own texts are shown as entered.

use std::cell::RefCell;
use std::rc::Rc;

use polyphony_protocol::{
    DivisiveView, GroupReason, GroupStance, ModerationItem, ModerationMode, ModerationState,
    NewRoom, RoomCreated, RoomSettings, RoomView, SpectrumView, Stage, Stance, Vote,
};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{fill, t, Key, Lang};
use crate::net::{self, Socket};
use crate::state::{
    map_layout, spread_duplicates, Notice, PhoneEvent, PhoneModel, Queued, ScreenModel,
};
use crate::{group_colour, Route};

// ---------- language ----------

fn initial_lang() -> Lang {
    if let Some(saved) = net::load("polyphony.lang") {
        if let Some(l) = Lang::ALL.into_iter().find(|l| l.tag() == saved) {
            return l;
        }
    }
    let browser = net::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    Lang::from_tag(&browser)
}

fn set_document_lang(lang: Lang) {
    if let Some(el) = net::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

#[derive(Properties, PartialEq)]
struct TrProps {
    lang: Lang,
    k: Key,
    #[prop_or_default]
    args: Vec<(&'static str, String)>,
}

/// One translated string, marked for the browser tests.
#[component]
fn Tr(p: &TrProps) -> Html {
    let text = t(p.lang, p.k);
    if p.args.is_empty() {
        html! { <span data-i18n={p.k.name()}>{ text }</span> }
    } else {
        html! { <span data-i18n-template={p.k.name()}>{ fill(text, &p.args) }</span> }
    }
}

#[derive(Properties, PartialEq)]
struct LangSwitchProps {
    lang: Lang,
    on_change: Callback<Lang>,
}

#[component]
fn LangSwitch(p: &LangSwitchProps) -> Html {
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
                    <option value={l.tag()} selected={l == p.lang} lang={l.tag()}>{ l.native_name() }</option>
                }) }
            </select>
        </label>
    }
}

#[component]
pub fn App() -> Html {
    let lang = use_state(initial_lang);
    set_document_lang(*lang);
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |l: Lang| {
            net::save("polyphony.lang", l.tag());
            lang.set(l);
        })
    };
    let path = net::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let l = *lang;
    let page = match Route::parse(&path) {
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
                <a class="brand" href="/">{ "Polyphony" }</a>
                <LangSwitch lang={l} on_change={on_lang} />
            </header>
            { page }
        </>
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target()
        .and_then(|t| {
            t.clone()
                .dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .ok()
                .or_else(|| {
                    t.dyn_into::<web_sys::HtmlTextAreaElement>()
                        .ok()
                        .map(|a| a.value())
                })
        })
        .unwrap_or_default()
}

// ---------- start ----------

#[derive(Properties, PartialEq)]
struct LangProps {
    lang: Lang,
}

#[component]
fn StartPage(p: &LangProps) -> Html {
    let lang = p.lang;
    let topic = use_state(String::new);
    let description = use_state(String::new);
    let statements = use_state(String::new);
    let strict = use_state(|| false);
    let code = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let on_create = {
        let (topic, description, statements, strict, error, busy) = (
            topic.clone(),
            description.clone(),
            statements.clone(),
            strict.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let req = NewRoom {
                topic: (*topic).clone(),
                description: (*description).clone(),
                language: Some(lang.tag().to_string()),
                statements: statements
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
                settings: RoomSettings {
                    moderation: if *strict {
                        ModerationMode::Strict
                    } else {
                        ModerationMode::Open
                    },
                    ..RoomSettings::default()
                },
                seed: None,
            };
            let (error, busy) = (error.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match net::post::<_, RoomCreated>("/api/rooms", &[], Some(&req)).await {
                    Ok(c) => {
                        net::save(
                            &format!("polyphony.key.{}", c.room.code),
                            &c.facilitator_key,
                        );
                        net::go(&format!(
                            "/r/{}/host#key={}",
                            c.room.code, c.facilitator_key
                        ));
                    }
                    Err(e) => {
                        error.set(Some(e.message));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let on_join = {
        let code = code.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let c: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            if !c.is_empty() {
                net::go(&format!("/r/{}", c.to_uppercase()));
            }
        })
    };
    let set = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(input_value(&e)))
    };
    html! {
        <main class="page start">
            <h1><Tr lang={lang} k={Key::StartTitle} /></h1>
            <p class="intro"><Tr lang={lang} k={Key::StartIntro} /></p>
            <div class="columns">
                <form class="card" id="join-form" onsubmit={on_join}>
                    <h2><Tr lang={lang} k={Key::JoinTitle} /></h2>
                    <label for="join-code"><Tr lang={lang} k={Key::CodeLabel} /></label>
                    <input id="join-code" class="code-input" autocomplete="off" autocapitalize="characters"
                        maxlength="12" value={(*code).clone()} oninput={set(&code)} />
                    <button type="submit" class="primary"><Tr lang={lang} k={Key::JoinButton} /></button>
                </form>
                <form class="card" id="create-form" onsubmit={on_create}>
                    <h2><Tr lang={lang} k={Key::CreateTitle} /></h2>
                    <label for="topic"><Tr lang={lang} k={Key::TopicLabel} /></label>
                    <input id="topic" required=true maxlength="300" value={(*topic).clone()} oninput={set(&topic)} />
                    <label for="description"><Tr lang={lang} k={Key::DescriptionLabel} /></label>
                    <textarea id="description" rows="2" value={(*description).clone()} oninput={set(&description)} />
                    <label for="statements"><Tr lang={lang} k={Key::StatementsLabel} /></label>
                    <textarea id="statements" rows="8" value={(*statements).clone()} oninput={set(&statements)} />
                    <fieldset>
                        <legend><Tr lang={lang} k={Key::ModerationLabel} /></legend>
                        <label class="radio"><input type="radio" name="moderation" checked={!*strict}
                            onchange={ { let s = strict.clone(); Callback::from(move |_| s.set(false)) } } />
                            <Tr lang={lang} k={Key::ModerationOpen} /></label>
                        <label class="radio"><input type="radio" name="moderation" id="strict" checked={*strict}
                            onchange={ { let s = strict.clone(); Callback::from(move |_| s.set(true)) } } />
                            <Tr lang={lang} k={Key::ModerationStrict} /></label>
                    </fieldset>
                    if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
                    <button type="submit" class="primary" disabled={*busy}><Tr lang={lang} k={Key::CreateButton} /></button>
                </form>
            </div>
            <p><a href="/explore"><Tr lang={lang} k={Key::ExploreLink} /></a></p>
        </main>
    }
}

// ---------- phone ----------

#[derive(Properties, PartialEq)]
struct CodeProps {
    lang: Lang,
    code: String,
}

fn queue_key(code: &str) -> String {
    format!("polyphony.queue.{code}")
}

#[component]
fn PhonePage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let code = p.code.clone();
    let model = use_mut_ref(|| {
        let saved: Vec<Queued> = net::load(&queue_key(&code))
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        PhoneModel::new(&net::random_id(), saved)
    });
    let socket = use_mut_ref(|| None::<Socket>);
    let redraw = use_force_update();
    let failure = use_state(|| None::<String>);
    let draft = use_state(String::new);

    // One function applies an event, sends what it returns, saves the queue and redraws.
    let dispatch: Rc<dyn Fn(PhoneEvent)> = {
        let (model, socket, redraw, code) = (
            model.clone(),
            socket.clone(),
            redraw.clone(),
            p.code.clone(),
        );
        Rc::new(move |e: PhoneEvent| {
            let retry = matches!(&e, PhoneEvent::Server(polyphony_protocol::ServerMessage::Rejected(r)) if r.status == 429);
            let out = model.borrow_mut().apply(e);
            if let Some(s) = socket.borrow().as_ref() {
                for m in out {
                    s.send(m);
                }
            }
            let queue = serde_json::to_string(&model.borrow().queue).unwrap_or_default();
            net::save(&queue_key(&code), &queue);
            redraw.force_update();
            if retry {
                let (model, socket) = (model.clone(), socket.clone());
                gloo_timers::callback::Timeout::new(1000, move || {
                    let out = model.borrow_mut().apply(PhoneEvent::Retry);
                    if let Some(s) = socket.borrow().as_ref() {
                        for m in out {
                            s.send(m);
                        }
                    }
                })
                .forget();
            }
        })
    };
    let dispatch_holder = use_mut_ref(|| None::<Rc<dyn Fn(PhoneEvent)>>);
    *dispatch_holder.borrow_mut() = Some(dispatch.clone());

    {
        let (socket, failure, holder) = (socket.clone(), failure.clone(), dispatch_holder.clone());
        use_effect_with(p.code.clone(), move |code: &String| {
            let code = code.clone();
            let socket_c = socket.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let token_key = format!("polyphony.token.{code}");
                let token = match net::load(&token_key) {
                    Some(t) => t,
                    None => match net::post::<(), polyphony_protocol::Joined>(
                        &format!("/api/rooms/{code}/join"),
                        &[],
                        None,
                    )
                    .await
                    {
                        Ok(j) => {
                            net::save(&token_key, &j.participant_token);
                            j.participant_token
                        }
                        Err(e) => {
                            failure.set(Some(if e.status == 404 {
                                String::new()
                            } else {
                                e.message
                            }));
                            return;
                        }
                    },
                };
                let on_event: Rc<dyn Fn(PhoneEvent)> = Rc::new(move |e| {
                    let d = holder.borrow().clone();
                    if let Some(d) = d {
                        d(e);
                    }
                });
                *socket_c.borrow_mut() = Some(net::connect(
                    &format!("/api/rooms/{code}/ws?token={token}"),
                    on_event,
                ));
            });
            move || {
                if let Some(s) = socket.borrow_mut().take() {
                    s.stop();
                }
            }
        });
    }

    if let Some(f) = &*failure {
        return html! {
            <main class="page phone">
                if f.is_empty() { <p class="error" role="alert"><Tr lang={lang} k={Key::NoSuchRoom} /></p> }
                else { <p class="error" role="alert"><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ f.clone() }</p> }
            </main>
        };
    }
    let m = model.borrow();
    let Some(view) = m.view.clone() else {
        return html! { <main class="page phone"><p role="status"><Tr lang={lang} k={Key::Loading} /></p></main> };
    };
    let vote = |statement: u32, v: Vote| {
        let d = dispatch.clone();
        Callback::from(move |_| d(PhoneEvent::Vote { statement, vote: v }))
    };
    let (voted, total) = m.progress();
    let queued = m.queued_votes();
    let offline_banner = if m.online {
        html! {}
    } else {
        html! {
            <div class="offline" role="status" id="offline">
                <Tr lang={lang} k={Key::Offline} />
                if queued > 0 { <br /><Tr lang={lang} k={Key::QueuedVotes} args={vec![("n", queued.to_string())]} /> }
            </div>
        }
    };
    let group = view.group.as_ref().map(|g| {
        let colour = group_colour(&g.label);
        html! {
            <section class="group-badge" id="group-badge" style={format!("--group:{colour}")}>
                <div class="badge-letter" aria-hidden="true">{ g.label.clone() }</div>
                <div>
                    <strong><Tr lang={lang} k={Key::YouAreInGroup} args={vec![("group", g.label.clone())]} /></strong>
                    if let Some(r) = g.reasons.first() {
                        <p class="reason"><Tr lang={lang} k={Key::GroupReason} args={vec![("group", g.label.clone())]} />
                           { " " }{ reason_text(lang, r) }</p>
                    }
                </div>
            </section>
        }
    });
    let spectrum = view.spectrum.as_ref().map(|sp| {
        let chosen = m.position(sp.spectrum, sp.round);
        let steps = [
            (-2i8, Key::StronglyDisagree),
            (-1, Key::SomewhatDisagree),
            (0, Key::Neutral),
            (1, Key::SomewhatAgree),
            (2, Key::StronglyAgree),
        ];
        let first = sp.first_round_position.filter(|_| sp.round == 2).map(|pos| {
            let k = steps.iter().find(|(p, _)| *p == pos).map_or(Key::Neutral, |(_, k)| *k);
            html! { <p class="hint"><Tr lang={lang} k={Key::FirstRoundWas} args={vec![("position", t(lang, k).to_string())]} /></p> }
        });
        html! {
            <section class="spectrum-prompt" id="spectrum">
                <h2><Tr lang={lang} k={Key::SpectrumTitle} />{ " · " }<Tr lang={lang} k={Key::Round} args={vec![("round", sp.round.to_string())]} /></h2>
                <p class="statement-text">{ sp.statement.text.clone() }</p>
                <div class="scale" role="group">
                    { for steps.iter().map(|&(pos, k)| {
                        let d = dispatch.clone();
                        let (spectrum, round) = (sp.spectrum, sp.round);
                        let onclick = Callback::from(move |_| d(PhoneEvent::Spectrum { spectrum, round, position: pos }));
                        html! {
                            <button class={classes!("step", (chosen == Some(pos)).then_some("chosen"))}
                                aria-pressed={(chosen == Some(pos)).to_string()} data-position={pos.to_string()} {onclick}>
                                <Tr lang={lang} k={k} />
                            </button>
                        }
                    }) }
                </div>
                { for first }
            </section>
        }
    });
    let current = m.current().cloned();
    let voting = match current {
        _ if view.room.closed => {
            html! { <p class="done"><Tr lang={lang} k={Key::RoomClosed} /></p> }
        }
        Some(s) => html! {
            <section class="vote-card" id="vote-card" data-statement={s.id.to_string()}>
                <p class="progress"><Tr lang={lang} k={Key::Progress} args={vec![("n", (voted + 1).min(total).to_string()), ("total", total.to_string())]} /></p>
                <p class="statement-text" id="statement">{ s.text.clone() }</p>
                <div class="vote-buttons">
                    <button class="agree" id="agree" onclick={vote(s.id, Vote::Agree)}><Tr lang={lang} k={Key::Agree} /></button>
                    <button class="disagree" id="disagree" onclick={vote(s.id, Vote::Disagree)}><Tr lang={lang} k={Key::Disagree} /></button>
                    <button class="pass" id="pass" onclick={vote(s.id, Vote::Pass)}><Tr lang={lang} k={Key::Pass} /></button>
                </div>
            </section>
        },
        None => html! { <p class="done" id="all-voted"><Tr lang={lang} k={Key::AllVoted} /></p> },
    };
    let add = if view.room.settings.participants_can_add && !view.room.closed {
        let on_submit = {
            let (d, draft) = (dispatch.clone(), draft.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                d(PhoneEvent::AddStatement((*draft).clone()));
                draft.set(String::new());
            })
        };
        let max = view.room.settings.statement_max_chars.to_string();
        html! {
            <form class="add-statement" onsubmit={on_submit}>
                <label for="new-statement"><Tr lang={lang} k={Key::AddTitle} /></label>
                <textarea id="new-statement" rows="2" maxlength={max} placeholder={t(lang, Key::AddPlaceholder)}
                    value={(*draft).clone()} oninput={ { let d = draft.clone(); Callback::from(move |e: InputEvent| d.set(input_value(&e))) } } />
                <button type="submit"><Tr lang={lang} k={Key::Send} /></button>
                if m.notice == Some(Notice::StatementSent) { <p class="hint" role="status"><Tr lang={lang} k={Key::StatementSent} /></p> }
            </form>
        }
    } else {
        html! {}
    };
    let refused = match &m.notice {
        Some(Notice::Refused(why)) => {
            html! { <p class="error" role="alert"><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ why.clone() }</p> }
        }
        _ => html! {},
    };
    let waiting_groups = if view.group.is_none() && view.room.stage != Stage::Collect {
        html! { <p class="hint"><Tr lang={lang} k={Key::WaitingForGroups} /></p> }
    } else {
        html! {}
    };
    html! {
        <main class="page phone" data-online={m.online.to_string()}>
            { offline_banner }
            <h1 class="topic">{ view.room.topic.clone() }</h1>
            { for group }
            { waiting_groups }
            { for spectrum }
            { voting }
            { refused }
            { add }
            if !view.my_statements.is_empty() {
                <ul class="mine">
                    { for view.my_statements.iter().map(|s| html! {
                        <li>{ s.text.clone() }
                            if s.moderation == ModerationState::Pending { { " · " }<em><Tr lang={lang} k={Key::Pending} /></em> }
                        </li>
                    }) }
                </ul>
            }
        </main>
    }
}

fn reason_text(lang: Lang, r: &GroupReason) -> Html {
    let k = match r.stance {
        Stance::Agree => Key::StanceAgree,
        Stance::Disagree => Key::StanceDisagree,
    };
    html! {
        <>
            { format!("“{}” ", r.statement.text) }
            <Tr lang={lang} k={k} args={vec![("percent", r.percent.to_string())]} />
        </>
    }
}

// ---------- projector ----------

#[hook]
fn use_room_socket(path: Option<String>) -> Rc<RefCell<ScreenModel>> {
    let model = use_mut_ref(ScreenModel::default);
    let redraw = use_force_update();
    {
        let model = model.clone();
        use_effect_with(path, move |path: &Option<String>| {
            let socket = path.as_ref().map(|path| {
                let on_event: Rc<dyn Fn(PhoneEvent)> = Rc::new(move |e| {
                    model.borrow_mut().apply(e);
                    redraw.force_update();
                });
                net::connect(path, on_event)
            });
            move || {
                if let Some(s) = socket {
                    s.stop();
                }
            }
        });
    }
    model
}

fn qr_svg(url: &str) -> Html {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(360, 360)
                .quiet_zone(true)
                .build();
            Html::from_html_unchecked(AttrValue::from(svg))
        }
        Err(_) => html! {},
    }
}

fn stage_key(s: Stage) -> Key {
    match s {
        Stage::Collect => Key::StageCollect,
        Stage::Groups => Key::StageGroups,
        Stage::Divisive => Key::StageDivisive,
        Stage::Spectrum => Key::StageSpectrum,
        Stage::Report => Key::StageReport,
    }
}

#[component]
fn ScreenPage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let model = use_room_socket(Some(format!("/api/rooms/{}/ws", p.code)));
    let m = model.borrow();
    let Some(view) = m.view.clone() else {
        return html! { <main class="page screen"><p role="status"><Tr lang={lang} k={Key::Loading} /></p></main> };
    };
    let Some(room) = view.room.clone() else {
        return html! {};
    };
    let phone_url = format!("{}/r/{}", net::origin(), room.code);
    let counts = html! {
        <div class="counts">
            <div><span class="big" id="participant-count">{ view.participants }</span><Tr lang={lang} k={Key::Participants} /></div>
            <div><span class="big" id="vote-count">{ view.votes }</span><Tr lang={lang} k={Key::Votes} /></div>
        </div>
    };
    let body = match room.stage {
        Stage::Collect => html! {
            <div class="collect">
                <div class="qr" aria-label={t(lang, Key::ScanToJoin)} role="img">{ qr_svg(&phone_url) }</div>
                <div class="join-text">
                    <h2><Tr lang={lang} k={Key::ScanToJoin} /></h2>
                    <p><Tr lang={lang} k={Key::OrOpen} /></p>
                    <p class="url">{ phone_url.clone() }</p>
                    <p><Tr lang={lang} k={Key::RoomCode} />{ ": " }<span class="code" id="room-code">{ room.code.clone() }</span></p>
                    { counts.clone() }
                </div>
            </div>
        },
        Stage::Groups => html! {
            <div class="groups-stage">
                <OpinionMap lang={lang} view={view.clone()} />
                <div class="side">
                    <GroupCards lang={lang} view={view.clone()} />
                    <Consensus lang={lang} view={view.clone()} limit={3} />
                </div>
            </div>
        },
        Stage::Divisive => {
            html! { <Divisive lang={lang} items={view.divisive.clone()} limit={5} /> }
        }
        Stage::Spectrum => match view.spectrums.last() {
            Some(sp) => html! { <Spectrum lang={lang} spectrum={sp.clone()} /> },
            None => html! { <p class="hint"><Tr lang={lang} k={Key::NoSpectrumYet} /></p> },
        },
        Stage::Report => html! {
            <div class="report">
                <Consensus lang={lang} view={view.clone()} limit={5} />
                <GroupCards lang={lang} view={view.clone()} />
                <Divisive lang={lang} items={view.divisive.clone()} limit={3} />
                { for view.spectrums.last().map(|sp| html! { <Spectrum lang={lang} spectrum={sp.clone()} /> }) }
            </div>
        },
    };
    html! {
        <main class="page screen" data-stage={room.stage.as_str()} data-online={m.online.to_string()}>
            <div class="screen-head">
                <h1 class="topic">{ room.topic.clone() }</h1>
                <span class="stage-name"><Tr lang={lang} k={stage_key(room.stage)} /></span>
                if room.stage != Stage::Collect {
                    <span class="mini-join">{ phone_url }{ " · " }<Tr lang={lang} k={Key::RoomCode} />{ " " }<strong>{ room.code.clone() }</strong></span>
                    { counts }
                }
                if !m.online { <span class="offline-dot" role="status"><Tr lang={lang} k={Key::Reconnecting} /></span> }
            </div>
            { body }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    lang: Lang,
    view: RoomView,
    #[prop_or(5)]
    limit: usize,
}

#[component]
fn OpinionMap(p: &ViewProps) -> Html {
    let (w, h) = (900.0, 640.0);
    let pts: Vec<[f64; 2]> = p.view.map.iter().map(|m| m.position).collect();
    let centers: Vec<[f64; 2]> = p.view.groups.iter().map(|g| g.center).collect();
    let all: Vec<[f64; 2]> = pts.iter().chain(centers.iter()).copied().collect();
    let placed = map_layout(&all, w, h, 90.0);
    let (dots, labels) = placed.split_at(pts.len().min(placed.len()));
    let dots = spread_duplicates(dots, 24.0);
    let label_of = |id: Option<u32>| -> Option<&str> {
        let id = id?;
        p.view
            .groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.label.as_str())
    };
    html! {
        <figure class="map" id="opinion-map">
            <figcaption><Tr lang={p.lang} k={Key::OpinionMap} /></figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={t(p.lang, Key::OpinionMap)}>
                { for dots.iter().zip(&p.view.map).map(|(xy, point)| {
                    let fill = label_of(point.group).map_or("#6b6b6b", group_colour);
                    html! { <circle class="dot" cx={format!("{:.1}", xy[0])} cy={format!("{:.1}", xy[1])} r="12" fill={fill} stroke="#111" stroke-width="2" /> }
                }) }
                { for labels.iter().zip(&p.view.groups).map(|(xy, g)| {
                    // The label sits above its group, so it never hides the dots.
                    let (x, y) = (xy[0], (xy[1] - 70.0).max(40.0));
                    html! {
                        <g class="group-label">
                            <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="34" fill="#fff" stroke={group_colour(&g.label)} stroke-width="7" />
                            <text x={format!("{x:.1}")} y={format!("{:.1}", y + 14.0)} text-anchor="middle" font-size="40" font-weight="700" fill="#111">{ g.label.clone() }</text>
                        </g>
                    }
                }) }
            </svg>
        </figure>
    }
}

#[component]
fn GroupCards(p: &ViewProps) -> Html {
    let lang = p.lang;
    if p.view.groups.is_empty() {
        return html! { <p class="hint" id="no-groups"><Tr lang={lang} k={Key::NoGroupsYet} /></p> };
    }
    html! {
        <section class="group-cards" id="groups">
            <h2><Tr lang={lang} k={Key::GroupsTitle} /></h2>
            { for p.view.groups.iter().map(|g| html! {
                <article class="group-card" data-group={g.label.clone()} style={format!("--group:{}", group_colour(&g.label))}>
                    <h3><span class="letter">{ g.label.clone() }</span>
                        <Tr lang={lang} k={Key::GroupName} args={vec![("group", g.label.clone())]} />
                        { " · " }<Tr lang={lang} k={Key::People} args={vec![("n", g.size.to_string())]} /></h3>
                    <ul>{ for g.representative.iter().take(3).map(|r| html! { <li>{ reason_text(lang, r) }</li> }) }</ul>
                </article>
            }) }
        </section>
    }
}

#[component]
fn Consensus(p: &ViewProps) -> Html {
    let lang = p.lang;
    if p.view.consensus.is_empty() {
        return html! {};
    }
    html! {
        <section class="consensus" id="consensus">
            <h2><Tr lang={lang} k={Key::ConsensusTitle} /></h2>
            <ul>{ for p.view.consensus.iter().take(p.limit).map(|c| {
                let k = if c.stance == Stance::Agree { Key::EveryoneAgrees } else { Key::EveryoneDisagrees };
                html! { <li>{ format!("“{}” ", c.statement.text) }<Tr lang={lang} k={k} args={vec![("percent", c.percent.to_string())]} /></li> }
            }) }</ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DivisiveProps {
    lang: Lang,
    items: Vec<DivisiveView>,
    limit: usize,
}

fn stance_bars(lang: Lang, groups: &[GroupStance]) -> Html {
    html! {
        <div class="bars">
            { for groups.iter().map(|g| {
                let agree = if g.seen == 0 { 0.0 } else { 100.0 * f64::from(g.agree) / f64::from(g.seen) };
                let disagree = if g.seen == 0 { 0.0 } else { 100.0 * f64::from(g.disagree) / f64::from(g.seen) };
                html! {
                    <div class="bar-row">
                        <span class="letter" style={format!("--group:{}", group_colour(&g.label))}>{ g.label.clone() }</span>
                        <div class="bar" role="img" aria-label={format!("{}: {:.0}% / {:.0}%", g.label, agree, disagree)}>
                            <div class="agree-part" style={format!("width:{agree:.1}%")}></div>
                            <div class="disagree-part" style={format!("width:{disagree:.1}%")}></div>
                        </div>
                        <span class="pct"><Tr lang={lang} k={Key::StanceAgree} args={vec![("percent", format!("{agree:.0}"))]} /></span>
                    </div>
                }
            }) }
        </div>
    }
}

#[component]
fn Divisive(p: &DivisiveProps) -> Html {
    let lang = p.lang;
    if p.items.is_empty() {
        return html! { <p class="hint"><Tr lang={lang} k={Key::NoGroupsYet} /></p> };
    }
    html! {
        <section class="divisive" id="divisive">
            <h2><Tr lang={lang} k={Key::DivisiveTitle} /></h2>
            <ol>{ for p.items.iter().take(p.limit).map(|d| html! {
                <li>
                    <p class="statement-text">{ d.statement.text.clone() }</p>
                    { stance_bars(lang, &d.groups) }
                </li>
            }) }</ol>
            <p class="legend"><span class="agree-swatch"></span><Tr lang={lang} k={Key::Agree} />
               <span class="disagree-swatch"></span><Tr lang={lang} k={Key::Disagree} /></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SpectrumProps {
    lang: Lang,
    spectrum: SpectrumView,
}

#[component]
fn Spectrum(p: &SpectrumProps) -> Html {
    let lang = p.lang;
    let sp = &p.spectrum;
    let steps = [
        Key::StronglyDisagree,
        Key::SomewhatDisagree,
        Key::Neutral,
        Key::SomewhatAgree,
        Key::StronglyAgree,
    ];
    let max = sp
        .rounds
        .iter()
        .flat_map(|r| r.counts.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let round = |r: &polyphony_protocol::SpectrumRoundView| {
        let title = if r.round == 1 {
            Key::RoundOne
        } else {
            Key::RoundTwo
        };
        html! {
            <div class="round" data-round={r.round.to_string()}>
                <h3><Tr lang={lang} k={title} /></h3>
                <div class="histogram">
                    { for (0..5).map(|i| html! {
                        <div class="column">
                            <div class="stack" style={format!("height:{:.0}%", 100.0 * f64::from(r.counts[i]) / f64::from(max))}>
                                { for r.by_group.iter().filter(|g| g.counts[i] > 0).map(|g| html! {
                                    <div class="seg" style={format!("flex:{};background:{}", g.counts[i], if g.label.is_empty() { "#6b6b6b" } else { group_colour(&g.label) })}>
                                        { format!("{}{}", g.label, g.counts[i]) }
                                    </div>
                                }) }
                            </div>
                            <span class="step-label"><Tr lang={lang} k={steps[i]} /></span>
                        </div>
                    }) }
                </div>
            </div>
        }
    };
    html! {
        <section class="spectrum" id="spectrum-view">
            <p class="statement-text">{ sp.statement.text.clone() }</p>
            <div class="rounds">{ for sp.rounds.iter().map(round) }</div>
            if !sp.movement.is_empty() {
                <div class="movement" id="movement">
                    <h3><Tr lang={lang} k={Key::MovementTitle} /></h3>
                    <ul>{ for sp.movement.iter().map(|m| html! {
                        <li style={format!("--group:{}", if m.label.is_empty() { "#6b6b6b" } else { group_colour(&m.label) })}>
                            <span class="letter">{ if m.label.is_empty() { "·".to_string() } else { m.label.clone() } }</span>
                            { format!("{:+.1} → {:+.1}  ", m.mean_before, m.mean_after) }
                            <Tr lang={lang} k={Key::MovedAgree} args={vec![("n", m.toward_agree.to_string())]} />{ " · " }
                            <Tr lang={lang} k={Key::MovedDisagree} args={vec![("n", m.toward_disagree.to_string())]} />{ " · " }
                            <Tr lang={lang} k={Key::Stayed} args={vec![("n", m.stayed.to_string())]} />
                        </li>
                    }) }</ul>
                </div>
            }
        </section>
    }
}

// ---------- facilitator ----------

fn host_key(code: &str) -> Option<String> {
    let hash = net::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    if let Some(k) = hash.strip_prefix("#key=") {
        net::save(&format!("polyphony.key.{code}"), k);
        return Some(k.to_string());
    }
    net::load(&format!("polyphony.key.{code}"))
}

#[component]
fn HostPage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let code = p.code.clone();
    let key = use_memo(code.clone(), |c| host_key(c));
    let path = (*key)
        .as_ref()
        .map(|k| format!("/api/rooms/{code}/ws?key={k}"));
    let model = use_room_socket(path);
    let queue = use_state(Vec::<ModerationItem>::new);
    let error = use_state(|| None::<String>);
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
                        &format!("/api/rooms/{code}/statements"),
                        &[("x-facilitator-key", &key)],
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
    let act = {
        let (code, key, error) = (code.clone(), key.clone(), error.clone());
        move |path: String, body: serde_json::Value| {
            let (code, key, error) = (code.clone(), key.clone(), error.clone());
            Callback::from(move |_: MouseEvent| {
                let (url, key, body, error) = (
                    format!("/api/rooms/{code}{path}"),
                    key.clone(),
                    body.clone(),
                    error.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    let r = net::post::<_, serde_json::Value>(
                        &url,
                        &[("x-facilitator-key", &key)],
                        Some(&body),
                    )
                    .await;
                    error.set(r.err().map(|e| e.message));
                });
            })
        }
    };
    let stage = view.room.as_ref().map_or(Stage::Collect, |r| r.stage);
    let open_spectrum = view
        .spectrums
        .iter()
        .rev()
        .find(|s| s.open_round.is_some())
        .cloned();
    let origin = net::origin();
    let waiting: Vec<&ModerationItem> = queue
        .iter()
        .filter(|i| i.statement.moderation == ModerationState::Pending)
        .collect();
    html! {
        <main class="page host">
            <h1><Tr lang={lang} k={Key::HostTitle} />{ " · " }{ view.room.as_ref().map(|r| r.topic.clone()).unwrap_or_default() }</h1>
            <p class="hint"><Tr lang={lang} k={Key::KeepLink} /></p>
            <p>
                <Tr lang={lang} k={Key::PhoneLink} />{ ": " }<strong id="phone-url">{ format!("{origin}/r/{code}") }</strong>
                { " · " }<a href={format!("/r/{code}/screen")} target="_blank" id="open-screen"><Tr lang={lang} k={Key::OpenScreen} /></a>
            </p>
            <p class="counts-line">
                <Tr lang={lang} k={Key::Participants} />{ format!(": {} · ", view.participants) }
                <Tr lang={lang} k={Key::Votes} />{ format!(": {}", view.votes) }
            </p>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <section class="card">
                <h2><Tr lang={lang} k={Key::StageLabel} /></h2>
                <div class="stage-buttons">
                    { for Stage::ALL.into_iter().map(|s| html! {
                        <button id={format!("stage-{}", s.as_str())} class={classes!((s == stage).then_some("chosen"))}
                            aria-pressed={(s == stage).to_string()}
                            onclick={act("/stage".into(), serde_json::json!({"stage": s.as_str()}))}>
                            <Tr lang={lang} k={stage_key(s)} />
                        </button>
                    }) }
                </div>
                if let Some(sp) = &open_spectrum {
                    <div class="spectrum-controls">
                        <p>{ sp.statement.text.clone() }{ " · " }<Tr lang={lang} k={Key::Round} args={vec![("round", sp.open_round.unwrap_or(1).to_string())]} /></p>
                        if sp.open_round == Some(1) {
                            <button id="open-round-2" onclick={act(format!("/spectrums/{}/round", sp.id), serde_json::json!({"open": 2}))}><Tr lang={lang} k={Key::OpenRoundTwo} /></button>
                        }
                        <button id="close-spectrum" onclick={act(format!("/spectrums/{}/round", sp.id), serde_json::json!({"open": null}))}><Tr lang={lang} k={Key::CloseSpectrum} /></button>
                    </div>
                }
            </section>
            <section class="card">
                <h2><Tr lang={lang} k={Key::ModerationQueue} /></h2>
                if waiting.is_empty() { <p class="hint"><Tr lang={lang} k={Key::NothingPending} /></p> }
                <ul class="queue">{ for waiting.iter().map(|i| html! {
                    <li>{ i.statement.text.clone() }{ " " }
                        <button onclick={act(format!("/statements/{}/moderation", i.statement.id), serde_json::json!({"state": "accepted"}))}><Tr lang={lang} k={Key::Accept} /></button>
                        <button onclick={act(format!("/statements/{}/moderation", i.statement.id), serde_json::json!({"state": "rejected"}))}><Tr lang={lang} k={Key::Reject} /></button>
                    </li>
                }) }</ul>
            </section>
            <section class="card">
                <h2><Tr lang={lang} k={Key::StatementsTitle} /></h2>
                <table class="statements">
                    <tbody>{ for view.statements.iter().map(|s| html! {
                        <tr data-statement={s.statement.id.to_string()}>
                            <td>{ s.statement.text.clone() }</td>
                            <td class="num">{ format!("{} / {} / {}", s.agree, s.disagree, s.pass) }</td>
                            <td><button class="start-spectrum" onclick={act("/spectrums".into(), serde_json::json!({"statement": s.statement.id}))}>
                                <Tr lang={lang} k={Key::StartSpectrum} /></button></td>
                        </tr>
                    }) }</tbody>
                </table>
            </section>
            <section class="card">
                <h2><Tr lang={lang} k={Key::ExportTitle} /></h2>
                <ul class="exports">{ for ["comments.csv", "votes.csv", "participants-votes.csv", "summary.csv", "polyphony.json"].into_iter().map(|f| html! {
                    <li><a href={format!("/api/rooms/{code}/export/{f}?key={key}")} download={format!("{code}-{f}")}>{ f }</a></li>
                }) }</ul>
                <button id="close-room" onclick={act("/close".into(), serde_json::json!({}))}><Tr lang={lang} k={Key::CloseRoom} /></button>
            </section>
        </main>
    }
}

// ---------- explorer ----------

#[component]
fn ExplorePage(p: &LangProps) -> Html {
    let lang = p.lang;
    let result = use_state(|| None::<Result<RoomView, String>>);
    let polis = use_state(|| false);
    let files = use_mut_ref(Vec::<(String, String)>::new);
    let run = {
        let (result, polis, files) = (result.clone(), polis.clone(), files.clone());
        Rc::new(move || {
            let f = files.borrow().clone();
            if !f.is_empty() {
                result.set(Some(crate::explore::analyze(&f, *polis)));
            }
        })
    };
    let on_files = {
        let (files, run) = (files.clone(), run.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(list) = input.files() else { return };
            let (files, run) = (files.clone(), run.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut read = Vec::new();
                for i in 0..list.length() {
                    if let Some(file) = list.get(i) {
                        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                        if let Some(t) = text.ok().and_then(|v| v.as_string()) {
                            read.push((file.name(), t));
                        }
                    }
                }
                *files.borrow_mut() = read;
                run();
            });
        })
    };
    let on_preset = {
        let (polis, run) = (polis.clone(), run.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                polis.set(sel.value() == "polis");
                let run = run.clone();
                gloo_timers::callback::Timeout::new(0, move || run()).forget();
            }
        })
    };
    html! {
        <main class="page explore">
            <h1><Tr lang={lang} k={Key::ExploreTitle} /></h1>
            <p><Tr lang={lang} k={Key::ExploreHelp} /></p>
            <div class="explore-controls">
                <label for="files"><Tr lang={lang} k={Key::ChooseFiles} /></label>
                <input id="files" type="file" multiple=true accept=".csv,.json" onchange={on_files} />
                <label for="preset"><Tr lang={lang} k={Key::PresetLabel} /></label>
                <select id="preset" onchange={on_preset}>
                    <option value="workshop" selected={!*polis}>{ t(lang, Key::PresetWorkshop) }</option>
                    <option value="polis" selected={*polis}>{ t(lang, Key::PresetPolis) }</option>
                </select>
            </div>
            { match &*result {
                None => html! {},
                Some(Err(e)) => html! { <p class="error" role="alert"><Tr lang={lang} k={Key::ErrorPrefix} />{ " " }{ e.clone() }</p> },
                Some(Ok(view)) => html! {
                    <div class="explore-result" id="explore-result">
                        <p class="counts-line"><Tr lang={lang} k={Key::Participants} />{ format!(": {} · ", view.voters) }
                            <Tr lang={lang} k={Key::Votes} />{ format!(": {}", view.votes) }</p>
                        <div class="groups-stage">
                            <OpinionMap lang={lang} view={view.clone()} />
                            <div class="side"><GroupCards lang={lang} view={view.clone()} /></div>
                        </div>
                        <Consensus lang={lang} view={view.clone()} limit={5} />
                        <Divisive lang={lang} items={view.divisive.clone()} limit={5} />
                    </div>
                },
            } }
        </main>
    }
}
