//! Writing openData-shaped CSV files (agree = +1, as the darwin export).
//!
//! Text cells (a statement's body, a summary value) are written as they are
//! ([`CsvCells::Exact`]) or made safe to open in a spreadsheet ([`CsvCells::SpreadsheetSafe`]);
//! numeric cells are always written as numbers.

use std::borrow::Cow;
use std::collections::BTreeMap;

use polyphony_core::{Analysis, ParticipantId, StatementId, Vote, VoteEvent, VoteMatrix};

use crate::import::PolisStatement;

/// How the text cells of a CSV file are written.
///
/// A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with `=`, `+`, `-`
/// or `@` as a formula — `=HYPERLINK(...)` in a statement becomes a link in the facilitator's
/// sheet. [`CsvCells::SpreadsheetSafe`] follows OWASP's advice on CSV injection: a text cell
/// starting with one of those, a tab or a carriage return gets a single quote `'` in front,
/// which a spreadsheet shows as text. Only text cells are touched: ids, counts, timestamps and
/// vote values (`-1` is a disagree) stay numbers.
///
/// [`CsvCells::Exact`] is the default, so that the files read back byte for byte as what was
/// said (`polyphony analyze`, research round trips, Polis's own tools); the workshop server
/// serves its downloads spreadsheet-safe, because those are what people open in a spreadsheet.
///
/// ```
/// use polyphony_polis::CsvCells;
/// assert_eq!(CsvCells::SpreadsheetSafe.text("=1+2"), "'=1+2");
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

/// A text cell that no spreadsheet runs as a formula: one starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`; any other is unchanged.
fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// `participants-votes.csv`: one row per participant in matrix row order, Polyphony's group id
/// (blank outside the clustering), then the latest vote on every statement with a vote, in
/// ascending id.
pub fn participants_votes_csv(
    matrix: &VoteMatrix,
    analysis: &Analysis,
    authored: &BTreeMap<ParticipantId, u32>,
) -> String {
    let mut tids: Vec<StatementId> = matrix.statements().to_vec();
    tids.sort_unstable();
    let groups: BTreeMap<ParticipantId, u32> = analysis
        .participants
        .iter()
        .filter_map(|p| p.group.map(|g| (p.participant, g)))
        .collect();
    let mut w = writer();
    let mut header: Vec<String> = [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
    ]
    .iter()
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
            groups.get(&p).map(ToString::to_string).unwrap_or_default(),
            authored.get(&p).copied().unwrap_or(0).to_string(),
            cells.len().to_string(),
            agree.to_string(),
            disagree.to_string(),
        ];
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
    fn spreadsheet_safe_quotes_formula_starts_only() {
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
