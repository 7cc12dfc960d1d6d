//! The fast path of the CSV readers: `votes.csv` and `participants-votes.csv` when the file is
//! plain (no quote, carriage return or byte-order mark; valid UTF-8): delimiters found eight
//! bytes at a time, integers parsed from bytes, no allocation per row. Each reader returns
//! `None` for anything it does not handle plainly, and the `csv` crate's reader in the parent
//! module decides, so both give the same result on every input (property tests in
//! `import/tests.rs`).

use polyphony_core::{Vote, VoteEvent};

use super::scan::{next_delimiter, scan_i64, scan_time, scan_u32, Delimiters};
use super::{ParticipantRow, VoteSign};

/// A plain unsigned decimal (ASCII digits only, no sign or space), as `u32`.
pub(super) fn plain_u32(field: &[u8]) -> Option<u32> {
    if field.is_empty() || field.len() > 10 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in field {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    u32::try_from(n).ok()
}

/// A CSV file the fast paths can read without the `csv` crate: no quotes, carriage returns or
/// byte-order mark, valid UTF-8. The `csv` crate splits such a file at `\n` (records) and `,`
/// (fields) and nothing else. Returns the header's trimmed names and the data after it (final
/// newline removed).
pub(super) fn plain_csv(bytes: &[u8]) -> Option<(Vec<&str>, &[u8])> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        || memchr::memchr2(b'"', b'\r', bytes).is_some()
        || std::str::from_utf8(bytes).is_err()
    {
        return None;
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let header_end = memchr::memchr(b'\n', body).unwrap_or(body.len());
    let header = std::str::from_utf8(&body[..header_end]).ok()?;
    let names = header.split(',').map(str::trim).collect();
    let data = body.get(header_end + 1..).unwrap_or(&[]);
    Some((names, data))
}

/// Calls `record` with the fields of each line of plain CSV `data` (see [`plain_csv`]); `None`
/// when a line has another number of fields than `width` or is blank (the `csv` crate skips a
/// blank line: the reference reader decides), or when `record` says so.
pub(super) fn plain_records<'a>(
    data: &'a [u8],
    width: usize,
    mut record: impl FnMut(&[&'a [u8]]) -> Option<()>,
) -> Option<()> {
    if data.is_empty() {
        return Some(());
    }
    let mut fields: Vec<&[u8]> = Vec::with_capacity(width);
    let mut start = 0;
    for end in Delimiters::new(data).chain(std::iter::once(data.len())) {
        fields.push(&data[start..end]);
        start = end + 1;
        if end == data.len() || data[end] == b'\n' {
            // A blank line is one empty field: the csv crate skips it, the reference decides.
            if fields.len() != width || (width == 1 && fields[0].is_empty()) {
                return None;
            }
            record(&fields)?;
            fields.clear();
        }
    }
    Some(())
}

/// The fast path of [`parse_votes_csv`]: `None` when the input is anything but plain (see
/// [`plain_csv`] and [`plain_records`]; also a number written with spaces or a sign, a vote
/// other than -1, 0, 1), and the reference reader decides. A record's line is its index + 2
/// (the header is line 1, and a plain file has no blank or multi-line records). The events are
/// written as the bytes are scanned, into one vector sized from the file's length.
pub(super) fn fast_votes(bytes: &[u8], sign: VoteSign) -> Option<Vec<VoteEvent>> {
    let (names, data) = plain_csv(bytes)?;
    let columns = VoteColumns::find(&names)?;
    let first = &data[..data.len().min(256 * 1024)];
    let mut events: Vec<VoteEvent> = Vec::with_capacity(expected_rows(first, data.len()));
    let mut latest = i64::MIN;
    columns.rows(data, &mut events, &mut latest)?;
    Some(signed(events, latest, sign))
}

/// [`fast_votes`] on a file read in pieces of 256 KiB (whole lines each), so the file is never
/// held whole: the same events whenever this returns them. `Ok(None)` when [`fast_votes`]
/// would not take the file (or a piece of it is not plain): the caller reads it whole and
/// decides as before.
pub(super) fn fast_votes_read(
    file: &mut impl std::io::Read,
    size_hint: usize,
    sign: VoteSign,
) -> std::io::Result<Option<Vec<VoteEvent>>> {
    const PIECE: usize = 256 * 1024;
    let mut buf = vec![0u8; PIECE];
    // buf[..filled] is read and not yet taken; its lines before `done` are.
    let mut filled = 0;
    let mut at_end = false;
    let mut columns = None;
    // Sized once the first piece shows how long a row is (see `expected_rows`).
    let mut events: Vec<VoteEvent> = Vec::new();
    let mut latest = i64::MIN;
    while !at_end {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0); // a line longer than the buffer
        }
        let n = file.read(&mut buf[filled..])?;
        at_end = n == 0;
        filled += n;
        // Whole lines only, but everything at the end of the file.
        let whole = if at_end {
            filled
        } else {
            match memchr::memrchr(b'\n', &buf[..filled]) {
                Some(i) => i + 1,
                None => continue,
            }
        };
        let piece = &buf[..whole];
        // The checks `plain_csv` makes on a whole file, made on each piece: no quote or
        // carriage return, valid UTF-8 (a piece ends at a newline, so no character is split).
        if memchr::memchr2(b'"', b'\r', piece).is_some() || std::str::from_utf8(piece).is_err() {
            return Ok(None);
        }
        let mut rows = piece;
        if columns.is_none() {
            // The first piece: the header line (a file without one is left to the whole
            // reader, as is a byte-order mark).
            if piece.starts_with(&[0xEF, 0xBB, 0xBF]) {
                return Ok(None);
            }
            let Some(header_end) = memchr::memchr(b'\n', piece) else {
                return Ok(None);
            };
            let Ok(header) = std::str::from_utf8(&piece[..header_end]) else {
                return Ok(None);
            };
            let names: Vec<&str> = header.split(',').map(str::trim).collect();
            columns = VoteColumns::find(&names);
            if columns.is_none() {
                return Ok(None);
            }
            rows = &piece[header_end + 1..];
            events.reserve(expected_rows(rows, size_hint));
        }
        if let Some(c) = &columns {
            if c.rows(rows, &mut events, &mut latest).is_none() {
                return Ok(None);
            }
        }
        buf.copy_within(whole..filled, 0);
        filled -= whole;
    }
    Ok(columns.map(|_| signed(events, latest, sign)))
}

