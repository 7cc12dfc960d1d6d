//! Reading Polis exports.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use polyphony_core::{
    Analysis, AnalysisParams, Conversation, Moderation, ParticipantId, Seat, StatementId,
    StatementStatus, TableParams, TablePlan, Vote, VoteEvent,
};
use serde_json::Value;

use crate::error::PolisError;

mod fast;
mod scan;
#[cfg(test)]
mod tests;

use fast::{fast_participants_votes, fast_votes, fast_votes_read};

/// Which vote value means "agree" in a source.
///
/// ```
/// use polyphony_polis::VoteSign;
/// assert_eq!(VoteSign::default(), VoteSign::Auto);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VoteSign {
    /// +1 = agree (darwin CSV exports, red-dwarf's API copies).
    AgreePositive,
    /// −1 = agree (the Polis database and the TypeScript CSV export).
    AgreeNegative,
    /// CSV: seconds timestamps mean the TypeScript export (agree −1), milliseconds darwin
    /// (agree +1). JSON: agree +1.
    #[default]
    Auto,
}

/// One statement (Polis "comment") as an export describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct PolisStatement {
    /// Polis `tid`.
    pub id: StatementId,
    /// The text.
    pub text: String,
    /// Who wrote it, when known.
    pub author: Option<ParticipantId>,
    /// Moderation state.
    pub moderation: Moderation,
    /// Meta statement (known only in newer exports and the API).
    pub is_meta: bool,
    /// Written by the moderator before the conversation opened.
    pub is_seed: bool,
    /// Creation time (ms), when known.
    pub created: Option<i64>,
}

/// One row of `participants-votes.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantRow {
    /// Polis `pid`.
    pub participant: ParticipantId,
    /// Polis's group for this participant (blank when not clustered).
    pub group: Option<u32>,
    /// Latest vote per statement.
    pub votes: Vec<(StatementId, Vote)>,
}

/// A conversation as read from an export: its statements, its votes and, when the export says,
/// Polis's own group per participant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolisConversation {
    /// Statements, ascending by id.
    pub statements: Vec<PolisStatement>,
    /// Every vote event (re-votes included when the source has them).
    pub votes: Vec<VoteEvent>,
    /// Polis's group id per participant, from `participants-votes.csv` when present.
    pub polis_groups: BTreeMap<ParticipantId, u32>,
    /// `summary.csv` pairs, when present.
    pub summary: BTreeMap<String, String>,
}

impl PolisConversation {
    /// Discussion tables for this conversation: everyone who voted is seated, with the group
    /// and place `analysis` gives them (those outside it fill the smallest tables). How a
    /// facilitator plans the tables of a replayed or imported conversation, and what
    /// `polyphony tables` and the JavaScript `planTables*` functions print.
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Preset, TableMode, TableParams};
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps");
    /// let data = polyphony_polis::read_path(&dir, polyphony_polis::VoteSign::Auto)?;
    /// let analysis = data.to_conversation(AnalysisParams::builder(Preset::Workshop).build()?).update();
    /// let plan = data.table_plan(&analysis, &TableParams::builder(TableMode::SameGroup).build()?);
    /// let seated: usize = plan.tables.iter().map(|t| t.members.len()).sum();
    /// assert_eq!(seated as u32, analysis.participant_count);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn table_plan(&self, analysis: &Analysis, params: &TableParams) -> TablePlan {
        let voters: BTreeSet<ParticipantId> = self.votes.iter().map(|v| v.participant).collect();
        let voters: Vec<ParticipantId> = voters.into_iter().collect();
        TablePlan::form(&Seat::from_analysis(analysis, &voters), params)
    }

    /// A core conversation holding these votes and statement statuses.
    pub fn to_conversation(&self, params: AnalysisParams) -> Conversation {
        self.fill(Conversation::new(params))
    }

    /// A core conversation resumed from `state` (a Polis math blob's, a replay's) holding these
    /// votes and statement statuses: the one way the CLI, the Python and JavaScript bindings
    /// restore a conversation. Fails when `state` does not fit `params`.
    pub fn to_conversation_with_state(
        &self,
        params: AnalysisParams,
        state: polyphony_core::EngineState,
    ) -> Result<Conversation, polyphony_core::CoreError> {
        Ok(self.fill(Conversation::with_state(params, state)?))
    }

    /// `conv` given these statement statuses and votes.
    fn fill(&self, mut conv: Conversation) -> Conversation {
        for s in &self.statements {
            conv.set_statement(
                s.id,
                StatementStatus {
                    moderation: s.moderation,
                    is_meta: s.is_meta,
                },
            );
        }
        conv.add_votes(&self.votes);
        conv
    }

    /// Fails when a vote names a statement the statements list lacks (unless that list is empty);
    /// `line(i)` is the line of vote `i`, for the message.
    fn check_statements(&self, line: impl Fn(usize) -> u64) -> Result<(), PolisError> {
        if self.statements.is_empty() {
            return Ok(());
        }
        // Statements are sorted by id (and the list is short): a binary search each.
        let known = |id: StatementId| self.statements.binary_search_by_key(&id, |s| s.id).is_ok();
        // Exports list votes grouped by statement: check each run once.
        let mut last_known = None;
        for (i, v) in self.votes.iter().enumerate() {
            if last_known == Some(v.statement) {
                continue;
            }
            if known(v.statement) {
                last_known = Some(v.statement);
            } else {
                return Err(PolisError::UnknownStatement {
                    line: line(i),
                    statement: v.statement,
                });
            }
        }
        Ok(())
    }
}

