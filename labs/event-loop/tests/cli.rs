//! The lab as a reader meets it: help, bad arguments, `--json`, and the
//! requests that are meant to fail.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const BIN: &str = env!("CARGO_BIN_EXE_event-loop");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        BIN,
        &[
            "primer",
            "weather",
            "blocking-sockets",
            "by-hand",
            "reactor",
            "fetch",
            "limit",
            "user-input",
            "blocking",
            "scale",
            "python",
            "--scale",
            "--json",
            "--rounds",
        ],
    );
    let fetch_help = labkit::testing::run(BIN, &["fetch", "--help"]);
    for option in [
        "--requests",
        "--latency-ms",
        "--timeout-ms",
        "--with-failures",
    ] {
        assert!(fetch_help.stdout.contains(option), "{option}");
    }
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(BIN, &["fetch", "--requests", "0"], "0");
    assert_usage_error(BIN, &["reactor", "--requests", "many"], "many");
    assert_usage_error(BIN, &["fetch", "--latency-ms", "slow"], "slow");
    assert_usage_error(BIN, &["reactor", "--latency-ms", "-5"], "-5");
    assert_usage_error(BIN, &["fetch", "--timeout-ms", "0"], "0");
    assert_usage_error(BIN, &["weather", "--scale", "fast"], "fast");
    assert_usage_error(BIN, &["forecast"], "forecast");
    assert_usage_error(BIN, &["primer", "tomorrow"], "tomorrow");
    assert_usage_error(BIN, &["by-hand", "scheduler"], "scheduler");
    assert_usage_error(BIN, &["python", "countdown"], "countdown");
    assert_usage_error(BIN, &["limit", "--in-flight", "0"], "0");
}

#[test]
fn json_rows_carry_what_the_chapter_reads() {
    let rounds = ["--scale", "0.01", "--rounds", "2", "--json"];
    let rows = json_rows(BIN, &[&["scale"][..], &rounds].concat());
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert!(row["tasks"].as_u64().unwrap() >= 10, "{row}");
        assert!(row["rss_bytes_per_task"].is_u64(), "{row}");
        assert_eq!(row["samples"].as_array().unwrap().len(), 2, "{row}");
    }
    let rows = json_rows(BIN, &[&["weather"][..], &rounds].concat());
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|row| row["requests"] == 5));
    assert_eq!(rows[2]["baseline"], "in turn");
    assert_eq!(rows[2]["ceiling"], 5.0);
}

#[test]
fn the_walk_throughs_print_their_lines_as_json_too() {
    let out = labkit::testing::run(BIN, &["by-hand", "executor", "--json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(document["experiment"], "by-hand");
    let lines = document["lines"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|line| line.as_str().unwrap().starts_with("turn 2: polled 1 Ready"))
    );
}

/// A refused connection, a server that never answers and one that answers
/// garbage: three failures, counted, and every other page still arrives.
#[test]
fn failed_requests_are_counted_and_the_others_finish() {
    for experiment in ["blocking-sockets", "reactor", "fetch"] {
        let args = [
            experiment,
            "--requests",
            "4",
            "--latency-ms",
            "10",
            "--timeout-ms",
            "800",
            "--with-failures",
            "--rounds",
            "1",
            "--json",
        ];
        let rows = json_rows(BIN, &args);
        assert!(!rows.is_empty());
        for row in &rows {
            assert_eq!(row["ok"], 4, "{experiment}: {row}");
            assert_eq!(row["failed"], 3, "{experiment}: {row}");
        }
        let out = labkit::testing::run(BIN, &args[..args.len() - 1]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        for why in [
            "Connection refused",
            "no answer within 800ms",
            "malformed response",
        ] {
            assert!(
                out.stdout.contains(why),
                "{experiment} does not say {why:?}:\n{}",
                out.stdout
            );
        }
    }
}
