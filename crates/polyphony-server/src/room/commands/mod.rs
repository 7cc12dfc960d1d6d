//! Every change a room accepts, one file per command. Each file holds the whole command: its
//! `check_*` function, which decides from the room and the request alone whether the request
//! is acceptable and what it changes (a [`Step`]); its change's [`Change`] impl (`reserve`
//! while in flight, `persist` through the store's `RoomWrites`, `apply` once committed); and
//! its entry point on [`LiveRoom`](super::LiveRoom), which runs them through
//! `LiveRoom::commit` (check and reserve under the lock, the durable write awaited, apply).
//! HTTP handlers and the WebSocket dispatch (`crate::dispatch`) call those entry points.
//!
//! The checks and applies do no I/O and read no clock: times and fresh secrets come in with
//! the request, so `room/tests/` tests them on a plain [`Room`](super::model::Room).
//!
//! | file | command |
//! |---|---|
//! | `join.rs` | a new participant (admission code, late seat, idle identities expired) |
//! | `vote.rs` | a vote |
//! | `add_statement.rs` | a statement from a participant or the facilitator |
//! | `moderation.rs` | accept / reject one statement, reject pending in bulk |
//! | `room_field.rs` | settings, stage, close |
//! | `controls.rs` | the facilitator's controls (hide, pause, timer, spotlight, names, second vote, freeze) |
//! | `snapshot.rs` | an analysis snapshot the report compares |
//! | `brief.rs` | the briefing cards |
//! | `spectrum.rs` | start a spectrum, open and close its rounds, its views |
//! | `position.rs` | a participant's place on a spectrum |
//! | `tables.rs` | form and dissolve tables, a late joiner's seat |
//! | `notes.rs` | add, withdraw and release a table's note |
//! | `reporter.rs` | the reporter passes the role on |
//! | `consent.rs` | a participant accepts the rules |
//! | `remove_joined.rs` | the facilitator removes the identities that joined in a window |

use polyphony_protocol::Done;

mod add_statement;
mod brief;
mod consent;
mod controls;
mod join;
mod moderation;
mod notes;
mod position;
mod remove_joined;
mod reporter;
mod room_field;
mod snapshot;
mod spectrum;
mod tables;
mod vote;

pub(crate) use brief::checked_brief;
pub(crate) use controls::without_statement;

// The room's unit tests (`room/tests/`) reach every check through this module.
#[cfg(test)]
pub(crate) use {
    super::change::{Change, Step},
    add_statement::check_add_statement,
    consent::check_consent,
    controls::check_control,
    join::{check_join, Admission, JoinRequest},
    moderation::check_moderate,
    notes::{check_add_note, check_release_note, check_withdraw_note},
    position::check_position,
    remove_joined::check_remove_joined,
    reporter::check_pass_reporter,
    room_field::check_set_field,
    snapshot::{check_snapshot, MAX_SNAPSHOTS},
    spectrum::{check_spectrum_round, check_start_spectrum},
    tables::{check_dissolve_tables, check_form_tables},
    vote::{check_vote, VoteWritten},
};

/// The answer of a request a resend repeats.
fn done(id: &str, duplicate: bool) -> Done {
    Done {
        id: id.to_string(),
        duplicate,
    }
}

/// How a write decided by the store went (a withdrawal, a reporter's pass).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Done now.
    Done,
    /// This client id was stored before: nothing changed.
    Resent,
    /// Refused inside the commit (the note was released meanwhile; a racing pass drew first).
    Refused,
}
