//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const RACES: &str = env!("CARGO_BIN_EXE_races");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        RACES,
        &[
            "bank",
            "bank-runs",
            "bank-atomic",
            "counter",
            "counter-runs",
            "exercise",
            "python",
            "--scale",
            "--json",
        ],
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
        if experiment == "bank" {
            assert_eq!(rows[1]["variant"], "all at once");
            assert_eq!(rows[1]["balance"], -120);
        }
    }
}

#[test]
fn run_many_times_each_program_ends_only_where_it_can() {
    let racy = races::outcomes::check_then_act(100, &[80, 70, 50, 20]);
    let whole = races::outcomes::one_at_a_time(100, &[80, 70, 50, 20]);
    let rows = json_rows(
        RACES,
        &["bank-runs", "--runs", "5", "--scale", "0.01", "--json"],
    );
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row["runs"], 5);
        let seen = row["balances seen"].as_u64().unwrap() as usize;
        assert!((1..=racy.len()).contains(&seen), "{row}");
    }
    let fixed = &rows[3];
    assert_eq!(fixed["variant"], "fetch_update");
    assert_eq!(fixed["overdrawn"], 0, "{fixed}");
    let seen = fixed["balances seen"].as_u64().unwrap() as usize;
    assert!((1..=whole.len()).contains(&seen), "{fixed}");

    let rows = json_rows(
        RACES,
        &["counter-runs", "--runs", "4", "--scale", "0.01", "--json"],
    );
    let fetch_add = &rows[1];
    assert_eq!(fetch_add["variant"], "fetch_add");
    assert_eq!(fetch_add["lossy runs"], 0, "{fetch_add}");
    let lost = rows[0]["max lost"].as_u64().unwrap();
    assert!(
        lost <= rows[0]["increments"].as_u64().unwrap(),
        "{}",
        rows[0]
    );
}

#[test]
fn the_hidden_once_run_prints_one_json_line() {
    let out = run(
        RACES,
        &[
            "once",
            "bank",
            "--withdraw",
            "fetch-update",
            "--amounts",
            "60,50",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let once: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert!(
        [40, 50].contains(&once["outcome"].as_i64().unwrap()),
        "{once}"
    );
    assert_usage_error(RACES, &["once", "bank", "--withdraw", "rob"], "rob");
}
