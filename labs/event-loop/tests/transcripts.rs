//! The outputs the book shows still match what the program prints.

use std::path::Path;

#[test]
fn transcripts_match_the_program() {
    labkit::transcript::check_lab(
        "event-loop",
        Path::new(env!("CARGO_BIN_EXE_event-loop")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .unwrap();
}

#[test]
fn the_lifecycle_picture_can_be_inlined_in_markdown() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("outputs/reactor-lifecycle.svg");
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg"), "no <?xml prologue: {path:?}");
    assert!(
        !svg.contains("\n\n"),
        "a blank line would end the HTML block"
    );
    labkit::timeline::check_xml(&svg).unwrap();
    assert!(svg.contains(">Pending<") && svg.contains(">Ready<"));
}
