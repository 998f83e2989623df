//! The lab as a reader meets it: help, bad arguments, `--json`, a dying worker.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const GIL: &str = env!("CARGO_BIN_EXE_gil");

#[test]
fn help_lists_every_experiment_and_hides_the_internal_ones() {
    let out = assert_help_mentions(
        GIL,
        &[
            "countdown",
            "step",
            "fib",
            "io",
            "powersum",
            "ipc",
            "python",
            "convoy",
            "races",
            "hashing",
            "order",
            "--scale",
            "--json",
            "--rounds",
            "--json-out",
        ],
    );
    for internal in ["worker", "ipc-child"] {
        assert!(
            !out.stdout
                .lines()
                .any(|line| line.trim_start().starts_with(&format!("{internal} "))),
            "{internal} is listed: {}",
            out.stdout
        );
    }
}

#[test]
fn the_twin_experiments_explain_their_interpreters() {
    for experiment in ["python", "races", "hashing", "order"] {
        let out = run(GIL, &[experiment, "--help"]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        for word in ["--python <PATH>", "python3.13t", "commas"] {
            assert!(out.stdout.contains(word), "{experiment}: {}", out.stdout);
        }
    }
    let out = run(GIL, &["python", "--help"]);
    assert!(out.stdout.contains("[WORKLOADS]..."), "{}", out.stdout);
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(GIL, &["countdown", "--numbers", "0"], "0");
    assert_usage_error(GIL, &["countdown", "--numbers", "-5"], "-5");
    assert_usage_error(GIL, &["countdown", "--switch-us", "0"], "0");
    assert_usage_error(GIL, &["fib", "--n", "0"], "0");
    assert_usage_error(GIL, &["fib", "--n", "99"], "99");
    assert_usage_error(GIL, &["io", "--waits", "0"], "0");
    assert_usage_error(GIL, &["powersum", "--workers", "0"], "0");
    assert_usage_error(GIL, &["powersum", "--numbers", "-1"], "-1");
    assert_usage_error(GIL, &["powersum", "--chunks", "0"], "0");
    assert_usage_error(GIL, &["ipc", "--messages", "0"], "0");
    assert_usage_error(GIL, &["ipc", "--messages", "100000001"], "100000001");
    assert_usage_error(GIL, &["ipc", "--messages", "4294967296"], "4294967296");
    assert_usage_error(GIL, &["countdown", "--scale", "0"], "0");
    assert_usage_error(GIL, &["python", "everything"], "everything");
    assert_usage_error(GIL, &["convoy", "--requests", "0"], "0");
    assert_usage_error(GIL, &["races", "--threads", "0"], "0");
    assert_usage_error(GIL, &["gil-please"], "gil-please");
}

#[test]
fn ipc_refuses_more_messages_than_its_limit_after_scaling() {
    let out = run(GIL, &["ipc", "--messages", "60000000", "--scale", "2"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("120000000 messages"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn a_worker_dying_mid_task_is_a_clear_error_naming_the_task() {
    let out = run(GIL, &["powersum", "--scale", "0.002", "--crash-task", "3"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let error = out.stderr.trim();
    assert_eq!(error.lines().count(), 1, "{error}");
    assert!(error.starts_with("error: "), "{error}");
    assert!(error.contains("process pool: task 3 ("), "{error}");
    assert!(error.contains("died without answering"), "{error}");
    assert!(error.contains("exit status: 3"), "{error}");
    assert!(!error.contains("panicked"), "{error}");
}

#[test]
fn more_chunks_than_numbers_is_a_clear_error() {
    let out = run(GIL, &["powersum", "--numbers", "5", "--chunks", "10"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("cannot be split"), "{}", out.stderr);
}

#[test]
fn json_rows_report_each_experiment() {
    for (experiment, variants) in [
        ("countdown", 6),
        ("step", 2),
        ("fib", 4),
        ("io", 2),
        ("convoy", 3),
        ("powersum", 4),
        ("ipc", 4),
    ] {
        let args = [experiment, "--scale", "0.01", "--rounds", "2", "--json"];
        let rows = json_rows(GIL, &args);
        assert_eq!(rows.len(), variants, "{experiment}");
        for row in &rows {
            assert_eq!(row["experiment"], experiment);
            assert!(row["wall_seconds"].as_f64().unwrap() > 0.0, "{row}");
            assert!(row["cpu_utilisation"].as_f64().is_some(), "{row}");
        }
    }
}

#[test]
fn measured_rows_carry_their_rounds_and_speedups_their_ceilings() {
    let out = run(GIL, &["fib", "--scale", "0.01", "--rounds", "3", "--json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let document = labkit::Document::from_json(&out.stdout).unwrap();
    let method = document.method.as_ref().expect("fib is measured in rounds");
    assert_eq!((method.rounds, method.calibrations.len()), (3, 3));
    for row in &document.rows {
        assert_eq!(row.samples.as_ref().map(Vec::len), Some(3), "{row:?}");
    }
    let two = document.row(None, "2 threads, no GIL");
    assert_eq!(two.baseline.as_deref(), Some("1 thread, no GIL"));
    assert!((two.ceiling.unwrap() - 1.618).abs() < 0.01, "{two:?}");
    let under_gil = document.row(None, "2 threads, GIL");
    assert_eq!(under_gil.baseline.as_deref(), Some("1 thread, GIL"));
    assert_eq!(under_gil.ceiling, Some(1.0));
}

#[test]
fn json_out_writes_the_document_of_the_printed_table() {
    let path = std::env::temp_dir().join(format!("gil-json-out-{}.json", std::process::id()));
    let path_text = path.to_string_lossy().into_owned();
    let args = [
        "step",
        "--scale",
        "0.001",
        "--rounds",
        "2",
        "--json-out",
        &path_text,
    ];
    let out = run(GIL, &args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let document = labkit::Document::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    labkit::transcript::check_rendering(&out.stdout, &document).unwrap();
    assert_usage_error(GIL, &["step", "--rounds", "0"], "0");
}

#[test]
fn a_missing_interpreter_is_skipped_with_a_message() {
    // The Rust rows are still measured, beside no CPython at all.
    let out = run(
        GIL,
        &[
            "python",
            "--python",
            "/nonexistent/python3",
            "--scale",
            "0.001",
            "--rounds",
            "1",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("  /nonexistent/python3: missing, skipped ("),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\ncountdown: Rust Gil\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nio: Rust Gil\n"), "{}", out.stdout);
    assert!(!out.stdout.contains("CPython"), "{}", out.stdout);
    // With nothing but CPython to measure, an experiment says so and ends well.
    let out = run(GIL, &["hashing", "--python", "/nonexistent/python3"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("Nothing to measure"), "{}", out.stdout);
}

#[test]
fn the_twin_experiments_name_each_interpreter_and_its_rows() {
    // The machine's python3 (CI installs one); timing is not checked here.
    let out = run(
        GIL,
        &[
            "races", "--python", "python3", "--scale", "0.001", "--rounds", "2", "--json",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let document = labkit::Document::from_json(&out.stdout).unwrap();
    let experiments: Vec<&str> = document
        .rows
        .iter()
        .map(|r| r.experiment.as_str())
        .collect();
    assert!(experiments.contains(&"counter: Rust"), "{experiments:?}");
    let python_counter = experiments
        .iter()
        .find(|e| e.starts_with("counter: CPython 3."))
        .expect("a CPython counter table");
    let locked = document.row(Some(python_counter), "4 threads, with a lock");
    assert_eq!(locked.extra["lost"], "0 (0–0)");
    let rust = document.row(Some("counter: Rust"), "4 threads, AtomicU64");
    assert_eq!(rust.extra["lost"], "0 (0–0)");
    assert_eq!(rust.samples.as_ref().map(Vec::len), Some(2));
}
