//! Polyphony's wire protocol: every HTTP body and WebSocket message the workshop server and the
//! web app exchange, as serde types, so both sides compile against one definition.
//!
//! `docs/protocol.md` lists the endpoints with one JSON example per message. Messages are JSON;
//! enums are tagged with `"type"` and use `snake_case`. [`PROTOCOL_VERSION`] goes up whenever a
//! change would break an older client; the server says its version in [`ServerMessage::Welcome`].
//!
//! Privacy rules the types enforce by construction: no payload a phone or the projector receives
//! carries a participant token, a participant id or a statement's author.

use serde::{Deserialize, Serialize};

pub mod analysis_view;
pub mod routing;

pub use polyphony_core::{GroupStance, Stance, StatementId, Vote};

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The stages a facilitator moves the room through, in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Participants vote and add statements; the projector shows the join code and counts.
    #[default]
    Collect,
    /// The opinion map and the groups.
    Groups,
    /// The statements that divide the groups most.
    Divisive,
    /// A spectrum round on one statement.
    Spectrum,
    /// Consensus, group profiles, divisive statements and movement, for the report.
    Report,
}

impl Stage {
    /// Every stage, in workshop order.
    pub const ALL: [Stage; 5] = [
        Stage::Collect,
        Stage::Groups,
        Stage::Divisive,
        Stage::Spectrum,
        Stage::Report,
    ];

    /// The wire name (`"collect"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Collect => "collect",
            Stage::Groups => "groups",
            Stage::Divisive => "divisive",
            Stage::Spectrum => "spectrum",
            Stage::Report => "report",
        }
    }

    /// Reads a wire name.
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Who decides whether a participant's statement is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationMode {
    /// New statements are shown at once; the facilitator may reject them later.
    #[default]
    Open,
    /// New statements wait in the facilitator's queue until accepted.
    Strict,
}

/// A statement's moderation state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationState {
    /// Shown to participants and in the math.
    Accepted,
    /// Waiting for the facilitator (strict rooms); not shown to participants.
    Pending,
    /// Hidden and out of the math.
    Rejected,
}

impl ModerationState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationState::Accepted => "accepted",
            ModerationState::Pending => "pending",
            ModerationState::Rejected => "rejected",
        }
    }

    /// Reads a wire name.
    pub fn parse(name: &str) -> Option<ModerationState> {
        [
            ModerationState::Accepted,
            ModerationState::Pending,
            ModerationState::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// Default longest statement, in characters (Unicode scalar values).
pub const DEFAULT_STATEMENT_MAX_CHARS: u32 = 280;
/// The longest a room may allow.
pub const MAX_STATEMENT_MAX_CHARS: u32 = 2000;

/// What the facilitator can change about a room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoomSettings {
    /// Open (default) or strict moderation of participants' statements.
    pub moderation: ModerationMode,
    /// Participants may add statements (default true).
    pub participants_can_add: bool,
    /// Longest statement in characters (default 280, at most 2000).
    pub statement_max_chars: u32,
}

impl Default for RoomSettings {
    fn default() -> Self {
        RoomSettings {
            moderation: ModerationMode::Open,
            participants_can_add: true,
            statement_max_chars: DEFAULT_STATEMENT_MAX_CHARS,
        }
    }
}

/// `POST /api/rooms`: a new room.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRoom {
    /// The question, shown on every screen.
    pub topic: String,
    /// Background, shown under the topic.
    #[serde(default)]
    pub description: String,
    /// BCP 47 tag of the room's own texts (`zh-TW`, `en`, `ja`, `ko`…); default `en`.
    #[serde(default)]
    pub language: Option<String>,
    /// Seed statements, in order.
    #[serde(default)]
    pub statements: Vec<String>,
    /// Settings; defaults when absent.
    #[serde(default)]
    pub settings: RoomSettings,
    /// Seed of the engine's random source; random when absent.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// Public facts about a room (what a phone sees before joining).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomInfo {
    /// Join code (6 characters from an unambiguous alphabet).
    pub code: String,
    /// The question.
    pub topic: String,
    /// Background.
    pub description: String,
    /// Language tag of the room's texts.
    pub language: String,
    /// Current settings.
    pub settings: RoomSettings,
    /// Current stage.
    pub stage: Stage,
    /// Closed rooms take no more votes or statements.
    pub closed: bool,
    /// Creation time, ms since the epoch.
    pub created: i64,
}

/// `POST /api/rooms` answer. The facilitator key is returned here only, once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomCreated {
    /// The room.
    pub room: RoomInfo,
    /// Secret (≥ 128 bits, hex) every facilitator action needs, in the `x-facilitator-key` header.
    pub facilitator_key: String,
}

