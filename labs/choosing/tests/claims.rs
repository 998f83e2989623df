//! The numbers the chapter quotes hold in the committed transcripts.
//!
//! `costs.txt` was made at `--scale 1` on the book's machine; these tests
//! read it back, so prose, transcript and claim cannot drift apart. Ranges
//! are wide (orders of magnitude and ratios), as the prose is.

use std::path::Path;
use std::time::Duration;

use labkit::results::Table;
use labkit::timing::parse_duration;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn costs() -> Vec<Table> {
    labkit::transcript::tables(lab(), "costs.txt").unwrap()
}

fn duration(table: &Table, variant: &str, column: &str) -> Duration {
    parse_duration(table.cell(variant, column).unwrap()).unwrap()
}

/// Reads back `512 B`, `9.6 KiB`, `3.2 MiB`.
fn bytes(table: &Table, variant: &str) -> f64 {
    let cell = table.cell(variant, "per unit").unwrap();
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

fn between(value: Duration, low: Duration, high: Duration, what: &str) {
    assert!(
        low <= value && value <= high,
        "{what}: {value:?} not in {low:?}..{high:?}"
    );
}

#[test]
fn starting_costs_span_orders_of_magnitude() {
    let tables = costs();
    let spawn = &tables[0];
    let per = |v| duration(spawn, v, "per unit");
    let (thread, task, job, process) = (
        per("OS thread"),
        per("tokio task"),
        per("rayon job"),
        per("process"),
    );
    between(
        task,
        Duration::from_nanos(50),
        Duration::from_micros(1),
        "task: well under a µs",
    );
    between(
        job,
        Duration::from_nanos(10),
        Duration::from_nanos(500),
        "rayon job: ~100 ns",
    );
    between(
        thread,
        Duration::from_micros(5),
        Duration::from_micros(500),
        "thread: tens of µs",
    );
    between(
        process,
        Duration::from_micros(200),
        Duration::from_millis(10),
        "process: ~1 ms",
    );
    // "Each is a few to a hundred times dearer than the one before."
    for (cheap, dear, what) in [
        (job, task, "job -> task"),
        (task, thread, "task -> thread"),
        (thread, process, "thread -> process"),
    ] {
        let ratio = dear.as_secs_f64() / cheap.as_secs_f64();
        assert!((3.0..=300.0).contains(&ratio), "{what}: {ratio:.1}x");
    }
}

#[test]
fn a_task_hand_off_is_tens_of_times_cheaper_than_a_thread_hand_off() {
    let tables = costs();
    let switch = &tables[1];
    let per = |v| duration(switch, v, "per hand-off");
    let (any, one, tasks) = (
        per("2 threads, any core"),
        per("2 threads, one core"),
        per("2 tokio tasks, one thread"),
    );
    between(
        any,
        Duration::from_micros(1),
        Duration::from_micros(20),
        "threads: a few µs",
    );
    let cores = any.as_secs_f64() / one.as_secs_f64();
    assert!(
        (0.5..=2.0).contains(&cores),
        "one core vs any core: {cores:.2}"
    );
    assert!(
        tasks < Duration::from_micros(1),
        "tasks: a fraction of a µs, {tasks:?}"
    );
    let ratio = any.as_secs_f64() / tasks.as_secs_f64();
    assert!(
        (10.0..=100.0).contains(&ratio),
        "threads vs tasks: {ratio:.1}x"
    );
    // The exercise: on two workers, about twice the one-thread cost, and
    // still far below a thread hand-off.
    let spread = per("2 tokio tasks, 2 workers");
    let cost = spread.as_secs_f64() / tasks.as_secs_f64();
    assert!(
        (1.0..=4.0).contains(&cost),
        "2 workers vs 1 thread: {cost:.2}x"
    );
    let below = any.as_secs_f64() / spread.as_secs_f64();
    assert!(below >= 5.0, "threads vs tasks on 2 workers: {below:.1}x");
}

#[test]
fn an_idle_task_takes_a_twentieth_of_an_idle_thread() {
    let tables = costs();
    let memory = &tables[2];
    let thread = bytes(memory, "idle OS thread");
    let task = bytes(memory, "idle tokio task");
    let process = bytes(memory, "whole process");
    assert!(
        (4096.0..=32.0 * 1024.0).contains(&thread),
        "about 10 KiB: {thread}"
    );
    assert!(task < 512.0, "under half a KiB: {task}");
    assert!(thread / task >= 10.0, "{:.1}x", thread / task);
    assert!(
        (1024.0 * 1024.0..=20.0 * 1024.0 * 1024.0).contains(&process),
        "a few MiB: {process}"
    );
}