/// The line each vote of a `votes.csv` came from, for error messages.
pub(crate) enum VoteLines {
    /// Vote `i` is on line `i + 2` (a plain file: a header, then one vote a line).
    Plain,
    /// As the `csv` crate counted them.
    Listed(Vec<u64>),
}

impl VoteLines {
    fn line(&self, i: usize) -> u64 {
        match self {
            VoteLines::Plain => i as u64 + 2,
            VoteLines::Listed(lines) => lines.get(i).copied().unwrap_or(i as u64 + 1),
        }
    }
}

fn header_index(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers.iter().position(|h| h.trim() == name)
}

fn required(headers: &csv::StringRecord, name: &str) -> Result<usize, PolisError> {
    header_index(headers, name).ok_or_else(|| PolisError::MissingColumn(name.to_string()))
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

fn csv_error(e: csv::Error) -> PolisError {
    let line = e.position().map_or(0, |p| p.line());
    PolisError::Malformed {
        line,
        message: e.to_string(),
    }
}

fn field<T: std::str::FromStr>(
    record: &csv::StringRecord,
    index: usize,
    name: &str,
) -> Result<T, PolisError> {
    let raw = record.get(index).unwrap_or("").trim();
    raw.parse::<T>().map_err(|_| PolisError::Malformed {
        line: line_of(record),
        message: format!("column `{name}`: cannot read `{raw}` as a number"),
    })
}

fn vote_value(raw: &str, line: u64, flip: bool) -> Result<Vote, PolisError> {
    let value: i64 = raw.trim().parse().map_err(|_| PolisError::BadVote {
        line,
        value: raw.to_string(),
    })?;
    let value = if flip { -value } else { value };
    Vote::from_agree_positive(value).ok_or_else(|| PolisError::BadVote {
        line,
        value: raw.to_string(),
    })
}

fn reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().flexible(false).from_reader(input)
}

/// Reads `votes.csv` (`timestamp, datetime, comment-id, voter-id, vote`).
///
/// Returns the events and the line of each, for error messages. A plain file (no quotes, no
/// carriage returns, no blank lines, numbers written plainly) is read by a fast path with no
/// allocation per row; anything else, and every error, goes through the `csv` crate.
///
/// ```
/// use polyphony_polis::{parse_votes_csv, VoteSign};
/// let csv = "timestamp,datetime,comment-id,voter-id,vote\n1435654192085,Tue Jun 30,0,7,1\n";
/// let (events, lines) = parse_votes_csv(csv.as_bytes(), VoteSign::Auto)?;
/// assert_eq!((events[0].participant, events[0].vote), (7, polyphony_core::Vote::Agree));
/// assert_eq!(lines, vec![2]);
/// # Ok::<(), polyphony_polis::PolisError>(())
/// ```
pub fn parse_votes_csv<R: Read>(
    mut input: R,
    sign: VoteSign,
) -> Result<(Vec<VoteEvent>, Vec<u64>), PolisError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| PolisError::Malformed {
            line: 0,
            message: e.to_string(),
        })?;
    parse_votes_bytes(&bytes, sign)
}

