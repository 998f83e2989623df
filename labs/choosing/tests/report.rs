//! The report runs every chapter's headline experiment and writes its files.
//!
//! It runs the other labs' binaries, which Cargo builds next to this one when
//! the whole workspace is built (a plain `cargo test` at the root). Run on its
//! own (`cargo test -p choosing`), the report builds the missing labs first
//! (Cargo sets `CARGO` and `CARGO_MANIFEST_DIR` for the test and its child).

use std::path::Path;
use std::time::Duration;

use choosing::report::HEADLINES;
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
        if headline.is_speedup() {
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
    // The two primers teach tools, not one of the Python material's
    // experiments: their outputs (labs/primer's, and the event-loop lab's
    // `primer-*` transcripts) are walk-throughs with no timing and no figure
    // the material reported, so they have nothing to put beside Python's.
    // The introduction and this chapter run no experiment of their own.
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
    // The report is shown in an output cell: no line wider than 100 columns.
    for line in out.stdout.lines().chain(markdown.lines()) {
        assert!(
            line.chars().count() <= 100,
            "wider than 100 columns: {line}"
        );
    }
    // A row without a twin says so; one with a twin shows CPython's figure
    // or, without an interpreter, a dash.
    assert!(markdown.contains("no twin"));
    // The book inlines the SVG inside a markdown paragraph.
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    assert!(!svg.contains("<?xml"));
    assert!(
        !svg.contains("\n\n"),
        "a blank line would end the HTML block"
    );
}

#[test]
fn compare_writes_a_self_contained_page_beside_the_books_numbers() {
    let out_dir =
        std::env::temp_dir().join(format!("choosing-compare-test-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = run_bounded(
        Path::new(env!("CARGO_BIN_EXE_choosing")),
        &[
            "compare".into(),
            "--scale".into(),
            "0.01".into(),
            "--rounds".into(),
            "2".into(),
        ],
        &[(OUTPUT_DIR_ENV, &out_dir)],
        Duration::from_secs(300),
    )
    .unwrap();
    let markdown = std::fs::read_to_string(out_dir.join("compare.md"));
    let html = std::fs::read_to_string(out_dir.join("compare.html"));
    let _ = std::fs::remove_dir_all(&out_dir);
    assert_eq!(out.code, Some(0), "compare failed: {}", out.stderr.trim());
    let (markdown, html) = (markdown.unwrap(), html.unwrap());
    for text in [&markdown, &html] {
        for headline in HEADLINES {
            assert!(text.contains(headline.label), "{} missing", headline.label);
        }
        for fact in ["cores", "delivered", "rustc", "OS", "Python", "GIL"] {
            assert!(
                text.contains(fact),
                "the page does not give the machines' {fact}"
            );
        }
        // At another scale than the book's, times are not compared.
        assert!(text.contains("not compared (another --scale)"));
    }
    // Self-contained: inline style and chart, nothing fetched.
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>") && html.contains("<svg"));
    for external in ["<link", "src=", "url(", "<script"] {
        assert!(
            !html.contains(external),
            "the page loads something: {external}"
        );
    }
}

/// The Python material, where it is: beside the repository (the session's
/// `../shared/reference/`), or not on a fresh clone.
fn reference_dir() -> Option<std::path::PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    ["../shared/reference", "../../shared/reference"]
        .iter()
        .map(|dir| repo.join(dir))
        .find(|dir| dir.join("README.md").is_file())
}

/// Every figure the report attributes to Python is in the file it names, in
/// the words it quotes; both times of a reported speedup are among them.
#[test]
fn python_reported_is_the_python_materials_own_words() {
    for headline in HEADLINES {
        let reported = &headline.reported;
        if reported.words.is_empty() {
            assert_eq!(
                reported.figure, "—",
                "{}: a figure without its source",
                headline.label
            );
            assert!(reported.times.is_none());
            continue;
        }
        assert!(!reported.file.is_empty(), "{}", headline.label);
        if let Some((before, after)) = reported.times {
            let numbers: Vec<f64> = reported
                .words
                .iter()
                .flat_map(|w| w.split(|c: char| !(c.is_ascii_digit() || c == '.')))
                .filter_map(|n| n.trim_matches('.').parse().ok())
                .collect();
            for time in [before, after] {
                assert!(
                    numbers.iter().any(|n| (n - time).abs() < 0.006),
                    "{}: {time} s is not in the quoted words {:?}",
                    headline.label,
                    reported.words
                );
                assert!(reported.figure.contains(&format!("{time:.2}")));
            }
        }
        let Some(dir) = reference_dir() else {
            eprintln!("the Python material is not beside this repository: words not checked");
            continue;
        };
        let text = std::fs::read_to_string(dir.join(reported.file)).unwrap();
        for words in reported.words {
            assert!(
                text.contains(words),
                "{}: {} does not say {words:?}",
                headline.label,
                reported.file
            );
        }
    }
}
