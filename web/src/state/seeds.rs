//! The start page's seed statements, one per line, checked as the facilitator types them: a
//! statement over the room's length limit, or two lines saying the same, named by number and
//! first words. The server refuses the same (and says only "That is too long." once worded in
//! the facilitator's language), so a list of twenty pasted statements would otherwise leave
//! them guessing which one.

/// What is wrong with the seed statements, the first problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeedProblem {
    /// Statement `n` (1-based, among the non-empty lines) has `chars` characters.
    TooLong {
        /// Its number.
        n: usize,
        /// Its length in characters.
        chars: usize,
        /// Its first words, to find it.
        start: String,
    },
    /// Statements `first` and `second` say the same.
    Duplicate {
        /// The earlier one's number.
        first: usize,
        /// The later one's number.
        second: usize,
        /// Their first words.
        start: String,
    },
}

/// The statements the form sends: each line trimmed, whitespace runs as one space (as the
/// server reads them), empty lines left out.
pub fn seed_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// A statement's first words, cut with "…" when longer than 24 characters.
fn start_of(text: &str) -> String {
    let mut s: String = text.chars().take(24).collect();
    if text.chars().count() > 24 {
        s.push('…');
    }
    s
}

/// The first problem of the seed statements in `text` with at most `max` characters each.
pub fn seed_problem(text: &str, max: u32) -> Option<SeedProblem> {
    let lines = seed_lines(text);
    for (i, line) in lines.iter().enumerate() {
        let chars = line.chars().count();
        if chars > max as usize {
            return Some(SeedProblem::TooLong {
                n: i + 1,
                chars,
                start: start_of(line),
            });
        }
        if let Some(j) = lines[..i].iter().position(|earlier| earlier == line) {
            return Some(SeedProblem::Duplicate {
                first: j + 1,
                second: i + 1,
                start: start_of(line),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_named_by_its_number_among_the_statements() {
        let long = "長".repeat(281);
        let text = format!("first\n\n  second  one \n{long}\nlast");
        assert_eq!(seed_lines(&text)[1], "second one");
        assert_eq!(
            seed_problem(&text, 280),
            Some(SeedProblem::TooLong {
                n: 3,
                chars: 281,
                start: format!("{}…", "長".repeat(24)),
            })
        );
        assert_eq!(seed_problem(&format!("a\n{}", "長".repeat(280)), 280), None);
    }

    #[test]
    fn the_same_statement_twice_is_named_by_both_numbers() {
        assert_eq!(
            seed_problem("one\ntwo\n one  \nthree", 280),
            Some(SeedProblem::Duplicate {
                first: 1,
                second: 3,
                start: "one".into(),
            })
        );
        assert_eq!(seed_problem("", 280), None);
    }
}
