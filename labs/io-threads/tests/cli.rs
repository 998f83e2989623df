//! The lab as a reader meets it: help, bad arguments, `--json`.

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows};

const IO_THREADS: &str = env!("CARGO_BIN_EXE_io-threads");

#[test]
fn help_lists_every_experiment() {
    assert_help_mentions(
        IO_THREADS,
        &[
            "pool", "agent", "async", "threads", "python", "--scale", "--json", "--rounds",
        ],
    );
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(IO_THREADS, &["pool", "--workers", "0"], "0");
    assert_usage_error(IO_THREADS, &["pool", "--files", "many"], "many");
    assert_usage_error(IO_THREADS, &["agent", "--scale", "-1"], "-1");
    assert_usage_error(IO_THREADS, &["threads", "--limit", "0"], "0");
    assert_usage_error(IO_THREADS, &["threads", "--jobs", "none"], "none");
    assert_usage_error(IO_THREADS, &["sleep"], "sleep");
}

#[test]
fn json_rows_carry_paired_speedups_and_ceilings() {
    for (args, variants, speedups) in [
        (&["pool"][..], 4, 3),
        (&["agent"][..], 3, 2),
        (&["agent", "--flush"][..], 4, 3),
        (&["async"][..], 2, 1),
    ] {
        let mut args = args.to_vec();
        args.extend(["--scale", "0.01", "--rounds", "2", "--json"]);
        let rows = json_rows(IO_THREADS, &args);
        assert_eq!(rows.len(), variants, "{args:?}");
        for row in &rows {
            assert_eq!(row["experiment"], args[0]);
            assert!(row["wall_seconds"].as_f64().unwrap() > 0.0, "{row}");
            assert_eq!(row["samples"].as_array().unwrap().len(), 2, "{row}");
        }
        let with_speedup: Vec<_> = rows.iter().filter(|r| r["speedup"].is_number()).collect();
        assert_eq!(with_speedup.len(), speedups, "{args:?}");
        for row in with_speedup {
            assert!(row["ceiling"].as_f64().unwrap() > 1.0, "{row}");
            assert!(row["baseline"].is_string(), "{row}");
        }
    }
}

#[test]
fn the_thread_counts_come_with_every_phase() {
    if !cfg!(target_os = "linux") {
        return; // the counts come from /proc/self/status
    }
    let rows = json_rows(IO_THREADS, &["threads", "--scale", "0.01", "--json"]);
    let variants: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["limit 512 (default)", "limit 10"]);
    for (row, most) in rows.iter().zip([100, 10]) {
        let count = |key: &str| row[key].as_u64().unwrap_or_else(|| panic!("{key}: {row}"));
        // Never more threads than the limit allows (and 100 jobs need no
        // more than 100); back where it started after the keep-alive.
        assert!((1..=most).contains(&count("used")), "{row}");
        assert!(count("during") <= count("before") + most, "{row}");
        assert_eq!(count("later"), count("before"), "{row}");
    }
}

#[test]
fn the_python_experiment_shows_rust_and_cpython_rows() {
    let rows = json_rows(
        IO_THREADS,
        &["python", "--scale", "0.01", "--rounds", "1", "--json"],
    );
    let experiments: Vec<&str> = rows
        .iter()
        .map(|r| r["experiment"].as_str().unwrap())
        .collect();
    for rust in ["pool, Rust", "agent, Rust", "async, Rust"] {
        assert!(experiments.contains(&rust), "{experiments:?}");
    }
    // CPython's rows are there when python3 is (a missing one is tolerated).
    let cpython = experiments
        .iter()
        .filter(|e| e.ends_with("CPython"))
        .count();
    let has_python = labkit::python::find(&["python3"])
        .iter()
        .any(|l| matches!(l, labkit::python::Lookup::Found { .. }));
    if has_python {
        assert_eq!(cpython, 4 + 3 + 2, "{experiments:?}");
    } else {
        assert_eq!(cpython, 0);
    }
}
