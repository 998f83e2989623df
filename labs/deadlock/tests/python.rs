//! The Python twins the chapter shows run, with the machine's `python3`, and
//! print what the chapter reads. A machine without `python3` skips them.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use labkit::python::{Twin, TwinError};

const TWO_LOCKS_PY: &str = include_str!("../python/two_locks.py");
const TIMEOUT_PY: &str = include_str!("../python/timeout.py");

fn python() -> Option<&'static Path> {
    let python = Path::new("python3");
    match labkit::python::facts(python) {
        Ok(_) => Some(python),
        Err(err) if err.is_missing() => {
            eprintln!("no python3 on this machine: the twins are not run");
            None
        }
        Err(err) => panic!("{err}"),
    }
}

#[test]
fn the_timeout_twin_gives_up_like_the_rust() {
    let Some(python) = python() else { return };
    let args: Vec<String> = ["--rounds", "2", "--scale", "0.1"].map(String::from).into();
    let twin = Twin::new("timeout.py", TIMEOUT_PY);
    let document = labkit::python::run_twin(python, twin, &args, Duration::from_secs(60))
        .unwrap_or_else(|err: TwinError| panic!("{err}"));
    assert_eq!(document.rounds, 2);
    let row = document.row("timeout", "give up").expect("a give up row");
    assert_eq!(row.samples.len(), 2);
    // The wait that began first (thread 2's) runs out first: at least one
    // timeout, 200 ms at this scale, and never both finished.
    assert!(row.samples.iter().all(|&s| s >= 0.2), "{:?}", row.samples);
    for key in ["finished", "gave_up"] {
        assert_eq!(row.columns[key].as_array().unwrap().len(), 2, "{key}");
    }
    assert!(
        row.columns["gave_up"]
            .as_array()
            .unwrap()
            .iter()
            .all(|who| who != "nobody"),
        "{row:?}"
    );
}

#[test]
fn the_deadlock_twin_ends_itself_with_status_3_and_says_who_waits() {
    let Some(python) = python() else { return };
    let dir = std::env::temp_dir().join(format!("deadlock-twin-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("twinkit.py"), labkit::python::TWINKIT_PY).unwrap();
    std::fs::write(dir.join("two_locks.py"), TWO_LOCKS_PY).unwrap();
    let mut command = Command::new(python);
    command
        .arg(dir.join("two_locks.py"))
        .args(["--patience", "0.2"]);
    let done = labkit::process::run(&mut command, Duration::from_secs(60)).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        done.status.and_then(|s| s.code()),
        Some(3),
        "{}{}",
        done.stdout,
        done.stderr
    );
    for line in [
        "  thread 1 acquired lock A",
        "  thread 2 acquired lock B",
        "  thread 1 holds lock A and waits for lock B",
        "  thread 2 holds lock B and waits for lock A",
        "watchdog: deadlock; ending the process (exit status 3)",
    ] {
        assert!(
            done.stdout.contains(line),
            "no {line:?} in:\n{}",
            done.stdout
        );
    }
}
