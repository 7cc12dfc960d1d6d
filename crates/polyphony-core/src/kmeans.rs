//! Polis's k-means and silhouette (§4.1, §4.4), written by hand.
//!
//! `linfa-clustering`'s `KMeans` does not fit these semantics: it ignores sample weights (the
//! group level weights each base cluster by its size), it initialises with k-means++ or random
//! draws rather than "the first k distinct points in row order", and it cannot warm-start from
//! the previous update's clusters with their ids. Polis's results depend on all three, so this
//! module reproduces the primitive exactly, with two documented differences: ties between equal
//! distances go to the last cluster in id order (Polis uses map order, which is id order for up
//! to 8 clusters), and distances are computed directly rather than by vectorz's cancelling form.

use serde::{Deserialize, Serialize};

/// One cluster: a stable id, its members' names, and its centre.
///
/// At the base level members are participant ids; at the group level they are base-cluster ids.
///
/// ```
/// let c = polyphony_core::Cluster { id: 0, members: vec![3, 4], center: [0.5, -1.0] };
/// assert_eq!(c.members.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Stable id (ids only grow as clusters split; gaps are possible).
    pub id: u32,
    /// Names of the members, in input order.
    pub members: Vec<u32>,
    /// Weighted mean of the members' positions.
    pub center: [f64; 2],
}

// How the k-means loop decides it has converged (threshold 0.01 in both).
pub(crate) use crate::preset::KMeansConvergence as Convergence;

const THRESHOLD: f64 = 0.01;

struct Work {
    id: u32,
    members: Vec<usize>,
    center: [f64; 2],
}

pub(crate) struct Points<'a> {
    pub names: &'a [u32],
    pub positions: &'a [[f64; 2]],
    pub weights: Option<&'a [f64]>,
}

impl Points<'_> {
    fn weight(&self, i: usize) -> f64 {
        self.weights.map_or(1.0, |w| w[i])
    }

    fn mean(&self, members: &[usize]) -> [f64; 2] {
        let (mut x, mut y, mut w) = (0.0, 0.0, 0.0);
        for &i in members {
            let wi = self.weight(i);
            x += wi * self.positions[i][0];
            y += wi * self.positions[i][1];
            w += wi;
        }
        if w == 0.0 {
            [0.0, 0.0]
        } else {
            [x / w, y / w]
        }
    }
}

pub(crate) fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Runs k-means; `last` (members named as in `points.names`) warm-starts it when non-empty.
pub(crate) fn kmeans(
    points: &Points<'_>,
    k: usize,
    max_iters: u32,
    last: &[Cluster],
    convergence: Convergence,
) -> Vec<Cluster> {
    let Some(mut clusters) = start(points, k, last) else {
        return Vec::new();
    };
    let mut bounds = Bounds::default();
    let mut iter = max_iters;
    loop {
        let next = step(points, &clusters, &mut bounds);
        let done = iter == 0 || same(&clusters, &next, convergence);
        clusters = next;
        if done {
            break;
        }
        iter -= 1;
    }
    let members = members_of(points, clusters.len(), &bounds);
    clusters
        .into_iter()
        .zip(members)
        .map(|(c, members)| Cluster {
            id: c.id,
            members,
            center: c.center,
        })
        .collect()
}

/// The clusters Lloyd's steps start from: `last`'s (warm) or the first distinct points (cold);
/// `None` when there is nothing to cluster.
fn start(points: &Points<'_>, k: usize, last: &[Cluster]) -> Option<Vec<Work>> {
    if points.positions.is_empty() || k == 0 {
        return None;
    }
    Some(if last.is_empty() {
        cold_start(points, k)
    } else {
        warm_start(points, k, last)
    })
}

fn cold_start(points: &Points<'_>, k: usize) -> Vec<Work> {
    let mut out: Vec<Work> = Vec::new();
    for p in points.positions {
        if out.len() == k {
            break;
        }
        if !out.iter().any(|c| c.center == *p) {
            out.push(Work {
                id: out.len() as u32,
                members: Vec::new(),
                center: *p,
            });
        }
    }
    out
}

fn distinct_count(points: &Points<'_>, cap: usize) -> usize {
    let mut seen: Vec<[f64; 2]> = Vec::new();
    for p in points.positions {
        if seen.len() >= cap {
            break;
        }
        if !seen.contains(p) {
            seen.push(*p);
        }
    }
    seen.len()
}

