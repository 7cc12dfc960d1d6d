//! What the browser keeps across reloads (localStorage), under the keys of
//! [`crate::routes::storage_key`]. Where storage is off, reads find nothing and writes do
//! nothing.

use crate::nav::window;
use crate::routes::storage_key;
use crate::state::Queued;

fn load(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

fn save(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// The language chosen with the switcher (a BCP 47 tag).
pub fn lang() -> Option<String> {
    load(storage_key::LANG)
}

/// Remembers the chosen language.
pub fn save_lang(tag: &str) {
    save(storage_key::LANG, tag);
}

/// A room's facilitator key, if this browser created or opened its console.
pub fn facilitator_key(code: &str) -> Option<String> {
    load(&storage_key::facilitator_key(code))
}

/// Remembers a room's facilitator key.
pub fn save_facilitator_key(code: &str, key: &str) {
    save(&storage_key::facilitator_key(code), key);
}

/// This browser's participant token in a room, if it joined before.
pub fn participant_token(code: &str) -> Option<String> {
    load(&storage_key::participant_token(code))
}

/// Remembers this browser's participant token in a room.
pub fn save_participant_token(code: &str, token: &str) {
    save(&storage_key::participant_token(code), token);
}

/// Forgets this browser's participant token in a room (the room no longer knows it).
pub fn forget_participant_token(code: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.remove_item(&storage_key::participant_token(code));
    }
}

/// A phone's saved queue of unanswered requests (empty when there is none or it is unreadable).
pub fn queue(code: &str) -> Vec<Queued> {
    load(&storage_key::queue(code))
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Saves a phone's queue.
pub fn save_queue(code: &str, queue: &[Queued]) {
    save(
        &storage_key::queue(code),
        &serde_json::to_string(queue).unwrap_or_default(),
    );
}
