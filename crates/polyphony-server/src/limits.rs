//! [`Limits`]: what keeps one room or one address from hurting the others.

use std::time::Duration;

/// Limits that keep one room or one address from hurting the others. The defaults suit a hall
/// of 500 phones.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body (default 64 KiB); larger bodies get 413.
    pub max_body_bytes: usize,
    /// Votes a participant may send per second, sustained (default 10).
    pub votes_per_second: u32,
    /// Votes a participant may send at once, e.g. a queue replayed after a wifi drop (default 60).
    pub vote_burst: u32,
    /// Rooms one network address may create per hour (default 30).
    pub rooms_per_address_per_hour: u32,
    /// Participants per room (default 5000).
    pub max_participants_per_room: u32,
    /// Statements per room, seeds included (default 1000).
    pub max_statements_per_room: u32,
    /// Longest topic in characters (default 300).
    pub topic_max_chars: u32,
    /// Longest description in characters (default 5000).
    pub description_max_chars: u32,
    /// How long a burst of votes may gather before the analysis runs (default 150 ms).
    pub coalesce: Duration,
    /// How long one WebSocket message may take to go out before the socket is dropped as not
    /// reading (default 10 s).
    pub ws_send_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            votes_per_second: 10,
            vote_burst: 60,
            rooms_per_address_per_hour: 30,
            max_participants_per_room: 5000,
            max_statements_per_room: 1000,
            topic_max_chars: 300,
            description_max_chars: 5000,
            coalesce: Duration::from_millis(150),
            ws_send_timeout: Duration::from_secs(10),
        }
    }
}
