//! The twinkit twins of the free-threading part of the chapter run with the
//! machine's python3 at a tiny size and print documents of the shape the
//! chapter will read. (Timing is not checked here: only the lab measures.)

use std::path::PathBuf;
use std::time::Duration;

use labkit::python::{Document, Lookup, Twin, find, run_twin};

const FREE_THREADS: Twin<'static> =
    Twin::new("free_threads.py", include_str!("../python/free_threads.py"));
const HASHING: Twin<'static> = Twin::new("hashing.py", include_str!("../python/hashing.py"));
const LOST_UPDATES: Twin<'static> =
    Twin::new("lost_updates.py", include_str!("../python/lost_updates.py"));

/// Generous: a hung twin fails the test instead of hanging the suite.
const TIMEOUT: Duration = Duration::from_secs(120);

fn python3() -> PathBuf {
    match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => path,
        other => panic!("these tests run the twins with python3, which is missing: {other:?}"),
    }
}

fn run(twin: Twin<'_>, args: &[&str]) -> Document {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_twin(&python3(), twin, &args, TIMEOUT)
        .unwrap_or_else(|err| panic!("{}: {err}", twin.file_name))
}

#[test]
fn the_countdown_twin_runs_one_thread_then_two() {
    let doc = run(FREE_THREADS, &["--rounds", "2", "--scale", "0.00001"]);
    assert_eq!(doc.rounds, 2);
    assert_eq!(doc.experiments(), ["countdown"]);
    for (variant, threads) in [("1 thread", 1), ("2 threads", 2)] {
        let row = doc.row("countdown", variant).expect(variant);
        assert_eq!(row.samples.len(), 2);
        assert_eq!(row.columns["threads"], threads);
    }
}

#[test]
fn the_hashing_twin_hashes_the_same_bytes_on_one_thread_and_two() {
    let doc = run(HASHING, &["--rounds", "1", "--scale", "0.001"]);
    let one = doc.row("sha256", "1 thread").expect("1 thread");
    let two = doc.row("sha256", "2 threads").expect("2 threads");
    assert_eq!(one.columns["mib"], two.columns["mib"]);
    assert_eq!(two.columns["threads"], 2);
}

#[test]
fn the_counter_twin_counts_what_it_lost_and_the_lock_loses_nothing() {
    let doc = run(
        LOST_UPDATES,
        &["--rounds", "2", "--scale", "0.001", "--threads", "3"],
    );
    let bare = doc.row("shared counter", "3 threads").expect("bare");
    let locked = doc
        .row("shared counter", "3 threads, with a lock")
        .expect("locked");
    assert_eq!(bare.columns["increments"], 9999);
    // How many were lost depends on the interpreter and the machine; that a
    // count per round is there, and none with the lock, does not.
    assert_eq!(bare.columns["lost"].as_array().map(Vec::len), Some(2));
    assert_eq!(locked.columns["lost"], serde_json::json!([0, 0]));
}
