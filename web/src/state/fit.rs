//! How much text fits the projector. Every projector size is a multiple of one unit that scales
//! with the viewport (`--u` in `style.css`: 36 px at 1920 × 1080), so a region measured in that
//! unit holds the same text at 720p, 1080p and 4K; these estimates choose how many items to show
//! so that a stage never scrolls, where a list is not measured on the page: the divisive and
//! common-ground lists are (`components::list_fit`, the estimates were cautious and left the
//! screen a third empty), and so are a table tile's notes ([`newest_that_fit`]).

/// A region of the projector in its text unit: `cols` ems wide, `lines` lines tall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Width, in ems.
    pub cols: f64,
    /// Height, in lines of body text.
    pub lines: f64,
}

/// Whether a character is set a full em wide (CJK ideographs, kana, hangul, full-width forms).
fn wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x11FF | 0x2E80..=0x303F | 0x3040..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFF)
}

/// The estimated width of `text` in ems: a full em for Chinese (which breaks between any two
/// characters), about half for Latin script with some slack for breaking between words. Japanese
/// (kana) and Korean (hangul) text breaks only between phrases and words (`style.css`), so its
/// lines end short: its wide characters count 15% more.
pub fn text_width(text: &str) -> f64 {
    let phrased = text
        .chars()
        .any(|c| matches!(u32::from(c), 0x3040..=0x30FF | 0xAC00..=0xD7A3));
    let wide_em = if phrased { 1.15 } else { 1.0 };
    text.chars()
        .map(|c| {
            if wide(c) {
                wide_em
            } else if c == ' ' {
                0.33
            } else {
                0.63
            }
        })
        .sum()
}

/// How many lines `text` takes in a column `cols` ems wide (at least one).
pub fn text_lines(text: &str, cols: f64) -> f64 {
    (text_width(text) / cols.max(1.0)).ceil().max(1.0)
}

/// The phone's type size for a statement (a class of `.statement-text`): a long statement is
/// set smaller, so that it and its buttons stay whole on a 390 × 844 phone's first screen — at
/// the largest size a statement of 280 characters pushed the buttons below it. By width in ems
/// ([`text_width`]): CJK counts a full em a character. Above the spectrum's five steps
/// (`spectrum`) there is less room than above agree / disagree / pass, so a statement is set
/// smaller sooner (a 280-character statement in Latin script fits; 280 CJK characters fit
/// above the three buttons only).
pub fn phone_statement_size(text: &str, spectrum: bool) -> &'static str {
    let w = text_width(text) * if spectrum { 4.0 / 3.0 } else { 1.0 };
    if w <= 60.0 {
        ""
    } else if w <= 110.0 {
        "long"
    } else if w <= 170.0 {
        "longer"
    } else {
        "longest"
    }
}

/// The language to mark a room's text with (its `lang`), for where its lines may break: Korean
/// between words, Japanese between phrases (`style.css`). Korean when it has Hangul, Japanese
/// when it has kana, else the room's language: a Korean statement in a room made in Chinese, read
/// on a phone in English, still keeps its words whole.
pub fn text_lang(text: &str, room: &str) -> String {
    let hangul = text
        .chars()
        .any(|c| matches!(u32::from(c), 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F));
    let kana = text
        .chars()
        .any(|c| matches!(u32::from(c), 0x3040..=0x30FF));
    match (hangul, kana) {
        (true, false) => "ko".into(),
        (false, true) => "ja".into(),
        _ => room.to_string(),
    }
}

/// How many lines `text` takes after a label `extra` ems wide, in a column `cols` ems wide.
pub fn lines_with(extra: f64, text: &str, cols: f64) -> f64 {
    ((extra + text_width(text)) / cols.max(1.0)).ceil().max(1.0)
}

/// How many of the items (each costing so many lines) fit in `lines`, in order.
pub fn how_many(costs: impl IntoIterator<Item = f64>, lines: f64) -> usize {
    let mut used = 0.0;
    let mut n = 0;
    for c in costs {
        if used + c > lines {
            break;
        }
        used += c;
        n += 1;
    }
    n
}

