//! What a phone and the projector see (never who).

use serde::{Deserialize, Serialize};

use super::*;

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
    /// This phone's discussion table, while tables are formed.
    #[serde(default)]
    pub table: Option<PhoneTable>,
    /// The participant accepted the room's rules (the phone asks before the first vote).
    #[serde(default)]
    pub consented: bool,
    /// The statement in the facilitator's spotlight (`room.controls.spotlight`), with its text,
    /// so a phone shows it without knowing every statement.
    #[serde(default)]
    pub spotlight: Option<StatementView>,
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
    /// The open round (1, 2, …).
    pub round: u8,
    /// This phone's position in this round, if it answered.
    pub position: Option<i8>,
    /// Its position in round 1 (shown in later rounds as a reminder).
    pub first_round_position: Option<i8>,
    /// Its position in the round before this one, if it answered it.
    #[serde(default)]
    pub previous_position: Option<i8>,
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
    /// The discussion tables, while formed (counts only).
    #[serde(default)]
    pub tables: Option<TablesView>,
    /// What changed since the first snapshot with groups (report stage, results shown).
    #[serde(default)]
    pub change: Option<ChangeView>,
    /// While the groups are frozen: how many groups the votes show now (counts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_groups: Option<LiveGroupsView>,
    /// While a second vote is open: how far it has got (counts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revote_progress: Option<RevoteProgress>,
}

/// A second vote's progress: of the people asked again (they had voted on at least one of its
/// statements before it opened), how many have voted again on every one of those.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevoteProgress {
    /// People asked again.
    pub asked: u32,
    /// Of them, people who have voted again on all they were asked.
    pub done: u32,
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
    /// How far apart the groups stand on it (the engine's divisiveness, 0–1), once groups
    /// exist: the measure the projector ranks its divisive statements by.
    #[serde(default)]
    pub divisiveness: Option<f64>,
    /// Its place in the engine's divisive order (0 = most divisive): the console lists
    /// statements in the projector's order.
    #[serde(default)]
    pub divisive_rank: Option<u32>,
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
    /// Each group's votes on it (each front end words them in its own language).
    pub groups: Vec<GroupStance>,
}

/// A spectrum on one statement, with both rounds and the movement between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpectrumView {
    /// Spectrum id.
    pub id: u32,
    /// The statement.
    pub statement: StatementView,
    /// The open round (1, 2, …), `None` when closed.
    pub open_round: Option<u8>,
    /// Every round opened so far, in order.
    pub rounds: Vec<SpectrumRoundView>,
    /// How people who answered both `movement_from` and `movement_to` moved, per group label
    /// ("" outside any group). Empty before a second round, and while the last round's counts
    /// are hidden.
    pub movement: Vec<SpectrumMovement>,
    /// The round movement is measured from (the first).
    #[serde(default)]
    pub movement_from: u8,
    /// The round movement is measured to (the last opened).
    #[serde(default)]
    pub movement_to: u8,
}

/// One round's distribution on the 5-step scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpectrumRoundView {
    /// 1, 2, …
    pub round: u8,
    /// People placed in this round (always shown).
    #[serde(default)]
    pub placed: u32,
    /// The counts are withheld (the round is open and the facilitator has not revealed it, or
    /// results are hidden): `counts` and `by_group` are empty of people.
    #[serde(default)]
    pub hidden: bool,
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

/// Movement of one group between two rounds (`SpectrumView::movement_from` → `movement_to`).
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
    /// Mean position in the first round compared (−2 … 2).
    pub mean_before: f64,
    /// Mean position in the second round compared.
    pub mean_after: f64,
    /// `flows[from][to]`: how many went from step `from` to step `to` (index 0 = −2).
    pub flows: [[u32; 5]; 5],
}
