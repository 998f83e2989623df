//! The outputs the book shows still match what the program prints.
//!
//! `report.txt` reruns the report, which runs every other lab: like
//! `tests/report.rs`, it needs the whole workspace built. `python.txt` runs
//! the CPython twin with `python3`; where none is installed, that line is
//! left out (the twin is optional for the tests).

use std::path::Path;

use labkit::python::{Lookup, find};

#[test]
fn transcripts_match_the_program() {
    let skip: &[&str] = match find(&["python3"]).remove(0) {
        Lookup::Found { .. } => &[],
        other => {
            eprintln!("python3 is not here ({other:?}): python.txt is not rerun");
            &["python.txt"]
        }
    };
    labkit::transcript::check_lab_except(
        "choosing",
        Path::new(env!("CARGO_BIN_EXE_choosing")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
        skip,
    )
    .unwrap();
}
