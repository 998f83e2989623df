//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const BASELINE: &str = env!("CARGO_BIN_EXE_baseline");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        BASELINE,
        &[
            "weather", "logs", "powersum", "chunks", "python", "--scale", "--json", "--rounds",
        ],
    );
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(BASELINE, &["weather", "--scale", "-1"], "-1");
    assert_usage_error(BASELINE, &["weather", "--scale", "fast"], "fast");
    assert_usage_error(BASELINE, &["weather", "--cities", "many"], "many");
    assert_usage_error(BASELINE, &["powersum", "--chunks", "0"], "0");
    assert_usage_error(BASELINE, &["powersum", "--chunks", "4,x"], "x");
    assert_usage_error(BASELINE, &["chunks", "--chunks", "0"], "0");
    assert_usage_error(BASELINE, &["weather", "--rounds", "0"], "0");
    assert_usage_error(BASELINE, &["forecast"], "forecast");
}

#[test]
fn too_few_numbers_for_the_chunks_is_a_one_line_error() {
    let out = run(BASELINE, &["powersum", "--numbers", "3", "--chunks", "4"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("cannot be split"), "{}", out.stderr);
}

#[test]
fn json_rows_report_each_experiment() {
    for (experiment, variant) in [
        ("weather", "sequential"),
        ("logs", "sequential"),
        ("powersum", "1 chunk"),
    ] {
        let rows = json_rows(
            BASELINE,
            &[experiment, "--scale", "0.01", "--rounds", "2", "--json"],
        );
        assert_eq!(rows[0]["experiment"], experiment);
        assert_eq!(rows[0]["variant"], variant);
        assert_eq!(rows[0]["samples"].as_array().map(Vec::len), Some(2));
    }
    let rows = json_rows(
        BASELINE,
        &["powersum", "--scale", "0.001", "--rounds", "2", "--json"],
    );
    let variants: Vec<&str> = rows.iter().filter_map(|r| r["variant"].as_str()).collect();
    assert_eq!(variants, ["1 chunk", "4 chunks", "16 chunks"]);
    assert_eq!(rows[2]["baseline"], "1 chunk");
    assert_eq!(rows[2]["ceiling"], 1.0);
}

#[test]
fn chunks_prints_the_ranges_and_their_json() {
    let out = run(BASELINE, &["chunks", "--numbers", "10", "--chunks", "4"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("1..4"), "{}", out.stdout);
    assert!(
        out.stdout.contains("exactly one chunk: yes"),
        "{}",
        out.stdout
    );
    let out = run(
        BASELINE,
        &["chunks", "--numbers", "7", "--chunks", "3", "--json"],
    );
    let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        document["ranges"],
        serde_json::json!([[1, 4], [4, 6], [6, 8]])
    );
    assert_eq!(document["every_number_once"], true);
}
