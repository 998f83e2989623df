//! The Python twin (`python/executors.py`) runs with the machine's python3
//! at a tiny size and prints the document the `python` experiment reads:
//! the rows the chapter names, each unit counted, each ball back.
//! (Timing is not checked here: only the lab measures.) Without python3 the
//! test says so and passes: the twin is optional for the tests.

use std::time::Duration;

use labkit::python::{Lookup, Twin, find, run_twin};

const TWIN: Twin<'static> = Twin::new("executors.py", include_str!("../python/executors.py"));

#[test]
fn the_three_executors_start_their_units_and_play_ping_pong() {
    let python = match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => path,
        other => {
            eprintln!("python3 is not here ({other:?}): the twin is not run");
            return;
        }
    };
    let args: Vec<String> = ["--rounds", "2", "--scale", "0.01"]
        .map(String::from)
        .to_vec();
    let doc = run_twin(&python, TWIN, &args, Duration::from_secs(120))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(doc.experiments(), ["spawn", "switch"]);
    // At --scale 0.01: the twin's sizes, each checked by the twin every round.
    for (variant, units) in [
        ("thread", 20),
        ("ThreadPool job", 200),
        ("ProcessPool job", 20),
        ("asyncio task", 500),
    ] {
        let row = doc.row("spawn", variant).expect(variant);
        assert_eq!(row.columns["units"], units, "{variant}");
        assert_eq!(row.samples.len(), 2, "{variant}: one sample per round");
    }
    for (variant, trips) in [("2 threads", 50), ("2 asyncio tasks", 200)] {
        let row = doc.row("switch", variant).expect(variant);
        assert_eq!(row.columns["round trips"], trips, "{variant}");
        assert!(row.samples.iter().all(|&s| s > 0.0), "{variant}");
    }
}
