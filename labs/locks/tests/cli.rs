//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const LOCKS: &str = env!("CARGO_BIN_EXE_locks");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        LOCKS,
        &[
            "bank-locked",
            "hold-across-sleep",
            "costs",
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
    for experiment in ["bank-locked", "hold-across-sleep", "costs"] {
        let rows = json_rows(LOCKS, &[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(rows[0]["experiment"], experiment);
        assert!(rows[0]["wall_seconds"].as_f64().unwrap() > 0.0);
        if experiment == "bank-locked" {
            assert_eq!(rows[0]["variant"], "queue order");
            assert_eq!(rows[0]["paid"], "80, 20");
            assert_eq!(rows[0]["balance"], 0);
        }
    }
}
