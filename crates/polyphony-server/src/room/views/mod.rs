//! Turning a room and its analysis into what the projector and each phone show. Views only
//! read the room; the phone's next statement comes in as a [`Route`](super::routing::Route).
//!
//! Everything here is anonymous by construction: the projector's points and spectrum counts carry
//! no participant id, and a phone's view holds only its own votes, group and positions.
//!
//! One file per thing built: [`visibility`](mod@visibility) (what the room may see now, the one
//! rule every view and the report follow), [`projector`] (`RoomView`, the projector's and the
//! console's), [`phone`] (`PhoneView`), [`spectrum`] (`SpectrumView`, with the movement between
//! rounds), [`opinion_change`] (the report stage's `ChangeView`, and the votes at a moment it
//! compares) and [`tables`] (the discussion tables as the projector, a phone and the
//! facilitator see them).

mod opinion_change;
mod phone;
mod projector;
mod spectrum;
mod tables;
mod visibility;

use std::collections::BTreeMap;

use super::model::{statement_view, visible, Room};
use polyphony_protocol::StatementView;

pub(crate) use opinion_change::{first_with_groups, votes_at, votes_now};
pub(crate) use phone::phone_view;
pub(crate) use projector::{room_view, room_view_as};
pub(crate) use spectrum::{spectrum_view, spectrum_view_as, spectrum_view_between};
pub(crate) use tables::{consented, host_note, host_view, phone_table, tables_view};
pub(crate) use visibility::{visibility, withholding, Reveal};

/// The statements participants see, as the views show them.
fn shown(room: &Room) -> BTreeMap<u32, StatementView> {
    room.statements()
        .values()
        .filter(|s| visible(s))
        .map(|s| (s.sid, statement_view(s)))
        .collect()
}
