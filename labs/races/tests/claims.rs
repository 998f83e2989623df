//! The numbers the chapter quotes hold in the committed outputs. Every
//! experiment writes a JSON sidecar beside its transcript (the same run's
//! rows, every round's samples); these tests read the sidecars, exact
//! values, never the rounded table.
//!
//! The distributions (`*-runs`) are luck by design: what the chapter says of
//! them, and so what is checked here, is only what luck cannot change (the
//! fixed programs never overdraw or lose a count) and the broad direction of
//! the racy ones (a long pause overdraws nearly always, no pause mostly not).

use std::path::Path;

use labkit::Document;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sidecar(file: &str) -> Document {
    labkit::transcript::sidecar(lab(), file).unwrap()
}

#[test]
fn the_bank_overdraws_to_minus_120_like_python() {
    let bank = sidecar("bank.txt");
    let (in_turn, at_once) = (bank.row(None, "in turn"), bank.row(None, "all at once"));
    assert_eq!(in_turn.text("paid"), "80, 20");
    assert_eq!(in_turn.number("balance"), 0.0);
    assert_eq!(at_once.text("paid"), "80, 70, 50, 20");
    assert_eq!(at_once.number("balance"), -120.0);
    // In turn, the two payments' 1 s pauses add up; at once, they overlap.
    // (A sleep never ends early: the lower bounds hold in every round.)
    assert!(
        in_turn.round_samples().iter().all(|&s| s >= 2.0),
        "{in_turn:?}"
    );
    assert!(in_turn.wall_seconds < 2.3, "{in_turn:?}");
    assert!(
        at_once.round_samples().iter().all(|&s| s >= 1.0),
        "{at_once:?}"
    );
    assert!(at_once.wall_seconds < 1.3, "{at_once:?}");
    // The customers wait for their turns asleep: no row spins a core.
    for row in [in_turn, at_once] {
        assert!(row.cpu_utilisation.unwrap() < 0.1, "{row:?}");
    }
}

#[test]
fn fetch_update_does_not_overdraw() {
    let atomic = sidecar("bank-atomic.txt");
    assert_eq!(
        atomic.row(None, "load, then fetch_sub").number("balance"),
        -120.0
    );
    let balance = atomic.row(None, "fetch_update").number("balance");
    assert!([0.0, 10.0, 30.0].contains(&balance), "{balance}");
    let (_, body) = labkit::transcript::read(lab(), "bank-atomic.txt").unwrap();
    assert!(
        body.contains("fetch_update: no overdraft in any of"),
        "{body}"
    );
    assert!(body.contains("load then fetch_sub: interleaving"), "{body}");
}

#[test]
fn lockstep_load_store_loses_half_and_fetch_add_none() {
    let counter = sidecar("counter.txt");
    let racy = counter.row(None, "load + store");
    assert_eq!(racy.number("lost"), racy.number("increments") / 2.0);
    assert_eq!(counter.row(None, "fetch_add").number("lost"), 0.0);
}

#[test]
fn run_after_run_the_fixed_programs_never_fail_and_the_racy_ones_do() {
    let bank = sidecar("bank-runs.txt");
    let overdrawn = |variant: &str| bank.row(None, variant).number("overdrawn");
    let runs = bank.row(None, "fetch_update").number("runs");
    assert_eq!(overdrawn("fetch_update"), 0.0);
    // A pause far longer than it takes to start the threads: nearly always.
    assert!(overdrawn("pause 10.0 ms") >= 0.9 * runs);
    // No pause at all: the race needs two checks within nanoseconds.
    assert!(overdrawn("no pause") <= 0.5 * runs);

    let exercise = sidecar("exercise.txt");
    assert_eq!(
        exercise.row(None, "compare_exchange").number("overdrawn"),
        0.0
    );

    let counter = sidecar("counter-runs.txt");
    assert_eq!(counter.row(None, "fetch_add").number("lossy runs"), 0.0);
    let racy = counter.row(None, "load + store");
    assert!(racy.number("lossy runs") >= 1.0, "{racy:?}");
    assert!(racy.number("max lost") <= racy.number("increments"));
}

#[test]
fn cpython_overdraws_like_the_forced_rust_run_and_overlaps_the_same_pauses() {
    let python = sidecar("python.txt");
    for experiment in ["bank, Rust", "bank, CPython"] {
        let in_turn = python.row(Some(experiment), "in turn");
        let at_once = python.row(Some(experiment), "all at once");
        let rounds = in_turn.rounds();
        assert_eq!(in_turn.text("overdrawn"), format!("0 of {rounds}"));
        assert_eq!(at_once.text("overdrawn"), format!("{rounds} of {rounds}"));
        // A tenth of the teller's pause: 0.1 s, twice in turn, once at once.
        // (Sleeps never end early; how late they wake depends on the
        // machine's load, so the overlap is checked as a ratio.)
        assert!(
            in_turn.round_samples().iter().all(|&s| s >= 0.2),
            "{in_turn:?}"
        );
        assert!(
            at_once.round_samples().iter().all(|&s| s >= 0.1),
            "{at_once:?}"
        );
        assert!(
            at_once.wall_seconds < 0.75 * in_turn.wall_seconds,
            "the pauses overlap: {at_once:?} against {in_turn:?}"
        );
    }
}
