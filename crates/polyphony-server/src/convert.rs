//! Conversions between the server's stored statements and the engine's and Polis's types. The
//! moderation states differ: a pending statement is `Unmoderated` to the engine and to a Polis
//! export, and an imported Polis statement that nobody moderated is accepted in a room.

use polyphony_core::{Moderation, StatementStatus};
use polyphony_polis::PolisStatement;
use polyphony_protocol::ModerationState;

use crate::store::StoredStatement;

/// The engine's (and a Polis export's) moderation of a statement in a room.
fn engine_moderation(state: ModerationState) -> Moderation {
    match state {
        ModerationState::Accepted => Moderation::Accepted,
        ModerationState::Pending => Moderation::Unmoderated,
        ModerationState::Rejected => Moderation::Rejected,
    }
}

impl From<&StoredStatement> for StatementStatus {
    fn from(s: &StoredStatement) -> Self {
        StatementStatus {
            moderation: engine_moderation(s.moderation),
            is_meta: false,
        }
    }
}

impl From<&StoredStatement> for PolisStatement {
    fn from(s: &StoredStatement) -> Self {
        PolisStatement {
            id: s.sid,
            text: s.text.clone(),
            author: s.author,
            moderation: engine_moderation(s.moderation),
            is_meta: false,
            is_seed: s.is_seed,
            created: Some(s.created),
        }
    }
}

/// An imported Polis statement; without a creation time it gets 0 (the importer fills in the
/// import time).
impl From<&PolisStatement> for StoredStatement {
    fn from(s: &PolisStatement) -> Self {
        StoredStatement {
            sid: s.id,
            text: s.text.clone(),
            author: s.author,
            is_seed: s.is_seed,
            moderation: match s.moderation {
                Moderation::Rejected => ModerationState::Rejected,
                Moderation::Accepted | Moderation::Unmoderated => ModerationState::Accepted,
            },
            created: s.created.unwrap_or_default(),
            client_id: None,
        }
    }
}
