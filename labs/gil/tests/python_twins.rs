//! Every Python twin of the lab runs with the machine's python3 at a tiny
//! size and prints a document of the shape the lab and the chapter read:
//! its experiment, its variants, one sample per round, the columns it
//! reports. (Timing is not checked here: only the lab measures.)

use std::path::PathBuf;
use std::time::Duration;

use gil::experiments::twins;
use labkit::python::{Document, Lookup, Twin, find, run_twin};
use serde_json::json;

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

fn variants(doc: &Document, experiment: &str) -> Vec<String> {
    doc.rows
        .iter()
        .filter(|r| r.experiment == experiment)
        .map(|r| r.variant.clone())
        .collect()
}

#[test]
fn the_countdown_twin_runs_one_thread_then_two() {
    let doc = run(twins::COUNTDOWN, &["--rounds", "2", "--scale", "0.00001"]);
    assert_eq!(doc.rounds, 2);
    assert_eq!(doc.experiments(), ["countdown"]);
    let mut expected = vec!["1 thread", "2 threads"];
    if doc.interpreter.gil_on() {
        expected.push("2 threads, 5.0 µs switch");
    }
    assert_eq!(variants(&doc, "countdown"), expected);
    for row in &doc.rows {
        assert_eq!(row.samples.len(), 2);
    }
}

#[test]
fn the_fib_twin_computes_the_pair_both_ways() {
    let doc = run(twins::FIB, &["--rounds", "2", "--n", "12"]);
    assert_eq!(variants(&doc, "fib"), ["1 thread", "2 threads"]);
}

#[test]
fn the_io_twin_waits_in_sequence_then_on_threads() {
    let doc = run(
        twins::IO,
        &["--rounds", "1", "--scale", "0.001", "--waits", "3"],
    );
    assert_eq!(variants(&doc, "io"), ["sequential", "3 threads"]);
    // A sleep never ends early: three waits of 1 ms in a row take 3 ms at least.
    let sequential = doc.row("io", "sequential").unwrap();
    assert!(sequential.samples[0] >= 0.003, "{sequential:?}");
}

#[test]
fn the_hashing_twin_hashes_the_same_bytes_on_one_thread_and_two() {
    let doc = run(twins::HASHING, &["--rounds", "1", "--scale", "0.001"]);
    let one = doc.row("sha256", "1 thread").expect("1 thread");
    let two = doc.row("sha256", "2 threads").expect("2 threads");
    assert_eq!(one.columns["mib"], two.columns["mib"]);
    assert_eq!(two.columns["threads"], 2);
}

#[test]
fn the_counter_twin_counts_what_it_lost_and_the_lock_loses_nothing() {
    let doc = run(
        twins::LOST_UPDATES,
        &["--rounds", "2", "--scale", "0.001", "--threads", "3"],
    );
    let bare = doc.row("counter", "3 threads").expect("bare");
    let locked = doc
        .row("counter", "3 threads, with a lock")
        .expect("locked");
    assert_eq!(bare.columns["increments"], 9999);
    // How many were lost depends on the interpreter and the machine; that a
    // count per round is there, and none with the lock, does not.
    assert_eq!(bare.columns["lost"].as_array().map(Vec::len), Some(2));
    assert_eq!(locked.columns["lost"], json!([0, 0]));
}

#[test]
fn the_bank_twin_overdraws_with_a_pause_and_never_with_a_lock() {
    let doc = run(twins::BANK, &["--rounds", "2", "--scale", "0.01"]);
    assert_eq!(
        variants(&doc, "bank"),
        [
            "check, pause, act",
            "check, pause, act, locked",
            "check, act",
            "check, act, locked"
        ]
    );
    // How far the unlocked bank overdraws depends on timing; that the
    // locked one never does, and never pays out more than it had, does not.
    let paused = doc.row("bank", "check, pause, act").unwrap();
    assert_eq!(paused.columns["balance"].as_array().map(Vec::len), Some(2));
    let locked = doc.row("bank", "check, pause, act, locked").unwrap();
    for balance in locked.columns["balance"].as_array().unwrap() {
        assert!(balance.as_i64().unwrap() >= 0, "{locked:?}");
    }
    let taken = doc.row("bank", "check, act, locked").unwrap();
    assert_eq!(taken.columns["overpaid"], json!([0, 0]));
}

#[test]
fn the_order_twin_returns_results_in_order_then_as_they_finish() {
    let doc = run(twins::ORDER, &["--rounds", "1", "--scale", "0.01"]);
    let in_order = doc.row("order", "in order, Executor.map").unwrap();
    assert_eq!(in_order.columns["order"], json!(["40 10 30 20"]));
    let finished = doc.row("order", "as they finish, as_completed").unwrap();
    let order = finished.columns["order"][0].as_str().unwrap();
    let mut numbers: Vec<&str> = order.split(' ').collect();
    numbers.sort_unstable();
    assert_eq!(numbers, ["10", "20", "30", "40"]);
}
