//! A room as plain data: statements, participants, every vote event, vote ids, spectrum rounds,
//! beside what is in flight (`super::in_flight`) and the engine's inbox (`super::inbox`).
//! No I/O, no clock, no locks: [`super::commands`] checks and applies changes to it, and the
//! views read it. Fields are private to `room`; everything else reads through the accessors.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;
use std::time::Instant;

use polyphony_core::{Vote, VoteEvent};
use polyphony_protocol::{ModerationState, RoomInfo, RoomSettings, StatementView};
use polyphony_protocol::{
    MAX_SPECTRUM_ROUNDS, MAX_STATEMENTS_PER_PARTICIPANT, MAX_STATEMENT_MAX_CHARS,
};

use super::error::RoomError;
use super::in_flight::InFlight;
use super::inbox::EngineInbox;
use super::rate::Bucket;
use super::tables::Tables;
use crate::store::{StoredRoom, StoredStatement};
use crate::Limits;

/// A participant in memory.
#[derive(Clone, Debug)]
pub(crate) struct Participant {
    /// Latest vote and its time, by statement.
    pub(crate) votes: BTreeMap<u32, (Vote, i64)>,
    /// The statement currently shown to this phone (kept until voted on, so a new analysis
    /// never swaps the statement under a reader's thumb); see [`super::routing`].
    pub(crate) showing: Option<u32>,
    pub(super) bucket: Bucket,
    /// Vote events stored per statement (a first vote and its changes), held to
    /// `Limits::vote_events_per_statement`.
    pub(super) vote_events: BTreeMap<u32, u32>,
    /// The address (by [`crate::guard::addr_key`]) this participant joined from, whose bucket
    /// their actions also take from; `None` for participants from before a restart.
    pub(super) origin: Option<IpAddr>,
    /// When they joined (ms).
    pub(crate) joined: i64,
    /// Their token (to forget it with them).
    pub(super) token: String,
    /// Whether they ever acted (voted, wrote, stood, consented): participants who only joined
    /// do not count against the room's cap and expire (`Limits::idle_join_expiry`).
    pub(crate) active: bool,
}

impl Participant {
    pub(super) fn new(burst: u32, now: Instant, joined: i64, token: String) -> Participant {
        Participant {
            votes: BTreeMap::new(),
            showing: None,
            bucket: Bucket::full(burst, now),
            vote_events: BTreeMap::new(),
            origin: None,
            joined,
            token,
            active: false,
        }
    }
}

/// A spectrum in memory.
#[derive(Clone, Debug)]
pub(crate) struct Spectrum {
    pub(crate) id: u32,
    pub(crate) sid: u32,
    pub(crate) open_round: Option<u8>,
    pub(crate) created: i64,
    /// Positions by participant, one map per round opened so far (index 0 = round 1).
    pub(crate) positions: Vec<BTreeMap<u32, i8>>,
}

impl Spectrum {
    /// Rounds opened so far.
    pub(crate) fn rounds(&self) -> u8 {
        u8::try_from(self.positions.len()).unwrap_or(u8::MAX)
    }

    /// Round `round`'s positions (empty for a round not opened).
    pub(crate) fn round(&self, round: u8) -> Option<&BTreeMap<u32, i8>> {
        self.positions.get(usize::from(round.checked_sub(1)?))
    }

    /// Makes room for round `round` (1-based).
    pub(crate) fn ensure_round(&mut self, round: u8) {
        while self.positions.len() < usize::from(round) {
            self.positions.push(BTreeMap::new());
        }
    }
}

/// The room's analysis at a moment worth comparing (a stage change, a second vote opening).
#[derive(Clone, Debug)]
pub(crate) struct AnalysisSnapshot {
    pub(crate) seq: u32,
    pub(crate) stage: polyphony_protocol::Stage,
    /// When it was taken (ms, the clock votes are stamped with).
    pub(crate) time: i64,
    pub(crate) analysis: std::sync::Arc<polyphony_core::Analysis>,
}

