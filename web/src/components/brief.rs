//! The briefing: the projector's card view ([`BriefScreen`], one card at a time, in large type,
//! paged from the console) and the phone's list ([`brief_list`], every card, read at one's own
//! pace).
//!
//! The projector never scrolls: [`card_layout`] picks the largest type (1 to 1.4 of the
//! projector's unit `--u`) at which the card fits the screen, and below 1 it cuts the longest
//! texts to the lines that fit instead (the phones have every word). A card's image shows on
//! the projector only, without a referrer; a phone offers it as a link, so that no phone
//! contacts another site unless its owner taps.

use polyphony_protocol::BriefCard;
use yew::prelude::*;

use crate::components::{use_page_turns, Tr};
use crate::i18n::{Key, Lang};
use crate::state::projector::shown_page;
use crate::state::{text_lines, Fit};

/// Type sizes tried for a card, largest first, in the projector's unit.
const SCALES: [f64; 4] = [1.4, 1.25, 1.1, 1.0];
/// The title's size, relative to the card's text.
const TITLE_EM: f64 = 1.3;
/// Width of the "card n of N" counter beside the title, in ems.
const COUNTER_COLS: f64 = 7.0;
/// The share of the width the text takes beside an image.
const BESIDE_IMAGE: f64 = 0.6;
/// The lines an image takes at least (and at most), in lines of the card's text.
const IMAGE_LINES: (f64, f64) = (6.0, 10.0);
/// The gap between position columns, in ems.
const COLUMN_GAP: f64 = 1.0;
/// Lines a side or a source may take on the projector (the style sheet cuts them there).
const CUT_LINES: f64 = 2.0;

/// How a card is set on the projector: its type size, and where its texts are cut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardLayout {
    /// The card's type size, in the projector's unit (at least 1).
    pub scale: f64,
    /// The text's lines when it must be cut.
    pub text_clamp: Option<u32>,
    /// Each position's lines when they must be cut.
    pub position_clamp: Option<u32>,
    /// The image's height, in lines of the card's text.
    pub image_lines: f64,
}

/// Lines of `text` (paragraphs on separate lines) in a column `cols` ems wide.
fn paragraph_lines(text: &str, cols: f64) -> f64 {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| text_lines(l, cols))
        .sum()
}

/// What a card needs, in lines of its text, in a region `fit` of its own unit.
struct Needs {
    /// The title line(s) and the gap under them.
    title: f64,
    /// The text (beside the image when there is one).
    text: f64,
    /// The image.
    image: f64,
    /// The tallest position's text.
    stance: f64,
    /// The tallest position's side and source (each at most [`CUT_LINES`]) and the gaps.
    frame: f64,
}

impl Needs {
    fn of(card: &BriefCard, fit: Fit) -> Needs {
        let cols = fit.cols;
        let title = text_lines(&card.title, (cols - COUNTER_COLS) / TITLE_EM) * TITLE_EM + 0.3;
        let text_cols = if card.image.is_some() {
            cols * BESIDE_IMAGE
        } else {
            cols
        };
        let text = paragraph_lines(&card.text, text_cols);
        let image = if card.image.is_some() {
            text.clamp(IMAGE_LINES.0, IMAGE_LINES.1)
        } else {
            0.0
        };
        let n = card.positions.len() as f64;
        let col = ((cols - COLUMN_GAP * (n - 1.0).max(0.0)) / n.max(1.0) - 0.6).max(4.0);
        let (mut stance, mut frame) = (0.0, 0.0);
        for p in &card.positions {
            let source = if p.source.trim().is_empty() {
                0.0
            } else {
                text_lines(&format!("Source: {}", p.source), col).min(CUT_LINES)
            };
            stance = f64::max(stance, paragraph_lines(&p.text, col));
            frame = f64::max(
                frame,
                text_lines(&p.side, col).min(CUT_LINES) + source + 0.8,
            );
        }
        Needs {
            title,
            text,
            image,
            stance,
            frame,
        }
    }

    /// The text block (text or image, whichever is taller).
    fn main(&self) -> f64 {
        self.text.max(self.image)
    }

    /// The positions' row.
    fn positions(&self) -> f64 {
        self.stance + self.frame
    }

    /// Everything, with the gap between the text block and the positions.
    fn total(&self) -> f64 {
        let gap = if self.main() > 0.0 && self.positions() > 0.0 {
            0.5
        } else {
            0.0
        };
        self.title + self.main() + gap + self.positions()
    }
}

