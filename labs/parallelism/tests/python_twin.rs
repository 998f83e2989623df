//! The Python twin (`python/processes.py`) runs with the machine's python3
//! at a tiny size and prints the document the `python` experiment reads.
//! (Timing is not checked here: only the lab measures.) Without python3 the
//! test says so and passes: the twin is optional for the tests.

use std::time::Duration;

use labkit::python::{Lookup, Twin, find, run_twin};

const TWIN: Twin<'static> = Twin::new("processes.py", include_str!("../python/processes.py"));

#[test]
fn threads_report_the_interpreters_pid_and_children_their_own() {
    let python = match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => path,
        other => {
            eprintln!("python3 is not here ({other:?}): the twin is not run");
            return;
        }
    };
    let args: Vec<String> = ["--rounds", "2", "--scale", "0.06"]
        .map(String::from)
        .to_vec();
    let doc = run_twin(&python, TWIN, &args, Duration::from_secs(120))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(doc.experiments(), ["start"]);
    let thread = doc.row("start", "thread").expect("a thread row");
    assert_eq!(thread.columns["starts"], 60);
    // Every thread saw the interpreter's own pid, each with its own thread id.
    assert_eq!(thread.columns["same pid"], serde_json::json!([60, 60]));
    assert_eq!(thread.columns["ids"], serde_json::json!([60, 60]));
    // Linux has both start methods; each child has a pid of its own.
    for (method, starts) in [("fork", 3), ("spawn", 1)] {
        let row = doc.row("start", method).expect(method);
        assert_eq!(row.columns["starts"], starts, "{method}");
        assert_eq!(
            row.columns["same pid"],
            serde_json::json!([0, 0]),
            "{method}"
        );
        assert_eq!(
            row.columns["ids"],
            serde_json::json!([starts, starts]),
            "{method}"
        );
    }
}