/// [`parse_votes_csv`] on bytes already in memory.
pub(crate) fn parse_votes_bytes(
    bytes: &[u8],
    sign: VoteSign,
) -> Result<(Vec<VoteEvent>, Vec<u64>), PolisError> {
    let (events, lines) = parse_votes_lines(bytes, sign)?;
    let lines = (0..events.len()).map(|i| lines.line(i)).collect();
    Ok((events, lines))
}

/// [`parse_votes_bytes`] with the lines kept as a rule when the file is plain (no vector of
/// them).
pub(crate) fn parse_votes_lines(
    bytes: &[u8],
    sign: VoteSign,
) -> Result<(Vec<VoteEvent>, VoteLines), PolisError> {
    match fast_votes(bytes, sign) {
        Some(events) => Ok((events, VoteLines::Plain)),
        None => parse_votes_csv_reference(bytes, sign)
            .map(|(events, lines)| (events, VoteLines::Listed(lines))),
    }
}

/// The reference reader of `votes.csv`: the `csv` crate's records, every field checked. The
/// fast path ([`fast_votes`]) hands anything it does not handle plainly to this one, so both
/// give the same result on every input.
fn parse_votes_csv_reference<R: Read>(
    input: R,
    sign: VoteSign,
) -> Result<(Vec<VoteEvent>, Vec<u64>), PolisError> {
    let mut rdr = reader(input);
    let headers = rdr.headers().map_err(csv_error)?.clone();
    let (ti, ci, pi, vi) = (
        required(&headers, "timestamp")?,
        required(&headers, "comment-id")?,
        required(&headers, "voter-id")?,
        required(&headers, "vote")?,
    );
    let mut rows = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(csv_error)?;
        let time: i64 = field(&record, ti, "timestamp")?;
        let statement: u32 = field(&record, ci, "comment-id")?;
        let participant: u32 = field(&record, pi, "voter-id")?;
        let raw = record.get(vi).unwrap_or("").to_string();
        rows.push((time, statement, participant, raw, line_of(&record)));
    }
    let flip = match sign {
        VoteSign::AgreePositive => false,
        VoteSign::AgreeNegative => true,
        // Darwin timestamps are milliseconds (13 digits); TypeScript ones seconds (10 digits).
        VoteSign::Auto => rows
            .iter()
            .map(|r| r.0)
            .max()
            .is_some_and(|t| t < 100_000_000_000),
    };
    let mut events = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    for (time, statement, participant, raw, line) in rows {
        events.push(VoteEvent::new(
            participant,
            statement,
            vote_value(&raw, line, flip)?,
            time,
        ));
        lines.push(line);
    }
    Ok((events, lines))
}

fn parse_bool(raw: &str) -> bool {
    matches!(raw.trim(), "true" | "TRUE" | "True" | "1")
}

/// Reads `comments.csv` (darwin columns, or the newer ones with `is-meta` and `is-seed`).
pub fn parse_comments_csv<R: Read>(input: R) -> Result<Vec<PolisStatement>, PolisError> {
    let mut rdr = reader(input);
    let headers = rdr.headers().map_err(csv_error)?.clone();
    let ci = required(&headers, "comment-id")?;
    let bi = required(&headers, "comment-body")?;
    let mi = required(&headers, "moderated")?;
    let ai = header_index(&headers, "author-id");
    let ti = header_index(&headers, "timestamp");
    let meta_i = header_index(&headers, "is-meta");
    let seed_i = header_index(&headers, "is-seed");
    let mut out = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(csv_error)?;
        let line = line_of(&record);
        let id: u32 = field(&record, ci, "comment-id")?;
        let m: i64 = field(&record, mi, "moderated")?;
        let moderation = Moderation::from_polis(m).ok_or_else(|| PolisError::Malformed {
            line,
            message: format!("column `moderated`: `{m}` is not one of -1, 0, 1"),
        })?;
        out.push(PolisStatement {
            id,
            text: record.get(bi).unwrap_or("").to_string(),
            author: ai
                .and_then(|i| record.get(i))
                .and_then(|s| s.trim().parse().ok()),
            moderation,
            is_meta: meta_i.and_then(|i| record.get(i)).is_some_and(parse_bool),
            is_seed: seed_i.and_then(|i| record.get(i)).is_some_and(parse_bool),
            created: ti
                .and_then(|i| record.get(i))
                .and_then(|s| s.trim().parse().ok()),
        });
    }
    let mut seen = BTreeSet::new();
    for s in &out {
        if !seen.insert(s.id) {
            return Err(PolisError::Malformed {
                line: 0,
                message: format!("comment-id {} appears twice", s.id),
            });
        }
    }
    out.sort_by_key(|s| s.id);
    Ok(out)
}

