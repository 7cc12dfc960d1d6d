//! The briefing: a few cards with the key facts of the issue, shown before the votes (one card
//! at a time on the projector, as a list on phones) and kept in the report and the export.
//!
//! The cards are public content of the room ([`RoomInfo::brief`]); only the facilitator writes
//! them (`NewRoom::brief`, `PUT /api/rooms/{code}/brief`). [`check_brief`] is the one statement
//! of what a briefing may hold: the server refuses anything else, and the web app checks its
//! form with it before sending.

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use crate::RoomInfo;

/// Most cards in a briefing.
pub const BRIEF_MAX_CARDS: usize = 12;
/// Longest card title, in characters (Unicode scalar values).
pub const BRIEF_TITLE_MAX_CHARS: u32 = 80;
/// Longest card text, in characters.
pub const BRIEF_TEXT_MAX_CHARS: u32 = 600;
/// Most positions on one card.
pub const BRIEF_MAX_POSITIONS: usize = 4;
/// Longest name of a side ("Taxi drivers' union"), in characters.
pub const BRIEF_SIDE_MAX_CHARS: u32 = 60;
/// Longest text of one position, in characters.
pub const BRIEF_POSITION_MAX_CHARS: u32 = 300;
/// Longest source of one position, in characters.
pub const BRIEF_SOURCE_MAX_CHARS: u32 = 200;
/// Longest image address, in characters.
pub const BRIEF_IMAGE_MAX_CHARS: u32 = 500;
/// The only scheme an image address may have.
pub const BRIEF_IMAGE_SCHEME: &str = "https://";
/// The largest body `PUT /api/rooms/{code}/brief` and `POST /api/rooms` take (256 KiB, or the
/// server's request limit when that is larger): a briefing at every limit, in any script.
pub const BRIEF_MAX_BODY_BYTES: usize = 256 * 1024;

/// One briefing card: a title, a short text, an optional image, and each side's position with
/// its source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefCard {
    /// The card's title, 1–80 characters.
    pub title: String,
    /// The key facts, at most 600 characters (line breaks separate paragraphs).
    #[serde(default)]
    pub text: String,
    /// An image: an `https://` address of at most 500 characters without spaces, or absent.
    /// Shown on the projector (its alternative text is the title); a phone offers it as a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Each side's position (at most 4).
    #[serde(default)]
    pub positions: Vec<BriefPosition>,
}

/// One side's position on a briefing card, with its source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefPosition {
    /// Who holds it ("Taxi drivers' union"), 1–60 characters.
    pub side: String,
    /// What they hold, 1–300 characters.
    pub text: String,
    /// Where it comes from (a citation or an address), at most 200 characters; may be empty.
    #[serde(default)]
    pub source: String,
}

/// A part of a briefing card, as a problem names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BriefField {
    /// The card's title.
    Title,
    /// The card's text.
    Text,
    /// The card's image address.
    Image,
    /// A position's side.
    Side,
    /// A position's text.
    Position,
    /// A position's source.
    Source,
}

impl BriefField {
    /// The field's name in an English sentence ("the title").
    pub fn as_str(self) -> &'static str {
        match self {
            BriefField::Title => "the title",
            BriefField::Text => "the text",
            BriefField::Image => "the image address",
            BriefField::Side => "the side",
            BriefField::Position => "the position",
            BriefField::Source => "the source",
        }
    }
}

