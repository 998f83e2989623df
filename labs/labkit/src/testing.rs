//! Checks every lab's tests make of its command line, written once.
//!
//! Each lab promises the same things to a reader (CONTRIBUTING.md): `--help`
//! lists the experiments, a bad argument is one line on stderr and exit code
//! 2, and `--json` prints one document whose rows have `experiment`,
//! `variant` and `wall_seconds`. These helpers run the lab's binary as a child process,
//! bounded in time, and assert those promises with messages that say which
//! arguments broke which one.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::transcript::{Captured, run_bounded};

/// How long one run of a lab may take in a test before it counts as hung.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the lab binary `bin` with `args`, killing it after [`RUN_TIMEOUT`].
pub fn run(bin: &str, args: &[&str]) -> Captured {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_bounded(Path::new(bin), &args, &[], RUN_TIMEOUT)
        .unwrap_or_else(|err| panic!("running {bin} {args:?}: {err:#}"))
}

/// `--help` exits 0 and mentions every one of `words` (experiments, options).
pub fn assert_help_mentions(bin: &str, words: &[&str]) -> Captured {
    let out = run(bin, &["--help"]);
    assert_eq!(out.code, Some(0), "--help failed: {}", out.stderr);
    for word in words {
        assert!(
            out.stdout.contains(word),
            "--help does not mention {word}:\n{}",
            out.stdout
        );
    }
    out
}

/// `args` is refused the way every lab refuses a bad argument: exit code 2,
/// exactly one line on stderr that contains `names` (the offending value or
/// option), and no panic.
pub fn assert_usage_error(bin: &str, args: &[&str], names: &str) {
    let out = run(bin, args);
    assert_eq!(
        out.code,
        Some(2),
        "{args:?} should be refused with exit 2: {}",
        out.stderr
    );
    assert_eq!(
        out.stderr.trim().lines().count(),
        1,
        "{args:?} should give one line on stderr, got:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(names),
        "{args:?}: the error does not name {names:?}: {}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("panicked"),
        "{args:?} panicked: {}",
        out.stderr
    );
}

/// Runs `args` (which should include `--json`) and returns the rows, after
/// checking that stdout is one JSON document (see
/// [`crate::results::Document`]) with `cores` and `rows`, whose rows carry
/// `experiment`, `variant` and a positive `wall_seconds`.
pub fn json_rows(bin: &str, args: &[&str]) -> Vec<Value> {
    let out = run(bin, args);
    assert_eq!(out.code, Some(0), "{args:?} failed: {}", out.stderr);
    let document: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "{args:?}: stdout is not one JSON document ({err}):\n{}",
            out.stdout
        )
    });
    assert!(
        document["cores"].as_u64().is_some_and(|c| c >= 1),
        "{args:?}: the document does not say how many cores: {document}"
    );
    let rows = document["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{args:?}: the document has no rows: {document}"))
        .clone();
    assert!(!rows.is_empty(), "{args:?} printed no rows");
    for row in &rows {
        for key in ["experiment", "variant"] {
            assert!(row[key].is_string(), "{args:?}: row without a {key}: {row}");
        }
        let wall = row["wall_seconds"].as_f64();
        assert!(
            wall.is_some_and(|w| w >= 0.0),
            "{args:?}: row without wall_seconds: {row}"
        );
    }
    crate::results::Document::from_json(&out.stdout)
        .unwrap_or_else(|err| panic!("{args:?}: not a labkit document: {err:#}"));
    rows
}

/// Runs a `trybuild` check of programs that must not compile (`check`, in
/// which the lab's test calls `trybuild::TestCases::compile_fail`), and when
/// it fails, fails the test with [`toolchain_note`](crate::transcript::toolchain_note):
/// whether the compiler in use is the one the recorded `.stderr` files were
/// made with, and what to do if not.
pub fn refused_as_recorded(lab_dir: &Path, check: impl FnOnce() + std::panic::UnwindSafe) {
    if std::panic::catch_unwind(check).is_err() {
        panic!("{}", crate::transcript::toolchain_note(lab_dir));
    }
}

/// Runs `work` on a thread of its own and returns what it returns, failing
/// the test if it has not finished within `limit`: a broken barrier or a
/// lost wake-up must fail a test, never hang the suite. A panic inside
/// `work` (a failed assertion) is passed on as it is.
pub fn within<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    use std::sync::mpsc::{RecvTimeoutError, channel};
    let (done, finished) = channel();
    let worker = std::thread::spawn(move || {
        let _ = done.send(work());
    });
    match finished.recv_timeout(limit) {
        Ok(value) => {
            let _ = worker.join();
            value
        }
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker ends by sending or by panicking"),
        },
        Err(RecvTimeoutError::Timeout) => {
            panic!(
                "did not finish within {limit:?}: some thread is stuck (deadlock or lost wake-up?)"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_returns_the_value_and_passes_panics_on() {
        assert_eq!(within(Duration::from_secs(60), || 6 * 7), 42);
        let caught =
            std::panic::catch_unwind(|| within(Duration::from_secs(60), || panic!("inner")));
        assert!(caught.is_err());
        let stuck = std::panic::catch_unwind(|| {
            within(Duration::from_millis(50), || {
                std::thread::sleep(Duration::from_secs(5))
            })
        });
        assert!(stuck.is_err(), "a stuck body must fail the test");
    }
}