/// How many of a tile's newest notes show whole, measured on the page (any font, any screen):
/// `bottoms` are the notes' bottom edges (oldest first) as laid out one under another from
/// `top`, `room` is where the tile's content ends and `more` the height of the "and n more"
/// line. All of them when all fit; else the newest that fit above that line, and whether the
/// line itself fits (a dense board may have room for neither). A note is never cut: one that
/// does not fit is left out with the older ones.
pub fn newest_that_fit(top: f64, bottoms: &[f64], room: f64, more: f64) -> (usize, bool) {
    let n = bottoms.len();
    let Some(&last) = bottoms.last() else {
        return (0, false);
    };
    // Half a pixel of rounding.
    if last <= room + 0.5 {
        return (n, false);
    }
    let start = |j: usize| if j == 0 { top } else { bottoms[j - 1] };
    let shown = (1..n)
        .rev()
        .find(|&k| top + (last - start(n - k)) + more <= room + 0.5)
        .unwrap_or(0);
    (shown, top + more <= room + 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_marked_with_its_script_s_language() {
        assert_eq!(
            text_lang("전동킥보드는 보도 주행을 금지해야 한다.", "zh-TW"),
            "ko"
        );
        assert_eq!(
            text_lang("電動キックボードは歩道で禁止すべきだ。", "zh-TW"),
            "ja"
        );
        assert_eq!(
            text_lang("我覺得電動滑板車應該禁止騎上人行道。", "ja"),
            "ja"
        );
        assert_eq!(text_lang("I think so.", "ko"), "ko");
        assert_eq!(text_lang("한국어と日本語", "en"), "en");
    }

    #[test]
    fn a_long_statement_is_set_smaller_on_the_phone() {
        assert_eq!(
            phone_statement_size("I think scooters need a helmet.", false),
            ""
        );
        assert_eq!(phone_statement_size(&"word ".repeat(30), false), "long");
        assert_eq!(phone_statement_size(&"word ".repeat(50), false), "longer");
        assert_eq!(phone_statement_size(&"word ".repeat(70), false), "longest");
        // CJK counts a full em a character: 280 of them are the smallest.
        assert_eq!(phone_statement_size(&"字".repeat(50), false), "");
        assert_eq!(phone_statement_size(&"字".repeat(100), false), "long");
        assert_eq!(phone_statement_size(&"字".repeat(280), false), "longest");
        // Above the spectrum's five steps, smaller sooner.
        assert_eq!(phone_statement_size(&"word ".repeat(50), true), "longest");
        assert_eq!(phone_statement_size(&"字".repeat(50), true), "long");
    }

    #[test]
    fn chinese_is_a_full_em_a_character() {
        let zh = "我".repeat(140);
        assert_eq!(text_lines(&zh, 30.0), 5.0);
        assert_eq!(text_lines("short", 30.0), 1.0);
        assert_eq!(text_lines("", 30.0), 1.0);
        let en = "word ".repeat(40);
        assert!(text_lines(&en, 30.0) < text_lines(&"字".repeat(200), 30.0));
    }

    #[test]
    fn items_are_taken_while_they_fit() {
        assert_eq!(how_many([5.0, 5.0, 5.0, 5.0], 16.0), 3);
        assert_eq!(how_many([20.0, 1.0], 16.0), 0);
        assert_eq!(how_many([], 16.0), 0);
    }

    #[test]
    fn notes_are_shown_whole_newest_first() {
        // Three notes of 40 px from 100: all fit down to 220.
        let bottoms = [140.0, 180.0, 220.0];
        assert_eq!(newest_that_fit(100.0, &bottoms, 220.0, 30.0), (3, false));
        assert_eq!(newest_that_fit(100.0, &bottoms, 400.0, 30.0), (3, false));
        assert_eq!(newest_that_fit(100.0, &[], 400.0, 30.0), (0, false));
        // Room to 200: the newest two (80 px) and the "more" line (30) do not, one does.
        assert_eq!(newest_that_fit(100.0, &bottoms, 200.0, 30.0), (1, true));
        assert_eq!(newest_that_fit(100.0, &bottoms, 210.0, 30.0), (2, true));
        // A newest note taller than the room: nothing cut, all counted as more.
        assert_eq!(
            newest_that_fit(100.0, &[140.0, 400.0], 200.0, 30.0),
            (0, true)
        );
        // No room even for the "more" line.
        assert_eq!(newest_that_fit(100.0, &[140.0], 120.0, 30.0), (0, false));
    }
}
