//! The serde `Serializer` behind [`super::to_sorted_pretty`]: each object's entries written as
//! they come, an object whose keys came out of order put in order once, when it closes.

use serde::ser::{self, Serialize};
use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::Error;

use super::map_key::KeyText;
use super::{line_break, write_string};

/// [`super::to_sorted_pretty`] for a value inside others, `depth` levels deep (its lines indented by
/// that many steps).
pub(super) fn to_sorted_pretty_at<T: Serialize + ?Sized>(
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
/// A float as `serde_json::Value` prints it: serde_json's own formatting, `null` when it is
/// not finite.
pub(super) fn write_f64(out: &mut Vec<u8>, v: f64) -> Result<(), Error> {
    if v.is_finite() {
        CompactFormatter.write_f64(out, v).map_err(io)
    } else {
        out.extend_from_slice(b"null");
        Ok(())
    }
}

/// An unsigned integer as serde_json prints it.
pub(super) fn write_u64(out: &mut Vec<u8>, v: u64) -> Result<(), Error> {
    CompactFormatter.write_u64(out, v).map_err(io)
}

pub(super) fn io(e: std::io::Error) -> Error {
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
        write_f64(self.out, v)
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
        write_u64(self.out, v)
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
