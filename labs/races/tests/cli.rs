//! The lab as a reader meets it: help, bad arguments, `--json`.

use std::path::Path;
use std::time::Duration;

use labkit::transcript::{Captured, run_bounded};

fn races(args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(
        Path::new(env!("CARGO_BIN_EXE_races")),
        &args,
        &[],
        Duration::from_secs(120),
    )
    .unwrap()
}

#[test]
fn help_lists_every_experiment() {
    let out = races(&["--help"]);
    assert_eq!(out.code, Some(0));
    for word in ["bank", "bank-atomic", "counter", "--scale", "--json"] {
        assert!(out.stdout.contains(word), "--help does not mention {word}");
    }
}

#[test]
fn bad_amounts_give_one_clear_line_and_exit_code_2() {
    for (args, names) in [
        (&["bank", "--amounts", "80,-70"][..], "-70"),
        (&["bank", "--amounts", "-5"][..], "-5"),
        (&["bank", "--amounts", "0"][..], "0"),
        (
            &["bank", "--amounts", "99999999999999999999"][..],
            "99999999999999999999",
        ),
        (
            &["bank-atomic", "--amounts", "2000000000"][..],
            "2000000000",
        ),
        (&["bank", "--amounts", "1,2,3,4,5"][..], "at most 4"),
        (&["bank", "--balance", "-100"][..], "-100"),
        (&["bank", "--amounts", "eighty"][..], "eighty"),
        (&["counter", "--threads", "1"][..], "1"),
        (&["heist"][..], "heist"),
    ] {
        let out = races(args);
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
fn custom_customers_are_served() {
    let out = races(&[
        "bank",
        "--balance",
        "50",
        "--amounts",
        "30,40",
        "--scale",
        "0.01",
    ]);
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
        let out = races(&[experiment, "--scale", "0.01", "--json"]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let rows: serde_json::Value =
            serde_json::from_str(&out.stdout).expect("stdout is JSON only");
        assert_eq!(rows[0]["experiment"], experiment);
        assert!(rows[0]["wall_seconds"].as_f64().unwrap() > 0.0);
    }
    let out = races(&["bank", "--scale", "0.01", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows[1]["variant"], "all at once");
    assert_eq!(rows[1]["balance"], -120);
}
