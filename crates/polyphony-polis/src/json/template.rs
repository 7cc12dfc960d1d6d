//! The report's largest parts written by template, in [`super::to_sorted_pretty`]'s shape: an
//! object whose keys the caller gives in order, the tables of tallies and the participants'
//! points.

use serde::Serialize;
use serde_json::Error;

use super::serializer::{to_sorted_pretty_at, write_f64, write_u64};
use super::{line_break, plain};

/// An object written key by key, by a caller that gives the keys in sorted order (nothing is
/// rearranged), `depth` levels deep: the shape of [`super::to_sorted_pretty`]'s output. It holds no
/// buffer, so the caller may hand finished text on between entries.
pub(crate) struct ObjectWriter {
    depth: usize,
    any: bool,
}

impl ObjectWriter {
    /// Writes `{`.
    pub(crate) fn begin(out: &mut Vec<u8>, depth: usize) -> Self {
        out.push(b'{');
        ObjectWriter { depth, any: false }
    }

    /// Writes the separator, indent and `"key": `; the caller writes the value after it.
    pub(crate) fn key(&mut self, out: &mut Vec<u8>, key: &str) {
        line_break(out, self.depth + 1, self.any);
        self.any = true;
        // Keys are the caller's identifiers: nothing to escape.
        debug_assert!(plain(key));
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\": ");
    }

    /// `"key": value`, the value by [`super::to_sorted_pretty`].
    pub(crate) fn value<T: Serialize + ?Sized>(
        &mut self,
        out: &mut Vec<u8>,
        key: &str,
        value: &T,
    ) -> Result<(), Error> {
        self.key(out, key);
        to_sorted_pretty_at(value, out, self.depth + 1)
    }

    /// Writes `}`.
    pub(crate) fn end(self, out: &mut Vec<u8>) {
        if self.any {
            line_break(out, self.depth, false);
        }
        out.push(b'}');
    }
}

