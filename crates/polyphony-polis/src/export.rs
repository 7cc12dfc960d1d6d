//! Writing openData-shaped CSV files (agree = +1, as the darwin export).
//!
//! Text cells (a statement's body, a summary value) are written as they are
//! ([`CsvCells::Exact`]) or made safe to open in a spreadsheet ([`CsvCells::SpreadsheetSafe`]);
//! numeric cells are always written as numbers.

use std::borrow::Cow;
use std::collections::BTreeMap;

use polyphony_core::{
    Analysis, OpinionGroup, ParticipantId, StatementId, Tally, Vote, VoteEvent, VoteMatrix,
};

use crate::error::PolisError;
use crate::import::PolisStatement;

/// How the text cells of a CSV file are written.
///
/// A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with `=`, `+`, `-`
/// or `@` as a formula — `=HYPERLINK(...)` in a statement becomes a link in the facilitator's
/// sheet. [`CsvCells::SpreadsheetSafe`] follows OWASP's advice on CSV injection: a text cell
/// starting with one of those, a tab or a carriage return gets a single quote `'` in front,
/// which a spreadsheet shows as text — and so does one of those after a separator inside the
/// cell (`,`, `;`, tab, `|`, a line break), where a spreadsheet splitting the line on it would
/// start a cell. Only text cells are touched: ids, counts, timestamps and
/// vote values (`-1` is a disagree) stay numbers.
///
/// [`CsvCells::Exact`] is the default, so that the files read back byte for byte as what was
/// said (`polyphony analyze`, research round trips, Polis's own tools); the workshop server
/// serves its downloads spreadsheet-safe, because those are what people open in a spreadsheet.
///
/// ```
/// use polyphony_polis::CsvCells;
/// assert_eq!(CsvCells::SpreadsheetSafe.text("=1+2"), "'=1+2");
/// assert_eq!(CsvCells::SpreadsheetSafe.text("ok;=1+1"), "ok;'=1+1");
/// assert_eq!(CsvCells::SpreadsheetSafe.text("Buses should be free"), "Buses should be free");
/// assert_eq!(CsvCells::Exact.text("=1+2"), "=1+2");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvCells {
    /// Every cell as it is (Polis's text, byte for byte).
    #[default]
    Exact,
    /// Text cells that a spreadsheet would read as a formula start with `'`.
    SpreadsheetSafe,
}

impl CsvCells {
    /// A text cell as this option writes it.
    pub fn text(self, cell: &str) -> Cow<'_, str> {
        match self {
            CsvCells::Exact => Cow::Borrowed(cell),
            CsvCells::SpreadsheetSafe => spreadsheet_safe(cell),
        }
    }
}

/// Characters that make a spreadsheet read what follows as a formula.
fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@')
}

/// Characters a spreadsheet may split a line into cells at (the comma; the semicolon of the
/// locales whose decimal mark is a comma; tab and pipe, offered by every import dialog) and
/// line breaks: what follows one may be read as the start of a cell.
fn separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\t' | '|' | '\n' | '\r')
}

