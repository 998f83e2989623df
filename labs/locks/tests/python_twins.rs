//! The Python files the chapter shows run with the machine's python3: the
//! locked bank's twin prints a document of the shape the `python`
//! experiment reads, and the RLock counterpart prints what the chapter
//! says. A machine without python3 skips the checks, and says so.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use labkit::python::{Lookup, Twin, find, run_twin};

/// The RLock counterpart, embedded: the book shows it, this test runs it
/// (`python3 -c`: it imports only `threading`).
const RLOCK_PY: &str = include_str!("../python/rlock.py");

const BANK_LOCKED: Twin<'static> =
    Twin::new("bank_locked.py", include_str!("../python/bank_locked.py"));

fn python3() -> Option<PathBuf> {
    match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => Some(path),
        other => {
            eprintln!("python3 is missing ({other:?}): the Python files are not run");
            None
        }
    }
}

#[test]
fn the_locked_twin_never_overdraws() {
    let Some(python) = python3() else { return };
    let args: Vec<String> = ["--rounds", "3", "--scale", "0.01"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let doc = run_twin(&python, BANK_LOCKED, &args, Duration::from_secs(120)).unwrap();
    assert_eq!(doc.experiments(), ["bank-locked"]);
    let row = doc.row("bank-locked", "with a lock").expect("with a lock");
    assert_eq!(row.samples.len(), 3);
    for (balance, paid) in row.columns["balance"]
        .as_array()
        .unwrap()
        .iter()
        .zip(row.columns["paid"].as_array().unwrap())
    {
        assert!(
            [0, 10, 30].contains(&balance.as_i64().unwrap()),
            "{balance}"
        );
        assert_eq!(paid, 2);
    }
}

#[test]
fn a_lock_waits_for_itself_and_an_rlock_lets_its_owner_in() {
    let Some(python) = python3() else { return };
    let done = labkit::process::run(
        Command::new(python).arg("-c").arg(RLOCK_PY),
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(
        done.status.and_then(|s| s.code()),
        Some(0),
        "{}",
        done.stderr
    );
    assert_eq!(
        done.stdout.lines().collect::<Vec<_>>(),
        [
            "charge_fee with Lock: still waiting: deadlocked on itself",
            "charge_fee with RLock: returned 99",
        ]
    );
}
