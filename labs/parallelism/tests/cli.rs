//! The lab as a reader meets it: help, bad arguments, `--json`, the hidden child.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const PARALLELISM: &str = env!("CARGO_BIN_EXE_parallelism");

#[test]
fn help_lists_every_experiment_and_hides_the_child() {
    let out = assert_help_mentions(
        PARALLELISM,
        &["processes", "timeline", "preemption", "--scale", "--json"],
    );
    assert!(
        !out.stdout.contains("child-process"),
        "the internal subcommand is listed: {}",
        out.stdout
    );
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(PARALLELISM, &["timeline", "--loaves", "0"], "0");
    assert_usage_error(PARALLELISM, &["timeline", "--loaves", "9"], "9");
    assert_usage_error(PARALLELISM, &["timeline", "--pool", "0"], "0");
    assert_usage_error(PARALLELISM, &["preemption", "--scale", "-1"], "-1");
    assert_usage_error(PARALLELISM, &["processes", "--scale", "fast"], "fast");
    assert_usage_error(PARALLELISM, &["bake"], "bake");
}

#[test]
fn the_child_process_ends_with_the_exit_code_it_is_given() {
    let out = run(
        PARALLELISM,
        &["child-process", "--loaves", "4", "--exit-code", "3"],
    );
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(
        out.stdout.contains("loaves: 0 before, 4 after adding 4"),
        "{}",
        out.stdout
    );
}

#[test]
fn json_rows_report_each_experiment_and_the_speedups() {
    let rows = json_rows(PARALLELISM, &["processes", "--json"]);
    let codes: Vec<i64> = rows
        .iter()
        .map(|row| row["exit code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [0, 3]);

    let rows = json_rows(PARALLELISM, &["preemption", "--scale", "0.01", "--json"]);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|row| row["experiment"] == "preemption"));

    let dir = tempfile::tempdir().unwrap();
    let out = labkit::transcript::run_bounded(
        std::path::Path::new(PARALLELISM),
        &["timeline", "--scale", "0.01", "--json"].map(String::from),
        &[(labkit::transcript::OUTPUT_DIR_ENV, dir.path())],
        std::time::Duration::from_secs(120),
    )
    .unwrap();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = labkit::results::rows_of(&out.stdout).unwrap();
    let variants: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row["experiment"].as_str().unwrap(),
                row["variant"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        variants,
        [
            ("loaves", "sequential"),
            ("loaves", "one thread (tokio)"),
            ("loaves", "OS threads"),
            ("loaves", "rayon pool"),
            ("cpu pair", "sequential"),
            ("cpu pair", "two OS threads"),
            ("cpu pair", "rayon::join"),
        ]
    );
    for row in &rows {
        assert!(row["speedup"].as_f64().unwrap() > 0.0, "{row}");
    }
    for name in ["sequential", "one-thread", "threads", "rayon"] {
        let svg = std::fs::read_to_string(dir.path().join(format!("timeline-{name}.svg")))
            .unwrap_or_else(|err| panic!("timeline-{name}.svg: {err}"));
        labkit::timeline::check_xml(&svg).unwrap();
    }
}
