//! The lab as a reader meets it: help, bad arguments, `--json`.

use std::path::Path;
use std::time::Duration;

use labkit::transcript::{Captured, run_bounded};

fn locks(args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(
        Path::new(env!("CARGO_BIN_EXE_locks")),
        &args,
        &[],
        Duration::from_secs(120),
    )
    .unwrap()
}

#[test]
fn help_lists_every_experiment() {
    let out = locks(&["--help"]);
    assert_eq!(out.code, Some(0));
    for word in [
        "bank-locked",
        "hold-across-sleep",
        "costs",
        "--scale",
        "--json",
    ] {
        assert!(out.stdout.contains(word), "--help does not mention {word}");
    }
}

#[test]
fn bad_arguments_give_one_clear_line_and_exit_code_2() {
    for (args, names) in [
        (&["bank-locked", "--amounts", "80,-70"][..], "-70"),
        (
            &["bank-locked", "--amounts", "99999999999999999999"][..],
            "99999999999999999999",
        ),
        (&["bank-locked", "--amounts", "0"][..], "0"),
        (&["bank-locked", "--balance", "-1"][..], "-1"),
        (&["bank-locked", "--amounts", "1,2,3,4,5"][..], "at most 4"),
        (&["hold-across-sleep", "--sellers", "0"][..], "0"),
        (&["costs", "--ops", "lots"][..], "lots"),
    ] {
        let out = locks(args);
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
    for experiment in ["bank-locked", "hold-across-sleep", "costs"] {
        let out = locks(&[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let rows: serde_json::Value =
            serde_json::from_str(&out.stdout).expect("stdout is JSON only");
        assert_eq!(rows[0]["experiment"], experiment);
        assert!(rows[0]["wall_seconds"].as_f64().unwrap() > 0.0);
    }
    let out = locks(&["bank-locked", "--scale", "0.01", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows[0]["variant"], "queue order");
    assert_eq!(rows[0]["paid"], "80, 20");
    assert_eq!(rows[0]["balance"], 0);
}
