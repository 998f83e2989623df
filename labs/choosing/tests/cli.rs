//! The lab as a reader meets it: help, bad arguments, `--json`, and a
//! report that names the lab it cannot find.

use std::path::Path;
use std::time::Duration;

use labkit::transcript::{Captured, run_bounded};

fn choosing_at(bin: &Path, args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(bin, &args, &[], Duration::from_secs(120)).unwrap()
}

fn choosing(args: &[&str]) -> Captured {
    choosing_at(Path::new(env!("CARGO_BIN_EXE_choosing")), args)
}

#[test]
fn help_lists_the_experiments_but_not_the_hidden_helpers() {
    let out = choosing(&["--help"]);
    assert_eq!(out.code, Some(0));
    for word in ["costs", "report", "--scale", "--json"] {
        assert!(out.stdout.contains(word), "--help does not mention {word}");
    }
    assert!(!out.stdout.contains("exit-now"), "{}", out.stdout);
    assert_eq!(choosing(&["exit-now"]).code, Some(0));
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    for (args, names) in [
        (&["costs", "--scale", "0"][..], "0"),
        (&["report", "--scale", "fast"][..], "fast"),
        (&["idle", "--kind", "fiber", "--count", "1"][..], "fiber"),
        (&["benchmark"][..], "benchmark"),
    ] {
        let out = choosing(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(names), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn costs_json_has_a_row_per_measurement() {
    let out = choosing(&["costs", "--scale", "0.01", "--json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
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
    for expected in [
        "spawn/OS thread",
        "spawn/tokio task",
        "spawn/rayon job",
        "spawn/process",
        "switch/2 threads, any core",
        "switch/2 tokio tasks, one thread",
        "memory/idle OS thread",
        "memory/idle tokio task",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    for row in &rows {
        assert!(row["wall_seconds"].as_f64().is_some(), "{row}");
    }
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
    if std::fs::hard_link(env!("CARGO_BIN_EXE_choosing"), &alone).is_err() {
        std::fs::copy(env!("CARGO_BIN_EXE_choosing"), &alone).unwrap();
    }
    let out = choosing_at(&alone, &["report", "--scale", "0.01"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    for word in ["baseline", "io-threads", "cargo build", "-p baseline"] {
        assert!(out.stderr.contains(word), "{word}: {}", out.stderr);
    }
}