fn warm_start(points: &Points<'_>, k: usize, last: &[Cluster]) -> Vec<Work> {
    let index: std::collections::BTreeMap<u32, usize> = points
        .names
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i))
        .collect();
    let mut sorted: Vec<&Cluster> = last.iter().collect();
    sorted.sort_by_key(|c| c.id);
    let max_last_id = sorted.last().map_or(0, |c| c.id);
    let mut clusters: Vec<Work> = Vec::new();
    for c in sorted {
        let members: Vec<usize> = c
            .members
            .iter()
            .filter_map(|n| index.get(n).copied())
            .collect();
        if !members.is_empty() {
            let center = points.mean(&members);
            clusters.push(Work {
                id: c.id,
                members,
                center,
            });
        }
    }
    if clusters.is_empty() {
        let all: Vec<usize> = (0..points.positions.len()).collect();
        let center = points.mean(&all);
        clusters.push(Work {
            id: max_last_id + 1,
            members: all,
            center,
        });
    }
    // Merge clusters whose centres coincide; the larger keeps its id (the later on ties).
    let mut merged: Vec<Work> = Vec::new();
    for c in clusters {
        if let Some(o) = merged.iter_mut().find(|o| o.center == c.center) {
            if c.members.len() >= o.members.len() {
                o.id = c.id;
            }
            o.members.extend(c.members);
            o.center = points.mean(&o.members);
        } else {
            merged.push(c);
        }
    }
    merged.sort_by_key(|c| c.id);
    let mut clusters = merged;
    let target = k.min(distinct_count(points, k));
    while clusters.len() < target {
        // The most distal point becomes a cluster of its own.
        let mut best: Option<(usize, f64)> = None;
        for (i, p) in points.positions.iter().enumerate() {
            let d = clusters
                .iter()
                .map(|c| distance(*p, c.center))
                .fold(f64::INFINITY, f64::min);
            if best.is_none_or(|(_, bd)| d > bd) {
                best = Some((i, d));
            }
        }
        let Some((i, d)) = best else { break };
        if d == 0.0 {
            break;
        }
        for c in &mut clusters {
            c.members.retain(|&m| m != i);
        }
        let id = clusters.iter().map(|c| c.id).max().unwrap_or(0) + 1;
        clusters.push(Work {
            id,
            members: vec![i],
            center: points.positions[i],
        });
        clusters.retain(|c| !c.members.is_empty());
        for c in &mut clusters {
            c.center = points.mean(&c.members);
        }
    }
    for c in &mut clusters {
        c.center = points.mean(&c.members);
    }
    clusters
}

/// Hamerly's bounds for one Lloyd step: per point, an upper bound on the distance to its
/// centre and a lower bound on the distance to any other centre. A point whose upper bound is
/// strictly below its lower bound cannot change cluster, so most points skip the scan over all
/// centres. The assignment is the same as the plain scan's (only strict wins are skipped).
#[derive(Default)]
struct Bounds {
    valid: bool,
    centers: Vec<[f64; 2]>,
    assigned: Vec<usize>,
    upper: Vec<f64>,
    lower: Vec<f64>,
}

