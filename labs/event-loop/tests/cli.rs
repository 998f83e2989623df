//! The lab as a reader meets it: help, bad arguments, `--json`, and the
//! requests that are meant to fail.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const BIN: &str = env!("CARGO_BIN_EXE_event-loop");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        BIN,
        &[
            "weather",
            "blocking-sockets",
            "reactor",
            "fetch",
            "user-input",
            "blocking",
            "scale",
            "--scale",
            "--json",
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
}

#[test]
fn json_rows_carry_what_the_chapter_reads() {
    let rows = json_rows(BIN, &["scale", "--scale", "0.01", "--json"]);
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert!(row["tasks"].as_u64().unwrap() >= 10, "{row}");
        assert!(row["rss_bytes_per_task"].is_u64(), "{row}");
    }
    let rows = json_rows(BIN, &["weather", "--scale", "0.01", "--json"]);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|row| row["requests"] == 5));
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
            "--json",
        ];
        let rows = json_rows(BIN, &args);
        assert!(!rows.is_empty());
        for row in &rows {
            assert_eq!(row["requests"], 7, "{experiment}: {row}");
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