/// A room's state in memory, rebuilt from the database at start, in three parts: the room as
/// committed (the fields here: what the database holds, and the rate buckets and idle queue
/// kept beside it), what changes checked and not yet committed hold ([`InFlight`]: ids and
/// places reserved between check and commit), and what the analysis has not taken yet
/// ([`EngineInbox`]). A check reads the first two; an apply changes the first, empties its own
/// reservation and fills the inbox; the analysis task empties the inbox.
#[derive(Debug)]
pub(crate) struct Room {
    pub(super) info: RoomInfo,
    pub(super) key: String,
    pub(super) seed: u64,
    pub(super) limits: Limits,
    pub(super) statements: BTreeMap<u32, StoredStatement>,
    /// Each statement's [`super::text::comparison_key`], by id: a new statement is compared
    /// with every one the room has, and normalising them all again for each request (18 ms
    /// in a room of 900 Korean statements) let refused duplicates, which cost no rate token,
    /// hold the room.
    pub(super) statement_keys: HashMap<u32, String>,
    pub(super) participants: BTreeMap<u32, Participant>,
    pub(super) tokens: HashMap<String, u32>,
    /// Every vote event (re-votes included), for the Polis export.
    pub(super) events: Vec<VoteEvent>,
    /// (participant, client id) of every committed vote.
    pub(super) vote_ids: HashSet<(u32, String)>,
    pub(super) spectrums: Vec<Spectrum>,
    /// Discussion tables, reporters, notes and consent.
    pub(super) tables: Tables,
    /// Analysis snapshots, oldest first.
    pub(super) snapshots: Vec<AnalysisSnapshot>,
    /// The frozen groups (who is in which), if the facilitator froze them.
    pub(super) frozen: Option<polyphony_core::FrozenGroups>,
    /// One bucket per address participants joined from (`Limits::actions_per_address_per_second`).
    pub(super) origin_buckets: HashMap<IpAddr, Bucket>,
    /// The room's own bucket (`Limits::actions_per_room_per_second`).
    pub(super) room_bucket: Bucket,
    /// Participants who have acted (the ones the cap counts).
    pub(super) active_participants: usize,
    /// (joined ms, pid) of joins not yet known to have acted, oldest first: where idle
    /// identities are found to expire.
    pub(super) idle_joins: std::collections::VecDeque<(i64, u32)>,
    /// Ids and places held by changes checked and not yet committed.
    pub(super) in_flight: InFlight,
    /// Committed changes the analysis has not taken yet.
    pub(super) inbox: EngineInbox,
    /// Participants the facilitator removed (`RemoveJoined`): no token, no place, no count.
    pub(super) removed: BTreeSet<u32>,
    /// Their vote events, out of the analysis, kept for `removed-votes.csv`.
    pub(super) removed_events: Vec<VoteEvent>,
}

