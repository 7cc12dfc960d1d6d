//! The start page: join a room by its code, or create one.

use polyphony_protocol::{
    BriefCard, ErrorCode, ModerationMode, NewRoom, RoomCreated, RoomSettings,
    DEFAULT_STATEMENT_MAX_CHARS, RULES_MAX_CHARS,
};
use yew::prelude::*;

use crate::components::brief_editor::{brief_problem, tidy};
use crate::components::phone_parts::JoinForm;
use crate::components::{error_text, input_value, BriefForm, Tr};
use crate::i18n::{fill, t, Key, Lang};
use crate::pages::LangProps;
use crate::routes::{api, page};
use crate::state::seeds::{seed_problem, SeedProblem};
use crate::{nav, net, storage};

/// The seed statements' problem in the facilitator's words: which statement, by number and
/// first words.
fn seed_problem_text(lang: Lang, p: &SeedProblem) -> String {
    match p {
        SeedProblem::TooLong { n, chars, start } => fill(
            t(lang, Key::SeedErrTooLong),
            &[
                ("n", n.to_string()),
                ("start", start.clone()),
                ("chars", chars.to_string()),
                ("max", DEFAULT_STATEMENT_MAX_CHARS.to_string()),
            ],
        ),
        SeedProblem::Duplicate {
            first,
            second,
            start,
        } => fill(
            t(lang, Key::SeedErrDuplicate),
            &[
                ("first", first.to_string()),
                ("second", second.to_string()),
                ("start", start.clone()),
            ],
        ),
    }
}

/// Create or join a room.
#[component]
pub fn StartPage(p: &LangProps) -> Html {
    let lang = p.lang;
    let topic = use_state(String::new);
    let description = use_state(String::new);
    let statements = use_state(String::new);
    let strict = use_state(|| false);
    let open_admission = use_state(|| false);
    let rules = use_state(String::new);
    let brief = use_state(Vec::<BriefCard>::new);
    let error = use_state(|| None::<(Option<ErrorCode>, String)>);
    let busy = use_state(|| false);
    let statements_field = use_node_ref();

    let on_create = {
        let (topic, description, statements, strict, rules, error, busy) = (
            topic.clone(),
            description.clone(),
            statements.clone(),
            strict.clone(),
            rules.clone(),
            error.clone(),
            busy.clone(),
        );
        let brief = brief.clone();
        let open_admission = open_admission.clone();
        let statements_field = statements_field.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // The briefing form says what is wrong with its cards, the statements' field what
            // is wrong with a statement; nothing is sent meanwhile. The button is at the foot of
            // a long form: the statements' field (and what is wrong there) is brought into view,
            // else the click seemed to do nothing.
            if seed_problem(&statements, DEFAULT_STATEMENT_MAX_CHARS).is_some() {
                if let Some(field) = statements_field.cast::<web_sys::Element>() {
                    field.scroll_into_view();
                }
                return;
            }
            if brief_problem(lang, &brief).is_some() {
                return;
            }
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
                    open_admission: *open_admission,
                    ..RoomSettings::default()
                },
                seed: None,
                rules: rules.trim().to_string(),
                brief: tidy(&brief),
            };
            let (error, busy) = (error.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match net::post::<_, RoomCreated>(api::ROOMS, &[], Some(&req)).await {
                    Ok(c) => {
                        storage::save_facilitator_key(&c.room.code, &c.facilitator_key);
                        nav::go(&page::host(&c.room.code, &c.facilitator_key));
                    }
                    Err(e) => {
                        error.set(Some((e.code, e.message)));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let seeds_wrong =
        seed_problem(&statements, DEFAULT_STATEMENT_MAX_CHARS).map(|p| seed_problem_text(lang, &p));
    let set = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(input_value(&e)))
    };
    html! {
        <main class="page start">
            <h1><Tr lang={lang} k={Key::StartTitle} /></h1>
            <p class="intro"><Tr lang={lang} k={Key::StartIntro} /></p>
            <div class="columns">
                <JoinForm lang={lang} />
                <form class="card" id="create-form" onsubmit={on_create}>
                    <h2><Tr lang={lang} k={Key::CreateTitle} /></h2>
                    <label for="topic"><Tr lang={lang} k={Key::TopicLabel} /></label>
                    <input id="topic" required=true maxlength="300" value={(*topic).clone()} oninput={set(&topic)} />
                    <label for="description"><Tr lang={lang} k={Key::DescriptionLabel} /></label>
                    <textarea id="description" rows="2" value={(*description).clone()} oninput={set(&description)} />
                    <label for="statements"><Tr lang={lang} k={Key::StatementsLabel} /></label>
                    <textarea id="statements" ref={statements_field.clone()} rows="8" value={(*statements).clone()} oninput={set(&statements)}
                        aria-invalid={seeds_wrong.is_some().to_string()} aria-describedby="seed-problem" />
                    if let Some(problem) = &seeds_wrong {
                        <p class="error" id="seed-problem" role="status">{ problem.clone() }</p>
                    }
                    <fieldset>
                        <legend><Tr lang={lang} k={Key::ModerationLabel} /></legend>
                        <label class="radio"><input type="radio" name="moderation" checked={!*strict}
                            onchange={ { let s = strict.clone(); Callback::from(move |_| s.set(false)) } } />
                            <Tr lang={lang} k={Key::ModerationOpen} /></label>
                        <label class="radio"><input type="radio" name="moderation" id="strict" checked={*strict}
                            onchange={ { let s = strict.clone(); Callback::from(move |_| s.set(true)) } } />
                            <Tr lang={lang} k={Key::ModerationStrict} /></label>
                    </fieldset>
                    <label class="check"><input type="checkbox" id="open-admission" checked={*open_admission}
                        onchange={ { let o = open_admission.clone(); Callback::from(move |_| o.set(!*o)) } } />
                        <Tr lang={lang} k={Key::OpenAdmissionLabel} /></label>
                    <label for="rules"><Tr lang={lang} k={Key::RulesLabel} /></label>
                    <textarea id="rules" rows="3" maxlength={RULES_MAX_CHARS.to_string()} aria-describedby="rules-hint"
                        value={(*rules).clone()} oninput={set(&rules)} />
                    <p class="hint" id="rules-hint"><Tr lang={lang} k={Key::RulesHint} /></p>
                    <fieldset class="brief-start" id="brief-start">
                        <legend><Tr lang={lang} k={Key::BriefEditorTitle} /></legend>
                        <p class="hint"><Tr lang={lang} k={Key::BriefStartHint} /></p>
                        <BriefForm lang={lang} cards={(*brief).clone()}
                            on_change={ { let b = brief.clone(); Callback::from(move |c| b.set(c)) } } />
                    </fieldset>
                    if let Some((code, e)) = &*error { <p class="error" id="create-error" role="alert">{ error_text(lang, *code, e) }</p> }
                    <button type="submit" class="primary" disabled={*busy}><Tr lang={lang} k={Key::CreateButton} /></button>
                </form>
            </div>
            <p><a href={page::EXPLORE}><Tr lang={lang} k={Key::ExploreLink} /></a></p>
        </main>
    }
}