/// The largest type size at which `card` fits `fit` (the body of the projector, in its unit);
/// at size 1 and still too long, the text keeps at least a third of the room (less when the
/// positions are short) and the positions' texts share the rest, each cut to the lines it has.
pub fn card_layout(card: &BriefCard, fit: Fit) -> CardLayout {
    for scale in SCALES {
        let at = Fit {
            cols: fit.cols / scale,
            lines: fit.lines / scale,
        };
        let needs = Needs::of(card, at);
        if needs.total() <= at.lines {
            return CardLayout {
                scale,
                text_clamp: None,
                position_clamp: None,
                image_lines: needs.image,
            };
        }
    }
    let needs = Needs::of(card, fit);
    let gap = if needs.positions() > 0.0 { 0.5 } else { 0.0 };
    let room = (fit.lines - needs.title - gap).max(2.0);
    let main = needs.main();
    let text_room = if needs.positions() == 0.0 {
        room
    } else {
        (room - needs.positions()).max((room / 3.0).min(main))
    };
    let text_clamp = (needs.text > text_room).then(|| text_room.floor().max(1.0) as u32);
    let stance_room = room - text_room.min(main) - needs.frame;
    let position_clamp = (needs.stance > stance_room).then(|| stance_room.floor().max(1.0) as u32);
    CardLayout {
        scale: 1.0,
        text_clamp,
        position_clamp,
        image_lines: needs.image.min(text_room).max(2.0),
    }
}

/// What the projector's briefing shows.
#[derive(Properties, PartialEq)]
pub struct BriefScreenProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's cards.
    pub cards: Vec<BriefCard>,
    /// The card the console turned to (0 = first).
    pub page: u32,
    /// Turn to the next card every 20 seconds (as the report's pages turn).
    pub auto: bool,
    /// The room the card has, in the projector's unit.
    pub fit: Fit,
}

