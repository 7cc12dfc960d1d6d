//! Pretty JSON with every object's keys in sorted order, written straight from typed values.
//!
//! `serde_json::to_string_pretty(&serde_json::to_value(x)?)` sorts every object's keys (a
//! `serde_json::Value` object is a `BTreeMap`), which is the shape `polyphony analyze --format
//! json` has always printed; but the `Value` tree costs an allocation per key, string and
//! number, and more time than the analysis it prints. [`to_sorted_pretty`] writes the same bytes
//! from the typed value in one pass: each object's entries are written as they come, and only
//! an object whose keys did not come in order is rearranged, once, when it closes (its entries
//! are already final bytes by then). Numbers and strings go through `serde_json`'s own
//! formatter and escaping, so floats print digit for digit as before.

use serde::ser::{self, Serialize};
use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::Error;

/// Appends `value` as pretty JSON (two-space indent) with sorted object keys to `out`: the
/// bytes `serde_json::to_string_pretty(&serde_json::to_value(value)?)` gives.
///
/// ```
/// use std::collections::BTreeMap;
/// #[derive(serde::Serialize)]
/// struct Point { y: f64, x: f64, tags: BTreeMap<u32, &'static str> }
/// let p = Point { y: 0.5, x: -1.0, tags: [(10, "ten"), (9, "nine")].into() };
/// let mut out = Vec::new();
/// polyphony_polis::to_sorted_pretty(&p, &mut out)?;
/// let via_value = serde_json::to_string_pretty(&serde_json::to_value(&p)?)?;
/// assert_eq!(String::from_utf8(out).unwrap(), via_value);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn to_sorted_pretty<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), Error> {
    to_sorted_pretty_at(value, out, 0)
}

/// [`to_sorted_pretty`] for a value inside others, `depth` levels deep (its lines indented by
/// that many steps).
fn to_sorted_pretty_at<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), Error> {
    let mut writer = SortedPretty {
        out,
        depth,
        scratch: Vec::new(),
        keys: Vec::new(),
        entries: Vec::new(),
        order: Vec::new(),
    };
    value.serialize(&mut writer)
}

/// An object written key by key, by a caller that gives the keys in sorted order (nothing is
/// rearranged), `depth` levels deep: the shape of [`to_sorted_pretty`]'s output. It holds no
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

    /// `"key": value`, the value by [`to_sorted_pretty`].
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
/// deep, as [`to_sorted_pretty`] writes it: most of a report's text, so written here by
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

/// A newline (after a comma when `comma`) and the indent of `depth`.
fn line_break(out: &mut Vec<u8>, depth: usize, comma: bool) {
    let n = depth * 2;
    let from = usize::from(!comma);
    if 2 + n <= BREAK.len() {
        out.extend_from_slice(&BREAK[from..2 + n]);
    } else {
        out.extend_from_slice(&BREAK[from..2]);
        out.resize(out.len() + n, b' ');
    }
}

/// Whether a string needs no escape in JSON (serde_json escapes only control characters, `"`
/// and `\\`).
fn plain(s: &str) -> bool {
    s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// `a < b`, deciding on the first byte without a call when it can (most keys differ there).
fn less(a: &[u8], b: &[u8]) -> bool {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x < y,
        _ => a < b,
    }
}

/// The writer: the output, the indent depth, and the entries of the objects still open.
struct SortedPretty<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    /// An unsorted object's bytes while they are put in order.
    scratch: Vec<u8>,
    /// Map keys (raw text) of the open objects.
    keys: Vec<u8>,
    /// Entries of the open objects, innermost last.
    entries: Vec<Entry>,
    /// The sorted order of one object's entries.
    order: Vec<usize>,
}

#[derive(Clone, Copy)]
enum Key {
    /// A struct field's or variant's name.
    Static(&'static str),
    /// A map key, as a range of `SortedPretty::keys`.
    Owned(usize, usize),
}

/// One `"key": value` of an open object: where it starts (its indent) and ends in the output.
#[derive(Clone, Copy)]
struct Entry {
    key: Key,
    start: usize,
    end: usize,
}

/// A JSON string: as it is between quotes when nothing in it needs an escape (serde_json
/// escapes only control characters, `"` and `\\`), else through serde_json's own escaping.
fn write_string(out: &mut Vec<u8>, s: &str) -> Result<(), Error> {
    if plain(s) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        ser::Serializer::serialize_str(&mut serde_json::Serializer::new(out), s)
    }
}

