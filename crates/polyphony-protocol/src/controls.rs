//! The facilitator's hand: what the room shows and takes right now (results hidden, voting
//! paused, a timer, a spotlight, group names, a second vote, the report published), and the one
//! request that changes it.
//!
//! The controls are part of [`RoomInfo`], so every screen (projector, phone, console) reads them
//! from the view it already gets, and a reloaded page finds them as they were: the server stores
//! them with the room.

use serde::{Deserialize, Serialize};

use super::*;

/// Longest group name, in characters.
pub const GROUP_NAME_MAX_CHARS: u32 = 40;
/// Longest timer, in minutes (the shortest is 1).
pub const TIMER_MAX_MINUTES: u32 = 30;
/// Most rounds one spectrum can run.
pub const MAX_SPECTRUM_ROUNDS: u8 = 9;
/// Most statements one second vote can ask about.
pub const REVOTE_MAX_STATEMENTS: usize = 20;

/// What the facilitator has set for the room. Every field has a default (all off), so rooms
/// stored before the controls existed read as "nothing hidden, nothing paused".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoomControls {
    /// Results (map, groups, consensus, divisive, per-group splits) are withheld from the
    /// projector and the phones until revealed. Counts of people and votes still show.
    pub results_hidden: bool,
    /// The open spectrum round's counts are shown while it is open. Off by default and reset
    /// whenever a round opens, so people place themselves before they see the room; a closed
    /// round's counts always show.
    pub spectrum_counts_shown: bool,
    /// Votes are refused (409, `voting_paused`); phones keep them queued until voting resumes.
    pub voting_paused: bool,
    /// A countdown the facilitator started (nothing happens when it ends but a gentle cue).
    pub timer: Option<Timer>,
    /// The one statement the room is talking about, large on the projector and on every phone.
    pub spotlight: Option<StatementId>,
    /// Names the facilitator gave the opinion groups, by group id.
    pub group_names: Vec<GroupName>,
    /// The second vote in progress, if any.
    pub revote: Option<Revote>,
    /// The take-away report at `/r/{code}/report` is public.
    pub report_published: bool,
    /// The opinion groups are frozen: tables, names, colours, every phone's group and the report
    /// use the membership they had when frozen, while the live map goes on moving (set by
    /// [`ControlRequest::FreezeGroups`], and when tables are formed). Who is in which group is
    /// stored with the room, never sent.
    pub groups_frozen: bool,
    /// Which page of the current stage's paged content the projector shows (the briefing's
    /// cards, the report stage's pages), as the facilitator turned it from the console. It
    /// holds for the stage it was set on only: any other stage opens on its first page.
    pub paging: Option<Paging>,
}

/// A page of one stage's paged content, and whether the projector turns the pages by itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    /// The stage the page belongs to.
    pub stage: Stage,
    /// 0 for the first page (a screen showing fewer pages shows its last).
    pub page: u32,
    /// The projector turns the pages by itself (every 20 s), starting from `page`.
    pub auto: bool,
}

impl RoomControls {
    /// The name the facilitator gave group `id`, if any.
    ///
    /// ```
    /// use polyphony_protocol::{GroupName, RoomControls};
    /// let c = RoomControls { group_names: vec![GroupName { group: 1, name: "Safety first".into() }], ..Default::default() };
    /// assert_eq!(c.group_name(1), Some("Safety first"));
    /// assert_eq!(c.group_name(0), None);
    /// ```
    pub fn group_name(&self, id: u32) -> Option<&str> {
        self.group_names
            .iter()
            .find(|g| g.group == id)
            .map(|g| g.name.as_str())
    }

    /// The page the projector shows on `stage` and whether it turns by itself: as set from the
    /// console for this stage, else the first page, turned by hand.
    ///
    /// ```
    /// use polyphony_protocol::{Paging, RoomControls, Stage};
    /// let c = RoomControls { paging: Some(Paging { stage: Stage::Report, page: 2, auto: false }), ..Default::default() };
    /// assert_eq!(c.page_of(Stage::Report), (2, false));
    /// assert_eq!(c.page_of(Stage::Groups), (0, false));
    /// ```
    pub fn page_of(&self, stage: Stage) -> (u32, bool) {
        match self.paging {
            Some(p) if p.stage == stage => (p.page, p.auto),
            _ => (0, false),
        }
    }
}

/// A countdown: it ends at `started + seconds * 1000` (server time, ms since the epoch; screens
/// count down with their own clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// When it started, ms since the epoch.
    pub started: i64,
    /// Its length in seconds.
    pub seconds: u32,
}

impl Timer {
    /// When it ends, ms since the epoch.
    pub fn ends(&self) -> i64 {
        self.started + i64::from(self.seconds) * 1000
    }
}

