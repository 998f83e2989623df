//! The outputs the book shows still match what the program prints.
//!
//! `report.txt` reruns the report, which runs every other lab: like
//! `tests/report.rs`, it needs the whole workspace built.

use std::path::Path;

#[test]
fn transcripts_match_the_program() {
    labkit::transcript::check_lab(
        "choosing",
        Path::new(env!("CARGO_BIN_EXE_choosing")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .unwrap();
}
