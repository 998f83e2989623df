//! The outputs the book shows still match what the program prints.
//!
//! Most transcripts come from the default build. `detect-found.txt` comes
//! from a build with `--features detect`, where `detect` finds the deadlock
//! instead of explaining how to; each build checks its own lines.

use std::path::Path;

#[test]
fn transcripts_match_the_program() {
    let features: &[&str] = if cfg!(feature = "detect") {
        &["detect"]
    } else {
        &[]
    };
    labkit::transcript::check_lab_with_features(
        "deadlock",
        Path::new(env!("CARGO_BIN_EXE_deadlock")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
        features,
    )
    .unwrap();
}
