//! The opinion map as inline SVG: one dot per participant (no ids), group letters at the
//! group centres.

use std::fmt::Write;

use polyphony_core::Analysis;

use crate::html::{colour, esc, OUTSIDE};

const W: f64 = 600.0;
const H: f64 = 400.0;
const PAD: f64 = 24.0;

/// The map; `title` is its accessible name. `labels` maps a group id to (palette index, label).
pub(crate) fn svg(
    a: &Analysis,
    title: &str,
    labels: &std::collections::BTreeMap<u32, (usize, String)>,
) -> String {
    let centres: Vec<(usize, &str, [f64; 2])> = a
        .groups
        .iter()
        .flat_map(|g| &g.groups)
        .filter_map(|g| labels.get(&g.id).map(|(i, l)| (*i, l.as_str(), g.center)))
        .collect();
    let points = a
        .participants
        .iter()
        .map(|p| p.position)
        .chain(centres.iter().map(|c| c.2))
        .filter(|p| p[0].is_finite() && p[1].is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for [x, y] in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (-1.0, 1.0, -1.0, 1.0);
    }
    // One scale for both axes, so distances on the page mean the same in every direction.
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let scale = ((W - 2.0 * PAD) / span).min((H - 2.0 * PAD) / span);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let at = |p: [f64; 2]| -> (f64, f64) {
        let x = if p[0].is_finite() { p[0] } else { cx };
        let y = if p[1].is_finite() { p[1] } else { cy };
        (W / 2.0 + (x - cx) * scale, H / 2.0 - (y - cy) * scale)
    };
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg viewBox="0 0 {W} {H}" role="img" aria-labelledby="map-title"><title id="map-title">{}</title>"#,
        esc(title)
    );
    let _ = write!(
        o,
        r##"<line x1="{m}" y1="{PAD}" x2="{m}" y2="{b}" stroke="#ddd"/><line x1="{PAD}" y1="{mh}" x2="{r}" y2="{mh}" stroke="#ddd"/>"##,
        m = W / 2.0,
        b = H - PAD,
        mh = H / 2.0,
        r = W - PAD
    );
    o.push_str(r##"<g class="dots" fill-opacity="0.85" stroke="#333" stroke-width="0.8">"##);
    // People who voted alike sit on the same spot: each further dot there goes out on a small
    // spiral (golden angle), so every person stays visible as a dot of their own.
    let mut taken: std::collections::HashMap<(i64, i64), u32> = std::collections::HashMap::new();
    for p in &a.participants {
        let fill = p
            .group
            .and_then(|g| labels.get(&g))
            .map_or(OUTSIDE, |(i, _)| colour(*i));
        let (x, y) = at(p.position);
        let k = taken
            .entry(((x * 2.0) as i64, (y * 2.0) as i64))
            .or_insert(0);
        let (r, angle) = (5.0 * f64::from(*k).sqrt(), f64::from(*k) * 2.399_963);
        *k += 1;
        let (x, y) = (x + r * angle.cos(), y + r * angle.sin());
        let _ = write!(
            o,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{fill}"/>"#
        );
    }
    o.push_str("</g>");
    for (i, label, c) in &centres {
        let (x, y) = at(*c);
        let _ = write!(
            o,
            concat!(
                r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" dominant-baseline="central" "##,
                r##"font-size="30" font-weight="700" fill="#111" stroke="{col}" stroke-width="6" "##,
                r##"paint-order="stroke">{l}</text>"##
            ),
            x = x,
            y = y,
            col = colour(*i),
            l = esc(label)
        );
    }
    o.push_str("</svg>");
    o
}
