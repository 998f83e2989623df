//! The outputs the book shows still match what the program prints.
//!
//! The transcripts come from the default build; with `--features detect`
//! the `detect` experiment prints a detection instead of how to get one,
//! so this check runs in the default build only (tests/detect.rs covers
//! the feature).

#![cfg(not(feature = "detect"))]

use std::path::Path;

#[test]
fn transcripts_match_the_program() {
    labkit::transcript::check_lab(
        "deadlock",
        Path::new(env!("CARGO_BIN_EXE_deadlock")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .unwrap();
}
