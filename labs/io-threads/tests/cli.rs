//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const IO_THREADS: &str = env!("CARGO_BIN_EXE_io-threads");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(IO_THREADS, &["pool", "agent", "async", "--scale", "--json"]);
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(IO_THREADS, &["pool", "--workers", "0"], "0");
    assert_usage_error(IO_THREADS, &["pool", "--files", "many"], "many");
    assert_usage_error(IO_THREADS, &["agent", "--scale", "-1"], "-1");
    assert_usage_error(IO_THREADS, &["threads"], "threads");
}

#[test]
fn json_rows_carry_speedups() {
    for (experiment, variants) in [("pool", 4), ("agent", 2), ("async", 2)] {
        let rows = json_rows(IO_THREADS, &[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(rows.len(), variants, "{experiment}");
        for row in &rows {
            assert_eq!(row["experiment"], experiment);
            assert!(row["wall_seconds"].as_f64().unwrap() > 0.0, "{row}");
            assert!(row["speedup"].as_f64().unwrap() > 0.0, "{row}");
        }
    }
}
