//! [`Limits`]: what keeps one room or one address from hurting the others.

use std::time::Duration;

/// Limits that keep one room or one address from hurting the others. The defaults suit a hall
/// of 500 phones — also when every phone reaches the server through one address (a venue's NAT
/// in front of a server on the internet), so the per-address caps are sized for a whole hall and
/// bound an attacker's rate, while the per-room and server-wide caps bound the total.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body (default 64 KiB); larger bodies get 413.
    pub max_body_bytes: usize,
    /// Votes a participant may send per second, sustained (default 10).
    pub votes_per_second: u32,
    /// Votes a participant may send at once, e.g. a queue replayed after a wifi drop (default 60).
    pub vote_burst: u32,
    /// Vote events one participant may store on one statement: a first vote and its changes
    /// (default 6). A vote changed back and forth is not history worth keeping, and each
    /// event is memory and disk; past it the vote is refused with `vote_limit` (409).
    pub vote_events_per_statement: u32,
    /// Actions (votes, statements, positions, notes, ...) per second that all participants who
    /// joined from one network address may take together, sustained (default 250: a hall of
    /// 500 behind one NAT voting every two seconds). Bounds what many tokens joined from one
    /// address can do, whatever each token's own limit.
    pub actions_per_address_per_second: u32,
    /// Of those, how many at once (default 1000: a hall's queued votes replayed after the wifi
    /// came back).
    pub action_burst_per_address: u32,
    /// Actions per second the whole room takes from its participants, sustained (default 1000),
    /// and at once (`action_burst_per_room`, default 3000): the room's memory and disk grow by
    /// at most this much whoever sends.
    pub actions_per_room_per_second: u32,
    /// See `actions_per_room_per_second`.
    pub action_burst_per_room: u32,
    /// How long a participant who joined but never acted (no vote, statement,
    /// position, note or consent) is kept before their identity expires (default 4 hours: a
    /// whole workshop, so a phone that only reads the briefing is never dropped mid-session;
    /// with the room's 600 joins a minute that bounds idle identities to 144,000, a few tens of
    /// MB).
    /// Such identities never count against `max_participants_per_room`.
    pub idle_join_expiry: Duration,
    /// Rooms one network address may create per hour (default 30).
    pub rooms_per_address_per_hour: u32,
    /// Rooms this server holds (each stays in memory, ~20 KB empty, with its task): creating
    /// one more is refused (503 `server_full`), so that room creation, open to anyone at 30 an
    /// hour per address, cannot grow memory without end across many addresses (default 10,000;
    /// `polyphony serve --max-rooms`). Rooms a Polis import or a restore brings are not refused.
    pub max_rooms: u32,
    /// Participants per room (default 5000).
    pub max_participants_per_room: u32,
    /// Statements per room, seeds included (default 1000).
    pub max_statements_per_room: u32,
    /// Statements of a room kept for the facilitator: participants may fill the room up to
    /// `max_statements_per_room` minus this (default 50), the facilitator up to the maximum.
    pub facilitator_statement_reserve: u32,
    /// Joins one network address may make per minute, into any room (default 300: half a hall
    /// behind one NAT in a minute; the rest join in the next, the phone retrying after 429).
    pub joins_per_address_per_minute: u32,
    /// Joins one room takes per minute, from every address (default 600). Only joins that
    /// happen count: a refused one (a wrong joining code) gives its place back.
    pub joins_per_room_per_minute: u32,
    /// Wrong joining codes one network address may send into one room per minute before it
    /// must wait for the minute's end (default 30: a hall's typos behind one NAT pass; a
    /// guesser tries 30 of a million codes a minute).
    pub wrong_codes_per_address_per_minute: u32,
    /// Of one address's joins in a minute, how many start with the full `vote_burst`; later
    /// ones start with `votes_per_second` tokens, so new tokens buy no burst (default 3).
    pub full_bursts_per_address_per_minute: u32,
    /// Longest topic in characters (default 300).
    pub topic_max_chars: u32,
    /// Longest description in characters (default 5000).
    pub description_max_chars: u32,
    /// The pause after an analysis of a room before the next may start (default 150 ms): a
    /// change in a quiet room is analysed at once, a burst gathers until this much after the
    /// last analysis ended.
    pub coalesce: Duration,
    /// How long one WebSocket message may take to go out before the socket is dropped as not
    /// reading (default 10 s).
    pub ws_send_timeout: Duration,
    /// Bytes of large WebSocket messages (over 16 KiB: the projector's and console's views of
    /// a big room) that may be on their way to sockets at once, server-wide (default 64 MiB).
    /// The message is shared, but each socket's WebSocket layer copies what it has not yet
    /// handed to the kernel, so 1,200 screens that never read a 380 KiB view would otherwise
    /// hold 450 MB. A send waits for its share of this budget within `ws_send_timeout`, like
    /// the send itself; a socket that cannot get it in time is dropped as not reading.
    pub socket_send_budget_bytes: usize,
    /// How long a connection may take to send a request's headers, and how long a kept-alive
    /// connection may wait for its next request (default 10 s).
    pub header_read_timeout: Duration,
    /// How long a request's whole body may take to arrive, from the end of its headers to its
    /// last byte (default 10 s: the largest body, a 256 KiB briefing, at 26 KB/s). A whole-body
    /// deadline rather than one between chunks, which a byte every few seconds would satisfy
    /// for hours. Past it: 408 with `{"error": ...}` and the connection closed.
    pub body_read_timeout: Duration,
    /// How long an HTTP connection may pass no byte either way before it is closed (default
    /// 60 s; a WebSocket is kept alive by its pings instead).
    pub idle_timeout: Duration,
    /// Open connections (HTTP and WebSocket, pending ones included) one address may hold
    /// (default 1200: a hall of 500 behind one NAT, each phone holding its socket and a request
    /// or two). Over it: 429 and the connection closed. A connection counts from its accept to
    /// its close, mid-headers and mid-body included. In force: at most half of
    /// `max_connections` ([`Limits::connections_per_address`]), so one address always leaves
    /// room for the others. Not applied to another live instance of the cluster (it forwards
    /// its phones, each counted by its own address by the caps that read the client's
    /// address), nor with `trust_proxy`.
    pub max_connections_per_address: u32,
    /// Open WebSockets one address may hold (default 600: a hall of 500 behind one NAT, plus
    /// screens).
    pub max_websockets_per_address: u32,
    /// Open connections in all (default 4096; `polyphony serve` sets it from the open-file
    /// limit). Over it: 503 and the connection closed.
    pub max_connections: u32,
    /// Take the client's address from the last `X-Forwarded-For` entry (the one the reverse
    /// proxy in front added) instead of the peer address (default false: the header is ignored,
    /// as anyone can send it).
    pub trust_proxy: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            votes_per_second: 10,
            vote_burst: 60,
            vote_events_per_statement: 6,
            actions_per_address_per_second: 250,
            action_burst_per_address: 1000,
            actions_per_room_per_second: 1000,
            action_burst_per_room: 3000,
            idle_join_expiry: Duration::from_secs(4 * 60 * 60),
            rooms_per_address_per_hour: 30,
            max_rooms: 10_000,
            max_participants_per_room: 5000,
            max_statements_per_room: 1000,
            facilitator_statement_reserve: 50,
            joins_per_address_per_minute: 300,
            joins_per_room_per_minute: 600,
            wrong_codes_per_address_per_minute: 30,
            full_bursts_per_address_per_minute: 3,
            topic_max_chars: 300,
            description_max_chars: 5000,
            coalesce: Duration::from_millis(150),
            ws_send_timeout: Duration::from_secs(10),
            socket_send_budget_bytes: 64 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections_per_address: 1200,
            max_websockets_per_address: 600,
            max_connections: 4096,
            trust_proxy: false,
        }
    }
}

impl Limits {
    /// The per-address connection cap in force: `max_connections_per_address`, but at most
    /// half of `max_connections` (at least 1), so that one address — with a low open-file
    /// limit, say — can never take every connection from the others.
    pub fn connections_per_address(&self) -> u32 {
        self.max_connections_per_address
            .min((self.max_connections / 2).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn one_address_gets_at_most_half_of_the_server() {
        let l = |per_address, total| Limits {
            max_connections_per_address: per_address,
            max_connections: total,
            ..Limits::default()
        };
        assert_eq!(Limits::default().connections_per_address(), 1200);
        assert_eq!(l(1200, 960).connections_per_address(), 480);
        assert_eq!(l(50, 960).connections_per_address(), 50);
        assert_eq!(l(10, 1).connections_per_address(), 1);
    }
}
