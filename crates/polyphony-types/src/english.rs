//! English nouns after a count of one: a template says "{n} notes waiting for release", and
//! with n = 1 the screen says "1 note waiting for release" (the walk-through found "1 notes" on
//! the console). Only the template's own words change, before the values are filled in: a
//! statement's text is never touched. Other languages' templates hold none of these words.
//!
//! One function for every screen and the report (the web app's and the report's `fill`).

/// Plural phrases of the English templates after a count, and what they become after a count
/// of one; longest first, so a phrase with its verb wins over the bare noun.
const AFTER_ONE: [(&str, &str); 15] = [
    ("people now vote", "person now votes"),
    ("people have voted", "person has voted"),
    ("people get", "person gets"),
    ("people", "person"),
    ("participants", "participant"),
    ("statements", "statement"),
    ("characters", "character"),
    ("positions", "position"),
    ("minutes", "minute"),
    ("rounds", "round"),
    ("tables", "table"),
    ("groups", "group"),
    ("votes", "vote"),
    ("notes", "note"),
    ("cards", "card"),
];

/// `template` with each `{name} <plural>` whose value is exactly "1" turned singular.
///
/// ```
/// use polyphony_types::english::singular_after_one;
/// let values = [("n", "1".to_string())];
/// assert_eq!(singular_after_one("{n} notes waiting for release", &values), "{n} note waiting for release");
/// assert_eq!(singular_after_one("{n} people now vote alike.", &values), "{n} person now votes alike.");
/// let two = [("n", "2".to_string())];
/// assert_eq!(singular_after_one("{n} notes waiting", &two), "{n} notes waiting");
/// ```
pub fn singular_after_one(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        if value != "1" {
            continue;
        }
        let slot = format!("{{{name}}} ");
        for (plural, singular) in AFTER_ONE {
            out = replace_words(
                &out,
                &format!("{slot}{plural}"),
                &format!("{slot}{singular}"),
            );
        }
    }
    out
}

/// `text` with every `from` that ends at a word boundary replaced by `to` ("{n} notes" but not
/// "{n} notesX").
fn replace_words(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let after = &rest[i + from.len()..];
        let boundary = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if boundary { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &'static str) -> Vec<(&'static str, String)> {
        vec![(name, "1".to_string())]
    }

    #[test]
    fn a_count_of_one_takes_the_singular() {
        assert_eq!(
            singular_after_one("{n} statements waiting", &one("n")),
            "{n} statement waiting"
        );
        assert_eq!(
            singular_after_one("Round {round}: {n} people placed", &one("n")),
            "Round {round}: {n} person placed"
        );
        assert_eq!(
            singular_after_one("{n} of the {asked} people have voted again.", &one("asked")),
            "{n} of the {asked} person has voted again."
        );
        assert_eq!(
            singular_after_one("Form tables again? {n} people get new tables.", &one("n")),
            "Form tables again? {n} person gets new tables."
        );
    }

    #[test]
    fn other_counts_and_other_words_stay() {
        for n in ["0", "2", "11", "21", "1.0"] {
            let v = vec![("n", n.to_string())];
            assert_eq!(
                singular_after_one("{n} people placed", &v),
                "{n} people placed"
            );
        }
        // Only the slot whose value is one, and only whole words.
        let v = vec![("n", "1".to_string()), ("total", "5".to_string())];
        assert_eq!(
            singular_after_one("{n} of {total} tables", &v),
            "{n} of {total} tables"
        );
        assert_eq!(singular_after_one("{n} peoples", &one("n")), "{n} peoples");
        // Other languages' templates have none of these words.
        assert_eq!(
            singular_after_one("{n} 則筆記等待公開", &one("n")),
            "{n} 則筆記等待公開"
        );
        assert_eq!(
            singular_after_one("공개 대기 메모 {n}개", &one("n")),
            "공개 대기 메모 {n}개"
        );
    }
}
