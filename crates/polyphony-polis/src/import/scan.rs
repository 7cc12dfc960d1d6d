//! Scanning a plain CSV's bytes: every `,` and `\n` found eight bytes at a time (SWAR), and the
//! integers of a cell read from its bytes (a time's 13 digits as two overlapping words of
//! eight), each `None` for anything but a plain decimal. The readers of `fast.rs` are built on
//! these; property tests in `import/tests.rs` hold each to a plain byte-by-byte reading.

/// The positions of every `,` and `\n` in a byte string, in order, found eight bytes at a time
/// (SWAR): a byte equal to the one looked for becomes zero after an XOR, and the exact
/// zero-byte test marks it with its high bit.
pub(super) struct Delimiters<'a> {
    data: &'a [u8],
    /// Start of the word `mask` describes.
    offset: usize,
    /// Start of the next word to load.
    next: usize,
    mask: u64,
}

impl<'a> Delimiters<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Delimiters {
            data,
            offset: 0,
            next: 0,
            mask: 0,
        }
    }
}

impl Iterator for Delimiters<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.next >= self.data.len() {
                return None;
            }
            self.mask = delimiter_bytes(word_at(self.data, self.next));
            self.offset = self.next;
            self.next += 8;
        }
        let at = self.offset + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// The eight bytes of `data` from `at` as one word, the first in the lowest byte; bytes past
/// the end read as zero, which is not a delimiter.
#[inline]
fn word_at(data: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    match data.get(at..at + 8) {
        Some(chunk) => word.copy_from_slice(chunk),
        None => {
            let rest = data.get(at..).unwrap_or(&[]);
            word[..rest.len()].copy_from_slice(rest);
        }
    }
    u64::from_le_bytes(word)
}

/// The high bit of every byte of `word` that is `,` or `\n` (SWAR: a byte equal to the one
/// looked for becomes zero after an XOR, and the exact zero-byte test marks it).
#[inline]
fn delimiter_bytes(word: u64) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const COMMAS: u64 = 0x2c2c_2c2c_2c2c_2c2c;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let zero_bytes = |v: u64| !(((v & LOW) + LOW) | v) & HIGH;
    zero_bytes(word ^ COMMAS) | zero_bytes(word ^ NEWLINES)
}

/// The first `,` or `\n` at or after `at`, or the end of `data`: what
/// `memchr2(b',', b'\n', ..)` finds, eight bytes at a time without a call (a skipped field
/// is a few words long).
#[inline]
pub(super) fn next_delimiter(data: &[u8], mut at: usize) -> usize {
    while at < data.len() {
        let found = delimiter_bytes(word_at(data, at));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    data.len()
}

/// A plain decimal (optional leading `-`, 1 to 18 digits) starting at `at`, and where it ends
/// (the first byte that is not a digit); `None` when there is none.
pub(super) fn scan_i64(data: &[u8], at: usize) -> Option<(i64, usize)> {
    let negative = data.get(at) == Some(&b'-');
    let start = at + usize::from(negative);
    let mut end = start;
    let mut n: i64 = 0;
    while let Some(&b) = data.get(end) {
        if !b.is_ascii_digit() {
            break;
        }
        n = n * 10 + i64::from(b - b'0');
        end += 1;
        if end - start > 18 {
            return None;
        }
    }
    if end == start {
        return None;
    }
    Some((if negative { -n } else { n }, end))
}

/// [`scan_i64`] for a time cell: Polis's are milliseconds, 13 digits (until the year 2286),
/// read as two overlapping words of eight digits (SWAR) instead of one digit at a time, whose
/// chain of multiply-adds was a quarter of reading `votes.csv`; any other cell goes to
/// [`scan_i64`]. (A word reader for every number was slower: ids are 1 to 4 digits.)
#[inline]
pub(super) fn scan_time(data: &[u8], at: usize) -> Option<(i64, usize)> {
    if let Some(cell) = data.get(at..at + 14) {
        let word = |from: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&cell[from..from + 8]);
            u64::from_le_bytes(w)
        };
        // Digits 0–7 and 5–12 (the second word overlaps the first by three).
        let (high, low) = (word(0), word(5));
        if all_digits(high) && all_digits(low) && !cell[13].is_ascii_digit() {
            // The first five digits, led by three '0's: shifted up three bytes.
            let first = eight_digits((high << 24) | 0x30_3030);
            let value = first * 100_000_000 + eight_digits(low);
            return Some((value as i64, at + 13));
        }
    }
    scan_i64(data, at)
}

/// Whether all eight bytes of `word` are ASCII digits.
#[inline]
fn all_digits(word: u64) -> bool {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const LOW: u64 = 0x0f0f_0f0f_0f0f_0f0f;
    const SIXES: u64 = 0x0606_0606_0606_0606;
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    // A digit byte becomes 0x00..=0x09: its high nibble is zero, and stays zero when 6 is
    // added to its low nibble (a nibble plus 6 never carries out of its byte).
    let t = word ^ ZEROS;
    (t | ((t & LOW) + SIXES)) & HIGH == 0
}

/// The number eight ASCII digits spell, the first (most significant) in the lowest byte.
#[inline]
fn eight_digits(word: u64) -> u64 {
    let v = word - 0x3030_3030_3030_3030;
    // Pairs of digits, then fours, then all eight.
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_ffff_0000_ffff;
    (v.wrapping_mul(10_000) + (v >> 32)) & 0xffff_ffff
}

/// A plain unsigned decimal (1 to 18 digits, no sign) starting at `at` that fits a `u32`, and
/// where it ends; `None` when there is none.
pub(super) fn scan_u32(data: &[u8], at: usize) -> Option<(u32, usize)> {
    let mut end = at;
    let mut n: u64 = 0;
    while let Some(&b) = data.get(end) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        n = n * 10 + u64::from(digit);
        end += 1;
        if end - at > 18 {
            return None;
        }
    }
    if end == at {
        return None;
    }
    Some((u32::try_from(n).ok()?, end))
}