/// `,\n` and then spaces: a separator, newline and indent are one slice of it.
static BREAK: [u8; 130] = {
    let mut b = [b' '; 130];
    b[0] = b',';
    b[1] = b'\n';
    b
};

fn io(e: std::io::Error) -> Error {
    Error::io(e)
}

impl SortedPretty<'_> {
    /// A newline (after a comma when `comma`) and the current indent.
    fn line_break(&mut self, comma: bool) {
        line_break(self.out, self.depth, comma);
    }

    fn key_bytes<'k>(keys: &'k [u8], key: &Key) -> &'k [u8] {
        match *key {
            Key::Static(s) => s.as_bytes(),
            Key::Owned(a, b) => &keys[a..b],
        }
    }

    fn string(&mut self, s: &str) -> Result<(), Error> {
        write_string(self.out, s)
    }

    fn f64(&mut self, v: f64) -> Result<(), Error> {
        if v.is_finite() {
            CompactFormatter.write_f64(self.out, v).map_err(io)
        } else {
            self.out.extend_from_slice(b"null");
            Ok(())
        }
    }

    /// Opens an object: `{`, one level deeper.
    fn begin_object(&mut self) -> (usize, usize) {
        self.out.push(b'{');
        self.depth += 1;
        (self.entries.len(), self.keys.len())
    }

    /// Starts an entry of the innermost object (whose entries begin at `base`): separator,
    /// indent, `"key": `. Returns its index, and whether its key comes after the previous
    /// entry's.
    fn begin_entry(&mut self, base: usize, key: Key) -> Result<(usize, bool), Error> {
        let first = self.entries.len() == base;
        let in_order = first || {
            let keys = &self.keys;
            let previous = self
                .entries
                .last()
                .map_or(&[][..], |e| Self::key_bytes(keys, &e.key));
            less(previous, Self::key_bytes(keys, &key))
        };
        // The entry starts at its indent, after the separator.
        let start = self.out.len() + if first { 1 } else { 2 };
        self.line_break(!first);
        match key {
            Key::Static(s) => write_string(self.out, s)?,
            Key::Owned(a, b) => {
                let text = std::str::from_utf8(&self.keys[a..b])
                    .map_err(|_| ser::Error::custom("a map key is not UTF-8"))?;
                write_string(self.out, text)?;
            }
        }
        self.out.extend_from_slice(b": ");
        self.entries.push(Entry {
            key,
            start,
            end: start,
        });
        Ok((self.entries.len() - 1, in_order))
    }

    /// Closes the innermost object: its entries put in key order unless they came in order
    /// (a repeated key keeps its last value, as a map insert does), then `}`.
    fn end_object(&mut self, base: usize, keys_base: usize, in_order: bool) {
        self.depth -= 1;
        if self.entries.len() == base {
            self.out.push(b'}');
        } else {
            if !in_order {
                self.reorder(base);
            }
            self.line_break(false);
            self.out.push(b'}');
        }
        self.entries.truncate(base);
        self.keys.truncate(keys_base);
    }

    fn reorder(&mut self, base: usize) {
        let entries = &self.entries[base..];
        let keys = &self.keys;
        self.order.clear();
        self.order.extend(0..entries.len());
        self.order.sort_by(|&a, &b| {
            Self::key_bytes(keys, &entries[a].key)
                .cmp(Self::key_bytes(keys, &entries[b].key))
                .then(a.cmp(&b))
        });
        let region = entries[0].start;
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.out[region..]);
        self.out.truncate(region);
        let mut first = true;
        for (i, &e) in self.order.iter().enumerate() {
            let key = Self::key_bytes(keys, &entries[e].key);
            if let Some(&next) = self.order.get(i + 1) {
                if Self::key_bytes(keys, &entries[next].key) == key {
                    continue; // the later value of a repeated key wins
                }
            }
            if !first {
                self.out.extend_from_slice(b",\n");
            }
            first = false;
            let Entry { start, end, .. } = entries[e];
            self.out
                .extend_from_slice(&self.scratch[start - region..end - region]);
        }
    }

    fn begin_array(&mut self) {
        self.out.push(b'[');
        self.depth += 1;
    }

    fn begin_element(&mut self, first: bool) {
        self.line_break(!first);
    }

    fn end_array(&mut self, any: bool) {
        self.depth -= 1;
        if any {
            self.line_break(false);
        }
        self.out.push(b']');
    }
}