/// `POST /api/rooms/{code}/join` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    /// Secret (≥ 128 bits, hex) the phone keeps to come back as the same person; sent in the
    /// `x-participant-token` header or the WebSocket's `token` query parameter.
    pub participant_token: String,
    /// The room.
    pub room: RoomInfo,
}

/// A statement as participants and the projector see it (never its author).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementView {
    /// Statement id (Polis `tid`).
    pub id: StatementId,
    /// The text, as entered.
    pub text: String,
    /// Written by the facilitator when creating the room.
    pub is_seed: bool,
    /// Moderation state.
    pub moderation: ModerationState,
}

/// A vote from a phone. `id` is generated by the phone (a UUID, say) and makes resending safe:
/// the same id from the same participant is applied once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// Client-generated id, 1–64 characters.
    pub id: String,
    /// The statement voted on.
    pub statement: StatementId,
    /// Agree, disagree or pass.
    pub vote: Vote,
}

/// The server's answer to a vote, sent only once the vote is durably committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteAck {
    /// The client's id.
    pub id: String,
    /// True when this id had been received before (nothing changed).
    pub duplicate: bool,
}

/// A statement written by a participant (or added by the facilitator).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStatement {
    /// Client-generated id making a resend harmless (optional).
    #[serde(default)]
    pub id: Option<String>,
    /// The text.
    pub text: String,
}

/// The answer to [`NewStatement`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementAdded {
    /// The client's id, if it sent one.
    pub id: Option<String>,
    /// The statement as stored (pending in strict rooms).
    pub statement: StatementView,
    /// True when this client id had been received before.
    pub duplicate: bool,
}

/// `POST /api/rooms/{code}/statements/{id}/moderation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationRequest {
    /// The new state.
    pub state: ModerationState,
}

/// A statement with what only the facilitator sees: whether a participant wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationItem {
    /// The statement.
    pub statement: StatementView,
    /// Written by a participant (not the facilitator).
    pub from_participant: bool,
    /// Creation time, ms since the epoch.
    pub created: i64,
}

/// `POST /api/rooms/{code}/stage`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageRequest {
    /// The stage to show.
    pub stage: Stage,
}

/// `POST /api/rooms/{code}/spectrum`: start a spectrum on a statement (its round 1 opens).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpectrumStart {
    /// The statement people place themselves on.
    pub statement: StatementId,
}

/// `POST /api/rooms/{code}/spectrum/{spectrum}/round`: open round 1 or 2, or close (`null`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpectrumRoundRequest {
    /// 1 or 2 to open that round, absent or null to close the spectrum.
    #[serde(default)]
    pub open: Option<u8>,
}

/// Where a phone stands on the 5-step scale: −2 strongly disagree … +2 strongly agree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpectrumPosition {
    /// Client-generated id (optional; positions are idempotent anyway: latest wins).
    #[serde(default)]
    pub id: Option<String>,
    /// The spectrum.
    pub spectrum: u32,
    /// The round (1 or 2); must be the open one.
    pub round: u8,
    /// −2 ..= 2.
    pub position: i8,
}

/// Answer to a [`SpectrumPosition`], once committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpectrumAck {
    /// The client's id.
    pub id: Option<String>,
    /// The spectrum.
    pub spectrum: u32,
    /// The round.
    pub round: u8,
    /// The position stored.
    pub position: i8,
}

/// The error body of every 4xx/5xx answer, and of [`ServerMessage::Error`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, in a sentence.
    pub error: String,
}

/// What a phone may send on its WebSocket (`GET /api/rooms/{code}/ws?token=…`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// A vote; answered by [`ServerMessage::Ack`] or [`ServerMessage::Rejected`].
    Vote(VoteRequest),
    /// A new statement; answered by [`ServerMessage::StatementAdded`] or `Rejected`.
    AddStatement(NewStatement),
    /// A place on the spectrum; answered by [`ServerMessage::SpectrumAck`] or `Rejected`.
    Spectrum(SpectrumPosition),
    /// Keep-alive; answered by [`ServerMessage::Pong`].
    Ping,
}

/// A request the server could not apply. `id` repeats the client's id; `status` is the HTTP
/// status the same request would get (429 means: wait and resend).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The client's id, when the request had one.
    pub id: Option<String>,
    /// HTTP-equivalent status.
    pub status: u16,
    /// Why.
    pub error: String,
}

