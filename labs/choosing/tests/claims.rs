//! The numbers the chapter quotes hold in the committed outputs.
//!
//! The costs (`spawn`, `switch`, `memory`, `workers`) and CPython's
//! executors (`python`) are read from their JSON sidecars (exact values,
//! every round); the report's claims are in `report_claims.rs`. Ranges are wide (orders of
//! magnitude and ratios), as the prose is. A run whose machine check found
//! fewer cores than the machine has (`disturbed`) slows every unit that
//! needs a core to run: for such a run only the directions are checked
//! (which unit is dearer), and the test says so. The book's final outputs
//! are made on a quiet machine, where every claim is checked.

use std::path::Path;

use labkit::claims::in_range;
use labkit::{Document, Row};

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sidecar of `file`, and whether its machine delivered all its cores.
fn sidecar(file: &str) -> (Document, bool) {
    labkit::claims::quiet_sidecar(lab(), file)
}

/// Seconds per unit (`units`) or per hand-off (`round trips`, two each).
fn each(row: &Row) -> f64 {
    if let Some(units) = row.extra.get("units").and_then(|v| v.as_f64()) {
        row.wall_seconds / units
    } else {
        row.wall_seconds / (2.0 * row.number("round trips"))
    }
}

/// Reads back `512 B`, `9.6 KiB`, `3.2 MiB` from the `per unit` column.
fn bytes(row: &Row) -> f64 {
    let cell = row.extra["per unit"].as_str().unwrap();
    let (number, unit) = cell.split_once(' ').unwrap();
    let number: f64 = number.parse().unwrap();
    number
        * match unit {
            "B" => 1.0,
            "KiB" => 1024.0,
            "MiB" => 1024.0 * 1024.0,
            other => panic!("unit {other}"),
        }
}

const NS: f64 = 1e-9;
const US: f64 = 1e-6;
const MS: f64 = 1e-3;

#[test]
fn starting_costs_span_orders_of_magnitude() {
    let (d, quiet) = sidecar("spawn.txt");
    // "5,000 OS threads, then 100,000 tokio tasks, then 100,000 rayon jobs, then 200 processes"
    for (variant, units) in [
        ("OS thread", 5_000.0),
        ("tokio task", 100_000.0),
        ("rayon job", 100_000.0),
        ("process", 200.0),
    ] {
        assert_eq!(d.row(None, variant).number("units"), units, "{variant}");
    }
    let per = |variant: &str| each(d.row(None, variant));
    let (thread, task, job, process) = (
        per("OS thread"),
        per("tokio task"),
        per("rayon job"),
        per("process"),
    );
    // "Each is a few to a hundred times dearer than the one before."
    for (cheap, dear, what) in [
        (job, task, "job -> task"),
        (task, thread, "task -> thread"),
        (thread, process, "thread -> process"),
    ] {
        let ratio = dear / cheap;
        if quiet {
            in_range(what, ratio, 2.0, 300.0);
        } else {
            assert!(ratio > 1.0, "{what}: {ratio:.1}x");
        }
    }
    if quiet {
        // "start: a few hundred ns at most", "under 1 µs", "tens of µs", "about 1 ms".
        in_range("rayon job", job, 10.0 * NS, 1.0 * US);
        in_range("tokio task", task, 50.0 * NS, 1.0 * US);
        in_range("OS thread", thread, 5.0 * US, 500.0 * US);
        in_range("process", process, 200.0 * US, 10.0 * MS);
    }
}

#[test]
fn a_task_hand_off_is_tens_of_times_cheaper_than_a_thread_hand_off() {
    let (d, quiet) = sidecar("switch.txt");
    let per = |variant: &str| each(d.row(None, variant));
    let (any, one, tasks) = (
        per("2 threads, any core"),
        per("2 threads, one core"),
        per("2 tokio tasks, one thread"),
    );
    assert!(
        tasks < any && tasks < one,
        "tasks {tasks:e}, threads {any:e}"
    );
    // "Sharing one core does not make it slower" (a quarter of noise allowed).
    assert!(one <= 1.25 * any, "one core {one:e} vs any core {any:e}");
    if quiet {
        // "a few microseconds or more", "a fraction of a µs", "tens of
        // times cheaper, or more".
        in_range("thread hand-off", any, 1.0 * US, 50.0 * US);
        in_range("task hand-off", tasks, 10.0 * NS, 1.0 * US);
        assert!(any / tasks >= 10.0, "threads vs tasks: {:.1}x", any / tasks);
    }
}

