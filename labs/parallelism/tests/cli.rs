//! The lab as a reader meets it: help, bad arguments, `--json`, the hidden child.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const PARALLELISM: &str = env!("CARGO_BIN_EXE_parallelism");

#[test]
fn help_lists_every_experiment_and_hides_the_child() {
    let out = assert_help_mentions(
        PARALLELISM,
        &[
            "processes",
            "timeline",
            "cpu-pair",
            "preemption",
            "offload",
            "python",
            "--scale",
            "--json",
            "--rounds",
        ],
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
    assert_usage_error(PARALLELISM, &["cpu-pair", "--rounds", "0"], "0");
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
    let out = run(PARALLELISM, &["processes", "--json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let facts: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let pid = &facts["pid"];
    assert_eq!(
        facts["helper"]["pid"], *pid,
        "a thread shares its process's id"
    );
    let children = facts["children"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    for child in children {
        assert_ne!(child["pid"], *pid, "a child has a process of its own");
        let said = child["said"].as_str().unwrap();
        assert!(said.contains(&format!("parent pid {pid}")), "{said}");
    }

    for (experiment, count) in [("preemption", 3), ("offload", 2)] {
        let rows = json_rows(
            PARALLELISM,
            &[experiment, "--scale", "0.01", "--rounds", "2", "--json"],
        );
        assert_eq!(rows.len(), count);
        assert!(rows.iter().all(|row| row["experiment"] == experiment));
        assert!(
            rows.iter()
                .all(|row| row["samples"].as_array().map(Vec::len) == Some(2))
        );
    }

    let rows = json_rows(
        PARALLELISM,
        &["cpu-pair", "--scale", "0.01", "--rounds", "2", "--json"],
    );
    let variants: Vec<&str> = rows.iter().filter_map(|r| r["variant"].as_str()).collect();
    assert_eq!(variants, ["1 thread", "2 threads", "rayon::join"]);
    for row in &rows[1..] {
        assert_eq!(row["baseline"], "1 thread");
        assert!(row["ceiling"].as_f64().unwrap() >= 1.0, "{row}");
    }

    let dir = tempfile::tempdir().unwrap();
    let out = labkit::transcript::run_bounded(
        std::path::Path::new(PARALLELISM),
        &["timeline", "--scale", "0.01", "--rounds", "2", "--json"].map(String::from),
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
    let ways = [
        "sequential",
        "tokio, 1 thread",
        "4 threads",
        "rayon, 2 threads",
    ];
    let expected: Vec<(&str, &str)> = ways
        .iter()
        .map(|way| ("loaves", *way))
        .chain(ways.iter().map(|way| ("loaves, median round", *way)))
        .collect();
    assert_eq!(variants, expected);
    for row in &rows[1..4] {
        assert_eq!(row["baseline"], "sequential", "{row}");
        assert!(row["speedup"].as_f64().unwrap() > 0.0, "{row}");
        assert!(row["ceiling"].as_f64().unwrap() > 1.0, "{row}");
    }
    for name in ["sequential", "one-thread", "threads", "rayon"] {
        let svg = std::fs::read_to_string(dir.path().join(format!("timeline-{name}.svg")))
            .unwrap_or_else(|err| panic!("timeline-{name}.svg: {err}"));
        labkit::timeline::check_xml(&svg).unwrap();
    }
}
