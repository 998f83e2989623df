//! The lab as a reader meets it: help, bad arguments, `--json`, a dying worker.

use std::path::Path;
use std::time::Duration;

use labkit::transcript::{Captured, run_bounded};

fn gil(args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(
        Path::new(env!("CARGO_BIN_EXE_gil")),
        &args,
        &[],
        Duration::from_secs(120),
    )
    .unwrap()
}

#[test]
fn help_lists_every_experiment_and_hides_the_internal_ones() {
    let out = gil(&["--help"]);
    assert_eq!(out.code, Some(0));
    for experiment in [
        "countdown",
        "fib",
        "io",
        "powersum",
        "ipc",
        "python",
        "--scale",
        "--json",
    ] {
        assert!(
            out.stdout.contains(experiment),
            "--help does not mention {experiment}"
        );
    }
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
    for (args, names) in [
        (&["countdown", "--numbers", "0"][..], "0"),
        (&["countdown", "--numbers", "-5"][..], "-5"),
        (&["countdown", "--switch-us", "0"][..], "0"),
        (&["fib", "--n", "0"][..], "0"),
        (&["fib", "--n", "99"][..], "99"),
        (&["io", "--waits", "0"][..], "0"),
        (&["powersum", "--workers", "0"][..], "0"),
        (&["powersum", "--numbers", "-1"][..], "-1"),
        (&["powersum", "--chunks", "0"][..], "0"),
        (&["ipc", "--messages", "0"][..], "0"),
        (&["countdown", "--scale", "0"][..], "0"),
        (&["gil-please"][..], "gil-please"),
    ] {
        let out = gil(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(names),
            "{args:?} error does not name {names}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn a_worker_dying_mid_task_is_a_clear_error_naming_the_task() {
    let out = gil(&["powersum", "--scale", "0.002", "--crash-task", "3"]);
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
    let out = gil(&["powersum", "--numbers", "5", "--chunks", "10"]);
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
        let out = gil(&[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(out.code, Some(0), "{experiment}: {}", out.stderr);
        let rows: serde_json::Value =
            serde_json::from_str(&out.stdout).expect("stdout is JSON only");
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), variants, "{experiment}");
        for row in rows {
            assert_eq!(row["experiment"], experiment);
            assert!(row["wall_seconds"].as_f64().unwrap() > 0.0);
            assert!(row["cpu_utilisation"].as_f64().is_some());
        }
    }
}

#[test]
fn python_is_skipped_with_a_message_when_missing() {
    let out = gil(&[
        "python",
        "--python",
        "/nonexistent/python3",
        "--scale",
        "0.001",
    ]);
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
