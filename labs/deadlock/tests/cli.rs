//! The lab as a reader meets it: help, bad arguments, exit statuses, `--json`.
//!
//! Every run is a child process bounded by `run_bounded`, so the
//! experiments that deadlock on purpose end the child, never this test.

use std::path::Path;
use std::time::Duration;

use labkit::transcript::{Captured, run_bounded};

fn deadlock(args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(
        Path::new(env!("CARGO_BIN_EXE_deadlock")),
        &args,
        &[],
        Duration::from_secs(60),
    )
    .unwrap()
}

#[test]
fn help_lists_every_experiment() {
    let out = deadlock(&["--help"]);
    assert_eq!(out.code, Some(0));
    for word in [
        "two-locks",
        "detect",
        "timeout",
        "ordered",
        "philosophers",
        "--scale",
        "--json",
        "exit status 3",
    ] {
        assert!(out.stdout.contains(word), "--help does not mention {word}");
    }
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    for (args, names) in [
        (&["philosophers", "--philosophers", "0"][..], "0"),
        (&["philosophers", "--philosophers", "1"][..], "1"),
        (&["philosophers", "--rounds", "0"][..], "0"),
        (
            &["philosophers", "--forks", "right-first"][..],
            "right-first",
        ),
        (&["timeout", "--timeout", "0"][..], "0"),
        (&["timeout", "--timeout", "-1"][..], "-1"),
        (&["timeout", "--timeout", "soon"][..], "soon"),
        (&["timeout", "--attempts", "0"][..], "0"),
        (&["ordered", "--rounds", "0"][..], "0"),
        (&["two-locks", "--scale", "0"][..], "0"),
        (&["three-locks"][..], "three-locks"),
    ] {
        let out = deadlock(args);
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
        assert!(out.stdout.is_empty(), "{args:?} ran anyway: {}", out.stdout);
    }
}

#[test]
fn two_locks_deadlock_is_reported_and_ends_with_status_3() {
    let out = deadlock(&["two-locks", "--scale", "0.01"]);
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
    let out = deadlock(&["philosophers"]);
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
    let out = deadlock(&[
        "philosophers",
        "--forks",
        "lower-first",
        "--scale",
        "0.05",
        "--json",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is JSON only");
    assert_eq!(rows[0]["meals each"], 100);
    assert_eq!(rows[0]["meals"], 500);
    let out = deadlock(&[
        "philosophers",
        "--forks",
        "lower-first",
        "--philosophers",
        "2",
        "--rounds",
        "7",
        "--scale",
        "0.05",
        "--json",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows[0]["meals"], 14);
}

#[test]
fn a_deadlock_report_is_json_too_with_json() {
    let out = deadlock(&["two-locks", "--json"]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is JSON only");
    assert_eq!(report["deadlock"], true);
    assert_eq!(report["found_by"], "watchdog");
    assert_eq!(report["standings"].as_array().unwrap().len(), 2);
}

#[test]
fn prevention_rows_report_every_strategy() {
    let out = deadlock(&["ordered", "--rounds", "50", "--scale", "0.01", "--json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert_eq!(row["transfers"], 100, "{row}");
        assert_eq!(row["balances kept"], "yes", "{row}");
    }

    let out = deadlock(&["timeout", "--scale", "0.005", "--attempts", "4", "--json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows[1]["variant"], "retry, same back-off");
    assert_eq!(rows[1]["finished"], 0);
    assert_eq!(rows[1]["attempts"], 8);
    assert_eq!(rows[2]["finished"], 2);
}

#[cfg(not(feature = "detect"))]
#[test]
fn detect_without_the_feature_says_how_to_run_it() {
    let out = deadlock(&["detect"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stdout.contains("--features detect -- detect"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("--features detect"), "{}", out.stderr);
}
