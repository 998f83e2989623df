//! The lab as a reader meets it: help, bad arguments, exit statuses, `--json`.
//!
//! Every run is a child process bounded by `labkit::testing::run`, so the
//! experiments that deadlock on purpose end the child, never this test.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const DEADLOCK: &str = env!("CARGO_BIN_EXE_deadlock");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        DEADLOCK,
        &[
            "two-locks",
            "two-locks-runs",
            "timeout-runs",
            "python",
            "detect",
            "timeout",
            "ordered",
            "philosophers",
            "--scale",
            "--json",
            "exit status 3",
        ],
    );
}

/// A bad argument is refused like in every lab, and before anything runs:
/// an experiment that started would print (or deadlock) first.
fn refused_before_running(args: &[&str], names: &str) {
    assert_usage_error(DEADLOCK, args, names);
    let out = run(DEADLOCK, args);
    assert!(out.stdout.is_empty(), "{args:?} ran anyway: {}", out.stdout);
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    refused_before_running(&["philosophers", "--philosophers", "0"], "0");
    refused_before_running(&["philosophers", "--philosophers", "1"], "1");
    refused_before_running(&["philosophers", "--meals", "0"], "0");
    refused_before_running(&["philosophers", "--forks", "right-first"], "right-first");
    refused_before_running(&["timeout", "--timeout", "0"], "0");
    refused_before_running(&["timeout", "--timeout", "-1"], "-1");
    refused_before_running(&["timeout", "--timeout", "soon"], "soon");
    refused_before_running(&["timeout", "--attempts", "0"], "0");
    refused_before_running(&["ordered", "--transfers", "0"], "0");
    refused_before_running(&["two-locks", "--scale", "0"], "0");
    refused_before_running(&["two-locks-runs", "--runs", "0"], "0");
    refused_before_running(&["timeout-runs", "--runs", "many"], "many");
    refused_before_running(&["three-locks"], "three-locks");
}

#[test]
fn two_locks_deadlock_is_reported_and_ends_with_status_3() {
    let out = run(DEADLOCK, &["two-locks", "--scale", "0.01"]);
    assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
    for line in [
        "thread 1 acquired lock A",
        "thread 2 acquired lock B",
        "thread 1 holds lock A and waits for lock B",
        "thread 2 holds lock B and waits for lock A",
        "watchdog: deadlock",
    ] {
        assert!(out.stdout.contains(line), "no {line:?} in:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("finished"), "{}", out.stdout);
}

#[test]
fn naive_philosophers_deadlock_and_every_one_holds_a_fork() {
    // At scale 1 each philosopher takes 2 ms to reach for the second fork:
    // all five hold their first fork in the first round or soon after.
    let out = run(DEADLOCK, &["philosophers"]);
    assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
    for seat in 0..5 {
        let line = format!(
            "philosopher {seat} holds fork {seat} and waits for fork {}",
            (seat + 1) % 5
        );
        assert!(
            out.stdout.contains(&line),
            "no {line:?} in:\n{}",
            out.stdout
        );
    }
}

#[test]
fn ordered_philosophers_all_eat_every_round() {
    let ordered = ["philosophers", "--forks", "lower-first", "--rounds", "2"];
    let rows = json_rows(
        DEADLOCK,
        &[&ordered[..], &["--scale", "0.05", "--json"]].concat(),
    );
    assert_eq!(rows[0]["meals"], 500);
    // One row per philosopher: how long each waited for forks.
    assert_eq!(rows.len(), 1 + 5);
    let two_for_seven = ["--philosophers", "2", "--meals", "7"];
    let rows = json_rows(
        DEADLOCK,
        &[&ordered[..], &two_for_seven, &["--scale", "0.05", "--json"]].concat(),
    );
    assert_eq!(rows[0]["meals"], 14);
    assert_eq!(rows.len(), 1 + 2);
}

#[test]
fn a_deadlock_report_is_json_too_with_json() {
    let out = run(DEADLOCK, &["two-locks", "--json"]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is JSON only");
    assert_eq!(report["deadlock"], true);
    assert_eq!(report["found_by"], "watchdog");
    assert_eq!(report["standings"].as_array().unwrap().len(), 2);
}

#[test]
fn prevention_rows_report_every_strategy() {
    let ordered = [
        "ordered",
        "--transfers",
        "50",
        "--scale",
        "0.01",
        "--rounds",
        "2",
        "--json",
    ];
    let rows = json_rows(DEADLOCK, &ordered);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(row["transfers"], 100, "{row}");
        assert_eq!(row["samples"].as_array().unwrap().len(), 2, "{row}");
    }

    let timeout = [
        "timeout",
        "--scale",
        "0.005",
        "--attempts",
        "4",
        "--rounds",
        "2",
        "--json",
    ];
    let rows = json_rows(DEADLOCK, &timeout);
    assert_eq!(rows[1]["variant"], "retry, same back-off");
    assert_eq!(rows[1]["finished"], "nobody");
    assert_eq!(rows[1]["attempts"], 8);
    assert_eq!(rows[2]["finished"], "both");
}

/// Outcome columns → runs, for the rows of a runs experiment.
fn outcomes(row: &serde_json::Value, names: &[&str]) -> Vec<u64> {
    names
        .iter()
        .map(|name| {
            row[*name]
                .as_u64()
                .unwrap_or_else(|| panic!("no {name} in {row}"))
        })
        .collect()
}

#[test]
fn unstaged_runs_end_only_in_the_outcomes_each_program_allows() {
    // Counts are luck; which outcomes can occur is not.
    let args = ["two-locks-runs", "--runs", "4", "--scale", "0.2", "--json"];
    let rows = json_rows(DEADLOCK, &args);
    assert_eq!(rows.len(), 4);
    for row in &rows {
        let [deadlocked, finished] = outcomes(row, &["deadlocked", "finished"])[..] else {
            unreachable!()
        };
        assert_eq!(deadlocked + finished, 4, "{row}");
        if row["variant"].as_str().unwrap().starts_with("lock order") {
            assert_eq!(deadlocked, 0, "one lock order cannot deadlock: {row}");
        }
    }

    let args = ["timeout-runs", "--runs", "3", "--scale", "0.1", "--json"];
    let rows = json_rows(DEADLOCK, &args);
    assert_eq!(rows.len(), 3);
    let names = ["finished", "1 gave up", "2 gave up", "both gave up"];
    for row in &rows {
        assert_eq!(outcomes(row, &names).iter().sum::<u64>(), 3, "{row}");
        assert!(
            row.get("deadlocked").is_none(),
            "timeouts cannot deadlock: {row}"
        );
    }
}

#[test]
fn the_python_experiment_puts_cpython_beside_rust_or_says_it_cannot() {
    let out = run(DEADLOCK, &["python", "--scale", "0.05", "--rounds", "2"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("Rust (`deadlock two-locks`): exit status 3"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("| Rust "), "{}", out.stdout);
    let cpython = out.stdout.contains("(measured here): exit status 3");
    let missing = out.stdout.contains("python3: not found");
    assert!(
        cpython != missing,
        "either CPython ran or it was missing:\n{}",
        out.stdout
    );
    if cpython {
        assert!(out.stdout.contains("| CPython "), "{}", out.stdout);
    }
}

#[cfg(not(feature = "detect"))]
#[test]
fn detect_without_the_feature_says_how_to_run_it() {
    let out = run(DEADLOCK, &["detect"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stdout.contains("--features detect -- detect"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("--features detect"), "{}", out.stderr);
}
