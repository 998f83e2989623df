use super::document::rows_over_rounds;
use super::*;

#[test]
fn results_beside_put_twin_rows_next_to_rust_rows() {
    use crate::bench::{Measured, Method, Run};
    use crate::timing::Measurement;
    let twin = |wall: f64| {
        Document::parse(&format!(
            r#"{{"interpreter": {{"implementation": "CPython", "version": "3.11.7",
                 "executable": "/usr/bin/python3", "free_threaded_build": false,
                 "gil_enabled": null, "switch_interval": 0.005, "cpu_count": 2,
                 "process_cpu_count": null, "build": "3.11.7"}},
               "rounds": 1, "scale": 0.1,
               "rows": [{{"experiment": "e", "variant": "pow()", "samples": [{wall}],
                          "cpu_samples": [{wall}], "started": [0.0], "numbers": 10}}]}}"#
        ))
    };
    let second = |ms: u64| Measurement {
        wall: Duration::from_millis(ms),
        cpu: Duration::from_millis(ms),
    };
    let run: Run<Round<u64>> = Run {
        experiment: "powersum".into(),
        method: Method {
            rounds: 2,
            cores: 2,
            calibrations: Vec::new(),
            steal: None,
        },
        measured: vec![
            Measured {
                variant: "Rust".into(),
                samples: vec![second(100), second(110)],
                values: vec![Round::Rust(7), Round::Rust(7)],
            },
            Measured {
                variant: "CPython".into(),
                // The bench's own timing includes the interpreter's start: not used.
                samples: vec![second(5000), second(5000)],
                values: vec![
                    Round::Twin(Ok(twin(3.0).unwrap())),
                    Round::Twin(Ok(twin(3.2).unwrap())),
                ],
            },
        ],
    };
    let results =
        results_beside(&run, |variant, row| format!("{variant}, {}", row.variant)).unwrap();
    let rust = results.get("powersum", "Rust").unwrap();
    assert_eq!(rust.samples.as_deref(), Some(&[0.1, 0.11][..]));
    let python = results.get("powersum", "CPython, pow()").unwrap();
    assert_eq!(python.samples.as_deref(), Some(&[3.0, 3.2][..]));
    assert_eq!(python.extra["numbers"], 10);
    assert_eq!(results.method().unwrap().rounds, 2);
}

#[test]
fn rows_over_rounds_gathers_one_sample_per_run() {
    let document = |wall: f64, lost: u64| {
        Document::parse(&format!(
            r#"{{"interpreter": {{"implementation": "CPython", "version": "3.11.7",
                 "executable": "/usr/bin/python3", "free_threaded_build": false,
                 "gil_enabled": null, "switch_interval": 0.005, "cpu_count": 2,
                 "process_cpu_count": null, "build": "3.11.7"}},
               "rounds": 1, "scale": 0.1,
               "rows": [{{"experiment": "e", "variant": "v", "samples": [{wall}],
                          "cpu_samples": [{wall}], "started": [0.0],
                          "threads": 2, "lost": [{lost}]}}]}}"#
        ))
        .unwrap()
    };
    let rows = rows_over_rounds(&[document(1.0, 3), document(2.0, 4)]).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].samples, [1.0, 2.0]);
    assert_eq!(rows[0].columns["threads"], 2);
    assert_eq!(rows[0].columns["lost"], serde_json::json!([3, 4]));
    assert!(rows_over_rounds(&[]).is_err());
}

/// How long a test's twin may take before the test counts it as hung.
pub(super) const GENEROUS: Duration = Duration::from_secs(120);

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

/// The machine's python3: the twins' tests need one (CI installs it).
pub(super) fn python3() -> PathBuf {
    match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => path,
        other => panic!("these tests run the twins with python3, which is missing: {other:?}"),
    }
}

pub(super) const EXAMPLE: Twin<'static> = Twin::new("example_twin.py", EXAMPLE_TWIN_PY);

