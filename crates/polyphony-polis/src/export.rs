//! Writing openData-shaped CSV files (agree = +1, as the darwin export).

use std::collections::BTreeMap;

use polyphony_core::{Analysis, ParticipantId, StatementId, Vote, VoteEvent, VoteMatrix};

use crate::import::PolisStatement;

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
/// re-votes included, as Polis does.
pub fn comments_csv(
    statements: &[PolisStatement],
    votes: &[VoteEvent],
    group_aware_consensus: &BTreeMap<StatementId, f64>,
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
            s.text.clone(),
        ]);
    }
    finish(w)
}

/// `summary.csv`: `key,value` rows, no header.
pub fn summary_csv(pairs: &[(&str, String)]) -> String {
    let mut w = writer();
    for (k, v) in pairs {
        let _ = w.write_record([*k, v.as_str()]);
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
}
