//! The outputs the book shows still match what the program prints.
//!
//! `report.txt` and `compare.txt` rerun every other lab: like
//! `tests/report.rs`, they need the whole workspace built. Their CPython
//! cells depend on the interpreters found (`python3`, and `python3.13t` for
//! the GIL's rows): on a machine without both, they cannot have the recorded
//! shape and are left out. `python.txt` runs the CPython twin with
//! `python3`; where none is installed, it is left out too.

use std::path::Path;

use labkit::python::{Lookup, find};

#[test]
fn transcripts_match_the_program() {
    let found = |name: &str| matches!(find(&[name]).remove(0), Lookup::Found { .. });
    let mut skip: Vec<&str> = Vec::new();
    if !found("python3") {
        eprintln!("python3 is not here: python.txt is not rerun");
        skip.push("python.txt");
    }
    if !(found("python3") && found("python3.13t")) {
        eprintln!("python3 or python3.13t is not here: report.txt and compare.txt are not rerun");
        skip.extend(["report.txt", "compare.txt"]);
    }
    labkit::transcript::check_lab_except(
        "choosing",
        Path::new(env!("CARGO_BIN_EXE_choosing")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &skip,
    )
    .unwrap();
}
