//! [`InFlight`]: what a room has reserved for changes checked but not yet committed. A check
//! reads it with the committed room, so two requests in flight together never share an id nor
//! pass a cap together; a change's `reserve` fills it under the lock, its `apply` (or, when
//! the write failed, its `unreserve`) empties it. Nothing here is stored: after a restart
//! nothing is in flight, and the ids start past the stored ones.

use std::collections::{HashMap, HashSet};

/// Ids and places held by changes on their way to the store.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    /// The ids the next statement, participant and spectrum get (reserved at check time, so
    /// two commands in flight never share one).
    pub(crate) next_sid: u32,
    pub(crate) next_pid: u32,
    pub(crate) next_spectrum: u32,
    /// Statements checked but not yet applied, by their text's comparison key
    /// ([`super::text::comparison_key`]), with who sent them (author, client id): a second
    /// request with the same text and another id is refused even while the first is still
    /// being written.
    pub(crate) texts: HashMap<String, (Option<u32>, Option<String>)>,
    /// Joins checked but not yet applied: they count against the participant cap, so joins
    /// racing each other cannot fill a room past it.
    pub(crate) joins: u32,
    /// (participant, client id) of votes checked and not yet applied: a copy of one is a
    /// resend.
    pub(crate) votes: HashSet<(u32, String)>,
}