/// How many rows a file of `size` bytes holds if its rows are as long on average as those of
/// `rows` (its first piece), with a little to spare: the events vector is allocated once, at
/// about its final size. A generous guess (say one row per 20 bytes) reserves more than twice
/// what a Polis export needs, and the untouched part still spreads the process's memory over
/// more pages the kernel must zero; a short guess only costs one reallocation.
fn expected_rows(rows: &[u8], size: usize) -> usize {
    let lines = memchr::memchr_iter(b'\n', rows).count().max(1);
    let guess = (size as u128 * lines as u128 / rows.len().max(1) as u128) as usize;
    guess + guess / 16 + 16
}

/// Where the numbers are in a `votes.csv` line.
struct VoteColumns {
    time: usize,
    statement: usize,
    participant: usize,
    vote: usize,
    width: usize,
}

impl VoteColumns {
    fn find(names: &[&str]) -> Option<VoteColumns> {
        let find = |name: &str| names.iter().position(|h| *h == name);
        Some(VoteColumns {
            time: find("timestamp")?,
            statement: find("comment-id")?,
            participant: find("voter-id")?,
            vote: find("vote")?,
            width: names.len(),
        })
    }

    /// Appends the votes of `data` (whole lines; the last may lack its newline) to `events`,
    /// agree = +1, and the latest time to `latest`; `None` at anything not plain.
    fn rows(&self, data: &[u8], events: &mut Vec<VoteEvent>, latest: &mut i64) -> Option<()> {
        let (ti, ci, pi, vi, width) = (
            self.time,
            self.statement,
            self.participant,
            self.vote,
            self.width,
        );
        if (ti, ci, pi, vi, width) == (0, 2, 3, 4, 5) {
            return standard_rows(data, events, latest);
        }
        // One pass over the bytes: the numbers are parsed as they are scanned, other fields
        // are skipped to the next delimiter.
        let mut at = 0;
        while at < data.len() {
            let (mut time, mut statement, mut participant, mut vote) =
                (0i64, 0u32, 0u32, Vote::Pass);
            for field in 0..width {
                let end = if field == ti {
                    let (value, end) = scan_i64(data, at)?;
                    time = value;
                    end
                } else if field == ci || field == pi {
                    let (value, end) = scan_u32(data, at)?;
                    if field == ci {
                        statement = value;
                    } else {
                        participant = value;
                    }
                    end
                } else if field == vi {
                    let (value, end) = scan_vote(data, at)?;
                    vote = value;
                    end
                } else {
                    next_delimiter(data, at)
                };
                // The last field ends the line, every other one at a comma.
                let last = field + 1 == width;
                match data.get(end) {
                    Some(b',') if !last => at = end + 1,
                    Some(b'\n') if last => at = end + 1,
                    None if last => at = end,
                    _ => return None,
                }
            }
            *latest = (*latest).max(time);
            events.push(VoteEvent::new(participant, statement, vote, time));
        }
        Some(())
    }
}

