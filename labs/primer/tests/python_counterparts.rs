//! The Python counterparts the chapter shows run, and print what the
//! chapter says: the same lines as the Rust listings, where the two
//! languages can say the same thing. A machine without `python3` skips
//! these checks (and says so).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use labkit::python::{Lookup, find};
use primer::{arc, barrier, channels, threads};

fn python3() -> Option<PathBuf> {
    match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => Some(path),
        other => {
            eprintln!("python3 is missing ({other:?}): the Python counterparts are not run");
            None
        }
    }
}

/// The Python files, embedded: the book shows them, this test runs them.
const THREADS_PY: &str = include_str!("../python/threads.py");
const ARC_PY: &str = include_str!("../python/arc.py");
const GUARD_PY: &str = include_str!("../python/guard.py");
const ATOMICS_PY: &str = include_str!("../python/atomics.py");
const BARRIER_PY: &str = include_str!("../python/barrier.py");
const CHANNELS_PY: &str = include_str!("../python/channels.py");

/// The lines a Python file prints, run with `python3 -c` (none of them
/// imports anything but the standard library).
fn run(source: &str, args: &[&str]) -> Option<Vec<String>> {
    let python = python3()?;
    let mut command = Command::new(python);
    command.arg("-c").arg(source).args(args);
    let done = labkit::process::run(&mut command, Duration::from_secs(120)).unwrap();
    assert_eq!(
        done.status.and_then(|s| s.code()),
        Some(0),
        "{}",
        done.stderr
    );
    Some(done.stdout.lines().map(String::from).collect())
}

#[test]
fn threads_barrier_and_channels_print_what_the_rust_prints() {
    let cases = [
        ("threads.py", THREADS_PY, threads::lines()),
        ("barrier.py", BARRIER_PY, barrier::lines(3)),
        ("channels.py", CHANNELS_PY, channels::lines(3, 5)),
    ];
    for (file, source, rust) in cases {
        let Some(python) = run(source, &[]) else {
            return;
        };
        assert_eq!(python, rust, "{file}");
    }
}

#[test]
fn arc_prints_the_first_line_of_the_rust() {
    let Some(python) = run(ARC_PY, &[]) else {
        return;
    };
    assert_eq!(python, arc::lines()[..1]);
}

#[test]
fn with_releases_at_the_end_of_its_block_and_acquire_holds() {
    let Some(python) = run(GUARD_PY, &[]) else {
        return;
    };
    assert_eq!(
        python,
        [
            "deposit 20 into 100: 120; locked afterwards: false",
            "inside `with lock:`: locked",
            "after that block: free",
            "`lock.acquire()`, next line: locked",
            "after `lock.release()`: free",
        ]
    );
    assert_eq!(python[0], primer::guard::lines()[0]);
}

#[test]
fn the_locked_counter_loses_nothing_and_the_event_stops_the_workers() {
    let Some(python) = run(ATOMICS_PY, &["--increments", "2000", "--threads", "3"]) else {
        return;
    };
    assert_eq!(
        python,
        [
            "3 threads x 2000 increments, under a Lock: the counter reads 6000 (expected 6000)",
            "2 workers saw the stop flag and stopped: true",
        ]
    );
}