/// What the server sends on a WebSocket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First message on every socket.
    Welcome {
        /// [`PROTOCOL_VERSION`].
        version: u32,
        /// The room.
        room: RoomInfo,
    },
    /// A vote is committed.
    Ack(VoteAck),
    /// A statement is stored.
    StatementAdded(StatementAdded),
    /// A spectrum position is committed.
    SpectrumAck(SpectrumAck),
    /// A request was refused; nothing changed.
    Rejected(Rejection),
    /// The phone's whole view (phones only): sent after Welcome and whenever it changes.
    Phone(Box<PhoneView>),
    /// The room's whole view (projector and facilitator sockets): sent after Welcome and
    /// whenever it changes.
    Room(Box<RoomView>),
    /// Answer to [`ClientMessage::Ping`].
    Pong,
    /// A message that could not be read at all (not JSON, unknown type).
    Error(ErrorBody),
}

/// Everything one phone needs to draw its screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhoneView {
    /// The room (stage, settings, closed).
    pub room: RoomInfo,
    /// The statement to vote on next (`None`: all voted).
    pub next: Option<StatementView>,
    /// More unvoted statements (up to 100, by id), so a phone that loses its connection can keep
    /// voting (its votes wait in its queue) and keeps the statement on screen until voted.
    #[serde(default)]
    pub upcoming: Vec<StatementView>,
    /// Statements this phone has voted on.
    pub voted: u32,
    /// Statements shown to participants.
    pub total: u32,
    /// This phone's current vote per statement, by statement id. (A list, not a map: JSON
    /// object keys are strings, which tagged enums cannot read back as numbers.)
    pub votes: Vec<CastVote>,
    /// This phone's group, once groups exist and it is in the clustering.
    pub group: Option<PhoneGroup>,
    /// The open spectrum round, if any.
    pub spectrum: Option<SpectrumPrompt>,
    /// Statements this phone wrote and their moderation state.
    pub my_statements: Vec<StatementView>,
}

/// One of a phone's current votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastVote {
    /// The statement.
    pub statement: StatementId,
    /// The vote.
    pub vote: Vote,
}

/// "You are in group B", with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhoneGroup {
    /// Group id.
    pub id: u32,
    /// "A", "B", "C".
    pub label: String,
    /// Members (including this phone).
    pub size: u32,
    /// The statements that most set the group apart, strongest first (at most 3).
    pub reasons: Vec<GroupReason>,
}

/// One statement that sets a group apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupReason {
    /// The statement.
    pub statement: StatementView,
    /// Whether the group agrees or disagrees with it more than the rest of the room.
    pub stance: Stance,
    /// Share of the group's voters on it with that stance, 0–100.
    pub percent: u32,
}

/// The spectrum round a phone is asked to answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpectrumPrompt {
    /// Spectrum id.
    pub spectrum: u32,
    /// The statement.
    pub statement: StatementView,
    /// The open round (1 or 2).
    pub round: u8,
    /// This phone's position in this round, if it answered.
    pub position: Option<i8>,
    /// Its position in round 1 (shown in round 2 as a reminder).
    pub first_round_position: Option<i8>,
}

/// Everything the projector shows. Anonymous: points carry no participant id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoomView {
    /// The room; `None` only in `Default`.
    pub room: Option<RoomInfo>,
    /// Analysis update number (0 before the first).
    pub tick: u64,
    /// Phones that joined.
    pub participants: u32,
    /// Participants with at least one vote.
    pub voters: u32,
    /// Current votes (latest per participant and statement).
    pub votes: u64,
    /// Current votes the analysis (map, groups) already includes; it catches up with `votes`
    /// within the server's coalescing window.
    pub analyzed_votes: u64,
    /// Statements waiting for moderation.
    pub pending: u32,
    /// Participants needed before groups appear.
    pub min_participants_for_groups: u32,
    /// Accepted statements with their tallies, by id.
    pub statements: Vec<StatementStats>,
    /// The opinion map: one dot per voter.
    pub map: Vec<MapPoint>,
    /// Opinion groups (empty until there are enough participants).
    pub groups: Vec<GroupView>,
    /// What most of the room agrees or disagrees with.
    pub consensus: Vec<ConsensusView>,
    /// Statements by how far apart the groups stand, most divisive first.
    pub divisive: Vec<DivisiveView>,
    /// Spectrum rounds, oldest first.
    pub spectrums: Vec<SpectrumView>,
}

/// A statement with its votes, overall and by group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementStats {
    /// The statement.
    pub statement: StatementView,
    /// Agree votes.
    pub agree: u32,
    /// Disagree votes.
    pub disagree: u32,
    /// Pass votes.
    pub pass: u32,
    /// Per group, once groups exist.
    pub groups: Vec<GroupStance>,
}

/// One dot on the opinion map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapPoint {
    /// x, y in the map's own units (centred on 0).
    pub position: [f64; 2],
    /// Group id, when the participant is in the clustering and groups exist.
    pub group: Option<u32>,
}