/// Reads `participants-votes.csv`: one row per participant, one column per statement.
///
/// ```
/// let csv = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n5,1,0,2,1,1,1,-1\n";
/// let rows = polyphony_polis::parse_participants_votes_csv(csv.as_bytes())?;
/// assert_eq!((rows[0].participant, rows[0].group, rows[0].votes.len()), (5, Some(1), 2));
/// # Ok::<(), polyphony_polis::PolisError>(())
/// ```
pub fn parse_participants_votes_csv<R: Read>(
    mut input: R,
) -> Result<Vec<ParticipantRow>, PolisError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| PolisError::Malformed {
            line: 0,
            message: e.to_string(),
        })?;
    participants_votes(&bytes, true)
}

/// [`parse_participants_votes_csv`] on bytes in memory, one reused byte record, no allocation
/// per cell. With `keep_votes` false every cell is still checked but the rows' `votes` stay
/// empty (the groups are all an export with `votes.csv` needs from this file).
pub(crate) fn participants_votes(
    bytes: &[u8],
    keep_votes: bool,
) -> Result<Vec<ParticipantRow>, PolisError> {
    if let Some(rows) = fast_participants_votes(bytes, keep_votes) {
        return Ok(rows);
    }
    let mut rdr = reader(bytes);
    let headers = rdr.headers().map_err(csv_error)?.clone();
    let pi = required(&headers, "participant")?;
    let gi = required(&headers, "group-id")?;
    let nd = required(&headers, "n-disagree")?;
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate().skip(nd + 1) {
        let tid: u32 = h.trim().parse().map_err(|_| PolisError::Malformed {
            line: 1,
            message: format!("header `{h}` is not a statement id"),
        })?;
        columns.push((i, tid));
    }
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut record).map_err(csv_error)? {
        if std::str::from_utf8(record.as_slice()).is_err() {
            return parse_participants_votes_reference(bytes);
        }
        let line = record.position().map_or(0, |p| p.line());
        let text = |i: usize| -> &str {
            record
                .get(i)
                .and_then(|f| std::str::from_utf8(f).ok())
                .unwrap_or("")
        };
        let raw = text(pi).trim();
        let participant: u32 = raw.parse().map_err(|_| PolisError::Malformed {
            line,
            message: format!("column `participant`: cannot read `{raw}` as a number"),
        })?;
        let g = text(gi).trim();
        let group = if g.is_empty() {
            None
        } else {
            // pandas-written files may say "1.0".
            Some(g.parse::<f64>().map_err(|_| PolisError::Malformed {
                line,
                message: format!("column `group-id`: cannot read `{g}`"),
            })? as u32)
        };
        let mut votes = Vec::new();
        for &(i, tid) in &columns {
            let vote = match record.get(i).unwrap_or(b"") {
                b"" => continue,
                b"1" | b"1.0" => Vote::Agree,
                b"-1" | b"-1.0" => Vote::Disagree,
                b"0" | b"0.0" => Vote::Pass,
                _ => {
                    let cell = text(i).trim();
                    if cell.is_empty() {
                        continue;
                    }
                    let cell = cell.strip_suffix(".0").unwrap_or(cell);
                    vote_value(cell, line, false)?
                }
            };
            if keep_votes {
                votes.push((tid, vote));
            }
        }
        out.push(ParticipantRow {
            participant,
            group,
            votes,
        });
    }
    Ok(out)
}

