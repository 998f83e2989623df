//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const RACES: &str = env!("CARGO_BIN_EXE_races");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        RACES,
        &["bank", "bank-atomic", "counter", "--scale", "--json"],
    );
}

#[test]
fn bad_amounts_give_one_clear_line_and_exit_code_2() {
    assert_usage_error(RACES, &["bank", "--amounts", "80,-70"], "-70");
    assert_usage_error(RACES, &["bank", "--amounts", "-5"], "-5");
    assert_usage_error(RACES, &["bank", "--amounts", "0"], "0");
    let too_big = "99999999999999999999";
    assert_usage_error(RACES, &["bank", "--amounts", too_big], too_big);
    let too_rich = "2000000000";
    assert_usage_error(RACES, &["bank-atomic", "--amounts", too_rich], too_rich);
    assert_usage_error(RACES, &["bank", "--amounts", "1,2,3,4,5"], "at most 4");
    assert_usage_error(RACES, &["bank", "--balance", "-100"], "-100");
    assert_usage_error(RACES, &["bank", "--amounts", "eighty"], "eighty");
    assert_usage_error(RACES, &["counter", "--threads", "1"], "1");
    assert_usage_error(RACES, &["heist"], "heist");
}

#[test]
fn custom_customers_are_served() {
    let out = run(
        RACES,
        &[
            "bank",
            "--balance",
            "50",
            "--amounts",
            "30,40",
            "--scale",
            "0.01",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains("Get 40, -20 remaining..."),
        "{}",
        out.stdout
    );
}

#[test]
fn json_rows_report_each_experiment() {
    for experiment in ["bank", "bank-atomic", "counter"] {
        let rows = json_rows(RACES, &[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(rows[0]["experiment"], experiment);
        assert!(rows[0]["wall_seconds"].as_f64().unwrap() > 0.0);
        if experiment == "bank" {
            assert_eq!(rows[1]["variant"], "all at once");
            assert_eq!(rows[1]["balance"], -120);
        }
    }
}