/// One opinion group on the projector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    /// Group id.
    pub id: u32,
    /// "A", "B", "C".
    pub label: String,
    /// Members.
    pub size: u32,
    /// Centre on the map.
    pub center: [f64; 2],
    /// The statements that most set it apart, strongest first.
    pub representative: Vec<GroupReason>,
}

/// A consensus statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsensusView {
    /// The statement.
    pub statement: StatementView,
    /// What the room shares about it.
    pub stance: Stance,
    /// Share of voters with that stance, 0–100.
    pub percent: u32,
}

/// A divisive statement with its split by group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DivisiveView {
    /// The statement.
    pub statement: StatementView,
    /// 0 (groups agree) … 1 (groups are opposite).
    pub divisiveness: f64,
    /// Each group's votes on it.
    pub groups: Vec<GroupStance>,
    /// A sentence a facilitator can read aloud: "A: 85% agree · B: 10% agree".
    pub explanation: String,
}

/// A spectrum on one statement, with both rounds and the movement between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpectrumView {
    /// Spectrum id.
    pub id: u32,
    /// The statement.
    pub statement: StatementView,
    /// The open round (1 or 2), `None` when closed.
    pub open_round: Option<u8>,
    /// Round 1 and round 2 (round 2 empty until it opens).
    pub rounds: Vec<SpectrumRoundView>,
    /// How people who answered both rounds moved, per group label ("" outside any group).
    pub movement: Vec<SpectrumMovement>,
}

/// One round's distribution on the 5-step scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpectrumRoundView {
    /// 1 or 2.
    pub round: u8,
    /// Count at each step, strongly disagree (index 0) … strongly agree (index 4).
    pub counts: [u32; 5],
    /// The same per group (`label` "" for people outside any group).
    pub by_group: Vec<SpectrumGroupCounts>,
}

/// One group's distribution in a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpectrumGroupCounts {
    /// Group id, `None` for people outside any group.
    pub group: Option<u32>,
    /// Group label, "" outside any group.
    pub label: String,
    /// Count at each step.
    pub counts: [u32; 5],
}

/// Movement of one group between round 1 and round 2.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpectrumMovement {
    /// Group id, `None` for people outside any group.
    pub group: Option<u32>,
    /// Group label, "" outside any group.
    pub label: String,
    /// People who answered both rounds.
    pub answered_both: u32,
    /// Moved toward agree.
    pub toward_agree: u32,
    /// Moved toward disagree.
    pub toward_disagree: u32,
    /// Stayed.
    pub stayed: u32,
    /// Mean position in round 1 and in round 2 (−2 … 2).
    pub mean_before: f64,
    /// Mean position in round 2.
    pub mean_after: f64,
    /// `flows[from][to]`: how many went from step `from` to step `to` (index 0 = −2).
    pub flows: [[u32; 5]; 5],
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn client_messages_are_tagged_snake_case() {
        let m = ClientMessage::Vote(VoteRequest {
            id: "v1".into(),
            statement: 3,
            vote: Vote::Agree,
        });
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"type":"vote","id":"v1","statement":3,"vote":"agree"}"#
        );
        let back: ClientMessage = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        let ping: ClientMessage = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
        assert_eq!(ping, ClientMessage::Ping);
    }

    #[test]
    fn unknown_fields_and_types_are_refused() {
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"shout"}"#).is_err());
        assert!(serde_json::from_str::<NewRoom>(r#"{"topic":"t","colour":"red"}"#).is_err());
    }

    #[test]
    fn settings_default_when_absent() {
        let r: NewRoom = serde_json::from_str(r#"{"topic":"t"}"#).unwrap();
        assert_eq!(r.settings, RoomSettings::default());
        assert_eq!(r.settings.statement_max_chars, 280);
    }

    #[test]
    fn server_messages_round_trip() {
        let room = RoomInfo {
            code: "ABC234".into(),
            topic: "t".into(),
            description: String::new(),
            language: "zh-TW".into(),
            settings: RoomSettings::default(),
            stage: Stage::Groups,
            closed: false,
            created: 1,
        };
        let phone = ServerMessage::Phone(Box::new(PhoneView {
            room: room.clone(),
            next: None,
            upcoming: vec![],
            voted: 1,
            total: 2,
            votes: vec![CastVote {
                statement: 4,
                vote: Vote::Pass,
            }],
            group: None,
            spectrum: None,
            my_statements: vec![],
        }));
        let view = ServerMessage::Room(Box::new(RoomView {
            room: Some(room),
            ..RoomView::default()
        }));
        for m in [phone, view, ServerMessage::Pong] {
            let json = serde_json::to_string(&m).unwrap();
            let back: ServerMessage = serde_json::from_str(&json).unwrap();
            assert_eq!(back, m, "{json}");
        }
    }

    #[test]
    fn stage_names_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(Stage::parse("lunch"), None);
    }
}
