//! The briefing: the facilitator's cards, checked ([`checked_brief`]) when a room is created
//! and when they are replaced ([`check_set_brief`]), stored as the room's one `brief` column and
//! carried in [`RoomInfo`], so every screen has them with the view it already gets.

use polyphony_protocol::{check_brief, BriefCard, BriefPosition, RoomInfo};

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::Room;
use crate::room::text::normalise;
use crate::store::{RoomWrites, StoreError};

/// A card text as kept: each line normalised like a statement (invisible characters removed,
/// NFC, whitespace collapsed), blank lines dropped, lines joined by one line break.
fn paragraphs(text: &str) -> String {
    text.lines()
        .map(normalise)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cards as the room keeps them (titles, sides and sources normalised to one line, texts
/// to paragraphs, an image address trimmed and dropped when empty), checked against the limits
/// of `polyphony_protocol::check_brief`.
pub(crate) fn checked_brief(cards: Vec<BriefCard>) -> Result<Vec<BriefCard>, RoomError> {
    let cards: Vec<BriefCard> = cards
        .into_iter()
        .map(|c| BriefCard {
            title: normalise(&c.title),
            text: paragraphs(&c.text),
            image: c
                .image
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty()),
            positions: c
                .positions
                .into_iter()
                .map(|p| BriefPosition {
                    side: normalise(&p.side),
                    text: paragraphs(&p.text),
                    source: normalise(&p.source),
                })
                .collect(),
        })
        .collect();
    check_brief(&cards)?;
    Ok(cards)
}

/// New briefing cards for the room (the whole list).
#[derive(Clone, Debug)]
pub(crate) struct SetBrief {
    pub(crate) cards: Vec<BriefCard>,
}

/// Replaces the room's cards with `cards` (checked and normalised); the same cards again change
/// nothing. A closed room takes them too: the report and the export still show them.
pub(crate) fn check_set_brief(
    room: &Room,
    cards: Vec<BriefCard>,
) -> Result<Step<SetBrief>, RoomError> {
    let cards = checked_brief(cards)?;
    if cards == room.info.brief {
        return Ok(Step::Done(room.info.clone()));
    }
    Ok(Step::Write(SetBrief { cards }))
}

impl Change for SetBrief {
    type Written = ();
    type Output = RoomInfo;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.update_brief(&self.cards)
    }

    fn apply(self, room: &mut Room, (): ()) -> (RoomInfo, Effects) {
        room.info.brief = self.cards;
        (room.info.clone(), Effects::PUBLISH)
    }
}

impl LiveRoom {
    /// Replaces the briefing cards (the whole list; checked and normalised).
    pub async fn set_brief(&self, cards: Vec<BriefCard>) -> Result<RoomInfo, RoomError> {
        self.commit(|room| check_set_brief(room, cards)).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cards_are_normalised_before_they_are_checked() {
        let cards = checked_brief(vec![BriefCard {
            title: "  Licences\u{200B}  ".into(),
            text: "First  fact.\n\n  Second\tfact. ".into(),
            image: Some("  ".into()),
            positions: vec![BriefPosition {
                side: " Union ".into(),
                text: "Same rules".into(),
                source: "".into(),
            }],
        }])
        .unwrap();
        assert_eq!(cards[0].title, "Licences");
        assert_eq!(cards[0].text, "First fact.\nSecond fact.");
        assert_eq!(cards[0].image, None);
        assert_eq!(cards[0].positions[0].side, "Union");
        // Spaces do not make a title.
        let err = checked_brief(vec![BriefCard {
            title: "\u{3000}\u{200B}".into(),
            ..Default::default()
        }])
        .unwrap_err();
        assert!(
            matches!(err, RoomError::BriefEmptyTitle { card: 1 }),
            "{err}"
        );
    }
}
