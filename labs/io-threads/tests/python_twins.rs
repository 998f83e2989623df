//! The Python twins run with the machine's `python3` at a tiny size and
//! print documents of the shape the lab and the chapter read. (Timing is not
//! checked here: only the lab measures.) A machine without `python3` skips
//! these tests and says so.

use std::path::PathBuf;
use std::time::Duration;

use labkit::python::{Document, Lookup, Twin, find, run_twin};

const THREADED_LOGS: Twin<'static> = Twin::new(
    "threaded_logs.py",
    include_str!("../python/threaded_logs.py"),
);
const LOGGER_THREAD: Twin<'static> = Twin::new(
    "logger_thread.py",
    include_str!("../python/logger_thread.py"),
);

/// Generous: a hung twin fails the test instead of hanging the suite.
const TIMEOUT: Duration = Duration::from_secs(120);

fn python3() -> Option<PathBuf> {
    match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => Some(path),
        other => {
            eprintln!("no python3 here, the twins are not run: {other:?}");
            None
        }
    }
}

fn run(twin: Twin<'_>, args: &[&str]) -> Option<Document> {
    let python = python3()?;
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    Some(
        run_twin(&python, twin, &args, TIMEOUT)
            .unwrap_or_else(|err| panic!("{}: {err}", twin.file_name)),
    )
}

#[test]
fn the_log_twin_writes_the_files_four_ways_and_from_asyncio_two_ways() {
    let Some(doc) = run(THREADED_LOGS, &["--rounds", "2", "--scale", "0.01"]) else {
        return;
    };
    assert_eq!(doc.rounds, 2);
    assert_eq!(doc.experiments(), ["pool", "async"]);
    for (experiment, variant) in [
        ("pool", "sequential"),
        ("pool", "pool of 2 workers"),
        ("pool", "pool of 5 workers"),
        ("pool", "thread per file"),
        ("async", "blocking in tasks"),
        ("async", "to_thread"),
    ] {
        let row = doc.row(experiment, variant).expect(variant);
        assert_eq!(row.samples.len(), 2, "{experiment} / {variant}");
        // A sleeping thread needs no core: the sequential writes wait five
        // times 10 ms, and nothing can wait less than one.
        assert!(row.samples.iter().all(|&s| s >= 0.01), "{row:?}");
    }
    let sequential = doc.row("pool", "sequential").unwrap();
    assert!(
        sequential.samples.iter().all(|&s| s >= 0.05),
        "{sequential:?}"
    );
}

#[test]
fn the_logger_twin_counts_its_device_waits() {
    let Some(doc) = run(LOGGER_THREAD, &["--rounds", "2", "--scale", "0.01"]) else {
        return;
    };
    assert_eq!(doc.experiments(), ["agent"]);
    let syncs = |variant: &str| -> Vec<u64> {
        let row = doc.row("agent", variant).expect(variant);
        row.columns["syncs"]
            .as_array()
            .expect("one count per round")
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect()
    };
    // One wait per line when one thread or the lock does it; the logger
    // batches: at least one wait, at most one per line.
    assert_eq!(syncs("one thread"), [50, 50]);
    assert_eq!(syncs("locked file"), [50, 50]);
    assert!(syncs("logger thread").iter().all(|s| (1..=50).contains(s)));
}

#[test]
fn a_twin_rejects_a_bad_argument_with_one_line() {
    let Some(python) = python3() else {
        return;
    };
    let args = vec!["--rounds".to_string(), "0".to_string()];
    let err = run_twin(&python, LOGGER_THREAD, &args, TIMEOUT).unwrap_err();
    assert!(err.to_string().contains("rounds"), "{err}");
}