/// [`VoteColumns::rows`] for the columns every Polis export writes, in its order
/// (`timestamp,datetime,comment-id,voter-id,vote`): the same checks, field after field in
/// straight code instead of a loop that asks each field which column it is.
fn standard_rows(data: &[u8], events: &mut Vec<VoteEvent>, latest: &mut i64) -> Option<()> {
    // The byte after a field other than the last must be a comma; returns the next field's start.
    let comma = |end: usize| (data.get(end) == Some(&b',')).then_some(end + 1);
    let mut at = 0;
    while at < data.len() {
        let (time, end) = scan_time(data, at)?;
        let end = next_delimiter(data, comma(end)?);
        let (statement, end) = scan_u32(data, comma(end)?)?;
        let (participant, end) = scan_u32(data, comma(end)?)?;
        let (vote, end) = scan_vote(data, comma(end)?)?;
        // The last field ends the line (or the data).
        at = match data.get(end) {
            Some(b'\n') => end + 1,
            None => end,
            _ => return None,
        };
        *latest = (*latest).max(time);
        events.push(VoteEvent::new(participant, statement, vote, time));
    }
    Some(())
}

/// A vote cell at `at`: `-1`, `1` or `0`, agree = +1 ([`signed`] flips them when the export's
/// sign says so), and where it ends.
fn scan_vote(data: &[u8], at: usize) -> Option<(Vote, usize)> {
    match data.get(at..at + 2) {
        Some(b"-1") => Some((Vote::Disagree, at + 2)),
        _ => match data.get(at) {
            Some(b'1') => Some((Vote::Agree, at + 1)),
            Some(b'0') => Some((Vote::Pass, at + 1)),
            _ => None,
        },
    }
}

/// The events with the export's sign applied (they were read agree = +1).
fn signed(mut events: Vec<VoteEvent>, latest: i64, sign: VoteSign) -> Vec<VoteEvent> {
    let flip = match sign {
        VoteSign::AgreePositive => false,
        VoteSign::AgreeNegative => true,
        // Darwin timestamps are milliseconds (13 digits); TypeScript ones seconds (10 digits).
        VoteSign::Auto => !events.is_empty() && latest < 100_000_000_000,
    };
    if flip {
        for e in &mut events {
            e.vote = match e.vote {
                Vote::Agree => Vote::Disagree,
                Vote::Disagree => Vote::Agree,
                Vote::Pass => Vote::Pass,
            };
        }
    }
    events
}