/// An open array (or the array of a tuple variant, inside its one-key object).
pub struct Array<'s, 'o> {
    ser: &'s mut SortedPretty<'o>,
    any: bool,
    /// The object a tuple variant wraps its array in: (entry index, entries base, keys base).
    wrapper: Option<(usize, usize, usize)>,
}

/// An open object (or the inner object of a struct variant, inside its one-key object).
pub struct Object<'s, 'o> {
    ser: &'s mut SortedPretty<'o>,
    base: usize,
    keys_base: usize,
    /// The entry of the key being written (maps).
    current: usize,
    /// Whether every key so far came after the one before.
    in_order: bool,
    wrapper: Option<(usize, usize, usize)>,
}

impl<'s, 'o> Array<'s, 'o> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.ser.begin_element(!self.any);
        self.any = true;
        value.serialize(&mut *self.ser)
    }

    fn finish(self) -> Result<(), Error> {
        self.ser.end_array(self.any);
        if let Some((entry, base, keys_base)) = self.wrapper {
            self.ser.entries[entry].end = self.ser.out.len();
            self.ser.end_object(base, keys_base, true);
        }
        Ok(())
    }
}

impl<'s, 'o> Object<'s, 'o> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let (entry, in_order) = self.ser.begin_entry(self.base, Key::Static(key))?;
        self.in_order &= in_order;
        value.serialize(&mut *self.ser)?;
        self.ser.entries[entry].end = self.ser.out.len();
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        self.ser
            .end_object(self.base, self.keys_base, self.in_order);
        if let Some((entry, base, keys_base)) = self.wrapper {
            self.ser.entries[entry].end = self.ser.out.len();
            self.ser.end_object(base, keys_base, true);
        }
        Ok(())
    }
}

/// Opens `{"variant": ` around a variant's content; returns (entry, entries base, keys base).
fn wrap(ser: &mut SortedPretty<'_>, variant: &'static str) -> Result<(usize, usize, usize), Error> {
    let (base, keys_base) = ser.begin_object();
    let (entry, _) = ser.begin_entry(base, Key::Static(variant))?;
    Ok((entry, base, keys_base))
}