#[test]
fn the_example_twin_runs_in_interleaved_rounds() {
    let python = python3();
    let document = run_twin(
        &python,
        EXAMPLE,
        &args(&["--rounds", "3", "--scale", "0.001"]),
        GENEROUS,
    )
    .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(document.rounds, 3);
    assert_eq!(document.scale, 0.001);
    assert_eq!(document.interpreter.implementation, "CPython");
    assert!(document.interpreter.switch_interval > 0.0);
    assert_eq!(document.experiments(), ["add up"]);
    let one = document.row("add up", "1 thread").expect("a 1-thread row");
    let two = document.row("add up", "2 threads").expect("a 2-thread row");
    assert_eq!(one.samples.len(), 3);
    assert_eq!(two.cpu_samples.len(), 3);
    // Declared columns are single values; reported ones, one per round.
    assert_eq!(one.columns["threads"], 1);
    assert_eq!(two.columns["threads"], 2);
    // scale 0.001 adds up 0..2000 in halves 0..1000 and 1000..2000.
    let halves = serde_json::json!([499_500, 1_499_500]);
    assert_eq!(
        two.columns["halves"],
        serde_json::json!([halves, halves, halves])
    );
    assert!(!one.columns.contains_key("halves"));
    // A B, A B, A B: each round of "2 threads" starts after the same
    // round of "1 thread" and before the next one.
    for round in 0..3 {
        assert!(one.started[round] < two.started[round]);
        if round + 1 < 3 {
            assert!(two.started[round] < one.started[round + 1]);
        }
    }
    assert_eq!(one.wall().len(), 3);
}

#[test]
fn a_wrong_result_is_an_error_not_a_row() {
    let python = python3();
    let source = EXAMPLE_TWIN_PY.replace(
        "check=lambda total: total == expected, threads=2",
        "check=lambda total: total == expected + 1, threads=2",
    );
    assert_ne!(
        source, EXAMPLE_TWIN_PY,
        "the example twin changed: update this test"
    );
    let err = run_twin(
        &python,
        Twin::new("example_twin.py", &source),
        &args(&["--rounds", "1", "--scale", "0.001"]),
        GENEROUS,
    )
    .unwrap_err();
    match err {
        TwinError::Failed { message, .. } => {
            assert!(
                message.contains("add up/2 threads, round 1: wrong result"),
                "{message}"
            )
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn bad_arguments_are_refused_in_one_line() {
    let python = python3();
    let err = run_twin(&python, EXAMPLE, &args(&["--rounds", "0"]), GENEROUS).unwrap_err();
    match err {
        TwinError::Failed {
            status, message, ..
        } => {
            assert!(status.contains('2'), "{status}");
            assert!(message.contains("--rounds"), "{message}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_twin_that_hangs_is_killed() {
    let python = python3();
    let sleeper = Twin::new(
        "sleeper.py",
        "import sys, time\nprint('started', file=sys.stderr, flush=True)\ntime.sleep(600)\n",
    );
    let timeout = Duration::from_millis(500);
    let err = run_twin(&python, sleeper, &[], timeout).unwrap_err();
    assert_eq!(
        err,
        TwinError::TimedOut {
            python: python.clone(),
            timeout
        }
    );
}

#[test]
fn documents_that_are_not_interleaved_or_short_are_refused() {
    let facts = r#"{"implementation": "CPython", "version": "3.11.7",
        "executable": "/usr/bin/python3", "free_threaded_build": false,
        "gil_enabled": null, "switch_interval": 0.005, "cpu_count": 2,
        "process_cpu_count": null, "build": "3.11.7"}"#;
    let doc = |rows: &str| {
        format!(r#"{{"interpreter": {facts}, "rounds": 2, "scale": 1.0, "rows": [{rows}]}}"#)
    };
    let row = |variant: &str, started: &str| {
        format!(
            r#"{{"experiment": "e", "variant": "{variant}", "samples": [1.0, 1.0],
                "cpu_samples": [1.0, 1.0], "started": {started}, "lost": [3, 4]}}"#
        )
    };
    let good = doc(&format!("{}, {}", row("a", "[0, 2]"), row("b", "[1, 3]")));
    let parsed = Document::parse(&good).unwrap();
    assert_eq!(parsed.rows[1].columns["lost"], serde_json::json!([3, 4]));
    assert_eq!(parsed.interpreter.label(), "CPython 3.11.7");
    // a a b b: all of a's rounds first.
    let batched = doc(&format!("{}, {}", row("a", "[0, 1]"), row("b", "[2, 3]")));
    let err = Document::parse(&batched).unwrap_err();
    assert!(err.contains("not interleaved"), "{err}");
    let short = doc(&row("a", "[0]"));
    assert!(
        Document::parse(&short)
            .unwrap_err()
            .contains("1 started for 2 rounds")
    );
    assert!(Document::parse("").is_err());
    assert!(
        Document::parse("Traceback")
            .unwrap_err()
            .contains("not a twinkit document")
    );
}