/// A facilitator's name for an opinion group ("the safety-first group").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupName {
    /// Group id (as in the views).
    pub group: u32,
    /// The name, 1–40 characters.
    pub name: String,
}

/// A second vote: phones show these statements again, also to people who voted on them; the
/// first votes stay in the history (exports), the new one counts from then on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revote {
    /// 1 for the room's first second vote, then 2, …
    pub id: u32,
    /// The statements asked again.
    pub statements: Vec<StatementId>,
    /// When it opened, ms since the epoch: a vote before this time is a first vote.
    pub opened: i64,
}

/// `POST /api/rooms/{code}/controls` (facilitator): one change; the answer is the [`RoomInfo`]
/// with the new [`RoomControls`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ControlRequest {
    /// Withhold results from the projector and phones.
    HideResults,
    /// Show results again.
    RevealResults,
    /// Show the open spectrum round's counts.
    RevealSpectrum,
    /// Hide the open spectrum round's counts again.
    HideSpectrum,
    /// Refuse votes until resumed.
    PauseVoting,
    /// Take votes again.
    ResumeVoting,
    /// Start (or restart) a countdown of 1–30 minutes.
    StartTimer {
        /// Minutes, 1–30.
        minutes: u32,
    },
    /// Stop the countdown.
    StopTimer,
    /// Put one accepted statement on every screen, or none.
    Spotlight {
        /// The statement; absent or null to clear.
        #[serde(default)]
        statement: Option<StatementId>,
    },
    /// Name an opinion group; an empty name gives it back its letter.
    NameGroup {
        /// Group id.
        group: u32,
        /// The name (0–40 characters).
        name: String,
    },
    /// Ask 1–20 accepted statements again.
    OpenRevote {
        /// The statements.
        statements: Vec<StatementId>,
    },
    /// End the second vote.
    CloseRevote,
    /// Make the report at `/r/{code}/report` public.
    PublishReport,
    /// Make it private again (404 without the key).
    UnpublishReport,
    /// Freeze the opinion groups as the votes draw them now; when already frozen, take the
    /// votes' current groups instead ("update"). Refused (409 `no_groups`) before groups exist.
    FreezeGroups,
    /// Let the groups follow the votes again.
    UnfreezeGroups,
    /// Show page `page` (0 = first, at most [`MAX_PAGE`]) of the current stage's paged content
    /// on the projector; `auto`: turn the pages by itself from there.
    ShowPage {
        /// The page.
        page: u32,
        /// Turn the pages by itself.
        #[serde(default)]
        auto: bool,
    },
}

/// The highest page a stage can be turned to (a briefing has at most this many cards + 1).
pub const MAX_PAGE: u32 = 31;

/// What changed between two moments of the room, for the projector's report stage. Built by the
/// server from `polyphony_core::opinion_change` between the first snapshot with groups and now:
/// every figure compares people with themselves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeView {
    /// The stage the comparison starts from (when its snapshot was taken).
    pub since: Stage,
    /// People whose votes now put them in another group than theirs (counts only, never who).
    pub moved: u32,
    /// The statements on which most people changed their own vote, most first (at most 3).
    #[serde(default)]
    pub panels: Vec<PanelView>,
    /// Statements that became consensus.
    pub consensus_gained: Vec<StatementView>,
    /// Statements that stopped being consensus.
    pub consensus_lost: Vec<StatementView>,
}

/// How the people who voted on one statement at both moments moved: everyone, then each group
/// (its membership held fixed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelView {
    /// The statement.
    pub statement: StatementView,
    /// Everyone who voted on it both times.
    pub everyone: PanelCounts,
    /// By group (`group: None`: people in no group).
    pub groups: Vec<GroupPanelCounts>,
}

/// Counts of people, each compared with themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelCounts {
    /// People who answered both times.
    pub answered_both: u32,
    /// Of them, moved toward agree.
    pub toward_agree: u32,
    /// Moved toward disagree.
    pub toward_disagree: u32,
    /// Gave the same answer.
    pub stayed: u32,
}

/// One group's [`PanelCounts`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPanelCounts {
    /// Group id, `None` for people in no group.
    pub group: Option<u32>,
    /// Group letter, "" outside any group.
    pub label: String,
    /// How its people moved.
    pub counts: PanelCounts,
}

/// While the groups are frozen: what the votes show now, for the console ("the votes now show 2
/// groups; keep 3 or update"). Counts only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveGroupsView {
    /// Groups the votes draw now.
    pub count: u32,
    /// Members of the frozen groups whose votes now put them in another group.
    pub switched: u32,
}
