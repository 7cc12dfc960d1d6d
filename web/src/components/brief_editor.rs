//! The facilitator's briefing cards: [`BriefForm`], a repeatable form (title, key facts, an
//! optional image address, up to four positions each with its side and source) used on the
//! start page and in the console; and [`BriefEditor`], the console's section that saves the
//! cards (`PUT …/brief`) and, on the brief stage, turns the projector's card (`show_page`, with
//! the report's [`PageTurner`]).
//!
//! The form checks the cards with the server's own rules ([`check_brief`]) before sending, and
//! leaves out what was left blank ([`tidy`]): an added card or position with nothing written.

use std::rc::Rc;

use polyphony_protocol::{
    brief_max_chars, check_brief, BriefCard, BriefField, BriefPosition, BriefProblem, RoomInfo,
    RoomView, Stage, BRIEF_MAX_CARDS, BRIEF_MAX_POSITIONS,
};
use yew::prelude::*;

use crate::components::controls::{control_sender, worded};
use crate::components::{input_value, PageTurner, Tr};
use crate::i18n::{fill, t, Key, Lang};
use crate::net;
use crate::routes::api;

/// The cards without what was left blank: a position with no side, text or source, a card with
/// no title, text, image or position; an empty image address is no image.
pub fn tidy(cards: &[BriefCard]) -> Vec<BriefCard> {
    cards
        .iter()
        .map(|c| BriefCard {
            title: c.title.clone(),
            text: c.text.clone(),
            image: c.image.clone().filter(|u| !u.trim().is_empty()),
            positions: c
                .positions
                .iter()
                .filter(|p| {
                    !(p.side.trim().is_empty()
                        && p.text.trim().is_empty()
                        && p.source.trim().is_empty())
                })
                .cloned()
                .collect(),
        })
        .filter(|c| {
            !(c.title.trim().is_empty()
                && c.text.trim().is_empty()
                && c.image.is_none()
                && c.positions.is_empty())
        })
        .collect()
}

/// A field's name, as the form labels it.
fn field_key(f: BriefField) -> Key {
    match f {
        BriefField::Title => Key::BriefTitleLabel,
        BriefField::Text => Key::BriefTextLabel,
        BriefField::Image => Key::BriefImageField,
        BriefField::Side => Key::BriefSideLabel,
        BriefField::Position => Key::BriefPositionLabel,
        BriefField::Source => Key::BriefSourceLabel,
    }
}

/// What is wrong with the cards, in the facilitator's language.
pub fn problem_text(lang: Lang, p: &BriefProblem) -> String {
    let n = |v: usize| v.to_string();
    match p {
        BriefProblem::TooManyCards { .. } => fill(
            t(lang, Key::BriefErrTooManyCards),
            &[("max", n(BRIEF_MAX_CARDS))],
        ),
        BriefProblem::EmptyTitle { card } => {
            fill(t(lang, Key::BriefErrEmptyTitle), &[("card", n(*card))])
        }
        BriefProblem::TooLong {
            card,
            field,
            chars,
            max,
            ..
        } => fill(
            t(lang, Key::BriefErrTooLong),
            &[
                ("card", n(*card)),
                ("field", t(lang, field_key(*field)).to_string()),
                ("chars", n(*chars)),
                ("max", max.to_string()),
            ],
        ),
        BriefProblem::TooManyPositions { card, .. } => fill(
            t(lang, Key::BriefErrTooManyPositions),
            &[("card", n(*card)), ("max", n(BRIEF_MAX_POSITIONS))],
        ),
        BriefProblem::EmptyPosition { card, position } => fill(
            t(lang, Key::BriefErrEmptyPosition),
            &[("card", n(*card)), ("position", n(*position))],
        ),
        BriefProblem::BadImage { card } => {
            fill(t(lang, Key::BriefErrBadImage), &[("card", n(*card))])
        }
    }
}

