//! What a text a person writes is once the invisible differences are gone: [`normalise`], one
//! pure function, applied to every text a participant or the facilitator writes (statements,
//! table notes, group names, briefing cards, a room's topic; [`normalise_paragraphs`] for its
//! description and rules) before it is checked for emptiness, length and duplicates; and
//! [`same_text`], the one statement of when two statements read alike.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters that show nothing (zero-width, format and bidi controls, default-ignorable code
/// points, C0/C1 controls such as NUL) or make text read backwards: always removed. Tag
/// characters are handled by [`is_tag`], line breaks and tabs are whitespace.
fn is_stripped(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                 // soft hyphen (shows only where a line breaks)
        | '\u{034F}'               // combining grapheme joiner
        | '\u{061C}'               // Arabic letter mark (a bidi control)
        | '\u{115F}'..='\u{1160}'  // Hangul choseong / jungseong fillers
        | '\u{17B4}'..='\u{17B5}'  // Khmer inherent vowels
        | '\u{180E}'               // Mongolian vowel separator
        | '\u{200B}'               // zero-width space
        | '\u{200E}'..='\u{200F}'  // left-to-right / right-to-left marks
        | '\u{202A}'..='\u{202E}'  // embeddings and overrides
        | '\u{2060}'..='\u{206F}'  // word joiner, invisible operators, isolates, deprecated
        | '\u{FEFF}'               // byte-order mark / zero-width no-break space
        | '\u{FFF0}'..='\u{FFF8}'  // unassigned specials (default ignorable)
        | '\u{FFF9}'..='\u{FFFB}'  // interlinear annotation anchor, separator, terminator
        | '\u{1BCA0}'..='\u{1BCA3}' // shorthand format controls
        | '\u{1D173}'..='\u{1D17A}' // musical symbol format controls
        | '\u{E0000}'..='\u{E001F}' // language tag and unassigned tags
        | '\u{E0080}'..='\u{E00FF}' // unassigned (default ignorable)
        | '\u{E01F0}'..='\u{E0FFF}' // unassigned (default ignorable)
    ) || (c.is_control() && !c.is_whitespace())
}

/// Blank characters with a width (the Hangul fillers, the Braille blank): read as a space.
fn is_blank(c: char) -> bool {
    matches!(c, '\u{2800}' | '\u{3164}' | '\u{FFA0}')
}

/// Tag characters U+E0020–U+E007F: they spell a subdivision flag after U+1F3F4 (🏴 + "gbsct"
/// + cancel tag is Scotland's) and are kept there; anywhere else they are invisible.
fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0020}'..='\u{E007F}')
}

/// Zero-width non-joiner and joiner (U+200C, U+200D): they carry meaning inside a word (Persian
/// and Indic spelling, emoji sequences such as 👩‍👩‍👧), so they are kept between two visible
/// characters and removed anywhere else.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Variation selectors (text or emoji style, CJK ideograph variants, Mongolian free variation
/// selectors): kept after a visible character, removed anywhere else.
fn is_variation_selector(c: char) -> bool {
    matches!(c,
        '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}'
    )
}

/// The most combining marks kept in a row on one character: enough for any script's stacked
/// diacritics (Vietnamese, Indic clusters, Hebrew points take two or three), not for a letter
/// with 279 accents stacked on it ("zalgo"), which spread over a phone's statement card and ran
/// down the projector.
const MARKS_IN_A_ROW: usize = 4;

/// A character that attaches to the one before it (a combining mark, a variation selector).
fn attaches(c: char) -> bool {
    is_combining_mark(c) || is_variation_selector(c)
}

/// A character a reader sees on its own: not whitespace, a joiner or something that attaches.
fn is_base(c: Option<&char>) -> bool {
    c.is_some_and(|&c| !c.is_whitespace() && !is_joiner(c) && !attaches(c))
}