/// A text cell that no spreadsheet runs as a formula: a `'` goes before a formula start (`=`,
/// `+`, `-`, `@`) that is the cell's first character other than spaces, or the first other than
/// spaces after a separator inside it (`ok;=1+1` becomes `ok;'=1+1`: a spreadsheet splitting on
/// `;` would otherwise see `=1+1`), and before a tab or carriage return that starts the cell;
/// any other cell is unchanged.
fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    // Whether the next character may start a cell in a spreadsheet's eyes.
    let mut cell_start = true;
    for (i, c) in cell.char_indices() {
        if (cell_start && formula_start(c)) || (i == 0 && matches!(c, '\t' | '\r')) {
            if !changed {
                out.reserve(cell.len() + 4);
                out.push_str(&cell[..i]);
                changed = true;
            }
            out.push('\'');
        }
        if changed {
            out.push(c);
        }
        cell_start = separator(c) || (cell_start && c == ' ');
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(cell)
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// `participants-votes.csv`: one row per participant in matrix row order, the group id the votes
/// draw (Polis's live `group-id`, blank outside the clustering), then the latest vote on every
/// statement with a vote, in ascending id. While the analysis has frozen groups
/// ([`polyphony_core::Conversation::set_frozen_groups`]), a `groups` column after `group-id`
/// holds each participant's frozen group (blank for someone who joined later); readers of Polis's
/// format skip it (statement columns start after `n-disagree`).
///
/// ```
/// use std::collections::BTreeMap;
/// use polyphony_core::{Conversation, FrozenGroups, GroupMembers, Vote, VoteEvent};
/// let mut c = Conversation::new(Default::default());
/// c.add_votes(&[VoteEvent::new(4, 1, Vote::Agree, 0)]);
/// c.set_frozen_groups(Some(FrozenGroups::new(vec![GroupMembers { id: 1, members: vec![4] }])));
/// let analysis = c.update();
/// let csv = polyphony_polis::participants_votes_csv(c.matrix(), &analysis, &BTreeMap::new());
/// assert!(csv.starts_with("participant,group-id,groups,n-comments"));
/// assert!(csv.contains("\n4,,1,0,1,1,0,1\n"));
/// ```
pub fn participants_votes_csv(
    matrix: &VoteMatrix,
    analysis: &Analysis,
    authored: &BTreeMap<ParticipantId, u32>,
) -> String {
    let mut tids: Vec<StatementId> = matrix.statements().to_vec();
    tids.sort_unstable();
    let frozen = analysis.groups.as_ref().is_some_and(|g| g.live.is_some());
    let live: BTreeMap<ParticipantId, u32> = analysis
        .participants
        .iter()
        .filter_map(|p| {
            let g = if frozen { p.live_group } else { p.group };
            g.map(|g| (p.participant, g))
        })
        .collect();
    let kept: BTreeMap<ParticipantId, u32> = analysis
        .participants
        .iter()
        .filter_map(|p| p.group.map(|g| (p.participant, g)))
        .collect();
    let mut w = writer();
    let mut header: Vec<String> = ["participant", "group-id"]
        .into_iter()
        .chain(frozen.then_some("groups"))
        .chain(["n-comments", "n-votes", "n-agree", "n-disagree"])
        .map(ToString::to_string)
        .collect();
    header.extend(tids.iter().map(ToString::to_string));
    let _ = w.write_record(&header);
    for (r, &p) in matrix.participants().iter().enumerate() {
        let mut cells: BTreeMap<StatementId, Vote> = BTreeMap::new();
        for (j, v) in matrix.row(r) {
            cells.insert(matrix.statements()[j], v);
        }
        let agree = cells.values().filter(|v| **v == Vote::Agree).count();
        let disagree = cells.values().filter(|v| **v == Vote::Disagree).count();
        let mut rec = vec![
            p.to_string(),
            live.get(&p).map(ToString::to_string).unwrap_or_default(),
        ];
        if frozen {
            rec.push(kept.get(&p).map(ToString::to_string).unwrap_or_default());
        }
        rec.extend([
            authored.get(&p).copied().unwrap_or(0).to_string(),
            cells.len().to_string(),
            agree.to_string(),
            disagree.to_string(),
        ]);
        rec.extend(tids.iter().map(|t| {
            cells
                .get(t)
                .map(|v| v.agree_positive().to_string())
                .unwrap_or_default()
        }));
        let _ = w.write_record(&rec);
    }
    finish(w)
}

/// `votes.csv`: every vote event, sorted by (comment-id, voter-id, time), agree = +1.
pub fn votes_csv(votes: &[VoteEvent]) -> String {
    let mut sorted: Vec<&VoteEvent> = votes.iter().collect();
    sorted.sort_by_key(|v| (v.statement, v.participant, v.time));
    let mut w = writer();
    let _ = w.write_record(["timestamp", "datetime", "comment-id", "voter-id", "vote"]);
    for v in sorted {
        let _ = w.write_record([
            v.time.to_string(),
            iso_datetime(v.time),
            v.statement.to_string(),
            v.participant.to_string(),
            v.vote.agree_positive().to_string(),
        ]);
    }
    finish(w)
}

/// `comments.csv` in the newest darwin layout; `agrees`/`disagrees` count every vote event,
/// re-votes included, as Polis does. `cells` says how `comment-body` is written (the only text
/// column).
pub fn comments_csv(
    statements: &[PolisStatement],
    votes: &[VoteEvent],
    group_aware_consensus: &BTreeMap<StatementId, f64>,
    cells: CsvCells,
) -> String {
    let mut counts: BTreeMap<StatementId, (u32, u32)> = BTreeMap::new();
    for v in votes {
        let e = counts.entry(v.statement).or_default();
        match v.vote {
            Vote::Agree => e.0 += 1,
            Vote::Disagree => e.1 += 1,
            Vote::Pass => {}
        }
    }
    let mut w = writer();
    let _ = w.write_record([
        "timestamp",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "is-meta",
        "is-seed",
        "group-informed-consensus",
        "comment-body",
    ]);
    for s in statements {
        let (a, d) = counts.get(&s.id).copied().unwrap_or_default();
        let _ = w.write_record([
            s.created.map(|t| t.to_string()).unwrap_or_default(),
            s.id.to_string(),
            s.author.map(|a| a.to_string()).unwrap_or_default(),
            a.to_string(),
            d.to_string(),
            s.moderation.polis_value().to_string(),
            s.is_meta.to_string(),
            s.is_seed.to_string(),
            group_aware_consensus
                .get(&s.id)
                .map(ToString::to_string)
                .unwrap_or_default(),
            cells.text(&s.text).into_owned(),
        ]);
    }
    finish(w)
}

/// `comment-groups.csv`, Polis's per-statement, per-group export (the columns of Polis's
/// `sendCommentGroupsSummary`, server `routes/export.ts`): `comment-id`, `comment`,
/// `total-votes`, `total-agrees`, `total-disagrees`, `total-passes`, then for each group in id
/// order `group-{letter}-votes`, `-agrees`, `-disagrees`, `-passes`, where the letter is
/// `a` + the group's id as in Polis. One row per statement with votes, ascending id; the counts
/// are the groups' tallies (latest votes of the participants in each group, §5) and the totals
/// their sums, so participants outside the groups are not counted, as in Polis. Without groups
/// the file is the header alone. `cells` says how `comment` is written (the only text column).
///
/// ```
/// use polyphony_core::{AnalysisParams, Preset};
/// use polyphony_polis::{comment_groups_csv, parse_comment_groups_csv, CsvCells};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps");
/// let data = polyphony_polis::read_path(&dir, polyphony_polis::VoteSign::Auto)?;
/// let analysis = data.to_conversation(AnalysisParams::builder(Preset::Workshop).build()?).update();
/// let csv = comment_groups_csv(&data.statements, &analysis, CsvCells::Exact);
/// assert!(csv.starts_with("comment-id,comment,total-votes,total-agrees,total-disagrees,total-passes,group-"));
/// let rows = parse_comment_groups_csv(csv.as_bytes())?;
/// assert_eq!(rows.len(), analysis.statements.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn comment_groups_csv(
    statements: &[PolisStatement],
    analysis: &Analysis,
    cells: CsvCells,
) -> String {
    let mut groups: Vec<&OpinionGroup> = analysis
        .groups
        .as_ref()
        .map(|g| g.groups.iter().collect())
        .unwrap_or_default();
    groups.sort_by_key(|g| g.id);
    let mut w = writer();
    let mut header: Vec<String> = [
        "comment-id",
        "comment",
        "total-votes",
        "total-agrees",
        "total-disagrees",
        "total-passes",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    for g in &groups {
        let letter = group_letter(g.id);
        for what in ["votes", "agrees", "disagrees", "passes"] {
            header.push(format!("group-{letter}-{what}"));
        }
    }
    let _ = w.write_record(&header);
    if groups.is_empty() {
        return finish(w);
    }
    let texts: BTreeMap<StatementId, &str> =
        statements.iter().map(|s| (s.id, s.text.as_str())).collect();
    let mut columns: Vec<(StatementId, usize)> = analysis
        .statements
        .iter()
        .enumerate()
        .map(|(j, &s)| (s, j))
        .collect();
    columns.sort_unstable();
    for (tid, j) in columns {
        let per_group: Vec<Tally> = groups
            .iter()
            .map(|g| g.tallies.get(j).copied().unwrap_or_default())
            .collect();
        let total = per_group.iter().fold(Tally::default(), |a, t| a.plus(t));
        let mut rec = vec![
            tid.to_string(),
            cells
                .text(texts.get(&tid).copied().unwrap_or(""))
                .into_owned(),
        ];
        for t in std::iter::once(&total).chain(&per_group) {
            rec.extend([
                t.seen.to_string(),
                t.agree.to_string(),
                t.disagree.to_string(),
                passes(t).to_string(),
            ]);
        }
        let _ = w.write_record(&rec);
    }
    finish(w)
}

/// Polis's letter for a group id: `a` + id (`String.fromCharCode(97 + id)`).
fn group_letter(id: u32) -> char {
    char::from_u32(97 + id).unwrap_or('?')
}

fn passes(t: &Tally) -> u32 {
    t.seen.saturating_sub(t.agree + t.disagree)
}

/// One row of `comment-groups.csv` as [`parse_comment_groups_csv`] reads it.
///
/// ```
/// let row = polyphony_polis::CommentGroupsRow::default();
/// assert!(row.groups.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommentGroupsRow {
    /// The statement (`comment-id`).
    pub statement: StatementId,
    /// Its text (`comment`).
    pub text: String,
    /// `total-*`: every group's votes together (`seen` is `total-votes`).
    pub total: Tally,
    /// `group-{letter}-*` in column order: the letter and the group's counts.
    pub groups: Vec<(String, Tally)>,
}