impl<'s, 'o> ser::Serializer for &'s mut SortedPretty<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Array<'s, 'o>;
    type SerializeTuple = Array<'s, 'o>;
    type SerializeTupleStruct = Array<'s, 'o>;
    type SerializeTupleVariant = Array<'s, 'o>;
    type SerializeMap = Object<'s, 'o>;
    type SerializeStruct = Object<'s, 'o>;
    type SerializeStructVariant = Object<'s, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        CompactFormatter.write_i64(self.out, v).map_err(io)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        match (u64::try_from(v), i64::try_from(v)) {
            (Ok(u), _) => self.serialize_u64(u),
            (_, Ok(i)) => self.serialize_i64(i),
            _ => Err(ser::Error::custom("number out of range")),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        CompactFormatter.write_u64(self.out, v).map_err(io)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        match u64::try_from(v) {
            Ok(u) => self.serialize_u64(u),
            Err(_) => Err(ser::Error::custom("number out of range")),
        }
    }
    /// As `serde_json::Value` holds it: widened to `f64`.
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.f64(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq as _;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let (entry, base, keys_base) = wrap(self, variant)?;
        value.serialize(&mut *self)?;
        self.entries[entry].end = self.out.len();
        self.end_object(base, keys_base, true);
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'s, 'o>, Error> {
        self.begin_array();
        Ok(Array {
            ser: self,
            any: false,
            wrapper: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'s, 'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Array<'s, 'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Array<'s, 'o>, Error> {
        let wrapper = wrap(self, variant)?;
        self.begin_array();
        Ok(Array {
            ser: self,
            any: false,
            wrapper: Some(wrapper),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'s, 'o>, Error> {
        let (base, keys_base) = self.begin_object();
        Ok(Object {
            ser: self,
            base,
            keys_base,
            current: 0,
            in_order: true,
            wrapper: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Object<'s, 'o>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Object<'s, 'o>, Error> {
        let wrapper = wrap(self, variant)?;
        let (base, keys_base) = self.begin_object();
        Ok(Object {
            ser: self,
            base,
            keys_base,
            current: 0,
            in_order: true,
            wrapper: Some(wrapper),
        })
    }
}

impl ser::SerializeSeq for Array<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTuple for Array<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Array<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Array<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeMap for Object<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let start = self.ser.keys.len();
        key.serialize(KeyText {
            keys: &mut self.ser.keys,
        })?;
        let end = self.ser.keys.len();
        let (entry, in_order) = self.ser.begin_entry(self.base, Key::Owned(start, end))?;
        self.current = entry;
        self.in_order &= in_order;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.ser)?;
        self.ser.entries[self.current].end = self.ser.out.len();
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for Object<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Object<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A map key's text, as `serde_json::Value` makes it (`MapKeySerializer`): strings as they
/// are, numbers and booleans as their JSON text, unit variants by name; anything else is an
/// error.
struct KeyText<'k> {
    keys: &'k mut Vec<u8>,
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

impl KeyText<'_> {
    fn text(self, s: &str) -> Result<(), Error> {
        self.keys.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl ser::Serializer for KeyText<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        CompactFormatter.write_i64(self.keys, v).map_err(io)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.text(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        CompactFormatter.write_u64(self.keys, v).map_err(io)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.text(&v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(ser::Error::custom("float key must be finite"));
        }
        CompactFormatter.write_f32(self.keys, v).map_err(io)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(ser::Error::custom("float key must be finite"));
        }
        CompactFormatter.write_f64(self.keys, v).map_err(io)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::ser::SerializeMap as _;
    use serde::Serialize;

    use super::*;

    /// What the writer must equal: the `Value` tree printed pretty.
    fn via_value<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
        serde_json::to_string_pretty(&serde_json::to_value(value)?)
    }

    fn direct<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
        let mut out = Vec::new();
        to_sorted_pretty(value, &mut out)?;
        Ok(String::from_utf8(out).expect("UTF-8"))
    }

    fn same<T: Serialize + ?Sized>(value: &T) {
        assert_eq!(direct(value).ok(), via_value(value).ok());
    }

    /// A JSON-like tree whose objects keep their entries in the order given (repeats included).
    #[derive(Clone, Debug)]
    enum Node {
        Null,
        Bool(bool),
        Int(i64),
        Uint(u64),
        Float(f64),
        Single(f32),
        Text(String),
        Array(Vec<Node>),
        Object(Vec<(String, Node)>),
        Numbered(Vec<(u32, Node)>),
    }

    impl Serialize for Node {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Node::Null => s.serialize_unit(),
                Node::Bool(b) => s.serialize_bool(*b),
                Node::Int(i) => s.serialize_i64(*i),
                Node::Uint(u) => s.serialize_u64(*u),
                Node::Float(f) => s.serialize_f64(*f),
                Node::Single(f) => s.serialize_f32(*f),
                Node::Text(t) => s.serialize_str(t),
                Node::Array(items) => s.collect_seq(items),
                Node::Object(entries) => {
                    let mut m = s.serialize_map(Some(entries.len()))?;
                    for (k, v) in entries {
                        m.serialize_entry(k, v)?;
                    }
                    m.end()
                }
                Node::Numbered(entries) => {
                    let mut m = s.serialize_map(None)?;
                    for (k, v) in entries {
                        m.serialize_entry(k, v)?;
                    }
                    m.end()
                }
            }
        }
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-d]{0,3}",
            "[a-z_]{0,8}",
            any::<String>(),
            Just("\"quoted\" \\ \n\t\u{1}\u{7f}é語".to_string()),
        ]
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            Just(Node::Null),
            any::<bool>().prop_map(Node::Bool),
            any::<i64>().prop_map(Node::Int),
            any::<u64>().prop_map(Node::Uint),
            prop_oneof![
                any::<f64>(),
                Just(f64::NAN),
                Just(f64::INFINITY),
                Just(-0.0),
                Just(0.1),
                Just(1e300)
            ]
            .prop_map(Node::Float),
            any::<f32>().prop_map(Node::Single),
            text().prop_map(Node::Text),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Node::Array),
                prop::collection::vec((text(), inner.clone()), 0..6).prop_map(Node::Object),
                prop::collection::vec((0u32..30, inner), 0..6).prop_map(Node::Numbered),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_tree_prints_as_its_value_does(tree in node()) {
            prop_assert_eq!(direct(&tree).ok(), via_value(&tree).ok());
        }
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Newtype(u8);

    #[derive(Serialize)]
    struct Pair(i8, char);

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Wrapped(Vec<u16>),
        Tuple(u8, Option<bool>),
        Fields { zeta: i128, alpha: u128 },
    }

    #[derive(Serialize)]
    struct Everything {
        zulu: Vec<Kind>,
        alpha: Option<Unit>,
        mike: BTreeMap<u32, f64>,
        bravo: BTreeMap<bool, Pair>,
        #[serde(skip_serializing_if = "Option::is_none")]
        hidden: Option<u8>,
        newtype: Newtype,
        empty_vec: Vec<u8>,
        empty_map: BTreeMap<String, u8>,
        f32s: [f32; 2],
        keyed_by_char: BTreeMap<char, i16>,
        #[serde(with = "bytes")]
        raw: Vec<u8>,
    }

    mod bytes {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn every_shape_serde_makes_prints_as_its_value_does() {
        let all = Everything {
            zulu: vec![
                Kind::Plain,
                Kind::Wrapped(vec![1, 2]),
                Kind::Tuple(3, None),
                Kind::Fields { zeta: -5, alpha: 7 },
            ],
            alpha: Some(Unit),
            mike: [(10, 0.5), (9, f64::NAN), (100, -1e-300)].into(),
            bravo: [(true, Pair(-1, 'x')), (false, Pair(2, '"'))].into(),
            hidden: None,
            newtype: Newtype(4),
            empty_vec: vec![],
            empty_map: BTreeMap::new(),
            f32s: [0.1, f32::INFINITY],
            keyed_by_char: [('b', 1), ('a', 2)].into(),
            raw: vec![0, 255],
        };
        same(&all);
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_where_a_map_puts_it() {
        let tree = Node::Object(vec![
            ("b".into(), Node::Int(1)),
            ("a".into(), Node::Int(2)),
            ("b".into(), Node::Int(3)),
        ]);
        same(&tree);
        assert!(direct(&tree).expect("json").contains("\"b\": 3"));
    }

    #[test]
    fn deep_nesting_indents_past_the_prepared_spaces() {
        let mut tree = Node::Int(1);
        for i in 0..80 {
            tree = if i % 2 == 0 {
                Node::Array(vec![tree])
            } else {
                Node::Object(vec![("k".into(), tree)])
            };
        }
        same(&tree);
    }

    #[test]
    fn a_key_that_is_not_text_fails_as_with_a_value() {
        let map: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        assert!(direct(&map).is_err());
        assert!(via_value(&map).is_err());
    }

    #[test]
    fn tallies_print_as_serde_prints_them_at_any_depth() {
        let t = |a, d, s| polyphony_core::Tally {
            agree: a,
            disagree: d,
            seen: s,
        };
        let rows = vec![
            vec![t(0, 1, 4), t(12, 3_000_000, u32::MAX)],
            vec![],
            vec![t(7, 0, 9)],
        ];
        for depth in [0, 1, 2, 5, 40] {
            let mut out = Vec::new();
            write_tallies(&mut out, &rows, depth, &mut |_| Ok(())).expect("json");
            let mut want = Vec::new();
            to_sorted_pretty_at(&rows, &mut want, depth).expect("json");
            assert_eq!(
                String::from_utf8(out),
                String::from_utf8(want),
                "depth {depth}"
            );
        }
        let mut out = Vec::new();
        write_tallies(&mut out, &[], 2, &mut |_| Ok(())).expect("json");
        assert_eq!(out, b"[]");
        // Text handed on after each row, as a report streams it: the same bytes in the end.
        let (mut out, mut spilled) = (Vec::new(), Vec::new());
        write_tallies(&mut out, &rows, 2, &mut |o: &mut Vec<u8>| {
            spilled.append(o);
            Ok(())
        })
        .expect("json");
        spilled.extend_from_slice(&out);
        let mut want = Vec::new();
        to_sorted_pretty_at(&rows, &mut want, 2).expect("json");
        assert_eq!(spilled, want);
        assert_eq!(
            direct(&rows).ok(),
            via_value(&rows).ok(),
            "and the general writer matches the Value"
        );
    }
}