/// A text as the room keeps and compares it: invisible characters removed (zero-width and
/// bidi controls U+200B, U+200E–U+200F, U+202A–U+202E, U+2060–U+206F, U+FEFF, U+061C; soft
/// hyphen, combining grapheme joiner, Mongolian vowel separator, Hangul jamo fillers, other
/// default-ignorable code points; C0/C1 controls such as NUL; tag characters except in a flag
/// after 🏴), blank characters with a width (U+2800, U+3164, U+FFA0) read as spaces, a joiner
/// U+200C/U+200D kept only between two visible characters, a combining mark or variation
/// selector only after a visible character (never alone), at most [`MARKS_IN_A_ROW`] combining
/// marks in a row, Unicode NFC, every run of whitespace
/// (full-width U+3000 and line breaks included) one space, no space at either end. An empty
/// result means there was nothing to read.
pub(crate) fn normalise(text: &str) -> String {
    // Removed and blanks read as spaces; tags only in a flag.
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if is_tag(c) {
            let in_flag = chars
                .last()
                .is_some_and(|&p| p == '\u{1F3F4}' || (is_tag(p) && p != '\u{E007F}'));
            if in_flag {
                chars.push(c);
            }
        } else if is_blank(c) {
            chars.push(' ');
        } else if !is_stripped(c) {
            chars.push(c);
        }
    }
    // Joiners between two visible characters; marks and selectors after a visible one.
    let mut kept: Vec<char> = Vec::with_capacity(chars.len());
    let mut marks = 0;
    for (i, &c) in chars.iter().enumerate() {
        let after_visible = kept
            .last()
            .is_some_and(|&p| !p.is_whitespace() && !is_joiner(p));
        marks = if is_combining_mark(c) { marks + 1 } else { 0 };
        let keep = if is_joiner(c) {
            after_visible && is_base(chars.get(i + 1))
        } else if attaches(c) {
            after_visible && marks <= MARKS_IN_A_ROW
        } else {
            true
        };
        if keep {
            kept.push(c);
        }
    }
    let mut out = String::with_capacity(text.len());
    for word in kept
        .into_iter()
        .nfc()
        .collect::<String>()
        .split_whitespace()
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A text of several paragraphs (a room's description, its rules): each line [`normalise`]d,
/// runs of blank lines one blank line, none at either end.
pub(crate) fn normalise_paragraphs(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(normalise) {
        if !line.is_empty() || out.last().is_some_and(|l| !l.is_empty()) {
            out.push(line);
        }
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

/// What two statements are compared by: the normalised text without the characters that may
/// change a glyph but not what it says (joiners inside a word, variation selectors); exact
/// otherwise (case-sensitive). Statements in flight are held under it.
pub(crate) fn comparison_key(text: &str) -> String {
    normalise(text)
        .chars()
        .filter(|&c| !is_joiner(c) && !is_variation_selector(c))
        .collect()
}

/// Whether two texts read alike as statements: the same [`comparison_key`] (so `Buses`,
/// `Bu\u{AD}ses`, `Bu\u{200D}ses` and `Buses\u{FE0F}` are one statement).
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    a == b || comparison_key(a) == comparison_key(b)
}

#[cfg(test)]
mod tests {
    use super::{normalise, normalise_paragraphs, same_text, MARKS_IN_A_ROW};

    #[test]
    fn a_letter_keeps_a_few_stacked_marks_not_hundreds() {
        // "zalgo": one letter and 279 combining marks.
        let zalgo: String = std::iter::once('Z')
            .chain(std::iter::repeat_n('\u{0336}', 279))
            .chain("ebra".chars())
            .collect();
        let kept = normalise(&zalgo);
        assert_eq!(kept.chars().count(), 1 + MARKS_IN_A_ROW + 4, "{kept:?}");
        assert!(kept.ends_with("ebra"));
        // Real stacked diacritics stay: Vietnamese (decomposed, two marks; NFC composes them),
        // Hindi, Hebrew with points.
        for text in ["Vie\u{0323}\u{0302}t Nam", "क्षत्रिय", "שָׁלוֹם"] {
            assert_eq!(
                normalise(text),
                unicode_normalization::UnicodeNormalization::nfc(text).collect::<String>()
            );
        }
        // The interlinear annotation characters show nothing: removed.
        assert_eq!(normalise("a\u{FFF9}b\u{FFFA}c\u{FFFB}"), "abc");
    }

    #[test]
    fn trims_and_collapses_whitespace() {
        assert_eq!(
            normalise("  Buses  should\tbe\n\nfree  "),
            "Buses should be free"
        );
        assert_eq!(
            normalise("a\u{3000}b\u{3000}\u{3000}c"),
            "a b c",
            "full-width spaces"
        );
        assert_eq!(normalise("a\u{00A0}b\u{2028}c"), "a b c");
        assert_eq!(normalise(""), "");
        assert_eq!(normalise(" \t\r\n\u{3000}"), "");
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(normalise("\u{200B}\u{200C}\u{200D}"), "");
        assert_eq!(normalise("\u{202E}\u{2066}\u{FEFF}\u{2060} \u{200F}"), "");
        assert_eq!(normalise("free\u{202E}txet"), "freetxet");
        assert_eq!(
            normalise("Buses\u{3000}should\u{200B} be free"),
            "Buses should be free"
        );
        assert_eq!(normalise("\u{FEFF}hello"), "hello");
        assert_eq!(
            normalise("a\u{200D} b"),
            "a b",
            "a joiner before a space goes"
        );
    }

    #[test]
    fn joiners_inside_words_are_kept() {
        let family = "👩\u{200D}👩\u{200D}👧";
        assert_eq!(normalise(family), family);
        let persian = "می\u{200C}خواهم";
        assert_eq!(normalise(persian), persian);
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(normalise("Cafe\u{0301}"), "Caf\u{00E9}");
        assert_eq!(normalise("Caf\u{00E9}"), "Caf\u{00E9}");
        // Hangul jamo compose into syllables.
        assert_eq!(normalise("\u{1100}\u{1161}"), "\u{AC00}");
    }

    #[test]
    fn cjk_text_passes_through_unchanged() {
        for text in [
            "公共交通應該免費",
            "公共交通は無料であるべきだ。",
            "대중교통은 무료여야 한다",
            "公共交通应该免费，对吗？",
        ] {
            assert_eq!(normalise(text), text);
        }
    }

    /// Issue 21: each of these alone (or with spaces) is nothing to read.
    #[test]
    fn blank_characters_leave_nothing() {
        for (name, blank) in [
            ("Hangul filler U+3164", "\u{3164}"),
            ("Hangul choseong filler U+115F", "\u{115F}"),
            ("Hangul jungseong filler U+1160", "\u{1160}"),
            ("halfwidth Hangul filler U+FFA0", "\u{FFA0}"),
            ("Braille blank U+2800", "\u{2800}"),
            ("soft hyphen U+00AD", "\u{00AD}"),
            ("combining grapheme joiner U+034F", "\u{034F}"),
            ("Mongolian vowel separator U+180E", "\u{180E}"),
            ("tag characters", "\u{E0001}\u{E0041}\u{E0042}\u{E007F}"),
            ("a lone combining mark", "\u{0301}"),
            ("lone combining marks", "\u{0301}\u{0308}\u{20E3}"),
            ("a lone variation selector", "\u{FE0F}"),
            ("a lone ideographic variation selector", "\u{E0100}"),
            ("NUL and controls", "\u{0000}\u{0007}\u{007F}\u{009F}"),
            ("deprecated format characters", "\u{206A}\u{206F}"),
            ("Khmer inherent vowels", "\u{17B4}\u{17B5}"),
            ("shorthand format controls", "\u{1BCA0}\u{1BCA3}"),
        ] {
            assert_eq!(normalise(blank), "", "{name}");
            assert_eq!(
                normalise(&format!(" {blank} \u{3000}{blank}")),
                "",
                "{name} with spaces"
            );
        }
        assert_eq!(normalise("a \u{0301}b"), "a b", "a mark after a space goes");
        assert_eq!(
            normalise("a\u{3164}b\u{2800}c"),
            "a b c",
            "blanks with a width are spaces"
        );
    }

    /// Issue 21: texts that look the same are the same statement.
    #[test]
    fn visual_duplicates_are_the_same_text() {
        let plain = "Buses should be free";
        for (name, twin) in [
            ("soft hyphen", "Bu\u{00AD}ses should be free"),
            ("combining grapheme joiner", "Buses\u{034F} should be free"),
            ("tag characters", "Buses should\u{E0041}\u{E007F} be free"),
            (
                "language tag",
                "\u{E0001}\u{E0065}\u{E006E}Buses should be free",
            ),
            ("variation selector", "Buses\u{FE0F} should be free"),
            (
                "variation selector 16 after a letter",
                "B\u{FE0E}uses should be free",
            ),
            ("ZWJ inside a word", "Bu\u{200D}ses should be free"),
            ("ZWNJ inside a word", "Bus\u{200C}es should be free"),
            ("NUL", "Buses\u{0000} should be free"),
            ("Mongolian vowel separator", "Buses should\u{180E} be free"),
            ("bidi override", "\u{202E}Buses should be free\u{202C}"),
        ] {
            assert!(same_text(plain, twin), "{name}: {:?}", normalise(twin));
            assert!(same_text(twin, plain), "{name}");
        }
        assert!(!same_text(plain, "buses should be free"), "case counts");
        assert!(!same_text(plain, "Buses should be fre"));
    }

    #[test]
    fn emoji_sequences_and_flags_keep_their_parts() {
        for text in [
            "❤\u{FE0F}\u{200D}🔥",
            "1\u{FE0F}\u{20E3}",
            "👍🏽",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            "葛\u{E0100}城市",
        ] {
            assert_eq!(normalise(text), text);
        }
        // Two different subdivision flags are two texts.
        let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        let wales = "🏴\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}";
        assert!(!same_text(scotland, wales));
        // Tags after anything but the black flag are invisible.
        assert_eq!(normalise("a\u{E0067}b"), "ab");
    }

    #[test]
    fn paragraphs_keep_their_breaks() {
        assert_eq!(
            normalise_paragraphs("\n  One  line\u{200B}\r\n\n\n\u{3164}\nTwo\u{202E}\n\n"),
            "One line\n\nTwo"
        );
        assert_eq!(normalise_paragraphs("\u{2800}\n\u{00AD}"), "");
    }

    #[test]
    fn case_is_kept() {
        assert_eq!(normalise("Buses"), "Buses");
        assert_ne!(normalise("Buses"), normalise("buses"));
    }
}