/// A table of tallies (`Vec<Vec<Tally>>`, as the analysis's `base_tallies`) `depth` levels
/// deep, as [`super::to_sorted_pretty`] writes it: most of a report's text, so written here by
/// template (each tally's fixed text copied in one piece, its numbers written in place).
/// `spill` is called after each row with the text so far (it may take it away).
pub(crate) fn write_tallies(
    out: &mut Vec<u8>,
    rows: &[Vec<polyphony_core::Tally>],
    depth: usize,
    spill: &mut dyn FnMut(&mut Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    // Every field named: a new one does not compile until it is written here.
    fn fields(t: &polyphony_core::Tally) -> [u32; 3] {
        let polyphony_core::Tally {
            agree,
            disagree,
            seen,
        } = *t;
        [agree, disagree, seen]
    }
    let (i2, i3) = (" ".repeat(2 * depth + 4), " ".repeat(2 * depth + 6));
    let pieces = [
        Piece::new(&format!("\n{i2}{{\n{i3}\"agree\": ")),
        Piece::new(&format!(",\n{i2}{{\n{i3}\"agree\": ")),
        Piece::new(&format!(",\n{i3}\"disagree\": ")),
        Piece::new(&format!(",\n{i3}\"seen\": ")),
        Piece::new(&format!("\n{i2}}}")),
    ];
    let Some([first, later, disagree, seen, close]) = pieces
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .and_then(|p| <[Piece; 5]>::try_from(p).ok())
    else {
        // Too deep for the templates: the general writer (same bytes).
        return to_sorted_pretty_at(rows, out, depth);
    };
    // The most one tally takes: its text, three numbers of up to 10 digits.
    let most = later.len + disagree.len + seen.len + close.len + 30;
    out.push(b'[');
    for (r, row) in rows.iter().enumerate() {
        line_break(out, depth + 1, r > 0);
        out.push(b'[');
        let start = out.len();
        // Room for every tally, plus a piece's width of slack for the fixed-size copies.
        out.resize(start + row.len() * most + PIECE, 0);
        let buf = &mut out[start..];
        let mut at = 0;
        for (i, t) in row.iter().enumerate() {
            let [a, d, s] = fields(t);
            at = if i == 0 {
                first.put(buf, at)
            } else {
                later.put(buf, at)
            };
            at = put_u32(buf, at, a);
            at = disagree.put(buf, at);
            at = put_u32(buf, at, d);
            at = seen.put(buf, at);
            at = put_u32(buf, at, s);
            at = close.put(buf, at);
        }
        out.truncate(start + at);
        if !row.is_empty() {
            line_break(out, depth + 1, false);
        }
        out.push(b']');
        spill(out)?;
    }
    if !rows.is_empty() {
        line_break(out, depth, false);
    }
    out.push(b']');
    Ok(())
}

/// The participants' points (the analysis's `participants`) `depth` levels deep, as
/// [`super::to_sorted_pretty`] writes them. `ParticipantPoint` declares its fields in another
/// order than the sorted one printed, so the general writer rearranges every point, thousands
/// of them; here each is written in sorted order at once. `spill` is called after each point
/// with the text so far (it may take it away).
pub(crate) fn write_participants(
    out: &mut Vec<u8>,
    points: &[polyphony_core::ParticipantPoint],
    depth: usize,
    spill: &mut dyn FnMut(&mut Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    fn number(out: &mut Vec<u8>, n: Option<u32>) -> Result<(), Error> {
        match n {
            Some(n) => write_u64(out, u64::from(n)),
            None => {
                out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }
    out.push(b'[');
    for (i, point) in points.iter().enumerate() {
        // Every field named: a new one does not compile until it is written here.
        let polyphony_core::ParticipantPoint {
            participant,
            position,
            in_conv,
            base_cluster,
            group,
            live_group,
        } = *point;
        line_break(out, depth + 1, i > 0);
        let mut o = ObjectWriter::begin(out, depth + 1);
        o.key(out, "base_cluster");
        number(out, base_cluster)?;
        o.key(out, "group");
        number(out, group)?;
        o.key(out, "in_conv");
        out.extend_from_slice(if in_conv { b"true" } else { b"false" });
        // Left out when `None`, as its `skip_serializing_if` says.
        if live_group.is_some() {
            o.key(out, "live_group");
            number(out, live_group)?;
        }
        o.key(out, "participant");
        write_u64(out, u64::from(participant))?;
        o.key(out, "position");
        out.push(b'[');
        for (j, &x) in position.iter().enumerate() {
            line_break(out, depth + 3, j > 0);
            write_f64(out, x)?;
        }
        line_break(out, depth + 2, false);
        out.push(b']');
        o.end(out);
        spill(out)?;
    }
    if !points.is_empty() {
        line_break(out, depth, false);
    }
    out.push(b']');
    Ok(())
}

/// Width of a [`Piece`]: every copy moves this many bytes (a fixed size the compiler does in a
/// few instructions), of which the piece's own length counts.
const PIECE: usize = 64;

/// A fixed text of at most [`PIECE`] bytes, padded.
struct Piece {
    bytes: [u8; PIECE],
    len: usize,
}

impl Piece {
    fn new(text: &str) -> Option<Piece> {
        let mut bytes = [b' '; PIECE];
        bytes
            .get_mut(..text.len())?
            .copy_from_slice(text.as_bytes());
        Some(Piece {
            bytes,
            len: text.len(),
        })
    }

    /// Copies the piece to `buf[at..]` (which has [`PIECE`] bytes of room); returns where it
    /// ends.
    fn put(&self, buf: &mut [u8], at: usize) -> usize {
        buf[at..at + PIECE].copy_from_slice(&self.bytes);
        at + self.len
    }
}

/// Writes `n` in decimal at `buf[at..]`; returns where it ends.
fn put_u32(buf: &mut [u8], at: usize, mut n: u32) -> usize {
    let len = match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1_000..=9_999 => 4,
        _ => n.ilog10() as usize + 1,
    };
    for i in (at..at + len).rev() {
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    at + len
}