#[test]
fn an_idle_task_takes_a_tenth_of_an_idle_thread_or_less() {
    let (d, _) = sidecar("memory.txt");
    // "2,000 idle threads", "100,000 idle tasks"
    assert_eq!(d.row(None, "idle OS thread").number("units"), 2_000.0);
    assert_eq!(d.row(None, "idle tokio task").number("units"), 100_000.0);
    let thread = bytes(d.row(None, "idle OS thread"));
    let task = bytes(d.row(None, "idle tokio task"));
    let process = bytes(d.row(None, "whole process"));
    // Memory does not depend on the cores delivered: checked on any run.
    // "about 10 KiB", "under a KiB, at least ten times less", "a few MiB".
    in_range("idle thread", thread, 4.0 * 1024.0, 32.0 * 1024.0);
    assert!(task < 1024.0, "an idle task: {task} B");
    assert!(thread / task >= 10.0, "{:.1}x", thread / task);
    in_range("process", process, 1024.0 * 1024.0, 20.0 * 1024.0 * 1024.0);
}

#[test]
fn two_workers_cost_no_less_than_one_thread_and_far_less_than_threads() {
    let (d, quiet) = sidecar("workers.txt");
    let spread = d.row(None, "2 tasks, 2 workers");
    assert_eq!(spread.baseline.as_deref(), Some("2 tasks, 1 thread"));
    assert_eq!(spread.ceiling, Some(1.0));
    let speedup = spread.speedup.unwrap();
    // "below 1, or 1 at best": the ball is in one place at a time (within
    // the ceiling's tolerance).
    assert!(speedup <= 1.05, "2 workers over 1 thread: {speedup}x");
    let threads = each(d.row(None, "2 threads"));
    // "still several times less than between two threads"
    assert!(threads / each(spread) >= 2.0, "{}", threads / each(spread));
    if quiet {
        // "no less on two workers, often more, up to about twice as much"
        in_range("2 workers vs 1 thread", 1.0 / speedup, 0.95, 3.0);
    }
}

#[test]
fn cpythons_executors_cost_more_than_rust_in_the_same_order() {
    let (d, quiet) = sidecar("python.txt");
    if !d.rows.iter().any(|r| r.variant.starts_with("Python:")) {
        panic!("python.txt was recorded without a Python interpreter");
    }
    let per = |experiment: &str, variant: &str| each(d.row(Some(experiment), variant));
    let start = |v: &str| per("spawn", v);
    let switch = |v: &str| per("switch", v);
    // "Each Python unit costs more than the Rust unit it mirrors."
    for (python, rust) in [
        ("Python: thread", "Rust: OS thread"),
        ("Python: asyncio task", "Rust: tokio task"),
        ("Python: ThreadPool job", "Rust: rayon job"),
    ] {
        assert!(start(python) > start(rust), "{python} vs {rust}");
    }
    for (python, rust) in [
        ("Python: 2 threads", "Rust: 2 threads, any core"),
        ("Python: 2 asyncio tasks", "Rust: 2 tokio tasks, one thread"),
    ] {
        assert!(switch(python) > switch(rust), "{python} vs {rust}");
    }
    // "a new thread is dear to start, a task cheap"; "a ThreadPoolExecutor
    // job ... far less than a new thread"; a ProcessPoolExecutor job
    // "several times a thread-pool job".
    let thread = start("Python: thread");
    assert!(thread > 3.0 * start("Python: asyncio task"));
    assert!(thread > 3.0 * start("Python: ThreadPool job"));
    assert!(start("Python: ProcessPool job") > 3.0 * start("Python: ThreadPool job"));
    // "two asyncio tasks hand a value over several times faster than two threads"
    assert!(switch("Python: 2 threads") > 2.0 * switch("Python: 2 asyncio tasks"));
    if quiet {
        // The table: an asyncio task starts and switches "in a few µs"; a
        // thread starts "in tens to hundreds of µs", hands off in "around
        // ten µs"; a ThreadPoolExecutor job "under 20 µs"; a
        // ProcessPoolExecutor job "tens of µs".
        in_range(
            "asyncio task start",
            start("Python: asyncio task"),
            0.5 * US,
            10.0 * US,
        );
        in_range(
            "asyncio hand-off",
            switch("Python: 2 asyncio tasks"),
            0.5 * US,
            10.0 * US,
        );
        in_range("thread start", thread, 10.0 * US, 1.0 * MS);
        in_range(
            "thread hand-off",
            switch("Python: 2 threads"),
            3.0 * US,
            40.0 * US,
        );
        in_range(
            "ThreadPool job",
            start("Python: ThreadPool job"),
            0.5 * US,
            20.0 * US,
        );
        in_range(
            "ProcessPool job",
            start("Python: ProcessPool job"),
            10.0 * US,
            500.0 * US,
        );
    }
}
