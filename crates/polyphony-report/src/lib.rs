//! # polyphony-report
//!
//! The take-away report of a conversation as **one self-contained HTML page**: inline CSS and
//! inline SVG, no script and no external resource, so the file opens offline by double-click,
//! reads on a phone (nothing wider than the screen) and prints on A4 (sections flow on from one
//! another; a statement, a bar or the map is never split across pages). It says, in the chosen language
//! (繁體中文, English, 日本語 or 한국어): the topic, the counts, the opinion map, what each group
//! stands for, the consensus, the most divisive statements, the spectrum rounds and table notes
//! when the room had them (notes grouped by table plan), the opinion change, and how the map was
//! made. Every consensus line says which way the room leans and how strongly ("81% disagree").
//! The page the server serves also links to the same report in the other languages
//! ([`Switcher`]), and [`render_not_published`] is the page a reader sees before the facilitator
//! publishes the report.
//!
//! The crate does no I/O: [`render`] returns a `String`; the CLI (`polyphony report`) writes it
//! to a file and the workshop server can serve it. Every text from the data is escaped.
//!
//! ```
//! use polyphony_core::{AnalysisParams, Conversation, Vote, VoteEvent};
//! use polyphony_report::{render, Lang, ReportInput};
//! let mut conv = Conversation::new(AnalysisParams::default());
//! conv.add_votes(&[VoteEvent::new(1, 0, Vote::Agree, 0)]);
//! let mut input = ReportInput::new("Night buses <after 1am>", Lang::En, conv.update(), 0);
//! input.statements.insert(0, "Buses should run all night".into());
//! let html = render(&input);
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("Night buses &lt;after 1am&gt;"));
//! assert!(!html.contains("<script"));
//! ```

mod brief;
mod html;
mod i18n;
mod map;
mod sections;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use polyphony_core::{
    opinion_change, Analysis, Consensus, OpinionChange, StatementId, TableMode, VoteMatrix,
};

pub use brief::{BriefInput, BriefSide};
pub use i18n::{t, Key, Lang};

/// What can go wrong before rendering (rendering itself cannot fail).
///
/// ```
/// let e = polyphony_report::ReportError::from("fr".parse::<polyphony_report::Lang>().unwrap_err());
/// assert!(e.to_string().contains("zh-TW, en, ja or ko"));
/// ```
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    /// A language tag that is not one of the four.
    #[error("unknown language `{0}`: use zh-TW, en, ja or ko")]
    UnknownLanguage(String),
}

/// The headline counts.
///
/// ```
/// let a = polyphony_core::Conversation::new(Default::default()).update();
/// assert_eq!(polyphony_report::Counts::of(&a), polyphony_report::Counts::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// People who voted.
    pub participants: u32,
    /// Votes (the latest per person and statement).
    pub votes: u64,
    /// Statements with votes.
    pub statements: u32,
}

impl Counts {
    /// The counts an analysis gives.
    ///
    /// ```
    /// use polyphony_core::{Conversation, Vote, VoteEvent};
    /// let mut c = Conversation::new(Default::default());
    /// c.add_votes(&[VoteEvent::new(1, 0, Vote::Agree, 0), VoteEvent::new(2, 0, Vote::Pass, 0)]);
    /// let n = polyphony_report::Counts::of(&c.update());
    /// assert_eq!((n.participants, n.votes, n.statements), (2, 2, 1));
    /// ```
    pub fn of(a: &Analysis) -> Counts {
        Counts {
            participants: a.participant_count,
            votes: a.vote_count,
            statements: u32::try_from(a.statements.len()).unwrap_or(u32::MAX),
        }
    }
}

/// One spectrum (people placing themselves on a line from strongly disagree to strongly
/// agree), with its rounds and how people moved.
///
/// ```
/// let s = polyphony_report::SpectrumInput { statement: "Taxis first".into(), rounds: vec![[1, 2, 3, 2, 1]], movement: vec![] };
/// assert_eq!(s.rounds[0].iter().sum::<u32>(), 9);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpectrumInput {
    /// The statement the room placed itself on.
    pub statement: String,
    /// Each round's count at each step, strongly disagree (index 0) … strongly agree (4).
    pub rounds: Vec<[u32; 5]>,
    /// Per group, how people moved between the first and the last round.
    pub movement: Vec<SpectrumMovement>,
}

/// How one group moved on a spectrum between two rounds.
///
/// ```
/// let m = polyphony_report::SpectrumMovement { label: "A".into(), toward_agree: 3, toward_disagree: 1, stayed: 6 };
/// assert_eq!(m.toward_agree + m.toward_disagree + m.stayed, 10);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpectrumMovement {
    /// Group label ("" for people outside any group).
    pub label: String,
    /// Moved toward agree.
    pub toward_agree: u32,
    /// Moved toward disagree.
    pub toward_disagree: u32,
    /// Stayed on the same step.
    pub stayed: u32,
}