/// The reference reader of `participants-votes.csv` (string records); [`participants_votes`]
/// falls back to it for a record that is not valid UTF-8, so the error is the `csv` crate's.
fn parse_participants_votes_reference<R: Read>(
    input: R,
) -> Result<Vec<ParticipantRow>, PolisError> {
    let mut rdr = reader(input);
    let headers = rdr.headers().map_err(csv_error)?.clone();
    let pi = required(&headers, "participant")?;
    let gi = required(&headers, "group-id")?;
    let nd = required(&headers, "n-disagree")?;
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate().skip(nd + 1) {
        let tid: u32 = h.trim().parse().map_err(|_| PolisError::Malformed {
            line: 1,
            message: format!("header `{h}` is not a statement id"),
        })?;
        columns.push((i, tid));
    }
    let mut out = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(csv_error)?;
        let line = line_of(&record);
        let participant: u32 = field(&record, pi, "participant")?;
        let g = record.get(gi).unwrap_or("").trim();
        let group = if g.is_empty() {
            None
        } else {
            // pandas-written files may say "1.0".
            Some(g.parse::<f64>().map_err(|_| PolisError::Malformed {
                line,
                message: format!("column `group-id`: cannot read `{g}`"),
            })? as u32)
        };
        let mut votes = Vec::new();
        for &(i, tid) in &columns {
            let cell = record.get(i).unwrap_or("").trim();
            if !cell.is_empty() {
                let cell = cell.strip_suffix(".0").unwrap_or(cell);
                votes.push((tid, vote_value(cell, line, false)?));
            }
        }
        out.push(ParticipantRow {
            participant,
            group,
            votes,
        });
    }
    Ok(out)
}

fn json_u32(v: &Value, keys: &[&str], record: u64) -> Result<u32, PolisError> {
    for k in keys {
        if let Some(x) = v.get(*k) {
            if let Some(n) = x
                .as_u64()
                .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
            {
                return u32::try_from(n)
                    .map_err(|_| PolisError::Json(format!("record {record}: `{k}` is too large")));
            }
        }
    }
    Err(PolisError::Json(format!(
        "record {record}: missing `{}`",
        keys.join("` or `")
    )))
}

fn json_i64(v: &Value, key: &str) -> Option<i64> {
    let x = v.get(key)?;
    x.as_i64()
        .or_else(|| x.as_f64().map(|f| f as i64))
        .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
}

fn json_array(text: &str) -> Result<Vec<Value>, PolisError> {
    let v: Value = serde_json::from_str(text).map_err(|e| PolisError::Json(e.to_string()))?;
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(PolisError::Json("expected a JSON array".into())),
    }
}

/// Reads the API's `votes.json` (`pid`/`participant_id`, `tid`/`statement_id`, `vote`,
/// `modified`). [`VoteSign::Auto`] means agree = +1, as in red-dwarf's copies.
pub fn parse_votes_json(text: &str, sign: VoteSign) -> Result<Vec<VoteEvent>, PolisError> {
    let flip = sign == VoteSign::AgreeNegative;
    json_array(text)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let record = i as u64 + 1;
            let participant = json_u32(v, &["pid", "participant_id"], record)?;
            let statement = json_u32(v, &["tid", "statement_id"], record)?;
            let raw = v.get("vote").map(ToString::to_string).unwrap_or_default();
            let vote = vote_value(&raw, record, flip).map_err(|_| {
                PolisError::Json(format!(
                    "record {record}: vote `{raw}` is not one of -1, 0, 1"
                ))
            })?;
            let time = json_i64(v, "modified").unwrap_or(0);
            Ok(VoteEvent::new(participant, statement, vote, time))
        })
        .collect()
}

/// Reads the API's `comments.json` (`tid`/`statement_id`, `txt`, `mod`/`moderated`, `is_meta`).
pub fn parse_comments_json(text: &str) -> Result<Vec<PolisStatement>, PolisError> {
    let mut out: Vec<PolisStatement> = json_array(text)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let record = i as u64 + 1;
            let id = json_u32(v, &["tid", "statement_id"], record)?;
            let m = json_i64(v, "mod")
                .or_else(|| json_i64(v, "moderated"))
                .unwrap_or(0);
            let moderation = Moderation::from_polis(m)
                .ok_or_else(|| PolisError::Json(format!("record {record}: bad moderation {m}")))?;
            Ok(PolisStatement {
                id,
                text: v
                    .get("txt")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                author: json_u32(v, &["pid", "participant_id"], record).ok(),
                moderation,
                is_meta: v.get("is_meta").and_then(Value::as_bool).unwrap_or(false),
                is_seed: v.get("is_seed").and_then(Value::as_bool).unwrap_or(false),
                created: json_i64(v, "created"),
            })
        })
        .collect::<Result<_, _>>()?;
    out.sort_by_key(|s| s.id);
    Ok(out)
}

fn in_file<T>(path: &Path, r: Result<T, PolisError>) -> Result<T, PolisError> {
    r.map_err(|e| PolisError::InFile {
        path: path.to_path_buf(),
        source: Box::new(e),
    })
}

