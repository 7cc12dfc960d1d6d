//! What a statement's text is once the invisible differences are gone: [`normalise`], one pure
//! function, applied before a statement is checked for emptiness, length and duplicates.

use unicode_normalization::UnicodeNormalization;

/// Zero-width and bidirectional-control characters that change nothing a reader sees (or, for
/// the overrides, make text read backwards): always removed.
fn is_stripped(c: char) -> bool {
    matches!(c,
        '\u{061C}'                 // Arabic letter mark (a bidi control)
        | '\u{200B}'               // zero-width space
        | '\u{200E}'..='\u{200F}'  // left-to-right / right-to-left marks
        | '\u{202A}'..='\u{202E}'  // embeddings and overrides
        | '\u{2060}'..='\u{2064}'  // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'  // isolates
        | '\u{FEFF}'               // byte-order mark / zero-width no-break space
    )
}

/// Zero-width non-joiner and joiner (U+200C, U+200D): they carry meaning inside a word (Persian
/// and Indic spelling, emoji sequences such as 👩‍👩‍👧), so they are kept between two visible
/// characters and removed anywhere else.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

fn is_visible(c: Option<&char>) -> bool {
    c.is_some_and(|&c| !c.is_whitespace() && !is_stripped(c) && !is_joiner(c))
}

/// A statement's text as the room keeps and compares it: zero-width and bidi-control characters
/// removed (U+200B–U+200F, U+202A–U+202E, U+2060–U+2064, U+2066–U+2069, U+FEFF, U+061C; a
/// joiner U+200C/U+200D only where it is not between two visible characters), Unicode NFC,
/// every run of whitespace (full-width U+3000 and line breaks included) one space, no space at
/// either end. An empty result means there was nothing to read.
pub(crate) fn normalise(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let kept = chars.iter().enumerate().filter_map(|(i, &c)| {
        let keep = if is_stripped(c) {
            false
        } else if is_joiner(c) {
            i > 0 && is_visible(chars.get(i - 1)) && is_visible(chars.get(i + 1))
        } else {
            true
        };
        keep.then_some(c)
    });
    let mut out = String::with_capacity(text.len());
    for word in kept.nfc().collect::<String>().split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalise;

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

    #[test]
    fn case_is_kept() {
        assert_eq!(normalise("Buses"), "Buses");
        assert_ne!(normalise("Buses"), normalise("buses"));
    }
}