/// Reads `comment-groups.csv` (Polis's export or [`comment_groups_csv`]'s): every count is
/// checked (votes = agrees + disagrees + passes, the totals the sums of the groups).
///
/// ```
/// let csv = "comment-id,comment,total-votes,total-agrees,total-disagrees,total-passes,\
/// group-a-votes,group-a-agrees,group-a-disagrees,group-a-passes\n3,Hi,2,1,0,1,2,1,0,1\n";
/// let rows = polyphony_polis::parse_comment_groups_csv(csv.as_bytes())?;
/// assert_eq!((rows[0].statement, rows[0].groups[0].0.as_str(), rows[0].total.seen), (3, "a", 2));
/// # Ok::<(), polyphony_polis::PolisError>(())
/// ```
pub fn parse_comment_groups_csv<R: std::io::Read>(
    input: R,
) -> Result<Vec<CommentGroupsRow>, PolisError> {
    let malformed = |line: u64, message: String| PolisError::Malformed { line, message };
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = rdr
        .headers()
        .map_err(|e| malformed(0, e.to_string()))?
        .clone();
    let fixed = [
        "comment-id",
        "comment",
        "total-votes",
        "total-agrees",
        "total-disagrees",
        "total-passes",
    ];
    for (i, name) in fixed.iter().enumerate() {
        if headers.get(i).map(str::trim) != Some(*name) {
            return Err(PolisError::MissingColumn((*name).to_string()));
        }
    }
    let mut letters = Vec::new();
    let rest: Vec<&str> = headers.iter().skip(fixed.len()).collect();
    if !rest.len().is_multiple_of(4) {
        return Err(malformed(1, "group columns come in fours".into()));
    }
    for four in rest.chunks(4) {
        let letter = four[0]
            .trim()
            .strip_prefix("group-")
            .and_then(|x| x.strip_suffix("-votes"))
            .ok_or_else(|| malformed(1, format!("`{}` is not group-?-votes", four[0])))?;
        for (h, what) in four.iter().zip(["votes", "agrees", "disagrees", "passes"]) {
            if h.trim() != format!("group-{letter}-{what}") {
                return Err(malformed(
                    1,
                    format!("expected group-{letter}-{what}, got `{h}`"),
                ));
            }
        }
        letters.push(letter.to_string());
    }
    let mut out = Vec::new();
    for record in rdr.records() {
        let record =
            record.map_err(|e| malformed(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let number = |i: usize| -> Result<u32, PolisError> {
            let raw = record.get(i).unwrap_or("").trim();
            raw.parse().map_err(|_| {
                malformed(
                    line,
                    format!("column {}: cannot read `{raw}` as a count", i + 1),
                )
            })
        };
        let counts = |at: usize| -> Result<Tally, PolisError> {
            let (votes, agree, disagree, passes) = (
                number(at)?,
                number(at + 1)?,
                number(at + 2)?,
                number(at + 3)?,
            );
            if u64::from(agree) + u64::from(disagree) + u64::from(passes) != u64::from(votes) {
                return Err(malformed(
                    line,
                    "votes are not agrees + disagrees + passes".into(),
                ));
            }
            Ok(Tally {
                agree,
                disagree,
                seen: votes,
            })
        };
        let total = counts(2)?;
        let groups = letters
            .iter()
            .enumerate()
            .map(|(g, l)| Ok((l.clone(), counts(fixed.len() + 4 * g)?)))
            .collect::<Result<Vec<_>, PolisError>>()?;
        if !groups.is_empty()
            && groups.iter().fold(Tally::default(), |a, (_, t)| a.plus(t)) != total
        {
            return Err(malformed(
                line,
                "totals are not the sums of the groups".into(),
            ));
        }
        out.push(CommentGroupsRow {
            statement: number(0)?,
            text: record.get(1).unwrap_or("").to_string(),
            total,
            groups,
        });
    }
    Ok(out)
}

/// `summary.csv`: `key,value` rows, no header. Every value is a text cell (a topic, a
/// description, counts that are never negative), written as `cells` says.
pub fn summary_csv(pairs: &[(&str, String)], cells: CsvCells) -> String {
    let mut w = writer();
    for (k, v) in pairs {
        let _ = w.write_record([cells.text(k).as_bytes(), cells.text(v).as_bytes()]);
    }
    finish(w)
}

/// Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
fn iso_datetime(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_datetime_known_instants() {
        assert_eq!(iso_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_datetime(1_435_654_192_085), "2015-06-30T08:49:52Z");
    }

    #[test]
    fn spreadsheet_safe_quotes_formula_starts_also_after_separators() {
        for (cell, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-abc", "'-abc"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            ("a=b", "a=b"),
            ("'already", "'already"),
            ("", ""),
            // A formula start after a separator: a spreadsheet splitting there sees a formula.
            ("ok;=1+1", "ok;'=1+1"),
            ("ok,=1+1", "ok,'=1+1"),
            ("ok|@SUM(A1)", "ok|'@SUM(A1)"),
            ("ok\t+1", "ok\t'+1"),
            ("ok; -1", "ok; '-1"),
            ("line\n=cmd|' /C calc'!A0", "line\n'=cmd|' /C calc'!A0"),
            ("a;b=c", "a;b=c"),
            ("  =1+2", "  '=1+2"),
            ("=a;=b", "'=a;'=b"),
            ("x\t\ty", "x\t\ty"),
            ("公共交通;=免費", "公共交通;'=免費"),
            ("公共交通應該免費", "公共交通應該免費"),
        ] {
            assert_eq!(CsvCells::SpreadsheetSafe.text(cell), safe, "{cell:?}");
            assert_eq!(CsvCells::Exact.text(cell), cell, "{cell:?}");
        }
    }

    fn statement(id: StatementId, text: &str) -> PolisStatement {
        PolisStatement {
            id,
            text: text.into(),
            author: None,
            moderation: polyphony_core::Moderation::Accepted,
            is_meta: false,
            is_seed: true,
            created: Some(1_435_654_192_085),
        }
    }

    fn rows(csv_text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv_text.as_bytes())
            .records()
            .map(|r| r.unwrap_or_default().iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn only_text_columns_are_neutralised() {
        let statements = [statement(0, "-abc"), statement(1, "=1+2")];
        let votes = [
            VoteEvent::new(0, 0, Vote::Disagree, 1_435_654_192_085),
            VoteEvent::new(1, 1, Vote::Agree, 1_435_654_192_086),
        ];
        let gac = BTreeMap::from([(0, -0.25), (1, 0.5)]);
        let safe = rows(&comments_csv(
            &statements,
            &votes,
            &gac,
            CsvCells::SpreadsheetSafe,
        ));
        assert_eq!(safe[1][8], "-0.25", "a negative number stays a number");
        assert_eq!(safe[1][9], "'-abc");
        assert_eq!(safe[2][9], "'=1+2");
        let exact = rows(&comments_csv(&statements, &votes, &gac, CsvCells::Exact));
        assert_eq!(exact[1][9], "-abc");
        assert_eq!(exact[2][9], "=1+2");
        // votes.csv has no text cells: a disagree is -1.
        let v = rows(&votes_csv(&votes));
        assert_eq!(v[1][4], "-1");

        let pairs = [
            ("topic", "=cmd|' /C calc'!A0".to_string()),
            ("voters", "2".into()),
        ];
        let safe = rows(&summary_csv(&pairs, CsvCells::SpreadsheetSafe));
        assert_eq!(safe[0], ["topic", "'=cmd|' /C calc'!A0"]);
        assert_eq!(safe[1], ["voters", "2"]);
        let exact = rows(&summary_csv(&pairs, CsvCells::Exact));
        assert_eq!(exact[0][1], "=cmd|' /C calc'!A0");
    }
}
