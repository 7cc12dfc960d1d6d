//! The briefing the room read before the votes: each card's title, text and each side's
//! position with its source. An image is named by its address, as text: the report holds no
//! external resource and links only to itself, so nothing is fetched or followed from it.
//!
//! Its few words are here, one `match` per language, so the section stays in one file.

use std::fmt::Write as _;

use crate::html::esc;
use crate::i18n::Lang;

/// A briefing card as the report shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BriefInput {
    /// The card's title.
    pub title: String,
    /// The key facts (line breaks separate paragraphs).
    pub text: String,
    /// The image's address, if the card had one (shown as text, never loaded).
    pub image: Option<String>,
    /// Each side's position.
    pub positions: Vec<BriefSide>,
}

/// One side's position on a briefing card.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BriefSide {
    /// Who holds it.
    pub side: String,
    /// What they hold.
    pub text: String,
    /// Where it comes from (may be empty).
    pub source: String,
}

/// (heading, what the section is, "Source: ", "Image: ") in `lang`.
fn words(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::En => [
            "Briefing",
            "The key facts the room read before the votes, with each side's position.",
            "Source: ",
            "Image: ",
        ],
        Lang::ZhTw => [
            "議題簡介",
            "投票前大家讀到的議題重點，以及各方立場。",
            "來源：",
            "圖片：",
        ],
        Lang::Ja => [
            "ブリーフィング",
            "投票の前に参加者が読んだ論点の要点と、それぞれの立場。",
            "出典：",
            "画像：",
        ],
        Lang::Ko => [
            "브리핑",
            "투표 전에 참가자들이 읽은 쟁점의 핵심 사실과 각 측의 입장.",
            "출처: ",
            "이미지: ",
        ],
    }
}

/// Paragraphs of `text`, escaped.
fn paragraphs(o: &mut String, text: &str) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let _ = write!(o, "<p>{}</p>", esc(line));
    }
}

/// The briefing section (empty when there are no cards).
pub(crate) fn briefing(lang: Lang, cards: &[BriefInput]) -> String {
    if cards.is_empty() {
        return String::new();
    }
    let [title, intro, source, image] = words(lang);
    let mut o = format!(r#"<section id="briefing"><h2>{title}</h2><p>{intro}</p>"#);
    for c in cards {
        let _ = write!(o, r#"<div class="brief-card"><h3>{}</h3>"#, esc(&c.title));
        paragraphs(&mut o, &c.text);
        if let Some(url) = &c.image {
            let _ = write!(o, r#"<p class="brief-image">{image}{}</p>"#, esc(url));
        }
        if !c.positions.is_empty() {
            o.push_str("<ul>");
            for p in &c.positions {
                let _ = write!(o, "<li><strong>{}</strong>", esc(&p.side));
                paragraphs(&mut o, &p.text);
                if !p.source.trim().is_empty() {
                    let _ = write!(o, "<p><small>{source}{}</small></p>", esc(&p.source));
                }
                o.push_str("</li>");
            }
            o.push_str("</ul>");
        }
        o.push_str("</div>");
    }
    o.push_str("</section>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_briefing_is_escaped_and_fetches_nothing() {
        let cards = [BriefInput {
            title: "<b>Licences</b>".into(),
            text: "One.\n\nTwo & three.".into(),
            image: Some("https://example.org/a.png?x=\"1\"".into()),
            positions: vec![BriefSide {
                side: "Union".into(),
                text: "Same rules".into(),
                source: "https://example.org/union".into(),
            }],
        }];
        let html = briefing(Lang::ZhTw, &cards);
        assert!(html.starts_with(r#"<section id="briefing"><h2>議題簡介</h2>"#));
        assert!(
            html.contains("<h3>&lt;b&gt;Licences&lt;/b&gt;</h3><p>One.</p><p>Two &amp; three.</p>")
        );
        assert!(html.contains("圖片：https://example.org/a.png?x=&quot;1&quot;"));
        assert!(html.contains("<small>來源：https://example.org/union</small>"));
        for needle in ["src=", "href=", "<img", "url("] {
            assert!(!html.contains(needle), "{needle}");
        }
        assert_eq!(briefing(Lang::En, &[]), "");
    }
}
