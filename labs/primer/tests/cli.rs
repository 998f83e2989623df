//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const PRIMER: &str = env!("CARGO_BIN_EXE_primer");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        PRIMER,
        &[
            "threads", "arc", "guard", "atomics", "barrier", "channels", "--scale", "--json",
        ],
    );
}

#[test]
fn bad_arguments_give_one_clear_line_and_exit_code_2() {
    assert_usage_error(PRIMER, &["atomics", "--threads", "0"], "0");
    assert_usage_error(PRIMER, &["barrier", "--customers", "-3"], "-3");
    assert_usage_error(PRIMER, &["channels", "--each", "many"], "many");
    assert_usage_error(PRIMER, &["mutex"], "mutex");
}

#[test]
fn json_rows_report_each_experiment() {
    for experiment in ["threads", "arc", "guard", "atomics", "barrier", "channels"] {
        let rows = json_rows(PRIMER, &[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(rows[0]["experiment"], experiment);
    }
    let rows = json_rows(PRIMER, &["atomics", "--scale", "0.01", "--json"]);
    assert_eq!(rows[0]["counted"], 4 * 10_000);
}
