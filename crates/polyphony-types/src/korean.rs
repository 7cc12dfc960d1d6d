//! Korean particles after a word filled into a template: a template says "{group}은(는)",
//! "{to}(으)로", and the particle is chosen from the word's last syllable, as a reader says it
//! (a Latin letter or a digit by its Korean reading: A 에이, L 엘, 1 일, 10 십). A word whose
//! ending cannot be told (Chinese characters, kana, symbols) keeps both forms.
//!
//! One function for every screen and the report (the web app's and the report's `fill`).

/// How a word ends, for its particle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ending {
    /// No final consonant (batchim): 는, 가, 를, 와, 로.
    Open,
    /// A final ㄹ: 은, 이, 을, 과, and 로.
    Rieul,
    /// Another final consonant: 은, 이, 을, 과, 으로.
    Closed,
}

/// The ending of a word that ends in `c`, if it can be told.
fn ending(c: char) -> Option<Ending> {
    let code = u32::from(c);
    if (0xAC00..=0xD7A3).contains(&code) {
        return Some(match (code - 0xAC00) % 28 {
            0 => Ending::Open,
            8 => Ending::Rieul,
            _ => Ending::Closed,
        });
    }
    match c.to_ascii_uppercase() {
        // 엘; 엠, 엔; every other letter's reading ends open (에이, 비, 씨, …, 아르, 에스).
        'L' => Some(Ending::Rieul),
        'M' | 'N' => Some(Ending::Closed),
        'A'..='Z' => Some(Ending::Open),
        // 일, 칠, 팔; 삼, 육, and 영 (and 십, 백, 천, 만 for a number ending in 0).
        '1' | '7' | '8' => Some(Ending::Rieul),
        '0' | '3' | '6' => Some(Ending::Closed),
        '2' | '4' | '5' | '9' => Some(Ending::Open),
        _ => None,
    }
}

/// The pairs a template may write, and the particle after a closed and an open ending.
const PAIRS: [(&str, &str, &str); 8] = [
    ("은(는)", "은", "는"),
    ("는(은)", "은", "는"),
    ("이(가)", "이", "가"),
    ("가(이)", "이", "가"),
    ("을(를)", "을", "를"),
    ("를(을)", "을", "를"),
    ("와(과)", "과", "와"),
    ("과(와)", "과", "와"),
];

/// "(으)로": 으로 after a final consonant other than ㄹ, else 로.
const RO: &str = "(으)로";

/// Quotes and brackets that may close a word before its particle ("‘수집’(으)로").
fn closes(c: char) -> bool {
    matches!(
        c,
        '’' | '”' | '\'' | '"' | ')' | ']' | '」' | '』' | '》' | '〉' | '）'
    )
}

/// `text` with every particle pair resolved after the word before it; pairs after a word whose
/// ending cannot be told stay as written.
///
/// ```
/// use polyphony_types::korean::particles;
/// assert_eq!(particles("A에서 B(으)로"), "A에서 B로");
/// ```
pub fn particles(text: &str) -> String {
    if !text.contains('(') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let found = PAIRS
            .iter()
            .map(|(pair, closed, open)| (*pair, Some((*closed, *open))))
            .chain([(RO, None)])
            .filter_map(|(pair, forms)| rest.find(pair).map(|at| (at, pair, forms)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, pair, forms)) = found else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..at]);
        let before = out.chars().rev().find(|c| !closes(*c)).and_then(ending);
        let chosen = match (forms, before) {
            (_, None) => pair,
            (Some((closed, _)), Some(Ending::Closed | Ending::Rieul)) => closed,
            (Some((_, open)), Some(Ending::Open)) => open,
            (None, Some(Ending::Closed)) => "으로",
            (None, Some(Ending::Open | Ending::Rieul)) => "로",
        };
        out.push_str(chosen);
        rest = &rest[at + pair.len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_particle_follows_the_last_syllable() {
        // The walk-through's report: "때와(과) … 때을(를)" and "B(으)로".
        assert_eq!(
            particles("처음 나타난 때와(과) 워크숍이 끝난 때을(를) 비교합니다."),
            "처음 나타난 때와 워크숍이 끝난 때를 비교합니다."
        );
        assert_eq!(particles("A에서 B(으)로 5명"), "A에서 B로 5명");
        assert_eq!(particles("학생와(과) 선생님"), "학생과 선생님");
        assert_eq!(particles("책을(를)"), "책을");
        assert_eq!(particles("나무이(가)"), "나무가");
        assert_eq!(particles("사람은(는)"), "사람은");
    }

    #[test]
    fn ro_takes_ro_after_rieul_and_after_no_final_consonant() {
        assert_eq!(particles("서울(으)로"), "서울로");
        assert_eq!(particles("바다(으)로"), "바다로");
        assert_eq!(
            particles("지금 모든 화면을 ‘수집’(으)로 바꿀까요?"),
            "지금 모든 화면을 ‘수집’으로 바꿀까요?"
        );
    }

    #[test]
    fn letters_and_digits_by_their_korean_reading() {
        assert_eq!(particles("A은(는) 대체로 동의"), "A는 대체로 동의");
        assert_eq!(particles("b은(는)"), "b는");
        assert_eq!(particles("L은(는)"), "L은");
        assert_eq!(particles("M이(가)"), "M이");
        assert_eq!(particles("C(으)로"), "C로");
        assert_eq!(particles("L(으)로"), "L로");
        assert_eq!(particles("N(으)로"), "N으로");
        assert_eq!(particles("1(으)로"), "1로", "일");
        assert_eq!(particles("3(으)로"), "3으로", "삼");
        assert_eq!(particles("10(으)로"), "10으로", "십");
        assert_eq!(particles("2을(를)"), "2를", "이");
        assert_eq!(particles("‘제목’이(가) 40자입니다"), "‘제목’이 40자입니다");
    }

    #[test]
    fn an_ending_that_cannot_be_told_keeps_both_forms() {
        assert_eq!(
            particles("行人優先은(는) 대체로 동의"),
            "行人優先은(는) 대체로 동의"
        );
        assert_eq!(particles("(으)로"), "(으)로");
        assert_eq!(particles("plain (text) here"), "plain (text) here");
        assert_eq!(particles(""), "");
    }
}