/// The files of an openData export, already in memory (a browser drop, a test).
///
/// `dir` only names the files in error messages.
#[derive(Clone, Copy, Debug)]
pub struct ExportFiles<'a> {
    /// `comments.csv`.
    pub comments: &'a [u8],
    /// `votes.csv`, when the export has it.
    pub votes: Option<&'a [u8]>,
    /// `participants-votes.csv`, when the export has it.
    pub participants_votes: Option<&'a [u8]>,
    /// `summary.csv`, when the export has it.
    pub summary: Option<&'a [u8]>,
}

/// Parses an openData export from its files' contents.
pub fn parse_export(
    files: ExportFiles<'_>,
    dir: &Path,
    sign: VoteSign,
) -> Result<PolisConversation, PolisError> {
    let votes = files.votes.map(|bytes| parse_votes_lines(bytes, sign));
    parse_export_with(files, votes, dir)
}

/// A `votes.csv` read (or not) and parsed: the events and their lines, or why not.
pub(crate) type ParsedVotes = Result<(Vec<VoteEvent>, VoteLines), PolisError>;

/// Reads `votes.csv` at `path`: in pieces by the fast path when the file is plain (never held
/// whole), else whole, as [`parse_votes_csv`] reads it. The outer error is the file's I/O;
/// the inner result is the parse, for the caller to report after the files it reads first.
pub(crate) fn read_votes_file(path: &Path, sign: VoteSign) -> Result<ParsedVotes, PolisError> {
    let io = |source| PolisError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_or(0, |m| m.len() as usize);
    if let Some(events) = fast_votes_read(&mut file, size, sign).map_err(io)? {
        return Ok(Ok((events, VoteLines::Plain)));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    Ok(parse_votes_lines(&bytes, sign))
}

/// [`parse_export`] with `votes.csv` already parsed (`files.votes` is not read): errors are
/// reported in the same order, comments first.
pub(crate) fn parse_export_with(
    files: ExportFiles<'_>,
    votes: Option<ParsedVotes>,
    dir: &Path,
) -> Result<PolisConversation, PolisError> {
    let comments_path = dir.join("comments.csv");
    let votes_path = dir.join("votes.csv");
    let pv_path = dir.join("participants-votes.csv");
    let statements = in_file(&comments_path, parse_comments_csv(files.comments))?;
    let mut conv = PolisConversation {
        statements,
        ..Default::default()
    };
    if let Some(pv) = files.participants_votes {
        let rows = in_file(&pv_path, participants_votes(pv, votes.is_none()))?;
        conv.polis_groups = rows
            .iter()
            .filter_map(|r| r.group.map(|g| (r.participant, g)))
            .collect();
        if votes.is_none() {
            let mut lines = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                for &(tid, vote) in &row.votes {
                    conv.votes
                        .push(VoteEvent::new(row.participant, tid, vote, 0));
                    lines.push(i as u64 + 2);
                }
            }
            in_file(
                &pv_path,
                conv.check_statements(|i| lines.get(i).copied().unwrap_or(i as u64 + 1)),
            )?;
        }
    }
    if let Some(parsed) = votes {
        let (votes, lines) = in_file(&votes_path, parsed)?;
        conv.votes = votes;
        in_file(&votes_path, conv.check_statements(|i| lines.line(i)))?;
    } else if files.participants_votes.is_none() {
        return Err(PolisError::NotAnExport(format!(
            "{}: neither votes.csv nor participants-votes.csv is there",
            dir.display()
        )));
    }
    if let Some(summary) = files.summary {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(summary);
        for rec in rdr.records().flatten() {
            if let (Some(k), Some(v)) = (rec.get(0), rec.get(1)) {
                conv.summary.insert(k.to_string(), v.to_string());
            }
        }
    }
    Ok(conv)
}
/// Parses the API pair from the two files' contents (`dir` names them in errors).
pub fn parse_api_pair(
    votes: &str,
    comments: &str,
    dir: &Path,
    sign: VoteSign,
) -> Result<PolisConversation, PolisError> {
    let votes_path = dir.join("votes.json");
    let comments_path = dir.join("comments.json");
    let votes = in_file(&votes_path, parse_votes_json(votes, sign))?;
    let statements = in_file(&comments_path, parse_comments_json(comments))?;
    let conv = PolisConversation {
        statements,
        votes,
        ..Default::default()
    };
    in_file(&votes_path, conv.check_statements(|i| i as u64 + 1))?;
    Ok(conv)
}
