//! The bank's Python twin runs with the machine's python3 at a tiny scale
//! and prints a document of the shape the `python` experiment reads.
//! (Timing is not checked here: only the lab measures.) A machine without
//! python3 skips the check, and says so.

use std::path::PathBuf;
use std::time::Duration;

use labkit::python::{Lookup, Twin, find, run_twin};

const BANK: Twin<'static> = Twin::new("bank.py", include_str!("../python/bank.py"));

fn python3() -> Option<PathBuf> {
    match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => Some(path),
        other => {
            eprintln!("python3 is missing ({other:?}): the twin is not run");
            None
        }
    }
}

#[test]
fn the_bank_twin_serves_in_turn_then_all_at_once() {
    let Some(python) = python3() else { return };
    let args: Vec<String> = ["--rounds", "2", "--scale", "0.01"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let doc = run_twin(&python, BANK, &args, Duration::from_secs(120)).unwrap();
    assert_eq!(doc.rounds, 2);
    assert_eq!(doc.experiments(), ["bank"]);
    let in_turn = doc.row("bank", "in turn").expect("in turn");
    assert_eq!(in_turn.columns["balance"], serde_json::json!([0, 0]));
    assert_eq!(in_turn.columns["paid"], serde_json::json!([2, 2]));
    // All at once, any interleaving may happen: every balance is one some
    // interleaving of check-then-act gives.
    let racy = races::outcomes::check_then_act(100, &[80, 70, 50, 20]);
    let at_once = doc.row("bank", "all at once").expect("all at once");
    for balance in at_once.columns["balance"].as_array().unwrap() {
        assert!(racy.contains(&balance.as_i64().unwrap()), "{balance}");
    }
}

#[test]
fn the_bank_twin_takes_the_labs_accounts() {
    let Some(python) = python3() else { return };
    let args: Vec<String> = [
        "--rounds",
        "1",
        "--scale",
        "0.001",
        "--balance",
        "50",
        "--amounts",
        "30,40",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let doc = run_twin(&python, BANK, &args, Duration::from_secs(120)).unwrap();
    let in_turn = doc.row("bank", "in turn").expect("in turn");
    assert_eq!(in_turn.columns["balance"], serde_json::json!([20]));
}
