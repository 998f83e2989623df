//! Proofs, not luck: loom tries the interleavings of the bank's threads.
//!
//! These run in a plain `cargo test` (no `--cfg loom`): the models use
//! loom's types directly. The preemption bounds keep each under a few
//! seconds in a debug build.

use races::model::{self, Verdict};

const AMOUNTS: [i64; 4] = [80, 70, 50, 20];

#[test]
fn loom_finds_the_overdraft_in_check_then_act() {
    let Verdict {
        interleavings,
        failure,
    } = model::explore(&model::builder(), model::racy_bank(100, &AMOUNTS));
    let failure = failure.expect("some interleaving overdraws");
    assert!(
        failure.starts_with("overdrawn: the balance ended at -"),
        "{failure}"
    );
    assert!(interleavings >= 1);
}

#[test]
fn loom_finds_the_overdraft_with_only_two_customers() {
    // 80 and 70 from 100: only an interleaving where both check before
    // either subtracts overdraws, and loom finds it.
    let verdict = model::explore(&model::builder(), model::racy_bank(100, &[80, 70]));
    assert_eq!(
        verdict.failure.as_deref(),
        Some("overdrawn: the balance ended at -50")
    );
}

#[test]
fn the_racy_model_passes_when_no_order_can_overdraw() {
    // The model itself is not what fails: with enough money for everyone,
    // every interleaving passes.
    let verdict = model::explore(&model::builder(), model::racy_bank(1000, &[80, 70, 20]));
    assert_eq!(verdict.failure, None);
    assert!(verdict.interleavings > 1);
}

#[test]
fn fetch_update_never_overdraws_in_any_interleaving() {
    // Three customers with the lab's bound (2), four with bound 1: each a
    // few hundred ms in a debug build (four with bound 2 takes seconds).
    let three = model::explore(&model::builder(), model::atomic_bank(100, &[80, 70, 20]));
    assert_eq!(three.failure, None);
    assert!(three.interleavings > 100, "{}", three.interleavings);
    let mut small = model::builder();
    small.preemption_bound = Some(1);
    let four = model::explore(&small, model::atomic_bank(100, &AMOUNTS));
    assert_eq!(four.failure, None);
    assert!(four.interleavings > 100, "{}", four.interleavings);
}