fn step(points: &Points<'_>, clusters: &[Work], b: &mut Bounds) -> Vec<Work> {
    let n = points.positions.len();
    let centers: Vec<[f64; 2]> = clusters.iter().map(|c| c.center).collect();
    let usable = b.valid && b.centers.len() == centers.len();
    if usable {
        // Centres moved since the bounds were computed: loosen them by how far.
        let moves: Vec<f64> = centers
            .iter()
            .zip(&b.centers)
            .map(|(a, o)| distance(*a, *o))
            .collect();
        let (mut top, mut top_i, mut second) = (0.0f64, usize::MAX, 0.0f64);
        for (i, &m) in moves.iter().enumerate() {
            if m > top {
                second = top;
                top = m;
                top_i = i;
            } else if m > second {
                second = m;
            }
        }
        for i in 0..n {
            let a = b.assigned[i];
            b.upper[i] += moves[a];
            b.lower[i] -= if a == top_i { second } else { top };
        }
    } else {
        b.assigned = vec![0; n];
        b.upper = vec![f64::INFINITY; n];
        b.lower = vec![0.0; n];
    }
    let margin = |u: f64| u * (1.0 + 1e-9) + 1e-300;
    // The centres sorted by x: a scan outward from a point's x stops once the x gap alone
    // exceeds the best distance so far, since no centre beyond can change the answer.
    let by_x = ByX::new(&centers);
    // Half the distance from each centre to its nearest other centre: a point closer than that
    // to its centre is strictly closer to it than to any other (triangle inequality).
    let half_gap: Vec<f64> = if usable {
        centers
            .iter()
            .enumerate()
            .map(|(a, ca)| by_x.nearest_two(*ca, Some(a)).1.sqrt() * 0.5)
            .collect()
    } else {
        Vec::new()
    };
    for (i, p) in points.positions.iter().enumerate() {
        if usable {
            let bound = b.lower[i].max(half_gap[b.assigned[i]]);
            if margin(b.upper[i]) < bound {
                continue;
            }
            b.upper[i] = distance(*p, centers[b.assigned[i]]);
            if margin(b.upper[i]) < bound {
                continue;
            }
        }
        // Nearest centre, ties to the last in id order, and the second-nearest distance.
        let (best, best_d, second_d) = by_x.nearest_two(*p, None);
        b.assigned[i] = best;
        b.upper[i] = best_d.sqrt();
        b.lower[i] = second_d.sqrt();
    }
    // Each cluster's size and weighted sums, its members taken in index order: the same
    // additions, in the same order, as `Points::mean` over a member list. The lists themselves
    // are only built once, after the last step (`members_of`).
    let mut sizes = vec![0usize; clusters.len()];
    let mut sums = vec![[0.0f64; 3]; clusters.len()];
    for (i, &a) in b.assigned.iter().enumerate() {
        sizes[a] += 1;
        let wi = points.weight(i);
        let s = &mut sums[a];
        s[0] += wi * points.positions[i][0];
        s[1] += wi * points.positions[i][1];
        s[2] += wi;
    }
    // Clusters left empty are dropped below. The bounds stay valid: every point's cluster is
    // kept (it holds the point), only its index shifts, and dropping centres can only raise
    // the distance to the nearest other centre.
    let mut new_index = vec![usize::MAX; clusters.len()];
    let mut kept = 0;
    for (a, &size) in sizes.iter().enumerate() {
        if size > 0 {
            new_index[a] = kept;
            kept += 1;
        }
    }
    if kept < clusters.len() {
        for a in &mut b.assigned {
            *a = new_index[*a];
        }
    }
    b.valid = true;
    b.centers = centers
        .into_iter()
        .zip(&sizes)
        .filter(|(_, &size)| size > 0)
        .map(|(c, _)| c)
        .collect();
    clusters
        .iter()
        .zip(sizes.iter().zip(&sums))
        .filter(|(_, (&size, _))| size > 0)
        .map(|(c, (_, s))| Work {
            id: c.id,
            center: if s[2] == 0.0 {
                [0.0, 0.0]
            } else {
                [s[0] / s[2], s[1] / s[2]]
            },
            members: Vec::new(),
        })
        .collect()
}

/// The members of each cluster the last [`step`] returned, in index order, by name.
fn members_of(points: &Points<'_>, clusters: usize, b: &Bounds) -> Vec<Vec<u32>> {
    let mut sizes = vec![0usize; clusters];
    for &a in &b.assigned {
        sizes[a] += 1;
    }
    let mut members: Vec<Vec<u32>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (i, &a) in b.assigned.iter().enumerate() {
        members[a].push(points.names[i]);
    }
    members
}

/// Centres sorted by their x coordinate, for nearest-centre queries.
struct ByX {
    /// The centres' coordinates in x order, and each one's index among the centres.
    xs: Vec<f64>,
    ys: Vec<f64>,
    index: Vec<usize>,
}

impl ByX {
    fn new(centers: &[[f64; 2]]) -> Self {
        let mut order: Vec<usize> = (0..centers.len()).collect();
        order.sort_by(|&a, &b| centers[a][0].total_cmp(&centers[b][0]));
        ByX {
            xs: order.iter().map(|&i| centers[i][0]).collect(),
            ys: order.iter().map(|&i| centers[i][1]).collect(),
            index: order,
        }
    }