/// The notes one discussion table released (never who wrote them), with the table plan it
/// belongs to: the report lists notes plan by plan ("Same-group tables", "Mixed tables").
///
/// ```
/// use polyphony_core::TableMode;
/// let n = polyphony_report::TableNotes {
///     plan: 1,
///     mode: TableMode::SameGroup,
///     table: 2,
///     notes: vec!["We agree on safety".into()],
/// };
/// assert_eq!((n.plan, n.table), (1, 2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableNotes {
    /// The table plan's number in the room (1, 2, …); tables of one plan are listed together.
    pub plan: u32,
    /// How the plan composed its tables (same-group or mixed).
    pub mode: TableMode,
    /// Table number in its plan, from 1.
    pub table: u32,
    /// Released notes, in release order.
    pub notes: Vec<String>,
}

/// A moment of the conversation an opinion change is measured from or to.
///
/// ```
/// use polyphony_report::{Lang, Moment};
/// assert_eq!(Moment::AllVotes.name(Lang::En), "all the votes");
/// assert_eq!(Moment::Named("after the tables".into()).name(Lang::Ja), "after the tables");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moment {
    /// The analysis of the earlier half of the votes, by time.
    FirstHalfOfVotes,
    /// The analysis of every vote.
    AllVotes,
    /// A live room's analysis when its opinion groups were first shown.
    FirstGroups,
    /// A live room's analysis at the end (when the report is made).
    End,
    /// A moment named by the caller (a stage of the workshop), shown as given.
    Named(String),
}

impl Moment {
    /// The moment's name in `lang`.
    ///
    /// ```
    /// use polyphony_report::{Lang, Moment};
    /// assert_eq!(Moment::FirstHalfOfVotes.name(Lang::ZhTw), "前一半的投票");
    /// ```
    pub fn name(&self, lang: Lang) -> String {
        match self {
            Moment::FirstHalfOfVotes => t(lang, Key::MomentFirstHalf).to_string(),
            Moment::AllVotes => t(lang, Key::MomentAllVotes).to_string(),
            Moment::FirstGroups => t(lang, Key::MomentFirstGroups).to_string(),
            Moment::End => t(lang, Key::MomentEnd).to_string(),
            Moment::Named(s) => s.clone(),
        }
    }
}

/// The opinion change between two snapshots, with the group letters of each snapshot.
///
/// ```
/// use polyphony_report::{ChangeInput, Moment};
/// let c = polyphony_core::Conversation::new(Default::default());
/// let (a, votes) = (c.clone().update(), c.matrix());
/// let change = ChangeInput::new(Moment::FirstHalfOfVotes, Moment::AllVotes, (&a, votes), (&a, votes));
/// assert_eq!(change.change.moved, 0);
/// assert!(change.consensus_after.agree.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeInput {
    /// The first snapshot.
    pub before: Moment,
    /// The second snapshot.
    pub after: Moment,
    /// What changed (see [`polyphony_core::opinion_change`]).
    pub change: OpinionChange,
    /// Group id → letter (or name), from both snapshots (the later one wins).
    pub labels: BTreeMap<u32, String>,
    /// The first snapshot's consensus: the direction and share of each statement in
    /// `change.consensus_lost` as it was then.
    pub consensus_before: Consensus,
    /// The second snapshot's consensus: the direction and share of each statement in
    /// `change.consensus_gained`.
    pub consensus_after: Consensus,
}

impl ChangeInput {
    /// Compares the first moment (its analysis and the votes it was made from) with the second:
    /// people are compared with themselves ([`polyphony_core::opinion_change`]).
    ///
    /// ```
    /// use polyphony_report::{ChangeInput, Moment};
    /// let c = polyphony_core::Conversation::new(Default::default());
    /// let (a, votes) = (c.clone().update(), c.matrix());
    /// let change = ChangeInput::new(Moment::Named("start".into()), Moment::Named("end".into()), (&a, votes), (&a, votes));
    /// assert!(change.labels.is_empty());
    /// ```
    pub fn new(
        before: Moment,
        after: Moment,
        (before_analysis, before_votes): (&Analysis, &VoteMatrix),
        (after_analysis, after_votes): (&Analysis, &VoteMatrix),
    ) -> ChangeInput {
        let mut labels = BTreeMap::new();
        for a in [before_analysis, after_analysis] {
            for g in a.groups.iter().flat_map(|g| &g.groups) {
                labels.insert(g.id, g.label.clone());
            }
        }
        ChangeInput {
            before,
            after,
            change: opinion_change(before_analysis, before_votes, after_analysis, after_votes),
            labels,
            consensus_before: before_analysis.consensus.clone(),
            consensus_after: after_analysis.consensus.clone(),
        }
    }
}

