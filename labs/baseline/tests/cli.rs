//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const BASELINE: &str = env!("CARGO_BIN_EXE_baseline");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        BASELINE,
        &["weather", "logs", "powersum", "--scale", "--json"],
    );
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(BASELINE, &["weather", "--scale", "-1"], "-1");
    assert_usage_error(BASELINE, &["weather", "--scale", "fast"], "fast");
    assert_usage_error(BASELINE, &["weather", "--cities", "many"], "many");
    assert_usage_error(BASELINE, &["powersum", "--chunks", "0"], "0");
    assert_usage_error(BASELINE, &["forecast"], "forecast");
}

#[test]
fn json_rows_report_each_experiment() {
    for experiment in ["weather", "logs", "powersum"] {
        let rows = json_rows(BASELINE, &[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(rows[0]["experiment"], experiment);
        assert_eq!(rows[0]["variant"], "sequential");
    }
}
