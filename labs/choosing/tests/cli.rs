//! The lab as a reader meets it: help, bad arguments, `--json`, and a
//! report that names the lab it cannot find.

use std::path::Path;

use labkit::testing::{assert_help_mentions, assert_usage_error, json_rows, run};

const CHOOSING: &str = env!("CARGO_BIN_EXE_choosing");

#[test]
fn help_lists_the_experiments_but_not_the_hidden_helpers() {
    let out = assert_help_mentions(
        CHOOSING,
        &["costs", "python", "lazy", "report", "--scale", "--json"],
    );
    assert!(!out.stdout.contains("exit-now"), "{}", out.stdout);
    assert_eq!(run(CHOOSING, &["exit-now"]).code, Some(0));
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    assert_usage_error(CHOOSING, &["costs", "--scale", "0"], "0");
    assert_usage_error(CHOOSING, &["report", "--scale", "fast"], "fast");
    let fiber = ["idle", "--kind", "fiber", "--count", "1"];
    assert_usage_error(CHOOSING, &fiber, "fiber");
    assert_usage_error(CHOOSING, &["benchmark"], "benchmark");
    assert_usage_error(CHOOSING, &["costs", "fibers"], "fibers");
}

#[test]
fn costs_json_has_a_row_per_measurement() {
    let args = ["costs", "--scale", "0.01", "--rounds", "1", "--json"];
    let rows = json_rows(CHOOSING, &args);
    let names: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["experiment"].as_str().unwrap(),
                r["variant"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "spawn/OS thread",
            "spawn/tokio task",
            "spawn/rayon job",
            "spawn/process",
            "switch/2 threads, any core",
            "switch/2 threads, one core",
            "switch/2 tokio tasks, one thread",
            "memory/idle OS thread",
            "memory/idle tokio task",
            "memory/whole process",
        ]
    );
    for row in &rows {
        assert_eq!(row["samples"].as_array().unwrap().len(), 1, "{row}");
    }
}

#[test]
fn the_python_experiment_without_an_interpreter_still_measures_rust() {
    let args = [
        "python",
        "--python",
        "/nonexistent/python3",
        "--scale",
        "0.01",
        "--rounds",
        "1",
    ];
    let out = run(CHOOSING, &args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains("skipping the CPython side"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Rust: tokio task"), "{}", out.stdout);
    assert!(!out.stdout.contains("Python:"), "{}", out.stdout);
}

#[test]
fn a_report_without_the_other_labs_names_them_and_the_build_command() {
    // The binary, linked into a directory of its own, finds no lab beside it.
    // A hard link, not a copy: a file just written can still be open in a
    // child another test thread is forking ("text file busy" on exec).
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("choosing-alone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let alone = dir.join(format!("choosing{}", std::env::consts::EXE_SUFFIX));
    if std::fs::hard_link(CHOOSING, &alone).is_err() {
        std::fs::copy(CHOOSING, &alone).unwrap();
    }
    let out = run(alone.to_str().unwrap(), &["report", "--scale", "0.01"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    for word in ["baseline", "io-threads", "cargo build", "-p baseline"] {
        assert!(out.stderr.contains(word), "{word}: {}", out.stderr);
    }
}