/// Why a briefing is refused. Cards and positions count from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BriefProblem {
    /// More than [`BRIEF_MAX_CARDS`] cards.
    TooManyCards {
        /// How many were sent.
        cards: usize,
    },
    /// A card without a title.
    EmptyTitle {
        /// The card.
        card: usize,
    },
    /// A text over its limit.
    TooLong {
        /// The card.
        card: usize,
        /// The position, for a position's field.
        position: Option<usize>,
        /// Which text.
        field: BriefField,
        /// Its length, in characters.
        chars: usize,
        /// Its limit.
        max: u32,
    },
    /// More than [`BRIEF_MAX_POSITIONS`] positions on a card.
    TooManyPositions {
        /// The card.
        card: usize,
        /// How many were sent.
        positions: usize,
    },
    /// A position without a side or without a text.
    EmptyPosition {
        /// The card.
        card: usize,
        /// The position.
        position: usize,
    },
    /// An image address that does not start with `https://` or holds a space or control
    /// character.
    BadImage {
        /// The card.
        card: usize,
    },
}

/// The length limit of `field`.
pub fn brief_max_chars(field: BriefField) -> u32 {
    match field {
        BriefField::Title => BRIEF_TITLE_MAX_CHARS,
        BriefField::Text => BRIEF_TEXT_MAX_CHARS,
        BriefField::Image => BRIEF_IMAGE_MAX_CHARS,
        BriefField::Side => BRIEF_SIDE_MAX_CHARS,
        BriefField::Position => BRIEF_POSITION_MAX_CHARS,
        BriefField::Source => BRIEF_SOURCE_MAX_CHARS,
    }
}

fn check_len(
    text: &str,
    card: usize,
    position: Option<usize>,
    field: BriefField,
) -> Result<(), BriefProblem> {
    let chars = text.trim().chars().count();
    let max = brief_max_chars(field);
    if chars > max as usize {
        return Err(BriefProblem::TooLong {
            card,
            position,
            field,
            chars,
            max,
        });
    }
    Ok(())
}

