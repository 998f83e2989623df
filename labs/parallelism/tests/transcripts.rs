//! The outputs the book shows still match what the program prints, and the
//! timelines the book inlines are SVG the chapter can include.

use std::path::Path;

use labkit::python::{Lookup, find};
use labkit::timeline::{check_xml, svg_lanes};

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn transcripts_match_the_program() {
    let bin = Path::new(env!("CARGO_BIN_EXE_parallelism"));
    // Without python3 the `python` run prints a shorter table: it is the
    // one line that cannot be compared on such a machine.
    let skip: &[&str] = match find(&["python3"]).remove(0) {
        Lookup::Found { .. } => &[],
        _ => {
            eprintln!("python3 is not installed here: python.txt is not checked");
            &["python.txt"]
        }
    };
    labkit::transcript::check_lab_except("parallelism", bin, lab(), skip).unwrap();
}

#[test]
fn committed_timelines_can_be_inlined_and_have_one_lane_per_thread() {
    for (file, lanes) in [
        ("timeline-sequential.svg", &["main"][..]),
        ("timeline-one-thread.svg", &["main"][..]),
        (
            "timeline-threads.svg",
            &["baker 1", "baker 2", "baker 3", "baker 4"][..],
        ),
        ("timeline-rayon.svg", &["rayon 0", "rayon 1"][..]),
    ] {
        let path = lab().join("outputs").join(file);
        let svg = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!(
                "{}: {err}; regenerate with `cargo run -p xtask -- outputs --lab parallelism`",
                path.display()
            )
        });
        // Markdown ends an HTML block at a blank line, and `<?xml` is not HTML.
        assert!(
            svg.starts_with("<svg "),
            "{file} starts with {:?}",
            &svg[..20]
        );
        assert!(
            !svg.lines().any(|line| line.trim().is_empty()),
            "{file} has a blank line"
        );
        check_xml(&svg).unwrap_or_else(|err| panic!("{file}: {err:#}"));
        assert_eq!(svg_lanes(&svg), lanes, "{file}");
        // Each loaf is kneaded, then baked: 8 bars.
        assert_eq!(svg.matches("<title>").count(), 8, "{file}");
    }
}