impl Room {
    /// The room as the database holds it. `now` starts every participant's vote bucket.
    pub(crate) fn from_stored(s: StoredRoom, limits: Limits, now: Instant) -> Room {
        let mut participants = BTreeMap::new();
        let mut tokens = HashMap::new();
        let removed: BTreeSet<u32> = s.removed.iter().copied().collect();
        // Ids are never handed out twice, removed participants' included.
        let next_pid = s
            .participants
            .iter()
            .map(|p| p.pid)
            .max()
            .map_or(0, |k| k.saturating_add(1));
        for p in s.participants.iter().filter(|p| !removed.contains(&p.pid)) {
            tokens.insert(p.token.clone(), p.pid);
            participants.insert(
                p.pid,
                Participant::new(limits.vote_burst, now, p.created, p.token.clone()),
            );
        }
        let mut events = Vec::with_capacity(s.votes.len());
        let mut removed_events = Vec::new();
        let mut vote_ids = HashSet::with_capacity(s.votes.len());
        for v in &s.votes {
            if removed.contains(&v.pid) {
                removed_events.push(VoteEvent::new(v.pid, v.sid, v.vote, v.time));
                continue;
            }
            if let Some(p) = participants.get_mut(&v.pid) {
                p.active = true;
                *p.vote_events.entry(v.sid).or_insert(0) += 1;
                let newer = p.votes.get(&v.sid).is_none_or(|(_, t)| *t <= v.time);
                if newer {
                    p.votes.insert(v.sid, (v.vote, v.time));
                }
            }
            events.push(VoteEvent::new(v.pid, v.sid, v.vote, v.time));
            vote_ids.insert((v.pid, v.client_id.clone()));
        }
        let mut spectrums: Vec<Spectrum> = s
            .spectrums
            .iter()
            .map(|x| {
                let mut sp = Spectrum {
                    id: x.id,
                    sid: x.sid,
                    open_round: x.open_round,
                    created: x.created,
                    positions: Vec::new(),
                };
                // Rooms from before round counts were stored say 0: their rounds are the open
                // one and those with positions (below); round 1 always exists.
                sp.ensure_round(x.rounds.max(x.open_round.unwrap_or(0)).max(1));
                sp
            })
            .collect();
        for p in s.positions.iter().filter(|p| !removed.contains(&p.pid)) {
            if let Some(x) = participants.get_mut(&p.pid) {
                x.active = true;
            }
            if let Some(sp) = spectrums.iter_mut().find(|x| x.id == p.spectrum) {
                if (1..=MAX_SPECTRUM_ROUNDS).contains(&p.round) {
                    sp.ensure_round(p.round);
                    sp.positions[usize::from(p.round - 1)].insert(p.pid, p.position);
                }
            }
        }
        let snapshots = s
            .snapshots
            .into_iter()
            .map(|x| AnalysisSnapshot {
                seq: x.seq,
                stage: x.stage,
                time: x.time,
                analysis: std::sync::Arc::new(x.analysis),
            })
            .collect();
        let statements: BTreeMap<u32, StoredStatement> =
            s.statements.into_iter().map(|x| (x.sid, x)).collect();
        // Saturating: an id at `u32::MAX` is never handed out (the commands refuse it).
        let next_sid = statements
            .keys()
            .next_back()
            .map_or(0, |k| k.saturating_add(1));
        let next_spectrum = spectrums.iter().map(|x| x.id + 1).max().unwrap_or(0);
        let tables = Tables::from_stored(s.tables);
        // Authors, and everyone the tables know (seated, consented, writing notes), have acted.
        for st in statements.values() {
            if let Some(x) = st.author.and_then(|a| participants.get_mut(&a)) {
                x.active = true;
            }
        }
        for pid in tables.participants_known() {
            if let Some(x) = participants.get_mut(&pid) {
                x.active = true;
            }
        }
        let active_participants = participants.values().filter(|p| p.active).count();
        let mut idle: Vec<(i64, u32)> = participants
            .iter()
            .filter(|(_, p)| !p.active)
            .map(|(pid, p)| (p.joined, *pid))
            .collect();
        idle.sort_unstable();
        let room_bucket = Bucket::full(limits.action_burst_per_room, now);
        Room {
            info: RoomInfo {
                code: s.code,
                topic: s.topic,
                description: s.description,
                rules: s.rules,
                language: s.language,
                settings: s.settings,
                stage: s.stage,
                closed: s.closed,
                created: s.created,
                controls: s.controls,
                brief: s.brief,
            },
            key: s.facilitator_key,
            seed: s.seed,
            limits,
            statement_keys: statements
                .values()
                .map(|x| (x.sid, super::text::comparison_key(&x.text)))
                .collect(),
            statements,
            participants,
            tokens,
            inbox: EngineInbox {
                votes: events.clone(),
                statuses_changed: true,
                frozen_changed: true,
                rebuild: false,
            },
            events,
            vote_ids,
            spectrums,
            in_flight: InFlight {
                next_sid,
                next_pid,
                next_spectrum,
                ..InFlight::default()
            },
            tables,
            snapshots,
            frozen: s.frozen_groups,
            origin_buckets: HashMap::new(),
            room_bucket,
            active_participants,
            idle_joins: idle.into(),
            removed,
            removed_events,
        }
    }

    /// Public room facts.
    pub(crate) fn info(&self) -> &RoomInfo {
        &self.info
    }

    /// The engine seed.
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// Every statement by id, pending and rejected ones included.
    pub(crate) fn statements(&self) -> &BTreeMap<u32, StoredStatement> {
        &self.statements
    }

    /// Every participant by id.
    pub(crate) fn participants(&self) -> &BTreeMap<u32, Participant> {
        &self.participants
    }

    /// Every vote event, in commit order.
    pub(crate) fn events(&self) -> &[VoteEvent] {
        &self.events
    }

    /// The vote events of removed participants (out of the analysis).
    pub(crate) fn removed_events(&self) -> &[VoteEvent] {
        &self.removed_events
    }

    /// Every spectrum, in creation order.
    pub(crate) fn spectrums(&self) -> &[Spectrum] {
        &self.spectrums
    }

    /// Discussion tables, reporters, notes and consent.
    pub(crate) fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Analysis snapshots, oldest first.
    pub(crate) fn snapshots(&self) -> &[AnalysisSnapshot] {
        &self.snapshots
    }

    /// A spectrum by id.
    pub(crate) fn spectrum(&self, id: u32) -> Result<&Spectrum, RoomError> {
        self.spectrums
            .iter()
            .find(|s| s.id == id)
            .ok_or(RoomError::UnknownSpectrum(id))
    }