    /// The nearest centre to `p` (other than `skip`) and its squared distance, exactly as a
    /// scan over all centres in index order gives them (the last index among equal
    /// distances), and a lower bound on the squared distance to every other centre.
    ///
    /// The scan starts at `p`'s place in x order and walks right, then left, each walk
    /// stopping at the first centre whose squared x gap alone is above the best distance so
    /// far: that centre and all beyond it are farther still, so they can be neither the
    /// nearest nor tied with it, and that gap bounds them all from below. Two plain walks
    /// (rather than always stepping to the nearer side) keep the branches predictable; the
    /// answer does not depend on the order centres are looked at.
    fn nearest_two(&self, p: [f64; 2], skip: Option<usize>) -> (usize, f64, f64) {
        let skip = skip.unwrap_or(usize::MAX);
        let n = self.xs.len();
        // (nearest index, its squared distance, the second smallest squared distance seen)
        let mut near = (0usize, f64::INFINITY, f64::INFINITY);
        let consider = |near: &mut (usize, f64, f64), k: usize| {
            let ci = self.index[k];
            if ci == skip {
                return;
            }
            let d = (p[0] - self.xs[k]).powi(2) + (p[1] - self.ys[k]).powi(2);
            let (best_i, best, second) = *near;
            let better = d < best || (d == best && ci > best_i);
            *near = if better {
                (ci, d, best)
            } else {
                (best_i, best, second.min(d))
            };
        };
        let start = self.xs.partition_point(|&x| x < p[0]);
        // The nearer neighbour on each side first, so both walks start with a good bound.
        if start < n {
            consider(&mut near, start);
        }
        if start > 0 {
            consider(&mut near, start - 1);
        }
        let mut beyond = f64::INFINITY;
        let mut k = start + 1;
        while k < n {
            let gap = (self.xs[k] - p[0]).powi(2);
            if gap > near.1 {
                beyond = gap;
                break;
            }
            consider(&mut near, k);
            k += 1;
        }
        let mut k = start.saturating_sub(1);
        while k > 0 {
            let gap = (p[0] - self.xs[k - 1]).powi(2);
            if gap > near.1 {
                beyond = beyond.min(gap);
                break;
            }
            k -= 1;
            consider(&mut near, k);
        }
        (near.0, near.1, near.2.min(beyond))
    }
}

fn same(old: &[Work], new: &[Work], convergence: Convergence) -> bool {
    match convergence {
        Convergence::SortedZip => {
            let mut a: Vec<[f64; 2]> = old.iter().map(|c| c.center).collect();
            let mut b: Vec<[f64; 2]> = new.iter().map(|c| c.center).collect();
            let cmp =
                |x: &[f64; 2], y: &[f64; 2]| x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal);
            a.sort_by(cmp);
            b.sort_by(cmp);
            a.iter().zip(&b).all(|(x, y)| distance(*x, *y) < THRESHOLD)
        }
        Convergence::ById => {
            old.len() == new.len()
                && old
                    .iter()
                    .zip(new)
                    .all(|(x, y)| x.id == y.id && distance(x.center, y.center) < THRESHOLD)
        }
    }
}

/// Mean silhouette of a labelling of `positions` (unweighted, Euclidean; §4.4).
///
/// A point alone in its group scores 0, as in Polis. Where Polis would produce NaN (a = b = 0,
/// coincident points) this scores 0 too. Returns `None` with fewer than two groups.
#[cfg(test)]
pub(crate) fn silhouette(positions: &[[f64; 2]], labels: &[usize]) -> Option<f64> {
    silhouettes(positions, &[labels.to_vec()]).remove(0)
}

