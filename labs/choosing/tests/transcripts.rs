//! The outputs the book shows still match what the program prints.
//!
//! `report.txt` and `compare.txt` rerun every other lab: like
//! `tests/report.rs`, they need the whole workspace built. The report's
//! CPython cells depend on the interpreters found (`python3`, and
//! `python3.13t` for the GIL's rows): on a machine without both, its
//! transcript cannot have the recorded shape and is left out.

use std::path::Path;

#[test]
fn transcripts_match_the_program() {
    let (bin, dir) = (
        Path::new(env!("CARGO_BIN_EXE_choosing")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    let found = labkit::python::find(&["python3", "python3.13t"])
        .iter()
        .all(|lookup| matches!(lookup, labkit::python::Lookup::Found { .. }));
    if found {
        labkit::transcript::check_lab("choosing", bin, dir).unwrap();
    } else {
        eprintln!("python3 or python3.13t missing: report.txt not checked");
        labkit::transcript::check_lab_except("choosing", bin, dir, &["report.txt"]).unwrap();
    }
}