    /// The facilitator key.
    pub(super) fn key(&self) -> &str {
        &self.key
    }

    /// The participant a token belongs to.
    pub(super) fn participant_by_token(&self, token: &str) -> Option<u32> {
        self.tokens.get(token).copied()
    }

    /// Records the statement a phone shows (the routing's choice), so it stays until voted on.
    pub(crate) fn show(&mut self, pid: u32, sid: Option<u32>) {
        if let Some(p) = self.participants.get_mut(&pid) {
            p.showing = sid;
        }
    }

    /// Whether `pid` is a participant who joined and never acted.
    pub(super) fn is_idle(&self, pid: u32) -> bool {
        self.participants.get(&pid).is_some_and(|p| !p.active)
    }

    /// Removes an idle identity from memory (its row goes in the same commit).
    pub(super) fn forget_idle(&mut self, pid: u32) {
        if self.is_idle(pid) {
            if let Some(p) = self.participants.remove(&pid) {
                self.tokens.remove(&p.token);
            }
        }
    }

    /// Drops from the front of the idle queue the joins older than `before` that will not
    /// expire: they acted, expired already, or the tables hold them.
    pub(super) fn drop_stale_idle_joins(&mut self, before: i64) {
        let known = self.tables.participants_known();
        while let Some(&(t, pid)) = self.idle_joins.front() {
            if t >= before || (self.is_idle(pid) && !known.contains(&pid)) {
                break;
            }
            self.idle_joins.pop_front();
        }
    }

    /// Gives back a vote event reserved on (`pid`, `sid`) that was not stored.
    pub(super) fn unreserve_vote_event(&mut self, pid: u32, sid: u32) {
        if let Some(n) = self
            .participants
            .get_mut(&pid)
            .and_then(|p| p.vote_events.get_mut(&sid))
        {
            *n = n.saturating_sub(1);
        }
    }

    /// Fails when the room is closed.
    pub(super) fn open_for_changes(&self) -> Result<(), RoomError> {
        if self.info.closed {
            Err(RoomError::Closed)
        } else {
            Ok(())
        }
    }
}

/// Whether participants see this statement.
pub(crate) fn visible(s: &StoredStatement) -> bool {
    s.moderation == ModerationState::Accepted
}

/// A statement as the wire shows it.
pub(crate) fn statement_view(s: &StoredStatement) -> StatementView {
    StatementView {
        id: s.sid,
        text: s.text.clone(),
        is_seed: s.is_seed,
        moderation: s.moderation,
    }
}

/// Checks a client's id for a vote, statement or position.
pub(crate) fn check_client_id(id: &str) -> Result<(), RoomError> {
    if id.is_empty() || id.chars().count() > 64 {
        return Err(RoomError::BadClientId);
    }
    Ok(())
}

/// Normalises a statement ([`super::text::normalise`]) and checks it against the room's limit.
pub(crate) fn check_statement_text(text: &str, max_chars: u32) -> Result<String, RoomError> {
    let t = super::text::normalise(text);
    if t.is_empty() {
        return Err(RoomError::EmptyStatement);
    }
    let n = t.chars().count();
    if n > max_chars as usize {
        return Err(RoomError::StatementTooLong {
            chars: n,
            max: max_chars,
        });
    }
    Ok(t)
}

/// Whether a statement of `room` that is not rejected already says `text` (normalised,
/// case-sensitive, alike as [`super::text::same_text`] says), from the keys it keeps.
pub(crate) fn says_already(room: &Room, text: &str) -> Option<u32> {
    let key = super::text::comparison_key(text);
    room.statements
        .values()
        .find(|s| {
            s.moderation != ModerationState::Rejected
                && (s.text == text
                    || room.statement_keys.get(&s.sid).map_or_else(
                        || super::text::comparison_key(&s.text) == key,
                        |k| *k == key,
                    ))
        })
        .map(|s| s.sid)
}

/// Checks settings a facilitator sends.
pub(crate) fn check_settings(s: &RoomSettings) -> Result<(), RoomError> {
    if s.statement_max_chars == 0 || s.statement_max_chars > MAX_STATEMENT_MAX_CHARS {
        return Err(RoomError::BadStatementLimit);
    }
    if s.statements_per_participant > MAX_STATEMENTS_PER_PARTICIPANT {
        return Err(RoomError::BadStatementsPerParticipant);
    }
    Ok(())
}
