//! Placing the opinion map's points on screen.

/// Points of the opinion map placed in a `width` × `height` box with a margin, keeping the
/// aspect ratio (one unit is the same length on both axes), y up.
pub fn map_layout(points: &[[f64; 2]], width: f64, height: f64, margin: f64) -> Vec<[f64; 2]> {
    if points.is_empty() {
        return Vec::new();
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let scale = ((width - 2.0 * margin).min(height - 2.0 * margin) / span).max(0.0);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    points
        .iter()
        .map(|p| {
            [
                width / 2.0 + (p[0] - cx) * scale,
                height / 2.0 - (p[1] - cy) * scale,
            ]
        })
        .collect()
}

/// Moves points that land on top of an earlier one (identical voters) onto a small spiral
/// around it, `step` pixels apart, so the map shows how many people stand there.
pub fn spread_duplicates(points: &[[f64; 2]], step: f64) -> Vec<[f64; 2]> {
    let mut seen: Vec<([f64; 2], u32)> = Vec::new();
    points
        .iter()
        .map(|p| {
            let near = seen
                .iter_mut()
                .find(|(q, _)| (q[0] - p[0]).abs() < 0.5 && (q[1] - p[1]).abs() < 0.5);
            match near {
                None => {
                    seen.push((*p, 0));
                    *p
                }
                Some((_, k)) => {
                    *k += 1;
                    let k = f64::from(*k);
                    let (r, a) = (step * k.sqrt(), k * 2.399_963);
                    [p[0] + r * a.cos(), p[1] + r * a.sin()]
                }
            }
        })
        .collect()
}

/// The colour index of a group label ("A" → 0, "B" → 1, …).
pub fn label_index(label: &str) -> usize {
    label
        .bytes()
        .next()
        .map_or(0, |b| usize::from(b.saturating_sub(b'A')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_keeps_its_aspect_and_fits_the_box() {
        let pts = map_layout(&[[-1.0, 0.0], [1.0, 0.5]], 400.0, 200.0, 10.0);
        assert_eq!(pts.len(), 2);
        for p in &pts {
            assert!(
                (10.0..=390.0).contains(&p[0]) && (10.0..=190.0).contains(&p[1]),
                "{p:?}"
            );
        }
        // 2 units of x span 180 px (the height limits), so 0.5 of y spans 45 px, upwards.
        assert!((pts[1][0] - pts[0][0] - 180.0).abs() < 1e-9);
        assert!((pts[0][1] - pts[1][1] - 45.0).abs() < 1e-9);
        assert!(map_layout(&[], 1.0, 1.0, 0.0).is_empty());
    }

    #[test]
    fn identical_points_are_spread_apart() {
        let out = spread_duplicates(
            &[[10.0, 10.0], [10.0, 10.0], [10.0, 10.0], [50.0, 50.0]],
            8.0,
        );
        assert_eq!(out[0], [10.0, 10.0]);
        assert_eq!(out[3], [50.0, 50.0]);
        let d = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        assert!(d(out[0], out[1]) > 7.0 && d(out[0], out[2]) > 7.0 && d(out[1], out[2]) > 4.0);
        assert_eq!(label_index("A"), 0);
        assert_eq!(label_index("C"), 2);
    }
}
