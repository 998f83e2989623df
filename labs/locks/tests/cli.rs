//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const LOCKS: &str = env!("CARGO_BIN_EXE_locks");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        LOCKS,
        &[
            "bank-locked",
            "bank-runs",
            "release",
            "relock",
            "hold-across-sleep",
            "mutexes",
            "rwlock",
            "condvar",
            "costs",
            "exercise",
            "python",
            "--scale",
            "--json",
        ],
    );
}

#[test]
fn bad_arguments_give_one_clear_line_and_exit_code_2() {
    let bank = "bank-locked";
    assert_usage_error(LOCKS, &[bank, "--amounts", "80,-70"], "-70");
    let too_big = "99999999999999999999";
    assert_usage_error(LOCKS, &[bank, "--amounts", too_big], too_big);
    assert_usage_error(LOCKS, &[bank, "--amounts", "0"], "0");
    assert_usage_error(LOCKS, &[bank, "--balance", "-1"], "-1");
    assert_usage_error(LOCKS, &[bank, "--amounts", "1,2,3,4,5"], "at most 4");
    assert_usage_error(LOCKS, &["hold-across-sleep", "--sellers", "0"], "0");
    assert_usage_error(LOCKS, &["costs", "--ops", "lots"], "lots");
}

#[test]
fn json_rows_report_each_experiment() {
    for experiment in [
        "bank-locked",
        "hold-across-sleep",
        "costs",
        "release",
        "relock",
        "mutexes",
        "rwlock",
        "condvar",
        "exercise",
    ] {
        let rows = json_rows(LOCKS, &[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(rows[0]["experiment"], experiment);
        if experiment == "bank-locked" {
            assert_eq!(rows[0]["variant"], "queue order");
            assert_eq!(rows[0]["paid"], "80, 20");
            assert_eq!(rows[0]["balance"], 0);
        }
    }
}

#[test]
fn the_locked_bank_run_many_times_ends_only_where_a_queue_order_can() {
    let rows = json_rows(
        LOCKS,
        &["bank-runs", "--runs", "5", "--scale", "0.01", "--json"],
    );
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(row["runs"], 5);
        assert_eq!(row["overdrawn"], 0, "{row}");
        assert!(
            (1..=3).contains(&row["balances seen"].as_u64().unwrap()),
            "{row}"
        );
    }
}

#[test]
fn the_hidden_once_run_prints_one_json_line() {
    let out = labkit::testing::run(LOCKS, &["once", "--pause-ns", "1000"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let once: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert!(
        [0, 10, 30].contains(&once["outcome"].as_i64().unwrap()),
        "{once}"
    );
    let help = labkit::testing::run(LOCKS, &["--help"]).stdout;
    assert!(
        !help.lines().any(|l| l.trim_start().starts_with("once ")),
        "{help}"
    );
}
