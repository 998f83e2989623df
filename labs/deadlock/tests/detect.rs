//! parking_lot's detector finds the two-lock cycle (only with `--features detect`:
//! `cargo test -p deadlock --features detect`).

#![cfg(feature = "detect")]

use std::path::Path;
use std::time::Duration;

use labkit::transcript::run_bounded;

#[test]
fn the_detector_names_both_threads_and_both_locks() {
    let out = run_bounded(
        Path::new(env!("CARGO_BIN_EXE_deadlock")),
        &["detect".to_string()],
        &[],
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("detector: parking_lot found 1 cycle(s)"),
        "the watchdog, not the detector, ended the run:\n{}",
        out.stdout
    );
    for line in [
        "thread 1 holds lock A and waits for lock B",
        "thread 2 holds lock B and waits for lock A",
    ] {
        assert!(out.stdout.contains(line), "no {line:?} in:\n{}", out.stdout);
    }
}
