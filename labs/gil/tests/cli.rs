//! The lab as a reader meets it: help, bad arguments, `--json`, a dying worker.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const GIL: &str = env!("CARGO_BIN_EXE_gil");

#[test]
fn help_lists_every_experiment_and_hides_the_internal_ones() {
    let out = assert_help_mentions(
        GIL,
        &[
            "countdown",
            "fib",
            "io",
            "powersum",
            "ipc",
            "python",
            "--scale",
            "--json",
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
    assert!(
        error.starts_with("error: process pool: task 3 ("),
        "{error}"
    );
    assert!(error.contains("died without answering"), "{error}");
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
        ("countdown", 5),
        ("fib", 3),
        ("io", 2),
        ("powersum", 3),
        ("ipc", 4),
    ] {
        let rows = json_rows(GIL, &[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(rows.len(), variants, "{experiment}");
        for row in &rows {
            assert_eq!(row["experiment"], experiment);
            assert!(row["wall_seconds"].as_f64().unwrap() > 0.0, "{row}");
            assert!(row["cpu_utilisation"].as_f64().is_some(), "{row}");
        }
    }
}

#[test]
fn python_is_skipped_with_a_message_when_missing() {
    let out = run(
        GIL,
        &[
            "python",
            "--python",
            "/nonexistent/python3",
            "--scale",
            "0.001",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("was not found: skipping the CPython side"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("countdown, Rust Gil"), "{}", out.stdout);
    assert!(!out.stdout.contains("CPython |"), "{}", out.stdout);
}
