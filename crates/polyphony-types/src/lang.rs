//! The languages Polyphony speaks, one type for every screen and the report: the web app's
//! switcher, the report's `?lang=`, the CLI's `--lang` and the reader's `Accept-Language` all
//! name the same four.

use std::str::FromStr;

/// A language of the interface and the report.
///
/// ```
/// use polyphony_types::Lang;
/// assert_eq!(Lang::ALL.len(), 4);
/// assert_eq!(Lang::default(), Lang::En);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// 繁體中文 (Taiwan).
    ZhTw,
    /// English.
    #[default]
    En,
    /// 日本語.
    Ja,
    /// 한국어.
    Ko,
}

/// A language tag none of the four answers to.
///
/// ```
/// use polyphony_types::{Lang, UnknownLang};
/// assert_eq!("de".parse::<Lang>(), Err(UnknownLang("de".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}` (zh-TW, en, ja or ko)")]
pub struct UnknownLang(pub String);

impl Lang {
    /// Every language, in the switcher's order.
    pub const ALL: [Lang; 4] = [Lang::ZhTw, Lang::En, Lang::Ja, Lang::Ko];

    /// BCP 47 tag, for `<html lang>`, storage and the command line.
    ///
    /// ```
    /// assert_eq!(polyphony_types::Lang::ZhTw.tag(), "zh-TW");
    /// ```
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
        }
    }

    /// The language's name in itself, for a language switcher.
    ///
    /// ```
    /// use polyphony_types::Lang;
    /// assert_eq!(Lang::ZhTw.endonym(), "繁體中文");
    /// assert_eq!(Lang::Ko.endonym(), "한국어");
    /// ```
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::ZhTw => "繁體中文",
            Lang::En => "English",
            Lang::Ja => "日本語",
            Lang::Ko => "한국어",
        }
    }

    /// A browser's language tag (`navigator.language`): any Chinese tag gives 繁體中文, `ja*`
    /// 日本語, `ko*` 한국어, anything else English.
    ///
    /// ```
    /// use polyphony_types::Lang;
    /// assert_eq!(Lang::from_tag("zh-Hant-HK"), Lang::ZhTw);
    /// assert_eq!(Lang::from_tag("ja-JP"), Lang::Ja);
    /// assert_eq!(Lang::from_tag("fr-FR"), Lang::En);
    /// ```
    pub fn from_tag(tag: &str) -> Lang {
        Lang::of_primary(tag).unwrap_or(Lang::En)
    }

    /// The language of a tag's primary subtag, if it is one of the four.
    fn of_primary(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhTw),
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The reader's language from an HTTP `Accept-Language` value: the first of the listed
    /// languages (by `q` weight, then order) Polyphony speaks, `None` if it speaks none of
    /// them. Regions are ignored (`ja-JP` is `ja`), every Chinese tag reads as `zh-TW` (the
    /// only Chinese), and `*` and `q=0` are skipped.
    ///
    /// ```
    /// use polyphony_types::Lang;
    /// assert_eq!(Lang::from_accept_language("fr-CH, ja;q=0.8, en;q=0.9"), Some(Lang::En));
    /// assert_eq!(Lang::from_accept_language("ko-KR,ko;q=0.9"), Some(Lang::Ko));
    /// assert_eq!(Lang::from_accept_language("zh-Hant-TW"), Some(Lang::ZhTw));
    /// assert_eq!(Lang::from_accept_language("de, *;q=0.5"), None);
    /// ```
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f64, usize, Lang)> = Vec::new();
        for (order, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let q = parts
                .find_map(|p| {
                    let (name, value) = p.trim().split_once('=')?;
                    name.trim().eq_ignore_ascii_case("q").then(|| value.trim())
                })
                .map_or(1.0, |v| v.parse::<f64>().unwrap_or(0.0));
            if q.is_nan() || q <= 0.0 || tag == "*" {
                continue;
            }
            if let Some(lang) = Lang::of_primary(tag) {
                ranked.push((q, order, lang));
            }
        }
        // Highest weight first; equal weights keep the header's order.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// One of the four tags, any case (`zh-TW`, `en`, `ja`, `ko`; `zh`, `zh_TW`, `zh-Hant`
    /// also work).
    ///
    /// ```
    /// use polyphony_types::Lang;
    /// assert_eq!("JA".parse::<Lang>(), Ok(Lang::Ja));
    /// assert_eq!("zh_TW".parse::<Lang>(), Ok(Lang::ZhTw));
    /// assert!("de".parse::<Lang>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-tw" | "zh" | "zh-hant" | "zh-hant-tw" => Ok(Lang::ZhTw),
            "en" => Ok(Lang::En),
            "ja" => Ok(Lang::Ja),
            "ko" => Ok(Lang::Ko),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}
