#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn prop_test_matches_polis_example() {
    // below-100 group 0, tid 13: 6 of 6 agree → p-test 2.6457513110645907 (spec §6).
    assert!((prop_test(6, 6) - 2.6457513110645907).abs() < 1e-15);
    assert_eq!(p_hat(6, 6), 0.875);
}

#[test]
fn two_prop_is_zero_when_pooled_rate_is_one() {
    assert_eq!(
        two_prop_test(u32::MAX - 1, u32::MAX - 1, u32::MAX - 1, u32::MAX - 1),
        0.0
    );
}

#[test]
fn divisiveness_is_the_gap_for_two_equal_groups() {
    let a = Tally {
        agree: 98,
        disagree: 0,
        seen: 98,
    };
    let b = Tally {
        agree: 0,
        disagree: 98,
        seen: 98,
    };
    let d = divisiveness(&[(10, a), (10, b)]);
    assert!((d - (99.0 / 100.0 - 1.0 / 100.0)).abs() < 1e-12, "{d}");
    assert_eq!(divisiveness(&[(10, a), (10, a)]), 0.0);
}

#[test]
fn meta_statements_get_priority_49() {
    assert_eq!(priority(&Tally::default(), 3.0, true), 49.0);
    // Unseen statements are novel: importance (1 − 1/2)·1·(1/2), novelty 9.
    assert!((priority(&Tally::default(), 0.0, false) - (0.25f64 * 9.0).powi(2)).abs() < 1e-12);
}
