//! The Python twin (`python/sequential.py`) runs with the machine's python3
//! at a tiny size and prints the document the `python` experiment reads.
//! (Timing is not checked here: only the lab measures.) Without python3 the
//! test says so and passes: the twin is optional for the tests.

use std::time::Duration;

use labkit::python::{Lookup, Twin, find, run_twin};

const TWIN: Twin<'static> = Twin::new("sequential.py", include_str!("../python/sequential.py"));

#[test]
fn the_twin_runs_the_three_experiments_and_checks_its_own_results() {
    let python = match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => path,
        other => {
            eprintln!("python3 is not here ({other:?}): the twin is not run");
            return;
        }
    };
    let args: Vec<String> = ["--rounds", "2", "--scale", "0.0005"]
        .map(String::from)
        .to_vec();
    let doc = run_twin(&python, TWIN, &args, Duration::from_secs(120))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(doc.rounds, 2);
    assert_eq!(doc.experiments(), ["weather", "logs", "powersum"]);
    assert_eq!(
        doc.row("weather", "sequential").unwrap().columns["requests"],
        3
    );
    assert_eq!(doc.row("logs", "sequential").unwrap().columns["files"], 5);
    for variant in ["pow()", "power_mod()"] {
        let row = doc.row("powersum", variant).unwrap();
        assert_eq!(row.samples.len(), 2);
        assert_eq!(row.columns["numbers"], 25_000, "{variant}");
    }
    // One experiment at a time, as the lab runs it each round.
    let args: Vec<String> = ["--rounds", "1", "--scale", "0.0005", "--experiment", "logs"]
        .map(String::from)
        .to_vec();
    let doc = run_twin(&python, TWIN, &args, Duration::from_secs(60)).unwrap();
    assert_eq!(doc.experiments(), ["logs"]);
}