/// The first problem of the cards as they would be sent, worded; `None` when they can go.
pub fn brief_problem(lang: Lang, cards: &[BriefCard]) -> Option<String> {
    check_brief(&tidy(cards))
        .err()
        .map(|p| problem_text(lang, &p))
}

/// The form's cards and where its changes go.
#[derive(Properties, PartialEq)]
pub struct BriefFormProps {
    /// The UI language.
    pub lang: Lang,
    /// The cards as the form shows them (blank ones included).
    pub cards: Vec<BriefCard>,
    /// Every change: the whole list.
    pub on_change: Callback<Vec<BriefCard>>,
}

/// A change to the list, from an input's text.
type Edit = Rc<dyn Fn(&mut Vec<BriefCard>, String)>;
/// A change to the list, from a button.
type Step = Rc<dyn Fn(&mut Vec<BriefCard>)>;

/// The cards as a repeatable form. Its buttons never submit a surrounding form.
#[component]
pub fn BriefForm(p: &BriefFormProps) -> Html {
    let lang = p.lang;
    let on_input = |edit: Edit| {
        let (cards, on_change) = (p.cards.clone(), p.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let mut c = cards.clone();
            edit(&mut c, input_value(&e));
            on_change.emit(c);
        })
    };
    let on_click = |edit: Step| {
        let (cards, on_change) = (p.cards.clone(), p.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let mut c = cards.clone();
            edit(&mut c);
            on_change.emit(c);
        })
    };
    let max = |f: BriefField| brief_max_chars(f).to_string();
    let card_forms = p.cards.iter().enumerate().map(|(i, c)| {
        let id = |what: &str| format!("brief-{i}-{what}");
        let positions = c.positions.iter().enumerate().map(|(j, pos)| {
            let pid = |what: &str| format!("brief-{i}-{j}-{what}");
            html! {
                <fieldset class="brief-position-form" data-position={j.to_string()}>
                    <legend><Tr lang={lang} k={Key::BriefPositionNo} args={vec![("n", (j + 1).to_string())]} /></legend>
                    <label for={pid("side")}><Tr lang={lang} k={Key::BriefSideLabel} /></label>
                    <input id={pid("side")} class="brief-side-input" maxlength={max(BriefField::Side)} value={pos.side.clone()}
                        oninput={on_input(Rc::new(move |c, v| c[i].positions[j].side = v))} />
                    <label for={pid("text")}><Tr lang={lang} k={Key::BriefPositionLabel} /></label>
                    <textarea id={pid("text")} class="brief-stance-input" rows="2" maxlength={max(BriefField::Position)} value={pos.text.clone()}
                        oninput={on_input(Rc::new(move |c, v| c[i].positions[j].text = v))} />
                    <label for={pid("source")}><Tr lang={lang} k={Key::BriefSourceLabel} /></label>
                    <input id={pid("source")} class="brief-source-input" maxlength={max(BriefField::Source)} value={pos.source.clone()}
                        oninput={on_input(Rc::new(move |c, v| c[i].positions[j].source = v))} />
                    <button type="button" class="brief-remove-position"
                        onclick={on_click(Rc::new(move |c| { c[i].positions.remove(j); }))}>
                        <Tr lang={lang} k={Key::BriefRemovePosition} />
                    </button>
                </fieldset>
            }
        });
        html! {
            <fieldset class="brief-card-form" data-card={i.to_string()}>
                <legend><Tr lang={lang} k={Key::BriefCardLabel} args={vec![("n", (i + 1).to_string())]} /></legend>
                <label for={id("title")}><Tr lang={lang} k={Key::BriefTitleLabel} /></label>
                <input id={id("title")} class="brief-title-input" maxlength={max(BriefField::Title)} value={c.title.clone()}
                    oninput={on_input(Rc::new(move |c, v| c[i].title = v))} />
                <label for={id("text")}><Tr lang={lang} k={Key::BriefTextLabel} /></label>
                <textarea id={id("text")} class="brief-text-input" rows="4" maxlength={max(BriefField::Text)} value={c.text.clone()}
                    oninput={on_input(Rc::new(move |c, v| c[i].text = v))} />
                <label for={id("image")}><Tr lang={lang} k={Key::BriefImageLabel} /></label>
                <input id={id("image")} class="brief-image-input" type="url" placeholder="https://" maxlength={max(BriefField::Image)}
                    value={c.image.clone().unwrap_or_default()}
                    oninput={on_input(Rc::new(move |c, v| c[i].image = Some(v).filter(|u| !u.is_empty())))} />
                <h4 class="brief-positions-label"><Tr lang={lang} k={Key::BriefPositionsLabel} /></h4>
                { for positions }
                <div class="row">
                    <button type="button" class="brief-add-position" disabled={c.positions.len() >= BRIEF_MAX_POSITIONS}
                        onclick={on_click(Rc::new(move |c| c[i].positions.push(BriefPosition::default())))}>
                        <Tr lang={lang} k={Key::BriefAddPosition} />
                    </button>
                    if i > 0 {
                        <button type="button" class="brief-move-up" onclick={on_click(Rc::new(move |c| c.swap(i - 1, i)))}>
                            <Tr lang={lang} k={Key::BriefMoveUp} />
                        </button>
                    }
                    <button type="button" class="brief-remove-card" onclick={on_click(Rc::new(move |c| { c.remove(i); }))}>
                        <Tr lang={lang} k={Key::BriefRemoveCard} />
                    </button>
                </div>
            </fieldset>
        }
    });
    let problem = brief_problem(lang, &p.cards);
    html! {
        <div class="brief-form" id="brief-form" data-cards={p.cards.len().to_string()}>
            { for card_forms }
            <button type="button" id="brief-add-card" disabled={p.cards.len() >= BRIEF_MAX_CARDS}
                onclick={on_click(Rc::new(|c| c.push(BriefCard::default())))}>
                <Tr lang={lang} k={Key::BriefAddCard} />
            </button>
            if let Some(problem) = problem {
                <p class="error" id="brief-problem" role="status">{ problem }</p>
            }
        </div>
    }
}

