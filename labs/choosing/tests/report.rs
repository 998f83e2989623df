//! The report runs every chapter's headline experiment and writes its files.
//!
//! It runs the other labs' binaries, which Cargo builds next to this one when
//! the whole workspace is built (a plain `cargo test` at the root). Run on its
//! own (`cargo test -p choosing`), the report builds the missing labs first
//! (Cargo sets `CARGO` and `CARGO_MANIFEST_DIR` for the test and its child).

use std::path::Path;
use std::time::Duration;

use choosing::report::{HEADLINES, Measure};
use labkit::transcript::{OUTPUT_DIR_ENV, run_bounded};

#[test]
fn the_report_covers_every_chapter_at_a_tiny_scale() {
    let out_dir = std::env::temp_dir().join(format!("choosing-report-test-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = run_bounded(
        Path::new(env!("CARGO_BIN_EXE_choosing")),
        &["report".into(), "--scale".into(), "0.01".into()],
        &[(OUTPUT_DIR_ENV, &out_dir)],
        Duration::from_secs(300),
    )
    .unwrap();
    let markdown = std::fs::read_to_string(out_dir.join("report.md"));
    let svg = std::fs::read_to_string(out_dir.join("speedups.svg"));
    let _ = std::fs::remove_dir_all(&out_dir);
    assert_eq!(
        out.code,
        Some(0),
        "the report failed: {}",
        out.stderr.trim()
    );

    let markdown = markdown.expect("report.md written");
    let svg = svg.expect("speedups.svg written");
    for headline in HEADLINES {
        let run = format!("`{} {}`", headline.lab, headline.args.join(" "));
        for text in [&out.stdout, &markdown] {
            assert!(text.contains(&run), "{run} missing from the report");
            assert!(
                text.contains(headline.chapter),
                "{} missing",
                headline.chapter
            );
        }
        if matches!(headline.measure, Measure::Speedup { .. }) {
            assert!(
                svg.contains(&format!(">{}<", headline.label)),
                "{run} has no bar in the chart"
            );
        }
    }
    // The headlines and the book's chapters match both ways: every chapter
    // with a lab has a headline (this one, the introduction and the async
    // primer, whose steps are walk-throughs with no timing, excepted), and
    // every headline names a chapter.
    let summary =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src/SUMMARY.md"))
            .unwrap();
    // The appendix (after the part title `# Appendix`) holds no chapters.
    let titles: Vec<&str> = summary
        .lines()
        .take_while(|line| !line.starts_with("# Appendix"))
        .filter_map(|line| line.split_once('[')?.1.split_once(']'))
        .map(|(title, _)| title)
        .collect();
    // A primer teaches tools, not one of the Python material's experiments:
    // it has nothing to rerun.
    let without_headline = [
        "Introduction",
        "Rust's tools: threads, guards, atomics",
        "Futures: an async primer",
        "Which model when",
    ];
    for title in &titles {
        if !without_headline.contains(title) {
            assert!(
                HEADLINES.iter().any(|h| h.chapter == *title),
                "the chapter '{title}' has no headline in the report"
            );
        }
    }
    for headline in HEADLINES {
        assert!(
            titles.contains(&headline.chapter),
            "'{}' is not a chapter title in SUMMARY.md",
            headline.chapter
        );
    }
    // The book inlines the SVG inside a markdown paragraph.
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    assert!(!svg.contains("<?xml"));
    assert!(
        !svg.contains("\n\n"),
        "a blank line would end the HTML block"
    );
}
