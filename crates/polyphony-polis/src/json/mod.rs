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
//!
//! The parts: `serializer.rs` is the serde `Serializer` that writes and, when it must, sorts;
//! `map_key.rs` turns a map key into its text as `serde_json::Value` does; `template.rs` writes
//! the report's largest parts (an object the caller writes key by key, the tally tables, the
//! participants' points) by template, in the same shape. This file holds what they share:
//! indents and plain strings.

mod map_key;
mod serializer;
mod template;
#[cfg(test)]
mod tests;

use serde::ser::{self, Serialize};
use serde_json::Error;

use serializer::to_sorted_pretty_at;
pub(crate) use template::{write_participants, write_tallies, ObjectWriter};

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
/// A newline (after a comma when `comma`) and the indent of `depth`.
pub(super) fn line_break(out: &mut Vec<u8>, depth: usize, comma: bool) {
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
pub(super) fn plain(s: &str) -> bool {
    s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// A JSON string: as it is between quotes when nothing in it needs an escape (serde_json
/// escapes only control characters, `"` and `\\`), else through serde_json's own escaping.
pub(super) fn write_string(out: &mut Vec<u8>, s: &str) -> Result<(), Error> {
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
pub(super) static BREAK: [u8; 130] = {
    let mut b = [b' '; 130];
    b[0] = b',';
    b[1] = b'\n';
    b
};
