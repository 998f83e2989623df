//! The lab as a reader meets it: help, bad arguments, `--json`.

use std::path::Path;
use std::time::Duration;

use labkit::transcript::{Captured, run_bounded};

fn io_threads(args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(
        Path::new(env!("CARGO_BIN_EXE_io-threads")),
        &args,
        &[],
        Duration::from_secs(120),
    )
    .unwrap()
}

#[test]
fn help_lists_every_experiment() {
    let out = io_threads(&["--help"]);
    assert_eq!(out.code, Some(0));
    for word in ["pool", "agent", "async", "--scale", "--json"] {
        assert!(out.stdout.contains(word), "--help does not mention {word}");
    }
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    for (args, names) in [
        (&["pool", "--workers", "0"][..], "0"),
        (&["pool", "--files", "many"][..], "many"),
        (&["agent", "--scale", "-1"][..], "-1"),
        (&["threads"][..], "threads"),
    ] {
        let out = io_threads(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(names), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn json_rows_carry_speedups() {
    for (experiment, variants) in [("pool", 4), ("agent", 2), ("async", 2)] {
        let out = io_threads(&[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let rows: serde_json::Value =
            serde_json::from_str(&out.stdout).expect("stdout is JSON only");
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), variants, "{experiment}");
        for row in rows {
            assert_eq!(row["experiment"], experiment);
            assert!(row["wall_seconds"].as_f64().unwrap() > 0.0);
            assert!(row["speedup"].as_f64().unwrap() > 0.0);
        }
    }
}