/// The console's briefing section: the cards to edit and save and, on the brief stage, the
/// card the projector shows, turned by hand or every 20 seconds.
#[derive(Properties, PartialEq)]
pub struct BriefEditorProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code.
    pub code: String,
    /// The facilitator key.
    pub host_key: String,
    /// The latest room view (its `room` has the cards, the stage and the page).
    pub view: RoomView,
    /// Shows a request's failure (or clears it).
    pub on_error: Callback<Option<String>>,
}

/// Edit, save and turn the briefing cards.
#[component]
pub fn BriefEditor(p: &BriefEditorProps) -> Html {
    let lang = p.lang;
    let draft = use_state(|| None::<Vec<BriefCard>>);
    let saved = use_state(|| false);
    let busy = use_state(|| false);
    let room = p.view.room.clone();
    let stored = room.as_ref().map(|r| r.brief.clone()).unwrap_or_default();
    let stage = room.as_ref().map_or(Stage::Collect, |r| r.stage);
    let shown = (*draft).clone().unwrap_or_else(|| stored.clone());
    let changed = draft.as_ref().is_some_and(|d| tidy(d) != stored);
    let problem = brief_problem(lang, &shown);
    let on_change = {
        let (draft, saved) = (draft.clone(), saved.clone());
        Callback::from(move |c: Vec<BriefCard>| {
            draft.set(Some(c));
            saved.set(false);
        })
    };
    let save = {
        let (draft, saved, busy, on_error) = (
            draft.clone(),
            saved.clone(),
            busy.clone(),
            p.on_error.clone(),
        );
        let (url, key, cards) = (api::brief(&p.code), p.host_key.clone(), tidy(&shown));
        Callback::from(move |_: MouseEvent| {
            let (draft, saved, busy, on_error) =
                (draft.clone(), saved.clone(), busy.clone(), on_error.clone());
            let (url, key, cards) = (url.clone(), key.clone(), cards.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let r =
                    net::put::<_, RoomInfo>(&url, &[(api::FACILITATOR_KEY_HEADER, &key)], &cards)
                        .await;
                busy.set(false);
                match r {
                    Ok(_) => {
                        draft.set(None);
                        saved.set(true);
                        on_error.emit(None);
                    }
                    Err(e) => on_error.emit(Some(worded(lang, e))),
                }
            });
        })
    };
    // Turning the projector's card (the brief stage only), as the report's pages turn.
    let paging = (stage == Stage::Brief && !stored.is_empty()).then(|| {
        let send = control_sender(lang, &p.code, &p.host_key, &p.on_error);
        let paging = room
            .as_ref()
            .map_or((0, false), |r| r.controls.page_of(Stage::Brief));
        html! { <PageTurner lang={lang} title={Key::BriefPagingTitle} pages={stored.len()} {paging} {send} /> }
    });
    html! {
        <section class="card brief-editor" id="brief-editor">
            <h2><Tr lang={lang} k={Key::BriefEditorTitle} /></h2>
            <p class="hint"><Tr lang={lang} k={Key::BriefEditorHint} /></p>
            { for paging }
            <BriefForm lang={lang} cards={shown} {on_change} />
            <div class="row">
                <button type="button" class="primary" id="brief-save" disabled={!changed || problem.is_some() || *busy} onclick={save}>
                    <Tr lang={lang} k={Key::BriefSave} />
                </button>
                if changed {
                    <span class="status-note" id="brief-unsaved"><Tr lang={lang} k={Key::BriefUnsaved} /></span>
                } else if *saved {
                    <span class="status-note" id="brief-saved" role="status"><Tr lang={lang} k={Key::BriefSaved} /></span>
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn position(side: &str, text: &str) -> BriefPosition {
        BriefPosition {
            side: side.into(),
            text: text.into(),
            source: String::new(),
        }
    }

    #[test]
    fn blank_cards_and_positions_are_left_out() {
        let cards = vec![
            BriefCard::default(),
            BriefCard {
                title: "Licences".into(),
                image: Some(" ".into()),
                positions: vec![position("", ""), position("Union", "Same rules")],
                ..Default::default()
            },
            BriefCard {
                positions: vec![position(" ", "")],
                ..Default::default()
            },
        ];
        let tidied = tidy(&cards);
        assert_eq!(tidied.len(), 1);
        assert_eq!(tidied[0].image, None);
        assert_eq!(tidied[0].positions, vec![position("Union", "Same rules")]);
        assert_eq!(brief_problem(Lang::En, &cards), None);
    }

    #[test]
    fn problems_are_worded_in_every_language() {
        let cards = vec![BriefCard {
            title: "Licences".into(),
            positions: vec![position("Union", "")],
            ..Default::default()
        }];
        assert_eq!(
            brief_problem(Lang::En, &cards).unwrap(),
            "Card 1, position 1: write the side and their position."
        );
        let long = vec![BriefCard {
            title: "字".repeat(81),
            ..Default::default()
        }];
        assert_eq!(
            brief_problem(Lang::ZhTw, &long).unwrap(),
            "第 1\u{a0}張卡片：「標題」有 81\u{a0}字，最多 80\u{a0}字。"
        );
        let problems = [
            BriefProblem::TooManyCards { cards: 13 },
            BriefProblem::EmptyTitle { card: 2 },
            BriefProblem::TooManyPositions {
                card: 2,
                positions: 5,
            },
            BriefProblem::BadImage { card: 3 },
        ];
        for lang in Lang::ALL {
            for p in &problems {
                let text = problem_text(lang, p);
                assert!(!text.contains('{'), "{lang:?}: {text}");
            }
        }
    }
}