/// The fast path of [`participants_votes`] for a plain file (see [`plain_csv`]): every cell
/// empty or one of -1, 0, 1 (optionally with `.0`), ids and groups plain numbers. `None` for
/// anything else, and the `csv` reader decides.
pub(super) fn fast_participants_votes(
    bytes: &[u8],
    keep_votes: bool,
) -> Option<Vec<ParticipantRow>> {
    let (names, data) = plain_csv(bytes)?;
    let find = |name: &str| names.iter().position(|h| *h == name);
    let (pi, gi, nd) = (find("participant")?, find("group-id")?, find("n-disagree")?);
    let columns: Vec<(usize, u32)> = names
        .iter()
        .enumerate()
        .skip(nd + 1)
        .map(|(i, h)| h.parse().ok().map(|tid| (i, tid)))
        .collect::<Option<_>>()?;
    if !keep_votes {
        return fast_groups_only(data, names.len(), pi, gi, nd);
    }
    let mut out = Vec::new();
    plain_records(data, names.len(), |f| {
        let participant = plain_u32(f[pi])?;
        let g = f[gi];
        let group = match g {
            b"" => None,
            _ => Some(plain_u32(g.strip_suffix(b".0").unwrap_or(g))?),
        };
        let mut votes = Vec::new();
        for &(i, tid) in &columns {
            let vote = match f[i] {
                b"" => continue,
                b"1" | b"1.0" => Vote::Agree,
                b"-1" | b"-1.0" => Vote::Disagree,
                b"0" | b"0.0" => Vote::Pass,
                _ => return None,
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
        Some(())
    })?;
    Some(out)
}

/// [`fast_participants_votes`] when only the groups are kept: the leading columns (up to
/// `n-disagree`) field by field, then the vote cells checked byte by byte (each empty or one of
/// `-1`, `0`, `1`, optionally followed by `.0`) without splitting them.
fn fast_groups_only(
    data: &[u8],
    width: usize,
    pi: usize,
    gi: usize,
    nd: usize,
) -> Option<Vec<ParticipantRow>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Cell {
        Start,
        Minus,
        Digit,
        Dot,
        Done,
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let (mut participant, mut group) = (0u32, None);
        for field in 0..=nd {
            let end = memchr::memchr2(b',', b'\n', &data[at..]).map_or(data.len(), |i| at + i);
            let text = &data[at..end];
            if field == pi {
                participant = plain_u32(text)?;
            } else if field == gi && !text.is_empty() {
                group = Some(plain_u32(text.strip_suffix(b".0").unwrap_or(text))?);
            }
            let last = field + 1 == width;
            match data.get(end) {
                Some(b',') if !last => at = end + 1,
                Some(b'\n') if last => at = end + 1,
                None if last => at = end,
                _ => return None,
            }
        }
        if nd + 1 < width {
            let (mut state, mut cells) = (Cell::Start, 1usize);
            loop {
                // Most cells are empty: the commas that start the next eight bytes take the
                // state machine's steps at once (each ends a cell and starts the next).
                if matches!(state, Cell::Start | Cell::Digit | Cell::Done) {
                    if let Some(bytes) = data.get(at..at + 8) {
                        let mut word = [0u8; 8];
                        word.copy_from_slice(bytes);
                        // A comma becomes a zero byte; the first other byte is the lowest set.
                        let others = u64::from_le_bytes(word) ^ 0x2c2c_2c2c_2c2c_2c2c;
                        let commas = (others.trailing_zeros() / 8) as usize;
                        if commas > 0 {
                            cells += commas;
                            at += commas;
                            state = Cell::Start;
                            continue;
                        }
                    }
                }
                let b = data.get(at).copied();
                at += 1;
                state = match (state, b) {
                    (Cell::Start | Cell::Digit | Cell::Done, Some(b',')) => {
                        cells += 1;
                        Cell::Start
                    }
                    (Cell::Start | Cell::Digit | Cell::Done, Some(b'\n') | None) => break,
                    (Cell::Start, Some(b'0' | b'1')) | (Cell::Minus, Some(b'1')) => Cell::Digit,
                    (Cell::Start, Some(b'-')) => Cell::Minus,
                    (Cell::Digit, Some(b'.')) => Cell::Dot,
                    (Cell::Dot, Some(b'0')) => Cell::Done,
                    _ => return None,
                };
            }
            if cells != width - nd - 1 {
                return None;
            }
        }
        out.push(ParticipantRow {
            participant,
            group,
            votes: Vec::new(),
        });
    }
    Some(out)
}
