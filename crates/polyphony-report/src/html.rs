//! HTML building blocks: escaping, percentages, the palette and the style sheet.

use polyphony_core::VoteShares;

use crate::i18n::{t, Key, Lang};

/// Escapes text for an HTML text node or a quoted attribute value.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A share 0–1 as a whole percentage.
pub(crate) fn pct(share: f64) -> String {
    if share.is_finite() {
        format!("{:.0}", (100.0 * share).clamp(0.0, 100.0))
    } else {
        "0".to_string()
    }
}

/// Group colours, by position (A, B, C, D, E): Okabe–Ito bluish green, yellow, reddish purple
/// and sky blue, then a sand. None of them is a vote's colour (agree blue, disagree vermillion:
/// `.ag`, `.di` in [`CSS`]), so a group's row of bars never reads as another group, under
/// deuteranopia and protanopia too (`tests.rs` simulates both); groups also carry their letters,
/// in black with a dark outline.
/// The web app's `palette.rs` holds the same list, so the report reads like the room.
pub(crate) const PALETTE: [&str; 5] = ["#009E73", "#F0E442", "#CC79A7", "#56B4E9", "#DDCC77"];

/// Colour of people outside any group (as the web app's `NO_GROUP`).
pub(crate) const OUTSIDE: &str = "#6B6B6B";

/// The colour of the group at `index` (position among the groups).
pub(crate) fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// One row of stacked agree / disagree / pass bars, with the percentages as text.
pub(crate) fn bar_row(lang: Lang, label: &str, index: Option<usize>, s: &VoteShares) -> String {
    let swatch = index.map_or(OUTSIDE, colour);
    let (a, d, p) = (pct(s.agree), pct(s.disagree), pct(s.pass));
    format!(
        concat!(
            r#"<div class="row"><span class="gl" style="background:{sw}">{label}</span>"#,
            r#"<span class="bar"><span class="ag" style="width:{a}%"></span>"#,
            r#"<span class="di" style="width:{d}%"></span><span class="pa" style="width:{p}%"></span></span>"#,
            r#"<span class="nums">{a}% {ta} · {d}% {td} · {p}% {tp} <small>(n={n})</small></span></div>"#
        ),
        sw = swatch,
        label = esc(label),
        a = a,
        d = d,
        p = p,
        ta = t(lang, Key::Agree),
        td = t(lang, Key::Disagree),
        tp = t(lang, Key::Pass),
        n = s.seen,
    )
}

/// The whole style sheet. Phone-first: nothing is wider than a 390 px screen (long words wrap,
/// the spectrum table shrinks its headings and scrolls inside its own box if it must). Print:
/// A4, sections flow on from one another; a heading stays with what follows it, and a
/// statement, a bar, a table row, a table's notes or the map is never split across pages.
pub(crate) const CSS: &str = r#"
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK TC","Noto Sans CJK JP","Noto Sans CJK KR","PingFang TC","Hiragino Sans","Malgun Gothic",sans-serif;line-height:1.55;color:#1d1d1f;background:#fff}
main{max-width:52rem;margin:0 auto;padding:1rem}
.langs{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:0 1rem;font-size:.95rem;margin:-.4rem 0 .4rem}
.langs a,.langs span{display:inline-block;padding:.4rem 0}
.langs a{color:#0b57a4}
.langs [aria-current]{font-weight:700}
header{border-bottom:3px solid #1d1d1f;margin-bottom:1rem}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.8rem;color:#555;margin:0}
:lang(ko){word-break:keep-all}
:lang(ja){word-break:auto-phrase}
h1,h2,h3,h4{overflow-wrap:anywhere}
h1{font-size:1.8rem;line-height:1.25;margin:.2rem 0 .6rem}
h2{font-size:1.35rem;margin:1.6rem 0 .6rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
h3{font-size:1.1rem;margin:1.1rem 0 .4rem}
h4{font-size:1rem;margin:.7rem 0 .2rem}
p,li{overflow-wrap:anywhere}
.desc{white-space:pre-line}
.counts{display:flex;flex-wrap:wrap;gap:.6rem;list-style:none;padding:0;margin:1rem 0}
.counts li{flex:1 1 5.5rem;border:1px solid #ccc;border-radius:.5rem;padding:.5rem;font-size:.9rem;overflow-wrap:normal}
.counts b{display:block;font-size:1.6rem}
.map svg{display:block;width:100%;height:auto;border:1px solid #ccc;border-radius:.5rem;background:#fafafa}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;list-style:none;padding:0}
.gl{display:inline-block;min-width:1.6rem;text-align:center;font-weight:700;border-radius:.3rem;padding:0 .3rem;color:#000;border:1px solid #1d1d1f}
.st{margin:.8rem 0;padding:.5rem .8rem;border-left:4px solid #bbb;background:#f6f6f6;page-break-inside:avoid;break-inside:avoid}
.st.agree{border-left-color:#0072B2}.st.disagree{border-left-color:#D55E00}
.st .text{margin:0 0 .3rem}
.st ul{margin:.2rem 0 0;padding-left:1.2rem;font-size:.9rem}
.sid{color:#555;font-size:.85rem;margin-right:.3rem}
.why{font-size:.9rem;color:#333;margin:0 0 .3rem}
.dir{color:#1d1d1f}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .5rem;margin:.15rem 0}
.bar{display:flex;flex:1 1 8rem;min-width:6rem;height:.9rem;border-radius:.2rem;overflow:hidden;background:#eee}
.bar span{display:block;height:100%}
.ag{background:#0072B2}.di{background:#D55E00}.pa{background:#c8c8c8}
.nums{font-size:.85rem;flex:1 1 12rem}
.keyline{font-size:.85rem;color:#333}
.keyline i{display:inline-block;width:.8rem;height:.8rem;vertical-align:middle;margin:0 .2rem 0 .6rem;border-radius:.15rem}
.tw{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .3rem;text-align:center}
th:first-child,td:first-child{text-align:left}
.spec th{font-size:.85rem;font-weight:600;line-height:1.3;overflow-wrap:anywhere}
.spec th[scope=row]{font-weight:400;text-align:left;min-width:6rem;overflow-wrap:normal}
.spec td{min-width:2.8rem}
.spec td .bar{flex:none;width:100%;min-width:0;height:.45rem;margin-top:.15rem}
.tn ul{margin:.2rem 0 .6rem}
.muted{color:#555}
footer{margin-top:2rem;border-top:1px solid #ccc;font-size:.85rem;color:#555}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{size:A4;margin:14mm}
@media print{
 main{max-width:none;padding:0}
 body{font-size:9.5pt;line-height:1.35}
 p{margin:.35em 0}
 .why,.nums,.keyline,.st ul{font-size:.8rem}
 .langs{display:none}
 header{margin-bottom:.6rem}
 h1{font-size:1.6rem}
 h2{font-size:1.25rem;margin:1rem 0 .4rem}
 h3{margin:.7rem 0 .3rem}
 h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}
 .st{margin:.45rem 0;padding:.3rem .6rem}
 .row{margin:.05rem 0}
 .bar{height:.75rem}
 .counts{margin:.6rem 0}
 .counts b{font-size:1.3rem}
 .st,.tn,.row,.counts,.legend,li,tr,svg,footer{break-inside:avoid;page-break-inside:avoid}
 .map svg{width:58%;margin:0 auto}
 footer{margin-top:1rem}
}
"#;
