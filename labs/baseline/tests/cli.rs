//! The lab as a reader meets it: help, bad arguments, `--json`.

use std::path::Path;
use std::time::Duration;

use labkit::transcript::{Captured, run_bounded};

fn baseline(args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(
        Path::new(env!("CARGO_BIN_EXE_baseline")),
        &args,
        &[],
        Duration::from_secs(120),
    )
    .unwrap()
}

#[test]
fn help_lists_every_experiment() {
    let out = baseline(&["--help"]);
    assert_eq!(out.code, Some(0));
    for experiment in ["weather", "logs", "powersum", "--scale", "--json"] {
        assert!(
            out.stdout.contains(experiment),
            "--help does not mention {experiment}"
        );
    }
}

#[test]
fn bad_arguments_give_one_line_and_exit_code_2() {
    for (args, names) in [
        (&["weather", "--scale", "-1"][..], "-1"),
        (&["weather", "--scale", "fast"][..], "fast"),
        (&["weather", "--cities", "many"][..], "many"),
        (&["powersum", "--chunks", "0"][..], "0"),
        (&["forecast"][..], "forecast"),
    ] {
        let out = baseline(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(names),
            "{args:?} error does not name {names}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn json_rows_report_each_experiment() {
    for experiment in ["weather", "logs", "powersum"] {
        let out = baseline(&[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let rows: serde_json::Value =
            serde_json::from_str(&out.stdout).expect("stdout is JSON only");
        let row = &rows[0];
        assert_eq!(row["experiment"], experiment);
        assert_eq!(row["variant"], "sequential");
        assert!(row["wall_seconds"].as_f64().unwrap() > 0.0);
    }
}