/// Links to the same report in every language (`?lang=zh-TW`, `en`, `ja`, `ko`), for the page
/// the server serves; the offline file has none (it has nowhere to link to).
///
/// ```
/// use polyphony_report::{render, Lang, ReportInput, Switcher};
/// let a = polyphony_core::Conversation::new(Default::default()).update();
/// let mut input = ReportInput::new("Topic", Lang::Ja, a, 0);
/// input.switcher = Some(Switcher { key: None });
/// let html = render(&input);
/// assert!(html.contains(r#"<a href="?lang=en" hreflang="en" lang="en">English</a>"#));
/// assert!(!html.contains("key="));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Switcher {
    /// The facilitator key the page was opened with in its address (`?key=`), carried into
    /// the links so that an unpublished report stays open in the other languages; `None`
    /// keeps any key out of them.
    pub key: Option<String>,
}

/// Everything a report says. Build it with [`ReportInput::new`], then fill the optional parts.
///
/// ```
/// use polyphony_report::{Lang, ReportInput};
/// let a = polyphony_core::Conversation::new(Default::default()).update();
/// let input = ReportInput::new("Topic", Lang::Ko, a, 7);
/// assert_eq!((input.seed, input.counts.participants), (7, 0));
/// assert!(input.spectrums.is_empty() && input.change.is_none() && input.switcher.is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ReportInput {
    /// The conversation's topic (the report's title).
    pub topic: String,
    /// Background, may be empty.
    pub description: String,
    /// The report's language.
    pub lang: Lang,
    /// The headline counts.
    pub counts: Counts,
    /// The analysis the report shows.
    pub analysis: Analysis,
    /// The seed the analysis ran with (for the method paragraph).
    pub seed: u64,
    /// Statement texts by id.
    pub statements: BTreeMap<StatementId, String>,
    /// Names the facilitator gave groups, by group id (shown after the letter).
    pub group_names: BTreeMap<u32, String>,
    /// Spectrums, oldest first (empty: no section).
    pub spectrums: Vec<SpectrumInput>,
    /// Released table notes (empty: no section).
    pub table_notes: Vec<TableNotes>,
    /// The opinion change between two snapshots (`None`: no section).
    pub change: Option<ChangeInput>,
    /// Links to the report in the other languages (`None`: none, as in the offline file).
    pub switcher: Option<Switcher>,
    /// The briefing cards the room read before the votes (empty: no section).
    pub brief: Vec<BriefInput>,
}

impl ReportInput {
    /// A report of `analysis` with no statement texts and no optional parts; the counts come
    /// from the analysis.
    ///
    /// ```
    /// let a = polyphony_core::Conversation::new(Default::default()).update();
    /// let input = polyphony_report::ReportInput::new("T", polyphony_report::Lang::En, a, 0);
    /// assert!(input.description.is_empty());
    /// ```
    pub fn new(topic: impl Into<String>, lang: Lang, analysis: Analysis, seed: u64) -> Self {
        ReportInput {
            topic: topic.into(),
            description: String::new(),
            lang,
            counts: Counts::of(&analysis),
            analysis,
            seed,
            statements: BTreeMap::new(),
            group_names: BTreeMap::new(),
            spectrums: Vec::new(),
            table_notes: Vec::new(),
            change: None,
            switcher: None,
            brief: Vec::new(),
        }
    }
}

/// The report as one complete HTML document (inline CSS and SVG; no script, no external
/// resource). Sections without data (spectrums, notes, change) are left out.
///
/// ```
/// use polyphony_report::{render, Lang, ReportInput};
/// let a = polyphony_core::Conversation::new(Default::default()).update();
/// let html = render(&ReportInput::new("<b>Topic</b>", Lang::Ja, a, 0));
/// assert!(html.contains(r#"<html lang="ja">"#));
/// assert!(html.contains("&lt;b&gt;Topic&lt;/b&gt;"));
/// assert!(html.trim_end().ends_with("</html>"));
/// ```
pub fn render(input: &ReportInput) -> String {
    sections::document(input)
}

/// The page a reader gets before the facilitator publishes the report: the room's topic and a
/// sentence in `lang` saying the report is not published yet (ask the facilitator, or check
/// back later). One self-contained HTML document with the report's style sheet; with
/// `switcher`, links to the same page in the other languages (never a key).
///
/// ```
/// use polyphony_report::{render_not_published, Lang};
/// let html = render_not_published("夜間バス", Lang::Ja, true);
/// assert!(html.contains(r#"<html lang="ja">"#));
/// assert!(html.contains("レポートはまだ公開されていません"));
/// assert!(html.contains(r#"href="?lang=ko""#));
/// assert!(!html.contains("<script") && !html.contains("not published"));
/// ```
pub fn render_not_published(topic: &str, lang: Lang, switcher: bool) -> String {
    sections::not_published(topic, lang, switcher)
}