/// The mean silhouette of each of several labellings of the same points (one per k at the
/// group level): each point's distances to the others are measured once, into one row, and
/// added to every labelling's sums, in the same order as measuring them labelling by labelling
/// (so the floats are the same). Memory is one row and each labelling's sums, not a table of
/// all pairs (base clusters can number thousands).
pub(crate) fn silhouettes(positions: &[[f64; 2]], labelings: &[Vec<usize>]) -> Vec<Option<f64>> {
    struct Scored<'a> {
        labels: &'a [usize],
        present: Vec<usize>,
        sums: Vec<f64>,
        total: f64,
    }
    let mut scored: Vec<Option<Scored<'_>>> = labelings
        .iter()
        .map(|labels| {
            let groups = labels.iter().copied().max().map_or(0, |m| m + 1);
            let mut present = vec![0usize; groups];
            for &l in labels {
                present[l] += 1;
            }
            (present.iter().filter(|&&n| n > 0).count() >= 2).then(|| Scored {
                labels,
                present,
                sums: vec![0.0; groups],
                total: 0.0,
            })
        })
        .collect();
    let n = positions.len();
    let mut row = vec![0.0; n];
    for i in 0..n {
        for (j, d) in row.iter_mut().enumerate() {
            *d = distance(positions[i], positions[j]);
        }
        for s in scored.iter_mut().flatten() {
            s.sums.fill(0.0);
            for (j, (&dij, &lj)) in row.iter().zip(s.labels).enumerate() {
                if i != j {
                    s.sums[lj] += dij;
                }
            }
            let own = s.labels[i];
            if s.present[own] <= 1 {
                continue;
            }
            let a = s.sums[own] / (s.present[own] - 1) as f64;
            let b = (0..s.sums.len())
                .filter(|&g| g != own && s.present[g] > 0)
                .map(|g| s.sums[g] / s.present[g] as f64)
                .fold(f64::INFINITY, f64::min);
            let denom = a.max(b);
            if denom > 0.0 {
                s.total += (b - a) / denom;
            }
        }
    }
    scored
        .into_iter()
        .map(|s| s.map(|s| s.total / n as f64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Lloyd's k-means as plainly as it can be written: every point measured against every
    /// centre at every step (ties to the last index), empty clusters dropped. The bounds and
    /// the sorted centres of [`step`] must change nothing of what this gives.
    fn kmeans_plain(
        points: &Points<'_>,
        k: usize,
        max_iters: u32,
        last: &[Cluster],
        convergence: Convergence,
    ) -> Vec<Cluster> {
        let Some(mut clusters) = start(points, k, last) else {
            return Vec::new();
        };
        let mut assigned: Vec<usize>;
        let mut iter = max_iters;
        loop {
            assigned = points
                .positions
                .iter()
                .map(|p| {
                    let mut best = (0, f64::INFINITY);
                    for (c, w) in clusters.iter().enumerate() {
                        let d = (p[0] - w.center[0]).powi(2) + (p[1] - w.center[1]).powi(2);
                        if d <= best.1 {
                            best = (c, d);
                        }
                    }
                    best.0
                })
                .collect::<Vec<usize>>();
            let mut next: Vec<Work> = Vec::new();
            let mut index = vec![usize::MAX; clusters.len()];
            for (c, w) in clusters.iter().enumerate() {
                let members: Vec<usize> =
                    (0..assigned.len()).filter(|&i| assigned[i] == c).collect();
                if !members.is_empty() {
                    index[c] = next.len();
                    next.push(Work {
                        id: w.id,
                        center: points.mean(&members),
                        members: Vec::new(),
                    });
                }
            }
            for a in &mut assigned {
                *a = index[*a];
            }
            let done = iter == 0 || same(&clusters, &next, convergence);
            clusters = next;
            if done {
                break;
            }
            iter -= 1;
        }
        clusters
            .into_iter()
            .enumerate()
            .map(|(c, w)| Cluster {
                id: w.id,
                members: (0..assigned.len())
                    .filter(|&i| assigned[i] == c)
                    .map(|i| points.names[i])
                    .collect(),
                center: w.center,
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The accelerated k-means is Lloyd's, exactly: on clumped points with duplicates and
        /// ties (coordinates on a coarse grid), cold and warm started, weighted or not.
        #[test]
        fn kmeans_is_plain_lloyd_exactly(
            raw in prop::collection::vec((0i32..40, 0i32..40, 0u8..4), 1..400),
            k in 1usize..40,
            weighted in any::<bool>(),
            warm_k in 0usize..12,
        ) {
            let positions: Vec<[f64; 2]> = raw
                .iter()
                .map(|&(x, y, clump)| {
                    let c = f64::from(clump) * 7.0;
                    [f64::from(x) * 0.25 + c, f64::from(y) * 0.125 - c]
                })
                .collect();
            let names: Vec<u32> = (0..positions.len() as u32).map(|i| i * 3 + 1).collect();
            let weights: Vec<f64> = raw.iter().map(|&(x, _, _)| f64::from(x % 5 + 1)).collect();
            let points = Points {
                names: &names,
                positions: &positions,
                weights: weighted.then_some(&weights[..]),
            };
            // A warm start from a coarser clustering of the same points.
            let last = if warm_k > 0 {
                kmeans_plain(&points, warm_k, 3, &[], Convergence::SortedZip)
            } else {
                Vec::new()
            };
            for convergence in [Convergence::SortedZip, Convergence::ById] {
                let fast = kmeans(&points, k, 30, &last, convergence);
                let plain = kmeans_plain(&points, k, 30, &last, convergence);
                prop_assert_eq!(fast, plain);
            }
        }
    }

    fn pts(p: &[[f64; 2]]) -> (Vec<u32>, Vec<[f64; 2]>) {
        ((0..p.len() as u32).collect(), p.to_vec())
    }

    #[test]
    fn cold_start_takes_first_distinct_points_and_separates_two_blobs() {
        let (names, positions) = pts(&[[0.0, 0.0], [0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]]);
        let p = Points {
            names: &names,
            positions: &positions,
            weights: None,
        };
        let c = kmeans(&p, 2, 20, &[], Convergence::SortedZip);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].members, vec![0, 1, 2]);
        assert_eq!(c[1].members, vec![3, 4]);
    }

    #[test]
    fn fewer_distinct_points_than_k_gives_fewer_clusters() {
        let (names, positions) = pts(&[[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]]);
        let p = Points {
            names: &names,
            positions: &positions,
            weights: None,
        };
        assert_eq!(kmeans(&p, 5, 20, &[], Convergence::ById).len(), 2);
    }

    #[test]
    fn weights_pull_the_centre() {
        let (names, positions) = pts(&[[0.0, 0.0], [1.0, 0.0]]);
        let w = [3.0, 1.0];
        let p = Points {
            names: &names,
            positions: &positions,
            weights: Some(&w),
        };
        let c = kmeans(&p, 1, 20, &[], Convergence::ById);
        assert_eq!(c[0].center, [0.25, 0.0]);
    }

    #[test]
    fn warm_start_keeps_ids_and_splits_off_the_most_distal_point() {
        let (names, positions) = pts(&[[0.0, 0.0], [0.2, 0.0], [9.0, 9.0]]);
        let p = Points {
            names: &names,
            positions: &positions,
            weights: None,
        };
        let last = vec![Cluster {
            id: 7,
            members: vec![0, 1, 2],
            center: [0.0, 0.0],
        }];
        let c = kmeans(&p, 2, 20, &last, Convergence::ById);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].id, 7);
        assert_eq!(c[0].members, vec![0, 1]);
        assert_eq!(c[1].id, 8);
        assert_eq!(c[1].members, vec![2]);
    }

    #[test]
    fn silhouette_of_two_tight_blobs_is_near_one_and_singletons_score_zero() {
        let p = [[0.0, 0.0], [0.0, 0.1], [10.0, 0.0], [10.0, 0.1]];
        let s = silhouette(&p, &[0, 0, 1, 1]).unwrap_or(0.0);
        assert!(s > 0.98, "{s}");
        let s1 = silhouette(&p[..3], &[0, 0, 1]).unwrap_or(0.0);
        // The singleton scores 0, so the mean is at most 2/3.
        assert!(s1 <= 2.0 / 3.0 + 1e-12);
        assert_eq!(silhouette(&p, &[0, 0, 0, 0]), None);
    }

    /// Scoring several labellings in one sweep gives each the very float it gets alone, and a
    /// labelling with one group still scores `None` beside the others.
    #[test]
    fn silhouettes_of_several_labellings_match_each_alone() {
        let p: Vec<[f64; 2]> = (0..23)
            .map(|i| [f64::from(i * 7 % 11), f64::from(i * i % 13) * 0.3])
            .collect();
        let labelings: Vec<Vec<usize>> = vec![
            (0..23).map(|i| i % 2).collect(),
            vec![0; 23],
            (0..23).map(|i| (i * 5) % 4).collect(),
        ];
        let together = silhouettes(&p, &labelings);
        assert_eq!(together[1], None);
        for (labels, score) in labelings.iter().zip(&together) {
            let alone = silhouette(&p, labels);
            assert_eq!(alone.map(f64::to_bits), score.map(f64::to_bits));
        }
        assert!(together[0].is_some() && together[2].is_some());
    }
}
