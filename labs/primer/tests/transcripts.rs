//! The outputs the book shows still match what the program prints.

use std::path::Path;

#[test]
fn transcripts_match_the_program() {
    labkit::transcript::check_lab(
        "primer",
        Path::new(env!("CARGO_BIN_EXE_primer")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .unwrap();
}