/// One briefing card, large: its title with "card n of N", its text beside its image, and each
/// side's position side by side with its source.
#[component]
pub fn BriefScreen(p: &BriefScreenProps) -> Html {
    let lang = p.lang;
    // The same count of turns as the console's page turner, so both show the same card.
    let turns = use_page_turns(true, (p.page, p.auto));
    let n = p.cards.len();
    let i = shown_page(p.page, p.auto, turns, n);
    let Some(card) = p.cards.get(i) else {
        return html! { <p class="hint" id="no-brief"><Tr lang={lang} k={Key::BriefNoCards} /></p> };
    };
    let layout = card_layout(card, p.fit);
    let mut style = format!(
        "--bs:{:.2};--img-lines:{:.1}",
        layout.scale, layout.image_lines
    );
    if let Some(c) = layout.text_clamp {
        style.push_str(&format!(";--text-clamp:{c}"));
    }
    if let Some(c) = layout.position_clamp {
        style.push_str(&format!(";--pos-clamp:{c}"));
    }
    html! {
        <section class="brief-screen" id="brief-card" data-card={i.to_string()} data-cards={n.to_string()}
            data-auto={p.auto.to_string()} data-scale={format!("{:.2}", layout.scale)} {style}>
            <div class="brief-head">
                <h2 class="brief-title">{ card.title.clone() }</h2>
                <span class="brief-count" id="brief-count">
                    <Tr lang={lang} k={Key::BriefCardOf} args={vec![("n", (i + 1).to_string()), ("total", n.to_string())]} />
                </span>
            </div>
            if !card.text.trim().is_empty() || card.image.is_some() {
                <div class={classes!("brief-main", card.image.is_some().then_some("with-image"))}>
                    if !card.text.trim().is_empty() {
                        <p class={classes!("brief-text", layout.text_clamp.is_some().then_some("cut"))}>{ card.text.clone() }</p>
                    }
                    if let Some(src) = &card.image {
                        <img class="brief-image" src={src.clone()} alt={card.title.clone()} referrerpolicy="no-referrer" />
                    }
                </div>
            }
            if !card.positions.is_empty() {
                <ul class={classes!("brief-positions", layout.position_clamp.is_some().then_some("cut"))}
                    style={format!("--cols:{}", card.positions.len())}>
                    { for card.positions.iter().map(|pos| html! {
                        <li class="brief-position">
                            <h3 class="brief-side">{ pos.side.clone() }</h3>
                            <p class="brief-stance">{ pos.text.clone() }</p>
                            if !pos.source.trim().is_empty() {
                                <p class="brief-source"><Tr lang={lang} k={Key::BriefSourceLabel} />{ ": " }{ pos.source.clone() }</p>
                            }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// Whether a source reads as a web address (then a phone links it).
fn is_address(source: &str) -> bool {
    (source.starts_with("https://") || source.starts_with("http://"))
        && !source.chars().any(char::is_whitespace)
}

/// A source: a link when it is a web address (opened apart, without a referrer), else text.
fn source_html(source: &str) -> Html {
    if is_address(source) {
        html! { <a href={source.to_string()} target="_blank" rel="noopener noreferrer">{ source.to_string() }</a> }
    } else {
        html! { { source.to_string() } }
    }
}

/// Every briefing card as a list on the phone, to read at one's own pace: title, text,
/// each side's position with its source, and the image as a link. Nothing without cards.
pub fn brief_list(lang: Lang, cards: &[BriefCard]) -> Html {
    if cards.is_empty() {
        return html! {};
    }
    html! {
        <section class="brief-list" id="brief-list" aria-labelledby="brief-heading">
            // "Read them at your own pace" is the status line's, above it, while the briefing
            // is the room's stage (said twice, one under the other, before).
            <h2 id="brief-heading"><Tr lang={lang} k={Key::BriefHeading} /></h2>
            <ol class="brief-items">
                { for cards.iter().enumerate().map(|(i, c)| html! {
                    <li class="brief-item" data-card={i.to_string()}>
                        <h3>{ c.title.clone() }</h3>
                        { for c.text.lines().filter(|l| !l.trim().is_empty()).map(|l| html! { <p>{ l.to_string() }</p> }) }
                        if let Some(src) = &c.image {
                            <p class="brief-image-link"><a href={src.clone()} target="_blank" rel="noopener noreferrer">
                                <Tr lang={lang} k={Key::BriefImageLink} /></a></p>
                        }
                        if !c.positions.is_empty() {
                            <ul class="brief-stances">
                                { for c.positions.iter().map(|pos| html! {
                                    <li>
                                        <strong>{ pos.side.clone() }</strong>{ " " }
                                        { for pos.text.lines().filter(|l| !l.trim().is_empty()).map(|l| html! { <span class="stance-line">{ l.to_string() }</span> }) }
                                        if !pos.source.trim().is_empty() {
                                            <span class="brief-source"><Tr lang={lang} k={Key::BriefSourceLabel} />{ ": " }{ source_html(&pos.source) }</span>
                                        }
                                    </li>
                                }) }
                            </ul>
                        }
                    </li>
                }) }
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use polyphony_protocol::BriefPosition;

    use super::*;

    /// The projector's body at 1920 × 1080, as the projector page measures it.
    const BODY: Fit = Fit {
        cols: 50.0,
        lines: 19.0,
    };

    fn card(text: &str, positions: usize, stance: &str) -> BriefCard {
        BriefCard {
            title: "Licences".into(),
            text: text.into(),
            image: None,
            positions: (0..positions)
                .map(|i| BriefPosition {
                    side: format!("Side {i}"),
                    text: stance.into(),
                    source: "Annual report, 2024".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_short_card_is_set_large_and_uncut() {
        let l = card_layout(&card("Two facts.", 2, "One short sentence."), BODY);
        assert_eq!(l.scale, 1.4);
        assert_eq!((l.text_clamp, l.position_clamp), (None, None));
    }

    #[test]
    fn type_shrinks_as_the_card_grows_but_never_below_the_unit() {
        let medium = card(&"word ".repeat(120), 3, &"word ".repeat(30));
        let l = card_layout(&medium, BODY);
        assert!(l.scale < 1.4 && l.scale >= 1.0, "{l:?}");
        // A card at every limit, in Chinese: the unit, with the texts cut to what fits.
        let full = BriefCard {
            title: "字".repeat(80),
            text: "字".repeat(600),
            image: Some("https://example.org/a.png".into()),
            positions: vec![
                BriefPosition {
                    side: "字".repeat(60),
                    text: "字".repeat(300),
                    source: "字".repeat(200),
                };
                4
            ],
        };
        let l = card_layout(&full, BODY);
        assert_eq!(l.scale, 1.0);
        let (text, pos) = (l.text_clamp.unwrap(), l.position_clamp.unwrap());
        assert!(text >= 2 && pos >= 1, "{l:?}");
        // The cut texts and the title fit the body.
        assert!(
            f64::from(text) + f64::from(pos) + 3.8 + 4.0 <= BODY.lines + 1.0,
            "{l:?}"
        );
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert!(is_address("https://example.org/report"));
        assert!(!is_address("Ministry of Transport, 2024"));
        assert!(!is_address("javascript:alert(1)"));
        assert!(!is_address("https://example.org/a b"));
    }
}
