// Listing: a process, its threads, and a child process.
//
// A module of the `parallelism` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom). It uses `labkit` only to ask
// the OS how many threads this process runs.
extern crate labkit;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;

// ANCHOR: who_am_i
/// What the operating system would say about the code running right now.
#[derive(Debug, Clone, PartialEq)]
pub struct WhoAmI {
    /// The process id: the OS's name for this running program.
    pub pid: u32,
    /// The name of the thread asking (`main` for the first thread).
    pub thread: String,
    /// How many threads the process runs, as the OS counts them
    /// (`/proc/self/status` on Linux), or why it cannot tell.
    pub threads: Result<u64, String>,
}

pub fn who_am_i() -> WhoAmI {
    WhoAmI {
        pid: std::process::id(),
        thread: thread::current().name().unwrap_or("<unnamed>").to_string(),
        threads: labkit::os::thread_count().map_err(|err| format!("{err:#}")),
    }
}
// ANCHOR_END: who_am_i

// ANCHOR: shared_counter
/// One counter in this process's memory. Every thread of the process sees
/// the same one; a child process starts with a copy of its own.
pub static LOAVES: AtomicU64 = AtomicU64::new(0);
// ANCHOR_END: shared_counter

// ANCHOR: spawn_thread
/// What a named thread saw, and what it gave back when joined.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadVisit {
    /// The thread describing itself, from inside.
    pub inside: WhoAmI,
    /// The value `join` returned.
    pub returned: String,
}

/// Starts a thread named `name` that adds `loaves` to the shared counter,
/// describes itself and waits until told to finish; joins it.
pub fn visit_named_thread(name: &str, loaves: u64) -> std::io::Result<ThreadVisit> {
    let (report_tx, report_rx) = mpsc::channel();
    let (finish_tx, finish_rx) = mpsc::channel::<()>();
    // `move` hands these values to the new thread: it may outlive this
    // function's stack frame, so it must own what it uses.
    let greeting = format!("{loaves} loaves added by");
    let handle = thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            LOAVES.fetch_add(loaves, Ordering::SeqCst);
            // Describe ourselves while both threads are alive, then wait.
            report_tx
                .send(who_am_i())
                .expect("the main thread is listening");
            let _ = finish_rx.recv();
            format!("{greeting} {}", thread::current().name().unwrap_or("?"))
        })?;
    let inside = report_rx
        .recv()
        .expect("the thread reports before it waits");
    drop(finish_tx); // closing the channel ends the thread's wait
    let returned = handle.join().expect("the thread did not panic");
    Ok(ThreadVisit { inside, returned })
}
// ANCHOR_END: spawn_thread

// ANCHOR: child_process
/// What a finished child process left behind.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildRun {
    /// The child's process id, as the parent saw it when starting it.
    pub pid: u32,
    /// Everything the child printed.
    pub stdout: String,
    /// Its exit code (`None` if a signal ended it).
    pub exit_code: Option<i32>,
}

/// Starts `program` with `args` as a child process and waits for it to end:
/// `multiprocessing.Process(...).start()` then `.join()`, without the pickling.
pub fn run_child(program: &Path, args: &[&str]) -> std::io::Result<ChildRun> {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()?;
    let pid = child.id();
    let output = child.wait_with_output()?; // the `join`: blocks until it exits
    Ok(ChildRun {
        pid,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        exit_code: output.status.code(),
    })
}
// ANCHOR_END: child_process

// ANCHOR: child_body
/// What the lab runs when it is started as a child: it is a whole new
/// process, so its `LOAVES` is a fresh copy, whatever the parent counted.
pub fn child_body(loaves: u64) -> String {
    let before = LOAVES.load(Ordering::SeqCst);
    LOAVES.fetch_add(loaves, Ordering::SeqCst);
    format!(
        "child: pid {}, parent pid {}, loaves: {before} before, {} after adding {loaves}",
        std::process::id(),
        std::os::unix::process::parent_id(),
        LOAVES.load(Ordering::SeqCst)
    )
}
// ANCHOR_END: child_body

// ANCHOR: start_costs
/// Starts `count` threads one after another, joining each before starting
/// the next; each reports the process id and the thread id it runs with.
pub fn start_threads(count: usize) -> Vec<(u32, thread::ThreadId)> {
    (0..count)
        .map(|_| {
            let handle = thread::spawn(|| (std::process::id(), thread::current().id()));
            handle.join().expect("an empty thread cannot panic")
        })
        .collect()
}

/// Starts `program` as a child process `count` times, one after another,
/// waiting for each to end before starting the next.
pub fn start_processes(
    program: &Path,
    args: &[&str],
    count: usize,
) -> std::io::Result<Vec<ChildRun>> {
    (0..count).map(|_| run_child(program, args)).collect()
}
// ANCHOR_END: start_costs

/// A small run of the listing. The lab's child is the lab itself, started
/// again with a hidden subcommand; here the child is a shell, so that the
/// snippet does not depend on how it was started.
pub fn main() {
    let me = who_am_i();
    println!(
        "pid {}, thread {}, threads {:?}",
        me.pid, me.thread, me.threads
    );
    let visit = visit_named_thread("helper", 2).expect("spawning a thread");
    println!("{visit:?}");
    assert_eq!(visit.inside.thread, "helper");
    assert_eq!(visit.inside.pid, me.pid, "threads share their process");
    assert!(LOAVES.load(Ordering::SeqCst) >= 2, "and its memory");
    if let (Ok(before), Ok(during)) = (&me.threads, &visit.inside.threads) {
        assert!(during > before || *before > 1, "{before} then {during}");
    }
    let sh = Path::new("/bin/sh");
    if sh.exists() {
        let child = run_child(sh, &["-c", "echo child $$; exit 3"]).expect("starting sh");
        println!("{child:?}");
        assert_eq!(child.exit_code, Some(3));
        assert_eq!(child.stdout.trim(), format!("child {}", child.pid));
        assert_ne!(child.pid, me.pid);
        let children = start_processes(sh, &["-c", "exit 0"], 3).expect("starting sh");
        assert!(
            children
                .iter()
                .all(|c| c.exit_code == Some(0) && c.pid != me.pid)
        );
    }
    let threads = start_threads(3);
    assert!(threads.iter().all(|(pid, _)| *pid == me.pid), "one process");
    assert!(threads[0].1 != threads[1].1, "thread ids are never reused");
}
