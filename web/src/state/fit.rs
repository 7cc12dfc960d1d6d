//! How much text fits the projector. Every projector size is a multiple of one unit that scales
//! with the viewport (`--u` in `style.css`: 36 px at 1920 × 1080), so a region measured in that
//! unit holds the same text at 720p, 1080p and 4K; these estimates choose how many items to show
//! so that a stage never scrolls.

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

/// The estimated width of `text` in ems: a full em for CJK (which breaks between any two
/// characters), about half for Latin script with some slack for breaking between words.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            if wide(c) {
                1.0
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

/// How many of the newest `texts` (oldest first) fit `fit` whole, newest first: all when they
/// all fit, else as many as fit with one line kept for "and n more". A text is never cut: one
/// that does not fit is left out with the older ones.
pub fn newest_that_fit(texts: &[&str], fit: Fit) -> usize {
    let cost = |t: &&str| text_lines(t, fit.cols) + 0.15;
    if texts.iter().map(cost).sum::<f64>() <= fit.lines {
        return texts.len();
    }
    how_many(texts.iter().rev().map(cost), fit.lines - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let fit = Fit {
            cols: 20.0,
            lines: 6.0,
        };
        let long = "字".repeat(70);
        assert_eq!(newest_that_fit(&["a", "b", "c"], fit), 3, "all fit");
        assert_eq!(newest_that_fit(&[], fit), 0);
        // 70 characters take 4 lines of 20: one whole, the rest "and n more".
        assert_eq!(newest_that_fit(&[long.as_str(), long.as_str()], fit), 1);
        // The newest does not fit either: nothing cut, all counted as more.
        let longer = "字".repeat(200);
        assert_eq!(newest_that_fit(&["a", longer.as_str()], fit), 0);
        assert_eq!(newest_that_fit(&[longer.as_str(), "a", "b"], fit), 2);
    }
}
