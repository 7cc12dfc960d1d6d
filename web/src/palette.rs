//! The app's two colour codes, kept apart: votes (agree blue, disagree vermillion, pass grey, as
//! `style.css` paints the bars) and opinion groups (A bluish green, B yellow, C reddish purple,
//! then sky blue and sand). A group never wears a vote's colour, so a group's row of bars does
//! not read as another group, under the common colour-blindnesses too (the tests below simulate
//! deuteranopia and protanopia). Every group mark also carries its letter in black and a black
//! outline (the light group colours are faint on white alone).

/// Agree (Okabe–Ito blue), as `style.css`'s `.agree-part`.
pub const AGREE: &str = "#0072B2";
/// Disagree (Okabe–Ito vermillion, hatched in the bars), as `style.css`'s `.disagree-part`.
pub const DISAGREE: &str = "#D55E00";
/// Pass (grey, dotted in the bars).
pub const PASS: &str = "#DCDCDC";
/// People outside every group.
pub const NO_GROUP: &str = "#6B6B6B";

/// Group colours, by letter (A, B, C, D, E): Okabe–Ito bluish green, yellow, reddish purple and
/// sky blue, then a sand; none of them a vote's colour.
pub const GROUP_COLOURS: [&str; 5] = ["#009E73", "#F0E442", "#CC79A7", "#56B4E9", "#DDCC77"];

/// The colour of a group, by its label: A green, B yellow, C purple.
pub fn group_colour(label: &str) -> &'static str {
    GROUP_COLOURS[crate::state::label_index(label) % GROUP_COLOURS.len()]
}

/// The colour of a group by its label, grey for "" (people outside every group).
pub fn group_or_none(label: &str) -> &'static str {
    if label.is_empty() {
        NO_GROUP
    } else {
        group_colour(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linear RGB of `#RRGGBB`.
    fn linear(hex: &str) -> [f64; 3] {
        let byte = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or_default());
        [1, 3, 5].map(|i| {
            let c = byte(i) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
    }

    /// Normal vision, and Machado, Oliveira and Fernandes (2009) at full severity.
    const VISIONS: [(&str, [[f64; 3]; 3]); 3] = [
        (
            "normal",
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        ),
        (
            "deuteranopia",
            [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
        ),
        (
            "protanopia",
            [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
        ),
    ];

    /// CIELAB of `hex` as seen with `m`.
    fn lab(hex: &str, m: &[[f64; 3]; 3]) -> [f64; 3] {
        let c = linear(hex);
        let s = m.map(|row| (row[0] * c[0] + row[1] * c[1] + row[2] * c[2]).clamp(0.0, 1.0));
        let x = (0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2]) / 0.95047;
        let y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
        let z = (0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    /// The smallest CIE76 difference between two colours over the three visions.
    fn nearest(a: &str, b: &str) -> (f64, &'static str) {
        VISIONS
            .iter()
            .map(|(name, m)| {
                let (p, q) = (lab(a, m), lab(b, m));
                let d = (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f64>().sqrt();
                (d, *name)
            })
            .fold((f64::INFINITY, ""), |x, y| if y.0 < x.0 { y } else { x })
    }

    /// WCAG contrast ratio.
    fn contrast(a: &str, b: &str) -> f64 {
        let l = |h: &str| {
            let c = linear(h);
            0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] + 0.05
        };
        let (x, y) = (l(a), l(b));
        x.max(y) / x.min(y)
    }

    #[test]
    fn a_group_never_looks_like_a_vote() {
        for g in GROUP_COLOURS {
            for v in [AGREE, DISAGREE] {
                let (d, vision) = nearest(g, v);
                assert!(d >= 20.0, "group {g} vs vote {v}: ΔE {d:.0} ({vision})");
            }
        }
        // The walk-through's clash: A was the agree blue, B an orange beside the disagree
        // vermillion.
        assert!(nearest("#0072B2", AGREE).0 < 20.0);
        assert!(nearest("#E69F00", DISAGREE).0 < 20.0);
    }

    #[test]
    fn groups_differ_from_one_another_and_from_no_group() {
        for (i, a) in GROUP_COLOURS.iter().enumerate() {
            for b in &GROUP_COLOURS[i + 1..] {
                let (d, vision) = nearest(a, b);
                assert!(d >= 15.0, "{a} vs {b}: ΔE {d:.0} ({vision})");
            }
            let (d, vision) = nearest(a, NO_GROUP);
            assert!(d >= 12.0, "{a} vs no group: ΔE {d:.0} ({vision})");
        }
        // The first two (the most common room) stand far apart in every vision.
        assert!(nearest(GROUP_COLOURS[0], GROUP_COLOURS[1]).0 >= 60.0);
    }

    #[test]
    fn letters_read_on_their_group_colour_and_marks_have_an_outline_on_white() {
        for g in GROUP_COLOURS {
            // A group's letter is black on its colour.
            assert!(contrast("#000000", g) >= 4.5, "black on {g}");
            // On white, the colour alone may be faint (yellow: 1.3): every mark draws a black
            // outline (`.letter`, `.badge-letter`, the map's dots and labels), which has.
            assert!(contrast(g, "#FFFFFF") >= 1.2);
        }
        assert!(contrast(AGREE, "#FFFFFF") >= 4.5 && contrast(DISAGREE, "#FFFFFF") >= 3.0);
        assert!(contrast(NO_GROUP, "#FFFFFF") >= 4.5);
    }
}
