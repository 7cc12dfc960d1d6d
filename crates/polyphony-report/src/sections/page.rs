//! The HTML page around the sections: head, style sheet, the language links; and the page
//! shown before the report is published.

use std::fmt::Write;

use crate::html::{esc, CSS};
use crate::i18n::{t, Key, Lang};
use crate::Switcher;

/// The page's icon, inline and empty: without it a browser asks the server for `/favicon.ico`
/// (a 404 and a console error on every report).
pub(crate) const ICON: &str = r#"<link rel="icon" href="data:,">"#;

/// A complete document: `title` and `body` are HTML; the language links go first.
pub(super) fn page(lang: Lang, title: &str, switcher: Option<&Switcher>, body: &str) -> String {
    format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "{icon}<title>{title}</title><style>{css}</style></head>\n",
            "<body><main>\n{nav}{body}</main></body></html>\n"
        ),
        lang = lang.tag(),
        icon = ICON,
        title = title,
        css = CSS,
        nav = switcher.map_or_else(String::new, |s| languages(lang, s)),
        body = body,
    )
}

/// Links to the same page in the other languages, the current one marked: `?lang=…`, plus
/// the key when the page was opened with one.
fn languages(current: Lang, switcher: &Switcher) -> String {
    let mut o = format!(
        r#"<nav class="langs" aria-label="{}">"#,
        t(current, Key::Languages)
    );
    for lang in Lang::ALL {
        let tag = lang.tag();
        if lang == current {
            let _ = write!(
                o,
                r#"<span aria-current="page" lang="{tag}">{}</span>"#,
                lang.endonym()
            );
            continue;
        }
        let mut href = format!("?lang={tag}");
        if let Some(key) = &switcher.key {
            href.push_str("&key=");
            href.push_str(&url_encode(key));
        }
        let _ = write!(
            o,
            r#"<a href="{}" hreflang="{tag}" lang="{tag}">{}</a>"#,
            esc(&href),
            lang.endonym()
        );
    }
    o.push_str("</nav>\n");
    o
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn url_encode(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            o.push(char::from(b));
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

/// The page before the report is published.
pub(crate) fn not_published(topic: &str, lang: Lang, switcher: bool) -> String {
    let body = format!(
        concat!(
            r#"<section id="not-published"><header><p class="kicker">{kicker}</p>"#,
            r#"<h1>{topic}</h1></header><h2>{title}</h2><p>{text}</p></section>"#
        ),
        kicker = t(lang, Key::Kicker),
        topic = esc(topic),
        title = t(lang, Key::NotPublishedTitle),
        text = t(lang, Key::NotPublishedText),
    );
    page(
        lang,
        &format!("{} — {}", t(lang, Key::NotPublishedTitle), esc(topic)),
        switcher.then_some(&Switcher { key: None }),
        &body,
    )
}