/// Whether `url` is an image address a briefing takes: `https://` and something after it, no
/// whitespace or control character.
pub fn brief_image_ok(url: &str) -> bool {
    url.strip_prefix(BRIEF_IMAGE_SCHEME)
        .is_some_and(|rest| !rest.is_empty())
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Checks a briefing against the limits: at most [`BRIEF_MAX_CARDS`] cards, each with a title,
/// every text within its limit (counted without the spaces at either end), at most
/// [`BRIEF_MAX_POSITIONS`] positions each with a side and a text, and an image only as an
/// `https://` address. The first problem found, card by card, is the answer.
///
/// ```
/// use polyphony_protocol::{check_brief, BriefCard, BriefPosition, BriefProblem};
/// let mut card = BriefCard { title: "Licences".into(), ..Default::default() };
/// assert_eq!(check_brief(std::slice::from_ref(&card)), Ok(()));
/// card.image = Some("http://example.org/a.png".into());
/// assert_eq!(check_brief(&[card]), Err(BriefProblem::BadImage { card: 1 }));
/// ```
pub fn check_brief(cards: &[BriefCard]) -> Result<(), BriefProblem> {
    if cards.len() > BRIEF_MAX_CARDS {
        return Err(BriefProblem::TooManyCards { cards: cards.len() });
    }
    for (i, c) in cards.iter().enumerate() {
        let card = i + 1;
        if c.title.trim().is_empty() {
            return Err(BriefProblem::EmptyTitle { card });
        }
        check_len(&c.title, card, None, BriefField::Title)?;
        check_len(&c.text, card, None, BriefField::Text)?;
        if let Some(url) = &c.image {
            check_len(url, card, None, BriefField::Image)?;
            if !brief_image_ok(url.trim()) {
                return Err(BriefProblem::BadImage { card });
            }
        }
        if c.positions.len() > BRIEF_MAX_POSITIONS {
            return Err(BriefProblem::TooManyPositions {
                card,
                positions: c.positions.len(),
            });
        }
        for (j, p) in c.positions.iter().enumerate() {
            let position = Some(j + 1);
            if p.side.trim().is_empty() || p.text.trim().is_empty() {
                return Err(BriefProblem::EmptyPosition {
                    card,
                    position: j + 1,
                });
            }
            check_len(&p.side, card, position, BriefField::Side)?;
            check_len(&p.text, card, position, BriefField::Position)?;
            check_len(&p.source, card, position, BriefField::Source)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn card() -> BriefCard {
        BriefCard {
            title: "Licences".into(),
            text: "Taxi drivers hold a professional licence.".into(),
            image: Some("https://example.org/licence.png".into()),
            positions: vec![BriefPosition {
                side: "Taxi union".into(),
                text: "Same rules for everyone.".into(),
                source: "Union statement, 2024".into(),
            }],
        }
    }

    #[test]
    fn a_card_at_every_limit_passes_and_one_over_is_named() {
        let full = BriefCard {
            title: "字".repeat(80),
            text: "字".repeat(600),
            image: Some(format!("https://{}", "a".repeat(492))),
            positions: vec![
                BriefPosition {
                    side: "字".repeat(60),
                    text: "字".repeat(300),
                    source: "字".repeat(200),
                };
                4
            ],
        };
        let cards = vec![full.clone(); BRIEF_MAX_CARDS];
        assert_eq!(check_brief(&cards), Ok(()));
        let mut over = cards.clone();
        over.push(card());
        assert_eq!(
            check_brief(&over),
            Err(BriefProblem::TooManyCards { cards: 13 })
        );
        let mut c = full.clone();
        c.positions[3].source.push('字');
        assert_eq!(
            check_brief(&[card(), c]),
            Err(BriefProblem::TooLong {
                card: 2,
                position: Some(4),
                field: BriefField::Source,
                chars: 201,
                max: 200
            })
        );
        let mut c = full;
        c.positions.push(c.positions[0].clone());
        assert_eq!(
            check_brief(&[c]),
            Err(BriefProblem::TooManyPositions {
                card: 1,
                positions: 5
            })
        );
    }

    #[test]
    fn titles_sides_and_texts_are_needed_and_images_are_https() {
        let mut c = card();
        c.title = "  ".into();
        assert_eq!(check_brief(&[c]), Err(BriefProblem::EmptyTitle { card: 1 }));
        let mut c = card();
        c.positions[0].side.clear();
        assert_eq!(
            check_brief(&[c]),
            Err(BriefProblem::EmptyPosition {
                card: 1,
                position: 1
            })
        );
        let mut c = card();
        c.positions[0].source.clear();
        c.text.clear();
        c.image = None;
        assert_eq!(check_brief(&[c]), Ok(()));
        for bad in [
            "http://example.org/a.png",
            "https://",
            "https://example.org/a b.png",
            "javascript:alert(1)",
            "//example.org/a.png",
        ] {
            let mut c = card();
            c.image = Some(bad.into());
            assert_eq!(
                check_brief(&[c]),
                Err(BriefProblem::BadImage { card: 1 }),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_briefing_comes_first_in_workshop_order() {
        use crate::Stage;
        assert_eq!(Stage::ALL[0], Stage::Brief);
        assert_eq!(Stage::parse("brief"), Some(Stage::Brief));
        assert_eq!(Stage::Brief.as_str(), "brief");
        assert_eq!(Stage::default(), Stage::Collect);
        let info: crate::RoomInfo = serde_json::from_str(
            r#"{"code":"ABC234","topic":"t","description":"","language":"en","settings":{},
                "stage":"brief","closed":false,"created":1}"#,
        )
        .unwrap();
        assert_eq!((info.stage, info.brief.len()), (Stage::Brief, 0));
    }

    #[test]
    fn cards_read_without_their_optional_fields() {
        let c: BriefCard = serde_json::from_str(r#"{"title":"t"}"#).unwrap();
        assert_eq!(
            c,
            BriefCard {
                title: "t".into(),
                ..Default::default()
            }
        );
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"title":"t","text":"","positions":[]}"#
        );
        assert!(serde_json::from_str::<BriefCard>(r#"{"title":"t","colour":"red"}"#).is_err());
    }
}
