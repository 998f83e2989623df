//! No child process is left behind, and none is waited for forever: the
//! pipe listing and the process pool kill a child that does not answer (or
//! does not exit) once their patience runs out, and reap every child they
//! started, on every path, early errors included.
//!
//! One test, its steps one after another, in a test binary of its own: after
//! each step this process must have no child at all, which `/proc` tells
//! exactly (a child not yet reaped is still listed, as a zombie).

#![cfg(target_os = "linux")]

use std::io;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gil::ipc::{self, ChildGuard};
use gil::pool::{Failure, ProcessPool};
use labkit::testing::within;

/// The processes whose parent is this test process, as `pid (name) state`.
fn my_children() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue; // not a process, or one that just ended
        };
        // "pid (name) state ppid ...": the name may hold spaces, so split after ')'.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(1) == Some(&me.as_str()) {
            children.push(format!("{head}) {}", fields[0]));
        }
    }
    children
}

fn assert_no_children(step: &str) {
    assert_eq!(my_children(), Vec::<String>::new(), "after: {step}");
}

/// A child that never writes, never reads and never exits on its own.
fn silent() -> Command {
    let mut command = Command::new("sleep");
    command.arg("600");
    command
}

#[test]
fn every_child_is_killed_when_patience_runs_out_and_always_reaped() {
    within(Duration::from_secs(120), || {
        assert_no_children("nothing yet");

        // The check can fail: a running child is seen.
        let guard = ChildGuard::spawn(&mut silent()).unwrap();
        let seen = my_children();
        assert!(
            seen.iter()
                .any(|c| c.starts_with(&format!("{} (sleep)", guard.id()))),
            "{seen:?}"
        );
        // Dropped while running (an early `?` would do this): killed and reaped.
        drop(guard);
        assert_no_children("dropping a guard while its child runs");

        // A child that never answers: an error after the patience, not a hang.
        let patience = Duration::from_millis(200);
        let start = Instant::now();
        let error = ipc::hello_over_pipe(silent(), patience).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
        assert!(start.elapsed() >= patience);
        assert_no_children("a child that never says hello");

        // A child that never reads: the writer would block on a full pipe
        // (100,000 lines are far more than a pipe holds).
        let error = ipc::many_over_pipe(silent(), 100_000, patience).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
        assert_no_children("a child that never reads its input");

        // A child that exits before reading: the write fails, and the error
        // is reported (a dropped BufWriter would have swallowed it).
        let mut quitter = Command::new("sh");
        quitter.args(["-c", "exit 0"]);
        let error = ipc::many_over_pipe(quitter, 100_000, Duration::from_secs(30)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe, "{error}");
        assert_no_children("a child that exits without reading");

        // A child that does not exit: killed when the wait runs out.
        let guard = ChildGuard::spawn(silent().stdout(Stdio::null())).unwrap();
        let error = guard.wait_within(patience).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
        assert_no_children("a child that does not exit");

        // A pool whose workers ignore the end of their input: shutdown kills
        // them once its patience runs out, and says so.
        let pool = ProcessPool::start(2, silent).unwrap();
        assert_eq!(my_children().len(), 2);
        let start = Instant::now();
        let error = pool.shutdown_within(patience).unwrap_err();
        assert!(start.elapsed() >= patience);
        assert!(error.to_string().contains("did not exit within"), "{error}");
        assert_no_children("a pool whose workers do not exit");

        // A worker that takes its task and never answers: killed at the
        // task's deadline, and reaped.
        let hanging = || {
            let mut command = Command::new("sh");
            command.args(["-c", "read -r line; exec sleep 600"]);
            command
        };
        let mut pool = ProcessPool::start(1, hanging)
            .unwrap()
            .with_task_deadline(patience);
        let failure = pool.map(&["1".into()]).unwrap_err();
        assert!(matches!(failure.why, Failure::TimedOut { .. }), "{failure}");
        assert_no_children("a worker killed at its task's deadline");
        drop(pool);

        // A pool dropped without shutdown.
        drop(ProcessPool::start(3, silent).unwrap());
        assert_no_children("dropping a pool");

        // And the healthy paths leave nothing behind either.
        let mut adder = Command::new("awk");
        adder.args(["{ total += $1 } END { print total }"]);
        assert_eq!(
            ipc::many_over_pipe(adder, 1_000, Duration::from_secs(30)).unwrap(),
            499_500
        );
        assert_no_children("a healthy exchange");
    });
}
